"""`diagnose`: the doctor's operation, which reads what its rules (`_doctor`) need.

`GetJobs` pages for the configurations, the bookmarks on the many-jobs engine, one
`GetJobRuns` page for each enabled job that needs it (without a bookmark, or with the
history), and one `GetSecurityConfiguration` per distinct name; written once, with no I/O,
for both clients.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone

from glue_bookmarks._calls import Call
from glue_bookmarks._doctor import (
    RUNS_LOOKED_AT,
    JobDiagnosis,
    RunHistory,
    check_history,
    check_stale_after,
    diagnose_job,
    keeps_bookmark,
    read_history,
)
from glue_bookmarks._exceptions import (
    ConfigurationError,
    GlueBookmarksError,
    InvalidParameterError,
    JobNotFoundError,
    NoBookmarkError,
)
from glue_bookmarks._jobs import (
    JobConfig,
    bookmarks_encryption_mode,
    job_runs_from_page,
    jobs_from_page,
)
from glue_bookmarks._operations import (
    Batch,
    Operation,
    all_pages,
    fetch_bookmark,
    job_names_list,
)
from glue_bookmarks._schedule import check_job_names
from glue_bookmarks._validation import check_optional, check_tags

__all__ = ["diagnose"]


def diagnose(
    job_names: Iterable[str] | None,
    prefix: str | None,
    tags: Mapping[str, str] | None,
    stale_after: timedelta,
    history: bool = False,
) -> Operation[list[JobDiagnosis]]:
    """Diagnose jobs: `GlueBookmarks.diagnose()`, checked, before any request."""
    names = None if job_names is None else check_job_names(job_names)
    check_optional("prefix", prefix, str)
    tag_filter = check_tags("tags", tags)
    if names is not None and (prefix is not None or tags is not None):
        raise InvalidParameterError(
            "give job_names, or prefix and tags to select jobs, not both",
            parameter="job_names",
        )
    return _diagnose(
        names, prefix, tag_filter, check_stale_after(stale_after), check_history(history)
    )


def _diagnose(
    names: list[str] | None,
    prefix: str | None,
    tag_filter: dict[str, str] | None,
    stale_after: timedelta,
    history: bool,
) -> Operation[list[JobDiagnosis]]:
    # Configurations from GetJobs pages, never one request per job.
    configs = {
        config.name: config for config in (yield from all_pages("GetJobs", {}, jobs_from_page))
    }
    if names is None:
        tagged = None if tag_filter is None else set((yield from job_names_list(tag_filter)))
        names = sorted(
            name
            for name in configs
            if (prefix is None or name.startswith(prefix)) and (tagged is None or name in tagged)
        )
    found = [name for name in dict.fromkeys(names) if name in configs]
    entries = yield Batch(names=found, operation=fetch_bookmark)
    results = dict(zip(found, entries, strict=True))
    # One GetJobRuns page per enabled job: those without a bookmark, to tell a run that
    # committed nothing; every one, with history.
    enabled = [name for name in found if keeps_bookmark(configs[name])]
    asked = [name for name in enabled if history or isinstance(results[name], NoBookmarkError)]
    now = datetime.now(timezone.utc)
    read = functools.partial(_latest_runs, configs, now)
    runs = dict(zip(asked, (yield Batch(names=asked, operation=read)), strict=True))
    encryption = yield from _encryption_modes(
        sorted({configs[name].security_configuration or "" for name in enabled} - {""})
    )
    return [
        diagnose_job(
            config := configs.get(name),
            name,
            results[name] if name in results else _not_listed(name),
            runs=runs.get(name),
            history=history,
            encryption=(
                None if config is None else encryption.get(config.security_configuration or "")
            ),
            stale_after=stale_after,
            now=now,
        )
        for name in names
    ]


def _latest_runs(
    configs: Mapping[str, JobConfig], now: datetime, job_name: str
) -> Operation[RunHistory | GlueBookmarksError]:
    """What the job's latest runs (one `GetJobRuns` page) say, read as the page arrives; an
    error is raised, for the schedule to make it the job's result (`Schedule.raised`)."""
    page = yield Call("GetJobRuns", {"JobName": job_name, "MaxResults": RUNS_LOOKED_AT})
    return read_history(configs[job_name], job_runs_from_page(page), now)


def _encryption_modes(
    names: Iterable[str],
) -> Operation[dict[str, str | GlueBookmarksError]]:
    """Each security configuration's `JobBookmarksEncryptionMode`, or the error reading it
    ended with: one `GetSecurityConfiguration` per name, one after the other (a few names
    serve a whole account). Only a `ConfigurationError` is raised."""
    modes: dict[str, str | GlueBookmarksError] = {}
    for name in names:
        try:
            answer = yield Call("GetSecurityConfiguration", {"Name": name})
            modes[name] = bookmarks_encryption_mode(answer)
        except ConfigurationError:
            raise
        except GlueBookmarksError as exc:
            modes[name] = exc
    return modes


def _not_listed(job_name: str) -> JobNotFoundError:
    """The error of a job asked for by name that `GetJobs` did not list."""
    return JobNotFoundError(
        f"Job {job_name} is not among the jobs GetJobs listed",
        code="EntityNotFoundException",
        operation_name="GetJobs",
    )
