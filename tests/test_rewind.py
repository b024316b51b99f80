"""`plan_rewind` and `apply_rewind`: against moto in-process and in server mode.

In server mode the runs are seeded over HTTP, with the `/glue-bookmarks/seed-job-run` route.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from types_boto3_glue.client import GlueClient

from glue_bookmarks import (
    BookmarkChangedError,
    BookmarkState,
    EntityNotFoundError,
    GlueBookmarks,
    HadoopSourceState,
    InvalidParameterError,
    JobBookmarkEntry,
    ResponseValidationError,
    RewindPlan,
    _rewind,
)
from glue_bookmarks._jobs import RunStart, committing_runs
from glue_bookmarks._rewind import choose_run
from glue_bookmarks.testing import bookmark_calls, seed_job_run
from tests._support import ENABLE, PAUSE, Moto, create_job

MONDAY = datetime(2024, 10, 28, 2, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)


def state(run: int) -> BookmarkState:
    """A state a run commits: one source whose include list names the run."""
    return BookmarkState({"datasource0": HadoopSourceState(run=run, include_list=(f"f{run}",))})


def seed_run(moto: Moto, started_on: datetime, **fields: Any) -> str:
    """A run of job "nightly"; over HTTP in server mode."""
    return moto.seed_job_run("nightly", started_on, **fields)


def week(moto: Moto) -> list[str]:
    """Job "nightly" with bookmarks, and four runs Monday to Thursday, each committing."""
    create_job(moto.client, "nightly", DefaultArguments=ENABLE)
    return [seed_run(moto, MONDAY + day * DAY, job_bookmark=state(day + 1)) for day in range(4)]


def requests_sent(gb: GlueBookmarks) -> list[str]:
    """The operations `gb`'s client sends from now on, in order."""
    sent: list[str] = []
    gb._get_client().meta.events.register(
        "before-send.glue",
        lambda request, **_: sent.append(request.headers["X-Amz-Target"].decode()),
    )
    return sent


def test_a_since_between_runs_rewinds_to_the_run_before_it(moto: Moto) -> None:
    runs = week(moto)
    current = moto.gb.get_job_bookmark("nightly")
    since = MONDAY + 2 * DAY + timedelta(hours=12)  # Wednesday noon

    plan = moto.gb.plan_rewind("nightly", since=since)

    assert plan == RewindPlan(
        job_name="nightly",
        since=since,
        run_id=runs[2],
        reprocess_from=MONDAY + 2 * DAY,
        current=current,
        oldest_run_id=runs[0],
        oldest_started_on=MONDAY,
    )
    assert plan.has_effect and not plan.is_full_reset
    assert bookmark_calls("nightly")["ResetJobBookmark"] == 0  # a plan changes nothing

    entry = moto.gb.apply_rewind(plan)

    assert entry is not None
    assert (entry.run_id, entry.run, entry.version) == (runs[2], 3, current.version + 1)
    assert moto.gb.get_job_bookmark("nightly").state == state(3)


def test_a_since_at_a_runs_start_rewinds_to_the_run_before(moto: Moto) -> None:
    runs = week(moto)
    plan = moto.gb.plan_rewind("nightly", since=MONDAY + DAY)
    assert (plan.run_id, plan.reprocess_from) == (runs[0], MONDAY)
    moto.gb.apply_rewind(plan)
    assert moto.gb.get_job_bookmark("nightly").state == state(1)


def test_no_run_before_since_is_a_full_reset(moto: Moto) -> None:
    week(moto)
    plan = moto.gb.plan_rewind("nightly", since=MONDAY - timedelta(seconds=1))
    assert (plan.run_id, plan.reprocess_from) == (None, None)
    assert plan.has_effect and plan.is_full_reset

    # Asked for, or refused with why: the oldest run seen, and when it started.
    sent = requests_sent(moto.gb)
    with pytest.raises(InvalidParameterError) as info:
        moto.gb.apply_rewind(plan)
    assert sent == []
    assert info.value.parameter == "allow_full_reset"
    assert (
        f"the plan is a full reset, which processes all the job's data again: no run of job "
        f"'nightly' started before 2024-10-28T01:59:59+00:00 (the oldest run seen, "
        f"{plan.oldest_run_id}, started 2024-10-28T02:00:00+00:00); nothing was reset"
    ) in str(info.value)
    old = moto.gb.apply_rewind(plan, allow_full_reset=True)

    assert old == plan.current  # ResetJobBookmark answers with the entry it reset
    with pytest.raises(EntityNotFoundError):
        moto.gb.get_job_bookmark("nightly")


def test_the_current_run_is_nothing_to_do(moto: Moto) -> None:
    runs = week(moto)
    plan = moto.gb.plan_rewind("nightly", since=MONDAY + 10 * DAY)
    assert plan.run_id == runs[3]
    assert plan.current is not None
    assert plan.current.run_id == runs[3]
    assert not plan.has_effect

    assert moto.gb.apply_rewind(plan) == plan.current
    assert bookmark_calls("nightly")["ResetJobBookmark"] == 0


def test_failed_and_paused_runs_are_passed_over(moto: Moto) -> None:
    runs = week(moto)
    seed_run(moto, MONDAY + 4 * DAY, state="FAILED")
    seed_run(moto, MONDAY + 5 * DAY, arguments=PAUSE)
    seed_run(moto, MONDAY + 6 * DAY, state="RUNNING")
    plan = moto.gb.plan_rewind("nightly", since=MONDAY + 10 * DAY)
    assert plan.run_id == runs[3]
    assert not plan.has_effect


def test_a_run_committed_in_between_refuses_the_rewind(moto: Moto) -> None:
    week(moto)
    plan = moto.gb.plan_rewind("nightly", since=MONDAY + DAY)
    assert plan.current is not None
    seed_run(moto, MONDAY + 4 * DAY)  # commits: the version goes up
    before = moto.gb.get_job_bookmark("nightly")

    with pytest.raises(BookmarkChangedError) as info:
        moto.gb.apply_rewind(plan)

    assert (info.value.job_name, info.value.planned_version, info.value.current_version) == (
        "nightly",
        plan.current.version,
        plan.current.version + 1,
    )
    assert "changed since the rewind was planned (version 4, now 5)" in str(info.value)
    assert bookmark_calls("nightly")["ResetJobBookmark"] == 0
    assert moto.gb.get_job_bookmark("nightly") == before


def test_a_bookmark_reset_in_between_refuses_the_rewind(moto: Moto) -> None:
    week(moto)
    plan = moto.gb.plan_rewind("nightly", since=MONDAY + DAY)
    moto.gb.reset_job_bookmark("nightly")
    with pytest.raises(BookmarkChangedError, match=r"version 4, now none: no bookmark") as info:
        moto.gb.apply_rewind(plan)
    assert info.value.current_version is None


def test_a_job_without_a_bookmark_has_nothing_to_do(moto: Moto) -> None:
    create_job(moto.client, "nightly")  # bookmarks disabled: runs commit nothing
    seed_run(moto, MONDAY)
    plan = moto.gb.plan_rewind("nightly", since=MONDAY + DAY)
    assert plan.current is None
    assert not plan.has_effect
    assert moto.gb.apply_rewind(plan) is None
    assert bookmark_calls("nightly")["ResetJobBookmark"] == 0


def test_a_job_that_does_not_exist(moto: Moto) -> None:
    with pytest.raises(EntityNotFoundError):
        moto.gb.plan_rewind("ghost", since=MONDAY)


def test_every_page_of_runs_is_read(
    glue_moto_client: GlueClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_rewind, "_JOB_RUNS_PAGE_SIZE", 2)
    create_job(glue_moto_client, "nightly", DefaultArguments=ENABLE)
    runs = [seed_job_run("nightly", started_on=MONDAY + day * DAY) for day in range(5)]
    gb = GlueBookmarks(client=glue_moto_client)
    sent = requests_sent(gb)

    plan = gb.plan_rewind("nightly", since=MONDAY + 4 * DAY + timedelta(hours=1))

    assert plan.run_id == runs[4]  # on the third page
    assert sent == ["AWSGlue.GetJobRuns"] * 3 + ["AWSGlue.GetJobBookmark"]


@pytest.mark.parametrize(
    ("since", "message"),
    [
        (datetime(2026, 11, 20), "since must be timezone-aware"),
        (datetime.now(timezone.utc) + timedelta(hours=1), "since is in the future"),
        ("2026-11-20T00:00:00Z", "since must be a timezone-aware datetime, got str"),
    ],
)
def test_a_bad_since_sends_nothing(glue_moto_client: GlueClient, since: Any, message: str) -> None:
    gb = GlueBookmarks(client=glue_moto_client)
    sent = requests_sent(gb)
    with pytest.raises(InvalidParameterError, match=message) as info:
        gb.plan_rewind("nightly", since=since)
    assert info.value.parameter == "since"
    with pytest.raises(InvalidParameterError, match="job_name must be 1 to 255"):
        gb.plan_rewind("", since=MONDAY)
    assert sent == []


def test_apply_takes_a_plan_only(glue_moto_client: GlueClient) -> None:
    gb = GlueBookmarks(client=glue_moto_client)
    sent = requests_sent(gb)
    with pytest.raises(InvalidParameterError, match="plan must be a RewindPlan, got str"):
        gb.apply_rewind("nightly")  # type: ignore[arg-type]
    assert sent == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda page: page.update(JobRuns="many"), "JobRuns"),
        (lambda page: page["JobRuns"].append(7), "JobRuns[1]"),
        (lambda page: page["JobRuns"][0].update(StartedOn="monday"), "JobRuns[0].StartedOn"),
        (lambda page: page["JobRuns"][0].update(Id=None), "JobRuns[0].Id"),
    ],
)
def test_a_page_that_does_not_fit_is_a_typed_error(
    glue_moto_client: GlueClient, change: Any, field: str
) -> None:
    create_job(glue_moto_client, "nightly", DefaultArguments=ENABLE)
    seed_job_run("nightly", started_on=MONDAY)
    gb = GlueBookmarks(client=glue_moto_client)
    gb._get_client().meta.events.register(
        "after-call.glue.GetJobRuns", lambda parsed, **_: change(parsed)
    )
    with pytest.raises(ResponseValidationError) as info:
        gb.plan_rewind("nightly", since=MONDAY + DAY)
    assert (info.value.field, info.value.operation_name) == (field, "GetJobRuns")
    assert f"the GetJobRuns answer's {field} is not" in str(info.value)


def test_a_start_time_without_a_zone_is_utc() -> None:
    page = {
        "JobRuns": [{"Id": "jr_1", "JobRunState": "SUCCEEDED", "StartedOn": datetime(2026, 1, 1)}]
    }
    assert committing_runs(page) == [
        RunStart(run_id="jr_1", started_on=datetime(2026, 1, 1, tzinfo=timezone.utc))
    ]


def test_choose_run_takes_the_latest_start_strictly_before_since() -> None:
    first = RunStart(run_id="a", started_on=MONDAY)
    same = RunStart(run_id="b", started_on=MONDAY)
    later = RunStart(run_id="c", started_on=MONDAY + DAY)
    # Listed newest first, as Glue lists them, or oldest first, as moto does.
    assert choose_run([later, first, same], MONDAY + DAY) == first
    assert choose_run([first, same, later], MONDAY + 2 * DAY) == later
    assert choose_run([first, later], MONDAY) is None
    assert choose_run([], MONDAY) is None


def test_the_plan_is_frozen() -> None:
    plan = RewindPlan(
        job_name="nightly", since=MONDAY, run_id=None, reprocess_from=None, current=None
    )
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        plan.run_id = "jr_1"  # type: ignore[misc]
    entry = JobBookmarkEntry(job_name="nightly", run_id="jr_1")
    assert attrs.evolve(plan, current=entry).has_effect  # a full reset of a bookmark
