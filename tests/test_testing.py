"""The moto extension and its pytest plugin.

Bookmarks, runs, reset and rewind, in mock_aws() and in moto server mode; the server command;
the plugin's fixtures, in our tests and in a user's.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from subprocess import Popen
from typing import Any

import attrs
import boto3
import pytest
from moto import mock_aws
from moto.glue.responses import GlueResponse
from types_boto3_glue.client import GlueClient

from glue_bookmarks import (
    BookmarkParseError,
    BookmarkState,
    EntityNotFoundError,
    GlueBookmarks,
    HadoopSourceState,
    InvalidParameterError,
    JobBookmarkEntry,
    UnknownSourceState,
)
from glue_bookmarks.testing import (
    bookmark_calls,
    install,
    seed_job_bookmark,
    seed_job_run,
    set_bookmark_state,
)
from glue_bookmarks.testing.__main__ import main as serve_main
from glue_bookmarks.testing._bookmarks import JOB_RUN_STATES
from tests._support import (
    NO_DEV_PLUGINS,
    REGION,
    botocore_session,
    create_job,
    glue_client,
    modules_imported_by,
)

# pytest's own fixture for testing plugins: runs pytest on a user's test files.
pytest_plugins = ["pytester"]

BOOKMARK = '{"datasource0": {"jsonClass": "HadoopDataSourceJobBookmarkState"}}'


def seed_nightly() -> JobBookmarkEntry:
    return seed_job_bookmark(
        "nightly",
        version=4,
        run=3,
        attempt=1,
        run_id="jr_3",
        previous_run_id="jr_2",
        job_bookmark=BOOKMARK,
    )


# -- in-process, mock_aws() ---------------------------------------------------------------------


def test_seeded_entry_is_returned(glue_moto_client: GlueClient) -> None:
    create_job(glue_moto_client, "nightly")
    seeded = seed_nightly()
    entry = GlueBookmarks(client=glue_moto_client).get_job_bookmark("nightly")
    assert entry == seeded
    assert entry == JobBookmarkEntry(
        job_name="nightly",
        version=4,
        run=3,
        attempt=1,
        run_id="jr_3",
        previous_run_id="jr_2",
        job_bookmark=BOOKMARK,
    )


def test_a_boto3_client_is_accepted(glue_moto_client: GlueClient) -> None:
    create_job(glue_moto_client, "nightly")
    seed_nightly()
    client = boto3.client("glue", region_name=REGION)
    assert GlueBookmarks(client=client).get_job_bookmark("nightly").version == 4


def test_optional_members_left_unset_are_absent_on_the_wire(glue_moto_client: GlueClient) -> None:
    create_job(glue_moto_client, "first")
    seed_job_bookmark("first")
    raw = glue_moto_client.get_job_bookmark(JobName="first")["JobBookmarkEntry"]
    assert dict(raw) == {"JobName": "first", "Version": 1, "Run": 1, "Attempt": 0}


def test_missing_job(glue_moto_client: GlueClient) -> None:
    with pytest.raises(EntityNotFoundError) as info:
        GlueBookmarks(client=glue_moto_client).get_job_bookmark("ghost")
    assert info.value.message == "Job ghost not found."
    assert info.value.status_code == 400


def test_job_without_bookmark(glue_moto_client: GlueClient) -> None:
    create_job(glue_moto_client, "never-ran")
    with pytest.raises(EntityNotFoundError) as info:
        GlueBookmarks(client=glue_moto_client).get_job_bookmark("never-ran")
    assert info.value.code == "EntityNotFoundException"
    assert info.value.message == "Continuation for job never-ran not found"


def test_run_id(glue_moto_client: GlueClient) -> None:
    create_job(glue_moto_client, "nightly")
    seed_nightly()
    gb = GlueBookmarks(client=glue_moto_client)
    assert gb.get_job_bookmark("nightly", run_id="jr_3").run_id == "jr_3"
    with pytest.raises(EntityNotFoundError, match="Continuation for job nightly and run jr_1"):
        gb.get_job_bookmark("nightly", run_id="jr_1")


def test_seeding_again_replaces_the_entry(glue_moto_client: GlueClient) -> None:
    create_job(glue_moto_client, "nightly")
    seed_nightly()
    seed_job_bookmark("nightly", version=9, run=9)
    entry = GlueBookmarks(client=glue_moto_client).get_job_bookmark("nightly")
    assert (entry.version, entry.run, entry.run_id, entry.job_bookmark) == (9, 9, None, None)


def test_deleting_the_job_deletes_its_bookmark(glue_moto_client: GlueClient) -> None:
    create_job(glue_moto_client, "nightly")
    seed_nightly()
    glue_moto_client.delete_job(JobName="nightly")
    create_job(glue_moto_client, "nightly")
    with pytest.raises(EntityNotFoundError, match="Continuation for job nightly not found"):
        GlueBookmarks(client=glue_moto_client).get_job_bookmark("nightly")


def test_bookmarks_are_per_region(glue_moto_client: GlueClient) -> None:
    create_job(glue_moto_client, "nightly")
    seed_nightly()
    west = boto3.client("glue", region_name="eu-west-1")
    create_job(west, "nightly")
    with pytest.raises(EntityNotFoundError, match="Continuation"):
        GlueBookmarks(client=west).get_job_bookmark("nightly")
    seed_job_bookmark("nightly", version=1, region_name="eu-west-1")
    assert GlueBookmarks(client=west).get_job_bookmark("nightly").version == 1
    assert GlueBookmarks(client=glue_moto_client).get_job_bookmark("nightly").version == 4


def test_seed_region_defaults_to_botocores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-2")
    install()
    with mock_aws():
        client = boto3.client("glue")
        create_job(client, "nightly")
        seed_job_bookmark("nightly", version=2)
        assert GlueBookmarks(client=client).get_job_bookmark("nightly").version == 2


def test_moto_reset_clears_bookmarks() -> None:
    install()
    with mock_aws():
        create_job(glue_client(), "nightly")
        seed_nightly()
    with mock_aws():
        client = glue_client()
        create_job(client, "nightly")
        with pytest.raises(EntityNotFoundError, match="Continuation"):
            GlueBookmarks(client=client).get_job_bookmark("nightly")


def test_install_is_idempotent() -> None:
    install()
    handler = GlueResponse.get_job_bookmark  # type: ignore[attr-defined]
    install()
    assert GlueResponse.get_job_bookmark is handler  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"job_name": "ghost"}, "no Glue job 'ghost' in account 123456789012, region us-east-1"),
        ({"job_name": "nightly", "account_id": "111122223333"}, "account 111122223333"),
        ({"job_name": "nightly", "region_name": "mars-north-1"}, "no Glue region 'mars-north-1'"),
        ({"job_name": "nightly", "version": -1}, "version must be a non-negative int"),
        ({"job_name": "nightly", "run": "3"}, "run must be a non-negative int"),
        ({"job_name": "nightly", "attempt": True}, "attempt must be a non-negative int"),
        ({"job_name": "nightly", "run_id": ""}, "run_id must be 1 to 255"),
        (
            {"job_name": "nightly", "job_bookmark": {"a": 1}},
            "job_bookmark must be a BookmarkState, a str or None",
        ),
        ({"job_name": ""}, "job_name must be 1 to 255"),
    ],
)
def test_seed_rejects_bad_input(
    glue_moto_client: GlueClient, kwargs: dict[str, object], message: str
) -> None:
    create_job(glue_moto_client, "nightly")
    with pytest.raises(InvalidParameterError, match=message):
        seed_job_bookmark(**kwargs)  # type: ignore[arg-type]


def test_raw_http_request_without_job_name_is_invalid_input(glue_moto_server_url: str) -> None:
    request = urllib.request.Request(
        glue_moto_server_url,
        data=b"{}",
        headers={
            "X-Amz-Target": "AWSGlue.GetJobBookmark",
            "Content-Type": "application/x-amz-json-1.1",
            "Authorization": (
                "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/glue/aws4_request"
            ),
        },
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=10)
    assert info.value.code == 400
    assert b"InvalidInputException" in info.value.read()


# -- moto server, over real HTTP ----------------------------------------------------------------


def test_server_mode(glue_moto_server_url: str) -> None:
    client = glue_client(endpoint_url=glue_moto_server_url)
    create_job(client, "nightly", "never-ran")
    seeded = seed_nightly()
    with GlueBookmarks(endpoint_url=glue_moto_server_url, region_name=REGION) as gb:
        assert gb.get_job_bookmark("nightly") == seeded
        with pytest.raises(EntityNotFoundError) as info:
            gb.get_job_bookmark("never-ran")
    err = info.value
    assert err.message == "Continuation for job never-ran not found"
    assert err.status_code == 400
    assert err.request_id
    assert err.retryable is False


def test_server_reset_clears_bookmarks(glue_moto_server_url: str) -> None:
    client = glue_client(endpoint_url=glue_moto_server_url)
    create_job(client, "nightly")
    seed_nightly()
    reset = urllib.request.Request(f"{glue_moto_server_url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(reset, timeout=10):
        pass
    create_job(client, "nightly")
    with (
        GlueBookmarks(endpoint_url=glue_moto_server_url, region_name=REGION) as gb,
        pytest.raises(EntityNotFoundError, match="Continuation"),
    ):
        gb.get_job_bookmark("nightly")


# -- python -m glue_bookmarks.testing -----------------------------------------------------------

SERVER = [sys.executable, "-m", "glue_bookmarks.testing"]
ERROR = "python -m glue_bookmarks.testing: error: "
HINT = "install it with pip install 'glue-bookmarks[testing]'"

# sitecustomize modules for a child interpreter (`with_sitecustomize`). This one finds moto
# nowhere, as where the `testing` extra is not installed.
NO_MOTO = """
import sys


class NoMoto:
    def find_spec(self, name, path=None, target=None):
        if name == "moto" or name.startswith("moto."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NoMoto())
"""
# This one says on stderr when moto's import starts, which then takes a minute: a signal sent
# after that line reaches the server in the middle of its start-up.
SLOW_MOTO = """
import sys
import time


class SlowMoto:
    def find_spec(self, name, path=None, target=None):
        if name == "moto":
            print("importing moto", file=sys.stderr, flush=True)
            time.sleep(60)
        return None


sys.meta_path.insert(0, SlowMoto())
"""

posix_signals = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def with_sitecustomize(directory: Path, source: str) -> dict[str, str]:
    """This process's environment, with `source` run first by every child interpreter."""
    (directory / "sitecustomize.py").write_text(source)
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(directory), env.get("PYTHONPATH")]))
    return env


def run_server(
    *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run the server to its end; return how it ended and how many seconds that took."""
    started = time.monotonic()
    result = subprocess.run(
        [*SERVER, *args], capture_output=True, text=True, timeout=20, check=False, env=env
    )
    return result, time.monotonic() - started


@contextlib.contextmanager
def server_process(*args: str, env: dict[str, str] | None = None) -> Iterator[Popen[str]]:
    """The server in a child process, killed at the end if the test left it running."""
    process = subprocess.Popen(
        [*SERVER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def endpoint_of(process: Popen[str]) -> str:
    """The endpoint the server announces on its first line, once it is ready."""
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("moto Glue with job bookmarks on http://127.0.0.1:"), line
    return line.split(" on ", 1)[1].split()[0]


def stop(process: Popen[str], *signals: signal.Signals) -> tuple[str, str, float]:
    """Send `signals`, back to back; return the rest of stdout and stderr, and the seconds."""
    started = time.monotonic()
    for signum in signals:
        process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=20)
    return stdout, stderr, time.monotonic() - started


def test_cli_server_serves_sample_bookmarks() -> None:
    with server_process("--port", "0", "--samples") as process:
        endpoint = endpoint_of(process)
        with GlueBookmarks(endpoint_url=endpoint, region_name=REGION) as gb:
            entry = gb.get_job_bookmark("nightly-orders")
            assert (entry.version, entry.run) == (3, 3)
            assert entry.job_bookmark is not None
            assert "HadoopDataSourceJobBookmarkState" in entry.job_bookmark
            with pytest.raises(EntityNotFoundError, match="Continuation for job adhoc-backfill"):
                gb.get_job_bookmark("adhoc-backfill")
        _, stderr, _ = stop(process, signal.SIGTERM)
        assert process.returncode == 0, stderr


def test_cli_server_help() -> None:
    result, _ = run_server("--help")
    assert result.returncode == 0
    assert "--port" in result.stdout
    assert "exit status 0" in result.stdout


@pytest.mark.parametrize(
    ("port", "message"),
    [
        ("abc", "argument --port: must be a whole number from 0 to 65535, got 'abc'"),
        ("70000", "argument --port: must be a whole number from 0 to 65535, got '70000'"),
    ],
)
def test_cli_server_bad_port_is_a_usage_error(
    port: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The arguments are parsed before anything else: in this process, no signal is taken over.
    with pytest.raises(SystemExit) as exited:
        serve_main(["--port", port])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == f"{ERROR}{message}"
    assert "_port" not in err


def test_cli_server_on_a_port_in_use_exits_at_once_with_one_line() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result, seconds = run_server("--port", str(port))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"{ERROR}port {port} on 127.0.0.1 is in use; stop what uses it, or pick another port\n"
    )
    assert seconds < 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "192.0.2.1"], "cannot listen on 192.0.2.1 port 0: "),
        (["--samples", "--region", "mars-north-1"], "moto has no Glue region 'mars-north-1'"),
    ],
)
def test_cli_server_that_cannot_start_exits_with_one_line(args: list[str], message: str) -> None:
    result, _ = run_server("--port", "0", *args)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith(f"{ERROR}{message}"), result.stderr
    assert result.stderr.count("\n") == 1


def test_cli_server_without_moto_says_how_to_install_it(tmp_path: Path) -> None:
    result, seconds = run_server("--port", "0", env=with_sitecustomize(tmp_path, NO_MOTO))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"{ERROR}glue_bookmarks.testing needs moto (No module named 'moto'); {HINT}\n"
    )
    assert seconds < 5


@posix_signals
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_cli_server_stops_on_a_signal(signum: signal.Signals) -> None:
    with server_process("--port", "0") as process:
        endpoint_of(process)
        stdout, stderr, seconds = stop(process, signum)
    assert (process.returncode, stdout, stderr) == (0, "", "")
    assert seconds < 5


@posix_signals
def test_cli_server_stops_cleanly_when_signalled_twice() -> None:
    # An impatient Ctrl-C, then SIGTERM: the second arrives while the first is being handled.
    with server_process("--port", "0") as process:
        endpoint_of(process)
        stdout, stderr, seconds = stop(process, signal.SIGINT, signal.SIGTERM)
    assert (process.returncode, stdout, stderr) == (0, "", "")
    assert seconds < 5


@posix_signals
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_cli_server_stops_on_a_signal_during_start_up(
    signum: signal.Signals, tmp_path: Path
) -> None:
    with server_process("--port", "0", env=with_sitecustomize(tmp_path, SLOW_MOTO)) as process:
        assert process.stderr is not None
        assert process.stderr.readline() == "importing moto\n"
        stdout, stderr, seconds = stop(process, signum)
    assert (process.returncode, stdout, stderr) == (0, "", "")
    assert seconds < 5


# -- runs, reset and rewind: in mock_aws() and in moto server mode ------------------------------

ENABLE = {"--job-bookmark-option": "job-bookmark-enable"}
PAUSE = {"--job-bookmark-option": "job-bookmark-pause"}
DISABLE = {"--job-bookmark-option": "job-bookmark-disable"}
STATE = BookmarkState(
    {
        "datasource0": HadoopSourceState(
            run=2,
            high_band=timedelta(minutes=15),
            run_start_time=datetime(2024, 10, 28, 1, 32, 45, 613000, tzinfo=timezone.utc),
            include_list=("9f1c", "b2e4"),
        )
    }
)


@attrs.frozen
class Glue:
    """One way of reaching moto: a raw client for set-up and our facade over the same place."""

    client: GlueClient
    gb: GlueBookmarks

    def create_job(
        self, name: str, arguments: dict[str, str] | None = None, **options: Any
    ) -> None:
        """The job `name` with `arguments` as its default ones; `options` as `create_job`'s."""
        # Whether a moto run still counts as running is up to moto's state manager: allow
        # several at once, so no test depends on it.
        concurrent = {"ExecutionProperty": {"MaxConcurrentRuns": 10}}
        create_job(self.client, name, DefaultArguments=arguments or {}, **{**concurrent, **options})

    def start(self, name: str, arguments: dict[str, str] | None = None) -> str:
        if arguments is None:
            return self.client.start_job_run(JobName=name)["JobRunId"]
        return self.client.start_job_run(JobName=name, Arguments=arguments)["JobRunId"]


@pytest.fixture(params=["mock_aws", "server"])
def glue(request: pytest.FixtureRequest) -> Iterator[Glue]:
    if request.param == "mock_aws":
        client = request.getfixturevalue("glue_moto_client")
        yield Glue(client, GlueBookmarks(client=client))
    else:
        endpoint = request.getfixturevalue("glue_moto_server_url")
        session = botocore_session()
        with GlueBookmarks(session=session, endpoint_url=endpoint, region_name=REGION) as gb:
            yield Glue(glue_client(endpoint_url=endpoint), gb)


def test_enabled_runs_advance_the_bookmark(glue: Glue) -> None:
    glue.create_job("nightly", ENABLE)
    first = glue.start("nightly")
    entry = glue.gb.get_job_bookmark("nightly")
    assert entry == JobBookmarkEntry(
        job_name="nightly", version=1, run=1, attempt=0, run_id=first, job_bookmark=None
    )
    assert entry.state == {}
    set_bookmark_state("nightly", STATE)
    second = glue.start("nightly")
    entry = glue.gb.get_job_bookmark("nightly")
    assert (entry.version, entry.run, entry.attempt) == (2, 2, 0)
    assert (entry.previous_run_id, entry.run_id) == (first, second)
    assert entry.state == STATE
    assert entry.job_bookmark == STATE.to_json()
    assert bookmark_calls("nightly") == {
        "GetJobBookmark": 2,
        "ResetJobBookmark": 0,
        "StartJobRun": 2,
    }


def test_pause_keeps_and_disable_ignores(glue: Glue) -> None:
    glue.create_job("nightly", ENABLE)
    first = glue.start("nightly")
    glue.start("nightly", PAUSE)
    glue.start("nightly", DISABLE)
    entry = glue.gb.get_job_bookmark("nightly")
    assert (entry.version, entry.run, entry.run_id) == (1, 1, first)


def test_runs_without_the_option_record_nothing(glue: Glue) -> None:
    glue.create_job("nightly")
    glue.start("nightly")
    glue.start("nightly", PAUSE)
    with pytest.raises(EntityNotFoundError, match="Continuation for job nightly not found"):
        glue.gb.get_job_bookmark("nightly")
    glue.start("nightly", ENABLE)  # a run's arguments override the job's defaults
    assert glue.gb.get_job_bookmark("nightly").run == 1
    assert bookmark_calls("nightly")["StartJobRun"] == 3


def test_non_overridable_arguments_win(glue: Glue) -> None:
    glue.create_job("locked", NonOverridableArguments=ENABLE)
    glue.start("locked", DISABLE)
    assert glue.gb.get_job_bookmark("locked").run == 1


def test_a_run_refused_by_moto_records_nothing(glue: Glue) -> None:
    # With no concurrent run allowed, moto refuses every run.
    glue.create_job("none", ENABLE, ExecutionProperty={"MaxConcurrentRuns": 0})
    with pytest.raises(glue.client.exceptions.ConcurrentRunsExceededException):
        glue.start("none")
    with pytest.raises(EntityNotFoundError, match="Continuation for job none not found"):
        glue.gb.get_job_bookmark("none")
    assert bookmark_calls("none")["StartJobRun"] == 1


def test_get_with_a_run_id_returns_that_runs_entry(glue: Glue) -> None:
    glue.create_job("nightly", ENABLE)
    first = glue.start("nightly")
    set_bookmark_state("nightly", '{"old": {"jsonClass": "JdbcState"}}')
    glue.start("nightly")
    entry = glue.gb.get_job_bookmark("nightly", run_id=first)
    assert (entry.run, entry.run_id) == (1, first)
    assert entry.state == BookmarkState(
        {"old": UnknownSourceState(json_class="JdbcState", data={"jsonClass": "JdbcState"})}
    )
    with pytest.raises(EntityNotFoundError, match="Continuation for job nightly and run jr_no"):
        glue.gb.get_job_bookmark("nightly", run_id="jr_no")


def test_reset_returns_the_old_entry_and_starts_over(glue: Glue) -> None:
    glue.create_job("nightly", ENABLE)
    first = glue.start("nightly")
    set_bookmark_state("nightly", STATE)
    second = glue.start("nightly")
    before = glue.gb.get_job_bookmark("nightly")
    assert glue.gb.reset_job_bookmark("nightly") == before
    with pytest.raises(EntityNotFoundError, match="Continuation for job nightly not found"):
        glue.gb.get_job_bookmark("nightly")
    with pytest.raises(EntityNotFoundError, match="Continuation for job nightly not found"):
        glue.gb.get_job_bookmark("nightly", run_id=second)
    third = glue.start("nightly")
    after = glue.gb.get_job_bookmark("nightly")
    assert (after.version, after.run, after.previous_run_id, after.run_id) == (1, 1, None, third)
    assert after.state == {}
    assert first != third
    assert bookmark_calls("nightly") == {
        "GetJobBookmark": 4,
        "ResetJobBookmark": 1,
        "StartJobRun": 3,
    }


def test_rewind_restores_a_previous_runs_state(glue: Glue) -> None:
    glue.create_job("nightly", ENABLE)
    first = glue.start("nightly")
    set_bookmark_state("nightly", STATE)
    glue.start("nightly")
    set_bookmark_state("nightly", "{}")
    third = glue.start("nightly")
    rewound = glue.gb.reset_job_bookmark("nightly", run_id=first)
    assert (rewound.version, rewound.run, rewound.run_id) == (4, 1, first)
    assert rewound.state == STATE
    assert glue.gb.get_job_bookmark("nightly") == rewound
    # Later runs stay recorded, and the next run carries the rewound state on.
    assert glue.gb.get_job_bookmark("nightly", run_id=third).run == 3
    fourth = glue.start("nightly")
    entry = glue.gb.get_job_bookmark("nightly")
    assert (entry.version, entry.run, entry.previous_run_id, entry.run_id) == (5, 2, first, fourth)
    assert entry.state == STATE


@pytest.mark.parametrize("run_id", [None, "jr_unknown"])
def test_reset_errors(glue: Glue, run_id: str | None) -> None:
    glue.create_job("never-ran")
    with pytest.raises(EntityNotFoundError, match="Continuation for job never-ran not found"):
        glue.gb.reset_job_bookmark("never-ran", run_id=run_id)
    with pytest.raises(EntityNotFoundError, match="Job ghost not found"):
        glue.gb.reset_job_bookmark("ghost", run_id=run_id)
    glue.create_job("nightly", ENABLE)
    glue.start("nightly")
    if run_id is not None:
        with pytest.raises(EntityNotFoundError) as info:
            glue.gb.reset_job_bookmark("nightly", run_id=run_id)
        assert info.value.message == "Continuation for job nightly and run jr_unknown not found"
        assert glue.gb.get_job_bookmark("nightly").run == 1  # a failed rewind changes nothing


def test_set_bookmark_state_needs_a_bookmark(glue: Glue) -> None:
    glue.create_job("never-ran")
    with pytest.raises(InvalidParameterError, match="has no bookmark yet") as info:
        set_bookmark_state("never-ran", STATE)
    assert info.value.parameter == "job_name"
    with pytest.raises(InvalidParameterError, match="job_bookmark must be a BookmarkState"):
        set_bookmark_state("never-ran", {"datasource0": {}})  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="ghost"):
        bookmark_calls("ghost")


def test_a_raw_string_is_stored_as_given(glue: Glue) -> None:
    glue.create_job("nightly", ENABLE)
    glue.start("nightly")
    assert set_bookmark_state("nightly", "not json").job_bookmark == "not json"
    entry = glue.gb.get_job_bookmark("nightly")
    assert entry.job_bookmark == "not json"
    with pytest.raises(BookmarkParseError, match="job 'nightly'"):
        _ = entry.state


# -- the pytest plugin: glue_moto_client and glue_moto_server_url ----------------------------


def test_the_fixtures_set_dummy_aws_settings(
    glue_moto_client: GlueClient, glue_moto_server_url: str
) -> None:
    assert glue_moto_client.meta.region_name == "us-east-1"
    assert glue_moto_server_url.startswith("http://127.0.0.1:")
    assert (os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_DEFAULT_REGION"]) == (
        "testing",
        "us-east-1",
    )
    assert os.environ["AWS_CONFIG_FILE"] == os.devnull


def test_the_plugin_imports_neither_moto_nor_boto3() -> None:
    watched = ("boto3", "flask", "moto", "werkzeug")
    assert modules_imported_by("import glue_bookmarks.testing.pytest_plugin", watched) == []


# What a user writes: no set-up of their own, on a machine whose AWS settings would send
# every request elsewhere (see the test below), and no trace of the fixtures afterwards.
USERS_TESTS = """
import os

import botocore.session
import pytest

from glue_bookmarks import EntityNotFoundError, GlueBookmarks
from glue_bookmarks.testing import seed_job_bookmark


def test_in_process(glue_moto_client):
    glue_moto_client.create_job(Name="nightly", Role="etl", Command={"Name": "glueetl"})
    seed_job_bookmark("nightly", version=2)
    assert GlueBookmarks(client=glue_moto_client).get_job_bookmark("nightly").version == 2


def test_server(glue_moto_server_url):
    glue = botocore.session.Session().create_client("glue", endpoint_url=glue_moto_server_url)
    glue.create_job(Name="nightly", Role="etl", Command={"Name": "glueetl"})
    seed_job_bookmark("nightly", version=3)
    with GlueBookmarks(endpoint_url=glue_moto_server_url) as gb:
        assert gb.get_job_bookmark("nightly").version == 3


def test_the_server_is_reset_after_each_test(glue_moto_server_url):
    with GlueBookmarks(endpoint_url=glue_moto_server_url) as gb:
        with pytest.raises(EntityNotFoundError, match="Job nightly not found"):
            gb.get_job_bookmark("nightly")


def test_the_machines_settings_are_back():
    assert os.environ["AWS_PROFILE"] == "no-such-profile"
    assert "AWS_ACCESS_KEY_ID" not in os.environ
"""


def test_a_users_tests_use_the_fixtures(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without the fixtures' settings, botocore would fail on the profile, or send requests to
    # an endpoint nothing listens on.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    pytester.makepyfile(test_users_glue=USERS_TESTS)
    # A child pytest, which finds the plugin as a user's does: through its entry point.
    result = pytester.runpytest_subprocess("-W", "error", *NO_DEV_PLUGINS, timeout=120)
    result.assert_outcomes(passed=4)


def test_the_fixtures_are_listed_with_their_docs(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--fixtures", *NO_DEV_PLUGINS)
    result.stdout.fnmatch_lines(
        [
            "glue_moto_client -- *glue_bookmarks*pytest_plugin.py:*",
            "    A botocore Glue client on an in-process moto, with job bookmarks.",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "glue_moto_server_url -- *glue_bookmarks*pytest_plugin.py:*",
            "    The URL of a moto server on 127.0.0.1 with job bookmarks, *",
        ]
    )


def test_without_moto_the_plugin_loads_and_its_fixtures_say_how_to_install_it(
    pytester: pytest.Pytester,
) -> None:
    # The child's working directory is on its PYTHONPATH, so this sitecustomize runs first.
    pytester.makepyfile(sitecustomize=NO_MOTO)
    pytester.makepyfile(
        test_users_glue="""
        import glue_bookmarks.testing

        def test_without_the_fixtures():
            assert glue_bookmarks.testing.install

        def test_with_a_fixture(glue_moto_client):
            pass
        """
    )
    result = pytester.runpytest_subprocess(*NO_DEV_PLUGINS, timeout=120)
    result.assert_outcomes(passed=1, errors=1)
    error = f"ImportError: glue_bookmarks.testing needs moto (No module named 'moto'); {HINT}"
    assert any(line.startswith("E ") and line.endswith(error) for line in result.outlines)


# -- runs as GetJobRuns and GetJobRun list them; seed_job_run ----------------------------------

NO_OPTION: dict[str, str] = {}


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC: moto 5.1 answers times without a zone, which botocore leaves naive."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def runs_of(client: GlueClient, name: str) -> dict[str, Any]:
    """GetJobRuns's runs of the job, by id."""
    return {run["Id"]: run for run in client.get_job_runs(JobName=name)["JobRuns"]}


@pytest.mark.parametrize(
    ("defaults", "run", "locked", "advances"),
    [
        (ENABLE, NO_OPTION, NO_OPTION, True),
        (ENABLE, PAUSE, NO_OPTION, False),
        (ENABLE, DISABLE, NO_OPTION, False),
        (DISABLE, ENABLE, NO_OPTION, True),
        (PAUSE, ENABLE, NO_OPTION, True),
        (NO_OPTION, ENABLE, PAUSE, False),
        (DISABLE, DISABLE, ENABLE, True),
    ],
    ids=[
        "default-enable",
        "run-pause-over-default-enable",
        "run-disable-over-default-enable",
        "run-enable-over-default-disable",
        "run-enable-over-default-pause",
        "non-overridable-pause-over-run-enable",
        "non-overridable-enable-over-both",
    ],
)
def test_a_runs_option_overrides_the_jobs_default_and_non_overridable_wins(
    glue: Glue,
    defaults: dict[str, str],
    run: dict[str, str],
    locked: dict[str, str],
    advances: bool,
) -> None:
    glue.create_job("nightly", defaults, NonOverridableArguments=locked)
    seeded = seed_job_bookmark("nightly", run_id="jr_before", job_bookmark=BOOKMARK)
    run_id = glue.start("nightly", run)
    entry = glue.gb.get_job_bookmark("nightly")
    if advances:
        assert (entry.version, entry.run, entry.previous_run_id, entry.run_id) == (
            2,
            2,
            "jr_before",
            run_id,
        )
        assert entry.job_bookmark == BOOKMARK
    else:
        assert entry == seeded  # paused or disabled: the bookmark as it was
    # The run's arguments, as moto merged them, say which option was in effect.
    arguments = glue.client.get_job_run(JobName="nightly", RunId=run_id)["JobRun"]["Arguments"]
    expected = (ENABLE if advances else {**defaults, **run, **locked})["--job-bookmark-option"]
    assert arguments["--job-bookmark-option"] == expected


def test_the_bookmarks_run_ids_are_runs_moto_lists(glue: Glue) -> None:
    glue.create_job("nightly", ENABLE)
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    first = glue.start("nightly")
    second = glue.start("nightly")
    after = datetime.now(timezone.utc) + timedelta(seconds=1)
    entry = glue.gb.get_job_bookmark("nightly")
    runs = runs_of(glue.client, "nightly")
    assert list(runs) == [first, second]
    assert (entry.previous_run_id, entry.run_id) == (first, second)
    for run_id, run in runs.items():
        assert run["JobName"] == "nightly"
        assert run["JobRunState"] == "SUCCEEDED"
        assert before <= as_utc(run["StartedOn"]) <= after
        single = glue.client.get_job_run(JobName="nightly", RunId=run_id)["JobRun"]
        assert (single["Id"], single["JobRunState"]) == (run_id, "SUCCEEDED")


def test_seeded_runs_are_listed_as_seeded(glue: Glue) -> None:
    glue.create_job("nightly", ENABLE)
    monday = datetime(2024, 10, 28, 1, 32, 45, tzinfo=timezone.utc)
    seeded = {
        "jr_failed": seed_job_run("nightly", run_id="jr_failed", started_on=monday, state="FAILED"),
        # Any zone is accepted, and answered in UTC.
        "jr_running": seed_job_run(
            "nightly",
            run_id="jr_running",
            started_on=datetime(2024, 10, 29, 3, 0, tzinfo=timezone(timedelta(hours=2))),
            state="RUNNING",
            arguments={"--day": "tuesday"},
        ),
    }
    assert seeded == {"jr_failed": "jr_failed", "jr_running": "jr_running"}
    generated = seed_job_run("nightly", started_on=monday + timedelta(days=2))
    assert len(generated) == 67
    assert generated.startswith("jr_")
    for _ in range(2):  # moto's state manager does not move a seeded run on
        runs = runs_of(glue.client, "nightly")
        assert list(runs) == ["jr_failed", "jr_running", generated]
        assert [run["JobRunState"] for run in runs.values()] == ["FAILED", "RUNNING", "SUCCEEDED"]
        assert [as_utc(run["StartedOn"]) for run in runs.values()] == [
            monday,
            datetime(2024, 10, 29, 1, 0, tzinfo=timezone.utc),
            monday + timedelta(days=2),
        ]
    assert runs["jr_running"]["Arguments"] == {**ENABLE, "--day": "tuesday"}
    single = glue.client.get_job_run(JobName="nightly", RunId="jr_running")["JobRun"]
    assert single["JobRunState"] == "RUNNING"
    assert as_utc(single["StartedOn"]) == datetime(2024, 10, 29, 1, 0, tzinfo=timezone.utc)
    # Only the run that succeeded with bookmarks enabled committed one.
    entry = glue.gb.get_job_bookmark("nightly")
    assert (entry.version, entry.run, entry.run_id) == (1, 1, generated)
    assert bookmark_calls("nightly")["StartJobRun"] == 0


def test_seeded_runs_commit_bookmarks_to_rewind_to(glue: Glue) -> None:
    glue.create_job("nightly", ENABLE)
    day = datetime(2024, 10, 28, tzinfo=timezone.utc)
    first = seed_job_run("nightly", started_on=day, job_bookmark=STATE)
    seed_job_run("nightly", started_on=day + timedelta(days=1), state="FAILED")
    seed_job_run("nightly", started_on=day + timedelta(days=2), arguments=PAUSE)
    carried = seed_job_run("nightly", started_on=day + timedelta(days=3))
    latest = seed_job_run("nightly", started_on=day + timedelta(days=4), job_bookmark="{}")
    entry = glue.gb.get_job_bookmark("nightly")
    assert (entry.version, entry.run, entry.previous_run_id, entry.run_id) == (
        3,
        3,
        carried,
        latest,
    )
    assert entry.job_bookmark == "{}"
    assert glue.gb.get_job_bookmark("nightly", run_id=carried).state == STATE  # carried on
    rewound = glue.gb.reset_job_bookmark("nightly", run_id=first)
    assert (rewound.version, rewound.run, rewound.run_id) == (4, 1, first)
    assert rewound.state == STATE
    # A run started after the rewind follows on from it, among the seeded runs.
    after = glue.start("nightly")
    entry = glue.gb.get_job_bookmark("nightly")
    assert (entry.run, entry.previous_run_id, entry.run_id) == (2, first, after)
    assert list(runs_of(glue.client, "nightly"))[-1] == after


def test_a_seeded_running_run_counts_against_max_concurrent_runs(glue: Glue) -> None:
    glue.create_job("nightly", ENABLE, ExecutionProperty={"MaxConcurrentRuns": 1})
    seed_job_run("nightly", started_on=datetime(2024, 1, 1, tzinfo=timezone.utc), state="RUNNING")
    with pytest.raises(glue.client.exceptions.ConcurrentRunsExceededException):
        glue.start("nightly")


def test_job_run_states_are_glues() -> None:
    model = botocore_session().get_service_model("glue")
    assert set(model.shape_for("JobRunState").enum) == JOB_RUN_STATES  # type: ignore[attr-defined]


MONDAY = datetime(2024, 10, 28, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("kwargs", "parameter", "message"),
    [
        ({"job_name": "ghost"}, "job_name", "no Glue job 'ghost'"),
        ({"job_name": ""}, "job_name", "job_name must be 1 to 255"),
        ({"started_on": "2024-10-28"}, "started_on", "started_on must be a datetime, got str"),
        ({"started_on": datetime(2024, 10, 28)}, "started_on", "must be timezone-aware"),
        ({"state": "DONE"}, "state", "state must be one of ERROR, EXPIRED, FAILED, RUNNING"),
        ({"run_id": "jr_taken"}, "run_id", "job 'nightly' already has a run 'jr_taken'"),
        ({"run_id": 7}, "run_id", "run_id must be a str"),
        ({"arguments": {"--n": 1}}, "arguments", "arguments must be a dict of str to str"),
        ({"job_bookmark": {"a": 1}}, "job_bookmark", "must be a BookmarkState, a str or None"),
        (
            {"state": "FAILED", "job_bookmark": None},
            "job_bookmark",
            "job_bookmark is committed only by a SUCCEEDED run with --job-bookmark-option "
            "job-bookmark-enable; this run is FAILED, with --job-bookmark-option "
            "job-bookmark-enable",
        ),
        (
            {"arguments": PAUSE, "job_bookmark": "{}"},
            "job_bookmark",
            "this run is SUCCEEDED, with --job-bookmark-option job-bookmark-pause",
        ),
        ({"account_id": 123456789012}, "account_id", "account_id must be a str or None"),
        ({"region_name": "mars-north-1"}, "region_name", "no Glue region 'mars-north-1'"),
    ],
)
def test_seed_job_run_rejects_bad_input(
    glue_moto_client: GlueClient, kwargs: dict[str, Any], parameter: str, message: str
) -> None:
    create_job(glue_moto_client, "nightly", DefaultArguments=ENABLE)
    seed_job_run("nightly", run_id="jr_taken", started_on=MONDAY, state="FAILED")
    with pytest.raises(InvalidParameterError, match=re.escape(message)) as info:
        seed_job_run(**{"job_name": "nightly", "started_on": MONDAY, **kwargs})
    assert info.value.parameter == parameter
    assert list(runs_of(glue_moto_client, "nightly")) == ["jr_taken"]


# -- the seeding routes, over real HTTP ---------------------------------------------------------


def post(endpoint: str, route: str, body: object, method: str = "POST") -> tuple[int, Any]:
    """Send `body` (bytes as they are, anything else as JSON); the status and the JSON answer."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{endpoint}/glue-bookmarks/{route}",
        data=data if method == "POST" else None,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.headers["Content-Type"] == "application/json"
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as exc:
        assert exc.headers["Content-Type"] == "application/json"
        return exc.code, json.load(exc)


def test_http_seed_job_bookmark(glue_moto_server_url: str) -> None:
    client = glue_client(endpoint_url=glue_moto_server_url)
    create_job(client, "nightly")
    body = {
        "job_name": "nightly",
        "version": 4,
        "run": 3,
        "attempt": 1,
        "run_id": "jr_3",
        "previous_run_id": "jr_2",
        "job_bookmark": {"datasource0": {"jsonClass": "HadoopDataSourceJobBookmarkState"}},
    }
    status, answer = post(glue_moto_server_url, "seed-job-bookmark", body)
    assert status == 200
    assert answer == {
        "JobBookmarkEntry": {
            "JobName": "nightly",
            "Version": 4,
            "Run": 3,
            "Attempt": 1,
            "RunId": "jr_3",
            "PreviousRunId": "jr_2",
            "JobBookmark": BOOKMARK,
        }
    }
    with GlueBookmarks(endpoint_url=glue_moto_server_url, region_name=REGION) as gb:
        assert gb.get_job_bookmark("nightly") == seed_nightly()


def test_http_seed_job_run(glue_moto_server_url: str) -> None:
    client = glue_client(endpoint_url=glue_moto_server_url)
    create_job(client, "nightly", DefaultArguments=ENABLE)
    status, answer = post(
        glue_moto_server_url,
        "seed-job-run",
        {"job_name": "nightly", "run_id": "jr_1", "started_on": "2024-10-28T01:32:45Z"},
    )
    assert (status, answer) == (200, {"JobRunId": "jr_1"})
    status, answer = post(
        glue_moto_server_url,
        "seed-job-run",
        {
            "job_name": "nightly",
            "started_on": "2024-10-29T03:00:00+02:00",
            "state": "SUCCEEDED",
            "arguments": {"--day": "tuesday"},
            "job_bookmark": STATE.to_json(),
            "account_id": None,
            "region_name": REGION,
        },
    )
    assert status == 200
    second = answer["JobRunId"]
    runs = runs_of(client, "nightly")
    assert list(runs) == ["jr_1", second]
    assert as_utc(runs[second]["StartedOn"]) == datetime(2024, 10, 29, 1, tzinfo=timezone.utc)
    assert runs[second]["Arguments"] == {**ENABLE, "--day": "tuesday"}
    with GlueBookmarks(endpoint_url=glue_moto_server_url, region_name=REGION) as gb:
        entry = gb.get_job_bookmark("nightly")
        assert (entry.run, entry.previous_run_id, entry.run_id) == (2, "jr_1", second)
        assert entry.state == STATE


@pytest.mark.parametrize(
    ("route", "body", "status", "message", "parameter"),
    [
        ("seed-job-run", b"{not json", 400, "the body must be a JSON object", None),
        ("seed-job-run", [1], 400, "the body must be a JSON object, got list", None),
        ("seed-job-run", {"job": "nightly"}, 400, "unknown field 'job'; the fields are", "job"),
        ("seed-job-run", {"started_on": "2024-10-28T00:00:00Z"}, 400, "job_name is required",
         "job_name"),
        ("seed-job-run", {"job_name": "nightly", "started_on": "monday"}, 400,
         "started_on must be an ISO 8601 date and time, got 'monday'", "started_on"),
        ("seed-job-run", {"job_name": "nightly", "started_on": "2024-10-28T00:00:00"}, 400,
         "started_on must be timezone-aware", "started_on"),
        ("seed-job-run", {"job_name": "nightly"}, 400, "started_on is required", "started_on"),
        ("seed-job-run", {"job_name": "nightly", "started_on": 1730078400}, 400,
         "started_on must be a datetime, got int", "started_on"),
        ("seed-job-run", {"job_name": "nightly", "started_on": "2024-10-28T00:00Z",
         "state": "FAILED", "job_bookmark": "{}"}, 400, "job_bookmark is committed only",
         "job_bookmark"),
        ("seed-job-bookmark", {"job_name": "ghost"}, 400, "moto has no Glue job 'ghost'",
         "job_name"),
        ("seed-job-bookmark", {"job_name": "nightly", "version": "2"}, 400,
         "version must be a non-negative int", "version"),
        ("seed-job-bookmark", {"job_name": "nightly", "account_id": 7}, 400,
         "account_id must be a str or None", "account_id"),
        ("seed-jobs", {"job_name": "nightly"}, 404,
         "no route /glue-bookmarks/seed-jobs; the routes are POST /glue-bookmarks/"
         "seed-job-bookmark, POST /glue-bookmarks/seed-job-run", None),
    ],
)  # fmt: skip
def test_http_seeding_refuses_bad_requests(
    glue_moto_server_url: str,
    route: str,
    body: object,
    status: int,
    message: str,
    parameter: str | None,
) -> None:
    create_job(glue_client(endpoint_url=glue_moto_server_url), "nightly", DefaultArguments=ENABLE)
    answer = post(glue_moto_server_url, route, body)
    assert answer[0] == status
    assert answer[1]["message"].startswith(message), answer
    assert answer[1]["parameter"] == parameter
    with (
        GlueBookmarks(endpoint_url=glue_moto_server_url) as gb,
        pytest.raises(EntityNotFoundError, match="Continuation for job nightly not found"),
    ):
        gb.get_job_bookmark("nightly")  # nothing seeded
    assert runs_of(glue_client(endpoint_url=glue_moto_server_url), "nightly") == {}


def test_http_seeding_takes_post_only(glue_moto_server_url: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{glue_moto_server_url}/glue-bookmarks/seed-job-run", timeout=10)
    assert (info.value.code, info.value.headers["Allow"]) == (405, "POST")
    assert json.load(info.value) == {
        "message": "/glue-bookmarks/seed-job-run takes POST",
        "parameter": None,
    }


def test_cli_server_serves_the_seeding_routes() -> None:
    with server_process("--port", "0") as process:
        endpoint = endpoint_of(process)
        create_job(glue_client(endpoint_url=endpoint), "nightly", DefaultArguments=ENABLE)
        status, answer = post(
            endpoint,
            "seed-job-run",
            {"job_name": "nightly", "started_on": "2024-10-28T00:00:00Z", "job_bookmark": "{}"},
        )
        assert status == 200
        with GlueBookmarks(endpoint_url=endpoint, region_name=REGION) as gb:
            entry = gb.get_job_bookmark("nightly")
            assert (entry.run_id, entry.job_bookmark) == (answer["JobRunId"], "{}")
        status, answer = post(endpoint, "seed-job-bookmark", {"job_name": "nightly", "run": 7})
        assert (status, answer["JobBookmarkEntry"]["Run"]) == (200, 7)
        _, stderr, _ = stop(process, signal.SIGTERM)
        assert process.returncode == 0, stderr
