"""Every error answer raises its class with its context, the same at each of the four levels.

One table (`ERROR_CASES`), one assertion, four ways of delivering the answer:

- unit: botocore's `ClientError` for the answer, raised by the call our client wraps around
  every botocore method (no client, no botocore parsing);
- stubber: a botocore Glue client with `Stubber` (botocore's client, no HTTP);
- http: the answer over real HTTP from our fault server on 127.0.0.1 (botocore's parser);
- async-http: the same, to `AsyncGlueBookmarks` (aiobotocore and aiohttp).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import botocore.exceptions
import pytest
from botocore.stub import Stubber

from glue_bookmarks import AsyncGlueBookmarks, GlueBookmarks, ServiceError
from glue_bookmarks._calls import Call, failed
from tests._support import (
    ERROR_CASES,
    ONE_ATTEMPT,
    OPERATIONS,
    REGION,
    ErrorCase,
    aio_session,
    blocking,
    client_error,
    glue_client,
)
from tests.faults import FaultServer, error_answer

REQUEST_ID = "req-7"
JOB = "nightly-orders"

# Raises the error `case` answers to a call of `method` (of GlueBookmarks), AWS `operation`.
Deliver = Callable[[ErrorCase, str, str], None]


def narrows(case: ErrorCase, operation: str) -> bool:
    """Whether the client asks `GetJob` after this answer, to tell "no job" from "no
    bookmark": here `GetJob` is denied, so the plain `EntityNotFoundError` stays."""
    return case.code == "EntityNotFoundException" and operation == "GetJobBookmark"


def federation_member(case: ErrorCase) -> dict[str, Any]:
    flag = case.from_federation_source
    return {} if flag is None else {"FromFederationSource": flag}


def unit(case: ErrorCase, method: str, operation: str) -> None:
    # `failed` is where every botocore error becomes ours, raised `from` botocore's.
    exc = client_error(
        case.code,
        status=case.status,
        message=case.message,
        request_id=REQUEST_ID,
        operation_name=operation,
        **federation_member(case),
    )

    error = failed(Call(operation, {"JobName": JOB}), None, exc)
    assert error is not None
    raise error from exc


def stubber(case: ErrorCase, method: str, operation: str) -> None:
    client = glue_client()
    with Stubber(client) as stub:
        stub.add_client_error(
            method,
            service_error_code=case.code,
            service_message=case.message,
            http_status_code=case.status,
            response_meta={"RequestId": REQUEST_ID},
            expected_params={"JobName": JOB},
            modeled_fields=federation_member(case),
        )
        if narrows(case, operation):
            stub.add_client_error(
                "get_job", "AccessDeniedException", expected_params={"JobName": JOB}
            )
        try:
            getattr(GlueBookmarks(client=client), method)(JOB)
        finally:
            stub.assert_no_pending_responses()


def over_http(faults: FaultServer, http_bookmarks: GlueBookmarks) -> Deliver:
    """Also the async level: `contract_bookmarks` gives either client the sync surface."""

    def http(case: ErrorCase, method: str, operation: str) -> None:
        answer = error_answer(
            case.status, case.code, case.message, REQUEST_ID, **federation_member(case)
        )
        denied = error_answer(403, "AccessDeniedException", "no", "req-8")
        faults.script(answer, denied)
        try:
            getattr(http_bookmarks, method)(JOB)
        finally:
            sent = [(r.target, r.body) for r in faults.requests]
            expected = [(f"AWSGlue.{operation}", {"JobName": JOB})]
            if narrows(case, operation):
                expected.append(("AWSGlue.GetJob", {"JobName": JOB}))
            assert sent == expected

    return http


@pytest.fixture(params=["unit", "stubber", "http", "async-http"])
def deliver(request: pytest.FixtureRequest) -> Deliver:
    """One level's way of answering a call with an error."""
    if request.param == "unit":
        return unit
    if request.param == "stubber":
        return stubber
    faults = request.getfixturevalue("faults")
    if request.param == "http":
        return over_http(faults, request.getfixturevalue("http_bookmarks"))
    client = AsyncGlueBookmarks(
        session=aio_session(), endpoint_url=faults.url, region_name=REGION, config=ONE_ATTEMPT
    )
    driven = blocking(client)
    async_bookmarks = driven.__enter__()
    request.addfinalizer(lambda: driven.__exit__(None, None, None))
    return over_http(faults, async_bookmarks)


def assert_raised_for(err: BaseException, case: ErrorCase, operation: str) -> None:
    """`err` is what a user must get for `case`'s answer to `operation`."""
    assert type(err) is case.cls
    assert isinstance(err, ServiceError)
    assert (err.code, err.message, err.status_code) == (case.code, case.message, case.status)
    assert (err.request_id, err.operation_name) == (REQUEST_ID, operation)
    assert err.retryable is case.retryable
    assert err.from_federation_source is case.from_federation_source
    assert isinstance(err.__cause__, botocore.exceptions.ClientError)
    assert str(err) == (
        f"{case.code}: {case.message} ({operation}, HTTP {case.status}, request id {REQUEST_ID})"
    )


@pytest.mark.parametrize(("method", "operation"), OPERATIONS, ids=[op for _, op in OPERATIONS])
@pytest.mark.parametrize("case", ERROR_CASES, ids=lambda case: case.id)
def test_an_error_answer_raises_its_class_with_its_context(
    deliver: Deliver, case: ErrorCase, method: str, operation: str
) -> None:
    with pytest.raises(ServiceError) as info:
        deliver(case, method, operation)
    assert_raised_for(info.value, case, operation)
