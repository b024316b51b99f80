"""`RewindPlan` and the choice of the run to rewind to: pure, no I/O.

`GlueBookmarks.plan_rewind()` reads the job's runs and its entry and hands them here;
`GlueBookmarks.apply_rewind()` acts on the plan. The wire keys of a `GetJobRuns` run (`Id`,
`StartedOn`, `JobRunState`, `Arguments`) live here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any, Final

import attrs

from glue_bookmarks._entry import JobBookmarkEntry
from glue_bookmarks._exceptions import InvalidParameterError, ResponseValidationError

__all__ = ["RewindPlan", "RunStart", "check_since", "choose_run", "runs_from_page"]

_BOOKMARK_OPTION: Final = "--job-bookmark-option"
_ENABLE: Final = "job-bookmark-enable"


@attrs.frozen(kw_only=True)
class RunStart:
    """A succeeded run that may have committed the bookmark: its id and when it started."""

    run_id: str
    started_on: datetime


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
    """

    job_name: str
    since: datetime
    run_id: str | None
    reprocess_from: datetime | None
    current: JobBookmarkEntry | None

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


def check_since(since: object, *, now: datetime | None = None) -> datetime:
    """Return `since` if it is a timezone-aware datetime not in the future; raise if not."""
    if not isinstance(since, datetime):
        raise InvalidParameterError(
            f"since must be a timezone-aware datetime, got {type(since).__name__}",
            parameter="since",
        )
    if since.utcoffset() is None:
        # A naive time could be UTC or local time; the caller says which.
        raise InvalidParameterError(
            f"since must be timezone-aware (such as datetime(..., tzinfo=timezone.utc)), "
            f"got the naive {since.isoformat()}",
            parameter="since",
        )
    now = datetime.now(timezone.utc) if now is None else now
    if since > now:
        raise InvalidParameterError(
            f"since is in the future ({since.isoformat()}); nothing after now has been "
            "processed yet",
            parameter="since",
        )
    return since


def _commits(run: Mapping[str, Any]) -> bool:
    """Whether a run may have committed the bookmark: it succeeded, and its own arguments do
    not turn bookmarks off (a paused or disabled run commits nothing)."""
    if run.get("JobRunState") != "SUCCEEDED":
        return False
    arguments = run.get("Arguments")
    option = arguments.get(_BOOKMARK_OPTION) if isinstance(arguments, Mapping) else None
    return option is None or option == _ENABLE


def _invalid(
    problem: str, field: str, status_code: int | None, request_id: str | None
) -> ResponseValidationError:
    return ResponseValidationError(
        f"the GetJobRuns answer (HTTP {status_code}, request id {request_id or 'absent'}) "
        f"does not fit: {field} {problem}",
        operation_name="GetJobRuns",
        field=field,
        status_code=status_code,
        request_id=request_id,
    )


def runs_from_page(
    page: Mapping[str, Any], *, status_code: int | None, request_id: str | None
) -> list[RunStart]:
    """The runs of one `GetJobRuns` page that may have committed the bookmark.

    Only what the choice needs is checked: the page holds a list of objects, and each run
    that may have committed has a string `Id` and a `StartedOn` time (one without a zone is
    read as UTC, as AWS times are).

    Raises:
        ResponseValidationError: The page does not fit; the message names the field.
    """
    runs = page.get("JobRuns")
    if not isinstance(runs, list):
        raise _invalid(f"is not a list: {runs!r:.200}", "JobRuns", status_code, request_id)
    found = []
    for index, run in enumerate(runs):
        if not isinstance(run, Mapping):
            raise _invalid(
                f"is not an object: {run!r:.200}", f"JobRuns[{index}]", status_code, request_id
            )
        if not _commits(run):
            continue
        run_id, started_on = run.get("Id"), run.get("StartedOn")
        if type(run_id) is not str or not run_id:
            raise _invalid(
                f"is not a run id: {run_id!r:.200}", f"JobRuns[{index}].Id", status_code, request_id
            )
        if not isinstance(started_on, datetime):
            raise _invalid(
                f"is not a time: {started_on!r:.200}",
                f"JobRuns[{index}].StartedOn",
                status_code,
                request_id,
            )
        if started_on.utcoffset() is None:
            # Glue sends epoch seconds, which botocore reads as UTC; a server that sends an
            # ISO time without a zone (moto 5.1) means UTC too.
            started_on = started_on.replace(tzinfo=timezone.utc)
        found.append(RunStart(run_id=run_id, started_on=started_on))
    return found


def choose_run(runs: Iterable[RunStart], since: datetime) -> RunStart | None:
    """The latest of `runs` that started before `since`, or None when none did.

    Of runs that started at the same time, the first given wins.
    """
    chosen: RunStart | None = None
    for run in runs:
        if run.started_on < since and (chosen is None or run.started_on > chosen.started_on):
            chosen = run
    return chosen
