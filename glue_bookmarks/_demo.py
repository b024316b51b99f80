"""`make demo`: read sample bookmarks from an in-process moto Glue, with no AWS account.

Also the sample data behind `python -m glue_bookmarks.testing --samples`.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Final, cast

import attrs

from glue_bookmarks._client import GlueBookmarks
from glue_bookmarks._exceptions import GlueBookmarksError, ServiceError
from glue_bookmarks._models import JobBookmarkEntry
from glue_bookmarks.testing import install, seed_job_bookmark

if TYPE_CHECKING:
    from types_boto3_glue.client import GlueClient

__all__ = ["main", "seed_samples"]

REGION: Final = "us-east-1"


def _hadoop_state(run: int, start: str, files: list[str]) -> dict[str, object]:
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


# (job name, bookmark option, seeded entry or None for a job that has never run with bookmarks)
_SAMPLES: Final[list[tuple[str, str, JobBookmarkEntry | None]]] = [
    (
        "nightly-orders",
        "job-bookmark-enable",
        JobBookmarkEntry(
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
    (
        "hourly-clickstream",
        "job-bookmark-enable",
        JobBookmarkEntry(
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
    (
        "customer-dim-load",
        "job-bookmark-enable",
        JobBookmarkEntry(
            job_name="customer-dim-load",
            version=1,
            run=1,
            run_id="jr_" + "d" * 64,
            job_bookmark=json.dumps(
                {"jdbc_customers": {"jsonClass": "JDBCDataSourceJobBookmarkState"}}
            ),
        ),
    ),
    ("adhoc-backfill", "job-bookmark-disable", None),
]


def seed_samples(client: GlueClient, *, region_name: str = REGION) -> list[str]:
    """Create the sample jobs through `client` and seed their bookmarks in moto.

    Returns:
        The sample job names, in order.
    """
    for name, option, entry in _SAMPLES:
        client.create_job(
            Name=name,
            Role="arn:aws:iam::123456789012:role/glue-etl",
            Command={"Name": "glueetl", "ScriptLocation": f"s3://scripts/{name}.py"},
            DefaultArguments={"--job-bookmark-option": option},
        )
        if entry is not None:
            seed_job_bookmark(**attrs.asdict(entry), region_name=region_name)
    return [name for name, _, _ in _SAMPLES]


def _row(cells: tuple[object, ...]) -> str:
    widths = (20, 8, 4, 8, 16, 0)
    return "  ".join(str(cell).ljust(width) for cell, width in zip(cells, widths, strict=True))


def main() -> None:
    """Seed an in-process moto Glue with sample jobs and print their bookmarks."""
    from moto import mock_aws

    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    install()
    with mock_aws(), GlueBookmarks(region_name=REGION) as gb:
        import botocore.session

        glue = cast(
            "GlueClient", botocore.session.Session().create_client("glue", region_name=REGION)
        )
        names = seed_samples(glue)
        print(f"Bookmarks of {len(names)} sample jobs in an in-process moto Glue ({REGION}):\n")
        print(_row(("JOB", "VERSION", "RUN", "ATTEMPT", "RUN ID", "BOOKMARK")))
        for name in [*names, "no-such-job"]:
            try:
                entry = gb.get_job_bookmark(name)
            except ServiceError as exc:
                print(_row((name, "-", "-", "-", "-", f"{exc.code}: {exc.message}")))
                continue
            except GlueBookmarksError as exc:
                raise SystemExit(f"demo failed: {exc}") from exc
            run_id = f"{entry.run_id[:12]}..." if entry.run_id else "-"
            size = f"{len(entry.job_bookmark)} chars of JSON" if entry.job_bookmark else "-"
            print(_row((name, entry.version, entry.run, entry.attempt, run_id, size)))
        entry = gb.get_job_bookmark(names[0])
        print(f"\n{names[0]} as `aws glue get-job-bookmark` prints it:")
        print(json.dumps({"JobBookmarkEntry": entry.to_dict()}, indent=2))


if __name__ == "__main__":
    main()
