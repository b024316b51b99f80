"""Timing, memory and printing shared by the benchmarks.

Every comparison runs ours and raw botocore in alternating rounds (the order flipping each
round), so drift in the machine's speed (frequency scaling, other load) falls on both alike;
the medians of the per-round figures are compared.
"""

from __future__ import annotations

import gc
import os
import statistics
import time
import tracemalloc
from collections.abc import Callable

import attrs

__all__ = [
    "REGION",
    "Result",
    "alternate",
    "compare",
    "dummy_aws_environment",
    "peak_memory",
    "print_header",
    "print_result",
]

REGION = "us-east-1"


def dummy_aws_environment() -> dict[str, str]:
    """Dummy credentials and region in `os.environ`, nothing read from the machine's AWS set-up.

    Returns:
        The variables set, for child processes.
    """
    for name in list(os.environ):
        if name.startswith("AWS_"):
            del os.environ[name]
    settings = {
        "AWS_ACCESS_KEY_ID": "AKIDGLUEBOOKMARKSBENCH",
        "AWS_SECRET_ACCESS_KEY": "glueBookmarksBenchSecretKey",
        "AWS_SESSION_TOKEN": "glueBookmarksBenchSessionToken",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    os.environ.update(settings)
    return settings


@attrs.frozen
class Result:
    """One benchmark: medians of ours and raw botocore, their ratio, the goal, peak memory.

    By default the ratio is ours / raw and the goal its maximum. With `speedup`, the ratio is
    raw / ours (how many times faster ours is) and the goal its minimum. `raw_label` names the
    other side when it is not raw botocore (a boto3 loop, an ideal figure).
    """

    name: str
    unit: str
    ours: float
    raw: float
    goal: float
    ours_peak: int | None = None
    raw_peak: int | None = None
    raw_label: str = "raw"
    speedup: bool = False

    @property
    def ratio(self) -> float:
        return self.raw / self.ours if self.speedup else self.ours / self.raw

    @property
    def met(self) -> bool:
        return self.ratio >= self.goal if self.speedup else self.ratio <= self.goal


def alternate(
    ours: Callable[[], float], raw: Callable[[], float], *, rounds: int
) -> tuple[float, float]:
    """Medians of `rounds` measurements of each side, taken in alternating order.

    Args:
        ours: Takes one measurement through glue-bookmarks and returns it.
        raw: The same through raw botocore (or the hand-written minimum).
        rounds: Measurements per side.

    Returns:
        (median of ours, median of raw).
    """
    measurements: dict[str, list[float]] = {"ours": [], "raw": []}
    sides = [("ours", ours), ("raw", raw)]
    for round_number in range(rounds):
        for side, measure in sides if round_number % 2 == 0 else sides[::-1]:
            gc.collect()
            measurements[side].append(measure())
    return statistics.median(measurements["ours"]), statistics.median(measurements["raw"])


def compare(
    ours: Callable[[], object],
    raw: Callable[[], object],
    *,
    rounds: int,
    calls: int = 1,
    warmup: int = 1,
) -> tuple[float, float]:
    """Median seconds per call of `ours` and `raw`, timed in alternating rounds.

    Args:
        ours: One call through glue-bookmarks.
        raw: The same through raw botocore (or the hand-written minimum).
        rounds: Rounds per side; each round times `calls` calls.
        calls: Calls per round.
        warmup: Untimed calls of each before the first round.

    Returns:
        (median of ours, median of raw), in seconds per call.
    """
    for _ in range(warmup):
        ours()
        raw()

    def per_call(function: Callable[[], object]) -> Callable[[], float]:
        def measure() -> float:
            start = time.perf_counter()
            for _ in range(calls):
                function()
            return (time.perf_counter() - start) / calls

        return measure

    return alternate(per_call(ours), per_call(raw), rounds=rounds)


def peak_memory(function: Callable[[], object], calls: int = 1) -> int:
    """Peak bytes allocated (tracemalloc) above the level before `calls` calls of `function`."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        for _ in range(calls):
            function()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def _duration(seconds: float, unit: str) -> str:
    # "KiB": a result whose figures are bytes (peak memory) rather than seconds.
    scale = {"s": 1.0, "ms": 1e3, "µs": 1e6, "KiB": 1 / 1024}[unit]
    return f"{seconds * scale:10.3f} {unit}"


def _size(size: int | None) -> str:
    return "-" if size is None else f"{size / 1024:,.1f} KiB"


def print_header(title: str) -> None:
    print(f"\n== {title}")


def print_result(result: Result) -> None:
    """Print one result: medians, ratio against its goal, met or NOT MET, peak memory."""
    verdict = "met" if result.met else "NOT MET"
    goal = f"goal {'>=' if result.speedup else '<='} {result.goal:.2f}x: {verdict}"
    if result.speedup or result.raw_label != "raw":
        # Say which way the ratio runs whenever it is not the usual ours / raw.
        which = f"{result.raw_label}/ours" if result.speedup else f"ours/{result.raw_label}"
        goal += f"   ({which})"
    print(
        f"{result.name:<34} ours {_duration(result.ours, result.unit)}   "
        f"{result.raw_label} {_duration(result.raw, result.unit)}   "
        f"ratio {result.ratio:6.3f}x   {goal}"
    )
    if result.ours_peak is not None or result.raw_peak is not None:
        print(
            f"{'':<34} peak memory: ours {_size(result.ours_peak)}, "
            f"{result.raw_label} {_size(result.raw_peak)}"
        )
