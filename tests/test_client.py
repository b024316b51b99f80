"""GlueBookmarks: construction, the client's life cycle, and GetJobBookmark via Stubber."""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.config import Config

import glue_bookmarks._client
from glue_bookmarks import (
    ConfigurationError,
    GlueBookmarks,
    InvalidParameterError,
    JobBookmarkEntry,
    NoBookmarkError,
    ResponseValidationError,
    ThrottlingError,
    TransportError,
    get_job_bookmark,
    reset_job_bookmark,
)
from tests._support import (
    ACCESS_KEY,
    ONE_ATTEMPT,
    OPERATIONS,
    REGION,
    SECRET_KEY,
    SESSION_TOKEN,
    Stubbed,
    glue_client,
    modules_imported_by,
    refused_endpoint,
)
from tests.faults import Answer, FaultServer, error_answer, success_answer

WIRE = {
    "JobName": "nightly-orders",
    "Version": 3,
    "Run": 3,
    "Attempt": 0,
    "PreviousRunId": "jr_2",
    "RunId": "jr_3",
    "JobBookmark": "{}",
}


# -- construction ------------------------------------------------------------------------------


def test_constructor_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        GlueBookmarks(glue_client())  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "extra",
    [
        {"region_name": "eu-west-1"},
        {"session": botocore.session.Session()},
        {"profile_name": "etl"},
        {"endpoint_url": "http://127.0.0.1:1"},
        {"config": Config()},
    ],
)
def test_injected_client_cannot_be_combined(extra: dict[str, Any]) -> None:
    with pytest.raises(InvalidParameterError, match=f"cannot be combined with {next(iter(extra))}"):
        GlueBookmarks(client=glue_client(), **extra)


def test_injected_client_must_be_glue() -> None:
    s3 = botocore.session.Session().create_client("s3", region_name=REGION)
    with pytest.raises(InvalidParameterError, match=r"Glue client.*'s3'") as info:
        GlueBookmarks(client=s3)
    assert info.value.parameter == "client"
    with pytest.raises(InvalidParameterError, match="Glue client"):
        GlueBookmarks(client=object())  # type: ignore[arg-type]


def test_construction_sends_nothing_and_creates_no_client(faults: FaultServer) -> None:
    calls: list[str] = []
    original = botocore.session.Session.create_client

    def counting(self: botocore.session.Session, *args: Any, **kwargs: Any) -> Any:
        calls.append(args[0])
        return original(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.session.Session, "create_client", counting)
        gb = GlueBookmarks(endpoint_url=faults.url)
        assert calls == []
        gb.close()
    assert faults.requests == []


def test_client_is_created_once_across_threads(
    faults: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    created: list[object] = []
    original = botocore.session.Session.create_client

    def counting(self: botocore.session.Session, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        created.append(client)
        return client

    monkeypatch.setattr(botocore.session.Session, "create_client", counting)
    faults.script(default=success_answer(WIRE))
    gb = GlueBookmarks(endpoint_url=faults.url)
    barrier = threading.Barrier(8)
    results: list[JobBookmarkEntry] = []

    def worker() -> None:
        barrier.wait()
        results.append(gb.get_job_bookmark("nightly-orders"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    gb.close()
    assert len(created) == 1
    assert results == [JobBookmarkEntry.from_dict(WIRE)] * 8
    assert len(faults.requests) == 8


def test_default_retry_mode_is_standard(faults: FaultServer, backoff_delays: list[float]) -> None:
    faults.script(default=error_answer(400, "ThrottlingException", "Rate exceeded"))
    with GlueBookmarks(endpoint_url=faults.url) as gb, pytest.raises(ThrottlingError):
        gb.get_job_bookmark("nightly-orders")
    # standard mode: 3 attempts in all (legacy mode would make 5 for throttling).
    assert len(faults.requests) == 3
    assert len(backoff_delays) == 2


@pytest.mark.parametrize(
    ("environment", "profile", "config", "mode", "attempts"),
    [
        # The retry mode, from each place, and the one above winning where two set it.
        ({"AWS_RETRY_MODE": "legacy"}, {}, None, "legacy", 5),
        ({"AWS_RETRY_MODE": "adaptive"}, {}, None, "adaptive", 3),
        ({}, {"retry_mode": "legacy"}, None, "legacy", 5),
        ({}, {"retry_mode": "adaptive"}, None, "adaptive", 3),
        ({}, {}, Config(retries={"mode": "legacy"}), "legacy", 5),
        ({"AWS_RETRY_MODE": "legacy"}, {"retry_mode": "adaptive"}, None, "legacy", 5),
        ({"AWS_RETRY_MODE": "legacy"}, {}, Config(retries={"mode": "adaptive"}), "adaptive", 3),
        ({}, {"retry_mode": "legacy"}, Config(retries={"mode": "standard"}), "standard", 3),
        # The attempts, likewise; our default mode stays where nothing names one.
        ({"AWS_MAX_ATTEMPTS": "2"}, {}, None, "standard", 2),
        ({}, {"max_attempts": "4"}, None, "standard", 4),
        ({}, {}, Config(retries={"total_max_attempts": 6}), "standard", 6),
        ({"AWS_MAX_ATTEMPTS": "2"}, {"max_attempts": "4"}, None, "standard", 2),
        ({"AWS_MAX_ATTEMPTS": "2"}, {}, Config(retries={"max_attempts": 0}), "standard", 1),
        # Mode and attempts from different places.
        ({"AWS_RETRY_MODE": "legacy"}, {}, Config(retries={"max_attempts": 1}), "legacy", 2),
        ({"AWS_MAX_ATTEMPTS": "4"}, {"retry_mode": "adaptive"}, None, "adaptive", 4),
        # A config that sets no retries leaves them to the environment and the profile.
        ({"AWS_RETRY_MODE": "legacy"}, {}, Config(connect_timeout=5), "legacy", 5),
    ],
)
def test_retry_settings_come_from_config_then_environment_then_profile(
    faults: FaultServer,
    retry_delays: list[float],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    environment: dict[str, str],
    profile: dict[str, str],
    config: Config | None,
    mode: str,
    attempts: int,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings = "".join(f"{name} = {value}\n" for name, value in profile.items())
    (tmp_path / "aws-config").write_text(f"[default]\n{settings}")
    faults.script(default=error_answer(400, "ThrottlingException", "Rate exceeded"))
    with GlueBookmarks(endpoint_url=faults.url, config=config) as gb:
        with pytest.raises(ThrottlingError):
            gb.get_job_bookmark("nightly-orders")
        used: Any = gb._get_client().meta.config
    assert used.retries["mode"] == mode
    # legacy mode makes 5 attempts at throttling; standard and adaptive 3.
    assert len(faults.requests) == attempts


def test_a_session_variable_names_the_retry_mode(
    faults: FaultServer, retry_delays: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_RETRY_MODE", "adaptive")
    session = botocore.session.Session()
    session.set_config_variable("retry_mode", "legacy")  # above the environment, for botocore
    faults.script(default=error_answer(400, "ThrottlingException", "Rate exceeded"))
    with (
        GlueBookmarks(session=session, endpoint_url=faults.url) as gb,
        pytest.raises(ThrottlingError),
    ):
        gb.get_job_bookmark("nightly-orders")
    assert len(faults.requests) == 5


def test_the_named_profile_names_the_retry_mode(
    faults: FaultServer, retry_delays: list[float], tmp_path: Path
) -> None:
    (tmp_path / "aws-config").write_text(
        "[default]\nretry_mode = adaptive\n"
        # A profile chosen by name takes its credentials from the file, not the environment.
        "[profile etl]\nretry_mode = legacy\nmax_attempts = 4\n"
        "aws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n"
    )
    faults.script(default=error_answer(400, "ThrottlingException", "Rate exceeded"))
    with (
        GlueBookmarks(profile_name="etl", endpoint_url=faults.url) as gb,
        pytest.raises(ThrottlingError),
    ):
        gb.get_job_bookmark("nightly-orders")
    assert len(faults.requests) == 4


@pytest.mark.parametrize(
    ("config", "connect_timeout"),
    [
        (None, 60),
        (Config(), 60),
        (Config(connect_timeout=7), 7),
        (Config(retries={"mode": "legacy"}), 60),
    ],
)
def test_our_pool_and_user_agent_fill_what_the_config_leaves_unset(
    faults: FaultServer, config: Config | None, connect_timeout: int
) -> None:
    faults.script(success_answer(WIRE))
    with GlueBookmarks(endpoint_url=faults.url, config=config) as gb:
        gb.get_job_bookmark("nightly-orders")
        used: Any = gb._get_client().meta.config
    assert (used.max_pool_connections, used.connect_timeout) == (64, connect_timeout)
    user_agent = faults.requests[0].headers["User-Agent"]
    assert f"glue-bookmarks/{glue_bookmarks.__version__}" in user_agent


def test_what_the_config_sets_wins_over_our_defaults(faults: FaultServer) -> None:
    faults.script(success_answer(WIRE))
    config: Any = Config(max_pool_connections=8, user_agent_extra="etl-audit/2", read_timeout=9)
    with GlueBookmarks(endpoint_url=faults.url, config=config) as gb:
        gb.get_job_bookmark("nightly-orders")
        used: Any = gb._get_client().meta.config
    assert (used.max_pool_connections, used.read_timeout) == (8, 9)
    user_agent = faults.requests[0].headers["User-Agent"]
    assert "etl-audit/2" in user_agent
    assert "glue-bookmarks/" not in user_agent
    assert config.max_pool_connections == 8  # the caller's own Config is left unchanged
    assert config.retries is None


def test_user_agent_names_the_library_on_clients_we_create(faults: FaultServer) -> None:
    faults.script(success_answer(WIRE))
    with GlueBookmarks(endpoint_url=faults.url) as gb:
        gb.get_job_bookmark("nightly-orders")
    assert "glue-bookmarks/" in faults.requests[0].headers["User-Agent"]


def test_session_region_and_profile_are_used(
    faults: FaultServer, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")  # it would win over the profile's region
    config_file = tmp_path / "aws-config"
    config_file.write_text(
        "[profile etl]\nregion = eu-west-3\n"
        "aws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n"
    )
    faults.script(default=success_answer(WIRE))
    session = botocore.session.Session()
    with GlueBookmarks(session=session, profile_name="etl", endpoint_url=faults.url) as gb:
        gb.get_job_bookmark("nightly-orders")
    with GlueBookmarks(profile_name="etl", region_name="ap-south-1", endpoint_url=faults.url) as gb:
        gb.get_job_bookmark("nightly-orders")
    scopes = [r.headers["Authorization"].split("/")[2] for r in faults.requests]
    assert scopes == ["eu-west-3", "ap-south-1"]
    assert all("Credential=AKIDPROFILE/" in r.headers["Authorization"] for r in faults.requests)
    assert session.profile == "etl"


def test_unknown_profile_is_a_configuration_error(faults: FaultServer) -> None:
    with (
        GlueBookmarks(profile_name="nope", endpoint_url=faults.url) as gb,
        pytest.raises(ConfigurationError, match="nope"),
    ):
        gb.get_job_bookmark("nightly-orders")
    assert faults.requests == []


def test_no_region_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    with GlueBookmarks() as gb, pytest.raises(ConfigurationError, match="region") as info:
        gb.get_job_bookmark("nightly-orders")
    assert isinstance(info.value.__cause__, botocore.exceptions.NoRegionError)


def test_no_credentials_is_a_configuration_error(
    faults: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    with (
        GlueBookmarks(endpoint_url=faults.url) as gb,
        pytest.raises(ConfigurationError, match="credentials"),
    ):
        gb.get_job_bookmark("nightly-orders")
    assert faults.requests == []


# -- life cycle --------------------------------------------------------------------------------


def test_close_closes_the_client_it_created(faults: FaultServer) -> None:
    faults.script(success_answer(WIRE))
    with GlueBookmarks(endpoint_url=faults.url) as gb:
        gb.get_job_bookmark("nightly-orders")
    with pytest.raises(ConfigurationError, match="closed"):
        gb.get_job_bookmark("nightly-orders")
    gb.close()  # a second close does nothing
    assert len(faults.requests) == 1


def test_close_leaves_an_injected_client_open(monkeypatch: pytest.MonkeyPatch) -> None:
    client = glue_client()
    closed: list[bool] = []
    monkeypatch.setattr(client, "close", lambda: closed.append(True))
    with GlueBookmarks(client=client) as gb:
        assert "injected" in repr(gb)
    assert closed == []
    with pytest.raises(ConfigurationError, match="closed"):
        gb.get_job_bookmark("nightly-orders")


def test_module_level_function_uses_one_default_client(
    faults: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(glue_bookmarks._client, "_default", None)
    monkeypatch.setenv("AWS_ENDPOINT_URL_GLUE", faults.url)
    faults.script(default=success_answer(WIRE))
    assert get_job_bookmark("nightly-orders") == JobBookmarkEntry.from_dict(WIRE)
    default = glue_bookmarks._client._default
    assert default is not None
    get_job_bookmark("nightly-orders", run_id="jr_3")
    reset_job_bookmark("nightly-orders", run_id="jr_2")
    assert glue_bookmarks._client._default is default
    assert [(r.target, r.body) for r in faults.requests] == [
        ("AWSGlue.GetJobBookmark", {"JobName": "nightly-orders"}),
        ("AWSGlue.GetJobBookmark", {"JobName": "nightly-orders", "RunId": "jr_3"}),
        ("AWSGlue.ResetJobBookmark", {"JobName": "nightly-orders", "RunId": "jr_2"}),
    ]
    default.close()


# -- GetJobBookmark and ResetJobBookmark through botocore's Stubber ------------------------------


def test_get_job_bookmark_sends_exact_params_and_returns_the_entry(stubbed: Stubbed) -> None:
    gb, stubber = stubbed
    stubber.add_response(
        "get_job_bookmark", {"JobBookmarkEntry": WIRE}, {"JobName": "nightly-orders"}
    )
    stubber.add_response(
        "get_job_bookmark",
        {"JobBookmarkEntry": WIRE},
        {"JobName": "nightly-orders", "RunId": "jr_3"},
    )
    assert gb.get_job_bookmark("nightly-orders") == JobBookmarkEntry.from_dict(WIRE)
    assert gb.get_job_bookmark("nightly-orders", run_id="jr_3").run_id == "jr_3"


def test_first_run_entry_has_no_previous_run_id(stubbed: Stubbed) -> None:
    gb, stubber = stubbed
    stubber.add_response(
        "get_job_bookmark",
        {
            "JobBookmarkEntry": {
                "JobName": "j",
                "Version": 1,
                "Run": 1,
                "Attempt": 0,
                "RunId": "jr_1",
            }
        },
    )
    entry = gb.get_job_bookmark("j")
    assert entry.previous_run_id is None
    assert entry.run + 1 == 2


def test_reset_job_bookmark_sends_exact_params_and_returns_the_entry(stubbed: Stubbed) -> None:
    gb, stubber = stubbed
    reset = {"JobName": "nightly-orders", "Version": 4, "Run": 0, "Attempt": 0}
    stubber.add_response(
        "reset_job_bookmark", {"JobBookmarkEntry": reset}, {"JobName": "nightly-orders"}
    )
    stubber.add_response(
        "reset_job_bookmark",
        {"JobBookmarkEntry": WIRE},
        {"JobName": "nightly-orders", "RunId": "jr_2"},
    )
    assert gb.reset_job_bookmark("nightly-orders") == JobBookmarkEntry.from_dict(reset)
    assert gb.reset_job_bookmark("nightly-orders", run_id="jr_2").state == {}


def test_a_malformed_reset_answer_names_the_operation(stubbed: Stubbed) -> None:
    gb, stubber = stubbed
    stubber.add_response("reset_job_bookmark", {})
    with pytest.raises(ResponseValidationError, match="ResetJobBookmark") as info:
        gb.reset_job_bookmark("nightly-orders")
    assert info.value.operation_name == "ResetJobBookmark"


@pytest.mark.parametrize(
    ("kwargs", "parameter", "message"),
    [
        ({"job_name": None}, "job_name", "must be a str, got NoneType"),
        ({"job_name": ""}, "job_name", "1 to 255 characters long, got 0"),
        ({"job_name": "x" * 256}, "job_name", "1 to 255 characters long, got 256"),
        ({"job_name": "two\nlines"}, "job_name", r"'\\n' at position 3"),
        ({"job_name": "nul\x00"}, "job_name", r"'\\x00' at position 3"),
        ({"job_name": "emoji\U0001f600"}, "job_name", "at position 5"),
        ({"job_name": b"bytes"}, "job_name", "must be a str, got bytes"),
        ({"job_name": "ok", "run_id": ""}, "run_id", "1 to 255 characters long"),
        ({"job_name": "ok", "run_id": 5}, "run_id", "must be a str, got int"),
        ({"job_name": "ok", "run_id": "a\rb"}, "run_id", r"'\\r' at position 1"),
    ],
)
@pytest.mark.parametrize("method", [method for method, _ in OPERATIONS])
def test_bad_arguments_raise_before_any_request(
    stubbed: Stubbed, method: str, kwargs: dict[str, Any], parameter: str, message: str
) -> None:
    gb, _ = stubbed  # any request would fail: the Stubber has nothing queued
    with pytest.raises(InvalidParameterError, match=message) as info:
        getattr(gb, method)(**kwargs)
    assert info.value.parameter == parameter
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "name", ["a", "x" * 255, "with space\tand tab", "ünïcødé-名前", "\ue000\uffff"]
)
def test_names_glue_accepts_are_sent(stubbed: Stubbed, name: str) -> None:
    gb, stubber = stubbed
    stubber.add_response(
        "get_job_bookmark", {"JobBookmarkEntry": {"JobName": name}}, {"JobName": name}
    )
    assert gb.get_job_bookmark(name).job_name == name


@pytest.mark.parametrize("url", ["on", "ftp://127.0.0.1", "http://", "127.0.0.1:5000"])
def test_malformed_endpoint_url_is_rejected_at_construction(url: str) -> None:
    with pytest.raises(InvalidParameterError, match="endpoint_url must be an http") as info:
        GlueBookmarks(endpoint_url=url)
    assert info.value.parameter == "endpoint_url"


def test_malformed_endpoint_from_the_environment_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_GLUE", "not a url")
    with GlueBookmarks() as gb, pytest.raises(ConfigurationError, match="Invalid endpoint"):
        gb.get_job_bookmark("nightly-orders")


def test_importing_the_library_imports_neither_moto_nor_boto3() -> None:
    code = "import glue_bookmarks, glue_bookmarks.testing"
    assert modules_imported_by(code, ("boto3", "moto")) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"session": object()}, r"session must be a botocore.session.Session or None"),
        ({"region_name": 1}, "region_name must be a str or None, got int"),
        ({"profile_name": b"etl"}, "profile_name must be a str or None, got bytes"),
        ({"config": {"retries": {}}}, "config must be a botocore.config.Config or None, got dict"),
    ],
)
def test_wrong_argument_types_are_rejected_at_construction(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidParameterError, match=message) as info:
        GlueBookmarks(**kwargs)
    assert info.value.parameter == next(iter(kwargs))


def test_a_boto3_session_gets_a_hint() -> None:
    import boto3

    with pytest.raises(InvalidParameterError, match=r"client=boto3_session.client\('glue'\)"):
        GlueBookmarks(session=boto3.Session())  # type: ignore[arg-type]


# -- logging -----------------------------------------------------------------------------------

LOG_LINE = re.compile(
    r"(?P<operation>\w+)(?: job '(?P<job>[^']+)')? (?P<outcome>ok|failed: [^:]+): "
    r"HTTP (?P<status>\d+|-), request id (?P<request_id>\S+), "
    r"attempts (?P<attempts>\d+|-), (?P<ms>\d+\.\d) ms"
)


def logged(caplog: pytest.LogCaptureFixture) -> list[dict[str, str | None]]:
    """The fields of each line the library logged, checked to be ours, at DEBUG, and clean."""
    lines = []
    for record in caplog.records:
        if record.name != "glue_bookmarks":
            continue
        assert record.levelno == logging.DEBUG
        message = record.getMessage()
        for secret in (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, "Signature=", "Authorization"):
            assert secret not in message
        match = LOG_LINE.fullmatch(message)
        assert match is not None, message
        lines.append(match.groupdict())
    return lines


def test_the_package_logger_has_a_null_handler() -> None:
    handlers = logging.getLogger("glue_bookmarks").handlers
    assert any(isinstance(handler, logging.NullHandler) for handler in handlers)


def test_a_successful_request_is_one_debug_line(
    faults: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="glue_bookmarks")
    faults.script(success_answer(WIRE, request_id="req-42"))
    with GlueBookmarks(endpoint_url=faults.url) as gb:
        gb.get_job_bookmark("nightly-orders")
    [line] = logged(caplog)
    assert line["ms"] is not None
    del line["ms"]
    assert line == {
        "operation": "GetJobBookmark",
        "job": "nightly-orders",
        "outcome": "ok",
        "status": "200",
        "request_id": "req-42",
        "attempts": "1",
    }


def test_a_failed_request_is_logged_with_its_attempts(
    faults: FaultServer, caplog: pytest.LogCaptureFixture, backoff_delays: list[float]
) -> None:
    caplog.set_level(logging.DEBUG, logger="glue_bookmarks")
    faults.script(
        error_answer(500, "InternalServiceException", "oops"),
        error_answer(400, "ThrottlingException", "Rate exceeded", request_id="req-last"),
        error_answer(400, "ThrottlingException", "Rate exceeded", request_id="req-last"),
    )
    with GlueBookmarks(endpoint_url=faults.url) as gb, pytest.raises(ThrottlingError):
        gb.reset_job_bookmark("nightly-orders", run_id="jr_2")
    [line] = logged(caplog)
    assert line["operation"] == "ResetJobBookmark"
    assert line["job"] == "nightly-orders"
    assert line["outcome"] == "failed: ThrottlingError (ThrottlingException)"
    assert (line["status"], line["request_id"], line["attempts"]) == ("400", "req-last", "3")


def test_no_answer_is_logged_without_status_or_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="glue_bookmarks")
    with (
        refused_endpoint() as url,
        GlueBookmarks(endpoint_url=url, config=ONE_ATTEMPT) as gb,
        pytest.raises(TransportError),
    ):
        gb.get_job_bookmark("nightly-orders")
    [line] = logged(caplog)
    assert line["outcome"] == "failed: TransportError"
    assert (line["status"], line["request_id"], line["attempts"]) == ("-", "-", "-")


def test_list_and_get_job_requests_are_logged(
    faults: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="glue_bookmarks")
    faults.script(
        Answer(200, b'{"JobNames": ["nightly-orders"]}', {"x-amzn-RequestId": "req-list"}),
        error_answer(400, "EntityNotFoundException", "Continuation not found"),
        success_answer({"Name": "nightly-orders"}, request_id="req-job"),
    )
    with GlueBookmarks(endpoint_url=faults.url, config=ONE_ATTEMPT) as gb:
        names = list(gb.iter_job_names())
        [result] = gb.get_job_bookmarks(names)
    assert isinstance(result, NoBookmarkError)
    lines = logged(caplog)
    assert [(line["operation"], line["job"], line["outcome"]) for line in lines] == [
        ("ListJobs", None, "ok"),
        (
            "GetJobBookmark",
            "nightly-orders",
            "failed: EntityNotFoundError (EntityNotFoundException)",
        ),
        ("GetJob", "nightly-orders", "ok"),
    ]


def test_nothing_is_logged_above_debug(
    faults: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="glue_bookmarks")
    faults.script(success_answer(WIRE))
    with GlueBookmarks(endpoint_url=faults.url) as gb:
        gb.get_job_bookmark("nightly-orders")
    assert [record for record in caplog.records if record.name == "glue_bookmarks"] == []
