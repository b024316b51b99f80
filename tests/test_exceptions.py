"""The exception tree, the code -> class table and how botocore's errors map onto it.

How each error answer maps, code by code, at every test level: `test_error_mapping.py`.
"""

from __future__ import annotations

import pickle

import botocore.session
import pytest
from botocore import exceptions as botocore_exceptions
from botocore.retries.standard import ThrottledRetryableChecker

import glue_bookmarks
from glue_bookmarks import (
    BookmarkChangedError,
    ConcurrentRunsExceededError,
    ConfigurationError,
    EntityNotFoundError,
    GlueBookmarksError,
    InvalidParameterError,
    JobNotFoundError,
    JobRunActiveError,
    NoBookmarkError,
    ResponseValidationError,
    ServiceError,
    SnapshotError,
    ThrottlingError,
    TransportError,
)
from glue_bookmarks._exceptions import (
    CODE_TO_CLASS,
    THROTTLING_CODES,
    from_botocore_error,
    from_client_error,
    narrow_not_found,
)
from tests._support import client_error

OPERATIONS = [
    "GetJobBookmark",
    "ResetJobBookmark",
    "ListJobs",
    "GetJob",
    "GetJobs",
    "GetJobRuns",
    "GetSecurityConfiguration",
    "StartJobRun",
]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_modelled_error_of_our_operations_has_its_class(operation: str) -> None:
    model = botocore.session.get_session().get_service_model("glue")
    for shape in model.operation_model(operation).error_shapes:
        cls = CODE_TO_CLASS.get(shape.name)
        assert cls is not None, f"{shape.name} of {operation} has no class"
        assert cls is not ServiceError
        assert issubclass(cls, ServiceError)


def test_reset_lists_the_errors_of_get_but_validation() -> None:
    # The documented difference between the two operations, which the docs repeat.
    model = botocore.session.get_session().get_service_model("glue")
    get, reset = (
        {shape.name for shape in model.operation_model(name).error_shapes}
        for name in ("GetJobBookmark", "ResetJobBookmark")
    )
    assert get - reset == {"ValidationException"}
    assert reset <= get


def test_throttling_codes_match_botocore() -> None:
    assert frozenset(vars(ThrottledRetryableChecker)["_THROTTLED_ERROR_CODES"]) == THROTTLING_CODES
    for code in THROTTLING_CODES:
        assert CODE_TO_CLASS[code] is ThrottlingError


def test_every_class_names_its_aws_code_in_its_docstring() -> None:
    for code, cls in CODE_TO_CLASS.items():
        if cls is not ThrottlingError:
            assert cls.__doc__ is not None
            assert cls.__doc__.startswith(f"`{code}`"), cls


def test_tree() -> None:
    assert issubclass(InvalidParameterError, ValueError)
    for cls in (
        InvalidParameterError,
        ConfigurationError,
        TransportError,
        ResponseValidationError,
        BookmarkChangedError,
        JobRunActiveError,
        ServiceError,
    ):
        assert cls.__bases__[0] is GlueBookmarksError
    for cls in set(CODE_TO_CLASS.values()):
        assert cls.__bases__ == (ServiceError,)


def test_str_reads_as_a_sentence_with_code_and_request_id() -> None:
    err = from_client_error(
        client_error("EntityNotFoundException", message="Job nightly not found."),
        operation_name="GetJobBookmark",
    )
    assert str(err) == (
        "EntityNotFoundException: Job nightly not found. "
        "(GetJobBookmark, HTTP 400, request id req-1)"
    )
    anonymous = from_client_error(
        client_error("502", status=502, message="", request_id=None),
        operation_name="GetJobBookmark",
    )
    assert str(anonymous) == "502: (no message) (GetJobBookmark, HTTP 502, no request id)"


@pytest.mark.parametrize(
    ("exc", "cls"),
    [
        (botocore_exceptions.EndpointConnectionError(endpoint_url="http://x"), TransportError),
        (botocore_exceptions.ConnectTimeoutError(endpoint_url="http://x"), TransportError),
        (botocore_exceptions.ReadTimeoutError(endpoint_url="http://x"), TransportError),
        (botocore_exceptions.ConnectionClosedError(endpoint_url="http://x"), TransportError),
        (botocore_exceptions.NoCredentialsError(), ConfigurationError),
        (
            botocore_exceptions.PartialCredentialsError(provider="env", cred_var="x"),
            ConfigurationError,
        ),
        (botocore_exceptions.NoRegionError(), ConfigurationError),
        (botocore_exceptions.ProfileNotFound(profile="etl"), ConfigurationError),
        (botocore_exceptions.ParamValidationError(report="bad"), InvalidParameterError),
        (botocore_exceptions.WaiterConfigError(error_msg="odd"), GlueBookmarksError),
    ],
)
def test_from_botocore_error(exc: botocore_exceptions.BotoCoreError, cls: type) -> None:
    err = from_botocore_error(exc, operation_name="GetJobBookmark")
    assert type(err) is cls
    assert str(err) == str(exc)


def every_error() -> list[GlueBookmarksError]:
    service = [
        from_client_error(client_error(code, FromFederationSource=False), operation_name="Op")
        for code in CODE_TO_CLASS
    ]
    return [
        *service,
        InvalidParameterError("bad", parameter="job_name"),
        ConfigurationError("no region"),
        TransportError("refused", operation_name="GetJobBookmark"),
        ResponseValidationError(
            "wrong", operation_name="Op", field="F", status_code=200, request_id="r"
        ),
        BookmarkChangedError("moved", job_name="j", planned_version=3, current_version=4),
        JobRunActiveError("busy", job_name="j", run_id="jr_1", state="RUNNING"),
        SnapshotError("not one", source="before.json", field="JobBookmarks[0]"),
    ]


@pytest.mark.parametrize("err", every_error(), ids=lambda err: type(err).__name__)
def test_every_exception_pickles_with_its_context(err: GlueBookmarksError) -> None:
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is type(err)
    assert copy.args == err.args
    assert vars(copy) == vars(err)
    assert str(copy) == str(err)


def every_class(root: type[GlueBookmarksError] = GlueBookmarksError) -> list[type]:
    return [root, *(cls for sub in root.__subclasses__() for cls in every_class(sub))]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://reader:PASSWORD@127.0.0.1:9/", "http://***@127.0.0.1:9/"),
        ("https://PASSWORD@glue.example.com", "https://***@glue.example.com"),
        ("HTTP://reader:PASSWORD@host", "HTTP://***@host"),
        # Characters a URL should percent-encode, typed as they are: all of it is hidden.
        ("http://reader:PASS/WORD@host:1", "http://***@host:1"),
        ("http://reader:PASS@WORD@host", "http://***@host"),
        ("http://reader:PASS'WORD@host", "http://***@host"),
    ],
)
def test_no_error_shows_the_user_info_of_a_url(url: str, shown: str) -> None:
    message = f'Could not connect to the endpoint URL: "{url}"'
    errors: list[GlueBookmarksError] = [cls(message) for cls in every_class()]
    errors.append(
        from_botocore_error(
            botocore_exceptions.EndpointConnectionError(endpoint_url=url),
            operation_name="GetJobBookmark",
        )
    )
    service = from_client_error(
        client_error("EntityNotFoundException", message=message), operation_name="GetJobBookmark"
    )
    assert isinstance(service, EntityNotFoundError)
    errors += [service, narrow_not_found(service, job_exists=True)]
    for err in errors:
        texts = [str(err), repr(err), repr(vars(err)), repr(pickle.dumps(err))]
        texts.append(str(pickle.loads(pickle.dumps(err))))
        assert not any("PASSWORD" in text or "reader" in text for text in texts), texts
        assert shown in str(err)
    assert service.message == f'Could not connect to the endpoint URL: "{shown}"'


def test_a_message_without_a_user_info_is_kept_as_it_is() -> None:
    for message in (
        'Could not connect to the endpoint URL: "http://127.0.0.1:9/"',
        "job a@b not found at http://host/path",
        "mail ops@example.com",
    ):
        assert str(TransportError(message)) == message


def test_all_exception_classes_are_public() -> None:
    public = {getattr(glue_bookmarks, name) for name in glue_bookmarks.__all__}
    assert set(CODE_TO_CLASS.values()) <= public


@pytest.mark.parametrize("job_exists", [True, False])
def test_a_narrowed_not_found_keeps_every_attribute(job_exists: bool) -> None:
    original = from_client_error(
        client_error("EntityNotFoundException", message="Continuation for job j not found"),
        operation_name="GetJobBookmark",
    )
    assert isinstance(original, EntityNotFoundError)

    narrowed = narrow_not_found(original, job_exists=job_exists)

    assert type(narrowed) is (NoBookmarkError if job_exists else JobNotFoundError)
    assert isinstance(narrowed, EntityNotFoundError)
    assert vars(narrowed) == vars(original)
    assert str(narrowed) == str(original)
    assert narrowed.args == original.args


def test_concurrent_runs_exceeded_has_its_class() -> None:
    err = from_client_error(
        client_error(
            "ConcurrentRunsExceededException",
            message="Concurrent runs exceeded for nightly",
            operation_name="StartJobRun",
        ),
        operation_name="StartJobRun",
    )
    assert type(err) is ConcurrentRunsExceededError
    assert (err.code, err.retryable, err.operation_name) == (
        "ConcurrentRunsExceededException",
        False,
        "StartJobRun",
    )
    assert str(err) == (
        "ConcurrentRunsExceededException: Concurrent runs exceeded for nightly "
        "(StartJobRun, HTTP 400, request id req-1)"
    )
