"""The async client has every public method of the sync one, and both give the same answers.

The methods are compared by introspection, so a method added to one client only fails here;
the operations written once (`diagnose`, `plan_rewind`, `apply_rewind`, `plan_backfill`,
`start_backfill`) run in both clients against one moto server.
"""

from __future__ import annotations

import inspect
import warnings
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from glue_bookmarks import (
    AsyncGlueBookmarks,
    BookmarkChangedError,
    GlueBookmarks,
    JobDiagnosis,
    JobRunActiveError,
    RewindPlan,
)
from glue_bookmarks.testing import seed_job_bookmark, seed_job_run
from tests._support import REGION, aio_session, botocore_session, create_job, glue_client

# Where the two differ by design: how each is closed and entered.
_LIFE_CYCLE = {"close": "aclose", "__enter__": "__aenter__", "__exit__": "__aexit__"}


def _public(cls: type) -> dict[str, Any]:
    return {
        name: member
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_") or name in {*_LIFE_CYCLE, *_LIFE_CYCLE.values()}
    }


def test_the_async_client_has_every_public_method_of_the_sync_one() -> None:
    sync, async_ = _public(GlueBookmarks), _public(AsyncGlueBookmarks)
    expected = {_LIFE_CYCLE.get(name, name) for name in sync}
    assert set(async_) == expected


@pytest.mark.parametrize(
    "name", sorted(name for name in _public(GlueBookmarks) if name not in _LIFE_CYCLE)
)
def test_each_method_takes_the_same_parameters(name: str) -> None:
    sync = inspect.signature(getattr(GlueBookmarks, name))
    async_ = inspect.signature(getattr(AsyncGlueBookmarks, name))
    shape = [(p.name, p.kind, p.default) for p in sync.parameters.values()]
    assert [(p.name, p.kind, p.default) for p in async_.parameters.values()] == shape


@pytest.mark.parametrize(
    "name", sorted(name for name in _public(GlueBookmarks) if name not in _LIFE_CYCLE)
)
def test_each_method_is_awaitable_or_an_async_iterator_where_the_sync_one_returns_or_yields(
    name: str,
) -> None:
    sync = getattr(GlueBookmarks, name)
    async_ = getattr(AsyncGlueBookmarks, name)
    returns = inspect.signature(sync).return_annotation
    if "Iterator" in returns or "Generator" in returns:
        assert not inspect.iscoroutinefunction(async_)
        assert "AsyncIterator" in (annotation := inspect.signature(async_).return_annotation) or (
            "AsyncGenerator" in annotation
        )
    else:
        assert inspect.iscoroutinefunction(async_)
        assert inspect.signature(async_).return_annotation == returns


def test_the_constructors_take_the_same_arguments() -> None:
    sync = inspect.signature(GlueBookmarks.__init__).parameters
    async_ = inspect.signature(AsyncGlueBookmarks.__init__).parameters
    assert [(p.name, p.kind, p.default) for p in async_.values()] == [
        (p.name, p.kind, p.default) for p in sync.values()
    ]


# -- max_workers, the former name ----------------------------------------------------------------


def test_max_workers_still_works_with_a_deprecation_warning(glue_moto_client: Any) -> None:
    create_job(glue_moto_client, "a")
    gb = GlueBookmarks(client=glue_moto_client)
    with pytest.warns(DeprecationWarning, match="max_workers is deprecated.*max_concurrency") as w:
        (result,) = gb.get_job_bookmarks(["a"], max_workers=2)
    assert w[0].filename == __file__  # the caller's line
    assert type(result).__name__ == "NoBookmarkError"
    with pytest.warns(DeprecationWarning):
        assert [name for name, _ in gb.iter_job_bookmarks(["a"], max_workers=2)] == ["a"]


def test_max_workers_with_max_concurrency_is_refused(glue_moto_client: Any) -> None:
    gb = GlueBookmarks(client=glue_moto_client)
    with warnings.catch_warnings(), pytest.raises(ValueError, match="not both"):
        warnings.simplefilter("ignore", DeprecationWarning)
        gb.get_job_bookmarks(["a"], max_concurrency=4, max_workers=2)


@pytest.mark.asyncio
async def test_max_workers_is_deprecated_in_the_async_client_too(
    glue_moto_server_url: str,
) -> None:
    glue = glue_client(glue_moto_server_url)
    create_job(glue, "a")
    async with AsyncGlueBookmarks(
        session=aio_session(), endpoint_url=glue_moto_server_url, region_name=REGION
    ) as gb:
        with pytest.warns(DeprecationWarning, match="max_workers is deprecated") as w:
            (result,) = await gb.get_job_bookmarks(["a"], max_workers=2)
    assert w[0].filename == __file__
    assert type(result).__name__ == "NoBookmarkError"
    glue.close()


# -- the operations written once, in both clients ----------------------------------------------

MONDAY = datetime(2026, 11, 2, 6, 0, tzinfo=timezone.utc)
ENABLE = {"--job-bookmark-option": "job-bookmark-enable"}


def _seed(url: str) -> None:
    glue = glue_client(url)
    create_job(glue, "nightly", "empty", DefaultArguments=ENABLE)
    create_job(glue, "busy", DefaultArguments=ENABLE, ExecutionProperty={"MaxConcurrentRuns": 3})
    create_job(glue, "off")
    # Two runs that commit a bookmark of no source, and overlapped (diagnose(history=True)).
    for start in (0, 10):
        started_on = MONDAY + timedelta(minutes=start)
        seed_job_run("empty", started_on=started_on, completed_on=started_on + timedelta(hours=1))
    for day in range(3):
        seed_job_run("nightly", started_on=MONDAY + timedelta(days=day), run_id=f"jr_{day}")
    old = '{"orders": {"jsonClass": "HadoopDataSourceJobBookmarkState", "timestamps": {"RUN": "3", '
    old += '"HIGH_BAND": "900000", "CURR_RUN_START_TIME": "2019-06-03T22:10:05.120Z"}}}'
    seed_job_bookmark(job_name="nightly", version=3, run=3, run_id="jr_2", job_bookmark=old)
    glue.close()


def _summary(diagnoses: list[JobDiagnosis]) -> list[tuple[str, str, list[str]]]:
    return [
        (d.job_name, type(d.result).__name__, [finding.code for finding in d.findings])
        for d in diagnoses
    ]


@pytest.mark.asyncio
async def test_diagnose_and_rewind_give_the_same_answers_in_both_clients(
    glue_moto_server_url: str,
) -> None:
    _seed(glue_moto_server_url)
    since = MONDAY + timedelta(days=1, hours=1)
    with GlueBookmarks(
        session=botocore_session(), endpoint_url=glue_moto_server_url, region_name=REGION
    ) as sync:
        expected = _summary(sync.diagnose(history=True))
        sync_plan = sync.plan_rewind("nightly", since=since)
    async with AsyncGlueBookmarks(
        session=aio_session(), endpoint_url=glue_moto_server_url, region_name=REGION
    ) as gb:
        diagnoses = await gb.diagnose(history=True)
        plan = await gb.plan_rewind("nightly", since=since)
        stale = RewindPlan(
            job_name="nightly", since=since, run_id="jr_0", reprocess_from=MONDAY, current=None
        )
        with pytest.raises(BookmarkChangedError):
            await gb.apply_rewind(stale)
        applied = await gb.apply_rewind(plan)
        after = await gb.get_job_bookmark("nightly")

    assert _summary(diagnoses) == expected
    unencrypted = "bookmarks-unencrypted"
    assert expected == [
        ("busy", "NoBookmarkError", ["concurrent-runs", "enabled-no-runs-yet", unencrypted]),
        ("empty", "JobBookmarkEntry", ["empty-state", "runs-overlapped", unencrypted]),
        ("nightly", "JobBookmarkEntry", ["stale", unencrypted]),
        ("off", "NoBookmarkError", []),
    ]
    assert plan == sync_plan
    assert (plan.run_id, plan.reprocess_from) == ("jr_1", MONDAY + timedelta(days=1))
    assert applied is not None
    assert after.run_id == "jr_1"


@pytest.mark.asyncio
async def test_backfill_gives_the_same_answers_in_both_clients(glue_moto_server_url: str) -> None:
    _seed(glue_moto_server_url)
    since = MONDAY + timedelta(hours=1)
    with GlueBookmarks(
        session=botocore_session(), endpoint_url=glue_moto_server_url, region_name=REGION
    ) as sync:
        sync_plan = sync.plan_backfill("nightly", since=since)
    async with AsyncGlueBookmarks(
        session=aio_session(), endpoint_url=glue_moto_server_url, region_name=REGION
    ) as gb:
        plan = await gb.plan_backfill("nightly", since=since)
        before = await gb.get_job_bookmark("nightly")
        run_id = await gb.start_backfill(plan, arguments={"--day": "2"})
        seed_job_run("nightly", started_on=MONDAY + timedelta(days=5), state="RUNNING")
        with pytest.raises(JobRunActiveError):
            await gb.start_backfill(plan)
        with pytest.raises(JobRunActiveError):
            await gb.reset_job_bookmark("nightly", if_idle=True)
        after = await gb.get_job_bookmark("nightly")

    assert plan == sync_plan
    assert (plan.from_run.run_id, plan.to_run.run_id) == ("jr_0", "jr_2")
    assert run_id.startswith("jr_")
    assert after == before
