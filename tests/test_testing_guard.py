"""What the test server serves, and to whom (`glue_bookmarks.testing._guard`), over real HTTP:
moto's own API refused, only loopback Host names and no web pages' origins."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Response

from glue_bookmarks import EntityNotFoundError, GlueBookmarks
from glue_bookmarks.testing._guard import Guard
from tests._support import (
    GLUE_GET_JOBS,
    REGION,
    create_job,
    glue_client,
    http_request,
)

NOT_SERVED = (
    "is not served: the server answers AWS requests, POST /moto-api/reset and the seeding routes "
    "under /glue-bookmarks/"
)


def get_jobs(endpoint: str, **headers: str | None) -> tuple[int, dict[str, object]]:
    """A raw Glue `GetJobs` request with `headers` on top; the status and the JSON answer,
    without a null `NextToken` (which older moto writes)."""
    status, _, body = http_request(
        endpoint, "POST", "/", headers={**GLUE_GET_JOBS, **headers}, body=b"{}"
    )
    answer = json.loads(body)
    if isinstance(answer, dict) and answer.get("NextToken", ...) is None:
        del answer["NextToken"]
    return status, answer


def port_of(endpoint: str) -> int:
    port = urlsplit(endpoint).port
    assert port is not None
    return port


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/moto-api/recorder/upload-recording"),
        ("POST", "/moto-api/recorder/start-recording"),
        ("GET", "/moto-api/recorder/download-recording"),
        ("POST", "/moto-api/recorder/replay-recording"),
        ("GET", "/moto-api/data.json"),
        ("GET", "/moto-api/"),
        ("POST", "/moto-api/seed?a=42"),
        ("POST", "/moto-api/reset-auth"),
        ("POST", "/moto-api/state-manager/set-transition"),
        ("GET", "/moto-api//data.json"),
        ("GET", "/favicon.ico"),
        ("GET", "/latest/meta-data/iam/security-credentials/"),
        ("PUT", "/latest/api/token"),
    ],
)
def test_server_refuses_motos_own_api(
    glue_moto_server_url: str,
    method: str,
    path: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)  # the server runs in this process: its working directory
    status, headers, body = http_request(
        glue_moto_server_url, method, path, body=b'[{"recorded": "by a stranger"}]'
    )
    assert (status, headers["Content-Type"]) == (404, "application/json")
    answer = json.loads(body)
    assert answer == {"message": f"{path.split('?')[0]} {NOT_SERVED}", "parameter": None}
    assert list(cwd.iterdir()) == []


def test_server_does_not_record_requests(glue_moto_server_url: str) -> None:
    http_request(glue_moto_server_url, "POST", "/moto-api/recorder/start-recording")
    assert get_jobs(glue_moto_server_url)[0] == 200
    status, _, body = http_request(
        glue_moto_server_url, "GET", "/moto-api/recorder/download-recording"
    )
    assert status == 404
    assert b"Credential=" not in body


def test_server_resets_moto(glue_moto_server_url: str) -> None:
    create_job(glue_client(endpoint_url=glue_moto_server_url), "nightly")
    status, _, _ = http_request(glue_moto_server_url, "POST", "/moto-api/reset")
    assert status == 200
    assert get_jobs(glue_moto_server_url) == (200, {"Jobs": []})
    status, headers, body = http_request(glue_moto_server_url, "GET", "/moto-api/reset")
    assert (status, headers["Allow"]) == (405, "POST")
    assert json.loads(body) == {"message": "/moto-api/reset takes POST", "parameter": None}


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "localhost:{port}",
        "LocalHost:{port}",
        "127.0.0.1",
        "127.0.0.1:{port}",
        "127.8.9.10:80",
        "[::1]",
        "[::1]:{port}",
        "::1",
    ],
)
def test_server_answers_loopback_host_names(glue_moto_server_url: str, host: str) -> None:
    host = host.format(port=port_of(glue_moto_server_url))
    assert get_jobs(glue_moto_server_url, Host=host) == (200, {"Jobs": []})
    status, answer = get_jobs(glue_moto_server_url, Host=host, Origin=f"http://{host}")
    assert (status, answer) == (200, {"Jobs": []})


@pytest.mark.parametrize(
    "host",
    [
        "attacker.example",
        "attacker.example:{port}",
        "127.0.0.1.attacker.example:{port}",
        "localhost.attacker.example",
        "localhost:{port}@attacker.example",
        "0.0.0.0:{port}",
        "[::]:{port}",
        "192.0.2.1:{port}",
        "",
        None,
    ],
)
def test_server_refuses_other_host_names(glue_moto_server_url: str, host: str | None) -> None:
    # What a page sends once its DNS name answers 127.0.0.1 (DNS rebinding).
    if host is not None:
        host = host.format(port=port_of(glue_moto_server_url))
    status, answer = get_jobs(glue_moto_server_url, Host=host)
    assert status == 403
    assert answer == {
        "message": (
            f"the Host header must name a loopback address or the server's, got {host or ''!r}"
        ),
        "parameter": None,
    }
    create_job(glue_client(endpoint_url=glue_moto_server_url), "nightly")
    status, headers, _ = http_request(
        glue_moto_server_url,
        "POST",
        "/glue-bookmarks/seed-job-bookmark",
        headers={"Host": host, "Content-Type": "application/json"},
        body=b'{"job_name": "nightly"}',
    )
    assert (status, headers["Content-Type"]) == (403, "application/json")
    with (
        GlueBookmarks(endpoint_url=glue_moto_server_url, region_name=REGION) as gb,
        pytest.raises(EntityNotFoundError),
    ):
        gb.get_job_bookmark("nightly")  # nothing seeded


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/"),
        ("OPTIONS", "/"),  # a browser's preflight, which moto's CORS would allow
        ("POST", "/moto-api/reset"),
        ("POST", "/glue-bookmarks/seed-job-bookmark"),
    ],
)
@pytest.mark.parametrize(
    "origin", ["https://attacker.example", "null", "http://localhost.attacker.example"]
)
def test_server_refuses_web_pages(
    glue_moto_server_url: str, method: str, path: str, origin: str
) -> None:
    create_job(glue_client(endpoint_url=glue_moto_server_url), "nightly")
    status, _, body = http_request(
        glue_moto_server_url,
        method,
        path,
        headers={
            **GLUE_GET_JOBS,
            "Content-Type": "text/plain",
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
        },
        body=b'{"job_name": "nightly"}',
    )
    assert status == 403
    assert json.loads(body) == {
        "message": f"requests from web pages are not served; the Origin is {origin!r}",
        "parameter": None,
    }
    assert [job["Name"] for job in glue_client(glue_moto_server_url).get_jobs()["Jobs"]] == [
        "nightly"
    ]  # not reset


def test_server_answers_sdk_clients_at_localhost(glue_moto_server_url: str) -> None:
    url = f"http://localhost:{port_of(glue_moto_server_url)}"
    create_job(glue_client(endpoint_url=url), "nightly")
    with (
        GlueBookmarks(endpoint_url=url, region_name=REGION) as gb,
        pytest.raises(EntityNotFoundError, match="Continuation for job nightly not found"),
    ):
        gb.get_job_bookmark("nightly")


@pytest.mark.parametrize(
    ("bound", "host", "status"),
    [
        ("192.0.2.10", "192.0.2.10:5000", 200),
        ("192.0.2.10", "192.0.2.11:5000", 403),
        ("glue-moto.internal", "GLUE-MOTO.internal:5000", 200),
        ("2001:db8::10", "[2001:db8::10]:5000", 200),
        ("0.0.0.0", "0.0.0.0:5000", 403),  # noqa: S104 - the rule for a wildcard bind
        ("0.0.0.0", "127.0.0.1:5000", 200),  # noqa: S104
        ("::", "[::]:5000", 403),
    ],
)
def test_guard_also_answers_the_address_bound_on_purpose(
    bound: str, host: str, status: int
) -> None:
    # A test reaches no server bound elsewhere than loopback: the guard alone, over WSGI.
    client = Client(Guard(Response("served"), bound))
    answer = client.get("/", headers={"Host": host})
    assert answer.status_code == status
