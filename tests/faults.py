"""A small fault-injecting HTTP server on 127.0.0.1 that plays the Glue endpoint.

Each request gets the next scripted `Fault` (or the default once the script runs out), and
every request is recorded, so a test can assert both what the client raised and how many
requests (attempts) the server saw.

`python -m tests.faults` runs one in a process of its own that answers every request with
`Echo()`: for load tests, where a server sharing the client's interpreter (and GIL) would
measure itself. `echo_server_process()` starts and stops it. With `--delay SECONDS`
(`echo_server_process(delay=...)`) each answer waits that long first, as a distant endpoint
would; the requests wait side by side, each in its connection's own thread.

A `RateLimit` (`--rate`, `--burst`, `--rate-change SECONDS:RATE`) plays Glue's API rate limit:
a token bucket, counted at request arrival, that answers a request finding no token at once
with Glue's throttling answer (`throttling_answer()`), as the service does. The server counts
requests, throttled answers and successful answers; the process reports them on request
(`ServerProcess.counts_so_far()`) and when it stops (`ServerProcess.counts_seen`).

A long `delay` is the slow mode (an endpoint that takes 30 s to answer): the wait ends at once
when the server stops, and a client that hangs up mid-wait costs no traceback. `Held` waits for
the test instead of the clock: its answer leaves when the test calls `FaultServer.release()`,
so a test can look at the client while requests are in flight without a race against time.
"""

from __future__ import annotations

import argparse
import errno
import itertools
import json
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

import attrs

__all__ = [
    "Answer",
    "Counts",
    "Drop",
    "Echo",
    "Endless",
    "Fault",
    "FaultServer",
    "Held",
    "RateLimit",
    "Recorded",
    "ServerProcess",
    "Stall",
    "TokenBucket",
    "Trickle",
    "Truncate",
    "echo_server_process",
    "error_answer",
    "fault_server",
    "success_answer",
    "throttling_answer",
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


@attrs.frozen
class Held:
    """Answer nothing until the test calls `FaultServer.release()` (or the server stops), then
    play `then`: requests in flight for exactly as long as the test needs them to be."""

    then: Answer | Truncate | Drop | Stall | Echo = attrs.field(factory=Echo)


@attrs.frozen
class Trickle:
    """`answer` whole (status line, headers, body) a byte every `interval` seconds, as a
    hostile endpoint holds a client whose read timeout is per read; until it is sent, the
    client hangs up, or the server stops."""

    answer: Answer
    interval: float = 0.5


@attrs.frozen
class Endless:
    """A 200 answer with a chunked body that never ends: `chunk` bytes of JSON whitespace
    after an opening `{`, again and again, until the client hangs up or the server stops."""

    chunk: int = 64 * 1024


Fault = Answer | Truncate | Drop | Stall | Echo | Held | Trickle | Endless


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


def throttling_answer(request_id: str = "req-throttled") -> Answer:
    """Glue's answer to a call over its rate limit: 400, `ThrottlingException`, "Rate exceeded".

    botocore reads the code from `__type` and the message from `message`, and raises a
    `ClientError` whose code is `ThrottlingException`, which its retry modes count as throttling.
    """
    return Answer(
        400,
        json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode(),
        {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": request_id},
    )


def _positive(instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if not value > 0:
        raise ValueError(f"{attribute.name} must be positive, not {value!r}")


def _rate_change(
    instance: object, attribute: attrs.Attribute[Any], value: tuple[float, float] | None
) -> None:
    if value is not None and not (value[0] >= 0 and value[1] > 0):
        raise ValueError(f"rate_after must be (seconds >= 0, rate > 0), not {value!r}")


@attrs.frozen
class RateLimit:
    """A token bucket as the service keeps one: `rate` calls/s, up to `burst` at once.

    The bucket starts full. With `rate_after=(seconds, new_rate)` the rate becomes `new_rate`
    `seconds` after the first request (the service lowering its limit while a fetch runs).
    """

    rate: float = attrs.field(validator=_positive)
    burst: int = attrs.field(default=10, validator=_positive)
    rate_after: tuple[float, float] | None = attrs.field(default=None, validator=_rate_change)

    def tokens_added(self, start: float, end: float) -> float:
        """The tokens the rate adds between `start` and `end`, seconds after the first request."""
        if self.rate_after is None:
            return (end - start) * self.rate
        change, new_rate = self.rate_after
        before = max(0.0, min(end, change) - start)
        after = max(0.0, end - max(start, change))
        return before * self.rate + after * new_rate

    def earliest(self, requests: int) -> float:
        """Seconds after the first request at which `requests` calls can have been admitted.

        The best any client can do: the burst at once, then one call per token as it comes.
        A run's floor is this plus the time the last answer takes.
        """
        waiting = requests - self.burst
        if waiting <= 0:
            return 0.0
        if self.rate_after is None:
            return waiting / self.rate
        change, new_rate = self.rate_after
        if waiting <= change * self.rate:
            return waiting / self.rate
        return change + (waiting - change * self.rate) / new_rate


class TokenBucket:
    """A `RateLimit` applied to requests as they arrive (thread-safe)."""

    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Fill the bucket; the rate change counts again from the next request."""
        with self._lock:
            self._tokens = float(self.limit.burst)
            self._first: float | None = None
            self._last = 0.0

    def take(self) -> bool:
        """Take a token for a request arriving now; False (throttle it) when there is none."""
        with self._lock:
            now = self._clock()
            if self._first is None:
                self._first = now
            elapsed = now - self._first
            added = self.limit.tokens_added(self._last, elapsed)
            self._tokens = min(float(self.limit.burst), self._tokens + added)
            self._last = elapsed
            # The margin absorbs float rounding (0.1 s at 100/s is 9.9999... tokens).
            if self._tokens >= 1.0 - 1e-9:
                self._tokens -= 1.0
                return True
            return False


@attrs.frozen
class Counts:
    """What a server answered: every request, those throttled, and the 2xx answers it sent."""

    requests: int
    throttled: int
    succeeded: int

    def __sub__(self, other: Counts) -> Counts:
        return Counts(
            self.requests - other.requests,
            self.throttled - other.throttled,
            self.succeeded - other.succeeded,
        )

    def line(self) -> str:
        return f"requests {self.requests} throttled {self.throttled} succeeded {self.succeeded}"

    @classmethod
    def from_line(cls, line: str) -> Counts:
        words = line.split()
        if words[0::2] != ["requests", "throttled", "succeeded"]:
            raise RuntimeError(f"the echo server answered {line!r}, not its counts")
        return cls(*(int(word) for word in words[1::2]))


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # Room for every connection a pool opens at once: the default backlog of 5 drops the
    # rest's SYNs, which then wait a second for the retransmit.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up before its answer (a cancelled fetch, a read timeout) is
        # part of what this server is for, not an error worth a traceback.
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError) or (
            isinstance(error, OSError) and error.errno == errno.ENOTCONN
        ):
            return
        super().handle_error(request, client_address)


class FaultServer:
    """Serves scripted faults on 127.0.0.1 on a port of its own choosing."""

    def __init__(self, rate_limit: RateLimit | None = None) -> None:
        self.requests: list[Recorded] = []
        self.throttled = 0
        self.succeeded = 0
        self.bucket = None if rate_limit is None else TokenBucket(rate_limit)
        self._script: deque[Fault] = deque()
        self._default: Fault = Answer(500, b"no fault scripted")
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._released = threading.Event()
        # Answers being played, each in its connection's (daemon) thread: `stop()` waits for
        # them, so an answer cut short by the stop still leaves before a process exits.
        self._playing = 0
        self._played = threading.Condition(self._lock)
        self._throttle_ids = itertools.count(1)
        # Connections open now: a client that ends a call mid-answer must close its own.
        self.open_connections = 0
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
                fault = server._record(request)
                try:
                    server._play(self, fault, request)
                finally:
                    with server._played:
                        server._playing -= 1
                        server._played.notify_all()

            def setup(self) -> None:
                super().setup()
                with server._lock:
                    server.open_connections += 1

            def finish(self) -> None:
                try:
                    super().finish()
                finally:
                    with server._lock:
                        server.open_connections -= 1

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = _HTTPServer(("127.0.0.1", 0), Handler)
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

    def release(self) -> None:
        """Let every `Held` answer leave, those waiting and those to come."""
        self._released.set()

    @property
    def answering(self) -> int:
        """Answers being played now: a client that ended its calls has none left."""
        with self._lock:
            return self._playing

    def counts(self) -> Counts:
        """Requests received, throttled answers and 2xx answers sent, so far."""
        with self._lock:
            return Counts(len(self.requests), self.throttled, self.succeeded)

    def _record(self, request: Recorded) -> Fault:
        # The token is taken as the request arrives, before its place in the script: a
        # throttled request uses up no scripted fault.
        admitted = self.bucket is None or self.bucket.take()
        with self._lock:
            self._playing += 1
            self.requests.append(request)
            if not admitted:
                self.throttled += 1
                return throttling_answer(f"throttled-{next(self._throttle_ids)}")
            return self._script.popleft() if self._script else self._default

    def _play(self, handler: BaseHTTPRequestHandler, fault: Fault, request: Recorded) -> None:
        if isinstance(fault, Held):
            self._released.wait()  # in this connection's thread, as a delay is
            fault = fault.then
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
            handler.wfile.flush()  # a client that hung up fails here, before it is counted
            if 200 <= fault.status < 300:
                with self._lock:
                    self.succeeded += 1
            return
        handler.close_connection = True
        if isinstance(fault, Trickle | Endless):
            try:
                self._pour(handler, fault)
            except OSError:
                return  # the client hung up: what a client ending its call does
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

    def _pour(self, handler: BaseHTTPRequestHandler, fault: Trickle | Endless) -> None:
        if isinstance(fault, Trickle):
            answer = fault.answer
            head = f"HTTP/1.1 {answer.status} OK\r\nContent-Length: {len(answer.body)}\r\n"
            head += "Content-Type: application/x-amz-json-1.1\r\n\r\n"
            for byte in head.encode() + answer.body:
                if self._stopping.wait(fault.interval):
                    return
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
            return
        handler.wfile.write(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/x-amz-json-1.1\r\n\r\n1\r\n{\r\n"
        )
        chunk = f"{fault.chunk:x}\r\n".encode() + b" " * fault.chunk + b"\r\n"
        while not self._stopping.is_set():
            handler.wfile.write(chunk)
            handler.wfile.flush()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop serving; cut every wait short, and let the answers being played leave."""
        self._stopping.set()
        self._released.set()
        self._httpd.shutdown()
        with self._played:
            self._played.wait_for(lambda: self._playing == 0, timeout=30)
        self._httpd.server_close()
        self._thread.join()


def _echo_answer(echo: Echo, request: Recorded) -> Answer:
    body = request.body if isinstance(request.body, dict) else {}
    entry = {"JobName": body.get("JobName"), "Version": echo.version, "Run": 1, "Attempt": 0}
    if "RunId" in body:
        entry["RunId"] = body["RunId"]
    return success_answer(entry, request_id=f"echo-{body.get('JobName')}")


@contextmanager
def fault_server(rate_limit: RateLimit | None = None) -> Iterator[FaultServer]:
    """Run a `FaultServer`, rate-limited by `rate_limit` if given, for the duration of the block."""
    server = FaultServer(rate_limit)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@attrs.define
class ServerProcess:
    """An echo server in a process of its own: its URL, and once stopped, what it answered."""

    url: str
    requests_seen: int | None = None
    counts_seen: Counts | None = None
    _process: subprocess.Popen[str] | None = attrs.field(default=None, repr=False, eq=False)

    def _ask(self, command: str) -> str:
        process = self._process
        if process is None or process.stdin is None or process.stdout is None:
            raise RuntimeError("this ServerProcess has no running server to ask")
        process.stdin.write(command + "\n")
        process.stdin.flush()
        return process.stdout.readline()

    def counts_so_far(self) -> Counts:
        """Requests, throttled answers and 2xx answers so far, asked while the server runs."""
        return Counts.from_line(self._ask("counts"))

    def requests_so_far(self) -> int:
        """The number of requests the server has received so far, asked while it runs."""
        return self.counts_so_far().requests

    def reset_rate_limit(self) -> None:
        """Fill the token bucket; a rate change counts again from the next request."""
        answer = self._ask("reset")
        if answer.strip() != "reset":
            raise RuntimeError(f"the echo server answered {answer!r} to reset")


def _process_arguments(
    delay: float, rate: float | None, burst: int, rate_after: tuple[float, float] | None
) -> list[str]:
    arguments = ["--delay", repr(delay)] if delay else []
    if rate is not None:
        arguments += ["--rate", repr(rate), "--burst", str(burst)]
        if rate_after is not None:
            arguments += ["--rate-change", f"{rate_after[0]!r}:{rate_after[1]!r}"]
    elif rate_after is not None:
        raise ValueError("rate_after needs a rate")
    return arguments


@contextmanager
def echo_server_process(
    *,
    delay: float = 0.0,
    rate: float | None = None,
    burst: int = 10,
    rate_after: tuple[float, float] | None = None,
    stderr: IO[str] | None = None,
) -> Iterator[ServerProcess]:
    """Run `python -m tests.faults` (a `FaultServer` answering `Echo()`) for the block.

    The server's first output line is its URL, so reading it waits exactly until it listens.
    After the block, `counts_seen` holds what it answered and `requests_seen` the number of
    requests it received.

    Args:
        delay: Seconds each answer waits before it leaves (`Echo(delay=...)`).
        rate: Calls per second the server admits (a `RateLimit`); others are throttled.
        burst: The token bucket's size, with `rate`.
        rate_after: `(seconds, new_rate)`: the rate becomes `new_rate` that long after the
            first request.
        stderr: Where the process's standard error goes (inherited by default).
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.faults", *_process_arguments(delay, rate, burst, rate_after)],
        cwd=Path(__file__).resolve().parents[1],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
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
    server.counts_seen = Counts.from_line(output.strip().splitlines()[-1])
    server.requests_seen = server.counts_seen.requests


def _serve_echo_until_stdin_closes(delay: float = 0.0, rate_limit: RateLimit | None = None) -> None:
    with fault_server(rate_limit) as server:
        server.script(default=Echo(delay=delay))
        print(server.url, flush=True)
        # Each line read is a command: "reset" refills the token bucket, anything else asks
        # for the counts so far; the end of input asks the server to stop.
        for line in sys.stdin:
            if line.strip() == "reset":
                if server.bucket is not None:
                    server.bucket.reset()
                print("reset", flush=True)
            else:
                print(server.counts().line(), flush=True)
    print(server.counts().line(), flush=True)


def _rate_change_argument(text: str) -> tuple[float, float]:
    seconds, _, rate = text.partition(":")
    try:
        return float(seconds), float(rate)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected SECONDS:RATE, as 3:40, not {text!r}") from None


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        prog="python -m tests.faults",
        description="Answer every request with Echo() on 127.0.0.1 until stdin closes.",
    )
    parser.add_argument(
        "--delay", type=float, default=0.0, help="seconds each answer waits before it leaves"
    )
    parser.add_argument(
        "--rate", type=float, help="calls per second admitted; the rest are throttled"
    )
    parser.add_argument("--burst", type=int, default=10, help="the token bucket's size")
    parser.add_argument(
        "--rate-change",
        type=_rate_change_argument,
        metavar="SECONDS:RATE",
        help="the rate becomes RATE this many seconds after the first request",
    )
    options = parser.parse_args()
    if options.rate is None and (options.rate_change is not None):
        parser.error("--rate-change needs --rate")
    try:
        limit = (
            None
            if options.rate is None
            else RateLimit(options.rate, options.burst, options.rate_change)
        )
    except ValueError as error:
        parser.error(str(error))
    _serve_echo_until_stdin_closes(options.delay, limit)
