"""mypy --strict accepts ordinary consumer code and infers the types users rely on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CONSUMER = """
from datetime import datetime

from glue_bookmarks import (
    BookmarkState,
    EntityNotFoundError,
    GlueBookmarks,
    HadoopSourceState,
    JobBookmarkEntry,
    get_job_bookmark,
    reset_job_bookmark,
)


def next_run(gb: GlueBookmarks) -> int:
    entry = gb.get_job_bookmark("nightly-orders", run_id="jr_1")
    return entry.run + 1


def request_id_of_missing(name: str) -> str | None:
    try:
        get_job_bookmark(name)
    except EntityNotFoundError as e:
        return e.request_id
    return None


entry = JobBookmarkEntry.from_dict({"JobName": "j"})
reveal_type(entry.run)
reveal_type(entry.previous_run_id)
reveal_type(entry.to_dict())
with GlueBookmarks(region_name="eu-west-1") as gb:
    reveal_type(gb.get_job_bookmark("j"))


def started(entry: JobBookmarkEntry) -> list[datetime]:
    return [
        source.run_start_time
        for source in entry.state.values()
        if isinstance(source, HadoopSourceState) and source.run_start_time is not None
    ]


reveal_type(entry.state["datasource0"])
reveal_type(reset_job_bookmark("j", run_id="jr_1"))
reveal_type(BookmarkState({"ctx": HadoopSourceState(run=1)}).to_json())
"""


def test_mypy_strict_accepts_a_consumer(tmp_path: Path) -> None:
    consumer = tmp_path / "consumer.py"
    consumer.write_text(CONSUMER)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(Path(__file__).parent.parent / ".mypy_cache"),
            str(consumer),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    revealed = [
        line.split("Revealed type is ", 1)[1]
        for line in result.stdout.splitlines()
        if "Revealed type is" in line
    ]
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert errors == []
    assert revealed == [
        '"int"',
        '"str | None"',
        '"dict[str, str | int]"',
        '"glue_bookmarks._models.JobBookmarkEntry"',
        '"glue_bookmarks._models.HadoopSourceState | glue_bookmarks._models.UnknownSourceState"',
        '"glue_bookmarks._models.JobBookmarkEntry"',
        '"str"',
    ]
