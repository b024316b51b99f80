"""The operations written once for both clients, driven by hand: each yields the request it
needs and is given the answer, or has the typed error thrown into it. No client, no I/O.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from types_boto3_glue.client import GlueClient

from glue_bookmarks import (
    AccessDeniedError,
    EntityNotFoundError,
    GlueBookmarks,
    JobNotFoundError,
    NoBookmarkError,
    ResponseValidationError,
)
from glue_bookmarks._calls import Call
from glue_bookmarks._jobs import RunStart, committing_runs
from glue_bookmarks._operations import advance, all_pages, fetch_bookmark, job_names
from glue_bookmarks.testing import seed_job_run
from tests._support import create_job

MONDAY = datetime(2026, 11, 2, 6, 0, tzinfo=timezone.utc)


def not_found() -> EntityNotFoundError:
    return EntityNotFoundError("no", code="EntityNotFoundException", request_id="r-1")


def step(operation: Generator[Any, Any, Any], answer: object = None) -> Any:
    """The operation's next request, or `Done(result)` when it returned."""
    try:
        return advance(operation, answer)
    except StopIteration as stop:
        return Done(stop.value)


class Done:
    def __init__(self, value: Any) -> None:
        self.value = value


# -- one job of a batch: the not-found narrowing -----------------------------------------------


@pytest.mark.parametrize(
    ("get_job_answer", "expected"),
    [({"Job": {"Name": "a"}}, NoBookmarkError), (not_found(), JobNotFoundError)],
)
def test_a_not_found_is_told_apart_with_one_get_job(
    get_job_answer: object, expected: type[EntityNotFoundError]
) -> None:
    operation = fetch_bookmark("a")
    assert step(operation) == Call("GetJobBookmark", {"JobName": "a"})
    error = not_found()
    assert step(operation, error) == Call("GetJob", {"JobName": "a"})
    done = step(operation, get_job_answer)
    assert type(done.value) is expected
    assert (done.value.code, done.value.request_id) == ("EntityNotFoundException", "r-1")


def test_a_denied_get_job_leaves_the_plain_not_found() -> None:
    operation = fetch_bookmark("a")
    step(operation)
    error = not_found()
    step(operation, error)
    done = step(operation, AccessDeniedError("no", code="AccessDeniedException"))
    assert done.value is error


def test_another_error_is_raised_and_sends_nothing_more() -> None:
    # The schedule makes it the job's result (tests/test_schedule.py).
    operation = fetch_bookmark("a")
    step(operation)
    denied = AccessDeniedError("no", code="AccessDeniedException")
    with pytest.raises(AccessDeniedError) as raised:
        step(operation, denied)
    assert raised.value is denied


# -- pages -------------------------------------------------------------------------------------


def test_every_page_is_read_by_its_next_token() -> None:
    operation = all_pages("GetJobs", {}, lambda page: page["Jobs"])
    assert step(operation) == Call("GetJobs", {})
    assert step(operation, {"Jobs": [1], "NextToken": "t1"}) == Call("GetJobs", {"NextToken": "t1"})
    assert step(operation, {"Jobs": [2], "NextToken": ""}).value == [1, 2]


@pytest.mark.parametrize(
    ("token", "problem"), [("t1", "repeats an earlier page's"), (7, "is not a string: 7")]
)
def test_a_next_token_that_would_page_for_ever_is_a_typed_error(
    token: object, problem: str
) -> None:
    operation = all_pages("GetJobs", {}, lambda page: list[Any]())
    step(operation)
    step(operation, {"NextToken": "t1"})
    with pytest.raises(ResponseValidationError) as info:
        step(operation, {"NextToken": token})
    assert str(info.value) == f"the GetJobs answer's NextToken {problem}"
    assert (info.value.operation_name, info.value.field) == ("GetJobs", "NextToken")


def test_job_names_come_page_by_page_as_the_iteration_reaches_them() -> None:
    stream = job_names("data-", {"team": "data"})
    assert step(stream) == Call("ListJobs", {"Tags": {"team": "data"}})
    assert step(stream, {"JobNames": ["web", "data-1"], "NextToken": "t"}) == "data-1"
    assert step(stream) == Call("ListJobs", {"Tags": {"team": "data"}, "NextToken": "t"})
    assert step(stream, {"JobNames": ["data-2"]}) == "data-2"
    assert isinstance(step(stream), Done)


def test_job_names_checks_its_arguments_when_called() -> None:
    with pytest.raises(ValueError, match="prefix must be a str"):
        job_names(3, None)  # type: ignore[arg-type]


# -- the one rule for a run that commits -------------------------------------------------------


def run(state: str = "SUCCEEDED", **fields: Any) -> dict[str, Any]:
    return {"Id": f"jr_{state}", "JobRunState": state, "StartedOn": MONDAY, **fields}


def test_a_run_commits_when_it_succeeded_with_bookmarks_left_on() -> None:
    pause = {"--job-bookmark-option": "job-bookmark-pause"}
    enable = {"--job-bookmark-option": "job-bookmark-enable"}
    page = {
        "JobRuns": [
            run("FAILED"),
            run("RUNNING"),
            run(Arguments=pause),
            run(Id="jr_on", Arguments=enable),
            run(Id="jr_plain"),
        ]
    }
    assert committing_runs(page) == [
        RunStart(run_id="jr_on", started_on=MONDAY),
        RunStart(run_id="jr_plain", started_on=MONDAY),
    ]


@pytest.mark.parametrize(
    ("runs", "field"),
    [
        ([run(Arguments="job-bookmark-enable")], "JobRuns[0].Arguments"),
        ([run(JobRunState=None)], "JobRuns[0].JobRunState"),
        ([run(), "run"], "JobRuns[1]"),
    ],
)
def test_a_run_that_does_not_fit_is_a_typed_error(runs: list[Any], field: str) -> None:
    with pytest.raises(ResponseValidationError) as info:
        committing_runs({"JobRuns": runs})
    assert (info.value.operation_name, info.value.field) == ("GetJobRuns", field)


def test_both_callers_refuse_a_run_whose_arguments_are_not_an_object(
    glue_moto_client: GlueClient,
) -> None:
    enable = {"--job-bookmark-option": "job-bookmark-enable"}
    create_job(glue_moto_client, "nightly", DefaultArguments=enable)
    seed_job_run("nightly", started_on=MONDAY, state="FAILED")  # the job has no bookmark
    gb = GlueBookmarks(client=glue_moto_client)

    def garble(parsed: dict[str, Any], **_: Any) -> None:
        for each in parsed.get("JobRuns", []):
            each["Arguments"] = "job-bookmark-enable"

    gb._get_client().meta.events.register("after-call.glue.GetJobRuns", garble)
    # The rewind raises; it used to take such a run as one with bookmarks enabled.
    with pytest.raises(ResponseValidationError, match=r"JobRuns\[0\]\.Arguments is not an object"):
        gb.plan_rewind("nightly", since=MONDAY + timedelta(days=1))
    # The doctor makes it the job's finding, and goes on with the other jobs.
    (diagnosis,) = gb.diagnose()
    assert isinstance(diagnosis.result, NoBookmarkError)
    finding = diagnosis.findings[0]
    assert finding.code == "fetch-failed"
    assert "JobRuns[0].Arguments is not an object" in finding.message
