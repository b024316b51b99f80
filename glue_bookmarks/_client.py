"""The `GlueBookmarks` facade: the one place that talks to botocore."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, cast

import botocore.session
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from glue_bookmarks._converter import entry_from_response
from glue_bookmarks._exceptions import (
    ConfigurationError,
    InvalidParameterError,
    ResponseValidationError,
    from_botocore_error,
    from_client_error,
)
from glue_bookmarks._models import JobBookmarkEntry
from glue_bookmarks._validation import check_endpoint_url, check_name, check_optional
from glue_bookmarks._version import __version__

if TYPE_CHECKING:
    from types_boto3_glue.client import GlueClient

__all__ = ["GlueBookmarks", "get_job_bookmark", "reset_job_bookmark"]

# The client method of each operation we call, named once rather than on every call.
_METHOD_NAMES: Final = {name: xform_name(name) for name in ("GetJobBookmark", "ResetJobBookmark")}

_DEFAULT_CONFIG: Final = Config(
    retries={"mode": "standard"},
    user_agent_extra=f"glue-bookmarks/{__version__}",
)


def _request(job_name: object, run_id: object) -> dict[str, str]:
    params = {"JobName": check_name("job_name", job_name)}
    if run_id is not None:
        params["RunId"] = check_name("run_id", run_id)
    return params


class GlueBookmarks:
    """A typed client for AWS Glue job bookmarks.

    It wraps one botocore Glue client. A client passed in is used as is and never closed here;
    otherwise one is created on first use (once, thread-safely) from the standard AWS chain
    (environment, shared config and credentials files, container or instance metadata), and
    `close()` (or leaving a `with` block) closes it. One instance serves many threads.

    Example:
        ```python
        with GlueBookmarks(region_name="eu-west-1") as gb:
            entry = gb.get_job_bookmark("nightly-orders")
            print(entry.version, entry.run_id)
        ```

    Args:
        client: A botocore (or boto3) Glue client to use as is. Cannot be combined with the
            other arguments, which only shape a client created here.
        session: The botocore session to create the client from; a new one by default.
        region_name: The AWS region; by default the session's (`AWS_DEFAULT_REGION`, profile).
        profile_name: The shared-config profile. With `session`, it becomes that session's
            profile, as `boto3.Session(botocore_session=..., profile_name=...)` does.
        endpoint_url: Another endpoint, such as `"http://127.0.0.1:5000"` for moto server.
        config: A `botocore.config.Config`, used as is. Without one, the client uses retry
            mode `"standard"`.

    Raises:
        InvalidParameterError: `client` is not a Glue client or is combined with other
            arguments, another argument has the wrong type, or `endpoint_url` is not an
            http(s) URL. Nothing else is checked, and nothing is sent, until the first call.
    """

    def __init__(
        self,
        *,
        client: GlueClient | None = None,
        session: botocore.session.Session | None = None,
        region_name: str | None = None,
        profile_name: str | None = None,
        endpoint_url: str | None = None,
        config: Config | None = None,
    ) -> None:
        if client is not None:
            others = [
                name
                for name, value in (
                    ("session", session),
                    ("region_name", region_name),
                    ("profile_name", profile_name),
                    ("endpoint_url", endpoint_url),
                    ("config", config),
                )
                if value is not None
            ]
            if others:
                raise InvalidParameterError(
                    f"client is used as is, so it cannot be combined with {', '.join(others)}",
                    parameter="client",
                )
            service_name = getattr(
                getattr(getattr(client, "meta", None), "service_model", None),
                "service_name",
                None,
            )
            if service_name != "glue":
                raise InvalidParameterError(
                    f"client must be a botocore Glue client, got {type(client).__name__} "
                    f"for service {service_name!r}",
                    parameter="client",
                )
        check_optional(
            "session",
            session,
            botocore.session.Session,
            hint=" (for a boto3.Session, pass client=boto3_session.client('glue'))",
        )
        check_optional("region_name", region_name, str)
        check_optional("profile_name", profile_name, str)
        check_optional("config", config, Config)
        check_endpoint_url(endpoint_url)
        self._client = client
        self._owns_client = client is None
        self._session = session
        self._region_name = region_name
        self._profile_name = profile_name
        self._endpoint_url = endpoint_url
        self._config = config
        self._lock = threading.Lock()
        self._closed = False

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        origin = "created here" if self._owns_client else "injected"
        return f"<GlueBookmarks {state}, client {origin}>"

    def __enter__(self) -> GlueBookmarks:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the botocore client if it was created here; an injected one is left open.

        Calling `close()` again does nothing. Any call after it raises `ConfigurationError`.
        """
        with self._lock:
            client, self._client = self._client, None
            self._closed = True
        if client is not None and self._owns_client:
            client.close()

    def _get_client(self) -> GlueClient:
        client = self._client
        if client is not None:
            return client
        with self._lock:
            if self._closed:
                raise ConfigurationError("this GlueBookmarks is closed; create a new one")
            if self._client is None:
                self._client = self._create_client()
            return self._client

    def _create_client(self) -> GlueClient:
        try:
            session = self._session
            if session is None:
                session = botocore.session.Session(profile=self._profile_name)
            elif self._profile_name is not None:
                session.set_config_variable("profile", self._profile_name)
            client = session.create_client(
                "glue",
                region_name=self._region_name,
                endpoint_url=self._endpoint_url,
                config=self._config if self._config is not None else _DEFAULT_CONFIG,
            )
        except BotoCoreError as exc:
            raise from_botocore_error(exc, operation_name=None) from exc
        except ValueError as exc:
            # botocore raises a bare ValueError for a malformed setting it reads itself,
            # such as an AWS_ENDPOINT_URL that is not a URL.
            raise ConfigurationError(f"cannot create the Glue client: {exc}") from exc
        return cast("GlueClient", client)

    @staticmethod
    def _call(
        operation_name: str, method: Callable[..., Mapping[str, Any]], params: dict[str, str]
    ) -> Mapping[str, Any]:
        try:
            response = method(**params)
        except ClientError as exc:
            raise from_client_error(exc, operation_name=operation_name) from exc
        except BotoCoreError as exc:
            raise from_botocore_error(exc, operation_name=operation_name) from exc
        except (ResponseParserError, AttributeError, TypeError, ValueError) as exc:
            # botocore's JSON parser fails like this on a 2xx body of another shape,
            # such as `[]`, `null`, `{"JobBookmarkEntry": []}` or bytes that are not UTF-8.
            raise ResponseValidationError(
                f"botocore could not parse the {operation_name} answer: "
                f"{type(exc).__name__}: {exc}",
                operation_name=operation_name,
            ) from exc
        return response

    def get_job_bookmark(self, job_name: str, *, run_id: str | None = None) -> JobBookmarkEntry:
        """Get a job's bookmark entry (`GetJobBookmark`).

        Args:
            job_name: The name of the job.
            run_id: The id of a run of the job. AWS documents it only as "the unique run
                identifier associated with this job run"; see the bookmark state guide.

        Returns:
            The job's bookmark entry; its `state` is the parsed bookmark.

        Raises:
            InvalidParameterError: `job_name` or `run_id` is not a valid Glue name; nothing
                was sent.
            EntityNotFoundError: The job does not exist, or has no bookmark yet.
            ServiceError: Any other error answer (see the subclasses).
            TransportError: No answer: connection refused or closed, or a timeout.
            ResponseValidationError: A success answer that does not fit the model.
            ConfigurationError: No credentials or region, an unknown profile, or a closed
                client.
        """
        return self._entry_call("GetJobBookmark", job_name, run_id)

    def reset_job_bookmark(self, job_name: str, *, run_id: str | None = None) -> JobBookmarkEntry:
        """Reset a job's bookmark, or rewind it to a previous run (`ResetJobBookmark`).

        Without `run_id` the next run with bookmarks enabled processes all its data again.
        With one, the Glue developer guide describes rewinding the bookmark to that run, so
        later runs process data from that run onward. This changes state in the account.

        Args:
            job_name: The name of the job.
            run_id: The id of the run to rewind to.

        Returns:
            The entry the service returns, which AWS describes as "the reset bookmark entry".

        Raises:
            InvalidParameterError: `job_name` or `run_id` is not a valid Glue name; nothing
                was sent.
            EntityNotFoundError: The job does not exist, or has no bookmark to reset.
            ServiceError: Any other error answer (see the subclasses).
            TransportError: No answer: connection refused or closed, or a timeout. The reset
                may or may not have happened.
            ResponseValidationError: A success answer that does not fit the model.
            ConfigurationError: No credentials or region, an unknown profile, or a closed
                client.
        """
        return self._entry_call("ResetJobBookmark", job_name, run_id)

    def _entry_call(
        self, operation_name: str, job_name: str, run_id: str | None
    ) -> JobBookmarkEntry:
        params = _request(job_name, run_id)
        method = getattr(self._get_client(), _METHOD_NAMES[operation_name])
        response = self._call(operation_name, method, params)
        return entry_from_response(response, job_name=job_name, operation_name=operation_name)


_default: GlueBookmarks | None = None
_default_lock = threading.Lock()


def _default_client() -> GlueBookmarks:
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = GlueBookmarks()
    return _default


def get_job_bookmark(job_name: str, *, run_id: str | None = None) -> JobBookmarkEntry:
    """Get a job's bookmark entry with one default `GlueBookmarks()`, created on first use.

    The default client uses the standard AWS chain for credentials and region. Use a
    `GlueBookmarks` of your own to choose them.

    Args:
        job_name: The name of the job.
        run_id: The id of a run of the job.

    Returns:
        The job's bookmark entry.

    Raises:
        GlueBookmarksError: As `GlueBookmarks.get_job_bookmark` raises.
    """
    return _default_client().get_job_bookmark(job_name, run_id=run_id)


def reset_job_bookmark(job_name: str, *, run_id: str | None = None) -> JobBookmarkEntry:
    """Reset or rewind a job's bookmark with the default `GlueBookmarks()`.

    The same default client as `get_job_bookmark()`, created on first use.

    Args:
        job_name: The name of the job.
        run_id: The id of the run to rewind to.

    Returns:
        The entry the service returns.

    Raises:
        GlueBookmarksError: As `GlueBookmarks.reset_job_bookmark` raises.
    """
    return _default_client().reset_job_bookmark(job_name, run_id=run_id)
