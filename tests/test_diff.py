"""`diff_bookmarks` and `load_snapshot`: every status, the per-source counts, bad snapshots.

The statuses are also produced by real changes in moto, in-process and in server mode.
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from glue_bookmarks import (
    BookmarkParseError,
    BookmarkState,
    GlueBookmarks,
    HadoopSourceState,
    InvalidParameterError,
    JobBookmarkEntry,
    JobDiff,
    NoBookmarkError,
    SnapshotError,
    SourceDiff,
    UnknownSourceState,
    diff_bookmarks,
    load_snapshot,
)
from glue_bookmarks.testing import seed_job_run
from tests._support import ENABLE, Moto, create_job

DAY = timedelta(days=1)
MONDAY = datetime(2024, 10, 28, 2, 0, tzinfo=timezone.utc)
P1 = datetime(2024, 10, 27, tzinfo=timezone.utc)
P2 = datetime(2024, 10, 28, tzinfo=timezone.utc)


def entry(
    run: int, state: BookmarkState | str | None, *, version: int | None = None
) -> JobBookmarkEntry:
    text = state.to_json() if isinstance(state, BookmarkState) else state
    return JobBookmarkEntry(
        job_name="nightly",
        version=run if version is None else version,
        run=run,
        run_id=f"jr_{run}",
        job_bookmark=text,
    )


def hadoop(files: tuple[str, ...], partition: datetime | None = None) -> HadoopSourceState:
    return HadoopSourceState(include_list=files, latest_partition=partition)


def one(before: JobBookmarkEntry | None, after: JobBookmarkEntry | None) -> JobDiff:
    [diff] = diff_bookmarks({"nightly": before}, {"nightly": after})
    assert diff.job_name == "nightly"
    return diff


# -- statuses -----------------------------------------------------------------------------------


def test_unchanged() -> None:
    same = entry(2, BookmarkState({"s": hadoop(("a",))}))
    assert one(same, entry(2, BookmarkState({"s": hadoop(("a",))}))) == JobDiff(
        job_name="nightly", status="unchanged", before=same, after=same
    )
    assert one(None, None).status == "unchanged"


def test_advanced_counts_files_added_and_partition_moves() -> None:
    before = entry(
        1,
        BookmarkState(
            {"s3": hadoop(("a", "b", "c"), P1), "jdbc": UnknownSourceState(json_class="JDBC")}
        ),
    )
    after = entry(
        2,
        BookmarkState(
            {
                "s3": hadoop(("b", "c", "d", "e"), P2),
                "jdbc": UnknownSourceState(json_class="JDBC", data={"k": 1}),
                "new": hadoop(("x", "y")),
            }
        ),
    )
    diff = one(before, after)
    assert diff.status == "advanced"
    assert diff.error is None
    assert diff.sources == (
        SourceDiff(transformation_ctx="s3", in_before=True, in_after=True, files_added=2,
                   latest_partition_before=P1, latest_partition_after=P2),
        SourceDiff(transformation_ctx="jdbc", in_before=True, in_after=True, files_added=None,
                   latest_partition_before=None, latest_partition_after=None),
        SourceDiff(transformation_ctx="new", in_before=False, in_after=True, files_added=2,
                   latest_partition_before=None, latest_partition_after=None),
    )  # fmt: skip
    assert diff.sources[0].partition_moved
    assert not diff.sources[2].partition_moved


def test_advanced_with_the_same_include_list_and_a_dropped_source() -> None:
    before = entry(1, BookmarkState({"s": hadoop(("a",), P1), "old": hadoop(("z",), P1)}))
    after = entry(2, BookmarkState({"s": hadoop(("a",), P1)}))
    diff = one(before, after)
    assert diff.status == "advanced"
    assert [(s.transformation_ctx, s.in_after, s.files_added) for s in diff.sources] == [
        ("s", True, 0),
        ("old", False, 0),
    ]
    assert diff.sources[1].latest_partition_before == P1
    assert diff.sources[1].latest_partition_after is None


def test_a_first_bookmark_is_advanced_with_every_file_added() -> None:
    diff = one(None, entry(1, BookmarkState({"s": hadoop(("a", "b"))})))
    assert diff.status == "advanced"
    assert diff.before is None
    assert [s.files_added for s in diff.sources] == [2]


def test_same_run_higher_version_is_advanced() -> None:
    state = BookmarkState({"s": hadoop(("a",))})
    assert one(entry(2, state), entry(2, state, version=3)).status == "advanced"


def test_rewound() -> None:
    before = entry(4, BookmarkState({"s": hadoop(("d",))}))
    after = entry(2, BookmarkState({"s": hadoop(("b",))}), version=5)
    diff = one(before, after)
    assert (diff.status, diff.sources) == ("rewound", ())


def test_reset_when_the_bookmark_is_gone_or_emptied() -> None:
    before = entry(2, BookmarkState({"s": hadoop(("a",))}))
    assert one(before, None).status == "reset"
    assert one(before, entry(3, BookmarkState())).status == "reset"
    assert one(before, entry(3, None)).status == "reset"
    # A state that was empty already and stays so has advanced, not been reset.
    assert one(entry(1, None), entry(2, None)).status == "advanced"


def test_appeared_and_disappeared_in_order() -> None:
    a, b = entry(1, None), entry(2, None)
    diffs = diff_bookmarks({"gone": a, "kept": None}, {"kept": None, "new": b})
    assert [(d.job_name, d.status, d.before, d.after) for d in diffs] == [
        ("gone", "disappeared", a, None),
        ("kept", "unchanged", None, None),
        ("new", "appeared", None, b),
    ]


def test_a_state_that_does_not_parse_is_reported_on_its_job() -> None:
    diff = one(entry(1, None), entry(2, "not json"))
    assert diff.status == "advanced"
    assert isinstance(diff.error, BookmarkParseError)
    assert diff.sources == ()


def test_arguments_must_be_snapshots() -> None:
    with pytest.raises(InvalidParameterError, match="before must be a mapping"):
        diff_bookmarks([], {})  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="after must map job names"):
        diff_bookmarks({}, {"nightly": {"Version": 1}})  # type: ignore[dict-item]


# -- against moto: real changes, in-process and in server mode -----------------------------------


def live(gb: GlueBookmarks, names: list[str]) -> dict[str, JobBookmarkEntry | None]:
    snapshot: dict[str, JobBookmarkEntry | None] = {}
    for name, result in zip(names, gb.get_job_bookmarks(names), strict=True):
        if isinstance(result, JobBookmarkEntry):
            snapshot[name] = result
        elif isinstance(result, NoBookmarkError):
            snapshot[name] = None
    return snapshot


def test_every_status_from_real_changes(moto: Moto) -> None:
    client, gb = moto.client, moto.gb
    names = ["steady", "growing", "rewound", "reset", "gone"]
    create_job(client, *names, DefaultArguments=ENABLE)
    for name in names:
        seed_job_run(name, started_on=MONDAY, job_bookmark=BookmarkState({"s": hadoop(("a",), P1)}))
    seed_job_run("rewound", started_on=MONDAY + DAY)
    before = live(gb, names)

    seed_job_run("growing", started_on=MONDAY + DAY,
                 job_bookmark=BookmarkState({"s": hadoop(("a", "b", "c"), P2)}))  # fmt: skip
    first = before["rewound"]
    assert first is not None and first.previous_run_id is not None
    gb.reset_job_bookmark("rewound", run_id=first.previous_run_id)
    gb.reset_job_bookmark("reset")
    client.delete_job(JobName="gone")
    create_job(client, "new", DefaultArguments=ENABLE)
    seed_job_run("new", started_on=MONDAY + DAY)
    after = live(gb, [*names, "new"])

    diffs = {diff.job_name: diff for diff in diff_bookmarks(before, after)}
    assert {name: diff.status for name, diff in diffs.items()} == {
        "steady": "unchanged",
        "growing": "advanced",
        "rewound": "rewound",
        "reset": "reset",
        "gone": "disappeared",
        "new": "appeared",
    }
    [source] = diffs["growing"].sources
    assert (source.files_added, source.latest_partition_before, source.latest_partition_after) == (
        2, P1, P2,
    )  # fmt: skip


# -- snapshots ----------------------------------------------------------------------------------

WIRE = {"JobName": "nightly", "Version": 2, "Run": 2, "Attempt": 0, "RunId": "jr_2"}
NOT_FOUND = {"Code": "EntityNotFoundException"}
THROTTLED = {"Code": "ThrottlingException"}


def document(*items: dict[str, Any]) -> str:
    return json.dumps({"JobBookmarks": list(items)})


def test_load_snapshot_reads_every_status(tmp_path: Path) -> None:
    path = tmp_path / "snap.json"
    path.write_text(
        document(
            {"JobName": "nightly", "Status": "ok", "JobBookmarkEntry": WIRE},
            {"JobName": "fresh", "Status": "no-bookmark", "Error": NOT_FOUND},
            {"JobName": "ghost", "Status": "job-not-found", "Error": NOT_FOUND},
            {"JobName": "broken", "Status": "error",
             "JobBookmarkEntry": {**WIRE, "JobName": "broken", "JobBookmark": "not json"},
             "Error": {"Code": "BookmarkParseError"}},
        )
    )  # fmt: skip
    snapshot = load_snapshot(path)
    assert list(snapshot) == ["nightly", "fresh", "broken"]
    assert snapshot["nightly"] == JobBookmarkEntry.from_dict(WIRE)
    assert snapshot["fresh"] is None
    broken = snapshot["broken"]
    assert broken is not None and broken.job_bookmark == "not json"
    # A path as str, and open files, text or binary.
    assert load_snapshot(str(path)) == snapshot
    with path.open() as text, path.open("rb") as binary:
        assert load_snapshot(text) == load_snapshot(binary) == snapshot
    assert load_snapshot(io.StringIO(document())) == {}


@pytest.mark.parametrize(
    ("content", "field", "problem"),
    [
        ("{", None, "not JSON"),
        ("\"x\"", None, "expected a JSON object, got str"),
        ("{}", "JobBookmarks", "is missing"),
        ('{"JobBookmarks": {}}', "JobBookmarks", "expected an array"),
        (document(7), "JobBookmarks[0]", "expected an object, got 7"),  # type: ignore[arg-type]
        (document({"Status": "ok"}), "JobBookmarks[0].JobName", "expected a job name, got None"),
        (document({"JobName": "j", "Status": "fine"}), "JobBookmarks[0].Status",
         "expected one of ok, no-bookmark, job-not-found, error, got 'fine'"),
        (document({"JobName": "nightly", "Status": "ok"}), "JobBookmarks[0].JobBookmarkEntry",
         "is missing"),
        (document({"JobName": "nightly", "Status": "error", "Error": THROTTLED}),
         "JobBookmarks[0].JobBookmarkEntry",
         "job 'nightly' failed in this snapshot (ThrottlingException), so its bookmark is not"),
        (document({"JobName": "nightly", "Status": "ok",
                   "JobBookmarkEntry": {**WIRE, "Version": "2"}}),
         "JobBookmarks[0].JobBookmarkEntry", "Version"),
        (document({"JobName": "other", "Status": "ok", "JobBookmarkEntry": WIRE}),
         "JobBookmarks[0].JobBookmarkEntry", "JobName is 'nightly', but the item is job 'other'"),
        (document({"JobName": "j", "Status": "no-bookmark"},
                  {"JobName": "j", "Status": "no-bookmark"}),
         "JobBookmarks[1].JobName", "job 'j' is listed twice"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_a_snapshot_names_what_is_wrong(
    tmp_path: Path, content: str, field: str | None, problem: str
) -> None:
    path = tmp_path / "snap.json"
    path.write_text(content)
    with pytest.raises(SnapshotError) as info:
        load_snapshot(path)
    assert (info.value.source, info.value.field, info.value.parameter) == (
        str(path), field, "snapshot",
    )  # fmt: skip
    assert problem in str(info.value)
    assert str(info.value).startswith(str(path))
    assert isinstance(info.value, InvalidParameterError)


def test_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="cannot be read: No such file or directory"):
        load_snapshot(tmp_path / "nope.json")
    (tmp_path / "latin1.json").write_bytes(b'{"JobBookmarks": ["\xff"]}')
    with pytest.raises(SnapshotError, match="not JSON"):
        load_snapshot(tmp_path / "latin1.json")
