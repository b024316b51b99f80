"""`plan_backfill` and `start_backfill`, and the running-job check they share with
`apply_rewind` and `reset_job_bookmark(if_idle=True)`: against moto in-process and in server
mode, and botocore's `Stubber` for the edge cases.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from types_boto3_glue.client import GlueClient

from glue_bookmarks import (
    BackfillPlan,
    ConcurrentRunsExceededError,
    EntityNotFoundError,
    GlueBookmarks,
    InvalidParameterError,
    JobBookmarkEntry,
    JobRunActiveError,
    ResponseValidationError,
    RewindPlan,
    RunStart,
    _backfill,
)
from glue_bookmarks.testing import bookmark_calls, seed_job_run
from tests._support import DISABLE, ENABLE, PAUSE, Moto, Stubbed, create_job

MONDAY = datetime(2024, 10, 28, 2, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
FUTURE = datetime(2124, 10, 28, tzinfo=timezone.utc)
# Each state a run of Glue's can be in, and whether the run has not ended.
ACTIVE_STATES = ["STARTING", "RUNNING", "STOPPING", "WAITING"]
ENDED_STATES = ["STOPPED", "SUCCEEDED", "FAILED", "TIMEOUT", "ERROR", "EXPIRED"]


def seed_run(moto: Moto, started_on: datetime, **fields: Any) -> str:
    """A run of job "nightly"; over HTTP in server mode."""
    return moto.seed_job_run("nightly", started_on, **fields)


def week(moto: Moto) -> list[str]:
    """Job "nightly" with bookmarks, and four runs Monday to Thursday at 02:00, each
    committing."""
    moto.create_job("nightly", ENABLE)
    return [seed_run(moto, MONDAY + day * DAY) for day in range(4)]


def requests_sent(gb: GlueBookmarks) -> list[str]:
    """The operations `gb`'s client sends from now on, in order."""
    sent: list[str] = []
    gb._get_client().meta.events.register(
        "before-send.glue",
        lambda request, **_: sent.append(request.headers["X-Amz-Target"].decode()[8:]),
    )
    return sent


def run(run_id: str, started_on: datetime) -> RunStart:
    return RunStart(run_id=run_id, started_on=started_on)


# -- the plan -----------------------------------------------------------------------------------


def test_a_window_from_since_to_the_latest_run(moto: Moto) -> None:
    runs = week(moto)
    since = MONDAY + DAY + 10 * HOUR  # Tuesday noon
    sent = requests_sent(moto.gb)

    plan = moto.gb.plan_backfill("nightly", since=since)

    assert plan == BackfillPlan(
        job_name="nightly",
        since=since,
        until=None,
        from_run=run(runs[1], MONDAY + DAY),
        to_run=run(runs[3], MONDAY + 3 * DAY),
        runs=(run(runs[2], MONDAY + 2 * DAY), run(runs[3], MONDAY + 3 * DAY)),
    )
    assert plan.arguments == {
        "--job-bookmark-option": "job-bookmark-pause",
        "--job-bookmark-from": runs[1],
        "--job-bookmark-to": runs[3],
    }
    # One page of runs, and nothing else: a plan reads no bookmark and changes nothing.
    assert sent == ["GetJobRuns"]
    assert bookmark_calls("nightly") == {
        "GetJobBookmark": 0,
        "ResetJobBookmark": 0,
        "StartJobRun": 0,
    }


def test_until_ends_the_window_with_the_latest_run_before_it(moto: Moto) -> None:
    runs = week(moto)
    until = MONDAY + 2 * DAY + 10 * HOUR  # Wednesday noon
    plan = moto.gb.plan_backfill("nightly", since=MONDAY + HOUR, until=until)
    assert (plan.from_run.run_id, plan.to_run.run_id) == (runs[0], runs[2])
    assert [r.run_id for r in plan.runs] == [runs[1], runs[2]]
    assert plan.until == until


def test_a_since_or_until_at_a_runs_start_leaves_that_run_after_it(moto: Moto) -> None:
    # "Started before" is strict, as for a rewind: a run that starts at until is outside.
    runs = week(moto)
    plan = moto.gb.plan_backfill("nightly", since=MONDAY + DAY, until=MONDAY + 3 * DAY)
    assert (plan.from_run.run_id, plan.to_run.run_id) == (runs[0], runs[2])
    assert [r.run_id for r in plan.runs] == [runs[1], runs[2]]


def test_runs_that_committed_nothing_are_passed_over(moto: Moto) -> None:
    runs = week(moto)
    seed_run(moto, MONDAY + 2 * DAY + HOUR, state="FAILED")
    seed_run(moto, MONDAY + 2 * DAY + 2 * HOUR, arguments=PAUSE)
    seed_run(moto, MONDAY + 4 * DAY, state="RUNNING")
    plan = moto.gb.plan_backfill("nightly", since=MONDAY + 2 * DAY + 3 * HOUR)
    assert (plan.from_run.run_id, plan.to_run.run_id) == (runs[2], runs[3])
    assert plan.runs == (plan.to_run,)


def test_a_window_before_the_first_run_says_the_earliest_since_that_works(moto: Moto) -> None:
    runs = week(moto)
    sent = requests_sent(moto.gb)
    with pytest.raises(InvalidParameterError) as info:
        moto.gb.plan_backfill("nightly", since=MONDAY - DAY)
    assert info.value.parameter == "since"
    assert str(info.value) == (
        "no succeeded run of job 'nightly' with bookmarks in effect started before since "
        "(2024-10-27T02:00:00+00:00): a backfill processes the input after such a run; the "
        "earliest since that works is just after 2024-10-28T02:00:00+00:00, when the oldest "
        f"such run, {runs[0]}, started; the latest is 2024-10-31T02:00:00+00:00, when "
        f"{runs[3]}, the latest run, started"
    )
    assert sent == ["GetJobRuns"]
    assert bookmark_calls("nightly")["StartJobRun"] == 0


def test_a_window_after_the_latest_run_holds_none(moto: Moto) -> None:
    runs = week(moto)
    with pytest.raises(InvalidParameterError) as info:
        moto.gb.plan_backfill("nightly", since=MONDAY + 3 * DAY + HOUR)
    assert str(info.value) == (
        "the window from 2024-10-31T03:00:00+00:00 to now holds no succeeded run of job "
        "'nightly' with bookmarks in effect: nothing to process again; the earliest since that "
        f"works is just after 2024-10-28T02:00:00+00:00, when the oldest such run, {runs[0]}, "
        f"started; the latest is 2024-10-31T02:00:00+00:00, when {runs[3]}, the latest run, "
        "started"
    )


def test_a_window_between_two_runs_holds_none(moto: Moto) -> None:
    runs = week(moto)
    since, until = MONDAY + DAY + HOUR, MONDAY + DAY + 2 * HOUR
    with pytest.raises(InvalidParameterError) as info:
        moto.gb.plan_backfill("nightly", since=since, until=until)
    assert info.value.parameter == "since"
    assert str(info.value).startswith(
        "the window from 2024-10-29T03:00:00+00:00 to 2024-10-29T04:00:00+00:00 holds no "
        "succeeded run of job 'nightly' with bookmarks in effect: nothing to process again; "
    )
    # The latest since that works with this until: the start of the latest run before it.
    assert str(info.value).endswith(
        f"the latest is 2024-10-29T02:00:00+00:00, when {runs[1]}, the latest before until, started"
    )


def test_no_since_works_with_one_run_before_until(moto: Moto) -> None:
    runs = week(moto)
    with pytest.raises(InvalidParameterError) as info:
        moto.gb.plan_backfill("nightly", since=MONDAY + HOUR, until=MONDAY + 2 * HOUR)
    assert str(info.value).endswith(
        "nothing to process again; no since works with this until: a backfill needs one such "
        "run before the window and one in it, and the history holds one before until, "
        f"{runs[0]}, started 2024-10-28T02:00:00+00:00"
    )


def test_no_since_works_with_no_run_before_until(moto: Moto) -> None:
    runs = week(moto)
    with pytest.raises(InvalidParameterError) as info:
        moto.gb.plan_backfill("nightly", since=MONDAY - 2 * DAY, until=MONDAY - DAY)
    assert str(info.value).endswith(
        "no since works with this until: no such run started before it, and the oldest such "
        f"run, {runs[0]}, started 2024-10-28T02:00:00+00:00"
    )


def test_a_job_without_a_committing_run_has_nothing_to_backfill(moto: Moto) -> None:
    moto.create_job("nightly", ENABLE)
    seed_run(moto, MONDAY, state="FAILED")
    seed_run(moto, MONDAY + HOUR, arguments=DISABLE)
    with pytest.raises(InvalidParameterError) as info:
        moto.gb.plan_backfill("nightly", since=MONDAY + DAY)
    assert info.value.parameter == "job_name"
    assert str(info.value) == (
        "the run history holds no succeeded run of job 'nightly' with bookmarks in effect: "
        "there is no processed input to backfill"
    )


def test_a_job_that_does_not_exist(moto: Moto) -> None:
    with pytest.raises(EntityNotFoundError):
        moto.gb.plan_backfill("ghost", since=MONDAY)


def test_the_history_is_read_in_one_walk_of_its_pages(
    glue_moto_client: GlueClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_backfill, "_JOB_RUNS_PAGE_SIZE", 2)
    create_job(glue_moto_client, "nightly", DefaultArguments=ENABLE)
    runs = [seed_job_run("nightly", started_on=MONDAY + day * DAY) for day in range(5)]
    gb = GlueBookmarks(client=glue_moto_client)
    sent = requests_sent(gb)

    plan = gb.plan_backfill("nightly", since=MONDAY + 3 * DAY + HOUR)

    assert plan.to_run.run_id == runs[4]  # on the third page
    assert sent == ["GetJobRuns"] * 3


@pytest.mark.parametrize(
    ("since", "until", "parameter", "message"),
    [
        (datetime(2026, 11, 20), None, "since", "since must be timezone-aware"),
        ("2026-11-20T00:00:00Z", None, "since", "since must be a timezone-aware datetime, got str"),
        (FUTURE, None, "since", "since is in the future"),
        (MONDAY, datetime(2026, 11, 20), "until", "until must be timezone-aware"),
        (MONDAY, FUTURE, "until", "until is in the future"),
        (
            MONDAY,
            MONDAY,
            "until",
            r"until \(2024-10-28T02:00:00\+00:00\) must be later than since "
            r"\(2024-10-28T02:00:00\+00:00\)",
        ),
    ],
)
def test_bad_times_send_nothing(
    glue_moto_client: GlueClient, since: Any, until: Any, parameter: str, message: str
) -> None:
    gb = GlueBookmarks(client=glue_moto_client)
    sent = requests_sent(gb)
    with pytest.raises(InvalidParameterError, match=message) as info:
        gb.plan_backfill("nightly", since=since, until=until)
    assert info.value.parameter == parameter
    with pytest.raises(InvalidParameterError, match="job_name must be 1 to 255"):
        gb.plan_backfill("", since=MONDAY)
    assert sent == []


def test_the_plan_is_frozen_and_its_arguments_a_new_dict() -> None:
    plan = BackfillPlan(
        job_name="nightly",
        since=MONDAY,
        until=None,
        from_run=run("jr_1", MONDAY - DAY),
        to_run=run("jr_2", MONDAY + DAY),
        runs=(run("jr_2", MONDAY + DAY),),
    )
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        plan.to_run = plan.from_run  # type: ignore[misc]
    plan.arguments["--job-bookmark-to"] = "jr_other"
    assert plan.arguments["--job-bookmark-to"] == "jr_2"


# -- starting the run ---------------------------------------------------------------------------


def test_start_runs_the_window_paused_and_the_bookmark_stays(moto: Moto) -> None:
    runs = week(moto)
    moto.create_job("other", ENABLE)
    plan = moto.gb.plan_backfill("nightly", since=MONDAY + DAY + HOUR)
    before = moto.gb.get_job_bookmark("nightly")
    sent = requests_sent(moto.gb)

    run_id = moto.gb.start_backfill(plan, arguments={"--day": "2024-10-30"})

    assert sent == ["GetJobRuns", "StartJobRun"]
    job_run = moto.client.get_job_run(JobName="nightly", RunId=run_id)["JobRun"]
    assert job_run["JobRunState"] == "SUCCEEDED"
    # The run's arguments as Glue merges them: the job's defaults, then the run's own.
    assert job_run["Arguments"] == {
        "--job-bookmark-option": "job-bookmark-pause",
        "--day": "2024-10-30",
        "--job-bookmark-from": runs[1],
        "--job-bookmark-to": runs[3],
    }
    assert moto.gb.get_job_bookmark("nightly") == before
    assert bookmark_calls("nightly")["StartJobRun"] == 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"--job-bookmark-option": "job-bookmark-enable"},
            "arguments may not set --job-bookmark-option: the plan sets --job-bookmark-option, "
            "--job-bookmark-from, --job-bookmark-to, which make the window",
        ),
        (
            {"--job-bookmark-to": "jr_9", "--job-bookmark-from": "jr_0", "--x": "y"},
            "arguments may not set --job-bookmark-from, --job-bookmark-to: ",
        ),
        ({"--day": 28}, "arguments must be a mapping of str to str or None, got {'--day': 28}"),
        ([("--day", "28")], "arguments must be a mapping of str to str or None"),
    ],
)
def test_arguments_cannot_override_the_plans(moto: Moto, arguments: Any, message: str) -> None:
    week(moto)
    plan = moto.gb.plan_backfill("nightly", since=MONDAY + HOUR)
    sent = requests_sent(moto.gb)
    with pytest.raises(InvalidParameterError) as info:
        moto.gb.start_backfill(plan, arguments=arguments)
    assert message in str(info.value)
    assert info.value.parameter == "arguments"
    assert sent == []


def test_start_takes_a_plan_only(glue_moto_client: GlueClient) -> None:
    gb = GlueBookmarks(client=glue_moto_client)
    sent = requests_sent(gb)
    with pytest.raises(InvalidParameterError, match="plan must be a BackfillPlan, got RewindPlan"):
        gb.start_backfill(_rewind_plan())  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="force must be a bool, got str"):
        gb.start_backfill(_plan(), force="yes")  # type: ignore[arg-type]
    assert sent == []


def test_a_job_at_its_concurrent_runs_refuses_the_run(moto: Moto) -> None:
    # moto counts the runs it still deems running; with none allowed, it refuses every run.
    moto.create_job("nightly", ENABLE, ExecutionProperty={"MaxConcurrentRuns": 0})
    for day in range(2):
        seed_run(moto, MONDAY + day * DAY)
    plan = moto.gb.plan_backfill("nightly", since=MONDAY + HOUR)
    with pytest.raises(ConcurrentRunsExceededError) as info:
        moto.gb.start_backfill(plan)
    assert (info.value.code, info.value.operation_name) == (
        "ConcurrentRunsExceededException",
        "StartJobRun",
    )
    assert "Job with name nightly already running" in str(info.value)  # moto's message


# -- the running-job check ----------------------------------------------------------------------


def _plan() -> BackfillPlan:
    return BackfillPlan(
        job_name="nightly",
        since=MONDAY,
        until=None,
        from_run=run("jr_1", MONDAY - DAY),
        to_run=run("jr_2", MONDAY + DAY),
        runs=(run("jr_2", MONDAY + DAY),),
    )


def _rewind_plan() -> RewindPlan:
    current = JobBookmarkEntry(job_name="nightly", version=4, run=2, run_id="jr_2")
    return RewindPlan(
        job_name="nightly", since=MONDAY, run_id="jr_1", reprocess_from=MONDAY, current=current
    )


def _changes(gb: GlueBookmarks, force: bool) -> Any:
    """The three changes the check guards, by name: each with `force` (or, for the reset,
    `if_idle` its opposite)."""
    return {
        "apply_rewind": lambda: gb.apply_rewind(_rewind_plan(), force=force),
        "start_backfill": lambda: gb.start_backfill(_plan(), force=force),
        "reset_job_bookmark": lambda: gb.reset_job_bookmark("nightly", if_idle=not force),
    }


CHANGES = ["apply_rewind", "start_backfill", "reset_job_bookmark"]
NIGHTLY = {"JobName": "nightly"}
RUNS_PAGE = {**NIGHTLY, "MaxResults": 200}
ENTRY = {"JobName": "nightly", "Version": 4, "Run": 2, "Attempt": 0, "RunId": "jr_2"}


def _job_run(run_id: str, state: str, **fields: Any) -> dict[str, Any]:
    return {"Id": run_id, "JobRunState": state, "StartedOn": MONDAY, **fields}


def _expect_before(stubbed: Stubbed, change: str) -> None:
    """What `change` asks before its check (apply_rewind reads the bookmark first)."""
    _, stubber = stubbed
    if change == "apply_rewind":
        stubber.add_response("get_job_bookmark", {"JobBookmarkEntry": ENTRY}, NIGHTLY)


def _expect_the_change(stubbed: Stubbed, change: str) -> None:
    _, stubber = stubbed
    if change == "apply_rewind":
        rewind = {**NIGHTLY, "RunId": "jr_1"}
        stubber.add_response("reset_job_bookmark", {"JobBookmarkEntry": ENTRY}, rewind)
    elif change == "reset_job_bookmark":
        stubber.add_response("reset_job_bookmark", {"JobBookmarkEntry": ENTRY}, NIGHTLY)
    else:
        arguments = {
            "--job-bookmark-option": "job-bookmark-pause",
            "--job-bookmark-from": "jr_1",
            "--job-bookmark-to": "jr_2",
        }
        start: dict[str, Any] = {**NIGHTLY, "Arguments": arguments}
        stubber.add_response("start_job_run", {"JobRunId": "jr_new"}, start)


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("state", ACTIVE_STATES)
def test_an_active_run_refuses_the_change(stubbed: Stubbed, change: str, state: str) -> None:
    gb, stubber = stubbed
    _expect_before(stubbed, change)
    page = {"JobRuns": [_job_run("jr_busy", state), _job_run("jr_2", "SUCCEEDED")]}
    stubber.add_response("get_job_runs", page, RUNS_PAGE)

    with pytest.raises(JobRunActiveError) as info:
        _changes(gb, force=False)[change]()

    assert (info.value.job_name, info.value.run_id, info.value.state) == (
        "nightly",
        "jr_busy",
        state,
    )
    remedy = "leave if_idle False" if change == "reset_job_bookmark" else "pass force=True"
    assert str(info.value) == (
        f"job 'nightly' has a run in state {state} (jr_busy); nothing was changed: wait for it "
        f"to end, or {remedy}"
    )


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("state", ENDED_STATES)
def test_runs_that_ended_let_the_change_through(stubbed: Stubbed, change: str, state: str) -> None:
    gb, stubber = stubbed
    _expect_before(stubbed, change)
    stubber.add_response("get_job_runs", {"JobRuns": [_job_run("jr_3", state)]}, RUNS_PAGE)
    _expect_the_change(stubbed, change)
    _changes(gb, force=False)[change]()


@pytest.mark.parametrize("change", CHANGES)
def test_force_skips_the_check(stubbed: Stubbed, change: str) -> None:
    gb, _ = stubbed
    _expect_before(stubbed, change)
    _expect_the_change(stubbed, change)
    _changes(gb, force=True)[change]()


@pytest.mark.parametrize(
    ("change", "parameter"),
    [
        (lambda gb: gb.reset_job_bookmark("nightly", if_idle=1), "if_idle"),
        (lambda gb: gb.apply_rewind(_rewind_plan(), force="no"), "force"),
        (lambda gb: gb.start_backfill(_plan(), force=None), "force"),
    ],
    ids=CHANGES,
)
def test_the_flags_are_bools(
    stubbed: Stubbed, change: Callable[[GlueBookmarks], object], parameter: str
) -> None:
    gb, _ = stubbed  # nothing answered: nothing may be sent
    with pytest.raises(InvalidParameterError, match=f"{parameter} must be a bool, got") as info:
        change(gb)
    assert info.value.parameter == parameter


def test_a_plain_reset_reads_no_runs(stubbed: Stubbed) -> None:
    gb, stubber = stubbed
    stubber.add_response("reset_job_bookmark", {"JobBookmarkEntry": ENTRY}, NIGHTLY)
    assert gb.reset_job_bookmark("nightly").run_id == "jr_2"


def test_the_check_reads_one_page_however_long_the_history(stubbed: Stubbed) -> None:
    # Glue lists the newest runs first: a run still active is on the first page.
    gb, stubber = stubbed
    page = {"JobRuns": [_job_run("jr_3", "SUCCEEDED")], "NextToken": "more"}
    stubber.add_response("get_job_runs", page, RUNS_PAGE)
    _expect_the_change(stubbed, "start_backfill")
    assert gb.start_backfill(_plan()) == "jr_new"


@pytest.mark.parametrize(
    ("page", "field"),
    [
        ({"JobRuns": "many"}, "JobRuns"),
        ({"JobRuns": [7]}, "JobRuns[0]"),
        ({"JobRuns": [{"Id": "jr_1"}]}, "JobRuns[0].JobRunState"),
        ({"JobRuns": [{"JobRunState": "RUNNING"}]}, "JobRuns[0].Id"),
        ({"JobRuns": [{"Id": "", "JobRunState": "WAITING"}]}, "JobRuns[0].Id"),
    ],
)
def test_a_runs_page_that_does_not_fit_is_a_typed_error(
    glue_moto_client: GlueClient, page: dict[str, Any], field: str
) -> None:
    # botocore's parser lets none of these through; another client's answer might.
    create_job(glue_moto_client, "nightly", DefaultArguments=ENABLE)
    gb = GlueBookmarks(client=glue_moto_client)
    gb._get_client().meta.events.register(
        "after-call.glue.GetJobRuns", lambda parsed, **_: parsed.update(page)
    )
    with pytest.raises(ResponseValidationError) as info:
        gb.start_backfill(_plan())
    assert (info.value.field, info.value.operation_name) == (field, "GetJobRuns")
    assert f"the GetJobRuns answer's {field} is not" in str(info.value)
    assert bookmark_calls("nightly")["StartJobRun"] == 0


def test_a_start_answer_without_a_run_id_is_a_typed_error(stubbed: Stubbed) -> None:
    gb, stubber = stubbed
    stubber.add_response("get_job_runs", {"JobRuns": []}, RUNS_PAGE)
    stubber.add_response("start_job_run", {}, None)
    with pytest.raises(ResponseValidationError) as info:
        gb.start_backfill(_plan())
    assert (info.value.field, info.value.operation_name) == ("JobRunId", "StartJobRun")
    assert "the StartJobRun answer's JobRunId is not a run id: None" in str(info.value)


def test_every_page_of_the_plan_is_read(stubbed: Stubbed) -> None:
    gb, stubber = stubbed
    first = {"JobRuns": [_job_run("jr_3", "SUCCEEDED", StartedOn=MONDAY + 2 * DAY)]}
    second = {"JobRuns": [_job_run("jr_1", "SUCCEEDED", StartedOn=MONDAY)]}
    stubber.add_response("get_job_runs", {**first, "NextToken": "t1"}, RUNS_PAGE)
    stubber.add_response("get_job_runs", second, {**RUNS_PAGE, "NextToken": "t1"})
    plan = gb.plan_backfill("nightly", since=MONDAY + DAY)
    assert (plan.from_run.run_id, plan.to_run.run_id) == ("jr_1", "jr_3")


@pytest.mark.parametrize("change", ["apply_rewind", "start_backfill", "reset_job_bookmark"])
def test_an_active_run_in_moto_refuses_and_changes_nothing(moto: Moto, change: str) -> None:
    runs = week(moto)
    before = moto.gb.get_job_bookmark("nightly")
    busy = seed_run(moto, MONDAY + 4 * DAY, state="RUNNING")
    gb = moto.gb
    attempts: dict[str, Callable[[bool], object]] = {
        "apply_rewind": lambda force: gb.apply_rewind(
            gb.plan_rewind("nightly", since=MONDAY + DAY + HOUR), force=force
        ),
        "start_backfill": lambda force: gb.start_backfill(
            gb.plan_backfill("nightly", since=MONDAY + DAY + HOUR), force=force
        ),
        "reset_job_bookmark": lambda force: gb.reset_job_bookmark(
            "nightly", run_id=runs[1], if_idle=not force
        ),
    }

    with pytest.raises(JobRunActiveError) as info:
        attempts[change](False)

    assert (info.value.run_id, info.value.state) == (busy, "RUNNING")
    assert moto.gb.get_job_bookmark("nightly") == before
    calls = bookmark_calls("nightly")
    assert (calls["ResetJobBookmark"], calls["StartJobRun"]) == (0, 0)
    attempts[change](True)  # forced: done while the run is active
    calls = bookmark_calls("nightly")
    assert calls["ResetJobBookmark"] + calls["StartJobRun"] == 1
