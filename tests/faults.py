"""A small fault-injecting HTTP server on 127.0.0.1 that plays the Glue endpoint.

Each request gets the next scripted `Fault` (or the default once the script runs out), and
every request is recorded, so a test can assert both what the client raised and how many
requests (attempts) the server saw.

`python -m tests.faults` runs one in a process of its own that answers every request with
`Echo()`: for load tests, where a server sharing the client's interpreter (and GIL) would
measure itself. `echo_server_process()` starts and stops it. With `--delay SECONDS`
(`echo_server_process(delay=...)`) each answer waits that long first, as a distant endpoint
would; the requests wait side by side, each in its connection's own thread.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import attrs

__all__ = [
    "Answer",
    "Drop",
    "Echo",
    "Fault",
    "FaultServer",
    "Recorded",
    "ServerProcess",
    "Stall",
    "Truncate",
    "echo_server_process",
    "error_answer",
    "fault_server",
    "success_answer",
]


@attrs.frozen
class Answer:
    """A complete HTTP answer."""

    status: int
    body: bytes = b""
    headers: Mapping[str, str] = attrs.field(factory=dict)


@attrs.frozen
class Truncate:
    """An answer whose body stops short of its Content-Length; then the connection closes."""

    status: int
    body: bytes
    declared_length: int


@attrs.frozen
class Drop:
    """Close the connection without answering."""


@attrs.frozen
class Stall:
    """Answer nothing for `seconds` (longer than the client's read timeout), then close."""

    seconds: float


@attrs.frozen
class Echo:
    """A 200 `GetJobBookmark` answer whose entry carries the request's JobName and RunId.

    Each answer can be matched to its request, which is what a concurrency test needs.
    With a `delay`, the answer leaves that many seconds after the request arrived.
    """

    version: int = 1
    delay: float = 0.0


Fault = Answer | Truncate | Drop | Stall | Echo


@attrs.frozen
class Recorded:
    """One request the server received."""

    target: str | None
    headers: Mapping[str, str]
    body: Any


def success_answer(entry: Mapping[str, object], request_id: str = "req-ok") -> Answer:
    """A 200 `GetJobBookmark` answer carrying `entry` as the JobBookmarkEntry."""
    return Answer(
        200,
        json.dumps({"JobBookmarkEntry": dict(entry)}).encode(),
        {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": request_id},
    )


def error_answer(
    status: int, code: str, message: str, request_id: str | None = "req-err", **fields: object
) -> Answer:
    """A JSON-protocol error answer, as Glue sends it."""
    headers = {"Content-Type": "application/x-amz-json-1.1"}
    if request_id is not None:
        headers["x-amzn-RequestId"] = request_id
    body = {"__type": code, "Message": message, **fields}
    return Answer(status, json.dumps(body).encode(), headers)


class FaultServer:
    """Serves scripted faults on 127.0.0.1 on a port of its own choosing."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._script: deque[Fault] = deque()
        self._default: Fault = Answer(500, b"no fault scripted")
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave in one write (flushed after each request), and without
            # Nagle's delay: otherwise every keep-alive answer waits out the client's delayed ACK.
            wbufsize = -1
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                request = Recorded(
                    target=self.headers.get("X-Amz-Target"),
                    headers=dict(self.headers.items()),
                    body=json.loads(raw) if raw else None,
                )
                server._play(self, server._record(request), request)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, *faults: Fault, default: Fault | None = None) -> None:
        """Queue `faults` for the next requests; `default` answers once they run out."""
        with self._lock:
            self._script.extend(faults)
            if default is not None:
                self._default = default

    def _record(self, request: Recorded) -> Fault:
        with self._lock:
            self.requests.append(request)
            return self._script.popleft() if self._script else self._default

    def _play(self, handler: BaseHTTPRequestHandler, fault: Fault, request: Recorded) -> None:
        if isinstance(fault, Echo):
            if fault.delay > 0:
                # In this connection's thread and holding no lock, so that requests on other
                # connections wait at the same time; `stop()` cuts the wait short.
                self._stopping.wait(fault.delay)
            fault = _echo_answer(fault, request)
        if isinstance(fault, Answer):
            handler.send_response(fault.status)
            for name, value in fault.headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(fault.body)))
            handler.end_headers()
            handler.wfile.write(fault.body)
            return
        handler.close_connection = True
        if isinstance(fault, Truncate):
            handler.send_response(fault.status)
            handler.send_header("Content-Type", "application/x-amz-json-1.1")
            handler.send_header("Content-Length", str(fault.declared_length))
            handler.end_headers()
            handler.wfile.write(fault.body)
            handler.wfile.flush()
        elif isinstance(fault, Stall):
            self._stopping.wait(fault.seconds)
        handler.connection.shutdown(socket.SHUT_RDWR)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


def _echo_answer(echo: Echo, request: Recorded) -> Answer:
    body = request.body if isinstance(request.body, dict) else {}
    entry = {"JobName": body.get("JobName"), "Version": echo.version, "Run": 1, "Attempt": 0}
    if "RunId" in body:
        entry["RunId"] = body["RunId"]
    return success_answer(entry, request_id=f"echo-{body.get('JobName')}")


@contextmanager
def fault_server() -> Iterator[FaultServer]:
    """Run a `FaultServer` for the duration of the block."""
    server = FaultServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@attrs.define
class ServerProcess:
    """An echo server in a process of its own: its URL, and once stopped, its request count."""

    url: str
    requests_seen: int | None = None
    _process: subprocess.Popen[str] | None = attrs.field(default=None, repr=False, eq=False)

    def requests_so_far(self) -> int:
        """The number of requests the server has received so far, asked while it runs."""
        process = self._process
        if process is None or process.stdin is None or process.stdout is None:
            raise RuntimeError("this ServerProcess has no running server to ask")
        process.stdin.write("\n")
        process.stdin.flush()
        return int(process.stdout.readline().split()[-1])


@contextmanager
def echo_server_process(*, delay: float = 0.0) -> Iterator[ServerProcess]:
    """Run `python -m tests.faults` (a `FaultServer` answering `Echo()`) for the block.

    The server's first output line is its URL, so reading it waits exactly until it listens.
    After the block, `requests_seen` holds the number of requests it received.

    Args:
        delay: Seconds each answer waits before it leaves (`Echo(delay=...)`).
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.faults", *(["--delay", repr(delay)] if delay else [])],
        cwd=Path(__file__).resolve().parents[1],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        url = process.stdout.readline().strip()
        if not url.startswith("http://"):
            raise RuntimeError(f"the echo server did not start (exit code {process.poll()})")
        server = ServerProcess(url, process=process)
        yield server
    finally:
        process.stdin.close()  # the server's signal to stop
        try:
            output = process.stdout.read()
            process.wait(timeout=10)
        finally:
            process.stdout.close()
            if process.poll() is None:
                process.kill()
                process.wait()
    server.requests_seen = int(output.split()[-1])


def _serve_echo_until_stdin_closes(delay: float = 0.0) -> None:
    with fault_server() as server:
        server.script(default=Echo(delay=delay))
        print(server.url, flush=True)
        # Each line read asks for the count so far; the end of input asks the server to stop.
        for _ in sys.stdin:
            print(f"requests {len(server.requests)}", flush=True)
    print(f"requests {len(server.requests)}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        prog="python -m tests.faults",
        description="Answer every request with Echo() on 127.0.0.1 until stdin closes.",
    )
    parser.add_argument(
        "--delay", type=float, default=0.0, help="seconds each answer waits before it leaves"
    )
    _serve_echo_until_stdin_closes(parser.parse_args().delay)
