"""`make demo`: sample jobs run with bookmarks in an in-process moto Glue, then the CLI reads them.

No AWS account is needed. The sample jobs are `glue_bookmarks.testing`'s, the ones
`python -m glue_bookmarks.testing --samples` serves.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Final, cast

import botocore.session

from glue_bookmarks import GlueBookmarks, GlueBookmarksError, _cli
from glue_bookmarks.testing import install
from glue_bookmarks.testing._samples import (
    SAMPLES,
    seed_doctor_samples,
    seed_sample_scripts,
    seed_samples,
)

if TYPE_CHECKING:
    from types_boto3_glue.client import GlueClient

__all__ = ["main"]

REGION: Final = "us-east-1"
# A time within the sample jobs' run history (glue_bookmarks.testing._samples).
REWIND_SINCE: Final = "2024-10-27T12:00:00Z"
# Runs of each job with bookmarks enabled; each one advances the job's bookmark.
_RUNS: Final = 2


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
    # moto is the `testing` extra's: imported here, where it is used, not by importing this module.
    from moto import mock_aws

    _isolate_environment()
    install()
    with mock_aws(), GlueBookmarks(region_name=REGION) as gb:
        glue = cast(
            "GlueClient", botocore.session.Session().create_client("glue", region_name=REGION)
        )
        names = seed_samples(glue)
        seed_sample_scripts(botocore.session.Session().create_client("s3", region_name=REGION))
        print(f"{len(names)} sample jobs in an in-process moto Glue ({REGION}), no AWS account.")
        print(
            f"Each job with bookmarks enabled runs {_RUNS} times (StartJobRun). Every run "
            "advances its bookmark;\nmoto runs no script, so each carries the state on as it was:\n"
        )
        for sample in SAMPLES:
            name = sample.job_name
            if not sample.bookmarks_enabled:
                print(
                    f"  {name:<20} bookmarks disabled ({sample.bookmark_option}): "
                    "not run, no bookmark"
                )
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
        doctor_names = seed_doctor_samples(glue)
        print(
            f"\n{len(doctor_names)} more jobs, set up the ways bookmarks fail people "
            f"({', '.join(doctor_names)});\nthe doctor looks at every job:"
        )
        _command("doctor", "--all")

        # The nightly job's script, in (moto) S3, checked against its live bookmark: a Glue
        # Studio node added again under a new id is a context the bookmark holds no state for.
        print(
            "\nThe lint reads each job's script before it runs; against the live bookmark it "
            "finds a renamed context:"
        )
        _command("lint", "--job", "nightly-orders")

        # The sample runs go back to October 2024: a plan to process again the data since noon
        # on the 27th rewinds to that night's run; --dry-run changes nothing.
        _command("rewind", "nightly-orders", "--since", REWIND_SINCE, "--dry-run")


if __name__ == "__main__":
    main()
