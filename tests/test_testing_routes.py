"""The seeding routes of a moto server (`glue_bookmarks.testing._routes`), over real HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glue_bookmarks import (
    EntityNotFoundError,
    GlueBookmarks,
)
from tests._support import (
    ENABLE,
    HADOOP_STATE,
    REGION,
    SEEDED_BOOKMARK,
    as_utc,
    create_job,
    glue_client,
    http_request,
    post_json,
    runs_of,
    seed_nightly,
)


def test_http_seed_job_bookmark(glue_moto_server_url: str) -> None:
    client = glue_client(endpoint_url=glue_moto_server_url)
    create_job(client, "nightly")
    body = {
        "job_name": "nightly",
        "version": 4,
        "run": 3,
        "attempt": 1,
        "run_id": "jr_3",
        "previous_run_id": "jr_2",
        "job_bookmark": {"datasource0": {"jsonClass": "HadoopDataSourceJobBookmarkState"}},
    }
    status, answer = post_json(glue_moto_server_url, "seed-job-bookmark", body)
    assert status == 200
    assert answer == {
        "JobBookmarkEntry": {
            "JobName": "nightly",
            "Version": 4,
            "Run": 3,
            "Attempt": 1,
            "RunId": "jr_3",
            "PreviousRunId": "jr_2",
            "JobBookmark": SEEDED_BOOKMARK,
        }
    }
    with GlueBookmarks(endpoint_url=glue_moto_server_url, region_name=REGION) as gb:
        assert gb.get_job_bookmark("nightly") == seed_nightly()


def test_http_seed_job_run(glue_moto_server_url: str) -> None:
    client = glue_client(endpoint_url=glue_moto_server_url)
    create_job(client, "nightly", DefaultArguments=ENABLE)
    status, answer = post_json(
        glue_moto_server_url,
        "seed-job-run",
        {"job_name": "nightly", "run_id": "jr_1", "started_on": "2024-10-28T01:32:45Z"},
    )
    assert (status, answer) == (200, {"JobRunId": "jr_1"})
    status, answer = post_json(
        glue_moto_server_url,
        "seed-job-run",
        {
            "job_name": "nightly",
            "started_on": "2024-10-29T03:00:00+02:00",
            "state": "SUCCEEDED",
            "arguments": {"--day": "tuesday"},
            "job_bookmark": HADOOP_STATE.to_json(),
            "account_id": None,
            "region_name": REGION,
        },
    )
    assert status == 200
    second = answer["JobRunId"]
    runs = runs_of(client, "nightly")
    assert list(runs) == ["jr_1", second]
    assert as_utc(runs[second]["StartedOn"]) == datetime(2024, 10, 29, 1, tzinfo=timezone.utc)
    assert runs[second]["Arguments"] == {**ENABLE, "--day": "tuesday"}
    with GlueBookmarks(endpoint_url=glue_moto_server_url, region_name=REGION) as gb:
        entry = gb.get_job_bookmark("nightly")
        assert (entry.run, entry.previous_run_id, entry.run_id) == (2, "jr_1", second)
        assert entry.state == HADOOP_STATE


@pytest.mark.parametrize(
    ("route", "body", "status", "message", "parameter"),
    [
        ("seed-job-run", b"{not json", 400, "the body must be a JSON object", None),
        ("seed-job-run", [1], 400, "the body must be a JSON object, got list", None),
        ("seed-job-run", {"job": "nightly"}, 400, "unknown field 'job'; the fields are", "job"),
        ("seed-job-run", {"started_on": "2024-10-28T00:00:00Z"}, 400, "job_name is required",
         "job_name"),
        ("seed-job-run", {"job_name": "nightly", "started_on": "monday"}, 400,
         "started_on must be an ISO 8601 date and time, got 'monday'", "started_on"),
        ("seed-job-run", {"job_name": "nightly", "started_on": "2024-10-28T00:00:00"}, 400,
         "started_on must be timezone-aware", "started_on"),
        ("seed-job-run", {"job_name": "nightly"}, 400, "started_on is required", "started_on"),
        ("seed-job-run", {"job_name": "nightly", "started_on": 1730078400}, 400,
         "started_on must be a datetime, got int", "started_on"),
        ("seed-job-run", {"job_name": "nightly", "started_on": "0001-01-01T00:00:00+01:00"}, 400,
         "started_on must be within years 1 to 9999 in UTC, got 0001-01-01T00:00:00+01:00",
         "started_on"),
        ("seed-job-run", {"job_name": "nightly", "started_on": "9999-12-31T23:30:00-01:00"}, 400,
         "started_on must be within years 1 to 9999 in UTC", "started_on"),
        ("seed-job-run", {"job_name": "nightly", "started_on": "99999-01-01T00:00:00Z"}, 400,
         "started_on must be an ISO 8601 date and time, got '99999-01-01T00:00:00Z'",
         "started_on"),
        ("seed-job-run", {"job_name": "nightly", "started_on": 10**400}, 400,
         "started_on must be a datetime, got int", "started_on"),
        ("seed-job-run", {"job_name": "nightly", "started_on": "2024-10-28T00:00:00Z",
         "completed_on": "later"}, 400,
         "completed_on must be an ISO 8601 date and time, got 'later'", "completed_on"),
        ("seed-job-run", {"job_name": "nightly", "started_on": "2024-10-28T00:00:00Z",
         "completed_on": "2024-10-27T00:00:00Z"}, 400,
         "completed_on must not be before started_on", "completed_on"),
        ("seed-job-run", b"[" * 100_000 + b"]" * 100_000, 400, "the body is nested too deeply",
         None),
        ("seed-job-run", b'{"job_name": "nightly", "started_on": "2024-10-28T00:00:00Z", '
         b'"arguments": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", 400,
         "the body is nested too deeply", None),
        ("seed-job-bookmark", b'{"job_name": "nightly", "job_bookmark": '
         + b'{"a": ' * 100_000 + b"null" + b"}" * 100_001, 400, "the body is nested too deeply",
         None),
        ("seed-job-run", {"job_name": "nightly", "started_on": "2024-10-28T00:00Z",
         "state": "FAILED", "job_bookmark": "{}"}, 400, "job_bookmark is committed only",
         "job_bookmark"),
        ("seed-job-bookmark", {"job_name": "ghost"}, 400, "moto has no Glue job 'ghost'",
         "job_name"),
        ("seed-job-bookmark", {"job_name": "nightly", "version": "2"}, 400,
         "version must be a non-negative int", "version"),
        ("seed-job-bookmark", {"job_name": "nightly", "account_id": 7}, 400,
         "account_id must be a str or None", "account_id"),
        ("seed-jobs", {"job_name": "nightly"}, 404,
         "no route /glue-bookmarks/seed-jobs; the routes are POST /glue-bookmarks/"
         "seed-job-bookmark, POST /glue-bookmarks/seed-job-run", None),
    ],
)  # fmt: skip
def test_http_seeding_refuses_bad_requests(
    glue_moto_server_url: str,
    route: str,
    body: object,
    status: int,
    message: str,
    parameter: str | None,
) -> None:
    create_job(glue_client(endpoint_url=glue_moto_server_url), "nightly", DefaultArguments=ENABLE)
    answer = post_json(glue_moto_server_url, route, body)
    assert answer[0] == status
    assert answer[1]["message"].startswith(message), answer
    assert answer[1]["parameter"] == parameter
    with (
        GlueBookmarks(endpoint_url=glue_moto_server_url) as gb,
        pytest.raises(EntityNotFoundError, match="Continuation for job nightly not found"),
    ):
        gb.get_job_bookmark("nightly")  # nothing seeded
    assert runs_of(glue_client(endpoint_url=glue_moto_server_url), "nightly") == {}


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None]
)
def test_http_seeding_takes_json_only(glue_moto_server_url: str, content_type: str | None) -> None:
    # A web page may send the first three to any address without asking first (CORS).
    create_job(glue_client(endpoint_url=glue_moto_server_url), "nightly")
    status, headers, body = http_request(
        glue_moto_server_url,
        "POST",
        "/glue-bookmarks/seed-job-bookmark",
        headers={"Content-Type": content_type},
        body=b'{"job_name": "nightly"}',
    )
    assert (status, headers["Content-Type"]) == (415, "application/json")
    assert json.loads(body) == {
        "message": f"the body must be Content-Type: application/json, got {content_type or ''!r}",
        "parameter": None,
    }
    with (
        GlueBookmarks(endpoint_url=glue_moto_server_url) as gb,
        pytest.raises(EntityNotFoundError, match="Continuation for job nightly not found"),
    ):
        gb.get_job_bookmark("nightly")  # nothing seeded


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "Application/JSON"])
def test_http_seeding_reads_any_json_content_type(
    glue_moto_server_url: str, content_type: str
) -> None:
    create_job(glue_client(endpoint_url=glue_moto_server_url), "nightly")
    status, answer = post_json(
        glue_moto_server_url,
        "seed-job-bookmark",
        {"job_name": "nightly"},
        content_type=content_type,
    )
    assert (status, answer["JobBookmarkEntry"]["JobName"]) == (200, "nightly")


def test_http_seeding_takes_post_only(glue_moto_server_url: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{glue_moto_server_url}/glue-bookmarks/seed-job-run", timeout=10)
    assert (info.value.code, info.value.headers["Allow"]) == (405, "POST")
    assert json.load(info.value) == {
        "message": "/glue-bookmarks/seed-job-run takes POST",
        "parameter": None,
    }


# Any JSON value, nested a little; and the values the routes read.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
# Times with a zone, the ends of datetime's range among them.
iso_times = st.builds(
    lambda moment, hours: moment.replace(tzinfo=timezone(timedelta(hours=hours))).isoformat(),
    st.datetimes() | st.sampled_from([datetime.min, datetime.max]),
    st.integers(-23, 23),
)
field_values = json_values | iso_times | st.sampled_from(["nightly", "jr_1", "SUCCEEDED"])
job_names = st.just("nightly") | json_values
# Each route with a body of its own fields, any values; or any JSON at all.
seeding_requests = st.one_of(
    st.tuples(
        st.just("seed-job-bookmark"),
        st.fixed_dictionaries(
            {"job_name": job_names},
            optional=dict.fromkeys(
                ["version", "run", "attempt", "run_id", "previous_run_id", "job_bookmark",
                 "account_id", "region_name"],
                field_values,
            ),
        ),
    ),
    st.tuples(
        st.just("seed-job-run"),
        st.fixed_dictionaries(
            {"job_name": job_names, "started_on": iso_times | field_values},
            optional=dict.fromkeys(
                ["state", "run_id", "arguments", "job_bookmark", "account_id", "region_name"],
                field_values,
            ),
        ),
    ),
    st.tuples(st.sampled_from(["seed-job-bookmark", "seed-job-run"]), json_values),
)  # fmt: skip


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=seeding_requests)
def test_http_seeding_answers_any_json_body_with_json(
    glue_moto_server_url: str, request: tuple[str, object]
) -> None:
    route, body = request
    glue = glue_client(endpoint_url=glue_moto_server_url)
    if not glue.get_jobs()["Jobs"]:
        create_job(glue, "nightly", DefaultArguments=ENABLE)
    status, answer = post_json(glue_moto_server_url, route, body)
    assert status in (200, 400), answer
    if status == 400:
        assert set(answer) == {"message", "parameter"}
