"""The doctor: `JobDiagnosis`, `Finding`, `Severity`, and the rules that find what bookmarks fail.

Everything here is pure: a job's configuration (one `Jobs` member of a `GetJobs` page, read by
`job_config_from_wire`), its bookmark result and what its runs say go in; a `JobDiagnosis`
comes out. `GlueBookmarks.diagnose()` does the requests and calls `diagnose_job` once per job.

Wire keys of a `GetJobs` job (`DefaultArguments`, `ExecutionProperty`, ...) live here and
nowhere else. The finding codes are stable: the "Doctor" docs page lists each with its fix.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Final, Literal, TypeAlias

import attrs

from glue_bookmarks._entry import JobBookmarkEntry
from glue_bookmarks._exceptions import (
    BookmarkParseError,
    GlueBookmarksError,
    InvalidParameterError,
    NoBookmarkError,
    ResponseValidationError,
    ServiceError,
    response_context,
)
from glue_bookmarks._state import HadoopSourceState, format_iso_time

__all__ = [
    "BOOKMARK_ARGUMENT",
    "RUNS_LOOKED_AT",
    "BookmarkOption",
    "Finding",
    "JobConfig",
    "JobDiagnosis",
    "Severity",
    "check_stale_after",
    "diagnose_job",
    "job_config_from_wire",
    "jobs_from_page",
    "keeps_bookmark",
    "succeeded_run_from_page",
]

BOOKMARK_ARGUMENT: Final = "--job-bookmark-option"
# The one GetJobRuns request for an enabled job without a bookmark asks for this many runs.
RUNS_LOOKED_AT: Final = 25

BookmarkOption: TypeAlias = Literal["enable", "disable", "pause"]
"""A job's bookmark option, as the console names Glue's three values."""

# Glue's argument values, and the short names the console shows.
_OPTIONS: Final[Mapping[str, BookmarkOption]] = {
    "job-bookmark-enable": "enable",
    "job-bookmark-disable": "disable",
    "job-bookmark-pause": "pause",
}
# `Command.Name` of the job types the Glue developer guide says keep no bookmark: streaming
# jobs use checkpoints instead, and Python shell jobs cannot use job bookmarks.
_NO_BOOKMARK_JOB_TYPES: Final[Mapping[str, str]] = {
    "gluestreaming": "streaming jobs use checkpoints rather than job bookmarks",
    "pythonshell": "Python shell jobs cannot use job bookmarks",
}
# `MaxConcurrentRuns` when a job has no `ExecutionProperty`: Glue's documented default.
_DEFAULT_MAX_CONCURRENT_RUNS: Final = 1


@functools.total_ordering
class Severity(enum.Enum):
    """How much a finding matters; ordered, `INFO < WARNING < ERROR`.

    The value is the lower-case word the CLI and its JSON print (`Severity("warning")`).
    """

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 for info, 1 for warning, 2 for error."""
        return _RANKS[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank


_RANKS: Final = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@attrs.frozen(kw_only=True)
class Finding:
    """One thing the doctor found wrong with a job's bookmark set-up, or worth knowing.

    Attributes:
        code: The stable finding code, such as `"concurrent-runs"`; the "Doctor" docs page
            lists every code with its severity and its fix.
        severity: How much it matters.
        message: One sentence about this job, for people.
        transformation_ctx: The source the finding is about (the one whose state does not
            parse, or that holds the newest run start time of a stale bookmark); None for a
            finding about the job as a whole.
    """

    code: str
    severity: Severity
    message: str
    transformation_ctx: str | None = None


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


@attrs.frozen(kw_only=True)
class JobDiagnosis:
    """What `GlueBookmarks.diagnose()` found for one job.

    The configuration fields come from the job's `GetJobs` entry; they are None only for a job
    that `GetJobs` did not list (its `result` is then a `JobNotFoundError`), except as noted.

    Attributes:
        job_name: The name of the job.
        bookmark_option: `"enable"`, `"disable"` or `"pause"`, from the job's
            `--job-bookmark-option` default argument; `"disable"` when the job sets none, as
            Glue does. None when the value is none of Glue's three (an
            `unknown-bookmark-option` finding names it) or the job was not found.
        max_concurrent_runs: The job's `ExecutionProperty.MaxConcurrentRuns`; 1, Glue's
            default, when the job sets none.
        job_type: The job's `Command.Name`, such as `"glueetl"`, `"gluestreaming"` or
            `"pythonshell"`; None when the job has none.
        glue_version: The job's `GlueVersion`, such as `"4.0"`; None when the job has none.
        result: The job's bookmark entry, or the typed error reading it ended with: a
            `NoBookmarkError` for a job without a bookmark, a `JobNotFoundError` for a job
            `GetJobs` did not list.
        findings: What was found, most severe first; empty when nothing was.
    """

    job_name: str
    bookmark_option: BookmarkOption | None
    max_concurrent_runs: int | None
    job_type: str | None
    glue_version: str | None
    result: JobBookmarkEntry | GlueBookmarksError
    findings: tuple[Finding, ...] = ()

    @property
    def entry(self) -> JobBookmarkEntry | None:
        """The bookmark entry, or None when `result` is an error."""
        return self.result if isinstance(self.result, JobBookmarkEntry) else None


# -- arguments ---------------------------------------------------------------------------------


def check_stale_after(value: object) -> timedelta:
    """`value` if it is a positive `timedelta`, else `InvalidParameterError`."""
    if type(value) is not timedelta or value <= timedelta(0):
        shown = repr(value) if isinstance(value, timedelta) else type(value).__name__
        raise InvalidParameterError(
            f"stale_after must be a positive timedelta (such as timedelta(days=7)), got {shown}",
            parameter="stale_after",
        )
    return value


# -- the wire: GetJobs and GetJobRuns pages ----------------------------------------------------


def _misfit(page: Mapping[str, Any], operation_name: str, field: str, what: str) -> Exception:
    status_code, request_id = response_context(page)
    return ResponseValidationError(
        f"the {operation_name} answer's {field} {what}",
        operation_name=operation_name,
        field=field,
        status_code=status_code,
        request_id=request_id,
    )


def _or_empty(value: object) -> object:
    # An absent member is an empty object; anything else (even a falsy one) is checked.
    return {} if value is None else value


def jobs_from_page(page: Mapping[str, Any]) -> list[JobConfig]:
    """The jobs of one `GetJobs` page.

    Raises:
        ResponseValidationError: `Jobs` is not a list of job objects, or a job's field that the
            doctor reads has the wrong type; the error names the field.
    """
    jobs = page.get("Jobs")
    if not isinstance(jobs, list):
        raise _misfit(page, "GetJobs", "Jobs", f"is not a list: {jobs!r:.200}")
    return [job_config_from_wire(job, page, index) for index, job in enumerate(jobs)]


def job_config_from_wire(job: object, page: Mapping[str, Any], index: int) -> JobConfig:
    """One `Jobs` member of a `GetJobs` page, checked; `page` gives the error its context."""
    where = f"Jobs[{index}]"
    if not isinstance(job, Mapping):
        raise _misfit(page, "GetJobs", where, f"is not an object: {job!r:.200}")
    name = job.get("Name")
    if type(name) is not str or not name:
        raise _misfit(page, "GetJobs", f"{where}.Name", f"is not a job name: {name!r:.200}")

    arguments = _or_empty(job.get("DefaultArguments"))
    if not isinstance(arguments, Mapping):
        raise _misfit(page, "GetJobs", f"{where}.DefaultArguments", "is not an object")
    raw_option = arguments.get(BOOKMARK_ARGUMENT)
    if raw_option is not None and type(raw_option) is not str:
        raise _misfit(
            page,
            "GetJobs",
            f"{where}.DefaultArguments.{BOOKMARK_ARGUMENT}",
            f"is not a string: {raw_option!r:.200}",
        )
    # No argument at all is Glue's default, "disable"; a value Glue does not name is kept
    # as it is, for the unknown-bookmark-option finding, not turned into a default.
    option = "disable" if raw_option is None else _OPTIONS.get(raw_option)

    execution = _or_empty(job.get("ExecutionProperty"))
    if not isinstance(execution, Mapping):
        raise _misfit(page, "GetJobs", f"{where}.ExecutionProperty", "is not an object")
    concurrent = execution.get("MaxConcurrentRuns", _DEFAULT_MAX_CONCURRENT_RUNS)
    if type(concurrent) is not int:
        raise _misfit(
            page,
            "GetJobs",
            f"{where}.ExecutionProperty.MaxConcurrentRuns",
            f"is not an integer: {concurrent!r:.200}",
        )

    command = _or_empty(job.get("Command"))
    if not isinstance(command, Mapping):
        raise _misfit(page, "GetJobs", f"{where}.Command", "is not an object")
    job_type = command.get("Name")
    if job_type is not None and type(job_type) is not str:
        raise _misfit(page, "GetJobs", f"{where}.Command.Name", f"is not a string: {job_type!r}")
    glue_version = job.get("GlueVersion")
    if glue_version is not None and type(glue_version) is not str:
        raise _misfit(page, "GetJobs", f"{where}.GlueVersion", f"is not a string: {glue_version!r}")
    return JobConfig(
        name=name,
        bookmark_option=option,
        raw_bookmark_option=raw_option,
        max_concurrent_runs=concurrent,
        job_type=job_type,
        glue_version=glue_version,
    )


def succeeded_run_from_page(page: Mapping[str, Any]) -> bool:
    """Whether one `GetJobRuns` page holds a run that succeeded with bookmarks left on.

    A run whose own arguments set `--job-bookmark-option` to anything but enable commits
    nothing, so it does not count.

    Raises:
        ResponseValidationError: `JobRuns` is not a list of run objects, or a run's
            `JobRunState` or `Arguments` has the wrong type.
    """
    runs = page.get("JobRuns")
    if not isinstance(runs, list):
        raise _misfit(page, "GetJobRuns", "JobRuns", f"is not a list: {runs!r:.200}")
    found = False
    for index, run in enumerate(runs):
        if not isinstance(run, Mapping):
            raise _misfit(page, "GetJobRuns", f"JobRuns[{index}]", "is not an object")
        state = run.get("JobRunState")
        if type(state) is not str:
            raise _misfit(
                page, "GetJobRuns", f"JobRuns[{index}].JobRunState", f"is not a string: {state!r}"
            )
        arguments = _or_empty(run.get("Arguments"))
        if not isinstance(arguments, Mapping):
            raise _misfit(page, "GetJobRuns", f"JobRuns[{index}].Arguments", "is not an object")
        option = arguments.get(BOOKMARK_ARGUMENT, "job-bookmark-enable")
        if state == "SUCCEEDED" and option == "job-bookmark-enable":
            found = True
    return found


# -- the rules ---------------------------------------------------------------------------------


def _error_name(error: GlueBookmarksError) -> str:
    """The error's class, and its AWS code where it has one: `ThrottlingError (Throttling)`."""
    name = type(error).__name__
    if isinstance(error, ServiceError) and error.code:
        name += f" ({error.code})"
    return name


def _fetch_failed(what: str, error: GlueBookmarksError) -> Finding:
    """`what` (such as "reading the bookmark failed"), the error's class, code and message."""
    message = error.message if isinstance(error, ServiceError) else str(error)
    return Finding(
        code="fetch-failed",
        severity=Severity.ERROR,
        message=f"{what}: {_error_name(error)}: {' '.join(message.split())}",
    )


def _configuration_findings(config: JobConfig) -> list[Finding]:
    """What the job's configuration alone says."""
    option = config.bookmark_option
    if option is None:
        return [
            Finding(
                code="unknown-bookmark-option",
                severity=Severity.ERROR,
                message=(
                    f"{BOOKMARK_ARGUMENT} is {config.raw_bookmark_option!r}, none of "
                    "job-bookmark-enable, job-bookmark-disable or job-bookmark-pause"
                ),
            )
        ]
    findings = []
    reason = _NO_BOOKMARK_JOB_TYPES.get(config.job_type or "")
    if option != "disable" and reason is not None:
        # The rules below are about a bookmark this job never keeps.
        return [
            Finding(
                code="unsupported-job-type",
                severity=Severity.WARNING,
                message=(
                    f"bookmarks are set to {option} on a {config.job_type} job, which keeps "
                    f"no bookmark: {reason}"
                ),
            )
        ]
    if option != "disable" and config.max_concurrent_runs > 1:
        findings.append(
            Finding(
                code="concurrent-runs",
                severity=Severity.WARNING,
                message=(
                    f"bookmarks are set to {option} and MaxConcurrentRuns is "
                    f"{config.max_concurrent_runs}: concurrent runs race on one bookmark"
                ),
            )
        )
    if option == "pause":
        findings.append(
            Finding(
                code="paused",
                severity=Severity.INFO,
                message="bookmarks are paused: runs read from the bookmark but never advance it",
            )
        )
    return findings


def keeps_bookmark(config: JobConfig) -> bool:
    """Whether the job's bookmark findings depend on its runs: enabled, on a job type that
    keeps bookmarks. Only then does `diagnose()` ask `GetJobRuns`."""
    return config.bookmark_option == "enable" and config.job_type not in _NO_BOOKMARK_JOB_TYPES


def _stale(entry: JobBookmarkEntry, stale_after: timedelta, now: datetime) -> Finding | None:
    newest: tuple[datetime, str] | None = None
    for ctx, source in entry.state.items():
        if not isinstance(source, HadoopSourceState) or source.run_start_time is None:
            continue
        if newest is None or source.run_start_time > newest[0]:
            newest = (source.run_start_time, ctx)
    if newest is None or now - newest[0] <= stale_after:
        return None
    age = now - newest[0]
    return Finding(
        code="stale",
        severity=Severity.WARNING,
        message=(
            f"the newest run start time in the bookmark is {format_iso_time(newest[0])}, "
            f"{_age(age)} ago, longer than {_age(stale_after)}"
        ),
        transformation_ctx=newest[1],
    )


def _age(delta: timedelta) -> str:
    """A duration as a person says it: `12 days`, `5 hours`, `40 minutes`."""
    seconds = int(delta.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


def _bookmark_findings(
    config: JobConfig,
    result: JobBookmarkEntry | GlueBookmarksError,
    runs: bool | GlueBookmarksError | None,
    stale_after: timedelta,
    now: datetime,
) -> list[Finding]:
    """What the bookmark (and, for an enabled job without one, its runs) says."""
    if isinstance(result, NoBookmarkError):
        if not keeps_bookmark(config):
            return []
        if isinstance(runs, GlueBookmarksError):
            return [_fetch_failed("GetJobRuns failed", runs)]
        if runs:
            return [
                Finding(
                    code="enabled-never-committed",
                    severity=Severity.ERROR,
                    message=(
                        "bookmarks are enabled and a run succeeded, but the job has no "
                        "bookmark: the script lacks job.init/job.commit or transformation_ctx"
                    ),
                )
            ]
        return [
            Finding(
                code="enabled-no-runs-yet",
                severity=Severity.INFO,
                message=(
                    "bookmarks are enabled and no run has succeeded yet (among the latest "
                    f"{RUNS_LOOKED_AT}), so there is no bookmark yet"
                ),
            )
        ]
    if isinstance(result, GlueBookmarksError):
        return [_fetch_failed("reading the bookmark failed", result)]
    try:
        state = result.state
    except BookmarkParseError as exc:
        return [
            Finding(
                code="unparseable-state",
                severity=Severity.ERROR,
                message=f"the bookmark's state does not parse: {' '.join(str(exc).split())}",
                transformation_ctx=exc.transformation_ctx,
            )
        ]
    if config.bookmark_option == "disable":
        return [
            Finding(
                code="disabled-with-bookmark",
                severity=Severity.INFO,
                message=(
                    f"bookmarks are disabled but a bookmark exists (run {result.run}); "
                    "enabling them later resumes from that old state"
                ),
            )
        ]
    if not keeps_bookmark(config):
        return []
    if not state:
        return [
            Finding(
                code="empty-state",
                severity=Severity.WARNING,
                message=(
                    f"bookmarks are enabled and a bookmark exists (run {result.run}), but its "
                    "state holds no source: no transformation_ctx was recorded"
                ),
            )
        ]
    stale = _stale(result, stale_after, now)
    return [] if stale is None else [stale]


def diagnose_job(
    config: JobConfig | None,
    job_name: str,
    result: JobBookmarkEntry | GlueBookmarksError,
    *,
    runs: bool | GlueBookmarksError | None = None,
    stale_after: timedelta,
    now: datetime,
) -> JobDiagnosis:
    """One job's diagnosis from what was read about it.

    Args:
        config: The job's configuration from `GetJobs`; None when `GetJobs` did not list it.
        job_name: The job's name.
        result: Its bookmark entry, or the error reading it ended with.
        runs: For an enabled job without a bookmark: whether one `GetJobRuns` page holds a
            succeeded run (`succeeded_run_from_page`), or the error that request ended with;
            None when it was not asked.
        stale_after: How old the newest run start time in the state may be.
        now: The time to measure staleness against; timezone-aware.

    Returns:
        The diagnosis, its findings most severe first (in rule order within a severity).
    """
    if config is None:
        return JobDiagnosis(
            job_name=job_name,
            bookmark_option=None,
            max_concurrent_runs=None,
            job_type=None,
            glue_version=None,
            result=result,
            findings=(
                (_fetch_failed("job not found", result),)
                if isinstance(result, GlueBookmarksError)
                else ()
            ),
        )
    findings = _configuration_findings(config)
    if config.bookmark_option is not None:
        findings += _bookmark_findings(config, result, runs, stale_after, now)
    elif isinstance(result, GlueBookmarksError) and not isinstance(result, NoBookmarkError):
        findings.append(_fetch_failed("reading the bookmark failed", result))
    findings.sort(key=lambda finding: -finding.severity.rank)
    return JobDiagnosis(
        job_name=job_name,
        bookmark_option=config.bookmark_option,
        max_concurrent_runs=config.max_concurrent_runs,
        job_type=config.job_type,
        glue_version=config.glue_version,
        result=result,
        findings=tuple(findings),
    )
