"""One lookup tells "no bookmark yet" from "no such job", in both clients.

After an `EntityNotFoundException` to `GetJobBookmark`, one `GetJob` (on that path only) makes
it a `NoBookmarkError` or a `JobNotFoundError`; when `GetJob` fails otherwise, the plain
`EntityNotFoundError` stays.
"""

from __future__ import annotations

from typing import Any

import botocore.exceptions
import pytest
from botocore.stub import Stubber
from types_boto3_glue.client import GlueClient

from glue_bookmarks import (
    AsyncGlueBookmarks,
    EntityNotFoundError,
    GlueBookmarks,
    JobNotFoundError,
    NoBookmarkError,
)
from glue_bookmarks.testing import seed_job_bookmark
from tests._support import REGION, aio_session, create_job, glue_client


def requests_sent(gb: GlueBookmarks) -> list[str]:
    sent: list[str] = []
    gb._get_client().meta.events.register(
        "before-call.glue", lambda model, **_: sent.append(model.name)
    )
    return sent


def test_a_job_without_a_bookmark_raises_no_bookmark_error(glue_moto_client: GlueClient) -> None:
    create_job(glue_moto_client, "never-ran")
    gb = GlueBookmarks(client=glue_moto_client)
    sent = requests_sent(gb)
    with pytest.raises(NoBookmarkError) as info:
        gb.get_job_bookmark("never-ran")
    # The GetJobBookmark answer's context, botocore's error as the cause.
    assert (info.value.code, info.value.operation_name) == (
        "EntityNotFoundException",
        "GetJobBookmark",
    )
    assert "Continuation for job never-ran not found" in info.value.message
    assert isinstance(info.value.__cause__, botocore.exceptions.ClientError)
    assert sent == ["GetJobBookmark", "GetJob"]


def test_a_job_that_does_not_exist_raises_job_not_found_error(
    glue_moto_client: GlueClient,
) -> None:
    gb = GlueBookmarks(client=glue_moto_client)
    sent = requests_sent(gb)
    with pytest.raises(JobNotFoundError) as info:
        gb.get_job_bookmark("nigthly")  # misspelt
    assert isinstance(info.value, EntityNotFoundError)  # code catching that keeps working
    assert info.value.operation_name == "GetJobBookmark"
    assert sent == ["GetJobBookmark", "GetJob"]


def test_a_bookmark_costs_one_request(glue_moto_client: GlueClient) -> None:
    create_job(glue_moto_client, "nightly")
    seed_job_bookmark("nightly", version=2, run=2, run_id="jr_2", job_bookmark="{}")
    gb = GlueBookmarks(client=glue_moto_client)
    sent = requests_sent(gb)
    assert gb.get_job_bookmark("nightly").run_id == "jr_2"
    assert sent == ["GetJobBookmark"]


def test_when_get_job_is_denied_the_plain_error_stays() -> None:
    client = glue_client()
    with Stubber(client) as stub:
        stub.add_client_error(
            "get_job_bookmark", "EntityNotFoundException", "Continuation for job a not found"
        )
        stub.add_client_error("get_job", "AccessDeniedException", "not allowed", 403)
        with pytest.raises(EntityNotFoundError) as info:
            GlueBookmarks(client=client).get_job_bookmark("a")
        stub.assert_no_pending_responses()
    assert type(info.value) is EntityNotFoundError
    assert info.value.message == "Continuation for job a not found"


def test_other_errors_send_nothing_more() -> None:
    client = glue_client()
    with Stubber(client) as stub:
        stub.add_client_error("get_job_bookmark", "AccessDeniedException", "no", 403)
        with pytest.raises(Exception) as info:
            GlueBookmarks(client=client).get_job_bookmark("a")
        stub.assert_no_pending_responses()
    assert type(info.value).__name__ == "AccessDeniedError"


def test_reset_is_not_narrowed() -> None:
    # ResetJobBookmark changes state: no request is added to it.
    client = glue_client()
    with Stubber(client) as stub:
        stub.add_client_error("reset_job_bookmark", "EntityNotFoundException", "none")
        with pytest.raises(EntityNotFoundError) as info:
            GlueBookmarks(client=client).reset_job_bookmark("a")
        stub.assert_no_pending_responses()
    assert type(info.value) is EntityNotFoundError


@pytest.mark.asyncio
async def test_the_async_client_tells_them_apart_too(glue_moto_server_url: str) -> None:
    glue = glue_client(glue_moto_server_url)
    create_job(glue, "never-ran")
    async with AsyncGlueBookmarks(
        session=aio_session(), endpoint_url=glue_moto_server_url, region_name=REGION
    ) as gb:
        errors: list[Any] = []
        for name in ("never-ran", "nigthly"):
            try:
                await gb.get_job_bookmark(name)
            except EntityNotFoundError as exc:
                errors.append(type(exc))
    assert errors == [NoBookmarkError, JobNotFoundError]
    glue.close()
