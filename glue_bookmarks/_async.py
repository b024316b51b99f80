"""The `AsyncGlueBookmarks` facade: the calls of `GlueBookmarks`, awaitable, over aiobotocore.

Only the I/O is its own. Validation, request parameters, the entry's parsing, the error map,
the client's `Config` and the pace of many-jobs runs are the sync client's, called from here.
aiobotocore is imported when an `AsyncGlueBookmarks` is created, never by `import glue_bookmarks`.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import Counter
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Callable,
    Collection,
    Iterable,
    Mapping,
)
from contextvars import ContextVar
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, Final

from botocore.config import Config
from botocore.exceptions import BotoCoreError

from glue_bookmarks._client import (
    _DEFAULT_CONFIG,
    _bookmark_params,
    _call_error,
    _check_injected,
    _client_config,
    _creation_error,
    _expired,
    _log_request,
    _page_job_names,
    _pool_size,
    _with_profile,
    check_settings,
)
from glue_bookmarks._entry import JobBookmarkEntry, entry_from_response
from glue_bookmarks._exceptions import (
    ConfigurationError,
    EntityNotFoundError,
    GlueBookmarksError,
    ThrottlingError,
    async_call_errors,
    narrow_not_found,
)
from glue_bookmarks._fleet import (
    DEFAULT_MAX_WORKERS,
    LOOK,
    READY_PER_WORKER,
    check_job_names,
    check_options,
    distinct_job_names,
)
from glue_bookmarks._pacing import RECHECK, Gate, Pace, ThrottledAttemptError, check_answer
from glue_bookmarks._validation import check_optional, check_tags

if TYPE_CHECKING:
    # asyncio too is imported where it is used: `import glue_bookmarks` stays as quick as it
    # was (asyncio alone adds a sixth to it), for the many users who never await.
    import asyncio

    from aiobotocore.client import AioBaseClient
    from aiobotocore.session import AioSession

__all__ = ["AsyncGlueBookmarks"]

_logger: Final = logging.getLogger("glue_bookmarks")

_INSTALL_HINT: Final = "AsyncGlueBookmarks needs aiobotocore: pip install 'glue-bookmarks[async]'"


Result = JobBookmarkEntry | GlueBookmarksError


def _aiobotocore() -> ModuleType:
    """The aiobotocore package, its client, config and session modules imported; or one
    clear error naming the extra to install."""
    try:
        import aiobotocore.client
        import aiobotocore.config
        import aiobotocore.session
    except ImportError as exc:
        raise ConfigurationError(f"{_INSTALL_HINT} ({exc})") from exc
    return aiobotocore


# The pacing of a many-jobs run, for the requests of its tasks only: each worker task sets
# `_gate` in its own context, so every other call on the same client is left alone.
_gate: ContextVar[Gate | None] = ContextVar("glue_bookmarks_gate", default=None)
_sent: ContextVar[float] = ContextVar("glue_bookmarks_sent", default=float("-inf"))


async def _before_send(**kwargs: Any) -> None:
    """Wait for the run's pace to let the request go (the async `Gate.wait_for_turn`)."""
    gate = _gate.get()
    if gate is None:
        return
    import asyncio

    pace = gate.pace
    ticket = pace.take()
    while (delay := pace.delay(ticket)) > 0:
        # Woken at least every `RECHECK` s, for a change of pace to apply.
        await asyncio.sleep(min(delay, RECHECK))
    _sent.set(pace.clock())


def _needs_retry(**kwargs: Any) -> None:
    """The sync engine's check of an answer (`_pacing.check_answer`), for this task's run."""
    gate = _gate.get()
    if gate is not None:
        check_answer(gate, _sent.get(), **kwargs)


def _install(client: AioBaseClient) -> None:
    """Hook pacing into `client`'s events, once; calls outside a many-jobs run are untouched."""
    # botocore's stubs type handlers as plain functions; aiobotocore also awaits coroutines.
    events: Any = client.meta.events
    events.register_first(
        "before-send.glue", _before_send, unique_id="glue-bookmarks-async-pace-send"
    )
    events.register_first(
        "needs-retry.glue", _needs_retry, unique_id="glue-bookmarks-async-pace-retry"
    )


async def _call(operation_name: str, method: Callable[..., Any], params: Mapping[str, Any]) -> Any:
    """Await an aiobotocore client method; what it raises comes out as our error.

    The async twin of `_client._call`, with the same map and the same DEBUG line.
    """
    debug = _logger.isEnabledFor(logging.DEBUG)
    start = time.perf_counter() if debug else 0.0
    try:
        response = await method(**params)
    except async_call_errors() as exc:
        error = _call_error(exc, operation_name, params, start if debug else None)
        if error is None:
            raise
        raise error from exc
    if debug:
        _log_request(start, operation_name, params, "ok", response)
    return response


class AsyncGlueBookmarks:
    """A typed asyncio client for AWS Glue job bookmarks, over aiobotocore.

    The same calls, models and errors as `GlueBookmarks`, awaitable. It wraps one aiobotocore
    Glue client: one passed in is used as is and never closed here; otherwise one is created
    on first use and closed by `aclose()` (or leaving an `async with` block). Use it from one
    event loop. Nothing from aiobotocore or aiohttp escapes: a connection refused or closed, or
    a timeout, is a `TransportError`.

    Example:
        ```python
        async with AsyncGlueBookmarks(region_name="eu-west-1") as gb:
            entry = await gb.get_job_bookmark("nightly-orders")
        ```

    Args:
        client: An aiobotocore Glue client (entered: `async with session.create_client(...)`)
            to use as is. Cannot be combined with the other arguments.
        session: The aiobotocore session to create the client from; a new one by default.
        region_name: The AWS region; by default the session's.
        profile_name: The shared-config profile.
        endpoint_url: Another endpoint, such as `"http://127.0.0.1:5000"` for moto server.
        config: A `botocore.config.Config` (or aiobotocore's `AioConfig`), merged over our
            defaults as `GlueBookmarks` merges it.

    Raises:
        ConfigurationError: aiobotocore is not installed (`pip install 'glue-bookmarks[async]'`).
        InvalidParameterError: A bad argument, as for `GlueBookmarks`; nothing is sent.
    """

    def __init__(
        self,
        *,
        client: AioBaseClient | None = None,
        session: AioSession | None = None,
        region_name: str | None = None,
        profile_name: str | None = None,
        endpoint_url: str | None = None,
        config: Config | None = None,
    ) -> None:
        aiobotocore = _aiobotocore()
        if client is not None:
            _check_injected(
                client,
                session=session,
                region_name=region_name,
                profile_name=profile_name,
                endpoint_url=endpoint_url,
                config=config,
            )
            check_optional(
                "client",
                client,
                aiobotocore.client.AioBaseClient,
                hint=" (for a botocore or boto3 client, use GlueBookmarks)",
            )
        check_optional(
            "session",
            session,
            aiobotocore.session.AioSession,
            hint=" (for a botocore Session, use GlueBookmarks)",
        )
        check_settings(region_name, profile_name, endpoint_url, config)
        self._client = client
        self._owns_client = client is None
        self._session = session
        self._region_name = region_name
        self._profile_name = profile_name
        self._endpoint_url = endpoint_url
        self._config = config
        self._context: Any = None  # the `async with` of a client created here
        import asyncio

        self._lock = asyncio.Lock()
        self._closed = False

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        origin = "created here" if self._owns_client else "injected"
        return f"<AsyncGlueBookmarks {state}, client {origin}>"

    async def __aenter__(self) -> AsyncGlueBookmarks:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the aiobotocore client if it was created here; an injected one is left open.

        Calling it again does nothing. Any call after it raises `ConfigurationError`.
        """
        async with self._lock:
            context, self._context = self._context, None
            self._client = None
            self._closed = True
        if context is not None:
            await context.__aexit__(None, None, None)

    async def _get_client(self) -> AioBaseClient:
        client = self._client
        if client is not None:
            return client
        async with self._lock:
            if self._closed:
                raise ConfigurationError("this AsyncGlueBookmarks is closed; create a new one")
            if self._client is None:
                self._client = await self._create_client()
            return self._client

    async def _method(self, name: str) -> Callable[..., Any]:
        # aiobotocore makes a client's operation methods at run time, as botocore does.
        method: Callable[..., Any] = getattr(await self._get_client(), name)
        return method

    async def _create_client(self) -> AioBaseClient:
        aiobotocore = _aiobotocore()
        # Our defaults as an AioConfig, so that an AioConfig of the user's merges over them.
        defaults = aiobotocore.config.AioConfig().merge(_DEFAULT_CONFIG)
        try:
            session = _with_profile(
                self._session, self._profile_name, aiobotocore.session.AioSession
            )
            config = _client_config(session, self._config, defaults)
            if isinstance(self._config, aiobotocore.config.AioConfig):
                # Older aiobotocore (2.13, our floor) merges only the first AioConfig's
                # connector_args; the user's must win.
                config = self._config.merge(config)
            context = session.create_client(
                "glue",
                region_name=self._region_name,
                endpoint_url=self._endpoint_url,
                config=config,
            )
            client: AioBaseClient = await context.__aenter__()
        except (BotoCoreError, ValueError) as exc:
            raise _creation_error(exc) from exc
        self._context = context
        return client

    async def get_job_bookmark(
        self, job_name: str, *, run_id: str | None = None
    ) -> JobBookmarkEntry:
        """Get a job's bookmark entry (`GetJobBookmark`), as `GlueBookmarks.get_job_bookmark`.

        Args:
            job_name: The name of the job.
            run_id: The id of a run of the job.

        Returns:
            The job's bookmark entry.

        Raises:
            EntityNotFoundError: The job does not exist, or has no bookmark yet.
            GlueBookmarksError: Any other failure, as for `GlueBookmarks`.
        """
        params = _bookmark_params(job_name, run_id)
        response = await _call("GetJobBookmark", await self._method("get_job_bookmark"), params)
        return entry_from_response(response, job_name=job_name, operation_name="GetJobBookmark")

    async def reset_job_bookmark(
        self, job_name: str, *, run_id: str | None = None
    ) -> JobBookmarkEntry:
        """Reset or rewind a job's bookmark (`ResetJobBookmark`), as the sync client does.

        Args:
            job_name: The name of the job.
            run_id: The id of the run to rewind to.

        Returns:
            The entry the service returns.

        Raises:
            EntityNotFoundError: The job does not exist, or has no bookmark to reset.
            TransportError: No answer; the reset may or may not have happened.
            GlueBookmarksError: Any other failure, as for `GlueBookmarks`.
        """
        params = _bookmark_params(job_name, run_id)
        response = await _call("ResetJobBookmark", await self._method("reset_job_bookmark"), params)
        return entry_from_response(response, job_name=job_name, operation_name="ResetJobBookmark")

    def iter_job_names(
        self, *, prefix: str | None = None, tags: Mapping[str, str] | None = None
    ) -> AsyncIterator[str]:
        """Yield every job name in the account and region (`ListJobs`), page by page.

        Args:
            prefix: Only the names that start with it (case-sensitive).
            tags: Only the jobs with these tags, as ListJobs' `Tags` filter selects them.

        Returns:
            An async iterator of job names (`async for name in gb.iter_job_names()`).

        Raises:
            InvalidParameterError: A bad argument, at the call, before any request.
            GlueBookmarksError: A page request failed or did not fit, at the iteration.
        """
        check_optional("prefix", prefix, str)
        tag_filter = check_tags("tags", tags)
        return self._job_names({"Tags": tag_filter} if tag_filter else {}, prefix)

    async def _job_names(self, params: dict[str, Any], prefix: str | None) -> AsyncIterator[str]:
        client = await self._get_client()
        pages = client.get_paginator("list_jobs").paginate(**params).__aiter__()
        while True:
            try:
                page = await _call("ListJobs", pages.__anext__, {})
            except StopAsyncIteration:
                return
            for name in _page_job_names(page, prefix):
                yield name

    async def get_job_bookmarks(
        self,
        job_names: Iterable[str],
        *,
        max_concurrency: int = DEFAULT_MAX_WORKERS,
        on_progress: Callable[[int, int], object] | None = None,
        timeout: float | None = None,
    ) -> list[JobBookmarkEntry | GlueBookmarksError]:
        """Get the bookmark entries of many jobs, concurrently over this one client.

        As `GlueBookmarks.get_job_bookmarks`: each distinct name fetched once, paced to the
        rate the service allows (a throttled job goes back in line, and ends as a
        `ThrottlingError` only when `timeout` passes or the service lets nothing through for
        60 s), an `EntityNotFoundException` told apart as `JobNotFoundError` or
        `NoBookmarkError`.
        Cancelling the awaiting task cancels the requests in flight.

        Args:
            job_names: The jobs; read once, up front.
            max_concurrency: The most requests in flight; fewer when the client's connection
                pool (`max_pool_connections`) is smaller.
            on_progress: Called as `on_progress(done, total)` after each result; what it
                raises stops the work and propagates.
            timeout: Seconds after which the jobs not done end as `DeadlineExceededError`
                (or their last `ThrottlingError`); None waits as long as it takes.

        Returns:
            One result per name, in the order of `job_names`: its `JobBookmarkEntry`, or the
            `GlueBookmarksError` its request ended with.

        Raises:
            InvalidParameterError: A bad argument; nothing was sent.
            ConfigurationError: No credentials or region, or a closed client.
        """
        names = check_job_names(job_names)
        check_options(max_concurrency, on_progress, timeout, workers_name="max_concurrency")
        copies = Counter(names)  # in first-seen order
        results: dict[str, Result] = {}
        done = 0
        async with contextlib.aclosing(self._stream(copies, max_concurrency, timeout)) as pairs:
            async for name, result in pairs:
                results[name] = result
                done += copies[name]
                if on_progress is not None:
                    on_progress(done, len(names))
        return [results[name] for name in names]

    def iter_job_bookmarks(
        self,
        job_names: Iterable[str],
        *,
        max_concurrency: int = DEFAULT_MAX_WORKERS,
        timeout: float | None = None,
    ) -> AsyncGenerator[tuple[str, JobBookmarkEntry | GlueBookmarksError], None]:
        """Yield `(job_name, result)` for many jobs as the results arrive.

        As `get_job_bookmarks`, in the order the answers come, keeping no result. Leave early
        with `contextlib.aclosing(...)` around the loop (or `await gen.aclose()`) to cancel the
        requests in flight at once.

        Args:
            job_names: The jobs; each distinct name is yielded once.
            max_concurrency: The most requests in flight.
            timeout: Seconds, from the first `__anext__()`, after which the jobs not done are
                yielded as `DeadlineExceededError` (or their last `ThrottlingError`).

        Returns:
            An async generator of `(job_name, result)` pairs.

        Raises:
            InvalidParameterError: A bad argument, at the call; nothing was sent.
            ConfigurationError: As `get_job_bookmarks`, at the iteration that meets it.
        """
        names = distinct_job_names(job_names)
        check_options(max_concurrency, None, timeout, workers_name="max_concurrency")
        return self._stream(names, max_concurrency, timeout)

    async def _stream(
        self, names: Collection[str], max_concurrency: int, timeout: float | None
    ) -> AsyncGenerator[tuple[str, Result], None]:
        """The results of the distinct `names` as they come, from worker tasks.

        The sync engine's rules (`_fleet`), on tasks: a throttled job goes back in line; at
        the deadline, or when the service has let nothing through for a minute
        (`Pace.starved`), every job not done ends `expired`; what a worker raises but a
        throttle stops the work and propagates.
        """
        if not names:
            return
        import asyncio

        client = await self._get_client()
        _install(client)
        gate = Gate(Pace())
        workers = min(max_concurrency, _pool_size(client), len(names))
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        pending = iter(names)
        # Taken and not yet received here, with the job's last throttle.
        working: dict[str, ThrottlingError | None] = {}
        # A result, or None: a wake-up to look at `run` again.
        ready: asyncio.Queue[tuple[str, Result] | None] = asyncio.Queue(READY_PER_WORKER * workers)
        run = _RunState(workers)

        async def work() -> None:
            _gate.set(gate)
            try:
                for name in pending:
                    working[name] = None
                    while True:
                        try:
                            result = await self._fetch_one(name)
                            break
                        except ThrottledAttemptError as throttled:  # back in line
                            working[name] = run.last_throttle = throttled.error
                    await ready.put((name, result))
            except Exception as exc:  # handed to the caller's task
                run.failures.append(exc)
            finally:
                run.running -= 1
            await ready.put(None)

        async def watch() -> None:
            # The deadline and the service's silence, looked at every `LOOK` s.
            while True:
                now = loop.time()
                run.starved = gate.pace.starved()
                if run.starved or (deadline is not None and now >= deadline):
                    run.over = True
                    with contextlib.suppress(asyncio.QueueFull):
                        ready.put_nowait(None)
                    return
                await asyncio.sleep(LOOK if deadline is None else min(LOOK, deadline - now))

        tasks = [loop.create_task(work()) for _ in range(workers)]
        tasks.append(loop.create_task(watch()))
        try:
            while not run.over:
                if run.failures:
                    raise run.failures[0]
                if not run.running and ready.empty():
                    return
                item = await ready.get()
                if item is not None:
                    working.pop(item[0], None)
                    yield item
            # Over: what came in time, then every job not done.
            await _stop(tasks)
            done = []
            while not ready.empty():
                item = ready.get_nowait()
                if item is not None:
                    working.pop(item[0], None)
                    done.append(item)
            for pair in done:
                yield pair
            expired = _expired(timeout)
            # A job never sent, when the service let nothing through, ends with the throttle
            # the service last answered.
            untried = run.last_throttle if run.starved else None
            for name, throttle in list(working.items()):
                yield name, expired(name, throttle or untried)
            for name in pending:
                yield name, expired(name, untried)
        finally:
            await _stop(tasks)

    async def _fetch_one(self, job_name: str) -> Result:
        """One job's entry or its error; raises only `ConfigurationError`, and
        `ThrottledAttemptError` for the job to go back in line (as the sync engine's)."""
        try:
            return await self.get_job_bookmark(job_name)
        except EntityNotFoundError as exc:
            return await self._narrowed(exc, job_name)
        except ThrottlingError as exc:  # when botocore's retries, not the pacing hooks, saw it
            raise ThrottledAttemptError(exc) from exc
        except ConfigurationError:
            raise
        except GlueBookmarksError as exc:
            return exc

    async def _narrowed(self, error: EntityNotFoundError, job_name: str) -> EntityNotFoundError:
        """`error` as `JobNotFoundError` or `NoBookmarkError`, as `GetJob` tells."""
        try:
            await _call("GetJob", await self._method("get_job"), {"JobName": job_name})
        except EntityNotFoundError:
            return narrow_not_found(error, job_exists=False)
        except ConfigurationError:
            raise
        except GlueBookmarksError:
            return error
        return narrow_not_found(error, job_exists=True)


class _RunState:
    """What a run's worker tasks, its watcher and the caller's task share (one thread)."""

    def __init__(self, workers: int) -> None:
        self.running = workers
        self.failures: list[Exception] = []
        self.last_throttle: ThrottlingError | None = None
        self.over = False  # the deadline passed, or the service starved the run
        self.starved = False


async def _stop(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel the worker tasks (and their requests in flight), and wait until they are done."""
    import asyncio

    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
