"""GetJobBookmark and ResetJobBookmark over real HTTP, against our fault server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import inspect
import logging
import pickle

import botocore.endpoint
import botocore.exceptions
import pytest
from botocore.config import Config

from glue_bookmarks import (
    AsyncGlueBookmarks,
    EntityNotFoundError,
    GlueBookmarks,
    GlueBookmarksError,
    InvalidParameterError,
    JobBookmarkEntry,
    ResponseValidationError,
    ServiceError,
    ThrottlingError,
    TransportError,
)
from tests._support import (
    ACCESS_KEY,
    LEVELS,
    ONE_ATTEMPT,
    REGION,
    SECRET_KEY,
    SESSION_TOKEN,
    aio_session,
    blocking,
    botocore_session,
    glue_client,
    refused_endpoint,
)
from tests.faults import (
    Answer,
    Drop,
    Fault,
    FaultServer,
    Stall,
    Truncate,
    error_answer,
    success_answer,
)

ENTRY = {"JobName": "nightly-orders", "Version": 2, "Run": 2, "Attempt": 0, "RunId": "jr_2"}


def test_success_sends_the_glue_request_and_returns_the_entry(
    faults: FaultServer, contract_bookmarks: GlueBookmarks
) -> None:
    faults.script(success_answer(ENTRY))
    entry = contract_bookmarks.get_job_bookmark("nightly-orders", run_id="jr_2")
    assert entry == JobBookmarkEntry.from_dict(ENTRY)
    [request] = faults.requests
    assert request.target == "AWSGlue.GetJobBookmark"
    assert request.body == {"JobName": "nightly-orders", "RunId": "jr_2"}


def test_reset_sends_the_glue_request_and_returns_the_entry(
    faults: FaultServer, contract_bookmarks: GlueBookmarks
) -> None:
    faults.script(success_answer(ENTRY), success_answer({**ENTRY, "Version": 3}))
    assert contract_bookmarks.reset_job_bookmark("nightly-orders") == JobBookmarkEntry.from_dict(
        ENTRY
    )
    assert contract_bookmarks.reset_job_bookmark("nightly-orders", run_id="jr_1").version == 3
    assert [(r.target, r.body) for r in faults.requests] == [
        ("AWSGlue.ResetJobBookmark", {"JobName": "nightly-orders"}),
        ("AWSGlue.ResetJobBookmark", {"JobName": "nightly-orders", "RunId": "jr_1"}),
    ]


def test_glue_style_type_prefix_is_not_part_of_the_code(
    faults: FaultServer, contract_bookmarks: GlueBookmarks
) -> None:
    # Each error answer's class and context at every level: test_error_mapping.py.
    faults.script(
        error_answer(
            400,
            "com.amazonaws.glue#EntityNotFoundException",
            "Continuation for job nightly-orders not found",
        )
    )
    with pytest.raises(EntityNotFoundError) as info:
        contract_bookmarks.get_job_bookmark("nightly-orders")
    assert info.value.code == "EntityNotFoundException"
    assert str(info.value).startswith("EntityNotFoundException: Continuation for job")


def test_html_502_from_a_proxy(faults: FaultServer, contract_bookmarks: GlueBookmarks) -> None:
    faults.script(
        Answer(502, b"<html><body>Bad Gateway</body></html>", {"Content-Type": "text/html"})
    )
    with pytest.raises(ServiceError) as info:
        contract_bookmarks.get_job_bookmark("nightly-orders")
    err = info.value
    assert type(err) is ServiceError
    assert (err.code, err.status_code, err.retryable) == ("502", 502, True)
    assert err.request_id is None
    assert "no request id" in str(err)


def test_non_json_5xx_keeps_the_request_id(
    faults: FaultServer, contract_bookmarks: GlueBookmarks
) -> None:
    faults.script(Answer(503, b"Service Unavailable", {"x-amzn-RequestId": "lb-1"}))
    with pytest.raises(ServiceError) as info:
        contract_bookmarks.get_job_bookmark("nightly-orders")
    assert (info.value.code, info.value.request_id, info.value.retryable) == ("503", "lb-1", True)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>not json</html>", "has no JobBookmarkEntry"),
        (b"", "has no JobBookmarkEntry"),
        (b"{}", "has no JobBookmarkEntry"),
        (b'{"Other": 1}', "has no JobBookmarkEntry"),
        (b"[]", "could not parse"),
        (b"null", "could not parse"),
        (b'"text"', "could not parse"),
        (b'{"JobBookmarkEntry": []}', "could not parse"),
        (b'{"JobBookmarkEntry": "x"}', "could not parse"),
        (b"\xff\xfe\x00", "could not parse"),
        (b'{"JobBookmarkEntry": {"JobName": "j", "Version": "2"}}', "JobBookmarkEntry.Version"),
        (b'{"JobBookmarkEntry": {"JobName": "j", "Run": 1.5}}', "JobBookmarkEntry.Run"),
        (b'{"JobBookmarkEntry": {"JobName": false}}', "JobBookmarkEntry.JobName"),
        # Nested deeper than the interpreter's stack: a RecursionError in botocore's parser.
        (b'{"JobBookmarkEntry": ' + b"[" * 100_000, "could not parse .*: it is nested too deep"),
    ],
)
def test_success_answers_that_do_not_fit(
    faults: FaultServer, contract_bookmarks: GlueBookmarks, body: bytes, message: str
) -> None:
    faults.script(Answer(200, body, {"x-amzn-RequestId": "odd-1"}))
    with pytest.raises(ResponseValidationError, match=message) as info:
        contract_bookmarks.get_job_bookmark("j")
    assert info.value.operation_name == "GetJobBookmark"


def test_wrong_type_names_the_field_and_request(
    faults: FaultServer, contract_bookmarks: GlueBookmarks
) -> None:
    faults.script(success_answer({"JobName": "j", "Attempt": "0"}, request_id="odd-2"))
    with pytest.raises(ResponseValidationError) as info:
        contract_bookmarks.get_job_bookmark("j")
    err = info.value
    assert (err.field, err.status_code, err.request_id) == (
        "JobBookmarkEntry.Attempt",
        200,
        "odd-2",
    )


@pytest.mark.parametrize(
    "event",
    [
        "before-call.glue.GetJobBookmark",
        pytest.param(
            "before-parse.glue",
            marks=pytest.mark.skipif(
                "before-parse" not in inspect.getsource(botocore.endpoint),
                reason="this botocore emits no before-parse event",
            ),
        ),
        "after-call.glue",
    ],
)
@pytest.mark.parametrize("raised", [TypeError, AttributeError, ValueError])
def test_a_users_event_hook_error_propagates_as_raised(
    faults: FaultServer, event: str, raised: type[Exception]
) -> None:
    faults.script(default=success_answer(ENTRY))
    client = glue_client(faults.url)

    def hook(**kwargs: object) -> None:
        raise raised("the tracer's own bug")

    client.meta.events.register(event, hook)
    with pytest.raises(raised, match="the tracer's own bug") as info:
        GlueBookmarks(client=client).get_job_bookmark("nightly-orders")
    assert not isinstance(info.value, GlueBookmarksError)
    client.close()


def test_a_parser_failure_is_still_a_response_validation_error(faults: FaultServer) -> None:
    # The same exception classes from botocore's own parser are a bad answer.
    faults.script(Answer(200, b'{"JobBookmarkEntry": []}', {"x-amzn-RequestId": "odd-3"}))
    client = glue_client(faults.url)
    client.meta.events.register("before-call.glue", lambda **kwargs: None)
    with pytest.raises(ResponseValidationError, match="could not parse") as info:
        GlueBookmarks(client=client).get_job_bookmark("nightly-orders")
    assert isinstance(info.value.__cause__, AttributeError | TypeError | ValueError)
    client.close()


def test_body_cut_short(faults: FaultServer, contract_bookmarks: GlueBookmarks) -> None:
    # Recent botocore reads what arrived and parses it as no body: an answer that does not fit.
    # botocore 1.34 (our floor) fails on the short read itself: no usable answer.
    faults.script(Truncate(200, b'{"JobBookmarkEntry": {"JobName": "j", "Ver', 200))
    with pytest.raises((ResponseValidationError, TransportError)) as info:
        contract_bookmarks.get_job_bookmark("j")
    assert isinstance(info.value, ResponseValidationError | TransportError)
    assert info.value.operation_name == "GetJobBookmark"
    assert len(faults.requests) == 1


def test_empty_429_is_retryable(faults: FaultServer, contract_bookmarks: GlueBookmarks) -> None:
    faults.script(Answer(429, b""))
    with pytest.raises(ServiceError) as info:
        contract_bookmarks.get_job_bookmark("j")
    assert (info.value.code, info.value.status_code, info.value.retryable) == ("429", 429, True)


def test_dropped_connection(faults: FaultServer, contract_bookmarks: GlueBookmarks) -> None:
    faults.script(Drop())
    with pytest.raises(TransportError, match="Connection was closed") as info:
        contract_bookmarks.get_job_bookmark("j")
    assert info.value.operation_name == "GetJobBookmark"
    assert isinstance(info.value.__cause__, botocore.exceptions.ConnectionClosedError)


def test_refused_connection() -> None:
    one_attempt = Config(retries={"total_max_attempts": 1}, connect_timeout=2)
    with (
        refused_endpoint() as endpoint_url,
        GlueBookmarks(endpoint_url=endpoint_url, region_name=REGION, config=one_attempt) as gb,
        pytest.raises(TransportError, match="Could not connect") as info,
    ):
        gb.get_job_bookmark("j")
    assert isinstance(info.value.__cause__, botocore.exceptions.EndpointConnectionError)


@pytest.mark.parametrize("level", LEVELS)
def test_a_password_in_the_endpoint_url_is_in_no_message_or_log_line(
    level: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="glue_bookmarks")
    with refused_endpoint() as endpoint_url:
        secret_url = endpoint_url.replace("http://", "http://reader:PASSWORD@")
        with contextlib.ExitStack() as stack:
            if level == "sync":
                gb = stack.enter_context(
                    GlueBookmarks(
                        session=botocore_session(),
                        endpoint_url=secret_url,
                        region_name=REGION,
                        config=ONE_ATTEMPT,
                    )
                )
            else:
                client = AsyncGlueBookmarks(
                    session=aio_session(),
                    endpoint_url=secret_url,
                    region_name=REGION,
                    config=ONE_ATTEMPT,
                )
                gb = stack.enter_context(blocking(client))
            with pytest.raises(TransportError) as info:
                gb.get_job_bookmark("j")
            [result] = gb.get_job_bookmarks(["j"])
    err = info.value
    assert isinstance(result, TransportError)
    shown = endpoint_url.replace("http://", "http://***@")
    if level == "sync":
        assert str(err) == f'Could not connect to the endpoint URL: "{shown}/"'
    # botocore's own error, the cause, is left as botocore raised it.
    assert err.__cause__ is not None
    texts = [r.getMessage() for r in caplog.records if r.name.startswith("glue_bookmarks")]
    assert texts  # DEBUG on: each call logged its line
    for error in (err, result):
        texts += [str(error), repr(error), repr(vars(error)), repr(pickle.dumps(error))]
    assert not any("PASSWORD" in text or "reader" in text for text in texts), texts


def test_read_timeout(faults: FaultServer) -> None:
    faults.script(Stall(30))  # cut short when the server stops
    config = Config(retries={"total_max_attempts": 1}, read_timeout=0.2)
    gb = GlueBookmarks(endpoint_url=faults.url, region_name=REGION, config=config)
    with gb, pytest.raises(TransportError, match="Read timeout") as info:
        gb.get_job_bookmark("j")
    assert isinstance(info.value.__cause__, botocore.exceptions.ReadTimeoutError)


@pytest.mark.parametrize("job_name", [None, "", "x" * 256, "a\nb"])
def test_invalid_argument_sends_zero_requests(
    faults: FaultServer, contract_bookmarks: GlueBookmarks, job_name: object
) -> None:
    faults.script(default=success_answer(ENTRY))
    with pytest.raises(InvalidParameterError):
        contract_bookmarks.get_job_bookmark(job_name)  # type: ignore[arg-type]
    assert faults.requests == []


def test_throttling_burst_is_retried_to_success(
    faults: FaultServer, backoff_delays: list[float]
) -> None:
    throttled = error_answer(400, "ThrottlingException", "Rate exceeded")
    faults.script(throttled, throttled, success_answer(ENTRY))
    with GlueBookmarks(endpoint_url=faults.url, region_name=REGION) as gb:
        assert gb.get_job_bookmark("nightly-orders").version == 2
    assert len(faults.requests) == 3
    assert len(backoff_delays) == 2


def test_throttling_past_the_retry_budget_is_raised(
    faults: FaultServer, backoff_delays: list[float]
) -> None:
    faults.script(default=error_answer(400, "ThrottlingException", "Rate exceeded"))
    with (
        GlueBookmarks(endpoint_url=faults.url, region_name=REGION) as gb,
        pytest.raises(ThrottlingError) as info,
    ):
        gb.get_job_bookmark("nightly-orders")
    assert info.value.retryable is True
    assert len(faults.requests) == 3


FAULTS: list[Fault] = [
    error_answer(400, "EntityNotFoundException", "Job j not found."),
    error_answer(403, "AccessDeniedException", "User is not authorized"),
    Answer(502, b"<html>Bad Gateway</html>"),
    Answer(200, b"[]"),
    success_answer({"JobName": "j", "Version": "x"}),
    Drop(),
]


def test_no_credential_or_signature_in_errors_or_our_logs(
    faults: FaultServer, contract_bookmarks: GlueBookmarks, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    faults.script(*FAULTS)
    raised: list[GlueBookmarksError] = []
    for _ in FAULTS:
        with pytest.raises(GlueBookmarksError) as info:
            contract_bookmarks.get_job_bookmark("j")
        raised.append(info.value)
    assert all("Signature=" in r.headers["Authorization"] for r in faults.requests)
    assert caplog.records  # capture works: botocore logs at DEBUG (its own lines are its own)
    texts = [r.getMessage() for r in caplog.records if r.name.startswith("glue_bookmarks")]
    for err in raised:
        texts += [str(err), repr(err), repr(vars(err)), repr(pickle.dumps(err))]
    for secret in (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, "Signature=", "Authorization"):
        assert not any(secret in text for text in texts), secret
