"""The sample jobs of `make demo` and of `python -m glue_bookmarks.testing --samples`.

The jobs with bookmarks have run histories over several days of October 2024 (fixed times, so
what the docs show of them stays true): `rewind` finds a run to go back to, and the doctor
finds what its page shows.
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Final

import attrs

from glue_bookmarks import JobBookmarkEntry
from glue_bookmarks.testing._bookmarks import seed_job_bookmark, seed_job_run
from glue_bookmarks.testing._moto import BOOKMARK_OPTION

if TYPE_CHECKING:
    from types_boto3_glue.client import GlueClient

__all__ = [
    "DOCTOR_SAMPLES",
    "SAMPLES",
    "SCRIPTS_BUCKET",
    "DoctorSample",
    "SampleRun",
    "seed_all_samples",
    "seed_doctor_samples",
    "seed_sample_scripts",
    "seed_samples",
]

_ENABLE: Final = "job-bookmark-enable"


def _utc(day: int, hour: int, minute: int, second: int = 0) -> datetime:
    """A time in October 2024, UTC: when the sample runs started."""
    return datetime(2024, 10, day, hour, minute, second, tzinfo=timezone.utc)


@attrs.frozen(kw_only=True)
class SampleRun:
    """One run in a sample job's history.

    Attributes:
        run_id: The run's id.
        started_on: When it started.
        state: Its `JobRunState`.
        job_bookmark: What it committed, if it succeeded with bookmarks enabled: the
            `JobBookmark` of the entry it leaves.
        completed_on: When it ended; None for as it started.
    """

    run_id: str
    started_on: datetime
    state: str = "SUCCEEDED"
    job_bookmark: str | None = None
    completed_on: datetime | None = None


def _run(
    character: str,
    started_on: datetime,
    job_bookmark: str | None = None,
    state: str = "SUCCEEDED",
    completed_on: datetime | None = None,
) -> SampleRun:
    """A sample run whose id, in Glue's form (`jr_` and 64 hex digits), is all `character`."""
    return SampleRun(
        run_id="jr_" + character * 64,
        started_on=started_on,
        state=state,
        job_bookmark=job_bookmark,
        completed_on=completed_on,
    )


@attrs.frozen(kw_only=True)
class Sample:
    """One sample job.

    Attributes:
        job_name: The job's name.
        bookmark_option: The job's default `--job-bookmark-option`.
        runs: The job's runs, oldest first. Each that succeeded with bookmarks enabled
            committed its state, and is recorded, so the job can be rewound to it.
        runs_before: How many runs committed before `runs` (older than the history kept).
        attempt: The `Attempt` of the latest run's entry.
    """

    job_name: str
    bookmark_option: str
    runs: tuple[SampleRun, ...]
    runs_before: int = 0
    attempt: int = 0

    @property
    def bookmarks_enabled(self) -> bool:
        """Whether the job's runs advance its bookmark."""
        return self.bookmark_option == _ENABLE

    @property
    def committed(self) -> tuple[SampleRun, ...]:
        """The runs that committed a bookmark, oldest first."""
        if not self.bookmarks_enabled:
            return ()
        return tuple(run for run in self.runs if run.state == "SUCCEEDED")

    @property
    def entry(self) -> JobBookmarkEntry | None:
        """The entry the runs leave, which `GetJobBookmark` answers; None for a job that
        never ran with bookmarks enabled."""
        if not self.committed:
            return None
        *earlier, latest = self.committed
        count = self.runs_before + len(self.committed)
        return JobBookmarkEntry(
            job_name=self.job_name,
            version=count,
            run=count,
            attempt=self.attempt,
            previous_run_id=earlier[-1].run_id if earlier else None,
            run_id=latest.run_id,
            job_bookmark=latest.job_bookmark,
        )


def _hadoop_state(source: str, run: int, start: str, files: list[str]) -> str:
    """A `JobBookmark` of one S3 or Data Catalog source, as Glue writes it."""
    timestamps = {
        "RUN": str(run),
        "HIGH_BAND": "900000",
        "CURR_LATEST_PARTITION": "0",
        "CURR_LATEST_PARTITIONS": "",
        "CURR_RUN_START_TIME": start,
        "INCLUDE_LIST": ",".join(files),
    }
    return json.dumps(
        {source: {"jsonClass": "HadoopDataSourceJobBookmarkState", "timestamps": timestamps}}
    )


_NIGHTLY: Final = "AWSGlueDataCatalog_node1730078287682"
_CUSTOMERS_STATE: Final = json.dumps(
    {"jdbc_customers": {"jsonClass": "JDBCDataSourceJobBookmarkState"}}
)

SAMPLES: Final[tuple[Sample, ...]] = (
    Sample(
        job_name="nightly-orders",
        bookmark_option=_ENABLE,
        # Nightly, with a failed run retried the same night: a rewind passes over the failure.
        # The retry was started while the failing run was still going (the doctor's history
        # finds the two overlapped).
        runs=(
            _run(
                "1",
                _utc(26, 1, 32, 41),
                _hadoop_state(_NIGHTLY, 1, "2024-10-26T01:32:41.208Z", ["4a7be310"]),
                completed_on=_utc(26, 2, 11, 5),
            ),
            _run("f", _utc(27, 1, 30, 12), state="FAILED", completed_on=_utc(27, 2, 51, 40)),
            _run(
                "2",
                _utc(27, 2, 45, 9),
                _hadoop_state(_NIGHTLY, 2, "2024-10-27T02:45:09.870Z", ["c2d98f15", "71e0b3aa"]),
                completed_on=_utc(27, 3, 24, 51),
            ),
            _run(
                "3",
                _utc(28, 1, 32, 45),
                _hadoop_state(
                    _NIGHTLY, 3, "2024-10-28T01:32:45.613Z", ["9f1c2a7e", "0b44d1f3", "e57a9c02"]
                ),
                completed_on=_utc(28, 2, 14, 30),
            ),
        ),
    ),
    Sample(
        job_name="hourly-clickstream",
        bookmark_option=_ENABLE,
        # Its latest three runs; the nine before them are older than the history Glue keeps.
        runs=(
            _run(
                "a",
                _utc(28, 9, 0, 2),
                _hadoop_state(
                    "datasource0", 10, "2024-10-28T09:00:02.447Z", ["8e2f4c61", "d03a9b57"]
                ),
            ),
            _run(
                "b",
                _utc(28, 10, 0, 4),
                _hadoop_state("datasource0", 11, "2024-10-28T10:00:04.105Z", ["27c5e8f0"]),
            ),
            _run(
                "c",
                _utc(28, 11, 0, 3),
                _hadoop_state("datasource0", 12, "2024-10-28T11:00:03.021Z", ["5d0e7b19"]),
            ),
        ),
        runs_before=9,
        attempt=1,
    ),
    Sample(
        job_name="customer-dim-load",
        bookmark_option=_ENABLE,
        runs=(_run("d", _utc(21, 6, 0), _CUSTOMERS_STATE),),
    ),
    Sample(
        job_name="adhoc-backfill",
        bookmark_option="job-bookmark-disable",
        runs=(_run("0", _utc(20, 14, 12)),),
    ),
)


def seed_samples(client: GlueClient) -> list[str]:
    """Create the sample jobs through `client`, and seed their runs and bookmarks in moto.

    Each job's runs are seeded oldest first (after an entry standing for `runs_before`), each
    that commits committing its state, so `GetJobBookmark` answers `Sample.entry`.

    Args:
        client: A Glue client on moto (in-process or a server in this process) with the
            extension installed; the runs and bookmarks are seeded in its region.

    Returns:
        The sample job names, in order.

    Raises:
        ImportError: moto is not installed.
        InvalidParameterError: moto has no Glue in the client's region.
    """
    region_name = client.meta.region_name
    for sample in SAMPLES:
        client.create_job(
            Name=sample.job_name,
            Role="arn:aws:iam::123456789012:role/glue-etl",
            Command={"Name": "glueetl", "ScriptLocation": f"s3://scripts/{sample.job_name}.py"},
            DefaultArguments={BOOKMARK_OPTION: sample.bookmark_option},
            # Whether a moto run still counts as running is up to moto's state manager;
            # allowing several at once lets the demo (and users) start runs back to back.
            ExecutionProperty={"MaxConcurrentRuns": 10},
        )
        _seed_history(sample, region_name)
    return [sample.job_name for sample in SAMPLES]


def _seed_history(sample: Sample, region_name: str) -> None:
    """Seed a sample job's runs, each that commits advancing its bookmark."""
    if sample.runs_before:
        seed_job_bookmark(
            sample.job_name,
            version=sample.runs_before,
            run=sample.runs_before,
            region_name=region_name,
        )
    for run in sample.runs:
        seed_job_run(
            sample.job_name,
            started_on=run.started_on,
            state=run.state,
            completed_on=run.completed_on,
            run_id=run.run_id,
            # Left out (...) for a run that commits nothing, as seed_job_run requires.
            job_bookmark=run.job_bookmark if run in sample.committed else ...,
            region_name=region_name,
        )
    entry = sample.entry
    if entry is not None and entry.attempt:  # a run seeded here is always attempt 0
        seed_job_bookmark(**attrs.asdict(entry, recurse=False), region_name=region_name)


@attrs.frozen(kw_only=True)
class DoctorSample:
    """One sample job set up the way `glue-bookmarks doctor` finds fault with.

    Attributes:
        job_name: The job's name.
        job_type: Its `Command.Name`.
        bookmark_option: Its default `--job-bookmark-option`.
        bookmark: Whether it gets a bookmark (seeded as run 1).
        succeeded_run_then_reset: Whether a run succeeds with bookmarks enabled and the
            bookmark is then reset, as if the run had never committed one.
        finding: The finding code `doctor` reports for it.
    """

    job_name: str
    job_type: str
    bookmark_option: str
    bookmark: bool = False
    succeeded_run_then_reset: bool = False
    finding: str


DOCTOR_SAMPLES: Final[tuple[DoctorSample, ...]] = (
    DoctorSample(
        job_name="orders-no-commit",
        job_type="glueetl",
        bookmark_option=_ENABLE,
        succeeded_run_then_reset=True,
        finding="enabled-never-committed",
    ),
    DoctorSample(
        job_name="clickstream-live",
        job_type="gluestreaming",
        bookmark_option=_ENABLE,
        finding="unsupported-job-type",
    ),
    DoctorSample(
        job_name="legacy-export",
        job_type="glueetl",
        bookmark_option="job-bookmark-disable",
        bookmark=True,
        finding="disabled-with-bookmark",
    ),
    DoctorSample(
        job_name="finance-paused",
        job_type="glueetl",
        bookmark_option="job-bookmark-pause",
        bookmark=True,
        finding="paused",
    ),
)

_SAMPLE_RUN_START: Final = datetime(2024, 10, 27, 1, 0, tzinfo=timezone.utc)


def seed_doctor_samples(client: GlueClient) -> list[str]:
    """Create the doctor's sample jobs through `client` and seed their bookmarks and runs.

    Each allows one run at a time, as Glue's default does.

    Args:
        client: A Glue client on moto (in-process or a server in this process) with the
            extension installed.

    Returns:
        The sample job names, in order.

    Raises:
        ImportError: moto is not installed.
        InvalidParameterError: moto has no Glue in the client's region.
    """
    region_name = client.meta.region_name
    for sample in DOCTOR_SAMPLES:
        client.create_job(
            Name=sample.job_name,
            Role="arn:aws:iam::123456789012:role/glue-etl",
            Command={
                "Name": sample.job_type,
                "ScriptLocation": f"s3://scripts/{sample.job_name}.py",
            },
            DefaultArguments={BOOKMARK_OPTION: sample.bookmark_option},
            GlueVersion="4.0",
        )
        if sample.bookmark:
            seed_job_bookmark(
                sample.job_name,
                run_id="jr_" + "e" * 64,
                job_bookmark=_hadoop_state(
                    "datasource0", 1, "2024-10-27T01:00:00.000Z", ["a1b2c3d4"]
                ),
                region_name=region_name,
            )
        if sample.succeeded_run_then_reset:
            seed_job_run(sample.job_name, started_on=_SAMPLE_RUN_START, region_name=region_name)
            client.reset_job_bookmark(JobName=sample.job_name)
    return [sample.job_name for sample in DOCTOR_SAMPLES]


# The bucket the sample jobs' scripts are in (their `Command.ScriptLocation`).
SCRIPTS_BUCKET: Final = "scripts"
# Glue Studio gives a node a new id when it is deleted and added again: the nightly job's
# script now reads its orders under a context the bookmark holds no state for, so its next
# run would read every file again. `glue-bookmarks lint --job nightly-orders` finds it.
_NIGHTLY_RECREATED: Final = "AWSGlueDataCatalog_node1733407415110"
_SCRIPT_CONTEXTS: Final[dict[str, str]] = {
    "nightly-orders": _NIGHTLY_RECREATED,
    "hourly-clickstream": "datasource0",
    "customer-dim-load": "jdbc_customers",
}


def _script(job_name: str) -> str:
    """A sample job's PySpark script, as Glue Studio writes one: a catalog read, committed."""
    context = _SCRIPT_CONTEXTS.get(job_name, "datasource0")
    # The doctor's never-committed job never commits: the lint says why before any run.
    commit = "" if job_name == "orders-no-commit" else "job.commit()\n"
    return (
        "import sys\n"
        "from awsglue.context import GlueContext\n"
        "from awsglue.job import Job\n"
        "from awsglue.utils import getResolvedOptions\n"
        "from pyspark.context import SparkContext\n"
        "\n"
        'args = getResolvedOptions(sys.argv, ["JOB_NAME"])\n'
        "glueContext = GlueContext(SparkContext())\n"
        "job = Job(glueContext)\n"
        'job.init(args["JOB_NAME"], args)\n'
        "source = glueContext.create_dynamic_frame.from_catalog(\n"
        f'    database="sales", table_name="{job_name}", transformation_ctx="{context}"\n'
        ")\n"
        "glueContext.write_dynamic_frame.from_options(\n"
        '    frame=source, connection_type="s3", format="parquet",\n'
        f'    connection_options={{"path": "s3://curated/{job_name}/"}},\n'
        ")\n"
        f"{commit}"
    )


def seed_sample_scripts(s3_client: Any) -> list[str]:
    """Put every sample job's script in moto S3, where its `Command.ScriptLocation` says.

    Args:
        s3_client: An S3 client on the same moto (in-process or the server).

    Returns:
        The scripts' s3:// URLs.
    """
    with contextlib.suppress(s3_client.exceptions.BucketAlreadyOwnedByYou):
        s3_client.create_bucket(Bucket=SCRIPTS_BUCKET)
    urls = []
    for job_name in [sample.job_name for sample in SAMPLES + DOCTOR_SAMPLES]:
        key = f"{job_name}.py"
        s3_client.put_object(Bucket=SCRIPTS_BUCKET, Key=key, Body=_script(job_name).encode())
        urls.append(f"s3://{SCRIPTS_BUCKET}/{key}")
    return urls


def seed_all_samples(client: GlueClient, s3_client: Any = None) -> list[str]:
    """Create every sample job through `client`: the `SAMPLES` and the `DOCTOR_SAMPLES`; with
    `s3_client`, their scripts too (`seed_sample_scripts`).

    What `python -m glue_bookmarks.testing --samples` serves, and `make demo` shows.

    Args:
        client: A Glue client on moto (in-process or a server in this process) with the
            extension installed.
        s3_client: An S3 client on the same moto, for the scripts; None: no scripts.

    Returns:
        The job names, the samples' and then the doctor's.

    Raises:
        ImportError: moto is not installed.
        InvalidParameterError: moto has no Glue in the client's region.
    """
    names = seed_samples(client) + seed_doctor_samples(client)
    if s3_client is not None:
        seed_sample_scripts(s3_client)
    return names
