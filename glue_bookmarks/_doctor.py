"""The doctor: `JobDiagnosis`, and the rules that find what bookmarks fail (as `_findings`'
`Finding`s); `_diagnose` is the operation that reads what the rules need.

The rules are pure: a job's configuration (`_jobs.JobConfig`), its bookmark result, what its
runs say and how its security configuration encrypts bookmarks go in; a `JobDiagnosis` comes
out (`diagnose_job`). The finding codes are stable: the "Doctor" docs page lists each with its
fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Final

import attrs

from glue_bookmarks._entry import JobBookmarkEntry
from glue_bookmarks._exceptions import (
    BookmarkParseError,
    GlueBookmarksError,
    InvalidParameterError,
    NoBookmarkError,
    ServiceError,
)
from glue_bookmarks._findings import Finding, Severity
from glue_bookmarks._jobs import (
    BOOKMARK_OPTION_ARGUMENT,
    BOOKMARK_OPTION_VALUES,
    CONTINUATION_OPTION_ARGUMENT,
    CONTINUATION_OPTION_VALUES,
    BookmarkOption,
    JobConfig,
    JobRun,
)
from glue_bookmarks._state import HadoopSourceState, format_iso_time

__all__ = [
    "RUNS_LOOKED_AT",
    "JobDiagnosis",
    "RunHistory",
    "check_history",
    "check_stale_after",
    "diagnose_job",
    "keeps_bookmark",
    "read_history",
]

# The one GetJobRuns request for an enabled job (without a bookmark, or with history) asks
# for this many runs.
RUNS_LOOKED_AT: Final = 25

# A key this close to `--job-bookmark-option` (Damerau-Levenshtein: insertions, deletions,
# substitutions and swaps of two neighbours), or to the same without its dashes, is taken for
# a misspelling of it.
_TYPO_EDITS: Final = 2
_TYPO_TARGETS: Final = (BOOKMARK_OPTION_ARGUMENT, BOOKMARK_OPTION_ARGUMENT.lstrip("-"))
# Where the bookmark option comes from in the common case: messages name the source otherwise.
_USUAL_SOURCE: Final = f"DefaultArguments {BOOKMARK_OPTION_ARGUMENT}"

# Run states (`JobRunState`) of a run still going, of one that never started (queued, then
# expired), and of one that ended in failure.
_RUNNING_STATES: Final = frozenset({"STARTING", "RUNNING", "STOPPING"})
_NOT_STARTED_STATES: Final = frozenset({"WAITING", "EXPIRED"})
_FAILED_STATES: Final = frozenset({"FAILED", "TIMEOUT", "ERROR"})
# The longest run error message a finding quotes.
_ERROR_MESSAGE_CHARS: Final = 300
# The `JobBookmarksEncryptionMode` that encrypts bookmarks with the caller's KMS key.
_ENCRYPTED_MODE: Final = "CSE-KMS"

# `Command.Name` of the job types the Glue developer guide says keep no bookmark: streaming
# jobs use checkpoints instead, and Python shell jobs cannot use job bookmarks.
_NO_BOOKMARK_JOB_TYPES: Final[Mapping[str, str]] = {
    "gluestreaming": "streaming jobs use checkpoints rather than job bookmarks",
    "pythonshell": "Python shell jobs cannot use job bookmarks",
}


@attrs.frozen(kw_only=True)
class JobDiagnosis:
    """What `GlueBookmarks.diagnose()` found for one job.

    The configuration fields come from the job's `GetJobs` entry; they are None only for a job
    that `GetJobs` did not list (its `result` is then a `JobNotFoundError`), except as noted.

    Attributes:
        job_name: The name of the job.
        bookmark_option: `"enable"`, `"disable"` or `"pause"`: the option the job's runs get
            unless a run sets its own, read as Glue reads it (`bookmark_option_source` says
            from which argument); `"disable"` when the job sets none, as Glue does. None when
            the value is none of its argument's three (an `unknown-bookmark-option` finding
            names it) or the job was not found.
        bookmark_option_source: Which argument set `bookmark_option`: the set of arguments
            and the argument, one of `"NonOverridableArguments --job-bookmark-option"`,
            `"DefaultArguments --job-bookmark-option"`, `"NonOverridableArguments
            --continuation-option"` and `"DefaultArguments --continuation-option"`, highest
            first (the first present wins). `--continuation-option` is the older argument,
            read only where no `--job-bookmark-option` is set: `continuation-enabled` is
            enable, `continuation-readonly` pause, `continuation-ignore` disable. None when
            no argument sets it (Glue's default, disable) or the job was not found.
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
    bookmark_option_source: str | None = None
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


def check_stale_after(value: object) -> timedelta:
    """`value` if it is a positive `timedelta`, else `InvalidParameterError`."""
    if type(value) is not timedelta or value <= timedelta(0):
        shown = repr(value) if isinstance(value, timedelta) else type(value).__name__
        raise InvalidParameterError(
            f"stale_after must be a positive timedelta (such as timedelta(days=7)), got {shown}",
            parameter="stale_after",
        )
    return value


def check_history(value: object) -> bool:
    if type(value) is not bool:
        raise InvalidParameterError(
            f"history must be True or False, got {type(value).__name__}", parameter="history"
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


def _within_edits(word: str, target: str, edits: int) -> bool:
    """Whether `word` is at most `edits` insertions, deletions, substitutions or swaps of two
    neighbours away from `target` (the optimal string alignment distance), row by row, given
    up as soon as a row shows it is not."""
    if abs(len(word) - len(target)) > edits:
        return False
    before: list[int] = []
    previous = list(range(len(target) + 1))
    for i, letter in enumerate(word, 1):
        row = [i] + [0] * len(target)
        for j, other in enumerate(target, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (letter != other))
            if i > 1 and j > 1 and letter == target[j - 2] and word[i - 2] == other:
                row[j] = min(row[j], before[j - 2] + 1)
        if min(row) > edits:
            return False
        before, previous = previous, row
    return previous[-1] <= edits


def _nearest(value: str, candidates: Iterable[str]) -> str | None:
    """The first of `candidates` within two edits of `value`, if any."""
    return next((c for c in candidates if _within_edits(value, c, _TYPO_EDITS)), None)


def _typo_findings(config: JobConfig) -> list[Finding]:
    """A key of the job's arguments that is a misspelt `--job-bookmark-option`."""
    findings = []
    for where, key in config.argument_keys:
        folded = key.lower()
        if not any(_within_edits(folded, target, _TYPO_EDITS) for target in _TYPO_TARGETS):
            continue
        if config.bookmark_option_source is None:
            effect = ", so bookmarks are off (disable, Glue's default)"
        else:
            effect = f"; the bookmark option comes from {config.bookmark_option_source} instead"
        findings.append(
            Finding(
                code="bookmark-option-typo",
                severity=Severity.WARNING,
                message=(
                    f"{where} has {key!r}, which Glue does not read (it should be "
                    f"{BOOKMARK_OPTION_ARGUMENT!r}){effect}"
                ),
            )
        )
    return findings


def _unknown_option(config: JobConfig) -> Finding:
    """The finding of a bookmark option value none of its argument's three."""
    raw = config.raw_bookmark_option or ""
    source = config.bookmark_option_source or BOOKMARK_OPTION_ARGUMENT
    values = (
        CONTINUATION_OPTION_VALUES
        if source.endswith(CONTINUATION_OPTION_ARGUMENT)
        else BOOKMARK_OPTION_VALUES
    )
    first, second, third = values
    message = f"{source} is {raw!r}, none of {first}, {second} or {third}"
    nearest = _nearest(raw.lower(), values)
    if nearest is not None:
        message += f": it should probably be {nearest!r}"
    return Finding(code="unknown-bookmark-option", severity=Severity.ERROR, message=message)


def _origin(config: JobConfig) -> str:
    """Where the option comes from, for a message, when not the usual default argument:
    ` (DefaultArguments --continuation-option continuation-readonly)`; else nothing."""
    source = config.bookmark_option_source
    if source is None or source == _USUAL_SOURCE:
        return ""
    return f" ({source} {config.raw_bookmark_option})"


def _configuration_findings(config: JobConfig) -> list[Finding]:
    """What the job's configuration alone says."""
    option = config.bookmark_option
    findings = _typo_findings(config)
    if option is None:
        return [_unknown_option(config), *findings]
    reason = _NO_BOOKMARK_JOB_TYPES.get(config.job_type or "")
    if option != "disable" and reason is not None:
        # The rules below are about a bookmark this job never keeps.
        findings.append(
            Finding(
                code="unsupported-job-type",
                severity=Severity.WARNING,
                message=(
                    f"bookmarks are set to {option}{_origin(config)} on a {config.job_type} "
                    f"job, which keeps no bookmark: {reason}"
                ),
            )
        )
        return findings
    if option != "disable" and config.max_concurrent_runs > 1:
        message = (
            f"bookmarks are set to {option}{_origin(config)} and MaxConcurrentRuns is "
            f"{config.max_concurrent_runs}: concurrent runs race on one bookmark"
        )
        if not config.run_queuing:
            message += (
                "; set it to 1 with JobRunQueuingEnabled (off for this job), so that a run "
                "started while another runs waits rather than fails"
            )
        findings.append(Finding(code="concurrent-runs", severity=Severity.WARNING, message=message))
    if option == "pause":
        findings.append(
            Finding(
                code="paused",
                severity=Severity.INFO,
                message=(
                    f"bookmarks are paused{_origin(config)}: runs read from the bookmark but "
                    "never advance it"
                ),
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


@attrs.frozen(kw_only=True)
class RunHistory:
    """What a job's latest runs (one `GetJobRuns` page) say, as the rules read it (private).

    Made by `read_history` as the page arrives, so the runs themselves are not kept.

    Attributes:
        committed: Whether a run succeeded with bookmarks enabled (a run whose own arguments
            pause or disable them commits nothing).
        overlap: The latest two runs with bookmarks enabled that ran at the same time: their
            ids, in the order they started, and when they overlapped; None when none did.
        overlapping_pairs: How many pairs of such runs overlapped.
        latest: The run that started last; None when no run started.
    """

    committed: bool
    overlap: tuple[str, str, datetime, datetime] | None = None
    overlapping_pairs: int = 0
    latest: JobRun | None = None


def _run_span(config: JobConfig, run: JobRun, now: datetime) -> tuple[datetime, datetime] | None:
    """When a run with bookmarks enabled ran (until `now` for one still running); None for a
    run that ran without them, never started, or whose times the page does not give."""
    if run.state in _NOT_STARTED_STATES or run.started_on is None:
        return None
    if config.run_bookmark_option(run) != "enable":
        return None
    end = now if run.state in _RUNNING_STATES else run.ended_on
    if end is None or end <= run.started_on:
        return None
    return run.started_on, end


def read_history(config: JobConfig, runs: Sequence[JobRun], now: datetime) -> RunHistory:
    """What the rules need of a job's latest runs: pure.

    Args:
        config: The job's configuration (its arguments say which runs had bookmarks on).
        runs: The runs of one `GetJobRuns` page.
        now: The end of a run still going; timezone-aware.
    """
    committed = any(
        run.state == "SUCCEEDED" and config.run_bookmark_option(run) == "enable" for run in runs
    )
    spans = sorted(
        (span[0], span[1], run.run_id)
        for run in runs
        if (span := _run_span(config, run, now)) is not None
    )
    pairs = []
    for index, (_, end, first) in enumerate(spans):
        for start, other_end, second in spans[index + 1 :]:
            if start >= end:
                break  # sorted by start: no later run began before `first` ended
            pairs.append((start, min(end, other_end), first, second))
    latest = max(
        (run for run in runs if run.started_on is not None),
        key=lambda run: run.started_on or now,
        default=None,
    )
    if not pairs:
        return RunHistory(committed=committed, latest=latest)
    start, end, first, second = max(pairs)
    return RunHistory(
        committed=committed,
        overlap=(first, second, start, end),
        overlapping_pairs=len(pairs),
        latest=latest,
    )


def _bookmark_findings(
    config: JobConfig,
    result: JobBookmarkEntry | GlueBookmarksError,
    runs: RunHistory | GlueBookmarksError | None,
    stale_after: timedelta,
    now: datetime,
) -> list[Finding]:
    """What the bookmark (and, for an enabled job without one, its runs) says."""
    if isinstance(result, NoBookmarkError):
        if not keeps_bookmark(config):
            return []
        if isinstance(runs, GlueBookmarksError):
            return [_fetch_failed("GetJobRuns failed", runs)]
        if runs is not None and runs.committed:
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
                    f"bookmarks are disabled{_origin(config)} but a bookmark exists (run "
                    f"{result.run}); enabling them later resumes from that old state"
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


def _duration(delta: timedelta) -> str:
    return "less than a second" if delta < timedelta(seconds=1) else _age(delta)


def _overlap(history: RunHistory) -> Finding | None:
    if history.overlap is None:
        return None
    first, second, start, end = history.overlap
    message = (
        f"runs {first} and {second}, both with bookmarks enabled, ran at the same time for "
        f"{_duration(end - start)} from {format_iso_time(start)}: concurrent runs race on one "
        "bookmark"
    )
    if history.overlapping_pairs > 1:
        more = history.overlapping_pairs - 1
        message += (
            f" ({more} more overlapping pair{'s' if more != 1 else ''} among the latest "
            f"{RUNS_LOOKED_AT} runs)"
        )
    return Finding(code="runs-overlapped", severity=Severity.WARNING, message=message)


def _last_run_failed(latest: JobRun | None) -> Finding | None:
    if latest is None or latest.started_on is None or latest.state not in _FAILED_STATES:
        return None
    message = (
        f"the latest run, {latest.run_id}, started {format_iso_time(latest.started_on)} and "
        f"ended {latest.state}"
    )
    if latest.error_message:
        said = " ".join(latest.error_message.split())
        if len(said) > _ERROR_MESSAGE_CHARS:
            said = said[: _ERROR_MESSAGE_CHARS - 3] + "..."
        message += f": {said}"
    return Finding(code="last-run-failed", severity=Severity.INFO, message=message)


def _history_findings(
    config: JobConfig, runs: RunHistory | GlueBookmarksError | None
) -> list[Finding]:
    """What the job's latest runs say, for an enabled job whose runs were read."""
    if not keeps_bookmark(config) or runs is None:
        return []
    if isinstance(runs, GlueBookmarksError):
        return [_fetch_failed("GetJobRuns failed", runs)]
    return [finding for finding in (_overlap(runs), _last_run_failed(runs.latest)) if finding]


def _encryption_findings(
    config: JobConfig, encryption: str | GlueBookmarksError | None
) -> list[Finding]:
    """Whether the bookmarks an enabled job writes are encrypted with the caller's KMS key."""
    if not keeps_bookmark(config):
        return []
    name = config.security_configuration
    if name is None:
        why = "the job has no security configuration"
    elif encryption is None or encryption == _ENCRYPTED_MODE:
        return []  # not read, or encrypted
    elif isinstance(encryption, GlueBookmarksError):
        message = encryption.message if isinstance(encryption, ServiceError) else str(encryption)
        return [
            Finding(
                code="encryption-unknown",
                severity=Severity.INFO,
                message=(
                    f"reading security configuration {name!r} failed: "
                    f"{_error_name(encryption)}: {' '.join(message.split())}; whether "
                    "bookmarks are encrypted is not known"
                ),
            )
        ]
    else:
        why = f"its security configuration {name!r} has JobBookmarksEncryption {encryption}"
    return [
        Finding(
            code="bookmarks-unencrypted",
            severity=Severity.INFO,
            message=(f"{why}: bookmarks are not encrypted with a KMS key of yours (CSE-KMS)"),
        )
    ]


def diagnose_job(
    config: JobConfig | None,
    job_name: str,
    result: JobBookmarkEntry | GlueBookmarksError,
    *,
    runs: RunHistory | GlueBookmarksError | None = None,
    history: bool = False,
    encryption: str | GlueBookmarksError | None = None,
    stale_after: timedelta,
    now: datetime,
) -> JobDiagnosis:
    """One job's diagnosis from what was read about it.

    Args:
        config: The job's configuration from `GetJobs`; None when `GetJobs` did not list it.
        job_name: The job's name.
        result: Its bookmark entry, or the error reading it ended with.
        runs: For an enabled job without a bookmark, or with `history`: what one
            `GetJobRuns` page says (`read_history`), or the error that request ended with;
            None when it was not asked.
        history: Whether to apply the rules about the runs (`runs-overlapped`,
            `last-run-failed`).
        encryption: The `JobBookmarksEncryptionMode` of the job's security configuration, or
            the error reading it ended with; None when it was not read (or the job has none).
        stale_after: How old the newest run start time in the state may be.
        now: The time to measure staleness and running runs against; timezone-aware.

    Returns:
        The diagnosis, its findings most severe first (in rule order within a severity).
    """
    if config is None:
        return JobDiagnosis(
            job_name=job_name,
            bookmark_option=None,
            bookmark_option_source=None,
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
        if history and not (isinstance(result, NoBookmarkError) and isinstance(runs, Exception)):
            # (A failed GetJobRuns of a job without a bookmark is already its finding.)
            findings += _history_findings(config, runs)
        findings += _encryption_findings(config, encryption)
    elif isinstance(result, GlueBookmarksError) and not isinstance(result, NoBookmarkError):
        findings.append(_fetch_failed("reading the bookmark failed", result))
    findings.sort(key=lambda finding: -finding.severity.rank)
    return JobDiagnosis(
        job_name=job_name,
        bookmark_option=config.bookmark_option,
        bookmark_option_source=config.bookmark_option_source,
        max_concurrent_runs=config.max_concurrent_runs,
        job_type=config.job_type,
        glue_version=config.glue_version,
        result=result,
        findings=tuple(findings),
        script_location=config.script_location,
    )
