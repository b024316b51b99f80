"""How a job script's own functions call one another, for the lint's rules.

`CallGraph` resolves the call sites the walk recorded (`_lint_facts.CallSite`) to the script's
functions and methods, and answers what the rules in `_lint` ask of them: when the module first
reaches a place (`when`), whether every run of a function commits (`always_commits`), which
functions run more than once (`run_more_than_once`), and which names hold the `Job`
(`job_keys`). Calls are resolved by name: `f()` to the functions named f, `self.m()` to the
methods m of the caller's class, `x.m()` and `C().m()` to the method m of the class C that x
was made from; nothing is imported or run.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence

from glue_bookmarks._lint_facts import Branches, CallSite, Facts, Scope, dotted, exclusive

__all__ = ["CallGraph", "Position", "done_at", "position"]

Position = tuple[int, int]


def position(node: ast.expr) -> Position:
    """Where a node starts: its line and column, for ordering in the report."""
    return (node.lineno, node.col_offset)


def done_at(node: ast.expr) -> Position:
    """Where a call ends: when it has run, after its receiver and arguments, for ordering in
    time (`Etl().run()`: `Etl()`, and so `__init__`, ends first)."""
    return (node.end_lineno or node.lineno, node.end_col_offset or node.col_offset)


class CallGraph:
    """The call sites of one script that call its own functions, and what follows from them."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        methods = {name for members in facts.classes.values() for name in members}
        self._callees: dict[int, list[Scope]] = {}
        self._sites_of: dict[Scope, list[tuple[CallSite, list[Scope]]]] = {}
        for site in facts.call_sites:
            # Most calls are of builtins and libraries: a name the script defines or nothing.
            if site.kind == "name":
                if site.name not in facts.functions and site.name not in facts.classes:
                    continue
            elif site.name not in methods:
                continue
            callees = self._resolve(site)
            if callees:
                self._callees[id(site)] = callees
                self._sites_of.setdefault(site.where.scope, []).append((site, callees))
        self._chains = self._earliest_calls()

    def _resolve(self, site: CallSite) -> list[Scope]:
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
            return [members[site.name] for members in classes.values() if site.name in members]
        class_name = (
            receiver[:-2] if receiver.endswith("()") else self.facts.instances.get(receiver)
        )
        method = classes.get(class_name or "", {}).get(site.name)
        return [] if method is None else [method]

    def calls_from(self, scope: Scope) -> Sequence[tuple[CallSite, list[Scope]]]:
        """The call sites in `scope` that call the script's own functions, with their callees."""
        return self._sites_of.get(scope, ())

    def reached(self, scope: Scope) -> bool:
        """Whether the module calls `scope` (or is it)."""
        return scope in self._chains

    def _earliest_calls(self) -> dict[Scope, tuple[Position, ...]]:
        """For each function the module runs: the call sites of its earliest run, from the
        module's statement down. Paths that call a function again from within itself are not
        followed."""
        module = self.facts.module
        chains: dict[Scope, tuple[Position, ...]] = {module: ()}
        paths: dict[Scope, frozenset[Scope]] = {module: frozenset()}
        queue = [module]
        while queue:
            caller = queue.pop()
            path = paths[caller] | {caller}
            for site, callees in self.calls_from(caller):
                candidate = (*chains[caller], done_at(site.node))
                for callee in callees:
                    if callee not in path and (callee not in chains or candidate < chains[callee]):
                        chains[callee] = candidate
                        paths[callee] = path
                        queue.append(callee)
        return chains

    def when(self, node: ast.expr, scope: Scope) -> tuple[Position, ...] | None:
        """When the module first reaches `node` (in `scope`), as positions to compare: the call
        sites down to its function, then its own; None when the module never calls it."""
        chain = self._chains.get(scope)
        return None if chain is None else (*chain, done_at(node))

    def always_commits(
        self,
        scope: Scope,
        commits: Callable[[Scope], list[Branches]],
        known: dict[Scope, bool],
        calling: frozenset[Scope] = frozenset(),
    ) -> bool:
        """Whether every run of `scope` that ends normally commits: it calls `commit()` (the
        conditional branches of each call in the scope are `commits(scope)`), or a function that
        always commits, outside any branch, or on both branches of an `if`/`else`. Loops and
        `try` bodies count as run. `known` keeps the answers."""
        if scope in known:
            return known[scope]
        calling = calling | {scope}
        paths = commits(scope)
        for site, callees in self.calls_from(scope):
            if any(
                callee not in calling and self.always_commits(callee, commits, known, calling)
                for callee in callees
            ):
                paths.append(site.where.conditions)
        known[scope] = result = _covered(paths, 0, self.facts.two_way)
        return result

    def run_more_than_once(self) -> dict[Scope, str]:
        """The functions that may run more than once in a run, each with the reason: a call
        inside a loop, calls in two places that are not exclusive branches, or a caller that
        runs more than once."""
        sites_of: dict[Scope, list[CallSite]] = {}
        for pairs in self._sites_of.values():
            for site, callees in pairs:
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
                many[callee] = f"is called in {len(sites)} places"
        queue = list(many)
        while queue:
            caller = queue.pop()
            for _site, callees in self.calls_from(caller):
                for callee in callees:
                    if callee not in many:
                        many[callee] = f"is called from {caller.name}(), which runs more than once"
                        queue.append(callee)
        return many

    def job_keys(self) -> set[str]:
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
            for callee in () if site is None else self._callees.get(id(site), ()):
                for returned in callee.returns:
                    if index is None and len(returned) == 1:
                        edge(returned[0], target)
                    elif index is not None and index < len(returned) and len(returned) > 1:
                        edge(returned[index], target)
        for pairs in self._sites_of.values():
            for site, callees in pairs:
                for callee in callees:
                    params = callee.params[1 if callee.class_name is not None else 0 :]
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
