"""The exceptions glue-bookmarks raises, and how botocore's errors map onto them.

Every error the public API raises is a `GlueBookmarksError`; no botocore exception escapes,
nor one of aiobotocore or aiohttp from `AsyncGlueBookmarks`.

```
GlueBookmarksError
├── InvalidParameterError    (also ValueError) a bad argument, raised before any request is sent
│   └── SnapshotError          a file that is not a snapshot (`glue-bookmarks list --output json`)
├── ConfigurationError       no credentials, no region, unknown profile, a closed client
├── TransportError           no usable answer: connection refused or closed, connect/read timeout
├── DeadlineExceededError    a call (or a job of many) not done when its timeout passed
├── ResponseValidationError  a 2xx answer that does not fit the operation's output shape
│   └── BookmarkParseError     a JobBookmark string that does not parse into a BookmarkState
├── BookmarkChangedError     a rewind refused: the bookmark changed since its plan was made
├── JobRunActiveError        a change refused while a run of the job is active
└── ServiceError             the service answered with an error
    ├── EntityNotFoundError    EntityNotFoundException
    │   ├── JobNotFoundError       the job does not exist (told apart by one GetJob)
    │   └── NoBookmarkError        the job exists but has no bookmark yet (likewise)
    ├── InvalidInputError      InvalidInputException
    ├── InternalServiceError   InternalServiceException
    ├── OperationTimeoutError  OperationTimeoutException
    ├── ValidationError        ValidationException
    ├── ThrottlingError        ThrottlingException and the other throttling codes botocore knows
    ├── AccessDeniedError      AccessDeniedException
    ├── ConcurrentRunsExceededError        ConcurrentRunsExceededException
    └── ResourceNumberLimitExceededError   ResourceNumberLimitExceededException
```

Every exception keeps its context in keyword-only attributes and pickles: the positional
arguments are the message alone and the context travels in the instance `__dict__`.

No message holds the user-info of a URL (`http://user:password@host`): botocore's transport
errors quote the endpoint URL, and every message is redacted (`http://***@host`) where the root
class is made, so `str()`, `repr()`, pickles and the command's error lines never show it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from botocore import exceptions as botocore_exceptions
from botocore.parsers import ResponseParserError

__all__ = [
    "CALL_ERRORS",
    "CODE_TO_CLASS",
    "THROTTLING_CODES",
    "AccessDeniedError",
    "BookmarkChangedError",
    "BookmarkParseError",
    "ConcurrentRunsExceededError",
    "ConfigurationError",
    "DeadlineExceededError",
    "EntityNotFoundError",
    "GlueBookmarksError",
    "InternalServiceError",
    "InvalidInputError",
    "InvalidParameterError",
    "JobNotFoundError",
    "JobRunActiveError",
    "NoBookmarkError",
    "OperationTimeoutError",
    "ResourceNumberLimitExceededError",
    "ResponseValidationError",
    "ServiceError",
    "SnapshotError",
    "ThrottlingError",
    "TransportError",
    "ValidationError",
    "async_call_errors",
    "from_botocore_error",
    "from_call_error",
    "from_client_error",
    "narrow_not_found",
    "redacted",
    "response_context",
]


# A URL's scheme and user-info, up to the last `@` before whitespace: greedy, so a password
# holding a `/`, `@` or quote (which a URL should percent-encode, but a user may not) is
# hidden whole. Where the rest of the text has an `@` too, more is hidden than needed; never
# less.
_USER_INFO: Final = re.compile(r"\b([a-z][a-z0-9+.-]*://)\S*@", re.IGNORECASE)


def redacted(text: str) -> str:
    """`text` with the user-info of every URL in it replaced: `http://***@host`.

    Args:
        text: A message, a log line, or a URL.

    Returns:
        The same text when it holds no URL with a user-info (nearly always: two `in` checks).
    """
    if "@" not in text or "://" not in text:
        return text
    return _USER_INFO.sub(r"\1***@", text)


class GlueBookmarksError(Exception):
    """The root of every exception glue-bookmarks raises.

    `except GlueBookmarksError` catches everything the library raises on purpose. A botocore
    error that fits none of the branches below is raised as this class itself, with botocore's
    exception as `__cause__`.

    Attributes:
        operation_name: The AWS operation, such as `"GetJobBookmark"`, or None when the error
            arose before any (a bad argument, no credentials).
        status_code: The HTTP status of the answer, or None when there was none.
        request_id: The service's `x-amzn-RequestId`, or None when there was none.
    """

    def __init__(
        self,
        message: str,
        *,
        operation_name: str | None = None,
        status_code: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(redacted(message))
        self.operation_name = operation_name
        self.status_code = status_code
        self.request_id = request_id


class InvalidParameterError(GlueBookmarksError, ValueError):
    """A bad argument, raised before any request is sent.

    Also a `ValueError`, so code that validates input generically keeps working.

    Attributes:
        parameter: The name of the offending argument (`"job_name"`, `"run_id"`, ...).
    """

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter


class SnapshotError(InvalidParameterError):
    """A file that is not a snapshot, as `glue-bookmarks list --output json` writes one.

    Raised by `load_snapshot()` before anything is compared or sent. The message names the
    file and what is wrong in it.

    Attributes:
        source: The file's name, or None for a stream without one.
        field: The JSON path of the offending value (`"JobBookmarks[3].JobBookmarkEntry"`),
            or None when the file as a whole is wrong (not JSON, not an object).
    """

    def __init__(
        self, message: str, *, source: str | None = None, field: str | None = None
    ) -> None:
        super().__init__(message, parameter="snapshot")
        self.source = source
        self.field = field


class ConfigurationError(GlueBookmarksError):
    """The client cannot be built or used: no credentials, no region, an unknown profile.

    Also raised for a `GlueBookmarks` used after `close()`.
    """


class TransportError(GlueBookmarksError):
    """No usable answer arrived: the connection was refused, closed or timed out.

    The request may or may not have reached the service. botocore's own retries (per the
    client's retry mode) have already been spent when this is raised.
    """


class DeadlineExceededError(GlueBookmarksError):
    """A call, or a job of `get_job_bookmarks()` or `iter_job_bookmarks()`, was not done by
    its `timeout`.

    A request in flight at the deadline is ended there, even mid-answer, and not tried again.
    A job of a many-jobs call whose request was not sent, or not answered in time, gets this
    error; one whose last answer was a throttle gets that `ThrottlingError` instead.

    Attributes:
        job_name: The job, when the call was about one.
        timeout: The timeout that passed, in seconds.
    """

    def __init__(
        self,
        message: str,
        *,
        job_name: str | None = None,
        timeout: float | None = None,
        operation_name: str | None = "GetJobBookmark",
    ) -> None:
        super().__init__(message, operation_name=operation_name)
        self.job_name = job_name
        self.timeout = timeout


class ResponseValidationError(GlueBookmarksError):
    """The service answered with success, but the answer does not fit the operation's shape.

    For example: the body is not a JSON object, it has no `JobBookmarkEntry`, or a field has the
    wrong type. The message names what was wrong.

    Attributes:
        field: The wire path of the offending field (`"JobBookmarkEntry.Version"`), or None when
            the body as a whole did not fit.
    """

    def __init__(
        self,
        message: str,
        *,
        operation_name: str | None = None,
        field: str | None = None,
        status_code: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(
            message,
            operation_name=operation_name,
            status_code=status_code,
            request_id=request_id,
        )
        self.field = field


class BookmarkParseError(ResponseValidationError):
    """A `JobBookmark` string that does not parse into a `BookmarkState`.

    Raised by `JobBookmarkEntry.state` and `BookmarkState.from_json()`: the string is not a
    JSON object, or a source in it has a value of the wrong shape or past what a state holds
    (nested more than 100 levels deep, a time out of range in UTC, a number beyond a float).
    Keys that are absent are not errors. `field` is `"JobBookmarkEntry.JobBookmark"`.

    Attributes:
        job_name: The job whose bookmark it is, when known.
        transformation_ctx: The source the problem is in, or None when the string as a whole
            is wrong.
        key: The key within that source (`"timestamps.RUN"`), or None when the source as a
            whole is wrong.
    """

    def __init__(
        self,
        message: str,
        *,
        job_name: str | None = None,
        transformation_ctx: str | None = None,
        key: str | None = None,
    ) -> None:
        super().__init__(message, field="JobBookmarkEntry.JobBookmark")
        self.job_name = job_name
        self.transformation_ctx = transformation_ctx
        self.key = key


class BookmarkChangedError(GlueBookmarksError):
    """A rewind refused: the job's bookmark changed between its plan and its apply.

    Raised by `GlueBookmarks.apply_rewind()`, which reads the bookmark again before it resets
    anything: a run committed (or someone reset the bookmark) after the plan was made, so the
    plan may no longer say what the rewind would do. Nothing was reset; make a new plan.

    Attributes:
        job_name: The job.
        planned_version: The bookmark's version when the plan was made; None for no bookmark.
        current_version: Its version now; None when it has no bookmark now.
    """

    def __init__(
        self,
        message: str,
        *,
        job_name: str | None = None,
        planned_version: int | None = None,
        current_version: int | None = None,
    ) -> None:
        super().__init__(message)
        self.job_name = job_name
        self.planned_version = planned_version
        self.current_version = current_version


class JobRunActiveError(GlueBookmarksError):
    """A change refused: a run of the job is starting, running, stopping or waiting.

    Raised, before anything is changed, by `GlueBookmarks.apply_rewind()`,
    `GlueBookmarks.start_backfill()` and `GlueBookmarks.reset_job_bookmark(if_idle=True)`,
    which read the job's latest runs first (one `GetJobRuns` page) and find one in
    `STARTING`, `RUNNING`, `STOPPING` or `WAITING`: a run that commits after the change would
    undo it, or a second run would process the same data. Nothing was changed; wait for the
    run to end, or pass `force=True` (for `reset_job_bookmark`, leave `if_idle` False).

    Attributes:
        job_name: The job.
        run_id: The active run's id.
        state: Its `JobRunState`, such as `"RUNNING"`.
    """

    def __init__(
        self,
        message: str,
        *,
        job_name: str | None = None,
        run_id: str | None = None,
        state: str | None = None,
    ) -> None:
        super().__init__(message, operation_name="GetJobRuns")
        self.job_name = job_name
        self.run_id = run_id
        self.state = state


class ServiceError(GlueBookmarksError):
    """The service answered with an error.

    Codes without a class of their own (or a non-JSON error such as a proxy's HTML 502) are
    raised as this class, with `code` set to what botocore read (for a body it cannot read, the
    HTTP status as a string, such as `"502"`).

    Attributes:
        code: The AWS error code, such as `"EntityNotFoundException"`.
        message: The service's error message.
        from_federation_source: Glue's `FromFederationSource` flag, when the error carries it.
        retryable: Whether the same request may succeed if sent again: True for throttling
            codes and HTTP 429, `InternalServiceException`, `OperationTimeoutException` and any
            5xx answer; False otherwise.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        operation_name: str | None = None,
        status_code: int | None = None,
        request_id: str | None = None,
        from_federation_source: bool | None = None,
        retryable: bool = False,
    ) -> None:
        super().__init__(
            message,
            operation_name=operation_name,
            status_code=status_code,
            request_id=request_id,
        )
        self.code = code
        self.message: str = self.args[0]  # redacted, as every message is
        self.from_federation_source = from_federation_source
        self.retryable = retryable

    def __str__(self) -> str:
        context = ", ".join(
            [
                self.operation_name or "unknown operation",
                f"HTTP {self.status_code}" if self.status_code is not None else "no HTTP status",
                f"request id {self.request_id}" if self.request_id else "no request id",
            ]
        )
        message = self.message or "(no message)"
        return f"{self.code or 'Unknown error'}: {message} ({context})"


class EntityNotFoundError(ServiceError):
    """`EntityNotFoundException`: the job does not exist, or has no bookmark yet."""


class JobNotFoundError(EntityNotFoundError):
    """`EntityNotFoundException` for a job that does not exist.

    After an `EntityNotFoundException` to `GetJobBookmark`, the client asks `GetJob`, which
    answered one too. The code, message, status and request id are those of the
    `GetJobBookmark` answer.
    """


class NoBookmarkError(EntityNotFoundError):
    """`EntityNotFoundException` for a job that exists but has no bookmark yet.

    The job has never run with bookmarks enabled, or its bookmark was reset. After an
    `EntityNotFoundException` to `GetJobBookmark`, the client asks `GetJob`, which found the
    job. The code, message, status and request id are those of the `GetJobBookmark` answer.
    """


def narrow_not_found(error: EntityNotFoundError, *, job_exists: bool) -> EntityNotFoundError:
    """The same error as `JobNotFoundError` or `NoBookmarkError`, once `GetJob` has told."""
    cls = NoBookmarkError if job_exists else JobNotFoundError
    narrowed = cls(error.message)
    narrowed.__dict__.update(vars(error))
    narrowed.__cause__ = error.__cause__
    return narrowed


class InvalidInputError(ServiceError):
    """`InvalidInputException`: the service rejected the input."""


class InternalServiceError(ServiceError):
    """`InternalServiceException`: the service failed; retryable."""


class OperationTimeoutError(ServiceError):
    """`OperationTimeoutException`: the operation timed out on the service side; retryable."""


class ValidationError(ServiceError):
    """`ValidationException`: the request failed the service's validation."""


class ThrottlingError(ServiceError):
    """`ThrottlingException`, or another throttling code botocore knows; retryable."""


class AccessDeniedError(ServiceError):
    """`AccessDeniedException`: the caller's credentials may not do this."""


class ConcurrentRunsExceededError(ServiceError):
    """`ConcurrentRunsExceededException`: the job already has as many runs as it may have at
    once (its `MaxConcurrentRuns`); `StartJobRun` started none."""


class ResourceNumberLimitExceededError(ServiceError):
    """`ResourceNumberLimitExceededException`: a resource limit of the account was reached;
    `StartJobRun` started none."""


# botocore's list of throttling codes (botocore.retries.standard.ThrottledRetryableChecker);
# a test keeps this copy in step with the installed botocore.
THROTTLING_CODES: Final = frozenset(
    {
        "BandwidthLimitExceeded",
        "EC2ThrottledException",
        "LimitExceededException",
        "PriorRequestNotComplete",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "TransactionInProgressException",
    }
)

_RETRYABLE_CODES: Final = THROTTLING_CODES | {
    "InternalServiceException",
    "OperationTimeoutException",
}

CODE_TO_CLASS: Final[Mapping[str, type[ServiceError]]] = MappingProxyType(
    {
        "AccessDeniedException": AccessDeniedError,
        "ConcurrentRunsExceededException": ConcurrentRunsExceededError,
        "EntityNotFoundException": EntityNotFoundError,
        "InternalServiceException": InternalServiceError,
        "InvalidInputException": InvalidInputError,
        "OperationTimeoutException": OperationTimeoutError,
        "ResourceNumberLimitExceededException": ResourceNumberLimitExceededError,
        "ValidationException": ValidationError,
        **dict.fromkeys(THROTTLING_CODES, ThrottlingError),
    }
)

# botocore errors that mean "cannot build or sign a request here", by base class.
_CONFIGURATION_ERRORS: Final = (
    botocore_exceptions.NoCredentialsError,
    botocore_exceptions.PartialCredentialsError,
    botocore_exceptions.CredentialRetrievalError,
    botocore_exceptions.UnknownCredentialError,
    botocore_exceptions.NoRegionError,
    botocore_exceptions.InvalidRegionError,
    botocore_exceptions.ProfileNotFound,
    botocore_exceptions.ConfigNotFound,
    botocore_exceptions.ConfigParseError,
    botocore_exceptions.InvalidConfigError,
    botocore_exceptions.UnknownEndpointError,
    botocore_exceptions.NoAuthTokenError,
    botocore_exceptions.TokenRetrievalError,
    botocore_exceptions.SSOError,
    botocore_exceptions.UnknownServiceError,
    botocore_exceptions.DataNotFoundError,
)

_TRANSPORT_ERRORS: Final = (
    botocore_exceptions.HTTPClientError,
    botocore_exceptions.ConnectionError,
)


def _aiohttp_transport_errors() -> tuple[type[Exception], ...]:
    """aiohttp's connection errors and timeouts; none while aiohttp is not imported.

    aiobotocore turns most of them into botocore's while it sends, but not those raised while
    it reads the body (such as a connection closed mid-body). Looked up in `sys.modules`, not
    imported: an aiohttp error cannot have been raised before aiohttp was imported, and
    `import glue_bookmarks` neither needs nor loads it.
    """
    aiohttp = sys.modules.get("aiohttp")
    if aiohttp is None:
        return ()
    # aiohttp's own timeouts are asyncio's TimeoutError (the builtin one from Python 3.11).
    return (aiohttp.ClientError, sys.modules["asyncio"].TimeoutError)


def response_context(response: Mapping[str, Any]) -> tuple[int | None, str | None]:
    """The HTTP status and request id of a botocore answer (or of a `ClientError`'s)."""
    metadata: Mapping[str, Any] = response.get("ResponseMetadata") or {}
    status_code = metadata.get("HTTPStatusCode")
    return (
        status_code if isinstance(status_code, int) else None,
        metadata.get("RequestId") or None,
    )


def from_client_error(exc: botocore_exceptions.ClientError, *, operation_name: str) -> ServiceError:
    """Build the typed `ServiceError` for one of botocore's `ClientError`s.

    Args:
        exc: The exception botocore raised.
        operation_name: The AWS operation that was called.

    Returns:
        An instance of the class registered for the error code, or `ServiceError` itself for
        an unknown code. The caller raises it `from exc`.
    """
    response: Mapping[str, Any] = exc.response
    error: Mapping[str, Any] = response.get("Error") or {}
    code = str(error.get("Code") or "")
    status_code, request_id = response_context(response)
    federation = response.get("FromFederationSource")
    retryable = code in _RETRYABLE_CODES or (
        status_code is not None and (status_code == 429 or status_code >= 500)
    )
    cls = CODE_TO_CLASS.get(code, ServiceError)
    return cls(
        str(error.get("Message") or ""),
        code=code,
        operation_name=operation_name,
        status_code=status_code,
        request_id=request_id,
        from_federation_source=federation if isinstance(federation, bool) else None,
        retryable=retryable,
    )


def from_botocore_error(
    exc: botocore_exceptions.BotoCoreError, *, operation_name: str | None
) -> GlueBookmarksError:
    """Build the typed error for a botocore error that is not a service answer.

    Args:
        exc: The exception botocore raised.
        operation_name: The AWS operation being called, or None while building the client.

    Returns:
        A `TransportError`, `ConfigurationError` or `InvalidParameterError` by the kind of
        failure; `GlueBookmarksError` itself for a botocore error of none of those kinds.
        The caller raises it `from exc`.
    """
    message = str(exc)
    if isinstance(exc, _TRANSPORT_ERRORS):
        return TransportError(message, operation_name=operation_name)
    if isinstance(exc, _CONFIGURATION_ERRORS):
        return ConfigurationError(message)
    if isinstance(exc, botocore_exceptions.ParamValidationError):
        return InvalidParameterError(message)
    return GlueBookmarksError(message, operation_name=operation_name)


# What a botocore call can raise that `from_call_error` may map. Its JSON parser fails with a
# bare AttributeError, TypeError or ValueError on a 2xx body of another shape, such as `[]`,
# `null`, `{"JobBookmarkEntry": []}` or bytes that are not UTF-8, and with a RecursionError
# on one nested deeper than the interpreter's stack (5,000 `[`); the same classes raised
# elsewhere (a user's event hook, say) are not ours to map.
CALL_ERRORS: Final = (
    botocore_exceptions.BotoCoreError,
    botocore_exceptions.ClientError,
    ResponseParserError,
    AttributeError,
    TypeError,
    ValueError,
    RecursionError,  # an answer nested too deep for botocore's parser
)


def async_call_errors() -> tuple[type[Exception], ...]:
    """What an aiobotocore call can raise that `from_call_error` may map: `CALL_ERRORS` and
    aiohttp's transport errors (once aiohttp is imported)."""
    return (*CALL_ERRORS, *_aiohttp_transport_errors())


_ANSWER_MODULES: Final = frozenset(
    {"botocore.endpoint", "botocore.parsers", "aiobotocore.endpoint", "aiobotocore.parsers"}
)


def _raised_reading_the_answer(exc: BaseException) -> bool:
    """Whether botocore's reading of an answer raised `exc`, rather than an event hook.

    It did when the traceback passes through botocore's (or aiobotocore's) endpoint or parser,
    and its innermost frame is theirs (or that of the json module they call): a hook's error has the
    hook's frame innermost, wherever botocore called it from.
    """
    reading = False
    module = ""
    traceback = exc.__traceback__
    while traceback is not None:
        module = traceback.tb_frame.f_globals.get("__name__", "")
        reading = reading or module in _ANSWER_MODULES
        traceback = traceback.tb_next
    return reading and module.partition(".")[0] in ("botocore", "aiobotocore", "json")


def from_call_error(exc: Exception, *, operation_name: str) -> GlueBookmarksError | None:
    """Build our error for one of `CALL_ERRORS`, raised by a botocore call.

    Args:
        exc: The exception the call raised.
        operation_name: The AWS operation that was called.

    Returns:
        The typed error, which the caller raises `from exc`; None when `exc` is not botocore's
        to map (raised outside its parser, such as by a user's event hook), for the caller to
        re-raise unchanged.
    """
    if isinstance(exc, botocore_exceptions.ClientError):
        return from_client_error(exc, operation_name=operation_name)
    if isinstance(exc, botocore_exceptions.BotoCoreError):
        return from_botocore_error(exc, operation_name=operation_name)
    if isinstance(exc, _aiohttp_transport_errors()):
        return TransportError(f"{type(exc).__name__}: {exc}", operation_name=operation_name)
    if isinstance(exc, RecursionError) and _raised_reading_the_answer(exc):
        return ResponseValidationError(
            f"botocore could not parse the {operation_name} answer: it is nested too deep",
            operation_name=operation_name,
        )
    if isinstance(exc, ResponseParserError) or _raised_reading_the_answer(exc):
        return ResponseValidationError(
            f"botocore could not parse the {operation_name} answer: {type(exc).__name__}: {exc}",
            operation_name=operation_name,
        )
    return None
