"""The thread shell of the many-jobs schedule: worker threads under one `threading.Condition`.

The rules are `_schedule.Schedule`'s; this module only runs the workers and waits where the
schedule says. The caller's thread only waits for results, so an exception there (a
`KeyboardInterrupt`, one from `on_progress`, closing the iterator) returns at once: the
workers are daemon threads, told to stop, and left to finish the request each has in
flight, whose answer is then ignored.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator
from contextlib import closing
from typing import TypeVar

from glue_bookmarks._exceptions import GlueBookmarksError
from glue_bookmarks._pacing import ThrottledAttemptError, bind
from glue_bookmarks._schedule import InOrder, Schedule, Wait

__all__ = ["gather", "stream"]

T = TypeVar("T")


def gather(
    order: InOrder[T | GlueBookmarksError],
    schedule: Schedule[T],
    fetch: Callable[[str], T],
) -> list[T | GlueBookmarksError]:
    """`stream`'s results, collected in `order` (whose `on_progress` runs here)."""
    pairs = stream(schedule, fetch)
    with closing(pairs):
        for name, result in pairs:
            order.add(name, result)
    return order.results()


def stream(
    schedule: Schedule[T], fetch: Callable[[str], T]
) -> Generator[tuple[str, T | GlueBookmarksError], None, None]:
    """Yield `(name, result)` as results arrive, from `schedule.workers` threads calling
    `fetch(name)`; the work starts at the first `next()`.

    `fetch` raises `ThrottledAttemptError` for the name to be tried again; another
    exception is the job's error (`Schedule.raised`); a `BaseException` that is not an
    `Exception` (`KeyboardInterrupt`, `SystemExit`) stops the work and propagates here.
    """
    condition = threading.Condition()

    def work() -> None:
        bind(schedule.run)
        while True:
            with condition:
                while (name := schedule.take()) is Wait.WAIT:
                    condition.wait()
            if name is None:
                return
            try:
                result = fetch(name)
            except ThrottledAttemptError as throttled:
                with condition:
                    schedule.throttled(name, throttled.error)
                    condition.notify_all()
                continue
            except Exception as exc:  # the job's error, or the end of the run
                with condition:
                    schedule.raised(name, exc)
                    condition.notify_all()
                continue
            except BaseException as exc:  # handed to the caller's thread
                with condition:
                    schedule.failed(exc)
                    condition.notify_all()
                return
            with condition:
                schedule.done(name, result)
                condition.notify_all()

    try:
        schedule.start(time.monotonic())
        for number in range(schedule.workers):
            threading.Thread(target=work, name=f"glue-bookmarks-{number}", daemon=True).start()
        while True:
            with condition:
                while (settled := schedule.settle(now := time.monotonic())) is None:
                    condition.wait(schedule.wait_time(now))
                condition.notify_all()  # room for the workers' next results
            yield from settled.results
            if settled.over:
                return
    finally:
        with condition:
            schedule.stop()
            condition.notify_all()
