"""The `GlueBookmarks` facade: the one place that talks to botocore."""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, cast

import botocore.session
from botocore import xform_name
from botocore.config import Config
from botocore.endpoint import MAX_POOL_CONNECTIONS
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from glue_bookmarks._converter import entry_from_response
from glue_bookmarks._exceptions import (
    ConfigurationError,
    EntityNotFoundError,
    GlueBookmarksError,
    InvalidParameterError,
    ResponseValidationError,
    from_botocore_error,
    from_client_error,
    narrow_not_found,
)
from glue_bookmarks._models import JobBookmarkEntry
from glue_bookmarks._validation import check_endpoint_url, check_name, check_optional
from glue_bookmarks._version import __version__

if TYPE_CHECKING:
    from types_boto3_glue.client import GlueClient

__all__ = ["GlueBookmarks", "get_job_bookmark", "reset_job_bookmark"]

# The client method of each operation we call, named once rather than on every call.
_METHOD_NAMES: Final = {name: xform_name(name) for name in ("GetJobBookmark", "ResetJobBookmark")}

# Connections are opened only as threads need them, so a large pool costs nothing idle; it
# bounds the threads `get_job_bookmarks` runs over a client created here.
DEFAULT_POOL_CONNECTIONS: Final = 64
DEFAULT_MAX_WORKERS: Final = 16

DEFAULT_CONFIG: Final = Config(
    retries={"mode": "standard"},
    max_pool_connections=DEFAULT_POOL_CONNECTIONS,
    user_agent_extra=f"glue-bookmarks/{__version__}",
)

# What botocore raises from a call, the parse of its answer included: its JSON parser fails
# with a bare AttributeError, TypeError or ValueError on a 2xx body of another shape, such as
# `[]`, `null`, `{"JobBookmarkEntry": []}` or bytes that are not UTF-8.
_CALL_ERRORS: Final = (
    ClientError,
    BotoCoreError,
    ResponseParserError,
    AttributeError,
    TypeError,
    ValueError,
)


def _typed_error(exc: Exception, operation_name: str) -> GlueBookmarksError:
    """Our exception for one of `_CALL_ERRORS`, raised by botocore during `operation_name`."""
    if isinstance(exc, ClientError):
        return from_client_error(exc, operation_name=operation_name)
    if isinstance(exc, BotoCoreError):
        return from_botocore_error(exc, operation_name=operation_name)
    return ResponseValidationError(
        f"botocore could not parse the {operation_name} answer: {type(exc).__name__}: {exc}",
        operation_name=operation_name,
    )


def _request(job_name: object, run_id: object) -> dict[str, str]:
    params = {"JobName": check_name("job_name", job_name)}
    if run_id is not None:
        params["RunId"] = check_name("run_id", run_id)
    return params


def _check_job_names(job_names: object) -> list[str]:
    if isinstance(job_names, str | bytes) or not isinstance(job_names, Iterable):
        raise InvalidParameterError(
            f"job_names must be an iterable of job names (such as a list), "
            f"got {type(job_names).__name__}",
            parameter="job_names",
        )
    names = list(job_names)
    for index, name in enumerate(names):
        check_name(f"job_names[{index}]", name)
    return names


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
            mode `"standard"` and a pool of up to 64 connections.

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
                config=self._config if self._config is not None else DEFAULT_CONFIG,
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
            return method(**params)
        except _CALL_ERRORS as exc:
            raise _typed_error(exc, operation_name) from exc

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

    def iter_job_names(self, *, prefix: str | None = None) -> Iterator[str]:
        """Yield the name of every job in the account and region (`ListJobs`, paginated).

        Pages are fetched as the iteration needs them, with botocore's own paginator, in the
        order the service lists them. Glue has no server-side filter by name, so `prefix`
        is applied here, to the names each page brings.

        Example:
            ```python
            names = list(gb.iter_job_names(prefix="nightly-"))
            ```

        Args:
            prefix: Yield only the names that start with it (case-sensitive).

        Returns:
            An iterator of job names; each page is requested when the iteration reaches it.

        Raises:
            InvalidParameterError: `prefix` is not a str; raised by the call itself,
                before any request.
            ServiceError: An error answer to a page request (see the subclasses).
            TransportError: No answer to a page request.
            ResponseValidationError: A page whose `JobNames` is not a list of strings.
            ConfigurationError: No credentials or region, an unknown profile, or a closed
                client.
        """
        check_optional("prefix", prefix, str)
        pages = self._get_client().get_paginator("list_jobs").paginate()
        return self._job_names(iter(pages), prefix)

    @staticmethod
    def _job_names(pages: Iterator[Mapping[str, Any]], prefix: str | None) -> Iterator[str]:
        while True:
            try:
                page = next(pages)
            except StopIteration:
                return
            except _CALL_ERRORS as exc:
                raise _typed_error(exc, "ListJobs") from exc
            names = page.get("JobNames")
            if not isinstance(names, list) or not all(type(name) is str for name in names):
                metadata = page.get("ResponseMetadata") or {}
                raise ResponseValidationError(
                    f"the ListJobs answer's JobNames is not a list of strings: {names!r:.200}",
                    operation_name="ListJobs",
                    field="JobNames",
                    status_code=metadata.get("HTTPStatusCode"),
                    request_id=metadata.get("RequestId"),
                )
            for name in names:
                if prefix is None or name.startswith(prefix):
                    yield name

    def get_job_bookmarks(
        self,
        job_names: Iterable[str],
        *,
        max_workers: int = DEFAULT_MAX_WORKERS,
        on_progress: Callable[[int, int], object] | None = None,
    ) -> list[JobBookmarkEntry | GlueBookmarksError]:
        """Get the bookmark entries of many jobs, in parallel over this one client.

        Each distinct name is fetched once (`GetJobBookmark`), by a pool of threads sharing
        the botocore client; botocore's retry machinery (the client's retry mode) retries
        throttled and failed requests as it does for one call. One job's failure never
        stops the others: its place in the result holds the typed error instead of an entry.

        An `EntityNotFoundException` is told apart with one `GetJob` request: the result is a
        `JobNotFoundError` when the job does not exist and a `NoBookmarkError` when it exists
        without a bookmark (both are `EntityNotFoundError`s). When `GetJob` itself fails (no
        `glue:GetJob` permission, say), the result stays the plain `EntityNotFoundError`.

        Example:
            ```python
            names = list(gb.iter_job_names())
            for name, result in zip(names, gb.get_job_bookmarks(names)):
                if isinstance(result, JobBookmarkEntry):
                    print(name, result.run)
                elif isinstance(result, NoBookmarkError):
                    print(name, "no bookmark yet")
                else:
                    print(name, "failed:", result)
            ```

        Args:
            job_names: The jobs, such as `iter_job_names()` yields; read once, up front.
            max_workers: The most threads to run. Fewer run when there are fewer distinct
                names, or when the client's connection pool (`max_pool_connections`: 64 for
                a client created here without `config`, botocore's default of 10 for a new
                boto3 client) is smaller, since a thread without a pooled connection would
                open a new one per request.
            on_progress: Called as `on_progress(done, total)` in the calling thread after
                each job's result arrives, where `total` is `len(job_names)`. An exception
                it raises stops the work (requests not yet started are cancelled) and
                propagates.

        Returns:
            One result per name, in the order of `job_names` (a name given twice gets the
            same result twice): its `JobBookmarkEntry`, or the `ServiceError`,
            `TransportError` or `ResponseValidationError` its request ended with.

        Raises:
            InvalidParameterError: `job_names` is a str rather than an iterable of names, a
                name is not a valid Glue name, or `max_workers` is not a positive int;
                nothing was sent.
            ConfigurationError: No credentials or region, an unknown profile, or a closed
                client: no job can succeed, so this is raised rather than returned.
        """
        names = _check_job_names(job_names)
        if type(max_workers) is not int or max_workers < 1:
            raise InvalidParameterError(
                f"max_workers must be a positive int, got {max_workers!r}",
                parameter="max_workers",
            )
        if on_progress is not None and not callable(on_progress):
            raise InvalidParameterError(
                f"on_progress must be callable or None, got {type(on_progress).__name__}",
                parameter="on_progress",
            )
        if not names:
            return []
        client = self._get_client()
        copies = Counter(names)  # in first-seen order: each distinct name is fetched once
        distinct = list(copies)
        pool = getattr(client.meta.config, "max_pool_connections", None)
        if not isinstance(pool, int) or pool < 1:
            pool = MAX_POOL_CONNECTIONS  # botocore's default, which a client built without one uses
        workers = min(max_workers, len(distinct), pool)
        results: dict[str, JobBookmarkEntry | GlueBookmarksError] = {}
        done = 0
        # Two jobs queued per thread keep every thread busy; submitting all at once would hold
        # a Future per job (about 2 KiB each) until the last one is done.
        queued = iter(distinct)
        executor = ThreadPoolExecutor(workers, thread_name_prefix="glue-bookmarks")
        try:
            pending = {
                executor.submit(self._bookmark_or_error, name): name
                for name in itertools.islice(queued, 2 * workers)
            }
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    name = pending.pop(future)
                    results[name] = future.result()
                    following = next(queued, None)
                    if following is not None:
                        pending[executor.submit(self._bookmark_or_error, following)] = following
                    done += copies[name]
                    if on_progress is not None:
                        on_progress(done, len(names))
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
        return [results[name] for name in names]

    def _bookmark_or_error(self, job_name: str) -> JobBookmarkEntry | GlueBookmarksError:
        try:
            return self._entry_call("GetJobBookmark", job_name, None)
        except EntityNotFoundError as exc:
            return self._told_apart(exc, job_name)
        except ConfigurationError:
            raise
        except GlueBookmarksError as exc:
            return exc

    def _told_apart(self, error: EntityNotFoundError, job_name: str) -> EntityNotFoundError:
        """`error` as `JobNotFoundError` or `NoBookmarkError`, as `GetJob` tells."""
        try:
            self._call("GetJob", self._get_client().get_job, {"JobName": job_name})
        except EntityNotFoundError:
            return narrow_not_found(error, job_exists=False)
        except ConfigurationError:
            raise
        except GlueBookmarksError:
            return error
        return narrow_not_found(error, job_exists=True)

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
