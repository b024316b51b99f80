"""The `glue-bookmarks` command: output, confirmation, progress and exit codes, against moto server.

Each test runs the command through `main(argv)` in this process (`run_cli`) and checks its exit
status, stdout and stderr, and what the server received. A child process only where the process
is the behaviour: SIGINT, the console script, `python -m glue_bookmarks`.
"""

from __future__ import annotations

import importlib.metadata
import io
import json
import logging
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from types_boto3_glue.client import GlueClient

from glue_bookmarks import (
    BookmarkState,
    EntityNotFoundError,
    GlueBookmarks,
    HadoopSourceState,
    UnknownSourceState,
    __version__,
    _cli,
    _cli_render,
)
from glue_bookmarks.testing import bookmark_calls, seed_job_bookmark
from tests._cli_support import (
    PYTHON_M,
    Terminal,
    child_env,
    run_child,
    run_cli,
    run_cli_on_terminal,
)
from tests._extreme import extreme_bookmarks, odd_text
from tests._support import (
    ACCESS_KEY,
    REGION,
    SECRET_KEY,
    SESSION_TOKEN,
    create_job,
    refused_endpoint,
)
from tests.faults import (
    Answer,
    Echo,
    FaultServer,
    RateLimit,
    Stall,
    error_answer,
    fault_server,
    success_answer,
)

# As Glue writes it: compact, the timestamps as strings.
NIGHTLY_BOOKMARK = (
    '{"datasource0":{"jsonClass":"HadoopDataSourceJobBookmarkState","timestamps":'
    '{"RUN":"3","CURR_RUN_START_TIME":"2024-10-28T01:32:45.613Z","INCLUDE_LIST":"9f1c,b2e4"}}}'
)
MULTI_STATE = BookmarkState(
    {
        "orders": HadoopSourceState(
            run=2,
            run_start_time=datetime(2024, 10, 29, 23, 5, 0, 1000, tzinfo=timezone.utc),
            include_list=("a1",),
        ),
        "customers": UnknownSourceState(json_class="JDBCDataSourceJobBookmarkState"),
        "events": HadoopSourceState(),
    }
)
NIGHTLY_WIRE = {
    "JobName": "nightly",
    "Version": 4,
    "Run": 3,
    "Attempt": 1,
    "PreviousRunId": "jr_2",
    "RunId": "jr_3",
    "JobBookmark": NIGHTLY_BOOKMARK,
}
NIGHTLY_TABLE = (
    "JOB      VERSION  RUN  ATTEMPT  SOURCE       RUN START TIME            FILES  RUN ID\n"
    "nightly  4        3    1        datasource0  2024-10-28T01:32:45.613Z  2      jr_3\n"
)


# -- fixtures and helpers -----------------------------------------------------------------------


@pytest.fixture
def jobs(glue_moto_server_url: str, glue: GlueClient) -> str:
    """moto server with jobs `nightly`, `multi` (three sources) and `never-ran` (no bookmark)."""
    create_job(glue, "nightly", "multi", "never-ran")
    seed_job_bookmark(
        "nightly",
        version=3,
        run=2,
        run_id="jr_2",
        previous_run_id="jr_1",
        job_bookmark=BookmarkState({}),
    )
    seed_job_bookmark(
        "nightly",
        version=4,
        run=3,
        attempt=1,
        run_id="jr_3",
        previous_run_id="jr_2",
        job_bookmark=NIGHTLY_BOOKMARK,
    )
    seed_job_bookmark("multi", version=2, run=2, run_id="jr_m2", job_bookmark=MULTI_STATE)
    return glue_moto_server_url


@pytest.fixture
def broken(jobs: str, glue: GlueClient) -> str:
    """The `jobs` server, plus a job `broken` whose bookmark is not JSON."""
    create_job(glue, "broken")
    seed_job_bookmark("broken", run_id="jr_b", job_bookmark="not json")
    return jobs


def assert_one_error_line(stderr: str, start: str) -> None:
    assert stderr.startswith(f"glue-bookmarks: error: {start}"), stderr
    assert stderr.count("\n") == 1 and stderr.endswith("\n"), stderr
    assert "Traceback" not in stderr


def entry_of(endpoint: str, job_name: str) -> dict[str, str | int]:
    with GlueBookmarks(endpoint_url=endpoint, region_name=REGION) as gb:
        return gb.get_job_bookmark(job_name).to_dict()


# -- get ----------------------------------------------------------------------------------------


def test_get_prints_what_the_aws_cli_prints(jobs: str, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, ["get", "nightly", "--endpoint-url", jobs])
    assert (result.status, result.err) == (0, "")
    assert json.loads(result.out) == {"JobBookmarkEntry": NIGHTLY_WIRE}
    # The AWS CLI's layout: indent 4, the service's key order, a final newline.
    assert result.out == json.dumps({"JobBookmarkEntry": NIGHTLY_WIRE}, indent=4) + "\n"


@pytest.mark.parametrize(
    "placement",
    [
        ["{options}", "get", "nightly"],
        ["get", "nightly", "{options}"],
        ["--output", "json", "{options}", "get", "nightly", "--output", "table"],
    ],
    ids=["before", "after", "after-wins"],
)
def test_global_options_before_or_after_the_command(
    jobs: str, placement: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    options = ["--endpoint-url", jobs, "--region", REGION, "--output", "table"]
    argv = [part for item in placement for part in (options if item == "{options}" else [item])]
    assert run_cli(capsys, argv) == (0, NIGHTLY_TABLE, "")


DEBUG_LINE = re.compile(
    r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} DEBUG glue_bookmarks "
    r"(?P<operation>\w+)(?: job '[^']+')? [^:]+(?:: [^:]+)?: HTTP .*, \d+\.\d ms"
)


def assert_debug_lines(stderr: str) -> list[str]:
    """The operations of the debug lines on `stderr`, checked to be all there is, and clean."""
    for secret in (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, "Signature=", "Authorization"):
        assert secret not in stderr
    operations = []
    for line in stderr.splitlines():
        match = DEBUG_LINE.fullmatch(line)
        assert match is not None, line
        operations.append(match["operation"])
    return operations


def test_debug_logs_each_request_on_stderr_only(
    jobs: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, ["--debug", "get", "nightly", "--endpoint-url", jobs])
    assert result.status == 0, result.err
    assert result.out == json.dumps({"JobBookmarkEntry": NIGHTLY_WIRE}, indent=4) + "\n"
    assert assert_debug_lines(result.err) == ["GetJobBookmark"]
    assert "GetJobBookmark job 'nightly' ok: HTTP 200" in result.err


def test_debug_after_the_command_and_only_for_its_duration(
    jobs: str, capsys: pytest.CaptureFixture[str]
) -> None:
    logger = logging.getLogger("glue_bookmarks")
    handlers, level = list(logger.handlers), logger.level
    argv = ["list", "nightly", "never-ran", "no-such-job", "--endpoint-url", jobs]
    plain = run_cli(capsys, argv)
    assert plain.status == 3
    status, out, err = run_cli(capsys, [*argv, "--debug"])
    assert status == 3
    assert out == plain.out  # stdout is the same with --debug
    *debug, summary = err.splitlines()
    assert plain.err == summary + "\n"
    assert summary == "glue-bookmarks: error: 1 of 3 jobs failed"
    assert sorted(assert_debug_lines("\n".join(debug))) == [
        "GetJob",
        "GetJob",
        "GetJobBookmark",
        "GetJobBookmark",
        "GetJobBookmark",
    ]
    # The handler lasts as long as the command.
    assert (logger.handlers, logger.level) == (handlers, level)
    assert run_cli(capsys, ["get", "nightly", "--endpoint-url", jobs]).err == ""


def test_get_with_a_run_id(jobs: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["get", "nightly", "--run-id", "jr_2", "--endpoint-url", jobs, "--output", "table"]
    assert run_cli(capsys, argv) == (
        0,
        "JOB      VERSION  RUN  ATTEMPT  SOURCE  RUN START TIME  FILES  RUN ID\n"
        "nightly  3        2    0        -       -               -      jr_2\n",
        "",
    )


def test_get_json_keeps_a_bookmark_that_does_not_parse_but_the_table_cannot(
    broken: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, ["get", "broken", "--endpoint-url", broken])
    assert result.status == 0
    assert json.loads(result.out)["JobBookmarkEntry"]["JobBookmark"] == "not json"
    status, out, err = run_cli(
        capsys, ["get", "broken", "--endpoint-url", broken, "--output", "table"]
    )
    assert (status, out) == (1, "")
    assert_one_error_line(err, "BookmarkParseError: the JobBookmark of job 'broken': not JSON")


# -- reset --------------------------------------------------------------------------------------


def test_reset_with_yes_then_get_is_a_one_line_service_error(
    jobs: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, ["reset", "nightly", "--yes", "--endpoint-url", jobs])
    assert (result.status, result.err) == (0, "")
    # The extension answers a reset with the entry as it stood before.
    assert json.loads(result.out) == {"JobBookmarkEntry": NIGHTLY_WIRE}

    status, out, err = run_cli(capsys, ["get", "nightly", "--endpoint-url", jobs])
    assert (status, out) == (1, "")
    assert_one_error_line(
        err,
        "EntityNotFoundException: Continuation for job nightly not found "
        "(GetJobBookmark, HTTP 400, request id ",
    )


def test_reset_without_a_terminal_refuses_and_sends_nothing(
    jobs: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(capsys, ["reset", "nightly", "--endpoint-url", jobs], stdin="y\n") == (
        2,
        "",
        "glue-bookmarks: error: reset changes the bookmark of job 'nightly' and stdin is not "
        "a terminal to confirm on; pass --yes to reset anyway\n",
    )
    assert bookmark_calls("nightly")["ResetJobBookmark"] == 0
    assert entry_of(jobs, "nightly") == NIGHTLY_WIRE


RESET_PROMPT = (
    "Reset the bookmark of job 'nightly'? Its next run with bookmarks enabled processes "
    "all its data again. [y/N] "
)


def test_reset_on_a_terminal_asks_first_and_resets_on_yes(
    jobs: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, ["reset", "nightly", "--endpoint-url", jobs], stdin=Terminal("y\n"))
    assert (result.status, result.err) == (0, RESET_PROMPT)
    assert json.loads(result.out) == {"JobBookmarkEntry": NIGHTLY_WIRE}
    assert bookmark_calls("nightly")["ResetJobBookmark"] == 1
    with pytest.raises(EntityNotFoundError):
        entry_of(jobs, "nightly")


@pytest.mark.parametrize(
    ("answer", "confirmed"),
    [
        ("Y\n", True),
        ("yes\n", True),
        (" YES \n", True),
        ("no\n", False),
        ("\n", False),
        ("", False),
        ("yep\n", False),
    ],
)
def test_only_y_or_yes_confirms(
    jobs: str, answer: str, confirmed: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_cli(
        capsys, ["reset", "nightly", "--endpoint-url", jobs], stdin=Terminal(answer)
    )
    assert bookmark_calls("nightly")["ResetJobBookmark"] == int(confirmed)
    if confirmed:
        assert (status, err) == (0, RESET_PROMPT)
        assert json.loads(out) == {"JobBookmarkEntry": NIGHTLY_WIRE}
    else:
        # A decline is not a usage error: it has an exit status of its own.
        assert (status, out) == (4, "")
        assert err == (
            f"{RESET_PROMPT}glue-bookmarks: reset cancelled; the bookmark of 'nightly' is "
            "unchanged\n"
        )
        assert entry_of(jobs, "nightly") == NIGHTLY_WIRE


def test_reset_with_a_run_id_asks_about_the_run_and_rewinds(
    jobs: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["reset", "nightly", "--run-id", "jr_2", "--endpoint-url", jobs, "--output", "table"]
    status, out, err = run_cli(capsys, argv, stdin=Terminal("y\n"))
    assert (status, err) == (0, "Rewind the bookmark of job 'nightly' to run 'jr_2'? [y/N] ")
    assert out.splitlines()[1].split() == ["nightly", "5", "2", "0", "-", "-", "-", "jr_2"]


def test_a_bad_job_name_is_refused_before_asking(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, ["reset", "two\nlines"], stdin=Terminal("y\n"))
    assert status == 2
    assert_one_error_line(err, "InvalidParameterError: job_name must be a single line")


class Interrupted(Terminal):
    """A terminal where the user presses Ctrl-C."""

    # The ignore is typeshed's own, on StringIO.readline: its bases' readline returns bytes.
    def readline(self, size: int = -1, /) -> str:  # type: ignore[override]
        raise KeyboardInterrupt


def test_ctrl_c_at_the_prompt_exits_130(jobs: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(
        capsys, ["reset", "nightly", "--endpoint-url", jobs], stdin=Interrupted()
    )
    assert (status, out) == (130, "")
    # The shell's next prompt starts on a line of its own.
    assert err == RESET_PROMPT + "\n"
    assert bookmark_calls("nightly")["ResetJobBookmark"] == 0


# -- list ---------------------------------------------------------------------------------------

LIST_TABLE = (
    "JOB        VERSION  RUN  ATTEMPT  SOURCE                                      "
    "RUN START TIME            FILES  RUN ID\n"
    "nightly    4        3    1        datasource0                                 "
    "2024-10-28T01:32:45.613Z  2      jr_3\n"
    "multi      2        2    0        orders                                      "
    "2024-10-29T23:05:00.001Z  1      jr_m2\n"
    "                                  customers (JDBCDataSourceJobBookmarkState)  "
    "-                         -\n"
    "                                  events                                      "
    "-                         0\n"
    "never-ran  no bookmark yet\n"
    "ghost      failed: EntityNotFoundException: Job ghost not found.\n"
    "broken     failed: BookmarkParseError: the JobBookmark of job 'broken': not JSON: "
    "Expecting value: line 1 column 1 (char 0)\n"
)


def test_list_table_counts_missing_and_unreadable_jobs_as_failed(
    broken: str, capsys: pytest.CaptureFixture[str]
) -> None:
    names = ["nightly", "multi", "never-ran", "ghost", "broken"]
    # Not a terminal: no progress, only the reason for the exit status.
    assert run_cli(capsys, ["list", *names, "--endpoint-url", broken]) == (
        3,
        LIST_TABLE,
        "glue-bookmarks: error: 2 of 5 jobs failed\n",
    )


def test_list_json_document(broken: str, capsys: pytest.CaptureFixture[str]) -> None:
    names = ["nightly", "never-ran", "ghost", "broken"]
    status, out, err = run_cli(
        capsys, ["--output", "json", "list", *names, "--endpoint-url", broken]
    )
    assert (status, err) == (3, "glue-bookmarks: error: 2 of 4 jobs failed\n")
    document = json.loads(out)
    request_ids = [item["Error"].pop("RequestId") for item in document["JobBookmarks"][1:3]]
    assert all(isinstance(request_id, str) and request_id for request_id in request_ids)
    assert document == {
        "JobBookmarks": [
            {"JobName": "nightly", "Status": "ok", "JobBookmarkEntry": NIGHTLY_WIRE},
            {
                "JobName": "never-ran",
                "Status": "no-bookmark",
                "Error": {
                    "Code": "EntityNotFoundException",
                    "Message": "Continuation for job never-ran not found",
                },
            },
            {
                "JobName": "ghost",
                "Status": "job-not-found",
                "Error": {"Code": "EntityNotFoundException", "Message": "Job ghost not found."},
            },
            {
                "JobName": "broken",
                "Status": "error",
                "JobBookmarkEntry": {
                    "JobName": "broken",
                    "Version": 1,
                    "Run": 1,
                    "Attempt": 0,
                    "RunId": "jr_b",
                    "JobBookmark": "not json",
                },
                "Error": {
                    "Code": "BookmarkParseError",
                    "Message": "the JobBookmark of job 'broken': not JSON: "
                    "Expecting value: line 1 column 1 (char 0)",
                    "RequestId": None,
                },
            },
        ]
    }


def test_list_all_is_sorted_and_exits_0_with_only_missing_bookmarks(
    jobs: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_cli(capsys, ["list", "--all", "--endpoint-url", jobs])
    assert (status, err) == (0, "")
    rows = out.splitlines()[1:]
    assert [row.split()[0] for row in rows if not row.startswith(" ")] == [
        "multi",
        "never-ran",
        "nightly",
    ]


@pytest.mark.parametrize(
    ("options", "jobs"),
    [
        ([], "no jobs"),
        (["--prefix", "nightly-"], "no jobs starting with 'nightly-'"),
        (["--prefix", "n", "--tag", "team=data"], "no jobs starting with 'n' tagged team=data"),
    ],
)
@pytest.mark.parametrize("command", ["list", "doctor"])
def test_no_job_found_says_where_it_looked(
    glue_moto_server_url: str,
    command: str,
    options: list[str],
    jobs: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = [command, "--all", *options, "--region", "eu-west-1"]
    status, out, err = run_cli(capsys, [*argv, "--endpoint-url", glue_moto_server_url])
    assert status == 0
    assert out.startswith("JOB  ") or out.startswith("0 jobs diagnosed")
    # A region mistyped, or the wrong endpoint, shows here.
    assert err == f"glue-bookmarks: {jobs} in eu-west-1 ({glue_moto_server_url})\n"


def test_list_prefix_alone_means_all_jobs_with_that_prefix(
    jobs: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["list", "--prefix", "n", "--output", "json", "--endpoint-url", jobs]
    status, out, err = run_cli(capsys, argv)
    assert (status, err) == (0, "")
    items = json.loads(out)["JobBookmarks"]
    assert [(item["JobName"], item["Status"]) for item in items] == [
        ("never-ran", "no-bookmark"),
        ("nightly", "ok"),
    ]


def test_list_tag_means_every_job_with_that_tag(
    jobs: str, glue: GlueClient, capsys: pytest.CaptureFixture[str]
) -> None:
    create_job(glue, "tagged-b", "tagged-a", Tags={"team": "data"})
    create_job(glue, "other", Tags={"team": "web"})
    seed_job_bookmark("tagged-a", run_id="jr_a")
    argv = ["list", "--tag", "team=data", "--output", "json", "--endpoint-url", jobs]
    status, out, err = run_cli(capsys, argv)
    assert (status, err) == (0, "")
    items = json.loads(out)["JobBookmarks"]
    assert [(item["JobName"], item["Status"]) for item in items] == [
        ("tagged-a", "ok"),
        ("tagged-b", "no-bookmark"),
    ]
    assert bookmark_calls("other")["GetJobBookmark"] == 0
    assert bookmark_calls("nightly")["GetJobBookmark"] == 0
    # With --prefix, both filters hold.
    status, out, _ = run_cli(capsys, [*argv, "--prefix", "tagged-b"])
    assert status == 0
    assert [item["JobName"] for item in json.loads(out)["JobBookmarks"]] == ["tagged-b"]


def test_list_tags_are_sent_as_the_listjobs_filter(
    faults: FaultServer, capsys: pytest.CaptureFixture[str]
) -> None:
    faults.script(Answer(200, b'{"JobNames": []}', {"Content-Type": "application/x-amz-json-1.1"}))
    argv = ["list", "--tag", "team=data", "--tag", "cost-centre=", "--tag", "team=data"]
    assert run_cli(capsys, [*argv, "--endpoint-url", faults.url]) == (
        0,
        "JOB  VERSION  RUN  ATTEMPT  SOURCE  RUN START TIME  FILES  RUN ID\n",
        f"glue-bookmarks: no jobs tagged team=data, cost-centre= in {REGION} ({faults.url})\n",
    )
    assert [(request.target, request.body) for request in faults.requests] == [
        ("AWSGlue.ListJobs", {"Tags": {"team": "data", "cost-centre": ""}})
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["list", "--tag", "team"], "argument --tag: must be KEY=VALUE, got 'team'"),
        (["list", "--tag", "=data"], "argument --tag: must be KEY=VALUE, got '=data'"),
        (["list", "a", "--tag", "team=data"], "give job names, or --all/--prefix/--tag, not both"),
        (
            ["list", "--tag", "team=data", "--tag", "team=web"],
            "argument --tag: tag 'team' given twice, with different values",
        ),
        (
            ["list", "--tag", "k" * 129 + "=v"],
            "InvalidParameterError: tags: a tag key must be 1 to 128 characters long, got 129",
        ),
    ],
)
def test_a_bad_tag_is_a_usage_error_and_sends_nothing(
    faults: FaultServer, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_cli(capsys, [*argv, "--endpoint-url", faults.url])
    assert (status, out) == (2, "")
    assert message in err.splitlines()[-1]
    assert faults.requests == []


def test_list_reads_job_names_from_stdin(jobs: str, capsys: pytest.CaptureFixture[str]) -> None:
    names = "# the jobs to audit\nnightly\n\n   \n  never-ran  \r\nghost\n  # ghost again\nnightly"
    argv = ["list", "-", "--output", "json", "--endpoint-url", jobs]
    status, out, err = run_cli(capsys, argv, stdin=names)
    assert (status, err) == (3, "glue-bookmarks: error: 1 of 4 jobs failed\n")
    items = json.loads(out)["JobBookmarks"]
    # In the order given, a name given twice shown twice and fetched once.
    assert [(item["JobName"], item["Status"]) for item in items] == [
        ("nightly", "ok"),
        ("never-ran", "no-bookmark"),
        ("ghost", "job-not-found"),
        ("nightly", "ok"),
    ]
    assert bookmark_calls("nightly")["GetJobBookmark"] == 1


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            ["nightly", "", "x" * 256],
            "InvalidParameterError: stdin line 3: job_name must be 1 to 255 characters long, "
            "got 256",
        ),
        (
            ["# header", "bad\x00name", "nightly"],
            "InvalidParameterError: stdin line 2: job_name must be a single line of printable "
            "characters; it has '\\x00' at position 3",
        ),
    ],
)
def test_a_bad_name_on_stdin_is_a_usage_error_and_sends_nothing(
    faults: FaultServer, lines: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["list", "-", "--endpoint-url", faults.url]
    status, out, err = run_cli(capsys, argv, stdin="\n".join(lines) + "\n")
    assert (status, out) == (2, "")
    assert_one_error_line(err, message)
    assert faults.requests == []


def test_no_names_on_stdin_is_an_empty_list(
    faults: FaultServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["list", "-", "--output", "json", "--endpoint-url", faults.url]
    assert run_cli(capsys, argv, stdin="# nothing to do\n\n") == (
        0,
        '{\n    "JobBookmarks": []\n}\n',
        "",
    )
    assert faults.requests == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["list", "-", "nightly"], "give job names, or - to read them from stdin, not both"),
        (["list", "nightly", "-"], "give job names, or - to read them from stdin, not both"),
        (["list", "-", "--all"], "give job names, or --all/--prefix/--tag, not both"),
    ],
)
def test_stdin_with_other_jobs_is_a_usage_error(
    faults: FaultServer, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = io.StringIO("nightly\n")
    status, out, err = run_cli(capsys, [*argv, "--endpoint-url", faults.url], stdin=stdin)
    assert (status, out) == (2, "")
    assert err == f"glue-bookmarks list: error: {message} (see 'glue-bookmarks list --help')\n"
    assert stdin.tell() == 0  # not read
    assert faults.requests == []


def test_list_all_shows_progress_on_a_terminal_and_clears_it(
    jobs: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stderr = Terminal()
    monkeypatch.setattr(sys, "stderr", stderr)
    status, out, _ = run_cli(capsys, ["list", "--all", "--endpoint-url", jobs])
    assert status == 0
    assert out.startswith("JOB ")
    progress = stderr.getvalue()
    assert "\r3 jobs found" in progress
    assert "\r1/3 jobs" in progress
    assert "\r3/3 jobs" in progress
    # Cleared at the end: blanked, and the cursor back at the start of the line.
    width = len("3 jobs found")
    assert progress.endswith("\r" + " " * width + "\r")


def test_progress_and_the_failure_count_of_one_job(
    faults: FaultServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stderr = Terminal()
    monkeypatch.setattr(sys, "stderr", stderr)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    listing = Answer(200, b'{"JobNames": ["a"]}', {"Content-Type": "application/x-amz-json-1.1"})
    faults.script(listing, Answer(500, b"no"), Answer(500, b"no"))
    status, _, _ = run_cli(capsys, ["list", "--all", "--endpoint-url", faults.url])
    assert status == 3
    progress = stderr.getvalue()
    assert "\r1 job found" in progress and "jobs found" not in progress
    assert progress.endswith("glue-bookmarks: error: 1 of 1 job failed\n")


def test_progress_counts_in_place(
    jobs: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stderr = Terminal()
    monkeypatch.setattr(sys, "stderr", stderr)
    argv = ["list", "nightly", "multi", "--endpoint-url", jobs, "--max-workers", "1"]
    status, out, _ = run_cli(capsys, argv)
    assert status == 0
    # Each count overwrites the last in place, and the line is blanked at the end.
    assert stderr.getvalue() == "\r1/2 jobs\r2/2 jobs\r        \r"
    assert out.startswith("JOB ")


@pytest.mark.parametrize(("max_workers", "pool"), [(None, 64), ("5", 64), ("100", 100)])
def test_list_gives_the_client_a_pool_for_its_workers(
    jobs: str,
    max_workers: str | None,
    pool: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    configs: list[Any] = []

    class Recording(GlueBookmarks):
        def __init__(self, **kwargs: Any) -> None:
            configs.append(kwargs["config"])
            super().__init__(**kwargs)

    monkeypatch.setattr(_cli, "GlueBookmarks", Recording)
    options = [] if max_workers is None else ["--max-workers", max_workers]
    assert run_cli(capsys, ["list", "nightly", *options, "--endpoint-url", jobs]).status == 0
    [config] = configs
    assert config.max_pool_connections == pool
    # No retry mode: the environment's or the profile's wins, else the library's default.
    assert config.retries is None
    assert config.user_agent_extra == f"glue-bookmarks/{__version__}"


# -- tables on a terminal -----------------------------------------------------------------------

STUDIO_SOURCE = "AWSGlueDataCatalog_node1730078287682"
LONG_RUN_ID = "jr_a8794b6c8465db05881579b638216a8e706ad38f3bd87a60deb680f78c5c50d5"


@pytest.fixture
def studio(glue_moto_server_url: str, glue: GlueClient) -> str:
    """moto server with `nightly-orders`, a Glue Studio job: a long source name, a run id."""
    create_job(glue, "nightly-orders")
    started = datetime(2024, 10, 29, 23, 5, 0, 1000, tzinfo=timezone.utc)
    state = BookmarkState({STUDIO_SOURCE: HadoopSourceState(run=3, run_start_time=started)})
    seed_job_bookmark("nightly-orders", version=3, run=3, run_id=LONG_RUN_ID, job_bookmark=state)
    return glue_moto_server_url


def test_a_table_on_a_terminal_fits_its_width(
    studio: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["list", "nightly-orders", "ghost", "--endpoint-url", studio]
    # Not a terminal: every cell in full, as a script reading the table expects.
    full = run_cli(capsys, argv)
    assert full.status == 3 and LONG_RUN_ID in full.out
    assert max(len(line) for line in full.out.splitlines()) == 177
    fitted = run_cli_on_terminal(capsys, argv, columns=100)
    assert (fitted.status, fitted.err) == full[::2]
    assert fitted.out == (
        "JOB             VERSION  RUN  ATTEMPT  SOURCE         RUN START TIME            "
        "FILES  RUN ID\n"
        "nightly-orders  3        3    0        AWSGlu…287682  2024-10-29T23:05:00.001Z  "
        "0      jr_a87…5c50d5\n"
        # A note wraps in what is left of the line.
        "ghost           failed: EntityNotFoundException: Job ghost not found.\n"
    )
    assert max(len(line) for line in fitted.out.splitlines()) == 100
    # --wide: in full; and the JSON is the same wherever it goes.
    assert run_cli_on_terminal(capsys, [*argv, "--wide"], columns=100) == full
    json_argv = ["list", "nightly-orders", "--output", "json", "--endpoint-url", studio]
    assert run_cli_on_terminal(capsys, json_argv, columns=100).out == run_cli(capsys, json_argv).out


def test_a_table_on_a_narrow_terminal_shortens_to_a_floor(
    studio: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["get", "nightly-orders", "--output", "table", "--endpoint-url", studio]
    status, out, _ = run_cli_on_terminal(capsys, argv, columns=40)
    assert status == 0
    # The other columns alone are wider: the identifiers keep 12 characters, both ends.
    assert out.splitlines()[1].split() == [
        "nightly-orders", "3", "3", "0", "AWSGlu…87682", "2024-10-29T23:05:00.001Z", "0",
        "jr_a87…c50d5",
    ]  # fmt: skip


# -- --query ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "printed"),
    [
        ("JobBookmarkEntry.RunId", '"jr_3"\n'),
        (
            'JobBookmarkEntry.{job: JobName, run: Run, note: `"café ✓"`}',
            '{\n    "job": "nightly",\n    "run": 3,\n    "note": "café ✓"\n}\n',
        ),
        ("JobBookmarkEntry.[Version, Run]", "[\n    4,\n    3\n]\n"),
        ("JobBookmarkEntry.Nothing", "null\n"),
        ("JobBookmarkEntry.Attempt", "1\n"),
        # As the AWS CLI's JSON output, an empty object prints nothing.
        ("JobBookmarkEntry.Nothing || `{}`", ""),
    ],
)
def test_get_query_prints_as_the_aws_cli_does(
    jobs: str, query: str, printed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--query", query, "get", "nightly", "--endpoint-url", jobs]
    assert run_cli(capsys, argv) == (0, printed, "")


# As `aws glue get-job-bookmark --job-name nightly --output text` prints the same answer: the
# entry's fields in the order of their keys (tests/test_cli_render.py has the AWS CLI's rules).
NIGHTLY_TEXT = f"JOBBOOKMARKENTRY\t1\t{NIGHTLY_BOOKMARK}\tnightly\tjr_2\t3\tjr_3\t4\n"


@pytest.mark.parametrize(
    ("query", "printed"),
    [
        (None, NIGHTLY_TEXT),
        ("JobBookmarkEntry.PreviousRunId", "jr_2\n"),
        ("JobBookmarkEntry.Nothing", "None\n"),
        ("JobBookmarkEntry.[Version, Run]", "4\t3\n"),
        ('JobBookmarkEntry.{job: JobName, note: `"café ✓"`}', "nightly\tcafé ✓\n"),
    ],
)
def test_get_output_text_prints_as_the_aws_cli_does(
    jobs: str, query: str | None, printed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    options = [] if query is None else ["--query", query]
    argv = ["get", "nightly", "--output", "text", *options, "--endpoint-url", jobs]
    assert run_cli(capsys, argv) == (0, printed, "")


def test_a_run_id_from_text_output_feeds_run_id(
    jobs: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # RID=$(glue-bookmarks get nightly --query JobBookmarkEntry.PreviousRunId --output text)
    query = ["--query", "JobBookmarkEntry.PreviousRunId", "--output", "text"]
    status, out, _ = run_cli(capsys, ["get", "nightly", *query, "--endpoint-url", jobs])
    assert status == 0
    run_id = out.removesuffix("\n")  # as $(...) takes it
    argv = ["get", "nightly", "--run-id", run_id, "--endpoint-url", jobs]
    status, out, _ = run_cli(capsys, [*argv, "--output", "text", "--query", "JobBookmarkEntry.Run"])
    assert (status, out) == (0, "2\n")


def test_reset_and_list_output_text(jobs: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["list", "nightly", "never-ran", "--output", "text", "--endpoint-url", jobs]
    status, out, err = run_cli(capsys, argv)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[:2] == ["JOBBOOKMARKS\tnightly\tok", NIGHTLY_TEXT.removesuffix("\n")]
    assert lines[2] == "JOBBOOKMARKS\tnever-ran\tno-bookmark"
    assert lines[3].startswith("ERROR\tEntityNotFoundException\tContinuation for job never-ran")
    assert len(lines) == 4
    argv = ["reset", "nightly", "--yes", "--output", "text", "--endpoint-url", jobs]
    assert run_cli(capsys, argv) == (0, NIGHTLY_TEXT, "")


def test_reset_query(jobs: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["reset", "nightly", "--yes", "--query", "JobBookmarkEntry.Run", "--endpoint-url", jobs]
    assert run_cli(capsys, argv) == (0, "3\n", "")
    assert bookmark_calls("nightly")["ResetJobBookmark"] == 1


def test_list_query_implies_json_and_keeps_the_exit_status(
    jobs: str, capsys: pytest.CaptureFixture[str]
) -> None:
    query = "JobBookmarks[?Status != 'ok'].[JobName, Status]"
    argv = ["list", "nightly", "never-ran", "ghost", "--query", query, "--endpoint-url", jobs]
    status, out, err = run_cli(capsys, argv)
    assert status == 3
    assert json.loads(out) == [["never-ran", "no-bookmark"], ["ghost", "job-not-found"]]
    assert out == _cli_render.json_text(json.loads(out))
    assert err == "glue-bookmarks: error: 1 of 3 jobs failed\n"
    # --output json given too: the same.
    assert run_cli(capsys, [*argv, "--output", "json"]) == (status, out, err)


@pytest.mark.parametrize(
    "command", [["get", "nightly"], ["reset", "nightly", "--yes"], ["list", "--all"]]
)
@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--query", "JobBookmarkEntry.["],
            "argument --query: invalid JMESPath expression 'JobBookmarkEntry.[': "
            "Invalid jmespath expression: Incomplete expression",
        ),
        (
            ["--query", "a ~ b"],
            "argument --query: invalid JMESPath expression 'a ~ b': "
            "Bad jmespath expression: Unknown token ~",
        ),
        (
            ["--query", "JobBookmarkEntry", "--output", "table"],
            "glue-bookmarks: error: --query selects from the JSON output; it cannot be used "
            "with --output table",
        ),
    ],
)
def test_a_bad_query_is_a_usage_error_and_sends_nothing(
    faults: FaultServer,
    command: list[str],
    options: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run_cli(capsys, [*command, *options, "--endpoint-url", faults.url])
    assert (status, out) == (2, "")
    assert message in err.splitlines()[-1]
    assert faults.requests == []


def test_output_table_before_the_command_is_refused_with_query_too(
    faults: FaultServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--output", "table", "get", "nightly", "--query", "JobBookmarkEntry"]
    status, _, err = run_cli(capsys, [*argv, "--endpoint-url", faults.url])
    assert status == 2
    assert "cannot be used with --output table" in err
    assert faults.requests == []


def test_a_query_that_fails_to_evaluate_exits_2(
    jobs: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["get", "nightly", "--query", "length(JobBookmarkEntry.Run)", "--endpoint-url", jobs]
    status, out, err = run_cli(capsys, argv)
    assert (status, out) == (2, "")
    assert_one_error_line(err, "--query: In function length(), invalid type for value: 3")


# -- usage, errors, exit codes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["get"], "the following arguments are required: JOB"),
        (["get", "j", "--output", "yaml"], "invalid choice: 'yaml'"),
        (["list"], "give job names, or --all (or --prefix, --tag) for every job"),
        (["list", "a", "--all"], "give job names, or --all/--prefix/--tag, not both"),
        (["list", "a", "--prefix", "n"], "give job names, or --all/--prefix/--tag, not both"),
        (["list", "--all", "--max-workers", "0"], "must be at least 1, got 0"),
        (["list", "--all", "--max-workers", "many"], "must be a whole number, got 'many'"),
        (["reset", "j", "--yes", "--run-id", ""], "run_id must be 1 to 255 characters long"),
        (["get", ""], "InvalidParameterError: job_name must be 1 to 255 characters long, got 0"),
        (["--endpoint-url", "ftp://x", "get", "j"], "endpoint_url must be an http(s) URL"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_cli(capsys, argv)
    assert (status, out) == (2, "")
    assert message in err
    # One line, argparse's errors included: no usage block above it.
    assert err.count("\n") == 1 and err.startswith("glue-bookmarks"), err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            [],
            "glue-bookmarks: error: the following arguments are required: COMMAND "
            "(see 'glue-bookmarks --help')",
        ),
        (
            ["get"],
            "glue-bookmarks get: error: the following arguments are required: JOB "
            "(see 'glue-bookmarks get --help')",
        ),
        (
            ["list", "--all", "--max-workers", "0"],
            "glue-bookmarks list: error: argument --max-workers: must be at least 1, got 0 "
            "(see 'glue-bookmarks list --help')",
        ),
        # An option of another command names the command it was given to.
        (
            ["get", "nightly", "--yes"],
            "glue-bookmarks get: error: unrecognized arguments: --yes "
            "(see 'glue-bookmarks get --help')",
        ),
        (
            ["list", "--all", "--since", "3d"],
            "glue-bookmarks list: error: unrecognized arguments: --since "
            "(see 'glue-bookmarks list --help')",
        ),
        (
            ["--yes", "reset", "nightly"],
            "glue-bookmarks: error: unrecognized arguments: --yes (see 'glue-bookmarks --help')",
        ),
        # The AWS CLI's --job-name: the job is an argument here.
        (
            ["get", "--job-name", "nightly"],
            "glue-bookmarks get: error: get takes the job name as an argument, not --job-name: "
            "glue-bookmarks get nightly (see 'glue-bookmarks get --help')",
        ),
        (
            ["reset", "--job-name=nightly", "--yes"],
            "glue-bookmarks reset: error: reset takes the job name as an argument, not "
            "--job-name: glue-bookmarks reset nightly (see 'glue-bookmarks reset --help')",
        ),
        (
            ["list", "--job-name", "nightly"],
            "glue-bookmarks list: error: list takes the job names as arguments, not --job-name: "
            "glue-bookmarks list nightly (see 'glue-bookmarks list --help')",
        ),
        (
            ["rewind", "nightly", "--since", "3d", "--output", "json"],
            "glue-bookmarks rewind: error: rewind prints its plan for people; --output, "
            "--query and --wide do not apply (see 'glue-bookmarks rewind --help')",
        ),
    ],
)
def test_a_usage_error_is_one_line_naming_the_command(
    faults: FaultServer, argv: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(capsys, [*argv, "--endpoint-url", faults.url]) == (2, "", line + "\n")
    assert faults.requests == []


def test_a_command_lists_only_the_options_it_takes(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, ["rewind", "--help"])
    assert status == 0
    assert "--since TIME" in out and "--endpoint-url URL" in out
    for option in ("--output", "--query", "--wide", "--job-name"):
        assert option not in out
    status, out, _ = run_cli(capsys, ["get", "--help"])
    assert status == 0
    assert "--output" in out and "--query" in out
    assert "--job-name" not in out


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, ["--help"])
    assert status == 0
    assert "exit status:" in out
    for line in (
        "0    success",
        "1    a service",
        "2    usage error",
        "3    list",
        "4    a reset, rewind or backfill declined",
        "5    a reset, rewind or backfill refused: a run of the job is active",
        "130  inter",
    ):
        assert f"\n  {line}" in out


def test_connection_refused_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # One attempt is enough to see the failure.
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with refused_endpoint() as endpoint_url:
        status, out, err = run_cli(capsys, ["get", "nightly", "--endpoint-url", endpoint_url])
    assert (status, out) == (1, "")
    assert_one_error_line(
        err, f'TransportError: Could not connect to the endpoint URL: "{endpoint_url}/"'
    )


def test_cli_read_timeout_ends_a_get_that_gets_no_answer(
    faults: FaultServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # One attempt: the timeout is the behaviour, not the retries.
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    # Accepts, reads the request, and answers nothing for longer than the test lasts.
    faults.script(default=Stall(600))
    argv = ["get", "nightly", "--cli-read-timeout", "1", "--endpoint-url", faults.url]
    started = time.monotonic()
    status, out, err = run_cli(capsys, argv)
    elapsed = time.monotonic() - started
    assert (status, out) == (1, "")
    assert_one_error_line(err, f'TransportError: Read timeout on endpoint URL: "{faults.url}/"')
    assert len(faults.requests) == 1
    assert elapsed < 10  # 1 s, with 10x headroom; botocore's default would wait 60 s


@pytest.mark.parametrize(
    ("options", "read", "connect"),
    [
        ([], 60, 60),  # botocore's defaults, as the AWS CLI's
        (["--cli-read-timeout", "5", "--cli-connect-timeout", "2.5"], 5, 2.5),
        (["--cli-read-timeout", "0", "--cli-connect-timeout", "0"], None, None),  # no timeout
    ],
)
@pytest.mark.parametrize("command", [["get", "nightly"], ["list", "nightly"]])
def test_cli_timeouts_reach_the_client_config(
    jobs: str,
    command: list[str],
    options: list[str],
    read: float | None,
    connect: float | None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    configs: list[Any] = []

    class Recording(GlueBookmarks):
        def close(self) -> None:
            # The configuration of the client the command made and used.
            configs.append(self._get_client().meta.config)
            super().close()

    monkeypatch.setattr(_cli, "GlueBookmarks", Recording)
    assert run_cli(capsys, [*command, *options, "--endpoint-url", jobs]).status == 0
    [config] = configs
    assert (config.read_timeout, config.connect_timeout) == (read, connect)
    # Merged with the rest: the retry mode is still the environment's, the profile's or ours.
    assert config.retries["mode"] == "standard"


@pytest.mark.parametrize("value", ["-1", "soon", "inf", "nan"])
@pytest.mark.parametrize("option", ["--cli-read-timeout", "--cli-connect-timeout"])
def test_cli_timeouts_must_be_seconds(
    faults: FaultServer, option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_cli(capsys, ["get", "j", option, value, "--endpoint-url", faults.url])
    assert (status, out) == (2, "")
    assert f"argument {option}: must be a number of seconds, 0 for no timeout" in err
    assert faults.requests == []


def test_an_unknown_profile_is_a_configuration_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, ["get", "nightly", "--profile", "no-such-profile"])
    assert status == 1
    assert_one_error_line(
        err, "ConfigurationError: The config profile (no-such-profile) could not be found"
    )


def test_a_failed_listing_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # No region anywhere: ListJobs cannot be sent, so there is no job to report on.
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    status, out, err = run_cli(capsys, ["list", "--all"])
    assert (status, out) == (1, "")
    assert_one_error_line(err, "ConfigurationError: ")


def test_ctrl_c_exits_130_without_a_traceback(
    jobs: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> Iterator[str]:
        raise KeyboardInterrupt

    monkeypatch.setattr(GlueBookmarks, "get_job_bookmarks", interrupted)
    status, out, err = run_cli(capsys, ["list", "--all", "--endpoint-url", jobs])
    assert (status, out) == (130, "")
    assert re.fullmatch(r"glue-bookmarks: interrupted: 0 of \d+ jobs done\n", err), err


def read_until(fd: int, process: subprocess.Popen[str], done: Callable[[str], bool]) -> str:
    """What a child wrote to the pty `fd`, read until `done(text)`; fails if the child exits
    or 30 s pass first."""
    text = ""
    deadline = time.monotonic() + 30
    while not done(text):
        assert process.poll() is None and time.monotonic() < deadline, text
        if select.select([fd], [], [], 0.01)[0]:
            text += os.read(fd, 4096).decode()
    return text


def read_all(fd: int) -> str:
    """What a child wrote to a pty, once every writer has closed it."""
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: no writer is left
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode()


@pytest.mark.skipif(sys.platform != "linux", reason="uses a Linux pty for stderr")
def test_sigint_exits_130_at_once_saying_how_many_jobs_were_done() -> None:
    names = [f"job-{index}" for index in range(20)]
    argv = ["list", *names, "--max-workers", "4"]
    with fault_server() as server:
        server.script(Echo(), Echo(), default=Echo(delay=30))
        # stderr a terminal: the progress line says when the CLI has the two answers.
        terminal, child_end = pty.openpty()
        process = subprocess.Popen(
            [*PYTHON_M, *argv, "--endpoint-url", server.url],
            env=child_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=child_end,
            text=True,
        )
        os.close(child_end)
        try:
            # Two answered, and four waiting in the server.
            progress = read_until(
                terminal, process, lambda text: "2/20 jobs" in text and len(server.requests) >= 6
            )
            sent = time.monotonic()
            process.send_signal(signal.SIGINT)
            out, _ = process.communicate(timeout=60)
            exited = time.monotonic() - sent
            err = (progress + read_all(terminal)).replace("\r\n", "\n")
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
            os.close(terminal)
    assert process.returncode == 130
    # Within 1 s on a quiet machine (docs/performance.md); waiting for the requests in
    # flight would take the server's 30 s.
    assert exited < 10.0
    assert out == ""
    # The progress line is cleared, then the one line that says how far it got.
    assert err.rsplit("\r", 1)[1] == "glue-bookmarks: interrupted: 2 of 20 jobs done\n"
    assert "Traceback" not in err


def test_list_timeout_lists_the_jobs_not_done_as_failed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Job a answers at once and b never within the test: a needs a fraction of a second, so
    # a 5 s timeout leaves a loaded machine 10x room, and ends well before b's 30 s.
    argv = ["list", "a", "b", "--max-workers", "1", "--timeout", "5", "--output", "json"]
    with fault_server() as server:
        server.script(Echo(), default=Echo(delay=30))
        started = time.monotonic()
        status, out, err = run_cli(capsys, [*argv, "--endpoint-url", server.url])
        assert time.monotonic() - started < 20
    assert (status, err) == (3, "glue-bookmarks: error: 1 of 2 jobs failed\n")
    items = json.loads(out)["JobBookmarks"]
    assert [(item["JobName"], item["Status"]) for item in items] == [("a", "ok"), ("b", "error")]
    assert items[1]["Error"] == {
        "Code": "DeadlineExceededError",
        "Message": "job 'b' was not done within the timeout of 5.0 s",
        "RequestId": None,
    }


def test_list_against_a_rate_limit_reports_no_job_throttled(
    capsys: pytest.CaptureFixture[str],
) -> None:
    names = [f"job-{index:02d}" for index in range(60)]
    with fault_server(RateLimit(60, burst=5)) as server:
        server.script(default=Echo())
        status, out, err = run_cli(
            capsys, ["list", *names, "--output", "json", "--endpoint-url", server.url]
        )
        throttled = server.counts().throttled
    assert (status, err) == (0, "")
    items = json.loads(out)["JobBookmarks"]
    assert [(item["JobName"], item["Status"]) for item in items] == [(n, "ok") for n in names]
    assert throttled > 0  # the service did throttle; every job waited its turn


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf", "nan"])
def test_list_timeout_must_be_a_positive_number(
    capsys: pytest.CaptureFixture[str], value: str
) -> None:
    with refused_endpoint() as url:
        status, out, err = run_cli(capsys, ["list", "a", "--timeout", value, "--endpoint-url", url])
    assert (status, out) == (2, "")
    assert "argument --timeout: must be" in err


# -- values that do not parse, or that the terminal cannot show --------------------------------


def deep_bookmark(depth: int) -> str:
    keys: object = "id"
    for _ in range(depth):
        keys = [keys]
    return json.dumps({"jdbc": {"jsonClass": "JDBCDataSourceJobBookmarkState", "keys": keys}})


UNPARSED = {
    "deep": (
        deep_bookmark(300),
        "source 'jdbc', key keys: nests objects and arrays more than 100 levels deep",
    ),
    "before-year-1": (
        '{"s3":{"jsonClass":"HadoopDataSourceJobBookmarkState","timestamps":'
        '{"CURR_RUN_START_TIME":"0001-01-01T00:00:00+01:00"}}}',
        "source 's3', key timestamps.CURR_RUN_START_TIME: '0001-01-01T00:00:00+01:00' is out "
        "of range in UTC (years 1 to 9999)",
    ),
}


@pytest.mark.parametrize("case", UNPARSED)
def test_a_state_too_deep_or_out_of_range_is_a_parse_error_in_get_and_list(
    case: str, faults: FaultServer, capsys: pytest.CaptureFixture[str]
) -> None:
    bookmark, problem = UNPARSED[case]
    faults.script(default=success_answer({"JobName": "j", "Version": 2, "JobBookmark": bookmark}))
    error = f"BookmarkParseError: the JobBookmark of job 'j', {problem}"
    # The JSON is the raw entry, as the AWS CLI prints it; the table needs the state.
    status, out, err = run_cli(capsys, ["get", "j", "--endpoint-url", faults.url])
    assert (status, err) == (0, "")
    assert json.loads(out)["JobBookmarkEntry"]["JobBookmark"] == bookmark
    status, out, err = run_cli(
        capsys, ["get", "j", "--output", "table", "--endpoint-url", faults.url]
    )
    assert (status, out) == (1, "")
    assert_one_error_line(err, error)
    assert run_cli(capsys, ["list", "j", "--endpoint-url", faults.url]) == (
        3,
        "JOB  VERSION  RUN  ATTEMPT  SOURCE  RUN START TIME  FILES  RUN ID\n"
        f"j    failed: {error}\n",
        "glue-bookmarks: error: 1 of 1 job failed\n",
    )


# What botocore reads from an answer holding the JSON escape "\ud800": a lone surrogate, which
# no encoding can write.
LONE = "s\ud800"
LONE_BOOKMARK = json.dumps(
    {LONE: {"jsonClass": "HadoopDataSourceJobBookmarkState", "timestamps": {"RUN": "1"}}},
    ensure_ascii=False,
)


@pytest.fixture
def lone(faults: FaultServer) -> str:
    """The fault server, answering every GetJobBookmark with a job name and a source named
    with a lone surrogate."""
    entry = {
        "JobName": LONE,
        "Version": 1,
        "Run": 1,
        "RunId": "jr_\udc80",
        "JobBookmark": LONE_BOOKMARK,
    }
    faults.script(default=success_answer(entry))
    return faults.url


def test_a_lone_surrogate_is_printed_as_a_json_escape(
    lone: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_cli(capsys, ["get", "j", "--endpoint-url", lone])
    assert (status, err) == (0, "")
    assert '"JobName": "s\\ud800",' in out
    assert '"RunId": "jr_\\udc80",' in out
    # Read back, the document holds the strings the service sent.
    assert json.loads(out)["JobBookmarkEntry"] == {
        "JobName": LONE,
        "Version": 1,
        "Run": 1,
        "Attempt": 0,
        "RunId": "jr_\udc80",
        "JobBookmark": LONE_BOOKMARK,
    }
    status, out, err = run_cli(capsys, ["list", "j", "--output", "json", "--endpoint-url", lone])
    assert (status, err) == (0, "")
    assert json.loads(out)["JobBookmarks"][0]["JobBookmarkEntry"]["JobBookmark"] == LONE_BOOKMARK
    status, out, err = run_cli(
        capsys, ["get", "j", "--query", "JobBookmarkEntry.JobName", "--endpoint-url", lone]
    )
    assert (status, out, err) == (0, '"s\\ud800"\n', "")


def test_a_lone_surrogate_is_printed_as_a_backslash_escape_in_tables_and_text(
    lone: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(capsys, ["get", "j", "--output", "table", "--endpoint-url", lone]) == (
        0,
        "JOB      VERSION  RUN  ATTEMPT  SOURCE   RUN START TIME  FILES  RUN ID\n"
        "s\\ud800  1        1    0        s\\ud800  -               0      jr_\\udc80\n",
        "",
    )
    assert run_cli(capsys, ["list", "j", "--endpoint-url", lone]) == (
        0,
        "JOB  VERSION  RUN  ATTEMPT  SOURCE   RUN START TIME  FILES  RUN ID\n"
        "j    1        1    0        s\\ud800  -               0      jr_\\udc80\n",
        "",
    )
    status, out, err = run_cli(capsys, ["get", "j", "--output", "text", "--endpoint-url", lone])
    assert (status, err) == (0, "")
    assert out.startswith("JOBBOOKMARKENTRY\t0\t")
    assert "\ts\\ud800\t" in out
    assert out.endswith("\tjr_\\udc80\t1\n")


def test_a_lone_surrogate_in_an_error_message_is_escaped_on_its_line(
    faults: FaultServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    faults.script(default=error_answer(400, "AccessDeniedException", f"not for {LONE}"))
    status, out, err = run_cli(capsys, ["get", "j", "--endpoint-url", faults.url])
    assert (status, out) == (1, "")
    assert_one_error_line(
        err,
        "AccessDeniedException: not for s\\ud800 (GetJobBookmark, HTTP 400, request id req-err)",
    )


def test_control_characters_in_a_table_are_escaped(
    faults: FaultServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # A source name is any JSON string: a newline would break the row, an escape sequence
    # would reach the terminal.
    bookmark = json.dumps({"a\nb\x1b[2J": {"jsonClass": "HadoopDataSourceJobBookmarkState"}})
    faults.script(default=success_answer({"JobName": "j", "JobBookmark": bookmark}))
    assert run_cli(capsys, ["list", "j", "--endpoint-url", faults.url]) == (
        0,
        "JOB  VERSION  RUN  ATTEMPT  SOURCE       RUN START TIME  FILES  RUN ID\n"
        "j    0        0    0        a\\nb\\x1b[2J  -               0      -\n",
        "",
    )


NARROW_SNAPSHOT = json.dumps(
    {
        "JobBookmarks": [
            {
                "JobName": name,
                "Status": "ok",
                "JobBookmarkEntry": {"JobName": name, "Version": 1, "Run": 1, "Attempt": 0},
            }
            for name in ("caf\u00e9", "s\ud800", "\U0001f600")
        ]
    }
)


@pytest.mark.parametrize(
    ("encoding", "cafe", "smile"),
    [
        ("ascii", "caf\\xe9", "\\U0001f600"),
        ("latin-1", "caf\u00e9", "\\U0001f600"),
    ],
)
def test_output_the_stdout_encoding_cannot_write_is_escaped(
    encoding: str, cafe: str, smile: str, tmp_path: Path
) -> None:
    # stdout's encoding is the process's (PYTHONIOENCODING, or the locale): a child shows it.
    snapshot = tmp_path / "snapshot.json"
    snapshot.write_text(NARROW_SNAPSHOT)

    def diff(output: str) -> str:
        result = subprocess.run(
            [*PYTHON_M, "diff", str(snapshot), str(snapshot), "--output", output],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env={**child_env(), "PYTHONIOENCODING": encoding},
            timeout=60,
            check=False,
        )
        assert (result.returncode, result.stderr) == (0, b""), result.stderr.decode()
        return result.stdout.decode(encoding)

    # JSON escapes read back as the same strings.
    out = diff("json")
    assert [job["JobName"] for job in json.loads(out)["Jobs"]] == [
        "caf\u00e9",
        "s\ud800",
        "\U0001f600",
    ]
    assert '"JobName": "s\\ud800"' in out
    width = max(len(cafe), len("s\\ud800"), len(smile))
    assert diff("table").splitlines() == [
        f"{'JOB':{width}}  STATUS     VERSION  RUN  SOURCE  FILES ADDED  LATEST PARTITION",
        *(
            f"{name:{width}}  unchanged  1        1    -       -            -"
            for name in (cafe, "s\\ud800", smile)
        ),
        "3 jobs: 3 unchanged",
    ]
    assert [line for line in diff("text").splitlines() if line.startswith("JOBS")] == [
        f"JOBS\tNone\t{name}\tunchanged" for name in (cafe, "s\\ud800", smile)
    ]


def snapshot_of(name: str, version: int, bookmark: str) -> str:
    entry = {"JobName": name, "Version": version, "JobBookmark": bookmark}
    return json.dumps(
        {"JobBookmarks": [{"JobName": name, "Status": "ok", "JobBookmarkEntry": entry}]}
    )


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=odd_text.filter(bool), before=extreme_bookmarks, after=extreme_bookmarks)
def test_any_bookmark_is_printed_or_named_in_one_error_line(
    faults: FaultServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    before: str,
    after: str,
) -> None:
    faults.script(default=success_answer({"JobName": name, "Version": 2, "JobBookmark": after}))
    status, out, err = run_cli(
        capsys, ["get", "j", "--output", "table", "--endpoint-url", faults.url]
    )
    if status:
        assert (status, out) == (1, "")
        assert_one_error_line(err, "BookmarkParseError: the JobBookmark of job ")
    else:
        assert (out.startswith("JOB  "), err) == (True, "")
    # diff reads both snapshots, and parses the states of a job whose entry changed.
    files = tmp_path / "before.json", tmp_path / "after.json"
    files[0].write_text(snapshot_of(name, 1, before))
    files[1].write_text(snapshot_of(name, 2, after))
    for output in ("table", "text", "json"):
        status, out, err = run_cli(capsys, ["diff", *map(str, files), "--output", output])
        assert (status, err) == (0, ""), err
    assert [job["JobName"] for job in json.loads(out)["Jobs"]] == [name]


# -- secrets in the endpoint URL --------------------------------------------------------------


def test_a_password_in_the_endpoint_url_is_not_printed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with refused_endpoint() as url:
        secret_url = url.replace("http://", "http://reader:PASSWORD@")
        status, out, err = run_cli(capsys, ["get", "j", "--endpoint-url", secret_url])
        assert (status, out) == (1, "")
        redacted = url.replace("http://", "http://***@")
        assert_one_error_line(
            err, f'TransportError: Could not connect to the endpoint URL: "{redacted}/"'
        )
        status, out, err = run_cli(capsys, ["--debug", "get", "j", "--endpoint-url", secret_url])
        assert status == 1
        for argv in (["list", "j"], ["--output", "json", "list", "j"]):
            assert run_cli(capsys, [*argv, "--endpoint-url", secret_url]).status == 3
            out += capsys.readouterr().out
    assert "PASSWORD" not in out + err
    assert "reader" not in out + err


def test_no_jobs_found_names_the_endpoint_without_its_password(
    glue_moto_server_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    secret_url = glue_moto_server_url.replace("http://", "http://reader:PASSWORD@")
    status, _, err = run_cli(capsys, ["list", "--all", "--endpoint-url", secret_url])
    redacted = glue_moto_server_url.replace("http://", "http://***@")
    assert (status, err) == (0, f"glue-bookmarks: no jobs in {REGION} ({redacted})\n")


# -- the process: python -m, the console script -------------------------------------------------


def test_python_m_runs_the_command_in_a_child_process() -> None:
    result = run_child("list")
    assert (result.status, result.out) == (2, "")
    assert result.err == (
        "glue-bookmarks list: error: give job names, or --all (or --prefix, --tag) for every "
        "job (see 'glue-bookmarks list --help')\n"
    )


def test_console_script_and_version() -> None:
    script = Path(sys.executable).with_name("glue-bookmarks")
    result = run_child("--version", command=[str(script)])
    assert result.status == 0, result.err
    assert result.out.startswith(f"glue-bookmarks {__version__} (botocore ")


def test_jmespath_comes_with_botocore() -> None:
    # --query imports jmespath without declaring it: botocore's own requirement brings it.
    requirements = importlib.metadata.requires("botocore") or []
    assert any(requirement.startswith("jmespath") for requirement in requirements)
