"""The parsed JobBookmark: typed source states, parse errors, round trips and construction."""

from __future__ import annotations

import json
import pickle
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import glue_bookmarks._entry
import glue_bookmarks._state
from glue_bookmarks import (
    BookmarkParseError,
    BookmarkState,
    HadoopSourceState,
    InvalidParameterError,
    JobBookmarkEntry,
    ResponseValidationError,
    SourceState,
    UnknownSourceState,
)
from tests._extreme import MAX_DEPTH, extreme_bookmarks, nested

FIXTURES = Path(__file__).parent / "fixtures"
UTC = timezone.utc
HADOOP = "HadoopDataSourceJobBookmarkState"


def fixture_entry(name: str) -> JobBookmarkEntry:
    document = json.loads((FIXTURES / name).read_text())
    return JobBookmarkEntry.from_dict(document["JobBookmarkEntry"])


def hadoop_bookmark(**timestamps: Any) -> str:
    return json.dumps({"datasource0": {"jsonClass": HADOOP, "timestamps": timestamps}})


# -- real-output shapes -------------------------------------------------------------------------


def test_glue_studio_catalog_source() -> None:
    entry = fixture_entry("get_job_bookmark_studio.json")
    assert entry.state == {
        "AWSGlueDataCatalog_node1730078287682": HadoopSourceState(
            run=1,
            high_band=timedelta(minutes=15),
            latest_partition=None,
            latest_partitions=(),
            run_start_time=datetime(2024, 10, 28, 1, 32, 45, 613000, tzinfo=UTC),
            include_list=(
                "7d2f5e9c0b1a4f36a8e1c2d3b4a59687",
                "0f9e8d7c6b5a49382716a5b4c3d2e1f0",
                "a1b2c3d4e5f60718293a4b5c6d7e8f90",
            ),
        )
    }
    [source] = entry.state.values()
    assert isinstance(source, HadoopSourceState)
    assert source.json_class == HADOOP
    assert source.run_start_time is not None
    assert source.run_start_time.utcoffset() == timedelta(0)


def test_partitioned_source_beside_a_jdbc_source() -> None:
    entry = fixture_entry("get_job_bookmark_two_sources.json")
    state = entry.state
    assert list(state) == ["datasource0", "jdbc_customers"]
    assert state["datasource0"] == HadoopSourceState(
        run=14,
        high_band=timedelta(milliseconds=900000),
        latest_partition=datetime(2024, 10, 28, tzinfo=UTC),
        latest_partitions=("s3://lake/orders/dt=2024-10-27/", "s3://lake/orders/dt=2024-10-28/"),
        run_start_time=datetime(2024, 10, 28, 6, 0, 12, 4000, tzinfo=UTC),
        include_list=(),
    )
    raw_jdbc = json.loads(entry.job_bookmark or "")["jdbc_customers"]
    assert state["jdbc_customers"] == UnknownSourceState(
        json_class="JDBCDataSourceJobBookmarkState", data=raw_jdbc
    )
    assert state["jdbc_customers"].data["lastValues"] == {"customer_id": 48213}


def test_older_bookmark_without_some_keys_reads_them_as_none_or_empty() -> None:
    state = fixture_entry("get_job_bookmark_older.json").state
    assert state["datasource0"] == HadoopSourceState(
        run=3,
        high_band=timedelta(minutes=15),
        run_start_time=datetime(2019, 6, 3, 22, 10, 5, 120000, tzinfo=UTC),
    )
    source = state["datasource0"]
    assert isinstance(source, HadoopSourceState)
    assert (source.latest_partition, source.latest_partitions, source.include_list) == (
        None,
        (),
        (),
    )


def test_a_source_without_timestamps_reads_as_all_absent() -> None:
    state = BookmarkState.from_json(json.dumps({"ctx": {"jsonClass": HADOOP}}))
    assert state == {"ctx": HadoopSourceState()}


@pytest.mark.parametrize("raw", [None, "", "{}"])
def test_absent_or_empty_bookmark_is_an_empty_state(raw: str | None) -> None:
    state = JobBookmarkEntry(job_name="j", job_bookmark=raw).state
    assert state == BookmarkState()
    assert len(state) == 0
    assert state.to_json() == "{}"


def test_unknown_keys_are_kept_and_written_back() -> None:
    raw = json.dumps(
        {
            "ctx": {
                "jsonClass": HADOOP,
                "timestamps": {"RUN": "2", "FUTURE_KEY": "x", "NUMBER": 5},
                "options": {"maxBand": 900},
            }
        }
    )
    state = BookmarkState.from_json(raw)
    source = state["ctx"]
    assert isinstance(source, HadoopSourceState)
    assert source.run == 2
    assert source.other_timestamps == {"FUTURE_KEY": "x", "NUMBER": 5}
    assert source.other_fields == {"options": {"maxBand": 900}}
    written = json.loads(state.to_json())["ctx"]
    assert written["timestamps"]["FUTURE_KEY"] == "x"
    assert written["options"] == {"maxBand": 900}
    assert BookmarkState.from_json(state.to_json()) == state


def test_unknown_source_is_written_back_unchanged() -> None:
    raw = {"jsonClass": "SomethingNew", "nested": {"a": [1, 2.5, None, True]}}
    state = BookmarkState.from_json(json.dumps({"ctx": raw}))
    assert json.loads(state.to_json()) == {"ctx": raw}


def test_written_form_is_glues_compact_json() -> None:
    state = BookmarkState(
        {
            "datasource0": HadoopSourceState(
                run=1,
                high_band=timedelta(minutes=15),
                run_start_time=datetime(2024, 10, 28, 1, 32, 45, 613000, tzinfo=UTC),
                include_list=("h1", "h2"),
            )
        }
    )
    assert state.to_json() == (
        '{"datasource0":{"jsonClass":"HadoopDataSourceJobBookmarkState","timestamps":'
        '{"RUN":"1","HIGH_BAND":"900000","CURR_LATEST_PARTITION":"0",'
        '"CURR_LATEST_PARTITIONS":"","CURR_RUN_START_TIME":"2024-10-28T01:32:45.613Z",'
        '"INCLUDE_LIST":"h1,h2"}}}'
    )


def test_times_in_other_zones_and_finer_than_milliseconds_round_trip() -> None:
    ist = timezone(timedelta(hours=5, minutes=30))
    start = datetime(2024, 10, 28, 7, 2, 45, 613517, tzinfo=ist)
    state = BookmarkState({"ctx": HadoopSourceState(run_start_time=start)})
    assert '"CURR_RUN_START_TIME":"2024-10-28T01:32:45.613517Z"' in state.to_json()
    parsed = BookmarkState.from_json(state.to_json())["ctx"]
    assert isinstance(parsed, HadoopSourceState)
    assert parsed.run_start_time == start
    assert parsed.run_start_time is not None
    assert parsed.run_start_time.tzinfo == UTC
    offset = BookmarkState.from_json(
        hadoop_bookmark(CURR_RUN_START_TIME="2024-10-28T07:02:45+05:30")
    )
    assert offset["datasource0"] == HadoopSourceState(
        run_start_time=datetime(2024, 10, 28, 1, 32, 45, tzinfo=UTC)
    )


# -- the entry's lazy state ---------------------------------------------------------------------


def test_state_is_parsed_once_and_the_raw_string_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    parse = glue_bookmarks._state.state_from_json

    def counting(job_bookmark: object, *, job_name: str | None = None) -> BookmarkState:
        calls.append(job_bookmark)
        return parse(job_bookmark, job_name=job_name)

    monkeypatch.setattr(glue_bookmarks._entry, "state_from_json", counting)
    entry = fixture_entry("get_job_bookmark_studio.json")
    raw = entry.job_bookmark
    barrier = threading.Barrier(8)
    states: list[BookmarkState] = []

    def read() -> None:
        barrier.wait()
        states.append(entry.state)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert all(state is states[0] for state in states)
    assert entry.state is states[0]
    assert entry.job_bookmark == raw


def test_parsed_state_leaves_equality_repr_and_wire_form_alone() -> None:
    parsed = fixture_entry("get_job_bookmark_studio.json")
    fresh = fixture_entry("get_job_bookmark_studio.json")
    assert len(parsed.state) == 1
    assert parsed == fresh
    assert hash(parsed) == hash(fresh)
    assert repr(parsed) == repr(fresh)
    assert attrs.asdict(parsed) == attrs.asdict(fresh)
    assert parsed.to_dict() == fresh.to_dict()
    assert "state" not in repr(parsed)


def test_entry_with_parsed_state_pickles_equal() -> None:
    entry = fixture_entry("get_job_bookmark_two_sources.json")
    state = entry.state
    copy = pickle.loads(pickle.dumps(entry))
    assert copy == entry
    assert copy.state == state


def test_parse_error_of_an_entry_names_the_job() -> None:
    entry = JobBookmarkEntry(job_name="nightly", job_bookmark="not json")
    with pytest.raises(BookmarkParseError) as info:
        _ = entry.state
    assert info.value.job_name == "nightly"
    assert str(info.value).startswith("the JobBookmark of job 'nightly': not JSON")
    with pytest.raises(BookmarkParseError):
        _ = entry.state


# -- malformed bookmarks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "ctx", "key", "message"),
    [
        ("not json", None, None, "not JSON: Expecting value"),
        ('{"a": ', None, None, "not JSON"),
        ("[]", None, None, "expected a JSON object, got an array"),
        ('"text"', None, None, "expected a JSON object, got a string"),
        ("null", None, None, "expected a JSON object, got null"),
        ("[" * 100000, None, None, "not JSON"),
        ('{"ds": {"jsonClass": "X", "max": NaN}}', None, None, "not JSON: NaN is not a JSON"),
        ('{"ds": {"jsonClass": "X", "max": -Infinity}}', None, None, "-Infinity is not a JSON"),
        ('{"": {"jsonClass": "X"}}', "", None, "empty transformation_ctx"),
        ('{"ds": 1}', "ds", None, "a source state must be an object, got a number"),
        ('{"ds": []}', "ds", None, "a source state must be an object, got an array"),
        ('{"ds": {}}', "ds", "jsonClass", "is missing"),
        ('{"ds": {"jsonClass": 7}}', "ds", "jsonClass", "expected a string, got a number"),
        (
            json.dumps({"ds": {"jsonClass": HADOOP, "timestamps": []}}),
            "ds",
            "timestamps",
            "expected an object, got an array",
        ),
        (hadoop_bookmark(RUN=1), "ds0", "timestamps.RUN", "expected a string, got a number"),
        (hadoop_bookmark(RUN="one"), "ds0", "timestamps.RUN", "string of digits, got 'one'"),
        (hadoop_bookmark(RUN="-1"), "ds0", "timestamps.RUN", "string of digits"),
        (hadoop_bookmark(RUN="\u0663"), "ds0", "timestamps.RUN", "string of digits"),
        (hadoop_bookmark(RUN="9" * 5000), "ds0", "timestamps.RUN", "limit .* for integer string"),
        (hadoop_bookmark(HIGH_BAND=None), "ds0", "timestamps.HIGH_BAND", "got null"),
        (hadoop_bookmark(HIGH_BAND="9" * 30), "ds0", "timestamps.HIGH_BAND", "out of range"),
        (
            hadoop_bookmark(CURR_LATEST_PARTITION="9" * 20),
            "ds0",
            "timestamps.CURR_LATEST_PARTITION",
            "milliseconds after 1970 is out of range",
        ),
        (
            hadoop_bookmark(CURR_LATEST_PARTITIONS=["a"]),
            "ds0",
            "timestamps.CURR_LATEST_PARTITIONS",
            "expected a string, got an array",
        ),
        (
            hadoop_bookmark(CURR_RUN_START_TIME="yesterday"),
            "ds0",
            "timestamps.CURR_RUN_START_TIME",
            "Invalid isoformat string",
        ),
        (
            hadoop_bookmark(CURR_RUN_START_TIME="2024-10-28T01:32:45.613"),
            "ds0",
            "timestamps.CURR_RUN_START_TIME",
            "with a zone",
        ),
        (
            hadoop_bookmark(INCLUDE_LIST=True),
            "ds0",
            "timestamps.INCLUDE_LIST",
            "expected a string, got a boolean",
        ),
    ],
)
def test_malformed_bookmarks_raise_a_parse_error_naming_the_place(
    raw: str, ctx: str | None, key: str | None, message: str
) -> None:
    ctx = "datasource0" if ctx == "ds0" else ctx
    with pytest.raises(BookmarkParseError, match=message) as info:
        BookmarkState.from_json(raw)
    err = info.value
    assert isinstance(err, ResponseValidationError)
    assert (err.transformation_ctx, err.key) == (ctx, key)
    assert err.field == "JobBookmarkEntry.JobBookmark"
    assert err.job_name is None
    if ctx is not None:
        assert f"source {ctx!r}" in str(err)
    if key is not None:
        assert f"key {key}:" in str(err)
    assert isinstance(err.__cause__, (ValueError, RecursionError, type(None)))


def test_from_json_rejects_a_value_that_is_not_a_string() -> None:
    with pytest.raises(InvalidParameterError, match="must be a str or None, got bytes"):
        BookmarkState.from_json(b"{}")  # type: ignore[arg-type]


def test_parse_errors_pickle_with_their_context() -> None:
    with pytest.raises(BookmarkParseError) as info:
        JobBookmarkEntry(job_name="j", job_bookmark=hadoop_bookmark(RUN="x")).state  # noqa: B018
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is BookmarkParseError
    assert vars(copy) == vars(info.value)
    assert str(copy) == str(info.value)


# -- property-based -----------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
timestamp_keys = st.sampled_from(
    [
        "RUN",
        "HIGH_BAND",
        "CURR_LATEST_PARTITION",
        "CURR_LATEST_PARTITIONS",
        "CURR_RUN_START_TIME",
        "INCLUDE_LIST",
        "OTHER",
    ]
)
timestamp_values = (
    st.from_regex(r"\A[0-9]{1,25}\Z")
    | st.sampled_from(["", "0", "2024-10-28T01:32:45.613Z", "2024-10-28", "a,b", ","])
    | json_values
)
source_objects = st.fixed_dictionaries(
    {},
    optional={
        "jsonClass": st.sampled_from([HADOOP, "JDBCDataSourceJobBookmarkState"]) | json_values,
        "timestamps": st.dictionaries(timestamp_keys, timestamp_values, max_size=7) | json_values,
        "extra": json_values,
    },
)
bookmark_shaped = st.dictionaries(st.text(max_size=6), source_objects | json_values, max_size=3)


@settings(max_examples=300)
@given(st.text() | bookmark_shaped.map(json.dumps) | json_values.map(json.dumps))
def test_any_string_gives_a_state_or_a_parse_error(raw: str) -> None:
    try:
        state = BookmarkState.from_json(raw)
    except BookmarkParseError as exc:
        assert str(exc).startswith("the JobBookmark")
    else:
        assert BookmarkState.from_json(state.to_json()) == state


aware_times = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(9000, 1, 1), timezones=st.just(UTC)
)
list_items = st.text(min_size=1, max_size=12).filter(lambda item: "," not in item)
hadoop_states = st.builds(
    HadoopSourceState,
    run=st.none() | st.integers(min_value=0, max_value=10**12),
    high_band=st.none() | st.integers(0, 10**12).map(lambda ms: timedelta(milliseconds=ms)),
    latest_partition=st.none() | aware_times.map(lambda t: t.replace(microsecond=0)),
    latest_partitions=st.lists(list_items, max_size=4).map(tuple),
    run_start_time=st.none() | aware_times,
    include_list=st.lists(list_items, max_size=6).map(tuple),
    other_timestamps=st.dictionaries(st.text(max_size=3).map("x".__add__), json_values, max_size=2),
    other_fields=st.dictionaries(st.text(max_size=3).map("y".__add__), json_values, max_size=2),
)
unknown_states = st.builds(
    lambda cls, data: UnknownSourceState(json_class=cls, data=data),
    st.text(max_size=10).filter(lambda c: c != HADOOP),
    st.dictionaries(st.text(max_size=3).map("z".__add__), json_values, max_size=2),
)


@settings(max_examples=150)
@given(st.dictionaries(st.text(min_size=1, max_size=8), hadoop_states | unknown_states, max_size=3))
def test_any_typed_state_round_trips_through_its_json(sources: dict[str, SourceState]) -> None:
    state = BookmarkState(sources)
    assert BookmarkState.from_json(state.to_json()) == state


# -- building states ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "parameter", "message"),
    [
        ({"run": "1"}, "run", "run must be int or None, got str"),
        ({"run": True}, "run", "must be int or None, got bool"),
        ({"run": -1}, "run", "must not be negative"),
        ({"high_band": 900000}, "high_band", "must be timedelta or None, got int"),
        ({"high_band": timedelta(microseconds=1500)}, "high_band", "whole number of milli"),
        ({"high_band": timedelta(seconds=-1)}, "high_band", "must not be negative"),
        ({"latest_partition": datetime(2024, 1, 1)}, "latest_partition", "timezone-aware"),
        (
            {"latest_partition": datetime(1970, 1, 1, tzinfo=UTC)},
            "latest_partition",
            "must be after 1970",
        ),
        (
            {"latest_partition": datetime(2024, 1, 1, 0, 0, 0, 1, tzinfo=UTC)},
            "latest_partition",
            "whole number of milliseconds",
        ),
        ({"run_start_time": "2024-10-28"}, "run_start_time", "must be datetime or None"),
        ({"run_start_time": datetime(2024, 10, 28)}, "run_start_time", "timezone-aware"),
        ({"include_list": "a,b"}, "include_list", "tuple or list of str, got str"),
        ({"latest_partitions": None}, "latest_partitions", "tuple or list of str, got NoneType"),
        ({"other_timestamps": {"RUN": "1"}}, "other_timestamps", "may not hold 'RUN'"),
        ({"other_timestamps": {1: "x"}}, "other_timestamps", "may not hold 1"),
        ({"other_fields": {"jsonClass": "X"}}, "other_fields", "may not hold 'jsonClass'"),
        ({"other_fields": [("a", 1)]}, "other_fields", "must be a mapping, got list"),
    ],
)
def test_hadoop_state_checks_its_values(
    kwargs: dict[str, Any], parameter: str, message: str
) -> None:
    with pytest.raises(InvalidParameterError, match=message) as info:
        HadoopSourceState(**kwargs)
    assert info.value.parameter == parameter


def test_lists_become_tuples_and_mappings_are_copied() -> None:
    extra = {"K": "v"}
    source = HadoopSourceState(include_list=["a", "b"], other_timestamps=extra)
    extra["K"] = "changed"
    assert source.include_list == ("a", "b")
    assert source.other_timestamps == {"K": "v"}


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (("a", "b,c"), r"include_list\[1\] of source 'ctx' must be a non-empty str without"),
        (("",), r"include_list\[0\]"),
        (("a", 3), r"include_list\[1\] .* got 3"),
    ],
)
def test_writing_checks_list_entries(items: tuple[Any, ...], message: str) -> None:
    state = BookmarkState({"ctx": HadoopSourceState(include_list=items)})
    with pytest.raises(InvalidParameterError, match=message) as info:
        state.to_json()
    assert info.value.parameter == "include_list"


@pytest.mark.parametrize("value", [object(), float("nan"), float("inf")])
def test_writing_a_value_json_cannot_hold_is_a_clear_error(value: object) -> None:
    state = BookmarkState({"ctx": UnknownSourceState(json_class="X", data={"when": value})})
    with pytest.raises(InvalidParameterError, match="a value JSON cannot represent") as info:
        state.to_json()
    assert info.value.parameter == "state"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"json_class": HADOOP}, "use HadoopSourceState"),
        ({"json_class": 5}, "json_class must be str, got int"),
        ({"json_class": "A", "data": {"jsonClass": "B"}}, "data\\['jsonClass'\\] is 'B'"),
        ({"json_class": "A", "data": "{}"}, "data must be a mapping, got str"),
    ],
)
def test_unknown_state_checks_its_values(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        UnknownSourceState(**kwargs)


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        ([("ctx", HadoopSourceState())], "must be a mapping of transformation_ctx"),
        ({"": HadoopSourceState()}, "non-empty str, got ''"),
        ({1: HadoopSourceState()}, "non-empty str, got 1"),
        ({"ctx": {"jsonClass": HADOOP}}, r"sources\['ctx'\] must be a HadoopSourceState or"),
    ],
)
def test_bookmark_state_checks_its_sources(sources: Any, message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        BookmarkState(sources)


def test_bookmark_state_is_a_read_only_mapping() -> None:
    sources: dict[str, SourceState] = {"b": HadoopSourceState(run=1), "a": HadoopSourceState()}
    state = BookmarkState(sources)
    sources["c"] = HadoopSourceState()
    assert list(state) == ["b", "a"]
    assert state == {"b": HadoopSourceState(run=1), "a": HadoopSourceState()}
    assert state != BookmarkState({"b": HadoopSourceState(run=2), "a": HadoopSourceState()})
    assert "c" not in state
    assert repr(state) == f"BookmarkState({dict(state)!r})"
    with pytest.raises(TypeError):
        state["c"] = HadoopSourceState()  # type: ignore[index]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        state._sources = {}  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(state)) == state


# -- frozen all the way down --------------------------------------------------------------------

NESTED = (
    '{"jdbc":{"jsonClass":"JDBCDataSourceJobBookmarkState","keys":["id",{"k":[1,2]}],'
    '"opts":{"a":{"b":null}}},"s3":{"jsonClass":"HadoopDataSourceJobBookmarkState",'
    '"timestamps":{"RUN":"2","FUTURE":"x"},"extra":{"deep":[{"n":1}]}}}'
)


def test_states_are_hashable_and_equal_ones_hash_equal() -> None:
    first, second = BookmarkState.from_json(NESTED), BookmarkState.from_json(NESTED)
    assert first == second
    assert hash(first) == hash(second)
    assert hash(first["s3"]) == hash(second["s3"])
    assert hash(first["jdbc"]) == hash(second["jdbc"])
    assert len({first, second, BookmarkState()}) == 2
    built = HadoopSourceState(run=2, other_timestamps={"FUTURE": "x"}, other_fields={"e": [1]})
    assert hash(built) == hash(
        HadoopSourceState(run=2, other_timestamps={"FUTURE": "x"}, other_fields={"e": (1,)})
    )


def test_no_mapping_reached_through_a_state_can_be_changed() -> None:
    state = BookmarkState.from_json(NESTED)
    hadoop, unknown = state["s3"], state["jdbc"]
    assert isinstance(hadoop, HadoopSourceState)
    assert isinstance(unknown, UnknownSourceState)
    for mapping in (
        hadoop.other_fields,
        hadoop.other_timestamps,
        hadoop.other_fields["extra"]["deep"][0],
        unknown.data,
        unknown.data["opts"]["a"],
        unknown.data["keys"][1],
    ):
        with pytest.raises(TypeError):
            mapping["x"] = 1  # type: ignore[index]
        assert not hasattr(mapping, "update")
    # Arrays read as tuples, which cannot change either.
    assert unknown.data["keys"][0] == "id"
    assert isinstance(unknown.data["keys"], tuple)
    assert isinstance(hadoop.other_fields["extra"]["deep"], tuple)


def test_a_frozen_state_writes_back_the_json_it_was_read_from() -> None:
    state = BookmarkState.from_json(NESTED)
    assert json.loads(state.to_json()) == json.loads(
        NESTED.replace(
            '"RUN":"2",',
            '"RUN":"2","CURR_LATEST_PARTITION":"0","CURR_LATEST_PARTITIONS":"","INCLUDE_LIST":"",',
        )
    )
    assert BookmarkState.from_json(state.to_json()) == state
    assert pickle.loads(pickle.dumps(state)) == state


# -- extreme values -----------------------------------------------------------------------------


def unknown_bookmark(**fields: Any) -> str:
    return json.dumps({"jdbc": {"jsonClass": "JDBCDataSourceJobBookmarkState", **fields}})


def hadoop_bookmark_with(timestamps: dict[str, Any], **fields: Any) -> str:
    return json.dumps({"datasource0": {"jsonClass": HADOOP, "timestamps": timestamps, **fields}})


@pytest.mark.parametrize(
    ("raw", "ctx", "key"),
    [
        (unknown_bookmark(keys=nested(300)), "jdbc", "keys"),
        (hadoop_bookmark_with({"FUTURE": nested(300)}), "datasource0", "timestamps.FUTURE"),
        (hadoop_bookmark_with({}, extra=nested(300, leaf={})), "datasource0", "extra"),
        # One level past the limit, in each place: the source, `timestamps`, a value.
        (unknown_bookmark(keys=nested(MAX_DEPTH)), "jdbc", "keys"),
        (
            hadoop_bookmark_with({"FUTURE": nested(MAX_DEPTH - 1)}),
            "datasource0",
            "timestamps.FUTURE",
        ),
        (hadoop_bookmark_with({}, extra=nested(MAX_DEPTH)), "datasource0", "extra"),
    ],
)
def test_a_source_nested_too_deep_is_a_parse_error_naming_its_key(
    raw: str, ctx: str, key: str
) -> None:
    entry = JobBookmarkEntry(job_name="nightly", job_bookmark=raw)
    with pytest.raises(BookmarkParseError) as info:
        _ = entry.state
    assert (info.value.job_name, info.value.transformation_ctx, info.value.key) == (
        "nightly",
        ctx,
        key,
    )
    assert str(info.value) == (
        f"the JobBookmark of job 'nightly', source {ctx!r}, key {key}: "
        "nests objects and arrays more than 100 levels deep"
    )


@pytest.mark.parametrize(
    "raw",
    [
        unknown_bookmark(keys=nested(MAX_DEPTH - 1)),
        hadoop_bookmark_with({"FUTURE": nested(MAX_DEPTH - 2)}),
        hadoop_bookmark_with({}, extra=nested(MAX_DEPTH - 1)),
    ],
)
def test_a_source_nested_to_the_limit_reads_hashes_prints_and_writes_back(raw: str) -> None:
    state = BookmarkState.from_json(raw)
    assert hash(state) == hash(BookmarkState.from_json(raw))
    assert repr(state).startswith("BookmarkState(")
    assert BookmarkState.from_json(state.to_json()) == state
    assert pickle.loads(pickle.dumps(state)) == state


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00:00+01:00",
        "0001-01-01T00:59:59.999+01:00",
        "9999-12-31T23:59:59-01:00",
        "9999-12-31T23:00:00-23:59:59.999999",
    ],
)
def test_a_run_start_time_out_of_range_in_utc_is_a_parse_error(text: str) -> None:
    with pytest.raises(BookmarkParseError) as info:
        BookmarkState.from_json(hadoop_bookmark(CURR_RUN_START_TIME=text))
    assert str(info.value) == (
        "the JobBookmark, source 'datasource0', key timestamps.CURR_RUN_START_TIME: "
        f"{text!r} is out of range in UTC (years 1 to 9999)"
    )
    assert (info.value.transformation_ctx, info.value.key) == (
        "datasource0",
        "timestamps.CURR_RUN_START_TIME",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0001-01-01T00:00:00Z", datetime(1, 1, 1, tzinfo=UTC)),
        ("0001-01-01T01:00:00+01:00", datetime(1, 1, 1, tzinfo=UTC)),
        ("9999-12-31T23:59:59.999Z", datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)),
        ("9999-12-31T22:59:59-01:00", datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)),
    ],
)
def test_run_start_times_at_the_ends_of_the_range_round_trip(text: str, expected: datetime) -> None:
    state = BookmarkState.from_json(hadoop_bookmark(CURR_RUN_START_TIME=text))
    assert state["datasource0"] == HadoopSourceState(run_start_time=expected)
    assert BookmarkState.from_json(state.to_json()) == state


@pytest.mark.parametrize("number", ["1e400", "-1e400", "1" + "0" * 400 + ".0"])
def test_a_number_beyond_a_float_is_a_parse_error(number: str) -> None:
    raw = unknown_bookmark(max="NUMBER").replace('"NUMBER"', number)
    with pytest.raises(BookmarkParseError, match=f"the number {number} is out of a float's"):
        BookmarkState.from_json(raw)


def test_large_finite_numbers_and_long_integers_round_trip() -> None:
    raw = unknown_bookmark(max=1.7976931348623157e308, tiny=5e-324, big=10**4000)
    state = BookmarkState.from_json(raw)
    assert BookmarkState.from_json(state.to_json()) == state


ONE_HOUR_EAST = timezone(timedelta(hours=1))
ONE_HOUR_WEST = timezone(timedelta(hours=-1))


@pytest.mark.parametrize(
    ("kwargs", "parameter", "message"),
    [
        (
            {"run_start_time": datetime(1, 1, 1, tzinfo=ONE_HOUR_EAST)},
            "run_start_time",
            r"must be within datetime's range \(years 1 to 9999\) in UTC",
        ),
        (
            {"latest_partition": datetime(9999, 12, 31, 23, tzinfo=ONE_HOUR_WEST)},
            "latest_partition",
            "must be within datetime's range",
        ),
        ({"run": 10**5000}, "run", "no more digits than Python writes"),
        ({"run": -(10**5000)}, "run", "no more digits than Python writes"),
        (
            {"other_fields": {"deep": nested(MAX_DEPTH)}},
            "other_fields",
            r"other_fields\['deep'\] nests objects and arrays more than 100 levels deep",
        ),
        (
            {"other_timestamps": {"DEEP": nested(MAX_DEPTH - 1)}},
            "other_timestamps",
            r"other_timestamps\['DEEP'\] nests objects",
        ),
    ],
)
def test_building_a_state_refuses_values_it_could_not_write(
    kwargs: dict[str, Any], parameter: str, message: str
) -> None:
    with pytest.raises(InvalidParameterError, match=message) as info:
        HadoopSourceState(**kwargs)
    assert info.value.parameter == parameter


def test_building_an_unknown_state_refuses_one_nested_too_deep() -> None:
    with pytest.raises(InvalidParameterError, match=r"data\['keys'\] nests") as info:
        UnknownSourceState(json_class="X", data={"keys": nested(300)})
    assert info.value.parameter == "data"
    # A mapping nested to the limit, frozen by one state, cannot go deeper into another.
    within = UnknownSourceState(json_class="X", data={"keys": nested(MAX_DEPTH - 1)})
    with pytest.raises(InvalidParameterError, match=r"other_timestamps\['D'\] nests"):
        HadoopSourceState(other_timestamps={"D": within.data})


@settings(max_examples=150)
@given(extreme_bookmarks)
def test_extreme_values_give_a_state_or_a_parse_error(raw: str) -> None:
    try:
        state = BookmarkState.from_json(raw)
    except BookmarkParseError as exc:
        assert str(exc).startswith("the JobBookmark")
        return
    # What a state is used for works on any state that parsed.
    assert hash(state) == hash(BookmarkState.from_json(raw))
    assert repr(state)
    assert BookmarkState.from_json(state.to_json()) == state


# -- plain forms, for json.dumps ----------------------------------------------------------------


def test_every_models_plain_form_goes_through_json_dumps_and_back() -> None:
    from glue_bookmarks import JobBookmarkEntry

    jdbc = UnknownSourceState(
        json_class="JDBCDataSourceJobBookmarkState",
        data={"keys": {"id": [1, 2, {"deep": (3, 4)}]}, "flag": True},
    )
    hadoop = HadoopSourceState(run=3, include_list=("a1", "b2"), other_fields={"x": {"y": [1]}})
    state = BookmarkState({"orders": hadoop, "customers": jdbc})
    # The read-only mappings themselves are refused by json.dumps; their plain forms are not.
    with pytest.raises(TypeError):
        json.dumps(jdbc.data)
    plain_data = jdbc.data.to_dict()  # type: ignore[attr-defined]
    assert plain_data == {"jsonClass": jdbc.json_class, "keys": {"id": [1, 2, {"deep": [3, 4]}]},
                          "flag": True}  # fmt: skip
    assert json.loads(json.dumps(plain_data)) == plain_data
    assert json.loads(json.dumps(jdbc.to_dict())) == jdbc.to_dict()
    assert (
        UnknownSourceState(json_class=jdbc.json_class, data=json.loads(json.dumps(jdbc.to_dict())))
        == jdbc
    )
    assert BookmarkState.from_json(json.dumps(state.to_dict())) == state
    assert BookmarkState.from_json(json.dumps({"orders": hadoop.to_dict()}))["orders"] == hadoop
    assert state.to_dict() == json.loads(state.to_json())
    entry = JobBookmarkEntry(
        job_name="j", version=1, run=1, attempt=0, run_id="jr_1", job_bookmark=state.to_json()
    )
    assert JobBookmarkEntry.from_dict(json.loads(json.dumps(entry.to_dict()))) == entry


@pytest.mark.parametrize("listed", [",", "a,", ",a", "a,,b"])
def test_a_comma_list_with_an_empty_entry_is_a_parse_error(listed: str) -> None:
    # Found by the hypothesis test: ("", "") parsed from "," could not be written back.
    text = json.dumps(
        {"src": {"jsonClass": "HadoopDataSourceJobBookmarkState", "timestamps": {
            "INCLUDE_LIST": listed
        }}}
    )  # fmt: skip
    with pytest.raises(BookmarkParseError, match="INCLUDE_LIST"):
        BookmarkState.from_json(text)
