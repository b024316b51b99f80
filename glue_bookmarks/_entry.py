"""`JobBookmarkEntry` and its wire conversion.

Wire names (the PascalCase entry keys) live here and nowhere else. Conversion is strict: an
integer field takes only a JSON integer and a string field only a JSON string, because
botocore's JSON parser passes values through unchecked and a silently coerced value would
hide a malformed answer.

A well-formed entry, every call's case, is checked and built by hand: seven type checks. cattrs
does the rest, where its cost does not count: naming every bad field of a malformed entry, and
`to_dict()`. Its converter is built on first need, so neither importing the library nor a call
pays for it.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from glue_bookmarks._exceptions import (
    InvalidParameterError,
    ResponseValidationError,
    response_context,
)
from glue_bookmarks._state import BookmarkState, state_from_json

if TYPE_CHECKING:
    import cattrs

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
                value of the wrong shape or past what a state holds (nested more than
                100 levels deep, a time out of range in UTC, a number beyond a float);
                the error names the transformation_ctx and key.
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
        wire: dict[str, str | int] = _cattrs().unstructure_entry(self)
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


@attrs.frozen
class _Cattrs:
    """The cattrs converter's generated functions for the entry."""

    structure_entry: Callable[[Mapping[str, Any], type], JobBookmarkEntry]
    unstructure_entry: Callable[[JobBookmarkEntry], dict[str, Any]]
    validation_error: type[cattrs.ClassValidationError]


@functools.cache
def _cattrs() -> _Cattrs:
    # Imported here, not at the top: the per-call path never needs it (see the docstring).
    import cattrs
    from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

    converter = cattrs.Converter(detailed_validation=True)
    converter.register_structure_hook(int, _strict_int)
    converter.register_structure_hook(str, _strict_str)
    converter.register_structure_hook(str | None, _strict_optional_str)
    # Typed Any: the generators take the overrides as **kwargs beside options of other types.
    structure: dict[str, Any] = {
        name: override(rename=wire) for name, wire in _ENTRY_WIRE_NAMES.items()
    }
    unstructure: dict[str, Any] = {
        name: override(rename=wire, omit_if_default=name in _OPTIONAL_ENTRY_FIELDS)
        for name, wire in _ENTRY_WIRE_NAMES.items()
    }
    return _Cattrs(
        make_dict_structure_fn(JobBookmarkEntry, converter, **structure),
        make_dict_unstructure_fn(JobBookmarkEntry, converter, **unstructure),
        cattrs.ClassValidationError,
    )


class _ShapeError(Exception):
    """A wire value that does not fit the model; `field` is the first offending wire path."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


_new_entry: Final = object.__new__
_set_attribute: Final = object.__setattr__


def _well_formed(wire: Mapping[str, Any], job_name: str | None) -> JobBookmarkEntry | None:
    """The entry `wire` holds, or None when it does not fit; `job_name` fills an absent name."""
    get = wire.get
    name, previous_run_id = get("JobName", job_name), get("PreviousRunId")
    version, run, attempt = get("Version", 0), get("Run", 0), get("Attempt", 0)
    run_id, job_bookmark = get("RunId"), get("JobBookmark")
    # bool is an int subclass, and `type(...) is` also refuses it: JSON true is no version.
    if not (
        type(name) is str
        and type(version) is int
        and type(run) is int
        and type(attempt) is int
        and (previous_run_id is None or type(previous_run_id) is str)
        and (run_id is None or type(run_id) is str)
        and (job_bookmark is None or type(job_bookmark) is str)
    ):
        return None
    # The attrs __init__ of a frozen class sets each field through object.__setattr__; the
    # class has no validators or converters, so giving it its dict makes the same entry for a
    # fraction of the cost. A hypothesis test holds it equal to what cattrs builds.
    entry: JobBookmarkEntry = _new_entry(JobBookmarkEntry)
    _set_attribute(
        entry,
        "__dict__",
        {
            "job_name": name,
            "version": version,
            "run": run,
            "attempt": attempt,
            "previous_run_id": previous_run_id,
            "run_id": run_id,
            "job_bookmark": job_bookmark,
        },
    )
    return entry


def _structure(wire: object, path: str) -> JobBookmarkEntry:
    # botocore's parser gives a dict; the ABC check is for other mappings, and costs more.
    if type(wire) is not dict and not isinstance(wire, Mapping):
        raise _ShapeError(path, f"{path} expected an object, got {type(wire).__name__}")
    entry = _well_formed(wire, None)
    if entry is None:
        raise _shape_error(wire, path)
    return entry


def _shape_error(wire: Mapping[str, Any], path: str) -> _ShapeError:
    """The error naming every field of `wire` that does not fit, as cattrs finds them."""
    converter = _cattrs()
    try:
        converter.structure_entry(wire, JobBookmarkEntry)
    except converter.validation_error as exc:
        # Every error of a generated attrs hook carries a note naming its attribute.
        fields = [
            (
                f"{path}.{_ENTRY_WIRE_NAMES[note.name]}",
                "is missing" if isinstance(error, KeyError) else str(error),
            )
            for error, note in exc.group_exceptions()[0]
        ]
        message = "; ".join(f"{field} {problem}" for field, problem in fields)
        error = _ShapeError(fields[0][0], message)
        error.__cause__ = exc
        return error
    raise AssertionError(f"cattrs accepted an entry the strict check refused: {wire!r}")


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
    # botocore's parser gives dicts: the common case takes one check.
    if type(wire) is dict:
        entry = _well_formed(wire, job_name)
        if entry is not None:
            return entry
        # A missing JobName is the one asked for, in the error as in the entry.
        if "JobName" not in wire:
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
