"""The doctor: `diagnose()` against `get_job_bookmarks()` over the same jobs, in each client.

1,000 jobs (`GLUE_BOOKMARKS_BENCH_DOCTOR_JOBS` for a smaller smoke run) against a server on
127.0.0.1, in a process of its own (`benchmarks/_jobs_server.py`), that answers each request
20 ms after it arrives. Ours is `diagnose()` over every job: the `GetJobs` pages (100 jobs a
page), the bookmarks, the rules; the other side is `get_job_bookmarks(names)` alone, the names
known in advance. Goal: at most 1.3x, that is, reading the job configurations in pages and
applying the rules costs little beside the bookmarks.

The same for `AsyncGlueBookmarks` (goal: at most 1.3x too), whose `diagnose()` is the sync
one's operation driven by the async client.

And `diagnose(history=True)` against `diagnose()` over the same jobs (goal: at most 1.5x): the
history is one more `GetJobRuns` request per job, each answered with a full page of 25 runs,
read and checked for runs that overlapped.

Every run is checked, outside the clock: one diagnosis per job, in name order, without a
finding; and exactly the requests expected, as the server counted them.
"""

from __future__ import annotations

import asyncio
import math
import os
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TypeVar

from benchmarks._common import (
    REGION,
    Result,
    alternate,
    dummy_aws_environment,
    peak_memory,
    print_header,
    print_result,
)
from benchmarks._jobs_server import PAGE_SIZE, JobsServer, job_name, jobs_server_process
from glue_bookmarks import AsyncGlueBookmarks, GlueBookmarks, JobBookmarkEntry, JobDiagnosis

JOBS = int(os.environ.get("GLUE_BOOKMARKS_BENCH_DOCTOR_JOBS", "1000"))
DELAY = 0.020
ROUNDS = int(os.environ.get("GLUE_BOOKMARKS_BENCH_DOCTOR_ROUNDS", "3"))
NAMES = [job_name(number) for number in range(JOBS)]


def _sent(server: JobsServer, before: Mapping[str, int]) -> dict[str, int]:
    after = server.requests_so_far()
    return {
        op: count - before.get(op, 0) for op, count in after.items() if count != before.get(op, 0)
    }


def _checked(
    server: JobsServer,
    fetch: Callable[[], Sequence[object]],
    check: Callable[[Sequence[object]], None],
    expected: Mapping[str, int],
    measure: Callable[[Callable[[], object]], float],
) -> Callable[[], float]:
    def run() -> float:
        results: list[Sequence[object]] = []
        before = server.requests_so_far()
        figure = measure(lambda: results.append(fetch()))
        sent = _sent(server, before)
        if sent != expected:
            raise RuntimeError(f"the server saw {sent}, expected {dict(expected)}")
        check(results[0])
        return figure

    return run


def _check_diagnoses(results: Sequence[object]) -> None:
    names = [r.job_name if isinstance(r, JobDiagnosis) else r for r in results]
    if names != NAMES:
        raise RuntimeError(f"diagnoses for {len(names)} jobs, not in name order: {names[:3]}")
    for result in results:
        if not isinstance(result, JobDiagnosis) or result.findings:
            raise RuntimeError(f"unexpected diagnosis: {result!r:.300}")


def _check_entries(results: Sequence[object]) -> None:
    names = [r.job_name if isinstance(r, JobBookmarkEntry) else r for r in results]
    if names != NAMES:
        raise RuntimeError(f"{len(names)} results, not one entry per job: {names[:3]!r:.300}")


def _seconds(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def _diagnosed() -> dict[str, int]:
    """The requests `diagnose()` sends: the pages, a bookmark per job, the one security
    configuration."""
    return {
        "GetJobs": math.ceil(JOBS / PAGE_SIZE),
        "GetJobBookmark": JOBS,
        "GetSecurityConfiguration": 1,
    }


def doctor(rounds: int = ROUNDS) -> Result:
    with (
        jobs_server_process(jobs=JOBS, delay=DELAY) as server,
        GlueBookmarks(endpoint_url=server.url, region_name=REGION) as gb,
    ):
        # Untimed: the client is created and the pool's connections opened first.
        gb.get_job_bookmarks(NAMES[:16])
        ours = _checked(
            server,
            gb.diagnose,
            _check_diagnoses,
            _diagnosed(),
            _seconds,
        )
        raw = _checked(
            server,
            lambda: gb.get_job_bookmarks(NAMES),
            _check_entries,
            {"GetJobBookmark": JOBS},
            _seconds,
        )
        ours_median, raw_median = alternate(ours, raw, rounds=rounds)
        ours_peak = int(
            _checked(
                server,
                gb.diagnose,
                _check_diagnoses,
                _diagnosed(),
                peak_memory,
            )()
        )
        raw_peak = int(
            _checked(
                server,
                lambda: gb.get_job_bookmarks(NAMES),
                _check_entries,
                {"GetJobBookmark": JOBS},
                peak_memory,
            )()
        )
    return Result(
        f"diagnose {JOBS:,} jobs, 20 ms: vs get_job_bookmarks",
        "s",
        ours_median,
        raw_median,
        1.3,
        ours_peak=ours_peak,
        raw_peak=raw_peak,
        raw_label="get_job_bookmarks",
    )


def doctor_scripts(rounds: int = ROUNDS) -> Result:
    """`diagnose(scripts=True)` against `diagnose()`: the scripts' reads (one `GetObject` per
    distinct script, ten jobs a script) and their lint on top of the doctor."""
    scripts = math.ceil(JOBS / 10)
    with (
        jobs_server_process(jobs=JOBS, delay=DELAY) as server,
        GlueBookmarks(endpoint_url=server.url, region_name=REGION) as gb,
    ):
        gb.get_job_bookmarks(NAMES[:16])  # untimed: the clients and their connections
        gb.lint_s3_script("s3://scripts/script-0000.py")
        diagnosed = _diagnosed()
        ours = _checked(
            server,
            lambda: gb.diagnose(scripts=True),
            _check_diagnoses,
            {**diagnosed, "GetObject": scripts},
            _seconds,
        )
        raw = _checked(server, gb.diagnose, _check_diagnoses, diagnosed, _seconds)
        ours_median, raw_median = alternate(ours, raw, rounds=rounds)
    return Result(
        f"diagnose(scripts=True) {JOBS:,} jobs, {scripts} scripts: vs diagnose()",
        "s",
        ours_median,
        raw_median,
        1.3,
        raw_label="diagnose()",
    )


def history(rounds: int = ROUNDS) -> Result:
    with (
        jobs_server_process(jobs=JOBS, delay=DELAY) as server,
        GlueBookmarks(endpoint_url=server.url, region_name=REGION) as gb,
    ):
        gb.get_job_bookmarks(NAMES[:16])  # untimed: the client and its connections
        with_history = {**_diagnosed(), "GetJobRuns": JOBS}
        ours = _checked(
            server,
            lambda: gb.diagnose(history=True),
            _check_diagnoses,
            with_history,
            _seconds,
        )
        raw = _checked(server, gb.diagnose, _check_diagnoses, _diagnosed(), _seconds)
        ours_median, raw_median = alternate(ours, raw, rounds=rounds)
        ours_peak = int(
            _checked(
                server,
                lambda: gb.diagnose(history=True),
                _check_diagnoses,
                with_history,
                peak_memory,
            )()
        )
        raw_peak = int(_checked(server, gb.diagnose, _check_diagnoses, _diagnosed(), peak_memory)())
    return Result(
        f"diagnose(history=True) {JOBS:,} jobs, 20 ms: vs diagnose()",
        "s",
        ours_median,
        raw_median,
        1.5,
        ours_peak=ours_peak,
        raw_peak=raw_peak,
        raw_label="diagnose()",
    )


T = TypeVar("T")


def async_doctor(rounds: int = ROUNDS) -> Result:
    loop = asyncio.new_event_loop()

    def run(awaitable: Awaitable[T]) -> T:
        return loop.run_until_complete(awaitable)

    try:
        with jobs_server_process(jobs=JOBS, delay=DELAY) as server:
            gb = AsyncGlueBookmarks(endpoint_url=server.url, region_name=REGION)
            run(gb.get_job_bookmarks(NAMES[:16]))  # untimed: the client and its connections
            diagnosed = _diagnosed()
            ours = _checked(
                server, lambda: run(gb.diagnose()), _check_diagnoses, diagnosed, _seconds
            )
            raw = _checked(
                server,
                lambda: run(gb.get_job_bookmarks(NAMES)),
                _check_entries,
                {"GetJobBookmark": JOBS},
                _seconds,
            )
            ours_median, raw_median = alternate(ours, raw, rounds=rounds)
            run(gb.aclose())
    finally:
        loop.close()
    return Result(
        f"async diagnose {JOBS:,} jobs, 20 ms: vs async get_job_bookmarks",
        "s",
        ours_median,
        raw_median,
        1.3,
        raw_label="get_job_bookmarks",
    )


def main() -> list[Result]:
    dummy_aws_environment()
    print_header(
        f"doctor: diagnose() over {JOBS:,} jobs vs get_job_bookmarks() over the same jobs, "
        f"server answering after {DELAY * 1000:.0f} ms"
    )
    results = [doctor(), async_doctor(), history(), doctor_scripts()]
    for result in results:
        print_result(result)
    return results


if __name__ == "__main__":
    main()
