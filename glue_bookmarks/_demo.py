"""`make demo`: sample jobs run with bookmarks in an in-process moto Glue, then the CLI reads them.

No AWS account is needed. Also the sample data behind `python -m glue_bookmarks.testing
--samples`.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Final, cast

import attrs

from glue_bookmarks import _cli
from glue_bookmarks._client import GlueBookmarks
from glue_bookmarks._exceptions import GlueBookmarksError
from glue_bookmarks._models import JobBookmarkEntry
from glue_bookmarks.testing import install, seed_job_bookmark

if TYPE_CHECKING:
    from types_boto3_glue.client import GlueClient

__all__ = ["main", "seed_samples"]

REGION: Final = "us-east-1"
_ENABLE: Final = "job-bookmark-enable"
# Runs of each job with bookmarks enabled; each one advances the job's bookmark.
_RUNS: Final = 2


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
        _ENABLE,
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
        _ENABLE,
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
        _ENABLE,
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

    Args:
        client: A Glue client on moto (in-process or server) with the extension installed.
        region_name: The region `client` is in, where the bookmarks are seeded.

    Returns:
        The sample job names, in order.
    """
    for name, option, entry in _SAMPLES:
        client.create_job(
            Name=name,
            Role="arn:aws:iam::123456789012:role/glue-etl",
            Command={"Name": "glueetl", "ScriptLocation": f"s3://scripts/{name}.py"},
            DefaultArguments={"--job-bookmark-option": option},
            # Whether a moto run still counts as running is up to moto's state manager;
            # allowing several at once lets the demo (and users) start runs back to back.
            ExecutionProperty={"MaxConcurrentRuns": 10},
        )
        if entry is not None:
            seed_job_bookmark(**attrs.asdict(entry), region_name=region_name)
    return [name for name, _, _ in _SAMPLES]


def _isolate_environment() -> None:
    """Keep the machine's AWS set-up out of the demo, and the demo out of AWS.

    A profile, an endpoint URL or a region from the environment would send the CLI elsewhere
    than the in-process moto the jobs are seeded in; `mock_aws()` supplies the credentials.
    """
    for name in list(os.environ):
        if name.startswith("AWS_"):
            del os.environ[name]
    os.environ["AWS_DEFAULT_REGION"] = REGION
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"


def _command(*argv: str) -> None:
    """Print a `glue-bookmarks` command line, then run the CLI in this process."""
    print(f"\n$ glue-bookmarks {' '.join(argv)}", flush=True)
    status = _cli.main(argv)
    sys.stdout.flush()
    if status:
        print(f"(exit status {status})", flush=True)


def main() -> None:
    """Run the sample jobs in an in-process moto Glue, then show them with the CLI."""
    from moto import mock_aws

    _isolate_environment()
    install()
    with mock_aws(), GlueBookmarks(region_name=REGION) as gb:
        import botocore.session

        glue = cast(
            "GlueClient", botocore.session.Session().create_client("glue", region_name=REGION)
        )
        names = seed_samples(glue)
        print(f"{len(names)} sample jobs in an in-process moto Glue ({REGION}), no AWS account.")
        print(
            f"Each job with bookmarks enabled runs {_RUNS} times (StartJobRun). Every run "
            "advances its bookmark;\nmoto runs no script, so each carries the state on as it was:\n"
        )
        for name, option, _ in _SAMPLES:
            if option != _ENABLE:
                print(f"  {name:<20} bookmarks disabled ({option}): not run, no bookmark")
                continue
            try:
                before = gb.get_job_bookmark(name)
                for _ in range(_RUNS):
                    glue.start_job_run(JobName=name)
                after = gb.get_job_bookmark(name)
            except GlueBookmarksError as exc:
                raise SystemExit(f"demo failed: {exc}") from exc
            print(
                f"  {name:<20} run {before.run} -> {after.run}, "
                f"version {before.version} -> {after.version}"
            )
        _command("list", "--all", "--output", "table")
        _command("list", "nightly-orders", "no-such-job")
        _command("get", "nightly-orders")


if __name__ == "__main__":
    main()
