"""Helpers and constants the test modules share; fixtures live in `conftest.py`.

Test modules import from here (`from tests._support import ...`), never from `conftest`:
pytest imports `conftest` itself, and a second import of it by module name would be another
copy of the module.
"""

from __future__ import annotations

import asyncio
import functools
import http.client
import inspect
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import attrs
import botocore.loaders
import botocore.session
import pytest
from aiobotocore.session import AioSession
from botocore import exceptions as botocore_exceptions
from botocore.config import Config
from botocore.stub import Stubber
from mypy_boto3_glue.client import GlueClient as Boto3StubsGlueClient
from types_boto3_glue.client import GlueClient

from glue_bookmarks import (
    AccessDeniedError,
    AsyncGlueBookmarks,
    BookmarkState,
    EntityNotFoundError,
    GlueBookmarks,
    HadoopSourceState,
    InternalServiceError,
    InvalidInputError,
    JobBookmarkEntry,
    OperationTimeoutError,
    ServiceError,
    ThrottlingError,
    ValidationError,
)
from glue_bookmarks.testing import seed_job_bookmark, seed_job_run

__all__ = [
    "ACCESS_KEY",
    "DISABLE",
    "ENABLE",
    "ERROR_CASES",
    "GLUE_GET_JOBS",
    "HADOOP_STATE",
    "INSTALL_HINT",
    "LEVELS",
    "MOTO_LEVELS",
    "NIGHTLY_ENTRY",
    "NO_DEV_PLUGINS",
    "NO_MOTO",
    "ONE_ATTEMPT",
    "OPERATIONS",
    "PATIENCE",
    "PAUSE",
    "PROMPT",
    "REGION",
    "SECRET_KEY",
    "SEEDED_BOOKMARK",
    "SESSION_TOKEN",
    "ErrorCase",
    "Moto",
    "Stubbed",
    "aio_session",
    "as_utc",
    "blocking",
    "botocore_session",
    "client_error",
    "create_job",
    "glue_client",
    "http_request",
    "modules_imported_by",
    "need_job_member",
    "need_security_configurations",
    "post_json",
    "refused_endpoint",
    "runs_of",
    "seed_nightly",
    "wait_until",
    "with_sitecustomize",
]

# The bound on what should take well under a second (a stop, a cancellation, a deadline of a
# fraction of a second): 10x and more that, for a busy 2-core machine. Kept only where time is
# the behaviour, and then well under the 30 s of the slow answer it rules out waiting for.
PROMPT = 10.0

# How long a test waits for something it polls for before it fails: never reached when all is
# well, so it can be as generous as a busy machine needs.
PATIENCE = 30.0

# Known dummy credentials (the autouse `aws_environment` fixture sets them), so tests can
# check that none of them leaks.
ACCESS_KEY = "AKIDGLUEBOOKMARKSTEST"
SECRET_KEY = "glueBookmarksTestSecretKey0123456789abcd"
SESSION_TOKEN = "glueBookmarksTestSessionToken0123456789"
REGION = "us-east-1"

# No retries and short timeouts: a fault is seen once, and quickly.
ONE_ATTEMPT = Config(
    retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=2, read_timeout=2
)

# A job's `--job-bookmark-option` argument, as `DefaultArguments` or a run's `Arguments`.
ENABLE = {"--job-bookmark-option": "job-bookmark-enable"}
PAUSE = {"--job-bookmark-option": "job-bookmark-pause"}
DISABLE = {"--job-bookmark-option": "job-bookmark-disable"}

# Each public call of one job: its method of GlueBookmarks and its AWS operation name.
OPERATIONS = [("get_job_bookmark", "GetJobBookmark"), ("reset_job_bookmark", "ResetJobBookmark")]


@attrs.frozen
class ErrorCase:
    """An error answer and the exception it must raise.

    `from_federation_source` is both Glue's `FromFederationSource` member in the answer (absent
    when None) and the attribute expected on the exception.
    """

    code: str
    status: int
    cls: type[ServiceError]
    retryable: bool
    from_federation_source: bool | None = None

    @property
    def message(self) -> str:
        return f"{self.code} happened"

    @property
    def id(self) -> str:
        flag = self.from_federation_source
        return f"{self.code}-{self.status}" + ("" if flag is None else f"-federation-{flag}")


# Every modelled error of GetJobBookmark and ResetJobBookmark (those that model Glue's
# federation flag also with it, set and unset); the common ones; throttling by code and by 429;
# unknown codes below and above 500; and the codes botocore makes of a bare HTTP status.
ERROR_CASES = [
    ErrorCase("EntityNotFoundException", 400, EntityNotFoundError, False),
    ErrorCase("EntityNotFoundException", 400, EntityNotFoundError, False, True),
    ErrorCase("EntityNotFoundException", 400, EntityNotFoundError, False, False),
    ErrorCase("InvalidInputException", 400, InvalidInputError, False),
    ErrorCase("InvalidInputException", 400, InvalidInputError, False, True),
    ErrorCase("InvalidInputException", 400, InvalidInputError, False, False),
    ErrorCase("InternalServiceException", 500, InternalServiceError, True),
    ErrorCase("OperationTimeoutException", 400, OperationTimeoutError, True),
    ErrorCase("ValidationException", 400, ValidationError, False),
    ErrorCase("ThrottlingException", 400, ThrottlingError, True),
    ErrorCase("Throttling", 400, ThrottlingError, True),
    ErrorCase("TooManyRequestsException", 429, ThrottlingError, True),
    ErrorCase("AccessDeniedException", 403, AccessDeniedError, False),
    ErrorCase("UnrecognizedClientException", 400, ServiceError, False),
    ErrorCase("ServiceUnavailableException", 503, ServiceError, True),
    ErrorCase("429", 429, ServiceError, True),
    ErrorCase("502", 502, ServiceError, True),
]


_create_loader = botocore.loaders.create_loader


@functools.cache
def _shared_loader(search_path_string: str | None = None) -> botocore.loaders.Loader:
    return _create_loader(search_path_string)


def share_data_loaders() -> None:
    """Have every botocore (and aiobotocore) session made in this process from now on read
    the data files through one loader per data path, as if a long-lived program kept one
    session: each file (Glue's service model, the endpoints) is then parsed once per process
    rather than once per client (about a tenth of a second each). The loader only caches what
    it read, so a client is built as a fresh session builds it. Called by conftest.
    """
    botocore.session.create_loader = _shared_loader


def botocore_session() -> botocore.session.Session:
    """A new botocore session (its data files read once per process: `share_data_loaders`)."""
    return botocore.session.Session()


def aio_session() -> AioSession:
    """A new aiobotocore session (its data files read once per process, as botocore's)."""
    return AioSession()


def glue_client(endpoint_url: str | None = None, config: Config | None = None) -> GlueClient:
    """A plain botocore Glue client, as a user would build one."""
    client = botocore_session().create_client(
        "glue", region_name=REGION, endpoint_url=endpoint_url, config=config
    )
    return cast(GlueClient, client)


def create_job(client: GlueClient | Boto3StubsGlueClient, *names: str, **options: Any) -> None:
    """Create each of `names` as a Glue job; `options` add to or replace the minimal ones.

    `client` may be botocore's or boto3's (whose type comes from boto3-stubs here).
    """
    for name in names:
        client.create_job(
            **{"Role": "etl-role", "Command": {"Name": "glueetl"}, **options}, Name=name
        )


def client_error(
    code: str,
    *,
    status: int = 400,
    message: str = "it went wrong",
    request_id: str | None = "req-1",
    operation_name: str = "GetJobBookmark",
    **modeled: Any,
) -> botocore_exceptions.ClientError:
    """The `ClientError` botocore raises for an error answer, modelled members included."""
    metadata: dict[str, Any] = {"HTTPStatusCode": status, "HTTPHeaders": {}}
    if request_id is not None:
        metadata["RequestId"] = request_id
    response: Any = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": metadata,
        **modeled,
    }
    return botocore_exceptions.ClientError(response, operation_name)


@contextmanager
def refused_endpoint() -> Iterator[str]:
    """An http://127.0.0.1 URL that refuses connections, for the duration of the block.

    The port stays bound but never listens, so a connection is refused, and no other server
    (of a parallel test run, say) can take the port meanwhile.
    """
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{bound.getsockname()[1]}"


def wait_until(condition: Callable[[], bool], what: str, timeout: float = PATIENCE) -> None:
    """Poll `condition` until it holds; fail, saying `what` was awaited, after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.01)


def modules_imported_by(code: str, watched: tuple[str, ...]) -> list[str]:
    """Which of `watched` a fresh interpreter has imported once it has run `code`."""
    probe = (
        f"import json, sys; print(json.dumps(sorted(m for m in {watched!r} if m in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\n{probe}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    modules: list[str] = json.loads(result.stdout)
    return modules


# For pytest run on a user's tests (pytester): no cache, and none of the dev extra's plugins
# that a user need not have (pytest-asyncio warns of its own unset options).
NO_DEV_PLUGINS = ("-p", "no:cacheprovider", "-p", "no:asyncio")

# The two clients every contract case runs against: `GlueBookmarks`, and `AsyncGlueBookmarks`
# driven through `blocking()`.
LEVELS = ["sync", "async"]


class _Blocking:
    """An `AsyncGlueBookmarks` with the surface of `GlueBookmarks`, each call run to its end on
    `loop`, so one test body asserts the contract of both clients.

    An async iterator comes back as an iterator whose every `next()` runs one `__anext__()`,
    so laziness is kept too.
    """

    def __init__(self, client: AsyncGlueBookmarks, loop: asyncio.AbstractEventLoop) -> None:
        self._client = client
        self._loop = loop

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._client, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, **kwargs)
            if inspect.isawaitable(result):
                return self._loop.run_until_complete(result)
            if hasattr(result, "__anext__"):
                return self._iterate(result)
            return result

        return call

    def _iterate(self, iterator: AsyncIterator[Any]) -> Iterator[Any]:
        while True:
            try:
                yield self._loop.run_until_complete(iterator.__anext__())
            except StopAsyncIteration:
                return


@contextmanager
def blocking(client: AsyncGlueBookmarks) -> Iterator[GlueBookmarks]:
    """`client` driven from sync code on a loop of its own, closed (and the loop) after."""
    loop = asyncio.new_event_loop()
    try:
        # Typed as the sync client, whose surface it takes on.
        yield cast(GlueBookmarks, _Blocking(client, loop))
    finally:
        try:
            loop.run_until_complete(client.aclose())
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()


# What the `stubbed` fixture gives: a GlueBookmarks over a stubbed client, and its Stubber.
Stubbed = tuple[GlueBookmarks, Stubber]

# The two ways of reaching moto that the `moto` fixture gives: in-process under `mock_aws()`,
# and a moto server over HTTP.
MOTO_LEVELS = ["mock_aws", "server"]


def post_json(
    endpoint: str,
    route: str,
    body: object,
    method: str = "POST",
    content_type: str = "application/json",
) -> tuple[int, Any]:
    """Send `body` to a seeding route of a moto server (`glue_bookmarks.testing`): bytes as
    they are, anything else as JSON, as `content_type`. The status and the JSON answer, an
    error's too."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{endpoint}/glue-bookmarks/{route}",
        data=data if method == "POST" else None,
        method=method,
        headers={"Content-Type": content_type},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.headers["Content-Type"] == "application/json"
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as exc:
        assert exc.headers["Content-Type"] == "application/json"
        return exc.code, json.load(exc)


# The headers of a raw Glue `GetJobs` request, as botocore signs one (moto reads the credential
# scope, not the signature); its body is b"{}".
GLUE_GET_JOBS = {
    "Content-Type": "application/x-amz-json-1.1",
    "X-Amz-Target": "AWSGlue.GetJobs",
    "Authorization": (
        "AWS4-HMAC-SHA256 Credential=testing/20241028/us-east-1/glue/aws4_request, "
        "SignedHeaders=host;x-amz-target, Signature=0"
    ),
}


def http_request(
    endpoint: str,
    method: str,
    path: str,
    *,
    headers: Mapping[str, str | None] | None = None,
    body: bytes = b"",
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request to the server at `endpoint`, with exactly `headers` (`Host` the endpoint's
    unless given; None leaves a header out); its status, headers and body."""
    address = urlsplit(endpoint)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
    sent = {"Host": address.netloc, "Content-Length": str(len(body)), **(headers or {})}
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in sent.items():
            if value is not None:
                connection.putheader(name, value)
        connection.endheaders(body)
        answer = connection.getresponse()
        return answer.status, answer.headers, answer.read()
    finally:
        connection.close()


@attrs.frozen
class Moto:
    """moto as the `moto` fixture reaches it: a raw client for set-up, our facade over the same
    place, and the server's URL (None in-process).

    The `seed_*` methods seed with the extension's functions in-process and over the server's
    HTTP routes in server mode, as a test in another process would.
    """

    client: GlueClient
    gb: GlueBookmarks
    endpoint_url: str | None

    def create_job(
        self, name: str, arguments: dict[str, str] | None = None, **options: Any
    ) -> None:
        """The job `name` with `arguments` as its default ones; `options` as `create_job`'s."""
        # Whether a moto run still counts as running is up to moto's state manager: allow
        # several at once, so no test depends on it.
        concurrent = {"ExecutionProperty": {"MaxConcurrentRuns": 10}}
        create_job(self.client, name, DefaultArguments=arguments or {}, **{**concurrent, **options})

    def start(self, name: str, arguments: dict[str, str] | None = None) -> str:
        """Start a run of `name` (with `arguments`, if given); its id."""
        if arguments is None:
            return self.client.start_job_run(JobName=name)["JobRunId"]
        return self.client.start_job_run(JobName=name, Arguments=arguments)["JobRunId"]

    def seed_job_bookmark(self, job_name: str, **fields: Any) -> JobBookmarkEntry:
        """`seed_job_bookmark()`, or its route in server mode."""
        if self.endpoint_url is None:
            return seed_job_bookmark(job_name, **fields)
        answer = self._seed("seed-job-bookmark", {"job_name": job_name, **fields})
        return JobBookmarkEntry.from_dict(answer["JobBookmarkEntry"])

    def seed_job_run(self, job_name: str, started_on: datetime, **fields: Any) -> str:
        """`seed_job_run()`, or its route in server mode; the run's id."""
        if self.endpoint_url is None:
            return seed_job_run(job_name, started_on=started_on, **fields)
        body = {"job_name": job_name, "started_on": started_on.isoformat(), **fields}
        if isinstance(body.get("completed_on"), datetime):
            body["completed_on"] = body["completed_on"].isoformat()
        run_id: str = self._seed("seed-job-run", body)["JobRunId"]
        return run_id

    def _seed(self, route: str, body: dict[str, Any]) -> Any:
        assert self.endpoint_url is not None
        if isinstance(body.get("job_bookmark"), BookmarkState):
            body["job_bookmark"] = body["job_bookmark"].to_json()
        status, answer = post_json(self.endpoint_url, route, body)
        assert status == 200, answer
        return answer


# -- the moto extension's tests (tests/test_testing_*.py) ---------------------------------------

SEEDED_BOOKMARK = '{"datasource0": {"jsonClass": "HadoopDataSourceJobBookmarkState"}}'

# A state with every field of a Hadoop source set.
HADOOP_STATE = BookmarkState(
    {
        "datasource0": HadoopSourceState(
            run=2,
            high_band=timedelta(minutes=15),
            run_start_time=datetime(2024, 10, 28, 1, 32, 45, 613000, tzinfo=timezone.utc),
            include_list=("9f1c", "b2e4"),
        )
    }
)

# How the extension says moto is missing.
INSTALL_HINT = "install it with pip install 'glue-bookmarks[testing]'"

# A sitecustomize module for a child interpreter (`with_sitecustomize`, or a pytester
# directory) that finds moto nowhere, as where the `testing` extra is not installed.
NO_MOTO = """
import sys


class NoMoto:
    def find_spec(self, name, path=None, target=None):
        if name == "moto" or name.startswith("moto."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NoMoto())
"""


def with_sitecustomize(directory: Path, source: str) -> dict[str, str]:
    """This process's environment, with `source` run first by every child interpreter."""
    (directory / "sitecustomize.py").write_text(source)
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(directory), env.get("PYTHONPATH")]))
    return env


# The entry `seed_nightly` gives job "nightly": every member set.
NIGHTLY_ENTRY = JobBookmarkEntry(
    job_name="nightly",
    version=4,
    run=3,
    attempt=1,
    run_id="jr_3",
    previous_run_id="jr_2",
    job_bookmark=SEEDED_BOOKMARK,
)


def seed_nightly() -> JobBookmarkEntry:
    """Job "nightly" (which must exist) seeded with `NIGHTLY_ENTRY`, member by member."""
    entry = NIGHTLY_ENTRY
    return seed_job_bookmark(
        entry.job_name,
        version=entry.version,
        run=entry.run,
        attempt=entry.attempt,
        run_id=entry.run_id,
        previous_run_id=entry.previous_run_id,
        job_bookmark=entry.job_bookmark,
    )


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC: moto 5.1 answers times without a zone, which botocore leaves naive."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def runs_of(client: GlueClient, name: str) -> dict[str, Any]:
    """GetJobRuns's runs of the job, by id."""
    return {run["Id"]: run for run in client.get_job_runs(JobName=name)["JobRuns"]}


def need_security_configurations() -> None:
    """Skip a test whose jobs use Glue security configurations where moto has none (moto
    5.1.11, the floor, answers `CreateSecurityConfiguration` with a 500)."""
    from moto.glue.responses import GlueResponse

    if not hasattr(GlueResponse, "create_security_configuration"):
        pytest.skip("this moto has no Glue security configurations (CreateSecurityConfiguration)")


def need_job_member(member: str) -> None:
    """Skip a test that answers a Glue `Job` member this botocore's model does not know (one
    newer than the botocore floor, such as `JobRunQueuingEnabled`)."""
    shape = botocore_session().get_service_model("glue").shape_for("Job")
    if member not in getattr(shape, "members", {}):
        pytest.skip(f"this botocore's Glue model has no Job.{member}")
