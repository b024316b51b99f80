"""The `glue-bookmarks` command's arguments: its parsers, option types and exit statuses.

Standard library argparse only, so the command costs no dependency beyond the library's own.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, Final, NoReturn

import botocore
import jmespath
from jmespath.exceptions import JMESPathError

from glue_bookmarks._findings import Severity
from glue_bookmarks._schedule import DEFAULT_MAX_CONCURRENCY
from glue_bookmarks._version import __version__

__all__ = [
    "BACKFILL_OUTPUT",
    "EXIT_DECLINED",
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_JOBS_FAILED",
    "EXIT_OK",
    "EXIT_RUN_ACTIVE",
    "EXIT_USAGE",
    "PROG",
    "REWIND_OUTPUT",
    "parsers",
]

PROG: Final = "glue-bookmarks"

EXIT_OK: Final = 0
EXIT_ERROR: Final = 1
EXIT_USAGE: Final = 2
EXIT_JOBS_FAILED: Final = 3
# Not a usage error: the command was right, and the user said no.
EXIT_DECLINED: Final = 4
# Not a failure either: the job is busy now, and the same command may work once it is not.
EXIT_RUN_ACTIVE: Final = 5
# What a shell reports for a command stopped by SIGINT (128 + 2).
EXIT_INTERRUPTED: Final = 130

# Why rewind refuses the output options, given before or after the command.
REWIND_OUTPUT: Final = (
    "rewind prints its plan for people; --output, --query and --wide do not apply"
)
# Why backfill refuses a table.
BACKFILL_OUTPUT: Final = (
    "backfill prints its plan for people, or with --output json or text (or --query) as a "
    "document; --output table and --wide do not apply"
)

_EPILOG: Final = """\
exit status:
  0    success
  1    a service or transport error, no credentials or region, an answer that does not fit
  2    usage error: bad arguments, an invalid job name or run id, a reset, rewind or
       backfill without --yes and without a terminal to confirm on, a --query expression
       that cannot be evaluated, a file that is not a snapshot, a backfill window that
       holds no run, a script to lint that is missing or not Python
  3    list (or diff against the live bookmarks) finished, but some jobs failed (job not
       found, or another error); doctor or lint found something at or above --fail-on
  4    a reset, rewind or backfill declined at its prompt: nothing was changed
  5    a reset, rewind or backfill refused: a run of the job is active (starting,
       running, stopping or waiting); nothing was changed (--force skips the check)
  130  interrupted (Ctrl-C)

Global and output options are accepted before or after the command, as the AWS CLI accepts
them. A usage error is one line; the command's --help has its usage.
Documentation: the "Command line" page of the glue-bookmarks docs.
"""


# -- option types ------------------------------------------------------------------------------


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


def _fail_on(text: str) -> Severity | None:
    """A severity, or None for `never`."""
    if text == "never":
        return None
    try:
        return Severity(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be error, warning, info or never, got {text!r}"
        ) from None


def _timeout(text: str) -> float:
    """Seconds, as the AWS CLI's --cli-read-timeout takes them: 0 for no timeout."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds, 0 for no timeout, got {text!r}"
        )
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


# -- parsers -----------------------------------------------------------------------------------

_FORCE_HELP: Final = (
    "{change} even while a run of the job is active: skip the check of its latest runs (GetJobRuns)"
)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line, naming the command they are about.

    argparse prints the whole usage block above its error; the block is in `--help`, which the
    line points to. An argument a command does not take is reported by that command's parser
    rather than passed up to the main parser, which would not say which command it was.
    """

    def error(self, message: str) -> NoReturn:
        line = " ".join(message.split())
        self.exit(EXIT_USAGE, f"{self.prog}: error: {line} (see '{self.prog} --help')\n")

    # The signature is typeshed's overloads in one: a namespace given comes back.
    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: Any = None
    ) -> tuple[Any, list[str]]:
        namespace, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace, extras


class _Refused(argparse.Action):
    """A hidden option whose use is a usage error with its own `message`.

    For an option a user brings from elsewhere (the AWS CLI's `--job-name`), or one the command
    does not take although the others do. `{value}` in `message` is what was given with it.
    """

    def __init__(self, option_strings: Sequence[str], dest: str, *, message: str) -> None:
        super().__init__(
            option_strings,
            dest=argparse.SUPPRESS,
            nargs="?",
            default=argparse.SUPPRESS,
            help=argparse.SUPPRESS,
        )
        self.message = message

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        parser.error(self.message.format(value=values or "JOB"))


def _job_name_refused(parser: argparse.ArgumentParser, command: str, *, names: bool) -> None:
    """`--job-name`, as `aws glue get-job-bookmark` takes it, refused with where the name goes."""
    what = "the job names as arguments" if names else "the job name as an argument"
    parser.add_argument(
        "--job-name",
        action=_Refused,
        message=f"{command} takes {what}, not --job-name: {PROG} {command} {{value}}",
    )


def _connection_options(default: Any) -> _Parser:
    """A parent parser holding the global options every command takes, each with `default`.

    The main parser gets them with default None; each command's parser gets them again with
    `argparse.SUPPRESS`, so a value given before the command is not overwritten by the
    command parser's default, while a value given after it is still read.
    """
    parent = _Parser(add_help=False)
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
        "--cli-read-timeout",
        type=_timeout,
        default=default,
        metavar="SECONDS",
        help="the longest wait for an answer to arrive on a connection; 0 for no timeout "
        "(default 60)",
    )
    group.add_argument(
        "--cli-connect-timeout",
        type=_timeout,
        default=default,
        metavar="SECONDS",
        help="the longest wait for a connection to open; 0 for no timeout (default 60)",
    )
    group.add_argument(
        "--timeout",
        type=_seconds,
        default=default,
        metavar="SECONDS",
        help="end each call to the service (a read, a reset, the bookmarks of many jobs) "
        "within this many seconds, even mid-answer; jobs of many not done by then are listed "
        "as failed (DeadlineExceededError, or the throttle they last met)",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=default,
        help="log each request glue-bookmarks makes to stderr (no credentials or headers)",
    )
    return parent


def _output_options(default: Any) -> _Parser:
    """A parent parser holding the global options of the commands that print a document, each
    with `default` as in `_connection_options`."""
    parent = _Parser(add_help=False)
    group = parent.add_argument_group("output options")
    group.add_argument(
        "--output",
        default=default,
        choices=("json", "text", "table"),
        help="json (the default for get and reset), text (tab-separated, as the AWS CLI's) or "
        "table (the default for list, doctor and diff)",
    )
    group.add_argument(
        "--query",
        type=_query,
        default=default,
        metavar="JMESPATH",
        help="print what this JMESPath expression selects from the JSON document, as JSON, or "
        "with --output text as text, a string bare (as the AWS CLI's --query does); not with "
        "--output table",
    )
    group.add_argument(
        "--wide",
        action="store_true",
        default=default,
        help="print every cell of a table in full; by default a table on a terminal is "
        "fitted to its width, run ids and source names shortened with an ellipsis",
    )
    return parent


def _plan_options(parser: argparse.ArgumentParser, *, act: str, nothing: str, change: str) -> None:
    """`--yes` or `--dry-run`, and `--force`: the options of a command that plans a change,
    prints the plan, then makes the change (`rewind`, `backfill`)."""
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--yes", action="store_true", help=f"{act} without asking")
    mode.add_argument("--dry-run", action="store_true", help=f"print the plan only; {nothing}")
    parser.add_argument("--force", action="store_true", help=_FORCE_HELP.format(change=change))


def parsers() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The main parser, and each command's parser by command name."""
    parser = _Parser(
        prog=PROG,
        description="Get, reset, list, rewind and compare AWS Glue job bookmarks; backfill a "
        "window of a job's input.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_connection_options(None), _output_options(None)],
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
    # Each command's parser is a _Parser too: add_parser makes the main parser's class.
    connection = _connection_options(argparse.SUPPRESS)
    parents = [connection, _output_options(argparse.SUPPRESS)]

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
    _job_name_refused(get, "get", names=False)

    reset = commands.add_parser(
        "reset",
        parents=parents,
        help="reset a job's bookmark, or rewind it to a run (ResetJobBookmark)",
        description=(
            "Reset a job's bookmark, so its next run processes all its data again; with "
            "--run-id, rewind it to that run. This changes state in the account: on a "
            "terminal it asks first; otherwise it refuses unless --yes is given. It refuses "
            "while a run of the job is active (GetJobRuns), unless --force is given. Prints "
            "the entry the service returns, as `aws glue reset-job-bookmark` does."
        ),
    )
    reset.add_argument("job", metavar="JOB", help="the job name")
    reset.add_argument("--run-id", metavar="ID", help="rewind to this run instead of resetting")
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    reset.add_argument("--force", action="store_true", help=_FORCE_HELP.format(change="reset"))
    _job_name_refused(reset, "reset", names=False)

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
        default=DEFAULT_MAX_CONCURRENCY,
        metavar="N",
        help=f"fetch up to N bookmarks at once (default {DEFAULT_MAX_CONCURRENCY})",
    )
    _job_name_refused(list_, "list", names=True)

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
        "--history",
        action="store_true",
        help=(
            "also read the latest runs of each job with bookmarks enabled: runs that "
            "overlapped, a latest run that failed"
        ),
    )
    doctor.add_argument(
        "--scripts",
        action="store_true",
        help="also lint each job's script (S3 GetObject) and check it against the job's "
        "bookmark, as glue-bookmarks lint --job does",
    )
    doctor.add_argument(
        "--fail-on",
        type=Severity,
        default=Severity.WARNING,
        choices=list(Severity),
        metavar="{error,warning,info}",
        help="exit with status 3 when a finding is at or above this severity (default warning)",
    )
    _job_name_refused(doctor, "doctor", names=True)

    lint = commands.add_parser(
        "lint",
        parents=parents,
        help="find bookmark bugs in Glue job scripts before they run",
        description=(
            "Lint Glue job scripts (PySpark, .py): local files, s3://BUCKET/KEY objects, or "
            "a job's script (--job, read from its Command.ScriptLocation and checked against "
            "its live bookmark). A line a finding, path:line: severity code message; or the "
            "JSON document (--output json). Exit status 3 when a finding is at or above "
            "--fail-on. The Doctor page of the docs lists every code and its fix."
        ),
    )
    lint.add_argument(
        "paths", nargs="*", metavar="PATH", help="a script: a file, or s3://BUCKET/KEY"
    )
    lint.add_argument(
        "--job",
        dest="lint_jobs",
        action="append",
        default=[],
        metavar="NAME",
        help="a job whose script to lint against its bookmark (repeatable)",
    )
    lint.add_argument(
        "--fail-on",
        type=_fail_on,
        default=Severity.WARNING,
        metavar="{error,warning,info,never}",
        help="exit with status 3 when a finding is at or above this severity (default "
        "warning); never: exit 0 whatever is found",
    )

    rewind = commands.add_parser(
        "rewind",
        parents=[connection],
        help="rewind a job's bookmark so data since a time is processed again, plan first",
        description=(
            "Plan a rewind of a job's bookmark to the latest succeeded run that started before "
            "--since (GetJobRuns), print the plan, then apply it (ResetJobBookmark): on a "
            "terminal after asking, otherwise only with --yes, and not while a run of the job "
            "is active unless --force is given. Every source of the job is rewound, and files "
            "already written to its targets are not cleaned."
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
    _plan_options(rewind, act="apply", nothing="change nothing", change="reset")
    rewind.add_argument(
        "--allow-full-reset",
        action="store_true",
        help="apply a plan that resets the bookmark fully (no run started before --since): "
        "every file is processed again; refused without it",
    )
    _job_name_refused(rewind, "rewind", names=False)
    rewind.add_argument("--output", "--query", "--wide", action=_Refused, message=REWIND_OUTPUT)

    backfill = commands.add_parser(
        "backfill",
        parents=parents,
        help="process a window of a job's input again in a run of its own, the bookmark "
        "untouched, plan first",
        description=(
            "Plan a backfill of the input of a job's runs that started from --since up to "
            "--until (GetJobRuns), print the plan, then start it (StartJobRun): a run with "
            "--job-bookmark-option job-bookmark-pause and --job-bookmark-from and "
            "--job-bookmark-to run ids, which processes that input again and leaves the "
            "bookmark as it is. On a terminal it asks first, otherwise it starts only with "
            "--yes; not while a run of the job is active, unless --force is given. Prints the "
            "new run id. Files already written to the job's targets are not cleaned."
        ),
    )
    backfill.add_argument("job", metavar="JOB", help="the job name")
    backfill.add_argument(
        "--since",
        required=True,
        type=_since,
        metavar="TIME",
        help="the start of the window: ISO 8601 with a zone (2026-11-20T00:00:00Z) or a "
        "duration back from now (36h, 3d)",
    )
    backfill.add_argument(
        "--until",
        type=_since,
        metavar="TIME",
        help="the end of the window, as --since takes it; by default up to the latest run",
    )
    backfill.add_argument(
        "--arg",
        dest="arguments",
        action="append",
        type=_tag,
        default=[],
        metavar="KEY=VALUE",
        help="a run argument of the backfill, such as --arg day=2024-10-28, sent as --day "
        "(a KEY without a leading -- gets one); repeatable; not one of the three the plan sets",
    )
    _plan_options(backfill, act="start", nothing="start nothing", change="start")
    _job_name_refused(backfill, "backfill", names=False)

    diff = commands.add_parser(
        "diff",
        parents=parents,
        help="show what changed between two snapshots (list --output json) of bookmarks",
        description=(
            "Compare two snapshots, as `glue-bookmarks list --output json` writes them, job by "
            "job: unchanged, advanced (with the files added and the latest partition of each "
            "source), rewound, reset, appeared or disappeared. Without AFTER, BEFORE is "
            "compared with the live bookmarks of its jobs; when not one of them can be read, "
            "the first error is the one line of an exit status 1."
        ),
    )
    diff.add_argument(
        "before", metavar="BEFORE", help="the earlier snapshot file; - reads it from stdin"
    )
    diff.add_argument(
        "after",
        metavar="AFTER",
        nargs="?",
        help="the later snapshot file, or - for stdin; default: the live bookmarks",
    )
    diff.add_argument(
        "--max-workers",
        type=_positive_int,
        default=DEFAULT_MAX_CONCURRENCY,
        metavar="N",
        help=f"without AFTER, fetch up to N bookmarks at once (default {DEFAULT_MAX_CONCURRENCY})",
    )
    return parser, {
        "get": get,
        "reset": reset,
        "list": list_,
        "doctor": doctor,
        "rewind": rewind,
        "backfill": backfill,
        "diff": diff,
    }
