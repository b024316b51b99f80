"""The private cattrs converter: wire dicts to models and back.

Wire (PascalCase) names live here and nowhere else. The converter is strict: an integer field
takes only a JSON integer and a string field only a JSON string, because botocore's JSON parser
passes values through unchecked and a silently coerced value would hide a malformed answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from glue_bookmarks._exceptions import InvalidParameterError, ResponseValidationError
from glue_bookmarks._models import JobBookmarkEntry

__all__ = ["entry_from_dict", "entry_from_response", "entry_to_dict"]

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


_converter = cattrs.Converter(detailed_validation=True)
_converter.register_structure_hook(int, _strict_int)
_converter.register_structure_hook(str, _strict_str)

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
    if not isinstance(wire, Mapping):
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
    metadata: Mapping[str, Any] = response.get("ResponseMetadata") or {}
    status_code = metadata.get("HTTPStatusCode")
    request_id = metadata.get("RequestId") or None
    context = f"HTTP {status_code}, request id {request_id or 'absent'}"
    wire = response.get("JobBookmarkEntry")
    if wire is None:
        raise ResponseValidationError(
            f"the {operation_name} answer ({context}) has no JobBookmarkEntry: its body was "
            "empty, cut short, not JSON, or a JSON object without that key",
            operation_name=operation_name,
            field="JobBookmarkEntry",
            status_code=status_code,
            request_id=request_id,
        )
    if isinstance(wire, Mapping) and "JobName" not in wire:
        wire = {**wire, "JobName": job_name}
    try:
        return _structure(wire, "JobBookmarkEntry")
    except _ShapeError as exc:
        raise ResponseValidationError(
            f"the {operation_name} answer ({context}) does not fit: {exc}",
            operation_name=operation_name,
            field=exc.field,
            status_code=status_code,
            request_id=request_id,
        ) from exc


def entry_to_dict(entry: JobBookmarkEntry) -> dict[str, Any]:
    """Unstructure an entry to its wire form, leaving out the None fields."""
    return _unstructure_entry(entry)
