"""The sample jobs of `make demo` and of `python -m glue_bookmarks.testing --samples`."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Final

import attrs

from glue_bookmarks import JobBookmarkEntry
from glue_bookmarks.testing._bookmarks import seed_job_bookmark, seed_job_run
from glue_bookmarks.testing._moto import BOOKMARK_OPTION

if TYPE_CHECKING:
    from types_boto3_glue.client import GlueClient

__all__ = ["DOCTOR_SAMPLES", "SAMPLES", "DoctorSample", "seed_doctor_samples", "seed_samples"]

_ENABLE: Final = "job-bookmark-enable"


@attrs.frozen(kw_only=True)
class Sample:
    """One sample job.

    Attributes:
        job_name: The job's name.
        bookmark_option: The job's default `--job-bookmark-option`.
        entry: The bookmark entry seeded for it; None for a job that never ran with bookmarks.
    """

    job_name: str
    bookmark_option: str
    entry: JobBookmarkEntry | None

    @property
    def bookmarks_enabled(self) -> bool:
        """Whether the job's runs advance its bookmark."""
        return self.bookmark_option == _ENABLE


def _hadoop_state(run: int, start: str, files: list[str]) -> dict[str, object]:
    """One S3 or Data Catalog source's state, as Glue writes it."""
    return {
        "jsonClass": "HadoopDataSourceJobBookmarkState",
        "timestamps": {
            "RUN": str(run),
            "HIGH_BAND": "900000",
            "CURR_LATEST_PARTITION": "0",
            "CURR_LATEST_PARTITIONS": "",
            "CURR_RUN_START_TIME": start,
            "INCLUDE_LIST": ",".join(files),
        },
    }


SAMPLES: Final[tuple[Sample, ...]] = (
    Sample(
        job_name="nightly-orders",
        bookmark_option=_ENABLE,
        entry=JobBookmarkEntry(
            job_name="nightly-orders",
            version=3,
            run=3,
            attempt=0,
            previous_run_id="jr_" + "2" * 64,
            run_id="jr_" + "3" * 64,
            job_bookmark=json.dumps(
                {
                    "AWSGlueDataCatalog_node1730078287682": _hadoop_state(
                        3, "2024-10-28T01:32:45.613Z", ["9f1c2a7e", "0b44d1f3", "e57a9c02"]
                    )
                }
            ),
        ),
    ),
    Sample(
        job_name="hourly-clickstream",
        bookmark_option=_ENABLE,
        entry=JobBookmarkEntry(
            job_name="hourly-clickstream",
            version=12,
            run=12,
            attempt=1,
            previous_run_id="jr_" + "b" * 64,
            run_id="jr_" + "c" * 64,
            job_bookmark=json.dumps(
                {"datasource0": _hadoop_state(12, "2024-10-28T11:00:03.021Z", ["5d0e7b19"])}
            ),
        ),
    ),
    Sample(
        job_name="customer-dim-load",
        bookmark_option=_ENABLE,
        entry=JobBookmarkEntry(
            job_name="customer-dim-load",
            version=1,
            run=1,
            run_id="jr_" + "d" * 64,
            job_bookmark=json.dumps(
                {"jdbc_customers": {"jsonClass": "JDBCDataSourceJobBookmarkState"}}
            ),
        ),
    ),
    Sample(job_name="adhoc-backfill", bookmark_option="job-bookmark-disable", entry=None),
)


def seed_samples(client: GlueClient) -> list[str]:
    """Create the sample jobs through `client` and seed their bookmarks in moto.

    Args:
        client: A Glue client on moto (in-process or a server in this process) with the
            extension installed; the bookmarks are seeded in its region.

    Returns:
        The sample job names, in order.

    Raises:
        ImportError: moto is not installed.
        InvalidParameterError: moto has no Glue in the client's region.
    """
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
        entry = sample.entry
        if entry is not None:
            seed_job_bookmark(
                entry.job_name,
                version=entry.version,
                run=entry.run,
                attempt=entry.attempt,
                run_id=entry.run_id,
                previous_run_id=entry.previous_run_id,
                job_bookmark=entry.job_bookmark,
                region_name=client.meta.region_name,
            )
    return [sample.job_name for sample in SAMPLES]


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
                job_bookmark=json.dumps(
                    {"datasource0": _hadoop_state(1, "2024-10-27T01:00:00.000Z", ["a1b2c3d4"])}
                ),
                region_name=region_name,
            )
        if sample.succeeded_run_then_reset:
            seed_job_run(sample.job_name, started_on=_SAMPLE_RUN_START, region_name=region_name)
            client.reset_job_bookmark(JobName=sample.job_name)
    return [sample.job_name for sample in DOCTOR_SAMPLES]
