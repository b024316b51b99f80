"""Glue scripts where the jobs run them: read from S3 (`GetObject`), found from a job
(`GetJob`'s `Command.ScriptLocation`), linted (`_lint`), and checked against the job's live
bookmark: a context a read names that the bookmark does not hold (renamed?), and one the
bookmark holds that no read names.

Operations written once, with no I/O, as `_operations`' are; the `GetObject` calls go to the
client's S3 client (`Call.service`), and the driver reads the object's body whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from glue_bookmarks._calls import Call
from glue_bookmarks._doctor import JobDiagnosis
from glue_bookmarks._entry import JobBookmarkEntry
from glue_bookmarks._exceptions import (
    BookmarkParseError,
    ConfigurationError,
    EntityNotFoundError,
    GlueBookmarksError,
    InvalidParameterError,
    ResponseValidationError,
    narrow_not_found,
)
from glue_bookmarks._findings import Finding, Severity, in_report_order
from glue_bookmarks._jobs import misfit
from glue_bookmarks._lint import ScriptReport, lint_script
from glue_bookmarks._operations import Batch, Operation, get_job_bookmark
from glue_bookmarks._state import BookmarkState
from glue_bookmarks._validation import check_name

__all__ = [
    "S3_SCHEME",
    "check_s3_url",
    "cross_check",
    "is_python_script",
    "lint_job",
    "lint_s3_script",
    "unreadable",
    "when",
    "with_scripts",
]

S3_SCHEME: Final = "s3://"


def check_s3_url(url: object, parameter: str = "url") -> tuple[str, str]:
    """The bucket and key of `s3://BUCKET/KEY`; anything else is an `InvalidParameterError`."""
    if not isinstance(url, str) or not url.startswith(S3_SCHEME):
        raise InvalidParameterError(
            f"{parameter} must be an s3://BUCKET/KEY URL, got {url!r}", parameter=parameter
        )
    bucket, _, key = url[len(S3_SCHEME) :].partition("/")
    if not bucket or not key:
        raise InvalidParameterError(
            f"{parameter} must name a bucket and a key, s3://BUCKET/KEY, got {url!r}",
            parameter=parameter,
        )
    return bucket, key


def is_python_script(location: str) -> bool:
    """Whether a script's path or URL names a Python script (`.py`); a Scala job's ends in
    `.scala`, and the lint reads Python only."""
    return location.lower().endswith(".py")


def unreadable(location: str, error: GlueBookmarksError, severity: Severity) -> Finding:
    """The `script-unreadable` finding of a script that could not be read."""
    return Finding(
        code="script-unreadable",
        severity=severity,
        message=f"the script {location} could not be read ({type(error).__name__}: {error}), "
        "so it was not checked",
    )


def _read_script(location: str) -> Operation[str]:
    """The text of the script at an s3:// URL (`GetObject`), UTF-8 (a BOM dropped)."""
    bucket, key = check_s3_url(location, "script location")
    answer = yield Call("GetObject", {"Bucket": bucket, "Key": key}, service="s3")
    body = answer.get("Body") if isinstance(answer, Mapping) else None
    if not isinstance(body, bytes):
        raise misfit(
            answer if isinstance(answer, Mapping) else {}, "GetObject", "Body", "is missing"
        )
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ResponseValidationError(
            f"the script {location} is not UTF-8 text (byte {exc.start})",
            operation_name="GetObject",
        ) from None


def lint_s3_script(url: str) -> Operation[ScriptReport]:
    """The lint of the script at an s3:// URL; an object that cannot be read is the report's
    `script-unreadable` finding (an error: the script was not checked)."""
    check_s3_url(url)
    _check_python(url, url)
    return _lint_at(url)


def _lint_at(location: str) -> Operation[ScriptReport]:
    try:
        source = yield from _read_script(location)
    except ConfigurationError:
        raise
    except GlueBookmarksError as exc:
        return ScriptReport(path=location, findings=(unreadable(location, exc, Severity.ERROR),))
    return lint_script(source, path=location)


def _check_python(location: str, what: str) -> None:
    if not is_python_script(location):
        raise InvalidParameterError(
            f"{what} is not a Python script (.py); the lint reads Python scripts only",
            parameter="path",
        )


def lint_job(job_name: str) -> Operation[ScriptReport]:
    """The lint of a job's script (`GetJob`, then `GetObject`), checked against its bookmark
    (`GetJobBookmark`): `GlueBookmarks.lint_job()`, checked, before any request."""
    check_name("job_name", job_name)
    return _lint_job(job_name)


def _lint_job(job_name: str) -> Operation[ScriptReport]:
    try:
        answer = yield Call("GetJob", {"JobName": job_name})
    except EntityNotFoundError as exc:
        raise narrow_not_found(exc, job_exists=False) from exc.__cause__
    location = _script_location(answer)
    if _language(answer) == "scala" or not is_python_script(location):
        raise InvalidParameterError(
            f"job {job_name!r} runs {location}, not a Python script (.py); the lint reads "
            "Python scripts only",
            parameter="job_name",
        )
    report = yield from _lint_at(location)
    if any(finding.code == "script-unreadable" for finding in report.findings):
        return report
    entry: JobBookmarkEntry | None
    try:
        entry = yield from get_job_bookmark(job_name, None).steps()
    except EntityNotFoundError:
        entry = None  # no bookmark yet: nothing to check the contexts against
    findings = cross_check(report, None if entry is None else entry.state)
    return attrs.evolve(report, findings=in_report_order(report.findings + findings))


def _job(answer: object) -> Mapping[str, Any]:
    job = answer.get("Job") if isinstance(answer, Mapping) else None
    if not isinstance(job, Mapping):
        raise misfit(answer if isinstance(answer, Mapping) else {}, "GetJob", "Job", "is missing")
    return job


def _script_location(answer: object) -> str:
    command = _job(answer).get("Command")
    location = command.get("ScriptLocation") if isinstance(command, Mapping) else None
    if not isinstance(location, str) or not location:
        raise misfit(
            answer if isinstance(answer, Mapping) else {},
            "GetJob",
            "Job.Command.ScriptLocation",
            "is missing",
        )
    return location


def _language(answer: object) -> str | None:
    arguments = _job(answer).get("DefaultArguments")
    language = arguments.get("--job-language") if isinstance(arguments, Mapping) else None
    return language.lower() if isinstance(language, str) else None


def cross_check(report: ScriptReport, state: BookmarkState | None) -> tuple[Finding, ...]:
    """The findings of a script's reads against its job's bookmark state.

    `context-not-in-bookmark`: a literal context has no state while others have (renamed? its
    next run reads everything). `bookmark-context-unused`: the state holds a context no read
    names; not reported when a read's context is not a literal, which may be that one.
    Nothing is reported against no state or an empty one: no run has committed.
    """
    if not state:
        return ()
    findings = []
    named = {read.transformation_ctx for read in report.reads if read.transformation_ctx}
    reported = set()
    for read in report.reads:
        context = read.transformation_ctx
        if context is None or context in state or context in reported:
            continue
        reported.add(context)
        findings.append(
            Finding(
                code="context-not-in-bookmark",
                severity=Severity.WARNING,
                message=f"the job's bookmark holds no state for this read's "
                f"transformation_ctx {context!r}, while it holds some for "
                f"{_listed(sorted(state))}: if the context was renamed, the next run reads "
                "all of this source again",
                transformation_ctx=context,
                line=read.line,
            )
        )
    if not any(read.dynamic for read in report.reads):
        for context in sorted(set(state) - named):
            findings.append(
                Finding(
                    code="bookmark-context-unused",
                    severity=Severity.WARNING,
                    message=f"the job's bookmark holds state for transformation_ctx "
                    f"{context!r}, which no read of the script names: a read renamed or "
                    "removed (its state is no longer used)",
                    transformation_ctx=context,
                )
            )
    return tuple(findings)


def _listed(contexts: list[str]) -> str:
    shown = ", ".join(repr(context) for context in contexts[:3])
    return shown if len(contexts) <= 3 else f"{shown} and {len(contexts) - 3} more"


# -- the doctor's scripts ---------------------------------------------------------------------


def when(
    scripts: object, diagnosis: Operation[list[JobDiagnosis]]
) -> Operation[list[JobDiagnosis]]:
    """`diagnosis` with its scripts (`with_scripts`) when `scripts` is True; checked."""
    if type(scripts) is not bool:
        diagnosis.close()
        raise InvalidParameterError(
            f"scripts must be True or False, got {scripts!r}", parameter="scripts"
        )
    return with_scripts(diagnosis) if scripts else diagnosis


def with_scripts(diagnosis: Operation[list[JobDiagnosis]]) -> Operation[list[JobDiagnosis]]:
    """`diagnosis`, each job's findings joined by those of its script: `diagnose(scripts=True)`.

    Each distinct script is read once (`GetObject`, as a batch on the many-jobs engine) and
    linted once, however many jobs run it; each job's reads are checked against its own
    bookmark. A script that cannot be read is that job's `script-unreadable` finding (info),
    one that is not Python its `script-not-python` finding (info).
    """
    diagnoses = yield from diagnosis
    locations = {
        d.script_location: None
        for d in diagnoses
        if d.script_location is not None and is_python_script(d.script_location)
    }
    texts = yield Batch(names=list(locations), operation=_read_script, service="s3")
    reports = {
        location: text if isinstance(text, GlueBookmarksError) else lint_script(text, path=location)
        for location, text in zip(locations, texts, strict=True)
    }
    return [_with_script(d, reports) for d in diagnoses]


def _with_script(
    diagnosis: JobDiagnosis, reports: Mapping[str, ScriptReport | GlueBookmarksError]
) -> JobDiagnosis:
    location = diagnosis.script_location
    if location is None:
        return diagnosis
    report = reports.get(location)
    if report is None:
        added: tuple[Finding, ...] = (
            Finding(
                code="script-not-python",
                severity=Severity.INFO,
                message=f"the script {location} is not a Python script (.py); it was not linted",
            ),
        )
    elif isinstance(report, GlueBookmarksError):
        added = (unreadable(location, report, Severity.INFO),)
    else:
        found = report.findings + cross_check(report, _state(diagnosis.result))
        added = tuple(_at_line(finding) for finding in found)
    findings = sorted(diagnosis.findings + added, key=lambda finding: -finding.severity.rank)
    return attrs.evolve(diagnosis, findings=tuple(findings))


def _at_line(finding: Finding) -> Finding:
    """A script's finding in a job's diagnosis: its message says which line of the script."""
    if finding.line is None:
        return attrs.evolve(finding, message=f"the script: {finding.message}")
    return attrs.evolve(finding, message=f"the script, line {finding.line}: {finding.message}")


def _state(result: JobBookmarkEntry | GlueBookmarksError) -> BookmarkState | None:
    """The bookmark's state to check the script against; None when there is none, or when it
    does not parse (a finding of the doctor's own already says so)."""
    if not isinstance(result, JobBookmarkEntry):
        return None
    try:
        return result.state
    except BookmarkParseError:
        return None
