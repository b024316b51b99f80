"""Test code that reads Glue job bookmarks against moto (the `testing` extra).

moto implements Glue jobs but not job bookmarks. `install()` adds `GetJobBookmark` to moto's
Glue, in-process under `mock_aws()` and in moto server mode alike, and `seed_job_bookmark()`
gives a job (created with moto's own `create_job`) the bookmark entry a test needs:

```python
import boto3
from moto import mock_aws
from glue_bookmarks import GlueBookmarks
from glue_bookmarks.testing import install, seed_job_bookmark

install()
with mock_aws():
    glue = boto3.client("glue", region_name="us-east-1")
    glue.create_job(Name="nightly", Role="etl", Command={"Name": "glueetl"})
    seed_job_bookmark("nightly", version=2, run=2, run_id="jr_2", job_bookmark="{}")
    assert GlueBookmarks(client=glue).get_job_bookmark("nightly").version == 2
```

What the extension answers, and where that is our choice rather than documented AWS behaviour:

- A job that does not exist: `EntityNotFoundException` "Job NAME not found." (moto's own).
- A job with no bookmark: `EntityNotFoundException` "Continuation for job NAME not found",
  which is what Glue answers to `ResetJobBookmark` for such a job; we assume `GetJobBookmark`
  answers the same.
- A `RunId` that is not the entry's `RunId`: `EntityNotFoundException` "Continuation for job
  NAME and run RUN_ID not found" (our choice; AWS does not document it).

Bookmarks live with moto's job: per account and region, gone when the job is deleted, and
cleared by moto's reset (leaving `mock_aws()`, or `POST /moto-api/reset` on a server).

Run `python -m glue_bookmarks.testing --port 5000` to serve moto with the extension on
127.0.0.1, for clients in any language (`aws glue get-job-bookmark --endpoint-url ...`).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import botocore.session

from glue_bookmarks._exceptions import InvalidParameterError
from glue_bookmarks._models import JobBookmarkEntry
from glue_bookmarks._validation import check_name

if TYPE_CHECKING:
    from moto.glue.models import FakeJob, GlueBackend
    from moto.glue.responses import GlueResponse
    from types_boto3_glue.client import GlueClient

__all__ = ["install", "seed_job_bookmark"]

_FALLBACK_REGION = "us-east-1"

# Keyed by moto's job object, so a bookmark lives exactly as long as its job: deleting the job
# or resetting moto drops it, and a job created again under the same name starts without one.
_entries: weakref.WeakKeyDictionary[FakeJob, JobBookmarkEntry] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _import_moto() -> None:
    try:
        import moto.glue  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            "glue_bookmarks.testing needs moto; install it with "
            "pip install 'glue-bookmarks[testing]'"
        ) from exc


def _get_job_bookmark(self: GlueResponse) -> str:
    """moto's handler for GetJobBookmark; installed on GlueResponse by `install()`."""
    from moto.glue.exceptions import EntityNotFoundException, InvalidInputException

    job_name = self._get_param("JobName")
    run_id = self._get_param("RunId")
    if not isinstance(job_name, str) or not job_name:
        raise InvalidInputException("GetJobBookmark", "JobName is required")
    job = self.glue_backend.get_job(job_name)
    with _lock:
        entry = _entries.get(job)
    if entry is None:
        raise EntityNotFoundException(f"Continuation for job {job_name} not found")
    if run_id is not None and run_id != entry.run_id:
        raise EntityNotFoundException(f"Continuation for job {job_name} and run {run_id} not found")
    # A JSON string is the answer form every moto 5 release accepts from a handler.
    return json.dumps({"JobBookmarkEntry": entry.to_dict()})


def install() -> None:
    """Add job bookmarks to moto's Glue in this process.

    Safe to call any number of times, before or inside `mock_aws()`. It serves both
    `mock_aws()` and `moto.server.ThreadedMotoServer` started in this process.

    Raises:
        ImportError: moto is not installed (`pip install 'glue-bookmarks[testing]'`).
    """
    _import_moto()
    from moto.glue.responses import GlueResponse

    # moto dispatches to the GlueResponse method named after the action, looked up per request.
    GlueResponse.get_job_bookmark = _get_job_bookmark  # type: ignore[attr-defined]


def _backend(account_id: str | None, region_name: str | None) -> GlueBackend:
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.glue.models import glue_backends

    account = account_id or DEFAULT_ACCOUNT_ID
    region = (
        region_name or botocore.session.Session().get_config_variable("region") or _FALLBACK_REGION
    )
    try:
        return glue_backends[account][region]
    except KeyError:
        raise InvalidParameterError(
            f"moto has no Glue region {region!r}", parameter="region_name"
        ) from None


def _check_count(parameter: str, value: object) -> int:
    if type(value) is not int or value < 0:
        raise InvalidParameterError(
            f"{parameter} must be a non-negative int, got {value!r}", parameter=parameter
        )
    return value


def seed_job_bookmark(
    job_name: str,
    *,
    version: int = 1,
    run: int = 1,
    attempt: int = 0,
    run_id: str | None = None,
    previous_run_id: str | None = None,
    job_bookmark: str | None = None,
    account_id: str | None = None,
    region_name: str | None = None,
) -> JobBookmarkEntry:
    """Give a moto Glue job the bookmark entry `GetJobBookmark` will return.

    The job must exist already (create it with moto's `create_job`). Seeding again replaces
    the entry. Calls `install()`.

    Args:
        job_name: The job, as created in moto.
        version: The entry's `Version`.
        run: The entry's `Run`.
        attempt: The entry's `Attempt`.
        run_id: The entry's `RunId`; left out of answers when None.
        previous_run_id: The entry's `PreviousRunId`; left out of answers when None.
        job_bookmark: The raw `JobBookmark` string, returned exactly as given (it is not
            checked to be JSON, so a test can seed a malformed one).
        account_id: moto's account; by default moto's default account.
        region_name: The region; by default the one botocore would use (`AWS_DEFAULT_REGION`,
            the profile), else `us-east-1`.

    Returns:
        The entry as seeded.

    Raises:
        InvalidParameterError: The job does not exist in that account and region, or a value
            has the wrong type.
    """
    install()
    if job_bookmark is not None and not isinstance(job_bookmark, str):
        raise InvalidParameterError(
            f"job_bookmark must be a str or None, got {type(job_bookmark).__name__}",
            parameter="job_bookmark",
        )
    entry = JobBookmarkEntry(
        job_name=check_name("job_name", job_name),
        version=_check_count("version", version),
        run=_check_count("run", run),
        attempt=_check_count("attempt", attempt),
        run_id=None if run_id is None else check_name("run_id", run_id),
        previous_run_id=(
            None if previous_run_id is None else check_name("previous_run_id", previous_run_id)
        ),
        job_bookmark=job_bookmark,
    )
    backend = _backend(account_id, region_name)
    job = backend.jobs.get(job_name)
    if job is None:
        raise InvalidParameterError(
            f"moto has no Glue job {job_name!r} in account {backend.account_id}, region "
            f"{backend.region_name}; create it first with create_job",
            parameter="job_name",
        )
    with _lock:
        _entries[job] = entry
    return entry


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m glue_bookmarks.testing",
        description="Serve moto, with Glue job bookmarks, on 127.0.0.1 until interrupted.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=5000, help="port; 0 picks a free one")
    parser.add_argument(
        "--samples",
        action="store_true",
        help="create the demo's sample jobs, with bookmarks, in --region",
    )
    parser.add_argument(
        "--region", default=_FALLBACK_REGION, help="region for --samples (us-east-1)"
    )
    args = parser.parse_args(argv)

    install()
    from moto.server import ThreadedMotoServer

    # SIGTERM stops the server as cleanly as Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)

    server = ThreadedMotoServer(ip_address=args.host, port=args.port, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        if args.samples:
            from glue_bookmarks._demo import seed_samples

            seed_samples(_server_client(endpoint, args.region), region_name=args.region)
        print(f"moto Glue with job bookmarks on {endpoint} (Ctrl-C stops it)", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def _server_client(endpoint: str, region_name: str) -> GlueClient:
    # moto server accepts any credentials; these only let botocore sign the request.
    client = botocore.session.Session().create_client(
        "glue",
        region_name=region_name,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - moto's dummy credentials
    )
    return cast("GlueClient", client)


if __name__ == "__main__":
    # Run the importable module's _main, not this __main__ copy's, so the handler install()
    # registers and the bookmarks seed_job_bookmark() stores share one module state.
    from glue_bookmarks.testing import _main as main

    sys.exit(main())
