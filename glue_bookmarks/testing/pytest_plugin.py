"""pytest fixtures for tests against moto's Glue with job bookmarks (`testing` extra).

pytest loads this plugin by itself wherever glue-bookmarks is installed (the `pytest11` entry
point), with or without the extra, so it imports nothing beyond glue-bookmarks itself: moto is
imported only when a test uses one of the fixtures.

- `glue_moto_client`: a botocore Glue client inside `mock_aws()`, with the extension installed.
- `glue_moto_server_url`: the URL of a moto server with the extension on 127.0.0.1, one server
  for the whole session, reset after each test.

Both set dummy AWS credentials and region `us-east-1`, and keep the machine's AWS profile,
config files and endpoint URLs out, for the duration of the test; every request goes to moto.
"""

from __future__ import annotations

import os
import threading
import urllib.request
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

import botocore.session
import pytest

from glue_bookmarks.testing._moto import FALLBACK_REGION, install
from glue_bookmarks.testing._server import CannotServeError, listen, make_server

if TYPE_CHECKING:
    from botocore.client import BaseClient

__all__ = ["glue_moto_client", "glue_moto_server_url"]

_REGION: Final = FALLBACK_REGION
# How often the server checks for the stop request at the end of the session.
_POLL_INTERVAL: Final = 0.05
# Settings that could send a request elsewhere than moto, or fail it before it is sent.
_UNSET: Final = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_GLUE",
)
# moto accepts any credentials; these only let botocore sign requests.
_DUMMY_SETTINGS: Final = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": _REGION,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


def _use_dummy_aws_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _UNSET:
        monkeypatch.delenv(name, raising=False)
    for name, value in _DUMMY_SETTINGS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def glue_moto_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[BaseClient]:
    """A botocore Glue client on an in-process moto, with job bookmarks.

    moto's state starts empty and is dropped after the test (`mock_aws()`). Dummy
    credentials and region `us-east-1` are set for the duration of the test.

    Yields:
        A botocore Glue client in `us-east-1`.

    Raises:
        ImportError: moto is not installed (`pip install 'glue-bookmarks[testing]'`).
    """
    _use_dummy_aws_settings(monkeypatch)
    install()
    from moto import mock_aws

    with mock_aws():
        yield botocore.session.Session().create_client("glue", region_name=_REGION)


@pytest.fixture(scope="session")
def _glue_moto_server() -> Iterator[str]:
    """One moto server for the session, with the extension's HTTP routes (as the server
    command serves them)."""
    install()
    try:
        with listen("127.0.0.1", 0) as listener:
            server = make_server(listener, "127.0.0.1")
    except CannotServeError as exc:
        raise ImportError(str(exc)) from None
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": _POLL_INTERVAL},
        name="glue-moto-server",
        daemon=True,
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        server.server_close()


def _reset(url: str) -> None:
    # Straight to 127.0.0.1: an HTTP proxy from the environment has no business here.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    # `url` is the http://127.0.0.1 URL of the server this plugin started.
    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST")  # noqa: S310
    with opener.open(request, timeout=10):
        pass


@pytest.fixture
def glue_moto_server_url(_glue_moto_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The URL of a moto server on 127.0.0.1 with job bookmarks, such as `http://127.0.0.1:PORT`.

    One server serves the whole session, in this process, so `seed_job_bookmark()` and the
    other `glue_bookmarks.testing` functions reach its jobs; it also answers the
    `POST /glue-bookmarks/seed-job-bookmark` and `/glue-bookmarks/seed-job-run` routes, for
    code under test in another process. Everything in moto is reset
    after the test (`POST /moto-api/reset`). Dummy credentials and region `us-east-1` are set
    for the duration of the test.

    Yields:
        The endpoint URL, for `endpoint_url=` of any AWS client.

    Raises:
        ImportError: moto is not installed (`pip install 'glue-bookmarks[testing]'`).
    """
    _use_dummy_aws_settings(monkeypatch)
    try:
        yield _glue_moto_server
    finally:
        _reset(_glue_moto_server)
