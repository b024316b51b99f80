"""`AsyncGlueBookmarks`: what only the async client has, over real HTTP on 127.0.0.1.

The contract it shares with `GlueBookmarks` (every error answer, malformed bodies, dropped
connections, per-job outcomes, throttling bursts) runs against both clients in
test_error_mapping.py, test_http.py and test_fleet.py (`contract_bookmarks`). Here: its
constructor and life cycle, the missing extra, refused connections and timeouts, pacing and
no job lost at a rate limit, the deadline, cancellation, and moto server.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import botocore.exceptions
import botocore.session
import pytest
import pytest_asyncio
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession
from botocore.config import Config

from glue_bookmarks import (
    AsyncGlueBookmarks,
    ConfigurationError,
    DeadlineExceededError,
    EntityNotFoundError,
    InvalidParameterError,
    JobBookmarkEntry,
    JobNotFoundError,
    NoBookmarkError,
    ThrottlingError,
    TransportError,
    _pacing,
)
from glue_bookmarks.testing import seed_job_bookmark
from tests._support import (
    ONE_ATTEMPT,
    PATIENCE,
    PROMPT,
    REGION,
    aio_session,
    create_job,
    glue_client,
    modules_imported_by,
    refused_endpoint,
)
from tests.faults import (
    Echo,
    FaultServer,
    Held,
    RateLimit,
    Stall,
    error_answer,
    fault_server,
    success_answer,
    throttling_answer,
)

ENTRY = {"JobName": "nightly-orders", "Version": 2, "Run": 2, "Attempt": 0, "RunId": "jr_2"}


def echo_entry(name: str) -> JobBookmarkEntry:
    return JobBookmarkEntry(job_name=name, version=1, run=1, attempt=0)


@pytest_asyncio.fixture
async def gb(faults: FaultServer) -> AsyncIterator[AsyncGlueBookmarks]:
    """An AsyncGlueBookmarks on the fault server, one attempt per call."""
    async with AsyncGlueBookmarks(
        session=aio_session(), endpoint_url=faults.url, region_name=REGION, config=ONE_ATTEMPT
    ) as client:
        yield client


@contextlib.contextmanager
def loop_errors() -> Iterator[list[dict[str, Any]]]:
    """What the running loop reports to its exception handler (an unclosed aiohttp session,
    a task destroyed while pending) during the block."""
    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _, context: reported.append(context))
    try:
        yield reported
    finally:
        loop.set_exception_handler(previous)


async def wait_for_requests(faults: FaultServer, count: int) -> None:
    deadline = time.monotonic() + PATIENCE
    while len(faults.requests) < count:
        assert time.monotonic() < deadline, f"{len(faults.requests)} requests, not {count}"
        await asyncio.sleep(0.01)


# --- the extra -------------------------------------------------------------------------------


def test_import_needs_no_aiobotocore_and_loads_no_async_module() -> None:
    watched = ("aiobotocore", "aiohttp", "asyncio")
    assert modules_imported_by("import glue_bookmarks", watched) == []


def test_without_aiobotocore_the_error_names_the_extra() -> None:
    # As where aiobotocore is not installed: None in sys.modules makes its import fail.
    code = """
import sys
sys.modules["aiobotocore"] = None
import glue_bookmarks
try:
    glue_bookmarks.AsyncGlueBookmarks(region_name="us-east-1")
except glue_bookmarks.ConfigurationError as exc:
    print(type(exc).__name__, exc)
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.startswith(
        "ConfigurationError AsyncGlueBookmarks needs aiobotocore: "
        "pip install 'glue-bookmarks[async]'"
    )


# --- constructor and life cycle ---------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_client_created_here_is_closed_by_aclose(faults: FaultServer) -> None:
    faults.script(default=success_answer(ENTRY))
    gb = AsyncGlueBookmarks(session=aio_session(), endpoint_url=faults.url, region_name=REGION)
    assert repr(gb) == "<AsyncGlueBookmarks open, client created here>"
    with loop_errors() as reported:
        async with gb:
            entry = await gb.get_job_bookmark("nightly-orders", run_id="jr_2")
        gc.collect()
    assert entry == JobBookmarkEntry.from_dict(ENTRY)
    assert repr(gb) == "<AsyncGlueBookmarks closed, client created here>"
    with pytest.raises(ConfigurationError, match="closed"):
        await gb.get_job_bookmark("nightly-orders")
    await gb.aclose()  # again: nothing
    assert reported == []
    assert [(r.target, r.body) for r in faults.requests] == [
        ("AWSGlue.GetJobBookmark", {"JobName": "nightly-orders", "RunId": "jr_2"})
    ]


@pytest.mark.asyncio
async def test_an_injected_client_is_used_as_is_and_left_open(faults: FaultServer) -> None:
    faults.script(default=success_answer(ENTRY))
    session = AioSession()
    async with session.create_client("glue", region_name=REGION, endpoint_url=faults.url) as raw:
        async with AsyncGlueBookmarks(client=raw) as gb:
            assert repr(gb) == "<AsyncGlueBookmarks open, client injected>"
            await gb.reset_job_bookmark("nightly-orders")
        # Still open: the user's own calls go on.
        await raw.get_job_bookmark(JobName="nightly-orders")
    assert [r.target for r in faults.requests] == [
        "AWSGlue.ResetJobBookmark",
        "AWSGlue.GetJobBookmark",
    ]


@pytest.mark.parametrize(
    ("arguments", "parameter", "message"),
    [
        (
            {"client": glue_client()},
            "client",
            "use GlueBookmarks",
        ),
        ({"session": botocore.session.Session()}, "session", "use GlueBookmarks"),
        ({"region_name": 1}, "region_name", "region_name must be"),
        ({"endpoint_url": "ftp://x"}, "endpoint_url", "endpoint_url"),
        ({"config": {"retries": {}}}, "config", "config must be"),
    ],
    ids=["botocore-client", "botocore-session", "region", "endpoint", "config"],
)
def test_bad_constructor_arguments(arguments: dict[str, Any], parameter: str, message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message) as caught:
        AsyncGlueBookmarks(**arguments)
    assert caught.value.parameter == parameter


@pytest.mark.asyncio
async def test_an_injected_client_cannot_be_combined_with_settings() -> None:
    async with AioSession().create_client("glue", region_name=REGION) as raw:
        with pytest.raises(InvalidParameterError, match="combined with region_name"):
            AsyncGlueBookmarks(client=raw, region_name=REGION)


@pytest.mark.asyncio
async def test_the_users_config_wins_and_an_aioconfig_keeps_its_own_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_RETRY_MODE", "adaptive")
    config = AioConfig(connector_args={"keepalive_timeout": 7}, max_pool_connections=5)
    async with AsyncGlueBookmarks(region_name=REGION, config=config) as gb:
        client_config: Any = (await gb._get_client()).meta.config
    assert client_config.max_pool_connections == 5
    assert client_config.connector_args["keepalive_timeout"] == 7
    assert client_config.retries["mode"] == "adaptive"  # the environment's, not our "standard"
    assert "glue-bookmarks/" in client_config.user_agent_extra


# --- no answer --------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_refused_connection_is_a_transport_error() -> None:
    config = Config(retries={"total_max_attempts": 1}, connect_timeout=2)
    with refused_endpoint() as endpoint_url:
        async with AsyncGlueBookmarks(
            endpoint_url=endpoint_url, region_name=REGION, config=config
        ) as gb:
            with pytest.raises(TransportError, match="Could not connect") as info:
                await gb.get_job_bookmark("j")
    assert info.value.operation_name == "GetJobBookmark"
    assert isinstance(info.value.__cause__, botocore.exceptions.EndpointConnectionError)


@pytest.mark.asyncio
async def test_read_timeout_is_a_transport_error(faults: FaultServer) -> None:
    faults.script(Stall(30))
    config = Config(retries={"total_max_attempts": 1}, read_timeout=0.2)
    async with AsyncGlueBookmarks(
        session=aio_session(), endpoint_url=faults.url, region_name=REGION, config=config
    ) as gb:
        start = time.monotonic()
        with pytest.raises(TransportError, match="Read timeout"):
            await gb.get_job_bookmark("j")
    assert time.monotonic() - start < PROMPT  # the read timeout, not the 30 s stall


@pytest.mark.parametrize("raised", [TypeError, AttributeError, ValueError])
@pytest.mark.asyncio
async def test_a_users_event_hook_error_propagates_as_raised(
    faults: FaultServer, raised: type[Exception]
) -> None:
    faults.script(default=success_answer(ENTRY))

    def hook(**kwargs: object) -> None:
        raise raised("the tracer's own bug")

    session = aio_session()
    async with session.create_client("glue", region_name=REGION, endpoint_url=faults.url) as raw:
        raw.meta.events.register("after-call.glue", hook)
        with pytest.raises(raised, match="the tracer's own bug"):
            await AsyncGlueBookmarks(client=raw).get_job_bookmark("nightly-orders")


def test_aiohttp_errors_reading_a_body_are_transport_errors() -> None:
    # aiobotocore turns aiohttp's errors into botocore's while it sends, not while it reads.
    import aiohttp

    from glue_bookmarks._exceptions import async_call_errors, from_call_error

    for exc in (aiohttp.ClientPayloadError("cut short"), asyncio.TimeoutError()):
        assert isinstance(exc, async_call_errors())
        error = from_call_error(exc, operation_name="GetJobBookmark")
        assert isinstance(error, TransportError)
        assert error.operation_name == "GetJobBookmark"


@pytest.mark.asyncio
async def test_requests_are_logged_at_debug_without_secrets(
    faults: FaultServer, gb: AsyncGlueBookmarks, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="glue_bookmarks")
    faults.script(success_answer(ENTRY, request_id="req-ok"), error_answer(403, "X", "no", "r-2"))
    await gb.get_job_bookmark("nightly-orders")
    with pytest.raises(Exception, match="no"):
        await gb.get_job_bookmark("nightly-orders")
    lines = [r.getMessage() for r in caplog.records if r.name == "glue_bookmarks"]
    assert lines[0].startswith(
        "GetJobBookmark job 'nightly-orders' ok: HTTP 200, request id req-ok"
    )
    assert lines[1].startswith("GetJobBookmark job 'nightly-orders' failed: ServiceError (X)")
    assert not any("Signature" in line or "AKID" in line for line in lines)


# --- many jobs --------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_throttling_burst_loses_no_job_and_goes_to_no_botocore_retry(
    faults: FaultServer,
) -> None:
    burst, names = 10, [f"job-{index:02}" for index in range(40)]
    faults.script(
        *[error_answer(400, "ThrottlingException", "Rate exceeded")] * burst, default=Echo()
    )
    config = Config(retries={"mode": "standard", "total_max_attempts": 3})
    async with AsyncGlueBookmarks(
        session=aio_session(), endpoint_url=faults.url, config=config
    ) as gb:
        # Registered after botocore's retry handler: it sees what botocore's retries see.
        retried: list[object] = []
        (await gb._get_client()).meta.events.register(
            "needs-retry.glue",
            lambda response=None, **_: (
                retried.append(response[1].get("Error")) if response else None
            ),
        )
        results = await gb.get_job_bookmarks(names, max_concurrency=8)
    assert results == [echo_entry(name) for name in names]
    assert len(faults.requests) == burst + len(names)
    assert [error for error in retried if error] == []  # throttles went back in line instead


@pytest.mark.asyncio
async def test_no_job_lost_at_a_rate_limit() -> None:
    names = [f"job-{index:02}" for index in range(60)]
    with fault_server(RateLimit(rate=60, burst=5)) as server:
        server.script(default=Echo())
        async with AsyncGlueBookmarks(
            session=aio_session(), endpoint_url=server.url, config=ONE_ATTEMPT
        ) as gb:
            pairs = [pair async for pair in gb.iter_job_bookmarks(names, max_concurrency=16)]
        counts = server.counts()
    assert sorted(pairs, key=lambda pair: pair[0]) == [(n, echo_entry(n)) for n in names]
    # Each job admitted once, counted as its request arrives (a success is counted once its
    # answer is written, which may be after the client has read it); how many requests were
    # throttled first is up to how fast this machine sends (scripted throttles: the burst test
    # above).
    assert counts.requests - counts.throttled == len(names)


@pytest.mark.asyncio
async def test_not_found_is_told_apart_with_get_job(faults: FaultServer) -> None:
    faults.script(
        error_answer(400, "EntityNotFoundException", "Job a not found.", "req-a"),
        error_answer(400, "EntityNotFoundException", "Job a not found.", "req-a-job"),
        default=Echo(),
    )
    async with AsyncGlueBookmarks(
        session=aio_session(), endpoint_url=faults.url, config=ONE_ATTEMPT
    ) as gb:
        [missing] = await gb.get_job_bookmarks(["a"])
    assert type(missing) is JobNotFoundError
    assert missing.request_id == "req-a"


@pytest.mark.parametrize(
    ("arguments", "parameter"),
    [
        ({"max_concurrency": 0}, "max_concurrency"),
        ({"max_concurrency": 2.0}, "max_concurrency"),
        ({"on_progress": 1}, "on_progress"),
        ({"timeout": 0}, "timeout"),
    ],
)
@pytest.mark.asyncio
async def test_bad_options_are_refused_before_any_request(
    faults: FaultServer, gb: AsyncGlueBookmarks, arguments: dict[str, Any], parameter: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        await gb.get_job_bookmarks(["a"], **arguments)
    assert caught.value.parameter == parameter
    if parameter != "on_progress":
        with pytest.raises(InvalidParameterError):
            gb.iter_job_bookmarks(["a"], **arguments)
    assert faults.requests == []


@pytest.mark.asyncio
async def test_the_deadline_ends_every_job_not_done(faults: FaultServer) -> None:
    faults.script(Echo(), Echo(), default=Echo(delay=30))
    async with AsyncGlueBookmarks(
        session=aio_session(), endpoint_url=faults.url, config=ONE_ATTEMPT
    ) as gb:
        await gb.get_job_bookmark("warm-up")  # the client is made before the clock starts
        start = time.monotonic()
        results = await gb.get_job_bookmarks(["a", "b", "c", "d"], max_concurrency=1, timeout=0.5)
        elapsed = time.monotonic() - start
    assert results[0] == echo_entry("a")  # answered in milliseconds
    assert all(type(result) is DeadlineExceededError for result in results[1:])
    assert [result.job_name for result in results[1:]] == ["b", "c", "d"]  # type: ignore[union-attr]
    assert elapsed < PROMPT  # at the deadline, not after b's 30 s


@pytest.mark.asyncio
async def test_a_run_the_service_lets_nothing_through_gives_up_with_the_throttle(
    faults: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_pacing, "_GIVE_UP", 0.3)  # a minute by default
    faults.script(default=throttling_answer("req-throttled"))
    async with AsyncGlueBookmarks(
        session=aio_session(), endpoint_url=faults.url, config=ONE_ATTEMPT
    ) as gb:
        start = time.monotonic()
        results = await gb.get_job_bookmarks(list("abcdef"), max_concurrency=2)
    assert time.monotonic() - start < PROMPT
    assert all(type(result) is ThrottlingError for result in results)
    assert {result.request_id for result in results} == {"req-throttled"}  # type: ignore[union-attr]


@pytest.mark.asyncio
async def test_cancelling_the_caller_cancels_its_requests(faults: FaultServer) -> None:
    faults.script(default=Echo(delay=30))
    names = [f"job-{index}" for index in range(20)]
    with loop_errors() as reported:
        async with AsyncGlueBookmarks(
            session=aio_session(), endpoint_url=faults.url, config=ONE_ATTEMPT
        ) as gb:
            task = asyncio.create_task(gb.get_job_bookmarks(names, max_concurrency=4))
            await wait_for_requests(faults, 4)
            start = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            elapsed = time.monotonic() - start
            assert asyncio.all_tasks() == {asyncio.current_task()}
        gc.collect()
    assert elapsed < PROMPT  # not the 30 s of the requests in flight
    assert len(faults.requests) == 4  # the rest were never sent
    assert reported == []


@pytest.mark.asyncio
async def test_leaving_iter_job_bookmarks_early_stops_the_work(faults: FaultServer) -> None:
    faults.script(Echo(), default=Echo(delay=30))
    names = [f"job-{index}" for index in range(20)]
    async with AsyncGlueBookmarks(
        session=aio_session(), endpoint_url=faults.url, config=ONE_ATTEMPT
    ) as gb:
        start = time.monotonic()
        async with contextlib.aclosing(gb.iter_job_bookmarks(names, max_concurrency=2)) as pairs:
            async for name, result in pairs:
                assert result == echo_entry(name)  # the one answered at once
                break
        assert time.monotonic() - start < PROMPT  # not the 30 s of the one in flight
        assert asyncio.all_tasks() == {asyncio.current_task()}
    assert len(faults.requests) <= 3


@pytest.mark.asyncio
async def test_other_calls_on_the_loop_go_on_while_many_jobs_run(faults: FaultServer) -> None:
    # The loop is never blocked: a single call answers while a run's requests are in flight,
    # held by the server until the single call is done.
    faults.script(*[Held()] * 4, default=Echo())
    async with AsyncGlueBookmarks(
        session=aio_session(), endpoint_url=faults.url, config=ONE_ATTEMPT
    ) as gb:
        run = asyncio.create_task(gb.get_job_bookmarks(list("abcd"), max_concurrency=4))
        await wait_for_requests(faults, 4)
        assert await gb.get_job_bookmark("single") == echo_entry("single")
        assert not run.done()
        faults.release()
        assert await run == [echo_entry(name) for name in "abcd"]


# --- moto server ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_moto_server_jobs_pages_tags_and_bookmarks(glue_moto_server_url: str) -> None:
    glue = glue_client(glue_moto_server_url)
    data = [f"data-{index:03}" for index in range(110)]
    create_job(glue, *data, Tags={"team": "data"})
    create_job(glue, "web-a", "never-run")
    seed_job_bookmark(job_name="data-000", version=3, run=3, run_id="jr_3", job_bookmark="{}")
    async with AsyncGlueBookmarks(
        session=aio_session(), endpoint_url=glue_moto_server_url, region_name=REGION
    ) as gb:
        every = [name async for name in gb.iter_job_names()]
        tagged = [name async for name in gb.iter_job_names(prefix="data-00", tags={"team": "data"})]
        entry = await gb.get_job_bookmark("data-000")
        with pytest.raises(EntityNotFoundError):
            await gb.get_job_bookmark("never-run")
        results = await gb.get_job_bookmarks(["data-000", "never-run", "no-such-job"])
    assert sorted(every) == sorted([*data, "web-a", "never-run"])
    assert sorted(tagged) == data[:10]
    assert (entry.version, entry.run_id) == (3, "jr_3")
    assert results[0] == entry
    assert type(results[1]) is NoBookmarkError
    assert type(results[2]) is JobNotFoundError
    glue.close()
