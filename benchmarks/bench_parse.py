"""Parsing a large bookmark: `entry.state[ctx].include_list` against the hand-written minimum.

The bookmark holds one HadoopDataSourceJobBookmarkState source whose INCLUDE_LIST is ~1 MiB
of comma-separated hex hashes. Each round parses a fresh entry (the state is cached per
entry); the minimum is `json.loads` and one `split`.
"""

from __future__ import annotations

import hashlib
import json
from typing import cast

from benchmarks._common import Result, compare, peak_memory, print_header, print_result
from glue_bookmarks import HadoopSourceState, JobBookmarkEntry

CTX = "AWSGlueDataCatalog_node1730078287682"
TARGET_BYTES = 1024 * 1024


def large_bookmark() -> str:
    """A JobBookmark string with a ~1 MiB INCLUDE_LIST of 32-character hex hashes."""
    hashes = [
        hashlib.md5(str(number).encode(), usedforsecurity=False).hexdigest()
        for number in range(TARGET_BYTES // 33)
    ]
    timestamps = {
        "RUN": "1",
        "HIGH_BAND": "900000",
        "CURR_LATEST_PARTITION": "0",
        "CURR_LATEST_PARTITIONS": "",
        "CURR_RUN_START_TIME": "2024-10-28T01:32:45.613Z",
        "INCLUDE_LIST": ",".join(hashes),
    }
    source = {"jsonClass": "HadoopDataSourceJobBookmarkState", "timestamps": timestamps}
    return json.dumps({CTX: source}, separators=(",", ":"))


def parse(rounds: int = 25) -> Result:
    """`entry.state[ctx].include_list` on a fresh entry: goal at most 1.2x the minimum."""
    bookmark = large_bookmark()

    def ours() -> tuple[str, ...]:
        entry = JobBookmarkEntry(
            job_name="nightly-orders", version=1, run=1, attempt=0, job_bookmark=bookmark
        )
        return cast(HadoopSourceState, entry.state[CTX]).include_list

    def raw() -> list[str]:
        document = json.loads(bookmark)
        include_list: str = document[CTX]["timestamps"]["INCLUDE_LIST"]
        return include_list.split(",")

    if list(ours()) != raw():
        raise AssertionError("the two sides disagree on the include list")
    ours_median, raw_median = compare(ours, raw, rounds=rounds, warmup=2)
    return Result(
        f"parse a {len(bookmark) / 2**20:.2f} MiB bookmark",
        "ms",
        ours_median,
        raw_median,
        1.2,
        ours_peak=peak_memory(ours),
        raw_peak=peak_memory(raw),
    )


def main() -> list[Result]:
    print_header("parsing: entry.state[ctx].include_list vs json.loads + split")
    result = parse()
    print_result(result)
    return [result]


if __name__ == "__main__":
    main()
