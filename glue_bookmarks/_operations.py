"""Operations written once for both clients, as code that does no I/O.

An operation is a generator: it yields the request it needs next, a `Call` (one Glue request)
or a `Batch` (one operation per job, through the many-jobs schedule), and is sent the answer,
or has the typed error thrown into it. An operation of one request is a `OneCall`, which the
drivers send without a generator. A stream (`job_names`) also yields its items between
requests. The functions here check their arguments when called, before any request, and
return the generator; each client's driver (`GlueBookmarks._run`, `AsyncGlueBookmarks._run`)
sends its requests.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Collection, Generator, Iterable, Mapping
from typing import Any, Generic, TypeAlias, TypeVar

import attrs

from glue_bookmarks._calls import Call, OneCall
from glue_bookmarks._entry import JobBookmarkEntry, entry_from_response
from glue_bookmarks._exceptions import (
    ConfigurationError,
    EntityNotFoundError,
    GlueBookmarksError,
    InvalidParameterError,
    JobRunActiveError,
    narrow_not_found,
)
from glue_bookmarks._jobs import JOB_RUNS_PAGE_SIZE, active_run, misfit, page_job_names
from glue_bookmarks._schedule import (
    DEFAULT_MAX_CONCURRENCY,
    check_job_names,
    check_options,
    distinct_job_names,
)
from glue_bookmarks._validation import check_flag, check_name, check_optional, check_tags

__all__ = [
    "Batch",
    "OneCall",
    "Operation",
    "Stream",
    "advance",
    "all_pages",
    "bookmarks_batch",
    "check_idle",
    "current_entry",
    "fetch_bookmark",
    "get_job_bookmark",
    "job_names",
    "job_names_list",
    "reset_bookmark",
    "reset_job_bookmark",
]

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class Batch(Generic[T]):
    """Requests for many jobs: `operation(name)` for each distinct name, on the many-jobs
    schedule; answered with one result per name of `names`, in order (repeats included).

    Attributes:
        names: The jobs, in the order wanted.
        operation: One job's operation: its result, or the typed error it raises, which the
            schedule makes the job's result (a throttle puts it back in line, and only a
            `ConfigurationError` ends the whole batch: `Schedule.raised`).
        max_concurrency: The most requests in flight (fewer when the pool is smaller).
        timeout: Seconds after which the jobs not done expire.
        on_progress: Called as `on_progress(done, total)` after each result.
        service: The service the requests go to, whose client the run's pacing is hooked
            into: `"glue"`, or `"s3"` for scripts.
    """

    names: Collection[str]
    operation: Callable[[str], Operation[T]]
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY
    timeout: float | None = None
    on_progress: Callable[[int, int], object] | None = None
    service: str = "glue"


Step: TypeAlias = "Call | Batch[Any]"
Operation: TypeAlias = Generator[Step, Any, T]
"""Yields the requests it needs; returns its result."""
Stream: TypeAlias = Generator["Call | T", Any, None]
"""Yields the requests it needs (`Call`) and, between them, its items."""


def advance(operation: Generator[Any, Any, Any], answer: object) -> Any:
    """The operation's next step, given the answer to its last (an error is thrown into it)."""
    if isinstance(answer, GlueBookmarksError):
        return operation.throw(answer)
    return operation.send(answer)


# -- one bookmark ------------------------------------------------------------------------------


def _bookmark_call(operation_name: str, job_name: object, run_id: object) -> Call:
    params = {"JobName": check_name("job_name", job_name)}
    if run_id is not None:
        params["RunId"] = check_name("run_id", run_id)
    return Call(operation_name, params)


def get_job_bookmark(job_name: str, run_id: str | None) -> OneCall[JobBookmarkEntry]:
    """`GetJobBookmark`: the job's entry; an `EntityNotFoundException` is raised as
    `JobNotFoundError` or `NoBookmarkError`, told apart by one `GetJob` on that path only."""
    call = _bookmark_call("GetJobBookmark", job_name, run_id)
    return OneCall(call, _entry, _raise_narrowed)


def _raise_narrowed(error: GlueBookmarksError, call: Call) -> Operation[None]:
    if isinstance(error, EntityNotFoundError):
        raise (yield from _narrowed(error, call.params["JobName"]))
    raise error


def reset_job_bookmark(job_name: str, run_id: str | None) -> OneCall[JobBookmarkEntry]:
    """`ResetJobBookmark`: the entry the service returns."""
    return OneCall(_bookmark_call("ResetJobBookmark", job_name, run_id), _entry)


def reset_bookmark(
    job_name: str, run_id: str | None, if_idle: bool
) -> OneCall[JobBookmarkEntry] | Operation[JobBookmarkEntry]:
    """`GlueBookmarks.reset_job_bookmark()`: `reset_job_bookmark`, after `check_idle` (which
    raises `JobRunActiveError` instead) with `if_idle`."""
    reset = reset_job_bookmark(job_name, run_id)
    if not check_flag("if_idle", if_idle):
        return reset
    return _reset_if_idle(reset)


def _reset_if_idle(reset: OneCall[JobBookmarkEntry]) -> Operation[JobBookmarkEntry]:
    yield from check_idle(reset.call.params["JobName"], "leave if_idle False")
    entry: JobBookmarkEntry = yield from reset.steps()
    return entry


def _entry(response: Any, call: Call) -> JobBookmarkEntry:
    return entry_from_response(
        response, job_name=call.params["JobName"], operation_name=call.operation_name
    )


def check_idle(job_name: str, remedy: str) -> Operation[None]:
    """Raise `JobRunActiveError` when one of the job's latest runs has not ended.

    One `GetJobRuns` page of the largest size: Glue lists the newest runs first, so a run
    still active is on it unless more than a page of runs started after it. `remedy` ends the
    message: how to go ahead anyway.
    """
    page = yield Call("GetJobRuns", {"JobName": job_name, "MaxResults": JOB_RUNS_PAGE_SIZE})
    active = active_run(page)
    if active is not None:
        run_id, state = active
        raise JobRunActiveError(
            f"job {job_name!r} has a run in state {state} ({run_id}); nothing was changed: "
            f"wait for it to end, or {remedy}",
            job_name=job_name,
            run_id=run_id,
            state=state,
        )


def _plain_get(job_name: str) -> OneCall[JobBookmarkEntry]:
    """`GetJobBookmark` whose `EntityNotFoundException` stays as it is, for the operations
    that make their own sense of it."""
    return OneCall(_bookmark_call("GetJobBookmark", job_name, None), _entry)


def current_entry(job_name: str) -> Operation[JobBookmarkEntry | None]:
    """The job's entry, or None when it has none (`EntityNotFoundException`)."""
    try:
        entry: JobBookmarkEntry = yield from _plain_get(job_name).steps()
    except EntityNotFoundError:
        return None
    return entry


def fetch_bookmark(job_name: str) -> Operation[JobBookmarkEntry | EntityNotFoundError]:
    """One job of a batch: its entry, or an `EntityNotFoundException` told apart as
    `JobNotFoundError` or `NoBookmarkError` by one `GetJob`; any other error is raised, for the
    schedule to make it the job's result (`Schedule.raised`)."""
    try:
        entry: JobBookmarkEntry = yield from _plain_get(job_name).steps()
    except EntityNotFoundError as exc:
        return (yield from _narrowed(exc, job_name))
    return entry


def _narrowed(error: EntityNotFoundError, job_name: str) -> Operation[EntityNotFoundError]:
    """`error` as `JobNotFoundError` or `NoBookmarkError`, as one `GetJob` tells; unchanged
    when `GetJob` fails otherwise (no `glue:GetJob` permission, throttled, no answer)."""
    try:
        yield Call("GetJob", {"JobName": job_name})
    except EntityNotFoundError:
        return narrow_not_found(error, job_exists=False)
    except ConfigurationError:
        raise
    except GlueBookmarksError:
        return error
    return narrow_not_found(error, job_exists=True)


def bookmarks_batch(
    job_names: Iterable[str],
    max_concurrency: int,
    max_workers: int | None,
    timeout: float | None,
    on_progress: Callable[[int, int], object] | None = None,
    *,
    distinct: bool = False,
) -> Batch[JobBookmarkEntry | GlueBookmarksError]:
    """The batch of `get_job_bookmarks` (or, `distinct`, of `iter_job_bookmarks`), checked."""
    # Distinct: the names' one dict, not a list made of it as well (memory for 10,000 jobs).
    names = distinct_job_names(job_names) if distinct else check_job_names(job_names)
    if max_workers is not None:
        # The caller's line: this function, the client's method, the caller.
        warnings.warn(
            "max_workers is deprecated and will be removed in 0.2; use max_concurrency",
            DeprecationWarning,
            stacklevel=3,
        )
        if max_concurrency != DEFAULT_MAX_CONCURRENCY:
            raise InvalidParameterError(
                "give max_concurrency or the deprecated max_workers, not both",
                parameter="max_workers",
            )
        max_concurrency = max_workers
    check_options(max_concurrency, on_progress, timeout)
    return Batch(
        names=names,
        operation=fetch_bookmark,
        max_concurrency=max_concurrency,
        timeout=timeout,
        on_progress=on_progress,
    )


# -- pages -------------------------------------------------------------------------------------


def _next_page(page: Mapping[str, Any], call: Call, tokens: set[str]) -> Call | None:
    """The request of the page after `page`, or None when it is the last."""
    token = page.get("NextToken")
    if token is None or token == "":
        return None
    if type(token) is not str:
        raise misfit(page, call.operation_name, "NextToken", f"is not a string: {token!r:.200}")
    if token in tokens:
        # botocore's paginator stops the same way: a token seen before would page for ever.
        raise misfit(page, call.operation_name, "NextToken", "repeats an earlier page's")
    tokens.add(token)
    return Call(call.operation_name, {**call.params, "NextToken": token})


def all_pages(
    operation_name: str, params: Mapping[str, Any], read: Callable[[Any], list[T]]
) -> Operation[list[T]]:
    """What `read` finds in every page of a paginated operation (`NextToken`), in order; each
    page is read as it comes and not kept."""
    found: list[T] = []
    tokens: set[str] = set()
    call: Call | None = Call(operation_name, params)
    while call is not None:
        page = yield call
        found += read(page)
        call = _next_page(page, call, tokens)
    return found


def job_names(prefix: str | None, tags: Mapping[str, str] | None) -> Stream[str]:
    """The name of every job (`ListJobs`, page by page) that starts with `prefix` and has
    `tags` (Glue's own filter, sent with each page request)."""
    check_optional("prefix", prefix, str)
    tag_filter = check_tags("tags", tags)
    return _job_names(Call("ListJobs", {"Tags": tag_filter} if tag_filter else {}), prefix)


def _job_names(call: Call | None, prefix: str | None) -> Stream[str]:
    tokens: set[str] = set()
    while call is not None:
        page = yield call
        yield from page_job_names(page, prefix)
        call = _next_page(page, call, tokens)


def job_names_list(tags: Mapping[str, str]) -> Operation[list[str]]:
    """Every job name `ListJobs` gives for the tag filter `tags` (already checked)."""
    return (
        yield from all_pages(
            "ListJobs", {"Tags": tags} if tags else {}, lambda page: page_job_names(page, None)
        )
    )
