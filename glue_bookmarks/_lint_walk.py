"""The one walk over a job script's syntax tree: the facts the lint rules read.

`walk(tree)` visits each node once, without recursion (a deeply nested expression cannot
exhaust the stack), and records what the rules in `_lint` need: the bookmark-capable reads,
the calls of `init()` and `commit()`, the call sites of the script's own functions and methods,
the assignments that say which names hold the `Job`, and the reads bookmarks do not track. Each
fact keeps `Where` it happened: in which function, on which branch of which `if`, inside a loop
or not. Nothing is judged here.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from typing import Any, Final

import attrs

from glue_bookmarks._lint_facts import (
    CallSite,
    Facts,
    JobCall,
    OptionKey,
    Read,
    Scope,
    SqlCall,
    UntrackedRead,
    Where,
    callee_name,
    dotted,
)

__all__ = ["walk"]

# The reads that take a transformation_ctx: `glueContext.<reader>.<method>(...)` ...
_READERS: Final = frozenset({"create_dynamic_frame", "create_data_frame"})
_READER_METHODS: Final = frozenset({"from_catalog", "from_options"})
# ... and the flat methods of GlueContext itself.
_FLAT_READS: Final = frozenset(
    {
        "create_dynamic_frame_from_catalog",
        "create_dynamic_frame_from_options",
        "create_data_frame_from_catalog",
        "create_data_frame_from_options",
        "getSource",
    }
)
_TEMP_VIEW_METHODS: Final = frozenset(
    {
        "createOrReplaceTempView",
        "createTempView",
        "createGlobalTempView",
        "createOrReplaceGlobalTempView",
        "registerTempTable",
    }
)
# Constructors whose result can run SQL or read tables (`x.sql(...)`, `x.table(...)`).
_SESSION_CLASSES: Final = frozenset({"GlueContext", "SparkSession", "SQLContext", "HiveContext"})
_SESSION_ATTRIBUTES: Final = frozenset({"spark_session", "sparkSession"})


def _receiver(node: ast.expr) -> str | None:
    """A call receiver as `JobCall.receiver` and `CallSite.receiver` spell it."""
    if type(node) is ast.Call and type(node.func) is ast.Name:
        return f"{node.func.id}()"
    return dotted(node)


def _literal_text(node: ast.expr) -> str | None:
    """The text of a string literal or an f-string (replacement fields as `\\x00`)."""
    if type(node) is ast.Constant:
        return node.value if type(node.value) is str else None
    if type(node) is ast.JoinedStr:
        parts = []
        for value in node.values:
            if type(value) is ast.Constant and type(value.value) is str:
                parts.append(value.value)
            else:
                parts.append("\x00")
        return "".join(parts)
    return None


def _first_argument(call: ast.Call, keyword: str) -> ast.expr | None:
    if call.args:
        first = call.args[0]
        return None if type(first) is ast.Starred else first
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    return None


def _is_main_guard(test: ast.expr) -> bool:
    """`__name__ == "__main__"` (either way round): its body runs when Glue runs the script."""
    if type(test) is not ast.Compare or len(test.ops) != 1 or type(test.ops[0]) is not ast.Eq:
        return False
    sides = (test.left, test.comparators[0])
    names = [side for side in sides if type(side) is ast.Name and side.id == "__name__"]
    texts = [side for side in sides if type(side) is ast.Constant and side.value == "__main__"]
    return len(names) == 1 and len(texts) == 1


def _is_session_source(value: ast.expr) -> bool:
    """`GlueContext(...)`, `SparkSession.builder...getOrCreate()`, `x.spark_session`."""
    if type(value) is ast.Attribute:
        return value.attr in _SESSION_ATTRIBUTES
    if type(value) is not ast.Call:
        return False
    name = callee_name(value)
    if name in _SESSION_CLASSES:
        return True
    node = value.func
    while name == "getOrCreate":
        if type(node) is ast.Attribute:
            if node.attr == "builder":
                return True
            node = node.value
        elif type(node) is ast.Call:
            node = node.func
        else:
            break
    return False


class _Walker:
    """One pass over the tree; `facts` holds what it found.

    A handler (`_HANDLERS`) takes a node and its `Where`; it returns True when it pushed the
    node's children itself (with a `Where` of their own), False to have them pushed as they
    are. Names, constants and the statements in `_SKIPPED` have nothing inside to visit.
    """

    def __init__(self) -> None:
        self.facts = Facts(module=Scope(name="<module>"))
        self._stack: list[tuple[ast.AST, Where]] = []
        # The assignment target of each call node assigned to one name (for reads).
        self._target_of: dict[int, str] = {}

    def run(self, tree: ast.Module) -> Facts:
        stack = self._stack
        self._push_all(tree.body, Where(scope=self.facts.module))
        pop = stack.pop
        push = stack.append
        handlers = _HANDLERS
        skipped = _SKIPPED
        fields_of = _FIELDS
        while stack:
            node, where = pop()
            kind = type(node)
            handler = handlers.get(kind)
            if handler is not None:
                if handler(self, node, where):
                    continue
            elif kind in skipped:
                continue
            fields = fields_of.get(kind)
            if fields is None:
                fields = fields_of[kind] = tuple(
                    field for field in kind._fields if field not in _SCALAR_FIELDS
                )
            # Leaves are left out here rather than pushed and popped: most nodes are leaves.
            for field in fields:
                value = getattr(node, field)
                if type(value) is list:
                    for item in reversed(value):
                        if type(item) not in skipped:
                            push((item, where))
                elif value is not None and type(value) not in skipped:
                    push((value, where))
        return self.facts

    def _push_all(self, nodes: Sequence[ast.AST], where: Where) -> None:
        self._stack.extend([(node, where) for node in reversed(nodes)])

    # -- statements --------------------------------------------------------------------------

    def _if(self, node: ast.If, where: Where) -> bool:
        if _is_main_guard(node.test):
            # Glue runs the script as __main__: the guard's body always runs, its else never.
            self._push_all(node.orelse, where.branch(node, 1, conditional=True))
            self._push_all(node.body, where)
        else:
            if node.orelse:
                self.facts.two_way.add(id(node))
            self._push_all(node.orelse, where.branch(node, 1, conditional=True))
            self._push_all(node.body, where.branch(node, 0, conditional=True))
        self._stack.append((node.test, where))
        return True

    def _loop(self, node: ast.For | ast.AsyncFor, where: Where) -> bool:
        self._push_all(node.orelse, where)
        self._push_all(node.body, where.looped())
        self._push_all([node.iter, node.target], where)
        return True

    def _while(self, node: ast.While, where: Where) -> bool:
        self._push_all(node.orelse, where)
        self._push_all([node.test, *node.body], where.looped())
        return True

    def _try(self, node: ast.Try, where: Where) -> bool:
        self._push_all(node.finalbody, where)
        # The body and its `else` run together; a handler instead of the rest of them.
        for index, handler in reversed(list(enumerate(node.handlers, start=1))):
            self._push_all(handler.body, where.branch(node, index, conditional=True))
            if handler.type is not None:
                self._stack.append((handler.type, where))
        body = where.branch(node, 0, conditional=False)
        self._push_all([*node.body, *node.orelse], body)
        return True

    def _match(self, node: ast.Match, where: Where) -> bool:
        for index, case in reversed(list(enumerate(node.cases))):
            case_where = where.branch(node, index, conditional=True)
            self._push_all(case.body, case_where)
            if case.guard is not None:
                self._stack.append((case.guard, case_where))
        self._stack.append((node.subject, where))
        return True

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, where: Where) -> bool:
        arguments = node.args
        params = tuple(arg.arg for arg in (*arguments.posonlyargs, *arguments.args))
        scope = Scope(name=node.name, class_name=where.class_name, params=params)
        if where.class_name is None:
            self.facts.functions.setdefault(node.name, []).append(scope)
        else:
            self.facts.classes.setdefault(where.class_name, {})[node.name] = scope
        self._push_all(node.body, Where(scope=scope))
        defaults = [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]
        self._push_all([*node.decorator_list, *defaults], where)
        return True

    def _class(self, node: ast.ClassDef, where: Where) -> bool:
        self.facts.classes.setdefault(node.name, {})
        self._push_all(node.body, attrs.evolve(where, class_name=node.name))
        self._push_all([*node.decorator_list, *node.bases, *node.keywords], where)
        return True

    def _import_from(self, node: ast.ImportFrom, where: Where) -> bool:
        self.facts.imported.update(alias.asname or alias.name for alias in node.names)
        return True

    def _return(self, node: ast.Return, where: Where) -> bool:
        value = node.value
        if type(value) is ast.Tuple:
            where.scope.returns.append(tuple(dotted(element) for element in value.elts))
        elif value is not None:
            where.scope.returns.append((dotted(value),))
        return False

    def _assign(self, node: ast.Assign | ast.AnnAssign, where: Where) -> bool:
        value = node.value
        if value is None:
            return False
        facts = self.facts
        call = value if type(value) is ast.Call else None
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, (ast.Tuple, ast.List)):
                if call is not None:
                    for index, element in enumerate(target.elts):
                        name = dotted(element)
                        if name is not None:
                            facts.call_results.append((name, index, call))
                continue
            name = dotted(target)
            if name is None:
                continue
            if call is not None:
                self._target_of[id(call)] = name
                facts.call_results.append((name, None, call))
                func = call.func
                if type(func) is ast.Name:
                    facts.instances[name] = func.id
                if callee_name(call) == "Job":
                    facts.job_targets.add(name)
                elif _is_session_source(call):
                    facts.session_targets.add(name)
            elif type(value) is ast.Name or type(value) is ast.Attribute:
                source = dotted(value)
                if source is not None:
                    facts.aliases.append((name, source))
                if type(value) is ast.Attribute and value.attr in _SESSION_ATTRIBUTES:
                    facts.session_targets.add(name)
        return False

    # -- expressions -------------------------------------------------------------------------

    def _attribute(self, node: ast.Attribute, where: Where) -> bool:
        value = node.value
        if type(value) is ast.Attribute and value.attr == "read":
            # `x.read.parquet(...)`, `x.read.format(...)...`: Spark's reader (a property, so
            # `f.read()` on a file, a call, is not it).
            receiver = dotted(value.value) or "spark"
            self.facts.spark_reads.append(UntrackedRead(receiver=receiver, node=value))
        self._stack.append((value, where))
        return True

    def _if_expression(self, node: ast.IfExp, where: Where) -> bool:
        self.facts.two_way.add(id(node))
        self._stack.append((node.orelse, where.branch(node, 1, conditional=True)))
        self._stack.append((node.body, where.branch(node, 0, conditional=True)))
        self._stack.append((node.test, where))
        return True

    def _comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp, where: Where
    ) -> bool:
        looped = where.looped()
        if isinstance(node, ast.DictComp):
            self._push_all([node.key, node.value], looped)
        else:
            self._stack.append((node.elt, looped))
        self._push_all(node.generators, looped)
        return True

    def _dict(self, node: ast.Dict, where: Where) -> bool:
        for key in node.keys:
            if (
                type(key) is ast.Constant
                and type(key.value) is str
                and "ookmark" in key.value.lower()
            ):
                self.facts.option_keys.append(OptionKey(key=key.value, node=key, read=where.read))
        return False

    def _call(self, node: ast.Call, where: Where) -> bool:
        facts = self.facts
        for item in node.keywords:
            arg = item.arg
            if arg is not None and "ookmark" in arg.lower():
                facts.option_keys.append(OptionKey(key=arg, node=item, read=where.read))
        func = node.func
        if type(func) is ast.Name:
            site = CallSite(kind="name", name=func.id, receiver=None, node=node, where=where)
            facts.call_sites.append(site)
            facts.site_of[id(node)] = site
            return False
        if type(func) is not ast.Attribute:
            return False
        attr = func.attr
        receiver = func.value
        call = None
        if attr in _READER_METHODS:
            if type(receiver) is ast.Attribute and receiver.attr in _READERS:
                call = f"{receiver.attr}.{attr}"
        elif attr in _FLAT_READS:
            call = attr
        elif attr == "init" or attr == "commit":
            facts.job_calls.append(
                JobCall(method=attr, receiver=_receiver(receiver), node=node, where=where)
            )
        elif attr == "sql" or attr == "table":
            argument = _first_argument(node, "sqlQuery" if attr == "sql" else "tableName")
            text = None if argument is None else _literal_text(argument)
            facts.sql_calls.append(
                SqlCall(method=attr, receiver=dotted(receiver), text=text, node=node, where=where)
            )
        elif attr in _TEMP_VIEW_METHODS:
            argument = _first_argument(node, "name")
            if type(argument) is ast.Constant and type(argument.value) is str:
                facts.temp_views.add(argument.value.lower())
            else:
                facts.temp_views_unknown = True
        elif attr == "forEachBatch":
            frame = _first_argument(node, "frame")
            if type(frame) is ast.Call:
                facts.foreach_calls.add(id(frame))
            name = None if frame is None else dotted(frame)
            if name is not None:
                facts.foreach_frames.add(name)
        if call is not None:
            read = Read(node=node, call=call, where=where, target=self._target_of.get(id(node)))
            facts.reads.append(read)
            # Its arguments (the options dict) are the read's.
            self._push_all([*node.keywords, *node.args, func], attrs.evolve(where, read=read))
            return True
        site_receiver = _receiver(receiver)
        if site_receiver is not None:
            site = CallSite(
                kind="method", name=attr, receiver=site_receiver, node=node, where=where
            )
            facts.call_sites.append(site)
            facts.site_of[id(node)] = site
        return False


# The handler of each node type: a method of `_Walker`.
_HANDLERS: Final[dict[type[ast.AST], Callable[[_Walker, Any, Where], bool]]] = {
    ast.Assign: _Walker._assign,
    ast.AnnAssign: _Walker._assign,
    ast.If: _Walker._if,
    ast.For: _Walker._loop,
    ast.AsyncFor: _Walker._loop,
    ast.While: _Walker._while,
    ast.Try: _Walker._try,
    ast.Match: _Walker._match,
    ast.FunctionDef: _Walker._function,
    ast.AsyncFunctionDef: _Walker._function,
    ast.ClassDef: _Walker._class,
    ast.Return: _Walker._return,
    ast.ImportFrom: _Walker._import_from,
    ast.Attribute: _Walker._attribute,
    ast.IfExp: _Walker._if_expression,
    ast.ListComp: _Walker._comprehension,
    ast.SetComp: _Walker._comprehension,
    ast.GeneratorExp: _Walker._comprehension,
    ast.DictComp: _Walker._comprehension,
    ast.Dict: _Walker._dict,
    ast.Call: _Walker._call,
}
if hasattr(ast, "TryStar"):  # Python 3.11+: `except*` runs like `except`.
    _HANDLERS[ast.TryStar] = _Walker._try

# Nodes with nothing inside that a rule reads.
_SKIPPED: Final = frozenset(
    {
        ast.Name,
        ast.Constant,
        ast.Load,
        ast.Store,
        ast.Del,
        ast.Import,
        ast.Global,
        ast.Nonlocal,
        ast.Pass,
        ast.Break,
        ast.Continue,
        ast.TypeIgnore,
    }
)
# Fields that never hold a node (names, flags, numbers), and `ctx`, whose node says nothing.
_SCALAR_FIELDS: Final = frozenset(
    {
        "arg",
        "asname",
        "attr",
        "conversion",
        "ctx",
        "id",
        "is_async",
        "kind",
        "kwd_attrs",
        "level",
        "module",
        "name",
        "names",
        "rest",
        "simple",
        "tag",
        "type_comment",
    }
)
# The fields of each node type that may hold nodes, found on first need.
_FIELDS: dict[type, tuple[str, ...]] = {}


def walk(tree: ast.Module) -> Facts:
    """The facts of one parsed script."""
    return _Walker().run(tree)
