"""Shared fixtures: dummy AWS settings, the fault server, no waiting between retries.

Only fixtures (and the hook that loads the hypothesis profile) live here; the helpers and
constants the test modules share are in `tests/_support.py`.

moto, in-process and as a server, comes from our own pytest plugin's fixtures
(`glue_moto_client`, `glue_moto_server_url`), as it does for users.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from glue_bookmarks import AsyncGlueBookmarks, GlueBookmarks
from tests._support import (
    ACCESS_KEY,
    LEVELS,
    ONE_ATTEMPT,
    REGION,
    SECRET_KEY,
    SESSION_TOKEN,
    aio_session,
    blocking,
    botocore_session,
)
from tests.faults import FaultServer, fault_server


def pytest_configure(config: pytest.Config) -> None:
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
