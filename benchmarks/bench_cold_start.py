"""Cold start: a new process that imports, builds a client and makes one call.

Timed inside the child, from before its first import to after the call, so the interpreter's
own start-up (the same on both sides) does not dilute the ratio. The call goes to a server on
127.0.0.1 in another process. Peak memory is the child's own, traced from its start.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from benchmarks._common import (
    REGION,
    Result,
    alternate,
    dummy_aws_environment,
    print_header,
    print_result,
)
from tests.faults import echo_server_process

ROOT = Path(__file__).resolve().parents[1]

# Each child prints the seconds from its first import to the end of its call, and the peak
# bytes allocated when run with -X tracemalloc (else 0).
_START = "import time; start = time.perf_counter()\nimport os\n"
_END = """
elapsed = time.perf_counter() - start
import tracemalloc
print(elapsed, tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else 0)
"""
OURS = f"""{_START}
from glue_bookmarks import GlueBookmarks
gb = GlueBookmarks(endpoint_url=os.environ["BENCH_URL"], region_name="{REGION}")
gb.get_job_bookmark("nightly-orders").version
{_END}"""
RAW = f"""{_START}
import botocore.session
client = botocore.session.Session().create_client(
    "glue", region_name="{REGION}", endpoint_url=os.environ["BENCH_URL"]
)
client.get_job_bookmark(JobName="nightly-orders")["JobBookmarkEntry"]["Version"]
{_END}"""


def run_child(source: str, url: str, *, trace: bool = False) -> tuple[float, int]:
    """Run `source` in a new interpreter; return its (seconds, peak bytes).

    Bytecode is written and used, as after `pip install` (which compiles it): with
    PYTHONDONTWRITEBYTECODE set, our editable checkout would be compiled anew in every child
    while botocore's installed bytecode is read, which times the compiler, not the library.
    """
    command = [sys.executable, *(["-X", "tracemalloc"] if trace else []), "-c", source]
    environment = {**os.environ, "BENCH_URL": url}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    output = subprocess.run(
        command,
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(output[0]), int(output[1])


def cold_start(rounds: int = 15) -> Result:
    """Import, build, one call, in a new process: goal at most 1.10x raw."""
    with echo_server_process() as server:
        url = server.url
        run_child(OURS, url)  # the first run after an install may compile bytecode
        run_child(RAW, url)
        ours, raw = alternate(
            lambda: run_child(OURS, url)[0], lambda: run_child(RAW, url)[0], rounds=rounds
        )
        ours_peak, raw_peak = (
            run_child(OURS, url, trace=True)[1],
            run_child(RAW, url, trace=True)[1],
        )
    return Result("cold start (import+client+call)", "ms", ours, raw, 1.10, ours_peak, raw_peak)


def main() -> list[Result]:
    dummy_aws_environment()
    print_header("cold start: a new process imports, builds a client, makes one call")
    result = cold_start()
    print_result(result)
    return [result]


if __name__ == "__main__":
    main()
