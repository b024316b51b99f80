"""What a test calls to seed moto and read what it received (`glue_bookmarks.testing._bookmarks`):
`seed_job_bookmark`, `set_bookmark_state`, `seed_job_run`, `bookmark_calls`."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from moto import mock_aws
from types_boto3_glue.client import GlueClient

from glue_bookmarks import (
    BookmarkParseError,
    GlueBookmarks,
    InvalidParameterError,
)
from glue_bookmarks.testing import (
    bookmark_calls,
    install,
    seed_job_bookmark,
    seed_job_run,
    set_bookmark_state,
)
from glue_bookmarks.testing._bookmarks import JOB_RUN_STATES
from tests._support import (
    ENABLE,
    HADOOP_STATE,
    PAUSE,
    Moto,
    as_utc,
    botocore_session,
    create_job,
    runs_of,
    seed_nightly,
)

# -- seed_job_bookmark: in-process, mock_aws() ----------------------------------------------------


def test_seeding_again_replaces_the_entry(glue_moto_client: GlueClient) -> None:
    create_job(glue_moto_client, "nightly")
    seed_nightly()
    seed_job_bookmark("nightly", version=9, run=9)
    entry = GlueBookmarks(client=glue_moto_client).get_job_bookmark("nightly")
    assert (entry.version, entry.run, entry.run_id, entry.job_bookmark) == (9, 9, None, None)


def test_seed_region_defaults_to_botocores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-2")
    install()
    with mock_aws():
        client = boto3.client("glue")
        create_job(client, "nightly")
        seed_job_bookmark("nightly", version=2)
        assert GlueBookmarks(client=client).get_job_bookmark("nightly").version == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"job_name": "ghost"}, "no Glue job 'ghost' in account 123456789012, region us-east-1"),
        ({"job_name": "nightly", "account_id": "111122223333"}, "account 111122223333"),
        ({"job_name": "nightly", "region_name": "mars-north-1"}, "no Glue region 'mars-north-1'"),
        ({"job_name": "nightly", "version": -1}, "version must be a non-negative int"),
        ({"job_name": "nightly", "run": "3"}, "run must be a non-negative int"),
        ({"job_name": "nightly", "attempt": True}, "attempt must be a non-negative int"),
        ({"job_name": "nightly", "run_id": ""}, "run_id must be 1 to 255"),
        (
            {"job_name": "nightly", "job_bookmark": {"a": 1}},
            "job_bookmark must be a BookmarkState, a str or None",
        ),
        ({"job_name": ""}, "job_name must be 1 to 255"),
    ],
)
def test_seed_rejects_bad_input(
    glue_moto_client: GlueClient, kwargs: dict[str, object], message: str
) -> None:
    create_job(glue_moto_client, "nightly")
    with pytest.raises(InvalidParameterError, match=message):
        seed_job_bookmark(**kwargs)  # type: ignore[arg-type]


# -- set_bookmark_state: in mock_aws() and in moto server mode ------------------------------------


def test_set_bookmark_state_needs_a_bookmark(moto: Moto) -> None:
    moto.create_job("never-ran")
    with pytest.raises(InvalidParameterError, match="has no bookmark yet") as info:
        set_bookmark_state("never-ran", HADOOP_STATE)
    assert info.value.parameter == "job_name"
    with pytest.raises(InvalidParameterError, match="job_bookmark must be a BookmarkState"):
        set_bookmark_state("never-ran", {"datasource0": {}})  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="ghost"):
        bookmark_calls("ghost")


def test_a_raw_string_is_stored_as_given(moto: Moto) -> None:
    moto.create_job("nightly", ENABLE)
    moto.start("nightly")
    assert set_bookmark_state("nightly", "not json").job_bookmark == "not json"
    entry = moto.gb.get_job_bookmark("nightly")
    assert entry.job_bookmark == "not json"
    with pytest.raises(BookmarkParseError, match="job 'nightly'"):
        _ = entry.state


# -- seed_job_run: in mock_aws() and in moto server mode ------------------------------------------


def test_seeded_runs_are_listed_as_seeded(moto: Moto) -> None:
    moto.create_job("nightly", ENABLE)
    monday = datetime(2024, 10, 28, 1, 32, 45, tzinfo=timezone.utc)
    seeded = {
        "jr_failed": seed_job_run("nightly", run_id="jr_failed", started_on=monday, state="FAILED"),
        # Any zone is accepted, and answered in UTC.
        "jr_running": seed_job_run(
            "nightly",
            run_id="jr_running",
            started_on=datetime(2024, 10, 29, 3, 0, tzinfo=timezone(timedelta(hours=2))),
            state="RUNNING",
            arguments={"--day": "tuesday"},
        ),
    }
    assert seeded == {"jr_failed": "jr_failed", "jr_running": "jr_running"}
    generated = seed_job_run("nightly", started_on=monday + timedelta(days=2))
    assert len(generated) == 67
    assert generated.startswith("jr_")
    for _ in range(2):  # moto's state manager does not move a seeded run on
        runs = runs_of(moto.client, "nightly")
        assert list(runs) == ["jr_failed", "jr_running", generated]
        assert [run["JobRunState"] for run in runs.values()] == ["FAILED", "RUNNING", "SUCCEEDED"]
        assert [as_utc(run["StartedOn"]) for run in runs.values()] == [
            monday,
            datetime(2024, 10, 29, 1, 0, tzinfo=timezone.utc),
            monday + timedelta(days=2),
        ]
    assert runs["jr_running"]["Arguments"] == {**ENABLE, "--day": "tuesday"}
    single = moto.client.get_job_run(JobName="nightly", RunId="jr_running")["JobRun"]
    assert single["JobRunState"] == "RUNNING"
    assert as_utc(single["StartedOn"]) == datetime(2024, 10, 29, 1, 0, tzinfo=timezone.utc)
    # Only the run that succeeded with bookmarks enabled committed one.
    entry = moto.gb.get_job_bookmark("nightly")
    assert (entry.version, entry.run, entry.run_id) == (1, 1, generated)
    assert bookmark_calls("nightly")["StartJobRun"] == 0


def test_seeded_runs_commit_bookmarks_to_rewind_to(moto: Moto) -> None:
    moto.create_job("nightly", ENABLE)
    day = datetime(2024, 10, 28, tzinfo=timezone.utc)
    first = seed_job_run("nightly", started_on=day, job_bookmark=HADOOP_STATE)
    seed_job_run("nightly", started_on=day + timedelta(days=1), state="FAILED")
    seed_job_run("nightly", started_on=day + timedelta(days=2), arguments=PAUSE)
    carried = seed_job_run("nightly", started_on=day + timedelta(days=3))
    latest = seed_job_run("nightly", started_on=day + timedelta(days=4), job_bookmark="{}")
    entry = moto.gb.get_job_bookmark("nightly")
    assert (entry.version, entry.run, entry.previous_run_id, entry.run_id) == (
        3,
        3,
        carried,
        latest,
    )
    assert entry.job_bookmark == "{}"
    assert moto.gb.get_job_bookmark("nightly", run_id=carried).state == HADOOP_STATE  # carried on
    rewound = moto.gb.reset_job_bookmark("nightly", run_id=first)
    assert (rewound.version, rewound.run, rewound.run_id) == (4, 1, first)
    assert rewound.state == HADOOP_STATE
    # A run started after the rewind follows on from it, among the seeded runs.
    after = moto.start("nightly")
    entry = moto.gb.get_job_bookmark("nightly")
    assert (entry.run, entry.previous_run_id, entry.run_id) == (2, first, after)
    assert list(runs_of(moto.client, "nightly"))[-1] == after


def test_a_seeded_run_ends_when_the_test_says(moto: Moto) -> None:
    moto.create_job("nightly", ENABLE)
    monday = datetime(2024, 10, 28, 1, 0, tzinfo=timezone.utc)
    lasted = moto.seed_job_run(
        "nightly",
        monday,
        completed_on=datetime(2024, 10, 28, 3, 30, tzinfo=timezone(timedelta(hours=2))),
    )
    instant = moto.seed_job_run("nightly", monday + timedelta(days=1))
    runs = runs_of(moto.client, "nightly")
    assert as_utc(runs[lasted]["CompletedOn"]) == monday + timedelta(minutes=30)
    assert as_utc(runs[lasted]["LastModifiedOn"]) == monday + timedelta(minutes=30)
    # By default a run ends as it starts.
    assert as_utc(runs[instant]["CompletedOn"]) == monday + timedelta(days=1)


def test_a_seeded_running_run_counts_against_max_concurrent_runs(moto: Moto) -> None:
    moto.create_job("nightly", ENABLE, ExecutionProperty={"MaxConcurrentRuns": 1})
    seed_job_run("nightly", started_on=datetime(2024, 1, 1, tzinfo=timezone.utc), state="RUNNING")
    with pytest.raises(moto.client.exceptions.ConcurrentRunsExceededException):
        moto.start("nightly")


def test_job_run_states_are_glues() -> None:
    model = botocore_session().get_service_model("glue")
    assert set(model.shape_for("JobRunState").enum) == JOB_RUN_STATES  # type: ignore[attr-defined]


MONDAY = datetime(2024, 10, 28, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("kwargs", "parameter", "message"),
    [
        ({"job_name": "ghost"}, "job_name", "no Glue job 'ghost'"),
        ({"job_name": ""}, "job_name", "job_name must be 1 to 255"),
        ({"started_on": "2024-10-28"}, "started_on", "started_on must be a datetime, got str"),
        ({"started_on": datetime(2024, 10, 28)}, "started_on", "must be timezone-aware"),
        (
            {"started_on": datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1)))},
            "started_on",
            "started_on must be within years 1 to 9999 in UTC, got 0001-01-01T00:00:00+01:00",
        ),
        (
            {"started_on": datetime(9999, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-1)))},
            "started_on",
            "started_on must be within years 1 to 9999 in UTC",
        ),
        ({"state": "DONE"}, "state", "state must be one of ERROR, EXPIRED, FAILED, RUNNING"),
        ({"run_id": "jr_taken"}, "run_id", "job 'nightly' already has a run 'jr_taken'"),
        ({"run_id": 7}, "run_id", "run_id must be a str"),
        ({"arguments": {"--n": 1}}, "arguments", "arguments must be a dict of str to str"),
        ({"job_bookmark": {"a": 1}}, "job_bookmark", "must be a BookmarkState, a str or None"),
        (
            {"state": "FAILED", "job_bookmark": None},
            "job_bookmark",
            "job_bookmark is committed only by a SUCCEEDED run with --job-bookmark-option "
            "job-bookmark-enable; this run is FAILED, with --job-bookmark-option "
            "job-bookmark-enable",
        ),
        (
            {"arguments": PAUSE, "job_bookmark": "{}"},
            "job_bookmark",
            "this run is SUCCEEDED, with --job-bookmark-option job-bookmark-pause",
        ),
        ({"completed_on": "2024-10-28"}, "completed_on", "completed_on must be a datetime"),
        ({"completed_on": datetime(2024, 10, 28)}, "completed_on", "must be timezone-aware"),
        (
            {"completed_on": MONDAY - timedelta(seconds=1)},
            "completed_on",
            "completed_on must not be before started_on, got 2024-10-27T23:59:59+00:00 before "
            "2024-10-28T00:00:00+00:00",
        ),
        ({"account_id": 123456789012}, "account_id", "account_id must be a str or None"),
        ({"region_name": "mars-north-1"}, "region_name", "no Glue region 'mars-north-1'"),
    ],
)
def test_seed_job_run_rejects_bad_input(
    glue_moto_client: GlueClient, kwargs: dict[str, Any], parameter: str, message: str
) -> None:
    create_job(glue_moto_client, "nightly", DefaultArguments=ENABLE)
    seed_job_run("nightly", run_id="jr_taken", started_on=MONDAY, state="FAILED")
    with pytest.raises(InvalidParameterError, match=re.escape(message)) as info:
        seed_job_run(**{"job_name": "nightly", "started_on": MONDAY, **kwargs})
    assert info.value.parameter == parameter
    assert list(runs_of(glue_moto_client, "nightly")) == ["jr_taken"]
