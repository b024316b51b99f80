"""What a test calls to give moto jobs their bookmarks and to read what the jobs received."""

from __future__ import annotations

import secrets
from datetime import datetime, timezone
from types import EllipsisType
from typing import Final

import attrs

from glue_bookmarks import BookmarkState, InvalidParameterError, JobBookmarkEntry
from glue_bookmarks._validation import check_name
from glue_bookmarks.testing._moto import (
    BOOKMARK_OPTION,
    COUNTED_OPERATIONS,
    ENABLE,
    advance_bookmark,
    bookmarks_enabled,
    find_job,
    install,
    locked_record,
    new_job_run,
    run_arguments,
)

__all__ = [
    "JOB_RUN_STATES",
    "bookmark_calls",
    "seed_job_bookmark",
    "seed_job_run",
    "set_bookmark_state",
]

# Glue's JobRunState values (botocore's service model lists the same; a test checks).
JOB_RUN_STATES: Final = frozenset(
    {
        "STARTING",
        "RUNNING",
        "STOPPING",
        "STOPPED",
        "SUCCEEDED",
        "FAILED",
        "TIMEOUT",
        "ERROR",
        "WAITING",
        "EXPIRED",
    }
)


def _check_count(parameter: str, value: object) -> int:
    # bool is an int to isinstance(), and never what a test means by a count.
    if type(value) is not int or value < 0:
        raise InvalidParameterError(
            f"{parameter} must be a non-negative int, got {value!r}", parameter=parameter
        )
    return value


def _bookmark_string(job_bookmark: object) -> str | None:
    if job_bookmark is None or isinstance(job_bookmark, str):
        return job_bookmark
    if isinstance(job_bookmark, BookmarkState):
        return job_bookmark.to_json()
    raise InvalidParameterError(
        f"job_bookmark must be a BookmarkState, a str or None, got {type(job_bookmark).__name__}",
        parameter="job_bookmark",
    )


def _check_time(value: object, parameter: str = "started_on") -> datetime:
    if not isinstance(value, datetime):
        raise InvalidParameterError(
            f"{parameter} must be a datetime, got {type(value).__name__}", parameter=parameter
        )
    # A naive time could be UTC or local time; the test says which.
    if value.utcoffset() is None:
        raise InvalidParameterError(
            f"{parameter} must be timezone-aware, got {value.isoformat()}", parameter=parameter
        )
    # moto keeps the time in UTC, which the first and last hours of datetime's range leave.
    try:
        value.astimezone(timezone.utc)
    except OverflowError:
        raise InvalidParameterError(
            f"{parameter} must be within years 1 to 9999 in UTC, got {value.isoformat()}",
            parameter=parameter,
        ) from None
    return value


def _check_state(value: object) -> str:
    if not isinstance(value, str) or value not in JOB_RUN_STATES:
        raise InvalidParameterError(
            f"state must be one of {', '.join(sorted(JOB_RUN_STATES))}, got {value!r}",
            parameter="state",
        )
    return value


def _check_arguments(value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(key, str) and isinstance(item, str) for key, item in value.items()
    ):
        raise InvalidParameterError(
            f"arguments must be a dict of str to str, got {value!r}", parameter="arguments"
        )
    return dict(value)


def seed_job_bookmark(
    job_name: str,
    *,
    version: int = 1,
    run: int = 1,
    attempt: int = 0,
    run_id: str | None = None,
    previous_run_id: str | None = None,
    job_bookmark: BookmarkState | str | None = None,
    account_id: str | None = None,
    region_name: str | None = None,
) -> JobBookmarkEntry:
    """Give a moto Glue job the bookmark entry `GetJobBookmark` will return.

    The job must exist already (create it with moto's `create_job`). Seeding again replaces
    the current entry. An entry with a `run_id` is also recorded as that run's, so a test can
    seed several runs one after another and then rewind to any of them. Calls `install()`.

    Args:
        job_name: The job, as created in moto.
        version: The entry's `Version`.
        run: The entry's `Run`.
        attempt: The entry's `Attempt`.
        run_id: The entry's `RunId`; left out of answers when None.
        previous_run_id: The entry's `PreviousRunId`; left out of answers when None.
        job_bookmark: The bookmark: a `BookmarkState` (written with `to_json()`), or a raw
            string returned exactly as given (it is not checked to be JSON, so a test can
            seed a malformed one).
        account_id: moto's account; by default moto's default account.
        region_name: The region; by default the one botocore would use (`AWS_DEFAULT_REGION`,
            the profile), else `us-east-1`.

    Returns:
        The entry as seeded.

    Raises:
        ImportError: moto is not installed.
        InvalidParameterError: The job does not exist in that account and region, or a value
            has the wrong type.
    """
    install()
    entry = JobBookmarkEntry(
        job_name=check_name("job_name", job_name),
        version=_check_count("version", version),
        run=_check_count("run", run),
        attempt=_check_count("attempt", attempt),
        run_id=None if run_id is None else check_name("run_id", run_id),
        previous_run_id=(
            None if previous_run_id is None else check_name("previous_run_id", previous_run_id)
        ),
        job_bookmark=_bookmark_string(job_bookmark),
    )
    with locked_record(find_job(job_name, account_id, region_name)) as record:
        record.set_entry(entry)
    return entry


def set_bookmark_state(
    job_name: str,
    job_bookmark: BookmarkState | str | None,
    *,
    account_id: str | None = None,
    region_name: str | None = None,
) -> JobBookmarkEntry:
    """Set the bookmark state that the job's latest run committed.

    moto runs execute no script, so a test plays the script's part: start a run with
    bookmarks enabled, then set what it would have committed. Only the entry's
    `JobBookmark` changes; the next run with bookmarks enabled carries it on, and a rewind
    to the latest run restores it. Calls `install()`.

    Args:
        job_name: The job, as created in moto.
        job_bookmark: A `BookmarkState` (written with `to_json()`), or a raw string stored
            exactly as given; None removes the state.
        account_id: moto's account; by default moto's default account.
        region_name: The region; by default the one botocore would use, else `us-east-1`.

    Returns:
        The job's entry with the new state.

    Raises:
        ImportError: moto is not installed.
        InvalidParameterError: The job does not exist, has no bookmark yet (start a run with
            bookmarks enabled, or use `seed_job_bookmark()`), or `job_bookmark` has the
            wrong type.
    """
    install()
    text = _bookmark_string(job_bookmark)
    with locked_record(find_job(job_name, account_id, region_name)) as record:
        if record.entry is None:
            raise InvalidParameterError(
                f"job {job_name!r} has no bookmark yet: start a run with "
                f"{BOOKMARK_OPTION} job-bookmark-enable, or use seed_job_bookmark()",
                parameter="job_name",
            )
        entry = attrs.evolve(record.entry, job_bookmark=text)
        record.set_entry(entry)
    return entry


def bookmark_calls(
    job_name: str, *, account_id: str | None = None, region_name: str | None = None
) -> dict[str, int]:
    """Count the calls a moto job has received, by operation.

    Counted per job, for as long as the job lives (like its bookmark): every
    `GetJobBookmark`, `ResetJobBookmark` and `StartJobRun` naming the job, including those
    answered with an error such as "no bookmark yet". Calls naming a job that does not exist
    are not counted anywhere. Calls `install()`.

    Args:
        job_name: The job, as created in moto.
        account_id: moto's account; by default moto's default account.
        region_name: The region; by default the one botocore would use, else `us-east-1`.

    Returns:
        A new dict with all three operations, such as
        `{"GetJobBookmark": 2, "ResetJobBookmark": 0, "StartJobRun": 1}`.

    Raises:
        ImportError: moto is not installed.
        InvalidParameterError: The job does not exist in that account and region.
    """
    install()
    with locked_record(find_job(job_name, account_id, region_name)) as record:
        return {operation: record.calls[operation] for operation in COUNTED_OPERATIONS}


def seed_job_run(
    job_name: str,
    *,
    started_on: datetime,
    state: str = "SUCCEEDED",
    completed_on: datetime | None = None,
    run_id: str | None = None,
    arguments: dict[str, str] | None = None,
    job_bookmark: BookmarkState | str | EllipsisType | None = ...,
    account_id: str | None = None,
    region_name: str | None = None,
) -> str:
    """Add a finished (or still running) run to a moto Glue job, without waiting for one.

    moto's `GetJobRuns` and `GetJobRun` return the run with the given `StartedOn`,
    `CompletedOn` (and `LastModifiedOn`: `completed_on`, or `started_on` when not given),
    `JobRunState` and `Arguments` (merged with the job's default and non-overridable
    arguments, as for a started run); its state stays as seeded. Runs are listed in the order
    they were started or seeded.

    A run that `SUCCEEDED` with `--job-bookmark-option job-bookmark-enable` in effect commits
    its bookmark, as a run started with `StartJobRun` does: `Version` and `Run` one above the
    current entry, `PreviousRunId` the current `RunId`, `RunId` this run's id, and the
    `JobBookmark` given here (or the current one). That entry becomes current and is recorded
    as the run's, so `ResetJobBookmark` with this `RunId` restores it. Runs are committed in
    the order they are seeded, whatever their `started_on`. Any other run leaves the bookmark
    as it was. Seeded runs are not counted by `bookmark_calls()`. Calls `install()`.

    Args:
        job_name: The job, as created in moto.
        started_on: When the run started; timezone-aware.
        state: The run's `JobRunState`, one of Glue's: `SUCCEEDED`, `FAILED`, `RUNNING`, ...
            A `STARTING` or `RUNNING` run counts against the job's `MaxConcurrentRuns`.
        completed_on: When the run ended; timezone-aware, not before `started_on`. By
            default `started_on`: the run took no time.
        run_id: The run's id; by default a new one in Glue's form (`jr_` and 64 hex digits).
        arguments: The run's own arguments, such as
            `{"--job-bookmark-option": "job-bookmark-pause"}`.
        job_bookmark: What the run committed, for a run that commits one: a `BookmarkState`
            (written with `to_json()`), a raw string stored exactly as given, or None for no
            state. Left out, the run carries the current entry's `JobBookmark` on.
        account_id: moto's account; by default moto's default account.
        region_name: The region; by default the one botocore would use, else `us-east-1`.

    Returns:
        The run's id.

    Raises:
        ImportError: moto is not installed.
        InvalidParameterError: The job does not exist; the job already has a run with that
            id; `job_bookmark` is given for a run that commits none (one that did not succeed,
            or ran without bookmarks enabled); or a value has the wrong type.
    """
    install()
    check_name("job_name", job_name)
    started_on = _check_time(started_on)
    completed_on = started_on if completed_on is None else _check_time(completed_on, "completed_on")
    if completed_on < started_on:
        raise InvalidParameterError(
            f"completed_on must not be before started_on, got {completed_on.isoformat()} "
            f"before {started_on.isoformat()}",
            parameter="completed_on",
        )
    state = _check_state(state)
    run_id = "jr_" + secrets.token_hex(32) if run_id is None else check_name("run_id", run_id)
    text = None if job_bookmark is ... else _bookmark_string(job_bookmark)
    job = find_job(job_name, account_id, region_name)
    merged = run_arguments(job, _check_arguments(arguments))
    commits = state == "SUCCEEDED" and bookmarks_enabled(merged)
    if job_bookmark is not ... and not commits:
        raise InvalidParameterError(
            f"job_bookmark is committed only by a SUCCEEDED run with {BOOKMARK_OPTION} "
            f"{ENABLE}; this run is {state}, with {BOOKMARK_OPTION} "
            f"{merged.get(BOOKMARK_OPTION, 'job-bookmark-disable')}",
            parameter="job_bookmark",
        )
    run = new_job_run(
        job,
        run_id=run_id,
        # moto keeps naive UTC times, and answers with them as such.
        started_on=started_on.astimezone(timezone.utc).replace(tzinfo=None),
        completed_on=completed_on.astimezone(timezone.utc).replace(tzinfo=None),
        state=state,
        arguments=merged,
    )
    with locked_record(job) as record:
        if any(existing.job_run_id == run_id for existing in job.job_runs):
            raise InvalidParameterError(
                f"job {job_name!r} already has a run {run_id!r}", parameter="run_id"
            )
        job.job_runs.append(run)
        if commits:
            entry = advance_bookmark(record, job.name, run_id)
            if job_bookmark is not ...:
                record.set_entry(attrs.evolve(entry, job_bookmark=text))
    return run_id
