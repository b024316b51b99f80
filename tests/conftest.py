"""Shared fixtures: dummy AWS settings, moto at both levels, botocore's Stubber, the fault
server, no waiting between retries.

Only fixtures (and the hook that loads the hypothesis profile) live here; the helpers and
constants the test modules share are in `tests/_support.py`.

moto, in-process and as a server, comes from our own pytest plugin's fixtures
(`glue_moto_client`, `glue_moto_server_url`), as it does for users; `moto` runs a test at both.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.stub import Stubber
from hypothesis import settings
from types_boto3_glue.client import GlueClient

from glue_bookmarks import AsyncGlueBookmarks, GlueBookmarks
from tests._support import (
    ACCESS_KEY,
    LEVELS,
    MOTO_LEVELS,
    ONE_ATTEMPT,
    REGION,
    SECRET_KEY,
    SESSION_TOKEN,
    Moto,
    Stubbed,
    aio_session,
    blocking,
    botocore_session,
    glue_client,
    share_data_loaders,
)
from tests.faults import FaultServer, fault_server


def pytest_configure(config: pytest.Config) -> None:
    # Before any test module is imported, so every botocore session shares the parsed models.
    share_data_loaders()
    # No per-example deadline: a busy CI machine must not turn a slow example into a failure.
    # Loaded before the test modules are imported, so their own `settings(...)` inherit it.
    settings.register_profile("glue-bookmarks", deadline=None)
    settings.load_profile("glue-bookmarks")


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials and region; nothing read from the machine's own AWS set-up."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "MOTO_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(params=MOTO_LEVELS)
def moto(request: pytest.FixtureRequest) -> Iterator[Moto]:
    """moto with the bookmark extension, in-process (`glue_moto_client`) and as a server on
    127.0.0.1 (`glue_moto_server_url`): each test that takes it runs at both."""
    if request.param == "mock_aws":
        client = request.getfixturevalue("glue_moto_client")
        yield Moto(client, GlueBookmarks(client=client), None)
        return
    url = request.getfixturevalue("glue_moto_server_url")
    with GlueBookmarks(session=botocore_session(), endpoint_url=url, region_name=REGION) as gb:
        yield Moto(glue_client(endpoint_url=url), gb, url)


@pytest.fixture
def glue(glue_moto_server_url: str) -> GlueClient:
    """A botocore Glue client on the plugin's moto server, to create jobs with."""
    return glue_client(glue_moto_server_url)


@pytest.fixture
def stubbed() -> Iterator[Stubbed]:
    """A GlueBookmarks whose client answers from botocore's `Stubber` (active for the test),
    and the stubber; every answer queued must have been asked for by the end."""
    client = glue_client()
    with Stubber(client) as stubber:
        yield GlueBookmarks(client=client), stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def faults() -> Iterator[FaultServer]:
    """Our fault-injecting Glue endpoint on 127.0.0.1."""
    with fault_server() as server:
        yield server


@pytest.fixture
def http_bookmarks(faults: FaultServer) -> Iterator[GlueBookmarks]:
    """A GlueBookmarks talking to the fault server, one attempt per call."""
    with GlueBookmarks(
        session=botocore_session(), endpoint_url=faults.url, region_name=REGION, config=ONE_ATTEMPT
    ) as gb:
        yield gb


@pytest.fixture(params=LEVELS)
def contract_bookmarks(
    request: pytest.FixtureRequest, faults: FaultServer
) -> Iterator[GlueBookmarks]:
    """The fault server's client at each level: `http_bookmarks`, and the same settings in an
    `AsyncGlueBookmarks` driven through `blocking()`."""
    if request.param == "sync":
        yield request.getfixturevalue("http_bookmarks")
        return
    client = AsyncGlueBookmarks(
        session=aio_session(), endpoint_url=faults.url, region_name=REGION, config=ONE_ATTEMPT
    )
    with blocking(client) as gb:
        yield gb


@pytest.fixture
def backoff_delays(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Skip botocore's retry back-off, recording each delay it asked for."""
    import types

    import botocore.endpoint

    delays: list[float] = []
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=delays.append))
    return delays


@pytest.fixture
def retry_delays(backoff_delays: list[float], monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """No waiting between attempts in any retry mode; records each back-off botocore asked for.

    Beyond the back-off sleep (`backoff_delays`), adaptive mode's client-side rate limiter
    waits for a token after a throttling answer (up to seconds, on a `threading.Condition`
    in `botocore.retries.bucket.TokenBucket`). The limiter's clock here leaps 100 s at every
    reading, so the bucket has always refilled and nobody waits; its logic still runs.
    """
    import itertools
    import time

    from botocore.retries import bucket

    readings = itertools.count(time.time(), 100.0)
    monkeypatch.setattr(bucket.Clock, "current_time", lambda self: next(readings))
    return backoff_delays
