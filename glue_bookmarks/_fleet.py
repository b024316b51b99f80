"""The many-jobs engine: one fetch per distinct job name, on a pool of threads, in input order."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Final, TypeVar

from glue_bookmarks._exceptions import InvalidParameterError
from glue_bookmarks._validation import check_name

__all__ = ["DEFAULT_MAX_WORKERS", "check_job_names", "check_options", "fetch_all"]

DEFAULT_MAX_WORKERS: Final = 16
# Two jobs queued per thread keep every thread busy; submitting all at once would hold a
# Future per job (about 2 KiB each) until the last one is done.
_QUEUED_PER_THREAD: Final = 2

Result = TypeVar("Result")


def check_job_names(job_names: object) -> list[str]:
    """The names as a list, each a valid Glue name; a bad one is named by its index."""
    if isinstance(job_names, str | bytes) or not isinstance(job_names, Iterable):
        raise InvalidParameterError(
            f"job_names must be an iterable of job names (such as a list), "
            f"got {type(job_names).__name__}",
            parameter="job_names",
        )
    names = list(job_names)
    for index, name in enumerate(names):
        check_name(f"job_names[{index}]", name)
    return names


def check_options(max_workers: object, on_progress: object) -> None:
    """Raise unless `max_workers` is a positive int and `on_progress` callable or None."""
    if type(max_workers) is not int or max_workers < 1:
        raise InvalidParameterError(
            f"max_workers must be a positive int, got {max_workers!r}", parameter="max_workers"
        )
    if on_progress is not None and not callable(on_progress):
        raise InvalidParameterError(
            f"on_progress must be callable or None, got {type(on_progress).__name__}",
            parameter="on_progress",
        )


def fetch_all(
    names: list[str],
    fetch: Callable[[str], Result],
    *,
    workers: int,
    on_progress: Callable[[int, int], object] | None = None,
) -> list[Result]:
    """`fetch(name)` once per distinct name, on up to `workers` threads.

    Args:
        names: The names, in the order the results are wanted; repeats are fetched once.
        fetch: Returns one name's result. What it raises stops the work and propagates.
        workers: The most threads to run.
        on_progress: Called as `on_progress(done, len(names))` in the calling thread after
            each result; what it raises stops the work and propagates.

    Returns:
        One result per name, in the order of `names`.
    """
    copies = Counter(names)  # in first-seen order
    queued = iter(copies)
    results: dict[str, Result] = {}
    done = 0
    workers = min(workers, len(copies))
    executor = ThreadPoolExecutor(max(workers, 1), thread_name_prefix="glue-bookmarks")
    try:
        pending: dict[Future[Result], str] = {
            executor.submit(fetch, name): name
            for name in itertools.islice(queued, _QUEUED_PER_THREAD * workers)
        }
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                name = pending.pop(future)
                results[name] = future.result()
                following = next(queued, None)
                if following is not None:
                    pending[executor.submit(fetch, following)] = following
                done += copies[name]
                if on_progress is not None:
                    on_progress(done, len(names))
    finally:
        # Requests not yet started are dropped when the work stops early.
        executor.shutdown(wait=True, cancel_futures=True)
    return [results[name] for name in names]
