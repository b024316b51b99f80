"""Pacing the many-jobs engine's requests to the rate the service allows.

The service's rate is learnt from its answers: while it throttles, the pace is the rate of
answers it let through in the last second, plus a margin, so the service always has a request
waiting and never idles; while it does not (for 0.2 s and 10 answers), it rises by half, to
find a higher limit. A throttled request is not retried by botocore: `ThrottledAttemptError`
ends the call, for the schedule to put the job back in line. `hook_pacing` hooks this into a
botocore or aiobotocore client; the hooks act only in the threads or tasks bound to a
`PacedRun`, and leave every other call alone.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any, Final, cast

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from glue_bookmarks._exceptions import THROTTLING_CODES, ThrottlingError, from_client_error

__all__ = [
    "Pace",
    "PacedRun",
    "RunStoppedError",
    "ThrottledAttemptError",
    "bind",
    "hook_pacing",
]

_logger: Final = logging.getLogger("glue_bookmarks")

# The answers the pace is measured over, in seconds.
_WINDOW: Final = 1.0
# Measuring over less than this is noise.
_SHORTEST_SPAN: Final = 0.05
# While throttled, the pace is this much above the measured rate.
_MARGIN: Final = 1.1
# The pace changes at most this often on throttles, and only for requests sent after the last
# change: those in flight before it say nothing of the new pace.
_HOLD: Final = 0.1
# Without a throttle for this long, and this many answers (fewer at a slow pace), the pace
# rises by `_RISE`.
_RISE_AFTER: Final = 0.2
_RISE_ANSWERS: Final = 10
_RISE: Final = 1.5
# A request waiting for its turn looks again this often, for a change of pace to apply.
_RECHECK: Final = 0.1
# Throttled with no answer in the last second, the pace falls by `_FALL`, down to `_SLOWEST`.
_FALL: Final = 0.7
_SLOWEST: Final = 1.0
# A fall of the pace by this fraction of the last one logged at INFO is logged at INFO.
_LOGGED_CHANGE: Final = 0.2
# When every answer for this long was a throttle, the service lets nothing through: give up.
_GIVE_UP: Final = 60.0


class ThrottledAttemptError(Exception):
    """A request was throttled; the job goes back in line. Never leaves the package."""

    def __init__(self, error: ThrottlingError) -> None:
        super().__init__(str(error))
        self.error = error


class RunStoppedError(Exception):
    """The work stopped while a request waited for its turn. Never leaves the package."""


class Pace:
    """A request rate shared by threads, learnt from the service's throttling answers.

    Requests go in the order they `take()` a ticket, ticket `k` at `origin + (k - first) / rate`;
    a change of rate re-times the tickets still waiting. Not paced (every ticket goes at once)
    until the first throttle.

    Args:
        clock: Seconds, monotonic; for tests.
    """

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._rate: float | None = None
        self._issued = 0  # tickets taken
        self._first = 0  # the ticket that goes at `_origin`
        self._origin = clock()
        self._answers: deque[float] = deque()
        self._sent: deque[float] = deque()
        self._started = self._origin
        self._calm_answers = 0  # answers since the last throttle or change
        self._last_throttle = float("-inf")
        self._last_answer = self._origin
        self._changed = float("-inf")
        self._logged: float | None = None

    @property
    def rate(self) -> float | None:
        """The requests per second allowed, or None when not paced."""
        return self._rate

    def take(self) -> int:
        """A ticket: the caller's place in line."""
        with self._lock:
            now = self.clock()
            ticket = self._issued
            self._issued += 1
            if self._rate is None or self._time_of(ticket, self._rate) < now:
                # Idle since the last ticket: no credit piles up.
                self._first, self._origin = ticket, now
            return ticket

    def delay(self, ticket: int) -> float:
        """Seconds until `ticket` may go; at most 0 when it may go now (and it counts as sent)."""
        with self._lock:
            now = self.clock()
            self._rise(now)
            delay = 0.0 if self._rate is None else self._time_of(ticket, self._rate) - now
            if delay <= 0:
                _trim(self._sent, now)
                self._sent.append(now)
            return delay

    def answered(self) -> None:
        """Count an answer that was not a throttle."""
        with self._lock:
            now = self.clock()
            self._calm_answers += 1
            self._last_answer = now
            _trim(self._answers, now)
            self._answers.append(now)
            self._rise(now)

    def throttled(self, sent: float) -> None:
        """Count a throttle of a request sent at `sent`: pace at what the service let through,
        plus the margin."""
        with self._lock:
            now = self.clock()
            self._last_throttle = now
            self._calm_answers = 0
            if sent < self._changed or now - self._changed < _HOLD:
                return
            _trim(self._answers, now)
            _trim(self._sent, now)
            span = max(min(_WINDOW, now - self._started), _SHORTEST_SPAN)
            if self._answers:
                rate = len(self._answers) / span * _MARGIN
            elif self._rate is not None:
                rate = self._rate * _FALL
            else:
                # Throttled before any answer came: half of what was sent.
                rate = len(self._sent) / span / 2
            self._set(rate, now, "throttled")

    def starved(self) -> bool:
        """Whether every answer for the last `_GIVE_UP` seconds was a throttle."""
        with self._lock:
            return (
                self._last_throttle > self._last_answer
                and self.clock() - self._last_answer >= _GIVE_UP
            )

    def _rise(self, now: float) -> None:
        """Raise the pace when answers, and no throttle, came for a while."""
        if (
            self._rate is not None
            and self._calm_answers >= min(_RISE_ANSWERS, max(1, self._rate * _RISE_AFTER))
            and now - self._last_throttle >= _RISE_AFTER
            and now - self._changed >= _RISE_AFTER
        ):
            self._set(self._rate * _RISE, now, "no throttling")

    def _time_of(self, ticket: int, rate: float) -> float:
        return self._origin + (ticket - self._first) / rate

    def _set(self, rate: float, now: float, why: str) -> None:
        # The tickets gone by now stay gone; those waiting are re-timed from now.
        if self._rate is None:
            self._first = self._issued
        else:
            gone = self._first + int((now - self._origin) * self._rate) + 1
            self._first = max(self._first, min(self._issued, gone))
        self._origin = now
        self._rate = max(rate, _SLOWEST)
        self._changed = now
        self._calm_answers = 0
        # A fall is news (INFO), once it is a fifth off the last logged; a rise is probing (DEBUG).
        logged = self._logged
        level = logging.DEBUG
        if why == "throttled" and (logged is None or abs(rate - logged) >= _LOGGED_CHANGE * logged):
            self._logged = self._rate
            level = logging.INFO
        _logger.log(level, "%s: pacing at %.1f requests/s", why, self._rate)


def _trim(times: deque[float], now: float) -> None:
    while times and times[0] <= now - _WINDOW:
        times.popleft()


class PacedRun:
    """One many-jobs run as the pacing hooks see it: its `Pace`, and the event that stops it."""

    def __init__(self, pace: Pace) -> None:
        self.pace = pace
        self.stopped = threading.Event()

    def waits(self) -> Iterator[float]:
        """The waits before a request may go, in seconds; each at most `_RECHECK`, for a change
        of pace to apply. The request goes when the iteration ends."""
        ticket = self.pace.take()
        while (delay := self.pace.delay(ticket)) > 0:
            yield min(delay, _RECHECK)


# The run whose requests the hooks pace, set by each worker (thread or task) for its own
# requests only: every other call on the same client is left alone.
_bound: ContextVar[PacedRun | None] = ContextVar("glue_bookmarks_run", default=None)
_sent: ContextVar[float] = ContextVar("glue_bookmarks_sent", default=float("-inf"))


def bind(run: PacedRun) -> None:
    """Pace the requests of the calling thread or task by `run`."""
    _bound.set(run)


def hook_pacing(client: BaseClient, *, asynchronous: bool = False) -> None:
    """Hook pacing into a botocore `client`'s events, once; requests outside a run are
    untouched. An aiobotocore client (`asynchronous`) gets a `before-send` hook that awaits."""
    before_send = _before_send_async if asynchronous else _before_send
    events = client.meta.events
    service = client.meta.service_model.service_id.hyphenize()
    # botocore's stubs type handlers as plain functions; aiobotocore also awaits coroutines.
    events.register_first(
        f"before-send.{service}", cast(Any, before_send), unique_id="glue-bookmarks-pace-send"
    )
    events.register_first(
        f"needs-retry.{service}", _needs_retry, unique_id="glue-bookmarks-pace-retry"
    )


def _before_send(**kwargs: Any) -> None:
    run = _bound.get()
    if run is None:
        return
    for wait in run.waits():
        if run.stopped.wait(wait):
            raise RunStoppedError
    if run.stopped.is_set():
        raise RunStoppedError
    _sent.set(run.pace.clock())


async def _before_send_async(**kwargs: Any) -> None:
    run = _bound.get()
    if run is None:
        return
    import asyncio

    for wait in run.waits():
        await asyncio.sleep(wait)
    _sent.set(run.pace.clock())


def _needs_retry(
    response: tuple[Any, Mapping[str, Any]] | None = None,
    caught_exception: BaseException | None = None,
    operation: Any = None,
    **kwargs: Any,
) -> None:
    """Hand a throttle (or a stop) of a run's request to its shell rather than to botocore's
    retries."""
    run = _bound.get()
    if run is None:
        return
    if isinstance(caught_exception, RunStoppedError):
        raise caught_exception
    if run.stopped.is_set():
        # The run is over: no retry (and no back-off) for an answer nobody waits for.
        raise RunStoppedError
    if response is None:
        return
    http_response, parsed = response
    code = (parsed.get("Error") or {}).get("Code")
    if code not in THROTTLING_CODES and getattr(http_response, "status_code", None) != 429:
        run.pace.answered()
        return
    run.pace.throttled(_sent.get())
    operation_name = getattr(operation, "name", "GetJobBookmark")
    answer = ClientError(cast(Any, parsed), operation_name)
    error = from_client_error(answer, operation_name=operation_name)
    if not isinstance(error, ThrottlingError):  # an HTTP 429 with another code, or none
        throttling = ThrottlingError(error.message)
        throttling.__dict__.update(vars(error))
        error = throttling
    raise ThrottledAttemptError(error)
