"""What the `glue-bookmarks` command prints: its tables and JSON documents, made from results.

Pure functions, data in and text out; only `Progress` writes, to the stream it is given. The
JSON of `get` and `reset` is the document `aws glue get-job-bookmark` and `aws glue
reset-job-bookmark` print, so a script can switch from the AWS CLI without changes; the tables
are for people.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import IO, Any, Final, Literal

import attrs

from glue_bookmarks._backfill import BackfillPlan
from glue_bookmarks._cli_table import Column, Row, table_lines
from glue_bookmarks._diff import JobDiff
from glue_bookmarks._doctor import JobDiagnosis
from glue_bookmarks._entry import JobBookmarkEntry
from glue_bookmarks._exceptions import (
    BookmarkParseError,
    GlueBookmarksError,
    JobNotFoundError,
    NoBookmarkError,
    ServiceError,
)
from glue_bookmarks._findings import Severity
from glue_bookmarks._jobs import RunStart
from glue_bookmarks._lint import ScriptReport
from glue_bookmarks._rewind import RewindPlan
from glue_bookmarks._state import BookmarkState, HadoopSourceState, format_iso_time

__all__ = [
    "Outcome",
    "Progress",
    "Status",
    "backfill_document",
    "backfill_plan_text",
    "backfill_started_text",
    "count",
    "describe",
    "diff_document",
    "diff_table",
    "doctor_document",
    "doctor_table",
    "entry_document",
    "entry_table",
    "json_text",
    "lint_document",
    "lint_text",
    "list_document",
    "list_table",
    "note",
    "one_line",
    "outcome",
    "plan_text",
    "query_text",
    "rewind_text",
    "text_output",
]

Status = Literal["ok", "no-bookmark", "job-not-found", "error"]

_NO_VALUE: Final = "-"
_LIST_COLUMNS: Final = (
    Column("JOB"),
    Column("VERSION"),
    Column("RUN"),
    Column("ATTEMPT"),
    Column("SOURCE", "shorten"),
    Column("RUN START TIME"),
    Column("FILES"),
    Column("RUN ID", "shorten"),
)
_DOCTOR_COLUMNS: Final = (
    Column("JOB"),
    Column("SEVERITY"),
    Column("CODE"),
    Column("SOURCE", "shorten"),
    Column("MESSAGE", "wrap", narrowest=20),
)
_DIFF_COLUMNS: Final = (
    Column("JOB"),
    Column("STATUS"),
    Column("VERSION"),
    Column("RUN"),
    Column("SOURCE", "shorten"),
    Column("FILES ADDED", "wrap"),
    Column("LATEST PARTITION", "wrap"),
)


# -- text and JSON -----------------------------------------------------------------------------


def one_line(text: str) -> str:
    """`text` on one line: service messages may hold newlines (a proxy's HTML page)."""
    return " ".join(text.split())


def count(number: int, noun: str) -> str:
    """`1 job`, `2 jobs`."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def json_text(document: object) -> str:
    """`document` as the AWS CLI prints JSON: indent 4, non-ASCII kept as is, a final newline."""
    return json.dumps(document, indent=4, ensure_ascii=False) + "\n"


def text_output(document: object) -> str:
    """`document` as the AWS CLI's `--output text` prints it: tab-separated lines.

    The rules are those of the AWS CLI's text formatter (`awscli/text.py` in aws/aws-cli):
    a scalar is printed bare (None as `None`); a dict's scalar values go on one line in the
    order of their keys, after the dict's own key in upper case when it has one, and then each
    of its lists and dicts, named by its key; a list of scalars is one line, or with a key one
    line per item; the dicts of a list share the scalar keys of them all, an absent one empty.
    """
    lines: list[str] = []
    _text_lines(document, None, None, lines)
    return "".join(lines)


def _nested(value: object) -> bool:
    return isinstance(value, dict | list)


def _text_lines(
    item: object, key: str | None, shared_keys: Sequence[str] | None, lines: list[str]
) -> None:
    """The lines of `item`, under `key`; `shared_keys` are the scalar keys of its list's dicts."""
    if isinstance(item, dict):
        if shared_keys is None:
            scalars = [str(value) for _, value in sorted(item.items()) if not _nested(value)]
            nested = [(name, value) for name, value in sorted(item.items()) if _nested(value)]
        else:
            scalars = [str(item.get(name, "")) for name in shared_keys]
            nested = [(name, item[name]) for name in sorted(item.keys() - set(shared_keys))]
        if scalars:
            lines.append("\t".join(scalars if key is None else [key.upper(), *scalars]) + "\n")
        for name, value in nested:
            _text_lines(value, name, None, lines)
    elif isinstance(item, list):
        if any(isinstance(element, dict) for element in item):
            keys = sorted(
                {
                    name
                    for element in item
                    if isinstance(element, dict)
                    for name, value in element.items()
                    if not _nested(value)
                }
            )
            for element in item:
                _text_lines(element, key, keys, lines)
            return
        scalars = [str(element) for element in item if not _nested(element)]
        if key is not None:
            lines.extend(f"{key.upper()}\t{scalar}\n" for scalar in scalars)
        elif scalars:
            lines.append("\t".join(scalars) + "\n")
        for element in item:
            if _nested(element):
                _text_lines(element, key, None, lines)
    else:
        lines.append(f"{item}\n")


def query_text(expression: Any, document: object, output: Literal["json", "text"] = "json") -> str:
    """What `--query` prints: the selection as JSON, nothing for an empty object; or as text.

    `expression` is a compiled JMESPath expression. The AWS CLI's JSON output prints nothing for
    `{}` either; `null`, `[]` and a plain string are printed as JSON. In text, a string is bare,
    as the AWS CLI prints it, so the output can be used as a shell variable's value.
    """
    selected = expression.search(document)
    if output == "text":
        return text_output(selected)
    return "" if selected == {} else json_text(selected)


def describe(error: GlueBookmarksError) -> str:
    """One line with the code (or the class), the message and the request id."""
    if isinstance(error, ServiceError):
        # Its str is already "Code: message (operation, HTTP status, request id ...)".
        return one_line(str(error))
    text = f"{type(error).__name__}: {error}"
    if error.request_id:
        text += f" (request id {error.request_id})"
    return one_line(text)


def _error_fields(error: GlueBookmarksError) -> dict[str, str | None]:
    """The `Error` object of `list --output json`."""
    if isinstance(error, ServiceError):
        code = error.code or type(error).__name__
        message = error.message
    else:
        code = type(error).__name__
        message = str(error)
    return {"Code": code, "Message": one_line(message), "RequestId": error.request_id or None}


def _when(moment: datetime | None) -> str:
    return _NO_VALUE if moment is None else format_iso_time(moment)


# -- get, reset and list -----------------------------------------------------------------------


@attrs.frozen
class Outcome:
    """What `list` found for one job."""

    job_name: str
    status: Status
    entry: JobBookmarkEntry | None = None
    state: BookmarkState | None = None
    error: GlueBookmarksError | None = None

    @property
    def failed(self) -> bool:
        return self.status in ("job-not-found", "error")


def outcome(job_name: str, result: JobBookmarkEntry | GlueBookmarksError) -> Outcome:
    """The outcome of one job's fetch; an entry whose state does not parse is an error."""
    if isinstance(result, JobBookmarkEntry):
        try:
            state = result.state
        except BookmarkParseError as exc:
            return Outcome(job_name, "error", entry=result, error=exc)
        return Outcome(job_name, "ok", entry=result, state=state)
    if isinstance(result, NoBookmarkError):
        return Outcome(job_name, "no-bookmark", error=result)
    if isinstance(result, JobNotFoundError):
        return Outcome(job_name, "job-not-found", error=result)
    return Outcome(job_name, "error", error=result)


def entry_document(entry: JobBookmarkEntry) -> dict[str, object]:
    """The JSON `get` and `reset` print: `{"JobBookmarkEntry": {...}}`, as the AWS CLI does."""
    return {"JobBookmarkEntry": entry.to_dict()}


def entry_table(
    entry: JobBookmarkEntry, width: int | None = None, encoding: str | None = None
) -> str:
    """The table of one entry, as `list` shows it, fitted to `width` if given.

    Raises:
        BookmarkParseError: The entry's state does not parse.
    """
    job = Outcome(entry.job_name, "ok", entry=entry, state=entry.state)
    return list_table([job], width, encoding)


def list_document(outcomes: Iterable[Outcome]) -> dict[str, list[dict[str, object]]]:
    """The JSON `list` prints: `{"JobBookmarks": [...]}`, the snapshot `diff` reads."""
    items: list[dict[str, object]] = []
    for job in outcomes:
        item: dict[str, object] = {"JobName": job.job_name, "Status": job.status}
        if job.entry is not None:
            item["JobBookmarkEntry"] = job.entry.to_dict()
        if job.error is not None:
            item["Error"] = _error_fields(job.error)
        items.append(item)
    return {"JobBookmarks": items}


def _source_cells(state: BookmarkState) -> list[tuple[str, str, str]]:
    """(source, run start time, files) for each source; one row of dashes for none."""
    cells: list[tuple[str, str, str]] = []
    for ctx, source in state.items():
        if isinstance(source, HadoopSourceState):
            cells.append((ctx, _when(source.run_start_time), str(len(source.include_list))))
        else:
            cells.append((f"{ctx} ({source.json_class})", _NO_VALUE, _NO_VALUE))
    return cells or [(_NO_VALUE, _NO_VALUE, _NO_VALUE)]


def note(job: Outcome) -> str:
    """What the table shows for a job without a readable entry."""
    if job.status == "no-bookmark":
        return "no bookmark yet"
    if job.error is None:
        return "failed"
    fields = _error_fields(job.error)
    return f"failed: {fields['Code']}: {fields['Message']}"


def list_table(
    outcomes: Iterable[Outcome], width: int | None = None, encoding: str | None = None
) -> str:
    """The table `list` prints: one row per job, one more line per further source.

    A job without an entry gets its note ("no bookmark yet", or "failed: " with the code and
    message) in place of the columns after JOB. With a `width`, the table is fitted to it:
    source names and run ids are shortened, notes wrap. A character `encoding` lacks (or a
    control character, or a lone surrogate) is shown as its backslash escape.
    """
    rows: list[Row] = []
    for job in outcomes:
        entry, state = job.entry, job.state
        if entry is None or state is None:
            rows.append(Row((job.job_name,), note=note(job)))
            continue
        for index, (source, when, files) in enumerate(_source_cells(state)):
            if index == 0:
                columns = (job.job_name, str(entry.version), str(entry.run), str(entry.attempt))
                run_id = entry.run_id or _NO_VALUE
            else:
                columns, run_id = ("", "", "", ""), ""
            rows.append(Row((*columns, source, when, files, run_id)))
    return "\n".join(table_lines(_LIST_COLUMNS, rows, width, encoding)) + "\n"


class Progress:
    """A one-line counter rewritten in place on `stream`, a terminal; silent unless `enabled`."""

    def __init__(self, stream: IO[str], *, enabled: bool) -> None:
        self._stream = stream
        self._enabled = enabled
        self._width = 0

    def show(self, text: str) -> None:
        if not self._enabled:
            return
        # Padded to the previous text's width, so a shorter one leaves nothing behind.
        self._stream.write("\r" + text.ljust(self._width))
        self._stream.flush()
        self._width = max(self._width, len(text))

    def clear(self) -> None:
        if self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()
            self._width = 0


# -- doctor ------------------------------------------------------------------------------------


def doctor_document(diagnoses: Iterable[JobDiagnosis]) -> dict[str, list[dict[str, object]]]:
    """The JSON `doctor` prints: `{"Jobs": [...]}`, each job with its `Findings`."""
    return {
        "Jobs": [
            {
                "JobName": diagnosis.job_name,
                "BookmarkOption": diagnosis.bookmark_option,
                "BookmarkOptionSource": diagnosis.bookmark_option_source,
                "MaxConcurrentRuns": diagnosis.max_concurrent_runs,
                "JobType": diagnosis.job_type,
                "GlueVersion": diagnosis.glue_version,
                "ScriptLocation": diagnosis.script_location,
                "Findings": [
                    {
                        "Code": finding.code,
                        "Severity": finding.severity.value,
                        "Message": finding.message,
                        "TransformationContext": finding.transformation_ctx,
                        "Line": finding.line,
                    }
                    for finding in diagnosis.findings
                ],
            }
            for diagnosis in diagnoses
        ]
    }


def doctor_table(
    diagnoses: Sequence[JobDiagnosis], width: int | None = None, encoding: str | None = None
) -> str:
    """One row per finding, grouped by job (the name on its first row), then a summary line
    that counts the jobs without findings. With a `width`, messages wrap and source names
    are shortened to fit it; characters are escaped as in `list_table`."""
    rows = [
        Row(
            (
                diagnosis.job_name if index == 0 else "",
                finding.severity.value,
                finding.code,
                finding.transformation_ctx or _NO_VALUE,
                finding.message,
            )
        )
        for diagnosis in diagnoses
        for index, finding in enumerate(diagnosis.findings)
    ]
    lines: list[str] = []
    if rows:
        lines.extend(table_lines(_DOCTOR_COLUMNS, rows, width, encoding))
        lines.append("")
    with_findings = sum(bool(diagnosis.findings) for diagnosis in diagnoses)
    by_severity = {severity: 0 for severity in sorted(Severity, reverse=True)}
    for diagnosis in diagnoses:
        for finding in diagnosis.findings:
            by_severity[finding.severity] += 1
    counts = ", ".join(
        f"{number} info" if severity is Severity.INFO else count(number, severity.value)
        for severity, number in by_severity.items()
    )
    lines.append(
        f"{count(len(diagnoses), 'job')} diagnosed: {with_findings} with findings ({counts}), "
        f"{len(diagnoses) - with_findings} without findings"
    )
    return "\n".join(lines) + "\n"


# -- rewind ------------------------------------------------------------------------------------


def plan_text(plan: RewindPlan) -> str:
    """The plan, for people: what is rewound, from when data is processed again, and why not."""
    current = plan.current
    lines = [
        f"Rewind plan for job {plan.job_name!r}, to process again the data since "
        f"{format_iso_time(plan.since)}:"
    ]
    if current is None:
        lines.append("  current bookmark: none")
    else:
        lines.append(
            f"  current bookmark: version {current.version}, run {current.run}, "
            f"run id {current.run_id or _NO_VALUE}"
        )
    if plan.run_id is None:
        lines.append("  rewind to:        no succeeded run started before then: a full reset")
        lines.append("  processed again:  all the job's data")
    else:
        lines.append(
            f"  rewind to:        run {plan.run_id}, which started {_when(plan.reprocess_from)}"
        )
        lines.append(
            f"  processed again:  the data since {_when(plan.reprocess_from)}, that run's start; "
            "the precision is one run"
        )
    lines.append(
        "  every source of the job is rewound; files already written to its targets are not cleaned"
    )
    if current is None:
        lines.append(
            "Nothing to do: the job has no bookmark, so its next run with bookmarks enabled "
            "processes all its data anyway."
        )
    elif not plan.has_effect:
        lines.append("Nothing to do: the bookmark already stands at that run.")
    return "\n".join(lines) + "\n"


def rewind_text(plan: RewindPlan, entry: JobBookmarkEntry | None) -> str:
    """The line after a plan is applied: where the bookmark stands now, given `entry`, what
    `GlueBookmarks.apply_rewind()` returned."""
    if entry is not None and plan.run_id is not None:
        return (
            f"Rewound: the bookmark of {plan.job_name!r} is at run {entry.run} "
            f"({entry.run_id or _NO_VALUE}), version {entry.version}.\n"
        )
    return f"Reset: job {plan.job_name!r} has no bookmark now.\n"


# -- backfill ----------------------------------------------------------------------------------


def _run_arguments(plan: BackfillPlan, arguments: Mapping[str, str]) -> dict[str, str]:
    """What the run is started with, the plan's three first: the caller's cannot be theirs."""
    return {**plan.arguments, **arguments}


def backfill_plan_text(plan: BackfillPlan, arguments: Mapping[str, str]) -> str:
    """The plan, for people: the two runs that bound the window, the runs whose input is
    processed again, and the arguments of the run that does it (`arguments` the caller's)."""
    window = (
        f"since {format_iso_time(plan.since)}"
        if plan.until is None
        else f"from {format_iso_time(plan.since)} up to {format_iso_time(plan.until)}"
    )
    indent = " " * 20
    lines = [
        f"Backfill plan for job {plan.job_name!r}, to process again the input of the runs that "
        f"started {window}:",
        f"  from run:         {plan.from_run.run_id}, which started "
        f"{format_iso_time(plan.from_run.started_on)}: its input, and all before, is left out",
        f"  to run:           {plan.to_run.run_id}, which started "
        f"{format_iso_time(plan.to_run.started_on)}: the last whose input is processed",
        f"  processed again:  the input of {count(len(plan.runs), 'run')}; the precision is "
        "one run",
        *(f"{indent}{run.run_id}, started {format_iso_time(run.started_on)}" for run in plan.runs),
    ]
    for index, (key, value) in enumerate(_run_arguments(plan, arguments).items()):
        lines.append(f"{'  run arguments:    ' if index == 0 else indent}{key} {value}")
    lines.append(
        "  the bookmark is left as it is; files already written to the job's targets are not "
        "cleaned"
    )
    return "\n".join(lines) + "\n"


def backfill_started_text(plan: BackfillPlan, run_id: str) -> str:
    """The line after the run is started, with its id."""
    return f"Started run {run_id} of job {plan.job_name!r}; its bookmark is unchanged.\n"


def _run_document(run: RunStart) -> dict[str, str]:
    return {"Id": run.run_id, "StartedOn": format_iso_time(run.started_on)}


def backfill_document(
    plan: BackfillPlan, arguments: Mapping[str, str], run_id: str | None
) -> dict[str, object]:
    """The JSON `backfill` prints: the plan, the run's `Arguments` and its `JobRunId` (None
    when no run was started: `--dry-run`)."""
    return {
        "JobName": plan.job_name,
        "Since": format_iso_time(plan.since),
        "Until": _iso_or_none(plan.until),
        "FromRun": _run_document(plan.from_run),
        "ToRun": _run_document(plan.to_run),
        "Runs": [_run_document(run) for run in plan.runs],
        "Arguments": _run_arguments(plan, arguments),
        "JobRunId": run_id,
    }


# -- diff --------------------------------------------------------------------------------------


def _change(before: object, after: object) -> str:
    """`before -> after`, or the one value when it did not move."""
    shown = [_NO_VALUE if value is None else str(value) for value in (before, after)]
    return shown[0] if shown[0] == shown[1] else f"{shown[0]} -> {shown[1]}"


def _diff_rows(diff: JobDiff) -> list[Row]:
    before, after = diff.before, diff.after
    version = _change(
        None if before is None else before.version, None if after is None else after.version
    )
    run = _change(None if before is None else before.run, None if after is None else after.run)
    job = (diff.job_name, diff.status, version, run)
    if diff.error is not None:
        return [Row(job, note=f"state does not parse: {one_line(str(diff.error))}")]
    if not diff.sources:
        return [Row((*job, _NO_VALUE, _NO_VALUE, _NO_VALUE))]
    rows: list[Row] = []
    for index, source in enumerate(diff.sources):
        files = _NO_VALUE if source.files_added is None else str(source.files_added)
        partition = _change(
            _when(source.latest_partition_before) if source.in_before else None,
            _when(source.latest_partition_after) if source.in_after else None,
        )
        ctx = source.transformation_ctx
        if not source.in_before:
            ctx += " (new)"
        elif not source.in_after:
            ctx += " (dropped)"
        rows.append(Row((*(job if index == 0 else ("", "", "", "")), ctx, files, partition)))
    return rows


def diff_table(
    diffs: Sequence[JobDiff], width: int | None = None, encoding: str | None = None
) -> str:
    """One row per source of each job (one for a job without), then the count of each status.
    With a `width`, source names are shortened and the partitions wrap to fit it; characters
    are escaped as in `list_table`."""
    rows = [row for diff in diffs for row in _diff_rows(diff)]
    lines = table_lines(_DIFF_COLUMNS, rows, width, encoding)
    counts: dict[str, int] = {}
    for diff in diffs:
        counts[diff.status] = counts.get(diff.status, 0) + 1
    summary = ", ".join(f"{number} {status}" for status, number in counts.items())
    lines.append(count(len(diffs), "job") + (f": {summary}" if summary else ""))
    return "\n".join(lines) + "\n"


def _entry_summary(entry: JobBookmarkEntry | None) -> dict[str, object] | None:
    if entry is None:
        return None
    return {"Version": entry.version, "Run": entry.run, "RunId": entry.run_id}


def _iso_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else format_iso_time(moment)


def diff_document(diffs: Sequence[JobDiff]) -> dict[str, list[dict[str, object]]]:
    """The JSON `diff` prints: `{"Jobs": [...]}`, each job with its status and `Sources`."""
    jobs: list[dict[str, object]] = []
    for diff in diffs:
        jobs.append(
            {
                "JobName": diff.job_name,
                "Status": diff.status,
                "Before": _entry_summary(diff.before),
                "After": _entry_summary(diff.after),
                "Sources": [
                    {
                        "TransformationContext": source.transformation_ctx,
                        "InBefore": source.in_before,
                        "InAfter": source.in_after,
                        "FilesAdded": source.files_added,
                        "LatestPartitionBefore": _iso_or_none(source.latest_partition_before),
                        "LatestPartitionAfter": _iso_or_none(source.latest_partition_after),
                    }
                    for source in diff.sources
                ],
                "Error": None if diff.error is None else one_line(str(diff.error)),
            }
        )
    return {"Jobs": jobs}


def lint_document(reports: Iterable[ScriptReport]) -> dict[str, list[dict[str, object]]]:
    """The JSON `lint` prints: `{"Scripts": [...]}`, each script with its `Findings` and
    `Reads`."""
    return {
        "Scripts": [
            {
                "Path": report.path,
                "Findings": [
                    {
                        "Code": finding.code,
                        "Severity": finding.severity.value,
                        "Line": finding.line,
                        "Message": finding.message,
                    }
                    for finding in report.findings
                ],
                "Reads": [
                    {
                        "Line": read.line,
                        "Call": read.call,
                        "TransformationContext": read.transformation_ctx,
                        "Dynamic": read.dynamic,
                    }
                    for read in report.reads
                ],
            }
            for report in reports
        ]
    }


def lint_text(reports: Iterable[ScriptReport]) -> str:
    """The text `lint` prints: a line a finding, `path:line: severity code message`, as
    linters print (`path: ...` for a finding about the whole script)."""
    lines = []
    for report in reports:
        for finding in report.findings:
            where = report.path if finding.line is None else f"{report.path}:{finding.line}"
            lines.append(f"{where}: {finding.severity.value} {finding.code} {finding.message}\n")
    return "".join(lines)
