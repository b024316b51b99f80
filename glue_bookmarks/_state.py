"""A bookmark's state: `BookmarkState`, the source states, and the `JobBookmark` JSON codec.

Wire keys (`jsonClass`, the upper-case `timestamps` keys) live here and nowhere else. The
parser is written by hand rather than with cattrs hooks: its values are strings with formats
of their own (digits, comma lists, ISO times), and an include list can hold many thousands of
entries, where anything beyond one `str.split` shows in the cost.

Every model is frozen all the way down: the mappings a state holds are `FrozenObject`s, whose
nested JSON objects are `FrozenObject`s too and whose arrays are tuples, so a state is hashable
and nothing reached through it can be changed past its validators. A source nests at most
`MAX_DEPTH` levels of objects and arrays (see `_frozen`): deeper is a `BookmarkParseError`
when read, an `InvalidParameterError` when built.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, Final, TypeAlias

import attrs

from glue_bookmarks._exceptions import BookmarkParseError, InvalidParameterError
from glue_bookmarks._frozen import (
    MAX_DEPTH,
    TOO_DEEP,
    FrozenObject,
    TooDeepError,
    freeze,
    plain,
)

__all__ = [
    "HADOOP_JSON_CLASS",
    "BookmarkState",
    "HadoopSourceState",
    "SourceState",
    "UnknownSourceState",
    "format_iso_time",
    "state_from_json",
]

HADOOP_JSON_CLASS: Final = "HadoopDataSourceJobBookmarkState"
_UTC: Final = timezone.utc
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=_UTC)
_MILLISECOND: Final = timedelta(milliseconds=1)


def format_iso_time(value: datetime) -> str:
    """`value` in UTC as Glue writes times: `2024-10-28T01:32:45.613Z`."""
    timespec = "milliseconds" if value.microsecond % 1000 == 0 else "microseconds"
    return value.astimezone(_UTC).replace(tzinfo=None).isoformat(timespec=timespec) + "Z"


# -- validators ----------------------------------------------------------------------------------


def _type_name(value: object) -> str:
    return type(value).__name__


def _check(
    requirement: str, holds: Callable[[Any], bool], shown: Callable[[Any], str] = repr
) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """An attrs validator: `Class.field must <requirement>, got <shown(value)>` unless it holds.

    Every check but the type check passes None, which the type check has already allowed.
    """

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not holds(value):
            raise InvalidParameterError(
                f"{type(instance).__name__}.{attribute.name} must {requirement}, "
                f"got {shown(value)}",
                parameter=attribute.name,
            )

    return validate


def _optional(cls: type) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    # bool is an int subclass, but True is not a run number.
    return _check(
        f"be {cls.__name__} or None",
        lambda value: value is None or (isinstance(value, cls) and type(value) is not bool),
        _type_name,
    )


_NOT_NEGATIVE: Final = _check(
    "not be negative",
    lambda value: value is None or value >= (timedelta(0) if type(value) is timedelta else 0),
)
_AWARE: Final = _check(
    "be a timezone-aware datetime (such as datetime(..., tzinfo=timezone.utc))",
    lambda value: value is None or value.utcoffset() is not None,
    lambda value: f"a naive {value!r}",
)


def _in_utc(value: datetime) -> datetime | None:
    """`value` in UTC; None when that is outside datetime's years 1 to 9999."""
    if value.tzinfo is _UTC:  # as the parser makes it
        return value
    try:
        return value.astimezone(_UTC)
    except OverflowError:
        return None


def _writable(value: int) -> bool:
    # Up to 2,000 bits (603 digits) is within the lowest limit Python allows (640 digits).
    if value.bit_length() <= 2000:
        return True
    try:
        str(value)
    except ValueError:
        return False
    return True


# An int with more digits than `sys.set_int_max_str_digits()` allows cannot be written: not
# as JSON, and not by repr().
_WRITABLE: Final = _check(
    "have no more digits than Python writes (see sys.set_int_max_str_digits())",
    lambda value: value is None or _writable(value),
    lambda value: f"an int of {value.bit_length()} bits",
)
# The wire form is UTC: a time an offset away from the ends of datetime's range has none.
_UTC_IN_RANGE: Final = _check(
    "be within datetime's range (years 1 to 9999) in UTC",
    lambda value: value is None or _in_utc(value) is not None,
)
# The wire form counts milliseconds since the epoch, and "0" means "none".
_AFTER_EPOCH: Final = _check(
    "be after 1970-01-01T00:00:00Z", lambda value: value is None or value > _EPOCH
)
# The wire form counts milliseconds; anything finer could not survive a round trip.
_WHOLE_MILLISECONDS: Final = _check(
    "be a whole number of milliseconds",
    lambda value: (
        value is None
        or (
            value % _MILLISECOND == timedelta(0)
            if type(value) is timedelta
            else value.microsecond % 1000 == 0
        )
    ),
)
_TUPLE: Final = _check(
    "be a tuple or list of str", lambda value: isinstance(value, tuple), _type_name
)


def _mapping(room: int) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """An attrs validator: the value is a `FrozenObject` of at most `room` levels, as
    `_as_frozen` makes of any mapping that nests no deeper."""

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, FrozenObject) and value.depth <= room:
            return
        where = f"{type(instance).__name__}.{attribute.name}"
        if not isinstance(value, Mapping):
            problem = f"{where} must be a mapping, got {_type_name(value)}"
        else:
            key = None  # a FrozenObject made deeper elsewhere: too deep as a whole
            try:
                freeze(value, room)
            except TooDeepError as exc:
                key = exc.key
            problem = f"{where}{'' if key is None else f'[{key!r}]'} {TOO_DEEP}"
        raise InvalidParameterError(problem, parameter=attribute.name)

    return validate


def _as_tuple(value: Sequence[str]) -> tuple[str, ...]:
    # A str is a Sequence[str] too, but taken as one it would split into characters; anything
    # but a list or tuple is left for the validator to name.
    return tuple(value) if isinstance(value, tuple | list) else value  # type: ignore[return-value]


def _as_frozen(value: Mapping[str, Any], room: int) -> FrozenObject:
    """A frozen copy of a mapping of at most `room` levels, so the caller's later changes do
    not leak in. A non-mapping, or one nested deeper, is left for `_mapping` to name."""
    given: Any = value
    if type(given) is FrozenObject and given.depth <= room:
        return given  # as the parser makes it: frozen already
    if isinstance(given, Mapping):
        with contextlib.suppress(TooDeepError):
            given = freeze(given, room)[0]
    frozen: FrozenObject = given
    return frozen


# attrs converters, one per level a mapping starts at in its source (the source's own keys
# are at its first, `timestamps`' at its second).
def _as_frozen_source(value: Mapping[str, Any]) -> FrozenObject:
    return _as_frozen(value, MAX_DEPTH)


def _as_frozen_timestamps(value: Mapping[str, Any]) -> FrozenObject:
    return _as_frozen(value, MAX_DEPTH - 1)


def _check_other_keys(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    # A key with a typed field of its own would be written twice, and read back differently.
    known = _TIMESTAMP_KEYS if attribute.name == "other_timestamps" else _SOURCE_KEYS
    bad = sorted(repr(key) for key in value if not isinstance(key, str) or key in known)
    if bad:
        raise InvalidParameterError(
            f"{type(instance).__name__}.{attribute.name} may not hold {', '.join(bad)}: "
            "keys must be str, and not ones with a field of their own",
            parameter=attribute.name,
        )


# -- the models ----------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class HadoopSourceState:
    """The state of one S3 or Data Catalog (over S3) source: `HadoopDataSourceJobBookmarkState`.

    Every field reads its key in the source's `timestamps` object, where Glue writes all
    values as JSON strings. A key that is absent (older bookmarks lack some) reads as None or
    an empty tuple. Keys this class does not know are kept, unchanged, in `other_timestamps`
    and `other_fields`, so a state written back holds them too. Hashable; read-only all the
    way down.

    Build one to seed a bookmark (see `BookmarkState.to_json()`); values are checked when the
    object is made, the strings in the tuples when it is written out.

    Attributes:
        run: `RUN`, the run number that wrote this state.
        high_band: `HIGH_BAND`, how far back from the run's start Glue still looks for new
            files (the `maxBand` option; 15 minutes by default). Written in milliseconds.
        latest_partition: `CURR_LATEST_PARTITION`, the latest partition's time (UTC), or None
            when Glue wrote `"0"` (none).
        latest_partitions: `CURR_LATEST_PARTITIONS`, the comma-separated list, split.
        run_start_time: `CURR_RUN_START_TIME`, when the run started (timezone-aware, UTC).
        include_list: `INCLUDE_LIST`, the hashes of the files the run processed, split on
            commas; it can hold many thousands.
        other_timestamps: Keys of `timestamps` not listed above, with their raw values.
        other_fields: Keys of the source object beside `jsonClass` and `timestamps`.
    """

    run: int | None = attrs.field(
        default=None, validator=[_optional(int), _WRITABLE, _NOT_NEGATIVE]
    )
    high_band: timedelta | None = attrs.field(
        default=None, validator=[_optional(timedelta), _NOT_NEGATIVE, _WHOLE_MILLISECONDS]
    )
    latest_partition: datetime | None = attrs.field(
        default=None,
        validator=[
            _optional(datetime),
            _AWARE,
            _AFTER_EPOCH,
            _UTC_IN_RANGE,
            _WHOLE_MILLISECONDS,
        ],
    )
    latest_partitions: tuple[str, ...] = attrs.field(
        default=(), converter=_as_tuple, validator=_TUPLE
    )
    run_start_time: datetime | None = attrs.field(
        default=None, validator=[_optional(datetime), _AWARE, _UTC_IN_RANGE]
    )
    include_list: tuple[str, ...] = attrs.field(default=(), converter=_as_tuple, validator=_TUPLE)
    other_timestamps: Mapping[str, Any] = attrs.field(
        factory=FrozenObject,
        converter=_as_frozen_timestamps,
        validator=[_mapping(MAX_DEPTH - 1), _check_other_keys],
    )
    other_fields: Mapping[str, Any] = attrs.field(
        factory=FrozenObject,
        converter=_as_frozen_source,
        validator=[_mapping(MAX_DEPTH), _check_other_keys],
    )

    @property
    def json_class(self) -> str:
        """The source's `jsonClass`: always `"HadoopDataSourceJobBookmarkState"`."""
        return HADOOP_JSON_CLASS

    def to_dict(self) -> dict[str, Any]:
        """The source object as Glue writes it, plain dicts and lists that `json.dumps` takes.

        Raises:
            InvalidParameterError: An entry of `latest_partitions` or `include_list` cannot
                be written (see `BookmarkState.to_json()`).
        """
        wire: dict[str, Any] = plain(_hadoop_wire(self, ""))
        return wire


@attrs.frozen(kw_only=True)
class UnknownSourceState:
    """The state of a source whose `jsonClass` this library does not model.

    JDBC sources, for example, keep their own state keyed on `jobBookmarkKeys`, in a form AWS
    does not document. The raw object is kept as it was (read-only: nested objects are
    `FrozenObject`s and arrays tuples), and written back unchanged. Hashable.

    Attributes:
        json_class: The source's `jsonClass`.
        data: The whole source object as parsed from JSON. It always holds `jsonClass`: one
            built without it gets it added.
    """

    json_class: str = attrs.field(validator=_check("be str", lambda v: type(v) is str, _type_name))
    data: Mapping[str, Any] = attrs.field(
        factory=FrozenObject, converter=_as_frozen_source, validator=_mapping(MAX_DEPTH)
    )

    @json_class.validator
    def _check_json_class(self, attribute: attrs.Attribute[str], value: str) -> None:
        if value == HADOOP_JSON_CLASS:
            raise InvalidParameterError(
                f"use HadoopSourceState for jsonClass {HADOOP_JSON_CLASS!r}",
                parameter="json_class",
            )

    @data.validator
    def _check_data(self, attribute: attrs.Attribute[Mapping[str, Any]], value: Any) -> None:
        found = value.get("jsonClass", self.json_class)
        if found != self.json_class:
            raise InvalidParameterError(
                f"data['jsonClass'] is {found!r} but json_class is {self.json_class!r}",
                parameter="data",
            )

    def to_dict(self) -> dict[str, Any]:
        """`data` as plain dicts and lists, which `json.dumps` takes (`data` itself is
        read-only: `json.dumps` refuses it)."""
        data: dict[str, Any] = plain(self.data)
        return data

    def __attrs_post_init__(self) -> None:
        # `data` is the whole source object, as parsed from JSON: it always holds `jsonClass`.
        if "jsonClass" not in self.data:
            data = FrozenObject({"jsonClass": self.json_class, **self.data})
            object.__setattr__(self, "data", data)


SourceState: TypeAlias = HadoopSourceState | UnknownSourceState
"""The state of one source: `HadoopSourceState` or `UnknownSourceState`."""


def _to_sources(value: Mapping[str, SourceState] | None) -> dict[str, SourceState]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidParameterError(
            f"sources must be a mapping of transformation_ctx to source state, "
            f"got {type(value).__name__}",
            parameter="sources",
        )
    for key, source in value.items():
        if not isinstance(key, str) or not key:
            raise InvalidParameterError(
                f"a transformation_ctx must be a non-empty str, got {key!r}", parameter="sources"
            )
        if not isinstance(source, HadoopSourceState | UnknownSourceState):
            raise InvalidParameterError(
                f"sources[{key!r}] must be a HadoopSourceState or UnknownSourceState, "
                f"got {type(source).__name__}",
                parameter="sources",
            )
    return dict(value)


@attrs.frozen(eq=False, init=False)
class BookmarkState(Mapping[str, SourceState]):
    """A job bookmark's state: a read-only mapping from transformation_ctx to source state.

    A transformation_ctx names a source in the job's script: a Glue Studio node id such as
    `"AWSGlueDataCatalog_node1730078287682"`, or a name the script sets, such as
    `"datasource0"`. It compares equal to any mapping with the same items, and is hashable.

    Example:
        ```python
        state = entry.state
        for ctx, source in state.items():
            if isinstance(source, HadoopSourceState):
                print(ctx, source.run_start_time, len(source.include_list))
        ```
    """

    _sources: dict[str, SourceState] = attrs.field(converter=_to_sources, alias="sources")

    def __init__(self, sources: Mapping[str, SourceState] | None = None) -> None:
        """Build a state, as to seed a bookmark.

        Args:
            sources: The sources by transformation_ctx; empty by default.

        Raises:
            InvalidParameterError: A key is not a non-empty str, or a value is not a source
                state.
        """
        self.__attrs_init__(sources=sources)

    def __getitem__(self, transformation_ctx: str) -> SourceState:
        return self._sources[transformation_ctx]

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)

    def __hash__(self) -> int:
        return hash(frozenset(self._sources.items()))

    def __repr__(self) -> str:
        return f"BookmarkState({self._sources!r})"

    @classmethod
    def from_json(cls, job_bookmark: str | None) -> BookmarkState:
        """Parse a `JobBookmark` string, as `JobBookmarkEntry.state` does.

        Args:
            job_bookmark: The raw string; None or `""` give an empty state.

        Returns:
            The parsed state.

        Raises:
            InvalidParameterError: `job_bookmark` is not a str or None.
            BookmarkParseError: The string is not a JSON object, or a source in it has a
                value of the wrong shape or past what a state holds (nested more than
                100 levels deep, a time out of range in UTC, a number beyond a float);
                the error names the transformation_ctx and key.
        """
        if job_bookmark is not None and not isinstance(job_bookmark, str):
            raise InvalidParameterError(
                f"job_bookmark must be a str or None, got {type(job_bookmark).__name__}",
                parameter="job_bookmark",
            )
        return state_from_json(job_bookmark)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """The state as Glue writes it, each source by its transformation_ctx: plain dicts and
        lists, which `json.dumps` takes; `json.dumps` of it reads back with `from_json()`.

        Raises:
            InvalidParameterError: As `to_json()`.
        """
        return {
            ctx: plain(_hadoop_wire(source, ctx))
            if isinstance(source, HadoopSourceState)
            else plain(source.data)
            for ctx, source in self._sources.items()
        }

    def to_json(self) -> str:
        """Write the state as a `JobBookmark` string, in Glue's compact form.

        `BookmarkState.from_json(state.to_json()) == state` always holds.

        Returns:
            The JSON string; `"{}"` for an empty state.

        Raises:
            InvalidParameterError: An entry of `latest_partitions` or `include_list` is not
                a str, is empty, or holds a comma (the wire form separates entries with
                commas), or a value in `other_timestamps`, `other_fields` or an unknown
                source's `data` cannot be written as JSON.
        """
        wire = self.to_dict()
        try:
            # NaN and the infinities are not JSON, and NaN would not even read back equal.
            return json.dumps(wire, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise InvalidParameterError(
                f"the state holds a value JSON cannot represent: {exc}", parameter="state"
            ) from exc


# -- the JobBookmark string ----------------------------------------------------------------------

_JSON_TYPE_NAMES: Final = {
    dict: "an object",
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


def _json_type(value: object) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def _not_json(constant: str) -> Any:
    # Python's json reads NaN, Infinity and -Infinity, which JSON (and Glue) does not have.
    raise ValueError(f"{constant} is not a JSON value")


class _OutOfRangeError(ValueError):
    """A JSON number beyond a float's range."""


def _finite(text: str) -> float:
    # Python's json reads 1e400 as infinity, which to_json() could not write back.
    number = float(text)
    if math.isinf(number):
        raise _OutOfRangeError(f"the number {text} is out of a float's range")
    return number


def _digits(text: str) -> int:
    # str.isdigit alone accepts other scripts' digits, which int() reads but Glue never writes.
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"expected a string of digits, got {text!r}")
    return int(text)


def _milliseconds(text: str) -> timedelta:
    try:
        return _digits(text) * _MILLISECOND
    except OverflowError:
        raise ValueError(f"{text} milliseconds is out of range") from None


def _epoch_milliseconds(text: str) -> datetime | None:
    milliseconds = _digits(text)
    if milliseconds == 0:
        return None
    try:
        return _EPOCH + milliseconds * _MILLISECOND
    except OverflowError:
        raise ValueError(f"{text} milliseconds after 1970 is out of range") from None


def _comma_list(text: str) -> tuple[str, ...]:
    entries = tuple(text.split(",")) if text else ()
    if "" in entries:
        # Glue writes no empty entry, and one could not be written back as it was read.
        raise ValueError(f"{text!r} holds an empty entry")
    return entries


def _iso_time(text: str) -> datetime | None:
    if not text:
        return None
    # Python 3.10's fromisoformat does not read the "Z" suffix Glue writes.
    parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    if parsed.utcoffset() is None:
        raise ValueError(f"expected an ISO 8601 time with a zone, got {text!r}")
    in_utc = _in_utc(parsed)
    if in_utc is None:
        raise ValueError(f"{text!r} is out of range in UTC (years 1 to 9999)")
    return in_utc


# (wire key in "timestamps", HadoopSourceState field, parser of the string value), in the order
# Glue writes them.
_HADOOP_TIMESTAMPS: Final[tuple[tuple[str, str, Callable[[str], Any]], ...]] = (
    ("RUN", "run", _digits),
    ("HIGH_BAND", "high_band", _milliseconds),
    ("CURR_LATEST_PARTITION", "latest_partition", _epoch_milliseconds),
    ("CURR_LATEST_PARTITIONS", "latest_partitions", _comma_list),
    ("CURR_RUN_START_TIME", "run_start_time", _iso_time),
    ("INCLUDE_LIST", "include_list", _comma_list),
)
_TIMESTAMP_KEYS: Final = frozenset(key for key, _, _ in _HADOOP_TIMESTAMPS)
_SOURCE_KEYS: Final = frozenset({"jsonClass", "timestamps"})


def _parse_error(
    problem: str,
    job_name: str | None,
    *,
    transformation_ctx: str | None = None,
    key: str | None = None,
) -> BookmarkParseError:
    place = "the JobBookmark" + (f" of job {job_name!r}" if job_name else "")
    if transformation_ctx is not None:
        place += f", source {transformation_ctx!r}"
    if key is not None:
        place += f", key {key}"
    return BookmarkParseError(
        f"{place}: {problem}",
        job_name=job_name,
        transformation_ctx=transformation_ctx,
        key=key,
    )


def _hadoop_state(source: dict[str, Any], ctx: str, job_name: str | None) -> HadoopSourceState:
    timestamps = source.get("timestamps", {})
    if type(timestamps) is not dict:
        raise _parse_error(
            f"expected an object, got {_json_type(timestamps)}",
            job_name,
            transformation_ctx=ctx,
            key="timestamps",
        )
    fields: dict[str, Any] = {}
    for wire_key, field, parse in _HADOOP_TIMESTAMPS:
        if wire_key not in timestamps:
            continue
        value = timestamps[wire_key]
        key = f"timestamps.{wire_key}"
        if type(value) is not str:
            raise _parse_error(
                f"expected a string, got {_json_type(value)}",
                job_name,
                transformation_ctx=ctx,
                key=key,
            )
        try:
            fields[field] = parse(value)
        except ValueError as exc:
            raise _parse_error(str(exc), job_name, transformation_ctx=ctx, key=key) from exc
    other_timestamps = {
        key: value for key, value in timestamps.items() if key not in _TIMESTAMP_KEYS
    }
    other_fields = {key: value for key, value in source.items() if key not in _SOURCE_KEYS}
    return HadoopSourceState(
        **fields,
        # `timestamps` is the source's second level.
        other_timestamps=_frozen_part(
            other_timestamps, MAX_DEPTH - 1, ctx, job_name, "timestamps."
        ),
        other_fields=_frozen_part(other_fields, MAX_DEPTH, ctx, job_name),
    )


def _frozen_part(
    items: dict[str, Any], room: int, ctx: str, job_name: str | None, prefix: str = ""
) -> FrozenObject:
    """`items`, an object of the source `ctx` at `room` levels from its limit, frozen; a
    `BookmarkParseError` naming the key under which it nests too deep."""
    try:
        frozen: FrozenObject = freeze(items, room)[0]
    except TooDeepError as exc:
        raise _parse_error(
            TOO_DEEP, job_name, transformation_ctx=ctx, key=f"{prefix}{exc.key}"
        ) from None
    return frozen


def _source_state(source: object, ctx: str, job_name: str | None) -> SourceState:
    if type(source) is not dict:
        raise _parse_error(
            f"a source state must be an object, got {_json_type(source)}",
            job_name,
            transformation_ctx=ctx,
        )
    json_class = source.get("jsonClass")
    if type(json_class) is not str:
        raise _parse_error(
            f"expected a string, got {_json_type(json_class)}"
            if "jsonClass" in source
            else "is missing",
            job_name,
            transformation_ctx=ctx,
            key="jsonClass",
        )
    if json_class == HADOOP_JSON_CLASS:
        return _hadoop_state(source, ctx, job_name)
    return UnknownSourceState(
        json_class=json_class, data=_frozen_part(source, MAX_DEPTH, ctx, job_name)
    )


def state_from_json(job_bookmark: object, *, job_name: str | None = None) -> BookmarkState:
    """Parse a JobBookmark string; anything malformed is a `BookmarkParseError`.

    Args:
        job_bookmark: The raw string; None or `""` give an empty state.
        job_name: The job it belongs to, for the error message.
    """
    if job_bookmark is None or job_bookmark == "":
        return BookmarkState()
    if type(job_bookmark) is not str:
        raise _parse_error(f"expected a string, got {type(job_bookmark).__name__}", job_name)
    try:
        data = json.loads(job_bookmark, parse_constant=_not_json, parse_float=_finite)
    except _OutOfRangeError as exc:
        raise _parse_error(str(exc), job_name) from exc
    except (ValueError, RecursionError) as exc:
        # RecursionError: nesting deeper than the interpreter's stack.
        raise _parse_error(f"not JSON: {exc}", job_name) from exc
    if type(data) is not dict:
        raise _parse_error(f"expected a JSON object, got {_json_type(data)}", job_name)
    sources: dict[str, SourceState] = {}
    for ctx, source in data.items():
        if not ctx:
            raise _parse_error(
                "a source has an empty transformation_ctx", job_name, transformation_ctx=ctx
            )
        sources[ctx] = _source_state(source, ctx, job_name)
    return BookmarkState(sources)


def _joined(items: tuple[str, ...], ctx: str, field: str) -> str:
    # Entries are written comma-separated, so one holding a comma, or an empty one, would not
    # read back as written.
    for index, item in enumerate(items):
        if type(item) is not str or not item or "," in item:
            raise InvalidParameterError(
                f"HadoopSourceState.{field}[{index}] of source {ctx!r} must be a non-empty str "
                f"without commas, got {item!r}",
                parameter=field,
            )
    return ",".join(items)


def _hadoop_wire(source: HadoopSourceState, ctx: str) -> dict[str, Any]:
    timestamps: dict[str, Any] = {}
    if source.run is not None:
        timestamps["RUN"] = str(source.run)
    if source.high_band is not None:
        timestamps["HIGH_BAND"] = str(source.high_band // _MILLISECOND)
    partition = source.latest_partition
    # "0" is how Glue writes "no partition yet".
    timestamps["CURR_LATEST_PARTITION"] = (
        "0" if partition is None else str((partition - _EPOCH) // _MILLISECOND)
    )
    timestamps["CURR_LATEST_PARTITIONS"] = _joined(
        source.latest_partitions, ctx, "latest_partitions"
    )
    if source.run_start_time is not None:
        timestamps["CURR_RUN_START_TIME"] = format_iso_time(source.run_start_time)
    timestamps["INCLUDE_LIST"] = _joined(source.include_list, ctx, "include_list")
    timestamps.update(source.other_timestamps)
    return {"jsonClass": HADOOP_JSON_CLASS, "timestamps": timestamps, **source.other_fields}
