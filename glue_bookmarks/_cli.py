"""The `glue-bookmarks` command: get, reset and list job bookmarks from a shell.

Run as `glue-bookmarks` (the console script) or `python -m glue_bookmarks`. Standard library
argparse only, so the command costs no dependency beyond the library's own. The JSON that `get`
and `reset` print is the document `aws glue get-job-bookmark` and `aws glue reset-job-bookmark`
print, so a script can switch from the AWS CLI without changes; `--output table` is for people.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import IO, Any, Final, Literal

import attrs
import botocore
import jmespath
from jmespath.exceptions import JMESPathError

from glue_bookmarks._base import default_config
from glue_bookmarks._client import GlueBookmarks
from glue_bookmarks._diff import JobDiff, diff_bookmarks, load_snapshot
from glue_bookmarks._doctor import JobDiagnosis, Severity
from glue_bookmarks._entry import JobBookmarkEntry
from glue_bookmarks._exceptions import (
    BookmarkParseError,
    GlueBookmarksError,
    InvalidParameterError,
    JobNotFoundError,
    NoBookmarkError,
    ServiceError,
)
from glue_bookmarks._rewind import RewindPlan
from glue_bookmarks._schedule import DEFAULT_MAX_CONCURRENCY as DEFAULT_MAX_WORKERS
from glue_bookmarks._state import BookmarkState, HadoopSourceState, format_iso_time
from glue_bookmarks._validation import check_name
from glue_bookmarks._version import __version__

__all__ = ["main"]

PROG: Final = "glue-bookmarks"

EXIT_OK: Final = 0
EXIT_ERROR: Final = 1
EXIT_USAGE: Final = 2
EXIT_JOBS_FAILED: Final = 3
# What a shell reports for a command stopped by SIGINT (128 + 2).
EXIT_INTERRUPTED: Final = 130

_EPILOG: Final = """\
exit status:
  0    success
  1    a service or transport error, no credentials or region, an answer that does not fit
  2    usage error: bad arguments, an invalid job name or run id, a reset or rewind not
       confirmed, a --query expression that cannot be evaluated, a file that is not a
       snapshot
  3    list (or diff against the live bookmarks) finished, but some jobs failed (job not
       found, or another error); doctor found something at or above --fail-on
  130  interrupted (Ctrl-C)

Global options are accepted before or after the command, as the AWS CLI accepts them.
Documentation: the "Command line" page of the glue-bookmarks docs.
"""

Status = Literal["ok", "no-bookmark", "job-not-found", "error"]

_TABLE_HEADER: Final = (
    "JOB",
    "VERSION",
    "RUN",
    "ATTEMPT",
    "SOURCE",
    "RUN START TIME",
    "FILES",
    "RUN ID",
)
_NO_VALUE: Final = "-"


# -- arguments ---------------------------------------------------------------------------------


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, got {text!r}")
    return value


def _tag(text: str) -> tuple[str, str]:
    key, equals, value = text.partition("=")
    if not equals or not key:
        raise argparse.ArgumentTypeError(f"must be KEY=VALUE, got {text!r}")
    return key, value


# A duration such as 36h or 3d: a whole number and one unit.
_DURATION: Final = re.compile(r"(\d+)([smhdw])")
_DURATION_UNITS: Final = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def _duration(text: str) -> timedelta:
    """`36h`, `3d`: a whole number of seconds, minutes, hours, days or weeks."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(
            f"must be a duration such as 36h or 3d (units s, m, h, d, w), got {text!r}"
        )
    try:
        value = timedelta(**{_DURATION_UNITS[match.group(2)]: int(match.group(1))})
    except OverflowError:
        raise argparse.ArgumentTypeError(f"duration {text!r} is too long") from None
    if not value:
        raise argparse.ArgumentTypeError(f"must be longer than zero, got {text!r}")
    return value


def _since(text: str) -> datetime:
    """An ISO 8601 time with a zone (`2026-11-20T00:00:00Z`), or a duration back from now."""
    if _DURATION.fullmatch(text.strip()):
        try:
            return datetime.now(timezone.utc) - _duration(text)
        except OverflowError:
            raise argparse.ArgumentTypeError(f"{text!r} reaches back before year 1") from None
    # Python 3.10's fromisoformat does not read the "Z" suffix.
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be an ISO 8601 time with a zone (2026-11-20T00:00:00Z) or a duration back "
            f"from now (36h, 3d), got {text!r}"
        ) from None
    if moment.utcoffset() is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} has no zone: add one, such as Z for UTC (2026-11-20T00:00:00Z)"
        )
    return moment


def _query(text: str) -> Any:
    """`text` compiled as a JMESPath expression (jmespath's `ParsedResult`)."""
    try:
        return jmespath.compile(text)
    except JMESPathError as exc:
        reason = str(exc).splitlines()[0].rstrip(":")
        raise argparse.ArgumentTypeError(
            f"invalid JMESPath expression {text!r}: {reason}"
        ) from None


def _global_options(default: Any) -> argparse.ArgumentParser:
    """A parent parser holding the global options, each with `default`.

    The main parser gets them with default None; each command's parser gets them again with
    `argparse.SUPPRESS`, so a value given before the command is not overwritten by the
    command parser's default, while a value given after it is still read.
    """
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("global options")
    group.add_argument(
        "--profile", default=default, help="the shared-config profile to use (AWS_PROFILE)"
    )
    group.add_argument(
        "--region", default=default, help="the AWS region (AWS_DEFAULT_REGION, the profile's)"
    )
    group.add_argument(
        "--endpoint-url",
        default=default,
        metavar="URL",
        help="another Glue endpoint, such as http://127.0.0.1:5000 for moto server",
    )
    group.add_argument(
        "--output",
        default=default,
        choices=("json", "table"),
        help="json (the default for get and reset) or table (the default for list and doctor)",
    )
    group.add_argument(
        "--query",
        type=_query,
        default=default,
        metavar="JMESPATH",
        help="print what this JMESPath expression selects from the JSON document, as JSON "
        "(as the AWS CLI's --query does); not with --output table",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=default,
        help="log each request glue-bookmarks makes to stderr (no credentials or headers)",
    )
    return parent


def _parsers() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The main parser, and each command's parser by command name."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Get, reset, list, rewind and compare AWS Glue job bookmarks.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_global_options(None)],
    )
    parser.add_argument(
        "--version",
        action="version",
        version=(
            f"{PROG} {__version__} (botocore {botocore.__version__}, "
            f"Python {sys.version.split()[0]})"
        ),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    parents = [_global_options(argparse.SUPPRESS)]

    get = commands.add_parser(
        "get",
        parents=parents,
        help="print a job's bookmark entry (GetJobBookmark)",
        description=(
            "Print a job's bookmark entry. The JSON output is the document "
            "`aws glue get-job-bookmark` prints."
        ),
    )
    get.add_argument("job", metavar="JOB", help="the job name")
    get.add_argument("--run-id", metavar="ID", help="the entry as it stood for this run")

    reset = commands.add_parser(
        "reset",
        parents=parents,
        help="reset a job's bookmark, or rewind it to a run (ResetJobBookmark)",
        description=(
            "Reset a job's bookmark, so its next run processes all its data again; with "
            "--run-id, rewind it to that run. This changes state in the account: on a "
            "terminal it asks first; otherwise it refuses unless --yes is given. Prints the "
            "entry the service returns, as `aws glue reset-job-bookmark` does."
        ),
    )
    reset.add_argument("job", metavar="JOB", help="the job name")
    reset.add_argument("--run-id", metavar="ID", help="rewind to this run instead of resetting")
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    list_ = commands.add_parser(
        "list",
        parents=parents,
        help="show the bookmarks of many jobs, fetched in parallel",
        description=(
            "Show the bookmarks of the given jobs, or of every job (--all), or of every job "
            "whose name starts with a prefix (--prefix) or that has a tag (--tag). A job "
            "without a bookmark yet is not a failure; a job that does not exist, or whose "
            "bookmark cannot be read, is (exit status 3)."
        ),
    )
    list_.add_argument(
        "jobs",
        nargs="*",
        metavar="JOB",
        help="the job names; - alone reads them from stdin, one a line (blank lines and # "
        "comments skipped)",
    )
    list_.add_argument(
        "--all", action="store_true", help="every job in the account and region (ListJobs)"
    )
    list_.add_argument(
        "--prefix",
        metavar="P",
        help="only the jobs whose name starts with P (case-sensitive); implies --all",
    )
    list_.add_argument(
        "--tag",
        dest="tags",
        action="append",
        type=_tag,
        default=[],
        metavar="KEY=VALUE",
        help="only the jobs with this tag, as ListJobs' Tags filter selects them (repeatable); "
        "implies --all",
    )
    list_.add_argument(
        "--max-workers",
        type=_positive_int,
        default=DEFAULT_MAX_WORKERS,
        metavar="N",
        help=f"fetch up to N bookmarks at once (default {DEFAULT_MAX_WORKERS})",
    )
    list_.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="give up on the jobs not done after this many seconds; they are listed as "
        "failed (DeadlineExceededError, or the throttle they last met)",
    )

    doctor = commands.add_parser(
        "doctor",
        parents=parents,
        help="find the jobs whose bookmarks will fail them",
        description=(
            "Diagnose the given jobs, or every job (--all), or every job whose name starts "
            "with a prefix (--prefix) or that has a tag (--tag): bookmarks enabled but never "
            "committed, concurrent runs, job types without bookmarks, stale or empty state, "
            "and more. Exit status 3 when a finding is at or above --fail-on. The Doctor "
            "page of the docs lists every finding code and its fix."
        ),
    )
    doctor.add_argument(
        "jobs",
        nargs="*",
        metavar="JOB",
        help="the job names; - alone reads them from stdin, one a line",
    )
    doctor.add_argument("--all", action="store_true", help="every job in the account and region")
    doctor.add_argument(
        "--prefix", metavar="P", help="only the jobs whose name starts with P; implies --all"
    )
    doctor.add_argument(
        "--tag",
        dest="tags",
        action="append",
        type=_tag,
        default=[],
        metavar="KEY=VALUE",
        help="only the jobs with this tag (repeatable); implies --all",
    )
    doctor.add_argument(
        "--stale-after",
        type=_duration,
        default=timedelta(days=7),
        metavar="DURATION",
        help="a bookmark whose newest run started longer ago is stale: 7d (the default), 36h, 90m",
    )
    doctor.add_argument(
        "--fail-on",
        type=Severity,
        default=Severity.WARNING,
        choices=list(Severity),
        metavar="{error,warning,info}",
        help="exit with status 3 when a finding is at or above this severity (default warning)",
    )

    rewind = commands.add_parser(
        "rewind",
        parents=parents,
        help="rewind a job's bookmark so data since a time is processed again, plan first",
        description=(
            "Plan a rewind of a job's bookmark to the latest succeeded run that started before "
            "--since (GetJobRuns), print the plan, then apply it (ResetJobBookmark): on a "
            "terminal after asking, otherwise only with --yes. Every source of the job is "
            "rewound, and files already written to its targets are not cleaned."
        ),
    )
    rewind.add_argument("job", metavar="JOB", help="the job name")
    rewind.add_argument(
        "--since",
        required=True,
        type=_since,
        metavar="TIME",
        help="process again the data since this time: ISO 8601 with a zone "
        "(2026-11-20T00:00:00Z) or a duration back from now (36h, 3d)",
    )
    rewind_mode = rewind.add_mutually_exclusive_group()
    rewind_mode.add_argument("--yes", action="store_true", help="apply without asking")
    rewind_mode.add_argument(
        "--dry-run", action="store_true", help="print the plan only; change nothing"
    )

    diff = commands.add_parser(
        "diff",
        parents=parents,
        help="show what changed between two snapshots (list --output json) of bookmarks",
        description=(
            "Compare two snapshots, as `glue-bookmarks list --output json` writes them, job by "
            "job: unchanged, advanced (with the files added and the latest partition of each "
            "source), rewound, reset, appeared or disappeared. Without AFTER, BEFORE is "
            "compared with the live bookmarks of its jobs."
        ),
    )
    diff.add_argument("before", metavar="BEFORE", help="the earlier snapshot file")
    diff.add_argument(
        "after", metavar="AFTER", nargs="?", help="the later snapshot file; default: live"
    )
    diff.add_argument(
        "--max-workers",
        type=_positive_int,
        default=DEFAULT_MAX_WORKERS,
        metavar="N",
        help=f"without AFTER, fetch up to N bookmarks at once (default {DEFAULT_MAX_WORKERS})",
    )
    return parser, {
        "get": get,
        "reset": reset,
        "list": list_,
        "doctor": doctor,
        "rewind": rewind,
        "diff": diff,
    }


# -- output ------------------------------------------------------------------------------------


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


def _one_line(text: str) -> str:
    # Service messages may hold newlines (a proxy's HTML page); an error is one line.
    return " ".join(text.split())


def _json(document: object) -> str:
    # indent=4 and non-ASCII kept as is: byte for byte what the AWS CLI prints.
    return json.dumps(document, indent=4, ensure_ascii=False) + "\n"


def _describe(error: GlueBookmarksError) -> str:
    """One line with the code (or the class), the message and the request id."""
    if isinstance(error, ServiceError):
        # Its str is already "Code: message (operation, HTTP status, request id ...)".
        return _one_line(str(error))
    text = f"{type(error).__name__}: {error}"
    if error.request_id:
        text += f" (request id {error.request_id})"
    return _one_line(text)


def _error_fields(error: GlueBookmarksError) -> dict[str, str | None]:
    """The `Error` object of `list --output json`."""
    if isinstance(error, ServiceError):
        code = error.code or type(error).__name__
        message = error.message
    else:
        code = type(error).__name__
        message = str(error)
    return {"Code": code, "Message": _one_line(message), "RequestId": error.request_id or None}


@attrs.frozen
class _Outcome:
    """What `list` found for one job."""

    job_name: str
    status: Status
    entry: JobBookmarkEntry | None = None
    state: BookmarkState | None = None
    error: GlueBookmarksError | None = None

    @property
    def failed(self) -> bool:
        return self.status in ("job-not-found", "error")


def _outcome(job_name: str, result: JobBookmarkEntry | GlueBookmarksError) -> _Outcome:
    if isinstance(result, JobBookmarkEntry):
        try:
            state = result.state
        except BookmarkParseError as exc:
            return _Outcome(job_name, "error", entry=result, error=exc)
        return _Outcome(job_name, "ok", entry=result, state=state)
    if isinstance(result, NoBookmarkError):
        return _Outcome(job_name, "no-bookmark", error=result)
    if isinstance(result, JobNotFoundError):
        return _Outcome(job_name, "job-not-found", error=result)
    return _Outcome(job_name, "error", error=result)


def _list_document(outcomes: Iterable[_Outcome]) -> dict[str, list[dict[str, object]]]:
    items: list[dict[str, object]] = []
    for outcome in outcomes:
        item: dict[str, object] = {"JobName": outcome.job_name, "Status": outcome.status}
        if outcome.entry is not None:
            item["JobBookmarkEntry"] = outcome.entry.to_dict()
        if outcome.error is not None:
            item["Error"] = _error_fields(outcome.error)
        items.append(item)
    return {"JobBookmarks": items}


def _source_cells(state: BookmarkState) -> list[tuple[str, str, str]]:
    """(source, run start time, files) for each source; one row of dashes for none."""
    cells: list[tuple[str, str, str]] = []
    for ctx, source in state.items():
        if isinstance(source, HadoopSourceState):
            start = source.run_start_time
            when = _NO_VALUE if start is None else format_iso_time(start)
            cells.append((ctx, when, str(len(source.include_list))))
        else:
            cells.append((f"{ctx} ({source.json_class})", _NO_VALUE, _NO_VALUE))
    return cells or [(_NO_VALUE, _NO_VALUE, _NO_VALUE)]


def _note(outcome: _Outcome) -> str:
    """What the table shows for a job without a readable entry."""
    if outcome.status == "no-bookmark":
        return "no bookmark yet"
    if outcome.error is None:
        return "failed"
    fields = _error_fields(outcome.error)
    return f"failed: {fields['Code']}: {fields['Message']}"


def _table(outcomes: Iterable[_Outcome]) -> str:
    """The table `--output table` prints: one row per job, one more line per further source.

    A job without an entry gets its note ("no bookmark yet", or "failed: " with the code and
    message) in place of the columns after JOB.
    """
    rows: list[tuple[str, ...]] = []
    notes: list[tuple[int, str]] = []
    for outcome in outcomes:
        entry, state = outcome.entry, outcome.state
        if entry is None or state is None:
            notes.append((len(rows), _note(outcome)))
            rows.append((outcome.job_name,))
            continue
        for index, (source, when, files) in enumerate(_source_cells(state)):
            if index == 0:
                job = (outcome.job_name, str(entry.version), str(entry.run), str(entry.attempt))
                run_id = entry.run_id or _NO_VALUE
            else:
                job, run_id = ("", "", "", ""), ""
            rows.append((*job, source, when, files, run_id))
    widths = [len(title) for title in _TABLE_HEADER]
    for row in rows:
        for column, cell in enumerate(row):
            widths[column] = max(widths[column], len(cell))
    note_at = dict(notes)
    lines = []
    for index, row in enumerate([_TABLE_HEADER, *rows]):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        if index - 1 in note_at:
            cells.append(note_at[index - 1])
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


class _Progress:
    """A one-line counter on a terminal's stderr, rewritten in place; silent elsewhere."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._enabled = _is_terminal(stream)
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


# -- commands ----------------------------------------------------------------------------------


def _bookmarks(args: argparse.Namespace, *, workers: int | None = None) -> GlueBookmarks:
    # A thread without a pooled connection would open a new one per request.
    config = None if workers is None else default_config(max_pool_connections=workers)
    return GlueBookmarks(
        region_name=args.region,
        profile_name=args.profile,
        endpoint_url=args.endpoint_url,
        config=config,
    )


def _query_json(expression: Any, document: object) -> str:
    """What `--query` prints: the selection as JSON, nothing for an empty object.

    The AWS CLI's JSON output prints nothing for `{}` either; `null`, `[]` and a plain string
    are printed as JSON.
    """
    selected = expression.search(document)
    return "" if selected == {} else _json(selected)


def _entry_output(args: argparse.Namespace, entry: JobBookmarkEntry) -> str:
    if args.query is not None:
        return _query_json(args.query, {"JobBookmarkEntry": entry.to_dict()})
    if (args.output or "json") == "json":
        return _json({"JobBookmarkEntry": entry.to_dict()})
    return _table([_Outcome(entry.job_name, "ok", entry=entry, state=entry.state)])


def _get(args: argparse.Namespace) -> int:
    with _bookmarks(args) as gb:
        entry = gb.get_job_bookmark(args.job, run_id=args.run_id)
    sys.stdout.write(_entry_output(args, entry))
    return EXIT_OK


def _confirm(prompt: str) -> bool:
    sys.stderr.write(prompt)
    sys.stderr.flush()
    try:
        answer = sys.stdin.readline()
    except KeyboardInterrupt:
        # The shell's next prompt starts on a line of its own.
        sys.stderr.write("\n")
        raise
    return answer.strip().lower() in ("y", "yes")


def _reset(args: argparse.Namespace) -> int:
    # Checked before asking: a name Glue would refuse is not worth a confirmation.
    check_name("job_name", args.job)
    if args.run_id is not None:
        check_name("run_id", args.run_id)
    if not args.yes:
        if not _is_terminal(sys.stdin):
            _print_error(
                f"reset changes the bookmark of job {args.job!r} and stdin is not a terminal "
                "to confirm on; pass --yes to reset anyway"
            )
            return EXIT_USAGE
        if args.run_id is None:
            prompt = (
                f"Reset the bookmark of job {args.job!r}? Its next run with bookmarks "
                "enabled processes all its data again. [y/N] "
            )
        else:
            prompt = f"Rewind the bookmark of job {args.job!r} to run {args.run_id!r}? [y/N] "
        if not _confirm(prompt):
            sys.stderr.write(
                f"{PROG}: reset cancelled; the bookmark of {args.job!r} is unchanged\n"
            )
            return EXIT_USAGE
    with _bookmarks(args) as gb:
        entry = gb.reset_job_bookmark(args.job, run_id=args.run_id)
    sys.stdout.write(_entry_output(args, entry))
    return EXIT_OK


def _stdin_job_names(stream: IO[str]) -> list[str]:
    """The job names on `stream`, one a line, each checked; blank lines and `#` comments skipped.

    Whitespace around a name is dropped, so a name cannot start or end with a space here.
    """
    names = []
    for number, line in enumerate(stream, start=1):
        name = line.strip()
        if not name or name.startswith("#"):
            continue
        try:
            names.append(check_name("job_name", name))
        except InvalidParameterError as exc:
            raise InvalidParameterError(
                f"stdin line {number}: {exc}", parameter=exc.parameter
            ) from None
    return names


def _job_selection(
    args: argparse.Namespace, parser: argparse.ArgumentParser
) -> tuple[list[str], bool, dict[str, str]]:
    """The jobs `list` and `doctor` are given: the names, whether every job (--all, --prefix,
    --tag) is meant instead, and the tags; a usage error exits 2 before any request."""
    every_job = args.all or args.prefix is not None or bool(args.tags)
    if args.jobs and every_job:
        parser.error("give job names, or --all/--prefix/--tag, not both")
    if not args.jobs and not every_job:
        parser.error("give job names, or --all (or --prefix, --tag) for every job")
    if "-" in args.jobs and args.jobs != ["-"]:
        parser.error("give job names, or - to read them from stdin, not both")
    # Read and checked before the client exists: a bad line sends nothing.
    given = _stdin_job_names(sys.stdin) if args.jobs == ["-"] else list(args.jobs)
    tags: dict[str, str] = {}
    for key, value in args.tags:
        if tags.get(key, value) != value:
            parser.error(f"argument --tag: tag {key!r} given twice, with different values")
        tags[key] = value
    return given, every_job, tags


def _list(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    given, every_job, tags = _job_selection(args, parser)
    progress = _Progress(sys.stderr)
    names: list[str] = []
    listed = False
    done = 0

    def show(done_now: int, total: int) -> None:
        nonlocal done
        done = done_now
        progress.show(f"{done}/{total} jobs")

    try:
        with _bookmarks(args, workers=args.max_workers) as gb:
            if every_job:
                for name in gb.iter_job_names(prefix=args.prefix, tags=tags):
                    names.append(name)
                    progress.show(f"{len(names)} jobs found")
                # The service lists jobs in no order a person can use.
                names.sort()
            else:
                names = given
            listed = True
            results = gb.get_job_bookmarks(
                names, max_concurrency=args.max_workers, on_progress=show, timeout=args.timeout
            )
    except KeyboardInterrupt:
        progress.clear()
        if every_job and not listed:
            sys.stderr.write(f"{PROG}: interrupted: {_count(len(names), 'job')} found\n")
        else:
            sys.stderr.write(f"{PROG}: interrupted: {done} of {_count(len(names), 'job')} done\n")
        raise
    finally:
        progress.clear()
    outcomes = [_outcome(name, result) for name, result in zip(names, results, strict=True)]
    if args.query is not None:
        sys.stdout.write(_query_json(args.query, _list_document(outcomes)))
    elif (args.output or "table") == "json":
        sys.stdout.write(_json(_list_document(outcomes)))
    else:
        sys.stdout.write(_table(outcomes))
    failed = sum(outcome.failed for outcome in outcomes)
    if failed:
        sys.stdout.flush()
        _print_error(f"{failed} of {len(outcomes)} jobs failed")
        return EXIT_JOBS_FAILED
    return EXIT_OK


def _doctor_document(diagnoses: Iterable[JobDiagnosis]) -> dict[str, list[dict[str, object]]]:
    """The JSON `doctor` prints: `{"Jobs": [...]}`, each job with its `Findings`."""
    return {
        "Jobs": [
            {
                "JobName": diagnosis.job_name,
                "BookmarkOption": diagnosis.bookmark_option,
                "MaxConcurrentRuns": diagnosis.max_concurrent_runs,
                "JobType": diagnosis.job_type,
                "GlueVersion": diagnosis.glue_version,
                "Findings": [
                    {
                        "Code": finding.code,
                        "Severity": finding.severity.value,
                        "Message": finding.message,
                        "TransformationContext": finding.transformation_ctx,
                    }
                    for finding in diagnosis.findings
                ],
            }
            for diagnosis in diagnoses
        ]
    }


_DOCTOR_HEADER: Final = ("JOB", "SEVERITY", "CODE", "SOURCE", "MESSAGE")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _doctor_table(diagnoses: Sequence[JobDiagnosis]) -> str:
    """One row per finding, grouped by job (the name on its first row), then a summary line
    that counts the jobs without findings."""
    rows = [
        (
            diagnosis.job_name if index == 0 else "",
            finding.severity.value,
            finding.code,
            finding.transformation_ctx or _NO_VALUE,
            finding.message,
        )
        for diagnosis in diagnoses
        for index, finding in enumerate(diagnosis.findings)
    ]
    lines = []
    if rows:
        # The message, last, is not padded: it is as long as it is.
        widths = [
            max(len(row[column]) for row in [_DOCTOR_HEADER, *rows])
            for column in range(len(_DOCTOR_HEADER) - 1)
        ]
        for row in [_DOCTOR_HEADER, *rows]:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            lines.append("  ".join([*cells, row[-1]]).rstrip())
        lines.append("")
    with_findings = sum(bool(diagnosis.findings) for diagnosis in diagnoses)
    by_severity = {severity: 0 for severity in sorted(Severity, reverse=True)}
    for diagnosis in diagnoses:
        for finding in diagnosis.findings:
            by_severity[finding.severity] += 1
    counts = ", ".join(
        f"{number} info" if severity is Severity.INFO else _count(number, severity.value)
        for severity, number in by_severity.items()
    )
    lines.append(
        f"{_count(len(diagnoses), 'job')} diagnosed: {with_findings} with findings ({counts}), "
        f"{len(diagnoses) - with_findings} without findings"
    )
    return "\n".join(lines) + "\n"


def _doctor(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    given, every_job, tags = _job_selection(args, parser)
    with _bookmarks(args, workers=DEFAULT_MAX_WORKERS) as gb:
        if every_job:
            diagnoses = gb.diagnose(
                prefix=args.prefix, tags=tags or None, stale_after=args.stale_after
            )
        else:
            diagnoses = gb.diagnose(given, stale_after=args.stale_after)
    if args.query is not None:
        sys.stdout.write(_query_json(args.query, _doctor_document(diagnoses)))
    elif (args.output or "table") == "json":
        sys.stdout.write(_json(_doctor_document(diagnoses)))
    else:
        sys.stdout.write(_doctor_table(diagnoses))
    failing = sum(
        any(finding.severity >= args.fail_on for finding in diagnosis.findings)
        for diagnosis in diagnoses
    )
    if failing:
        sys.stdout.flush()
        _print_error(
            f"{failing} of {_count(len(diagnoses), 'job')} {'has' if failing == 1 else 'have'} "
            "findings at or above "
            f"{args.fail_on.value}"
        )
        return EXIT_JOBS_FAILED
    return EXIT_OK


def _when(moment: datetime | None) -> str:
    return _NO_VALUE if moment is None else format_iso_time(moment)


def _plan_text(plan: RewindPlan) -> str:
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


def _rewind(args: argparse.Namespace) -> int:
    if args.query is not None or args.output == "json":
        _print_error("rewind prints its plan for people; --output json and --query do not apply")
        return EXIT_USAGE
    # Checked before any request, as plan_rewind checks them: a usage error sends nothing.
    check_name("job_name", args.job)
    with _bookmarks(args) as gb:
        plan = gb.plan_rewind(args.job, since=args.since)
        sys.stdout.write(_plan_text(plan))
        sys.stdout.flush()
        if args.dry_run or not plan.has_effect:
            return EXIT_OK
        if not args.yes:
            if not _is_terminal(sys.stdin):
                _print_error(
                    f"rewind changes the bookmark of job {args.job!r} and stdin is not a "
                    "terminal to confirm on; pass --yes to apply the plan, or --dry-run"
                )
                return EXIT_USAGE
            if not _confirm("Apply this plan? [y/N] "):
                sys.stderr.write(
                    f"{PROG}: rewind cancelled; the bookmark of {args.job!r} is unchanged\n"
                )
                return EXIT_USAGE
        entry = gb.apply_rewind(plan)
    if entry is not None and plan.run_id is not None:
        sys.stdout.write(
            f"Rewound: the bookmark of {args.job!r} is at run {entry.run} "
            f"({entry.run_id or _NO_VALUE}), version {entry.version}.\n"
        )
    else:
        sys.stdout.write(f"Reset: job {args.job!r} has no bookmark now.\n")
    return EXIT_OK


_DIFF_HEADER: Final = (
    "JOB",
    "STATUS",
    "VERSION",
    "RUN",
    "SOURCE",
    "FILES ADDED",
    "LATEST PARTITION",
)


def _change(before: object, after: object) -> str:
    """`before -> after`, or the one value when it did not move."""
    shown = [_NO_VALUE if value is None else str(value) for value in (before, after)]
    return shown[0] if shown[0] == shown[1] else f"{shown[0]} -> {shown[1]}"


def _diff_rows(diff: JobDiff) -> list[tuple[str, ...]]:
    before, after = diff.before, diff.after
    version = _change(
        None if before is None else before.version, None if after is None else after.version
    )
    run = _change(None if before is None else before.run, None if after is None else after.run)
    job = (diff.job_name, diff.status, version, run)
    if diff.error is not None:
        return [(*job, f"state does not parse: {_one_line(str(diff.error))}", "", "")]
    if not diff.sources:
        return [(*job, _NO_VALUE, _NO_VALUE, _NO_VALUE)]
    rows: list[tuple[str, ...]] = []
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
        rows.append((*(job if index == 0 else ("", "", "", "")), ctx, files, partition))
    return rows


def _diff_table(diffs: Sequence[JobDiff]) -> str:
    rows = [row for diff in diffs for row in _diff_rows(diff)]
    widths = [len(title) for title in _DIFF_HEADER]
    for row in rows:
        for column, cell in enumerate(row):
            widths[column] = max(widths[column], len(cell))
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [_DIFF_HEADER, *rows]
    ]
    counts: dict[str, int] = {}
    for diff in diffs:
        counts[diff.status] = counts.get(diff.status, 0) + 1
    summary = ", ".join(f"{count} {status}" for status, count in counts.items())
    lines.append(f"{len(diffs)} jobs" + (f": {summary}" if summary else ""))
    return "\n".join(lines) + "\n"


def _entry_summary(entry: JobBookmarkEntry | None) -> dict[str, object] | None:
    if entry is None:
        return None
    return {"Version": entry.version, "Run": entry.run, "RunId": entry.run_id}


def _diff_document(diffs: Sequence[JobDiff]) -> dict[str, list[dict[str, object]]]:
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
                        "LatestPartitionBefore": (
                            None
                            if source.latest_partition_before is None
                            else format_iso_time(source.latest_partition_before)
                        ),
                        "LatestPartitionAfter": (
                            None
                            if source.latest_partition_after is None
                            else format_iso_time(source.latest_partition_after)
                        ),
                    }
                    for source in diff.sources
                ],
                "Error": None if diff.error is None else _one_line(str(diff.error)),
            }
        )
    return {"Jobs": jobs}


def _live(
    args: argparse.Namespace, names: list[str]
) -> tuple[dict[str, JobBookmarkEntry | None], list[_Outcome]]:
    """The live bookmarks of `names`, as a snapshot; and the jobs whose fetch failed."""
    live: dict[str, JobBookmarkEntry | None] = {}
    failed = []
    progress = _Progress(sys.stderr)
    try:
        with _bookmarks(args, workers=args.max_workers) as gb:
            results = gb.get_job_bookmarks(
                names,
                max_concurrency=args.max_workers,
                on_progress=lambda done, total: progress.show(f"{done}/{total} jobs"),
            )
    finally:
        progress.clear()
    for name, result in zip(names, results, strict=True):
        if isinstance(result, JobBookmarkEntry):
            live[name] = result
        elif isinstance(result, NoBookmarkError):
            live[name] = None
        elif not isinstance(result, JobNotFoundError):  # a job gone is "disappeared"
            failed.append(_outcome(name, result))
    return live, failed


def _diff(args: argparse.Namespace) -> int:
    # Both files are read before any request: a bad one sends nothing.
    before = load_snapshot(args.before)
    failed: list[_Outcome] = []
    if args.after is not None:
        after: Mapping[str, JobBookmarkEntry | None] = load_snapshot(args.after)
    else:
        after, failed = _live(args, list(before))
        # A job whose bookmark could not be read now is left out of the comparison, and
        # reported below, rather than shown as gone.
        unknown = {outcome.job_name for outcome in failed}
        before = {name: entry for name, entry in before.items() if name not in unknown}
    diffs = diff_bookmarks(before, after)
    if args.query is not None:
        sys.stdout.write(_query_json(args.query, _diff_document(diffs)))
    elif (args.output or "table") == "json":
        sys.stdout.write(_json(_diff_document(diffs)))
    else:
        sys.stdout.write(_diff_table(diffs))
    if failed:
        sys.stdout.flush()
        for outcome in failed:
            _print_error(f"job {outcome.job_name!r} not compared: {_note(outcome)}")
        _print_error(f"{len(failed)} of {len(failed) + len(diffs)} jobs could not be read")
        return EXIT_JOBS_FAILED
    return EXIT_OK


# -- entry point -------------------------------------------------------------------------------


def _print_error(text: str) -> None:
    sys.stderr.write(f"{PROG}: error: {text}\n")
    sys.stderr.flush()


def _exit_code(exc: SystemExit) -> int:
    return exc.code if isinstance(exc.code, int) else EXIT_USAGE


@contextlib.contextmanager
def _debug_logging(enabled: bool) -> Iterator[None]:
    """With `enabled`, the library's log lines on stderr for the duration of the block.

    Only the `glue_bookmarks` logger's: botocore's own DEBUG lines hold signed headers.
    """
    if not enabled:
        yield
        return
    logger = logging.getLogger("glue_bookmarks")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `glue-bookmarks` command.

    Args:
        argv: The arguments, without the program name; `sys.argv[1:]` by default.

    Returns:
        The exit status: 0 success, 1 a service, transport or configuration error, 2 a usage
        error, a reset or rewind not confirmed, or a file that is not a snapshot, 3 `list`
        (or `diff` against the live bookmarks) with some jobs failed or `doctor` with a
        finding at or above `--fail-on`, 130 interrupted.
    """
    parser, commands = _parsers()
    try:
        args = parser.parse_args(argv)
        if args.query is not None and args.output == "table":
            # The table is not a document to select from; checked before any request.
            _print_error(
                "--query selects from the JSON output; it cannot be used with --output table"
            )
            return EXIT_USAGE
        with _debug_logging(bool(args.debug)):
            if args.command == "get":
                status = _get(args)
            elif args.command == "reset":
                status = _reset(args)
            elif args.command == "rewind":
                status = _rewind(args)
            elif args.command == "diff":
                status = _diff(args)
            elif args.command == "list":
                status = _list(args, commands["list"])
            else:
                status = _doctor(args, commands["doctor"])
        sys.stdout.flush()
    except SystemExit as exc:  # argparse: --help, --version and usage errors
        return _exit_code(exc)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except InvalidParameterError as exc:
        _print_error(_describe(exc))
        return EXIT_USAGE
    except JMESPathError as exc:
        # An error only evaluation finds, such as a function given a value of the wrong type;
        # the request has been made by then.
        _print_error(f"--query: {_one_line(str(exc))}")
        return EXIT_USAGE
    except GlueBookmarksError as exc:
        _print_error(_describe(exc))
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (`| head`). Point stdout at devnull so the interpreter's
        # final flush does not fail a second time, as the Python docs recommend.
        with contextlib.suppress(OSError, ValueError):  # a stdout without a descriptor
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
    return status
