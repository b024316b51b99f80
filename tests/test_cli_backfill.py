"""`glue-bookmarks backfill`, and the running-job check of `reset`, `rewind` and `backfill`
(`--force`), against moto server.

Each test runs the command through `main(argv)` in this process (`run_cli`).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any
from unittest import mock

import botocore.session
import pytest
from types_boto3_glue.client import GlueClient

from glue_bookmarks import GlueBookmarks
from glue_bookmarks.testing import bookmark_calls, seed_job_run
from tests._cli_support import Result, Terminal, run_cli
from tests._support import REGION, create_job, glue_client, runs_of

ENABLE = {"--job-bookmark-option": "job-bookmark-enable"}
MONDAY = datetime(2024, 10, 28, 2, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)
# The days of the week's runs, as the plan prints their starts.
STARTS = [f"2024-10-{28 + day}T02:00:00.000Z" for day in range(4)]
NO_CHANGE = {"GetJobBookmark": 0, "ResetJobBookmark": 0, "StartJobRun": 0}


@pytest.fixture
def week(glue_moto_server_url: str, glue: GlueClient) -> list[str]:
    """Job "nightly" with four committing runs, Monday to Thursday at 02:00 UTC."""
    create_job(
        glue, "nightly", DefaultArguments=ENABLE, ExecutionProperty={"MaxConcurrentRuns": 10}
    )
    return [seed_job_run("nightly", started_on=MONDAY + day * DAY) for day in range(4)]


def cli(
    capsys: pytest.CaptureFixture[str], url: str, *argv: str, stdin: str | Terminal = ""
) -> Result:
    """`glue-bookmarks ARGV --endpoint-url URL`, in this process."""
    return run_cli(capsys, [*argv, "--endpoint-url", url], stdin=stdin)


def plan_text(runs: list[str], window: str = "since 2024-10-29T12:00:00.000Z") -> str:
    """The plan of the window after Monday's run, up to Thursday's."""
    return (
        "Backfill plan for job 'nightly', to process again the input of the runs that started "
        f"{window}:\n"
        f"  from run:         {runs[1]}, which started {STARTS[1]}: its input, and all before, "
        "is left out\n"
        f"  to run:           {runs[3]}, which started {STARTS[3]}: the last whose input is "
        "processed\n"
        "  processed again:  the input of 2 runs; the precision is one run\n"
        f"                    {runs[2]}, started {STARTS[2]}\n"
        f"                    {runs[3]}, started {STARTS[3]}\n"
        "  run arguments:    --job-bookmark-option job-bookmark-pause\n"
        f"                    --job-bookmark-from {runs[1]}\n"
        f"                    --job-bookmark-to {runs[3]}\n"
        "  the bookmark is left as it is; files already written to the job's targets are not "
        "cleaned\n"
    )


def job_run(url: str, run_id: str) -> Any:
    return glue_client(url).get_job_run(JobName="nightly", RunId=run_id)["JobRun"]


def new_runs(url: str, known: list[str]) -> list[str]:
    """The ids of the job's runs but `known`."""
    return [run_id for run_id in runs_of(glue_client(url), "nightly") if run_id not in known]


BACKFILL = ["backfill", "nightly", "--since", "2024-10-29T12:00:00Z"]


# -- backfill -----------------------------------------------------------------------------------


def test_dry_run_prints_the_plan_and_starts_nothing(
    glue_moto_server_url: str, week: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    result = cli(capsys, glue_moto_server_url, *BACKFILL, "--dry-run")
    assert result == (0, plan_text(week), "")
    assert bookmark_calls("nightly") == NO_CHANGE
    assert new_runs(glue_moto_server_url, week) == []


def test_yes_starts_the_run_and_prints_its_id(
    glue_moto_server_url: str, week: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = cli(capsys, glue_moto_server_url, *BACKFILL, "--yes")
    [run_id] = new_runs(glue_moto_server_url, week)
    assert (status, err) == (0, "")
    assert out == (
        plan_text(week) + f"Started run {run_id} of job 'nightly'; its bookmark is unchanged.\n"
    )
    assert job_run(glue_moto_server_url, run_id)["Arguments"] == {
        "--job-bookmark-option": "job-bookmark-pause",
        "--job-bookmark-from": week[1],
        "--job-bookmark-to": week[3],
    }
    with GlueBookmarks(endpoint_url=glue_moto_server_url, region_name=REGION) as gb:
        assert gb.get_job_bookmark("nightly").run_id == week[3]  # the bookmark as it was


def test_until_and_arguments(
    glue_moto_server_url: str, week: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        *BACKFILL,
        "--until",
        "2024-10-31T03:00+01:00",  # 02:00 UTC, Thursday's run's start: it is left out
        "--arg",
        "day=2024-10-30",
        "--arg=--mode=full",
        "--yes",
    ]
    status, out, err = cli(capsys, glue_moto_server_url, *argv)
    assert (status, err) == (0, "")
    assert out.startswith(
        "Backfill plan for job 'nightly', to process again the input of the runs that started "
        "from 2024-10-29T12:00:00.000Z up to 2024-10-31T02:00:00.000Z:\n"
    )
    assert "  processed again:  the input of 1 run; the precision is one run\n" in out
    assert (
        "  run arguments:    --job-bookmark-option job-bookmark-pause\n"
        f"                    --job-bookmark-from {week[1]}\n"
        f"                    --job-bookmark-to {week[2]}\n"
        "                    --day 2024-10-30\n"
        "                    --mode full\n"
    ) in out
    [run_id] = new_runs(glue_moto_server_url, week)
    arguments = job_run(glue_moto_server_url, run_id)["Arguments"]
    assert (arguments["--day"], arguments["--mode"]) == ("2024-10-30", "full")


@pytest.mark.parametrize(("answer", "started"), [("y\n", True), ("\n", False), ("no\n", False)])
def test_on_a_terminal_it_asks_first(
    glue_moto_server_url: str,
    week: list[str],
    answer: str,
    started: bool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = cli(capsys, glue_moto_server_url, *BACKFILL, stdin=Terminal(answer))
    assert status == (0 if started else 4)
    assert out.startswith(plan_text(week))
    assert err.startswith("Start this run? [y/N] ")
    assert ("backfill cancelled; no run of 'nightly' was started" in err) is not started
    assert len(new_runs(glue_moto_server_url, week)) == (1 if started else 0)


def test_without_a_terminal_or_yes_it_sends_only_the_reads(
    glue_moto_server_url: str, week: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    result = cli(capsys, glue_moto_server_url, *BACKFILL, stdin="y\n")
    assert result == (
        2,
        plan_text(week),
        "glue-bookmarks: error: backfill starts a run of job 'nightly' and stdin is not a "
        "terminal to confirm on; pass --yes to start it, or --dry-run\n",
    )
    assert bookmark_calls("nightly") == NO_CHANGE


def test_output_json(
    glue_moto_server_url: str, week: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = cli(capsys, glue_moto_server_url, *BACKFILL, "--yes", "--output", "json")
    assert (status, err) == (0, "")
    [run_id] = new_runs(glue_moto_server_url, week)
    assert json.loads(out) == {
        "JobName": "nightly",
        "Since": "2024-10-29T12:00:00.000Z",
        "Until": None,
        "FromRun": {"Id": week[1], "StartedOn": STARTS[1]},
        "ToRun": {"Id": week[3], "StartedOn": STARTS[3]},
        "Runs": [
            {"Id": week[2], "StartedOn": STARTS[2]},
            {"Id": week[3], "StartedOn": STARTS[3]},
        ],
        "Arguments": {
            "--job-bookmark-option": "job-bookmark-pause",
            "--job-bookmark-from": week[1],
            "--job-bookmark-to": week[3],
        },
        "JobRunId": run_id,
    }
    # A dry run's document has no run.
    status, out, _ = cli(capsys, glue_moto_server_url, "--output", "json", *BACKFILL, "--dry-run")
    assert (status, json.loads(out)["JobRunId"]) == (0, None)


def test_query_prints_the_run_id_for_a_script(
    glue_moto_server_url: str, week: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [*BACKFILL, "--yes", "--query", "JobRunId", "--output", "text"]
    status, out, err = cli(capsys, glue_moto_server_url, *argv)
    assert (status, err) == (0, "")
    assert out == f"{new_runs(glue_moto_server_url, week)[0]}\n"


def test_json_on_a_terminal_asks_with_the_plan_on_stderr(
    glue_moto_server_url: str, week: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [*BACKFILL, "--output", "json"]
    status, out, err = cli(capsys, glue_moto_server_url, *argv, stdin=Terminal("n\n"))
    assert (status, out) == (4, "")
    assert err == (
        plan_text(week) + "Start this run? [y/N] glue-bookmarks: backfill cancelled; no run of "
        "'nightly' was started\n"
    )


@pytest.mark.parametrize(
    "argv",
    [
        [*BACKFILL, "--output", "table"],
        ["--output", "table", *BACKFILL],
        [*BACKFILL, "--wide"],
        ["--wide", *BACKFILL],
    ],
)
def test_there_is_no_table(
    glue_moto_server_url: str, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(capsys, glue_moto_server_url, *argv) == (
        2,
        "",
        "glue-bookmarks: error: backfill prints its plan for people, or with --output json or "
        "text (or --query) as a document; --output table and --wide do not apply\n",
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--arg", "job-bookmark-to=jr_x"],
            "glue-bookmarks: error: InvalidParameterError: arguments may not set "
            "--job-bookmark-to: the plan sets --job-bookmark-option, --job-bookmark-from, "
            "--job-bookmark-to, which make the window\n",
        ),
        (
            ["--arg", "day=1", "--arg=--day=2"],
            "glue-bookmarks backfill: error: argument --arg: --day given twice, with different "
            "values (see 'glue-bookmarks backfill --help')\n",
        ),
        (
            ["--arg", "day"],
            "glue-bookmarks backfill: error: argument --arg: must be KEY=VALUE, got 'day' "
            "(see 'glue-bookmarks backfill --help')\n",
        ),
        (
            ["--until", "2024-10-30"],
            "glue-bookmarks backfill: error: argument --until: '2024-10-30' has no zone: add "
            "one, such as Z for UTC (2026-11-20T00:00:00Z) (see 'glue-bookmarks backfill "
            "--help')\n",
        ),
        (
            ["--until", "2024-10-29T00:00:00Z"],
            "glue-bookmarks: error: InvalidParameterError: until (2024-10-29T00:00:00+00:00) "
            "must be later than since (2024-10-29T12:00:00+00:00)\n",
        ),
    ],
)
def test_bad_arguments_send_nothing(
    glue_moto_server_url: str,
    week: list[str],
    arguments: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = cli(capsys, glue_moto_server_url, *BACKFILL, *arguments, "--yes")
    assert result == (2, "", message)
    assert new_runs(glue_moto_server_url, week) == []


def test_a_window_that_holds_no_run_is_refused_in_one_line(
    glue_moto_server_url: str, week: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["backfill", "nightly", "--since", "2024-10-01T00:00:00Z", "--yes"]
    status, out, err = cli(capsys, glue_moto_server_url, *argv)
    assert (status, out) == (2, "")
    assert err == (
        "glue-bookmarks: error: InvalidParameterError: no succeeded run of job 'nightly' with "
        "bookmarks in effect started before since (2024-10-01T00:00:00+00:00): a backfill "
        "processes the input after such a run; the earliest since that works is just after "
        f"2024-10-28T02:00:00+00:00, when the oldest such run, {week[0]}, started; the latest "
        f"is 2024-10-31T02:00:00+00:00, when {week[3]}, the latest run, started\n"
    )


def test_help_lists_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, ["backfill", "--help"])
    assert status == 0
    for option in ("--since TIME", "--until TIME", "--arg KEY=VALUE", "--dry-run", "--force"):
        assert option in out
    assert "--wide" in out  # a global option, refused at use with the reason


# -- the running-job check: --force -------------------------------------------------------------


ACTIVE = (
    "glue-bookmarks: error: JobRunActiveError: job 'nightly' has a run in state RUNNING "
    "({run_id}); nothing was changed: wait for it to end, or pass --force\n"
)


@pytest.fixture
def busy(week: list[str]) -> str:
    """A run of "nightly" that is still running, started Friday."""
    return seed_job_run("nightly", started_on=MONDAY + 4 * DAY, state="RUNNING")


@pytest.mark.parametrize(
    "argv",
    [
        ["reset", "nightly", "--yes"],
        ["rewind", "nightly", "--since", "2024-10-29T12:00:00Z", "--yes"],
        [*BACKFILL, "--yes"],
    ],
    ids=["reset", "rewind", "backfill"],
)
def test_a_running_job_refuses_the_change_with_exit_status_5(
    glue_moto_server_url: str,
    week: list[str],
    busy: str,
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = cli(capsys, glue_moto_server_url, *argv)
    assert (status, err) == (5, ACTIVE.format(run_id=busy))
    calls = bookmark_calls("nightly")
    assert (calls["ResetJobBookmark"], calls["StartJobRun"]) == (0, 0)

    status, _, err = cli(capsys, glue_moto_server_url, *argv, "--force")
    assert (status, err) == (0, "")
    calls = bookmark_calls("nightly")
    assert calls["ResetJobBookmark"] + calls["StartJobRun"] == 1


def test_reset_reads_the_runs_first_unless_forced(
    glue_moto_server_url: str, week: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    sent: list[str] = []

    def record(request: Any, **_: Any) -> None:
        sent.append(request.headers["X-Amz-Target"].decode())

    create_client = botocore.session.Session.create_client

    def recording_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = create_client(self, *args, **kwargs)
        client.meta.events.register("before-send.glue", record)
        return client

    rewind = ["reset", "nightly", "--run-id", week[1], "--yes"]
    with mock.patch.object(botocore.session.Session, "create_client", recording_client):
        assert cli(capsys, glue_moto_server_url, *rewind, "--force").status == 0
        assert cli(capsys, glue_moto_server_url, "reset", "nightly", "--yes").status == 0
    assert sent == ["AWSGlue.ResetJobBookmark", "AWSGlue.GetJobRuns", "AWSGlue.ResetJobBookmark"]


def test_output_text_is_the_documents(
    glue_moto_server_url: str, week: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = cli(capsys, glue_moto_server_url, *BACKFILL, "--dry-run", "--output", "text")
    assert (status, err) == (0, "")
    # The AWS CLI's text rules: the scalars in the order of their keys, then each nested one.
    assert out == (
        "nightly\tNone\t2024-10-29T12:00:00.000Z\tNone\n"
        f"ARGUMENTS\t{week[1]}\tjob-bookmark-pause\t{week[3]}\n"
        f"FROMRUN\t{week[1]}\t{STARTS[1]}\n"
        f"RUNS\t{week[2]}\t{STARTS[2]}\n"
        f"RUNS\t{week[3]}\t{STARTS[3]}\n"
        f"TORUN\t{week[3]}\t{STARTS[3]}\n"
    )
