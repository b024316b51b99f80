"""The doctor: `GlueBookmarks.diagnose()` and its finding rules.

Every finding code against the moto extension, in `mock_aws()` and in server mode (seeded
there over the HTTP routes); the pure rules one by one; the wire (`GetJobs` pages, malformed
answers) through botocore's `Stubber` and our fault server.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from types_boto3_glue.client import GlueClient
from types_boto3_glue.type_defs import EncryptionConfigurationTypeDef

from glue_bookmarks import (
    AccessDeniedError,
    BookmarkParseError,
    BookmarkState,
    Finding,
    GlueBookmarks,
    GlueBookmarksError,
    HadoopSourceState,
    InvalidParameterError,
    JobBookmarkEntry,
    JobDiagnosis,
    JobNotFoundError,
    NoBookmarkError,
    ResponseValidationError,
    Severity,
    ThrottlingError,
    UnknownSourceState,
)
from glue_bookmarks._doctor import RunHistory, diagnose_job, read_history
from glue_bookmarks._jobs import (
    BookmarkArguments,
    JobConfig,
    JobRun,
    bookmarks_encryption_mode,
    job_runs_from_page,
    jobs_from_page,
)
from glue_bookmarks.testing import seed_job_bookmark
from tests._support import (
    ENABLE,
    PAUSE,
    REGION,
    Moto,
    Stubbed,
    need_job_member,
    need_security_configurations,
    refused_endpoint,
)
from tests.faults import Answer, FaultServer, error_answer

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
WEEK = timedelta(days=7)


def state_started(when: datetime, ctx: str = "datasource0") -> BookmarkState:
    return BookmarkState({ctx: HadoopSourceState(run=1, run_start_time=when)})


def codes(diagnosis: JobDiagnosis) -> list[str]:
    return [finding.code for finding in diagnosis.findings]


# -- every finding code, against the moto extension ----------------------------------------------


# Each scenario job and the finding codes diagnose() must report for it, in order.
EXPECTED = {
    "clear-text": ["bookmarks-unencrypted"],
    "committed-never": ["enabled-never-committed"],
    "continued": ["paused"],
    "empty": ["empty-state"],
    "fresh": ["enabled-no-runs-yet"],
    "garbled": ["unparseable-state"],
    "healthy": [],
    "leftover": ["disabled-with-bookmark"],
    "locked": ["concurrent-runs"],
    "old": ["stale"],
    "paused": ["paused"],
    "plain": ["bookmarks-unencrypted"],
    "racing": ["concurrent-runs"],
    "shell": ["unsupported-job-type"],
    "streaming": ["unsupported-job-type"],
    "typo": ["bookmark-option-typo"],
    "unreadable": ["encryption-unknown"],
    "weird": ["unknown-bookmark-option"],
}

# The security configurations the scenario's jobs use: bookmarks encrypted (every job's but
# three), and not.
KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ENCRYPTED: EncryptionConfigurationTypeDef = {
    "JobBookmarksEncryption": {"JobBookmarksEncryptionMode": "CSE-KMS", "KmsKeyArn": KMS_KEY}
}
NOT_ENCRYPTED: EncryptionConfigurationTypeDef = {
    "JobBookmarksEncryption": {"JobBookmarksEncryptionMode": "DISABLED"}
}


def build_scenario(moto: Moto) -> None:
    """One job per finding code (and a healthy one), seeded over HTTP in server mode."""
    client = moto.client
    now = datetime.now(timezone.utc)
    recent = state_started(now - timedelta(hours=1))
    need_security_configurations()
    client.create_security_configuration(Name="bookmarks-kms", EncryptionConfiguration=ENCRYPTED)
    client.create_security_configuration(Name="s3-only", EncryptionConfiguration=NOT_ENCRYPTED)

    def job(name: str, arguments: dict[str, str], **options: Any) -> None:
        defaults = {
            "Role": "etl-role",
            "Command": {"Name": "glueetl"},
            "GlueVersion": "4.0",
            "SecurityConfiguration": "bookmarks-kms",
        }
        client.create_job(**{**defaults, **options}, Name=name, DefaultArguments=arguments)

    # A run succeeded with bookmarks enabled, yet there is no bookmark: moto's runs always
    # commit, so the bookmark is reset after it, as a script without job.commit leaves it.
    job("committed-never", ENABLE)
    moto.seed_job_run("committed-never", now - timedelta(days=1))
    client.reset_job_bookmark(JobName="committed-never")
    job("fresh", ENABLE)
    moto.seed_job_run("fresh", now - timedelta(days=1), state="FAILED")
    job("racing", ENABLE, ExecutionProperty={"MaxConcurrentRuns": 3})
    moto.seed_job_bookmark("racing", job_bookmark=recent)
    job("streaming", ENABLE, Command={"Name": "gluestreaming"})
    job("shell", PAUSE, Command={"Name": "pythonshell"})
    job("old", ENABLE)
    moto.seed_job_bookmark(
        "old", job_bookmark=state_started(now - timedelta(days=30), "orders_source")
    )
    job("empty", ENABLE)
    moto.seed_job_bookmark("empty", job_bookmark=None)
    job("leftover", {})
    moto.seed_job_bookmark("leftover", job_bookmark=recent)
    job("paused", PAUSE)
    moto.seed_job_bookmark("paused", job_bookmark=recent)
    job("garbled", ENABLE)
    moto.seed_job_bookmark("garbled", job_bookmark="{not json")
    job("weird", {"--job-bookmark-option": "on"})
    job("healthy", ENABLE)
    moto.seed_job_run("healthy", now - timedelta(hours=2), job_bookmark=recent)
    # The bookmark option from elsewhere than DefaultArguments' --job-bookmark-option.
    job("typo", {"--job-bookmarks-option": "job-bookmark-enable"})
    job("continued", {"--continuation-option": "continuation-readonly"})
    moto.seed_job_bookmark("continued", job_bookmark=recent)
    job(
        "locked",
        PAUSE,
        NonOverridableArguments=ENABLE,
        ExecutionProperty={"MaxConcurrentRuns": 2},
    )
    moto.seed_job_bookmark("locked", job_bookmark=recent)
    # How the bookmarks of an enabled job are encrypted.
    client.create_job(
        Name="plain", Role="etl-role", Command={"Name": "glueetl"}, DefaultArguments=ENABLE
    )
    moto.seed_job_bookmark("plain", job_bookmark=recent)
    for name, configuration in (("clear-text", "s3-only"), ("unreadable", "deleted-since")):
        job(name, ENABLE, SecurityConfiguration=configuration)
        moto.seed_job_bookmark(name, job_bookmark=recent)


def count_operations(client: GlueClient) -> Counter[str]:
    """The operations `client` sends from now on, counted by name."""
    sent: Counter[str] = Counter()

    def record(model: Any, **_: Any) -> None:
        sent[model.name] += 1

    client.meta.events.register("before-call.glue", record)
    return sent


@pytest.fixture
def scenario(moto: Moto) -> GlueClient:
    """A Glue client on moto with the scenario jobs: in-process, or a server seeded over HTTP."""
    build_scenario(moto)
    return moto.client


def test_every_finding_code_for_every_job(scenario: GlueClient) -> None:
    sent = count_operations(scenario)
    with GlueBookmarks(client=scenario) as gb:
        diagnoses = gb.diagnose()
    assert {d.job_name: codes(d) for d in diagnoses} == EXPECTED
    assert [d.job_name for d in diagnoses] == sorted(EXPECTED)  # sorted by name
    # Configurations come from GetJobs pages, never GetJob; GetJobRuns only for the two
    # enabled jobs without a bookmark; GetJob only to tell "no bookmark" apart; one
    # GetSecurityConfiguration per distinct name among the enabled jobs.
    no_bookmark = ["committed-never", "fresh", "shell", "streaming", "typo", "weird"]
    assert sent == {
        "GetJobs": 1,
        "GetJobBookmark": len(EXPECTED),
        "GetJob": len(no_bookmark),
        "GetJobRuns": 2,
        "GetSecurityConfiguration": 3,
    }

    by_name = {d.job_name: d for d in diagnoses}
    racing = by_name["racing"]
    assert (racing.bookmark_option, racing.max_concurrent_runs) == ("enable", 3)
    assert racing.bookmark_option_source == "DefaultArguments --job-bookmark-option"
    assert (racing.job_type, racing.glue_version) == ("glueetl", "4.0")
    assert isinstance(racing.result, JobBookmarkEntry)
    assert racing.entry is racing.result
    assert racing.findings[0].severity is Severity.WARNING
    leftover = by_name["leftover"]  # no argument: Glue's default
    assert (leftover.bookmark_option, leftover.bookmark_option_source) == ("disable", None)
    assert by_name["weird"].bookmark_option is None
    assert "'on'" in by_name["weird"].findings[0].message
    assert by_name["streaming"].job_type == "gluestreaming"
    assert isinstance(by_name["fresh"].result, NoBookmarkError)
    assert by_name["fresh"].entry is None
    stale = by_name["old"].findings[0]
    assert (stale.severity, stale.transformation_ctx) == (Severity.WARNING, "orders_source")
    assert by_name["committed-never"].findings[0].severity is Severity.ERROR
    assert by_name["garbled"].findings[0].severity is Severity.ERROR
    assert by_name["paused"].findings[0].severity is Severity.INFO


def test_where_the_bookmark_option_comes_from(scenario: GlueClient) -> None:
    with GlueBookmarks(client=scenario) as gb:
        by_name = {d.job_name: d for d in gb.diagnose(["typo", "continued", "locked"])}
    typo = by_name["typo"]
    assert (typo.bookmark_option, typo.bookmark_option_source) == ("disable", None)
    assert typo.findings == (
        Finding(
            code="bookmark-option-typo",
            severity=Severity.WARNING,
            message=(
                "DefaultArguments has '--job-bookmarks-option', which Glue does not read (it "
                "should be '--job-bookmark-option'), so bookmarks are off (disable, Glue's "
                "default)"
            ),
        ),
    )
    continued = by_name["continued"]
    assert (continued.bookmark_option, continued.bookmark_option_source) == (
        "pause",
        "DefaultArguments --continuation-option",
    )
    assert continued.findings[0].message == (
        "bookmarks are paused (DefaultArguments --continuation-option continuation-readonly): "
        "runs read from the bookmark but never advance it"
    )
    locked = by_name["locked"]  # pause by default, enable not to be overridden: enable
    assert (locked.bookmark_option, locked.bookmark_option_source) == (
        "enable",
        "NonOverridableArguments --job-bookmark-option",
    )
    assert locked.findings[0].message.startswith(
        "bookmarks are set to enable (NonOverridableArguments --job-bookmark-option "
        "job-bookmark-enable) and MaxConcurrentRuns is 2: concurrent runs race on one "
        "bookmark; set it to 1 with JobRunQueuingEnabled (off for this job)"
    )


def test_how_bookmarks_are_encrypted(scenario: GlueClient) -> None:
    with GlueBookmarks(client=scenario) as gb:
        by_name = {d.job_name: d for d in gb.diagnose(["plain", "clear-text", "unreadable"])}
    messages = {name: [f.message for f in d.findings] for name, d in by_name.items()}
    assert messages == {
        "plain": [
            "the job has no security configuration: bookmarks are not encrypted with a KMS key "
            "of yours (CSE-KMS)"
        ],
        "clear-text": [
            "its security configuration 's3-only' has JobBookmarksEncryption DISABLED: "
            "bookmarks are not encrypted with a KMS key of yours (CSE-KMS)"
        ],
        "unreadable": [
            "reading security configuration 'deleted-since' failed: EntityNotFoundError "
            "(EntityNotFoundException): SecurityConfiguration deleted-since not found; whether "
            "bookmarks are encrypted is not known"
        ],
    }
    assert all(f.severity is Severity.INFO for d in by_name.values() for f in d.findings)


def test_named_jobs_in_order_and_a_missing_one_is_fetch_failed(scenario: GlueClient) -> None:
    sent = count_operations(scenario)
    with GlueBookmarks(client=scenario) as gb:
        diagnoses = gb.diagnose(["racing", "ghost", "healthy", "racing"])
    assert [d.job_name for d in diagnoses] == ["racing", "ghost", "healthy", "racing"]
    ghost = diagnoses[1]
    assert isinstance(ghost.result, JobNotFoundError)
    assert ghost.result.code == "EntityNotFoundException"
    assert (ghost.bookmark_option, ghost.max_concurrent_runs, ghost.job_type) == (None, None, None)
    assert ghost.findings == (
        Finding(
            code="fetch-failed",
            severity=Severity.ERROR,
            message=(
                "job not found: JobNotFoundError (EntityNotFoundException): "
                "Job ghost is not among the jobs GetJobs listed"
            ),
        ),
    )
    assert codes(diagnoses[0]) == ["concurrent-runs"] == codes(diagnoses[3])
    # Each distinct job that exists is read once, the missing one not at all; the one
    # security configuration of both once.
    assert sent == {"GetJobs": 1, "GetJobBookmark": 2, "GetSecurityConfiguration": 1}


def test_prefix_and_tags_select_jobs(glue_moto_client: GlueClient) -> None:
    for name, tags in [("etl-a", {"team": "data"}), ("etl-b", {}), ("web-a", {"team": "data"})]:
        glue_moto_client.create_job(
            Name=name, Role="r", Command={"Name": "glueetl"}, DefaultArguments=PAUSE, Tags=tags
        )
    with GlueBookmarks(client=glue_moto_client) as gb:
        assert [d.job_name for d in gb.diagnose(prefix="etl-")] == ["etl-a", "etl-b"]
        assert [d.job_name for d in gb.diagnose(tags={"team": "data"})] == ["etl-a", "web-a"]
        selected = gb.diagnose(prefix="etl-", tags={"team": "data"})
        assert [d.job_name for d in selected] == ["etl-a"]
        assert gb.diagnose(prefix="none-") == []


def test_stale_after_is_the_callers(glue_moto_client: GlueClient) -> None:
    glue_moto_client.create_job(
        Name="daily", Role="r", Command={"Name": "glueetl"}, DefaultArguments=ENABLE
    )
    seed_job_bookmark(
        "daily", job_bookmark=state_started(datetime.now(timezone.utc) - timedelta(days=2))
    )
    with GlueBookmarks(client=glue_moto_client) as gb:
        assert codes(gb.diagnose(["daily"])[0]) == ["bookmarks-unencrypted"]
        assert codes(gb.diagnose(["daily"], stale_after=timedelta(days=1))[0]) == [
            "stale",
            "bookmarks-unencrypted",
        ]


# -- history: the latest runs of each enabled job ------------------------------------------------

MONDAY = datetime(2026, 11, 2, 6, 0, tzinfo=timezone.utc)

# Each history job and the finding codes diagnose(history=True) reports for it; without
# history, none of runs-overlapped and last-run-failed.
HISTORY_EXPECTED = {
    "failing": ["last-run-failed"],
    "overlapping": ["concurrent-runs", "runs-overlapped"],
    "self-paused": ["concurrent-runs"],
    "sequential": [],
    "still-running": ["concurrent-runs", "runs-overlapped"],
}


@pytest.fixture
def histories(moto: Moto) -> GlueClient:
    """Jobs with bookmarks enabled whose runs overlapped, or did not; seeded over HTTP in
    server mode."""
    need_security_configurations()
    moto.client.create_security_configuration(
        Name="bookmarks-kms", EncryptionConfiguration=ENCRYPTED
    )

    def job(name: str, concurrent: int = 2) -> None:
        moto.create_job(
            name,
            ENABLE,
            ExecutionProperty={"MaxConcurrentRuns": concurrent},
            SecurityConfiguration="bookmarks-kms",
        )

    recent = state_started(datetime.now(timezone.utc) - timedelta(hours=1))

    def runs(name: str, *spans: tuple[int, int]) -> None:
        # Each span: minutes after MONDAY a run that succeeded (and committed) started and
        # ended.
        for letter, (start, end) in zip("ab", spans, strict=False):
            moto.seed_job_run(
                name,
                MONDAY + timedelta(minutes=start),
                completed_on=MONDAY + timedelta(minutes=end),
                run_id=f"jr_{name}_{letter}",
                job_bookmark=recent,
            )

    job("overlapping")
    runs("overlapping", (0, 30), (10, 40))
    job("sequential", concurrent=1)
    runs("sequential", (0, 10), (10, 20))  # one ends as the next starts
    job("self-paused")
    runs("self-paused", (0, 30))
    moto.seed_job_run(
        "self-paused",
        MONDAY + timedelta(minutes=10),
        completed_on=MONDAY + timedelta(minutes=40),
        arguments=PAUSE,  # this run ran with bookmarks paused: it races with nothing
    )
    job("still-running")
    runs("still-running", (0, 5))
    moto.seed_job_run(
        "still-running", MONDAY - timedelta(hours=1), state="RUNNING", run_id="jr_long"
    )
    job("failing", concurrent=1)
    runs("failing", (0, 10))
    moto.seed_job_run("failing", MONDAY + timedelta(days=1), state="FAILED", run_id="jr_last")
    return moto.client


def test_history_finds_runs_that_overlapped_and_a_latest_run_that_failed(
    histories: GlueClient,
) -> None:
    sent = count_operations(histories)
    with GlueBookmarks(client=histories) as gb:
        diagnoses = gb.diagnose(history=True)
    assert {d.job_name: codes(d) for d in diagnoses} == HISTORY_EXPECTED
    # One GetJobRuns page per job with bookmarks enabled, and nothing else more.
    assert sent == {
        "GetJobs": 1,
        "GetJobBookmark": 5,
        "GetJobRuns": 5,
        "GetSecurityConfiguration": 1,
    }
    by_name = {d.job_name: d for d in diagnoses}
    assert by_name["overlapping"].findings[1] == Finding(
        code="runs-overlapped",
        severity=Severity.WARNING,
        message=(
            "runs jr_overlapping_a and jr_overlapping_b, both with bookmarks enabled, ran at "
            "the same time for 20 minutes from 2026-11-02T06:10:00.000Z: concurrent runs race "
            "on one bookmark"
        ),
    )
    # A run still going overlaps until now.
    assert (
        by_name["still-running"]
        .findings[1]
        .message.startswith(
            "runs jr_long and jr_still-running_a, both with bookmarks enabled, ran at the same "
            "time for 5 minutes from 2026-11-02T06:00:00.000Z"
        )
    )
    assert by_name["failing"].findings == (
        Finding(
            code="last-run-failed",
            severity=Severity.INFO,
            message="the latest run, jr_last, started 2026-11-03T06:00:00.000Z and ended FAILED",
        ),
    )


def test_without_history_the_runs_of_a_job_with_a_bookmark_are_not_read(
    histories: GlueClient,
) -> None:
    sent = count_operations(histories)
    with GlueBookmarks(client=histories) as gb:
        diagnoses = gb.diagnose()
    history_codes = {"runs-overlapped", "last-run-failed"}
    assert {d.job_name: [c for c in codes(d) if c not in history_codes] for d in diagnoses} == {
        name: [c for c in expected if c not in history_codes]
        for name, expected in HISTORY_EXPECTED.items()
    }
    assert not any(set(codes(d)) & history_codes for d in diagnoses)
    assert "GetJobRuns" not in sent


# -- arguments: checked before any request -------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "parameter", "message"),
    [
        ({"job_names": ["a"], "prefix": "a"}, "job_names", "not both"),
        ({"job_names": ["a"], "tags": {"k": "v"}}, "job_names", "not both"),
        ({"job_names": "nightly"}, "job_names", "iterable of job names"),
        ({"job_names": ["ok", ""]}, "job_names[1]", None),
        ({"prefix": 3}, "prefix", None),
        ({"tags": {"k": 1}}, "tags", None),
        ({"stale_after": timedelta(0)}, "stale_after", "positive timedelta"),
        ({"stale_after": timedelta(days=-1)}, "stale_after", "positive timedelta"),
        ({"stale_after": 7}, "stale_after", "got int"),
        ({"history": "yes"}, "history", "history must be True or False, got str"),
        ({"history": 1}, "history", "got int"),
    ],
)
def test_bad_arguments_raise_before_any_request(
    arguments: dict[str, Any], parameter: str, message: str | None
) -> None:
    # Any request would fail with TransportError: the endpoint refuses connections.
    with (
        refused_endpoint() as url,
        GlueBookmarks(endpoint_url=url, region_name=REGION) as gb,
        pytest.raises(InvalidParameterError) as info,
    ):
        gb.diagnose(**arguments)
    assert info.value.parameter == parameter
    if message is not None:
        assert message in str(info.value)


# -- the wire: GetJobs pages, failures -----------------------------------------------------------


def test_job_configurations_come_from_every_getjobs_page(stubbed: Stubbed) -> None:
    gb, stubber = stubbed
    job = {"Role": "r", "Command": {"Name": "glueetl"}, "DefaultArguments": PAUSE}
    stubber.add_response("get_jobs", {"Jobs": [{"Name": "b", **job}], "NextToken": "t"}, {})
    stubber.add_response("get_jobs", {"Jobs": [{"Name": "a", **job}]}, {"NextToken": "t"})
    for name in ("a", "b"):
        entry = {"JobName": name, "Version": 1, "Run": 1, "Attempt": 0, "JobBookmark": "{}"}
        stubber.add_response("get_job_bookmark", {"JobBookmarkEntry": entry}, {"JobName": name})
    diagnoses = gb.diagnose()
    assert [(d.job_name, codes(d)) for d in diagnoses] == [("a", ["paused"]), ("b", ["paused"])]


def test_a_job_whose_bookmark_fails_gets_fetch_failed_and_its_configuration_findings(
    stubbed: Stubbed,
) -> None:
    gb, stubber = stubbed
    job = {
        "Name": "busy",
        "Role": "r",
        "Command": {"Name": "glueetl"},
        "DefaultArguments": ENABLE,
        "ExecutionProperty": {"MaxConcurrentRuns": 2},
    }
    stubber.add_response("get_jobs", {"Jobs": [job]}, {})
    stubber.add_client_error(
        "get_job_bookmark", "AccessDeniedException", "Not for you", http_status_code=400
    )
    (diagnosis,) = gb.diagnose(["busy"])
    assert isinstance(diagnosis.result, AccessDeniedError)
    assert codes(diagnosis) == ["fetch-failed", "concurrent-runs", "bookmarks-unencrypted"]
    assert diagnosis.findings[0].message == (
        "reading the bookmark failed: AccessDeniedError (AccessDeniedException): Not for you"
    )


def test_a_failed_getjobruns_is_fetch_failed(stubbed: Stubbed) -> None:
    gb, stubber = stubbed
    job = {"Name": "new", "Role": "r", "Command": {"Name": "glueetl"}, "DefaultArguments": ENABLE}
    stubber.add_response("get_jobs", {"Jobs": [job]}, {})
    stubber.add_client_error("get_job_bookmark", "EntityNotFoundException", "no bookmark")
    stubber.add_response("get_job", {"Job": job}, {"JobName": "new"})
    stubber.add_client_error("get_job_runs", "AccessDeniedException", "no", http_status_code=403)
    (diagnosis,) = gb.diagnose()
    assert isinstance(diagnosis.result, NoBookmarkError)
    assert diagnosis.findings[0] == Finding(
        code="fetch-failed",
        severity=Severity.ERROR,
        message="GetJobRuns failed: AccessDeniedError (AccessDeniedException): no",
    )
    assert codes(diagnosis) == ["fetch-failed", "bookmarks-unencrypted"]


def test_a_getjobs_failure_raises(faults: FaultServer, http_bookmarks: GlueBookmarks) -> None:
    faults.script(error_answer(403, "AccessDeniedException", "not allowed"))
    with pytest.raises(AccessDeniedError) as info:
        http_bookmarks.diagnose()
    assert info.value.operation_name == "GetJobs"
    assert [request.target for request in faults.requests] == ["AWSGlue.GetJobs"]


@pytest.mark.parametrize(
    ("page", "field"),
    [
        # botocore's parser refuses these shapes itself; the error names no field.
        ({"Jobs": "nope"}, None),
        ({"Jobs": [3]}, None),
        ({"Jobs": [{"Name": "a", "DefaultArguments": []}]}, None),
        # botocore passes these on; ours name the field.
        ({"Jobs": [{"Role": "r"}]}, "Jobs[0].Name"),
        ({"Jobs": [{"Name": ""}]}, "Jobs[0].Name"),
        (
            {"Jobs": [{"Name": "a", "DefaultArguments": {"--job-bookmark-option": 1}}]},
            "Jobs[0].DefaultArguments.--job-bookmark-option",
        ),
        (
            {"Jobs": [{"Name": "a", "ExecutionProperty": {"MaxConcurrentRuns": "2"}}]},
            "Jobs[0].ExecutionProperty.MaxConcurrentRuns",
        ),
        ({"Jobs": [{"Name": "a", "Command": {"Name": 5}}]}, "Jobs[0].Command.Name"),
        ({"Jobs": [{"Name": "a", "GlueVersion": 4}]}, "Jobs[0].GlueVersion"),
    ],
)
def test_a_getjobs_page_that_does_not_fit_raises(
    faults: FaultServer, http_bookmarks: GlueBookmarks, page: dict[str, Any], field: str | None
) -> None:
    faults.script(
        Answer(
            200,
            json.dumps(page).encode(),
            {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "req-page"},
        )
    )
    with pytest.raises(ResponseValidationError) as info:
        http_bookmarks.diagnose()
    assert (info.value.field, info.value.operation_name) == (field, "GetJobs")
    assert "GetJobs" in str(info.value)


@pytest.mark.parametrize(
    ("page", "field"),
    [
        ({}, "Jobs"),
        ({"Jobs": "nope"}, "Jobs"),
        ({"Jobs": [3]}, "Jobs[0]"),
        ({"Jobs": [{"Name": "a", "DefaultArguments": []}]}, "Jobs[0].DefaultArguments"),
        ({"Jobs": [{"Name": "a", "ExecutionProperty": 2}]}, "Jobs[0].ExecutionProperty"),
        ({"Jobs": [{"Name": "a", "Command": "glueetl"}]}, "Jobs[0].Command"),
    ],
)
def test_page_shapes_botocore_would_refuse_are_checked_too(
    page: dict[str, Any], field: str
) -> None:
    # Whatever client produced the page, a misfit is a typed error naming the field.
    with pytest.raises(ResponseValidationError) as info:
        jobs_from_page(page)
    assert (info.value.field, info.value.operation_name) == (field, "GetJobs")


# -- the pure rules ------------------------------------------------------------------------------


def config(**fields: Any) -> JobConfig:
    defaults: dict[str, Any] = {
        "name": "job",
        "bookmark_option": "enable",
        "raw_bookmark_option": "job-bookmark-enable",
        "bookmark_option_source": "DefaultArguments --job-bookmark-option",
        "default_arguments": BookmarkArguments("job-bookmark-enable"),
        "max_concurrent_runs": 1,
        "job_type": "glueetl",
        "glue_version": "4.0",
        "security_configuration": "bookmarks-kms",
    }
    return JobConfig(**{**defaults, **fields})


def run(
    state: str = "SUCCEEDED",
    started_on: datetime | None = NOW - timedelta(hours=3),
    ended_on: datetime | None = None,
    run_id: str = "jr_1",
    option: str | None = None,
    error_message: str | None = None,
) -> JobRun:
    """A run read from a GetJobRuns page; `option` its own --job-bookmark-option."""
    return JobRun(
        run_id=run_id,
        state=state,
        started_on=started_on,
        ended_on=ended_on,
        arguments=BookmarkArguments(option),
        error_message=error_message,
    )


SUCCEEDED = [run()]


def entry(job_bookmark: BookmarkState | str | None) -> JobBookmarkEntry:
    text = job_bookmark.to_json() if isinstance(job_bookmark, BookmarkState) else job_bookmark
    return JobBookmarkEntry(job_name="job", version=2, run=2, run_id="jr_2", job_bookmark=text)


NO_BOOKMARK = NoBookmarkError("Continuation for job job not found", code="EntityNotFoundException")


def rules(
    job: JobConfig | None,
    result: JobBookmarkEntry | GlueBookmarksError,
    runs: list[JobRun] | GlueBookmarksError | None = None,
    stale_after: timedelta = WEEK,
    *,
    history: bool = False,
    encryption: str | GlueBookmarksError | None = "CSE-KMS",
) -> JobDiagnosis:
    """`diagnose_job` of `job`, its runs read as `diagnose()` reads a page of them."""
    read: RunHistory | GlueBookmarksError | None = None
    if job is not None and isinstance(runs, list):
        read = read_history(job, runs, NOW)
    elif isinstance(runs, GlueBookmarksError):
        read = runs
    return diagnose_job(
        job,
        "job",
        result,
        runs=read,
        history=history,
        encryption=encryption,
        stale_after=stale_after,
        now=NOW,
    )


@pytest.mark.parametrize(
    ("job", "result", "runs", "expected"),
    [
        (config(), NO_BOOKMARK, SUCCEEDED, ["enabled-never-committed"]),
        (config(), NO_BOOKMARK, [], ["enabled-no-runs-yet"]),
        (config(), NO_BOOKMARK, [run("FAILED"), run("RUNNING")], ["enabled-no-runs-yet"]),
        # A run that paused or disabled bookmarks for itself committed nothing.
        (config(), NO_BOOKMARK, [run(option="job-bookmark-pause")], ["enabled-no-runs-yet"]),
        (
            config(non_overridable_arguments=BookmarkArguments("job-bookmark-enable")),
            NO_BOOKMARK,
            [run(option="job-bookmark-pause")],  # not to be overridden: enabled still
            ["enabled-never-committed"],
        ),
        (config(max_concurrent_runs=2), entry(state_started(NOW)), None, ["concurrent-runs"]),
        (
            config(bookmark_option="pause", max_concurrent_runs=5),
            NO_BOOKMARK,
            None,
            ["concurrent-runs", "paused"],
        ),
        (config(bookmark_option="disable", max_concurrent_runs=5), NO_BOOKMARK, None, []),
        (config(job_type="gluestreaming"), NO_BOOKMARK, None, ["unsupported-job-type"]),
        (
            config(job_type="pythonshell", max_concurrent_runs=4),
            entry(None),
            None,
            ["unsupported-job-type"],
        ),
        (config(bookmark_option="disable", job_type="gluestreaming"), NO_BOOKMARK, None, []),
        (config(job_type="glueray"), NO_BOOKMARK, [], ["enabled-no-runs-yet"]),
        (config(), entry(state_started(NOW - timedelta(days=8))), None, ["stale"]),
        (config(), entry(state_started(NOW - WEEK)), None, []),
        (config(bookmark_option="pause"), entry(state_started(NOW - WEEK * 9)), None, ["paused"]),
        (config(), entry(None), None, ["empty-state"]),
        (config(), entry(""), None, ["empty-state"]),
        (config(), entry("{}"), None, ["empty-state"]),
        (config(bookmark_option="disable"), entry(None), None, ["disabled-with-bookmark"]),
        (config(), entry('{"ds": {"jsonClass": 3}}'), None, ["unparseable-state"]),
        (
            config(bookmark_option=None, raw_bookmark_option="yes"),
            NO_BOOKMARK,
            None,
            ["unknown-bookmark-option"],
        ),
        (
            config(max_concurrent_runs=3),
            ThrottlingError("slow down", code="Throttling"),
            None,
            ["fetch-failed", "concurrent-runs"],
        ),
        (config(), NO_BOOKMARK, AccessDeniedError("no", code="AccessDenied"), ["fetch-failed"]),
        (
            config(bookmark_option=None, raw_bookmark_option="x"),
            ThrottlingError("slow", code="Throttling"),
            None,
            ["unknown-bookmark-option", "fetch-failed"],
        ),
        (None, JobNotFoundError("gone", code="EntityNotFoundException"), None, ["fetch-failed"]),
    ],
)
def test_rules(job: JobConfig | None, result: Any, runs: Any, expected: list[str]) -> None:
    assert codes(rules(job, result, runs)) == expected


def test_findings_are_most_severe_first() -> None:
    diagnosis = rules(
        config(bookmark_option="pause", max_concurrent_runs=2),
        ThrottlingError("slow", code="Throttling"),
    )
    assert [f.severity for f in diagnosis.findings] == [
        Severity.ERROR,
        Severity.WARNING,
        Severity.INFO,
    ]


def test_stale_names_the_newest_source_and_ignores_sources_without_a_time() -> None:
    state = BookmarkState(
        {
            "older": HadoopSourceState(run_start_time=NOW - timedelta(days=40)),
            "newer": HadoopSourceState(run_start_time=NOW - timedelta(days=9)),
            "no_time": HadoopSourceState(),
            "jdbc": UnknownSourceState(json_class="JDBCDataSourceJobBookmarkState"),
        }
    )
    (finding,) = rules(config(), entry(state)).findings
    assert finding == Finding(
        code="stale",
        severity=Severity.WARNING,
        message=(
            "the newest run start time in the bookmark is 2026-11-11T12:00:00.000Z, "
            "9 days ago, longer than 7 days"
        ),
        transformation_ctx="newer",
    )
    only_jdbc = BookmarkState({"jdbc": UnknownSourceState(json_class="JDBC")})
    assert rules(config(), entry(only_jdbc)).findings == ()


@pytest.mark.parametrize(
    ("stale_after", "said"),
    [
        (timedelta(hours=36), "longer than 36 hours"),
        (timedelta(days=2), "longer than 2 days"),
        (timedelta(minutes=90), "longer than 90 minutes"),
        (timedelta(seconds=1), "longer than 1 second"),
    ],
)
def test_stale_says_the_threshold_as_given(stale_after: timedelta, said: str) -> None:
    # The threshold is not rounded down: 36h was "longer than 1 day".
    state = BookmarkState({"ds": HadoopSourceState(run_start_time=NOW - timedelta(days=9))})
    (finding,) = rules(config(), entry(state), stale_after=stale_after).findings
    assert finding.message.endswith(f"9 days ago, {said}")


def test_unparseable_state_names_the_source() -> None:
    bad = '{"ds0": {"jsonClass": "HadoopDataSourceJobBookmarkState", "timestamps": {"RUN": "x"}}}'
    (finding,) = rules(config(), entry(bad)).findings
    assert (finding.code, finding.transformation_ctx) == ("unparseable-state", "ds0")
    with pytest.raises(BookmarkParseError) as info:
        _ = entry(bad).state
    assert " ".join(str(info.value).split()) in finding.message


def test_diagnosis_carries_the_configuration() -> None:
    result = entry(state_started(NOW))
    diagnosis = rules(config(max_concurrent_runs=1, glue_version=None), result)
    assert diagnosis == JobDiagnosis(
        job_name="job",
        bookmark_option="enable",
        bookmark_option_source="DefaultArguments --job-bookmark-option",
        max_concurrent_runs=1,
        job_type="glueetl",
        glue_version=None,
        result=result,
        findings=(),
    )


def test_severity_is_ordered_and_reads_its_word() -> None:
    assert Severity.INFO < Severity.WARNING < Severity.ERROR
    assert max(Severity) is Severity.ERROR
    assert Severity("warning") is Severity.WARNING
    assert sorted([Severity.ERROR, Severity.INFO]) == [Severity.INFO, Severity.ERROR]
    unordered: Any = "info"
    with pytest.raises(TypeError):
        _ = unordered > Severity.INFO


def test_models_are_frozen() -> None:
    finding = Finding(code="paused", severity=Severity.INFO, message="m")
    with pytest.raises(AttributeError):
        finding.code = "x"  # type: ignore[misc]
    diagnosis = rules(config(), NO_BOOKMARK, [])
    with pytest.raises(AttributeError):
        diagnosis.findings = ()  # type: ignore[misc]


# -- which argument sets the bookmark option -----------------------------------------------------


def job_page(**job: Any) -> dict[str, Any]:
    return {"Jobs": [{"Name": "job", "Command": {"Name": "glueetl"}, **job}]}


@pytest.mark.parametrize(
    ("default", "fixed", "option", "source"),
    [
        ({}, {}, "disable", None),
        (ENABLE, {}, "enable", "DefaultArguments --job-bookmark-option"),
        (PAUSE, ENABLE, "enable", "NonOverridableArguments --job-bookmark-option"),
        ({}, PAUSE, "pause", "NonOverridableArguments --job-bookmark-option"),
        # The older --continuation-option, read where no --job-bookmark-option is set.
        (
            {"--continuation-option": "continuation-enabled"},
            {},
            "enable",
            "DefaultArguments --continuation-option",
        ),
        (
            {"--continuation-option": "continuation-readonly"},
            {},
            "pause",
            "DefaultArguments --continuation-option",
        ),
        (
            {},
            {"--continuation-option": "continuation-ignore"},
            "disable",
            "NonOverridableArguments --continuation-option",
        ),
        (
            ENABLE,
            {"--continuation-option": "continuation-ignore"},
            "enable",
            "DefaultArguments --job-bookmark-option",
        ),
        ({"--continuation-option": "on"}, {}, None, "DefaultArguments --continuation-option"),
    ],
)
def test_the_bookmark_option_is_read_as_glue_reads_it(
    default: dict[str, str], fixed: dict[str, str], option: str | None, source: str | None
) -> None:
    (job,) = jobs_from_page(job_page(DefaultArguments=default, NonOverridableArguments=fixed))
    assert (job.bookmark_option, job.bookmark_option_source) == (option, source)
    diagnosis = rules(job, NO_BOOKMARK, [])
    assert (diagnosis.bookmark_option, diagnosis.bookmark_option_source) == (option, source)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"--job-bookmark-option": "job-bookmark-enabled"},
            "DefaultArguments --job-bookmark-option is 'job-bookmark-enabled', none of "
            "job-bookmark-enable, job-bookmark-disable or job-bookmark-pause: it should "
            "probably be 'job-bookmark-enable'",
        ),
        (
            {"--job-bookmark-option": "on"},
            "DefaultArguments --job-bookmark-option is 'on', none of job-bookmark-enable, "
            "job-bookmark-disable or job-bookmark-pause",
        ),
        (
            {"--continuation-option": "continuation-enable"},
            "DefaultArguments --continuation-option is 'continuation-enable', none of "
            "continuation-enabled, continuation-readonly or continuation-ignore: it should "
            "probably be 'continuation-enabled'",
        ),
    ],
)
def test_an_unknown_value_names_its_argument_and_the_likely_one(
    arguments: dict[str, str], message: str
) -> None:
    (job,) = jobs_from_page(job_page(DefaultArguments=arguments))
    (finding,) = rules(job, NO_BOOKMARK).findings
    assert finding == Finding(
        code="unknown-bookmark-option", severity=Severity.ERROR, message=message
    )


@pytest.mark.parametrize(
    "key",
    [
        "--job-bookmarks-option",  # one letter more
        "--job_bookmark_option",  # underscores
        "job-bookmark-option",  # no dashes
        "-job-bookmark-option",
        "--job-bookmark-optoin",  # two letters swapped
        "--Job-Bookmark-Option",  # case
        "--job-bookmark-options",
        "--jobbookmark-option",
        "job_bookmark_option",
    ],
)
def test_a_misspelt_key_is_a_typo(key: str) -> None:
    (job,) = jobs_from_page(job_page(DefaultArguments={key: "job-bookmark-enable"}))
    (finding,) = rules(job, NO_BOOKMARK).findings
    assert finding == Finding(
        code="bookmark-option-typo",
        severity=Severity.WARNING,
        message=(
            f"DefaultArguments has {key!r}, which Glue does not read (it should be "
            "'--job-bookmark-option'), so bookmarks are off (disable, Glue's default)"
        ),
    )


@pytest.mark.parametrize(
    "key",
    [
        "--job-bookmark-option",
        "--continuation-option",
        "--job-bookmark-from",  # Glue's own range arguments
        "--job-bookmark-to",
        "--job-language",
        "--enable-job-insights",
        "--enable-metrics",
        "--TempDir",
        "--spark-event-logs-path",
        "--enable-glue-datacatalog",
        "--additional-python-modules",
        "--extra-py-files",
        "--JOB_NAME",
        "",
    ],
)
def test_no_typo_finding_for_keys_glue_reads_or_other_arguments(key: str) -> None:
    arguments = {key: "job-bookmark-pause", **ENABLE} if key else ENABLE
    (job,) = jobs_from_page(job_page(DefaultArguments=arguments, NonOverridableArguments=arguments))
    assert "bookmark-option-typo" not in codes(rules(job, NO_BOOKMARK, []))


def test_a_typo_beside_the_right_key_says_where_the_option_comes_from() -> None:
    page = job_page(
        DefaultArguments={"--job-bookmark-option": "job-bookmark-pause"},
        NonOverridableArguments={"--job-bookmark-opton": "job-bookmark-enable"},
    )
    (job,) = jobs_from_page(page)
    finding = rules(job, NO_BOOKMARK).findings[0]
    assert finding.message == (
        "NonOverridableArguments has '--job-bookmark-opton', which Glue does not read (it "
        "should be '--job-bookmark-option'); the bookmark option comes from DefaultArguments "
        "--job-bookmark-option instead"
    )
    assert codes(rules(job, NO_BOOKMARK)) == ["bookmark-option-typo", "paused"]


# -- the history rules ---------------------------------------------------------------------------


def span(
    run_id: str,
    start: int,
    end: int | None,
    state: str = "SUCCEEDED",
    option: str | None = None,
) -> JobRun:
    """A run that started and ended `start` and `end` minutes after NOW - 1 day."""
    base = NOW - timedelta(days=1)
    return run(
        state=state,
        started_on=base + timedelta(minutes=start),
        ended_on=None if end is None else base + timedelta(minutes=end),
        run_id=run_id,
        option=option,
    )


def history(job: JobConfig, runs: list[JobRun]) -> list[str]:
    return [
        f.message
        for f in rules(job, entry(state_started(NOW)), runs, history=True).findings
        if f.code == "runs-overlapped"
    ]


@pytest.mark.parametrize(
    "runs",
    [
        [],
        [span("a", 0, 10), span("b", 10, 20), span("c", 20, 30)],  # one after the other
        [span("a", 0, 30), span("b", 10, 40, option="job-bookmark-pause")],
        [span("a", 0, 30), span("b", 10, 40, option="job-bookmark-disable")],
        [span("a", 0, 30), span("b", 10, None, state="WAITING")],  # queued, never ran
        [span("a", 0, 30), span("b", 10, None, state="EXPIRED")],
        [span("a", 0, 30), span("b", 10, None)],  # no end time: cannot be placed
        [span("a", 0, 30), run(started_on=None, run_id="b")],
    ],
)
def test_no_overlap_is_found_where_none_raced(runs: list[JobRun]) -> None:
    assert history(config(), runs) == []


def test_overlapping_runs_are_named_with_when_and_how_long() -> None:
    runs = [span("c", 100, 150), span("a", 0, 30), span("b", 29, 60), span("d", 120, 121)]
    assert history(config(), runs) == [
        "runs c and d, both with bookmarks enabled, ran at the same time for 1 minute from "
        "2026-11-19T14:00:00.000Z: concurrent runs race on one bookmark (1 more overlapping "
        "pair among the latest 25 runs)"
    ]


def test_a_run_still_going_overlaps_until_now_and_a_moment_is_less_than_a_second() -> None:
    base = NOW - timedelta(days=1)
    running = span("a", 0, None, state="RUNNING")
    assert history(config(), [running, span("b", 60, 90)]) == [
        "runs a and b, both with bookmarks enabled, ran at the same time for 30 minutes from "
        "2026-11-19T13:00:00.000Z: concurrent runs race on one bookmark"
    ]
    brief = run(started_on=base, ended_on=base + timedelta(milliseconds=300), run_id="x")
    other = run(started_on=base + timedelta(milliseconds=100), ended_on=NOW, run_id="y")
    assert "for less than a second from" in history(config(), [brief, other])[0]


def test_runs_of_a_job_whose_enable_cannot_be_overridden_count_whatever_they_asked() -> None:
    job = config(non_overridable_arguments=BookmarkArguments("job-bookmark-enable"))
    runs = [span("a", 0, 30), span("b", 10, 40, option="job-bookmark-disable")]
    assert len(history(job, runs)) == 1


@pytest.mark.parametrize(
    ("runs", "expected"),
    [
        ([span("a", 0, 10), span("b", 60, 70, state="FAILED")], "b, started 2026-11-19T13:00"),
        (
            [span("a", 0, 10, state="TIMEOUT")],
            "a, started 2026-11-19T12:00:00.000Z and ended TIMEOUT",
        ),
        ([span("a", 0, 10, state="ERROR")], "ended ERROR"),
        ([span("a", 60, 70), span("b", 0, 10, state="FAILED")], None),  # not the latest
        ([span("a", 0, 10, state="STOPPED")], None),
        ([span("a", 0, None, state="RUNNING")], None),
        ([], None),
    ],
)
def test_last_run_failed_is_about_the_latest_run(runs: list[JobRun], expected: str | None) -> None:
    findings = rules(config(), entry(state_started(NOW)), runs, history=True).findings
    failed = [f.message for f in findings if f.code == "last-run-failed"]
    if expected is None:
        assert failed == []
    else:
        assert expected in failed[0]
        assert findings[-1].severity is Severity.INFO


def test_history_rules_apply_only_with_history_and_to_jobs_that_keep_a_bookmark() -> None:
    overlapping = [span("a", 0, 30), span("b", 10, 40, state="FAILED")]
    assert codes(rules(config(), entry(state_started(NOW)), overlapping)) == []
    with_history = rules(config(), entry(state_started(NOW)), overlapping, history=True)
    assert codes(with_history) == ["runs-overlapped", "last-run-failed"]
    for job in (config(bookmark_option="pause"), config(job_type="gluestreaming")):
        assert "runs-overlapped" not in codes(
            rules(job, entry(state_started(NOW)), overlapping, history=True)
        )


# -- the history and the encryption on the wire --------------------------------------------------


def stub_job(stubber: Any, **job: Any) -> dict[str, Any]:
    """GetJobs answering one enabled job, and its bookmark."""
    job = {"Name": "busy", "Role": "r", "Command": {"Name": "glueetl"}, **job}
    stubber.add_response("get_jobs", {"Jobs": [job]}, {})
    bookmark = {"JobName": job["Name"], "Version": 1, "Run": 1, "Attempt": 0, "RunId": "jr_1"}
    bookmark["JobBookmark"] = state_started(datetime.now(timezone.utc)).to_json()
    stubber.add_response(
        "get_job_bookmark", {"JobBookmarkEntry": bookmark}, {"JobName": job["Name"]}
    )
    return job


def test_concurrent_runs_mentions_run_queuing_only_where_the_job_does_not_set_it(
    stubbed: Stubbed,
) -> None:
    need_job_member("JobRunQueuingEnabled")
    gb, stubber = stubbed
    for queuing in (True, False):
        stub_job(
            stubber,
            DefaultArguments=ENABLE,
            ExecutionProperty={"MaxConcurrentRuns": 4},
            JobRunQueuingEnabled=queuing,
        )
        (diagnosis,) = gb.diagnose()
        message = diagnosis.findings[0].message
        assert message.startswith(
            "bookmarks are set to enable and MaxConcurrentRuns is 4: concurrent runs race on "
            "one bookmark"
        )
        assert ("JobRunQueuingEnabled" in message) is not queuing


def test_last_run_failed_quotes_the_runs_error_on_one_line(stubbed: Stubbed) -> None:
    gb, stubber = stubbed
    stub_job(stubber, DefaultArguments=ENABLE, SecurityConfiguration="kms")
    failed = {
        "Id": "jr_2",
        "JobRunState": "FAILED",
        "StartedOn": datetime(2026, 11, 2, 6, 0, tzinfo=timezone.utc),
        "CompletedOn": datetime(2026, 11, 2, 6, 5, tzinfo=timezone.utc),
        "ErrorMessage": "AnalysisException:\n  Path does not exist: " + "s3://x/" * 60,
    }
    stubber.add_response(
        "get_job_runs", {"JobRuns": [failed]}, {"JobName": "busy", "MaxResults": 25}
    )
    encrypted = {"Name": "kms", "EncryptionConfiguration": ENCRYPTED}
    stubber.add_response(
        "get_security_configuration", {"SecurityConfiguration": encrypted}, {"Name": "kms"}
    )
    (diagnosis,) = gb.diagnose(history=True)
    (finding,) = diagnosis.findings
    assert finding.code == "last-run-failed"
    assert finding.message.startswith(
        "the latest run, jr_2, started 2026-11-02T06:00:00.000Z and ended FAILED: "
        "AnalysisException: Path does not exist: s3://x/s3://x/"
    )
    assert finding.message.endswith("...")
    assert "\n" not in finding.message


def test_with_history_a_failed_getjobruns_is_fetch_failed_for_a_job_with_a_bookmark(
    stubbed: Stubbed,
) -> None:
    gb, stubber = stubbed
    stub_job(stubber, DefaultArguments=ENABLE)
    stubber.add_client_error("get_job_runs", "AccessDeniedException", "no", http_status_code=403)
    (diagnosis,) = gb.diagnose(history=True)
    assert diagnosis.findings[0] == Finding(
        code="fetch-failed",
        severity=Severity.ERROR,
        message="GetJobRuns failed: AccessDeniedError (AccessDeniedException): no",
    )
    assert isinstance(diagnosis.result, JobBookmarkEntry)


def test_a_security_configuration_is_read_once_and_one_that_cannot_be_read_is_info(
    stubbed: Stubbed,
) -> None:
    gb, stubber = stubbed
    jobs = [
        {
            "Name": name,
            "Role": "r",
            "Command": {"Name": "glueetl"},
            "DefaultArguments": ENABLE,
            "SecurityConfiguration": "team-kms",
        }
        for name in ("a", "b")
    ]
    stubber.add_response("get_jobs", {"Jobs": jobs}, {})
    for name in ("a", "b"):
        bookmark = {"JobName": name, "Version": 1, "Run": 1, "Attempt": 0, "JobBookmark": "{}"}
        stubber.add_response("get_job_bookmark", {"JobBookmarkEntry": bookmark}, {"JobName": name})
    stubber.add_client_error(
        "get_security_configuration",
        "AccessDeniedException",
        "not allowed to glue:GetSecurityConfiguration",
        http_status_code=400,
        expected_params={"Name": "team-kms"},
    )
    diagnoses = gb.diagnose()
    assert [d.findings[-1] for d in diagnoses] == [
        Finding(
            code="encryption-unknown",
            severity=Severity.INFO,
            message=(
                "reading security configuration 'team-kms' failed: AccessDeniedError "
                "(AccessDeniedException): not allowed to glue:GetSecurityConfiguration; whether "
                "bookmarks are encrypted is not known"
            ),
        )
    ] * 2


@pytest.mark.parametrize(
    ("answer", "mode"),
    [
        ({"SecurityConfiguration": {"EncryptionConfiguration": ENCRYPTED}}, "CSE-KMS"),
        ({"SecurityConfiguration": {"EncryptionConfiguration": NOT_ENCRYPTED}}, "DISABLED"),
        ({"SecurityConfiguration": {"EncryptionConfiguration": {}}}, "DISABLED"),
        ({"SecurityConfiguration": {}}, "DISABLED"),
    ],
)
def test_the_bookmarks_encryption_mode_of_a_security_configuration(
    answer: dict[str, Any], mode: str
) -> None:
    assert bookmarks_encryption_mode(answer) == mode


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ({"SecurityConfiguration": 3}, "SecurityConfiguration"),
        (
            {"SecurityConfiguration": {"EncryptionConfiguration": {"JobBookmarksEncryption": []}}},
            "SecurityConfiguration.EncryptionConfiguration.JobBookmarksEncryption",
        ),
    ],
)
def test_a_security_configuration_that_does_not_fit_is_a_typed_error(
    answer: dict[str, Any], field: str
) -> None:
    with pytest.raises(ResponseValidationError) as info:
        bookmarks_encryption_mode(answer)
    assert (info.value.field, info.value.operation_name) == (field, "GetSecurityConfiguration")


@pytest.mark.parametrize(
    ("member", "field"),
    [
        ({"JobRunState": "FAILED"}, "JobRuns[0].Id"),
        ({"Id": "jr_1"}, "JobRuns[0].JobRunState"),
        ({"Id": "jr_1", "JobRunState": "FAILED", "StartedOn": "today"}, "JobRuns[0].StartedOn"),
        ({"Id": "jr_1", "JobRunState": "FAILED", "CompletedOn": 3}, "JobRuns[0].CompletedOn"),
        ({"Id": "jr_1", "JobRunState": "FAILED", "ErrorMessage": 3}, "JobRuns[0].ErrorMessage"),
        (
            {"Id": "jr_1", "JobRunState": "FAILED", "Arguments": {"--continuation-option": 1}},
            "JobRuns[0].Arguments.--continuation-option",
        ),
    ],
)
def test_a_run_that_does_not_fit_is_a_typed_error(member: dict[str, Any], field: str) -> None:
    with pytest.raises(ResponseValidationError) as info:
        job_runs_from_page({"JobRuns": [member]})
    assert (info.value.field, info.value.operation_name) == (field, "GetJobRuns")


# -- any answer: read, or a typed error ------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=30)
    | st.datetimes(timezones=st.none() | st.just(timezone.utc)),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
arguments = st.dictionaries(
    st.sampled_from(["--job-bookmark-option", "--continuation-option", "--job_bookmark_option"])
    | st.text(max_size=25),
    st.sampled_from(["job-bookmark-enable", "continuation-readonly"]) | json_values,
    max_size=3,
)
jobs = st.fixed_dictionaries(
    {"Name": st.text(max_size=8) | json_values},
    optional={
        "DefaultArguments": arguments | json_values,
        "NonOverridableArguments": arguments | json_values,
        "ExecutionProperty": st.fixed_dictionaries({"MaxConcurrentRuns": json_values}),
        "JobRunQueuingEnabled": json_values,
        "SecurityConfiguration": json_values,
        "Command": st.fixed_dictionaries({"Name": json_values}),
    },
)
runs = st.fixed_dictionaries(
    {"Id": st.just("jr_1") | json_values, "JobRunState": st.just("FAILED") | json_values},
    optional={
        "StartedOn": json_values,
        "CompletedOn": json_values,
        "LastModifiedOn": json_values,
        "Arguments": arguments | json_values,
        "ErrorMessage": json_values,
    },
)


@given(st.fixed_dictionaries({"Jobs": st.lists(jobs | json_values, max_size=3)}) | json_values)
def test_any_getjobs_page_is_read_or_a_typed_error(page: Any) -> None:
    try:
        configs = jobs_from_page(page if isinstance(page, dict) else {"Jobs": page})
    except ResponseValidationError as err:
        assert (err.operation_name, err.field is not None) == ("GetJobs", True)
    else:
        for job in configs:
            diagnose_job(job, job.name, NO_BOOKMARK, stale_after=WEEK, now=NOW)


@given(st.fixed_dictionaries({"JobRuns": st.lists(runs | json_values, max_size=3)}) | json_values)
def test_any_getjobruns_page_is_read_or_a_typed_error(page: Any) -> None:
    try:
        read = job_runs_from_page(page if isinstance(page, dict) else {"JobRuns": page})
    except ResponseValidationError as err:
        assert (err.operation_name, err.field is not None) == ("GetJobRuns", True)
    else:
        history = read_history(config(), read, NOW)
        rules(config(), entry(state_started(NOW)), read, history=True)
        assert isinstance(history, RunHistory)


@given(json_values)
def test_any_security_configuration_is_read_or_a_typed_error(answer: Any) -> None:
    wire = {"SecurityConfiguration": {"EncryptionConfiguration": answer}}
    try:
        mode = bookmarks_encryption_mode(wire)
    except ResponseValidationError as err:
        assert err.operation_name == "GetSecurityConfiguration"
    else:
        assert isinstance(mode, str)
