"""The fault server's rate limit, counts and slow mode: the tests and benchmarks rest on them.

The token bucket's arithmetic is checked against a clock the test moves by hand, so no
figure depends on the machine's speed; over HTTP, only what holds however slow the machine
is gets asserted (a bucket of 3 at 0.05 calls/s, a token every 20 s, admits 3 of 5 calls sent
together).
"""

from __future__ import annotations

import http.client
import json
import socket
import struct
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import botocore.exceptions
import pytest

from glue_bookmarks import GlueBookmarks, ThrottlingError
from tests._support import (
    ONE_ATTEMPT,
    PATIENCE,
    REGION,
    botocore_session,
    glue_client,
    wait_until,
)
from tests.faults import (
    Counts,
    Echo,
    Held,
    RateLimit,
    TokenBucket,
    echo_server_process,
    fault_server,
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _admitted(bucket: TokenBucket, calls: int) -> int:
    """How many of `calls` requests arriving together the bucket admits."""
    for admitted in range(calls):
        if not bucket.take():
            return admitted  # the clock stands still: the rest would be refused too
    return calls


def _post(url: str, job_name: str) -> tuple[int, dict[str, str], dict[str, object]]:
    """One GetJobBookmark request over a connection of its own: status, headers, JSON body."""
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)
    try:
        connection.request(
            "POST",
            "/",
            json.dumps({"JobName": job_name}),
            {"X-Amz-Target": "AWSGlue.GetJobBookmark"},
        )
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), json.loads(response.read())
    finally:
        connection.close()


def test_the_bucket_admits_the_burst_then_one_call_per_token() -> None:
    clock = Clock()
    bucket = TokenBucket(RateLimit(rate=10, burst=5), clock)

    assert _admitted(bucket, 8) == 5
    clock.now += 0.25  # 2.5 tokens at 10/s
    assert _admitted(bucket, 5) == 2
    clock.now += 0.05  # the half token left and another half
    assert _admitted(bucket, 5) == 1
    clock.now += 60  # never more than the burst, however long the wait
    assert _admitted(bucket, 10) == 5


def test_the_rate_changes_that_long_after_the_first_request() -> None:
    clock = Clock()
    bucket = TokenBucket(RateLimit(rate=100, burst=10, rate_after=(3, 40)), clock)
    clock.now += 50  # idle time before the first request does not count

    assert _admitted(bucket, 10) == 10
    clock.now += 2.5
    assert _admitted(bucket, 500) == 10  # the bucket caps what 2.5 s at 100/s added
    clock.now += 0.1
    assert _admitted(bucket, 500) == 10  # 0.1 s at 100/s
    clock.now += 0.5  # 0.4 s at 100/s, then 0.1 s at 40/s: capped at 10
    assert _admitted(bucket, 500) == 10
    clock.now += 0.1  # 40/s from here on
    assert _admitted(bucket, 500) == 4


def test_a_rate_change_spanning_one_refill_is_counted_piecewise() -> None:
    clock = Clock()
    bucket = TokenBucket(RateLimit(rate=10, burst=100, rate_after=(1, 50)), clock)
    assert _admitted(bucket, 100) == 100
    clock.now += 1.5  # 1 s at 10/s and 0.5 s at 50/s
    assert _admitted(bucket, 100) == 35


def test_reset_fills_the_bucket_and_restarts_the_rate_change_clock() -> None:
    clock = Clock()
    bucket = TokenBucket(RateLimit(rate=100, burst=10, rate_after=(3, 40)), clock)
    assert _admitted(bucket, 20) == 10
    clock.now += 10
    bucket.reset()
    assert _admitted(bucket, 20) == 10
    clock.now += 0.1  # 100/s again: the change is 3 s after this new first request
    assert _admitted(bucket, 20) == 10


@pytest.mark.parametrize(
    ("limit", "requests", "earliest"),
    [
        (RateLimit(rate=100, burst=10), 600, 5.9),
        (RateLimit(rate=100, burst=10), 10, 0.0),
        (RateLimit(rate=20, burst=10), 200, 9.5),
        (RateLimit(rate=100, burst=10, rate_after=(3, 40)), 600, 3 + 290 / 40),
        (RateLimit(rate=100, burst=10, rate_after=(3, 40)), 250, 2.4),
    ],
)
def test_earliest_is_when_a_perfect_client_can_have_sent_that_many(
    limit: RateLimit, requests: int, earliest: float
) -> None:
    assert limit.earliest(requests) == pytest.approx(earliest)
    # A client taking each token as it comes is admitted exactly `requests` by then.
    clock = Clock()
    bucket = TokenBucket(limit, clock)
    start, admitted = clock.now, 0
    while clock.now - start <= earliest + 1e-9:
        admitted += _admitted(bucket, requests - admitted)
        clock.now += 0.001
    assert admitted == requests


@pytest.mark.parametrize(
    "arguments",
    [{"rate": 0}, {"rate": 10, "burst": 0}, {"rate": 10, "rate_after": (3, 0)}],
)
def test_a_rate_limit_that_admits_nothing_is_refused(arguments: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must be"):
        RateLimit(**arguments)  # type: ignore[arg-type]


def test_a_throttled_call_gets_glues_answer_which_botocore_and_we_read_as_throttling() -> None:
    with fault_server(RateLimit(rate=0.05, burst=1)) as server:
        server.script(default=Echo())
        client = glue_client(endpoint_url=server.url, config=ONE_ATTEMPT)
        assert client.get_job_bookmark(JobName="first")["JobBookmarkEntry"]["JobName"] == "first"
        with pytest.raises(botocore.exceptions.ClientError) as raised:
            client.get_job_bookmark(JobName="second")
        with (
            GlueBookmarks(
                session=botocore_session(),
                endpoint_url=server.url,
                region_name=REGION,
                config=ONE_ATTEMPT,
            ) as gb,
            pytest.raises(ThrottlingError) as ours,
        ):
            gb.get_job_bookmark("third")
        status, headers, body = _post(server.url, "fourth")
        counts = server.counts()

    assert raised.value.response["Error"] == {
        "Code": "ThrottlingException",
        "Message": "Rate exceeded",
    }
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert raised.value.response["ResponseMetadata"]["RequestId"] == "throttled-1"
    assert (ours.value.code, ours.value.status_code, ours.value.request_id) == (
        "ThrottlingException",
        400,
        "throttled-2",
    )
    assert (status, body) == (400, {"__type": "ThrottlingException", "message": "Rate exceeded"})
    assert headers["Content-Type"] == "application/x-amz-json-1.1"
    assert headers["x-amzn-RequestId"] == "throttled-3"
    assert counts == Counts(requests=4, throttled=3, succeeded=1)


def test_a_throttled_request_uses_up_no_scripted_fault() -> None:
    with fault_server(RateLimit(rate=0.05, burst=1)) as server:
        server.script(Echo(version=7), default=Echo(version=8))
        statuses = [_post(server.url, f"job-{number}")[0] for number in range(3)]
        server.bucket.reset()  # type: ignore[union-attr]
        _, _, body = _post(server.url, "job-3")
    assert statuses == [200, 400, 400]
    assert body["JobBookmarkEntry"] == {"JobName": "job-3", "Version": 8, "Run": 1, "Attempt": 0}


def test_the_process_throttles_past_its_burst_and_reports_its_counts() -> None:
    # 0.05 calls/s: the next token is 20 s away, far longer than 5 calls sent together take.
    with echo_server_process(rate=0.05, burst=3) as server:
        statuses = [_post(server.url, f"job-{number}")[0] for number in range(5)]
        during = server.counts_so_far()
        server.reset_rate_limit()
        after_reset = [_post(server.url, f"again-{number}")[0] for number in range(4)]
    assert statuses == [200, 200, 200, 400, 400]
    assert during == Counts(requests=5, throttled=2, succeeded=3)
    assert after_reset == [200, 200, 200, 400]
    assert server.counts_seen == Counts(requests=9, throttled=3, succeeded=6)
    assert server.requests_seen == 9


def test_the_process_raises_its_rate_that_long_after_the_first_request() -> None:
    # The rate is the behaviour here: 3 calls within the first second (they take milliseconds)
    # find the bucket at 0.05/s; after the change at 1 s, 50/s refills it at once.
    with echo_server_process(rate=0.05, burst=2, rate_after=(1.0, 50)) as server:
        before = [_post(server.url, f"job-{number}")[0] for number in range(3)]
        # By 1.2 s after the first call the bucket is full again; at 0.05/s it would hold
        # 0.06 tokens.
        time.sleep(1.2)
        after = [_post(server.url, f"again-{number}")[0] for number in range(2)]
    assert before == [200, 200, 400]
    assert after == [200, 200]
    assert server.counts_seen == Counts(requests=5, throttled=1, succeeded=4)


def test_the_process_without_a_limit_counts_every_answer_as_a_success() -> None:
    with echo_server_process() as server:
        statuses = [_post(server.url, f"job-{number}")[0] for number in range(3)]
    assert statuses == [200, 200, 200]
    assert server.counts_seen == Counts(requests=3, throttled=0, succeeded=3)


REQUEST = (
    b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSGlue.GetJobBookmark\r\n"
    b'Content-Length: 15\r\n\r\n{"JobName":"a"}'
)


def _handlers_running(other_than: set[threading.Thread]) -> bool:
    return any(
        thread.name.endswith("(process_request_thread)")
        for thread in set(threading.enumerate()) - other_than
    )


def test_a_client_hanging_up_mid_wait_costs_no_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    earlier_threads = set(threading.enumerate())
    with fault_server() as server:
        server.script(default=Held())
        address = urlsplit(server.url)
        client = socket.create_connection((address.hostname or "", address.port or 0))
        client.sendall(REQUEST)
        wait_until(lambda: server.counts().requests == 1, "the request arrives")
        # Closed with a reset, as a killed client's socket is: the answer's write then fails.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()
        server.release()
        wait_until(lambda: not _handlers_running(earlier_threads), "the handler ends")
        counts = server.counts()
    assert counts == Counts(requests=1, throttled=0, succeeded=0)
    assert capsys.readouterr().err == ""


def test_a_slow_answer_does_not_hold_up_the_servers_stop(tmp_path: Path) -> None:
    stderr_path = tmp_path / "stderr"
    with stderr_path.open("w") as stderr:
        with echo_server_process(delay=30, stderr=stderr) as server:
            address = urlsplit(server.url)
            hung_up = socket.create_connection((address.hostname or "", address.port or 0))
            waiting = socket.create_connection((address.hostname or "", address.port or 0))
            hung_up.sendall(REQUEST)
            waiting.sendall(REQUEST)
            # Both requests are in the server's 30 s wait once it has counted them.
            wait_until(lambda: server.requests_so_far() == 2, "both requests arrive")
            hung_up.close()
            started = time.monotonic()
        stopped_in = time.monotonic() - started
    # The stop cut the wait short: the waiting client got its answer, not a 30 s wait.
    waiting.settimeout(PATIENCE)
    answer = waiting.recv(65536)
    waiting.close()
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert stopped_in < 20  # well under the 30 s wait: 10x and more a stop's usual second
    assert server.counts_seen is not None
    assert server.counts_seen.requests == 2
    assert stderr_path.read_text() == ""


def _version(answer: tuple[int, dict[str, str], dict[str, object]]) -> int:
    """The entry's Version in an Echo answer."""
    entry = answer[2]["JobBookmarkEntry"]
    assert isinstance(entry, dict)
    version: int = entry["Version"]
    return version


def test_a_held_answer_leaves_when_released_and_at_the_stop() -> None:
    with fault_server() as server:
        server.script(Held(), Held(then=Echo(version=2)), default=Echo(version=3))
        with ThreadPoolExecutor(max_workers=2) as pool:
            held = [pool.submit(_post, server.url, name) for name in ("a", "b")]
            wait_until(lambda: server.counts().requests == 2, "both requests arrive")
            assert not any(future.done() for future in held)
            assert _version(_post(server.url, "c")) == 3  # not held
            server.release()
            answers = sorted(_version(future.result()) for future in held)
        assert answers == [1, 2]
        assert _post(server.url, "d")[0] == 200  # released for good
    with fault_server() as server, ThreadPoolExecutor(max_workers=1) as pool:
        server.script(default=Held())
        waiting = pool.submit(_post, server.url, "e")
        wait_until(lambda: server.counts().requests == 1, "the request arrives")
        server.stop()  # as leaving the block does: the held answer leaves
        assert waiting.result()[0] == 200
