"""Many jobs at once: `iter_job_names` and `get_job_bookmarks`.

Against moto in-process (real Glue behaviour: jobs, bookmarks, pages) and our fault server
over HTTP (ordered answers, throttling bursts, request counts).
"""

from __future__ import annotations

import collections
import json
import threading
from collections.abc import Iterator
from typing import Any, Literal

import pytest
from botocore.config import Config
from types_boto3_glue.client import GlueClient

from glue_bookmarks import (
    AccessDeniedError,
    ConfigurationError,
    EntityNotFoundError,
    GlueBookmarks,
    InternalServiceError,
    InvalidParameterError,
    JobBookmarkEntry,
    JobNotFoundError,
    NoBookmarkError,
    ResponseValidationError,
    TransportError,
)
from glue_bookmarks.testing import seed_job_bookmark
from tests._support import ONE_ATTEMPT, REGION, create_job, glue_client, refused_endpoint
from tests.faults import Answer, Drop, Echo, FaultServer, echo_server_process, error_answer

JSON_HEADERS = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "req-page"}


def echo_entry(name: str) -> JobBookmarkEntry:
    """The entry `Echo()` answers for `name`."""
    return JobBookmarkEntry(job_name=name, version=1, run=1, attempt=0)


def requested_names(server: FaultServer) -> list[str]:
    return [request.body["JobName"] for request in server.requests]


@pytest.fixture
def fleet(glue_moto_client: GlueClient) -> Iterator[tuple[GlueBookmarks, GlueClient]]:
    """Jobs in moto: two with bookmarks, one without; and a GlueBookmarks over them."""
    create_job(glue_moto_client, "orders", "clicks", "never-run")
    seed_job_bookmark(job_name="orders", version=3, run=3, run_id="jr_3", job_bookmark="{}")
    seed_job_bookmark(job_name="clicks", version=7, run=7, attempt=1)
    with GlueBookmarks(client=glue_moto_client) as gb:
        yield gb, glue_moto_client


# --- iter_job_names -------------------------------------------------------------------------


def test_iter_job_names_pages_through_every_job(glue_moto_client: GlueClient) -> None:
    names = [f"job-{index:03}" for index in range(230)]
    create_job(glue_moto_client, *names)
    pages: list[dict[str, Any]] = []
    glue_moto_client.meta.events.register(
        "before-parameter-build.glue.ListJobs", lambda params, **_: pages.append(dict(params))
    )
    gb = GlueBookmarks(client=glue_moto_client)

    assert sorted(gb.iter_job_names()) == names
    assert len(pages) >= 2  # moto answers 100 names a page: botocore's paginator followed
    assert "NextToken" in pages[-1]


def test_iter_job_names_filters_by_prefix_across_pages(glue_moto_client: GlueClient) -> None:
    nightly = [f"nightly-{index:03}" for index in range(150)]
    create_job(glue_moto_client, *nightly, "hourly-a", "Nightly-upper", "a-nightly-b")
    gb = GlueBookmarks(client=glue_moto_client)

    assert sorted(gb.iter_job_names(prefix="nightly-")) == nightly
    assert list(gb.iter_job_names(prefix="none-")) == []
    assert len(list(gb.iter_job_names(prefix=""))) == 153


def test_iter_job_names_of_an_empty_account(glue_moto_client: GlueClient) -> None:
    assert list(GlueBookmarks(client=glue_moto_client).iter_job_names()) == []


def test_iter_job_names_checks_prefix_before_any_request(
    faults: FaultServer, contract_bookmarks: GlueBookmarks
) -> None:
    with pytest.raises(InvalidParameterError, match="prefix must be a str") as caught:
        contract_bookmarks.iter_job_names(prefix=b"nightly")  # type: ignore[arg-type]
    assert caught.value.parameter == "prefix"
    assert faults.requests == []


def test_iter_job_names_maps_a_page_error(
    faults: FaultServer, contract_bookmarks: GlueBookmarks
) -> None:
    faults.script(
        Answer(200, json.dumps({"JobNames": ["a", "b"], "NextToken": "t"}).encode(), JSON_HEADERS),
        error_answer(403, "AccessDeniedException", "not allowed: glue:ListJobs", "req-2"),
    )
    names = contract_bookmarks.iter_job_names()

    assert [next(names), next(names)] == ["a", "b"]
    with pytest.raises(AccessDeniedError) as caught:
        next(names)
    error = caught.value
    assert (error.operation_name, error.status_code, error.request_id) == ("ListJobs", 403, "req-2")
    assert [request.target for request in faults.requests] == ["AWSGlue.ListJobs"] * 2
    assert faults.requests[1].body["NextToken"] == "t"


@pytest.mark.parametrize(
    ("page", "shown"),
    [
        ({}, "None"),
        ({"JobNames": [1, 2]}, "[1, 2]"),
        ({"JobNames": ["a", None]}, "['a', None]"),
    ],
)
def test_iter_job_names_refuses_a_malformed_page(
    faults: FaultServer, contract_bookmarks: GlueBookmarks, page: dict[str, object], shown: str
) -> None:
    faults.script(Answer(200, json.dumps(page).encode(), JSON_HEADERS))
    with pytest.raises(ResponseValidationError) as caught:
        list(contract_bookmarks.iter_job_names())
    error = caught.value
    assert str(error) == f"the ListJobs answer's JobNames is not a list of strings: {shown}"
    assert (error.operation_name, error.field) == ("ListJobs", "JobNames")
    assert (error.status_code, error.request_id) == (200, "req-page")


def test_iter_job_names_on_a_refused_connection() -> None:
    with (
        refused_endpoint() as endpoint_url,
        GlueBookmarks(endpoint_url=endpoint_url, config=ONE_ATTEMPT) as gb,
        pytest.raises(TransportError) as caught,
    ):
        list(gb.iter_job_names())
    assert caught.value.operation_name == "ListJobs"


def test_iter_job_names_filters_by_tag_in_moto_across_pages(glue_moto_client: GlueClient) -> None:
    data = [f"data-{index:03}" for index in range(120)]
    create_job(glue_moto_client, *data, Tags={"team": "data"})
    create_job(glue_moto_client, "web-a", Tags={"team": "web"})
    create_job(glue_moto_client, "untagged")
    pages: list[dict[str, Any]] = []
    glue_moto_client.meta.events.register(
        "before-parameter-build.glue.ListJobs", lambda params, **_: pages.append(dict(params))
    )
    gb = GlueBookmarks(client=glue_moto_client)

    assert sorted(gb.iter_job_names(tags={"team": "data"})) == data
    assert len(pages) >= 2  # more than one page, each carrying the filter
    assert all(page["Tags"] == {"team": "data"} for page in pages)
    assert sorted(gb.iter_job_names(prefix="data-00", tags={"team": "data"})) == data[:10]
    assert list(gb.iter_job_names(tags={"team": "web"})) == ["web-a"]
    assert list(gb.iter_job_names(tags={"team": "nobody"})) == []


def test_iter_job_names_sends_the_tags_with_every_page(
    faults: FaultServer, contract_bookmarks: GlueBookmarks
) -> None:
    faults.script(
        Answer(200, json.dumps({"JobNames": ["a"], "NextToken": "t"}).encode(), JSON_HEADERS),
        Answer(200, json.dumps({"JobNames": ["b"]}).encode(), JSON_HEADERS),
    )
    tags = {"team": "data", "tier": ""}
    assert list(contract_bookmarks.iter_job_names(tags=tags)) == ["a", "b"]
    assert [request.body for request in faults.requests] == [
        {"Tags": tags},
        {"Tags": tags, "NextToken": "t"},
    ]


def test_iter_job_names_sends_no_tags_for_an_empty_filter(
    faults: FaultServer, contract_bookmarks: GlueBookmarks
) -> None:
    faults.script(Answer(200, json.dumps({"JobNames": ["a"]}).encode(), JSON_HEADERS))
    assert list(contract_bookmarks.iter_job_names(tags={})) == ["a"]
    assert [request.body for request in faults.requests] == [{}]


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ("team=data", "tags must be a mapping of str to str or None, got str"),
        ([("team", "data")], "tags must be a mapping of str to str or None, got list"),
        ({"team": 1}, "tags must map str to str, got 'team': 1"),
        ({1: "data"}, "tags must map str to str, got 1: 'data'"),
        ({"": "data"}, "tags: a tag key must be 1 to 128 characters long, got 0"),
        ({"k" * 129: "v"}, "tags: a tag key must be 1 to 128 characters long, got 129"),
        ({"team": "v" * 257}, "tags: the value of tag 'team' must be at most 256 characters"),
        ({f"k{index}": "v" for index in range(51)}, "tags may hold at most 50 tags, got 51"),
    ],
)
def test_iter_job_names_checks_tags_before_any_request(
    faults: FaultServer, contract_bookmarks: GlueBookmarks, tags: object, message: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        contract_bookmarks.iter_job_names(tags=tags)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)
    assert caught.value.parameter == "tags"
    assert isinstance(caught.value, ValueError)
    assert faults.requests == []


def test_iter_job_names_accepts_tags_at_glue_limits(
    faults: FaultServer, contract_bookmarks: GlueBookmarks
) -> None:
    faults.script(Answer(200, json.dumps({"JobNames": []}).encode(), JSON_HEADERS))
    tags = {f"{index:0128}": "v" * 256 for index in range(50)}
    assert list(contract_bookmarks.iter_job_names(tags=tags)) == []
    assert faults.requests[0].body == {"Tags": tags}


# --- get_job_bookmarks against moto ---------------------------------------------------------


def test_results_come_in_input_order_with_an_entry_or_a_typed_error(
    fleet: tuple[GlueBookmarks, GlueClient],
) -> None:
    gb, _ = fleet
    names = ["never-run", "orders", "no-such-job", "clicks"]

    results = gb.get_job_bookmarks(names)

    orders, clicks = results[1], results[3]
    assert isinstance(orders, JobBookmarkEntry)
    assert isinstance(clicks, JobBookmarkEntry)
    assert (orders, clicks) == (gb.get_job_bookmark("orders"), gb.get_job_bookmark("clicks"))
    assert (orders.run, orders.run_id, clicks.attempt) == (3, "jr_3", 1)
    no_bookmark, missing = results[0], results[2]
    assert type(no_bookmark) is NoBookmarkError
    assert type(missing) is JobNotFoundError
    # Both stay EntityNotFoundErrors, with the GetJobBookmark answer's context.
    for error in (no_bookmark, missing):
        assert isinstance(error, EntityNotFoundError)
        assert (error.code, error.operation_name, error.status_code) == (
            "EntityNotFoundException",
            "GetJobBookmark",
            400,
        )
        assert error.request_id
    assert no_bookmark.message == "Continuation for job never-run not found"
    assert missing.message == "Job no-such-job not found."


def test_every_job_of_the_account_in_one_call(glue_moto_client: GlueClient) -> None:
    names = [f"job-{index:03}" for index in range(120)]
    create_job(glue_moto_client, *names)
    for index, name in enumerate(names[::2]):
        seed_job_bookmark(job_name=name, version=index + 1, run=index + 1)
    gb = GlueBookmarks(client=glue_moto_client)

    listed = list(gb.iter_job_names())
    results = gb.get_job_bookmarks(listed)

    by_name = dict(zip(listed, results, strict=True))
    assert all(isinstance(by_name[name], JobBookmarkEntry) for name in names[::2])
    assert all(isinstance(by_name[name], NoBookmarkError) for name in names[1::2])
    assert [by_name[name].version for name in names[::2]] == list(range(1, 61))  # type: ignore[union-attr]


def test_a_name_given_twice_is_fetched_once(
    faults: FaultServer, contract_bookmarks: GlueBookmarks
) -> None:
    faults.script(default=Echo())

    results = contract_bookmarks.get_job_bookmarks(["a", "b", "a", "a"])

    assert results == [echo_entry("a"), echo_entry("b"), echo_entry("a"), echo_entry("a")]
    assert sorted(requested_names(faults)) == ["a", "b"]


def test_no_names_no_request(faults: FaultServer, contract_bookmarks: GlueBookmarks) -> None:
    progress: list[tuple[int, int]] = []

    assert (
        contract_bookmarks.get_job_bookmarks([], on_progress=lambda *args: progress.append(args))
        == []
    )
    assert contract_bookmarks.get_job_bookmarks(iter(())) == []
    assert (faults.requests, progress) == ([], [])


def test_names_from_a_generator_are_read_once(
    faults: FaultServer, contract_bookmarks: GlueBookmarks
) -> None:
    faults.script(default=Echo())

    results = contract_bookmarks.get_job_bookmarks(name for name in ["x", "y"])

    assert results == [echo_entry("x"), echo_entry("y")]


# --- one job's failure never stops the others --------------------------------------------


def test_each_job_keeps_its_own_outcome(
    faults: FaultServer, contract_bookmarks: GlueBookmarks
) -> None:
    # One worker takes the jobs in input order, so the script's answers meet known jobs.
    faults.script(
        Echo(),
        error_answer(500, "InternalServiceException", "try later", "req-b"),
        Drop(),
        error_answer(400, "EntityNotFoundException", "Continuation for job d not found", "req-d"),
        error_answer(400, "EntityNotFoundException", "Job d not found.", "req-d-job"),
        error_answer(400, "EntityNotFoundException", "Continuation for job e not found", "req-e"),
        Answer(200, json.dumps({"Job": {"Name": "e"}}).encode(), JSON_HEADERS),
        error_answer(400, "EntityNotFoundException", "Continuation for job f not found", "req-f"),
        error_answer(403, "AccessDeniedException", "not allowed: glue:GetJob", "req-f-job"),
        default=Echo(),
    )

    a, b, c, d, e, f, g = contract_bookmarks.get_job_bookmarks(list("abcdefg"), max_concurrency=1)

    assert (a, g) == (echo_entry("a"), echo_entry("g"))
    assert isinstance(b, InternalServiceError)
    assert (b.request_id, b.retryable) == ("req-b", True)
    assert isinstance(c, TransportError)
    assert type(d) is JobNotFoundError
    assert (d.message, d.request_id) == ("Continuation for job d not found", "req-d")
    assert type(e) is NoBookmarkError
    assert (e.message, e.request_id) == ("Continuation for job e not found", "req-e")
    # GetJob could not tell (no permission): the plain error, as GetJobBookmark gave it.
    assert type(f) is EntityNotFoundError
    assert (f.message, f.request_id) == ("Continuation for job f not found", "req-f")
    assert [request.target for request in faults.requests] == [
        "AWSGlue.GetJobBookmark",
        "AWSGlue.GetJobBookmark",
        "AWSGlue.GetJobBookmark",
        "AWSGlue.GetJobBookmark",
        "AWSGlue.GetJob",
        "AWSGlue.GetJobBookmark",
        "AWSGlue.GetJob",
        "AWSGlue.GetJobBookmark",
        "AWSGlue.GetJob",
        "AWSGlue.GetJobBookmark",
    ]


@pytest.mark.parametrize("mode", ["legacy", "standard", "adaptive"])
def test_a_throttling_burst_is_survived_by_every_job(
    mode: Literal["legacy", "standard", "adaptive"],
    faults: FaultServer,
    retry_delays: list[float],
) -> None:
    # A throttled job goes back in line rather than into botocore's retries: whatever the
    # retry mode, every job ends with its entry, and no back-off was slept.
    burst, names = 10, [f"job-{index:02}" for index in range(40)]
    faults.script(
        *[error_answer(400, "ThrottlingException", "Rate exceeded")] * burst, default=Echo()
    )
    config = Config(retries={"mode": mode, "total_max_attempts": burst + 1})
    gb = GlueBookmarks(endpoint_url=faults.url, config=config)

    results = gb.get_job_bookmarks(names, max_concurrency=8)

    assert results == [echo_entry(name) for name in names]
    assert len(faults.requests) == burst + len(names)
    assert retry_delays == []


def test_a_job_throttled_more_often_than_its_attempts_still_gets_its_entry(
    faults: FaultServer, retry_delays: list[float]
) -> None:
    # 12 throttled answers over 10 jobs with 3 attempts each: botocore alone would end some
    # jobs as ThrottlingError; back in line, each gets its entry, from exactly one success.
    burst, names = 12, [f"job-{index:02}" for index in range(10)]
    faults.script(
        *[error_answer(400, "ThrottlingException", "Rate exceeded")] * burst, default=Echo()
    )
    config = Config(retries={"mode": "standard", "total_max_attempts": 3})
    gb = GlueBookmarks(endpoint_url=faults.url, config=config)

    results = gb.get_job_bookmarks(names, max_concurrency=4)

    requests = requested_names(faults)
    throttled = collections.Counter(requests[:burst])
    answered = collections.Counter(requests[burst:])
    assert len(requests) == burst + len(answered)
    assert results == [echo_entry(name) for name in names]
    assert answered == collections.Counter(names)  # exactly one success per job
    assert sum(throttled.values()) == burst
    assert retry_delays == []


# --- arguments, progress, pool --------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "parameter", "message"),
    [
        ({"job_names": "orders"}, "job_names", "job_names must be an iterable of job names"),
        ({"job_names": 3}, "job_names", "job_names must be an iterable of job names"),
        ({"job_names": ["a", ""]}, "job_names[1]", "job_names[1] must be 1 to 255 characters"),
        ({"job_names": ["a", None]}, "job_names[1]", "job_names[1] must be a str, got NoneType"),
        (
            {"job_names": ["a"], "max_concurrency": 0},
            "max_concurrency",
            "max_concurrency must be a positive",
        ),
        (
            {"job_names": ["a"], "max_concurrency": True},
            "max_concurrency",
            "max_concurrency must be a pos",
        ),
        (
            {"job_names": ["a"], "max_concurrency": 2.0},
            "max_concurrency",
            "max_concurrency must be a pos",
        ),
        ({"job_names": ["a"], "on_progress": 1}, "on_progress", "on_progress must be callable"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(
    faults: FaultServer,
    http_bookmarks: GlueBookmarks,
    arguments: dict[str, Any],
    parameter: str,
    message: str,
) -> None:
    with pytest.raises(InvalidParameterError, match=message.replace("[", r"\[")) as caught:
        http_bookmarks.get_job_bookmarks(**arguments)
    assert caught.value.parameter == parameter
    assert faults.requests == []


def test_progress_is_reported_in_the_calling_thread(
    faults: FaultServer, contract_bookmarks: GlueBookmarks
) -> None:
    faults.script(default=Echo())
    calls: list[tuple[int, int, threading.Thread]] = []

    contract_bookmarks.get_job_bookmarks(
        ["a", "b", "a", "c"],
        on_progress=lambda done, total: calls.append((done, total, threading.current_thread())),
    )

    assert len(calls) == 3  # one per distinct job; the repeated name counts twice
    assert [done for done, _, _ in calls] == sorted(done for done, _, _ in calls)
    assert calls[-1][:2] == (4, 4)
    assert {thread for _, _, thread in calls} == {threading.current_thread()}


def test_an_exception_from_on_progress_stops_the_work(
    faults: FaultServer, contract_bookmarks: GlueBookmarks
) -> None:
    faults.script(default=Echo())

    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt

    names = [f"job-{index}" for index in range(500)]
    with pytest.raises(KeyboardInterrupt):
        contract_bookmarks.get_job_bookmarks(names, max_concurrency=1, on_progress=stop)
    assert 1 <= len(faults.requests) < len(names)  # the rest were cancelled, not sent


def test_missing_credentials_are_raised_not_returned(
    faults: FaultServer, contract_bookmarks: GlueBookmarks, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    with pytest.raises(ConfigurationError, match="Unable to locate credentials"):
        contract_bookmarks.get_job_bookmarks(["a", "b", "c"])
    assert faults.requests == []


def test_a_closed_client_raises(faults: FaultServer) -> None:
    gb = GlueBookmarks(endpoint_url=faults.url)
    gb.close()
    with pytest.raises(ConfigurationError, match="closed"):
        gb.get_job_bookmarks(["a"])


def worker_threads(client: GlueClient) -> set[str]:
    """The threads that send the client's GetJobBookmark requests, recorded as they send."""
    threads: set[str] = set()
    client.meta.events.register(
        "before-send.glue.GetJobBookmark",
        lambda **_: threads.add(threading.current_thread().name),
    )
    return threads


@pytest.mark.parametrize(
    ("pool", "max_workers", "most"),
    [(2, 16, 2), (64, 3, 3), (None, 16, 10)],
    ids=["pool-2", "max-workers-3", "botocore-default-pool-10"],
)
def test_threads_never_outnumber_the_connection_pool(
    faults: FaultServer, pool: int | None, max_workers: int, most: int
) -> None:
    faults.script(default=Echo())
    config = Config(max_pool_connections=pool) if pool is not None else None
    client = glue_client(faults.url, config)
    threads = worker_threads(client)
    # Twice as many jobs as the most workers asked for: without the cap, all would run.
    names = [f"job-{index}" for index in range(2 * max_workers)]

    results = GlueBookmarks(client=client).get_job_bookmarks(names, max_concurrency=max_workers)

    assert results == [echo_entry(name) for name in names]
    assert 1 <= len(threads) <= most
    assert all(name.startswith("glue-bookmarks") for name in threads)


def test_a_client_created_here_has_a_pool_for_many_workers() -> None:
    with GlueBookmarks(region_name=REGION) as gb:
        config = gb._get_client().meta.config
    assert config.max_pool_connections == 64  # type: ignore[attr-defined]
    assert config.retries == {"mode": "standard"}  # type: ignore[attr-defined]


def test_many_jobs_over_http_in_another_process() -> None:
    # The server runs in a process of its own, so the client's threads really run in parallel.
    # 20 jobs a thread: every thread goes back to the queue many times, all the way through.
    names = [f"job-{index:04}" for index in range(320)]
    with echo_server_process() as server, GlueBookmarks(endpoint_url=server.url) as gb:
        results = gb.get_job_bookmarks(names, max_concurrency=16)
    assert results == [echo_entry(name) for name in names]
    assert server.requests_seen == len(names)
