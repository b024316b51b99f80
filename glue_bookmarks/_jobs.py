"""`GetJobs`, `GetJobRuns`, `ListJobs` and `GetSecurityConfiguration` answers, read into typed
values: pure, no I/O.

The wire keys of a job (`DefaultArguments`, `NonOverridableArguments`, `ExecutionProperty`,
...), of a run (`Id`, `StartedOn`, `JobRunState`, `Arguments`) and of a security configuration
live here and nowhere else, with the rule for which argument sets a job's (or a run's)
bookmark option (`bookmark_setting`) and the one rule for whether a run commits a bookmark. A
member that does not fit is a `ResponseValidationError` naming the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any, Final, Literal, NamedTuple, TypeAlias

import attrs

from glue_bookmarks._exceptions import ResponseValidationError, response_context

__all__ = [
    "ACTIVE_RUN_STATES",
    "BOOKMARK_FROM_ARGUMENT",
    "BOOKMARK_OPTION_ARGUMENT",
    "BOOKMARK_OPTION_VALUES",
    "BOOKMARK_TO_ARGUMENT",
    "CONTINUATION_OPTION_ARGUMENT",
    "CONTINUATION_OPTION_VALUES",
    "JOB_RUNS_PAGE_SIZE",
    "BookmarkArguments",
    "BookmarkOption",
    "BookmarkSetting",
    "JobConfig",
    "JobRun",
    "RunStart",
    "active_run",
    "bookmark_setting",
    "bookmarks_encryption_mode",
    "committing_runs",
    "job_runs_from_page",
    "jobs_from_page",
    "misfit",
    "page_job_names",
    "started_run_id",
]

# The job argument that sets bookmarks on or off, for a job and for one run of it.
BOOKMARK_OPTION_ARGUMENT: Final = "--job-bookmark-option"
# The older argument awsglue still reads (`getResolvedOptions` in `awsglue/utils.py`) where
# `--job-bookmark-option` is not set.
CONTINUATION_OPTION_ARGUMENT: Final = "--continuation-option"

BookmarkOption: TypeAlias = Literal["enable", "disable", "pause"]
"""A job's bookmark option, as the console names Glue's three values."""

# Glue's argument values, and the short names the console shows.
BOOKMARK_OPTION_VALUES: Final[Mapping[str, BookmarkOption]] = {
    "job-bookmark-enable": "enable",
    "job-bookmark-disable": "disable",
    "job-bookmark-pause": "pause",
}
# awsglue maps each continuation value to the bookmark value at the same place in its lists
# (`Job.continuation_options()` and `Job.job_bookmark_options()`): readonly is pause.
CONTINUATION_OPTION_VALUES: Final[Mapping[str, BookmarkOption]] = {
    "continuation-enabled": "enable",
    "continuation-readonly": "pause",
    "continuation-ignore": "disable",
}
# Where a job's arguments come from, highest first: Glue merges a run's arguments as the job's
# default ones, then the run's own, then the job's non-overridable ones, each over the last.
_NON_OVERRIDABLE: Final = "NonOverridableArguments"
_DEFAULT: Final = "DefaultArguments"
_RUN: Final = "Arguments"
# `JobBookmarksEncryptionMode` when a security configuration sets none: Glue's default.
_NO_ENCRYPTION: Final = "DISABLED"
# `MaxConcurrentRuns` when a job has no `ExecutionProperty`: Glue's documented default.
_DEFAULT_MAX_CONCURRENT_RUNS: Final = 1


class BookmarkArguments(NamedTuple):
    """The two arguments that set bookmarks as one set of arguments holds them (a job's
    default or non-overridable ones, a run's own); None for one it does not set."""

    option: str | None = None
    continuation: str | None = None


class BookmarkSetting(NamedTuple):
    """Which bookmark option is in effect, and which argument set it.

    `option` is None, and `raw` the value as set, when the value is none of its argument's
    three; `option` is `"disable"` and `raw` and `source` None when nothing sets it.
    `source` is the set of arguments and the argument's name, such as
    `"NonOverridableArguments --job-bookmark-option"`.
    """

    option: BookmarkOption | None
    raw: str | None
    source: str | None


_DISABLED_BY_DEFAULT: Final = BookmarkSetting("disable", None, None)
_NO_ARGUMENTS: Final = BookmarkArguments()


def bookmark_setting(layers: Iterable[tuple[str, BookmarkArguments]]) -> BookmarkSetting:
    """The bookmark option in effect, from sets of arguments named and given highest first.

    As awsglue reads the merged arguments: `--job-bookmark-option` from the highest set that
    has it; else `--continuation-option` likewise, its value mapped (`continuation-enabled`
    is enable, `-readonly` pause, `-ignore` disable); else `"disable"`, Glue's default.
    """
    ordered = tuple(layers)
    for argument, values, field in (
        (BOOKMARK_OPTION_ARGUMENT, BOOKMARK_OPTION_VALUES, 0),
        (CONTINUATION_OPTION_ARGUMENT, CONTINUATION_OPTION_VALUES, 1),
    ):
        for where, arguments in ordered:
            raw = arguments[field]
            if raw is not None:
                return BookmarkSetting(values.get(raw), raw, f"{where} {argument}")
    return _DISABLED_BY_DEFAULT


@attrs.frozen(kw_only=True)
class JobConfig:
    """What the doctor reads from one job of a `GetJobs` page (private).

    `bookmark_option` is the option in effect (`bookmark_setting` over the job's
    non-overridable, then default, arguments): None, and `raw_bookmark_option` the value as
    set, when that value is none of its argument's three; `bookmark_option_source` names the
    argument, None when none sets it (`"disable"`, Glue's default). `argument_keys` are the
    other keys of both sets of arguments, with the set's name, for the typo rule.
    `run_queuing` is `JobRunQueuingEnabled`, None when the job does not set it.
    """

    name: str
    bookmark_option: BookmarkOption | None
    raw_bookmark_option: str | None
    bookmark_option_source: str | None = None
    default_arguments: BookmarkArguments = _NO_ARGUMENTS
    non_overridable_arguments: BookmarkArguments = _NO_ARGUMENTS
    argument_keys: tuple[tuple[str, str], ...] = ()
    max_concurrent_runs: int
    run_queuing: bool | None = None
    job_type: str | None
    glue_version: str | None
    security_configuration: str | None = None
    # The script (`Command.ScriptLocation`), and the language `--job-language` names, lower
    # case (None: Python, Glue's default).
    script_location: str | None = None
    language: str | None = None

    def run_bookmark_option(self, run: JobRun) -> BookmarkOption | None:
        """The bookmark option a run of this job ran with: its own arguments over the job's
        default ones, the job's non-overridable ones over both."""
        return bookmark_setting(
            (
                (_NON_OVERRIDABLE, self.non_overridable_arguments),
                (_RUN, run.arguments),
                (_DEFAULT, self.default_arguments),
            )
        ).option


@attrs.frozen(kw_only=True)
class JobRun:
    """One run of a `GetJobRuns` page, as the doctor reads it (private).

    `started_on` is None for a run not started (one waiting in the queue); `ended_on` is
    `CompletedOn` (else `LastModifiedOn`), None when the page has neither; times without a
    zone are read as UTC. `arguments` are the two bookmark arguments among the run's own.
    """

    run_id: str
    state: str
    started_on: datetime | None
    ended_on: datetime | None
    arguments: BookmarkArguments
    error_message: str | None


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


def _optional_str(
    value: object, page: Mapping[str, Any], field: str, operation_name: str = "GetJobs"
) -> str | None:
    if value is not None and type(value) is not str:
        raise misfit(page, operation_name, field, f"is not a string: {value!r:.200}")
    return value


def _optional_time(
    value: object, page: Mapping[str, Any], field: str, operation_name: str
) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise misfit(page, operation_name, field, f"is not a time: {value!r:.200}")
    if value.utcoffset() is None:
        # Glue sends epoch seconds, which botocore reads as UTC; a server that sends an ISO
        # time without a zone (moto 5.1) means UTC too.
        return value.replace(tzinfo=timezone.utc)
    return value


def _bookmark_arguments(
    arguments: Mapping[str, Any], page: Mapping[str, Any], operation_name: str, where: str
) -> BookmarkArguments:
    option, continuation = (
        _optional_str(arguments.get(name), page, f"{where}.{name}", operation_name)
        for name in (BOOKMARK_OPTION_ARGUMENT, CONTINUATION_OPTION_ARGUMENT)
    )
    return BookmarkArguments(option, continuation)


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
    sets = {
        kind: _object(job.get(kind), page, "GetJobs", f"{where}.{kind}")
        for kind in (_NON_OVERRIDABLE, _DEFAULT)
    }
    fixed, default = (
        _bookmark_arguments(arguments, page, "GetJobs", f"{where}.{kind}")
        for kind, arguments in sets.items()
    )
    setting = bookmark_setting(((_NON_OVERRIDABLE, fixed), (_DEFAULT, default)))
    execution = _object(job.get("ExecutionProperty"), page, "GetJobs", f"{where}.ExecutionProperty")
    concurrent = execution.get("MaxConcurrentRuns", _DEFAULT_MAX_CONCURRENT_RUNS)
    if type(concurrent) is not int:
        raise misfit(
            page,
            "GetJobs",
            f"{where}.ExecutionProperty.MaxConcurrentRuns",
            f"is not an integer: {concurrent!r:.200}",
        )
    queuing = job.get("JobRunQueuingEnabled")
    if queuing is not None and type(queuing) is not bool:
        raise misfit(
            page, "GetJobs", f"{where}.JobRunQueuingEnabled", f"is not a boolean: {queuing!r:.200}"
        )
    command = _object(job.get("Command"), page, "GetJobs", f"{where}.Command")
    return JobConfig(
        name=name,
        # No argument at all is Glue's default, "disable"; a value Glue does not name is kept
        # as it is, for the unknown-bookmark-option finding, not turned into a default.
        bookmark_option=setting.option,
        raw_bookmark_option=setting.raw,
        bookmark_option_source=setting.source,
        default_arguments=default,
        non_overridable_arguments=fixed,
        argument_keys=tuple(
            (kind, key)
            for kind, arguments in sets.items()
            for key in arguments
            if key not in (BOOKMARK_OPTION_ARGUMENT, CONTINUATION_OPTION_ARGUMENT)
        ),
        max_concurrent_runs=concurrent,
        run_queuing=queuing,
        job_type=_optional_str(command.get("Name"), page, f"{where}.Command.Name"),
        glue_version=_optional_str(job.get("GlueVersion"), page, f"{where}.GlueVersion"),
        security_configuration=_optional_str(
            job.get("SecurityConfiguration"), page, f"{where}.SecurityConfiguration"
        ),
        script_location=_optional_str(
            command.get("ScriptLocation"), page, f"{where}.Command.ScriptLocation"
        ),
        language=_lower(
            _optional_str(sets[_DEFAULT].get("--job-language"), page, f"{where}.DefaultArguments")
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


def job_runs_from_page(page: Mapping[str, Any]) -> list[JobRun]:
    """Every run of one `GetJobRuns` page, each field the doctor reads checked."""
    runs = page.get("JobRuns")
    if not isinstance(runs, list):
        raise misfit(page, "GetJobRuns", "JobRuns", f"is not a list: {runs!r:.200}")
    return [_job_run(member, page, f"JobRuns[{index}]") for index, member in enumerate(runs)]


def _job_run(member: object, page: Mapping[str, Any], where: str) -> JobRun:
    run: Mapping[str, Any] = _object(member, page, "GetJobRuns", where)
    run_id, state = run.get("Id"), run.get("JobRunState")
    if type(run_id) is not str or not run_id:
        raise misfit(page, "GetJobRuns", f"{where}.Id", f"is not a run id: {run_id!r:.200}")
    if type(state) is not str:
        raise misfit(page, "GetJobRuns", f"{where}.JobRunState", f"is not a string: {state!r}")
    arguments = _object(run.get("Arguments"), page, "GetJobRuns", f"{where}.Arguments")
    times = {
        field: _optional_time(run.get(field), page, f"{where}.{field}", "GetJobRuns")
        for field in ("StartedOn", "CompletedOn", "LastModifiedOn")
    }
    return JobRun(
        run_id=run_id,
        state=state,
        started_on=times["StartedOn"],
        ended_on=times["CompletedOn"] or times["LastModifiedOn"],
        arguments=_bookmark_arguments(arguments, page, "GetJobRuns", f"{where}.Arguments"),
        error_message=_optional_str(
            run.get("ErrorMessage"), page, f"{where}.ErrorMessage", "GetJobRuns"
        ),
    )


def bookmarks_encryption_mode(answer: Mapping[str, Any]) -> str:
    """The `JobBookmarksEncryptionMode` of a `GetSecurityConfiguration` answer, such as
    `"CSE-KMS"`; `"DISABLED"`, Glue's default, when the configuration sets none."""
    operation = "GetSecurityConfiguration"
    where = "SecurityConfiguration"
    configuration = _object(answer.get(where), answer, operation, where)
    where += ".EncryptionConfiguration"
    encryption = _object(configuration.get("EncryptionConfiguration"), answer, operation, where)
    where += ".JobBookmarksEncryption"
    bookmarks = _object(encryption.get("JobBookmarksEncryption"), answer, operation, where)
    mode = _optional_str(
        bookmarks.get("JobBookmarksEncryptionMode"),
        answer,
        f"{where}.JobBookmarksEncryptionMode",
        operation,
    )
    return _NO_ENCRYPTION if mode is None else mode


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
