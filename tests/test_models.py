"""JobBookmarkEntry: defaults, wire form, round trips and strict structuring."""

from __future__ import annotations

import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from glue_bookmarks import InvalidParameterError, JobBookmarkEntry, ResponseValidationError
from glue_bookmarks._entry import _cattrs, entry_from_response
from tests._support import modules_imported_by

FULL_WIRE: dict[str, Any] = {
    "JobName": "nightly-orders",
    "Version": 3,
    "Run": 3,
    "Attempt": 1,
    "PreviousRunId": "jr_2",
    "RunId": "jr_3",
    "JobBookmark": '{"datasource0": {"jsonClass": "HadoopDataSourceJobBookmarkState"}}',
}


def response(entry: object, **metadata: Any) -> dict[str, Any]:
    meta = {"RequestId": "req-1", "HTTPStatusCode": 200, **metadata}
    return {"JobBookmarkEntry": entry, "ResponseMetadata": meta}


def test_full_wire_entry() -> None:
    entry = JobBookmarkEntry.from_dict(FULL_WIRE)
    assert entry == JobBookmarkEntry(
        job_name="nightly-orders",
        version=3,
        run=3,
        attempt=1,
        previous_run_id="jr_2",
        run_id="jr_3",
        job_bookmark=FULL_WIRE["JobBookmark"],
    )
    assert entry.to_dict() == FULL_WIRE


def test_absent_members_read_as_the_model_defaults() -> None:
    entry = JobBookmarkEntry.from_dict({"JobName": "first-run"})
    assert (entry.version, entry.run, entry.attempt) == (0, 0, 0)
    assert entry.previous_run_id is None
    assert entry.run_id is None
    assert entry.job_bookmark is None
    assert entry.to_dict() == {"JobName": "first-run", "Version": 0, "Run": 0, "Attempt": 0}


def test_unknown_keys_are_ignored() -> None:
    entry = JobBookmarkEntry.from_dict({**FULL_WIRE, "SomethingNew": [1, 2]})
    assert entry == JobBookmarkEntry.from_dict(FULL_WIRE)


def test_raw_bookmark_string_is_kept_byte_for_byte() -> None:
    raw = '{ "a" :\t1 }  '
    assert JobBookmarkEntry.from_dict({"JobName": "j", "JobBookmark": raw}).job_bookmark == raw


def test_entry_is_frozen_keyword_only_and_pickles() -> None:
    entry = JobBookmarkEntry.from_dict(FULL_WIRE)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        entry.version = 4  # type: ignore[misc]
    with pytest.raises(TypeError):
        JobBookmarkEntry("positional")  # type: ignore[call-arg]
    assert pickle.loads(pickle.dumps(entry)) == entry


@pytest.mark.parametrize(
    ("wire", "message"),
    [
        ({}, "JobBookmarkEntry.JobName is missing"),
        ({"JobName": "j", "Version": "3"}, "JobBookmarkEntry.Version expected an integer, got str"),
        ({"JobName": "j", "Run": True}, "JobBookmarkEntry.Run expected an integer, got bool"),
        (
            {"JobName": "j", "Attempt": 1.0},
            "JobBookmarkEntry.Attempt expected an integer, got float",
        ),
        ({"JobName": 7}, "JobBookmarkEntry.JobName expected a string, got int"),
        ({"JobName": "j", "RunId": ["x"]}, "JobBookmarkEntry.RunId expected a string, got list"),
        ([1], "JobBookmarkEntry expected an object, got list"),
    ],
)
def test_from_dict_rejects_wrong_shapes_naming_the_key(wire: Any, message: str) -> None:
    with pytest.raises(InvalidParameterError, match="not a valid JobBookmarkEntry") as info:
        JobBookmarkEntry.from_dict(wire)
    assert str(info.value) == f"not a valid JobBookmarkEntry: {message}"
    assert info.value.parameter == "data"


def test_every_wrong_field_is_named() -> None:
    with pytest.raises(InvalidParameterError) as info:
        JobBookmarkEntry.from_dict({"JobName": "j", "Version": "1", "JobBookmark": 5})
    assert "JobBookmarkEntry.Version" in str(info.value)
    assert "JobBookmarkEntry.JobBookmark" in str(info.value)


def test_response_without_job_name_carries_the_requested_name() -> None:
    entry = entry_from_response(
        response({"Version": 2}), job_name="asked-for", operation_name="GetJobBookmark"
    )
    assert entry.job_name == "asked-for"
    assert entry.version == 2


def test_response_field_of_wrong_type_is_a_response_validation_error() -> None:
    with pytest.raises(ResponseValidationError) as info:
        entry_from_response(
            response({"JobName": "j", "Version": "7"}),
            job_name="j",
            operation_name="GetJobBookmark",
        )
    err = info.value
    assert err.field == "JobBookmarkEntry.Version"
    assert err.request_id == "req-1"
    assert err.status_code == 200
    assert err.operation_name == "GetJobBookmark"
    assert "JobBookmarkEntry.Version expected an integer, got str" in str(err)


def test_response_without_entry_is_a_response_validation_error() -> None:
    with pytest.raises(ResponseValidationError, match="has no JobBookmarkEntry") as info:
        entry_from_response(
            {"ResponseMetadata": {"HTTPStatusCode": 200}},
            job_name="j",
            operation_name="GetJobBookmark",
        )
    assert info.value.field == "JobBookmarkEntry"
    assert info.value.request_id is None


names = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFFFF, exclude_categories=["Cs"]),
    min_size=1,
    max_size=255,
)
counts = st.integers(min_value=0, max_value=2**63 - 1)
entries = st.builds(
    JobBookmarkEntry,
    job_name=names,
    version=counts,
    run=counts,
    attempt=counts,
    previous_run_id=st.none() | names,
    run_id=st.none() | names,
    job_bookmark=st.none() | st.text(),
)


@given(entries)
def test_to_dict_round_trips(entry: JobBookmarkEntry) -> None:
    wire = entry.to_dict()
    assert JobBookmarkEntry.from_dict(wire) == entry
    assert None not in wire.values()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
wire_keys = st.sampled_from(
    ["JobName", "Version", "Run", "Attempt", "PreviousRunId", "RunId", "JobBookmark", "Other"]
)


@given(st.dictionaries(wire_keys, json_values) | json_values)
def test_any_answer_gives_an_entry_or_a_typed_error(wire: Any) -> None:
    try:
        entry = entry_from_response(response(wire), job_name="j", operation_name="GetJobBookmark")
    except ResponseValidationError as err:
        assert err.operation_name == "GetJobBookmark"
        assert err.field is not None
    else:
        assert isinstance(entry, JobBookmarkEntry)
        assert entry.job_name == (wire.get("JobName", "j"))


well_typed = st.fixed_dictionaries(
    {"JobName": names},
    optional={
        "Version": counts | json_values,
        "Run": counts,
        "Attempt": counts | st.booleans(),
        "PreviousRunId": st.none() | names | st.integers(),
        "RunId": st.none() | names,
        "JobBookmark": st.none() | st.text() | json_values,
        "Other": json_values,
    },
)


@given(well_typed | st.dictionaries(wire_keys, json_values))
def test_the_strict_check_agrees_with_cattrs(wire: dict[str, Any]) -> None:
    # Calls take the hand-written check; cattrs names the fields of what it refuses. Both
    # must accept and refuse the same entries, and build the same ones.
    cattrs_hooks = _cattrs()
    try:
        expected: JobBookmarkEntry | None = cattrs_hooks.structure_entry(wire, JobBookmarkEntry)
    except cattrs_hooks.validation_error:
        expected = None
    try:
        entry: JobBookmarkEntry | None = JobBookmarkEntry.from_dict(wire)
    except InvalidParameterError:
        entry = None
    assert entry == expected


def test_importing_and_calling_need_no_cattrs() -> None:
    code = "from glue_bookmarks import JobBookmarkEntry\n"
    code += "JobBookmarkEntry.from_dict({'JobName': 'j', 'Version': 1}).state\n"
    assert modules_imported_by(code, ("cattrs",)) == []
