"""Pacing under a rate limit: `get_job_bookmarks` against the floor, in one process run.

The echo server (`python -m tests.faults`) runs in a process of its own, as Glue would: with
`--rate` it admits that many `GetJobBookmark` calls a second (a token bucket of `--burst`,
counted at arrival) and answers the rest at once with Glue's `ThrottlingException`.

Four parts, every figure of a part taken in this one run:

- **Under a rate limit.** 600 jobs at 100 calls/s (burst 10, answers after 10 ms), 200 at
  20/s, 2,000 at 400/s, and 600 when the limit drops from 100 to 40/s 3 s after the first
  request. A run's floor is the larger of what the limit allows at best (`RateLimit.earliest`:
  the burst at once, then one call per token, plus the last answer's 10 ms) and what a raw
  botocore 16-thread pool takes for the same jobs against the same server without a limit.
  Ours is `GlueBookmarks(client=...).get_job_bookmarks(names)`: goal every job with an entry,
  within 1.15x of the floor. For 600 at 100/s, the issue's other rows too: a boto3 16-thread
  pool in legacy mode (5 attempts), and ours over clients in adaptive mode and in standard mode
  with 10 attempts.
- **No throttling.** 1,000 jobs, answers after 20 ms: ours against a raw botocore 16-thread
  pool in alternating rounds (goal within 1.05x), against 1,000 x 20 ms / 16, and (unless
  `BENCH_PACING_NO_LOOP=1`) against one run of a sequential boto3 loop (~21 s).
- **Memory.** Peak tracemalloc of `iter_job_bookmarks` consumed without keeping results, for
  1,000 and 10,000 jobs against a server answering at once, and of `get_job_bookmarks`.
- **Cancellation.** Against a server answering after 30 s: a SIGINT to the main thread 0.5 s
  into `get_job_bookmarks` (the time from the signal to control returning); `timeout=0.5` on
  `get_job_bookmarks` and on `iter_job_bookmarks` (the overshoot), then closing the generator
  with requests in flight; and `glue-bookmarks list` with 40 jobs, sent SIGINT once its
  requests are in flight (time to exit, exit status 130, the count of jobs done on stderr).

Every client has `Config(max_pool_connections=64)` and dummy credentials. Every run is checked
outside the clock (one result per name, in order, each the entry for its name or a typed
error; the server's count of 2xx answers equal to the entries returned), so a broken run
stops the benchmark instead of reporting a figure.

`BENCH_PACING_QUICK=1` (or `python -m benchmarks.bench_pacing --quick`) runs everything at a
tenth of the jobs (the rate change after 0.3 s) in well under a minute, to check it works;
its figures are not the goals' figures.
"""

from __future__ import annotations

import collections
import gc
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError

from benchmarks._common import (
    REGION,
    Result,
    alternate,
    dummy_aws_environment,
    peak_memory,
    print_header,
    print_result,
)
from glue_bookmarks import GlueBookmarks, GlueBookmarksError, JobBookmarkEntry
from tests.faults import Counts, RateLimit, ServerProcess, echo_server_process

MAX_WORKERS = 16
POOL_CONNECTIONS = 64
LIMITED_DELAY = 0.010
PACING_GOAL = 1.15
NO_THROTTLING_DELAY = 0.020
NO_THROTTLING_GOAL = 1.05
SLOW_DELAY = 30.0
INTERRUPT_AFTER = 0.5
DEADLINE = 0.5
CANCEL_BUDGET = 1.0  # seconds: "returns control within 1 s"
CANCEL_JOBS = 40
CLI_SIGINT_AFTER = 1.0
EXIT_INTERRUPTED = 130


@attrs.frozen
class Scenario:
    """N jobs against a server admitting `limit`, answering after `delay`."""

    name: str
    jobs: int
    limit: RateLimit
    delay: float = LIMITED_DELAY

    @property
    def earliest(self) -> float:
        """The best the limit allows: the last call admitted, plus its answer's delay."""
        return self.limit.earliest(self.jobs) + self.delay


@attrs.frozen
class Sizes:
    """How much each part does: the goals' sizes, or a tenth of them for a smoke run."""

    quick: bool
    scenarios: tuple[Scenario, ...]
    no_throttling_jobs: int
    memory_jobs: tuple[int, int]
    rounds: int
    no_throttling_rounds: int

    @classmethod
    def of(cls, quick: bool) -> Sizes:
        scale = 10 if quick else 1
        change = 3.0 / scale
        return cls(
            quick=quick,
            scenarios=(
                Scenario(f"{600 // scale:,} jobs, 100/s", 600 // scale, RateLimit(100, 10)),
                Scenario(f"{200 // scale:,} jobs, 20/s", 200 // scale, RateLimit(20, 10)),
                Scenario(f"{2000 // scale:,} jobs, 400/s", 2000 // scale, RateLimit(400, 10)),
                Scenario(
                    f"{600 // scale:,} jobs, 100 -> 40/s at {change:g} s",
                    600 // scale,
                    RateLimit(100, 10, (change, 40)),
                ),
            ),
            no_throttling_jobs=1000 // scale,
            memory_jobs=(1000 // scale, 10000 // scale),
            rounds=1 if quick else 3,
            no_throttling_rounds=2 if quick else 5,
        )


def job_names(count: int) -> list[str]:
    return [f"pacing-job-{number:05d}" for number in range(count)]


def _config(**settings: Any) -> Config:
    return Config(max_pool_connections=POOL_CONNECTIONS, **settings)


def botocore_client(url: str, **settings: Any) -> Any:
    """A plain botocore Glue client for `url`, with a pool of 64 and `settings`."""
    return botocore.session.Session().create_client(
        "glue", region_name=REGION, endpoint_url=url, config=_config(**settings)
    )


def boto3_client(url: str, **settings: Any) -> Any:
    """The client a boto3 user builds: `boto3.session.Session().client("glue", ...)`."""
    return boto3.session.Session().client(
        "glue", region_name=REGION, endpoint_url=url, config=_config(**settings)
    )


# -- the checks: a run that fails one stops the benchmark --------------------------------------


def _fail(message: str) -> None:
    raise RuntimeError(f"benchmark run rejected: {message}")


@attrs.frozen
class Tally:
    """What a fetch returned: entries, and the failures by kind."""

    jobs: int
    entries: int
    failures: collections.Counter[str]

    def describe(self) -> str:
        failures = ", ".join(f"{count} {kind}" for kind, count in self.failures.most_common())
        return f"{self.entries:,}/{self.jobs:,}" + (f" ({failures})" if failures else "")


def check_ours(names: Sequence[str], results: Sequence[object]) -> Tally:
    """One result per name in order: the entry for that name, or one of our typed errors."""
    if len(results) != len(names):
        _fail(f"{len(results)} results for {len(names)} jobs")
    failures: collections.Counter[str] = collections.Counter()
    entries = 0
    for name, result in zip(names, results, strict=True):
        if isinstance(result, JobBookmarkEntry) and result.job_name == name:
            entries += 1
        elif isinstance(result, GlueBookmarksError):
            failures[type(result).__name__] += 1
        else:
            _fail(f"the result for {name} is {result!r:.200}")
    return Tally(len(names), entries, failures)


def check_raw(names: Sequence[str], results: Sequence[object]) -> Tally:
    """The same for raw botocore: each the entry dict for its name, or a `ClientError`."""
    if len(results) != len(names):
        _fail(f"{len(results)} results for {len(names)} jobs")
    failures: collections.Counter[str] = collections.Counter()
    entries = 0
    for name, result in zip(names, results, strict=True):
        if isinstance(result, dict) and result.get("JobName") == name:
            entries += 1
        elif isinstance(result, ClientError):
            failures[result.response.get("Error", {}).get("Code", "ClientError")] += 1
        else:
            _fail(f"the result for {name} is {result!r:.200}")
    return Tally(len(names), entries, failures)


def check_served(tally: Tally, served: Counts, *, throttled: bool) -> None:
    """The server sent one 2xx answer per entry, and throttled nothing unless it limits."""
    if served.succeeded != tally.entries:
        _fail(f"the server sent {served.succeeded} answers for {tally.entries} entries")
    if not throttled and served.throttled:
        _fail(f"the server without a limit throttled {served.throttled} requests")


@attrs.frozen
class Run:
    """One checked fetch: its wall time, what it returned, what the server answered."""

    seconds: float
    tally: Tally
    served: Counts


def timed_run(
    server: ServerProcess,
    names: Sequence[str],
    fetch: Callable[[], Sequence[object]],
    check: Callable[[Sequence[str], Sequence[object]], Tally],
) -> Run:
    """Time one `fetch` of `names` from a full bucket, then check its results."""
    server.reset_rate_limit()
    before = server.counts_so_far()
    gc.collect()
    start = time.perf_counter()
    results = fetch()
    seconds = time.perf_counter() - start
    served = server.counts_so_far() - before
    tally = check(names, results)
    check_served(tally, served, throttled=True)
    return Run(seconds, tally, served)


def raw_pool(client: Any, names: Sequence[str], *, keep_errors: bool = False) -> list[object]:
    """A plain 16-thread pool over `client.get_job_bookmark`, results in input order.

    With `keep_errors`, a `ClientError` is returned in the job's place (as a user counting
    failures would), not raised.
    """

    def one(name: str) -> object:
        try:
            return client.get_job_bookmark(JobName=name)["JobBookmarkEntry"]
        except ClientError as exc:
            if keep_errors:
                return exc
            raise

    with ThreadPoolExecutor(MAX_WORKERS) as pool:
        return list(pool.map(one, names))


def _warm_up(fetch: Callable[[Sequence[str]], object]) -> None:
    # Untimed: the client made and its connections open before the first timed run.
    fetch(job_names(MAX_WORKERS))


# -- under a rate limit ------------------------------------------------------------------------


@attrs.frozen
class Row:
    """A row of the pacing table."""

    scenario: Scenario
    client: str
    runs: tuple[Run, ...]
    floor: float
    raw_pool: float

    @property
    def seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    def line(self) -> str:
        last = self.runs[-1]
        walls = ", ".join(f"{run.seconds:.2f}" for run in self.runs)
        throttled = ", ".join(f"{run.served.throttled:,}" for run in self.runs)
        return (
            f"{self.scenario.name:<30} {self.client:<44} {last.tally.describe():>16} "
            f"{self.seconds:8.2f} s {self.floor:7.2f} s {self.seconds / self.floor:7.2f}x "
            f"{throttled:>14}   runs {walls}"
        )


def _table_header() -> None:
    print(
        f"{'scenario':<30} {'client':<44} {'jobs w/ entry':>16} {'wall':>10} "
        f"{'floor':>9} {'vs floor':>8} {'throttled':>14}"
    )


def raw_pool_floor(names: Sequence[str], delay: float, rounds: int) -> float:
    """Median wall time of a raw botocore 16-thread pool, against a server without a limit."""
    with echo_server_process(delay=delay) as server:
        client = botocore_client(server.url)
        _warm_up(lambda warm: raw_pool(client, warm))
        times = []
        for _ in range(rounds):
            run = timed_run(server, names, lambda: raw_pool(client, names), check_raw)
            if run.tally.entries != len(names):
                _fail(f"the raw pool without a limit got {run.tally.describe()}")
            check_served(run.tally, run.served, throttled=False)
            times.append(run.seconds)
        client.close()
    return statistics.median(times)


def _ours(client: Any) -> Callable[[Sequence[str]], Sequence[object]]:
    gb = GlueBookmarks(client=client)
    return lambda names: gb.get_job_bookmarks(names, max_concurrency=MAX_WORKERS)


@attrs.frozen
class PacingResult(Result):
    """A pacing result: met only with an entry for every job, within the goal of the floor."""

    jobs: int = 0
    entries: int = 0

    @property
    def met(self) -> bool:
        return self.entries == self.jobs and super().met


Fetch = Callable[[Sequence[str]], Sequence[object]]
Check = Callable[[Sequence[str], Sequence[object]], Tally]


@attrs.define
class Table:
    """The rows of one scenario, each a client's checked runs against one limited server."""

    scenario: Scenario
    server: ServerProcess
    floor: float
    raw_pool: float
    rows: list[Row] = attrs.field(factory=list)

    def row(self, label: str, fetch: Fetch, *, check: Check = check_ours, rounds: int = 1) -> Row:
        names = job_names(self.scenario.jobs)
        _warm_up(fetch)
        runs = tuple(
            timed_run(self.server, names, lambda: fetch(names), check) for _ in range(rounds)
        )
        made = Row(self.scenario, label, runs, self.floor, self.raw_pool)
        print(made.line())
        self.rows.append(made)
        return made


def _baselines(table: Table) -> None:
    """The issue's other rows: our own client, a boto3 pool, botocore's retry modes."""
    url = table.server.url
    with GlueBookmarks(endpoint_url=url, config=_config()) as own:
        table.row(
            "GlueBookmarks(endpoint_url=...)",
            lambda names: own.get_job_bookmarks(names, max_concurrency=MAX_WORKERS),
        )
    legacy = boto3_client(url, retries={"mode": "legacy"})
    table.row(
        "boto3 16-thread pool, legacy (5 attempts)",
        lambda names: raw_pool(legacy, names, keep_errors=True),
        check=check_raw,
    )
    legacy.close()
    for label, retries in [
        ('ours, retries={"mode": "adaptive"}', {"mode": "adaptive"}),
        (
            'ours, {"mode": "standard", "max_attempts": 10}',
            {"mode": "standard", "max_attempts": 10},
        ),
    ]:
        client = botocore_client(url, retries=retries)
        table.row(label, _ours(client))
        client.close()


def scenario_rows(scenario: Scenario, sizes: Sizes, *, baselines: bool) -> tuple[Result, Table]:
    """One scenario's floor and rows; the result of ours (default settings) against the floor."""
    raw = raw_pool_floor(job_names(scenario.jobs), scenario.delay, sizes.rounds)
    floor = max(scenario.earliest, raw)
    print(
        f"{scenario.name}: the limit allows {scenario.earliest:.3f} s "
        f"(N / rate = {scenario.jobs / scenario.limit.rate:.2f} s), a raw pool without "
        f"a limit takes {raw:.3f} s: floor {floor:.3f} s"
    )
    limit = scenario.limit
    with echo_server_process(
        delay=scenario.delay, rate=limit.rate, burst=limit.burst, rate_after=limit.rate_after
    ) as server:
        table = Table(scenario, server, floor, raw)
        client = botocore_client(server.url)
        ours = table.row("GlueBookmarks(client=...)", _ours(client), rounds=sizes.rounds)
        client.close()
        if baselines:
            _baselines(table)
    entries = min(run.tally.entries for run in ours.runs)
    result = PacingResult(
        f"{scenario.name}: {entries:,}/{scenario.jobs:,}",
        "s",
        ours.seconds,
        floor,
        PACING_GOAL,
        raw_label="floor",
        jobs=scenario.jobs,
        entries=entries,
    )
    return result, table


def pacing(sizes: Sizes) -> list[Result]:
    """Each scenario: its floor, then ours (and for the first, the issue's other rows)."""
    print_header(
        f"pacing under a rate limit: get_job_bookmarks(max_concurrency={MAX_WORKERS}) against "
        "max(what the limit allows, a raw 16-thread pool without a limit)"
    )
    results: list[Result] = []
    tables: list[Table] = []
    for index, scenario in enumerate(sizes.scenarios):
        result, table = scenario_rows(scenario, sizes, baselines=index == 0)
        results.append(result)
        tables.append(table)
    print()
    _table_header()
    for table in tables:
        for made in table.rows:
            print(made.line())
    for result in results:
        print_result(result)
    return results


# -- no throttling -----------------------------------------------------------------------------


def no_throttling(sizes: Sizes) -> list[Result]:
    """Ours against a raw 16-thread pool, the ideal, and (optionally) a sequential loop."""
    jobs = sizes.no_throttling_jobs
    names = job_names(jobs)
    ideal = jobs * NO_THROTTLING_DELAY / MAX_WORKERS
    print_header(
        f"no throttling: {jobs:,} jobs, answers after {NO_THROTTLING_DELAY * 1000:.0f} ms: "
        f"ours vs a raw botocore {MAX_WORKERS}-thread pool, the ideal ({ideal:.2f} s), a "
        "boto3 loop"
    )
    with echo_server_process(delay=NO_THROTTLING_DELAY) as server:
        ours_client, raw_client = botocore_client(server.url), botocore_client(server.url)
        ours = _ours(ours_client)
        _warm_up(ours)
        _warm_up(lambda warm: raw_pool(raw_client, warm))

        def measure(
            fetch: Callable[[], Sequence[object]],
            check: Callable[[Sequence[str], Sequence[object]], Tally],
        ) -> Callable[[], float]:
            def run() -> float:
                made = timed_run(server, names, fetch, check)
                if made.tally.entries != jobs:
                    _fail(f"{made.tally.describe()} with no throttling")
                check_served(made.tally, made.served, throttled=False)
                return made.seconds

            return run

        ours_median, raw_median = alternate(
            measure(lambda: ours(names), check_ours),
            measure(lambda: raw_pool(raw_client, names), check_raw),
            rounds=sizes.no_throttling_rounds,
        )
        results = [
            Result(
                f"{jobs:,} jobs, 20 ms: vs raw pool",
                "s",
                ours_median,
                raw_median,
                NO_THROTTLING_GOAL,
            ),
            Result(
                f"{jobs:,} jobs, 20 ms: vs ideal", "s", ours_median, ideal, 1.3, raw_label="ideal"
            ),
        ]
        if os.environ.get("BENCH_PACING_NO_LOOP", "") in ("", "0"):
            loop_client = boto3_client(server.url)
            loop_client.get_job_bookmark(JobName=names[0])
            loop = measure(
                lambda: [
                    loop_client.get_job_bookmark(JobName=name)["JobBookmarkEntry"] for name in names
                ],
                check_raw,
            )()
            loop_client.close()
            results.append(
                Result(
                    f"{jobs:,} jobs, 20 ms: vs boto3 loop",
                    "s",
                    ours_median,
                    loop,
                    12.0,
                    raw_label="loop",
                    speedup=True,
                )
            )
        ours_client.close()
        raw_client.close()
    for result in results:
        print_result(result)
    return results


# -- memory ------------------------------------------------------------------------------------


def memory(sizes: Sizes) -> list[Result]:
    """Peak memory of streaming (results dropped) and of the ordered list, at two sizes."""
    small, large = sizes.memory_jobs
    print_header(
        f"memory: peak tracemalloc of iter_job_bookmarks (results not kept) and "
        f"get_job_bookmarks, {small:,} and {large:,} jobs, server answering at once"
    )
    peaks: dict[tuple[str, int], int] = {}
    with echo_server_process() as server:
        client = botocore_client(server.url)
        gb = GlueBookmarks(client=client)
        _warm_up(lambda warm: gb.get_job_bookmarks(warm, max_concurrency=MAX_WORKERS))
        for jobs in (small, large):
            names = job_names(jobs)
            # Allocated before tracing starts, so the check costs the figure nothing.
            seen = bytearray(jobs)

            def stream(names: list[str] = names, seen: bytearray = seen) -> None:
                for name, result in gb.iter_job_bookmarks(names, max_concurrency=MAX_WORKERS):
                    if not (isinstance(result, JobBookmarkEntry) and result.job_name == name):
                        _fail(f"iter_job_bookmarks gave {result!r:.200} for {name}")
                    number = int(name[-5:])
                    if seen[number]:
                        _fail(f"iter_job_bookmarks gave {name} twice")
                    seen[number] = 1

            def ordered(names: list[str] = names) -> None:
                results = gb.get_job_bookmarks(names, max_concurrency=MAX_WORKERS)
                tally = check_ours(names, results)
                if tally.entries != len(names):
                    _fail(f"get_job_bookmarks got {tally.describe()}")

            for label, function in (("iter", stream), ("get", ordered)):
                before = server.counts_so_far()
                peaks[label, jobs] = peak_memory(function)
                served = server.counts_so_far() - before
                if served != Counts(jobs, 0, jobs):
                    _fail(f"{label} of {jobs:,} jobs: the server answered {served}")
            if not all(seen):
                _fail(f"iter_job_bookmarks gave {sum(seen):,} of {jobs:,} jobs")
        client.close()
    for label in ("iter", "get"):
        growth = (peaks[label, large] - peaks[label, small]) / (large - small)
        print(
            f"{label + '_job_bookmarks':<20} {small:>7,} jobs "
            f"{peaks[label, small] / 1024:10.1f} KiB"
            f"   {large:>7,} jobs {peaks[label, large] / 1024:10.1f} KiB"
            f"   {growth:8.1f} bytes per further job"
        )
    results = [
        Result(
            f"memory: iter {large:,} vs {small:,} jobs",
            "KiB",
            peaks["iter", large],
            peaks["iter", small],
            1.5,
            raw_label=f"{small:,} jobs",
        ),
        Result(
            f"memory: {large:,} jobs, iter vs get",
            "KiB",
            peaks["iter", large],
            peaks["get", large],
            0.25,
            raw_label="get",
        ),
    ]
    for result in results:
        print_result(result)
    return results


# -- cancellation ------------------------------------------------------------------------------


@contextmanager
def _default_sigint() -> Iterator[None]:
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def interrupted(function: Callable[[], object], after: float) -> float:
    """Seconds from a SIGINT sent to the main thread `after` seconds in, to control returning.

    A real signal, as Ctrl-C sends, aimed at the main thread (where Python runs its handler),
    so a wait there is woken as it would be at a terminal.
    """
    main = threading.main_thread().ident
    if main is None or threading.current_thread() is not threading.main_thread():
        raise RuntimeError("interrupted() runs in the main thread")
    sent: list[float] = []

    def interrupt() -> None:
        sent.append(time.perf_counter())
        signal.pthread_kill(main, signal.SIGINT)

    timer = threading.Timer(after, interrupt)
    with _default_sigint():
        try:
            timer.start()
            function()
        except KeyboardInterrupt:
            returned = time.perf_counter()
        else:
            timer.cancel()
            timer.join()
            _fail("the call returned before it was interrupted")
    timer.join()
    return returned - sent[0]


def _budget(name: str, seconds: float) -> Result:
    """`seconds` against the 1 s budget, printed at once (a later part may stop the run)."""
    result = Result(name, "s", seconds, CANCEL_BUDGET, 1.0, raw_label="budget")
    print_result(result)
    return result


def cancellation(sizes: Sizes) -> list[Result]:
    """Control back within 1 s with requests in flight against a server answering after 30 s."""
    from glue_bookmarks import DeadlineExceededError

    names = job_names(CANCEL_JOBS)
    print_header(
        f"cancellation: {CANCEL_JOBS} jobs against a server answering after {SLOW_DELAY:.0f} s, "
        f"{MAX_WORKERS} requests in flight"
    )
    results: list[Result] = []
    with echo_server_process(delay=SLOW_DELAY) as server:
        client = botocore_client(server.url)
        gb = GlueBookmarks(client=client)

        latency = interrupted(
            lambda: gb.get_job_bookmarks(names, max_concurrency=MAX_WORKERS), INTERRUPT_AFTER
        )
        results.append(_budget("Ctrl-C in get_job_bookmarks", latency))

        start = time.perf_counter()
        listed = gb.get_job_bookmarks(names, max_concurrency=MAX_WORKERS, timeout=DEADLINE)
        overshoot = time.perf_counter() - start - DEADLINE
        tally = check_ours(names, listed)
        if tally.failures != collections.Counter({DeadlineExceededError.__name__: len(names)}):
            _fail(f"get_job_bookmarks(timeout={DEADLINE}) gave {tally.describe()}")
        results.append(_budget(f"get_job_bookmarks(timeout={DEADLINE}) overshoot", overshoot))

        start = time.perf_counter()
        stream = gb.iter_job_bookmarks(names, max_concurrency=MAX_WORKERS, timeout=DEADLINE)
        name, first = next(stream)
        overshoot = time.perf_counter() - start - DEADLINE
        if name not in names or not isinstance(first, DeadlineExceededError):
            _fail(f"iter_job_bookmarks(timeout={DEADLINE}) first gave {name!r}: {first!r:.200}")
        start = time.perf_counter()
        stream.close()
        closed = time.perf_counter() - start
        results.append(_budget(f"iter_job_bookmarks(timeout={DEADLINE}) overshoot", overshoot))
        results.append(_budget("iter_job_bookmarks close(), in flight", closed))
        client.close()
        # Leaving the block stops the server, which answers the requests still waiting.

    results.append(_budget("CLI list: SIGINT to exit", cli_interrupted(names)))
    return results


def cli_interrupted(names: Sequence[str]) -> float:
    """`glue-bookmarks list JOB...` sent SIGINT with its requests in flight: seconds to exit."""
    with echo_server_process(delay=SLOW_DELAY) as server:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "glue_bookmarks", "list", *names, "--endpoint-url", server.url],
            cwd=Path(__file__).resolve().parents[1],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            # Interrupted once its first requests wait in the server, and not before 1 s.
            deadline = time.perf_counter() + 30
            while server.requests_so_far() < MAX_WORKERS or (
                time.perf_counter() - started < CLI_SIGINT_AFTER
            ):
                if process.poll() is not None or time.perf_counter() > deadline:
                    _fail(f"the CLI never had {MAX_WORKERS} requests in flight")
                time.sleep(0.01)
            sent = time.perf_counter()
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=60)
            exited = time.perf_counter() - sent
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    print(
        f"CLI list: exit status {process.returncode} {exited:.3f} s after SIGINT; "
        f"stderr {stderr.strip()!r:.300}"
    )
    if process.returncode != EXIT_INTERRUPTED:
        _fail(f"the CLI exited {process.returncode}, not {EXIT_INTERRUPTED}")
    if "Traceback" in stderr or not re.search(r"\d+\b.*\bjobs?\b", stderr):
        _fail("the CLI's stderr does not say how many jobs were done")
    return exited


# -- all of it ---------------------------------------------------------------------------------


def main(quick: bool | None = None) -> list[Result]:
    if quick is None:
        quick = os.environ.get("BENCH_PACING_QUICK", "") not in ("", "0")
    sizes = Sizes.of(quick)
    dummy_aws_environment()  # the CLI's process inherits it
    if quick:
        print("\n(BENCH_PACING_QUICK: a tenth of the jobs; the figures are not the goals')")
    results = pacing(sizes)
    results += no_throttling(sizes)
    results += memory(sizes)
    results += cancellation(sizes)
    return results


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:] or None)
