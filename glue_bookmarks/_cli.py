"""The `glue-bookmarks` command: `main()` and its commands get, reset, list, doctor, rewind,
backfill, diff.

Run as `glue-bookmarks` (the console script) or `python -m glue_bookmarks`. Each command takes
the arguments `_cli_args` parsed, calls the library, and writes what `_cli_render` makes of the
result; errors become one line on stderr and an exit status.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Literal, TypeVar

from botocore.config import Config
from jmespath.exceptions import JMESPathError

from glue_bookmarks._backfill import check_arguments
from glue_bookmarks._base import default_config
from glue_bookmarks._cli_args import (
    BACKFILL_OUTPUT,
    EXIT_DECLINED,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_JOBS_FAILED,
    EXIT_OK,
    EXIT_RUN_ACTIVE,
    EXIT_USAGE,
    PROG,
    REWIND_OUTPUT,
    parsers,
)
from glue_bookmarks._cli_escape import encodable
from glue_bookmarks._cli_render import (
    Outcome,
    Progress,
    backfill_document,
    backfill_plan_text,
    backfill_started_text,
    count,
    describe,
    diff_document,
    diff_table,
    doctor_document,
    doctor_table,
    entry_document,
    entry_table,
    json_text,
    lint_document,
    lint_text,
    list_document,
    list_table,
    note,
    one_line,
    outcome,
    plan_text,
    query_text,
    rewind_text,
    text_output,
)
from glue_bookmarks._client import GlueBookmarks
from glue_bookmarks._diff import diff_bookmarks, load_snapshot
from glue_bookmarks._entry import JobBookmarkEntry
from glue_bookmarks._exceptions import (
    GlueBookmarksError,
    InvalidParameterError,
    JobNotFoundError,
    JobRunActiveError,
    NoBookmarkError,
    redacted,
)
from glue_bookmarks._lint import lint_script
from glue_bookmarks._schedule import DEFAULT_MAX_CONCURRENCY
from glue_bookmarks._scripts import S3_SCHEME, check_s3_url, is_python_script
from glue_bookmarks._validation import check_name

__all__ = ["main"]

_Result = TypeVar("_Result")


# -- input and output --------------------------------------------------------------------------


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


def _progress() -> Progress:
    """A counter on stderr when it is a terminal."""
    return Progress(sys.stderr, enabled=_is_terminal(sys.stderr))


def _encoding(stream: IO[str]) -> str | None:
    # A replaced stream (io.StringIO) may have none: it writes any str.
    encoding: str | None = getattr(stream, "encoding", None)
    return encoding


def _out(text: str, *, as_json: bool = False) -> None:
    """`text` on stdout, each character its encoding cannot write escaped (see `encodable`):
    a lone surrogate in a job name, or any non-ASCII one with `PYTHONIOENCODING=ascii`."""
    sys.stdout.write(encodable(text, _encoding(sys.stdout), as_json=as_json))


def _err(text: str) -> None:
    """`text` on stderr, escaped as `_out` escapes it."""
    sys.stderr.write(encodable(text, _encoding(sys.stderr)))


def _say(line: str) -> None:
    """`line`, if any, on stderr after what is on stdout so far."""
    if line:
        sys.stdout.flush()
        _err(line)
        sys.stderr.flush()


def _print_error(text: str) -> None:
    _err(f"{PROG}: error: {text}\n")
    sys.stderr.flush()


def _table_width(args: argparse.Namespace) -> int | None:
    """The width to fit a table to: the terminal's, when stdout is one and `--wide` is not
    given; otherwise None, every cell in full, as a script reading the table expects."""
    if args.wide or not _is_terminal(sys.stdout):
        return None
    return shutil.get_terminal_size().columns


def _write(
    args: argparse.Namespace,
    result: _Result,
    document: Callable[[_Result], object],
    table: Callable[[_Result, int | None, str | None], str],
    *,
    default: Literal["json", "table"] = "table",
) -> None:
    """`result` on stdout: its document or table, as `--output` (or else the command's
    `default`) asks, or what `--query` selects from the document, in JSON unless text."""
    output = args.output or ("json" if args.query is not None else default)
    if output == "table":
        text = table(result, _table_width(args), _encoding(sys.stdout))
    elif args.query is not None:
        text = query_text(args.query, document(result), output)
    elif output == "text":
        text = text_output(document(result))
    else:
        text = json_text(document(result))
    _out(text, as_json=output == "json")


def _confirm(
    command: str,
    job: str,
    prompt: str,
    otherwise: str,
    *,
    change: str = "changes the bookmark of job {job!r}",
    unchanged: str = "the bookmark of {job!r} is unchanged",
) -> int:
    """`EXIT_OK` when the user, asked `prompt` on stderr, answers y or yes on stdin.

    Nothing is asked without a terminal on stdin: a usage error says what the command would
    do (`change`, of `job`) and what to pass `otherwise`. Any other answer is
    `EXIT_DECLINED`, with a line that says what is `unchanged`.
    """
    if not _is_terminal(sys.stdin):
        _print_error(
            f"{command} {change.format(job=job)} and stdin is not a terminal to confirm on; "
            f"{otherwise}"
        )
        return EXIT_USAGE
    _err(prompt)
    sys.stderr.flush()
    try:
        answer = sys.stdin.readline()
    except KeyboardInterrupt:
        # The shell's next prompt starts on a line of its own.
        _err("\n")
        raise
    if answer.strip().lower() in ("y", "yes"):
        return EXIT_OK
    _err(f"{PROG}: {command} cancelled; {unchanged.format(job=job)}\n")
    return EXIT_DECLINED


# -- commands ----------------------------------------------------------------------------------


def _bookmarks(args: argparse.Namespace, *, workers: int | None = None) -> GlueBookmarks:
    # A thread without a pooled connection would open a new one per request.
    config = None if workers is None else default_config(max_pool_connections=workers)
    # Only the timeouts given: botocore's defaults are the AWS CLI's (60 s). 0 is no timeout,
    # which botocore spells None.
    timeouts = {
        name: value or None
        for name, value in (
            ("read_timeout", args.cli_read_timeout),
            ("connect_timeout", args.cli_connect_timeout),
        )
        if value is not None
    }
    if timeouts:
        config = Config(**timeouts) if config is None else config.merge(Config(**timeouts))
    return GlueBookmarks(
        region_name=args.region,
        profile_name=args.profile,
        endpoint_url=args.endpoint_url,
        config=config,
    )


def _get(args: argparse.Namespace) -> int:
    with _bookmarks(args) as gb:
        entry = gb.get_job_bookmark(args.job, run_id=args.run_id, timeout=args.timeout)
    _write(args, entry, entry_document, entry_table, default="json")
    return EXIT_OK


def _reset(args: argparse.Namespace) -> int:
    # Checked before asking: a name Glue would refuse is not worth a confirmation.
    check_name("job_name", args.job)
    if args.run_id is not None:
        check_name("run_id", args.run_id)
    if args.run_id is None:
        prompt = (
            f"Reset the bookmark of job {args.job!r}? Its next run with bookmarks enabled "
            "processes all its data again. [y/N] "
        )
    else:
        prompt = f"Rewind the bookmark of job {args.job!r} to run {args.run_id!r}? [y/N] "
    if not args.yes:
        status = _confirm("reset", args.job, prompt, "pass --yes to reset anyway")
        if status != EXIT_OK:
            return status
    with _bookmarks(args) as gb:
        entry = gb.reset_job_bookmark(
            args.job, run_id=args.run_id, if_idle=not args.force, timeout=args.timeout
        )
    _write(args, entry, entry_document, entry_table, default="json")
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


def _no_jobs(gb: GlueBookmarks, prefix: str | None, tags: Mapping[str, str]) -> str:
    """The line that says a listing found no job, and where it looked: a region mistyped, or
    the wrong endpoint, shows there."""
    jobs = "no jobs"
    if prefix is not None:
        jobs += f" starting with {prefix!r}"
    if tags:
        jobs += " tagged " + ", ".join(f"{key}={value}" for key, value in tags.items())
    # The client the listing used: the region and endpoint as botocore resolved them (the
    # options, the environment, the profile, AWS's own).
    meta = gb._get_client().meta
    return f"{PROG}: {jobs} in {meta.region_name} ({redacted(meta.endpoint_url)})\n"


def _list(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    given, every_job, tags = _job_selection(args, parser)
    progress = _progress()
    names: list[str] = []
    listed = False
    done = 0
    nothing_found = ""

    def show(done_now: int, total: int) -> None:
        nonlocal done
        done = done_now
        progress.show(f"{done}/{total} jobs")

    try:
        with _bookmarks(args, workers=args.max_workers) as gb:
            if every_job:
                for name in gb.iter_job_names(prefix=args.prefix, tags=tags, timeout=args.timeout):
                    names.append(name)
                    progress.show(f"{count(len(names), 'job')} found")
                # The service lists jobs in no order a person can use.
                names.sort()
                if not names:
                    nothing_found = _no_jobs(gb, args.prefix, tags)
            else:
                names = given
            listed = True
            results = gb.get_job_bookmarks(
                names, max_concurrency=args.max_workers, on_progress=show, timeout=args.timeout
            )
    except KeyboardInterrupt:
        progress.clear()
        if every_job and not listed:
            _err(f"{PROG}: interrupted: {count(len(names), 'job')} found\n")
        else:
            _err(f"{PROG}: interrupted: {done} of {count(len(names), 'job')} done\n")
        raise
    finally:
        progress.clear()
    outcomes = [outcome(name, result) for name, result in zip(names, results, strict=True)]
    _write(args, outcomes, list_document, list_table)
    _say(nothing_found)
    failed = sum(job.failed for job in outcomes)
    if failed:
        sys.stdout.flush()
        _print_error(f"{failed} of {count(len(outcomes), 'job')} failed")
        return EXIT_JOBS_FAILED
    return EXIT_OK


def _doctor(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    given, every_job, tags = _job_selection(args, parser)
    with _bookmarks(args, workers=DEFAULT_MAX_CONCURRENCY) as gb:
        if every_job:
            diagnoses = gb.diagnose(
                prefix=args.prefix,
                tags=tags or None,
                stale_after=args.stale_after,
                history=args.history,
                scripts=args.scripts,
                timeout=args.timeout,
            )
        else:
            diagnoses = gb.diagnose(
                given,
                stale_after=args.stale_after,
                history=args.history,
                scripts=args.scripts,
                timeout=args.timeout,
            )
        nothing_found = _no_jobs(gb, args.prefix, tags) if every_job and not diagnoses else ""
    _write(args, diagnoses, doctor_document, doctor_table)
    _say(nothing_found)
    failing = sum(
        any(finding.severity >= args.fail_on for finding in diagnosis.findings)
        for diagnosis in diagnoses
    )
    if failing:
        sys.stdout.flush()
        _print_error(
            f"{failing} of {count(len(diagnoses), 'job')} {'has' if failing == 1 else 'have'} "
            "findings at or above "
            f"{args.fail_on.value}"
        )
        return EXIT_JOBS_FAILED
    return EXIT_OK


def _lint(args: argparse.Namespace) -> int:
    if not args.paths and not args.lint_jobs:
        _print_error("give a script (PATH or s3://BUCKET/KEY) or --job NAME to lint")
        return EXIT_USAGE
    if args.output == "table" or args.wide:
        _print_error("lint prints text (a line a finding) or --output json, not a table")
        return EXIT_USAGE
    # Every argument is checked, and every local file read, before any request.
    local = {path: _script_text(path) for path in args.paths if not path.startswith(S3_SCHEME)}
    for path in args.paths:
        if path.startswith(S3_SCHEME):
            check_s3_url(path, "PATH")
            if not is_python_script(path):
                raise InvalidParameterError(
                    f"{path} is not a Python script (.py); lint reads Python scripts only"
                )
    for job in args.lint_jobs:
        check_name("job_name", job)
    by_path = {path: lint_script(text, path=path) for path, text in local.items()}
    by_job = []
    remote = [path for path in args.paths if path not in local]
    if remote or args.lint_jobs:
        with _bookmarks(args) as gb:
            for path in remote:
                by_path[path] = gb.lint_s3_script(path, timeout=args.timeout)
            by_job = [gb.lint_job(job, timeout=args.timeout) for job in args.lint_jobs]
    reports = [by_path[path] for path in args.paths] + by_job
    if args.output == "json" or args.query is not None:
        _write(args, reports, lint_document, _no_table, default="json")
    else:
        _out(lint_text(reports))
    fail_on = args.fail_on
    failing = [
        report
        for report in reports
        if fail_on is not None and any(f.severity >= fail_on for f in report.findings)
    ]
    if failing:
        sys.stdout.flush()
        _print_error(
            f"{len(failing)} of {count(len(reports), 'script')} "
            f"{'has' if len(failing) == 1 else 'have'} findings at or above {fail_on.value}"
        )
        return EXIT_JOBS_FAILED
    return EXIT_OK


def _script_text(path: str) -> str:
    """A local script's text; a file that is missing, unreadable or not Python is a usage
    error (`InvalidParameterError`)."""
    if not is_python_script(path):
        raise InvalidParameterError(
            f"{path} is not a Python script (.py); lint reads Python scripts only"
        )
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidParameterError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidParameterError(f"{path}: cannot be read ({exc})") from None


def _no_table(result: object, width: int | None, encoding: str | None) -> str:
    raise AssertionError("this command has no table")  # refused before any work


def _itself(document: _Result) -> _Result:
    return document


def _rewind(args: argparse.Namespace) -> int:
    if args.query is not None or args.output in ("json", "text") or args.wide:
        _print_error(REWIND_OUTPUT)
        return EXIT_USAGE
    # Checked before any request, as plan_rewind checks them: a usage error sends nothing.
    check_name("job_name", args.job)
    with _bookmarks(args) as gb:
        plan = gb.plan_rewind(args.job, since=args.since, timeout=args.timeout)
        _out(plan_text(plan))
        sys.stdout.flush()
        if args.dry_run or not plan.has_effect:
            return EXIT_OK
        if plan.is_full_reset and not args.allow_full_reset:
            _print_error(
                f"rewind: refused, the plan is a full reset: {plan.full_reset_reason}; pass "
                "--allow-full-reset to process all the job's data again"
            )
            return EXIT_USAGE
        if not args.yes:
            status = _confirm(
                "rewind",
                args.job,
                "Apply this plan? [y/N] ",
                "pass --yes to apply the plan, or --dry-run",
            )
            if status != EXIT_OK:
                return status
        entry = gb.apply_rewind(
            plan,
            allow_full_reset=args.allow_full_reset,
            force=args.force,
            timeout=args.timeout,
        )
    _out(rewind_text(plan, entry))
    return EXIT_OK


def _run_arguments(args: argparse.Namespace, parser: argparse.ArgumentParser) -> dict[str, str]:
    """The `--arg KEY=VALUE` pairs as run arguments, each KEY with a leading `--` (added if
    not given), checked before any request: a usage error exits 2."""
    arguments: dict[str, str] = {}
    for key, value in args.arguments:
        name = key if key.startswith("--") else f"--{key}"
        if arguments.get(name, value) != value:
            parser.error(f"argument --arg: {name} given twice, with different values")
        arguments[name] = value
    return check_arguments(arguments)


def _backfill(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.output == "table" or args.wide:
        _print_error(BACKFILL_OUTPUT)
        return EXIT_USAGE
    # A document (JSON or text) is printed once, at the end; the plan for people at once.
    document = args.query is not None or args.output in ("json", "text")
    # Checked before any request, as plan_backfill checks them: a usage error sends nothing.
    check_name("job_name", args.job)
    arguments = _run_arguments(args, parser)
    run_id = None
    with _bookmarks(args) as gb:
        plan = gb.plan_backfill(args.job, since=args.since, until=args.until, timeout=args.timeout)
        text = backfill_plan_text(plan, arguments)
        if not document:
            _out(text)
            sys.stdout.flush()
        if not args.dry_run:
            if not args.yes:
                status = _confirm(
                    "backfill",
                    args.job,
                    # The plan goes with the question when stdout holds the document.
                    (text if document else "") + "Start this run? [y/N] ",
                    "pass --yes to start it, or --dry-run",
                    change="starts a run of job {job!r}",
                    unchanged="no run of {job!r} was started",
                )
                if status != EXIT_OK:
                    return status
            run_id = gb.start_backfill(
                plan, arguments=arguments, force=args.force, timeout=args.timeout
            )
    if not document:
        if run_id is not None:
            _out(backfill_started_text(plan, run_id))
        return EXIT_OK
    # Its table is refused before any request, as lint's.
    _write(args, backfill_document(plan, arguments, run_id), _itself, _no_table, default="json")
    return EXIT_OK


def _live(
    args: argparse.Namespace, names: list[str]
) -> tuple[dict[str, JobBookmarkEntry | None], list[Outcome]]:
    """The live bookmarks of `names`, as a snapshot; and the jobs whose fetch failed."""
    live: dict[str, JobBookmarkEntry | None] = {}
    failed = []
    progress = _progress()
    try:
        with _bookmarks(args, workers=args.max_workers) as gb:
            results = gb.get_job_bookmarks(
                names,
                max_concurrency=args.max_workers,
                on_progress=lambda done, total: progress.show(f"{done}/{total} jobs"),
                timeout=args.timeout,
            )
    finally:
        progress.clear()
    unread = [
        result
        for result in results
        if isinstance(result, GlueBookmarksError)
        and not isinstance(result, NoBookmarkError | JobNotFoundError)
    ]
    if unread and len(unread) == len(names):
        # Not one answer: the endpoint, the credentials or the permissions are at fault, not
        # the jobs. One line, and exit 1, as for a listing that fails.
        raise unread[0]
    for name, result in zip(names, results, strict=True):
        if isinstance(result, JobBookmarkEntry):
            live[name] = result
        elif isinstance(result, NoBookmarkError):
            live[name] = None
        elif not isinstance(result, JobNotFoundError):  # a job gone is "disappeared"
            failed.append(outcome(name, result))
    return live, failed


def _snapshot(path: str) -> dict[str, JobBookmarkEntry | None]:
    """The snapshot in the file at `path`, or on stdin for `-`."""
    return load_snapshot(sys.stdin if path == "-" else path)


def _diff(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.before == args.after == "-":
        parser.error("only one of BEFORE and AFTER can be - (stdin)")
    # Both files are read before any request: a bad one sends nothing.
    before = _snapshot(args.before)
    failed: list[Outcome] = []
    if args.after is not None:
        after: Mapping[str, JobBookmarkEntry | None] = _snapshot(args.after)
    else:
        after, failed = _live(args, list(before))
        # A job whose bookmark could not be read now is left out of the comparison, and
        # reported below, rather than shown as gone.
        unknown = {job.job_name for job in failed}
        before = {name: entry for name, entry in before.items() if name not in unknown}
    diffs = diff_bookmarks(before, after)
    _write(args, diffs, diff_document, diff_table)
    if failed:
        sys.stdout.flush()
        for job in failed:
            _print_error(f"job {job.job_name!r} not compared: {note(job)}")
        _print_error(f"{len(failed)} of {count(len(failed) + len(diffs), 'job')} could not be read")
        return EXIT_JOBS_FAILED
    return EXIT_OK


# -- entry point -------------------------------------------------------------------------------


def _exit_code(exc: SystemExit) -> int:
    return exc.code if isinstance(exc.code, int) else EXIT_USAGE


class _DebugFormatter(logging.Formatter):
    """Lines stderr can write: a job name may hold what its encoding lacks."""

    def format(self, record: logging.LogRecord) -> str:
        return encodable(super().format(record), _encoding(sys.stderr))


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
    handler.setFormatter(_DebugFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
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
        error (a reset, rewind or backfill without `--yes` and without a terminal included),
        a backfill window that holds no run, or a file that is not a snapshot, 3 `list` (or
        `diff` against the live bookmarks) with some jobs failed or `doctor` with a finding at
        or above `--fail-on`, 4 a reset, rewind or backfill declined at its prompt, 5 a reset,
        rewind or backfill refused while a run of the job is active, 130 interrupted.
    """
    parser, commands = parsers()
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
            elif args.command == "backfill":
                status = _backfill(args, commands["backfill"])
            elif args.command == "diff":
                status = _diff(args, commands["diff"])
            elif args.command == "list":
                status = _list(args, commands["list"])
            elif args.command == "lint":
                status = _lint(args)
            else:
                status = _doctor(args, commands["doctor"])
        sys.stdout.flush()
    except SystemExit as exc:  # argparse: --help, --version and usage errors
        return _exit_code(exc)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except InvalidParameterError as exc:
        _print_error(describe(exc))
        return EXIT_USAGE
    except JobRunActiveError as exc:
        # The library's remedy is force=True; the command's is --force.
        _print_error(
            f"JobRunActiveError: job {exc.job_name!r} has a run in state {exc.state} "
            f"({exc.run_id}); nothing was changed: wait for it to end, or pass --force"
        )
        return EXIT_RUN_ACTIVE
    except JMESPathError as exc:
        # An error only evaluation finds, such as a function given a value of the wrong type;
        # the request has been made by then.
        _print_error(f"--query: {one_line(str(exc))}")
        return EXIT_USAGE
    except GlueBookmarksError as exc:
        _print_error(describe(exc))
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (`| head`). Point stdout at devnull so the interpreter's
        # final flush does not fail a second time, as the Python docs recommend.
        with contextlib.suppress(OSError, ValueError):  # a stdout without a descriptor
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
    return status
