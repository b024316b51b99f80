"""`JobBookmarkEntry` and its wire conversion, the private cattrs converter.

Wire names (the PascalCase entry keys) live here and nowhere else. The converter is strict: an
integer field takes only a JSON integer and a string field only a JSON string, because
botocore's JSON parser passes values through unchecked and a silently coerced value would
hide a malformed answer.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, Final

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from glue_bookmarks._exceptions import (
    InvalidParameterError,
    ResponseValidationError,
    response_context,
)
from glue_bookmarks._state import BookmarkState, state_from_json

__all__ = ["JobBookmarkEntry", "entry_from_response"]

# One lock for every entry's first parse: cheaper than a lock per entry, and parsing holds the
# GIL for most of its time anyway.
_STATE_LOCK: Final = threading.Lock()


# Not slotted: the parsed state is cached in the instance dict, outside the attrs fields, so
# equality, hashing, repr, `attrs.asdict` and the wire form see the seven service fields only.
@attrs.frozen(kw_only=True, slots=False)
class JobBookmarkEntry:
    """One job's bookmark, as `GetJobBookmark` returns it.

    Field types follow the AWS Smithy model of `JobBookmarkEntry`, where every member is
    optional on the wire:

    - `job_name` is always set: when the service leaves `JobName` out, the entry carries the
      job name that was asked for.
    - `version`, `run` and `attempt` are always set: the model gives them a default of 0, which
      an absent member reads as.
    - `previous_run_id` is None on a job's first recorded run; `run_id` and `job_bookmark` are
      None when the service leaves them out.

    `job_bookmark` is the raw JSON string exactly as the service returned it.

    Attributes:
        job_name: The name of the job.
        version: The version of the bookmark; it goes up with every change.
        run: The run number.
        attempt: The attempt number within the run.
        previous_run_id: The id of the run before `run_id`, if any.
        run_id: The id of the run the bookmark was last recorded for.
        job_bookmark: The bookmark state: an opaque JSON string.
    """

    job_name: str
    version: int = 0
    run: int = 0
    attempt: int = 0
    previous_run_id: str | None = None
    run_id: str | None = None
    job_bookmark: str | None = None

    @property
    def state(self) -> BookmarkState:
        """The `job_bookmark` string parsed into a typed `BookmarkState`.

        Parsed on first use, at most once per entry (also across threads); `job_bookmark`
        itself stays the raw string. An absent or empty bookmark is an empty state.

        Raises:
            BookmarkParseError: `job_bookmark` is not a JSON object, or a source in it has a
                value of the wrong shape; the error names the transformation_ctx and key.
                A bookmark that does not parse raises again on every use.
        """
        state: BookmarkState | None = self.__dict__.get("_state")
        if state is None:
            with _STATE_LOCK:
                state = self.__dict__.get("_state")
                if state is None:
                    state = state_from_json(self.job_bookmark, job_name=self.job_name)
                    # The class is frozen; this cache is the one thing set after init.
                    object.__setattr__(self, "_state", state)
        return state

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> JobBookmarkEntry:
        """Build an entry from its wire form, as `to_dict()` or the AWS CLI print it.

        Unknown keys are ignored.

        Args:
            data: A mapping with PascalCase keys (`JobName`, `Version`, ...).

        Returns:
            The entry.

        Raises:
            InvalidParameterError: `data` is not a mapping, `JobName` is missing, or a value
                has the wrong type; the message names the key.
        """
        try:
            return _structure(data, "JobBookmarkEntry")
        except _ShapeError as exc:
            raise InvalidParameterError(
                f"not a valid JobBookmarkEntry: {exc}", parameter="data"
            ) from exc

    def to_dict(self) -> dict[str, str | int]:
        """Return the wire form: PascalCase keys, with the None fields left out.

        `JobBookmarkEntry.from_dict(entry.to_dict()) == entry` always holds.

        Returns:
            A new dict, such as `{"JobName": "nightly", "Version": 1, "Run": 1, "Attempt": 0}`.
        """
        wire: dict[str, str | int] = _unstructure_entry(self)
        return wire


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
        status_code, request_id = response_context(response)
        problem = str(exc) if wire is None else f"does not fit: {exc}"
        raise ResponseValidationError(
            f"the {operation_name} answer (HTTP {status_code}, request id "
            f"{request_id or 'absent'}) {problem}",
            operation_name=operation_name,
            field=exc.field,
            status_code=status_code,
            request_id=request_id,
        ) from exc
