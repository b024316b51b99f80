"""`glue-bookmarks rewind` and `glue-bookmarks diff`, against moto server.

Each test runs the command through `main(argv)` in this process (`run_cli`).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from types_boto3_glue.client import GlueClient

from glue_bookmarks import BookmarkState, GlueBookmarks, HadoopSourceState
from glue_bookmarks.testing import bookmark_calls, seed_job_run
from tests._cli_support import Result, Terminal, run_cli, run_cli_on_terminal
from tests._support import REGION, create_job, refused_endpoint
from tests.faults import Echo, FaultServer, error_answer

ENABLE = {"--job-bookmark-option": "job-bookmark-enable"}
MONDAY = datetime(2024, 10, 28, 2, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)
PARTITION = datetime(2024, 10, 27, tzinfo=timezone.utc)


def state(run: int, files: tuple[str, ...]) -> BookmarkState:
    return BookmarkState(
        {
            "datasource0": HadoopSourceState(
                run=run, include_list=files, latest_partition=PARTITION + run * DAY
            )
        }
    )


@pytest.fixture
def week(glue_moto_server_url: str, glue: GlueClient) -> list[str]:
    """Job "nightly" with four committing runs, Monday to Thursday at 02:00 UTC."""
    create_job(glue, "nightly", DefaultArguments=ENABLE)
    return [
        seed_job_run("nightly", started_on=MONDAY + day * DAY, job_bookmark=state(day + 1, ()))
        for day in range(4)
    ]


def cli(
    capsys: pytest.CaptureFixture[str], url: str, *argv: str, stdin: str | Terminal = ""
) -> Result:
    """`glue-bookmarks ARGV --endpoint-url URL`, in this process."""
    return run_cli(capsys, [*argv, "--endpoint-url", url], stdin=stdin)


def run_id_now(url: str) -> str | None:
    with GlueBookmarks(endpoint_url=url, region_name=REGION) as gb:
        return gb.get_job_bookmark("nightly").run_id


# -- rewind -------------------------------------------------------------------------------------


def test_rewind_dry_run_prints_the_plan_and_changes_nothing(
    glue_moto_server_url: str, week: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["rewind", "nightly", "--since", "2024-10-30T12:00:00Z", "--dry-run"]
    status, out, err = cli(capsys, glue_moto_server_url, *argv)
    assert (status, err) == (0, "")
    assert out == (
        "Rewind plan for job 'nightly', to process again the data since "
        "2024-10-30T12:00:00.000Z:\n"
        f"  current bookmark: version 4, run 4, run id {week[3]}\n"
        f"  rewind to:        run {week[2]}, which started 2024-10-30T02:00:00.000Z\n"
        "  processed again:  the data since 2024-10-30T02:00:00.000Z, that run's start; "
        "the precision is one run\n"
        "  every source of the job is rewound; files already written to its targets are not "
        "cleaned\n"
    )
    assert bookmark_calls("nightly")["ResetJobBookmark"] == 0
    assert run_id_now(glue_moto_server_url) == week[3]


def test_rewind_with_yes_applies_the_plan(
    glue_moto_server_url: str, week: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["rewind", "nightly", "--since", "2024-10-29T04:00+01:00", "--yes"]
    status, out, err = cli(capsys, glue_moto_server_url, *argv)
    assert (status, err) == (0, "")
    assert f"  rewind to:        run {week[1]}, which started 2024-10-29T02:00:00.000Z\n" in out
    assert out.endswith(f"Rewound: the bookmark of 'nightly' is at run 2 ({week[1]}), version 5.\n")
    assert run_id_now(glue_moto_server_url) == week[1]


def test_rewind_before_every_run_is_a_full_reset_only_when_asked(
    glue_moto_server_url: str, week: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["rewind", "nightly", "--since", "2024-10-01T00:00:00Z", "--yes"]
    status, out, err = cli(capsys, glue_moto_server_url, *argv)
    assert status == 2
    assert "  processed again:  all the job's data\n" in out
    assert err == (
        "glue-bookmarks: error: rewind: refused, the plan is a full reset: no run of job 'nightly' "
        f"started before 2024-10-01T00:00:00+00:00 (the oldest run seen, {week[0]}, started "
        "2024-10-28T02:00:00+00:00); pass --allow-full-reset to process all the job's data "
        "again\n"
    )
    assert bookmark_calls("nightly")["ResetJobBookmark"] == 0

    status, out, _ = cli(capsys, glue_moto_server_url, *argv, "--allow-full-reset")
    assert status == 0
    assert "  rewind to:        no succeeded run started before then: a full reset\n" in out
    assert "  processed again:  all the job's data\n" in out
    assert out.endswith("Reset: job 'nightly' has no bookmark now.\n")
    assert bookmark_calls("nightly")["ResetJobBookmark"] == 1


def test_rewind_to_the_current_run_has_nothing_to_do(
    glue_moto_server_url: str, week: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # A relative since: 36 hours back from now is after Thursday's run, in 2024.
    status, out, err = cli(capsys, glue_moto_server_url, "rewind", "nightly", "--since", "36h")
    assert status == 0
    assert out.endswith("Nothing to do: the bookmark already stands at that run.\n")
    assert err == ""
    assert bookmark_calls("nightly")["ResetJobBookmark"] == 0


@pytest.mark.parametrize(("answer", "applied"), [("y\n", True), ("\n", False), ("no\n", False)])
def test_rewind_on_a_terminal_asks_first(
    glue_moto_server_url: str,
    week: list[str],
    answer: str,
    applied: bool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["rewind", "nightly", "--since", "2024-10-29T03:00:00Z"]
    status, _, err = cli(capsys, glue_moto_server_url, *argv, stdin=Terminal(answer))
    # A decline is not a usage error: it has an exit status of its own.
    assert status == (0 if applied else 4)
    assert err.startswith("Apply this plan? [y/N] ")
    assert ("rewind cancelled; the bookmark of 'nightly' is unchanged" in err) is not applied
    assert run_id_now(glue_moto_server_url) == (week[1] if applied else week[3])


def test_rewind_without_a_terminal_or_yes_sends_only_the_reads(
    glue_moto_server_url: str, week: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["rewind", "nightly", "--since", "2024-10-29T03:00:00Z"]
    result = cli(capsys, glue_moto_server_url, *argv, stdin="y\n")
    assert result.status == 2
    assert result.out.startswith("Rewind plan for job 'nightly'")
    assert result.err == (
        "glue-bookmarks: error: rewind changes the bookmark of job 'nightly' and stdin is not a "
        "terminal to confirm on; pass --yes to apply the plan, or --dry-run\n"
    )
    assert bookmark_calls("nightly") == {
        "GetJobBookmark": 1,
        "ResetJobBookmark": 0,
        "StartJobRun": 0,
    }


@pytest.mark.parametrize(
    ("since", "message"),
    [
        ("2026-11-20T00:00:00", "'2026-11-20T00:00:00' has no zone: add one"),
        ("tuesday", "must be an ISO 8601 time with a zone (2026-11-20T00:00:00Z) or a duration"),
        ("3 days", "must be an ISO 8601 time with a zone"),
    ],
)
def test_rewind_refuses_a_since_without_a_zone_or_unreadable(
    glue_moto_server_url: str,
    since: str,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = cli(
        capsys, glue_moto_server_url, "rewind", "nightly", "--since", since, "--yes"
    )
    assert status == 2
    assert message in err


def test_rewind_refuses_a_since_in_the_future_before_any_request(
    glue_moto_server_url: str, week: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    future = (datetime.now(timezone.utc) + DAY).isoformat()
    status, out, err = cli(
        capsys, glue_moto_server_url, "rewind", "nightly", "--since", future, "--yes"
    )
    assert (status, out) == (2, "")
    assert err.startswith("glue-bookmarks: error: InvalidParameterError: since is in the future")
    assert bookmark_calls("nightly")["GetJobBookmark"] == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["rewind", "nightly", "--since", "3d", "--output", "json"],
        ["--output", "json", "rewind", "nightly", "--since", "3d"],
        ["--output", "text", "rewind", "nightly", "--since", "3d"],
        ["--query", "JobName", "rewind", "nightly", "--since", "3d"],
        ["--wide", "rewind", "nightly", "--since", "3d"],
        ["rewind", "nightly", "--wide", "--since", "3d"],
    ],
)
def test_rewind_has_no_json_output(
    glue_moto_server_url: str, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = cli(capsys, glue_moto_server_url, *argv)
    assert (status, out) == (2, "")
    assert "rewind prints its plan for people; --output, --query and --wide do not apply" in err
    assert err.count("\n") == 1


# -- diff ---------------------------------------------------------------------------------------


def snapshot(url: str, path: Path, *jobs: str, capsys: pytest.CaptureFixture[str]) -> Path:
    """What `list JOB ... --output json` prints, saved to `path`."""
    path.write_text(cli(capsys, url, "list", *jobs, "--output", "json").out)
    return path


@pytest.fixture
def fleet(glue_moto_server_url: str, glue: GlueClient) -> str:
    """Jobs in every state a diff tells apart, each with one committed run (or none)."""
    create_job(glue, "steady", "growing", "rewound", "reset", "emptied", "first", "deleted",
               DefaultArguments=ENABLE)  # fmt: skip
    create_job(glue, "never")
    for name in ("steady", "growing", "rewound", "reset", "emptied", "deleted"):
        seed_job_run(name, started_on=MONDAY, job_bookmark=state(1, ("a", "b")))
    seed_job_run("rewound", started_on=MONDAY + DAY, job_bookmark=state(2, ("c",)))
    return glue_moto_server_url


def change_fleet(url: str, glue: GlueClient) -> None:
    """What happened between the two snapshots."""
    seed_job_run("growing", started_on=MONDAY + DAY, job_bookmark=state(2, ("b", "c", "d")))
    with GlueBookmarks(endpoint_url=url, region_name=REGION) as gb:
        first_run = gb.get_job_bookmark("rewound").previous_run_id
        assert first_run is not None
        gb.reset_job_bookmark("rewound", run_id=first_run)
        gb.reset_job_bookmark("reset")
    seed_job_run("emptied", started_on=MONDAY + DAY, job_bookmark=BookmarkState())
    seed_job_run("first", started_on=MONDAY + DAY, job_bookmark=state(2, ("x",)))
    glue.delete_job(JobName="deleted")
    create_job(glue, "new", DefaultArguments=ENABLE)


JOBS = ("steady", "growing", "rewound", "reset", "emptied", "first", "never", "deleted")
STATUSES = {
    "steady": "unchanged",
    "growing": "advanced",
    "rewound": "rewound",
    "reset": "reset",
    "emptied": "reset",
    "first": "advanced",
    "never": "unchanged",
    "deleted": "disappeared",
}


def test_diff_of_two_files_as_json(
    fleet: str, glue: GlueClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(fleet, tmp_path / "before.json", *JOBS, "new", capsys=capsys)
    change_fleet(fleet, glue)
    after = snapshot(fleet, tmp_path / "after.json", *JOBS, "new", capsys=capsys)

    status, out, err = run_cli(capsys, ["diff", str(before), str(after), "--output", "json"])

    assert (status, err) == (0, "")
    jobs = {job["JobName"]: job for job in json.loads(out)["Jobs"]}
    # "new" did not exist at the first snapshot (job-not-found there, so left out).
    assert {name: job["Status"] for name, job in jobs.items()} == {**STATUSES, "new": "appeared"}
    assert jobs["growing"]["Sources"] == [
        {
            "TransformationContext": "datasource0",
            "InBefore": True,
            "InAfter": True,
            "FilesAdded": 2,
            "LatestPartitionBefore": "2024-10-28T00:00:00.000Z",
            "LatestPartitionAfter": "2024-10-29T00:00:00.000Z",
        }
    ]
    assert (jobs["growing"]["Before"]["Run"], jobs["growing"]["After"]["Run"]) == (1, 2)
    assert jobs["first"]["Before"] is None
    assert jobs["first"]["Sources"][0]["FilesAdded"] == 1
    assert jobs["deleted"]["After"] is None


def test_diff_table_against_the_live_bookmarks(
    fleet: str, glue: GlueClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(fleet, tmp_path / "before.json", *JOBS, capsys=capsys)
    change_fleet(fleet, glue)

    status, out, err = cli(capsys, fleet, "diff", str(before))

    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["JOB", "STATUS", "VERSION", "RUN", "SOURCE", "FILES", "ADDED",
                                "LATEST", "PARTITION"]  # fmt: skip
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:-1]}
    assert {name: cells[0] for name, cells in rows.items()} == STATUSES
    assert rows["growing"] == [
        "advanced", "1", "->", "2", "1", "->", "2", "datasource0", "2",
        "2024-10-28T00:00:00.000Z", "->", "2024-10-29T00:00:00.000Z",
    ]  # fmt: skip
    assert rows["steady"] == ["unchanged", "1", "1", "-", "-", "-"]
    assert lines[-1] == ("8 jobs: 2 unchanged, 2 advanced, 1 rewound, 2 reset, 1 disappeared")


def test_diff_table_on_a_terminal_fits_its_width(
    fleet: str, glue: GlueClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(fleet, tmp_path / "before.json", "growing", "steady", capsys=capsys)
    change_fleet(fleet, glue)
    argv = ["diff", str(before), "--endpoint-url", fleet]
    full = run_cli(capsys, argv)
    assert max(len(line) for line in full.out.splitlines()) == 115
    fitted = run_cli_on_terminal(capsys, argv, columns=90)
    assert (fitted.status, fitted.err) == (0, "")
    # The change of the latest partition wraps after its arrow.
    assert fitted.out == (
        "JOB      STATUS     VERSION  RUN     SOURCE       FILES ADDED  LATEST PARTITION\n"
        "growing  advanced   1 -> 2   1 -> 2  datasource0  2            "
        "2024-10-28T00:00:00.000Z ->\n"
        "                                                               2024-10-29T00:00:00.000Z\n"
        "steady   unchanged  1        1       -            -            -\n"
        "2 jobs: 1 advanced, 1 unchanged\n"
    )
    assert run_cli_on_terminal(capsys, [*argv, "--wide"], columns=90) == full


def test_diff_of_a_file_that_is_not_a_snapshot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"JobBookmarks": [{"JobName": "nightly", "Status": "fine"}]}')
    result = cli(capsys, "http://127.0.0.1:1", "diff", str(bad), str(bad))
    assert (result.status, result.out) == (2, "")
    assert result.err == (
        f"glue-bookmarks: error: SnapshotError: {bad}, JobBookmarks[0].Status, is not a snapshot "
        "as `glue-bookmarks list --output json` writes it: expected one of ok, no-bookmark, "
        "job-not-found, error, got 'fine'\n"
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "not JSON"),
        ("[]", "expected a JSON object, got list"),
        ('{"Jobs": []}', "JobBookmarks, is not a snapshot as `glue-bookmarks list --output json` "
         "writes it: is missing"),
    ],
)  # fmt: skip
def test_diff_names_what_is_wrong_in_one_line(
    tmp_path: Path, content: str, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    status, out, err = cli(capsys, "http://127.0.0.1:1", "diff", str(bad))
    assert (status, out) == (2, "")
    assert err.startswith(f"glue-bookmarks: error: SnapshotError: {bad}")
    assert problem in err
    assert err.count("\n") == 1


def test_diff_of_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, ["diff", str(tmp_path / "nope.json")])
    assert status == 2
    assert "cannot be read: No such file or directory" in err


def test_diff_query_selects_from_the_json(
    fleet: str, glue: GlueClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(fleet, tmp_path / "before.json", "steady", "growing", capsys=capsys)
    change_fleet(fleet, glue)
    query = "Jobs[?Status=='advanced'].JobName"
    status, out, _ = cli(capsys, fleet, "diff", str(before), "--query", query)
    assert status == 0
    assert json.loads(out) == ["growing"]


def test_diff_output_text(
    fleet: str, glue: GlueClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(fleet, tmp_path / "before.json", "growing", capsys=capsys)
    change_fleet(fleet, glue)
    [job] = json.loads(cli(capsys, fleet, "diff", str(before), "--output", "json").out)["Jobs"]
    status, out, _ = cli(capsys, fleet, "diff", str(before), "--output", "text")
    assert status == 0
    # The AWS CLI's text rules: the keys in order, each nested object on a line of its own.
    assert out == (
        "JOBS\tNone\tgrowing\tadvanced\n"
        f"AFTER\t2\t{job['After']['RunId']}\t2\n"
        f"BEFORE\t1\t{job['Before']['RunId']}\t1\n"
        "SOURCES\t2\tTrue\tTrue\t2024-10-29T00:00:00.000Z\t2024-10-28T00:00:00.000Z"
        "\tdatasource0\n"
    )


@pytest.mark.parametrize("which", ["before", "after"])
def test_diff_reads_a_snapshot_from_stdin(
    fleet: str, glue: GlueClient, which: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(fleet, tmp_path / "before.json", *JOBS, capsys=capsys)
    change_fleet(fleet, glue)
    after = snapshot(fleet, tmp_path / "after.json", *JOBS, capsys=capsys)
    from_files = run_cli(capsys, ["diff", str(before), str(after), "--output", "json"])
    assert from_files.status == 0
    stdin, argv = (
        (before.read_text(), ["diff", "-", str(after)])
        if which == "before"
        else (after.read_text(), ["diff", str(before), "-"])
    )
    assert run_cli(capsys, [*argv, "--output", "json"], stdin=stdin) == from_files


def test_diff_of_stdin_against_the_live_bookmarks(
    fleet: str, glue: GlueClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(fleet, tmp_path / "before.json", *JOBS, capsys=capsys)
    change_fleet(fleet, glue)
    from_file = cli(capsys, fleet, "diff", str(before))
    assert from_file.status == 0
    assert cli(capsys, fleet, "diff", "-", stdin=before.read_text()) == from_file


def test_diff_reads_stdin_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(capsys, ["diff", "-", "-"], stdin="{}") == (
        2,
        "",
        "glue-bookmarks diff: error: only one of BEFORE and AFTER can be - (stdin) "
        "(see 'glue-bookmarks diff --help')\n",
    )


def test_diff_of_stdin_that_is_not_a_snapshot(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(capsys, ["diff", "-"], stdin="[]")
    assert (status, out) == (2, "")
    assert err.startswith("glue-bookmarks: error: SnapshotError: ")
    assert "expected a JSON object, got list" in err


TWO_JOBS = json.dumps(
    {
        "JobBookmarks": [
            {
                "JobName": name,
                "Status": "ok",
                "JobBookmarkEntry": {"JobName": name, "Version": 1, "Run": 1, "Attempt": 0},
            }
            for name in ("a", "b")
        ]
    }
)


def test_diff_against_an_unreachable_endpoint_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    before = tmp_path / "before.json"
    before.write_text(TWO_JOBS)
    with refused_endpoint() as url:
        status, out, err = cli(capsys, url, "diff", str(before))
    # No job could be read: nothing to compare, as a listing that fails.
    assert (status, out) == (1, "")
    assert err == (
        f'glue-bookmarks: error: TransportError: Could not connect to the endpoint URL: "{url}/"\n'
    )


def test_diff_with_some_jobs_unread_compares_the_others(
    faults: FaultServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    faults.script(Echo(), error_answer(400, "AccessDeniedException", "no GetJobBookmark on b"))
    argv = ["diff", "-", "--max-workers", "1", "--output", "json"]
    status, out, err = cli(capsys, faults.url, *argv, stdin=TWO_JOBS)
    assert status == 3
    assert [(job["JobName"], job["Status"]) for job in json.loads(out)["Jobs"]] == [
        ("a", "unchanged")
    ]
    lines = err.splitlines()
    assert lines == [
        "glue-bookmarks: error: job 'b' not compared: failed: AccessDeniedException: "
        "no GetJobBookmark on b",
        "glue-bookmarks: error: 1 of 2 jobs could not be read",
    ]


# -- diff of states that do not parse, and of names a terminal cannot show ----------------------


def snapshot_of(*entries: dict[str, object]) -> str:
    """A snapshot, as `list --output json` writes one, of these wire entries."""
    return json.dumps(
        {
            "JobBookmarks": [
                {"JobName": entry["JobName"], "Status": "ok", "JobBookmarkEntry": entry}
                for entry in entries
            ]
        }
    )


def deep_keys(depth: int) -> str:
    keys: object = "id"
    for _ in range(depth):
        keys = [keys]
    return json.dumps({"jdbc": {"jsonClass": "JDBCDataSourceJobBookmarkState", "keys": keys}})


GOOD = state(1, ("a",)).to_json()
BEFORE_YEAR_1 = (
    '{"s3":{"jsonClass":"HadoopDataSourceJobBookmarkState","timestamps":'
    '{"CURR_RUN_START_TIME":"0001-01-01T00:00:00+01:00"}}}'
)


def test_diff_reports_a_state_too_deep_or_out_of_range_on_its_job(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    before.write_text(
        snapshot_of(
            {"JobName": "deep", "Version": 1, "Run": 1, "JobBookmark": GOOD},
            {"JobName": "early", "Version": 1, "Run": 1, "JobBookmark": GOOD},
        )
    )
    after.write_text(
        snapshot_of(
            {"JobName": "deep", "Version": 2, "Run": 2, "JobBookmark": deep_keys(300)},
            {"JobName": "early", "Version": 2, "Run": 2, "JobBookmark": BEFORE_YEAR_1},
        )
    )
    deep = (
        "the JobBookmark of job 'deep', source 'jdbc', key keys: nests objects and arrays "
        "more than 100 levels deep"
    )
    early = (
        "the JobBookmark of job 'early', source 's3', key timestamps.CURR_RUN_START_TIME: "
        "'0001-01-01T00:00:00+01:00' is out of range in UTC (years 1 to 9999)"
    )
    assert run_cli(capsys, ["diff", str(before), str(after)]) == (
        0,
        "JOB    STATUS    VERSION  RUN     SOURCE  FILES ADDED  LATEST PARTITION\n"
        f"deep   advanced  1 -> 2   1 -> 2  state does not parse: {deep}\n"
        f"early  advanced  1 -> 2   1 -> 2  state does not parse: {early}\n"
        "2 jobs: 2 advanced\n",
        "",
    )
    status, out, err = run_cli(capsys, ["diff", str(before), str(after), "--output", "json"])
    assert (status, err) == (0, "")
    assert [job["Error"] for job in json.loads(out)["Jobs"]] == [deep, early]


LONE = "s\ud800"


def test_diff_escapes_a_lone_surrogate_in_a_job_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = tmp_path / "before.json"
    before.write_text(snapshot_of({"JobName": LONE, "Version": 1}))  # "\ud800" in the file
    after = tmp_path / "after.json"
    after.write_text(snapshot_of({"JobName": LONE, "Version": 2, "JobBookmark": GOOD}))
    status, out, err = run_cli(capsys, ["diff", str(before), str(after), "--output", "json"])
    assert (status, err) == (0, "")
    assert '"JobName": "s\\ud800",' in out
    assert json.loads(out)["Jobs"][0]["JobName"] == LONE
    assert run_cli(capsys, ["diff", str(before), str(after)]) == (
        0,
        "JOB      STATUS    VERSION  RUN  SOURCE             FILES ADDED  LATEST PARTITION\n"
        "s\\ud800  advanced  1 -> 2   0    datasource0 (new)  1            - -> "
        "2024-10-28T00:00:00.000Z\n"
        "1 job: 1 advanced\n",
        "",
    )
    status, out, err = run_cli(capsys, ["diff", str(before), str(after), "--output", "text"])
    assert (status, err) == (0, "")
    assert out.startswith("JOBS\tNone\ts\\ud800\tadvanced\n")
