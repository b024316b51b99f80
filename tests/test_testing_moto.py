"""The moto extension's Glue (`glue_bookmarks.testing._moto`): `install()` and the handlers of
GetJobBookmark, ResetJobBookmark, StartJobRun, GetJobRuns and GetJobRun, in `mock_aws()` and in
moto server mode."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from moto import mock_aws
from moto.glue.responses import GlueResponse
from types_boto3_glue.client import GlueClient

from glue_bookmarks import (
    BookmarkState,
    EntityNotFoundError,
    GlueBookmarks,
    JobBookmarkEntry,
    UnknownSourceState,
)
from glue_bookmarks.testing import (
    bookmark_calls,
    install,
    seed_job_bookmark,
    set_bookmark_state,
)
from tests._support import (
    DISABLE,
    ENABLE,
    HADOOP_STATE,
    NIGHTLY_ENTRY,
    PAUSE,
    REGION,
    SEEDED_BOOKMARK,
    Moto,
    as_utc,
    create_job,
    glue_client,
    runs_of,
    seed_nightly,
)

# -- in-process, mock_aws() -----------------------------------------------------------------------


def test_seeded_entry_is_returned(glue_moto_client: GlueClient) -> None:
    create_job(glue_moto_client, "nightly")
    seeded = seed_nightly()
    entry = GlueBookmarks(client=glue_moto_client).get_job_bookmark("nightly")
    assert entry == seeded == NIGHTLY_ENTRY


def test_a_boto3_client_is_accepted(glue_moto_client: GlueClient) -> None:
    create_job(glue_moto_client, "nightly")
    seed_nightly()
    client = boto3.client("glue", region_name=REGION)
    assert GlueBookmarks(client=client).get_job_bookmark("nightly").version == 4


def test_optional_members_left_unset_are_absent_on_the_wire(glue_moto_client: GlueClient) -> None:
    create_job(glue_moto_client, "first")
    seed_job_bookmark("first")
    raw = glue_moto_client.get_job_bookmark(JobName="first")["JobBookmarkEntry"]
    assert dict(raw) == {"JobName": "first", "Version": 1, "Run": 1, "Attempt": 0}


def test_missing_job(glue_moto_client: GlueClient) -> None:
    with pytest.raises(EntityNotFoundError) as info:
        GlueBookmarks(client=glue_moto_client).get_job_bookmark("ghost")
    assert info.value.message == "Job ghost not found."
    assert info.value.status_code == 400


def test_job_without_bookmark(glue_moto_client: GlueClient) -> None:
    create_job(glue_moto_client, "never-ran")
    with pytest.raises(EntityNotFoundError) as info:
        GlueBookmarks(client=glue_moto_client).get_job_bookmark("never-ran")
    assert info.value.code == "EntityNotFoundException"
    assert info.value.message == "Continuation for job never-ran not found"


def test_run_id(glue_moto_client: GlueClient) -> None:
    create_job(glue_moto_client, "nightly")
    seed_nightly()
    gb = GlueBookmarks(client=glue_moto_client)
    assert gb.get_job_bookmark("nightly", run_id="jr_3").run_id == "jr_3"
    with pytest.raises(EntityNotFoundError, match="Continuation for job nightly and run jr_1"):
        gb.get_job_bookmark("nightly", run_id="jr_1")


def test_deleting_the_job_deletes_its_bookmark(glue_moto_client: GlueClient) -> None:
    create_job(glue_moto_client, "nightly")
    seed_nightly()
    glue_moto_client.delete_job(JobName="nightly")
    create_job(glue_moto_client, "nightly")
    with pytest.raises(EntityNotFoundError, match="Continuation for job nightly not found"):
        GlueBookmarks(client=glue_moto_client).get_job_bookmark("nightly")


def test_bookmarks_are_per_region(glue_moto_client: GlueClient) -> None:
    create_job(glue_moto_client, "nightly")
    seed_nightly()
    west = boto3.client("glue", region_name="eu-west-1")
    create_job(west, "nightly")
    with pytest.raises(EntityNotFoundError, match="Continuation"):
        GlueBookmarks(client=west).get_job_bookmark("nightly")
    seed_job_bookmark("nightly", version=1, region_name="eu-west-1")
    assert GlueBookmarks(client=west).get_job_bookmark("nightly").version == 1
    assert GlueBookmarks(client=glue_moto_client).get_job_bookmark("nightly").version == 4


def test_moto_reset_clears_bookmarks() -> None:
    install()
    with mock_aws():
        create_job(glue_client(), "nightly")
        seed_nightly()
    with mock_aws():
        client = glue_client()
        create_job(client, "nightly")
        with pytest.raises(EntityNotFoundError, match="Continuation"):
            GlueBookmarks(client=client).get_job_bookmark("nightly")


def test_install_is_idempotent() -> None:
    install()
    handler = GlueResponse.get_job_bookmark  # type: ignore[attr-defined]
    install()
    assert GlueResponse.get_job_bookmark is handler  # type: ignore[attr-defined]


def test_raw_http_request_without_job_name_is_invalid_input(glue_moto_server_url: str) -> None:
    request = urllib.request.Request(
        glue_moto_server_url,
        data=b"{}",
        headers={
            "X-Amz-Target": "AWSGlue.GetJobBookmark",
            "Content-Type": "application/x-amz-json-1.1",
            "Authorization": (
                "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/glue/aws4_request"
            ),
        },
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=10)
    assert info.value.code == 400
    assert b"InvalidInputException" in info.value.read()


# -- moto server, over real HTTP ------------------------------------------------------------------


def test_server_mode(glue_moto_server_url: str) -> None:
    client = glue_client(endpoint_url=glue_moto_server_url)
    create_job(client, "nightly", "never-ran")
    seeded = seed_nightly()
    with GlueBookmarks(endpoint_url=glue_moto_server_url, region_name=REGION) as gb:
        assert gb.get_job_bookmark("nightly") == seeded
        with pytest.raises(EntityNotFoundError) as info:
            gb.get_job_bookmark("never-ran")
    err = info.value
    assert err.message == "Continuation for job never-ran not found"
    assert err.status_code == 400
    assert err.request_id
    assert err.retryable is False


def test_server_reset_clears_bookmarks(glue_moto_server_url: str) -> None:
    client = glue_client(endpoint_url=glue_moto_server_url)
    create_job(client, "nightly")
    seed_nightly()
    reset = urllib.request.Request(f"{glue_moto_server_url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(reset, timeout=10):
        pass
    create_job(client, "nightly")
    with (
        GlueBookmarks(endpoint_url=glue_moto_server_url, region_name=REGION) as gb,
        pytest.raises(EntityNotFoundError, match="Continuation"),
    ):
        gb.get_job_bookmark("nightly")


# -- runs, reset and rewind: in mock_aws() and in moto server mode --------------------------------


def test_enabled_runs_advance_the_bookmark(moto: Moto) -> None:
    moto.create_job("nightly", ENABLE)
    first = moto.start("nightly")
    entry = moto.gb.get_job_bookmark("nightly")
    assert entry == JobBookmarkEntry(
        job_name="nightly", version=1, run=1, attempt=0, run_id=first, job_bookmark=None
    )
    assert entry.state == {}
    set_bookmark_state("nightly", HADOOP_STATE)
    second = moto.start("nightly")
    entry = moto.gb.get_job_bookmark("nightly")
    assert (entry.version, entry.run, entry.attempt) == (2, 2, 0)
    assert (entry.previous_run_id, entry.run_id) == (first, second)
    assert entry.state == HADOOP_STATE
    assert entry.job_bookmark == HADOOP_STATE.to_json()
    assert bookmark_calls("nightly") == {
        "GetJobBookmark": 2,
        "ResetJobBookmark": 0,
        "StartJobRun": 2,
    }


def test_pause_keeps_and_disable_ignores(moto: Moto) -> None:
    moto.create_job("nightly", ENABLE)
    first = moto.start("nightly")
    moto.start("nightly", PAUSE)
    moto.start("nightly", DISABLE)
    entry = moto.gb.get_job_bookmark("nightly")
    assert (entry.version, entry.run, entry.run_id) == (1, 1, first)


def test_runs_without_the_option_record_nothing(moto: Moto) -> None:
    moto.create_job("nightly")
    moto.start("nightly")
    moto.start("nightly", PAUSE)
    with pytest.raises(EntityNotFoundError, match="Continuation for job nightly not found"):
        moto.gb.get_job_bookmark("nightly")
    moto.start("nightly", ENABLE)  # a run's arguments override the job's defaults
    assert moto.gb.get_job_bookmark("nightly").run == 1
    assert bookmark_calls("nightly")["StartJobRun"] == 3


def test_non_overridable_arguments_win(moto: Moto) -> None:
    moto.create_job("locked", NonOverridableArguments=ENABLE)
    moto.start("locked", DISABLE)
    assert moto.gb.get_job_bookmark("locked").run == 1


def test_a_run_refused_by_moto_records_nothing(moto: Moto) -> None:
    # With no concurrent run allowed, moto refuses every run.
    moto.create_job("none", ENABLE, ExecutionProperty={"MaxConcurrentRuns": 0})
    with pytest.raises(moto.client.exceptions.ConcurrentRunsExceededException):
        moto.start("none")
    with pytest.raises(EntityNotFoundError, match="Continuation for job none not found"):
        moto.gb.get_job_bookmark("none")
    assert bookmark_calls("none")["StartJobRun"] == 1


def test_get_with_a_run_id_returns_that_runs_entry(moto: Moto) -> None:
    moto.create_job("nightly", ENABLE)
    first = moto.start("nightly")
    set_bookmark_state("nightly", '{"old": {"jsonClass": "JdbcState"}}')
    moto.start("nightly")
    entry = moto.gb.get_job_bookmark("nightly", run_id=first)
    assert (entry.run, entry.run_id) == (1, first)
    assert entry.state == BookmarkState(
        {"old": UnknownSourceState(json_class="JdbcState", data={"jsonClass": "JdbcState"})}
    )
    with pytest.raises(EntityNotFoundError, match="Continuation for job nightly and run jr_no"):
        moto.gb.get_job_bookmark("nightly", run_id="jr_no")


def test_reset_returns_the_old_entry_and_starts_over(moto: Moto) -> None:
    moto.create_job("nightly", ENABLE)
    first = moto.start("nightly")
    set_bookmark_state("nightly", HADOOP_STATE)
    second = moto.start("nightly")
    before = moto.gb.get_job_bookmark("nightly")
    assert moto.gb.reset_job_bookmark("nightly") == before
    with pytest.raises(EntityNotFoundError, match="Continuation for job nightly not found"):
        moto.gb.get_job_bookmark("nightly")
    with pytest.raises(EntityNotFoundError, match="Continuation for job nightly not found"):
        moto.gb.get_job_bookmark("nightly", run_id=second)
    third = moto.start("nightly")
    after = moto.gb.get_job_bookmark("nightly")
    assert (after.version, after.run, after.previous_run_id, after.run_id) == (1, 1, None, third)
    assert after.state == {}
    assert first != third
    assert bookmark_calls("nightly") == {
        "GetJobBookmark": 4,
        "ResetJobBookmark": 1,
        "StartJobRun": 3,
    }


def test_rewind_restores_a_previous_runs_state(moto: Moto) -> None:
    moto.create_job("nightly", ENABLE)
    first = moto.start("nightly")
    set_bookmark_state("nightly", HADOOP_STATE)
    moto.start("nightly")
    set_bookmark_state("nightly", "{}")
    third = moto.start("nightly")
    rewound = moto.gb.reset_job_bookmark("nightly", run_id=first)
    assert (rewound.version, rewound.run, rewound.run_id) == (4, 1, first)
    assert rewound.state == HADOOP_STATE
    assert moto.gb.get_job_bookmark("nightly") == rewound
    # Later runs stay recorded, and the next run carries the rewound state on.
    assert moto.gb.get_job_bookmark("nightly", run_id=third).run == 3
    fourth = moto.start("nightly")
    entry = moto.gb.get_job_bookmark("nightly")
    assert (entry.version, entry.run, entry.previous_run_id, entry.run_id) == (5, 2, first, fourth)
    assert entry.state == HADOOP_STATE


@pytest.mark.parametrize("run_id", [None, "jr_unknown"])
def test_reset_errors(moto: Moto, run_id: str | None) -> None:
    moto.create_job("never-ran")
    with pytest.raises(EntityNotFoundError, match="Continuation for job never-ran not found"):
        moto.gb.reset_job_bookmark("never-ran", run_id=run_id)
    with pytest.raises(EntityNotFoundError, match="Job ghost not found"):
        moto.gb.reset_job_bookmark("ghost", run_id=run_id)
    moto.create_job("nightly", ENABLE)
    moto.start("nightly")
    if run_id is not None:
        with pytest.raises(EntityNotFoundError) as info:
            moto.gb.reset_job_bookmark("nightly", run_id=run_id)
        assert info.value.message == "Continuation for job nightly and run jr_unknown not found"
        assert moto.gb.get_job_bookmark("nightly").run == 1  # a failed rewind changes nothing


# -- runs as GetJobRuns and GetJobRun list them ---------------------------------------------------


NO_OPTION: dict[str, str] = {}


@pytest.mark.parametrize(
    ("defaults", "run", "locked", "advances"),
    [
        (ENABLE, NO_OPTION, NO_OPTION, True),
        (ENABLE, PAUSE, NO_OPTION, False),
        (ENABLE, DISABLE, NO_OPTION, False),
        (DISABLE, ENABLE, NO_OPTION, True),
        (PAUSE, ENABLE, NO_OPTION, True),
        (NO_OPTION, ENABLE, PAUSE, False),
        (DISABLE, DISABLE, ENABLE, True),
    ],
    ids=[
        "default-enable",
        "run-pause-over-default-enable",
        "run-disable-over-default-enable",
        "run-enable-over-default-disable",
        "run-enable-over-default-pause",
        "non-overridable-pause-over-run-enable",
        "non-overridable-enable-over-both",
    ],
)
def test_a_runs_option_overrides_the_jobs_default_and_non_overridable_wins(
    moto: Moto,
    defaults: dict[str, str],
    run: dict[str, str],
    locked: dict[str, str],
    advances: bool,
) -> None:
    moto.create_job("nightly", defaults, NonOverridableArguments=locked)
    seeded = seed_job_bookmark("nightly", run_id="jr_before", job_bookmark=SEEDED_BOOKMARK)
    run_id = moto.start("nightly", run)
    entry = moto.gb.get_job_bookmark("nightly")
    if advances:
        assert (entry.version, entry.run, entry.previous_run_id, entry.run_id) == (
            2,
            2,
            "jr_before",
            run_id,
        )
        assert entry.job_bookmark == SEEDED_BOOKMARK
    else:
        assert entry == seeded  # paused or disabled: the bookmark as it was
    # The run's arguments, as moto merged them, say which option was in effect.
    arguments = moto.client.get_job_run(JobName="nightly", RunId=run_id)["JobRun"]["Arguments"]
    expected = (ENABLE if advances else {**defaults, **run, **locked})["--job-bookmark-option"]
    assert arguments["--job-bookmark-option"] == expected


def test_the_bookmarks_run_ids_are_runs_moto_lists(moto: Moto) -> None:
    moto.create_job("nightly", ENABLE)
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    first = moto.start("nightly")
    second = moto.start("nightly")
    after = datetime.now(timezone.utc) + timedelta(seconds=1)
    entry = moto.gb.get_job_bookmark("nightly")
    runs = runs_of(moto.client, "nightly")
    assert list(runs) == [first, second]
    assert (entry.previous_run_id, entry.run_id) == (first, second)
    for run_id, run in runs.items():
        assert run["JobName"] == "nightly"
        assert run["JobRunState"] == "SUCCEEDED"
        assert before <= as_utc(run["StartedOn"]) <= after
        single = moto.client.get_job_run(JobName="nightly", RunId=run_id)["JobRun"]
        assert (single["Id"], single["JobRunState"]) == (run_id, "SUCCEEDED")


# -- a paused run's window: --job-bookmark-from and --job-bookmark-to -----------------------------


def window(from_run: str, to_run: str, option: str = "job-bookmark-pause") -> dict[str, str]:
    return {
        "--job-bookmark-option": option,
        "--job-bookmark-from": from_run,
        "--job-bookmark-to": to_run,
    }


def test_a_paused_run_over_a_window_leaves_the_bookmark(moto: Moto) -> None:
    moto.create_job("nightly", ENABLE)
    first, second = moto.start("nightly"), moto.start("nightly")
    before = moto.gb.get_job_bookmark("nightly")
    run_id = moto.start("nightly", window(first, second))
    assert moto.gb.get_job_bookmark("nightly") == before
    run = moto.client.get_job_run(JobName="nightly", RunId=run_id)["JobRun"]
    assert run["JobRunState"] == "SUCCEEDED"
    assert "ErrorMessage" not in run


@pytest.mark.parametrize("which", ["--job-bookmark-from", "--job-bookmark-to"])
def test_a_window_that_names_no_run_of_the_job_fails_the_run(moto: Moto, which: str) -> None:
    moto.create_job("nightly", ENABLE)
    moto.create_job("other", ENABLE)
    first, second = moto.start("nightly"), moto.start("nightly")
    elsewhere = moto.start("other")  # a run, but of another job
    before = moto.gb.get_job_bookmark("nightly")
    arguments = {**window(first, second), which: elsewhere}

    run_id = moto.start("nightly", arguments)  # accepted, as Glue accepts any arguments

    assert moto.gb.get_job_bookmark("nightly") == before
    for run in (
        moto.client.get_job_run(JobName="nightly", RunId=run_id)["JobRun"],
        runs_of(moto.client, "nightly")[run_id],
    ):
        assert run["JobRunState"] == "FAILED"
        assert run["ErrorMessage"] == f"{which} {elsewhere} is not a run of job nightly"
    assert bookmark_calls("nightly")["StartJobRun"] == 3


def test_a_window_is_read_only_with_pause(moto: Moto) -> None:
    moto.create_job("nightly", ENABLE)
    moto.start("nightly")
    run_id = moto.start("nightly", window("jr_no", "jr_none", option="job-bookmark-enable"))
    assert moto.gb.get_job_bookmark("nightly").run_id == run_id  # it ran, and committed
    run = moto.client.get_job_run(JobName="nightly", RunId=run_id)["JobRun"]
    assert run["JobRunState"] == "SUCCEEDED"
