"""`AsyncGlueBookmarks`: the asyncio client, a driver of the operations over aiobotocore.

The operations are the sync client's (`_operations`, `_diagnose.diagnose`, `_rewind`,
`_backfill`), written
once; this module awaits their requests on one aiobotocore client and runs their batches on
the task shell of the many-jobs schedule (`_tasks`). aiobotocore is imported when an
`AsyncGlueBookmarks` is created, never by `import glue_bookmarks`.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Iterable,
    Mapping,
)
from datetime import datetime, timedelta
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, Final, TypeVar

from botocore.config import Config
from botocore.exceptions import BotoCoreError

from glue_bookmarks import _backfill, _diagnose, _limits, _operations, _rewind, _scripts, _tasks
from glue_bookmarks._backfill import BackfillPlan
from glue_bookmarks._base import BaseBookmarks, creation_error, default_config
from glue_bookmarks._calls import (
    Call,
    OneCall,
    answered,
    async_send_errors,
    failed,
    method_name,
    started,
)
from glue_bookmarks._doctor import JobDiagnosis
from glue_bookmarks._entry import JobBookmarkEntry
from glue_bookmarks._exceptions import ConfigurationError, GlueBookmarksError
from glue_bookmarks._limits import (
    DEFAULT_MAX_ANSWER_BYTES,
    LimitReachedError,
    Limits,
    hook_limits_async,
    read_body_async,
)
from glue_bookmarks._lint import ScriptReport
from glue_bookmarks._operations import Batch, Operation, Stream, advance
from glue_bookmarks._rewind import RewindPlan
from glue_bookmarks._schedule import DEFAULT_MAX_CONCURRENCY, InOrder, Schedule
from glue_bookmarks._validation import check_timeout

if TYPE_CHECKING:
    # asyncio too is imported where it is used: `import glue_bookmarks` stays as quick as it
    # was (asyncio alone adds a sixth to it), for the many users who never await.
    from aiobotocore.client import AioBaseClient
    from aiobotocore.session import AioSession

__all__ = ["AsyncGlueBookmarks"]

_INSTALL_HINT: Final = "AsyncGlueBookmarks needs aiobotocore: pip install 'glue-bookmarks[async]'"

T = TypeVar("T")


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


class AsyncGlueBookmarks(BaseBookmarks):
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
        max_answer_bytes: The most bytes an answer's body may have, as for `GlueBookmarks`.
        s3_client: An aiobotocore S3 client (entered) to read scripts with, as
            `GlueBookmarks` takes one.

    Raises:
        ConfigurationError: aiobotocore is not installed (`pip install 'glue-bookmarks[async]'`).
        InvalidParameterError: A bad argument, as for `GlueBookmarks`; nothing is sent.
    """

    _asynchronous = True

    def __init__(
        self,
        *,
        client: AioBaseClient | None = None,
        session: AioSession | None = None,
        region_name: str | None = None,
        profile_name: str | None = None,
        endpoint_url: str | None = None,
        config: Config | None = None,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
        s3_client: AioBaseClient | None = None,
    ) -> None:
        aiobotocore = _aiobotocore()
        super().__init__(
            client=client,
            session=session,
            region_name=region_name,
            profile_name=profile_name,
            endpoint_url=endpoint_url,
            config=config,
            max_answer_bytes=max_answer_bytes,
            s3_client=s3_client,
            client_type=aiobotocore.client.AioBaseClient,
            session_type=aiobotocore.session.AioSession,
            client_hint=" (for a botocore or boto3 client, use GlueBookmarks)",
            session_hint=" (for a botocore Session, use GlueBookmarks)",
        )
        self._client: AioBaseClient | None = client
        self._s3_client: AioBaseClient | None = s3_client
        for given in (client, s3_client):
            if given is not None:
                hook_limits_async(given)
        self._context: Any = None  # the `async with` of a client created here
        self._s3_context: Any = None
        import asyncio

        self._lock = asyncio.Lock()

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
            contexts = [self._context, self._s3_context]
            self._context = self._s3_context = None
            self._client = self._s3_client = None
            self._closed = True
        for context in contexts:
            if context is not None:
                await context.__aexit__(None, None, None)

    async def _get_client(self) -> AioBaseClient:
        client = self._client
        if client is not None:
            return client
        async with self._lock:
            if self._closed:
                raise self._closed_error()
            if self._client is None:
                self._client = await self._create_client()
            return self._client

    async def _get_s3_client(self) -> AioBaseClient:
        """The S3 client scripts are read with: `s3_client`, or one made here, on first use."""
        client = self._s3_client
        if client is not None:
            return client
        glue = await self._get_client()
        async with self._lock:
            if self._closed:
                raise self._closed_error()
            if self._s3_client is None:
                self._s3_client, self._s3_context = await self._create("s3", glue)
            return self._s3_client

    async def _client_for(self, service: str) -> AioBaseClient:
        return await (self._get_client() if service == "glue" else self._get_s3_client())

    async def _create_client(self) -> AioBaseClient:
        client, self._context = await self._create("glue")
        return client

    async def _create(self, service: str, glue: Any = None) -> tuple[AioBaseClient, Any]:
        """A client of `service` made here, entered, and its `async with` to exit; `glue`,
        for S3, is the Glue client whose settings it takes."""
        aiobotocore = _aiobotocore()
        # Our defaults as an AioConfig, so that an AioConfig of the user's merges over them.
        defaults = aiobotocore.config.AioConfig().merge(default_config())
        new_session = aiobotocore.session.AioSession
        try:
            if service == "glue":
                session, options = self._creation(new_session, defaults)
            else:
                session, options = self._s3_creation(glue, new_session, defaults)
            if self._owns_client and isinstance(self._config, aiobotocore.config.AioConfig):
                # Older aiobotocore (2.13, our floor) merges only the first AioConfig's
                # connector_args; the user's must win.
                options["config"] = self._config.merge(options["config"])
            context = session.create_client(service, **options)
            client: AioBaseClient = await context.__aenter__()
        except (BotoCoreError, ValueError) as exc:
            raise creation_error(exc) from exc
        hook_limits_async(client)
        return client, context

    # -- the driver --------------------------------------------------------------------------

    async def _run(self, operation: Operation[T] | OneCall[T], timeout: float | None = None) -> T:
        """Await the operation's requests, one at a time, and return its result; all within
        `timeout` seconds, if given."""
        if timeout is None:
            return await self._steps(operation)
        check_timeout(timeout)
        token = _limits.enter(timeout, max_bytes=self._max_answer_bytes)
        try:
            return await self._steps(operation)
        finally:
            _limits.leave(token)

    async def _steps(self, operation: Operation[T] | OneCall[T]) -> T:
        if isinstance(operation, OneCall):
            try:
                return operation.read(await self._send(operation.call), operation.call)
            except GlueBookmarksError as exc:
                if operation.recover is not None:
                    # Raises what the caller gets instead.
                    await self._steps(operation.recover(exc, operation.call))
                raise
        answer: Any = None
        while True:
            try:
                step = advance(operation, answer)
            except StopIteration as stop:
                result: T = stop.value
                return result
            answer = await self._answer(step)

    def _stream(self, operation: Stream[T], timeout: float | None = None) -> AsyncIterator[T]:
        """Await the stream's requests as the iteration reaches them; yield its items. With
        `timeout`, every request ends within that many seconds of the first `__anext__()`."""
        check_timeout(timeout)
        return self._streamed(operation, timeout)

    async def _streamed(self, operation: Stream[T], timeout: float | None) -> AsyncIterator[T]:
        deadline = None if timeout is None else time.monotonic() + timeout
        answer: Any = None
        while True:
            try:
                step = advance(operation, answer)
            except StopIteration:
                return
            if isinstance(step, Call):
                token = _limits.enter(timeout, deadline=deadline, max_bytes=self._max_answer_bytes)
                try:
                    answer = await self._answer(step)
                finally:
                    _limits.leave(token)
            else:
                answer = None
                yield step

    async def _answer(self, step: Call | Batch[Any]) -> Any:
        """The answer to an operation's step; a typed error is returned, to be thrown into it."""
        if not isinstance(step, Call):
            return await self._batch(step)
        try:
            return await self._send(step)
        except GlueBookmarksError as exc:
            return exc

    async def _send(self, call: Call) -> Any:
        method = getattr(await self._client_for(call.service), method_name(call.operation_name))
        limits, token = _limits.for_call(self._limits)
        start = started()
        try:
            if limits.deadline is None:
                answer = await _answer(method, call, limits)
            else:
                answer = await _within(limits, _answer(method, call, limits))
            return answered(call, start, answer)
        except async_send_errors() as exc:
            error = failed(call, start, exc)
            if error is None:
                raise
            raise error from exc
        finally:
            _limits.leave(token)

    async def _batch(self, batch: Batch[T]) -> list[T | GlueBookmarksError]:
        order: InOrder[T | GlueBookmarksError] = InOrder(batch.names, batch.on_progress)
        if not batch.names:
            return []
        schedule = self._new_schedule(await self._client_for(batch.service), batch, order.distinct)
        return await _tasks.gather(order, schedule, self._fetcher(batch, schedule))

    def _fetcher(self, batch: Batch[T], schedule: Schedule[T]) -> Callable[[str], Awaitable[T]]:
        """What a worker task awaits for one job: its operation, within the run's limits."""

        async def fetch(name: str) -> T:
            token = self._job_limits(schedule)
            try:
                return await self._steps(batch.operation(name))
            finally:
                _limits.leave(token)

        return fetch

    # -- the operations ----------------------------------------------------------------------

    async def get_job_bookmark(
        self, job_name: str, *, run_id: str | None = None, timeout: float | None = None
    ) -> JobBookmarkEntry:
        """Get a job's bookmark entry (`GetJobBookmark`), as `GlueBookmarks.get_job_bookmark`.

        Args:
            job_name: The name of the job.
            run_id: The id of a run of the job.
            timeout: Seconds the call may take, as `GlueBookmarks` takes it: the request in
                flight is cancelled then, with `DeadlineExceededError`.

        Returns:
            The job's bookmark entry.

        Raises:
            NoBookmarkError: The job exists but has no bookmark yet.
            JobNotFoundError: The job does not exist. After an `EntityNotFoundException`
                one `GetJob` tells the two apart; when it fails otherwise (no `glue:GetJob`
                permission), the plain `EntityNotFoundError` is raised.
            GlueBookmarksError: Any other failure, as for `GlueBookmarks`.
        """
        return await self._run(_operations.get_job_bookmark(job_name, run_id), timeout)

    async def reset_job_bookmark(
        self,
        job_name: str,
        *,
        run_id: str | None = None,
        if_idle: bool = False,
        timeout: float | None = None,
    ) -> JobBookmarkEntry:
        """Reset or rewind a job's bookmark (`ResetJobBookmark`), as the sync client does.

        Args:
            job_name: The name of the job.
            run_id: The id of the run to rewind to.
            if_idle: Reset only if no run of the job is active (one `GetJobRuns` page
                first), as `GlueBookmarks.reset_job_bookmark` checks it.
            timeout: Seconds the call may take, as `GlueBookmarks` takes it: the request in
                flight is cancelled then, with `DeadlineExceededError`.

        Returns:
            The entry the service returns.

        Raises:
            EntityNotFoundError: The job does not exist, or has no bookmark to reset.
            JobRunActiveError: With `if_idle`, a run of the job is active; nothing was reset.
            TransportError: No answer; the reset may or may not have happened.
            GlueBookmarksError: Any other failure, as for `GlueBookmarks`.
        """
        return await self._run(_operations.reset_bookmark(job_name, run_id, if_idle), timeout)

    def iter_job_names(
        self,
        *,
        prefix: str | None = None,
        tags: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> AsyncIterator[str]:
        """Yield every job name in the account and region (`ListJobs`), page by page.

        Args:
            prefix: Only the names that start with it (case-sensitive).
            tags: Only the jobs with these tags, as ListJobs' `Tags` filter selects them.
            timeout: Seconds, from the first `__anext__()`, within which every page request
                ends; None: none.

        Returns:
            An async iterator of job names (`async for name in gb.iter_job_names()`).

        Raises:
            InvalidParameterError: A bad argument, at the call, before any request.
            GlueBookmarksError: A page request failed or did not fit, at the iteration.
        """
        return self._stream(_operations.job_names(prefix, tags), timeout)

    async def get_job_bookmarks(
        self,
        job_names: Iterable[str],
        *,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        on_progress: Callable[[int, int], object] | None = None,
        timeout: float | None = None,
        max_workers: int | None = None,
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
            max_workers: Deprecated, the former name of `max_concurrency`.

        Returns:
            One result per name, in the order of `job_names`: its `JobBookmarkEntry`, or the
            `GlueBookmarksError` its request ended with.

        Raises:
            InvalidParameterError: A bad argument; nothing was sent.
            ConfigurationError: No credentials or region, or a closed client.
        """
        batch = _operations.bookmarks_batch(
            job_names, max_concurrency, max_workers, timeout, on_progress
        )
        return await self._batch(batch)

    def iter_job_bookmarks(
        self,
        job_names: Iterable[str],
        *,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        timeout: float | None = None,
        max_workers: int | None = None,
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
            max_workers: Deprecated, the former name of `max_concurrency`.

        Returns:
            An async generator of `(job_name, result)` pairs.

        Raises:
            InvalidParameterError: A bad argument, at the call; nothing was sent.
            ConfigurationError: As `get_job_bookmarks`, at the iteration that meets it.
        """
        batch = _operations.bookmarks_batch(
            job_names, max_concurrency, max_workers, timeout, distinct=True
        )
        return self._iter_batch(batch)

    async def _iter_batch(
        self, batch: Batch[T]
    ) -> AsyncGenerator[tuple[str, T | GlueBookmarksError], None]:
        if batch.names:
            schedule = self._new_schedule(await self._client_for(batch.service), batch, batch.names)
            pairs = _tasks.stream(schedule, self._fetcher(batch, schedule))
            # Closed here, not left to the garbage collector: leaving early cancels at once.
            async with contextlib.aclosing(pairs):
                async for pair in pairs:
                    yield pair

    async def diagnose(
        self,
        job_names: Iterable[str] | None = None,
        *,
        prefix: str | None = None,
        tags: Mapping[str, str] | None = None,
        stale_after: timedelta = timedelta(days=7),
        history: bool = False,
        scripts: bool = False,
        timeout: float | None = None,
    ) -> list[JobDiagnosis]:
        """Find the jobs whose bookmarks will fail them, as `GlueBookmarks.diagnose`.

        Args:
            job_names: The jobs to diagnose, in the order wanted; None diagnoses every job
                (or those `prefix` and `tags` select), sorted by name.
            prefix: Only the jobs whose name starts with it.
            tags: Only the jobs with these tags.
            stale_after: The age past which an enabled bookmark is `stale`.
            history: Also read the latest runs of every job with bookmarks enabled, as
                `GlueBookmarks.diagnose`.
            scripts: Also lint each job's script, as `GlueBookmarks.diagnose` does.
            timeout: Seconds the whole diagnosis may take, as `GlueBookmarks.diagnose`.

        Returns:
            One diagnosis per job.

        Raises:
            InvalidParameterError: A bad argument; nothing was sent.
            GlueBookmarksError: A `GetJobs` (or `ListJobs`) request failed or did not fit.
        """
        diagnosis = _diagnose.diagnose(job_names, prefix, tags, stale_after, history)
        return await self._run(_scripts.when(scripts, diagnosis), timeout)

    async def lint_job(self, job_name: str, *, timeout: float | None = None) -> ScriptReport:
        """Lint a job's script against its live bookmark, as `GlueBookmarks.lint_job`.

        Args:
            job_name: The name of the job.
            timeout: Seconds the call may take in all.

        Returns:
            The script's report.

        Raises:
            InvalidParameterError: A bad argument, or a job whose script is not Python.
            JobNotFoundError: The job does not exist.
            GlueBookmarksError: Any other failure, as for `GlueBookmarks`.
        """
        return await self._run(_scripts.lint_job(job_name), timeout)

    async def lint_s3_script(self, url: str, *, timeout: float | None = None) -> ScriptReport:
        """Lint the script at an `s3://BUCKET/KEY` URL, as `GlueBookmarks.lint_s3_script`.

        Args:
            url: The script's URL.
            timeout: Seconds the call may take.

        Returns:
            The script's report.

        Raises:
            InvalidParameterError: `url` is not an s3:// URL of a Python script (`.py`).
            ConfigurationError: No credentials or region for S3.
        """
        return await self._run(_scripts.lint_s3_script(url), timeout)

    async def plan_rewind(
        self, job_name: str, *, since: datetime, timeout: float | None = None
    ) -> RewindPlan:
        """Plan to rewind a job's bookmark to a time, as `GlueBookmarks.plan_rewind`.

        Args:
            job_name: The name of the job.
            since: Process again the data that arrived from this time on; timezone-aware.
            timeout: Seconds the reads may take in all; None: none.

        Returns:
            The plan, for `apply_rewind()`.

        Raises:
            InvalidParameterError: A bad argument; nothing was sent.
            GlueBookmarksError: Any other failure, as for `GlueBookmarks`.
        """
        return await self._run(_rewind.plan_rewind(job_name, since), timeout)

    async def apply_rewind(
        self,
        plan: RewindPlan,
        *,
        allow_full_reset: bool = False,
        force: bool = False,
        timeout: float | None = None,
    ) -> JobBookmarkEntry | None:
        """Carry out a plan made by `plan_rewind()`, as `GlueBookmarks.apply_rewind`.

        Args:
            plan: The plan.
            allow_full_reset: Carry out a plan that resets the bookmark fully
                (`plan.is_full_reset`: no run started before `since`, so every file is
                processed again); refused without it.
            force: Skip the check of the job's runs: reset even while a run is active.
            timeout: Seconds the reads and the reset may take in all.

        Returns:
            The entry `ResetJobBookmark` returns; for a plan without effect, the current
            entry (None when the job has no bookmark).

        Raises:
            InvalidParameterError: `plan` is not a `RewindPlan`, or is a full reset without
                `allow_full_reset`; nothing was sent.
            BookmarkChangedError: The bookmark's version changed since the plan.
            JobRunActiveError: A run of the job is active (without `force`).
            GlueBookmarksError: Any other failure, as for `GlueBookmarks`.
        """
        return await self._run(_rewind.apply_rewind(plan, allow_full_reset, force), timeout)

    async def plan_backfill(
        self,
        job_name: str,
        *,
        since: datetime,
        until: datetime | None = None,
        timeout: float | None = None,
    ) -> BackfillPlan:
        """Plan to process a window of a job's input again, as `GlueBookmarks.plan_backfill`.

        Args:
            job_name: The name of the job.
            since: The start of the window; timezone-aware, not in the future.
            until: Its end; timezone-aware, later than `since`; None: up to the latest run.
            timeout: Seconds the reads may take in all; None: none.

        Returns:
            The plan, for `start_backfill()`.

        Raises:
            InvalidParameterError: A bad argument (nothing was sent), or a window that starts
                before the job's first run or holds no run.
            GlueBookmarksError: Any other failure, as for `GlueBookmarks`.
        """
        return await self._run(_backfill.plan_backfill(job_name, since, until), timeout)

    async def start_backfill(
        self,
        plan: BackfillPlan,
        *,
        arguments: Mapping[str, str] | None = None,
        force: bool = False,
        timeout: float | None = None,
    ) -> str:
        """Start the run a plan made by `plan_backfill()` describes, as
        `GlueBookmarks.start_backfill`.

        Args:
            plan: The plan.
            arguments: More run arguments; they may not set the plan's three.
            force: Skip the check of the job's runs: start even while a run is active.
            timeout: Seconds the read and the start may take in all.

        Returns:
            The new run's id.

        Raises:
            InvalidParameterError: A bad argument; nothing was sent.
            JobRunActiveError: A run of the job is active (without `force`).
            ConcurrentRunsExceededError: The job runs as often at once as it may.
            GlueBookmarksError: Any other failure, as for `GlueBookmarks`.
        """
        return await self._run(_backfill.start_backfill(plan, arguments, force), timeout)


async def _answer(method: Callable[..., Any], call: Call, limits: Limits) -> Any:
    """The call's answer; an S3 object's `Body` read whole, within the answer's size cap."""
    answer = await method(**call.params)
    if "Body" in answer:
        answer = {**answer, "Body": await read_body_async(answer["Body"], limits)}
    return answer


async def _within(limits: Limits, call: Coroutine[Any, Any, Any]) -> Any:
    """Await `call`, cancelled (mid-answer, if need be) at the deadline of `limits`, which
    then raises `LimitReachedError`."""
    import asyncio

    left = limits.left()
    if left <= 0:
        call.close()
        raise LimitReachedError(limits)  # nothing is sent after the deadline
    if sys.version_info >= (3, 11):
        try:
            async with asyncio.timeout(left) as scope:
                return await call
        except TimeoutError:
            if scope.expired():
                raise LimitReachedError(limits) from None
            raise
    try:
        return await asyncio.wait_for(call, left)
    except asyncio.TimeoutError:
        if limits.left() <= 0:
            raise LimitReachedError(limits) from None
        raise
