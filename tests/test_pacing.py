"""Pacing many jobs to the rate the service allows: the `Pace` on a fake clock, then the whole
engine over HTTP against a token-bucket rate limit, with its deadline and its cancellation."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from botocore.config import Config

from glue_bookmarks import (
    DeadlineExceededError,
    GlueBookmarks,
    JobBookmarkEntry,
    ThrottlingError,
    _pacing,
)
from glue_bookmarks._pacing import Pace
from tests._support import ACCESS_KEY, REGION, SECRET_KEY, SESSION_TOKEN, botocore_session
from tests.faults import Echo, RateLimit, Stall, fault_server, throttling_answer

# Generous bounds for what should take well under a second: a busy 2-core machine is slow.
PROMPT = 3.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


def answers(pace: Pace, clock: Clock, count: int, every: float) -> None:
    for _ in range(count):
        clock.advance(every)
        pace.answered()


def test_not_paced_until_the_first_throttle(clock: Clock) -> None:
    pace = Pace(clock=clock)
    answers(pace, clock, 50, 0.01)
    assert pace.rate is None
    assert [pace.delay(pace.take()) for _ in range(100)] == [0.0] * 100


def test_a_throttle_paces_at_the_answers_of_the_last_second_plus_a_tenth(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="glue_bookmarks")
    pace = Pace(clock=clock)
    answers(pace, clock, 50, 0.02)  # 50 answers in the last second
    pace.throttled(sent=clock())
    assert pace.rate == pytest.approx(55.0)
    delays = [pace.delay(pace.take()) for _ in range(4)]
    assert delays == pytest.approx([0.0, 1 / 55, 2 / 55, 3 / 55])
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.INFO, "throttled: pacing at 55.0 requests/s")
    ]


def test_only_throttles_of_requests_sent_after_the_last_change_count(clock: Clock) -> None:
    pace = Pace(clock=clock)
    answers(pace, clock, 50, 0.02)
    sent_before = clock()
    clock.advance(0.01)
    pace.throttled(sent=clock())
    clock.advance(0.5)
    pace.throttled(sent=sent_before)  # in flight when the pace changed: says nothing new
    assert pace.rate == pytest.approx(55.0)


def test_throttled_without_answers_the_pace_falls_by_three_tenths_down_to_one_a_second(
    clock: Clock,
) -> None:
    pace = Pace(clock=clock)
    answers(pace, clock, 50, 0.02)
    pace.throttled(sent=clock())
    clock.advance(1.5)  # no answer in the last second
    pace.throttled(sent=clock())
    assert pace.rate == pytest.approx(55.0 * 0.7)
    for _ in range(30):
        clock.advance(0.2)
        pace.throttled(sent=clock())
    assert pace.rate == 1.0


def test_a_throttle_before_any_answer_paces_at_half_of_what_was_sent(clock: Clock) -> None:
    pace = Pace(clock=clock)
    clock.advance(0.5)
    for _ in range(40):
        pace.delay(pace.take())  # 40 sent in half a second
    pace.throttled(sent=clock())
    assert pace.rate == pytest.approx(40 / 0.5 / 2)


def test_calm_answers_raise_the_pace_by_half(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    pace = Pace(clock=clock)
    answers(pace, clock, 50, 0.02)
    pace.throttled(sent=clock())
    caplog.set_level(logging.DEBUG, logger="glue_bookmarks")
    answers(pace, clock, 9, 0.01)
    clock.advance(0.2)
    assert pace.rate == pytest.approx(55.0)  # not yet 10 answers
    pace.answered()
    assert pace.rate == pytest.approx(55.0 * 1.5)
    # A rise is the pace probing for more: DEBUG, not INFO.
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.DEBUG, "no throttling: pacing at 82.5 requests/s")
    ]


def test_starved_when_every_answer_for_a_minute_was_a_throttle(clock: Clock) -> None:
    pace = Pace(clock=clock)
    pace.answered()
    for _ in range(59):
        clock.advance(1.0)
        pace.throttled(sent=clock())
    assert not pace.starved()
    clock.advance(1.0)
    pace.throttled(sent=clock())
    assert pace.starved()
    pace.answered()
    assert not pace.starved()


def test_a_quiet_run_is_never_starved(clock: Clock) -> None:
    pace = Pace(clock=clock)
    clock.advance(600)
    assert not pace.starved()


# The whole engine, over HTTP, against a service that admits `rate` calls a second.


@pytest.fixture
def no_backoff(backoff_delays: list[float]) -> Iterator[list[float]]:
    yield backoff_delays
    # botocore never retried a throttle (it would have backed off first): the engine did.
    assert backoff_delays == []


def bookmarks(url: str) -> GlueBookmarks:
    return GlueBookmarks(
        session=botocore_session(),
        endpoint_url=url,
        region_name=REGION,
        config=Config(retries={"mode": "standard"}),
    )


@pytest.mark.parametrize(
    ("limit", "jobs"),
    [
        (RateLimit(100, burst=10), 80),
        (RateLimit(30, burst=5), 30),
        (RateLimit(60, burst=5), 60),
        (RateLimit(100, burst=10, rate_after=(0.3, 40)), 70),
    ],
    ids=["100/s", "30/s", "60/s", "100/s-then-40/s"],
)
def test_no_job_is_lost_to_a_rate_limit(
    limit: RateLimit, jobs: int, no_backoff: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="glue_bookmarks")
    names = [f"job-{index}" for index in range(jobs)]
    with fault_server(limit) as server, bookmarks(server.url) as gb:
        server.script(default=Echo())
        results = gb.get_job_bookmarks(names)
        counts = server.counts()
    assert [type(result) for result in results] == [JobBookmarkEntry] * jobs
    assert [result.job_name for result in results] == names  # type: ignore[union-attr]
    assert counts.throttled > 0  # the limit was met, and paced to
    # Counted as requests arrive: one admitted request per job, the rest throttled.
    assert counts.requests - counts.throttled == jobs
    paced = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert paced and all(line.startswith("throttled: pacing at ") for line in paced)
    # The per-request DEBUG lines and the pacing lines carry no credential or signature.
    texts = [record.getMessage() for record in caplog.records]
    assert any("GetJobBookmark" in text for text in texts)
    for secret in (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, "Signature=", "Authorization"):
        assert not any(secret in text for text in texts), secret


def test_iter_job_bookmarks_yields_each_job_once_as_it_is_done_under_a_rate_limit(
    no_backoff: list[float],
) -> None:
    names = [f"job-{index}" for index in range(40)]
    with fault_server(RateLimit(50, burst=5)) as server, bookmarks(server.url) as gb:
        server.script(default=Echo())
        pairs = list(gb.iter_job_bookmarks(names + names[:10]))
    assert sorted(name for name, _ in pairs) == sorted(names)
    assert all(
        isinstance(result, JobBookmarkEntry) and result.job_name == name for name, result in pairs
    )


def test_results_come_in_the_order_they_are_done() -> None:
    with fault_server() as server, bookmarks(server.url) as gb:
        server.script(Echo(delay=0.5), default=Echo())
        pairs = list(gb.iter_job_bookmarks(["a", "b", "c"], max_concurrency=3))
        slow = server.requests[0].body["JobName"]
    assert [name for name, _ in pairs][-1] == slow


def test_jobs_not_done_by_the_deadline_end_as_deadline_exceeded() -> None:
    with fault_server() as server, bookmarks(server.url) as gb:
        server.script(Echo(), Echo(), default=Echo(delay=30))
        started = time.monotonic()
        results = gb.get_job_bookmarks(["a", "b", "c", "d", "e"], max_concurrency=2, timeout=0.5)
        elapsed = time.monotonic() - started
    assert elapsed < PROMPT
    entries = [r for r in results if isinstance(r, JobBookmarkEntry)]
    late = [r for r in results if isinstance(r, DeadlineExceededError)]
    assert len(entries) == 2 and len(late) == 3
    assert {e.job_name for e in entries} | {e.job_name for e in late} == set("abcde")
    assert {(error.timeout, error.operation_name) for error in late} == {(0.5, "GetJobBookmark")}
    assert str(late[0]) == f"job {late[0].job_name!r} was not done within the timeout of 0.5 s"


def test_a_job_throttled_until_the_deadline_ends_with_its_throttle(
    no_backoff: list[float],
) -> None:
    with fault_server() as server, bookmarks(server.url) as gb:
        server.script(default=throttling_answer())
        results = gb.get_job_bookmarks(["a", "b"], timeout=0.5)
        sent = len(server.requests)
    assert [type(result) for result in results] == [ThrottlingError, ThrottlingError]
    assert sent > 2  # tried again until the deadline


def test_a_service_that_lets_nothing_through_ends_the_run_with_its_throttle(
    monkeypatch: pytest.MonkeyPatch, no_backoff: list[float]
) -> None:
    monkeypatch.setattr(_pacing, "_GIVE_UP", 0.5)  # a minute by default
    names = [f"job-{index}" for index in range(40)]
    with fault_server() as server, bookmarks(server.url) as gb:
        server.script(default=throttling_answer())
        started = time.monotonic()
        results = gb.get_job_bookmarks(names, max_concurrency=2)
        elapsed = time.monotonic() - started
    assert elapsed < PROMPT
    assert [type(result) for result in results] == [ThrottlingError] * len(names)


# Cancellation: control comes back at once, though every request in flight takes 30 s.


def test_an_exception_from_on_progress_returns_at_once_with_requests_in_flight() -> None:
    def stop(done: int, total: int) -> None:
        raise RuntimeError("enough")

    with fault_server() as server:
        server.script(Echo(), default=Echo(delay=30))
        started = time.monotonic()
        with bookmarks(server.url) as gb, pytest.raises(RuntimeError, match="enough"):
            gb.get_job_bookmarks(
                [f"job-{i}" for i in range(50)], max_concurrency=8, on_progress=stop
            )
        assert time.monotonic() - started < PROMPT
        assert len(server.requests) <= 9  # those in flight, and none sent after the stop


def test_a_keyboard_interrupt_returns_at_once_with_requests_in_flight() -> None:
    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with fault_server() as server:
        server.script(Echo(), default=Echo(delay=30))
        started = time.monotonic()
        with bookmarks(server.url) as gb, pytest.raises(KeyboardInterrupt):
            gb.get_job_bookmarks(["a", "b", "c", "d"], on_progress=interrupt)
        assert time.monotonic() - started < PROMPT


def test_leaving_iter_job_bookmarks_early_returns_at_once_with_requests_in_flight() -> None:
    with fault_server() as server:
        server.script(Echo(), default=Echo(delay=30))
        started = time.monotonic()
        with bookmarks(server.url) as gb:
            for name, result in gb.iter_job_bookmarks([f"job-{i}" for i in range(20)]):
                assert isinstance(result, JobBookmarkEntry) and result.job_name == name
                break
        assert time.monotonic() - started < PROMPT


def test_a_paced_request_waiting_for_its_turn_is_not_sent_after_the_stop(
    no_backoff: list[float],
) -> None:
    # At 2 calls/s the later requests wait for their turn, and the deadline stops them there.
    names = [f"job-{index}" for index in range(30)]
    with fault_server(RateLimit(2, burst=2)) as server, bookmarks(server.url) as gb:
        server.script(default=Echo())
        results = gb.get_job_bookmarks(names, timeout=0.6)
        time.sleep(0.2)  # one that went at the stop arrives
        sent = len(server.requests)
        time.sleep(0.6)  # at 2 calls/s, one more would have gone by now
        after = len(server.requests)
    done = sum(isinstance(result, JobBookmarkEntry) for result in results)
    assert 2 <= done < len(names)
    assert all(
        isinstance(result, JobBookmarkEntry | DeadlineExceededError | ThrottlingError)
        for result in results
    )
    assert sent == after


def test_an_answer_after_the_stop_is_not_retried(no_backoff: list[float]) -> None:
    # The connection drops 0.4 s in, after the deadline: botocore would retry that (with a
    # back-off first); the run is over, so nothing is retried or waited for.
    with fault_server() as server, bookmarks(server.url) as gb:
        server.script(default=Stall(0.4))
        (result,) = gb.get_job_bookmarks(["a"], timeout=0.2)
        time.sleep(0.5)  # the drop, and a retry if there were one
        sent = len(server.requests)
    assert isinstance(result, DeadlineExceededError)
    assert sent == 1


def test_the_deadline_holds_while_results_keep_coming() -> None:
    # A consumer slower than the service: a result always waits for it.
    names = [f"job-{index}" for index in range(100)]
    with fault_server() as server, bookmarks(server.url) as gb:
        server.script(default=Echo())
        started = time.monotonic()
        pairs = []
        for name, result in gb.iter_job_bookmarks(names, max_concurrency=4, timeout=0.5):
            pairs.append((name, result, time.monotonic() - started))
            if isinstance(result, JobBookmarkEntry):
                time.sleep(0.02)  # 100 x 20 ms: 2 s
    done = [name for name, r, _ in pairs if isinstance(r, JobBookmarkEntry)]
    late = [(name, at) for name, r, at in pairs if isinstance(r, DeadlineExceededError)]
    assert done and late and sorted(done + [name for name, _ in late]) == sorted(names)
    # The results ready at the deadline come first (at most two per thread), then the rest.
    assert late[0][1] < 0.5 + 9 * 0.02 + PROMPT / 3
