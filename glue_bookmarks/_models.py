"""The typed values glue-bookmarks returns: a job's bookmark entry and its parsed state."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, Final, TypeAlias

import attrs

from glue_bookmarks._exceptions import InvalidParameterError

__all__ = [
    "HADOOP_JSON_CLASS",
    "BookmarkState",
    "HadoopSourceState",
    "JobBookmarkEntry",
    "SourceState",
    "UnknownSourceState",
]

HADOOP_JSON_CLASS: Final = "HadoopDataSourceJobBookmarkState"
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=timezone.utc)

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
            from glue_bookmarks._converter import state_from_json

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
        from glue_bookmarks._converter import entry_from_dict

        return entry_from_dict(data)

    def to_dict(self) -> dict[str, str | int]:
        """Return the wire form: PascalCase keys, with the None fields left out.

        `JobBookmarkEntry.from_dict(entry.to_dict()) == entry` always holds.

        Returns:
            A new dict, such as `{"JobName": "nightly", "Version": 1, "Run": 1, "Attempt": 0}`.
        """
        from glue_bookmarks._converter import entry_to_dict

        return entry_to_dict(self)


def _check_instance(cls: type, *, allow_none: bool) -> Any:
    """An attrs validator raising `InvalidParameterError` that names the field."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and allow_none:
            return
        # bool is an int subclass, but True is not a run number.
        if not isinstance(value, cls) or (cls is int and type(value) is bool):
            raise InvalidParameterError(
                f"{type(instance).__name__}.{attribute.name} must be {cls.__name__}"
                f"{' or None' if allow_none else ''}, got {type(value).__name__}",
                parameter=attribute.name,
            )

    return check


def _check_not_negative(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    zero = timedelta(0) if isinstance(value, timedelta) else 0
    if value is not None and value < zero:
        raise InvalidParameterError(
            f"{type(instance).__name__}.{attribute.name} must not be negative, got {value!r}",
            parameter=attribute.name,
        )


def _check_aware(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and value.utcoffset() is None:
        raise InvalidParameterError(
            f"{type(instance).__name__}.{attribute.name} must be a timezone-aware datetime "
            f"(such as datetime(..., tzinfo=timezone.utc)), got a naive {value!r}",
            parameter=attribute.name,
        )


def _check_whole_milliseconds(
    instance: object, attribute: attrs.Attribute[Any], value: Any
) -> None:
    # The wire form counts milliseconds; anything finer could not survive a round trip.
    if value is None:
        return
    if isinstance(value, timedelta):
        finer = value % timedelta(milliseconds=1) != timedelta(0)
    else:
        finer = value.microsecond % 1000 != 0
    if finer:
        raise InvalidParameterError(
            f"{type(instance).__name__}.{attribute.name} must be a whole number of "
            f"milliseconds, got {value!r}",
            parameter=attribute.name,
        )


def _as_tuple(value: Sequence[str]) -> tuple[str, ...]:
    # A str is a Sequence[str] too, but taken as one it would split into characters; anything
    # but a list or tuple is left for the validator to name.
    return tuple(value) if isinstance(value, (tuple, list)) else value  # type: ignore[return-value]


def _as_dict(value: Mapping[str, Any]) -> dict[str, Any]:
    # A copy, so the caller's later changes do not leak in; a non-mapping is left for the
    # validator to name.
    return dict(value) if isinstance(value, Mapping) else value


def _check_tuple(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple):
        raise InvalidParameterError(
            f"{type(instance).__name__}.{attribute.name} must be a tuple or list of str, "
            f"got {type(value).__name__}",
            parameter=attribute.name,
        )


def _check_mapping(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, dict):
        raise InvalidParameterError(
            f"{type(instance).__name__}.{attribute.name} must be a mapping, "
            f"got {type(value).__name__}",
            parameter=attribute.name,
        )


def _check_other_keys(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    # A key with a typed field of its own would be written twice, and read back differently.
    from glue_bookmarks._converter import HADOOP_SOURCE_KEYS, HADOOP_TIMESTAMP_KEYS

    known = HADOOP_TIMESTAMP_KEYS if attribute.name == "other_timestamps" else HADOOP_SOURCE_KEYS
    bad = sorted(repr(key) for key in value if not isinstance(key, str) or key in known)
    if bad:
        raise InvalidParameterError(
            f"{type(instance).__name__}.{attribute.name} may not hold {', '.join(bad)}: "
            "keys must be str, and not ones with a field of their own",
            parameter=attribute.name,
        )


def _check_after_epoch(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    # The wire form counts milliseconds since the epoch, and "0" means "none".
    if value is not None and value.utcoffset() is not None and value <= _EPOCH:
        raise InvalidParameterError(
            f"{type(instance).__name__}.{attribute.name} must be after "
            f"1970-01-01T00:00:00Z, got {value!r}",
            parameter=attribute.name,
        )


@attrs.frozen(kw_only=True)
class HadoopSourceState:
    """The state of one S3 or Data Catalog (over S3) source: `HadoopDataSourceJobBookmarkState`.

    Every field reads its key in the source's `timestamps` object, where Glue writes all
    values as JSON strings. A key that is absent (older bookmarks lack some) reads as None or
    an empty tuple. Keys this class does not know are kept, unchanged, in `other_timestamps`
    and `other_fields`, so a state written back holds them too.

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
        default=None, validator=[_check_instance(int, allow_none=True), _check_not_negative]
    )
    high_band: timedelta | None = attrs.field(
        default=None,
        validator=[
            _check_instance(timedelta, allow_none=True),
            _check_not_negative,
            _check_whole_milliseconds,
        ],
    )
    latest_partition: datetime | None = attrs.field(
        default=None,
        validator=[
            _check_instance(datetime, allow_none=True),
            _check_aware,
            _check_after_epoch,
            _check_whole_milliseconds,
        ],
    )
    latest_partitions: tuple[str, ...] = attrs.field(
        default=(), converter=_as_tuple, validator=_check_tuple
    )
    run_start_time: datetime | None = attrs.field(
        default=None, validator=[_check_instance(datetime, allow_none=True), _check_aware]
    )
    include_list: tuple[str, ...] = attrs.field(
        default=(), converter=_as_tuple, validator=_check_tuple
    )
    other_timestamps: Mapping[str, Any] = attrs.field(
        factory=dict,
        converter=_as_dict,
        validator=[_check_mapping, _check_other_keys],
    )
    other_fields: Mapping[str, Any] = attrs.field(
        factory=dict,
        converter=_as_dict,
        validator=[_check_mapping, _check_other_keys],
    )

    @property
    def json_class(self) -> str:
        """The source's `jsonClass`: always `"HadoopDataSourceJobBookmarkState"`."""
        return HADOOP_JSON_CLASS


@attrs.frozen(kw_only=True)
class UnknownSourceState:
    """The state of a source whose `jsonClass` this library does not model.

    JDBC sources, for example, keep their own state keyed on `jobBookmarkKeys`, in a form AWS
    does not document. The raw object is kept as it was, and written back unchanged.

    Attributes:
        json_class: The source's `jsonClass`.
        data: The whole source object as parsed from JSON. It always holds `jsonClass`: one
            built without it gets it added.
    """

    json_class: str = attrs.field(validator=_check_instance(str, allow_none=False))
    data: Mapping[str, Any] = attrs.field(
        factory=dict, converter=_as_dict, validator=_check_mapping
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

    def __attrs_post_init__(self) -> None:
        # `data` is the whole source object, as parsed from JSON: it always holds `jsonClass`.
        if "jsonClass" not in self.data:
            object.__setattr__(self, "data", {"jsonClass": self.json_class, **self.data})


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
        if not isinstance(source, (HadoopSourceState, UnknownSourceState)):
            raise InvalidParameterError(
                f"sources[{key!r}] must be a HadoopSourceState or UnknownSourceState, "
                f"got {type(source).__name__}",
                parameter="sources",
            )
    return dict(value)


@attrs.frozen(eq=False)
class BookmarkState(Mapping[str, SourceState]):
    """A job bookmark's state: a read-only mapping from transformation_ctx to source state.

    A transformation_ctx names a source in the job's script: a Glue Studio node id such as
    `"AWSGlueDataCatalog_node1730078287682"`, or a name the script sets, such as
    `"datasource0"`. It compares equal to any mapping with the same items.

    Example:
        ```python
        state = entry.state
        for ctx, source in state.items():
            if isinstance(source, HadoopSourceState):
                print(ctx, source.run_start_time, len(source.include_list))
        ```

    Args:
        sources: The sources by transformation_ctx; empty by default.

    Raises:
        InvalidParameterError: A key is not a non-empty str, or a value is not a source state.
    """

    _sources: dict[str, SourceState] = attrs.field(
        default=None, converter=_to_sources, alias="sources"
    )

    def __getitem__(self, transformation_ctx: str) -> SourceState:
        return self._sources[transformation_ctx]

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)

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
                value of the wrong shape; the error names the transformation_ctx and key.
        """
        from glue_bookmarks._converter import state_from_json

        if job_bookmark is not None and not isinstance(job_bookmark, str):
            raise InvalidParameterError(
                f"job_bookmark must be a str or None, got {type(job_bookmark).__name__}",
                parameter="job_bookmark",
            )
        return state_from_json(job_bookmark)

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
        from glue_bookmarks._converter import state_to_json

        return state_to_json(self)
