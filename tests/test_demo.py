"""`make demo`: the demo prints the seeded sample bookmarks from an in-process moto."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def test_demo_prints_the_sample_bookmarks() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run(
        [sys.executable, "-m", "glue_bookmarks._demo"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    rows = {line.split()[0]: line.split()[1:4] for line in lines[3:8]}
    assert rows == {
        "nightly-orders": ["3", "3", "0"],
        "hourly-clickstream": ["12", "12", "1"],
        "customer-dim-load": ["1", "1", "0"],
        "adhoc-backfill": ["-", "-", "-"],
        "no-such-job": ["-", "-", "-"],
    }
    assert "Continuation for job adhoc-backfill not found" in result.stdout
    document = json.loads(result.stdout[result.stdout.index("{") :])
    assert document["JobBookmarkEntry"]["JobName"] == "nightly-orders"
    assert document["JobBookmarkEntry"]["Version"] == 3
