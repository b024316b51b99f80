"""Test code that reads, resets and rewinds Glue job bookmarks against moto (`testing` extra).

moto implements Glue jobs and job runs but not job bookmarks. `install()` adds them to moto's
Glue, in-process under `mock_aws()` and in moto server mode alike:

- `GetJobBookmark` and `ResetJobBookmark` (with and without a `RunId`);
- `StartJobRun` on a job whose arguments enable bookmarks advances its bookmark, as a run that
  finished and committed would;
- `seed_job_bookmark()` gives a job the entry a test needs, `set_bookmark_state()` sets what
  the latest run committed, and `bookmark_calls()` counts the calls a job received.

```python
import boto3
from moto import mock_aws
from glue_bookmarks import BookmarkState, GlueBookmarks, HadoopSourceState
from glue_bookmarks.testing import install, set_bookmark_state

install()
with mock_aws():
    glue = boto3.client("glue", region_name="us-east-1")
    glue.create_job(
        Name="nightly", Role="etl", Command={"Name": "glueetl"},
        DefaultArguments={"--job-bookmark-option": "job-bookmark-enable"},
        ExecutionProperty={"MaxConcurrentRuns": 10},
    )
    run_id = glue.start_job_run(JobName="nightly")["JobRunId"]
    set_bookmark_state("nightly", BookmarkState({"datasource0": HadoopSourceState(run=1)}))
    entry = GlueBookmarks(client=glue).get_job_bookmark("nightly")
    assert (entry.run, entry.run_id) == (1, run_id)
```

The docs' "Testing with moto" page lists what the extension answers, case by case, and which
of those answers are our choice where AWS does not document Glue's behaviour.

Run `python -m glue_bookmarks.testing --port 5000` to serve moto with the extension on
127.0.0.1, for clients in any language (`aws glue get-job-bookmark --endpoint-url ...`).
"""

from __future__ import annotations

import argparse
import collections
import signal
import sys
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Final, cast

import attrs
import botocore.session

from glue_bookmarks._exceptions import InvalidParameterError
from glue_bookmarks._models import BookmarkState, JobBookmarkEntry
from glue_bookmarks._validation import check_name

if TYPE_CHECKING:
    from moto.glue.models import FakeJob, GlueBackend
    from moto.glue.responses import GlueResponse
    from types_boto3_glue.client import GlueClient

__all__ = ["bookmark_calls", "install", "seed_job_bookmark", "set_bookmark_state"]

_FALLBACK_REGION: Final = "us-east-1"
_BOOKMARK_OPTION: Final = "--job-bookmark-option"
_COUNTED_OPERATIONS: Final = ("GetJobBookmark", "ResetJobBookmark", "StartJobRun")


@attrs.define
class _JobRecord:
    """What the extension keeps for one moto job."""

    # The current entry; None when the job has no bookmark.
    entry: JobBookmarkEntry | None = None
    # Run id -> the entry as it last stood while that run was the latest: what a rewind to
    # that run restores.
    runs: dict[str, JobBookmarkEntry] = attrs.Factory(dict)
    calls: collections.Counter[str] = attrs.Factory(collections.Counter)

    def set_entry(self, entry: JobBookmarkEntry | None) -> None:
        self.entry = entry
        if entry is not None and entry.run_id is not None:
            self.runs[entry.run_id] = entry


# Keyed by moto's job object, so a record lives exactly as long as its job: deleting the job
# or resetting moto drops it, and a job created again under the same name starts without one.
_records: weakref.WeakKeyDictionary[FakeJob, _JobRecord] = weakref.WeakKeyDictionary()
# moto server answers on many threads; every read and change of a record holds this lock.
_lock = threading.Lock()


def _record(job: FakeJob) -> _JobRecord:
    record = _records.get(job)
    if record is None:
        record = _records[job] = _JobRecord()
    return record


def _import_moto() -> None:
    try:
        import moto.glue  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            "glue_bookmarks.testing needs moto; install it with "
            "pip install 'glue-bookmarks[testing]'"
        ) from exc


def _requested_job(response: GlueResponse, operation_name: str) -> tuple[str, FakeJob]:
    from moto.glue.exceptions import InvalidInputException

    job_name = response._get_param("JobName")
    if not isinstance(job_name, str) or not job_name:
        raise InvalidInputException(operation_name, "JobName is required")
    # moto's own EntityNotFoundException "Job NAME not found." for a job that does not exist.
    return job_name, response.glue_backend.get_job(job_name)


def _answer(entry: JobBookmarkEntry) -> str:
    import json

    # A JSON string is the answer form every moto 5 release accepts from a handler.
    return json.dumps({"JobBookmarkEntry": entry.to_dict()})


def _no_continuation(job_name: str, run_id: str | None = None) -> Exception:
    from moto.glue.exceptions import EntityNotFoundException

    if run_id is None:
        return EntityNotFoundException(f"Continuation for job {job_name} not found")
    return EntityNotFoundException(f"Continuation for job {job_name} and run {run_id} not found")


def _counted_entry(record: _JobRecord, operation_name: str, job_name: str) -> JobBookmarkEntry:
    # Every call naming an existing job counts, also one answered "no bookmark yet".
    record.calls[operation_name] += 1
    if record.entry is None:
        raise _no_continuation(job_name)
    return record.entry


def _get_job_bookmark(self: GlueResponse) -> str:
    """moto's handler for GetJobBookmark; installed on GlueResponse by `install()`."""
    job_name, job = _requested_job(self, "GetJobBookmark")
    run_id = self._get_param("RunId")
    with _lock:
        record = _record(job)
        entry = _counted_entry(record, "GetJobBookmark", job_name)
        if run_id is None:
            return _answer(entry)
        recorded = record.runs.get(run_id)
        if recorded is None:
            raise _no_continuation(job_name, run_id)
    return _answer(recorded)


def _reset_job_bookmark(self: GlueResponse) -> str:
    """moto's handler for ResetJobBookmark; installed on GlueResponse by `install()`."""
    job_name, job = _requested_job(self, "ResetJobBookmark")
    run_id = self._get_param("RunId")
    with _lock:
        record = _record(job)
        entry = _counted_entry(record, "ResetJobBookmark", job_name)
        if run_id is None:
            # A reset forgets everything: the next run with bookmarks starts from nothing.
            record.entry = None
            record.runs.clear()
            return _answer(entry)
        target = record.runs.get(run_id)
        if target is None:
            raise _no_continuation(job_name, run_id)
        rewound = attrs.evolve(target, version=entry.version + 1)
        record.set_entry(rewound)
    return _answer(rewound)


def _bookmark_option(response: GlueResponse, job: FakeJob) -> str:
    # Glue's precedence: the job's defaults, then the run's arguments, then the job's
    # non-overridable arguments.
    arguments = {
        **(job.default_arguments or {}),
        **(response._get_param("Arguments") or {}),
        **(job.non_overridable_arguments or {}),
    }
    return str(arguments.get(_BOOKMARK_OPTION, "job-bookmark-disable"))


def _started(record: _JobRecord, job_name: str, run_id: str) -> None:
    previous = record.entry
    record.set_entry(
        JobBookmarkEntry(
            job_name=job_name,
            version=1 if previous is None else previous.version + 1,
            run=1 if previous is None else previous.run + 1,
            attempt=0,
            previous_run_id=None if previous is None else previous.run_id,
            run_id=run_id,
            job_bookmark=None if previous is None else previous.job_bookmark,
        )
    )


def _wrap_start_job_run(original: Callable[[GlueResponse], object]) -> Callable[..., object]:
    def start_job_run(self: GlueResponse) -> object:
        """moto's StartJobRun, then the bookmark advanced; installed by `install()`."""
        job_name = self._get_param("JobName")
        job = self.glue_backend.jobs.get(job_name) if isinstance(job_name, str) else None
        if job is None:
            return original(self)
        with _lock:
            record = _record(job)
            record.calls["StartJobRun"] += 1
            answer = original(self)
            if _bookmark_option(self, job) == "job-bookmark-enable":
                _started(record, job.name, job.job_runs[-1].job_run_id)
        return answer

    start_job_run.wrapped = original  # type: ignore[attr-defined]
    return start_job_run


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
    GlueResponse.reset_job_bookmark = _reset_job_bookmark  # type: ignore[attr-defined]
    with _lock:
        if not hasattr(GlueResponse.start_job_run, "wrapped"):
            GlueResponse.start_job_run = _wrap_start_job_run(  # type: ignore[method-assign,assignment]
                GlueResponse.start_job_run
            )


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


def _job(job_name: str, account_id: str | None, region_name: str | None) -> FakeJob:
    check_name("job_name", job_name)
    backend = _backend(account_id, region_name)
    job = backend.jobs.get(job_name)
    if job is None:
        raise InvalidParameterError(
            f"moto has no Glue job {job_name!r} in account {backend.account_id}, region "
            f"{backend.region_name}; create it first with create_job",
            parameter="job_name",
        )
    return job


def _bookmark_string(job_bookmark: object) -> str | None:
    if job_bookmark is None or isinstance(job_bookmark, str):
        return job_bookmark
    if isinstance(job_bookmark, BookmarkState):
        return job_bookmark.to_json()
    raise InvalidParameterError(
        f"job_bookmark must be a BookmarkState, a str or None, got {type(job_bookmark).__name__}",
        parameter="job_bookmark",
    )


def seed_job_bookmark(
    job_name: str,
    *,
    version: int = 1,
    run: int = 1,
    attempt: int = 0,
    run_id: str | None = None,
    previous_run_id: str | None = None,
    job_bookmark: BookmarkState | str | None = None,
    account_id: str | None = None,
    region_name: str | None = None,
) -> JobBookmarkEntry:
    """Give a moto Glue job the bookmark entry `GetJobBookmark` will return.

    The job must exist already (create it with moto's `create_job`). Seeding again replaces
    the current entry. An entry with a `run_id` is also recorded as that run's, so a test can
    seed several runs one after another and then rewind to any of them. Calls `install()`.

    Args:
        job_name: The job, as created in moto.
        version: The entry's `Version`.
        run: The entry's `Run`.
        attempt: The entry's `Attempt`.
        run_id: The entry's `RunId`; left out of answers when None.
        previous_run_id: The entry's `PreviousRunId`; left out of answers when None.
        job_bookmark: The bookmark: a `BookmarkState` (written with `to_json()`), or a raw
            string returned exactly as given (it is not checked to be JSON, so a test can
            seed a malformed one).
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
    entry = JobBookmarkEntry(
        job_name=check_name("job_name", job_name),
        version=_check_count("version", version),
        run=_check_count("run", run),
        attempt=_check_count("attempt", attempt),
        run_id=None if run_id is None else check_name("run_id", run_id),
        previous_run_id=(
            None if previous_run_id is None else check_name("previous_run_id", previous_run_id)
        ),
        job_bookmark=_bookmark_string(job_bookmark),
    )
    job = _job(job_name, account_id, region_name)
    with _lock:
        _record(job).set_entry(entry)
    return entry


def set_bookmark_state(
    job_name: str,
    job_bookmark: BookmarkState | str | None,
    *,
    account_id: str | None = None,
    region_name: str | None = None,
) -> JobBookmarkEntry:
    """Set the bookmark state that the job's latest run committed.

    moto runs execute no script, so a test plays the script's part: start a run with
    bookmarks enabled, then set what it would have committed. Only the entry's
    `JobBookmark` changes; the next run with bookmarks enabled carries it on, and a rewind
    to the latest run restores it. Calls `install()`.

    Args:
        job_name: The job, as created in moto.
        job_bookmark: A `BookmarkState` (written with `to_json()`), or a raw string stored
            exactly as given; None removes the state.
        account_id: moto's account; by default moto's default account.
        region_name: The region; by default the one botocore would use, else `us-east-1`.

    Returns:
        The job's entry with the new state.

    Raises:
        InvalidParameterError: The job does not exist, has no bookmark yet (start a run with
            bookmarks enabled, or use `seed_job_bookmark()`), or `job_bookmark` has the
            wrong type.
    """
    install()
    text = _bookmark_string(job_bookmark)
    job = _job(job_name, account_id, region_name)
    with _lock:
        record = _record(job)
        if record.entry is None:
            raise InvalidParameterError(
                f"job {job_name!r} has no bookmark yet: start a run with "
                f"{_BOOKMARK_OPTION} job-bookmark-enable, or use seed_job_bookmark()",
                parameter="job_name",
            )
        entry = attrs.evolve(record.entry, job_bookmark=text)
        record.set_entry(entry)
    return entry


def bookmark_calls(
    job_name: str, *, account_id: str | None = None, region_name: str | None = None
) -> dict[str, int]:
    """Count the calls a moto job has received, by operation.

    Counted per job, for as long as the job lives (like its bookmark): every
    `GetJobBookmark`, `ResetJobBookmark` and `StartJobRun` naming the job, including those
    answered with an error such as "no bookmark yet". Calls naming a job that does not exist
    are not counted anywhere. Calls `install()`.

    Args:
        job_name: The job, as created in moto.
        account_id: moto's account; by default moto's default account.
        region_name: The region; by default the one botocore would use, else `us-east-1`.

    Returns:
        A new dict with all three operations, such as
        `{"GetJobBookmark": 2, "ResetJobBookmark": 0, "StartJobRun": 1}`.

    Raises:
        InvalidParameterError: The job does not exist in that account and region.
    """
    install()
    job = _job(job_name, account_id, region_name)
    with _lock:
        calls = _record(job).calls
        return {operation: calls[operation] for operation in _COUNTED_OPERATIONS}


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
