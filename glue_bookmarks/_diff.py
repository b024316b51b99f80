"""Snapshots and what changed between two: `load_snapshot()`, `diff_bookmarks()`.

A snapshot is the document `glue-bookmarks list --output json` prints. Its keys (`JobBookmarks`,
`JobName`, `Status`, `JobBookmarkEntry`, `Error`) are read here; the entry's own wire form is
`_entry`'s. Loading checks each entry's shape (seven type checks) but parses no bookmark
state; `diff_bookmarks()` parses the states only of the entries that changed, and counts the
files added to an include list with one set difference.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import datetime
from typing import IO, Any, Final, Literal

import attrs

from glue_bookmarks._entry import JobBookmarkEntry
from glue_bookmarks._exceptions import BookmarkParseError, InvalidParameterError, SnapshotError
from glue_bookmarks._state import BookmarkState, HadoopSourceState

__all__ = ["DiffStatus", "JobDiff", "SourceDiff", "diff_bookmarks", "load_snapshot"]

DiffStatus = Literal["unchanged", "advanced", "rewound", "reset", "appeared", "disappeared"]

# The statuses `list` writes: what each says of the job's bookmark.
_WITH_ENTRY: Final = "ok"
_NO_BOOKMARK: Final = "no-bookmark"
_JOB_NOT_FOUND: Final = "job-not-found"
_ERROR: Final = "error"
_STATUSES: Final = (_WITH_ENTRY, _NO_BOOKMARK, _JOB_NOT_FOUND, _ERROR)


@attrs.frozen(kw_only=True)
class SourceDiff:
    """How one source of a job's bookmark moved between two entries.

    Attributes:
        transformation_ctx: The source.
        in_before: Whether the earlier state had the source.
        in_after: Whether the later state has it.
        files_added: How many entries of the later `INCLUDE_LIST` the earlier one did not
            hold (all of them for a new source); None for a source whose `jsonClass` this
            library does not model (JDBC, for example) on either side.
        latest_partition_before: The earlier `CURR_LATEST_PARTITION`, or None (none, or
            not a modelled source).
        latest_partition_after: The later one, likewise.
    """

    transformation_ctx: str
    in_before: bool
    in_after: bool
    files_added: int | None
    latest_partition_before: datetime | None
    latest_partition_after: datetime | None

    @property
    def partition_moved(self) -> bool:
        """Whether the latest partition is not where it was."""
        return self.latest_partition_before != self.latest_partition_after


@attrs.frozen(kw_only=True)
class JobDiff:
    """What changed in one job's bookmark between two snapshots.

    `status` is one of:

    - `"unchanged"`: the same entry (or no bookmark) in both.
    - `"advanced"`: the run went up (a run committed; a first bookmark counts as one); or,
      for the same run, the version or attempt did. `sources` says how each source moved.
    - `"rewound"`: the run went back (a rewind to an earlier run, or a reset followed by
      new runs).
    - `"reset"`: the bookmark is gone, or its state lost every source it had.
    - `"appeared"`: the job is only in the later snapshot.
    - `"disappeared"`: the job is only in the earlier one (deleted, or not listed).

    Attributes:
        job_name: The job.
        status: As above.
        before: The earlier entry; None for no bookmark (or not in the snapshot).
        after: The later entry, likewise.
        sources: For `"advanced"`, one `SourceDiff` per source of either state, in the later
            state's order and then the dropped ones; empty otherwise, and when a state does
            not parse (see `error`).
        error: For `"advanced"`, the `BookmarkParseError` of a state that does not parse;
            None otherwise.
    """

    job_name: str
    status: DiffStatus
    before: JobBookmarkEntry | None
    after: JobBookmarkEntry | None
    sources: tuple[SourceDiff, ...] = ()
    error: BookmarkParseError | None = None


# -- snapshots -----------------------------------------------------------------------------------


def _snapshot_error(problem: str, source: str | None, field: str | None) -> SnapshotError:
    where = "the snapshot" if source is None else f"{source}"
    if field is not None:
        where += f", {field},"
    return SnapshotError(
        f"{where} is not a snapshot as `glue-bookmarks list --output json` writes it: {problem}",
        source=source,
        field=field,
    )


def _name_of(file: str | os.PathLike[str] | IO[str] | IO[bytes]) -> str | None:
    if isinstance(file, str | os.PathLike):
        return os.fspath(file)
    name = getattr(file, "name", None)
    return name if isinstance(name, str) else None


def load_snapshot(
    file: str | os.PathLike[str] | IO[str] | IO[bytes],
) -> dict[str, JobBookmarkEntry | None]:
    """Read a snapshot: what `glue-bookmarks list --output json` printed, saved to a file.

    Each job maps to its entry, or to None for a job without a bookmark (`"no-bookmark"`).
    A job that did not exist (`"job-not-found"`) is left out, so `diff_bookmarks()` calls it
    appeared or disappeared. A job whose bookmark could not be read (`"error"`) has no known
    state to compare, so the snapshot is refused; one whose state did not parse keeps its
    entry. Bookmark states are not parsed here.

    Args:
        file: A path, or a file opened for reading (text or binary).

    Returns:
        A new dict from job name to entry or None, in the snapshot's order.

    Raises:
        SnapshotError: The file cannot be read, is not JSON, or is not such a snapshot; the
            message names the file and the offending field.
    """
    source = _name_of(file)
    try:
        if isinstance(file, str | os.PathLike):
            with open(file, "rb") as stream:
                document = json.load(stream)
        else:
            document = json.load(file)
    except OSError as exc:
        raise _snapshot_error(f"cannot be read: {exc.strerror or exc}", source, None) from exc
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        raise _snapshot_error(f"not JSON: {exc}", source, None) from exc
    return _snapshot(document, source)


def _snapshot(document: object, source: str | None) -> dict[str, JobBookmarkEntry | None]:
    if type(document) is not dict:
        raise _snapshot_error(
            f"expected a JSON object, got {type(document).__name__}", source, None
        )
    items = document.get("JobBookmarks")
    if type(items) is not list:
        problem = "is missing" if items is None else f"expected an array, got {items!r:.80}"
        raise _snapshot_error(problem, source, "JobBookmarks")
    snapshot: dict[str, JobBookmarkEntry | None] = {}
    for index, item in enumerate(items):
        field = f"JobBookmarks[{index}]"
        if type(item) is not dict:
            raise _snapshot_error(f"expected an object, got {item!r:.80}", source, field)
        name, status = item.get("JobName"), item.get("Status")
        if type(name) is not str or not name:
            raise _snapshot_error(
                f"expected a job name, got {name!r:.80}", source, f"{field}.JobName"
            )
        if name in snapshot:
            raise _snapshot_error(f"job {name!r} is listed twice", source, f"{field}.JobName")
        if status not in _STATUSES:
            raise _snapshot_error(
                f"expected one of {', '.join(_STATUSES)}, got {status!r:.80}",
                source,
                f"{field}.Status",
            )
        if status == _JOB_NOT_FOUND:
            continue
        if status == _NO_BOOKMARK:
            snapshot[name] = None
            continue
        wire = item.get("JobBookmarkEntry")
        if wire is None:
            problem = (
                "is missing"
                if status == _WITH_ENTRY
                else f"job {name!r} failed in this snapshot ({_error_code(item.get('Error'))}), "
                "so its bookmark is not known; take the snapshot again"
            )
            raise _snapshot_error(problem, source, f"{field}.JobBookmarkEntry")
        # An "error" item with an entry is one whose state did not parse: the entry is known.
        snapshot[name] = _entry(wire, name, source, f"{field}.JobBookmarkEntry")
    return snapshot


def _error_code(error: object) -> str:
    if isinstance(error, dict) and isinstance(error.get("Code"), str):
        return str(error["Code"])
    return "no error given"


def _entry(wire: object, name: str, source: str | None, field: str) -> JobBookmarkEntry:
    try:
        entry = JobBookmarkEntry.from_dict(wire)  # type: ignore[arg-type]
    except InvalidParameterError as exc:
        raise _snapshot_error(str(exc), source, field) from exc
    if entry.job_name != name:
        raise _snapshot_error(
            f"JobName is {entry.job_name!r}, but the item is job {name!r}", source, field
        )
    return entry


# -- the diff ------------------------------------------------------------------------------------


def diff_bookmarks(
    before: Mapping[str, JobBookmarkEntry | None],
    after: Mapping[str, JobBookmarkEntry | None],
) -> list[JobDiff]:
    """Compare two snapshots of many jobs' bookmarks, job by job.

    States are parsed only for the jobs whose entry changed; a state that does not parse is
    reported on its job (`JobDiff.error`), not raised.

    Args:
        before: The earlier snapshot: job name to entry, or None for no bookmark, as
            `load_snapshot()` returns it.
        after: The later snapshot, likewise.

    Returns:
        One `JobDiff` per job of either snapshot: those of `before` in its order, then those
        only in `after`.

    Raises:
        InvalidParameterError: An argument is not a mapping of str to `JobBookmarkEntry` or
            None.
    """
    _check_snapshot("before", before)
    _check_snapshot("after", after)
    diffs = []
    for name, earlier in before.items():
        if name not in after:
            diffs.append(JobDiff(job_name=name, status="disappeared", before=earlier, after=None))
        else:
            diffs.append(_job_diff(name, earlier, after[name]))
    for name, later in after.items():
        if name not in before:
            diffs.append(JobDiff(job_name=name, status="appeared", before=None, after=later))
    return diffs


def _check_snapshot(parameter: str, snapshot: object) -> None:
    if not isinstance(snapshot, Mapping):
        raise InvalidParameterError(
            f"{parameter} must be a mapping of job name to JobBookmarkEntry or None, "
            f"got {type(snapshot).__name__}",
            parameter=parameter,
        )
    for name, entry in snapshot.items():
        if type(name) is not str or not (entry is None or isinstance(entry, JobBookmarkEntry)):
            raise InvalidParameterError(
                f"{parameter} must map job names to JobBookmarkEntry or None, "
                f"got {name!r:.80}: {type(entry).__name__}",
                parameter=parameter,
            )


def _job_diff(
    name: str, before: JobBookmarkEntry | None, after: JobBookmarkEntry | None
) -> JobDiff:
    if before == after:
        return JobDiff(job_name=name, status="unchanged", before=before, after=after)
    if after is None:
        return JobDiff(job_name=name, status="reset", before=before, after=after)
    if before is not None and _numbers(after) < _numbers(before):
        return JobDiff(job_name=name, status="rewound", before=before, after=after)
    try:
        earlier = BookmarkState() if before is None else before.state
        later = after.state
    except BookmarkParseError as exc:
        return JobDiff(job_name=name, status="advanced", before=before, after=after, error=exc)
    if earlier and not later:
        return JobDiff(job_name=name, status="reset", before=before, after=after)
    return JobDiff(
        job_name=name,
        status="advanced",
        before=before,
        after=after,
        sources=_source_diffs(earlier, later),
    )


def _numbers(entry: JobBookmarkEntry) -> tuple[int, int, int]:
    # The run decides; within one run, the version and then the attempt.
    return entry.run, entry.version, entry.attempt


def _source_diffs(before: BookmarkState, after: BookmarkState) -> tuple[SourceDiff, ...]:
    diffs = [_source_diff(ctx, before.get(ctx), source) for ctx, source in after.items()]
    diffs += [_source_diff(ctx, source, None) for ctx, source in before.items() if ctx not in after]
    return tuple(diffs)


def _source_diff(ctx: str, before: Any, after: Any) -> SourceDiff:
    earlier = before if isinstance(before, HadoopSourceState) else None
    later = after if isinstance(after, HadoopSourceState) else None
    files_added: int | None = None
    if later is not None:
        if earlier is None or not earlier.include_list:
            # Every file of a new source is new.
            files_added = len(set(later.include_list))
        elif later.include_list == earlier.include_list:
            files_added = 0
        else:
            files_added = len(set(later.include_list).difference(earlier.include_list))
    elif after is None and earlier is not None:
        files_added = 0  # a dropped source adds nothing
    return SourceDiff(
        transformation_ctx=ctx,
        in_before=before is not None,
        in_after=after is not None,
        files_added=files_added,
        latest_partition_before=None if earlier is None else earlier.latest_partition,
        latest_partition_after=None if later is None else later.latest_partition,
    )
