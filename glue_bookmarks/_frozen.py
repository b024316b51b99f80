"""Read-only JSON values: `FrozenObject`, and `freeze()`, which makes them of parsed JSON.

A `FrozenObject` is a JSON object that cannot change and is hashable; its nested objects are
`FrozenObject`s and its arrays tuples. It nests at most `MAX_DEPTH` levels of objects and
arrays, so hashing, comparing, printing and writing one (all recursive) stay far inside the
interpreter's recursion limit, wherever they are called from. Freezing checks the depth on the
way down: a value nested deeper stops at the limit, before it costs the stack more.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from glue_bookmarks._exceptions import InvalidParameterError

__all__ = [
    "MAX_DEPTH",
    "TOO_DEEP",
    "FrozenObject",
    "TooDeepError",
    "freeze",
    "plain",
]

# How many levels of objects and arrays a source of a bookmark may nest, the source object the
# first. Glue writes three (the source, `timestamps`, strings); JDBC states a few more.
MAX_DEPTH: Final = 100
TOO_DEEP: Final = f"nests objects and arrays more than {MAX_DEPTH} levels deep"
# The types json reads a scalar as.
_SCALARS: Final = frozenset({str, int, float, bool, type(None)})


class TooDeepError(Exception):
    """A value nests deeper than it may; `key` is the outermost key it is under, if any."""

    def __init__(self, key: object = None) -> None:
        super().__init__(key)
        self.key = key


class FrozenObject(Mapping[str, Any]):
    """A read-only, hashable JSON object.

    It compares equal to any mapping with the same items, as a dict does. Nested objects are
    `FrozenObject`s and nested arrays are tuples, at most `MAX_DEPTH` levels in all.

    Raises:
        InvalidParameterError: `items` nests objects and arrays more than `MAX_DEPTH` levels.
    """

    __slots__ = ("_depth", "_items")

    def __init__(self, items: Mapping[str, Any] = {}) -> None:
        try:
            self._items, self._depth = _frozen_items(items, MAX_DEPTH)
        except TooDeepError as exc:
            raise InvalidParameterError(
                f"the value of {exc.key!r} {TOO_DEEP}", parameter="items"
            ) from None

    @classmethod
    def _made(cls, items: dict[str, Any], depth: int) -> FrozenObject:
        # For items already frozen, which __init__ would freeze again.
        frozen = object.__new__(cls)
        frozen._items, frozen._depth = items, depth
        return frozen

    @property
    def depth(self) -> int:
        """How many levels of objects and arrays it nests, itself included."""
        return self._depth

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __repr__(self) -> str:
        return repr(self._items)

    def __reduce__(self) -> tuple[type[FrozenObject], tuple[dict[str, Any]]]:
        return FrozenObject, (self._items,)

    def to_dict(self) -> dict[str, Any]:
        """A plain copy: dicts and lists all the way down, as `json.dumps` takes them."""
        return {key: plain(value) for key, value in self._items.items()}


def plain(value: Any) -> Any:
    """`value` with every `FrozenObject` (or dict) a new dict and every tuple a list, all the
    way down."""
    if isinstance(value, FrozenObject):
        return value.to_dict()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    return value


def freeze(value: Any, room: int = MAX_DEPTH) -> tuple[Any, int]:
    """`value` read-only (a mapping as a `FrozenObject`, a list as a tuple, all the way down),
    and how many levels of objects and arrays it nests (0 for a scalar).

    Args:
        value: A parsed JSON value, or a mapping or sequence of them.
        room: How many levels it may take.

    Raises:
        TooDeepError: It nests more than `room` levels; `key` names the outermost key of a
            mapping the deep value is under.
    """
    kind = type(value)
    if kind in _SCALARS:  # most values: one set lookup spares the ABC checks below
        return value, 0
    if isinstance(value, FrozenObject):
        if value._depth > room:
            raise TooDeepError
        return value, value._depth
    if kind is dict or kind is list or isinstance(value, Mapping | list | tuple):
        if room < 1:
            raise TooDeepError
        if kind is dict or isinstance(value, Mapping):
            items, depth = _frozen_items(value, room)
            return FrozenObject._made(items, depth), depth
        deepest = 0
        frozen = []
        for item in value:
            item, depth = freeze(item, room - 1)
            frozen.append(item)
            if depth > deepest:
                deepest = depth
        return tuple(frozen), deepest + 1
    return value, 0


def _frozen_items(items: Mapping[str, Any], room: int) -> tuple[dict[str, Any], int]:
    """The items of an object of at most `room` levels, frozen, and its depth."""
    # A loop rather than a comprehension: a frame less per level of nesting.
    frozen: dict[str, Any] = {}
    deepest = 0
    for key, value in items.items():
        try:
            frozen[key], depth = freeze(value, room - 1)
        except TooDeepError:
            raise TooDeepError(key) from None
        if depth > deepest:
            deepest = depth
    return frozen, deepest + 1
