"""The `GlueBookmarks` facade: the one place that talks to botocore."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from types import TracebackType
from typing import Any, Final, TypeVar

import botocore.session
from botocore.client import BaseClient
from botocore.config import Config
from botocore.configprovider import ConfigChainFactory
from botocore.endpoint import MAX_POOL_CONNECTIONS
from botocore.exceptions import BotoCoreError

from glue_bookmarks._doctor import (
    RUNS_LOOKED_AT,
    JobConfig,
    JobDiagnosis,
    check_stale_after,
    diagnose_job,
    jobs_from_page,
    keeps_bookmark,
    succeeded_run_from_page,
)
from glue_bookmarks._entry import JobBookmarkEntry, entry_from_response
from glue_bookmarks._exceptions import (
    CALL_ERRORS,
    BookmarkChangedError,
    ConfigurationError,
    DeadlineExceededError,
    EntityNotFoundError,
    GlueBookmarksError,
    InvalidParameterError,
    JobNotFoundError,
    NoBookmarkError,
    ResponseValidationError,
    ServiceError,
    ThrottlingError,
    from_botocore_error,
    from_call_error,
    narrow_not_found,
    response_context,
)
from glue_bookmarks._fleet import (
    DEFAULT_MAX_WORKERS,
    check_job_names,
    check_options,
    distinct_job_names,
    fetch_all,
    stream,
)
from glue_bookmarks._pacing import Gate, Pace, ThrottledAttemptError, install
from glue_bookmarks._rewind import RewindPlan, RunStart, check_since, choose_run, runs_from_page
from glue_bookmarks._validation import (
    check_endpoint_url,
    check_name,
    check_optional,
    check_tags,
)
from glue_bookmarks._version import __version__

__all__ = ["GlueBookmarks", "default_config", "get_job_bookmark", "reset_job_bookmark"]

_logger: Final = logging.getLogger("glue_bookmarks")

# Connections are opened only as threads need them, so a large pool costs nothing idle; it
# bounds the threads `get_job_bookmarks` runs over a client created here.
_POOL_CONNECTIONS: Final = 64
# The retry mode of a client created here when nothing the user set names one.
_RETRY_MODE: Final = "standard"


def default_config(*, max_pool_connections: int = _POOL_CONNECTIONS) -> Config:
    """Our defaults for the options botocore reads only from a `Config`: a pool, a user agent.

    A client created here gets them under the caller's `config`; its retry mode, which
    botocore also reads from the environment and the profile, is settled by `_client_config`.

    Args:
        max_pool_connections: The pool size; at least the default of 64 is used.
    """
    return Config(
        max_pool_connections=max(max_pool_connections, _POOL_CONNECTIONS),
        user_agent_extra=f"glue-bookmarks/{__version__}",
    )


_DEFAULT_CONFIG: Final = default_config()


def _user_setting(session: botocore.session.Session, name: str, env_var: str) -> object:
    """What the user set for a botocore setting, or None where botocore would use its default.

    The chain is botocore's own, in its order: the session's `set_config_variable`, the
    environment variable, the profile in the shared config file; but without the default that
    `session.get_config_variable` falls back to, which cannot be told from a value set.
    """
    chain = ConfigChainFactory(session).create_config_chain(
        instance_name=name, env_var_names=env_var, config_property_names=name
    )
    return chain.provide()


def _client_config(
    session: botocore.session.Session, config: Config | None, defaults: Config = _DEFAULT_CONFIG
) -> Config:
    """The `Config` of a client created here: ours (`defaults`), under what the user set.

    What `config` sets wins over our defaults (`Config.merge`), key by key within `retries`.
    The retry mode stays unset, for botocore to read from the environment or the profile, when
    either names one; only when neither does, and `config` does not, is ours used. Our
    defaults set no `max_attempts`, so botocore reads it from `config`, the environment or the
    profile, in that order, as it does for any client.
    """
    merged = defaults if config is None else defaults.merge(config)
    retries: Any = dict(getattr(merged, "retries", None) or {})
    if "mode" not in retries and _user_setting(session, "retry_mode", "AWS_RETRY_MODE") is None:
        retries["mode"] = _RETRY_MODE
        merged = merged.merge(Config(retries=retries))
    return merged


def _bookmark_params(job_name: object, run_id: object) -> dict[str, str]:
    """The parameters of GetJobBookmark and ResetJobBookmark, checked."""
    params = {"JobName": check_name("job_name", job_name)}
    if run_id is not None:
        params["RunId"] = check_name("run_id", run_id)
    return params


def _call(operation_name: str, method: Callable[..., Any], params: Mapping[str, Any]) -> Any:
    """Call a botocore client method; what botocore raises comes out as our error.

    With DEBUG on for our logger, each call also logs one line (`_log_request`).
    """
    debug = _logger.isEnabledFor(logging.DEBUG)
    start = time.perf_counter() if debug else 0.0
    try:
        response = method(**params)
    except CALL_ERRORS as exc:
        error = _call_error(exc, operation_name, params, start if debug else None)
        if error is None:
            raise
        raise error from exc
    if debug:
        _log_request(start, operation_name, params, "ok", response)
    return response


def _call_error(
    exc: Exception, operation_name: str, params: Mapping[str, Any], start: float | None
) -> GlueBookmarksError | None:
    """Our error for what a call raised (None: not ours to map), logged when `start` is given."""
    error = from_call_error(exc, operation_name=operation_name)
    if error is not None and start is not None:
        outcome = type(error).__name__
        if isinstance(error, ServiceError) and error.code:
            outcome += f" ({error.code})"
        answer = getattr(exc, "response", None)
        _log_request(
            start,
            operation_name,
            params,
            f"failed: {outcome}",
            answer if isinstance(answer, Mapping) else {},
        )
    return error


def _log_request(
    start: float,
    operation_name: str,
    params: Mapping[str, Any],
    outcome: str,
    response: Mapping[str, Any],
) -> None:
    """Log one DEBUG line for a request.

    Only our own fields: never a header, a credential or a signature, and no error message,
    since the service writes it.
    """
    elapsed_ms = (time.perf_counter() - start) * 1000
    status_code, request_id = response_context(response)
    retries = (response.get("ResponseMetadata") or {}).get("RetryAttempts")
    attempts = retries + 1 if isinstance(retries, int) else None
    job = params.get("JobName")
    _logger.debug(
        "%s%s %s: HTTP %s, request id %s, attempts %s, %.1f ms",
        operation_name,
        "" if job is None else f" job {job!r}",
        outcome,
        "-" if status_code is None else status_code,
        request_id or "-",
        "-" if attempts is None else attempts,
        elapsed_ms,
    )


class GlueBookmarks:
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
    ) -> None:
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
            "session",
            session,
            botocore.session.Session,
            hint=" (for a boto3.Session, pass client=boto3_session.client('glue'))",
        )
        check_settings(region_name, profile_name, endpoint_url, config)
        self._client = client
        self._owns_client = client is None
        self._session = session
        self._region_name = region_name
        self._profile_name = profile_name
        self._endpoint_url = endpoint_url
        self._config = config
        self._lock = threading.Lock()
        self._closed = False

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        origin = "created here" if self._owns_client else "injected"
        return f"<GlueBookmarks {state}, client {origin}>"

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
            self._closed = True
        if client is not None and self._owns_client:
            client.close()

    def _get_client(self) -> BaseClient:
        client = self._client
        if client is not None:
            return client
        with self._lock:
            if self._closed:
                raise ConfigurationError("this GlueBookmarks is closed; create a new one")
            if self._client is None:
                self._client = self._create_client()
            return self._client

    def _method(self, name: str) -> Callable[..., Any]:
        # botocore makes a client's operation methods at run time; BaseClient declares none.
        method: Callable[..., Any] = getattr(self._get_client(), name)
        return method

    def _create_client(self) -> BaseClient:
        try:
            session = _with_profile(self._session, self._profile_name, botocore.session.Session)
            return session.create_client(
                "glue",
                region_name=self._region_name,
                endpoint_url=self._endpoint_url,
                config=_client_config(session, self._config),
            )
        except (BotoCoreError, ValueError) as exc:
            raise _creation_error(exc) from exc

    def get_job_bookmark(self, job_name: str, *, run_id: str | None = None) -> JobBookmarkEntry:
        """Get a job's bookmark entry (`GetJobBookmark`).

        Args:
            job_name: The name of the job.
            run_id: The id of a run of the job. AWS documents it only as "the unique run
                identifier associated with this job run"; see the bookmark state guide.

        Returns:
            The job's bookmark entry; its `state` is the parsed bookmark.

        Raises:
            EntityNotFoundError: The job does not exist, or has no bookmark yet.
            GlueBookmarksError: Any other failure, as the class docstring lists.
        """
        params = _bookmark_params(job_name, run_id)
        response = _call("GetJobBookmark", self._method("get_job_bookmark"), params)
        return entry_from_response(response, job_name=job_name, operation_name="GetJobBookmark")

    def reset_job_bookmark(self, job_name: str, *, run_id: str | None = None) -> JobBookmarkEntry:
        """Reset a job's bookmark, or rewind it to a previous run (`ResetJobBookmark`).

        Without `run_id` the next run with bookmarks enabled processes all its data again.
        With one, the Glue developer guide describes rewinding the bookmark to that run, so
        later runs process data from that run onward. This changes state in the account.

        Args:
            job_name: The name of the job.
            run_id: The id of the run to rewind to.

        Returns:
            The entry the service returns, which AWS describes as "the reset bookmark entry".

        Raises:
            EntityNotFoundError: The job does not exist, or has no bookmark to reset.
            TransportError: No answer; the reset may or may not have happened.
            GlueBookmarksError: Any other failure, as the class docstring lists.
        """
        params = _bookmark_params(job_name, run_id)
        response = _call("ResetJobBookmark", self._method("reset_job_bookmark"), params)
        return entry_from_response(response, job_name=job_name, operation_name="ResetJobBookmark")

    def iter_job_names(
        self, *, prefix: str | None = None, tags: Mapping[str, str] | None = None
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

        Returns:
            An iterator of job names. Bad arguments raise at the call; what a page request
            raises, at the iteration that reaches it.

        Raises:
            InvalidParameterError: `prefix` is not a str, or `tags` not a tag filter Glue
                accepts; raised at the call, before any request.
            ResponseValidationError: A page whose `JobNames` is not a list of strings.
            GlueBookmarksError: Any other failure, as the class docstring lists.
        """
        check_optional("prefix", prefix, str)
        tag_filter = check_tags("tags", tags)
        params = {"Tags": tag_filter} if tag_filter else {}
        pages = self._get_client().get_paginator("list_jobs").paginate(**params)
        return _job_names(iter(pages), prefix)

    def get_job_bookmarks(
        self,
        job_names: Iterable[str],
        *,
        max_workers: int = DEFAULT_MAX_WORKERS,
        on_progress: Callable[[int, int], object] | None = None,
        timeout: float | None = None,
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
            max_workers: The most threads to run; fewer when there are fewer names, or when
                the client's connection pool (`max_pool_connections`) is smaller.
            on_progress: Called as `on_progress(done, total)` in the calling thread after
                each result. What it raises stops the work and propagates at once.
            timeout: Seconds after which the jobs not done end as `DeadlineExceededError`
                (or, if their last answer was a throttle, that `ThrottlingError`); None waits
                as long as it takes.

        Returns:
            One result per name, in the order of `job_names`: its `JobBookmarkEntry`, or the
            `GlueBookmarksError` its request ended with.

        Raises:
            InvalidParameterError: A bad argument; nothing was sent.
            ConfigurationError: No credentials or region, an unknown profile, or a closed
                client: no job could succeed.
        """
        names = check_job_names(job_names)
        check_options(max_workers, on_progress, timeout)
        if not names:
            return []
        gate, workers = self._gate(max_workers)
        return fetch_all(
            names,
            self._fetch_one,
            workers=workers,
            gate=gate,
            expired=_expired(timeout),
            timeout=timeout,
            on_progress=on_progress,
        )

    def iter_job_bookmarks(
        self,
        job_names: Iterable[str],
        *,
        max_workers: int = DEFAULT_MAX_WORKERS,
        timeout: float | None = None,
    ) -> Generator[tuple[str, JobBookmarkEntry | GlueBookmarksError], None, None]:
        """Yield `(job_name, result)` for many jobs as the results arrive.

        As `get_job_bookmarks`, but in the order the answers come, keeping no result: memory
        depends on `max_workers`, not on the number of jobs. The names are read and checked
        up front; the work starts at the first `next()`. Leaving the loop early (`break`, an
        exception) stops the work at once.

        Args:
            job_names: The jobs; each distinct name is yielded once.
            max_workers: The most threads to run.
            timeout: Seconds, from the first `next()`, after which the jobs not done are
                yielded as `DeadlineExceededError` (or their last `ThrottlingError`).

        Returns:
            A generator of `(job_name, result)` pairs; `close()` it (or leave the loop) to
            stop early.

        Raises:
            InvalidParameterError: A bad argument, at the call; nothing was sent.
            ConfigurationError: As `get_job_bookmarks`, at the iteration that meets it.
        """
        names = distinct_job_names(job_names)
        check_options(max_workers, None, timeout)
        return self._stream(names, max_workers, timeout)

    def _stream(
        self, names: dict[str, None], max_workers: int, timeout: float | None
    ) -> Generator[tuple[str, JobBookmarkEntry | GlueBookmarksError], None, None]:
        if not names:
            return
        gate, workers = self._gate(max_workers, len(names))
        yield from stream(
            names,
            self._fetch_one,
            workers=workers,
            gate=gate,
            expired=_expired(timeout),
            timeout=timeout,
        )

    def _gate(self, max_workers: int, jobs: int | None = None) -> tuple[Gate, int]:
        """A new run's gate, with pacing hooked into the client, and its number of threads."""
        client = self._get_client()
        install(client)
        return Gate(Pace()), min(max_workers, _pool_size(client), jobs or max_workers)

    def _fetch_one(self, job_name: str) -> JobBookmarkEntry | GlueBookmarksError:
        """One job's entry or its error.

        Raises only a `ConfigurationError`, and `ThrottledAttemptError` for the job to be tried
        again.
        """
        try:
            return self.get_job_bookmark(job_name)
        except EntityNotFoundError as exc:
            return self._narrowed(exc, job_name)
        except ThrottlingError as exc:  # when botocore's retries, not the pacing hooks, saw it
            raise ThrottledAttemptError(exc) from exc
        except ConfigurationError:
            raise
        except GlueBookmarksError as exc:
            return exc

    def _narrowed(self, error: EntityNotFoundError, job_name: str) -> EntityNotFoundError:
        """`error` as `JobNotFoundError` or `NoBookmarkError`, as `GetJob` tells."""
        try:
            _call("GetJob", self._method("get_job"), {"JobName": job_name})
        except EntityNotFoundError:
            return narrow_not_found(error, job_exists=False)
        except ConfigurationError:
            raise
        except GlueBookmarksError:
            return error
        return narrow_not_found(error, job_exists=True)

    def diagnose(
        self,
        job_names: Iterable[str] | None = None,
        *,
        prefix: str | None = None,
        tags: Mapping[str, str] | None = None,
        stale_after: timedelta = timedelta(days=7),
    ) -> list[JobDiagnosis]:
        """Find the jobs whose bookmarks will fail them: one `JobDiagnosis` per job.

        Job configurations come from `GetJobs` pages (botocore's paginator), one request per
        page, never one per job; bookmarks from `get_job_bookmarks()`, with its parallelism
        and per-job errors; and, only for a job with bookmarks enabled and no bookmark, one
        `GetJobRuns` request (the latest 25 runs) to tell `enabled-never-committed` from
        `enabled-no-runs-yet`. The "Doctor" page lists every finding code and its fix.

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

        Returns:
            One diagnosis per job, in the order of `job_names` (repeats included), or sorted
            by name.

        Raises:
            InvalidParameterError: A bad argument, or `job_names` given with `prefix` or
                `tags`; nothing was sent.
            GlueBookmarksError: A `GetJobs` (or, with `tags`, `ListJobs`) request failed or
                its answer does not fit: there is nothing to diagnose. A failure reading one
                job's bookmark or runs is that job's `fetch-failed` finding instead.
        """
        names = None if job_names is None else check_job_names(job_names)
        check_optional("prefix", prefix, str)
        tag_filter = check_tags("tags", tags)
        if names is not None and (prefix is not None or tags is not None):
            raise InvalidParameterError(
                "give job_names, or prefix and tags to select jobs, not both",
                parameter="job_names",
            )
        stale_after = check_stale_after(stale_after)
        configs = self._job_configs()
        if names is None:
            tagged = None if tag_filter is None else set(self.iter_job_names(tags=tag_filter))
            names = sorted(
                name
                for name in configs
                if (prefix is None or name.startswith(prefix))
                and (tagged is None or name in tagged)
            )
        found = [name for name in dict.fromkeys(names) if name in configs]
        results = dict(zip(found, self.get_job_bookmarks(found), strict=True))
        unrun = [
            name
            for name in found
            if keeps_bookmark(configs[name]) and isinstance(results[name], NoBookmarkError)
        ]
        runs = {}
        if unrun:
            gate, workers = self._gate(DEFAULT_MAX_WORKERS, len(unrun))
            found_runs = fetch_all(
                unrun, self._succeeded_run, workers=workers, gate=gate, expired=_expired(None)
            )
            runs = dict(zip(unrun, found_runs, strict=True))
        now = datetime.now(timezone.utc)
        return [
            diagnose_job(
                configs.get(name),
                name,
                results[name] if name in results else _not_listed(name),
                runs=runs.get(name),
                stale_after=stale_after,
                now=now,
            )
            for name in names
        ]

    def _job_configs(self) -> dict[str, JobConfig]:
        """Every job's configuration, by name, from all `GetJobs` pages."""
        pages = iter(self._get_client().get_paginator("get_jobs").paginate())
        configs: dict[str, JobConfig] = {}
        while True:
            try:
                page = _call("GetJobs", pages.__next__, {})
            except StopIteration:
                return configs
            for config in jobs_from_page(page):
                configs[config.name] = config

    def _succeeded_run(self, job_name: str) -> bool | GlueBookmarksError:
        """Whether the job's latest runs hold one that succeeded with bookmarks on, or the
        error asking ended with; only a `ConfigurationError` is raised."""
        try:
            page = _call(
                "GetJobRuns",
                self._method("get_job_runs"),
                {"JobName": job_name, "MaxResults": RUNS_LOOKED_AT},
            )
            return succeeded_run_from_page(page)
        except ConfigurationError:
            raise
        except GlueBookmarksError as exc:
            return exc

    def plan_rewind(self, job_name: str, *, since: datetime) -> RewindPlan:
        """Plan to rewind a job's bookmark so data since a time is processed again.

        Reads the job's runs (`GetJobRuns`, every page) and its entry (`GetJobBookmark`);
        changes nothing. The run to rewind to is the latest that succeeded and started before
        `since` (a run whose own arguments pause or disable bookmarks commits nothing, so it
        is passed over); with none, the plan is a full reset. The precision is one run: data
        is processed again from that run's start, which is at or before `since`. The
        "Rewind" docs page has the details.

        Args:
            job_name: The name of the job.
            since: Process again the data that arrived from this time on; timezone-aware,
                not in the future.

        Returns:
            The plan, for `apply_rewind()`.

        Raises:
            InvalidParameterError: A bad `job_name`, or `since` naive or in the future;
                nothing was sent.
            EntityNotFoundError: The job does not exist.
            ResponseValidationError: A `GetJobRuns` page that does not fit.
            GlueBookmarksError: Any other failure, as the class docstring lists.
        """
        check_name("job_name", job_name)
        since = check_since(since)
        pages = (
            self._get_client()
            .get_paginator("get_job_runs")
            .paginate(JobName=job_name, PaginationConfig={"PageSize": _JOB_RUNS_PAGE_SIZE})
        )
        runs = _job_runs(iter(pages), job_name)
        chosen = choose_run(runs, since)
        return RewindPlan(
            job_name=job_name,
            since=since,
            run_id=None if chosen is None else chosen.run_id,
            reprocess_from=None if chosen is None else chosen.started_on,
            current=self._current_entry(job_name),
        )

    def apply_rewind(self, plan: RewindPlan) -> JobBookmarkEntry | None:
        """Carry out a plan made by `plan_rewind()` (`ResetJobBookmark`).

        Reads the bookmark again first and refuses if its version is no longer the plan's: a
        run committed, or someone reset it, in between. Glue offers no conditional reset, so
        a run that commits between this read and the reset is not caught. A plan without
        effect (`plan.has_effect` False) sends nothing after the read.

        Args:
            plan: The plan.

        Returns:
            The entry `ResetJobBookmark` returns; for a plan without effect, the current
            entry (None when the job has no bookmark).

        Raises:
            InvalidParameterError: `plan` is not a `RewindPlan`; nothing was sent.
            BookmarkChangedError: The bookmark's version changed since the plan; nothing
                was reset.
            GlueBookmarksError: Any other failure, as the class docstring lists.
        """
        if not isinstance(plan, RewindPlan):
            raise InvalidParameterError(
                f"plan must be a RewindPlan, got {type(plan).__name__}", parameter="plan"
            )
        current = self._current_entry(plan.job_name)
        planned = None if plan.current is None else plan.current.version
        now = None if current is None else current.version
        if planned != now:
            raise BookmarkChangedError(
                f"the bookmark of job {plan.job_name!r} changed since the rewind was planned "
                f"(version {_version_text(planned)}, now {_version_text(now)}); nothing was "
                "reset: plan again",
                job_name=plan.job_name,
                planned_version=planned,
                current_version=now,
            )
        if not plan.has_effect:
            return current
        return self.reset_job_bookmark(plan.job_name, run_id=plan.run_id)

    def _current_entry(self, job_name: str) -> JobBookmarkEntry | None:
        """The job's entry, or None when it has none (`EntityNotFoundException`)."""
        try:
            return self.get_job_bookmark(job_name)
        except EntityNotFoundError:
            return None


def _expired(
    timeout: float | None,
) -> Callable[[str, ThrottlingError | None], GlueBookmarksError]:
    def expired(job_name: str, throttle: ThrottlingError | None) -> GlueBookmarksError:
        if throttle is not None:
            return throttle
        return DeadlineExceededError(
            f"job {job_name!r} was not done within the timeout of {timeout} s",
            job_name=job_name,
            timeout=timeout,
        )

    return expired


def _pool_size(client: BaseClient) -> int:
    """The client's connection pool size: the most requests it runs at once."""
    pool = getattr(client.meta.config, "max_pool_connections", None)
    if not isinstance(pool, int) or pool < 1:
        pool = MAX_POOL_CONNECTIONS  # botocore's default, which a client built without one uses
    return pool


_Session = TypeVar("_Session", bound=botocore.session.Session)


def _with_profile(
    session: _Session | None, profile_name: str | None, new_session: Callable[..., _Session]
) -> _Session:
    """The session to create a client from: `session` with `profile_name` set, or a new one."""
    if session is None:
        return new_session(profile=profile_name)
    if profile_name is not None:
        session.set_config_variable("profile", profile_name)
    return session


def _creation_error(exc: BotoCoreError | ValueError) -> GlueBookmarksError:
    """Our error for what creating a client raised."""
    if isinstance(exc, BotoCoreError):
        return from_botocore_error(exc, operation_name=None)
    # botocore raises a bare ValueError for a malformed setting it reads itself, such as an
    # AWS_ENDPOINT_URL that is not a URL.
    return ConfigurationError(f"cannot create the Glue client: {exc}")


def check_settings(
    region_name: object, profile_name: object, endpoint_url: object, config: object
) -> None:
    """Raise unless the settings of a client to create have their types (and the URL its
    form); the same for both clients."""
    check_optional("region_name", region_name, str)
    check_optional("profile_name", profile_name, str)
    check_optional("config", config, Config)
    check_endpoint_url(endpoint_url)


def _check_injected(client: object, **others: object) -> None:
    """Raise unless `client` is a Glue client and no argument shaping a new one is given."""
    given = [name for name, value in others.items() if value is not None]
    if given:
        raise InvalidParameterError(
            f"client is used as is, so it cannot be combined with {', '.join(given)}",
            parameter="client",
        )
    service_name = getattr(
        getattr(getattr(client, "meta", None), "service_model", None), "service_name", None
    )
    if service_name != "glue":
        raise InvalidParameterError(
            f"client must be a botocore Glue client, got {type(client).__name__} "
            f"for service {service_name!r}",
            parameter="client",
        )


def _not_listed(job_name: str) -> JobNotFoundError:
    """The error of a job asked for by name that `GetJobs` did not list."""
    return JobNotFoundError(
        f"Job {job_name} is not among the jobs GetJobs listed",
        code="EntityNotFoundException",
        operation_name="GetJobs",
    )


def _job_names(pages: Iterator[Mapping[str, Any]], prefix: str | None) -> Iterator[str]:
    while True:
        try:
            page = _call("ListJobs", pages.__next__, {})
        except StopIteration:
            return
        yield from _page_job_names(page, prefix)


def _page_job_names(page: Mapping[str, Any], prefix: str | None) -> list[str]:
    """The names of a ListJobs page that start with `prefix`; raise if its JobNames does not fit."""
    names = page.get("JobNames")
    if not isinstance(names, list) or not all(type(name) is str for name in names):
        status_code, request_id = response_context(page)
        raise ResponseValidationError(
            f"the ListJobs answer's JobNames is not a list of strings: {names!r:.200}",
            operation_name="ListJobs",
            field="JobNames",
            status_code=status_code,
            request_id=request_id,
        )
    return [name for name in names if prefix is None or name.startswith(prefix)]


# GetJobRuns' largest page (MaxResults), so a long history takes the fewest requests.
_JOB_RUNS_PAGE_SIZE: Final = 200


def _job_runs(pages: Iterator[Mapping[str, Any]], job_name: str) -> list[RunStart]:
    runs: list[RunStart] = []
    # The job name is passed for the DEBUG line only: the paginator already has it.
    next_page: Callable[..., Mapping[str, Any]] = lambda **_: next(pages)  # noqa: E731
    while True:
        try:
            page = _call("GetJobRuns", next_page, {"JobName": job_name})
        except StopIteration:
            return runs
        status_code, request_id = response_context(page)
        runs += runs_from_page(page, status_code=status_code, request_id=request_id)


def _version_text(version: int | None) -> str:
    return "none: no bookmark" if version is None else str(version)


_default: GlueBookmarks | None = None
_default_lock = threading.Lock()


def _default_client() -> GlueBookmarks:
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = GlueBookmarks()
    return _default


def get_job_bookmark(job_name: str, *, run_id: str | None = None) -> JobBookmarkEntry:
    """Get a job's bookmark entry with one default `GlueBookmarks()`, created on first use.

    The default client uses the standard AWS chain for credentials and region. Use a
    `GlueBookmarks` of your own to choose them.

    Args:
        job_name: The name of the job.
        run_id: The id of a run of the job.

    Returns:
        The job's bookmark entry.

    Raises:
        GlueBookmarksError: As `GlueBookmarks.get_job_bookmark` raises.
    """
    return _default_client().get_job_bookmark(job_name, run_id=run_id)


def reset_job_bookmark(job_name: str, *, run_id: str | None = None) -> JobBookmarkEntry:
    """Reset or rewind a job's bookmark with the default `GlueBookmarks()`.

    The same default client as `get_job_bookmark()`, created on first use.

    Args:
        job_name: The name of the job.
        run_id: The id of the run to rewind to.

    Returns:
        The entry the service returns.

    Raises:
        GlueBookmarksError: As `GlueBookmarks.reset_job_bookmark` raises.
    """
    return _default_client().reset_job_bookmark(job_name, run_id=run_id)
