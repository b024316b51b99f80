"""`BackfillPlan`, the choice of the window of runs to process again, and the two operations:
plan and start.

Glue processes such a window in a run of its own, the bookmark untouched: a run with
`--job-bookmark-option job-bookmark-pause` and `--job-bookmark-from` / `--job-bookmark-to`
run ids processes the input of the runs after the first, up to and including the second, and
commits nothing. `plan_backfill` reads the job's runs (one paginated `GetJobRuns` walk) and
chooses (`choose_window`, pure); `start_backfill` checks that no run of the job is active and
starts that run (`StartJobRun`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, Final

import attrs

from glue_bookmarks._calls import Call
from glue_bookmarks._exceptions import InvalidParameterError
from glue_bookmarks._jobs import (
    BOOKMARK_FROM_ARGUMENT,
    BOOKMARK_OPTION_ARGUMENT,
    BOOKMARK_TO_ARGUMENT,
    JOB_RUNS_PAGE_SIZE,
    RunStart,
    committing_runs,
    started_run_id,
)
from glue_bookmarks._operations import Operation, all_pages, check_idle
from glue_bookmarks._rewind import choose_run
from glue_bookmarks._validation import check_flag, check_name, check_time

__all__ = [
    "PLAN_ARGUMENTS",
    "BackfillPlan",
    "check_arguments",
    "choose_window",
    "plan_backfill",
    "start_backfill",
]

# A name of this module's own, so a test can page the history in pieces.
_JOB_RUNS_PAGE_SIZE: Final = JOB_RUNS_PAGE_SIZE

# The run arguments a plan sets, which the caller's cannot override.
PLAN_ARGUMENTS: Final = (BOOKMARK_OPTION_ARGUMENT, BOOKMARK_FROM_ARGUMENT, BOOKMARK_TO_ARGUMENT)
_PAUSE: Final = "job-bookmark-pause"
# `until` left out: every run, however late it started, is before it.
_END_OF_TIME: Final = datetime.max.replace(tzinfo=timezone.utc)


@attrs.frozen(kw_only=True)
class BackfillPlan:
    """What backfilling a window of a job's input would do, before anything is started.

    Made by `GlueBookmarks.plan_backfill()`; `GlueBookmarks.start_backfill()` starts the run.
    The run processes again the input of `runs`, the job's runs after `from_run` up to and
    including `to_run`, and leaves the bookmark as it is. The precision is one run: the window
    holds the runs that started from `since` up to `until`, and their input is data that
    arrived from the start of `from_run` (before `since`) to the start of `to_run` (before
    `until`). Every source of the job is read that way, and files earlier runs wrote to its
    targets are not cleaned.

    The runs are those that succeeded with bookmarks in effect (a paused or disabled run, or
    one that did not succeed, committed no input of its own), each with its id and start.

    Attributes:
        job_name: The job.
        since: The start of the window asked for (timezone-aware).
        until: Its end as asked for (timezone-aware); None for up to the latest run.
        from_run: The latest run that started before `since`: its input, and all input
            before it, is not processed again (`--job-bookmark-from`).
        to_run: The latest run that started before `until` (or the latest run): its input is
            the last processed (`--job-bookmark-to`).
        runs: The runs whose input is processed again, oldest first; the last is `to_run`.
    """

    job_name: str
    since: datetime
    until: datetime | None
    from_run: RunStart
    to_run: RunStart
    runs: tuple[RunStart, ...]

    @property
    def arguments(self) -> dict[str, str]:
        """The run arguments that make the window: `--job-bookmark-option
        job-bookmark-pause`, `--job-bookmark-from` and `--job-bookmark-to` (a new dict)."""
        return {
            BOOKMARK_OPTION_ARGUMENT: _PAUSE,
            BOOKMARK_FROM_ARGUMENT: self.from_run.run_id,
            BOOKMARK_TO_ARGUMENT: self.to_run.run_id,
        }


def _window_text(since: datetime, until: datetime | None) -> str:
    end = "now" if until is None else until.isoformat()
    return f"from {since.isoformat()} to {end}"


def _bounds(runs: Sequence[RunStart], until: datetime | None) -> str:
    """Which `since` works with `until`, given the runs (at least one): one sentence."""
    oldest = min(runs, key=lambda run: run.started_on)
    oldest_text = f"the oldest such run, {oldest.run_id}, started {oldest.started_on.isoformat()}"
    last = choose_run(runs, _END_OF_TIME if until is None else until)
    if last is None:  # until is not None: every run started at or after it
        return f"no since works with this until: no such run started before it, and {oldest_text}"
    if last.started_on <= oldest.started_on:
        before = "" if until is None else " before until"
        return (
            f"no since works{'' if until is None else ' with this until'}: a backfill needs one "
            f"such run before the window and one in it, and the history holds one{before}, "
            f"{oldest.run_id}, started {oldest.started_on.isoformat()}"
        )
    latest = "the latest run" if until is None else "the latest before until"
    return (
        f"the earliest since that works is just after {oldest.started_on.isoformat()}, when "
        f"the oldest such run, {oldest.run_id}, started; the latest is "
        f"{last.started_on.isoformat()}, when {last.run_id}, {latest}, started"
    )


def choose_window(
    job_name: str, runs: Iterable[RunStart], since: datetime, until: datetime | None
) -> BackfillPlan:
    """The plan of a window of `runs` (the job's runs that may have committed), or the
    refusal that says which `since` works."""
    ordered = sorted(runs, key=lambda run: run.started_on)
    what = f"succeeded run of job {job_name!r} with bookmarks in effect"
    if not ordered:
        raise InvalidParameterError(
            f"the run history holds no {what}: there is no processed input to backfill",
            parameter="job_name",
        )
    from_run = choose_run(ordered, since)
    if from_run is None:
        raise InvalidParameterError(
            f"no {what} started before since ({since.isoformat()}): a backfill processes the "
            f"input after such a run; {_bounds(ordered, until)}",
            parameter="since",
        )
    to_run = choose_run(ordered, _END_OF_TIME if until is None else until)
    window = [
        run
        for run in ordered
        if to_run is not None and from_run.started_on < run.started_on <= to_run.started_on
    ]
    if to_run is None or not window:
        raise InvalidParameterError(
            f"the window {_window_text(since, until)} holds no {what}: nothing to process "
            f"again; {_bounds(ordered, until)}",
            parameter="since",
        )
    return BackfillPlan(
        job_name=job_name,
        since=since,
        until=until,
        from_run=from_run,
        to_run=to_run,
        runs=tuple(window),
    )


def plan_backfill(
    job_name: str, since: datetime, until: datetime | None
) -> Operation[BackfillPlan]:
    """Plan a backfill: `GlueBookmarks.plan_backfill()`, checked, before any request."""
    check_name("job_name", job_name)
    since = check_time("since", since)
    if until is not None:
        until = check_time("until", until)
        if until <= since:
            raise InvalidParameterError(
                f"until ({until.isoformat()}) must be later than since ({since.isoformat()})",
                parameter="until",
            )
    return _plan_backfill(job_name, since, until)


def _plan_backfill(
    job_name: str, since: datetime, until: datetime | None
) -> Operation[BackfillPlan]:
    params = {"JobName": job_name, "MaxResults": _JOB_RUNS_PAGE_SIZE}
    runs = yield from all_pages("GetJobRuns", params, committing_runs)
    return choose_window(job_name, runs, since, until)


def check_arguments(arguments: object) -> dict[str, str]:
    """The caller's run arguments as a new dict, if they are strings and set none of the
    plan's; raise if not."""
    if arguments is None:
        return {}
    if not isinstance(arguments, Mapping) or not all(
        type(key) is str and type(value) is str for key, value in arguments.items()
    ):
        raise InvalidParameterError(
            f"arguments must be a mapping of str to str or None, got {arguments!r:.200}",
            parameter="arguments",
        )
    taken = [key for key in PLAN_ARGUMENTS if key in arguments]
    if taken:
        raise InvalidParameterError(
            f"arguments may not set {', '.join(taken)}: the plan sets "
            f"{', '.join(PLAN_ARGUMENTS)}, which make the window",
            parameter="arguments",
        )
    return dict(arguments)


def start_backfill(
    plan: BackfillPlan, arguments: Mapping[str, str] | None, force: bool
) -> Operation[str]:
    """Start a plan's run: `GlueBookmarks.start_backfill()`, checked, before any request."""
    if not isinstance(plan, BackfillPlan):
        raise InvalidParameterError(
            f"plan must be a BackfillPlan, got {type(plan).__name__}", parameter="plan"
        )
    merged = {**check_arguments(arguments), **plan.arguments}
    check_flag("force", force)
    return _start_backfill(plan.job_name, merged, force)


def _start_backfill(job_name: str, arguments: dict[str, str], force: bool) -> Operation[str]:
    if not force:
        yield from check_idle(job_name, "pass force=True")
    answer: Mapping[str, Any] = yield Call(
        "StartJobRun", {"JobName": job_name, "Arguments": arguments}
    )
    return started_run_id(answer)
