"""Reliability evidence: the fault matrix per retry mode, concurrency, secrets, pickling, fuzzing.

The fault matrix runs over real HTTP on 127.0.0.1 against `tests.faults.FaultServer`, once per
botocore retry mode, and pins for each fault what the caller gets (a typed error, or the entry
when retries win) and exactly how many attempts reached the server. The counts are written out
by hand from botocore's rules, not computed, so a change in botocore's retry behaviour shows.
"""

from __future__ import annotations

import inspect
import json
import logging
import pickle
import threading
import typing
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal, TypedDict

import attrs
import botocore
import botocore.awsrequest
import botocore.exceptions
import botocore.session
import pytest
from botocore.compat import HTTPHeaders
from botocore.config import Config
from hypothesis import given, settings
from hypothesis import strategies as st

import glue_bookmarks
from glue_bookmarks import (
    AccessDeniedError,
    BackfillPlan,
    BookmarkState,
    Finding,
    GlueBookmarks,
    GlueBookmarksError,
    HadoopSourceState,
    InternalServiceError,
    InvalidInputError,
    JobBookmarkEntry,
    JobDiagnosis,
    JobDiff,
    JobNotFoundError,
    OperationTimeoutError,
    ResponseValidationError,
    RewindPlan,
    RunStart,
    ScriptRead,
    ScriptReport,
    ServiceError,
    Severity,
    SourceDiff,
    ThrottlingError,
    TransportError,
    UnknownSourceState,
    ValidationError,
    _pacing,
)
from tests._support import (
    ACCESS_KEY,
    ERROR_CASES,
    REGION,
    SECRET_KEY,
    SESSION_TOKEN,
    botocore_session,
    refused_endpoint,
)
from tests.faults import (
    Answer,
    Drop,
    Fault,
    FaultServer,
    Stall,
    Truncate,
    echo_server_process,
    error_answer,
    fault_server,
    success_answer,
)

RetryMode = Literal["legacy", "standard", "adaptive"]
MODES: tuple[RetryMode, ...] = ("legacy", "standard", "adaptive")

# A short read timeout for the stalled answer, so each timed-out attempt costs 0.2 s; every
# other case keeps a generous one, so a slow machine cannot turn a normal answer into a timeout.
STALL_READ_TIMEOUT = 0.2
READ_TIMEOUT = 10.0

ENTRY_WIRE = {"JobName": "nightly-orders", "Version": 3, "Run": 3, "Attempt": 0, "RunId": "jr_3"}
OK = success_answer(ENTRY_WIRE)
REFUSED = None  # in place of a fault: nothing listens on the port


class RetryBudget(TypedDict, total=False):
    """The attempt keys of botocore's `Config(retries=...)`."""

    max_attempts: int
    total_max_attempts: int


Outcome = type[GlueBookmarksError] | type[JobBookmarkEntry]
Expected = tuple[int, Outcome]  # (attempts the server saw, what the caller got)


@attrs.frozen
class Case:
    """One row of the fault matrix.

    `first` answers the first attempts in order, `then` every later one (`REFUSED`: no server).
    `legacy`, `standard` and `adaptive` are the expected (attempts, outcome) per retry mode.
    """

    name: str
    first: tuple[Fault, ...]
    then: Fault | None
    legacy: Expected
    standard: Expected
    adaptive: Expected
    code: str | None = None

    def expected(self, mode: RetryMode) -> Expected:
        result: Expected = getattr(self, mode)
        return result


def error(status: int, code: str) -> Answer:
    return error_answer(status, code, f"{code} from the wire", request_id=f"req-{code}")


def html(status: int) -> Answer:
    body = f"<html><body><h1>{status}</h1></body></html>".encode()
    return Answer(status, body, {"Content-Type": "text/html"})


def aws_code(fault: Fault | None) -> str | None:
    """The error code a JSON error answer carries, if `fault` is one."""
    if isinstance(fault, Answer) and fault.body.startswith(b"{"):
        code: str = json.loads(fault.body)["__type"]
        return code
    return None


def always(name: str, fault: Fault | None, legacy: Expected, standard: Expected) -> Case:
    """Every attempt gets `fault`; adaptive mode retries exactly as standard mode does."""
    return Case(name, (), fault, legacy, standard, standard, aws_code(fault))


def once(name: str, fault: Fault, legacy: Expected, standard: Expected) -> Case:
    """The first attempt gets `fault`, later ones a success."""
    return Case(f"{name} once", (fault,), OK, legacy, standard, standard, aws_code(fault))


# botocore's defaults, read in the installed source (botocore 1.44):
# - legacy: data/_retry.json "__default__" max_attempts 5 (attempts in all), retrying status
#   500/502/503/504/509/429, the codes Throttling, ThrottlingException, ThrottledException and
#   RequestThrottledException only with status 400, and connection errors and read timeouts;
# - standard, and adaptive (standard plus a client-side rate limiter):
#   retries/standard.py DEFAULT_MAX_ATTEMPTS 3, retrying status 500/502/503/504 and 429, the
#   throttling codes (ThrottledRetryableChecker) and RequestTimeout(Exception) at any status, and
#   connection errors and timeouts (ConnectionError, HTTPClientError).
# Two rows depend on the botocore release (the whole matrix passes on 1.34.0, the floor, and on
# 1.44.8; the boundaries were found by trying the releases between):
# - before 1.42, a body cut short of its Content-Length is a ConnectionClosedError, retried like
#   a dropped connection; from 1.42 it arrives without an error, so a success answer is parsed
#   as an empty body (not retried) and an error answer by its status alone;
# - from 1.44, standard and adaptive mode take any 429 for throttling, an empty one included;
#   before, only a 429 whose code is a throttling code.
BOTOCORE_RELEASE = tuple(int(part) for part in botocore.__version__.split(".")[:2])
CUT_SHORT_IS_A_TRANSPORT_ERROR = BOTOCORE_RELEASE < (1, 42)
EMPTY_429_IS_THROTTLING = BOTOCORE_RELEASE >= (1, 44)
E = JobBookmarkEntry
CASES: list[Case] = [
    # GetJobBookmark's modelled errors.
    # Two requests: GetJobBookmark, then the GetJob that tells a missing job from no bookmark.
    always("EntityNotFoundException", error(400, "EntityNotFoundException"),
           (2, JobNotFoundError), (2, JobNotFoundError)),
    always("InvalidInputException", error(400, "InvalidInputException"),
           (1, InvalidInputError), (1, InvalidInputError)),
    always("InternalServiceException", error(500, "InternalServiceException"),
           (5, InternalServiceError), (3, InternalServiceError)),
    # Our `retryable` flag says a later call may succeed; botocore retries it in no mode.
    always("OperationTimeoutException", error(400, "OperationTimeoutException"),
           (1, OperationTimeoutError), (1, OperationTimeoutError)),
    always("ValidationException", error(400, "ValidationException"),
           (1, ValidationError), (1, ValidationError)),
    # Common errors of any AWS JSON service.
    always("ThrottlingException", error(400, "ThrottlingException"),
           (5, ThrottlingError), (3, ThrottlingError)),
    always("Throttling", error(400, "Throttling"), (5, ThrottlingError), (3, ThrottlingError)),
    # Legacy mode knows TooManyRequestsException only by status 429, LimitExceeded by 509.
    always("TooManyRequestsException", error(400, "TooManyRequestsException"),
           (1, ThrottlingError), (3, ThrottlingError)),
    always("TooManyRequestsException 429", error(429, "TooManyRequestsException"),
           (5, ThrottlingError), (3, ThrottlingError)),
    once("TooManyRequestsException", error(400, "TooManyRequestsException"),
         (1, ThrottlingError), (2, E)),
    always("LimitExceededException", error(400, "LimitExceededException"),
           (1, ThrottlingError), (3, ThrottlingError)),
    always("RequestTimeoutException", error(400, "RequestTimeoutException"),
           (1, ServiceError), (3, ServiceError)),
    always("AccessDeniedException", error(403, "AccessDeniedException"),
           (1, AccessDeniedError), (1, AccessDeniedError)),
    always("UnrecognizedClientException", error(400, "UnrecognizedClientException"),
           (1, ServiceError), (1, ServiceError)),
    always("ExpiredTokenException", error(400, "ExpiredTokenException"),
           (1, ServiceError), (1, ServiceError)),
    always("ServiceUnavailableException", error(503, "ServiceUnavailableException"),
           (5, ServiceError), (3, ServiceError)),
    # HTTP 429 without a body.
    always("empty 429", Answer(429, b""),
           (5, ServiceError), (3 if EMPTY_429_IS_THROTTLING else 1, ServiceError)),
    # A proxy's HTML in front of the service.
    always("HTML 500", html(500), (5, ServiceError), (3, ServiceError)),
    always("HTML 502", html(502), (5, ServiceError), (3, ServiceError)),
    always("HTML 503", html(503), (5, ServiceError), (3, ServiceError)),
    always("HTML 504", html(504), (5, ServiceError), (3, ServiceError)),
    once("HTML 502", html(502), (2, E), (2, E)),
    # No usable answer.
    always("dropped connection", Drop(), (5, TransportError), (3, TransportError)),
    once("dropped connection", Drop(), (2, E), (2, E)),
    always("refused connection", REFUSED, (5, TransportError), (3, TransportError)),
    always("read timeout", Stall(30), (5, TransportError), (3, TransportError)),
    once("read timeout", Stall(30), (2, E), (2, E)),
    always("success body cut short",
           Truncate(200, b'{"JobBookmarkEntry": {"JobName": "nightly-orders", "Ver', 200),
           *(((5, TransportError), (3, TransportError)) if CUT_SHORT_IS_A_TRANSPORT_ERROR
             else ((1, ResponseValidationError), (1, ResponseValidationError)))),
    always("error body cut short", Truncate(500, b'{"__type": "InternalServiceExc', 300),
           *(((5, TransportError), (3, TransportError)) if CUT_SHORT_IS_A_TRANSPORT_ERROR
             else ((5, ServiceError), (3, ServiceError)))),
]  # fmt: skip

# A burst of ThrottlingException answers, then success, against the retry budget: the budget's
# default per mode, then set with `max_attempts` (retries after the first attempt) and with
# `total_max_attempts` (all attempts).
BURSTS: list[tuple[RetryMode, RetryBudget, int, Expected]] = [
    ("legacy", {}, 1, (2, E)),
    ("legacy", {}, 4, (5, E)),
    ("legacy", {}, 5, (5, ThrottlingError)),
    ("standard", {}, 2, (3, E)),
    ("standard", {}, 3, (3, ThrottlingError)),
    ("adaptive", {}, 2, (3, E)),
    ("adaptive", {}, 3, (3, ThrottlingError)),
    ("legacy", {"max_attempts": 1}, 1, (2, E)),
    ("legacy", {"max_attempts": 1}, 2, (2, ThrottlingError)),
    ("standard", {"max_attempts": 5}, 5, (6, E)),
    ("adaptive", {"max_attempts": 5}, 6, (6, ThrottlingError)),
    ("legacy", {"total_max_attempts": 7}, 6, (7, E)),
    ("standard", {"total_max_attempts": 7}, 7, (7, ThrottlingError)),
    ("adaptive", {"total_max_attempts": 7}, 6, (7, E)),
    ("standard", {"total_max_attempts": 1}, 1, (1, ThrottlingError)),
]


@attrs.define
class Run:
    """What one call did: its result, the attempts it made and their Authorization headers."""

    result: JobBookmarkEntry | BaseException
    attempts: int
    server_attempts: int | None
    authorizations: list[str]


def call(
    endpoint_url: str, config: Config, server: FaultServer | None, *, many: bool = False
) -> Run:
    """One `get_job_bookmark` through a new GlueBookmarks, counting attempts on both sides.

    With `many`, the job is fetched by `get_job_bookmarks` instead, which returns its error
    rather than raising it: anything raised fails the calling test.
    """
    # A session of its own (with the shared model cache, so building the client takes
    # milliseconds) whose before-send hook sees every attempt, also those no server receives.
    session = botocore_session()
    authorizations: list[str] = []

    def before_send(**event: Any) -> None:
        value = event["request"].headers["Authorization"]
        authorizations.append(value.decode() if isinstance(value, bytes) else value)

    session.register("before-send.glue", before_send)
    result: JobBookmarkEntry | BaseException
    with GlueBookmarks(
        session=session, region_name=REGION, endpoint_url=endpoint_url, config=config
    ) as gb:
        if many:
            result = gb.get_job_bookmarks(["nightly-orders"])[0]
        else:
            try:
                result = gb.get_job_bookmark("nightly-orders")
            except Exception as exc:
                result = exc
    server_attempts = len(server.requests) if server is not None else None
    return Run(result, len(authorizations), server_attempts, authorizations)


def run_case(case: Case, mode: RetryMode, *, many: bool = False) -> Run:
    stalls = any(isinstance(fault, Stall) for fault in (*case.first, case.then))
    read_timeout = STALL_READ_TIMEOUT if stalls else READ_TIMEOUT
    config = Config(retries={"mode": mode}, connect_timeout=2, read_timeout=read_timeout)
    if case.then is REFUSED:
        with refused_endpoint() as endpoint_url:
            return call(endpoint_url, config, None, many=many)
    with fault_server() as server:
        server.script(*case.first, default=case.then)
        return call(server.url, config, server, many=many)


def mismatch(case: Case, mode: RetryMode, run: Run, delays: list[float]) -> str | None:
    """How `run` differs from the table's expectation for `case` in `mode`, or None."""
    attempts, outcome = case.expected(mode)
    result = run.result
    if outcome is JobBookmarkEntry:
        right = result == JobBookmarkEntry.from_dict(ENTRY_WIRE)
    else:
        right = type(result) is outcome and getattr(result, "operation_name", None) == (
            "GetJobBookmark"
        )
        if isinstance(result, ServiceError) and case.code is not None:
            right = right and (result.code, result.request_id) == (case.code, f"req-{case.code}")
    # The before-send hook also counts attempts no server sees (refused connections); where a
    # server listens, both counts agree. Each retry's back-off was asked for, and skipped.
    requests = 2 if outcome is JobNotFoundError else 1
    counted = {run.attempts, len(delays) + requests}
    if run.server_attempts is not None:
        counted.add(run.server_attempts)
    if right and counted == {attempts}:
        return None
    return (
        f"{case.name}: expected {outcome.__name__} after {attempts} attempts, got {result!r} "
        f"after {run.attempts} (server saw {run.server_attempts}, {len(delays)} back-offs)"
    )


def escaped(result: object) -> bool:
    """Whether `result` is an exception the library should not let out."""
    return isinstance(result, BaseException) and (
        not isinstance(result, GlueBookmarksError)
        or isinstance(result, botocore.exceptions.BotoCoreError | botocore.exceptions.ClientError)
        or type(result).__module__.split(".")[0] in {"botocore", "urllib3", "http", "socket"}
    )


def texts_of(result: object) -> list[str]:
    """Every rendering of a returned or raised object a user might print, log or store."""
    texts = [str(result), repr(result), repr(pickle.dumps(result))]
    if isinstance(result, BaseException):
        texts += [repr(result.args), repr(vars(result))]
    return texts


@pytest.mark.parametrize("mode", MODES)
def test_fault_matrix(
    mode: RetryMode, retry_delays: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    """Every case of the matrix, in one retry mode, over real HTTP.

    Checked in turn: no botocore (or any non-GlueBookmarksError) exception escapes; each case
    gives the outcome and exact attempts of the table; and with the known dummy credentials
    (a session token included), nothing raised, returned or logged at DEBUG holds the access
    key, secret key, token or a request's signature.
    """
    caplog.set_level(logging.DEBUG)  # on the root logger: every logger's records
    escapes, mismatches, texts = [], [], []
    signatures: set[str] = set()
    unsigned = []
    for case in CASES:
        retry_delays.clear()
        run = run_case(case, mode)
        if escaped(run.result):
            escapes.append(f"{case.name}: {type(run.result).__module__}.{run.result!r}")
        mismatches.append(mismatch(case, mode, run, retry_delays))
        texts += texts_of(run.result)
        if not run.authorizations:
            unsigned.append(case.name)
        signatures.update(auth.split("Signature=")[1] for auth in run.authorizations)
    assert escapes == []
    assert [problem for problem in mismatches if problem is not None] == []

    # Every case signed what it sent. (Two cases may share a signature: the same request in the
    # same second signs the same, so the set is not counted against the cases.)
    assert unsigned == []
    assert any(record.name == "botocore.auth" for record in caplog.records)  # capture works
    # botocore's own request dumps (the canonical request; the prepared request's headers)
    # hold the token, key id and signature at DEBUG, with raw botocore as with us; every other
    # record, and any record from our own code whatever its logger, must hold none.
    package = str(Path(glue_bookmarks.__file__).parent)
    texts += [
        record.getMessage()
        for record in caplog.records
        if record.name not in {"botocore.auth", "botocore.endpoint"}
        or record.pathname.startswith(package)
    ]
    secrets = [ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, "Signature=", *sorted(signatures)]
    assert [(secret, text) for secret in secrets for text in texts if secret in text] == []


def test_fault_matrix_met_by_one_job_of_many(
    retry_delays: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every case of the matrix, met by a job of `get_job_bookmarks` (retry mode standard).

    Its result is returned, never raised, and is the entry or the error the single call gives
    (for EntityNotFoundException, the `JobNotFoundError` its `GetJob` check finds: that
    request meets the same answer); no botocore exception is among them. A job throttled
    without end is tried until the service has let nothing through for a while (here 0.5 s,
    60 s by default) and then ends with the throttle.
    """
    monkeypatch.setattr(_pacing, "_GIVE_UP", 0.5)
    problems = []
    for case in CASES:
        run = run_case(case, "standard", many=True)
        _, outcome = case.expected("standard")
        if outcome is JobBookmarkEntry:
            right = run.result == JobBookmarkEntry.from_dict(ENTRY_WIRE)
        elif case.code == "EntityNotFoundException":
            right = type(run.result) is JobNotFoundError
        elif case.name == "empty 429":
            # Too Many Requests: the job waits its turn, as for any throttle.
            right = type(run.result) is ThrottlingError and run.result.code == "429"
        else:
            right = type(run.result) is outcome
        if escaped(run.result) or not right:
            problems.append(f"{case.name}: {type(run.result).__module__}.{run.result!r}")
    assert problems == []


@pytest.mark.parametrize(
    ("mode", "retries", "throttles", "expected"),
    BURSTS,
    ids=[f"{m}-{r or 'default'}-{n}" for m, r, n, _ in BURSTS],
)
def test_throttling_burst_then_success(
    mode: RetryMode,
    retries: RetryBudget,
    throttles: int,
    expected: Expected,
    faults: FaultServer,
    retry_delays: list[float],
) -> None:
    attempts, outcome = expected
    faults.script(*[error(400, "ThrottlingException")] * throttles, default=OK)
    config = Config(retries={"mode": mode, **retries})
    run = call(faults.url, config, faults)
    if outcome is JobBookmarkEntry:
        assert run.result == JobBookmarkEntry.from_dict(ENTRY_WIRE)
    else:
        assert isinstance(run.result, ThrottlingError)
        assert run.result.retryable is True
    assert (run.attempts, run.server_attempts) == (attempts, attempts)


def test_the_matrix_covers_every_modelled_error_and_every_fault_kind() -> None:
    model = botocore.session.get_session().get_service_model("glue")
    modelled = {shape.name for shape in model.operation_model("GetJobBookmark").error_shapes}
    codes = {case.code for case in CASES}
    assert modelled <= codes
    # botocore makes a code of the bare status ("429", "502") of an error answer it cannot read.
    faults = [fault for case in CASES for fault in (*case.first, case.then)]
    unreadable = {
        str(fault.status)
        for fault in faults
        if isinstance(fault, Answer) and fault.status >= 400 and aws_code(fault) is None
    }
    assert {case.code for case in ERROR_CASES} <= codes | unreadable
    assert {type(fault) for fault in faults} == {Answer, Truncate, Drop, Stall, type(REFUSED)}


# -- concurrency ------------------------------------------------------------------------------

# Every thread has a connection of its own and all start at once, so calls overlap from the
# first; each thread's calls then interleave with the others' until the last. More calls a
# thread repeat the same interleaving and prove no more.
THREADS = 16
CALLS_PER_THREAD = 25


def test_threads_share_one_client_and_every_result_matches_its_request() -> None:
    config = Config(max_pool_connections=THREADS, retries={"mode": "standard"})
    session = botocore_session()
    clients_created: list[str] = []
    session.register("creating-client-class.glue", lambda **_: clients_created.append("glue"))
    start = threading.Barrier(THREADS)

    def worker(thread: int) -> list[str]:
        start.wait()
        mismatches = []
        for call_number in range(CALLS_PER_THREAD):
            job_name, run_id = f"job-{thread}-{call_number}", f"jr_{thread}_{call_number}"
            entry = gb.get_job_bookmark(job_name, run_id=run_id)
            if (entry.job_name, entry.run_id) != (job_name, run_id):
                mismatches.append(f"{job_name}/{run_id} -> {entry.job_name}/{entry.run_id}")
        return mismatches

    # The server runs in a process of its own, so it does not compete for our GIL.
    with (
        echo_server_process() as server,
        GlueBookmarks(
            session=session, endpoint_url=server.url, region_name=REGION, config=config
        ) as gb,
        ThreadPoolExecutor(THREADS) as pool,
    ):
        results = list(pool.map(worker, range(THREADS)))  # re-raises any worker's error
    assert clients_created == ["glue"]  # the first calls raced to create it: one won
    assert [mismatch for mismatches in results for mismatch in mismatches] == []
    assert server.requests_seen == THREADS * CALLS_PER_THREAD  # none retried, none lost


# -- pickling ---------------------------------------------------------------------------------

UTC = timezone.utc


def public(predicate: Any) -> list[Any]:
    """The public names of glue_bookmarks that satisfy `predicate`, found in `__all__`."""
    return [
        value
        for value in (getattr(glue_bookmarks, name) for name in glue_bookmarks.__all__)
        if predicate(value)
    ]


def is_exception_class(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, BaseException)


def with_every_argument(cls: type[BaseException]) -> BaseException:
    """An instance of `cls` with every constructor argument set to a value of its own."""
    if isinstance(cls.__init__, type(object.__init__)):  # a built-in __init__: a message alone
        return cls(f"the {cls.__name__} message")
    hints = typing.get_type_hints(cls.__init__)
    arguments: list[object] = []
    keywords: dict[str, object] = {}
    for name, parameter in inspect.signature(cls).parameters.items():
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            kinds = typing.get_args(hints[name]) or (hints[name],)
            if bool in kinds:
                keywords[name] = True
            elif int in kinds:
                keywords[name] = 418
            else:
                keywords[name] = f"{name} value"
        else:
            arguments.append(f"the {cls.__name__} message")
    return cls(*arguments, **keywords)


@pytest.mark.parametrize("cls", public(is_exception_class), ids=lambda cls: cls.__name__)
def test_every_public_exception_pickles_with_its_context(cls: type[BaseException]) -> None:
    err = with_every_argument(cls)
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is cls
    assert (copy.args, vars(copy), str(copy)) == (err.args, vars(err), str(err))


HADOOP = HadoopSourceState(
    run=3,
    high_band=timedelta(minutes=15),
    latest_partition=datetime(2024, 10, 28, 1, 0, tzinfo=UTC),
    latest_partitions=("2024-10-27", "2024-10-28"),
    run_start_time=datetime(2024, 10, 28, 1, 32, 45, 613000, tzinfo=UTC),
    include_list=("9f86d081884c7d65", "2c26b46b68ffc68f"),
    other_timestamps={"NEW_KEY": "7"},
    other_fields={"newField": [1, {"nested": None}]},
)
JDBC = UnknownSourceState(
    json_class="JDBCDataSourceJobBookmarkState",
    data={"jobBookmarkKeys": ["id"], "jobBookmarkKeysSortOrder": "ASC", "max": {"id": 41}},
)
STATE = BookmarkState(sources={"datasource0": HADOOP, "jdbc0": JDBC})
MODELS: dict[type, list[object]] = {
    JobBookmarkEntry: [
        JobBookmarkEntry(job_name="first-run"),
        JobBookmarkEntry(
            job_name="nightly-orders",
            version=4,
            run=4,
            attempt=1,
            previous_run_id="jr_3",
            run_id="jr_4",
            job_bookmark=STATE.to_json(),
        ),
    ],
    BookmarkState: [BookmarkState(), STATE],
    HadoopSourceState: [HadoopSourceState(), HADOOP],
    UnknownSourceState: [JDBC],
    Finding: [
        Finding(code="paused", severity=Severity.INFO, message="bookmarks are paused"),
        Finding(code="stale", severity=Severity.WARNING, message="old", transformation_ctx="ds0"),
        Finding(
            code="duplicate-context",
            severity=Severity.ERROR,
            message="shared",
            transformation_ctx="ds0",
            line=12,
        ),
    ],
    # With an entry as its result: exceptions compare by identity, so a copy of one is never
    # equal to the original.
    JobDiagnosis: [
        JobDiagnosis(
            job_name="nightly-orders",
            bookmark_option="pause",
            max_concurrent_runs=1,
            job_type="glueetl",
            glue_version="4.0",
            result=JobBookmarkEntry(job_name="nightly-orders", version=1, run=1),
            findings=(Finding(code="paused", severity=Severity.INFO, message="paused"),),
        )
    ],
    RewindPlan: [
        RewindPlan(
            job_name="nightly-orders",
            since=datetime(2024, 10, 29, tzinfo=UTC),
            run_id="jr_3",
            reprocess_from=datetime(2024, 10, 28, 1, 32, 45, tzinfo=UTC),
            current=JobBookmarkEntry(job_name="nightly-orders", version=4, run_id="jr_4"),
        )
    ],
    RunStart: [RunStart(run_id="jr_3", started_on=datetime(2024, 10, 28, 1, 32, tzinfo=UTC))],
    BackfillPlan: [
        BackfillPlan(
            job_name="nightly-orders",
            since=datetime(2024, 10, 27, 12, tzinfo=UTC),
            until=None,
            from_run=RunStart(run_id="jr_1", started_on=datetime(2024, 10, 26, 1, tzinfo=UTC)),
            to_run=RunStart(run_id="jr_3", started_on=datetime(2024, 10, 28, 1, tzinfo=UTC)),
            runs=(
                RunStart(run_id="jr_2", started_on=datetime(2024, 10, 27, 2, tzinfo=UTC)),
                RunStart(run_id="jr_3", started_on=datetime(2024, 10, 28, 1, tzinfo=UTC)),
            ),
        )
    ],
    ScriptRead: [
        ScriptRead(line=12, call="getSource", transformation_ctx=None, dynamic=True),
    ],
    ScriptReport: [
        ScriptReport(path=None),
        ScriptReport(
            path="jobs/nightly.py",
            findings=(
                Finding(code="missing-commit", severity=Severity.ERROR, message="no commit"),
            ),
            reads=(
                ScriptRead(
                    line=3,
                    call="create_dynamic_frame.from_catalog",
                    transformation_ctx="orders",
                    dynamic=False,
                ),
            ),
        ),
    ],
    SourceDiff: [
        SourceDiff(
            transformation_ctx="datasource0",
            in_before=True,
            in_after=True,
            files_added=2,
            latest_partition_before=None,
            latest_partition_after=datetime(2024, 10, 28, 1, 0, tzinfo=UTC),
        )
    ],
    JobDiff: [
        JobDiff(job_name="gone", status="disappeared", before=None, after=None),
        JobDiff(
            job_name="nightly-orders",
            status="advanced",
            before=JobBookmarkEntry(job_name="nightly-orders", run=1),
            after=JobBookmarkEntry(job_name="nightly-orders", run=2),
            sources=(
                SourceDiff(
                    transformation_ctx="datasource0",
                    in_before=False,
                    in_after=True,
                    files_added=1,
                    latest_partition_before=None,
                    latest_partition_after=None,
                ),
            ),
        ),
    ],
}


def test_every_public_model_has_pickling_samples() -> None:
    assert set(MODELS) == set(public(lambda value: isinstance(value, type) and attrs.has(value)))


@pytest.mark.parametrize(
    "model",
    [model for samples in MODELS.values() for model in samples],
    ids=lambda model: type(model).__name__,
)
def test_every_public_model_pickles_equal(model: object) -> None:
    copy = pickle.loads(pickle.dumps(model))
    assert type(copy) is type(model)
    assert copy == model
    if isinstance(model, JobBookmarkEntry) and isinstance(copy, JobBookmarkEntry):
        assert copy.state == model.state  # the copy parses its bookmark as the original does
        assert pickle.loads(pickle.dumps(model)) == model  # and with the state parsed


# -- arbitrary answers ------------------------------------------------------------------------


class Body:
    """A raw HTTP body as botocore's AWSResponse reads it."""

    def __init__(self, content: bytes) -> None:
        self.content = content

    def stream(self, **_: object) -> Iterator[bytes]:
        yield self.content


json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)
INT_FIELDS = ("Version", "Run", "Attempt")
STR_FIELDS = ("JobName", "PreviousRunId", "RunId", "JobBookmark")
wire_entries = st.fixed_dictionaries(
    {},
    optional={
        **{name: st.integers(min_value=0) | json_scalars | json_values for name in INT_FIELDS},
        **{name: st.text(max_size=20) | json_scalars | json_values for name in STR_FIELDS},
        "NewMember": json_values,
    },
)
documents = st.one_of(
    st.fixed_dictionaries({"JobBookmarkEntry": wire_entries}, optional={"Extra": json_values}),
    st.fixed_dictionaries({"JobBookmarkEntry": json_values}),
    json_values,
)


def expected_entry(document: object) -> JobBookmarkEntry | None:
    """The entry a body holding `document` must give, or None where it must be rejected.

    botocore reads JSON null as an absent member and passes values through unchecked; the
    model wants a JSON integer for the counts and a JSON string for the names.
    """
    if not isinstance(document, dict) or not isinstance(document.get("JobBookmarkEntry"), dict):
        return None
    wire = {key: value for key, value in document["JobBookmarkEntry"].items() if value is not None}
    if any(type(wire.get(name, 0)) is not int for name in INT_FIELDS):
        return None
    if any(type(wire.get(name, "")) is not str for name in STR_FIELDS):
        return None
    return JobBookmarkEntry(
        job_name=wire.get("JobName", "nightly-orders"),
        version=wire.get("Version", 0),
        run=wire.get("Run", 0),
        attempt=wire.get("Attempt", 0),
        previous_run_id=wire.get("PreviousRunId"),
        run_id=wire.get("RunId"),
        job_bookmark=wire.get("JobBookmark"),
    )


def test_any_answer_body_gives_its_entry_or_a_response_validation_error() -> None:
    answer = Body(b"")

    def respond(**event: Any) -> Any:
        return botocore.awsrequest.AWSResponse(event["request"].url, 200, HTTPHeaders(), answer)

    # The answer comes from the before-send hook: botocore's parser and our client run as
    # they would over HTTP, and nothing is sent.
    session = botocore_session()
    session.register("before-send.glue", respond)
    gb = GlueBookmarks(session=session, region_name=REGION, endpoint_url="http://127.0.0.1:9")

    def outcome(body: bytes) -> JobBookmarkEntry | ResponseValidationError:
        answer.content = body
        try:
            return gb.get_job_bookmark("nightly-orders")
        except ResponseValidationError as err:
            assert err.operation_name == "GetJobBookmark"
            return err

    @settings(max_examples=300)
    @given(documents)
    def document_bodies(document: object) -> None:
        result = outcome(json.dumps(document).encode())
        expected = expected_entry(document)
        if expected is None:
            assert isinstance(result, ResponseValidationError)
        else:
            assert result == expected

    @given(st.binary(max_size=64) | json_values.map(lambda value: repr(value).encode()))
    def other_bodies(body: bytes) -> None:
        assert isinstance(outcome(body), JobBookmarkEntry | ResponseValidationError)

    with gb:
        outcome(b"{}")  # builds the client before hypothesis starts timing examples
        document_bodies()
        other_bodies()
