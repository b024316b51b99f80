"""`GetJobs`, `GetJobRuns` and `ListJobs` answers, read into typed values: pure, no I/O.

The wire keys of a job (`DefaultArguments`, `ExecutionProperty`, ...) and of a run (`Id`,
`StartedOn`, `JobRunState`, `Arguments`) live here and nowhere else, with the one rule for
whether a run commits a bookmark. A member that does not fit is a `ResponseValidationError`
naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, Final, Literal, TypeAlias

import attrs

from glue_bookmarks._exceptions import ResponseValidationError, response_context

__all__ = [
    "ACTIVE_RUN_STATES",
    "BOOKMARK_FROM_ARGUMENT",
    "BOOKMARK_OPTION_ARGUMENT",
    "BOOKMARK_TO_ARGUMENT",
    "JOB_RUNS_PAGE_SIZE",
    "BookmarkOption",
    "JobConfig",
    "RunStart",
    "active_run",
    "committing_runs",
    "jobs_from_page",
    "misfit",
    "page_job_names",
    "started_run_id",
]

# The job argument that sets bookmarks on or off, for a job and for one run of it.
BOOKMARK_OPTION_ARGUMENT: Final = "--job-bookmark-option"

BookmarkOption: TypeAlias = Literal["enable", "disable", "pause"]
"""A job's bookmark option, as the console names Glue's three values."""

# Glue's argument values, and the short names the console shows.
_OPTIONS: Final[Mapping[str, BookmarkOption]] = {
    "job-bookmark-enable": "enable",
    "job-bookmark-disable": "disable",
    "job-bookmark-pause": "pause",
}
# `MaxConcurrentRuns` when a job has no `ExecutionProperty`: Glue's documented default.
_DEFAULT_MAX_CONCURRENT_RUNS: Final = 1


@attrs.frozen(kw_only=True)
class JobConfig:
    """What the doctor reads from one job of a `GetJobs` page (private).

    `bookmark_option` is None, and `raw_bookmark_option` the value as set, when the job's
    `--job-bookmark-option` is none of Glue's three values.
    """

    name: str
    bookmark_option: BookmarkOption | None
    raw_bookmark_option: str | None
    max_concurrent_runs: int
    job_type: str | None
    glue_version: str | None
    # The script (`Command.ScriptLocation`), and the language `--job-language` names, lower
    # case (None: Python, Glue's default).
    script_location: str | None = None
    language: str | None = None


@attrs.frozen(kw_only=True)
class RunStart:
    """A succeeded run that may have committed the bookmark: its id and when it started.

    Attributes:
        run_id: The run's `Id`.
        started_on: Its `StartedOn`, timezone-aware (a time Glue sends without a zone is UTC).
    """

    run_id: str
    started_on: datetime


def misfit(
    page: Mapping[str, Any], operation_name: str, field: str, what: str
) -> ResponseValidationError:
    """The error of an answer whose `field` does not fit: "the GetJobs answer's Jobs is ..."."""
    status_code, request_id = response_context(page)
    return ResponseValidationError(
        f"the {operation_name} answer's {field} {what}",
        operation_name=operation_name,
        field=field,
        status_code=status_code,
        request_id=request_id,
    )


def _object(
    value: object, page: Mapping[str, Any], operation_name: str, field: str
) -> Mapping[str, Any]:
    """`value` if it is an object; an absent member (None) is an empty one."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise misfit(page, operation_name, field, f"is not an object: {value!r:.200}")
    return value


def _optional_str(value: object, page: Mapping[str, Any], field: str) -> str | None:
    if value is not None and type(value) is not str:
        raise misfit(page, "GetJobs", field, f"is not a string: {value!r:.200}")
    return value


def page_job_names(page: Mapping[str, Any], prefix: str | None) -> list[str]:
    """The names of a `ListJobs` page that start with `prefix`."""
    names = page.get("JobNames")
    if not isinstance(names, list) or not all(type(name) is str for name in names):
        raise misfit(page, "ListJobs", "JobNames", f"is not a list of strings: {names!r:.200}")
    return [name for name in names if prefix is None or name.startswith(prefix)]


def jobs_from_page(page: Mapping[str, Any]) -> list[JobConfig]:
    """The jobs of one `GetJobs` page, each field the doctor reads checked."""
    jobs = page.get("Jobs")
    if not isinstance(jobs, list):
        raise misfit(page, "GetJobs", "Jobs", f"is not a list: {jobs!r:.200}")
    return [_job_config(job, page, f"Jobs[{index}]") for index, job in enumerate(jobs)]


def _job_config(member: object, page: Mapping[str, Any], where: str) -> JobConfig:
    job: Mapping[str, Any] = _object(member, page, "GetJobs", where)
    name = job.get("Name")
    if type(name) is not str or not name:
        raise misfit(page, "GetJobs", f"{where}.Name", f"is not a job name: {name!r:.200}")
    arguments = _object(job.get("DefaultArguments"), page, "GetJobs", f"{where}.DefaultArguments")
    raw_option = _optional_str(
        arguments.get(BOOKMARK_OPTION_ARGUMENT),
        page,
        f"{where}.DefaultArguments.{BOOKMARK_OPTION_ARGUMENT}",
    )
    execution = _object(job.get("ExecutionProperty"), page, "GetJobs", f"{where}.ExecutionProperty")
    concurrent = execution.get("MaxConcurrentRuns", _DEFAULT_MAX_CONCURRENT_RUNS)
    if type(concurrent) is not int:
        raise misfit(
            page,
            "GetJobs",
            f"{where}.ExecutionProperty.MaxConcurrentRuns",
            f"is not an integer: {concurrent!r:.200}",
        )
    command = _object(job.get("Command"), page, "GetJobs", f"{where}.Command")
    return JobConfig(
        name=name,
        # No argument at all is Glue's default, "disable"; a value Glue does not name is kept
        # as it is, for the unknown-bookmark-option finding, not turned into a default.
        bookmark_option="disable" if raw_option is None else _OPTIONS.get(raw_option),
        raw_bookmark_option=raw_option,
        max_concurrent_runs=concurrent,
        job_type=_optional_str(command.get("Name"), page, f"{where}.Command.Name"),
        glue_version=_optional_str(job.get("GlueVersion"), page, f"{where}.GlueVersion"),
        script_location=_optional_str(
            command.get("ScriptLocation"), page, f"{where}.Command.ScriptLocation"
        ),
        language=_lower(
            _optional_str(arguments.get("--job-language"), page, f"{where}.DefaultArguments")
        ),
    )


def _lower(value: str | None) -> str | None:
    return None if value is None else value.lower()


def committing_runs(page: Mapping[str, Any]) -> list[RunStart]:
    """The runs of one `GetJobRuns` page that may have committed the bookmark.

    A run may have committed when it succeeded and its own arguments leave bookmarks on (a
    paused or disabled run commits nothing). Every run's `JobRunState` and `Arguments` are
    checked, and such a run's `Id` and `StartedOn` (one without a zone is read as UTC, as
    AWS times are).
    """
    runs = page.get("JobRuns")
    if not isinstance(runs, list):
        raise misfit(page, "GetJobRuns", "JobRuns", f"is not a list: {runs!r:.200}")
    found = []
    for index, member in enumerate(runs):
        where = f"JobRuns[{index}]"
        run: Mapping[str, Any] = _object(member, page, "GetJobRuns", where)
        state = run.get("JobRunState")
        if type(state) is not str:
            raise misfit(page, "GetJobRuns", f"{where}.JobRunState", f"is not a string: {state!r}")
        arguments = _object(run.get("Arguments"), page, "GetJobRuns", f"{where}.Arguments")
        option = arguments.get(BOOKMARK_OPTION_ARGUMENT, "job-bookmark-enable")
        if state != "SUCCEEDED" or option != "job-bookmark-enable":
            continue
        run_id, started_on = run.get("Id"), run.get("StartedOn")
        if type(run_id) is not str or not run_id:
            raise misfit(page, "GetJobRuns", f"{where}.Id", f"is not a run id: {run_id!r:.200}")
        if not isinstance(started_on, datetime):
            raise misfit(
                page, "GetJobRuns", f"{where}.StartedOn", f"is not a time: {started_on!r:.200}"
            )
        if started_on.utcoffset() is None:
            # Glue sends epoch seconds, which botocore reads as UTC; a server that sends an
            # ISO time without a zone (moto 5.1) means UTC too.
            started_on = started_on.replace(tzinfo=timezone.utc)
        found.append(RunStart(run_id=run_id, started_on=started_on))
    return found


# -- the running-job check and backfills ---------------------------------------------------------

# GetJobRuns' largest page (MaxResults): a long history in the fewest requests.
JOB_RUNS_PAGE_SIZE: Final = 200

# The `JobRunState` values of a run that has not ended (Glue's service model lists the rest:
# STOPPED, SUCCEEDED, FAILED, TIMEOUT, ERROR, EXPIRED).
ACTIVE_RUN_STATES: Final = frozenset({"STARTING", "RUNNING", "STOPPING", "WAITING"})

# The run arguments that name the window a paused run processes: the input after the first
# run's, up to and including the second run's.
BOOKMARK_FROM_ARGUMENT: Final = "--job-bookmark-from"
BOOKMARK_TO_ARGUMENT: Final = "--job-bookmark-to"


def active_run(page: Mapping[str, Any]) -> tuple[str, str] | None:
    """The first run of one `GetJobRuns` page that has not ended, as `(run_id, state)`;
    None when every run has. Every run's `JobRunState` is checked, and such a run's `Id`."""
    runs = page.get("JobRuns")
    if not isinstance(runs, list):
        raise misfit(page, "GetJobRuns", "JobRuns", f"is not a list: {runs!r:.200}")
    for index, member in enumerate(runs):
        where = f"JobRuns[{index}]"
        run: Mapping[str, Any] = _object(member, page, "GetJobRuns", where)
        state = run.get("JobRunState")
        if type(state) is not str:
            raise misfit(page, "GetJobRuns", f"{where}.JobRunState", f"is not a string: {state!r}")
        if state in ACTIVE_RUN_STATES:
            run_id = run.get("Id")
            if type(run_id) is not str or not run_id:
                raise misfit(page, "GetJobRuns", f"{where}.Id", f"is not a run id: {run_id!r:.200}")
            return run_id, state
    return None


def started_run_id(answer: Mapping[str, Any]) -> str:
    """The id of the run a `StartJobRun` answer started."""
    run_id = answer.get("JobRunId")
    if type(run_id) is not str or not run_id:
        raise misfit(answer, "StartJobRun", "JobRunId", f"is not a run id: {run_id!r:.200}")
    return run_id
