"""Many jobs: `GlueBookmarks.get_job_bookmarks` against a sequential boto3 loop.

1,000 jobs against an echo server on 127.0.0.1, in a process of its own, that answers each
request 20 ms after it arrives, as a distant endpoint would. Ours is
`GlueBookmarks(endpoint_url=...).get_job_bookmarks(names, max_concurrency=16)`; the other side is
the loop a user would write with boto3, one `get_job_bookmark(JobName=name)` after another.
Two results: how many times faster ours is than the loop (goal at least 12x), and ours against
the ideal of 16 workers that only ever wait, 1,000 x 20 ms / 16 = 1.25 s (goal at most 1.3x).

Every run is checked, outside the clock, so a broken fetch cannot look fast: one answer per
name, each carrying the name it was asked for, and exactly 1,000 requests seen by the server.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import boto3

from benchmarks._common import (
    REGION,
    Result,
    dummy_aws_environment,
    peak_memory,
    print_header,
    print_result,
)
from glue_bookmarks import GlueBookmarks, JobBookmarkEntry
from tests.faults import ServerProcess, echo_server_process

JOBS = 1000
DELAY = 0.020
MAX_WORKERS = 16
IDEAL = JOBS * DELAY / MAX_WORKERS
NAMES = [f"fleet-job-{number:04d}" for number in range(JOBS)]


def _check(results: Sequence[object], job_name: Callable[[Any], object]) -> None:
    """Raise unless `results` holds, for each of `NAMES` in order, an answer for that name."""
    if len(results) != len(NAMES):
        raise RuntimeError(f"{len(results)} results for {len(NAMES)} jobs")
    for name, result in zip(NAMES, results, strict=True):
        if job_name(result) != name:
            raise RuntimeError(f"the result for {name} is {result!r:.200}")


def _entry_name(result: object) -> object:
    return result.job_name if isinstance(result, JobBookmarkEntry) else result


def _dict_name(result: Mapping[str, Any]) -> object:
    return result["JobName"]


def _seconds(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def _checked(
    server: ServerProcess,
    fetch: Callable[[], Sequence[Any]],
    job_name: Callable[[Any], object],
    measure: Callable[[Callable[[], object]], float] = _seconds,
) -> Callable[[], float]:
    """`measure` (seconds, or peak memory) of one `fetch`; its answers and requests checked."""

    def run() -> float:
        results: list[Sequence[Any]] = []
        before = server.requests_so_far()
        figure = measure(lambda: results.append(fetch()))
        sent = server.requests_so_far() - before
        if sent != JOBS:
            raise RuntimeError(f"the server saw {sent} requests for {JOBS} jobs")
        _check(results[0], job_name)
        return figure

    return run


def fleet(rounds: int = 2, ours_per_round: int = 3) -> tuple[Result, Result]:
    """1,000 jobs, 20 ms each: goals at least 12x the boto3 loop, at most 1.3x the ideal.

    The loop takes ~21 s a run, ours ~1.3 s, so each round runs ours `ours_per_round` times
    and the loop once, the order flipping each round as `_common.alternate` does.
    """
    with echo_server_process(delay=DELAY) as server:
        boto3_client = boto3.session.Session().client(
            "glue", endpoint_url=server.url, region_name=REGION
        )
        with GlueBookmarks(endpoint_url=server.url) as gb:

            def ours() -> Sequence[object]:
                return gb.get_job_bookmarks(NAMES, max_concurrency=MAX_WORKERS)

            def sequential() -> list[object]:
                return [
                    boto3_client.get_job_bookmark(JobName=name)["JobBookmarkEntry"]
                    for name in NAMES
                ]

            # Untimed: both clients are created, and the pool's connections opened, before
            # the first measurement, as they would be in a program's steady state.
            gb.get_job_bookmarks(NAMES[:MAX_WORKERS], max_concurrency=MAX_WORKERS)
            boto3_client.get_job_bookmark(JobName=NAMES[0])

            measure_ours = _checked(server, ours, _entry_name)
            measure_sequential = _checked(server, sequential, _dict_name)
            times: dict[str, list[float]] = {"ours": [], "sequential": []}
            for round_number in range(rounds):
                sides = [("ours", measure_ours)] * ours_per_round
                sides.append(("sequential", measure_sequential))
                for side, measure in sides if round_number % 2 == 0 else sides[::-1]:
                    gc.collect()
                    times[side].append(measure())
            ours_peak = int(_checked(server, ours, _entry_name, peak_memory)())
            sequential_peak = int(_checked(server, sequential, _dict_name, peak_memory)())
        boto3_client.close()
    print(
        "runs (s): ours "
        + ", ".join(f"{seconds:.3f}" for seconds in times["ours"])
        + "; boto3 loop "
        + ", ".join(f"{seconds:.3f}" for seconds in times["sequential"])
    )
    ours_median = statistics.median(times["ours"])
    sequential_median = statistics.median(times["sequential"])
    return (
        Result(
            f"{JOBS:,} jobs, 20 ms: vs boto3 loop",
            "s",
            ours_median,
            sequential_median,
            12.0,
            ours_peak=ours_peak,
            raw_peak=sequential_peak,
            raw_label="loop",
            speedup=True,
        ),
        Result(
            f"{JOBS:,} jobs, 20 ms: vs ideal",
            "s",
            ours_median,
            IDEAL,
            1.3,
            raw_label="ideal",
        ),
    )


def main() -> list[Result]:
    dummy_aws_environment()
    print_header(
        f"many jobs: get_job_bookmarks({JOBS:,} jobs, max_concurrency={MAX_WORKERS}) vs a "
        f"boto3 loop, server answering after {DELAY * 1000:.0f} ms"
    )
    results = list(fleet())
    for result in results:
        print_result(result)
    return results


if __name__ == "__main__":
    main()
