"""Shared fixtures: dummy AWS settings, the fault server, moto in-process and moto server."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import botocore.session
import pytest
from botocore.config import Config
from hypothesis import settings
from moto import mock_aws
from moto.server import ThreadedMotoServer
from types_boto3_glue.client import GlueClient

from glue_bookmarks import (
    AccessDeniedError,
    EntityNotFoundError,
    GlueBookmarks,
    InternalServiceError,
    InvalidInputError,
    OperationTimeoutError,
    ServiceError,
    ThrottlingError,
    ValidationError,
)
from glue_bookmarks.testing import install
from tests.faults import FaultServer, fault_server

# No per-example deadline: a busy CI machine must not turn a slow example into a failure.
settings.register_profile("glue-bookmarks", deadline=None)
settings.load_profile("glue-bookmarks")

# Known dummy credentials, so tests can check that none of them leaks.
ACCESS_KEY = "AKIDGLUEBOOKMARKSTEST"
SECRET_KEY = "glueBookmarksTestSecretKey0123456789abcd"
SESSION_TOKEN = "glueBookmarksTestSessionToken0123456789"
REGION = "us-east-1"

# (AWS code, HTTP status, the class it maps to, retryable): every modelled GetJobBookmark error,
# the common ones, throttling by code and by 429, and unknown codes below and above 500.
ERROR_CASES: list[tuple[str, int, type[ServiceError], bool]] = [
    ("EntityNotFoundException", 400, EntityNotFoundError, False),
    ("InvalidInputException", 400, InvalidInputError, False),
    ("InternalServiceException", 500, InternalServiceError, True),
    ("OperationTimeoutException", 400, OperationTimeoutError, True),
    ("ValidationException", 400, ValidationError, False),
    ("ThrottlingException", 400, ThrottlingError, True),
    ("Throttling", 400, ThrottlingError, True),
    ("TooManyRequestsException", 429, ThrottlingError, True),
    ("AccessDeniedException", 403, AccessDeniedError, False),
    ("UnrecognizedClientException", 400, ServiceError, False),
    ("ServiceUnavailableException", 503, ServiceError, True),
]

# No retries and short timeouts: a fault is seen once, and quickly.
ONE_ATTEMPT = Config(
    retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=2, read_timeout=2
)


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
    with GlueBookmarks(endpoint_url=faults.url, region_name=REGION, config=ONE_ATTEMPT) as gb:
        yield gb


def glue_client(endpoint_url: str | None = None) -> GlueClient:
    """A plain botocore Glue client, as a user would build one."""
    client = botocore.session.Session().create_client(
        "glue", region_name=REGION, endpoint_url=endpoint_url
    )
    return cast(GlueClient, client)


@pytest.fixture
def moto_glue() -> Iterator[GlueClient]:
    """A botocore Glue client on an in-process moto with the bookmark extension."""
    install()
    with mock_aws():
        yield glue_client()


@pytest.fixture(scope="session")
def moto_server_endpoint() -> Iterator[str]:
    """One moto server with the bookmark extension on 127.0.0.1 for the whole session.

    Stopping a server takes half a second (werkzeug's shutdown poll), so tests share one
    and `moto_server` resets it after each.
    """
    install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def moto_server(moto_server_endpoint: str) -> Iterator[str]:
    """moto server with the bookmark extension on 127.0.0.1, reset after the test."""
    install()
    try:
        yield moto_server_endpoint
    finally:
        request = urllib.request.Request(f"{moto_server_endpoint}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass


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
