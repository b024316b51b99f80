"""The task shell of the many-jobs schedule: asyncio tasks under one `asyncio.Condition`.

The rules are `_schedule.Schedule`'s, as for the thread shell (`_threads`); a watcher task
wakes the caller to look at the deadline and the pace. Leaving (an exception, closing the
generator, cancelling the awaiting task) cancels the workers and their requests in flight.
asyncio is imported when a run starts, never by `import glue_bookmarks`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from glue_bookmarks._exceptions import GlueBookmarksError
from glue_bookmarks._pacing import ThrottledAttemptError, bind
from glue_bookmarks._schedule import InOrder, Schedule, Wait

if TYPE_CHECKING:
    import asyncio

__all__ = ["gather", "stream"]

T = TypeVar("T")


async def gather(
    order: InOrder[T | GlueBookmarksError],
    schedule: Schedule[T],
    fetch: Callable[[str], Awaitable[T]],
) -> list[T | GlueBookmarksError]:
    """`stream`'s results, collected in `order` (whose `on_progress` runs here)."""
    pairs = stream(schedule, fetch)
    async with contextlib.aclosing(pairs):
        async for name, result in pairs:
            order.add(name, result)
    return order.results()


async def stream(
    schedule: Schedule[T], fetch: Callable[[str], Awaitable[T]]
) -> AsyncGenerator[tuple[str, T | GlueBookmarksError], None]:
    """Yield `(name, result)` as results arrive, from `schedule.workers` tasks awaiting
    `fetch(name)`; the work starts at the first `__anext__()`.

    `fetch` raises `ThrottledAttemptError` for the name to be tried again; another
    exception is the job's error (`Schedule.raised`); cancellation ends the work.
    """
    import asyncio

    loop = asyncio.get_running_loop()
    condition = asyncio.Condition()

    async def work() -> None:
        bind(schedule.run)
        while True:
            async with condition:
                while (name := schedule.take()) is Wait.WAIT:
                    await condition.wait()
            if name is None:
                return
            try:
                result = await fetch(name)
            except ThrottledAttemptError as throttled:
                async with condition:
                    schedule.throttled(name, throttled.error)
                    condition.notify_all()
                continue
            except Exception as exc:  # the job's error, or the end of the run
                async with condition:
                    schedule.raised(name, exc)
                    condition.notify_all()
                continue
            async with condition:
                schedule.done(name, result)
                condition.notify_all()

    async def watch() -> None:
        # Wakes the caller every so often to look at the pace, and once at the deadline.
        while True:
            wait = schedule.wait_time(loop.time())
            await asyncio.sleep(wait)
            async with condition:
                condition.notify_all()
            if wait == 0:
                return

    schedule.start(loop.time())
    tasks = [loop.create_task(work()) for _ in range(schedule.workers)]
    tasks.append(loop.create_task(watch()))
    try:
        while True:
            async with condition:
                while (settled := schedule.settle(loop.time())) is None:
                    await condition.wait()
                condition.notify_all()  # room for the workers' next results
            if settled.over:
                await _stop(schedule, tasks)
            for pair in settled.results:
                yield pair
            if settled.over:
                return
    finally:
        await _stop(schedule, tasks)


async def _stop(schedule: Schedule[T], tasks: list[asyncio.Task[None]]) -> None:
    """Stop the run: cancel the tasks (and their requests in flight) and wait until they end."""
    import asyncio

    schedule.stop()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
