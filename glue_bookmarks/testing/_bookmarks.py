"""What a test calls to give moto jobs their bookmarks and to read what the jobs received."""

from __future__ import annotations

import attrs

from glue_bookmarks import BookmarkState, InvalidParameterError, JobBookmarkEntry
from glue_bookmarks._validation import check_name
from glue_bookmarks.testing._moto import (
    BOOKMARK_OPTION,
    COUNTED_OPERATIONS,
    find_job,
    install,
    locked_record,
)

__all__ = ["bookmark_calls", "seed_job_bookmark", "set_bookmark_state"]


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
