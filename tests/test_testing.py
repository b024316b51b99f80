"""The moto extension: GetJobBookmark in mock_aws(), in moto server mode, and as a CLI server."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws
from moto.glue.responses import GlueResponse
from types_boto3_glue.client import GlueClient

from glue_bookmarks import (
    EntityNotFoundError,
    GlueBookmarks,
    InvalidParameterError,
    JobBookmarkEntry,
)
from glue_bookmarks.testing import install, seed_job_bookmark
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
