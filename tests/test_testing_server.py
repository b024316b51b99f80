"""`python -m glue_bookmarks.testing` (`__main__`, `_server`; `--samples` from `_samples`): a moto
server in a child process, its start-up failures and its stop on a signal."""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from subprocess import Popen
from urllib.parse import urlsplit

import pytest

from glue_bookmarks import (
    EntityNotFoundError,
    GlueBookmarks,
)
from glue_bookmarks.testing.__main__ import main as serve_main
from tests._support import (
    ENABLE,
    GLUE_GET_JOBS,
    INSTALL_HINT,
    NO_MOTO,
    PATIENCE,
    PROMPT,
    REGION,
    create_job,
    glue_client,
    http_request,
    post_json,
    with_sitecustomize,
)

SERVER = [sys.executable, "-m", "glue_bookmarks.testing"]
ERROR = "python -m glue_bookmarks.testing: error: "

# A sitecustomize module for a child interpreter (`with_sitecustomize`) that says on stderr
# when moto's import starts, which then takes a minute: a signal sent after that line reaches
# the server in the middle of its start-up.
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


def run_server(
    *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run the server to its end; return how it ended and how many seconds that took."""
    started = time.monotonic()
    result = subprocess.run(
        [*SERVER, *args], capture_output=True, text=True, timeout=PATIENCE, check=False, env=env
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
    stdout, stderr = process.communicate(timeout=PATIENCE)
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
    ("args", "message"),
    [
        (["--port", "abc"], "argument --port: must be a whole number from 0 to 65535, got 'abc'"),
        (
            ["--port", "70000"],
            "argument --port: must be a whole number from 0 to 65535, got '70000'",
        ),
        (
            ["--idle-timeout", "0"],
            "argument --idle-timeout: must be a number of seconds above 0, got '0'",
        ),
        (
            ["--idle-timeout", "soon"],
            "argument --idle-timeout: must be a number of seconds above 0, got 'soon'",
        ),
        (
            ["--idle-timeout", "inf"],
            "argument --idle-timeout: must be a number of seconds above 0, got 'inf'",
        ),
    ],
)
def test_cli_server_bad_argument_is_a_usage_error(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The arguments are parsed before anything else: in this process, no signal is taken over.
    with pytest.raises(SystemExit) as exited:
        serve_main(args)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == f"{ERROR}{message}"
    assert "_port" not in err
    assert "_seconds" not in err


def test_cli_server_on_a_port_in_use_exits_at_once_with_one_line() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result, seconds = run_server("--port", str(port))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"{ERROR}port {port} on 127.0.0.1 is in use; stop what uses it, or pick another port\n"
    )
    assert seconds < PROMPT


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
        f"{ERROR}glue_bookmarks.testing needs moto (No module named 'moto'); {INSTALL_HINT}\n"
    )
    assert seconds < PROMPT


@posix_signals
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_cli_server_stops_on_a_signal(signum: signal.Signals) -> None:
    with server_process("--port", "0") as process:
        endpoint_of(process)
        stdout, stderr, seconds = stop(process, signum)
    assert (process.returncode, stdout, stderr) == (0, "", "")
    assert seconds < PROMPT


@posix_signals
def test_cli_server_stops_cleanly_when_signalled_twice() -> None:
    # An impatient Ctrl-C, then SIGTERM: the second arrives while the first is being handled.
    with server_process("--port", "0") as process:
        endpoint_of(process)
        stdout, stderr, seconds = stop(process, signal.SIGINT, signal.SIGTERM)
    assert (process.returncode, stdout, stderr) == (0, "", "")
    assert seconds < PROMPT


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
    assert seconds < PROMPT


def test_cli_server_serves_the_seeding_routes() -> None:
    with server_process("--port", "0") as process:
        endpoint = endpoint_of(process)
        create_job(glue_client(endpoint_url=endpoint), "nightly", DefaultArguments=ENABLE)
        status, answer = post_json(
            endpoint,
            "seed-job-run",
            {"job_name": "nightly", "started_on": "2024-10-28T00:00:00Z", "job_bookmark": "{}"},
        )
        assert status == 200
        with GlueBookmarks(endpoint_url=endpoint, region_name=REGION) as gb:
            entry = gb.get_job_bookmark("nightly")
            assert (entry.run_id, entry.job_bookmark) == (answer["JobRunId"], "{}")
        status, answer = post_json(endpoint, "seed-job-bookmark", {"job_name": "nightly", "run": 7})
        assert (status, answer["JobBookmarkEntry"]["Run"]) == (200, 7)
        _, stderr, _ = stop(process, signal.SIGTERM)
        assert process.returncode == 0, stderr


def read_until_closed(connection: socket.socket) -> bytes:
    """What the server sends on `connection` until it closes it (socket.timeout if it does
    not within the socket's timeout)."""
    received = b""
    try:
        while chunk := connection.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    return received


# What a client sends before it goes quiet: nothing, unfinished headers, a body shorter than
# its Content-Length (to a seeding route, and to Glue).
QUIET_AFTER = {
    "nothing": b"",
    "headers-unfinished": b"POST /glue-bookmarks/seed-job-run HTTP/1.1\r\nHost: 127.0.0.1\r\n",
    "seeding-body-short": b"POST /glue-bookmarks/seed-job-run HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"job_name"',
    "aws-body-short": b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n"
    + b"".join(f"{name}: {value}\r\n".encode() for name, value in GLUE_GET_JOBS.items())
    + b'\r\n{"Max',
}


def test_cli_server_closes_a_connection_that_goes_quiet() -> None:
    # One server for every case: each connection is closed after half a second of silence
    # (moto answers its own 400 to a body cut short); a wait of PATIENCE ends in socket.timeout.
    with server_process("--port", "0", "--idle-timeout", "0.5") as process:
        endpoint = endpoint_of(process)
        port = urlsplit(endpoint).port
        assert port is not None
        for case, sent in QUIET_AFTER.items():
            with socket.create_connection(("127.0.0.1", port), timeout=PATIENCE) as connection:
                connection.sendall(sent)
                answer = read_until_closed(connection)
            assert not answer.startswith(b"HTTP/1.1 200"), case
        status, _, body = http_request(endpoint, "POST", "/", headers=GLUE_GET_JOBS, body=b"{}")
        assert (status, json.loads(body)["Jobs"]) == (200, [])
        _, stderr, _ = stop(process, signal.SIGTERM)
        assert process.returncode == 0, stderr
