"""The lint: `lint_script`, `ScriptReport`, `ScriptRead`, and the rules that find, in a Glue
job's Python script, why its bookmark would reprocess or skip data.

AWS lists the causes (no `job.commit()`, a read without `transformation_ctx`, a renamed
context, ...); all of them show in the script. The script is parsed once and walked once
(`_lint_walk`); the rules below judge what the walk recorded. Nothing is run, imported or
sent. The finding codes are stable: the "Doctor" docs page lists each with its fix.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterable
from typing import Final

import attrs

from glue_bookmarks._doctor import Finding, Severity
from glue_bookmarks._exceptions import InvalidParameterError
from glue_bookmarks._lint_sql import PLACEHOLDER, reads_a_table, sql_reads
from glue_bookmarks._lint_walk import (
    Branches,
    CallSite,
    Facts,
    JobCall,
    Read,
    Scope,
    dotted,
    exclusive,
    walk,
)
from glue_bookmarks._validation import check_optional

__all__ = ["ScriptRead", "ScriptReport", "lint_script"]

# Sources that streaming jobs read, tracked by checkpoints rather than bookmarks.
_STREAMING_CONNECTIONS: Final = frozenset({"kinesis", "kafka"})
# The bookmark options Glue reads from additional_options / connection_options.
_BOOKMARK_OPTIONS: Final = ("jobBookmarkKeys", "jobBookmarkKeysSortOrder")
# How far (in edits, once case and separators are set aside) a key may be from one of them
# to be taken for a misspelling of it.
_MISSPELLING_DISTANCE: Final = 3

Position = tuple[int, int]


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
            one that is no literal.
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


def _position(node: ast.expr) -> Position:
    return (node.lineno, node.col_offset)


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
        position = _context_position(read.call)
        for index, argument in enumerate(node.args):
            if type(argument) is ast.Starred:
                return _Context(None, dynamic=True)
            if index == position:
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


def misspelt_option(key: str) -> str | None:
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
        self.findings: list[Finding] = []
        self.callees = {id(site): self._resolve(site) for site in facts.call_sites}
        self.sites_by_caller: dict[Scope, list[tuple[CallSite, list[Scope]]]] = {}
        for site in facts.call_sites:
            callees = self.callees[id(site)]
            if callees:
                self.sites_by_caller.setdefault(site.where.scope, []).append((site, callees))
        self.chains = self._chains()
        job_keys = self._job_keys()
        self.inits = [
            call for call in facts.job_calls if call.method == "init" and _is_job(call, job_keys)
        ]
        self.commits = [
            call for call in facts.job_calls if call.method == "commit" and _is_job(call, job_keys)
        ]
        named = [call.receiver for call in (*self.inits, *self.commits) if call.receiver]
        self.job = (named or sorted(facts.job_targets) or ["job"])[0]
        if self.job == "Job()":
            self.job = "Job(...)"

    # -- the call graph ----------------------------------------------------------------------

    def _resolve(self, site: CallSite) -> list[Scope]:
        """The script's functions or methods a call site may call."""
        classes = self.facts.classes
        if site.kind == "name":
            if site.name in classes:
                constructor = classes[site.name].get("__init__")
                return [] if constructor is None else [constructor]
            return self.facts.functions.get(site.name, [])
        receiver = site.receiver or ""
        if receiver in ("self", "cls"):
            own = classes.get(site.where.scope.class_name or "", {})
            if site.name in own:
                return [own[site.name]]
            return [methods[site.name] for methods in classes.values() if site.name in methods]
        class_name = (
            receiver[:-2] if receiver.endswith("()") else self.facts.instances.get(receiver)
        )
        method = classes.get(class_name or "", {}).get(site.name)
        return [] if method is None else [method]

    def _chains(self) -> dict[Scope, tuple[Position, ...]]:
        """For each function the module runs: the call sites of its earliest run, from the
        module's statement down (for `read-before-init`). Paths that call a function again
        from within itself are not followed."""
        module = self.facts.module
        chains: dict[Scope, tuple[Position, ...]] = {module: ()}
        paths: dict[Scope, frozenset[Scope]] = {module: frozenset()}
        queue = [module]
        while queue:
            caller = queue.pop()
            path = paths[caller] | {caller}
            for site, callees in self.sites_by_caller.get(caller, ()):
                candidate = (*chains[caller], _position(site.node))
                for callee in callees:
                    if callee not in path and (callee not in chains or candidate < chains[callee]):
                        chains[callee] = candidate
                        paths[callee] = path
                        queue.append(callee)
        return chains

    def _when(self, node: ast.expr, scope: Scope) -> tuple[Position, ...] | None:
        """When the module first reaches `node`, as comparable positions; None if it never
        calls the function it is in."""
        chain = self.chains.get(scope)
        return None if chain is None else (*chain, _position(node))

    def _run_more_than_once(self) -> dict[Scope, str]:
        """The functions that may run more than once in a run, each with the reason."""
        sites_of: dict[Scope, list[CallSite]] = {}
        for site, callees in (pair for pairs in self.sites_by_caller.values() for pair in pairs):
            for callee in callees:
                sites_of.setdefault(callee, []).append(site)
        many: dict[Scope, str] = {}
        for callee, sites in sites_of.items():
            if any(site.where.loop for site in sites):
                many[callee] = "is called inside a loop"
            elif any(
                first.where.scope is not second.where.scope
                or not exclusive(first.where.branches, second.where.branches)
                for index, first in enumerate(sites)
                for second in sites[index + 1 :]
            ):
                many[callee] = f"is called in {_count(len(sites), 'place')}"
        queue = list(many)
        while queue:
            caller = queue.pop()
            for _site, callees in self.sites_by_caller.get(caller, ()):
                for callee in callees:
                    if callee not in many:
                        many[callee] = f"is called from {caller.name}(), which runs more than once"
                        queue.append(callee)
        return many

    def _job_keys(self) -> set[str]:
        """The names that hold the `Job`: assigned from `Job(...)`, then whatever is given one
        of those (an alias, a parameter it is passed to, a name a function returns it into)."""
        facts = self.facts
        edges: dict[str, set[str]] = {}

        def edge(source: str | None, target: str) -> None:
            if source is not None:
                edges.setdefault(source, set()).add(target)

        for target, source in facts.aliases:
            edge(source, target)
        for target, index, call in facts.call_results:
            site = facts.site_of.get(id(call))
            for callee in () if site is None else self.callees[id(site)]:
                for returned in callee.returns:
                    if index is None and len(returned) == 1:
                        edge(returned[0], target)
                    elif index is not None and index < len(returned) and len(returned) > 1:
                        edge(returned[index], target)
        for pairs in self.sites_by_caller.values():
            for site, callees in pairs:
                for callee in callees:
                    skip = 1 if callee.class_name is not None else 0
                    params = callee.params[skip:]
                    for param, argument in zip(params, site.node.args, strict=False):
                        edge(dotted(argument), param)
                    for keyword in site.node.keywords:
                        if keyword.arg in params:
                            edge(dotted(keyword.value), keyword.arg)
        keys = set(facts.job_targets)
        queue = list(keys)
        while queue:
            for target in edges.get(queue.pop(), ()):
                if target not in keys:
                    keys.add(target)
                    queue.append(target)
        return keys

    # -- the report --------------------------------------------------------------------------

    def report(self, path: str | None) -> ScriptReport:
        reads = sorted(self.facts.reads, key=lambda read: _position(read.node))
        contexts = {id(read): _context(read) for read in reads}
        batch = [read for read in reads if not self._streaming(read)]
        self._job_rules(batch)
        self._read_rules(batch, contexts)
        self._untracked_reads()
        self._options(contexts)
        findings = sorted(
            self.findings,
            key=lambda finding: (
                -finding.severity.rank,
                -1 if finding.line is None else finding.line,
            ),
        )
        return ScriptReport(
            path=path,
            findings=tuple(findings),
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

    def _streaming(self, read: Read) -> bool:
        """Whether the read is of a streaming source; if so, say so."""
        connection = _connection_type(read)
        if connection in _STREAMING_CONNECTIONS:
            source = f"a {connection} stream"
        elif read.target is not None and read.target in self.facts.foreach_frames:
            source = "the stream passed to forEachBatch"
        else:
            return False
        self._add(
            "streaming-source",
            Severity.INFO,
            f"{read.call} reads {source}: a streaming job tracks it with checkpoints, "
            "not with the job bookmark",
            line=read.node.lineno,
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
        if (reads or self.commits) and not self.inits:
            what = "reads with bookmarks" if reads else "commits"
            self._add(
                "missing-init",
                Severity.ERROR,
                f"the script {what} but never calls {job}.init(), without which bookmarks "
                "do not work",
            )
        if self.commits:
            self._commit_reached()

    def _commit_reached(self) -> None:
        always: dict[Scope, bool] = {}
        if self._always_commits(self.facts.module, always, frozenset()):
            return
        # A function the module never calls may be run by whatever imports the script: one
        # that always commits is taken for the job's entry point.
        entries = {call.where.scope for call in self.commits} - self.chains.keys()
        if any(self._always_commits(scope, always, frozenset()) for scope in entries):
            return
        first = min(self.commits, key=lambda call: _position(call.node))
        self._add(
            "commit-not-guaranteed",
            Severity.WARNING,
            f"{self.job}.commit() is reached only inside an if or except branch: a run "
            "that takes another path does not save the bookmark",
            line=first.node.lineno,
        )

    def _always_commits(
        self, scope: Scope, known: dict[Scope, bool], calling: frozenset[Scope]
    ) -> bool:
        """Whether every run of `scope` that ends normally commits: it calls `commit()`, or a
        function that always commits, outside any branch, or on both branches of an
        `if`/`else` (loops and `try` bodies count as run)."""
        if scope in known:
            return known[scope]
        calling = calling | {scope}
        paths = [call.where.conditions for call in self.commits if call.where.scope is scope]
        for site, callees in self.sites_by_caller.get(scope, ()):
            if any(
                callee not in calling and self._always_commits(callee, known, calling)
                for callee in callees
            ):
                paths.append(site.where.conditions)
        known[scope] = result = _covered(paths, 0, self.facts.two_way)
        return result

    def _first_init(self, read: Read) -> JobCall | None:
        """The init() that runs after `read` although the read needs it first, if any."""
        when = self._when(read.node, read.where.scope)
        timed = [
            (init_when, init)
            for init in self.inits
            if (init_when := self._when(init.node, init.where.scope)) is not None
        ]
        if when is not None and timed:
            first_when, first = min(timed, key=lambda pair: pair[0])
            return first if when < first_when else None
        same = [init for init in self.inits if init.where.scope is read.where.scope]
        if not same:
            return None
        first = min(same, key=lambda init: _position(init.node))
        return first if _position(read.node) < _position(first.node) else None

    def _read_rules(self, reads: list[Read], contexts: dict[int, _Context]) -> None:
        many = self._run_more_than_once()
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
            meant = misspelt_option(option.key)
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


def _covered(paths: list[Branches], depth: int, two_way: set[int]) -> bool:
    """Whether, of places given by their conditional branches, one is surely reached: one with
    no branch left beyond `depth`, or, for a two-way `if`, one on each side."""
    sides: dict[int, dict[int, list[Branches]]] = {}
    for path in paths:
        if len(path) == depth:
            return True
        node, branch = path[depth]
        sides.setdefault(node, {}).setdefault(branch, []).append(path)
    return any(
        node in two_way
        and len(branches) == 2
        and all(_covered(side, depth + 1, two_way) for side in branches.values())
        for node, branches in sides.items()
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
