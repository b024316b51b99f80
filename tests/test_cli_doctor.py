"""`glue-bookmarks doctor`: the table, the JSON, --fail-on and the exit codes, against moto server.

Each test runs the command through `main(argv)` in this process (`run_cli`).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from types_boto3_glue.client import GlueClient
from types_boto3_glue.type_defs import EncryptionConfigurationTypeDef

from glue_bookmarks import BookmarkState, HadoopSourceState
from glue_bookmarks.testing import seed_job_bookmark, seed_job_run
from tests._cli_support import Result, run_cli, run_cli_on_terminal
from tests._support import need_security_configurations, refused_endpoint

ENABLE = {"--job-bookmark-option": "job-bookmark-enable"}
PAUSE = {"--job-bookmark-option": "job-bookmark-pause"}
ENCRYPTED: EncryptionConfigurationTypeDef = {
    "JobBookmarksEncryption": {
        "JobBookmarksEncryptionMode": "CSE-KMS",
        "KmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    }
}

RACING = (
    "bookmarks are set to enable and MaxConcurrentRuns is 3: concurrent runs race on one "
    "bookmark; set it to 1 with JobRunQueuingEnabled (off for this job), so that a run started "
    "while another runs waits rather than fails"
)
PAUSED = "bookmarks are paused: runs read from the bookmark but never advance it"
GARBLED = (
    "the bookmark's state does not parse: the JobBookmark of job 'garbled': not JSON: "
    "Expecting value: line 1 column 1 (char 0)"
)


@pytest.fixture
def endpoint(glue_moto_server_url: str, glue: GlueClient) -> str:
    """moto server with `racing` (a warning), `paused` (info), `garbled` (an error) and
    `healthy` (nothing to report), each with its bookmarks encrypted."""
    recent = BookmarkState(
        {"datasource0": HadoopSourceState(run_start_time=datetime.now(timezone.utc))}
    )
    need_security_configurations()
    glue.create_security_configuration(Name="bookmarks-kms", EncryptionConfiguration=ENCRYPTED)
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
            SecurityConfiguration="bookmarks-kms",
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
                "BookmarkOptionSource": "DefaultArguments --job-bookmark-option",
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
                "BookmarkOptionSource": "DefaultArguments --job-bookmark-option",
                "MaxConcurrentRuns": 1,
                "JobType": "glueetl",
                "GlueVersion": "4.0",
                "ScriptLocation": None,
                "Findings": [],
            },
            {
                "JobName": "ghost",
                "BookmarkOption": None,
                "BookmarkOptionSource": None,
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
        "                                           runs race on one bookmark; set it to\n"
        "                                           1 with JobRunQueuingEnabled (off for\n"
        "                                           this job), so that a run started\n"
        "                                           while another runs waits rather than\n"
        "                                           fails\n"
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
        "JOBS\tenable\tDefaultArguments --job-bookmark-option\t4.0\tracing\tglueetl\t3\tNone\n"
        f"FINDINGS\tconcurrent-runs\tNone\t{RACING}\twarning\tNone\n"
        "JOBS\tenable\tDefaultArguments --job-bookmark-option\t4.0\thealthy\tglueetl\t1\tNone\n"
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
    glue.create_job(
        Name="old-job",
        Role="r",
        Command={"Name": "glueetl"},
        DefaultArguments=ENABLE,
        SecurityConfiguration="bookmarks-kms",
    )
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


def test_history_reads_each_enabled_jobs_runs(
    glue: GlueClient, endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    monday = datetime(2026, 11, 2, 6, 0, tzinfo=timezone.utc)
    recent = BookmarkState(
        {"datasource0": HadoopSourceState(run_start_time=datetime.now(timezone.utc))}
    )
    glue.create_job(
        Name="twice",
        Role="r",
        Command={"Name": "glueetl"},
        DefaultArguments=ENABLE,
        SecurityConfiguration="bookmarks-kms",
    )
    for run_id, start, end in (("jr_a", 0, 30), ("jr_b", 10, 40)):
        seed_job_run(
            "twice",
            run_id=run_id,
            started_on=monday + timedelta(minutes=start),
            completed_on=monday + timedelta(minutes=end),
            job_bookmark=recent,
        )
    seed_job_run("twice", run_id="jr_c", started_on=monday + timedelta(days=1), state="FAILED")
    # Without --history, the runs of a job with a bookmark are not read.
    assert doctor(capsys, endpoint, "twice") == (
        0,
        "1 job diagnosed: 0 with findings (0 errors, 0 warnings, 0 info), 1 without findings\n",
        "",
    )
    status, out, err = doctor(capsys, endpoint, "twice", "healthy", "--history")
    assert out == (
        "JOB    SEVERITY  CODE             SOURCE  MESSAGE\n"
        "twice  warning   runs-overlapped  -       runs jr_a and jr_b, both with bookmarks "
        "enabled, ran at the same time for 20 minutes from 2026-11-02T06:10:00.000Z: "
        "concurrent runs race on one bookmark\n"
        "       info      last-run-failed  -       the latest run, jr_c, started "
        "2026-11-03T06:00:00.000Z and ended FAILED\n"
        "\n"
        "2 jobs diagnosed: 1 with findings (0 errors, 1 warning, 1 info), 1 without findings\n"
    )
    assert (status, err) == (
        3,
        "glue-bookmarks: error: 1 of 2 jobs has findings at or above warning\n",
    )
    query = ["--query", "Jobs[].Findings[].Code", "--history", "--all"]
    status, out, _ = doctor(capsys, endpoint, *query)
    assert (status, json.loads(out)) == (
        3,
        ["unparseable-state", "paused", "concurrent-runs", "runs-overlapped", "last-run-failed"],
    )


def test_json_says_which_argument_set_the_bookmark_option(
    glue: GlueClient, endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    glue.create_job(
        Name="locked",
        Role="r",
        Command={"Name": "glueetl"},
        DefaultArguments={"--continuation-option": "continuation-enabled"},
        NonOverridableArguments=PAUSE,
    )
    glue.create_job(
        Name="legacy",
        Role="r",
        Command={"Name": "glueetl"},
        DefaultArguments={"--continuation-option": "continuation-readonly"},
    )
    query = "Jobs[].[JobName, BookmarkOption, BookmarkOptionSource]"
    status, out, _ = doctor(capsys, endpoint, "locked", "legacy", "healthy", "--query", query)
    assert (status, json.loads(out)) == (
        0,
        [
            ["locked", "pause", "NonOverridableArguments --job-bookmark-option"],
            ["legacy", "pause", "DefaultArguments --continuation-option"],
            ["healthy", "enable", "DefaultArguments --job-bookmark-option"],
        ],
    )
    # The table's messages say it where it is not the usual argument.
    _, out, _ = doctor(capsys, endpoint, "legacy")
    assert (
        "bookmarks are paused (DefaultArguments --continuation-option continuation-readonly)" in out
    )


def test_a_misspelt_argument_and_bookmarks_left_unencrypted(
    glue: GlueClient, endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    glue.create_job(
        Name="misspelt",
        Role="r",
        Command={"Name": "glueetl"},
        DefaultArguments={"--job_bookmark_option": "job-bookmark-enable"},
    )
    glue.create_job(Name="plain", Role="r", Command={"Name": "glueetl"}, DefaultArguments=ENABLE)
    status, out, err = doctor(capsys, endpoint, "misspelt", "plain", "--wide")
    assert out == (
        "JOB       SEVERITY  CODE                   SOURCE  MESSAGE\n"
        "misspelt  warning   bookmark-option-typo   -       DefaultArguments has "
        "'--job_bookmark_option', which Glue does not read (it should be "
        "'--job-bookmark-option'), so bookmarks are off (disable, Glue's default)\n"
        "plain     info      enabled-no-runs-yet    -       bookmarks are enabled and no run has "
        "succeeded yet (among the latest 25), so there is no bookmark yet\n"
        "          info      bookmarks-unencrypted  -       the job has no security "
        "configuration: bookmarks are not encrypted with a KMS key of yours (CSE-KMS)\n"
        "\n"
        "2 jobs diagnosed: 2 with findings (0 errors, 1 warning, 2 info), 0 without findings\n"
    )
    assert (status, err) == (
        3,
        "glue-bookmarks: error: 1 of 2 jobs has findings at or above warning\n",
    )
