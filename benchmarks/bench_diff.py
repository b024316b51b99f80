"""Diffing two snapshots: `load_snapshot` twice and `diff_bookmarks` against `json.load` twice.

Two generated snapshots, as `glue-bookmarks list --output json` writes them, of 2,000 jobs
whose one source holds a 1,000-file include list. Two cases: every job advanced (a run
committed: 100 files left the window and 100 new ones came in, and the latest partition
moved), the case where every state is parsed and every include list compared; and no job
changed, where nothing is parsed. `GLUE_BOOKMARKS_BENCH_DIFF_JOBS` sets a smaller job count
for a smoke run.
"""

from __future__ import annotations

import hashlib
import io
import json
import os

from benchmarks._common import Result, compare, print_header, print_result
from glue_bookmarks import diff_bookmarks, load_snapshot

JOBS = int(os.environ.get("GLUE_BOOKMARKS_BENCH_DIFF_JOBS", "2000"))
FILES = 1000
MOVED = 100
HOUR_MS = 3_600_000


def _files(job: int, first: int) -> list[str]:
    return [
        hashlib.md5(f"{job}/{number}".encode(), usedforsecurity=False).hexdigest()
        for number in range(first, first + FILES)
    ]


def snapshot(run: int) -> bytes:
    """A snapshot in which each job's bookmark stands at `run`; the include list slides with it."""
    items = []
    for job in range(JOBS):
        name = f"job-{job:05d}"
        timestamps = {
            "RUN": str(run),
            "HIGH_BAND": "900000",
            "CURR_LATEST_PARTITION": str(1_730_000_000_000 + run * HOUR_MS),
            "CURR_LATEST_PARTITIONS": "",
            "CURR_RUN_START_TIME": "2024-10-28T01:32:45.613Z",
            "INCLUDE_LIST": ",".join(_files(job, run * MOVED)),
        }
        state = {"datasource0": {"jsonClass": "HadoopDataSourceJobBookmarkState",
                                 "timestamps": timestamps}}  # fmt: skip
        entry = {
            "JobName": name,
            "Version": run,
            "Run": run,
            "Attempt": 0,
            "PreviousRunId": f"jr_{run - 1}",
            "RunId": f"jr_{run}",
            "JobBookmark": json.dumps(state, separators=(",", ":")),
        }
        items.append({"JobName": name, "Status": "ok", "JobBookmarkEntry": entry})
    return json.dumps({"JobBookmarks": items}, indent=4).encode()


def case(name: str, before: bytes, after: bytes, *, advanced: int, rounds: int) -> Result:
    def ours() -> int:
        diffs = diff_bookmarks(load_snapshot(io.BytesIO(before)), load_snapshot(io.BytesIO(after)))
        return sum(diff.status == "advanced" for diff in diffs)

    def raw() -> int:
        return len(json.load(io.BytesIO(before))["JobBookmarks"]) + len(
            json.load(io.BytesIO(after))["JobBookmarks"]
        )

    if ours() != advanced or raw() != 2 * JOBS:
        raise AssertionError("the diff did not find what the snapshots hold")
    diffs = diff_bookmarks(load_snapshot(io.BytesIO(before)), load_snapshot(io.BytesIO(after)))
    if advanced and {source.files_added for diff in diffs for source in diff.sources} != {MOVED}:
        raise AssertionError("the diff miscounted the files added")
    ours_median, raw_median = compare(ours, raw, rounds=rounds, warmup=1)
    size = (len(before) + len(after)) / 2**20
    return Result(
        f"diff {JOBS} jobs x {FILES} files, {name} ({size:.0f} MiB)",
        "ms",
        ours_median,
        raw_median,
        2.0,
        raw_label="json.load",
    )


def main() -> list[Result]:
    print_header("diff: load_snapshot x2 + diff_bookmarks vs json.load x2")
    first, second = snapshot(1), snapshot(2)
    results = [
        case("every job advanced", first, second, advanced=JOBS, rounds=5),
        case("no job changed", first, first, advanced=0, rounds=5),
    ]
    for result in results:
        print_result(result)
    return results


if __name__ == "__main__":
    main()
