"""What both clients hold: their settings, the `Config` merge, the client made from them, and
how a many-jobs run starts on it.

`GlueBookmarks` and `AsyncGlueBookmarks` subclass `BaseBookmarks`, which checks and keeps the
constructor's arguments and says how to create the botocore (or aiobotocore) client; each
subclass creates it, lazily, with its own I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import Token
from typing import Any, Final, TypeVar

import botocore.session
from botocore.client import BaseClient
from botocore.config import Config
from botocore.configprovider import ConfigChainFactory
from botocore.endpoint import MAX_POOL_CONNECTIONS
from botocore.exceptions import BotoCoreError

from glue_bookmarks import _limits
from glue_bookmarks._exceptions import (
    ConfigurationError,
    GlueBookmarksError,
    InvalidParameterError,
    from_botocore_error,
)
from glue_bookmarks._limits import Limits
from glue_bookmarks._operations import Batch
from glue_bookmarks._pacing import Pace, PacedRun, hook_pacing
from glue_bookmarks._schedule import Schedule
from glue_bookmarks._validation import (
    check_endpoint_url,
    check_max_answer_bytes,
    check_optional,
)
from glue_bookmarks._version import __version__

__all__ = ["BaseBookmarks", "creation_error", "default_config"]

# Connections are opened only as they are needed, so a large pool costs nothing idle; it
# bounds the requests a many-jobs run has in flight over a client created here.
_POOL_CONNECTIONS: Final = 64
# The retry mode of a client created here when nothing the user set names one.
_RETRY_MODE: Final = "standard"


def default_config(*, max_pool_connections: int = _POOL_CONNECTIONS) -> Config:
    """Our defaults for the options botocore reads only from a `Config`: a pool, a user agent.

    A client created here gets them under the caller's `config`; its retry mode, which
    botocore also reads from the environment and the profile, is settled by `client_config`.

    Args:
        max_pool_connections: The pool size; at least the default of 64 is used.
    """
    return Config(
        max_pool_connections=max(max_pool_connections, _POOL_CONNECTIONS),
        user_agent_extra=f"glue-bookmarks/{__version__}",
    )


_DEFAULT_CONFIG: Final = default_config()


def _user_setting(session: botocore.session.Session, name: str, env_var: str) -> object:
    """What the user set for a botocore setting, or None where botocore would use its default.

    The chain is botocore's own, in its order: the session's `set_config_variable`, the
    environment variable, the profile in the shared config file; but without the default that
    `session.get_config_variable` falls back to, which cannot be told from a value set.
    """
    chain = ConfigChainFactory(session).create_config_chain(
        instance_name=name, env_var_names=env_var, config_property_names=name
    )
    return chain.provide()


def client_config(
    session: botocore.session.Session, config: Config | None, defaults: Config = _DEFAULT_CONFIG
) -> Config:
    """The `Config` of a client created here: ours (`defaults`), under what the user set.

    What `config` sets wins over our defaults (`Config.merge`), key by key within `retries`.
    The retry mode stays unset, for botocore to read from the environment or the profile, when
    either names one; only when neither does, and `config` does not, is ours used. Our
    defaults set no `max_attempts`, so botocore reads it from `config`, the environment or the
    profile, in that order, as it does for any client.
    """
    merged = defaults if config is None else defaults.merge(config)
    retries: Any = dict(getattr(merged, "retries", None) or {})
    if "mode" not in retries and _user_setting(session, "retry_mode", "AWS_RETRY_MODE") is None:
        retries["mode"] = _RETRY_MODE
        merged = merged.merge(Config(retries=retries))
    return merged


def _pool_size(client: BaseClient) -> int:
    """The client's connection pool size: the most requests it runs at once."""
    pool = getattr(client.meta.config, "max_pool_connections", None)
    if not isinstance(pool, int) or pool < 1:
        pool = MAX_POOL_CONNECTIONS  # botocore's default, which a client built without one uses
    return pool


def creation_error(exc: BotoCoreError | ValueError) -> GlueBookmarksError:
    """Our error for what creating a client raised."""
    if isinstance(exc, BotoCoreError):
        return from_botocore_error(exc, operation_name=None)
    # botocore raises a bare ValueError for a malformed setting it reads itself, such as an
    # AWS_ENDPOINT_URL that is not a URL.
    return ConfigurationError(f"cannot create the Glue client: {exc}")


_Session = TypeVar("_Session", bound=botocore.session.Session)
T = TypeVar("T")


class BaseBookmarks:
    # Whether the client is an aiobotocore one, whose hooks are awaited.
    _asynchronous = False

    """The settings of a client, checked; the client injected, or how to create one.

    Args:
        client: A Glue client to use as is, of `client_type`; or None to create one.
        session, region_name, profile_name, endpoint_url, config: As the subclasses document.
        client_type: The class an injected client must be an instance of.
        session_type: The class `session` must be an instance of.
        client_hint: Added to the error of a `client` of the wrong class.
        session_hint: Added to the error of a `session` of the wrong class.
    """

    def __init__(
        self,
        *,
        client: Any,
        session: Any,
        region_name: str | None,
        profile_name: str | None,
        endpoint_url: str | None,
        config: Config | None,
        max_answer_bytes: int,
        s3_client: Any = None,
        client_type: type,
        session_type: type,
        client_hint: str = "",
        session_hint: str,
    ) -> None:
        if client is not None:
            given = [
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
            if given:
                raise InvalidParameterError(
                    f"client is used as is, so it cannot be combined with {', '.join(given)}",
                    parameter="client",
                )
            _check_client(client, "glue", "client")
            check_optional("client", client, client_type, hint=client_hint)
        if s3_client is not None:
            _check_client(s3_client, "s3", "s3_client")
            check_optional("s3_client", s3_client, client_type, hint=client_hint)
        check_optional("session", session, session_type, hint=session_hint)
        check_optional("region_name", region_name, str)
        check_optional("profile_name", profile_name, str)
        check_optional("config", config, Config)
        check_endpoint_url(endpoint_url)
        check_max_answer_bytes(max_answer_bytes)
        self._client = client
        self._owns_client = client is None
        self._s3_client = s3_client
        self._session = session
        self._region_name = region_name
        self._profile_name = profile_name
        self._endpoint_url = endpoint_url
        self._config = config
        self._max_answer_bytes = max_answer_bytes
        # The limits of a call made outside any operation or run with a deadline.
        self._limits = Limits(None, None, max_answer_bytes)
        self._closed = False

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        origin = "created here" if self._owns_client else "injected"
        return f"<{type(self).__name__} {state}, client {origin}>"

    def _new_schedule(
        self, client: BaseClient, batch: Batch[T], names: Iterable[str]
    ) -> Schedule[T]:
        """A new run of the many-jobs schedule over `names`, with pacing hooked into `client`."""
        hook_pacing(client, asynchronous=self._asynchronous)
        workers = min(batch.max_concurrency, _pool_size(client), len(batch.names))
        timeout = batch.timeout
        outer = _limits.current()
        if outer is not None and outer.deadline is not None:
            # Within a deadline already set (an operation's, the command's): no later.
            left = max(outer.left(), 0.0)
            timeout = left if timeout is None else min(timeout, left)
        return Schedule(names, PacedRun(Pace()), workers=workers, timeout=timeout)

    def _job_limits(self, schedule: Schedule[Any]) -> Token[Limits | None]:
        """Set the limits of one job of a many-jobs run, in its worker: the run's deadline
        and stop event, and this client's `max_answer_bytes`. `_limits.leave` after."""
        return _limits.enter(
            schedule.timeout,
            deadline=schedule.deadline,
            max_bytes=self._max_answer_bytes,
            stopped=schedule.run.stopped,
        )

    def _closed_error(self) -> ConfigurationError:
        return ConfigurationError(f"this {type(self).__name__} is closed; create a new one")

    def _creation(
        self, new_session: Callable[..., _Session], defaults: Config = _DEFAULT_CONFIG
    ) -> tuple[_Session, dict[str, Any]]:
        """The session to create the client from, and the arguments of `create_client`.

        With `session`, `profile_name` becomes that session's profile, as
        `boto3.Session(botocore_session=..., profile_name=...)` does.
        """
        session = self._session
        if session is None:
            session = new_session(profile=self._profile_name)
        elif self._profile_name is not None:
            session.set_config_variable("profile", self._profile_name)
        return session, {
            "region_name": self._region_name,
            "endpoint_url": self._endpoint_url,
            "config": client_config(session, self._config, defaults),
        }

    def _s3_creation(
        self, glue: Any, new_session: Callable[..., _Session], defaults: Config = _DEFAULT_CONFIG
    ) -> tuple[_Session, dict[str, Any]]:
        """The session and `create_client` arguments of the S3 client that reads scripts: the
        Glue client's own settings (profile, region, endpoint, config), or, beside an injected
        Glue client `glue`, a default session in that client's region."""
        if self._owns_client:
            return self._creation(new_session, defaults)
        session = new_session()
        return session, {
            "region_name": glue.meta.region_name,
            "config": client_config(session, None, defaults),
        }


def _check_client(client: object, service: str, parameter: str) -> None:
    service_name = getattr(
        getattr(getattr(client, "meta", None), "service_model", None), "service_name", None
    )
    if service_name != service:
        what = "Glue" if service == "glue" else service.upper()
        raise InvalidParameterError(
            f"{parameter} must be a botocore {what} client, got {type(client).__name__} "
            f"for service {service_name!r}",
            parameter=parameter,
        )
