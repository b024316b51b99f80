"""One request, `Call`, and what both clients do around sending it: the error map, the log line.

A client's driver sends a `Call` with its own I/O (`GlueBookmarks` on botocore,
`AsyncGlueBookmarks` on aiobotocore): it takes the client method `method_name(call)` names,
notes `started()`, and hands the answer to `answered` or what the call raised to `failed`.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Generator, Mapping
from typing import Any, Final, Generic, NamedTuple, TypeVar

from botocore import xform_name

from glue_bookmarks._exceptions import (
    CALL_ERRORS,
    GlueBookmarksError,
    ServiceError,
    async_call_errors,
    from_call_error,
    response_context,
)
from glue_bookmarks._limits import LimitReachedError

__all__ = [
    "SEND_ERRORS",
    "Call",
    "OneCall",
    "answered",
    "async_send_errors",
    "failed",
    "method_name",
    "started",
]

# What a botocore call can raise that `failed` makes a typed error of.
SEND_ERRORS: Final = (*CALL_ERRORS, LimitReachedError)


def async_send_errors() -> tuple[type[Exception], ...]:
    """What an aiobotocore call can raise that `failed` makes a typed error of (aiohttp's
    transport errors once aiohttp is imported)."""
    return (*async_call_errors(), LimitReachedError)


_logger: Final = logging.getLogger("glue_bookmarks")

T = TypeVar("T")


class Call(NamedTuple):
    """A request an operation needs: an operation, its parameters, and the service it is sent
    to (`"glue"`, or `"s3"` for a script's `GetObject`, whose `Body` the driver reads whole)."""

    operation_name: str
    params: Mapping[str, Any]
    service: str = "glue"


class OneCall(Generic[T]):
    """An operation of one request: `read(answer, call)` is its result.

    The drivers send it without a generator, so the single calls cost what they did; an
    operation of several requests takes one with `yield from one.steps()`. When the request
    fails, `recover(error, call)`, if given, is the operation that raises what the caller
    gets instead (it may send requests of its own: only on that path). Both are plain
    functions of the call, so an operation of one request costs one object to make.
    """

    __slots__ = ("call", "read", "recover")

    def __init__(
        self,
        call: Call,
        read: Callable[[Any, Call], T],
        recover: Callable[[GlueBookmarksError, Call], Generator[Any, Any, Any]] | None = None,
    ) -> None:
        self.call = call
        self.read = read
        self.recover = recover

    def steps(self) -> Generator[Any, Any, T]:
        """The request as a generator step: `result = yield from one.steps()`."""
        try:
            answer = yield self.call
        except GlueBookmarksError as exc:
            if self.recover is None:
                raise
            yield from self.recover(exc, self.call)
            raise
        return self.read(answer, self.call)


@functools.cache
def method_name(operation_name: str) -> str:
    """The client method that sends an operation: `get_job_bookmark` for `GetJobBookmark`."""
    return xform_name(operation_name)


def started() -> float | None:
    """The time a call starts, when DEBUG is on for our logger (else None: nothing is logged)."""
    return time.perf_counter() if _logger.isEnabledFor(logging.DEBUG) else None


def answered(call: Call, start: float | None, response: Any) -> Any:
    """Log the answer (at DEBUG) and return it."""
    if start is not None:
        _log(call, start, "ok", response)
    return response


def failed(call: Call, start: float | None, exc: Exception) -> GlueBookmarksError | None:
    """Our error for what the call raised, logged; None when it is not ours to map (a user's
    event hook raised it), for the driver to re-raise unchanged."""
    error = (
        exc.error(call.operation_name, call.params.get("JobName"))
        if isinstance(exc, LimitReachedError)
        else from_call_error(exc, operation_name=call.operation_name)
    )
    if error is None:
        return None
    error.__cause__, error.__suppress_context__ = exc, True
    if start is not None:
        outcome = type(error).__name__
        if isinstance(error, ServiceError) and error.code:
            outcome += f" ({error.code})"
        answer = getattr(exc, "response", None)
        _log(call, start, f"failed: {outcome}", answer if isinstance(answer, Mapping) else {})
    return error


def _log(call: Call, start: float, outcome: str, response: Mapping[str, Any]) -> None:
    """One DEBUG line: the operation, the job, the outcome, the HTTP status, the request id,
    the attempts and the time taken; never a header, a credential or a signature, and no
    error message, since the service writes it."""
    elapsed_ms = (time.perf_counter() - start) * 1000
    status_code, request_id = response_context(response)
    retries = (response.get("ResponseMetadata") or {}).get("RetryAttempts")
    attempts = retries + 1 if isinstance(retries, int) else None
    job = call.params.get("JobName")
    _logger.debug(
        "%s%s %s: HTTP %s, request id %s, attempts %s, %.1f ms",
        call.operation_name,
        "" if job is None else f" job {job!r}",
        outcome,
        "-" if status_code is None else status_code,
        request_id or "-",
        "-" if attempts is None else attempts,
        elapsed_ms,
    )
