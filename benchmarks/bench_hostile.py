"""Hostile answers: how close to its deadline a call ends, what an endless body costs in
memory, and how soon a many-jobs run's threads and connections are gone.

Each figure is a ratio against its physical floor: the deadline itself (a call cannot end
before it), the size cap (an answer that reaches it has been received), and the tick at which
a worker looks whether its run stopped. The hostile server is `tests.faults.FaultServer` on
127.0.0.1, in this process.
"""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
import tracemalloc
from collections.abc import Callable

from botocore.config import Config

from benchmarks._common import REGION, Result, dummy_aws_environment, print_header, print_result
from glue_bookmarks import (
    AsyncGlueBookmarks,
    DeadlineExceededError,
    GlueBookmarks,
    ResponseValidationError,
)
from tests.faults import Endless, FaultServer, Trickle, fault_server, success_answer

ENTRY = {"JobName": "a", "Version": 1, "Run": 1, "Attempt": 0, "RunId": "jr_1"}
TRICKLE = Trickle(success_answer(ENTRY), interval=0.05)
ONE_ATTEMPT = Config(retries={"mode": "standard", "max_attempts": 1})
DEADLINE = 1.0
ROUNDS = 5
MiB = 1024 * 1024
# How often a worker of a stopped run looks (`_limits._TICK`): the floor of a thread's end.
TICK = 0.25


def _ours_alive() -> int:
    return sum(t.name.startswith("glue-bookmarks-") for t in threading.enumerate())


def _sync(faults: FaultServer, **options: object) -> GlueBookmarks:
    return GlueBookmarks(
        endpoint_url=faults.url,
        region_name=REGION,
        config=ONE_ATTEMPT,
        **options,  # type: ignore[arg-type]
    )


def _time_to_error(call: Callable[[], object], error: type[Exception]) -> float:
    start = time.perf_counter()
    try:
        call()
    except error:
        return time.perf_counter() - start
    raise AssertionError(f"expected {error.__name__}")


def deadline_sync(faults: FaultServer) -> Result:
    times = []
    with _sync(faults) as gb:
        for _ in range(ROUNDS):
            faults.script(TRICKLE)
            times.append(
                _time_to_error(
                    lambda: gb.get_job_bookmark("a", timeout=DEADLINE), DeadlineExceededError
                )
            )
    return Result(
        "trickled answer: time to the deadline, sync",
        "s",
        statistics.median(times),
        DEADLINE,
        1.1,
        raw_label="deadline",
    )


def deadline_async(faults: FaultServer) -> Result:
    async def main() -> list[float]:
        times = []
        async with AsyncGlueBookmarks(
            endpoint_url=faults.url, region_name=REGION, config=ONE_ATTEMPT
        ) as gb:
            for _ in range(ROUNDS):
                faults.script(TRICKLE)
                start = time.perf_counter()
                try:
                    await gb.get_job_bookmark("a", timeout=DEADLINE)
                except DeadlineExceededError:
                    times.append(time.perf_counter() - start)
        return times

    times = asyncio.run(main())
    return Result(
        "trickled answer: time to the deadline, async",
        "s",
        statistics.median(times),
        DEADLINE,
        1.1,
        raw_label="deadline",
    )


def endless_memory(faults: FaultServer, cap: int) -> Result:
    """Peak Python memory of one call against an endless body, against the cap it reads to."""
    peaks = []
    with _sync(faults, max_answer_bytes=cap) as gb:
        for _ in range(3):
            faults.script(Endless())
            tracemalloc.start()
            _time_to_error(lambda: gb.get_job_bookmark("a"), ResponseValidationError)
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
    peak = statistics.median(peaks)
    return Result(
        f"endless answer: peak memory, cap {cap // MiB} MiB",
        "KiB",
        peak,
        cap,
        2.5,
        ours_peak=int(peak),
        raw_label="cap",
    )


def endless_time(faults: FaultServer) -> Result:
    """Seconds to the error at the default cap, against the time to receive that many bytes
    over the same loopback with a plain socket read (the floor)."""
    times = []
    with _sync(faults) as gb:
        for _ in range(3):
            faults.script(Endless())
            times.append(_time_to_error(lambda: gb.get_job_bookmark("a"), ResponseValidationError))
    floor = _receive_time(faults, 64 * MiB)
    return Result(
        "endless answer: time to the 64 MiB cap",
        "s",
        statistics.median(times),
        floor,
        3.0,
        raw_label="socket read of 64 MiB",
    )


def _receive_time(faults: FaultServer, size: int) -> float:
    import socket

    faults.script(Endless())
    host, port = faults.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        received = 0
        buffer = bytearray(64 * 1024)
        start = time.perf_counter()
        while received < size:
            received += sock.recv_into(buffer)
        return time.perf_counter() - start


def threads_left(faults: FaultServer) -> Result:
    """Seconds from `get_job_bookmarks(timeout=1)` returning, its 16 jobs all trickled, until
    none of its threads and connections is left."""
    times = []
    with _sync(faults) as gb:
        for _ in range(ROUNDS):
            faults.script(default=TRICKLE)
            gb.get_job_bookmarks([f"j{n}" for n in range(16)], timeout=DEADLINE)
            start = time.perf_counter()
            while _ours_alive() or faults.open_connections:
                time.sleep(0.005)
            times.append(time.perf_counter() - start)
    return Result(
        "many jobs at their deadline: threads and connections gone after",
        "s",
        statistics.median(times),
        TICK,
        1.5,
        raw_label="stop tick",
    )


def main() -> list[Result]:
    dummy_aws_environment()
    print_header("hostile answers")
    results = []
    with fault_server() as faults:
        for bench in (deadline_sync, deadline_async, threads_left, endless_time):
            results.append(bench(faults))
            print_result(results[-1])
        for cap in (MiB, 64 * MiB):
            results.append(endless_memory(faults, cap))
            print_result(results[-1])
    return results
