"""The moto side of the extension: the bookmark kept per moto job, and moto's Glue handlers.

moto is imported inside the functions that need it, so `import glue_bookmarks.testing` works
without the `testing` extra and only using the extension needs moto.
"""

from __future__ import annotations

import collections
import contextlib
import json
import threading
import weakref
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Final

import attrs
import botocore.session

from glue_bookmarks import InvalidParameterError, JobBookmarkEntry
from glue_bookmarks._validation import check_name

if TYPE_CHECKING:
    from moto.glue.models import FakeJob, FakeJobRun, GlueBackend
    from moto.glue.responses import GlueResponse

__all__ = [
    "BOOKMARK_OPTION",
    "BOOKMARK_RANGE",
    "COUNTED_OPERATIONS",
    "ENABLE",
    "FALLBACK_REGION",
    "INSTALL_HINT",
    "PAUSE",
    "JobRecord",
    "advance_bookmark",
    "bookmarks_enabled",
    "fail_run",
    "find_job",
    "glue_backend",
    "install",
    "locked_record",
    "new_job_run",
    "run_arguments",
    "unknown_range_run",
]

FALLBACK_REGION: Final = "us-east-1"
BOOKMARK_OPTION: Final = "--job-bookmark-option"
ENABLE: Final = "job-bookmark-enable"
PAUSE: Final = "job-bookmark-pause"
# The runs a paused run's window lies between.
BOOKMARK_RANGE: Final = ("--job-bookmark-from", "--job-bookmark-to")
COUNTED_OPERATIONS: Final = ("GetJobBookmark", "ResetJobBookmark", "StartJobRun")
INSTALL_HINT: Final = "pip install 'glue-bookmarks[testing]'"


@attrs.define
class JobRecord:
    """What the extension keeps for one moto job."""

    # The current entry; None when the job has no bookmark.
    entry: JobBookmarkEntry | None = None
    # Run id -> the entry as it last stood while that run was the latest: what a rewind to
    # that run restores.
    runs: dict[str, JobBookmarkEntry] = attrs.Factory(dict)
    calls: collections.Counter[str] = attrs.Factory(collections.Counter)

    def set_entry(self, entry: JobBookmarkEntry | None) -> None:
        """Make `entry` the current one, and that of its run."""
        self.entry = entry
        if entry is not None and entry.run_id is not None:
            self.runs[entry.run_id] = entry


# Keyed by moto's job object, so a record lives exactly as long as its job: deleting the job
# or resetting moto drops it, and a job created again under the same name starts without one.
_records: weakref.WeakKeyDictionary[FakeJob, JobRecord] = weakref.WeakKeyDictionary()
# moto server answers on many threads; every read and change of a record holds this lock.
_lock = threading.Lock()


def _record(job: FakeJob) -> JobRecord:
    # Callers hold _lock.
    record = _records.get(job)
    if record is None:
        record = _records[job] = JobRecord()
    return record


@contextlib.contextmanager
def locked_record(job: FakeJob) -> Iterator[JobRecord]:
    """The job's record, created on first use, with every other reader and writer kept out."""
    with _lock:
        yield _record(job)


def _import_moto() -> None:
    try:
        import moto.glue.responses  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"glue_bookmarks.testing needs moto ({exc}); install it with {INSTALL_HINT}"
        ) from exc


def _requested_job(response: GlueResponse, operation_name: str) -> tuple[str, FakeJob]:
    from moto.glue.exceptions import InvalidInputException

    job_name = response._get_param("JobName")
    if not isinstance(job_name, str) or not job_name:
        raise InvalidInputException(operation_name, "JobName is required")
    # moto's own EntityNotFoundException "Job NAME not found." for a job that does not exist.
    return job_name, response.glue_backend.get_job(job_name)


def _entry_answer(entry: JobBookmarkEntry) -> str:
    # A JSON string is the answer form every moto 5 release accepts from a handler.
    return json.dumps({"JobBookmarkEntry": entry.to_dict()})


def _no_continuation(job_name: str, run_id: str | None = None) -> Exception:
    from moto.glue.exceptions import EntityNotFoundException

    if run_id is None:
        return EntityNotFoundException(f"Continuation for job {job_name} not found")
    return EntityNotFoundException(f"Continuation for job {job_name} and run {run_id} not found")


def _counted_entry(record: JobRecord, operation_name: str, job_name: str) -> JobBookmarkEntry:
    # Every call naming an existing job counts, also one answered "no bookmark yet".
    record.calls[operation_name] += 1
    if record.entry is None:
        raise _no_continuation(job_name)
    return record.entry


def _get_job_bookmark(self: GlueResponse) -> str:
    """moto's handler for GetJobBookmark; installed on GlueResponse by `install()`."""
    job_name, job = _requested_job(self, "GetJobBookmark")
    run_id = self._get_param("RunId")
    with locked_record(job) as record:
        entry = _counted_entry(record, "GetJobBookmark", job_name)
        if run_id is None:
            return _entry_answer(entry)
        recorded = record.runs.get(run_id)
        if recorded is None:
            raise _no_continuation(job_name, run_id)
    return _entry_answer(recorded)


def _reset_job_bookmark(self: GlueResponse) -> str:
    """moto's handler for ResetJobBookmark; installed on GlueResponse by `install()`."""
    job_name, job = _requested_job(self, "ResetJobBookmark")
    run_id = self._get_param("RunId")
    with locked_record(job) as record:
        entry = _counted_entry(record, "ResetJobBookmark", job_name)
        if run_id is None:
            # A reset forgets everything: the next run with bookmarks starts from nothing.
            record.entry = None
            record.runs.clear()
            return _entry_answer(entry)
        target = record.runs.get(run_id)
        if target is None:
            raise _no_continuation(job_name, run_id)
        rewound = attrs.evolve(target, version=entry.version + 1)
        record.set_entry(rewound)
    return _entry_answer(rewound)


def run_arguments(job: FakeJob, arguments: dict[str, str] | None) -> dict[str, str]:
    """A run's arguments as Glue merges them: the job's defaults, then the run's own, then the
    job's non-overridable arguments, each winning over the ones before."""
    return {
        **(job.default_arguments or {}),
        **(arguments or {}),
        **(job.non_overridable_arguments or {}),
    }


def bookmarks_enabled(arguments: dict[str, str]) -> bool:
    """Whether a run with these merged arguments advances the bookmark.

    `job-bookmark-pause` and `job-bookmark-disable` (the default, and what any other value
    counts as) leave it as it was.
    """
    return arguments.get(BOOKMARK_OPTION) == ENABLE


def unknown_range_run(job: FakeJob, arguments: dict[str, str]) -> str | None:
    """Why a run with these merged arguments fails: a `--job-bookmark-from` or
    `--job-bookmark-to` of a paused run that names no run of `job`, as a sentence; None
    when it names runs the job has (or the run is not paused: Glue reads them only then)."""
    if arguments.get(BOOKMARK_OPTION) != PAUSE:
        return None
    known = {run.job_run_id for run in job.job_runs}
    for name in BOOKMARK_RANGE:
        run_id = arguments.get(name)
        if run_id is not None and run_id not in known:
            return f"{name} {run_id} is not a run of job {job.name}"
    return None


def fail_run(run: FakeJobRun, error_message: str) -> None:
    """End a moto run as `FAILED`, with `error_message` as its `ErrorMessage` in `GetJobRuns`
    and `GetJobRun` answers."""
    from moto.glue.models import FakeJobRun

    # As in `new_job_run`: a transition from the state to itself keeps it where it is.
    super(FakeJobRun, run).__init__(model_name="glue::job_run", transitions=[("FAILED", "FAILED")])
    as_dict = run.as_dict
    # moto's run has no ErrorMessage of its own; this run's answers add one.
    run.as_dict = lambda: {**as_dict(), "ErrorMessage": error_message}  # type: ignore[method-assign]


def advance_bookmark(record: JobRecord, job_name: str, run_id: str) -> JobBookmarkEntry:
    """Record what a run with bookmarks enabled commits: one run on from the current entry."""
    previous = record.entry
    entry = JobBookmarkEntry(
        job_name=job_name,
        version=1 if previous is None else previous.version + 1,
        run=1 if previous is None else previous.run + 1,
        attempt=0,
        previous_run_id=None if previous is None else previous.run_id,
        run_id=run_id,
        job_bookmark=None if previous is None else previous.job_bookmark,
    )
    record.set_entry(entry)
    return entry


def new_job_run(
    job: FakeJob,
    *,
    run_id: str,
    started_on: datetime,
    state: str,
    arguments: dict[str, str],
    completed_on: datetime | None = None,
) -> FakeJobRun:
    """A moto run of `job`, as moto's StartJobRun builds one, that started at `started_on`
    and ended at `completed_on` (by default `started_on`; naive UTC, as moto keeps its times)
    and stays in `state`; not yet added to the job."""
    from moto.glue.models import FakeJobRun

    run = FakeJobRun(
        job_name=job.name,
        arguments=arguments,
        allocated_capacity=job.allocated_capacity,
        max_capacity=job.max_capacity,
        timeout=job.timeout,
        worker_type=job.worker_type,
        security_configuration=job.security_configuration,
        number_of_workers=job.number_of_workers,
        notification_property=job.notification_property,
    )
    # moto's state manager would move a run on (STARTING, RUNNING, SUCCEEDED) as it is read;
    # a transition from the state to itself keeps a seeded run where the test put it.
    # (FakeJobRun's base is moto's ManagedState, whose constructor takes the transitions.)
    super(FakeJobRun, run).__init__(model_name="glue::job_run", transitions=[(state, state)])
    run.job_run_id = run_id
    run.started_on = started_on
    run.modified_on = run.completed_on = started_on if completed_on is None else completed_on
    return run


def _wrap_start_job_run(original: Callable[[GlueResponse], object]) -> Callable[..., object]:
    def start_job_run(self: GlueResponse) -> object:
        """moto's StartJobRun, then the bookmark advanced (or the run failed, for a paused
        run's window that names no run of the job); installed by `install()`."""
        job_name = self._get_param("JobName")
        job = self.glue_backend.jobs.get(job_name) if isinstance(job_name, str) else None
        if job is None:
            return original(self)
        arguments = run_arguments(job, self._get_param("Arguments"))
        # Held across moto's own handler, so the run it adds is the last one when we read it.
        with locked_record(job) as record:
            record.calls["StartJobRun"] += 1
            # Read before the new run is added: its own id cannot be in its window.
            unknown = unknown_range_run(job, arguments)
            answer = original(self)
            if unknown is not None:
                fail_run(job.job_runs[-1], unknown)
            elif bookmarks_enabled(arguments):
                advance_bookmark(record, job.name, job.job_runs[-1].job_run_id)
        return answer

    start_job_run.wrapped = original  # type: ignore[attr-defined]
    return start_job_run


def install() -> None:
    """Add job bookmarks to moto's Glue in this process.

    Safe to call any number of times, before or inside `mock_aws()`. It serves both
    `mock_aws()` and `moto.server.ThreadedMotoServer` started in this process.

    Raises:
        ImportError: moto is not installed (`pip install 'glue-bookmarks[testing]'`).
    """
    _import_moto()
    from moto.glue.responses import GlueResponse

    # moto dispatches to the GlueResponse method named after the action, looked up per request.
    GlueResponse.get_job_bookmark = _get_job_bookmark  # type: ignore[attr-defined]
    GlueResponse.reset_job_bookmark = _reset_job_bookmark  # type: ignore[attr-defined]
    with _lock:
        if not hasattr(GlueResponse.start_job_run, "wrapped"):
            GlueResponse.start_job_run = _wrap_start_job_run(  # type: ignore[method-assign,assignment]
                GlueResponse.start_job_run
            )


def glue_backend(account_id: str | None, region_name: str | None) -> GlueBackend:
    """moto's Glue in that account and region, by default moto's and botocore's.

    Raises:
        InvalidParameterError: moto has no Glue in that region, or an argument is not a str.
    """
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.glue.models import glue_backends

    # Checked here, since moto makes a backend for whatever key it is given.
    for parameter, value in (("account_id", account_id), ("region_name", region_name)):
        if value is not None and not isinstance(value, str):
            raise InvalidParameterError(
                f"{parameter} must be a str or None, got {type(value).__name__}",
                parameter=parameter,
            )
    account = account_id or DEFAULT_ACCOUNT_ID
    region = (
        region_name or botocore.session.Session().get_config_variable("region") or FALLBACK_REGION
    )
    try:
        return glue_backends[account][region]
    except KeyError:
        raise InvalidParameterError(
            f"moto has no Glue region {region!r}", parameter="region_name"
        ) from None


def find_job(job_name: str, account_id: str | None, region_name: str | None) -> FakeJob:
    """moto's job of that name, in that account and region (moto's and botocore's defaults).

    Raises:
        InvalidParameterError: No such job, or no such region; or `job_name` is not a name.
    """
    check_name("job_name", job_name)
    backend = glue_backend(account_id, region_name)
    job = backend.jobs.get(job_name)
    if job is None:
        raise InvalidParameterError(
            f"moto has no Glue job {job_name!r} in account {backend.account_id}, region "
            f"{backend.region_name}; create it first with create_job",
            parameter="job_name",
        )
    return job
