"""The private converters: wire dicts and JobBookmark strings to models and back.

Wire names (PascalCase entry keys, the bookmark's upper-case timestamp keys) live here and
nowhere else. The entry converter is cattrs, strict: an integer field takes only a JSON integer
and a string field only a JSON string, because botocore's JSON parser passes values through
unchecked and a silently coerced value would hide a malformed answer.

The JobBookmark parser is written by hand rather than with cattrs hooks: its values are
strings with formats of their own (digits, comma lists, ISO times), and an include list can hold
many thousands of entries, where anything beyond one `str.split` shows in the cost.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, Final

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from glue_bookmarks._exceptions import (
    BookmarkParseError,
    InvalidParameterError,
    ResponseValidationError,
)
from glue_bookmarks._models import (
    HADOOP_JSON_CLASS,
    BookmarkState,
    HadoopSourceState,
    JobBookmarkEntry,
    SourceState,
    UnknownSourceState,
)

__all__ = [
    "HADOOP_SOURCE_KEYS",
    "HADOOP_TIMESTAMP_KEYS",
    "entry_from_dict",
    "entry_from_response",
    "entry_to_dict",
    "state_from_json",
    "state_to_json",
]

_ENTRY_WIRE_NAMES: Final = {
    "job_name": "JobName",
    "version": "Version",
    "run": "Run",
    "attempt": "Attempt",
    "previous_run_id": "PreviousRunId",
    "run_id": "RunId",
    "job_bookmark": "JobBookmark",
}
_OPTIONAL_ENTRY_FIELDS: Final = frozenset({"previous_run_id", "run_id", "job_bookmark"})


def _strict_int(value: object, _: type) -> int:
    # bool is an int subclass; JSON true is not a version number.
    if type(value) is not int:
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    return value


def _strict_str(value: object, _: type) -> str:
    if type(value) is not str:
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _strict_optional_str(value: object, _: type) -> str | None:
    # A hook of its own for the optional members saves cattrs' union dispatch on each call.
    if value is not None and type(value) is not str:
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


_converter = cattrs.Converter(detailed_validation=True)
_converter.register_structure_hook(int, _strict_int)
_converter.register_structure_hook(str, _strict_str)
_converter.register_structure_hook(str | None, _strict_optional_str)

# Typed Any: the generators take the overrides as **kwargs beside options of other types.
_STRUCTURE_OVERRIDES: Final[dict[str, Any]] = {
    name: override(rename=wire) for name, wire in _ENTRY_WIRE_NAMES.items()
}
_UNSTRUCTURE_OVERRIDES: Final[dict[str, Any]] = {
    name: override(rename=wire, omit_if_default=name in _OPTIONAL_ENTRY_FIELDS)
    for name, wire in _ENTRY_WIRE_NAMES.items()
}
_structure_entry: Final = make_dict_structure_fn(
    JobBookmarkEntry, _converter, **_STRUCTURE_OVERRIDES
)
_unstructure_entry: Final = make_dict_unstructure_fn(
    JobBookmarkEntry, _converter, **_UNSTRUCTURE_OVERRIDES
)


class _ShapeError(Exception):
    """A wire value that does not fit the model; `field` is the first offending wire path."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _structure(wire: object, path: str) -> JobBookmarkEntry:
    # botocore's parser gives a dict; the ABC check is for other mappings, and costs more.
    if type(wire) is not dict and not isinstance(wire, Mapping):
        raise _ShapeError(path, f"{path} expected an object, got {type(wire).__name__}")
    try:
        return _structure_entry(wire, JobBookmarkEntry)
    except cattrs.ClassValidationError as exc:
        # Every error of a generated attrs hook carries a note naming its attribute.
        fields = [
            (
                f"{path}.{_ENTRY_WIRE_NAMES[note.name]}",
                "is missing" if isinstance(error, KeyError) else str(error),
            )
            for error, note in exc.group_exceptions()[0]
        ]
        message = "; ".join(f"{field} {problem}" for field, problem in fields)
        raise _ShapeError(fields[0][0], message) from exc


def entry_from_dict(data: Mapping[str, object]) -> JobBookmarkEntry:
    """Structure a user-given wire dict; bad input is an `InvalidParameterError`."""
    try:
        return _structure(data, "JobBookmarkEntry")
    except _ShapeError as exc:
        raise InvalidParameterError(
            f"not a valid JobBookmarkEntry: {exc}", parameter="data"
        ) from exc


def entry_from_response(
    response: Mapping[str, Any], *, job_name: str, operation_name: str
) -> JobBookmarkEntry:
    """Structure botocore's parsed answer; a malformed one is a `ResponseValidationError`.

    Args:
        response: What the botocore client method returned.
        job_name: The job name that was asked for; it fills an absent `JobName`.
        operation_name: The AWS operation, for the error message.
    """
    wire = response.get("JobBookmarkEntry")
    # botocore's parser gives dicts; a missing JobName is the one asked for.
    if isinstance(wire, dict) and "JobName" not in wire:
        wire = {**wire, "JobName": job_name}
    try:
        if wire is None:
            raise _ShapeError(
                "JobBookmarkEntry",
                "has no JobBookmarkEntry: its body was empty, cut short, not JSON, or a JSON "
                "object without that key",
            )
        return _structure(wire, "JobBookmarkEntry")
    except _ShapeError as exc:
        # The answer's context is read only for an error, off the per-call path.
        metadata: Mapping[str, Any] = response.get("ResponseMetadata") or {}
        status_code = metadata.get("HTTPStatusCode")
        request_id = metadata.get("RequestId") or None
        problem = str(exc) if wire is None else f"does not fit: {exc}"
        raise ResponseValidationError(
            f"the {operation_name} answer (HTTP {status_code}, request id "
            f"{request_id or 'absent'}) {problem}",
            operation_name=operation_name,
            field=exc.field,
            status_code=status_code,
            request_id=request_id,
        ) from exc


def entry_to_dict(entry: JobBookmarkEntry) -> dict[str, Any]:
    """Unstructure an entry to its wire form, leaving out the None fields."""
    return _unstructure_entry(entry)


# --- The JobBookmark string -------------------------------------------------------------------

_UTC: Final = timezone.utc
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=_UTC)
_MILLISECOND: Final = timedelta(milliseconds=1)
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
    return tuple(text.split(",")) if text else ()


def _iso_time(text: str) -> datetime | None:
    if not text:
        return None
    # Python 3.10's fromisoformat does not read the "Z" suffix Glue writes.
    parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    if parsed.utcoffset() is None:
        raise ValueError(f"expected an ISO 8601 time with a zone, got {text!r}")
    return parsed.astimezone(_UTC)


def _format_iso_time(value: datetime) -> str:
    timespec = "milliseconds" if value.microsecond % 1000 == 0 else "microseconds"
    return value.astimezone(_UTC).replace(tzinfo=None).isoformat(timespec=timespec) + "Z"


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
HADOOP_TIMESTAMP_KEYS: Final = frozenset(key for key, _, _ in _HADOOP_TIMESTAMPS)
HADOOP_SOURCE_KEYS: Final = frozenset({"jsonClass", "timestamps"})


class _Where:
    """Builds the BookmarkParseError for a place in one bookmark string."""

    def __init__(self, job_name: str | None) -> None:
        self.job_name = job_name
        self.prefix = "the JobBookmark" + (f" of job {job_name!r}" if job_name else "")

    def error(
        self, problem: str, *, transformation_ctx: str | None = None, key: str | None = None
    ) -> BookmarkParseError:
        place = self.prefix
        if transformation_ctx is not None:
            place += f", source {transformation_ctx!r}"
        if key is not None:
            place += f", key {key}"
        return BookmarkParseError(
            f"{place}: {problem}",
            job_name=self.job_name,
            transformation_ctx=transformation_ctx,
            key=key,
        )


def _hadoop_state(source: dict[str, Any], ctx: str, where: _Where) -> HadoopSourceState:
    timestamps = source.get("timestamps", {})
    if type(timestamps) is not dict:
        raise where.error(
            f"expected an object, got {_json_type(timestamps)}",
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
            raise where.error(
                f"expected a string, got {_json_type(value)}", transformation_ctx=ctx, key=key
            )
        try:
            fields[field] = parse(value)
        except ValueError as exc:
            raise where.error(str(exc), transformation_ctx=ctx, key=key) from exc
    return HadoopSourceState(
        **fields,
        other_timestamps={
            key: value for key, value in timestamps.items() if key not in HADOOP_TIMESTAMP_KEYS
        },
        other_fields={key: value for key, value in source.items() if key not in HADOOP_SOURCE_KEYS},
    )


def _source_state(source: object, ctx: str, where: _Where) -> SourceState:
    if type(source) is not dict:
        raise where.error(
            f"a source state must be an object, got {_json_type(source)}", transformation_ctx=ctx
        )
    json_class = source.get("jsonClass")
    if type(json_class) is not str:
        raise where.error(
            f"expected a string, got {_json_type(json_class)}"
            if "jsonClass" in source
            else "is missing",
            transformation_ctx=ctx,
            key="jsonClass",
        )
    if json_class == HADOOP_JSON_CLASS:
        return _hadoop_state(source, ctx, where)
    return UnknownSourceState(json_class=json_class, data=source)


def state_from_json(job_bookmark: object, *, job_name: str | None = None) -> BookmarkState:
    """Parse a JobBookmark string; anything malformed is a `BookmarkParseError`.

    Args:
        job_bookmark: The raw string; None or `""` give an empty state.
        job_name: The job it belongs to, for the error message.
    """
    if job_bookmark is None or job_bookmark == "":
        return BookmarkState()
    where = _Where(job_name)
    if type(job_bookmark) is not str:
        raise where.error(f"expected a string, got {type(job_bookmark).__name__}")
    try:
        data = json.loads(job_bookmark, parse_constant=_not_json)
    except (ValueError, RecursionError) as exc:
        # RecursionError: nesting deeper than the interpreter's stack.
        raise where.error(f"not JSON: {exc}") from exc
    if type(data) is not dict:
        raise where.error(f"expected a JSON object, got {_json_type(data)}")
    sources: dict[str, SourceState] = {}
    for ctx, source in data.items():
        if not ctx:
            raise where.error("a source has an empty transformation_ctx", transformation_ctx=ctx)
        sources[ctx] = _source_state(source, ctx, where)
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
        timestamps["CURR_RUN_START_TIME"] = _format_iso_time(source.run_start_time)
    timestamps["INCLUDE_LIST"] = _joined(source.include_list, ctx, "include_list")
    timestamps.update(source.other_timestamps)
    return {"jsonClass": HADOOP_JSON_CLASS, "timestamps": timestamps, **source.other_fields}


def state_to_json(state: BookmarkState) -> str:
    """Write a state in Glue's compact JSON form; a value JSON cannot hold is a bad argument."""
    wire: dict[str, Any] = {}
    for ctx, source in state.items():
        if isinstance(source, HadoopSourceState):
            wire[ctx] = _hadoop_wire(source, ctx)
        else:
            wire[ctx] = source.data
    try:
        # NaN and the infinities are not JSON, and NaN would not even read back equal.
        return json.dumps(wire, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(
            f"the state holds a value JSON cannot represent: {exc}", parameter="state"
        ) from exc
