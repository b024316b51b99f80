"""The many-jobs schedule: which job goes next, what comes back when, and when a run is over.

`Schedule` holds the rules and does no I/O and no waiting: the order of the jobs, one fetch
per distinct name, a throttled job back in line, results held for a caller slower than the
service, the deadline, the give-up when the service has let nothing through for a minute
(`Pace.starved`), and what a job not done becomes. A shell drives it: `_threads` with worker
threads under a `threading.Condition`, `_tasks` with asyncio tasks under an
`asyncio.Condition`; each calls it under its lock and waits where it says.
"""

from __future__ import annotations

import enum
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Final, Generic, TypeVar

import attrs

from glue_bookmarks._exceptions import (
    ConfigurationError,
    DeadlineExceededError,
    GlueBookmarksError,
    InvalidParameterError,
    ThrottlingError,
)
from glue_bookmarks._pacing import PacedRun
from glue_bookmarks._validation import check_name, check_timeout

__all__ = [
    "DEFAULT_MAX_CONCURRENCY",
    "InOrder",
    "Schedule",
    "Settled",
    "Wait",
    "check_job_names",
    "check_options",
    "distinct_job_names",
]

DEFAULT_MAX_CONCURRENCY: Final = 16
# Results waiting for the caller, per worker: enough to keep every worker busy, and a caller
# slower than the service holds the workers back rather than the results piling up.
_READY_PER_WORKER: Final = 2
# The caller looks at least this often whether the service still lets requests through.
_LOOK: Final = 0.5

T = TypeVar("T")


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
    return (check_name(f"job_names[{index}]", name) for index, name in enumerate(job_names))


def check_options(max_concurrency: object, on_progress: object, timeout: object = None) -> None:
    """Raise unless `max_concurrency` is a positive int, `on_progress` callable or None, and
    `timeout` a positive number of seconds or None."""
    if type(max_concurrency) is not int or max_concurrency < 1:
        raise InvalidParameterError(
            f"max_concurrency must be a positive int, got {max_concurrency!r}",
            parameter="max_concurrency",
        )
    if on_progress is not None and not callable(on_progress):
        raise InvalidParameterError(
            f"on_progress must be callable or None, got {type(on_progress).__name__}",
            parameter="on_progress",
        )
    check_timeout(timeout)


def _expired_result(
    job_name: str, throttle: ThrottlingError | None, timeout: float | None
) -> GlueBookmarksError:
    """The result of a job not done when a run ended early: its last throttle, if it had
    one, else a `DeadlineExceededError`."""
    if throttle is not None:
        return throttle
    return DeadlineExceededError(
        f"job {job_name!r} was not done within the timeout of {timeout} s",
        job_name=job_name,
        timeout=timeout,
    )


class Wait(enum.Enum):
    """What `Schedule.take` returns to a worker that must wait for a change."""

    WAIT = "wait"


@attrs.frozen
class Settled(Generic[T]):
    """What the caller gets at one look: the results ready, and whether the run is over (then
    `results` ends with every job not done, expired)."""

    results: list[tuple[str, T | GlueBookmarksError]]
    over: bool


class Schedule(Generic[T]):
    """The state a run's workers and its caller share, and its rules.

    Every method is called under the shell's one lock; none waits or does I/O.

    Args:
        names: Distinct names, read as the workers need them.
        run: The run's pace and stop event.
        workers: The number of workers the shell runs.
        timeout: Seconds from `start` after which every job not done expires.
    """

    def __init__(
        self, names: Iterable[str], run: PacedRun, *, workers: int, timeout: float | None
    ) -> None:
        self.run = run
        self.workers = workers
        self._names = iter(names)
        self._timeout = timeout
        self._deadline: float | None = None
        self._retry: deque[str] = deque()
        # Names taken and not done (in flight, or back in line), with their last throttle.
        self._working: dict[str, ThrottlingError | None] = {}
        self._last_throttle: ThrottlingError | None = None
        self._ready: deque[tuple[str, T | GlueBookmarksError]] = deque()
        self._exhausted = False
        self.failure: BaseException | None = None

    @property
    def deadline(self) -> float | None:
        """When the run ends (`start`'s clock), if it has a timeout and has started."""
        return self._deadline

    @property
    def timeout(self) -> float | None:
        return self._timeout

    @property
    def stopped(self) -> bool:
        return self.run.stopped.is_set()

    def start(self, now: float) -> None:
        """The run starts (the caller's first look): the deadline counts from `now`."""
        if self._timeout is not None:
            self._deadline = now + self._timeout

    # -- workers ---------------------------------------------------------------------------

    def take(self) -> str | Wait | None:
        """The next name to fetch; `Wait.WAIT` until something changes; None: the worker ends."""
        if self.stopped or self.failure is not None:
            return None
        if len(self._ready) >= _READY_PER_WORKER * self.workers:
            return Wait.WAIT
        if self._retry:
            return self._retry.popleft()
        if not self._exhausted:
            name = next(self._names, None)
            if name is not None:
                self._working[name] = None
                return name
            self._exhausted = True
        return Wait.WAIT if self._working else None

    def throttled(self, name: str, error: ThrottlingError) -> None:
        """`name` was throttled: back in line."""
        if not self.stopped:
            self._working[name] = self._last_throttle = error
            self._retry.append(name)

    def done(self, name: str, result: T | GlueBookmarksError) -> None:
        """`name`'s result, for the caller.

        A request the run's deadline ended (its `DeadlineExceededError`) leaves the job not
        done: the caller's look at the deadline expires it with the others, after every
        result that arrived in time.
        """
        if self.stopped:
            return
        if isinstance(result, DeadlineExceededError) and self._deadline is not None:
            return
        del self._working[name]
        self._ready.append((name, result))

    def raised(self, name: str, exc: Exception) -> None:
        """Fetching `name` raised `exc`: that job's error. A `ThrottlingError` (one botocore's
        retries, not the pacing hooks, saw) puts the job back in line; only a
        `ConfigurationError` (no job can succeed) ends the run; an exception not ours (a
        user's event hook, a bug) is a `GlueBookmarksError` of its own, whose `__cause__` it
        is."""
        if isinstance(exc, ConfigurationError):
            self.failed(exc)
            return
        if isinstance(exc, ThrottlingError):
            self.throttled(name, exc)
            return
        if not isinstance(exc, GlueBookmarksError):
            error = GlueBookmarksError(f"fetching job {name!r} raised {type(exc).__name__}: {exc}")
            error.__cause__ = exc
            exc = error
        self.done(name, exc)

    def failed(self, exc: BaseException) -> None:
        """A worker raised what is not a job's result: the run ends, `exc` goes to the caller."""
        if not self.stopped and self.failure is None:
            self.failure = exc

    # -- the caller ------------------------------------------------------------------------

    def settle(self, now: float) -> Settled[T] | None:
        """What the caller gets now; None: wait (`wait_time`) for a change.

        Looked at before every batch: a caller slower than the results always finds one
        ready, and the deadline must hold for it too.

        Raises:
            BaseException: What a worker failed with.
        """
        if self.failure is not None:
            raise self.failure
        starved = self.run.pace.starved()
        over = starved or (self._deadline is not None and now >= self._deadline)
        finished = self._exhausted and not self._working
        if not (over or self._ready or finished):
            return None
        results = list(self._ready)
        self._ready.clear()
        if over:
            self.stop()
            # A name never sent, when the service let nothing through, ends with the throttle
            # the service last answered.
            untried = self._last_throttle if starved else None
            for name, throttle in self._working.items():
                results.append((name, _expired_result(name, throttle or untried, self._timeout)))
            for name in self._names:
                results.append((name, _expired_result(name, untried, self._timeout)))
        return Settled(results, over or finished)

    def wait_time(self, now: float) -> float:
        """How long the caller may wait before it looks again."""
        return _LOOK if self._deadline is None else max(0.0, min(_LOOK, self._deadline - now))

    def stop(self) -> None:
        """End the run: workers take nothing more, and requests waiting for their turn stop."""
        self.run.stopped.set()


class InOrder(Generic[T]):
    """Results collected in the order of `names` (repeats included).

    Args:
        names: The names asked for; `distinct` are the ones to fetch.
        on_progress: Called as `on_progress(done, len(names))` after each result; what it
            raises propagates from `add`.
    """

    def __init__(
        self, names: Collection[str], on_progress: Callable[[int, int], object] | None = None
    ) -> None:
        self._names = names
        self._copies = Counter(names)
        self._on_progress = on_progress
        self._done = 0
        self._results: dict[str, T] = {}

    @property
    def distinct(self) -> Iterable[str]:
        """Each name once, in first-seen order."""
        return self._copies

    def add(self, name: str, result: T) -> None:
        self._results[name] = result
        self._done += self._copies[name]
        if self._on_progress is not None:
            self._on_progress(self._done, len(self._names))

    def results(self) -> list[T]:
        return [self._results[name] for name in self._names]
