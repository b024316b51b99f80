"""Pacing many jobs to the rate the service allows: the `Pace` on a fake clock, then the whole
engine over HTTP against a token-bucket rate limit, with its deadline and its cancellation.

Over HTTP no verdict rests on the machine's speed: whether a client here outruns a rate limit
depends on it, so the rate-limit cases assert that no job is lost and each was admitted once,
and throttles that must happen are scripted; requests in flight are `Held` until the test has
looked; a wall-clock bound is kept only for a stop or a deadline, at `PROMPT`, and only where
the behaviour it rules out takes the 30 s of a slow answer.
"""

from __future__ import annotations

import logging
import threading
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
from tests._support import (
    ACCESS_KEY,
    PROMPT,
    REGION,
    SECRET_KEY,
    SESSION_TOKEN,
    botocore_session,
    glue_client,
    wait_until,
)
from tests.faults import Drop, Echo, FaultServer, Held, RateLimit, fault_server, throttling_answer


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
    # Counted as requests arrive: one admitted request per job, the rest throttled. How many
    # were throttled is up to how fast this machine sends: none, on a slow enough one.
    assert counts.requests - counts.throttled == jobs
    paced = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert bool(paced) == (counts.throttled > 0)  # a throttle sets a pace, and says so
    assert all(line.startswith("throttled: pacing at ") for line in paced)
    # The per-request DEBUG lines and the pacing lines carry no credential or signature.
    texts = [record.getMessage() for record in caplog.records]
    assert any("GetJobBookmark" in text for text in texts)
    for secret in (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, "Signature=", "Authorization"):
        assert not any(secret in text for text in texts), secret


def test_throttled_jobs_go_back_in_line_at_a_pace(
    no_backoff: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    # The throttles are scripted: they happen however slowly this machine sends.
    caplog.set_level(logging.INFO, logger="glue_bookmarks")
    names = [f"job-{index}" for index in range(20)]
    with fault_server() as server, bookmarks(server.url) as gb:
        server.script(*[throttling_answer()] * 8, default=Echo())
        results = gb.get_job_bookmarks(names, max_concurrency=4)
        sent = len(server.requests)
    assert [(type(r), r.job_name) for r in results] == [(JobBookmarkEntry, n) for n in names]  # type: ignore[union-attr]
    assert sent == len(names) + 8  # each throttled job sent again, once it got its turn
    paced = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert paced and all(line.startswith("throttled: pacing at ") for line in paced)


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
        server.script(Held(), default=Echo())  # the first request to arrive is answered last
        pairs = gb.iter_job_bookmarks(["a", "b", "c"], max_concurrency=3)
        first, second = next(pairs), next(pairs)
        held = server.requests[0].body["JobName"]
        server.release()
        rest = list(pairs)
    assert held not in (first[0], second[0])
    assert [name for name, _ in rest] == [held]


def warm_up(server: FaultServer, gb: GlueBookmarks) -> None:
    """Make `gb`'s client with a call of its own (the script's next answer must be `Echo()`):
    a run timed from here times its requests, not the making of a botocore client."""
    gb.get_job_bookmark("warm-up")
    server.requests.clear()


def test_jobs_not_done_by_the_deadline_end_as_deadline_exceeded() -> None:
    with fault_server() as server, bookmarks(server.url) as gb:
        # Two answered at once (in milliseconds, far within the 0.5 s), the rest in 30 s.
        server.script(Echo(), Echo(), Echo(), default=Echo(delay=30))
        warm_up(server, gb)
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
        server.script(Echo(), default=throttling_answer())
        warm_up(server, gb)
        # Paced at about 20 calls/s after the first throttles: a third request is due within
        # a tenth of a second, ten times within the timeout.
        results = gb.get_job_bookmarks(["a", "b"], timeout=1.0)
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


def run_threads_ended(earlier: set[threading.Thread]) -> bool:
    """Whether every thread started since `earlier` but the fault server's has ended."""
    return not any(
        not thread.name.endswith("(process_request_thread)")
        for thread in set(threading.enumerate()) - earlier
    )


def test_a_paced_request_waiting_for_its_turn_is_not_sent_after_the_stop(
    no_backoff: list[float],
) -> None:
    # At 2 calls/s the later requests wait for their turn, and the deadline stops them there.
    # Whether a request goes is seen as it goes: a hook after the pace's own, in the thread
    # that sends it; its arrival at the server would be a matter of time.
    names = [f"job-{index}" for index in range(30)]
    returned = threading.Event()
    sent_after_return: list[bool] = []
    with fault_server(RateLimit(2, burst=2)) as server:
        server.script(default=Echo())
        client = glue_client(server.url, Config(retries={"mode": "standard"}))
        client.meta.events.register(
            "before-send.glue", lambda **_: sent_after_return.append(returned.is_set())
        )
        earlier = set(threading.enumerate())
        results = GlueBookmarks(client=client).get_job_bookmarks(names, timeout=1.0)
        returned.set()
        # Once the run's threads have ended, nothing more can be sent.
        wait_until(lambda: run_threads_ended(earlier), "the run's threads end")
        client.close()
    done = sum(isinstance(result, JobBookmarkEntry) for result in results)
    assert 2 <= done < len(names)  # the burst's two (answered in milliseconds), not all
    assert all(
        isinstance(result, JobBookmarkEntry | DeadlineExceededError | ThrottlingError)
        for result in results
    )
    # Every thread waiting for its turn at the stop would send once its turn came: up to one
    # a worker. One may have gone at the very stop, its hook run after the return.
    assert len(sent_after_return) > done
    assert sent_after_return.count(True) <= 1


def test_an_answer_after_the_stop_is_not_retried(no_backoff: list[float]) -> None:
    # The connection drops after the deadline (the test lets it go then): botocore would
    # retry that (with a back-off first); the run is over, so nothing is retried or waited for.
    with fault_server() as server, bookmarks(server.url) as gb:
        server.script(Echo(), default=Held(then=Drop()))
        warm_up(server, gb)
        earlier = set(threading.enumerate())
        (result,) = gb.get_job_bookmarks(["a"], timeout=0.2)
        server.release()
        wait_until(lambda: run_threads_ended(earlier), "the run's thread ends")
        sent = len(server.requests)
    assert isinstance(result, DeadlineExceededError)
    assert sent == 1


def test_the_deadline_holds_while_results_keep_coming() -> None:
    # A consumer slower than the service: a result always waits for it. 100 results at 20 ms
    # each take 2 s at least, however fast the machine, so the 0.5 s deadline comes first.
    names = [f"job-{index}" for index in range(100)]
    with fault_server() as server, bookmarks(server.url) as gb:
        server.script(default=Echo())
        warm_up(server, gb)
        pairs = []
        for name, result in gb.iter_job_bookmarks(names, max_concurrency=4, timeout=0.5):
            pairs.append((name, result))
            if isinstance(result, JobBookmarkEntry):
                time.sleep(0.02)
    kinds = [type(result) for _, result in pairs]
    done = kinds.count(JobBookmarkEntry)
    # Some done, then, once the deadline is met, the rest late: had it been looked at only
    # while no result was ready, all 100 would have been done.
    assert 0 < done < len(names)
    assert kinds == [JobBookmarkEntry] * done + [DeadlineExceededError] * (len(names) - done)
    assert sorted(name for name, _ in pairs) == sorted(names)
