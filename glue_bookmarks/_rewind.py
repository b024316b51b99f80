"""`RewindPlan`, the choice of the run to rewind to, and the two operations: plan and apply.

`plan_rewind` reads the job's runs and its entry and chooses (`choose_run`, pure);
`apply_rewind` reads the entry again and, if it has not changed and no run of the job is
active, resets the bookmark.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Final

import attrs

from glue_bookmarks._entry import JobBookmarkEntry
from glue_bookmarks._exceptions import BookmarkChangedError, InvalidParameterError
from glue_bookmarks._jobs import JOB_RUNS_PAGE_SIZE, RunStart, committing_runs
from glue_bookmarks._operations import (
    Operation,
    all_pages,
    check_idle,
    current_entry,
    reset_job_bookmark,
)
from glue_bookmarks._validation import check_flag, check_name, check_time

__all__ = ["RewindPlan", "apply_rewind", "choose_run", "plan_rewind"]

# A name of this module's own, so a test can page the history in pieces.
_JOB_RUNS_PAGE_SIZE: Final = JOB_RUNS_PAGE_SIZE


@attrs.frozen(kw_only=True)
class RewindPlan:
    """What rewinding a job's bookmark to a time would do, before anything is changed.

    Made by `GlueBookmarks.plan_rewind()`; `GlueBookmarks.apply_rewind()` carries it out.
    The precision is one run: a bookmark can only be rewound to a run, so data is reprocessed
    from the start of the latest succeeded run that started before `since` (earlier than
    `since`, never later), or from the very beginning when no run started before it. Every
    source of the job is rewound, and the files an earlier run wrote to its targets are not
    cleaned: a job that appends writes that data again.

    Attributes:
        job_name: The job.
        since: The time asked for (timezone-aware).
        run_id: The run to rewind to: the latest succeeded run that started before `since`;
            None for a full reset (no such run).
        reprocess_from: When that run started: data from then on is processed again. None
            with a full reset: all the job's data is processed again.
        current: The job's entry when the plan was made; None when it had no bookmark.
        oldest_run_id: The oldest succeeded run the history holds that may have committed,
            which says why a plan is a full reset; None when it holds none.
        oldest_started_on: When that run started; None when the history holds none.
    """

    job_name: str
    since: datetime
    run_id: str | None
    reprocess_from: datetime | None
    current: JobBookmarkEntry | None
    oldest_run_id: str | None = None
    oldest_started_on: datetime | None = None

    @property
    def is_full_reset(self) -> bool:
        """Whether applying the plan resets the bookmark fully: every file of every source
        is processed again. `apply_rewind()` refuses it unless asked (`allow_full_reset`)."""
        return self.run_id is None and self.has_effect

    @property
    def full_reset_reason(self) -> str:
        """Why the plan is a full reset, in one sentence."""
        seen = (
            "the run history holds no succeeded run"
            if self.oldest_started_on is None
            else f"the oldest run seen, {self.oldest_run_id}, started "
            f"{self.oldest_started_on.isoformat()}"
        )
        return f"no run of job {self.job_name!r} started before {self.since.isoformat()} ({seen})"

    @property
    def has_effect(self) -> bool:
        """Whether applying the plan would change the bookmark.

        False when the job has no bookmark (its next run with bookmarks enabled processes all
        its data anyway, and Glue has nothing to reset), and when the run to rewind to is the
        one the bookmark already stands at.
        """
        if self.current is None:
            return False
        return self.run_id is None or self.run_id != self.current.run_id


def choose_run(runs: Iterable[RunStart], since: datetime) -> RunStart | None:
    """The latest of `runs` that started before `since`, or None when none did.

    Of runs that started at the same time, the first given wins.
    """
    chosen: RunStart | None = None
    for run in runs:
        if run.started_on < since and (chosen is None or run.started_on > chosen.started_on):
            chosen = run
    return chosen


def plan_rewind(job_name: str, since: datetime) -> Operation[RewindPlan]:
    """Plan a rewind: `GlueBookmarks.plan_rewind()`, checked, before any request."""
    check_name("job_name", job_name)
    return _plan_rewind(job_name, check_time("since", since))


def _plan_rewind(job_name: str, since: datetime) -> Operation[RewindPlan]:
    params = {"JobName": job_name, "MaxResults": _JOB_RUNS_PAGE_SIZE}
    runs = yield from all_pages("GetJobRuns", params, committing_runs)
    chosen = choose_run(runs, since)
    oldest = min(runs, key=lambda run: run.started_on, default=None)
    return RewindPlan(
        job_name=job_name,
        since=since,
        run_id=None if chosen is None else chosen.run_id,
        reprocess_from=None if chosen is None else chosen.started_on,
        current=(yield from current_entry(job_name)),
        oldest_run_id=None if oldest is None else oldest.run_id,
        oldest_started_on=None if oldest is None else oldest.started_on,
    )


def apply_rewind(
    plan: RewindPlan, allow_full_reset: bool, force: bool = False
) -> Operation[JobBookmarkEntry | None]:
    """Carry out a plan: `GlueBookmarks.apply_rewind()`, checked, before any request."""
    if not isinstance(plan, RewindPlan):
        raise InvalidParameterError(
            f"plan must be a RewindPlan, got {type(plan).__name__}", parameter="plan"
        )
    check_flag("allow_full_reset", allow_full_reset)
    check_flag("force", force)
    if plan.is_full_reset and not allow_full_reset:
        raise InvalidParameterError(
            f"the plan is a full reset, which processes all the job's data again: "
            f"{plan.full_reset_reason}; nothing was reset. Pass allow_full_reset=True to "
            "reset it fully",
            parameter="allow_full_reset",
        )
    return _apply_rewind(plan, force)


def _apply_rewind(plan: RewindPlan, force: bool) -> Operation[JobBookmarkEntry | None]:
    current = yield from current_entry(plan.job_name)
    planned = None if plan.current is None else plan.current.version
    now = None if current is None else current.version
    if planned != now:
        raise BookmarkChangedError(
            f"the bookmark of job {plan.job_name!r} changed since the rewind was planned "
            f"(version {_version_text(planned)}, now {_version_text(now)}); nothing was "
            "reset: plan again",
            job_name=plan.job_name,
            planned_version=planned,
            current_version=now,
        )
    if not plan.has_effect:
        return current
    if not force:
        # Last before the reset: the less time between the two, the less a run that starts
        # in between can escape it.
        yield from check_idle(plan.job_name, "pass force=True")
    entry: JobBookmarkEntry = yield from reset_job_bookmark(plan.job_name, plan.run_id).steps()
    return entry


def _version_text(version: int | None) -> str:
    return "none: no bookmark" if version is None else str(version)
