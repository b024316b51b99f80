"""`GlueBookmarks`: the sync client, a driver of the operations over one botocore client.

The operations (`_operations`, `_diagnose.diagnose`, `_rewind`, `_backfill`) are written once
and do no I/O; this module sends their requests with botocore, on the calling thread, and runs their
batches on the thread shell of the many-jobs schedule (`_threads`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, TypeVar

import botocore.session
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import BotoCoreError

from glue_bookmarks import _backfill, _diagnose, _limits, _operations, _rewind, _scripts, _threads
from glue_bookmarks._backfill import BackfillPlan
from glue_bookmarks._base import BaseBookmarks, creation_error
from glue_bookmarks._calls import (
    SEND_ERRORS,
    Call,
    OneCall,
    answered,
    failed,
    method_name,
    started,
)
from glue_bookmarks._doctor import JobDiagnosis
from glue_bookmarks._entry import JobBookmarkEntry
from glue_bookmarks._exceptions import GlueBookmarksError
from glue_bookmarks._limits import (
    DEFAULT_MAX_ANSWER_BYTES,
    LimitReachedError,
    hook_limits,
    read_body,
)
from glue_bookmarks._lint import ScriptReport
from glue_bookmarks._operations import Batch, Operation, Stream, advance
from glue_bookmarks._rewind import RewindPlan
from glue_bookmarks._schedule import DEFAULT_MAX_CONCURRENCY, InOrder, Schedule
from glue_bookmarks._validation import check_timeout

__all__ = ["GlueBookmarks", "get_job_bookmark", "reset_job_bookmark"]

T = TypeVar("T")


class GlueBookmarks(BaseBookmarks):
    """A typed client for AWS Glue job bookmarks.

    It wraps one botocore Glue client. A client passed in is used as is and never closed here;
    otherwise one is created on first use (once, thread-safely) from the standard AWS chain
    (environment, shared config and credentials files, container or instance metadata), and
    `close()` (or leaving a `with` block) closes it. One instance serves many threads.

    Each request it makes is logged at DEBUG on the `glue_bookmarks` logger: the operation,
    the job, the outcome, the HTTP status, the request id, the attempts and the time taken.

    Every method raises only `GlueBookmarksError`s: `InvalidParameterError` before any request,
    `ConfigurationError` (no credentials or region, an unknown profile, a closed client),
    `ServiceError` and its subclasses for an error answer, `TransportError` for no answer, and
    `ResponseValidationError` for a success answer that does not fit. The Errors page has the
    table.

    Example:
        ```python
        with GlueBookmarks(region_name="eu-west-1") as gb:
            entry = gb.get_job_bookmark("nightly-orders")
            print(entry.version, entry.run_id)
        ```

    Args:
        client: A botocore (or boto3) Glue client to use as is. Cannot be combined with the
            other arguments, which only shape a client created here.
        session: The botocore session to create the client from; a new one by default.
        region_name: The AWS region; by default the session's (`AWS_DEFAULT_REGION`, profile).
        profile_name: The shared-config profile. With `session`, it becomes that session's
            profile, as `boto3.Session(botocore_session=..., profile_name=...)` does.
        endpoint_url: Another endpoint, such as `"http://127.0.0.1:5000"` for moto server.
        config: A `botocore.config.Config`, merged over our defaults (`Config.merge`): the
            options it sets win, and our defaults fill the rest. Ours are a pool of 64
            connections, `glue-bookmarks/VERSION` added to the user agent, and retry mode
            `"standard"`, the last only where the environment (`AWS_RETRY_MODE`) and the
            profile (`retry_mode`) name none either. Retry mode and attempts come from, highest
            first: `config`, the environment (`AWS_RETRY_MODE`, `AWS_MAX_ATTEMPTS`), the
            profile (`retry_mode`, `max_attempts`), our defaults, botocore's. The Quickstart
            page has the details.
        max_answer_bytes: The most bytes an answer may have, headers included (64 MiB by
            default, far above any bookmark); a larger one ends its call with
            `ResponseValidationError`, unread. The Reliability page has the details.
        s3_client: A botocore (or boto3) S3 client to read scripts with (`lint_job`,
            `diagnose(scripts=True)`), used as is. By default one is made on first use with
            the Glue client's settings, or, beside an injected `client`, from a default
            session in that client's region.

    Raises:
        InvalidParameterError: `client` is not a Glue client or is combined with other
            arguments, another argument has the wrong type, or `endpoint_url` is not an
            http(s) URL. Nothing else is checked, and nothing is sent, until the first call.
    """

    def __init__(
        self,
        *,
        client: BaseClient | None = None,
        session: botocore.session.Session | None = None,
        region_name: str | None = None,
        profile_name: str | None = None,
        endpoint_url: str | None = None,
        config: Config | None = None,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
        s3_client: BaseClient | None = None,
    ) -> None:
        super().__init__(
            client=client,
            session=session,
            region_name=region_name,
            profile_name=profile_name,
            endpoint_url=endpoint_url,
            config=config,
            max_answer_bytes=max_answer_bytes,
            s3_client=s3_client,
            client_type=BaseClient,
            session_type=botocore.session.Session,
            session_hint=" (for a boto3.Session, pass client=boto3_session.client('glue'))",
        )
        self._client: BaseClient | None = client
        self._lock = threading.Lock()
        self._s3_client: BaseClient | None = s3_client
        self._owns_s3_client = s3_client is None
        for given in (client, s3_client):
            if given is not None:
                hook_limits(given)

    def __enter__(self) -> GlueBookmarks:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the botocore client if it was created here; an injected one is left open.

        Calling `close()` again does nothing. Any call after it raises `ConfigurationError`.
        """
        with self._lock:
            client, self._client = self._client, None
            s3_client, self._s3_client = self._s3_client, None
            self._closed = True
        if client is not None and self._owns_client:
            client.close()
        if s3_client is not None and self._owns_s3_client:
            s3_client.close()

    def _get_client(self) -> BaseClient:
        client = self._client
        return client if client is not None else self._made("glue")

    def _get_s3_client(self) -> BaseClient:
        """The S3 client scripts are read with: `s3_client`, or one made here, on first use."""
        client = self._s3_client
        return client if client is not None else self._made("s3", self._get_client())

    def _made(self, service: str, glue: BaseClient | None = None) -> BaseClient:
        """The client of `service` made here, once, thread-safely; for S3, with the settings
        of the Glue client `glue`."""
        attribute = "_client" if service == "glue" else "_s3_client"
        with self._lock:
            if self._closed:
                raise self._closed_error()
            client: BaseClient | None = getattr(self, attribute)
            if client is None:
                try:
                    session, options = (
                        self._creation(botocore.session.Session)
                        if glue is None
                        else self._s3_creation(glue, botocore.session.Session)
                    )
                    client = session.create_client(service, **options)
                except (BotoCoreError, ValueError) as exc:
                    raise creation_error(exc) from exc
                hook_limits(client)
                setattr(self, attribute, client)
            return client

    def _client_for(self, service: str) -> BaseClient:
        return self._get_client() if service == "glue" else self._get_s3_client()

    # -- the driver --------------------------------------------------------------------------

    def _run(self, operation: Operation[T] | OneCall[T], timeout: float | None = None) -> T:
        """Send the operation's requests, one at a time, and return its result; all within
        `timeout` seconds, if given."""
        if timeout is None:
            return self._steps(operation)
        check_timeout(timeout)
        token = _limits.enter(timeout, max_bytes=self._max_answer_bytes)
        try:
            return self._steps(operation)
        finally:
            _limits.leave(token)

    def _steps(self, operation: Operation[T] | OneCall[T]) -> T:
        if isinstance(operation, OneCall):
            try:
                return operation.read(self._send(operation.call), operation.call)
            except GlueBookmarksError as exc:
                if operation.recover is not None:
                    # Raises what the caller gets instead.
                    self._steps(operation.recover(exc, operation.call))
                raise
        answer: Any = None
        while True:
            try:
                step = advance(operation, answer)
            except StopIteration as stop:
                result: T = stop.value
                return result
            answer = self._answer(step)

    def _stream(self, operation: Stream[T], timeout: float | None = None) -> Iterator[T]:
        """Send the stream's requests as the iteration reaches them; yield its items. With
        `timeout`, every request ends within that many seconds of the first `next()`."""
        check_timeout(timeout)
        return self._streamed(operation, timeout)

    def _streamed(self, operation: Stream[T], timeout: float | None) -> Iterator[T]:
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
                    answer = self._answer(step)
                finally:
                    _limits.leave(token)
            else:
                answer = None
                yield step

    def _answer(self, step: Call | Batch[Any]) -> Any:
        """The answer to an operation's step; a typed error is returned, to be thrown into it."""
        if not isinstance(step, Call):
            return self._batch(step)
        try:
            return self._send(step)
        except GlueBookmarksError as exc:
            return exc

    def _send(self, call: Call) -> Any:
        method = getattr(self._client_for(call.service), method_name(call.operation_name))
        limits, token = _limits.for_call(self._limits)
        start = started()
        try:
            if limits.deadline is not None and limits.left() <= 0:
                raise LimitReachedError(limits)  # nothing is sent after the deadline
            answer = method(**call.params)
            if "Body" in answer:  # an S3 object: read whole, within the answer's size cap
                answer = {**answer, "Body": read_body(answer["Body"], limits)}
            return answered(call, start, answer)
        except SEND_ERRORS as exc:
            error = failed(call, start, exc)
            if error is None:
                raise
            raise error from exc
        finally:
            _limits.leave(token)

    def _batch(self, batch: Batch[T]) -> list[T | GlueBookmarksError]:
        order: InOrder[T | GlueBookmarksError] = InOrder(batch.names, batch.on_progress)
        if not batch.names:
            return []
        schedule = self._new_schedule(self._client_for(batch.service), batch, order.distinct)
        return _threads.gather(order, schedule, self._fetcher(batch, schedule))

    def _fetcher(self, batch: Batch[T], schedule: Schedule[T]) -> Callable[[str], T]:
        """What a worker calls for one job: its operation, within the run's limits."""

        def fetch(name: str) -> T:
            token = self._job_limits(schedule)
            try:
                return self._steps(batch.operation(name))
            finally:
                _limits.leave(token)

        return fetch

    # -- the operations ----------------------------------------------------------------------

    def get_job_bookmark(
        self, job_name: str, *, run_id: str | None = None, timeout: float | None = None
    ) -> JobBookmarkEntry:
        """Get a job's bookmark entry (`GetJobBookmark`).

        Args:
            job_name: The name of the job.
            run_id: The id of a run of the job. AWS documents it only as "the unique run
                identifier associated with this job run"; see the bookmark state guide.
            timeout: Seconds the call may take, retries included; a request still in flight
                then is ended, even mid-answer, with `DeadlineExceededError`. None: no
                deadline (botocore's `read_timeout` still bounds each read).

        Returns:
            The job's bookmark entry; its `state` is the parsed bookmark.

        Raises:
            NoBookmarkError: The job exists but has no bookmark yet.
            JobNotFoundError: The job does not exist. After an `EntityNotFoundException`
                one `GetJob` tells the two apart; when it fails otherwise (no `glue:GetJob`
                permission), the plain `EntityNotFoundError` is raised.
            GlueBookmarksError: Any other failure, as the class docstring lists.
        """
        return self._run(_operations.get_job_bookmark(job_name, run_id), timeout)

    def reset_job_bookmark(
        self,
        job_name: str,
        *,
        run_id: str | None = None,
        if_idle: bool = False,
        timeout: float | None = None,
    ) -> JobBookmarkEntry:
        """Reset a job's bookmark, or rewind it to a previous run (`ResetJobBookmark`).

        Without `run_id` the next run with bookmarks enabled processes all its data again.
        With one, the Glue developer guide describes rewinding the bookmark to that run, so
        later runs process data from that run onward. This changes state in the account.

        Args:
            job_name: The name of the job.
            run_id: The id of the run to rewind to.
            if_idle: Reset only if no run of the job is active: read the job's latest runs
                first (one `GetJobRuns` page, which needs `glue:GetJobRuns`) and refuse, with
                `JobRunActiveError`, if one is `STARTING`, `RUNNING`, `STOPPING` or
                `WAITING`. A run that starts between that read and the reset is not caught.
                False (the default): the plain `ResetJobBookmark` call.
            timeout: Seconds the call may take, retries included; a request still in flight
                then is ended, even mid-answer, with `DeadlineExceededError`. None: no
                deadline (botocore's `read_timeout` still bounds each read).

        Returns:
            The entry the service returns, which AWS describes as "the reset bookmark entry".

        Raises:
            EntityNotFoundError: The job does not exist, or has no bookmark to reset.
            JobRunActiveError: With `if_idle`, a run of the job is active; nothing was reset.
            TransportError: No answer; the reset may or may not have happened.
            DeadlineExceededError: `timeout` passed; the reset may or may not have happened.
            GlueBookmarksError: Any other failure, as the class docstring lists.
        """
        return self._run(_operations.reset_bookmark(job_name, run_id, if_idle), timeout)

    def iter_job_names(
        self,
        *,
        prefix: str | None = None,
        tags: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Iterator[str]:
        """Yield the name of every job in the account and region (`ListJobs`, paginated).

        Pages are fetched as the iteration reaches them, with botocore's paginator. Glue has
        no server-side filter by name, so `prefix` is applied here; `tags` is sent with each
        page request, as ListJobs' `Tags` filter, so Glue itself leaves the other jobs out.

        Args:
            prefix: Yield only the names that start with it (case-sensitive).
            tags: Only the jobs with these tags (`{"team": "data"}`), as Glue's `Tags`
                filter selects them: at most 50 tags, keys of 1 to 128 characters, values of
                up to 256. An empty mapping filters nothing, and is not sent.
            timeout: Seconds, from the first `next()`, within which every page request
                ends (`DeadlineExceededError` at the iteration that meets it); None: none.

        Returns:
            An iterator of job names. Bad arguments raise at the call; what a page request
            raises, at the iteration that reaches it.

        Raises:
            InvalidParameterError: `prefix` is not a str, or `tags` not a tag filter Glue
                accepts; raised at the call, before any request.
            ResponseValidationError: A page whose `JobNames` is not a list of strings.
            GlueBookmarksError: Any other failure, as the class docstring lists.
        """
        return self._stream(_operations.job_names(prefix, tags), timeout)

    def get_job_bookmarks(
        self,
        job_names: Iterable[str],
        *,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        on_progress: Callable[[int, int], object] | None = None,
        timeout: float | None = None,
        max_workers: int | None = None,
    ) -> list[JobBookmarkEntry | GlueBookmarksError]:
        """Get the bookmark entries of many jobs, in parallel over this one client.

        Each distinct name is fetched once; one job's failure never stops the others. The
        requests are paced to the rate the service allows, learnt from its throttling
        answers: a throttled job goes back in line and is tried again, so no job ends as a
        `ThrottlingError` unless `timeout` passes or the service lets nothing through for
        60 s. An `EntityNotFoundException` is told apart with one `GetJob` request, as a
        `JobNotFoundError` or a `NoBookmarkError` (it stays the plain `EntityNotFoundError`
        when `GetJob` fails too). The "Auditing many jobs" page has
        the details.

        Args:
            job_names: The jobs, such as `iter_job_names()` yields; read once, up front.
            max_concurrency: The most requests in flight (threads); fewer when there are
                fewer names, or when the client's connection pool (`max_pool_connections`)
                is smaller.
            on_progress: Called as `on_progress(done, total)` in the calling thread after
                each result. What it raises stops the work and propagates at once.
            timeout: Seconds after which the jobs not done end as `DeadlineExceededError`
                (or, if their last answer was a throttle, that `ThrottlingError`); None waits
                as long as it takes.
            max_workers: Deprecated, the former name of `max_concurrency` (a
                `DeprecationWarning`); removed in 0.2.

        Returns:
            One result per name, in the order of `job_names`: its `JobBookmarkEntry`, or the
            `GlueBookmarksError` its request ended with.

        Raises:
            InvalidParameterError: A bad argument; nothing was sent.
            ConfigurationError: No credentials or region, an unknown profile, or a closed
                client: no job could succeed.
        """
        batch = _operations.bookmarks_batch(
            job_names, max_concurrency, max_workers, timeout, on_progress
        )
        return self._batch(batch)

    def iter_job_bookmarks(
        self,
        job_names: Iterable[str],
        *,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        timeout: float | None = None,
        max_workers: int | None = None,
    ) -> Generator[tuple[str, JobBookmarkEntry | GlueBookmarksError], None, None]:
        """Yield `(job_name, result)` for many jobs as the results arrive.

        As `get_job_bookmarks`, but in the order the answers come, keeping no result: memory
        depends on `max_concurrency`, not on the number of jobs. The names are read and checked
        up front; the work starts at the first `next()`. Leaving the loop early (`break`, an
        exception) stops the work at once.

        Args:
            job_names: The jobs; each distinct name is yielded once.
            max_concurrency: The most requests in flight (threads).
            timeout: Seconds, from the first `next()`, after which the jobs not done are
                yielded as `DeadlineExceededError` (or their last `ThrottlingError`).
            max_workers: Deprecated, the former name of `max_concurrency`.

        Returns:
            A generator of `(job_name, result)` pairs; `close()` it (or leave the loop) to
            stop early.

        Raises:
            InvalidParameterError: A bad argument, at the call; nothing was sent.
            ConfigurationError: As `get_job_bookmarks`, at the iteration that meets it.
        """
        batch = _operations.bookmarks_batch(
            job_names, max_concurrency, max_workers, timeout, distinct=True
        )
        return self._iter_batch(batch)

    def _iter_batch(
        self, batch: Batch[T]
    ) -> Generator[tuple[str, T | GlueBookmarksError], None, None]:
        if batch.names:
            schedule = self._new_schedule(self._client_for(batch.service), batch, batch.names)
            yield from _threads.stream(schedule, self._fetcher(batch, schedule))

    def diagnose(
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
        """Find the jobs whose bookmarks will fail them: one `JobDiagnosis` per job.

        Job configurations come from `GetJobs` pages (botocore's paginator), one request per
        page, never one per job; bookmarks from `get_job_bookmarks()`, with its parallelism
        and per-job errors; for a job with bookmarks enabled and no bookmark (with `history`,
        for every job with bookmarks enabled), one `GetJobRuns` request (the latest 25 runs),
        on the same many-jobs engine; and one `GetSecurityConfiguration` per distinct
        security configuration of the jobs with bookmarks enabled. The "Doctor" page lists
        every finding code and its fix, and the "Permissions" page the IAM actions.

        Args:
            job_names: The jobs to diagnose, in the order wanted; a name `GetJobs` does not
                list gets a diagnosis whose `result` is a `JobNotFoundError` and whose one
                finding is `fetch-failed`. None (the default) diagnoses every job in the
                account and region, or those `prefix` and `tags` select, sorted by name.
            prefix: Only the jobs whose name starts with it (case-sensitive).
            tags: Only the jobs with these tags, as ListJobs' `Tags` filter selects them
                (its pages are read for the names); an empty mapping filters nothing.
            stale_after: A bookmark with bookmarks enabled whose newest run start time is
                older than this gets a `stale` finding; a positive `timedelta`.
            history: Also read the latest runs of every job with bookmarks enabled, for
                `runs-overlapped` (two runs with bookmarks enabled ran at the same time) and
                `last-run-failed`: one `GetJobRuns` request per such job.
            scripts: Also read each job's script (`Command.ScriptLocation`; one S3
                `GetObject` per distinct script, in parallel, paced) and add what
                `lint_script()` finds in it, and what its reads' contexts say against the
                job's bookmark (`context-not-in-bookmark`, `bookmark-context-unused`). A
                script that cannot be read is a `script-unreadable` finding, never an
                exception.
            timeout: Seconds the whole diagnosis may take: a job not read by then is a
                `fetch-failed` finding (`DeadlineExceededError`); a `GetJobs` page not read,
                the call's `DeadlineExceededError`. None: no deadline.

        Returns:
            One diagnosis per job, in the order of `job_names` (repeats included), or sorted
            by name.

        Raises:
            InvalidParameterError: A bad argument, or `job_names` given with `prefix` or
                `tags`; nothing was sent.
            GlueBookmarksError: A `GetJobs` (or, with `tags`, `ListJobs`) request failed or
                its answer does not fit: there is nothing to diagnose. A failure reading one
                job's bookmark or runs is that job's `fetch-failed` finding instead, and one
                reading a security configuration an `encryption-unknown` finding of its jobs.
        """
        diagnosis = _diagnose.diagnose(job_names, prefix, tags, stale_after, history)
        return self._run(_scripts.when(scripts, diagnosis), timeout)

    def lint_job(self, job_name: str, *, timeout: float | None = None) -> ScriptReport:
        """Lint a job's script, and check its reads against the job's live bookmark.

        Reads the job (`GetJob`) for its `Command.ScriptLocation`, the script (S3
        `GetObject`, through this client's S3 client) and the bookmark (`GetJobBookmark`).
        The report holds what `lint_script()` finds, and what the reads' contexts say
        against the bookmark's: `context-not-in-bookmark` (a context with no state while
        others have some: renamed?) and `bookmark-context-unused` (state for a context no
        read names). A job without a bookmark yet gets neither. A script that cannot be read
        is the report's `script-unreadable` finding (an error: the script was not checked).

        Args:
            job_name: The name of the job.
            timeout: Seconds the call may take in all; None: none.

        Returns:
            The script's report; its `path` is the script's s3:// URL.

        Raises:
            InvalidParameterError: A bad `job_name`, or a job whose script is not Python
                (a Scala job); nothing else was read.
            JobNotFoundError: The job does not exist.
            BookmarkParseError: The job's bookmark does not parse.
            GlueBookmarksError: Any other failure, as the class docstring lists.
        """
        return self._run(_scripts.lint_job(job_name), timeout)

    def lint_s3_script(self, url: str, *, timeout: float | None = None) -> ScriptReport:
        """Lint the script at an `s3://BUCKET/KEY` URL (S3 `GetObject`).

        Args:
            url: The script's URL.
            timeout: Seconds the call may take; None: none.

        Returns:
            The script's report. An object that cannot be read (no such key, access denied)
            is its `script-unreadable` finding (an error), not an exception.

        Raises:
            InvalidParameterError: `url` is not an s3:// URL of a Python script (`.py`).
            ConfigurationError: No credentials or region for S3.
        """
        return self._run(_scripts.lint_s3_script(url), timeout)

    def plan_rewind(
        self, job_name: str, *, since: datetime, timeout: float | None = None
    ) -> RewindPlan:
        """Plan to rewind a job's bookmark so data since a time is processed again.

        Reads the job's runs (`GetJobRuns`, every page) and its entry (`GetJobBookmark`);
        changes nothing. The run to rewind to is the latest that succeeded and started before
        `since` (a run whose own arguments pause or disable bookmarks commits nothing, so it
        is passed over); with none, the plan is a full reset, which `apply_rewind()` carries
        out only when asked (`allow_full_reset=True`). The precision is one run: data
        is processed again from that run's start, which is at or before `since`. The
        "Rewind and backfill" docs page has the details.

        Args:
            job_name: The name of the job.
            since: Process again the data that arrived from this time on; timezone-aware,
                not in the future.
            timeout: Seconds the reads may take in all (`DeadlineExceededError`); None: none.

        Returns:
            The plan, for `apply_rewind()`.

        Raises:
            InvalidParameterError: A bad `job_name`, or `since` naive or in the future;
                nothing was sent.
            EntityNotFoundError: The job does not exist.
            ResponseValidationError: A `GetJobRuns` page that does not fit.
            GlueBookmarksError: Any other failure, as the class docstring lists.
        """
        return self._run(_rewind.plan_rewind(job_name, since), timeout)

    def apply_rewind(
        self,
        plan: RewindPlan,
        *,
        allow_full_reset: bool = False,
        force: bool = False,
        timeout: float | None = None,
    ) -> JobBookmarkEntry | None:
        """Carry out a plan made by `plan_rewind()` (`ResetJobBookmark`).

        Reads the bookmark again first and refuses if its version is no longer the plan's: a
        run committed, or someone reset it, in between. Then, last before the reset, reads
        the job's latest runs (one `GetJobRuns` page) and refuses if one is active
        (`STARTING`, `RUNNING`, `STOPPING` or `WAITING`): it would commit over the rewind.
        Glue offers no conditional reset, so a run that starts, or commits, between these
        reads and the reset is not caught. A plan without effect (`plan.has_effect` False)
        sends nothing after the first read.

        Args:
            plan: The plan.
            allow_full_reset: Carry out a plan that resets the bookmark fully
                (`plan.is_full_reset`: no run started before `since`, so every file is
                processed again); refused without it.
            force: Skip the check of the job's runs: reset even while a run is active.
            timeout: Seconds the reads and the reset may take in all; past it,
                `DeadlineExceededError` (the reset may or may not have happened).

        Returns:
            The entry `ResetJobBookmark` returns; for a plan without effect, the current
            entry (None when the job has no bookmark).

        Raises:
            InvalidParameterError: `plan` is not a `RewindPlan`, or is a full reset without
                `allow_full_reset` (the message says why: the oldest run seen and its
                start); nothing was sent.
            BookmarkChangedError: The bookmark's version changed since the plan; nothing
                was reset.
            JobRunActiveError: A run of the job is active (without `force`); nothing was
                reset.
            GlueBookmarksError: Any other failure, as the class docstring lists.
        """
        return self._run(_rewind.apply_rewind(plan, allow_full_reset, force), timeout)

    def plan_backfill(
        self,
        job_name: str,
        *,
        since: datetime,
        until: datetime | None = None,
        timeout: float | None = None,
    ) -> BackfillPlan:
        """Plan to process a window of a job's input again, its bookmark untouched.

        Reads the job's runs (`GetJobRuns`, every page, 200 runs a request) and changes
        nothing. The window is one of runs: it starts after `from_run`, the latest run that
        succeeded with bookmarks in effect and started before `since`, and ends with
        `to_run`, the latest such run that started before `until` (or the latest such run).
        `start_backfill()` starts a run that processes again the input of the runs between,
        and commits nothing. The "Rewind and backfill" docs page has the details.

        Args:
            job_name: The name of the job.
            since: The start of the window; timezone-aware, not in the future.
            until: Its end; timezone-aware, not in the future, later than `since`. None (the
                default): up to the latest run.
            timeout: Seconds the reads may take in all (`DeadlineExceededError`); None: none.

        Returns:
            The plan, for `start_backfill()`.

        Raises:
            InvalidParameterError: A bad `job_name`, `since` or `until` (nothing was sent);
                or, after the reads, a window that starts before the job's first such run or
                holds no run: the message says which `since` works.
            EntityNotFoundError: The job does not exist.
            ResponseValidationError: A `GetJobRuns` page that does not fit.
            GlueBookmarksError: Any other failure, as the class docstring lists.
        """
        return self._run(_backfill.plan_backfill(job_name, since, until), timeout)

    def start_backfill(
        self,
        plan: BackfillPlan,
        *,
        arguments: Mapping[str, str] | None = None,
        force: bool = False,
        timeout: float | None = None,
    ) -> str:
        """Start the run a plan made by `plan_backfill()` describes (`StartJobRun`).

        First reads the job's latest runs (one `GetJobRuns` page) and refuses if one is
        active (`STARTING`, `RUNNING`, `STOPPING` or `WAITING`); a run that starts between
        that read and this one is not caught. Then starts a run with the plan's arguments
        (`plan.arguments`) over `arguments`: Glue processes again the input of `plan.runs`
        and leaves the bookmark as it is. Nothing waits for the run to end.

        Args:
            plan: The plan.
            arguments: More run arguments, such as `{"--day": "2024-10-28"}`, over the job's
                default arguments as Glue merges them. They may not set
                `--job-bookmark-option`, `--job-bookmark-from` or `--job-bookmark-to`: the
                plan sets those.
            force: Skip the check of the job's runs: start even while a run is active (two
                runs may then process the same data at once).
            timeout: Seconds the read and the start may take in all; past it,
                `DeadlineExceededError` (the run may or may not have started).

        Returns:
            The new run's id.

        Raises:
            InvalidParameterError: `plan` is not a `BackfillPlan`, or `arguments` are not
                strings or set one of the plan's three; nothing was sent.
            JobRunActiveError: A run of the job is active (without `force`); nothing was
                started.
            ConcurrentRunsExceededError: The job already has as many runs as its
                `MaxConcurrentRuns` allows.
            GlueBookmarksError: Any other failure, as the class docstring lists.
        """
        return self._run(_backfill.start_backfill(plan, arguments, force), timeout)


_default: GlueBookmarks | None = None
_default_lock = threading.Lock()


def _default_client() -> GlueBookmarks:
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = GlueBookmarks()
    return _default


def get_job_bookmark(
    job_name: str, *, run_id: str | None = None, timeout: float | None = None
) -> JobBookmarkEntry:
    """Get a job's bookmark entry with one default `GlueBookmarks()`, created on first use.

    The default client uses the standard AWS chain for credentials and region. Use a
    `GlueBookmarks` of your own to choose them.

    Args:
        job_name: The name of the job.
        run_id: The id of a run of the job.
        timeout: Seconds the call may take, as `GlueBookmarks.get_job_bookmark` takes it.

    Returns:
        The job's bookmark entry.

    Raises:
        GlueBookmarksError: As `GlueBookmarks.get_job_bookmark` raises.
    """
    return _default_client().get_job_bookmark(job_name, run_id=run_id, timeout=timeout)


def reset_job_bookmark(
    job_name: str,
    *,
    run_id: str | None = None,
    if_idle: bool = False,
    timeout: float | None = None,
) -> JobBookmarkEntry:
    """Reset or rewind a job's bookmark with the default `GlueBookmarks()`.

    The same default client as `get_job_bookmark()`, created on first use.

    Args:
        job_name: The name of the job.
        run_id: The id of the run to rewind to.
        if_idle: Reset only if no run of the job is active, as
            `GlueBookmarks.reset_job_bookmark` checks it.
        timeout: Seconds the call may take, as `GlueBookmarks.reset_job_bookmark` takes it.

    Returns:
        The entry the service returns.

    Raises:
        GlueBookmarksError: As `GlueBookmarks.reset_job_bookmark` raises.
    """
    return _default_client().reset_job_bookmark(
        job_name, run_id=run_id, if_idle=if_idle, timeout=timeout
    )
