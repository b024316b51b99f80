"""What the `glue-bookmarks` command prints, made in this process from built results.

The renderers are called with entries from `tests/fixtures` and with diagnoses, diffs and
plans built by their public constructors (or `diff_bookmarks()`); no server, no `main()`.
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jmespath
import pytest

from glue_bookmarks import (
    BookmarkState,
    DeadlineExceededError,
    Finding,
    GlueBookmarksError,
    HadoopSourceState,
    InvalidParameterError,
    JobBookmarkEntry,
    JobDiagnosis,
    JobDiff,
    JobNotFoundError,
    NoBookmarkError,
    RewindPlan,
    Severity,
    ThrottlingError,
    UnknownSourceState,
    diff_bookmarks,
)
from glue_bookmarks._cli_render import (
    Outcome,
    Progress,
    describe,
    diff_document,
    diff_table,
    doctor_document,
    doctor_table,
    entry_document,
    entry_table,
    json_text,
    list_document,
    list_table,
    outcome,
    plan_text,
    query_text,
    rewind_text,
    text_output,
)

FIXTURES = Path(__file__).parent / "fixtures"
NOT_JSON = "not JSON: Expecting value: line 1 column 1 (char 0)"


# As tests/test_state.py reads them; one helper for both belongs in tests/_support.py.
def fixture_entry(name: str) -> JobBookmarkEntry:
    document = json.loads((FIXTURES / name).read_text())
    return JobBookmarkEntry.from_dict(document["JobBookmarkEntry"])


def entry(job_name: str, run: int, state: BookmarkState | str) -> JobBookmarkEntry:
    bookmark = state if isinstance(state, str) else state.to_json()
    return JobBookmarkEntry(
        job_name=job_name,
        version=run,
        run=run,
        attempt=0,
        run_id=f"jr_{run}",
        job_bookmark=bookmark,
    )


# -- get and reset ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["two_sources", "older", "studio"])
def test_entry_json_is_byte_for_byte_the_aws_cli_document(name: str) -> None:
    path = FIXTURES / f"get_job_bookmark_{name}.json"
    assert json_text(entry_document(fixture_entry(path.name))) == path.read_text()


def test_entry_table_has_a_line_per_source() -> None:
    assert entry_table(fixture_entry("get_job_bookmark_two_sources.json")) == (
        "JOB                   VERSION  RUN  ATTEMPT  SOURCE                                  "
        "         RUN START TIME            FILES  RUN ID\n"
        "orders-and-customers  15       14   1        datasource0                             "
        "         2024-10-28T06:00:12.004Z  0      jr_14\n"
        "                                             jdbc_customers "
        "(JDBCDataSourceJobBookmarkState)  -                         -\n"
    )


# -- list ---------------------------------------------------------------------------------------


@pytest.fixture
def outcomes() -> list[Outcome]:
    """One job of each status `list` tells apart."""
    return [
        outcome("legacy-etl", fixture_entry("get_job_bookmark_older.json")),
        outcome(
            "never-ran",
            NoBookmarkError(
                "Continuation for job never-ran not found",
                code="EntityNotFoundException",
                request_id="req-1",
            ),
        ),
        outcome(
            "ghost",
            JobNotFoundError(
                "Job ghost\nnot found.", code="EntityNotFoundException", request_id="req-2"
            ),
        ),
        outcome("broken", entry("broken", 1, "not json")),
        outcome("slow", DeadlineExceededError("job 'slow' was not done within the timeout")),
    ]


def test_list_table_notes_a_job_without_an_entry_in_place_of_its_columns(
    outcomes: list[Outcome],
) -> None:
    assert [job.status for job in outcomes] == [
        "ok",
        "no-bookmark",
        "job-not-found",
        "error",
        "error",
    ]
    assert list_table(outcomes) == (
        "JOB         VERSION  RUN  ATTEMPT  SOURCE       RUN START TIME            FILES  RUN ID\n"
        "legacy-etl  4        3    0        datasource0  2019-06-03T22:10:05.120Z  0      jr_3\n"
        "never-ran   no bookmark yet\n"
        "ghost       failed: EntityNotFoundException: Job ghost not found.\n"
        f"broken      failed: BookmarkParseError: the JobBookmark of job 'broken': {NOT_JSON}\n"
        "slow        failed: DeadlineExceededError: job 'slow' was not done within the timeout\n"
    )


def test_list_table_of_no_jobs_is_the_header() -> None:
    assert list_table([]) == "JOB  VERSION  RUN  ATTEMPT  SOURCE  RUN START TIME  FILES  RUN ID\n"


def test_list_document_keeps_an_unreadable_entry_and_names_each_error(
    outcomes: list[Outcome],
) -> None:
    jobs = list_document(outcomes)["JobBookmarks"]
    assert [(job["JobName"], job["Status"], sorted(job)) for job in jobs] == [
        ("legacy-etl", "ok", ["JobBookmarkEntry", "JobName", "Status"]),
        ("never-ran", "no-bookmark", ["Error", "JobName", "Status"]),
        ("ghost", "job-not-found", ["Error", "JobName", "Status"]),
        ("broken", "error", ["Error", "JobBookmarkEntry", "JobName", "Status"]),
        ("slow", "error", ["Error", "JobName", "Status"]),
    ]
    assert jobs[0]["JobBookmarkEntry"] == fixture_entry("get_job_bookmark_older.json").to_dict()
    assert [job["Error"] for job in jobs[2:]] == [
        {
            "Code": "EntityNotFoundException",
            "Message": "Job ghost not found.",
            "RequestId": "req-2",
        },
        {
            "Code": "BookmarkParseError",
            "Message": f"the JobBookmark of job 'broken': {NOT_JSON}",
            "RequestId": None,
        },
        {
            "Code": "DeadlineExceededError",
            "Message": "job 'slow' was not done within the timeout",
            "RequestId": None,
        },
    ]
    assert [job.failed for job in outcomes] == [False, False, True, True, True]


# -- doctor -------------------------------------------------------------------------------------


def diagnosis(job_name: str, *findings: Finding) -> JobDiagnosis:
    return JobDiagnosis(
        job_name=job_name,
        bookmark_option="enable",
        max_concurrent_runs=3,
        job_type="glueetl",
        glue_version="4.0",
        result=fixture_entry("get_job_bookmark_older.json"),
        findings=findings,
    )


RACING = Finding(code="concurrent-runs", severity=Severity.WARNING, message="concurrent runs race")
STALE = Finding(
    code="stale",
    severity=Severity.WARNING,
    message="the newest run started 5 years ago",
    transformation_ctx="datasource0",
)
PAUSED = Finding(code="paused", severity=Severity.INFO, message="bookmarks are paused")


def test_doctor_table_names_a_job_once_and_counts_the_jobs_without_findings() -> None:
    diagnoses = [diagnosis("racing", RACING, STALE), diagnosis("healthy"), diagnosis("p", PAUSED)]
    assert doctor_table(diagnoses) == (
        "JOB     SEVERITY  CODE             SOURCE       MESSAGE\n"
        "racing  warning   concurrent-runs  -            concurrent runs race\n"
        "        warning   stale            datasource0  the newest run started 5 years ago\n"
        "p       info      paused           -            bookmarks are paused\n"
        "\n"
        "3 jobs diagnosed: 2 with findings (0 errors, 2 warnings, 1 info), 1 without findings\n"
    )


def test_doctor_table_without_findings_is_the_summary_only() -> None:
    assert doctor_table([diagnosis("healthy")]) == (
        "1 job diagnosed: 0 with findings (0 errors, 0 warnings, 0 info), 1 without findings\n"
    )


def test_doctor_document_keys_in_order() -> None:
    [job] = doctor_document([diagnosis("racing", STALE)])["Jobs"]
    # The order the docs show; the printed JSON keeps it.
    assert list(job) == [
        "JobName",
        "BookmarkOption",
        "BookmarkOptionSource",
        "MaxConcurrentRuns",
        "JobType",
        "GlueVersion",
        "ScriptLocation",
        "Findings",
    ]
    assert job["Findings"] == [
        {
            "Code": "stale",
            "Severity": "warning",
            "Message": "the newest run started 5 years ago",
            "TransformationContext": "datasource0",
            "Line": None,
        }
    ]


# -- rewind -------------------------------------------------------------------------------------

SINCE = datetime(2024, 10, 30, 12, tzinfo=timezone.utc)
TUESDAY = datetime(2024, 10, 29, 2, tzinfo=timezone.utc)
PLAN_HEAD = (
    "Rewind plan for job 'nightly', to process again the data since 2024-10-30T12:00:00.000Z:\n"
    "  current bookmark: version 4, run 4, run id jr_4\n"
)
NOT_CLEANED = (
    "  every source of the job is rewound; files already written to its targets are not cleaned\n"
)


def plan(run_id: str | None, *, current: JobBookmarkEntry | None) -> RewindPlan:
    return RewindPlan(
        job_name="nightly",
        since=SINCE,
        run_id=run_id,
        reprocess_from=None if run_id is None else TUESDAY,
        current=current,
    )


def test_plan_text_to_a_run() -> None:
    assert plan_text(plan("jr_2", current=entry("nightly", 4, BookmarkState()))) == (
        PLAN_HEAD + "  rewind to:        run jr_2, which started 2024-10-29T02:00:00.000Z\n"
        "  processed again:  the data since 2024-10-29T02:00:00.000Z, that run's start; "
        "the precision is one run\n" + NOT_CLEANED
    )


def test_plan_text_of_a_full_reset() -> None:
    assert plan_text(plan(None, current=entry("nightly", 4, BookmarkState()))) == (
        PLAN_HEAD + "  rewind to:        no succeeded run started before then: a full reset\n"
        "  processed again:  all the job's data\n" + NOT_CLEANED
    )


@pytest.mark.parametrize(
    ("run_id", "current", "reason"),
    [
        (
            "jr_4",
            entry("nightly", 4, BookmarkState()),
            "Nothing to do: the bookmark already stands at that run.\n",
        ),
        (
            None,
            None,
            "Nothing to do: the job has no bookmark, so its next run with bookmarks enabled "
            "processes all its data anyway.\n",
        ),
    ],
)
def test_plan_text_says_why_there_is_nothing_to_do(
    run_id: str | None, current: JobBookmarkEntry | None, reason: str
) -> None:
    text = plan_text(plan(run_id, current=current))
    assert text.endswith(NOT_CLEANED + reason)
    assert ("  current bookmark: none\n" in text) is (current is None)


def test_rewind_text_says_where_the_bookmark_stands() -> None:
    to_run = plan("jr_2", current=entry("nightly", 4, BookmarkState()))
    assert rewind_text(to_run, entry("nightly", 2, BookmarkState())) == (
        "Rewound: the bookmark of 'nightly' is at run 2 (jr_2), version 2.\n"
    )
    reset = plan(None, current=entry("nightly", 4, BookmarkState()))
    assert rewind_text(reset, None) == "Reset: job 'nightly' has no bookmark now.\n"


# -- diff ---------------------------------------------------------------------------------------

PARTITION = datetime(2024, 10, 27, tzinfo=timezone.utc)


def orders(run: int, *files: str) -> BookmarkState:
    return BookmarkState(
        {
            "orders": HadoopSourceState(
                run=run, include_list=files, latest_partition=PARTITION + timedelta(days=run)
            )
        }
    )


@pytest.fixture
def diffs() -> list[JobDiff]:
    grown = BookmarkState(
        {
            **orders(2, "b", "c", "d"),
            "customers": UnknownSourceState(json_class="JDBCDataSourceJobBookmarkState"),
        }
    )
    before = {
        "nightly": entry("nightly", 1, orders(1, "a", "b")),
        "steady": entry("steady", 1, orders(1, "a")),
        "gone": entry("gone", 1, orders(1)),
        "never": None,
    }
    after = {
        "nightly": entry("nightly", 2, grown),
        "steady": before["steady"],
        "never": None,
    }
    return list(diff_bookmarks(before, after))


def test_diff_table_shows_what_moved_source_by_source(diffs: list[JobDiff]) -> None:
    assert diff_table(diffs) == (
        "JOB      STATUS       VERSION  RUN     SOURCE           FILES ADDED  LATEST PARTITION\n"
        "nightly  advanced     1 -> 2   1 -> 2  orders           2            "
        "2024-10-28T00:00:00.000Z -> 2024-10-29T00:00:00.000Z\n"
        "                                       customers (new)  -            -\n"
        "steady   unchanged    1        1       -                -            -\n"
        "gone     disappeared  1 -> -   1 -> -  -                -            -\n"
        "never    unchanged    -        -       -                -            -\n"
        "4 jobs: 1 advanced, 2 unchanged, 1 disappeared\n"
    )


def test_diff_table_of_no_jobs() -> None:
    assert diff_table([]) == (
        "JOB  STATUS  VERSION  RUN  SOURCE  FILES ADDED  LATEST PARTITION\n0 jobs\n"
    )


def test_diff_of_a_state_that_does_not_parse_says_so_in_place_of_its_sources() -> None:
    [diff] = diff_bookmarks(
        {"garbled": entry("garbled", 1, orders(1))}, {"garbled": entry("garbled", 2, "not json")}
    )
    row = f"state does not parse: the JobBookmark of job 'garbled': {NOT_JSON}"
    assert diff_table([diff]).splitlines()[1].split("  ")[-1] == row
    assert diff_table([diff]).splitlines()[-1] == "1 job: 1 advanced"
    assert diff_document([diff])["Jobs"][0]["Error"] == row.removeprefix("state does not parse: ")


def test_diff_document(diffs: list[JobDiff]) -> None:
    jobs = diff_document(diffs)["Jobs"]
    assert [(job["JobName"], job["Status"]) for job in jobs] == [
        ("nightly", "advanced"),
        ("steady", "unchanged"),
        ("gone", "disappeared"),
        ("never", "unchanged"),
    ]
    assert jobs[0] == {
        "JobName": "nightly",
        "Status": "advanced",
        "Before": {"Version": 1, "Run": 1, "RunId": "jr_1"},
        "After": {"Version": 2, "Run": 2, "RunId": "jr_2"},
        "Sources": [
            {
                "TransformationContext": "orders",
                "InBefore": True,
                "InAfter": True,
                "FilesAdded": 2,
                "LatestPartitionBefore": "2024-10-28T00:00:00.000Z",
                "LatestPartitionAfter": "2024-10-29T00:00:00.000Z",
            },
            {
                "TransformationContext": "customers",
                "InBefore": False,
                "InAfter": True,
                "FilesAdded": None,
                "LatestPartitionBefore": None,
                "LatestPartitionAfter": None,
            },
        ],
        "Error": None,
    }
    assert (jobs[2]["After"], jobs[3]["Before"], jobs[3]["After"]) == (None, None, None)


# -- errors, --query, progress ------------------------------------------------------------------


def test_describe_is_one_line_with_the_code_and_the_request_id() -> None:
    throttled = ThrottlingError(
        "Rate exceeded\n<html>",
        code="ThrottlingException",
        operation_name="GetJobBookmark",
        status_code=400,
        request_id="req-9",
    )
    assert describe(throttled) == (
        "ThrottlingException: Rate exceeded <html> (GetJobBookmark, HTTP 400, request id req-9)"
    )
    assert describe(InvalidParameterError("job_name must be\na single line")) == (
        "InvalidParameterError: job_name must be a single line"
    )
    # An error the service did not name: its class names it.
    assert describe(GlueBookmarksError("an answer\nthat fits no branch", request_id="req-3")) == (
        "GlueBookmarksError: an answer that fits no branch (request id req-3)"
    )


@pytest.mark.parametrize(
    ("expression", "printed"),
    [
        ("JobName", '"nightly"\n'),
        ("[Run, Version]", "[\n    1,\n    1\n]\n"),
        ("Nothing", "null\n"),
        # As the AWS CLI's JSON output, an empty object prints nothing.
        ("Nothing || `{}`", ""),
    ],
)
def test_query_text_prints_the_selection_as_the_aws_cli_does(expression: str, printed: str) -> None:
    document = entry("nightly", 1, BookmarkState()).to_dict()
    assert query_text(jmespath.compile(expression), document) == printed


# What `aws ... --output text` prints for the same document, worked out from the AWS CLI's text
# formatter (aws/aws-cli, awscli/text.py, format_text): a scalar bare, None as None; a dict's
# scalars on one line in key order, after its key in upper case; its lists and dicts after them,
# each named by its key; a list of scalars tab-separated, or a line per item after the key; the
# dicts of a list share the scalar keys of them all, an absent one empty.
@pytest.mark.parametrize(
    ("document", "printed"),
    [
        ("jr_3", "jr_3\n"),
        (None, "None\n"),
        (3, "3\n"),
        (True, "True\n"),
        ("", "\n"),
        ({}, ""),
        ([], ""),
        ([4, 3], "4\t3\n"),
        ({"run": 3, "job": "nightly"}, "nightly\t3\n"),
        ({"Version": 4, "Tags": ["a", "b"]}, "4\nTAGS\ta\nTAGS\tb\n"),
        ([[1, 2], [3], 4], "4\n1\t2\n3\n"),
        ([{"a": 1}, {"b": None}], "1\t\n\tNone\n"),
        (
            {"Jobs": [{"JobName": "a", "Findings": [{"Severity": "info", "Code": "x"}]},
                      {"JobName": "b", "Findings": []}]},
            "JOBS\ta\nFINDINGS\tx\tinfo\nJOBS\tb\n",
        ),
        (
            {"Outer": {"Inner": {"Deep": 1}, "Flat": "f"}},
            "OUTER\tf\nINNER\t1\n",
        ),
    ],
)  # fmt: skip
def test_text_output_prints_as_the_aws_cli_does(document: object, printed: str) -> None:
    assert text_output(document) == printed


def test_entry_text_is_the_aws_cli_line() -> None:
    entry = JobBookmarkEntry(
        job_name="nightly",
        version=4,
        run=3,
        attempt=1,
        previous_run_id="jr_2",
        run_id="jr_3",
        job_bookmark='{"a": 1}',
    )
    # `aws glue get-job-bookmark --job-name nightly --output text`: the keys in sorted order.
    assert text_output(entry_document(entry)) == (
        'JOBBOOKMARKENTRY\t1\t{"a": 1}\tnightly\tjr_2\t3\tjr_3\t4\n'
    )


def test_json_text_keeps_non_ascii() -> None:
    assert json_text({"note": "café ✓"}) == '{\n    "note": "café ✓"\n}\n'


def test_progress_rewrites_one_line_and_clears_it() -> None:
    stream = io.StringIO()
    progress = Progress(stream, enabled=True)
    progress.show("12 jobs found")
    progress.show("1/12 jobs")
    progress.clear()
    progress.clear()  # nothing left to clear
    # A shorter text is padded over the longer one before it.
    assert stream.getvalue() == "\r12 jobs found\r1/12 jobs    \r             \r"


def test_progress_disabled_writes_nothing() -> None:
    stream = io.StringIO()
    progress = Progress(stream, enabled=False)
    progress.show("1/12 jobs")
    progress.clear()
    assert stream.getvalue() == ""
