"""Async: `AsyncGlueBookmarks` against raw aiobotocore, and against the thread-based client.

Against echo servers on 127.0.0.1, each in a process of its own:

- per call over keep-alive HTTP: `await gb.get_job_bookmark(...)` against
  `await client.get_job_bookmark(...)` of a raw aiobotocore client (goal at most 1.02x);
- 1,000 jobs, the server answering each request 20 ms after it arrives, at a concurrency of 16:
  `await gb.get_job_bookmarks(names, max_concurrency=16)` against raw aiobotocore under an
  `asyncio.Semaphore(16)` with `asyncio.gather` (goal at most 1.05x), and against the
  thread-based `GlueBookmarks.get_job_bookmarks(names, max_concurrency=16)` (goal: at least
  as fast);
  peak memory (tracemalloc) of all three.

On 2 cores the client's CPU per request, not the endpoint, can set the pace of 1,000 jobs: the
floor printed is the larger of 1,000 x 20 ms / 16 and what raw aiobotocore takes for the same
1,000 jobs against a server that answers at once.

Every run of many jobs is checked outside the clock: one answer per name, each carrying the name
it was asked for, and exactly 1,000 requests seen by the server. All clients have the same
settings: retry mode standard, a pool of 64 connections.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession

from benchmarks._common import (
    REGION,
    Result,
    alternate,
    dummy_aws_environment,
    peak_memory,
    print_header,
    print_result,
)
from glue_bookmarks import AsyncGlueBookmarks, GlueBookmarks, JobBookmarkEntry
from tests.faults import ServerProcess, echo_server_process

JOB = "nightly-orders"
JOBS = 1000
DELAY = 0.020
CONCURRENCY = 16
IDEAL = JOBS * DELAY / CONCURRENCY
NAMES = [f"async-job-{number:04d}" for number in range(JOBS)]


def _config() -> AioConfig:
    return AioConfig(retries={"mode": "standard"}, max_pool_connections=64)


def _name(result: object) -> object:
    if isinstance(result, JobBookmarkEntry):
        return result.job_name
    if isinstance(result, dict):
        return result["JobBookmarkEntry"]["JobName"]
    return result


def _check(results: Sequence[object]) -> None:
    if [_name(result) for result in results] != NAMES:
        raise RuntimeError(f"wrong results: {results[:3]!r:.300}")


class _Sides:
    """The three clients of one server, on one event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, server: ServerProcess) -> None:
        self.loop = loop
        self.server = server
        self.raw_context = AioSession().create_client(
            "glue", region_name=REGION, endpoint_url=server.url, config=_config()
        )
        self.raw: Any = loop.run_until_complete(self.raw_context.__aenter__())
        self.ours = AsyncGlueBookmarks(endpoint_url=server.url, config=_config())
        self.threads = GlueBookmarks(endpoint_url=server.url)

    def close(self) -> None:
        self.loop.run_until_complete(self.ours.aclose())
        self.loop.run_until_complete(self.raw_context.__aexit__(None, None, None))
        self.threads.close()

    def run(self, awaitable: Awaitable[Any]) -> Any:
        return self.loop.run_until_complete(awaitable)

    # --- one call ---

    async def ours_calls(self, calls: int) -> int:
        total = 0
        for _ in range(calls):
            total += (await self.ours.get_job_bookmark(JOB)).version
        return total

    async def raw_calls(self, calls: int) -> int:
        total = 0
        for _ in range(calls):
            answer = await self.raw.get_job_bookmark(JobName=JOB)
            total += answer["JobBookmarkEntry"]["Version"]
        return total

    # --- many jobs ---

    async def ours_many(self) -> list[Any]:
        return await self.ours.get_job_bookmarks(NAMES, max_concurrency=CONCURRENCY)

    async def raw_many(self) -> list[Any]:
        semaphore = asyncio.Semaphore(CONCURRENCY)

        async def one(name: str) -> Any:
            async with semaphore:
                return await self.raw.get_job_bookmark(JobName=name)

        return list(await asyncio.gather(*(one(name) for name in NAMES)))

    def threads_many(self) -> list[Any]:
        return self.threads.get_job_bookmarks(NAMES, max_concurrency=CONCURRENCY)


def _timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def per_call(rounds: int = 41, calls: int = 200) -> Result:
    """Per call over keep-alive HTTP: goal at most 1.02x raw aiobotocore."""
    loop = asyncio.new_event_loop()
    with echo_server_process() as server:
        sides = _Sides(loop, server)
        try:
            sides.run(sides.ours_calls(calls))  # warm-up: clients made, connections open
            sides.run(sides.raw_calls(calls))
            ours, raw = alternate(
                lambda: _timed(lambda: sides.run(sides.ours_calls(calls))) / calls,
                lambda: _timed(lambda: sides.run(sides.raw_calls(calls))) / calls,
                rounds=rounds,
            )
            ours_peak = peak_memory(lambda: sides.run(sides.ours_calls(100)))
            raw_peak = peak_memory(lambda: sides.run(sides.raw_calls(100)))
        finally:
            sides.close()
            loop.close()
    return Result(
        "async per call, HTTP 127.0.0.1",
        "µs",
        ours,
        raw,
        1.02,
        ours_peak=ours_peak,
        raw_peak=raw_peak,
        raw_label="raw",
    )


def many_jobs(rounds: int = 3) -> list[Result]:
    """1,000 jobs at 20 ms: ours vs raw aiobotocore gather (1.05x), vs threads (1.0x)."""
    loop = asyncio.new_event_loop()
    with echo_server_process() as quick:
        sides = _Sides(loop, quick)
        try:
            sides.run(sides.raw_many())  # warm-up
            cpu_floor = statistics.median(
                _timed(lambda: _check(sides.run(sides.raw_many()))) for _ in range(3)
            )
        finally:
            sides.close()
    with echo_server_process(delay=DELAY) as server:
        sides = _Sides(loop, server)
        try:
            runs: dict[str, Callable[[], list[Any]]] = {
                "ours": lambda: sides.run(sides.ours_many()),
                "raw": lambda: sides.run(sides.raw_many()),
                "threads": sides.threads_many,
            }
            for run in runs.values():  # warm-up: every pool's connections open
                run()

            def checked(side: str) -> Callable[[], float]:
                def measure() -> float:
                    before = server.requests_so_far()
                    results: list[list[Any]] = []
                    seconds = _timed(lambda: results.append(runs[side]()))
                    sent = server.requests_so_far() - before
                    if sent != JOBS:
                        raise RuntimeError(f"{side}: the server saw {sent} requests")
                    _check(results[0])
                    return seconds

                return measure

            times: dict[str, list[float]] = {side: [] for side in runs}
            order = list(runs)
            for round_number in range(rounds):
                for side in order if round_number % 2 == 0 else order[::-1]:
                    gc.collect()
                    times[side].append(checked(side)())
            peaks = {side: peak_memory(run) for side, run in runs.items()}
        finally:
            sides.close()
            loop.close()
    for side, seconds in times.items():
        print(f"runs (s): {side} " + ", ".join(f"{value:.3f}" for value in seconds))
    median = {side: statistics.median(seconds) for side, seconds in times.items()}
    floor = max(IDEAL, cpu_floor)
    print(
        f"floor: {floor:.3f} s = max(1,000 x 20 ms / {CONCURRENCY} = {IDEAL:.3f} s, "
        f"raw aiobotocore against a server answering at once = {cpu_floor:.3f} s, "
        f"{cpu_floor / JOBS * 1e3:.2f} ms of client CPU a request)"
    )
    name = f"async {JOBS:,} x 20 ms"
    return [
        Result(
            f"{name}: vs gather",
            "s",
            median["ours"],
            median["raw"],
            1.05,
            ours_peak=peaks["ours"],
            raw_peak=peaks["raw"],
        ),
        Result(
            f"{name}: vs threads",
            "s",
            median["ours"],
            median["threads"],
            1.0,
            ours_peak=peaks["ours"],
            raw_peak=peaks["threads"],
            raw_label="threads",
        ),
        Result(f"{name}: vs floor", "s", median["ours"], floor, 1.3, raw_label="floor"),
    ]


def main() -> list[Result]:
    dummy_aws_environment()
    print_header(
        f"async: AsyncGlueBookmarks vs raw aiobotocore; {JOBS:,} jobs at concurrency "
        f"{CONCURRENCY}, server answering after {DELAY * 1000:.0f} ms"
    )
    results = [per_call(), *many_jobs()]
    for result in results:
        print_result(result)
    return results


if __name__ == "__main__":
    main()
