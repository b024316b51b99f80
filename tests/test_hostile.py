"""Hostile answers over real HTTP on 127.0.0.1: nested too deep, trickled a byte at a time,
endless; each ends its call with a typed error, at its deadline or its size cap, and leaves
no thread or connection of ours working after the call returns.

Time is the behaviour here, so each bound leaves 10x room: a deadline of 0.5 s is checked
against 5 s, where the hostile answer itself would take 30 s or more (or for ever).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator

import pytest
from botocore.config import Config

from glue_bookmarks import (
    AsyncGlueBookmarks,
    DeadlineExceededError,
    GlueBookmarks,
    GlueBookmarksError,
    InvalidParameterError,
    JobBookmarkEntry,
    ResponseValidationError,
)
from tests._cli_support import run_cli
from tests._support import (
    ONE_ATTEMPT,
    PATIENCE,
    REGION,
    aio_session,
    botocore_session,
    wait_until,
)
from tests.faults import Answer, Echo, Endless, FaultServer, Trickle, success_answer

ENTRY = {"JobName": "a", "Version": 1, "Run": 1, "Attempt": 0, "RunId": "jr_1"}
# An answer nested 100,000 deep: botocore's parser raises RecursionError on it.
DEEP = Answer(200, b'{"JobBookmarkEntry": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
# A whole answer a byte every 0.2 s: some 30 s for its 150 bytes, read timeout or not.
TRICKLE = Trickle(success_answer(ENTRY), interval=0.2)
DEADLINE = 0.5
ROOM = 10 * DEADLINE
MiB = 1024 * 1024


def _ours() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("glue-bookmarks-")]


def _nothing_left(faults: FaultServer) -> None:
    """No worker of ours alive and no answer still being sent to us: the call took its
    requests away (within PATIENCE: the behaviour is that they go, the figure is in the docs).
    A connection idle in the pool after a whole answer may stay open, as botocore keeps it."""
    wait_until(lambda: not _ours(), "the many-jobs workers to end")
    wait_until(lambda: faults.answering == 0, "our requests in flight to end")


def _sync_client(faults: FaultServer, max_answer_bytes: int = MiB) -> GlueBookmarks:
    return GlueBookmarks(
        session=botocore_session(),
        endpoint_url=faults.url,
        region_name=REGION,
        config=ONE_ATTEMPT,
        max_answer_bytes=max_answer_bytes,
    )


@pytest.fixture
def sync_http(faults: FaultServer) -> Iterator[GlueBookmarks]:
    with _sync_client(faults) as gb:
        yield gb


def _async_client(faults: FaultServer, **options: object) -> AsyncGlueBookmarks:
    return AsyncGlueBookmarks(
        session=aio_session(),
        endpoint_url=faults.url,
        region_name=REGION,
        config=ONE_ATTEMPT,
        **options,  # type: ignore[arg-type]
    )


# -- an answer nested too deep --------------------------------------------------------------


def test_a_deep_answer_is_a_response_validation_error(
    faults: FaultServer, sync_http: GlueBookmarks
) -> None:
    faults.script(DEEP)
    with pytest.raises(ResponseValidationError, match="nested too deep"):
        sync_http.get_job_bookmark("a")


def test_one_deep_answer_costs_only_its_job_in_a_batch(
    faults: FaultServer, sync_http: GlueBookmarks
) -> None:
    faults.script(DEEP, default=Echo())
    names = [f"job-{n}" for n in range(41)]
    results = sync_http.get_job_bookmarks(names, max_concurrency=4)
    failed = [r for r in results if not isinstance(r, JobBookmarkEntry)]
    assert len(failed) == 1 and isinstance(failed[0], ResponseValidationError)
    assert len(results) == 41


@pytest.mark.asyncio
async def test_one_deep_answer_costs_only_its_job_in_an_async_batch(
    faults: FaultServer,
) -> None:
    faults.script(DEEP, default=Echo())
    async with _async_client(faults) as gb:
        with pytest.raises(ResponseValidationError, match="nested too deep"):
            await gb.get_job_bookmark("a")
        faults.script(DEEP)
        results = await gb.get_job_bookmarks([f"job-{n}" for n in range(41)], max_concurrency=4)
    failed = [r for r in results if not isinstance(r, JobBookmarkEntry)]
    assert len(failed) == 1 and isinstance(failed[0], ResponseValidationError)


def test_any_exception_fetching_one_job_is_that_jobs_typed_error(
    faults: FaultServer, sync_http: GlueBookmarks
) -> None:
    faults.script(default=Echo())

    def refuse_j7(params: dict[str, object], **kwargs: object) -> None:
        if params.get("JobName") == "j7":
            raise LookupError("a hook of the user's failed")

    sync_http._get_client().meta.events.register(
        "before-parameter-build.glue.GetJobBookmark", refuse_j7
    )
    results = sync_http.get_job_bookmarks([f"j{n}" for n in range(10)], max_concurrency=3)
    error = results[7]
    assert isinstance(error, GlueBookmarksError) and "LookupError" in str(error)
    assert isinstance(error.__cause__, LookupError)
    assert all(isinstance(r, JobBookmarkEntry) for n, r in enumerate(results) if n != 7)


def test_the_command_prints_one_line_for_a_deep_answer(
    faults: FaultServer, capsys: pytest.CaptureFixture[str]
) -> None:
    faults.script(DEEP)
    result = run_cli(capsys, ["get", "a", "--endpoint-url", faults.url, "--region", REGION])
    assert result.status != 0 and "Traceback" not in result.err
    assert "ResponseValidationError" in result.err and "nested too deep" in result.err


# -- a deadline that holds however the bytes arrive -------------------------------------------


def test_a_trickled_answer_ends_at_the_calls_deadline(
    faults: FaultServer, sync_http: GlueBookmarks
) -> None:
    faults.script(TRICKLE)
    start = time.monotonic()
    with pytest.raises(DeadlineExceededError) as raised:
        sync_http.get_job_bookmark("a", timeout=DEADLINE)
    assert time.monotonic() - start < ROOM
    assert raised.value.job_name == "a" and raised.value.timeout == DEADLINE
    assert raised.value.operation_name == "GetJobBookmark"
    assert len(faults.requests) == 1  # not tried again past its deadline
    wait_until(lambda: faults.open_connections == 0, "the connection to close")


def test_a_deadline_holds_through_botocore_retries(faults: FaultServer) -> None:
    # Three attempts, each a trickle: the deadline is the call's, not each attempt's.
    faults.script(TRICKLE, TRICKLE, TRICKLE)
    with GlueBookmarks(
        session=botocore_session(),
        endpoint_url=faults.url,
        region_name=REGION,
        config=Config(retries={"mode": "standard", "max_attempts": 3}, read_timeout=0.5),
    ) as gb:
        start = time.monotonic()
        with pytest.raises(DeadlineExceededError):
            gb.reset_job_bookmark("a", timeout=DEADLINE)
        assert time.monotonic() - start < ROOM
    assert len(faults.requests) == 1  # no attempt is sent past the deadline


@pytest.mark.asyncio
async def test_a_trickled_answer_ends_at_the_async_calls_deadline(faults: FaultServer) -> None:
    faults.script(TRICKLE)
    async with _async_client(faults) as gb:
        start = time.monotonic()
        with pytest.raises(DeadlineExceededError) as raised:
            await gb.get_job_bookmark("a", timeout=DEADLINE)
        assert time.monotonic() - start < ROOM
    assert raised.value.job_name == "a"
    wait_until(lambda: faults.open_connections == 0, "the connection to close")


def test_the_many_jobs_timeout_ends_requests_in_flight_and_their_threads(
    faults: FaultServer, sync_http: GlueBookmarks
) -> None:
    faults.script(default=TRICKLE)
    start = time.monotonic()
    results = sync_http.get_job_bookmarks([f"j{n}" for n in range(6)], timeout=DEADLINE)
    assert time.monotonic() - start < ROOM
    assert all(isinstance(r, DeadlineExceededError) for r in results)
    _nothing_left(faults)


def test_leaving_a_many_jobs_iteration_early_ends_its_requests(
    faults: FaultServer, sync_http: GlueBookmarks
) -> None:
    faults.script(Echo(), default=TRICKLE)
    pairs = sync_http.iter_job_bookmarks([f"j{n}" for n in range(6)], max_concurrency=3)
    _name, result = next(pairs)
    assert isinstance(result, JobBookmarkEntry)
    wait_until(lambda: faults.open_connections >= 3, "the trickles to start")
    pairs.close()
    _nothing_left(faults)


def test_every_command_takes_a_timeout(
    faults: FaultServer, capsys: pytest.CaptureFixture[str]
) -> None:
    faults.script(TRICKLE)
    argv = ["reset", "a", "--yes", "--timeout", "0.5", "--endpoint-url", faults.url]
    start = time.monotonic()
    result = run_cli(capsys, [*argv, "--region", REGION])
    assert time.monotonic() - start < ROOM
    assert "DeadlineExceededError" in result.err and "Traceback" not in result.err


def test_a_timeout_is_checked_before_any_request(sync_http: GlueBookmarks) -> None:
    for bad in (0, -1, float("nan"), float("inf"), "5", True):
        with pytest.raises(InvalidParameterError, match="timeout"):
            sync_http.get_job_bookmark("a", timeout=bad)  # type: ignore[arg-type]


# -- a cap on an answer's size ---------------------------------------------------------------


def test_an_endless_answer_ends_at_the_size_cap(
    faults: FaultServer, sync_http: GlueBookmarks
) -> None:
    faults.script(Endless())
    with pytest.raises(ResponseValidationError, match="max_answer_bytes"):
        sync_http.get_job_bookmark("a")
    wait_until(lambda: faults.open_connections == 0, "the connection to close")


def test_an_endless_answer_ends_at_the_deadline_below_the_cap(faults: FaultServer) -> None:
    faults.script(Endless(chunk=1024))
    with _sync_client(faults, 2**62) as gb, pytest.raises(DeadlineExceededError):
        gb.get_job_bookmark("a", timeout=DEADLINE)


@pytest.mark.asyncio
async def test_an_endless_answer_ends_at_the_async_size_cap(faults: FaultServer) -> None:
    faults.script(Endless())
    async with _async_client(faults, max_answer_bytes=MiB) as gb:
        with pytest.raises(ResponseValidationError, match="max_answer_bytes"):
            await gb.get_job_bookmark("a")
    wait_until(lambda: faults.open_connections == 0, "the connection to close")


def test_an_answer_within_the_cap_is_read_whole(faults: FaultServer) -> None:
    state = json.dumps({"src": {"jsonClass": "X", "padding": "p" * 500_000}})
    faults.script(success_answer({**ENTRY, "JobBookmark": state}))
    with _sync_client(faults) as gb:
        assert gb.get_job_bookmark("a").job_bookmark == state


def test_max_answer_bytes_is_checked() -> None:
    for bad in (0, -5, 1.5, "1"):
        with pytest.raises(InvalidParameterError, match="max_answer_bytes"):
            GlueBookmarks(max_answer_bytes=bad)  # type: ignore[arg-type]


def test_calls_outside_ours_on_an_injected_client_are_left_alone(faults: FaultServer) -> None:
    # The user's own calls on the client they gave us: no limits, botocore as it is.
    faults.script(success_answer(ENTRY), success_answer(ENTRY))
    from tests._support import glue_client

    client = glue_client(faults.url, config=ONE_ATTEMPT)
    GlueBookmarks(client=client, max_answer_bytes=10)
    assert client.get_job_bookmark(JobName="a")["JobBookmarkEntry"]["JobName"] == "a"
    client.close()


def test_asyncio_is_not_left_with_tasks(faults: FaultServer) -> None:
    faults.script(default=TRICKLE)

    async def main() -> set[asyncio.Task[object]]:
        async with _async_client(faults) as gb:
            results = await gb.get_job_bookmarks(["a", "b", "c"], timeout=DEADLINE)
        assert all(isinstance(r, DeadlineExceededError) for r in results)
        return {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}

    assert asyncio.run(main()) == set()
    wait_until(lambda: faults.open_connections == 0, "the connections to close", PATIENCE)


def test_ctrl_c_in_a_many_jobs_call_leaves_nothing_working(
    faults: FaultServer, sync_http: GlueBookmarks
) -> None:
    faults.script(Echo(), default=TRICKLE)

    def interrupt(done: int, total: int) -> None:
        wait_until(lambda: faults.open_connections >= 3, "the trickles to start")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sync_http.get_job_bookmarks(
            [f"j{n}" for n in range(6)], max_concurrency=3, on_progress=interrupt
        )
    _nothing_left(faults)
