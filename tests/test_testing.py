"""The moto extension: bookmarks, runs, reset, rewind; in mock_aws(), moto server, as a CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import attrs
import boto3
import pytest
from moto import mock_aws
from moto.glue.responses import GlueResponse
from types_boto3_glue.client import GlueClient

from glue_bookmarks import (
    BookmarkParseError,
    BookmarkState,
    EntityNotFoundError,
    GlueBookmarks,
    HadoopSourceState,
    InvalidParameterError,
    JobBookmarkEntry,
    UnknownSourceState,
)
from glue_bookmarks.testing import (
    bookmark_calls,
    install,
    seed_job_bookmark,
    set_bookmark_state,
)
from tests.conftest import REGION, glue_client

BOOKMARK = '{"datasource0": {"jsonClass": "HadoopDataSourceJobBookmarkState"}}'


def create_job(client: GlueClient, name: str) -> None:
    client.create_job(Name=name, Role="etl-role", Command={"Name": "glueetl"})


def seed_nightly() -> JobBookmarkEntry:
    return seed_job_bookmark(
        "nightly",
        version=4,
        run=3,
        attempt=1,
        run_id="jr_3",
        previous_run_id="jr_2",
        job_bookmark=BOOKMARK,
    )


# -- in-process, mock_aws() ---------------------------------------------------------------------


def test_seeded_entry_is_returned(moto_glue: GlueClient) -> None:
    create_job(moto_glue, "nightly")
    seeded = seed_nightly()
    entry = GlueBookmarks(client=moto_glue).get_job_bookmark("nightly")
    assert entry == seeded
    assert entry == JobBookmarkEntry(
        job_name="nightly",
        version=4,
        run=3,
        attempt=1,
        run_id="jr_3",
        previous_run_id="jr_2",
        job_bookmark=BOOKMARK,
    )


def test_a_boto3_client_is_accepted(moto_glue: GlueClient) -> None:
    create_job(moto_glue, "nightly")
    seed_nightly()
    client = boto3.client("glue", region_name=REGION)
    assert GlueBookmarks(client=client).get_job_bookmark("nightly").version == 4


def test_optional_members_left_unset_are_absent_on_the_wire(moto_glue: GlueClient) -> None:
    create_job(moto_glue, "first")
    seed_job_bookmark("first")
    raw = moto_glue.get_job_bookmark(JobName="first")["JobBookmarkEntry"]
    assert dict(raw) == {"JobName": "first", "Version": 1, "Run": 1, "Attempt": 0}


def test_missing_job(moto_glue: GlueClient) -> None:
    with pytest.raises(EntityNotFoundError) as info:
        GlueBookmarks(client=moto_glue).get_job_bookmark("ghost")
    assert info.value.message == "Job ghost not found."
    assert info.value.status_code == 400


def test_job_without_bookmark(moto_glue: GlueClient) -> None:
    create_job(moto_glue, "never-ran")
    with pytest.raises(EntityNotFoundError) as info:
        GlueBookmarks(client=moto_glue).get_job_bookmark("never-ran")
    assert info.value.code == "EntityNotFoundException"
    assert info.value.message == "Continuation for job never-ran not found"


def test_run_id(moto_glue: GlueClient) -> None:
    create_job(moto_glue, "nightly")
    seed_nightly()
    gb = GlueBookmarks(client=moto_glue)
    assert gb.get_job_bookmark("nightly", run_id="jr_3").run_id == "jr_3"
    with pytest.raises(EntityNotFoundError, match="Continuation for job nightly and run jr_1"):
        gb.get_job_bookmark("nightly", run_id="jr_1")


def test_seeding_again_replaces_the_entry(moto_glue: GlueClient) -> None:
    create_job(moto_glue, "nightly")
    seed_nightly()
    seed_job_bookmark("nightly", version=9, run=9)
    entry = GlueBookmarks(client=moto_glue).get_job_bookmark("nightly")
    assert (entry.version, entry.run, entry.run_id, entry.job_bookmark) == (9, 9, None, None)


def test_deleting_the_job_deletes_its_bookmark(moto_glue: GlueClient) -> None:
    create_job(moto_glue, "nightly")
    seed_nightly()
    moto_glue.delete_job(JobName="nightly")
    create_job(moto_glue, "nightly")
    with pytest.raises(EntityNotFoundError, match="Continuation for job nightly not found"):
        GlueBookmarks(client=moto_glue).get_job_bookmark("nightly")


def test_bookmarks_are_per_region(moto_glue: GlueClient) -> None:
    create_job(moto_glue, "nightly")
    seed_nightly()
    west = boto3.client("glue", region_name="eu-west-1")
    create_job(west, "nightly")
    with pytest.raises(EntityNotFoundError, match="Continuation"):
        GlueBookmarks(client=west).get_job_bookmark("nightly")
    seed_job_bookmark("nightly", version=1, region_name="eu-west-1")
    assert GlueBookmarks(client=west).get_job_bookmark("nightly").version == 1
    assert GlueBookmarks(client=moto_glue).get_job_bookmark("nightly").version == 4


def test_seed_region_defaults_to_botocores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-2")
    install()
    with mock_aws():
        client = boto3.client("glue")
        create_job(client, "nightly")
        seed_job_bookmark("nightly", version=2)
        assert GlueBookmarks(client=client).get_job_bookmark("nightly").version == 2


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
    moto_glue: GlueClient, kwargs: dict[str, object], message: str
) -> None:
    create_job(moto_glue, "nightly")
    with pytest.raises(InvalidParameterError, match=message):
        seed_job_bookmark(**kwargs)  # type: ignore[arg-type]


def test_raw_http_request_without_job_name_is_invalid_input(moto_server: str) -> None:
    request = urllib.request.Request(
        moto_server,
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


# -- moto server, over real HTTP ----------------------------------------------------------------


def test_server_mode(moto_server: str) -> None:
    client = glue_client(endpoint_url=moto_server)
    create_job(client, "nightly")
    create_job(client, "never-ran")
    seeded = seed_nightly()
    with GlueBookmarks(endpoint_url=moto_server, region_name=REGION) as gb:
        assert gb.get_job_bookmark("nightly") == seeded
        with pytest.raises(EntityNotFoundError) as info:
            gb.get_job_bookmark("never-ran")
    err = info.value
    assert err.message == "Continuation for job never-ran not found"
    assert err.status_code == 400
    assert err.request_id
    assert err.retryable is False


def test_server_reset_clears_bookmarks(moto_server: str) -> None:
    client = glue_client(endpoint_url=moto_server)
    create_job(client, "nightly")
    seed_nightly()
    reset = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    with urllib.request.urlopen(reset, timeout=10):
        pass
    create_job(client, "nightly")
    with (
        GlueBookmarks(endpoint_url=moto_server, region_name=REGION) as gb,
        pytest.raises(EntityNotFoundError, match="Continuation"),
    ):
        gb.get_job_bookmark("nightly")


# -- python -m glue_bookmarks.testing -----------------------------------------------------------


@pytest.fixture
def served_samples() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "glue_bookmarks.testing", "--port", "0", "--samples"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("moto Glue with job bookmarks on http://127.0.0.1:"), line
        yield line.split(" on ", 1)[1].split()[0]
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr


def test_cli_server_serves_sample_bookmarks(served_samples: str) -> None:
    with GlueBookmarks(endpoint_url=served_samples, region_name=REGION) as gb:
        entry = gb.get_job_bookmark("nightly-orders")
        assert (entry.version, entry.run) == (3, 3)
        assert entry.job_bookmark is not None
        assert "HadoopDataSourceJobBookmarkState" in entry.job_bookmark
        with pytest.raises(EntityNotFoundError, match="Continuation for job adhoc-backfill"):
            gb.get_job_bookmark("adhoc-backfill")


def test_cli_server_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "glue_bookmarks.testing", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert "--port" in result.stdout


# -- runs, reset and rewind: in mock_aws() and in moto server mode ------------------------------

ENABLE = {"--job-bookmark-option": "job-bookmark-enable"}
PAUSE = {"--job-bookmark-option": "job-bookmark-pause"}
DISABLE = {"--job-bookmark-option": "job-bookmark-disable"}
STATE = BookmarkState(
    {
        "datasource0": HadoopSourceState(
            run=2,
            high_band=timedelta(minutes=15),
            run_start_time=datetime(2024, 10, 28, 1, 32, 45, 613000, tzinfo=timezone.utc),
            include_list=("9f1c", "b2e4"),
        )
    }
)


@attrs.frozen
class Glue:
    """One way of reaching moto: a raw client for set-up and our facade over the same place."""

    client: GlueClient
    gb: GlueBookmarks

    def create_job(self, name: str, arguments: dict[str, str] | None = None) -> None:
        # Whether a moto run still counts as running is up to moto's state manager: allow
        # several at once, so no test depends on it.
        self.client.create_job(
            Name=name,
            Role="etl-role",
            Command={"Name": "glueetl"},
            DefaultArguments=arguments or {},
            ExecutionProperty={"MaxConcurrentRuns": 10},
        )

    def start(self, name: str, arguments: dict[str, str] | None = None) -> str:
        if arguments is None:
            return self.client.start_job_run(JobName=name)["JobRunId"]
        return self.client.start_job_run(JobName=name, Arguments=arguments)["JobRunId"]


@pytest.fixture(params=["mock_aws", "server"])
def glue(request: pytest.FixtureRequest) -> Iterator[Glue]:
    if request.param == "mock_aws":
        client = request.getfixturevalue("moto_glue")
        yield Glue(client, GlueBookmarks(client=client))
    else:
        endpoint = request.getfixturevalue("moto_server")
        with GlueBookmarks(endpoint_url=endpoint, region_name=REGION) as gb:
            yield Glue(glue_client(endpoint_url=endpoint), gb)


def test_enabled_runs_advance_the_bookmark(glue: Glue) -> None:
    glue.create_job("nightly", ENABLE)
    first = glue.start("nightly")
    entry = glue.gb.get_job_bookmark("nightly")
    assert entry == JobBookmarkEntry(
        job_name="nightly", version=1, run=1, attempt=0, run_id=first, job_bookmark=None
    )
    assert entry.state == {}
    set_bookmark_state("nightly", STATE)
    second = glue.start("nightly")
    entry = glue.gb.get_job_bookmark("nightly")
    assert (entry.version, entry.run, entry.attempt) == (2, 2, 0)
    assert (entry.previous_run_id, entry.run_id) == (first, second)
    assert entry.state == STATE
    assert entry.job_bookmark == STATE.to_json()
    assert bookmark_calls("nightly") == {
        "GetJobBookmark": 2,
        "ResetJobBookmark": 0,
        "StartJobRun": 2,
    }


def test_pause_keeps_and_disable_ignores(glue: Glue) -> None:
    glue.create_job("nightly", ENABLE)
    first = glue.start("nightly")
    glue.start("nightly", PAUSE)
    glue.start("nightly", DISABLE)
    entry = glue.gb.get_job_bookmark("nightly")
    assert (entry.version, entry.run, entry.run_id) == (1, 1, first)


def test_runs_without_the_option_record_nothing(glue: Glue) -> None:
    glue.create_job("nightly")
    glue.start("nightly")
    glue.start("nightly", PAUSE)
    with pytest.raises(EntityNotFoundError, match="Continuation for job nightly not found"):
        glue.gb.get_job_bookmark("nightly")
    glue.start("nightly", ENABLE)  # a run's arguments override the job's defaults
    assert glue.gb.get_job_bookmark("nightly").run == 1
    assert bookmark_calls("nightly")["StartJobRun"] == 3


def test_non_overridable_arguments_win(glue: Glue) -> None:
    glue.client.create_job(
        Name="locked",
        Role="etl-role",
        Command={"Name": "glueetl"},
        NonOverridableArguments=ENABLE,
        ExecutionProperty={"MaxConcurrentRuns": 10},
    )
    glue.start("locked", DISABLE)
    assert glue.gb.get_job_bookmark("locked").run == 1


def test_a_run_refused_by_moto_records_nothing(glue: Glue) -> None:
    # With no concurrent run allowed, moto refuses every run.
    glue.client.create_job(
        Name="none",
        Role="etl-role",
        Command={"Name": "glueetl"},
        DefaultArguments=ENABLE,
        ExecutionProperty={"MaxConcurrentRuns": 0},
    )
    with pytest.raises(glue.client.exceptions.ConcurrentRunsExceededException):
        glue.start("none")
    with pytest.raises(EntityNotFoundError, match="Continuation for job none not found"):
        glue.gb.get_job_bookmark("none")
    assert bookmark_calls("none")["StartJobRun"] == 1


def test_get_with_a_run_id_returns_that_runs_entry(glue: Glue) -> None:
    glue.create_job("nightly", ENABLE)
    first = glue.start("nightly")
    set_bookmark_state("nightly", '{"old": {"jsonClass": "JdbcState"}}')
    glue.start("nightly")
    entry = glue.gb.get_job_bookmark("nightly", run_id=first)
    assert (entry.run, entry.run_id) == (1, first)
    assert entry.state == BookmarkState(
        {"old": UnknownSourceState(json_class="JdbcState", data={"jsonClass": "JdbcState"})}
    )
    with pytest.raises(EntityNotFoundError, match="Continuation for job nightly and run jr_no"):
        glue.gb.get_job_bookmark("nightly", run_id="jr_no")


def test_reset_returns_the_old_entry_and_starts_over(glue: Glue) -> None:
    glue.create_job("nightly", ENABLE)
    first = glue.start("nightly")
    set_bookmark_state("nightly", STATE)
    second = glue.start("nightly")
    before = glue.gb.get_job_bookmark("nightly")
    assert glue.gb.reset_job_bookmark("nightly") == before
    with pytest.raises(EntityNotFoundError, match="Continuation for job nightly not found"):
        glue.gb.get_job_bookmark("nightly")
    with pytest.raises(EntityNotFoundError, match="Continuation for job nightly not found"):
        glue.gb.get_job_bookmark("nightly", run_id=second)
    third = glue.start("nightly")
    after = glue.gb.get_job_bookmark("nightly")
    assert (after.version, after.run, after.previous_run_id, after.run_id) == (1, 1, None, third)
    assert after.state == {}
    assert first != third
    assert bookmark_calls("nightly") == {
        "GetJobBookmark": 4,
        "ResetJobBookmark": 1,
        "StartJobRun": 3,
    }


def test_rewind_restores_a_previous_runs_state(glue: Glue) -> None:
    glue.create_job("nightly", ENABLE)
    first = glue.start("nightly")
    set_bookmark_state("nightly", STATE)
    glue.start("nightly")
    set_bookmark_state("nightly", "{}")
    third = glue.start("nightly")
    rewound = glue.gb.reset_job_bookmark("nightly", run_id=first)
    assert (rewound.version, rewound.run, rewound.run_id) == (4, 1, first)
    assert rewound.state == STATE
    assert glue.gb.get_job_bookmark("nightly") == rewound
    # Later runs stay recorded, and the next run carries the rewound state on.
    assert glue.gb.get_job_bookmark("nightly", run_id=third).run == 3
    fourth = glue.start("nightly")
    entry = glue.gb.get_job_bookmark("nightly")
    assert (entry.version, entry.run, entry.previous_run_id, entry.run_id) == (5, 2, first, fourth)
    assert entry.state == STATE


@pytest.mark.parametrize("run_id", [None, "jr_unknown"])
def test_reset_errors(glue: Glue, run_id: str | None) -> None:
    glue.create_job("never-ran")
    with pytest.raises(EntityNotFoundError, match="Continuation for job never-ran not found"):
        glue.gb.reset_job_bookmark("never-ran", run_id=run_id)
    with pytest.raises(EntityNotFoundError, match="Job ghost not found"):
        glue.gb.reset_job_bookmark("ghost", run_id=run_id)
    glue.create_job("nightly", ENABLE)
    glue.start("nightly")
    if run_id is not None:
        with pytest.raises(EntityNotFoundError) as info:
            glue.gb.reset_job_bookmark("nightly", run_id=run_id)
        assert info.value.message == "Continuation for job nightly and run jr_unknown not found"
        assert glue.gb.get_job_bookmark("nightly").run == 1  # a failed rewind changes nothing


def test_set_bookmark_state_needs_a_bookmark(glue: Glue) -> None:
    glue.create_job("never-ran")
    with pytest.raises(InvalidParameterError, match="has no bookmark yet") as info:
        set_bookmark_state("never-ran", STATE)
    assert info.value.parameter == "job_name"
    with pytest.raises(InvalidParameterError, match="job_bookmark must be a BookmarkState"):
        set_bookmark_state("never-ran", {"datasource0": {}})  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="ghost"):
        bookmark_calls("ghost")


def test_a_raw_string_is_stored_as_given(glue: Glue) -> None:
    glue.create_job("nightly", ENABLE)
    glue.start("nightly")
    assert set_bookmark_state("nightly", "not json").job_bookmark == "not json"
    entry = glue.gb.get_job_bookmark("nightly")
    assert entry.job_bookmark == "not json"
    with pytest.raises(BookmarkParseError, match="job 'nightly'"):
        _ = entry.state
