"""The many-jobs schedule's rules, once, on a fake clock: no thread, no task, no waiting.

Both shells (threads and tasks) drive this one `Schedule`; the contract tests (`contract_bookmarks`
in tests/test_fleet.py and tests/test_http.py) run the shells themselves against both clients.
"""

from __future__ import annotations

import pytest

from glue_bookmarks import DeadlineExceededError, ThrottlingError
from glue_bookmarks._pacing import Pace, PacedRun
from glue_bookmarks._schedule import InOrder, Schedule, Wait


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def schedule(
    names: list[str], *, workers: int = 2, timeout: float | None = None, clock: Clock | None = None
) -> Schedule[str]:
    run = PacedRun(Pace(clock=clock or Clock()))
    plan: Schedule[str] = Schedule(names, run, workers=workers, timeout=timeout)
    plan.start(0.0)
    return plan


def throttle(name: str) -> ThrottlingError:
    return ThrottlingError(f"slow down {name}", code="ThrottlingException")


def test_names_are_taken_in_order_and_a_throttled_one_goes_back_in_line_first() -> None:
    plan = schedule(["a", "b", "c"])
    assert [plan.take(), plan.take()] == ["a", "b"]
    error = throttle("a")
    plan.throttled("a", error)
    assert plan.take() == "a"  # before any name not yet taken
    assert plan.take() == "c"
    assert plan.take() is Wait.WAIT  # all taken, some still working
    for name in "abc":
        plan.done(name, name.upper())
    assert plan.take() is None  # nothing left: the worker ends


def test_results_wait_for_the_caller_and_hold_the_workers_back() -> None:
    plan = schedule([f"job-{index}" for index in range(10)], workers=2)
    for _ in range(4):  # two results per worker may wait for the caller
        name = plan.take()
        assert isinstance(name, str)
        plan.done(name, "ok")
    assert plan.take() is Wait.WAIT
    settled = plan.settle(0.0)
    assert settled is not None
    assert [name for name, _ in settled.results] == ["job-0", "job-1", "job-2", "job-3"]
    assert not settled.over
    assert plan.take() == "job-4"


def test_the_caller_waits_until_a_result_or_the_end() -> None:
    plan = schedule(["a"])
    assert plan.settle(0.0) is None
    assert plan.take() == "a"
    assert plan.settle(0.0) is None  # in flight
    plan.done("a", "A")
    assert plan.take() is None
    settled = plan.settle(0.0)
    assert settled is not None
    assert (settled.results, settled.over) == ([("a", "A")], True)


def test_at_the_deadline_every_job_not_done_expires_in_order() -> None:
    plan = schedule(["a", "b", "c", "d"], timeout=5.0)
    assert [plan.take(), plan.take(), plan.take()] == ["a", "b", "c"]
    plan.done("a", "A")
    error = throttle("b")
    plan.throttled("b", error)
    assert plan.wait_time(4.0) == pytest.approx(0.5)  # at most LOOK
    assert plan.wait_time(4.8) == pytest.approx(0.2)  # no later than the deadline
    assert plan.settle(4.9) is not None  # "a" was ready
    assert plan.settle(4.95) is None
    settled = plan.settle(5.0)
    assert settled is not None and settled.over
    names = [name for name, _ in settled.results]
    assert names == ["b", "c", "d"]  # working first, then never taken
    results = dict(settled.results)
    assert results["b"] is error  # its last throttle
    assert isinstance(results["c"], DeadlineExceededError)
    assert isinstance(results["d"], DeadlineExceededError)
    assert results["d"].timeout == 5.0
    assert plan.stopped
    assert plan.take() is None
    plan.done("c", "late")  # an answer after the stop is dropped
    assert plan.wait_time(6.0) == 0.0


def test_a_service_that_lets_nothing_through_for_a_minute_ends_the_run() -> None:
    clock = Clock()
    plan = schedule(["a", "b", "c"], clock=clock)
    assert plan.take() == "a"
    error = throttle("a")
    for _ in range(60):
        clock.now += 1.01
        plan.run.pace.throttled(clock.now)
        plan.throttled("a", error)
        assert plan.take() == "a"
    settled = plan.settle(0.0)
    assert settled is not None and settled.over
    # Never sent, when nothing got through: the last throttle the service answered.
    assert settled.results == [("a", error), ("b", error), ("c", error)]


def test_no_give_up_while_answers_still_come() -> None:
    clock = Clock()
    plan = schedule(["a"], clock=clock)
    for _ in range(120):
        clock.now += 1.0
        plan.run.pace.throttled(clock.now)
        plan.run.pace.answered()
    assert plan.settle(0.0) is None


def test_a_workers_failure_reaches_the_caller_and_stops_the_workers() -> None:
    plan = schedule(["a", "b"])
    assert plan.take() == "a"
    failure = RuntimeError("hook")
    plan.failed(failure)
    plan.failed(RuntimeError("second"))  # the first one wins
    assert plan.take() is None
    with pytest.raises(RuntimeError, match="hook"):
        plan.settle(0.0)


def test_in_order_keeps_the_order_and_the_repeats_and_counts_progress() -> None:
    seen: list[tuple[int, int]] = []
    order: InOrder[str] = InOrder(
        ["b", "a", "b", "c"], lambda done, total: seen.append((done, total))
    )
    assert list(order.distinct) == ["b", "a", "c"]
    order.add("a", "A")
    order.add("c", "C")
    order.add("b", "B")
    assert order.results() == ["B", "A", "B", "C"]
    assert seen == [(1, 4), (2, 4), (4, 4)]


def test_a_request_the_deadline_ended_is_expired_after_the_results_in_time() -> None:
    # A worker's request cut at the deadline comes back as its DeadlineExceededError, maybe
    # before another's result that arrived in time: the caller still gets every result in
    # time first, then the expired jobs.
    plan = schedule(["a", "b", "c"], workers=3, timeout=5.0)
    assert [plan.take(), plan.take(), plan.take()] == ["a", "b", "c"]
    plan.done("a", DeadlineExceededError("cut at the deadline", job_name="a", timeout=5.0))
    plan.done("b", "B")
    settled = plan.settle(5.0)
    assert settled is not None and settled.over
    assert [(name, type(result)) for name, result in settled.results] == [
        ("b", str),
        ("a", DeadlineExceededError),
        ("c", DeadlineExceededError),
    ]


def test_what_a_job_raises_is_its_result_a_throttle_puts_it_back_a_configuration_error_ends() -> (
    None
):
    from glue_bookmarks import AccessDeniedError, ConfigurationError, GlueBookmarksError

    plan = schedule(["a", "b", "c", "d"], workers=4)
    assert [plan.take() for _ in range(4)] == ["a", "b", "c", "d"]
    denied = AccessDeniedError("no", code="AccessDeniedException")
    plan.raised("a", denied)
    plan.raised("b", LookupError("a hook of the user's"))
    plan.raised("c", throttle("c"))
    assert plan.take() == "c"  # back in line, not a result
    settled = plan.settle(0.0)
    assert settled is not None
    (a, first), (b, second) = settled.results
    assert (a, first) == ("a", denied)
    assert b == "b" and type(second) is GlueBookmarksError
    assert isinstance(second.__cause__, LookupError)
    plan.raised("d", ConfigurationError("no credentials"))
    with pytest.raises(ConfigurationError):
        plan.settle(0.0)
