"""The doctor: `JobDiagnosis`, `Finding`, `Severity`, the rules that find what bookmarks fail,
and `diagnose`, the operation that reads what the rules need.

The rules are pure: a job's configuration (`_jobs.JobConfig`), its bookmark result and what
its runs say go in; a `JobDiagnosis` comes out (`diagnose_job`). The finding codes are stable:
the "Doctor" docs page lists each with its fix.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Final

import attrs

from glue_bookmarks._calls import Call
from glue_bookmarks._entry import JobBookmarkEntry
from glue_bookmarks._exceptions import (
    BookmarkParseError,
    ConfigurationError,
    GlueBookmarksError,
    InvalidParameterError,
    JobNotFoundError,
    NoBookmarkError,
    ServiceError,
)
from glue_bookmarks._jobs import (
    BOOKMARK_OPTION_ARGUMENT,
    BookmarkOption,
    JobConfig,
    committing_runs,
    jobs_from_page,
)
from glue_bookmarks._operations import (
    Batch,
    Operation,
    all_pages,
    fetch_bookmark,
    job_names_list,
)
from glue_bookmarks._schedule import check_job_names
from glue_bookmarks._state import HadoopSourceState, format_iso_time
from glue_bookmarks._validation import check_optional, check_tags

__all__ = [
    "RUNS_LOOKED_AT",
    "Finding",
    "JobDiagnosis",
    "Severity",
    "diagnose",
    "diagnose_job",
]

# The one GetJobRuns request for an enabled job without a bookmark asks for this many runs.
RUNS_LOOKED_AT: Final = 25

# `Command.Name` of the job types the Glue developer guide says keep no bookmark: streaming
# jobs use checkpoints instead, and Python shell jobs cannot use job bookmarks.
_NO_BOOKMARK_JOB_TYPES: Final[Mapping[str, str]] = {
    "gluestreaming": "streaming jobs use checkpoints rather than job bookmarks",
    "pythonshell": "Python shell jobs cannot use job bookmarks",
}


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
    """One thing the doctor (or the lint of a job's script) found wrong with a job's bookmark
    set-up, or worth knowing.

    Attributes:
        code: The stable finding code, such as `"concurrent-runs"`; the "Doctor" docs page
            lists every code with its severity and its fix.
        severity: How much it matters.
        message: One sentence about this job (or script), for people.
        transformation_ctx: The source the finding is about (the one whose state does not
            parse, that holds the newest run start time of a stale bookmark, or whose read in
            the script has this literal context); None for a finding about the job or script
            as a whole.
        line: For a finding of `lint_script()`, the line of the script it is about (where the
            read call starts, for a finding about one read); None for the doctor's findings
            and for a finding about the script as a whole.
    """

    code: str
    severity: Severity
    message: str
    transformation_ctx: str | None = None
    line: int | None = None


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
        script_location: The job's script, `Command.ScriptLocation` (an s3:// URL); None
            when `GetJobs` did not list the job or it names none. `diagnose(scripts=True)`
            lints it.
    """

    job_name: str
    bookmark_option: BookmarkOption | None
    max_concurrent_runs: int | None
    job_type: str | None
    glue_version: str | None
    result: JobBookmarkEntry | GlueBookmarksError
    findings: tuple[Finding, ...] = ()
    script_location: str | None = None

    @property
    def entry(self) -> JobBookmarkEntry | None:
        """The bookmark entry, or None when `result` is an error."""
        return self.result if isinstance(self.result, JobBookmarkEntry) else None


# -- arguments ---------------------------------------------------------------------------------


def _check_stale_after(value: object) -> timedelta:
    """`value` if it is a positive `timedelta`, else `InvalidParameterError`."""
    if type(value) is not timedelta or value <= timedelta(0):
        shown = repr(value) if isinstance(value, timedelta) else type(value).__name__
        raise InvalidParameterError(
            f"stale_after must be a positive timedelta (such as timedelta(days=7)), got {shown}",
            parameter="stale_after",
        )
    return value


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
                    f"{BOOKMARK_OPTION_ARGUMENT} is {config.raw_bookmark_option!r}, none of "
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


def _keeps_bookmark(config: JobConfig) -> bool:
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
            f"{_age(age)} ago, longer than {_age(stale_after, exact=True)}"
        ),
        transformation_ctx=newest[1],
    )


def _age(delta: timedelta, *, exact: bool = False) -> str:
    """A duration as a person says it: `12 days`, `5 hours`, `40 minutes`; rounded down, or,
    `exact`, in the largest unit that divides it (`36 hours`, not `1 day`)."""
    seconds = int(delta.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and (not exact or seconds % size == 0):
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def _bookmark_findings(
    config: JobConfig,
    result: JobBookmarkEntry | GlueBookmarksError,
    runs: bool | GlueBookmarksError | None,
    stale_after: timedelta,
    now: datetime,
) -> list[Finding]:
    """What the bookmark (and, for an enabled job without one, its runs) says."""
    if isinstance(result, NoBookmarkError):
        if not _keeps_bookmark(config):
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
    if not _keeps_bookmark(config):
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
            run that may have committed (`committing_runs`), or the error that request ended with;
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
        script_location=config.script_location,
    )


# -- the operation -----------------------------------------------------------------------------


def diagnose(
    job_names: Iterable[str] | None,
    prefix: str | None,
    tags: Mapping[str, str] | None,
    stale_after: timedelta,
) -> Operation[list[JobDiagnosis]]:
    """Diagnose jobs: `GlueBookmarks.diagnose()`, checked, before any request."""
    names = None if job_names is None else check_job_names(job_names)
    check_optional("prefix", prefix, str)
    tag_filter = check_tags("tags", tags)
    if names is not None and (prefix is not None or tags is not None):
        raise InvalidParameterError(
            "give job_names, or prefix and tags to select jobs, not both",
            parameter="job_names",
        )
    return _diagnose(names, prefix, tag_filter, _check_stale_after(stale_after))


def _diagnose(
    names: list[str] | None,
    prefix: str | None,
    tag_filter: dict[str, str] | None,
    stale_after: timedelta,
) -> Operation[list[JobDiagnosis]]:
    # Configurations from GetJobs pages, never one request per job.
    configs = {
        config.name: config for config in (yield from all_pages("GetJobs", {}, jobs_from_page))
    }
    if names is None:
        tagged = None if tag_filter is None else set((yield from job_names_list(tag_filter)))
        names = sorted(
            name
            for name in configs
            if (prefix is None or name.startswith(prefix)) and (tagged is None or name in tagged)
        )
    found = [name for name in dict.fromkeys(names) if name in configs]
    entries = yield Batch(names=found, operation=fetch_bookmark)
    results = dict(zip(found, entries, strict=True))
    unrun = [
        name
        for name in found
        if _keeps_bookmark(configs[name]) and isinstance(results[name], NoBookmarkError)
    ]
    runs = dict(zip(unrun, (yield Batch(names=unrun, operation=_committed)), strict=True))
    now = datetime.now(timezone.utc)
    return [
        diagnose_job(
            configs.get(name),
            name,
            results[name] if name in results else _not_listed(name),
            runs=runs.get(name),
            stale_after=stale_after,
            now=now,
        )
        for name in names
    ]


def _committed(job_name: str) -> Operation[bool | GlueBookmarksError]:
    """Whether the job's latest runs hold one that may have committed, or the error asking
    ended with; only a `ConfigurationError` is raised."""
    try:
        page = yield Call("GetJobRuns", {"JobName": job_name, "MaxResults": RUNS_LOOKED_AT})
        return bool(committing_runs(page))
    except ConfigurationError:
        raise
    except GlueBookmarksError as exc:
        return exc


def _not_listed(job_name: str) -> JobNotFoundError:
    """The error of a job asked for by name that `GetJobs` did not list."""
    return JobNotFoundError(
        f"Job {job_name} is not among the jobs GetJobs listed",
        code="EntityNotFoundException",
        operation_name="GetJobs",
    )
