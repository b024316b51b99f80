"""A call's limits, held while its answer arrives: a deadline, and the most bytes it may have.

botocore's `read_timeout` bounds each read, not the call: an answer trickled a byte at a
time, or a body that never ends, holds a call for ever. Our drivers set the `Limits` of each
call (`enter`); the hooks here enforce them however the bytes arrive, as the AWS SDK for
Java's `apiCallTimeout` does:

- botocore: `hook_limits` gives the client's connection pools a connection whose answers are
  read through `_Reader`, which waits on the socket at most until the deadline (and, in a
  many-jobs run, wakes every `_TICK` to see whether the run stopped) and counts the bytes:
  the status line and headers as well as the body. Its `needs-retry` hook ends the call at
  the deadline rather than trying again.
- aiobotocore: the driver awaits the call within the time left (cancelling it mid-body), and
  `hook_limits_async` reads the body in chunks, counting them.

A call outside our drivers (no `Limits` set) is left alone.
"""

from __future__ import annotations

import http.client
import io
import math
import threading
import time
from contextvars import ContextVar, Token
from typing import Any, Final, NamedTuple

from botocore.client import BaseClient
from botocore.exceptions import HTTPClientError

from glue_bookmarks._exceptions import (
    DeadlineExceededError,
    GlueBookmarksError,
    ResponseValidationError,
)

__all__ = [
    "DEFAULT_MAX_ANSWER_BYTES",
    "LimitReachedError",
    "Limits",
    "current",
    "enter",
    "for_call",
    "hook_limits",
    "hook_limits_async",
    "leave",
    "read_body",
    "read_body_async",
]

# Far above any answer of the operations we call: a GetJobs page of 1,000 jobs, a bookmark
# of thousands of sources (each a few hundred bytes). A bigger answer is a broken or hostile
# endpoint, not a bookmark.
DEFAULT_MAX_ANSWER_BYTES: Final = 64 * 1024 * 1024
# A read in a many-jobs run wakes this often to see whether the run stopped.
_TICK: Final = 0.25
# Bytes an async body is read in.
_CHUNK: Final = 64 * 1024


class Limits(NamedTuple):
    """What a call may take: `deadline` (`time.monotonic()`; None: no deadline), set from
    `timeout` seconds; `max_bytes` per answer; and the `stopped` event of the many-jobs run
    it belongs to, if any."""

    deadline: float | None
    timeout: float | None
    max_bytes: int
    stopped: threading.Event | None = None

    def left(self) -> float:
        """Seconds until the deadline (negative once passed; infinite without one)."""
        return math.inf if self.deadline is None else self.deadline - time.monotonic()


class LimitReachedError(Exception):
    """A call ended by its limits; `_calls.failed` makes it the call's typed error. Never
    leaves the package."""

    def __init__(self, limits: Limits, *, too_large: bool = False) -> None:
        super().__init__("the answer was too large" if too_large else "the deadline passed")
        self.limits = limits
        self.too_large = too_large

    def error(self, operation_name: str, job_name: object) -> GlueBookmarksError:
        """The error of the call that `operation_name` (for `job_name`, if a str) made."""
        limits = self.limits
        job = job_name if isinstance(job_name, str) else None
        about = operation_name if job is None else f"{operation_name} for job {job!r}"
        if self.too_large:
            return ResponseValidationError(
                f"the {about} answer is larger than max_answer_bytes ({limits.max_bytes} "
                "bytes); it was not read further",
                operation_name=operation_name,
            )
        # As a job of a many-jobs call that never got its turn is told (`_schedule`).
        what = operation_name if job is None else f"job {job!r}"
        return DeadlineExceededError(
            f"{what} was not done within the timeout of {limits.timeout} s",
            operation_name=operation_name,
            job_name=job,
            timeout=limits.timeout,
        )


_current: ContextVar[Limits | None] = ContextVar("glue_bookmarks_limits", default=None)


def current() -> Limits | None:
    """The limits of the calling thread's (or task's) call; None outside our drivers."""
    return _current.get()


def enter(
    timeout: float | None = None,
    *,
    deadline: float | None = None,
    max_bytes: int | None = None,
    stopped: threading.Event | None = None,
) -> Token[Limits | None]:
    """Set the limits of what the calling thread (or task) sends until `leave(token)`.

    The deadline is `deadline` (`time.monotonic()`), or `timeout` seconds from now; within
    limits already set (an operation's, the command's), the earlier one holds, and
    `max_bytes` and `stopped` are kept unless given.
    """
    outer = _current.get()
    if deadline is None and timeout is not None:
        deadline = time.monotonic() + timeout
    if (
        outer is not None
        and outer.deadline is not None
        and (deadline is None or outer.deadline <= deadline)
    ):
        deadline, timeout = outer.deadline, outer.timeout
    if max_bytes is None:
        max_bytes = DEFAULT_MAX_ANSWER_BYTES if outer is None else outer.max_bytes
    if stopped is None and outer is not None:
        stopped = outer.stopped
    return _current.set(Limits(deadline, timeout, max_bytes, stopped))


def leave(token: Token[Limits | None] | None) -> None:
    if token is not None:
        _current.reset(token)


def for_call(plain: Limits) -> tuple[Limits, Token[Limits | None] | None]:
    """The limits of one request, and the token to `leave` them by (None: nothing was set).

    `plain` is the client's own (its `max_bytes`, no deadline): set when no operation or run
    set limits, as on a single call without `timeout`; else theirs, which carry the same
    `max_bytes`, hold. Made for the call path, where it costs one `ContextVar.get`.
    """
    outer = _current.get()
    if outer is None:
        return plain, _current.set(plain)
    return outer, None


# -- botocore ---------------------------------------------------------------------------------


def hook_limits(client: BaseClient) -> None:
    """Enforce the limits on `client`'s requests, once: its connection pools read answers
    through `_Reader`, and a request past its deadline is not tried again.

    Pools the client made before (an injected client already used) are emptied, so that
    every connection from now on is one of ours.
    """
    session = getattr(getattr(client, "_endpoint", None), "http_session", None)
    classes = getattr(session, "_pool_classes_by_scheme", None)
    if not isinstance(classes, dict) or getattr(classes.get("http"), "_limited", False):
        return  # an HTTP session botocore did not make, or hooked already
    for scheme, pool_class in list(classes.items()):
        classes[scheme] = _limited_pool(pool_class)
    manager = getattr(session, "_manager", None)
    if manager is not None:
        manager.clear()
    _hook_retry(client)


def _hook_retry(client: Any) -> None:
    events = client.meta.events
    service = client.meta.service_model.service_id.hyphenize()
    events.register_first(
        f"needs-retry.{service}", _needs_retry, unique_id="glue-bookmarks-limits-retry"
    )
    events.register(f"before-send.{service}", _before_send, unique_id="glue-bookmarks-limits-send")


def _before_send(**kwargs: Any) -> None:
    """Send no attempt past the deadline (one botocore tries again after its back-off)."""
    limits = _current.get()
    if limits is not None and limits.deadline is not None and limits.left() <= 0:
        raise LimitReachedError(limits)


def _limited_pool(pool_class: Any) -> type:
    connection = type(
        f"Limited{pool_class.ConnectionCls.__name__}",
        (pool_class.ConnectionCls,),
        {"response_class": _LimitedResponse, "connect": _connect},
    )
    return type(
        f"Limited{pool_class.__name__}",
        (pool_class,),
        {"ConnectionCls": connection, "_limited": True},
    )


def _connect(self: Any) -> None:
    """Open the connection, waiting no longer than the call's deadline allows."""
    limits = _current.get()
    connect = super(type(self), self).connect
    timeout = getattr(self, "timeout", None)
    if limits is None or limits.deadline is None or not isinstance(timeout, int | float | None):
        connect()
        return
    left = limits.left()
    if left <= 0:
        raise TimeoutError("the call's deadline passed before the connection opened")
    self.timeout = left if timeout is None else min(timeout, left)
    try:
        connect()
    finally:
        self.timeout = timeout
        if self.sock is not None:
            self.sock.settimeout(timeout)


class _LimitedResponse(http.client.HTTPResponse):
    """http.client's answer, read through `_Reader` when the call has limits."""

    def __init__(self, sock: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        limits = _current.get()
        if limits is not None:
            self.fp = io.BufferedReader(_Reader(sock, limits, self.fp))


class _Reader(io.RawIOBase):
    """A socket's bytes, as `socket.makefile("rb")` reads them, within a call's limits.

    Each read waits no longer than the socket's own timeout (botocore's `read_timeout`) nor
    past the deadline; in a run, it wakes every `_TICK` to see whether the run stopped. A
    read past the deadline, or of a stopped run, raises `TimeoutError` (the socket's own
    timeout error, for urllib3 to end the connection), turned into the call's
    `DeadlineExceededError` by the `needs-retry` hook; a byte past `max_bytes`, the call's
    `ResponseValidationError`.
    """

    def __init__(self, sock: Any, limits: Limits, plain: io.BufferedIOBase) -> None:
        self._sock = sock
        self._limits = limits
        # The plain reader http.client made, unused but kept open until this one closes: it
        # holds the socket open, as a reader of `socket.makefile` does, when the connection
        # closes it before the answer is read (an answer with `Connection: close`).
        self._plain = plain
        self._received = 0

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._plain.close()
        super().close()

    def readinto(self, buffer: Any) -> int:
        limits = self._limits
        sock = self._sock
        if limits.deadline is None and limits.stopped is None:
            # Only the size to watch: the socket's own timeout bounds the wait, as botocore's.
            received: int = sock.recv_into(buffer)
        else:
            received = self._read_in_time(buffer)
        self._received += received
        if self._received > limits.max_bytes:
            raise LimitReachedError(limits, too_large=True)
        return received

    def _read_in_time(self, buffer: Any) -> int:
        limits = self._limits
        sock = self._sock
        idle = sock.gettimeout()
        quiet_until = math.inf if idle is None else time.monotonic() + idle
        try:
            while True:
                if limits.stopped is not None and limits.stopped.is_set():
                    raise TimeoutError("the run stopped")
                now = time.monotonic()
                left = limits.left()
                if left <= 0:
                    raise TimeoutError("the call's deadline passed")
                if now >= quiet_until:
                    raise TimeoutError("timed out")  # as botocore's read_timeout would
                wait = min(left, quiet_until - now, _TICK if limits.stopped else math.inf)
                sock.settimeout(None if wait == math.inf else wait)
                try:
                    received: int = sock.recv_into(buffer)
                    return received
                except TimeoutError:
                    continue
        finally:
            sock.settimeout(idle)


def _needs_retry(caught_exception: BaseException | None = None, **kwargs: Any) -> None:
    """End a call at its deadline, or with the limit its answer reached, rather than let
    botocore try it again."""
    limits = _current.get()
    if limits is None:
        return
    if isinstance(caught_exception, HTTPClientError):
        caught_exception = caught_exception.kwargs.get("error")
    if isinstance(caught_exception, LimitReachedError):
        raise caught_exception
    if caught_exception is not None and limits.left() <= 0:
        raise LimitReachedError(limits)


# -- aiobotocore ------------------------------------------------------------------------------


def hook_limits_async(client: Any) -> None:
    """Count the bytes of `client`'s answers as they arrive (an aiobotocore client): its HTTP
    session is wrapped, once, by one that reads each body in chunks."""
    endpoint: Any = getattr(client, "_endpoint", None)
    session = getattr(endpoint, "http_session", None)
    if session is None or isinstance(session, _CountingSession):
        return
    endpoint.http_session = _CountingSession(session)
    _hook_retry(client)


class _CountingSession:
    """An aiobotocore HTTP session whose answers are read here, within `max_bytes`."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def send(self, request: Any) -> Any:
        limits = _current.get()
        raw_wanted = getattr(request, "stream_output", False)
        if limits is None or raw_wanted:
            return await self._inner.send(request)
        request.stream_output = True
        response = await self._inner.send(request)
        content: Any = getattr(response.raw, "content", None)
        if not hasattr(content, "iter_chunked"):
            return response  # not aiohttp's: read as aiobotocore reads it
        chunks = []
        received = 0
        try:
            async for chunk in content.iter_chunked(_CHUNK):
                received += len(chunk)
                if received > limits.max_bytes:
                    raise LimitReachedError(limits, too_large=True)
                chunks.append(chunk)
        except BaseException:
            response.raw.close()
            raise
        response._content = b"".join(chunks)
        return response


# -- streamed bodies (an S3 object) -----------------------------------------------------------


def read_body(body: Any, limits: Limits) -> bytes:
    """A streamed body (botocore's `StreamingBody`) read whole, within `max_bytes`."""
    try:
        data: bytes = body.read(limits.max_bytes + 1)
    finally:
        body.close()
    if len(data) > limits.max_bytes:
        raise LimitReachedError(limits, too_large=True)
    return data


async def read_body_async(body: Any, limits: Limits) -> bytes:
    """As `read_body`, for aiobotocore's `StreamingBody`, whose reads are awaited."""
    try:
        data: bytes = await body.read(limits.max_bytes + 1)
    finally:
        body.close()
    if len(data) > limits.max_bytes:
        raise LimitReachedError(limits, too_large=True)
    return data
