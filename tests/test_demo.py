"""`make demo`: sample jobs run with bookmarks in an in-process moto, then the CLI shows them."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def _section(stdout: str, command: str) -> list[str]:
    """The lines a `$ glue-bookmarks ...` command printed, up to the next blank line."""
    lines = stdout.split(f"\n$ glue-bookmarks {command}\n", 1)[1].split("\n\n", 1)[0]
    return lines.splitlines()


def test_demo_runs_the_jobs_and_shows_them_with_the_cli() -> None:
    # The machine's AWS settings must not matter: the demo sets its own.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AWS_PROFILE"] = "no-such-profile"
    env["AWS_DEFAULT_REGION"] = "eu-west-1"
    result = subprocess.run(
        [sys.executable, "-m", "glue_bookmarks._demo"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout

    # Two runs of each job with bookmarks enabled advanced its run and version by two.
    assert "  nightly-orders       run 3 -> 5, version 3 -> 5\n" in out
    assert "  hourly-clickstream   run 12 -> 14, version 12 -> 14\n" in out
    assert "  customer-dim-load    run 1 -> 3, version 1 -> 3\n" in out
    assert "  adhoc-backfill       bookmarks disabled (job-bookmark-disable)" in out

    header, *rows = _section(out, "list --all --output table")
    assert header.split() == [
        "JOB", "VERSION", "RUN", "ATTEMPT", "SOURCE", "RUN", "START", "TIME", "FILES", "RUN", "ID"
    ]  # fmt: skip
    cells = {row.split()[0]: row.split()[1:] for row in rows}
    assert list(cells) == [
        "adhoc-backfill",
        "customer-dim-load",
        "hourly-clickstream",
        "nightly-orders",
    ]
    assert cells["adhoc-backfill"] == ["no", "bookmark", "yet"]
    assert cells["customer-dim-load"][:6] == [
        "3", "3", "0", "jdbc_customers", "(JDBCDataSourceJobBookmarkState)", "-"
    ]  # fmt: skip
    assert cells["hourly-clickstream"][:6] == [
        "14", "14", "0", "datasource0", "2024-10-28T11:00:03.021Z", "1"
    ]  # fmt: skip
    assert cells["nightly-orders"][:6] == [
        "5", "5", "0", "AWSGlueDataCatalog_node1730078287682", "2024-10-28T01:32:45.613Z", "3"
    ]  # fmt: skip
    run_id = cells["nightly-orders"][6]
    assert run_id.startswith("jr_")

    failed = _section(out, "list nightly-orders no-such-job")
    assert (
        failed[2] == "no-such-job     failed: EntityNotFoundException: Job no-such-job not found."
    )
    assert failed[3] == "(exit status 3)"
    assert result.stderr == (
        "glue-bookmarks: error: 1 of 2 jobs failed\n"
        "glue-bookmarks: error: 5 of 8 jobs have findings at or above warning\n"
        "glue-bookmarks: error: 1 of 1 script has findings at or above warning\n"
    )

    document = json.loads("\n".join(_section(out, "get nightly-orders")))
    entry = document["JobBookmarkEntry"]
    assert list(entry) == [
        "JobName", "Version", "Run", "Attempt", "PreviousRunId", "RunId", "JobBookmark"
    ]  # fmt: skip
    assert (entry["JobName"], entry["Version"], entry["Run"], entry["Attempt"]) == (
        "nightly-orders",
        5,
        5,
        0,
    )
    assert entry["RunId"] == run_id
    assert json.loads(entry["JobBookmark"])["AWSGlueDataCatalog_node1730078287682"]["timestamps"][
        "INCLUDE_LIST"
    ] == ("9f1c2a7e,0b44d1f3,e57a9c02")

    # The doctor, over the sample jobs and four more set up the ways bookmarks fail people.
    header, *rows = _section(out, "doctor --all")
    assert header.split() == ["JOB", "SEVERITY", "CODE", "SOURCE", "MESSAGE"]
    findings = [row.split()[:3] for row in rows if row.strip()]
    unencrypted = ["info", "bookmarks-unencrypted", "-"]
    assert findings == [
        ["clickstream-live", "warning", "unsupported-job-type"],
        ["customer-dim-load", "warning", "concurrent-runs"],
        unencrypted,
        ["finance-paused", "info", "paused"],
        ["hourly-clickstream", "warning", "concurrent-runs"],
        ["warning", "stale", "datasource0"],
        unencrypted,
        ["legacy-export", "info", "disabled-with-bookmark"],
        ["nightly-orders", "warning", "concurrent-runs"],
        ["warning", "stale", "AWSGlueDataCatalog_node1730078287682"],
        unencrypted,
        ["orders-no-commit", "error", "enabled-never-committed"],
        unencrypted,
    ]
    doctor = out.split("\n$ glue-bookmarks doctor --all\n", 1)[1].split("\n$ ", 1)[0]
    summary = doctor.split("\n\n")[1]
    assert summary.rstrip("\n") + "\n" == (
        "8 jobs diagnosed: 7 with findings (1 error, 6 warnings, 6 info), 1 without findings\n"
        "(exit status 3)\n"
    )

    # The sample runs' history: the latest run that succeeded before the time, not a reset.
    plan = _section(out, "rewind nightly-orders --since 2024-10-27T12:00:00Z --dry-run")
    assert plan[0] == (
        "Rewind plan for job 'nightly-orders', to process again the data since "
        "2024-10-27T12:00:00.000Z:"
    )
    assert plan[2] == (
        f"  rewind to:        run jr_{'2' * 64}, which started 2024-10-27T02:45:09.000Z"
    )
    assert "the precision is one run" in plan[3]

    # The lint, against the live bookmark: the nightly job's Glue Studio node, added again
    # under a new id, is a context with no state (its next run would read everything).
    lint = _section(out, "lint --job nightly-orders")
    assert lint[0].startswith(
        "s3://scripts/nightly-orders.py: warning bookmark-context-unused "
        "the job's bookmark holds state for transformation_ctx "
        "'AWSGlueDataCatalog_node1730078287682'"
    )
    assert lint[1].startswith(
        "s3://scripts/nightly-orders.py:11: warning context-not-in-bookmark "
        "the job's bookmark holds no state for this read's transformation_ctx "
        "'AWSGlueDataCatalog_node1733407415110'"
    )
    assert lint[-1] == "(exit status 3)"
