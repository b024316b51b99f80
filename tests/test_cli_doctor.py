"""`glue-bookmarks doctor`: the table, the JSON, --fail-on and the exit codes, against moto server.

Each test runs the command through `main(argv)` in this process (`run_cli`).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from types_boto3_glue.client import GlueClient

from glue_bookmarks import BookmarkState, HadoopSourceState
from glue_bookmarks.testing import seed_job_bookmark
from tests._cli_support import Result, run_cli, run_cli_on_terminal
from tests._support import refused_endpoint

ENABLE = {"--job-bookmark-option": "job-bookmark-enable"}
PAUSE = {"--job-bookmark-option": "job-bookmark-pause"}

RACING = (
    "bookmarks are set to enable and MaxConcurrentRuns is 3: concurrent runs race on one bookmark"
)
PAUSED = "bookmarks are paused: runs read from the bookmark but never advance it"
GARBLED = (
    "the bookmark's state does not parse: the JobBookmark of job 'garbled': not JSON: "
    "Expecting value: line 1 column 1 (char 0)"
)


@pytest.fixture
def endpoint(glue_moto_server_url: str, glue: GlueClient) -> str:
    """moto server with `racing` (a warning), `paused` (info), `garbled` (an error) and
    `healthy` (nothing to report)."""
    recent = BookmarkState(
        {"datasource0": HadoopSourceState(run_start_time=datetime.now(timezone.utc))}
    )
    jobs: list[tuple[str, dict[str, str], int, BookmarkState | str]] = [
        ("racing", ENABLE, 3, recent),
        ("paused", PAUSE, 1, recent),
        ("garbled", ENABLE, 1, "not json"),
        ("healthy", ENABLE, 1, recent),
    ]
    for name, arguments, concurrent, bookmark in jobs:
        glue.create_job(
            Name=name,
            Role="etl-role",
            Command={"Name": "glueetl"},
            GlueVersion="4.0",
            DefaultArguments=arguments,
            ExecutionProperty={"MaxConcurrentRuns": concurrent},
        )
        seed_job_bookmark(name, job_bookmark=bookmark)
    return glue_moto_server_url


def doctor(
    capsys: pytest.CaptureFixture[str], endpoint: str, *args: str, stdin: str = ""
) -> Result:
    return run_cli(capsys, ["doctor", "--endpoint-url", endpoint, *args], stdin=stdin)


def test_table_groups_findings_by_job_and_counts_the_jobs_without(
    endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = doctor(capsys, endpoint, "--all")
    assert out == (
        "JOB      SEVERITY  CODE               SOURCE  MESSAGE\n"
        f"garbled  error     unparseable-state  -       {GARBLED}\n"
        f"paused   info      paused             -       {PAUSED}\n"
        f"racing   warning   concurrent-runs    -       {RACING}\n"
        "\n"
        "4 jobs diagnosed: 3 with findings (1 error, 1 warning, 1 info), 1 without findings\n"
    )
    assert (status, err) == (
        3,
        "glue-bookmarks: error: 2 of 4 jobs have findings at or above warning\n",
    )


def test_several_findings_of_one_job_share_its_name(
    glue: GlueClient, endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    glue.create_job(
        Name="busy-paused",
        Role="r",
        Command={"Name": "glueetl"},
        DefaultArguments=PAUSE,
        ExecutionProperty={"MaxConcurrentRuns": 2},
    )
    _, out, _ = doctor(capsys, endpoint, "busy-paused", "healthy")
    lines = out.splitlines()
    assert [line.split()[:3] for line in lines[1:3]] == [
        ["busy-paused", "warning", "concurrent-runs"],
        ["info", "paused", "-"],
    ]
    assert lines[-1] == (
        "2 jobs diagnosed: 1 with findings (0 errors, 1 warning, 1 info), 1 without findings"
    )


def test_json_has_the_documented_keys(endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = doctor(capsys, endpoint, "racing", "healthy", "ghost", "--output", "json")
    assert status == 3
    assert json.loads(out) == {
        "Jobs": [
            {
                "JobName": "racing",
                "BookmarkOption": "enable",
                "MaxConcurrentRuns": 3,
                "JobType": "glueetl",
                "GlueVersion": "4.0",
                "ScriptLocation": None,
                "Findings": [
                    {
                        "Code": "concurrent-runs",
                        "Severity": "warning",
                        "Message": RACING,
                        "TransformationContext": None,
                        "Line": None,
                    }
                ],
            },
            {
                "JobName": "healthy",
                "BookmarkOption": "enable",
                "MaxConcurrentRuns": 1,
                "JobType": "glueetl",
                "GlueVersion": "4.0",
                "ScriptLocation": None,
                "Findings": [],
            },
            {
                "JobName": "ghost",
                "BookmarkOption": None,
                "MaxConcurrentRuns": None,
                "JobType": None,
                "GlueVersion": None,
                "ScriptLocation": None,
                "Findings": [
                    {
                        "Code": "fetch-failed",
                        "Severity": "error",
                        "Message": (
                            "job not found: JobNotFoundError (EntityNotFoundException): "
                            "Job ghost is not among the jobs GetJobs listed"
                        ),
                        "TransformationContext": None,
                        "Line": None,
                    }
                ],
            },
        ]
    }
    assert out.startswith('{\n    "Jobs": [\n')  # the AWS CLI's indent of 4


def test_table_on_a_terminal_wraps_the_messages_to_fit(
    endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["doctor", "racing", "paused", "--endpoint-url", endpoint]
    status, out, _ = run_cli_on_terminal(capsys, argv, columns=80)
    assert status == 3
    assert out == (
        "JOB     SEVERITY  CODE             SOURCE  MESSAGE\n"
        "racing  warning   concurrent-runs  -       bookmarks are set to enable and\n"
        "                                           MaxConcurrentRuns is 3: concurrent\n"
        "                                           runs race on one bookmark\n"
        "paused  info      paused           -       bookmarks are paused: runs read from\n"
        "                                           the bookmark but never advance it\n"
        "\n"
        "2 jobs diagnosed: 2 with findings (0 errors, 1 warning, 1 info), 0 without findings\n"
    )
    # --wide, or not a terminal: a line per finding.
    assert run_cli_on_terminal(capsys, [*argv, "--wide"], columns=80) == run_cli(capsys, argv)
    assert len(run_cli(capsys, argv).out.splitlines()) == 5


def test_output_text(endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = doctor(capsys, endpoint, "racing", "healthy", "--output", "text")
    assert status == 3
    assert out == (
        "JOBS\tenable\t4.0\tracing\tglueetl\t3\tNone\n"
        f"FINDINGS\tconcurrent-runs\tNone\t{RACING}\twarning\tNone\n"
        "JOBS\tenable\t4.0\thealthy\tglueetl\t1\tNone\n"
    )


@pytest.mark.parametrize(
    ("jobs", "fail_on", "status"),
    [
        (["healthy"], None, 0),
        (["paused"], None, 0),
        (["paused"], "info", 3),
        (["racing"], None, 3),
        (["racing"], "warning", 3),
        (["racing", "paused"], "error", 0),
        (["garbled"], "error", 3),
    ],
)
def test_fail_on_sets_the_exit_status(
    endpoint: str,
    capsys: pytest.CaptureFixture[str],
    jobs: list[str],
    fail_on: str | None,
    status: int,
) -> None:
    options = [] if fail_on is None else ["--fail-on", fail_on]
    got, _, err = doctor(capsys, endpoint, *jobs, *options)
    assert got == status
    if status == 0:
        assert err == ""
    else:
        level = fail_on or "warning"
        assert err == f"glue-bookmarks: error: 1 of 1 job has findings at or above {level}\n"


def test_nothing_found_prints_the_summary_only(
    endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert doctor(capsys, endpoint, "healthy") == (
        0,
        "1 job diagnosed: 0 with findings (0 errors, 0 warnings, 0 info), 1 without findings\n",
        "",
    )


def test_prefix_stale_after_and_query(
    glue: GlueClient, endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    glue.create_job(Name="old-job", Role="r", Command={"Name": "glueetl"}, DefaultArguments=ENABLE)
    two_days_ago = datetime.now(timezone.utc) - timedelta(days=2)
    seed_job_bookmark(
        "old-job",
        job_bookmark=BookmarkState({"src": HadoopSourceState(run_start_time=two_days_ago)}),
    )
    query = ["--query", "Jobs[].Findings[].[Code, TransformationContext]"]
    assert doctor(capsys, endpoint, "--prefix", "old-", *query) == (0, "[]\n", "")
    status, out, _ = doctor(capsys, endpoint, "--prefix", "old-", "--stale-after", "36h", *query)
    assert (status, json.loads(out)) == (3, [["stale", "src"]])


def test_job_names_from_stdin(endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    stdin = "# jobs\npaused\n\nhealthy\n"
    status, out, _ = doctor(capsys, endpoint, "-", "--query", "Jobs[].JobName", stdin=stdin)
    assert (status, json.loads(out)) == (0, ["paused", "healthy"])


def test_a_getjobs_failure_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # One attempt is enough to see the failure.
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with refused_endpoint() as url:
        status, out, err = doctor(capsys, url, "--all")
    assert (status, out) == (1, "")
    assert err.startswith("glue-bookmarks: error: TransportError: ")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give job names, or --all"),
        (["job", "--all"], "not both"),
        (["job", "--tag", "k=v"], "not both"),
        (["-", "job"], "not both"),
        (["--all", "--stale-after", "0d"], "must be longer than zero"),
        (["--all", "--stale-after", "7"], "such as 36h or 3d"),
        (["--all", "--stale-after", "7y"], "such as 36h or 3d"),
        (["--all", "--stale-after=-1d"], "such as 36h or 3d"),
        (["--all", "--fail-on", "fatal"], "--fail-on"),
        (["--all", "--tag", "novalue"], "must be KEY=VALUE"),
        (["--all", "--output", "table", "--query", "Jobs"], "--query selects from the JSON"),
        (["bad name\n"], "job_name"),
    ],
)
def test_bad_arguments_exit_2_before_any_request(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    # Any request would be refused, and exit 1: these stop before one is sent.
    with refused_endpoint() as url:
        status, out, err = doctor(capsys, url, *args)
    assert (status, out) == (2, "")
    assert message in err


def test_global_options_before_the_command(
    endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_cli(capsys, ["--endpoint-url", endpoint, "doctor", "racing"])
    assert status == 3
    assert out.splitlines()[1].split()[:3] == ["racing", "warning", "concurrent-runs"]
    assert err == "glue-bookmarks: error: 1 of 1 job has findings at or above warning\n"
