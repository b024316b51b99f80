"""What the lint's walk records of a job script, for its rules to judge.

`Facts` holds it all: the scopes (the module, each function and method), the reads, the calls
of `init()` and `commit()`, the call sites, the assignments. Each fact keeps `Where` it
happened. `_lint_walk` fills them in; `_lint_graph` and `_lint` read them.
"""

from __future__ import annotations

import ast

import attrs

__all__ = [
    "Branches",
    "CallSite",
    "Facts",
    "JobCall",
    "OptionKey",
    "Read",
    "Scope",
    "SqlCall",
    "UntrackedRead",
    "Where",
    "callee_name",
    "dotted",
    "exclusive",
]

Branches = tuple[tuple[int, int], ...]


@attrs.define(eq=False)
class Scope:
    """The module, or one function or method of the script.

    `returns` holds, for each `return` statement, the dotted names it returns (one per
    element of a returned tuple; None where an element is no name).
    """

    name: str
    class_name: str | None = None
    params: tuple[str, ...] = ()
    returns: list[tuple[str | None, ...]] = attrs.Factory(list)


@attrs.define(eq=False)
class Where:
    """Where a fact happened.

    Attributes:
        scope: The module, function or method it is in.
        branches: Within that scope, for each enclosing `if`, `try`, `match` or conditional
            expression, the node's id and which of its branches (a `try` body and its `else`
            are branch 0, each handler one of its own).
        conditions: The entries of `branches` that may not run: a branch of an `if`, a
            conditional expression or a `match`, an `except` handler. Empty when the scope,
            once running, surely reaches it (loops aside).
        loop: Whether a loop (or comprehension) of the scope encloses it.
        read: The read call among whose arguments it is.
        class_name: The class whose body it is in, for the methods it defines.
    """

    scope: Scope
    branches: Branches = ()
    conditions: Branches = ()
    loop: bool = False
    read: Read | None = None
    class_name: str | None = None

    def branch(self, node: ast.AST, index: int, *, conditional: bool) -> Where:
        entry = (id(node), index)
        return Where(
            scope=self.scope,
            branches=(*self.branches, entry),
            conditions=(*self.conditions, entry) if conditional else self.conditions,
            loop=self.loop,
            read=self.read,
            class_name=self.class_name,
        )

    def looped(self) -> Where:
        if self.loop:
            return self
        return attrs.evolve(self, loop=True)


def exclusive(first: Branches, second: Branches) -> bool:
    """Whether two places of one scope lie on different branches of one `if` (or `try`,
    `match`, conditional expression), so that one run never reaches both."""
    for (node_a, branch_a), (node_b, branch_b) in zip(first, second, strict=False):
        if node_a != node_b:
            return False
        if branch_a != branch_b:
            return True
    return False


@attrs.define(eq=False)
class Read:
    """A bookmark-capable read call: `call` as written (`"create_dynamic_frame.from_catalog"`),
    `target` the dotted name its result is assigned to, if any."""

    node: ast.Call
    call: str
    where: Where
    target: str | None


@attrs.define(eq=False)
class JobCall:
    """`<receiver>.init(...)` or `<receiver>.commit(...)`; `receiver` dotted, `"Job()"` for
    `Job(...).init(...)`, None for any other expression."""

    method: str
    receiver: str | None
    node: ast.Call
    where: Where


@attrs.define(eq=False)
class CallSite:
    """A call that may be of the script's own function or method.

    `kind` is `"name"` (`f(...)`, `name` is f) or `"method"` (`x.m(...)`, `name` is m and
    `receiver` the dotted x, or `"C()"` for `C(...).m(...)`).
    """

    kind: str
    name: str
    receiver: str | None
    node: ast.Call
    where: Where


@attrs.define(eq=False)
class SqlCall:
    """`<receiver>.sql(query)` or `<receiver>.table(name)`: the receiver dotted (or None),
    and the argument's literal text (each f-string replacement field written as `\\x00`), or
    None when it is no literal."""

    method: str
    receiver: str | None
    text: str | None
    node: ast.Call
    where: Where


@attrs.define(eq=False)
class UntrackedRead:
    """`<receiver>.read.<method>...`: Spark's own reader."""

    receiver: str
    node: ast.expr


@attrs.define(eq=False)
class OptionKey:
    """A dict key or keyword argument that mentions bookmarks, and the read it is given to."""

    key: str
    node: ast.expr | ast.keyword
    read: Read | None


@attrs.define(eq=False)
class Facts:
    """Everything the walk records; the rules in `_lint` judge it."""

    module: Scope
    reads: list[Read] = attrs.Factory(list)
    job_calls: list[JobCall] = attrs.Factory(list)
    call_sites: list[CallSite] = attrs.Factory(list)
    # Module-level and nested functions by name; methods by class name, then method name.
    functions: dict[str, list[Scope]] = attrs.Factory(dict)
    classes: dict[str, dict[str, Scope]] = attrs.Factory(dict)
    # Names assigned from `Job(...)`; from a session constructor or attribute; aliases.
    job_targets: set[str] = attrs.Factory(set)
    session_targets: set[str] = attrs.Factory(set)
    aliases: list[tuple[str, str]] = attrs.Factory(list)
    # `target = C(...)` for a name C: the target, maybe an instance of the script's class C.
    instances: dict[str, str] = attrs.Factory(dict)
    # `target = call(...)` (index None) or `a, b = call(...)` (index 0, 1): for return values.
    call_results: list[tuple[str, int | None, ast.Call]] = attrs.Factory(list)
    sql_calls: list[SqlCall] = attrs.Factory(list)
    spark_reads: list[UntrackedRead] = attrs.Factory(list)
    temp_views: set[str] = attrs.Factory(set)
    # A temp view registered under a name that is no literal: the set above is not complete.
    temp_views_unknown: bool = False
    # The frames given to `forEachBatch`, by name or, for a read call given as it is, by id:
    # streams.
    foreach_frames: set[str] = attrs.Factory(set)
    foreach_calls: set[int] = attrs.Factory(set)
    # The names `from ... import` binds ("*" for a star import): a Job may come from there.
    imported: set[str] = attrs.Factory(set)
    # The `if` statements with an `else` (and every conditional expression): one of their two
    # branches surely runs.
    two_way: set[int] = attrs.Factory(set)
    option_keys: list[OptionKey] = attrs.Factory(list)
    # The call site recorded for each call node, to resolve `call_results`.
    site_of: dict[int, CallSite] = attrs.Factory(dict)


def dotted(node: ast.AST) -> str | None:
    """`a.b.c` for a chain of names and attributes, else None."""
    if type(node) is ast.Name:
        return node.id
    parts = []
    while type(node) is ast.Attribute:
        parts.append(node.attr)
        node = node.value
    if type(node) is not ast.Name:
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def callee_name(call: ast.Call) -> str | None:
    """The name a call calls: `f` for `f(...)` and `x.f(...)`, None for anything else."""
    func = call.func
    if type(func) is ast.Name:
        return func.id
    if type(func) is ast.Attribute:
        return func.attr
    return None
