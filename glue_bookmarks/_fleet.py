"""The many-jobs engine: one fetch per distinct job name, on threads, paced, with a deadline.

Worker threads take the names in order; a job throttled (`ThrottledAttemptError`) goes back
in line and is tried again at the pace the `Gate` allows. The caller's thread only waits for
results, so an exception there (a `KeyboardInterrupt`, one from `on_progress`, closing the
iterator) returns at once: the workers are daemon threads, told to stop, and left to finish
the request each has in flight, whose answer is then ignored.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import closing
from typing import Final, Generic, TypeVar

from glue_bookmarks._exceptions import InvalidParameterError, ThrottlingError
from glue_bookmarks._pacing import Gate, ThrottledAttemptError, bind
from glue_bookmarks._validation import check_name

__all__ = [
    "DEFAULT_MAX_WORKERS",
    "LOOK",
    "READY_PER_WORKER",
    "check_job_names",
    "check_options",
    "distinct_job_names",
    "fetch_all",
    "stream",
]

DEFAULT_MAX_WORKERS: Final = 16
# Results waiting for the caller, per thread (or task): enough to keep every worker busy, and
# a caller slower than the service holds the workers back rather than the results piling up.
READY_PER_WORKER: Final = 2
# The caller looks this often whether the service still lets requests through.
LOOK: Final = 0.5

Result = TypeVar("Result")


def check_job_names(job_names: object) -> list[str]:
    """The names as a list, each a valid Glue name; a bad one is named by its index."""
    return list(_checked(job_names))


def distinct_job_names(job_names: object) -> dict[str, None]:
    """Each name once, in first-seen order, checked as `check_job_names` does (one dict, and
    no list of every name beside it)."""
    return dict.fromkeys(_checked(job_names))


def _checked(job_names: object) -> Iterator[str]:
    if isinstance(job_names, str | bytes) or not isinstance(job_names, Iterable):
        raise InvalidParameterError(
            f"job_names must be an iterable of job names (such as a list), "
            f"got {type(job_names).__name__}",
            parameter="job_names",
        )
    return _each_checked(job_names)


def _each_checked(job_names: Iterable[object]) -> Iterator[str]:
    for index, name in enumerate(job_names):
        yield check_name(f"job_names[{index}]", name)


def check_options(
    max_workers: object,
    on_progress: object,
    timeout: object = None,
    *,
    workers_name: str = "max_workers",
) -> None:
    """Raise unless `max_workers` (named `workers_name`) is a positive int, `on_progress`
    callable or None, and `timeout` a positive number of seconds or None."""
    if type(max_workers) is not int or max_workers < 1:
        raise InvalidParameterError(
            f"{workers_name} must be a positive int, got {max_workers!r}",
            parameter=workers_name,
        )
    if on_progress is not None and not callable(on_progress):
        raise InvalidParameterError(
            f"on_progress must be callable or None, got {type(on_progress).__name__}",
            parameter="on_progress",
        )
    if timeout is not None and (
        type(timeout) not in (int, float)
        or not math.isfinite(timeout)  # type: ignore[arg-type]
        or timeout <= 0  # type: ignore[operator]
    ):
        raise InvalidParameterError(
            f"timeout must be a positive number of seconds or None, got {timeout!r}",
            parameter="timeout",
        )


Expired = Callable[[str, "ThrottlingError | None"], Result]


def fetch_all(
    names: list[str],
    fetch: Callable[[str], Result],
    *,
    workers: int,
    gate: Gate,
    expired: Expired[Result],
    timeout: float | None = None,
    on_progress: Callable[[int, int], object] | None = None,
) -> list[Result]:
    """`stream` over the distinct names, the results in the order of `names`.

    `on_progress(done, len(names))` is called in the calling thread after each result; what it
    raises stops the work and propagates.
    """
    copies = Counter(names)  # in first-seen order
    results: dict[str, Result] = {}
    done = 0
    pairs = stream(copies, fetch, workers=workers, gate=gate, expired=expired, timeout=timeout)
    with closing(pairs):
        for name, result in pairs:
            results[name] = result
            done += copies[name]
            if on_progress is not None:
                on_progress(done, len(names))
    return [results[name] for name in names]


def stream(
    names: Iterable[str],
    fetch: Callable[[str], Result],
    *,
    workers: int,
    gate: Gate,
    expired: Expired[Result],
    timeout: float | None = None,
) -> Generator[tuple[str, Result], None, None]:
    """Yield `(name, fetch(name))` for each name as results arrive, on up to `workers` threads.

    Args:
        names: Distinct names, read as the threads need them.
        fetch: Returns one name's result, or raises `ThrottledAttemptError` to have the name
            tried again. What else it raises stops the work and propagates.
        workers: The most threads to run.
        gate: Paces the threads' requests; its `stopped` is set when the work stops.
        expired: The result of a name not done when the work ends early, given its last
            throttle (or, when the service let nothing through, the last throttle of all).
        timeout: Seconds from the first `next()` after which every name not done is `expired`.
    """
    run = _Run(iter(names), fetch, expired, gate, workers)
    try:
        yield from run.results(None if timeout is None else time.monotonic() + timeout)
    finally:
        run.stop()


class _Run(Generic[Result]):
    """The state the caller's thread and the workers share, under one condition."""

    def __init__(
        self,
        names: Iterator[str],
        fetch: Callable[[str], Result],
        expired: Expired[Result],
        gate: Gate,
        workers: int,
    ) -> None:
        self._names = names
        self._fetch = fetch
        self._expired = expired
        self._gate = gate
        self._workers = workers
        self._cond = threading.Condition()
        self._retry: deque[str] = deque()
        # Names taken and not done (in flight, or back in line), with their last throttle.
        self._working: dict[str, ThrottlingError | None] = {}
        self._last_throttle: ThrottlingError | None = None
        self._ready: deque[tuple[str, Result]] = deque()
        self._exhausted = False
        self._stopped = False
        self._failure: BaseException | None = None

    def results(self, deadline: float | None) -> Iterator[tuple[str, Result]]:
        """Yield the results as they come; at `deadline`, or when the service lets nothing
        through (`Pace.starved`), every name not done, `expired`."""
        for number in range(self._workers):
            threading.Thread(
                target=self._work, name=f"glue-bookmarks-{number}", daemon=True
            ).start()
        while True:
            with self._cond:
                while True:
                    # Looked at before every batch: a caller slower than the results always
                    # finds one ready, and the deadline must hold for it too.
                    now = time.monotonic()
                    starved = self._gate.pace.starved()
                    over = starved or (deadline is not None and now >= deadline)
                    if over or self._ready or self._failure or self._finished():
                        break
                    wait = LOOK if deadline is None else min(LOOK, deadline - now)
                    self._cond.wait(wait)
                if self._failure is not None:
                    raise self._failure
                batch = list(self._ready)
                self._ready.clear()
                self._cond.notify_all()
                finished = self._finished()
                if over:
                    self._stop()
                    leftover = list(self._working.items())
            yield from batch
            if finished and not batch:
                return
            if over:
                # A name never sent, when the service let nothing through, ends with the
                # throttle the service last answered.
                untried = self._last_throttle if starved else None
                for name, throttle in leftover:
                    yield name, self._expired(name, throttle or untried)
                for name in self._names:
                    yield name, self._expired(name, untried)
                return

    def stop(self) -> None:
        with self._cond:
            self._stop()

    def _stop(self) -> None:
        self._stopped = True
        self._gate.stopped.set()
        self._cond.notify_all()

    def _finished(self) -> bool:
        return self._exhausted and not self._working and not self._ready

    def _work(self) -> None:
        bind(self._gate)
        while True:
            with self._cond:
                name = self._take()
            if name is None:
                return
            try:
                result = self._fetch(name)
            except ThrottledAttemptError as throttled:
                with self._cond:
                    if not self._stopped:
                        self._working[name] = self._last_throttle = throttled.error
                        self._retry.append(name)
                        self._cond.notify_all()
                continue
            except BaseException as exc:  # handed to the caller's thread
                with self._cond:
                    if not self._stopped and self._failure is None:
                        self._failure = exc
                        self._cond.notify_all()
                return
            with self._cond:
                if self._stopped:
                    return
                del self._working[name]
                self._ready.append((name, result))
                self._cond.notify_all()

    def _take(self) -> str | None:
        """The next name to fetch, waiting while there is none yet; None when the work is over."""
        while not (self._stopped or self._failure):
            if len(self._ready) < READY_PER_WORKER * self._workers:
                if self._retry:
                    return self._retry.popleft()
                if not self._exhausted:
                    name = next(self._names, None)
                    if name is not None:
                        self._working[name] = None
                        return name
                    self._exhausted = True
                    self._cond.notify_all()
                if not self._working:
                    return None
            self._cond.wait()
        return None
