"""The lint: `lint_script`, `ScriptReport`, `ScriptRead`, and the rules that find, in a Glue
job's Python script, why its bookmark would reprocess or skip data.

AWS lists the causes (no `job.commit()`, a read without `transformation_ctx`, a renamed
context, ...); all of them show in the script. The script is parsed once and walked once
(`_lint_walk`, which records `_lint_facts`); the rules below judge what the walk recorded,
with the script's call graph (`_lint_graph`) and, for Spark SQL, `_lint_sql`. Nothing is
run, imported or sent. The finding codes are stable: the "Doctor" docs page lists each with
its fix.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterable
from typing import Final

import attrs

from glue_bookmarks._exceptions import InvalidParameterError
from glue_bookmarks._findings import Finding, Severity, in_report_order
from glue_bookmarks._lint_facts import (
    Branches,
    Facts,
    JobCall,
    Read,
    Scope,
    callee_name,
    exclusive,
)
from glue_bookmarks._lint_graph import CallGraph, done_at, position
from glue_bookmarks._lint_sql import PLACEHOLDER, reads_a_table, sql_reads
from glue_bookmarks._lint_walk import walk
from glue_bookmarks._validation import check_optional

__all__ = ["ScriptRead", "ScriptReport", "lint_script"]

# Sources that streaming jobs read, tracked by checkpoints rather than bookmarks.
_STREAMING_CONNECTIONS: Final = frozenset({"kinesis", "kafka"})
# The bookmark options Glue reads from additional_options / connection_options.
_BOOKMARK_OPTIONS: Final = ("jobBookmarkKeys", "jobBookmarkKeysSortOrder")
# How far (in edits, once case and separators are set aside) a key may be from one of them
# to be taken for a misspelling of it.
_MISSPELLING_DISTANCE: Final = 3


@attrs.frozen(kw_only=True)
class ScriptRead:
    """One bookmark-capable read in a job's script.

    A read is a call of `create_dynamic_frame.from_catalog`, `create_dynamic_frame.from_options`,
    `create_data_frame.from_catalog`, `create_data_frame.from_options`, their flat forms on the
    GlueContext (`create_dynamic_frame_from_catalog`, ...) or `getSource`, whatever the
    GlueContext's variable is called. A read of a streaming source (Kinesis or Kafka) is none:
    streaming jobs track what they read with checkpoints (a `streaming-source` finding says so).

    Attributes:
        line: The line where the read call starts, 1-based.
        call: The method as written after the GlueContext: `"create_dynamic_frame.from_catalog"`,
            `"create_dynamic_frame_from_options"`, `"getSource"`, ...
        transformation_ctx: The context when it is a string literal, kept verbatim (leading
            spaces included); None when the read has none, an empty one (`""` or `None`), or
            one that is no literal. It is read from its keyword, or from its place among the
            positional arguments in awsglue's signatures: the 4th of `from_catalog`
            (`database, table_name, redshift_tmp_dir, transformation_ctx`), the 5th of
            `from_options` (`connection_type, connection_options, format, format_options,
            transformation_ctx`), the 3rd of `getSource` (`connection_type, format,
            transformation_ctx`), the same for the flat forms.
        dynamic: True when a context is given but is no string literal: an f-string, a
            concatenation, a variable, or `**kwargs` that may hold one.
    """

    line: int
    call: str
    transformation_ctx: str | None
    dynamic: bool


@attrs.frozen(kw_only=True)
class ScriptReport:
    """What `lint_script()` found in one job script.

    Attributes:
        path: The path given to `lint_script()`, for the caller's report; None if none was.
        findings: What was found, most severe first, then in line order (findings about the
            script as a whole, whose `line` is None, before the others of their severity);
            empty when nothing was.
        reads: The bookmark-capable reads, in source order; empty when the script does not
            parse.
    """

    path: str | None
    findings: tuple[Finding, ...] = ()
    reads: tuple[ScriptRead, ...] = ()


def lint_script(source: str, *, path: str | None = None) -> ScriptReport:
    """Find what, in a Glue job's Python script, makes its bookmark reprocess or skip data.

    The script is parsed, not run: no import, no request. A script that does not parse gets one
    `syntax-error` finding. The "Doctor" docs page lists every finding code with its fix.

    Args:
        source: The script's text.
        path: Where the script came from, kept in the report; it plays no part in the lint.

    Returns:
        The script's report: its findings and its bookmark-capable reads.

    Raises:
        InvalidParameterError: `source` is not a str, or `path` is neither a str nor None.
    """
    if not isinstance(source, str):
        raise InvalidParameterError(
            f"source must be a str, got {type(source).__name__}", parameter="source"
        )
    check_optional("path", path, str)
    try:
        with warnings.catch_warnings():
            # Invalid escapes ("\d" in a regex) warn while parsing; they are not ours to report.
            warnings.simplefilter("ignore")
            tree = ast.parse(source, filename=path or "<script>")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        # ValueError: a null byte, before Python 3.12; RecursionError, MemoryError: nesting
        # too deep for the parser.
        return ScriptReport(path=path, findings=(_syntax_error(exc),))
    return _Lint(walk(tree)).report(path)


def _syntax_error(exc: Exception) -> Finding:
    if isinstance(exc, SyntaxError):
        what = exc.msg
        line = exc.lineno
    elif isinstance(exc, ValueError):
        what, line = str(exc), None
    else:
        what, line = "nested too deeply to parse", None
    return Finding(
        code="syntax-error",
        severity=Severity.ERROR,
        message=f"the script does not parse as Python: {what}",
        line=line,
    )


@attrs.frozen
class _Context:
    """A read's transformation_ctx: the literal, or whether one is given at all."""

    literal: str | None
    dynamic: bool

    @property
    def missing(self) -> bool:
        return self.literal is None and not self.dynamic


def _context_position(call: str) -> int:
    """Where transformation_ctx sits among a read's positional arguments, in awsglue's
    signatures (awsglue/context.py, dynamicframe.py and dataframereader.py of
    awslabs/aws-glue-libs): `from_catalog(database, table_name, redshift_tmp_dir,
    transformation_ctx, ...)`, `from_options(connection_type, connection_options, format,
    format_options, transformation_ctx, ...)`, `getSource(connection_type, format,
    transformation_ctx, ...)`; the flat GlueContext methods take the same."""
    if call.endswith("from_catalog"):
        return 3
    if call.endswith("from_options"):
        return 4
    return 2


def _context(read: Read) -> _Context:
    node = read.node
    for keyword in node.keywords:
        if keyword.arg == "transformation_ctx":
            value = keyword.value
            break
    else:
        place = _context_position(read.call)
        for index, argument in enumerate(node.args):
            if type(argument) is ast.Starred:
                return _Context(None, dynamic=True)
            if index == place:
                value = argument
                break
        else:
            # `**options` may hold one.
            return _Context(None, dynamic=any(item.arg is None for item in node.keywords))
    if type(value) is ast.Constant:
        if value.value is None or value.value == "":
            return _Context(None, dynamic=False)
        if type(value.value) is str:
            return _Context(value.value, dynamic=False)
    return _Context(None, dynamic=True)


def _connection_type(read: Read) -> str | None:
    """The literal connection type of a `from_options` read or `getSource`, else None."""
    if read.call.endswith("from_catalog"):
        return None
    node = read.node
    value = node.args[0] if node.args else None
    for keyword in node.keywords:
        if keyword.arg == "connection_type":
            value = keyword.value
    if type(value) is ast.Constant and type(value.value) is str:
        return value.value.lower()
    return None


def _distance(first: str, second: str, limit: int) -> int:
    """Levenshtein distance, or `limit + 1` once it is sure to pass `limit`."""
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    previous = list(range(len(second) + 1))
    for row, char in enumerate(first, start=1):
        current = [row]
        for column, other in enumerate(second, start=1):
            current.append(
                min(previous[column] + 1, current[-1] + 1, previous[column - 1] + (char != other))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _misspelt_option(key: str) -> str | None:
    """The bookmark option `key` looks like a misspelling of, or None."""
    if key in _BOOKMARK_OPTIONS:
        return None
    plain = re.sub(r"[^a-z0-9]", "", key.lower())
    best: tuple[int, str] | None = None
    for option in _BOOKMARK_OPTIONS:
        distance = _distance(plain, option.lower(), _MISSPELLING_DISTANCE)
        if distance <= _MISSPELLING_DISTANCE and (best is None or distance < best[0]):
            best = (distance, option)
    return None if best is None else best[1]


def _shown(name: str) -> str:
    return name.replace(PLACEHOLDER, "{...}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class _Lint:
    """The rules over one script's facts."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.graph = CallGraph(facts)
        self.findings: list[Finding] = []
        calls = facts.job_calls
        accepted = [call for call in calls if _is_job(call, facts.job_targets)]
        if len(accepted) < len(calls):
            # Follow the Job through aliases, parameters and returns only when a call is left.
            keys = self.graph.job_keys()
            accepted = [call for call in calls if _is_job(call, keys)]
        self.inits = [call for call in accepted if call.method == "init"]
        self.commits = [call for call in accepted if call.method == "commit"]
        named = [call.receiver for call in accepted if call.receiver]
        self.job = (named or sorted(facts.job_targets) or ["job"])[0]
        if self.job == "Job()":
            self.job = "Job(...)"

    # -- the report --------------------------------------------------------------------------

    def report(self, path: str | None) -> ScriptReport:
        reads = sorted(self.facts.reads, key=lambda read: position(read.node))
        contexts = {id(read): _context(read) for read in reads}
        batch = [read for read in reads if not self._streaming(read, contexts[id(read)])]
        self._job_rules(batch)
        self._read_rules(batch, contexts)
        self._untracked_reads()
        self._options(contexts)
        return ScriptReport(
            path=path,
            findings=in_report_order(self.findings),
            reads=tuple(
                ScriptRead(
                    line=read.node.lineno,
                    call=read.call,
                    transformation_ctx=contexts[id(read)].literal,
                    dynamic=contexts[id(read)].dynamic,
                )
                for read in batch
            ),
        )

    def _add(
        self,
        code: str,
        severity: Severity,
        message: str,
        *,
        line: int | None = None,
        transformation_ctx: str | None = None,
    ) -> None:
        self.findings.append(
            Finding(
                code=code,
                severity=severity,
                message=message,
                transformation_ctx=transformation_ctx,
                line=line,
            )
        )

    def _streaming(self, read: Read, context: _Context) -> bool:
        """Whether the read is of a streaming source; if so, say so."""
        connection = _connection_type(read)
        if connection in _STREAMING_CONNECTIONS:
            source = f"a {connection} stream"
        elif id(read.node) in self.facts.foreach_calls or (
            read.target is not None and read.target in self.facts.foreach_frames
        ):
            source = "the stream passed to forEachBatch"
        else:
            return False
        self._add(
            "streaming-source",
            Severity.INFO,
            f"{read.call} reads {source}: a streaming job tracks it with checkpoints, "
            "not with the job bookmark",
            line=read.node.lineno,
            transformation_ctx=context.literal,
        )
        return True

    def _job_rules(self, reads: list[Read]) -> None:
        job = self.job
        if reads and not self.commits:
            self._add(
                "missing-commit",
                Severity.ERROR,
                f"the script has {_count(len(reads), 'bookmark-capable read')} but never calls "
                f"{job}.commit(): no run saves the bookmark, so every run reads the same data",
            )
        if (reads or self.commits) and not self.inits and not self._job_made_elsewhere():
            what = "reads with bookmarks" if reads else "commits"
            self._add(
                "missing-init",
                Severity.ERROR,
                f"the script {what} but never calls {job}.init(), without which bookmarks "
                "do not work",
            )
        if self.commits:
            self._commit_reached()

    def _job_made_elsewhere(self) -> bool:
        """Whether the Job the script commits comes from code it does not hold (an import, a
        function it does not define), which may have called `init()` already."""
        facts = self.facts
        roots = {call.receiver.partition(".")[0] for call in self.commits if call.receiver}
        if facts.job_targets or not roots:
            return False
        if roots & facts.imported:
            return True
        local = facts.functions.keys() | facts.classes.keys()
        bound = {name for name, _source in facts.aliases}
        for name, _index, call in facts.call_results:
            if name in roots and callee_name(call) not in local:
                return True
            bound.add(name)
        # A star import may bind any name the script does not bind itself.
        return "*" in facts.imported and not roots & bound

    def _commit_reached(self) -> None:
        def commits(scope: Scope) -> list[Branches]:
            return [call.where.conditions for call in self.commits if call.where.scope is scope]

        known: dict[Scope, bool] = {}
        if self.graph.always_commits(self.facts.module, commits, known):
            return
        # A function the module never calls may be run by whatever imports the script: one
        # that always commits is taken for the job's entry point.
        entries = {call.where.scope for call in self.commits}
        if any(
            not self.graph.reached(scope) and self.graph.always_commits(scope, commits, known)
            for scope in entries
        ):
            return
        first = min(self.commits, key=lambda call: position(call.node))
        self._add(
            "commit-not-guaranteed",
            Severity.WARNING,
            f"{self.job}.commit() is reached only inside an if or except branch: a run "
            "that takes another path does not save the bookmark",
            line=first.node.lineno,
        )

    def _first_init(self, read: Read) -> JobCall | None:
        """The init() that runs after `read` although the read needs it first, if any."""
        when = self.graph.when(read.node, read.where.scope)
        timed = [
            (init_when, init)
            for init in self.inits
            if (init_when := self.graph.when(init.node, init.where.scope)) is not None
        ]
        if when is not None and timed:
            first_when, first = min(timed, key=lambda pair: pair[0])
            return first if when < first_when else None
        same = [init for init in self.inits if init.where.scope is read.where.scope]
        if not same:
            return None
        first = min(same, key=lambda init: done_at(init.node))
        return first if done_at(read.node) < done_at(first.node) else None

    def _read_rules(self, reads: list[Read], contexts: dict[int, _Context]) -> None:
        many = self.graph.run_more_than_once()
        seen: dict[str, list[Read]] = {}
        for read in reads:
            context = contexts[id(read)]
            line = read.node.lineno
            literal = context.literal
            if self.inits:
                init = self._first_init(read)
                if init is not None:
                    self._add(
                        "read-before-init",
                        Severity.ERROR,
                        f"{read.call} runs before {self.job}.init() (line {init.node.lineno}): "
                        "it reads without the bookmark",
                        line=line,
                        transformation_ctx=literal,
                    )
            if context.missing:
                self._add(
                    "read-without-context",
                    Severity.ERROR,
                    f"{read.call} has no transformation_ctx: the bookmark does not track it, "
                    "so every run reads all of it",
                    line=line,
                )
                continue
            if literal is None:
                self._add(
                    "dynamic-context",
                    Severity.WARNING,
                    f"the transformation_ctx of {read.call} is not a string literal: if its "
                    "value changes between runs, its bookmark starts over",
                    line=line,
                )
                continue
            earlier = [
                other
                for other in seen.get(literal, ())
                if other.where.scope is not read.where.scope
                or not exclusive(other.where.branches, read.where.branches)
            ]
            seen.setdefault(literal, []).append(read)
            if earlier:
                self._add(
                    "duplicate-context",
                    Severity.ERROR,
                    f"transformation_ctx {literal!r} is also on the read at line "
                    f"{earlier[0].node.lineno}: the two reads share one bookmark state",
                    line=line,
                    transformation_ctx=literal,
                )
            scope = read.where.scope
            if read.where.loop:
                where = "inside a loop: every pass"
            elif scope in many:
                where = f"in {scope.name}(), which {many[scope]}: every call"
            else:
                continue
            self._add(
                "context-in-loop",
                Severity.WARNING,
                f"transformation_ctx {literal!r} is on a read {where} shares one bookmark state",
                line=line,
                transformation_ctx=literal,
            )

    def _untracked_reads(self) -> None:
        facts = self.facts
        for spark_read in facts.spark_reads:
            self._add(
                "untracked-read",
                Severity.INFO,
                f"{spark_read.receiver}.read reads outside the job bookmark: every run reads "
                "all of it",
                line=spark_read.node.lineno,
            )
        sessions = [call for call in facts.sql_calls if _is_session(call.receiver, facts)]
        queries = {
            id(call): sql_reads(call.text)
            for call in sessions
            if call.method == "sql" and call.text is not None
        }
        views = set(facts.temp_views).union(*(query.views for query in queries.values()))
        known = not facts.temp_views_unknown
        for call in sessions:
            if call.text is None:
                continue
            names: Iterable[str] = (
                queries[id(call)].tables if call.method == "sql" else (call.text,)
            )
            tables = list(
                dict.fromkeys(
                    _shown(name) for name in names if reads_a_table(name, views, views_known=known)
                )
            )
            if tables:
                self._add(
                    "untracked-read",
                    Severity.INFO,
                    f"{call.receiver}.{call.method}() reads {', '.join(tables)} outside the job "
                    "bookmark: every run reads all of it",
                    line=call.node.lineno,
                )

    def _options(self, contexts: dict[int, _Context]) -> None:
        for option in self.facts.option_keys:
            meant = _misspelt_option(option.key)
            if meant is None:
                continue
            read = option.read
            self._add(
                "misspelt-bookmark-option",
                Severity.WARNING,
                f"{option.key!r} is not a bookmark option: the option is {meant!r}, so the "
                "bookmark does not use this setting",
                line=option.node.lineno,
                transformation_ctx=None if read is None else contexts[id(read)].literal,
            )


def _is_job(call: JobCall, keys: set[str]) -> bool:
    """Whether `init()` or `commit()` is called on the Job: a name that holds one, or, for a
    job made where the script cannot see (a helper module), a name ending in "job"."""
    receiver = call.receiver
    if receiver is None:
        return False
    return (
        receiver in keys
        or receiver == "Job()"
        or receiver.rpartition(".")[2].lower().endswith("job")
    )


def _is_session(receiver: str | None, facts: Facts) -> bool:
    """Whether `receiver.sql()` runs Spark SQL: a name assigned a GlueContext or a Spark
    session, or one named like them (`spark`, `glue_context`, `sqlContext`)."""
    if receiver is None:
        return False
    plain = receiver.rpartition(".")[2].replace("_", "").lower()
    return (
        receiver in facts.session_targets
        or "spark" in plain
        or plain.endswith(("gluecontext", "sqlcontext", "hivecontext"))
    )
