"""A griffe extension for the API reference: the constructor signatures of attrs classes.

griffe reads code without running it, so it sees no `__init__` on a class that attrs writes
one for; this builds that signature from the annotated fields, as griffe's own dataclasses
extension does for dataclasses.
"""

from __future__ import annotations

from typing import Any

import griffe

_ATTRS_DECORATORS = frozenset({"attrs.frozen", "attrs.define", "attrs.mutable"})


def _arguments(expr: object) -> dict[str, Any]:
    if not isinstance(expr, griffe.ExprCall):
        return {}
    return {
        argument.name: argument.value
        for argument in expr.arguments
        if isinstance(argument, griffe.ExprKeyword)
    }


class AttrsSignatures(griffe.Extension):
    """Give each attrs class without an `__init__` of its own the one attrs generates."""

    def on_class_members(self, *, cls: griffe.Class, **kwargs: Any) -> None:
        decorator = next(
            (
                decorator.value
                for decorator in cls.decorators
                if isinstance(decorator.value, griffe.Expr)
                and decorator.value.canonical_path in _ATTRS_DECORATORS
            ),
            None,
        )
        if decorator is None or "__init__" in cls.members:
            return
        kind = (
            griffe.ParameterKind.keyword_only
            if str(_arguments(decorator).get("kw_only")) == "True"
            else griffe.ParameterKind.positional_or_keyword
        )
        parameters = [griffe.Parameter("self", kind=griffe.ParameterKind.positional_or_keyword)]
        for member in cls.members.values():
            if (
                not isinstance(member, griffe.Attribute)
                or member.annotation is None
                or "property" in member.labels
            ):
                continue
            value = member.value
            if isinstance(value, griffe.ExprCall) and value.canonical_path == "attrs.field":
                field = _arguments(value)
                if "factory" in field:
                    default: Any = griffe.ExprCall(function=field["factory"], arguments=[])
                else:
                    default = field.get("default")
                name = str(field.get("alias", member.name.lstrip("_"))).strip("'\"")
            else:
                default, name = value, member.name
            parameters.append(
                griffe.Parameter(name, annotation=member.annotation, kind=kind, default=default)
            )
        cls.set_member(
            "__init__",
            griffe.Function(
                "__init__",
                lineno=0,
                endlineno=0,
                parent=cls,
                parameters=griffe.Parameters(*parameters),
                returns="None",
            ),
        )
