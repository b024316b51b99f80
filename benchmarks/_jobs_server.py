"""A Glue endpoint for the doctor benchmark: `GetJobs` pages, `GetJobBookmark`, `GetJobRuns`
and `GetSecurityConfiguration` answers, and S3 `GetObject` of the jobs' scripts (each shared
by ten jobs).

Run as `python -m benchmarks._jobs_server --jobs N --delay SECONDS` (by `jobs_server_process()`):
it serves N jobs named `doctor-job-0000`, ... on 127.0.0.1, prints its URL, and answers every
request `--delay` seconds after it arrived, as a distant endpoint would. Each job has bookmarks
enabled and encrypted (one security configuration, `bench-kms`, serves them all), runs one at
a time, and has a bookmark whose run started just now, so the doctor finds nothing and asks
nothing beyond `GetJobs`, `GetJobBookmark` and one `GetSecurityConfiguration`; with history,
one `GetJobRuns` per job, answered with a full page (25 runs, as Glue lists them: newest
first, every field a run of a Spark job has), one after the other and none failed. Each line
read on stdin asks for the requests counted so far, by operation, printed as one JSON line;
the end of stdin stops it.

Kept apart from `tests/faults.py`, whose echo server answers `GetJobBookmark` only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import attrs

__all__ = ["JobsServer", "job_name", "jobs_server_process"]

# GetJobs answers at most this many jobs a page, as moto does by default.
PAGE_SIZE = 100
# The security configuration of every job, and its answer.
SECURITY_CONFIGURATION = "bench-kms"
_KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def job_name(number: int) -> str:
    return f"doctor-job-{number:04d}"


def _job(number: int) -> dict[str, Any]:
    return {
        "Name": job_name(number),
        "Role": "arn:aws:iam::123456789012:role/glue-etl",
        # Ten jobs share each script, as jobs built from one template do.
        "Command": {"Name": "glueetl", "ScriptLocation": f"s3://scripts/{_script(number)}"},
        "DefaultArguments": {"--job-bookmark-option": "job-bookmark-enable"},
        "ExecutionProperty": {"MaxConcurrentRuns": 1},
        "GlueVersion": "4.0",
        "SecurityConfiguration": SECURITY_CONFIGURATION,
    }


def _script(number: int) -> str:
    return f"script-{number // 10:04d}.py"


# Every job's script: one read, with the context its bookmark holds, committed; the lint
# finds nothing in it.
SCRIPT = b"""import sys
from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME"])
glueContext = GlueContext(SparkContext())
job = Job(glueContext)
job.init(args["JOB_NAME"], args)
source = glueContext.create_dynamic_frame.from_catalog(
    database="sales", table_name="orders", transformation_ctx="datasource0"
)
glueContext.write_dynamic_frame.from_options(
    frame=source,
    connection_type="s3",
    format="parquet",
    connection_options={"path": "s3://curated/orders/"},
)
job.commit()
"""


def _runs(name: str, limit: int, now: datetime) -> list[dict[str, Any]]:
    """A job's latest runs, newest first: one a day, each 20 minutes long, all succeeded."""
    runs = []
    for age in range(1, limit + 1):
        started = now - timedelta(days=age)
        completed = started + timedelta(minutes=20)
        runs.append(
            {
                "Id": f"jr_{age:064x}",
                "Attempt": 0,
                "TriggerName": "nightly",
                "JobName": name,
                "JobMode": "SCRIPT",
                "StartedOn": started.timestamp(),
                "LastModifiedOn": completed.timestamp(),
                "CompletedOn": completed.timestamp(),
                "JobRunState": "SUCCEEDED",
                "Arguments": {"--day": started.date().isoformat()},
                "PredecessorRuns": [],
                "AllocatedCapacity": 10,
                "ExecutionTime": 1187,
                "Timeout": 2880,
                "MaxCapacity": 10.0,
                "WorkerType": "G.1X",
                "NumberOfWorkers": 10,
                "SecurityConfiguration": SECURITY_CONFIGURATION,
                "LogGroupName": "/aws-glue/jobs",
                "GlueVersion": "4.0",
                "ExecutionClass": "STANDARD",
            }
        )
    return runs


def _serve(jobs: int, delay: float) -> None:
    counts: Counter[str] = Counter()
    lock = threading.Lock()
    now = datetime.now(timezone.utc)
    started = now.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    bookmark = json.dumps(
        {
            "datasource0": {
                "jsonClass": "HadoopDataSourceJobBookmarkState",
                "timestamps": {"RUN": "1", "CURR_RUN_START_TIME": started, "INCLUDE_LIST": "a1"},
            }
        }
    )

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        wbufsize = -1
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            arrived = time.monotonic()
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = json.loads(raw) if raw else {}
            operation = (self.headers.get("X-Amz-Target") or "").rpartition(".")[2]
            with lock:
                counts[operation] += 1
            if operation == "GetJobs":
                start = int(body.get("NextToken") or 0)
                end = min(start + PAGE_SIZE, jobs)
                answer: dict[str, Any] = {"Jobs": [_job(n) for n in range(start, end)]}
                if end < jobs:
                    answer["NextToken"] = str(end)
            elif operation == "GetJobBookmark":
                answer = {
                    "JobBookmarkEntry": {
                        "JobName": body.get("JobName"),
                        "Version": 1,
                        "Run": 1,
                        "Attempt": 0,
                        "RunId": "jr_1",
                        "JobBookmark": bookmark,
                    }
                }
            elif operation == "GetJobRuns":
                limit = int(body.get("MaxResults") or 100)
                answer = {"JobRuns": _runs(body.get("JobName", ""), limit, now)}
            elif operation == "GetSecurityConfiguration":
                answer = {
                    "SecurityConfiguration": {
                        "Name": body.get("Name"),
                        "CreatedTimeStamp": 1730000000.0,
                        "EncryptionConfiguration": {
                            "S3Encryption": [{"S3EncryptionMode": "SSE-S3"}],
                            "CloudWatchEncryption": {"CloudWatchEncryptionMode": "DISABLED"},
                            "JobBookmarksEncryption": {
                                "JobBookmarksEncryptionMode": "CSE-KMS",
                                "KmsKeyArn": _KMS_KEY,
                            },
                        },
                    }
                }
            else:
                answer = {"__type": "InvalidInputException", "Message": f"{operation}?"}
            payload = json.dumps(answer).encode()
            time.sleep(max(0.0, arrived + delay - time.monotonic()))
            self.send_response(200 if "__type" not in answer else 400)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("x-amzn-RequestId", f"bench-{operation}")
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()

        def do_GET(self) -> None:
            # S3 GetObject, path style: /scripts/script-NNNN.py.
            arrived = time.monotonic()
            with lock:
                counts["GetObject"] += 1
            found = self.path.startswith("/scripts/script-")
            payload = SCRIPT if found else b"<Error><Code>NoSuchKey</Code></Error>"
            time.sleep(max(0.0, arrived + delay - time.monotonic()))
            self.send_response(200 if found else 404)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    host, port = httpd.server_address[:2]
    print(f"http://{host!s}:{port}", flush=True)
    for _ in sys.stdin:
        with lock:
            print(json.dumps(dict(counts)), flush=True)
    httpd.shutdown()
    httpd.server_close()


@attrs.define
class JobsServer:
    """The server in a process of its own: its URL, and the requests it has counted."""

    url: str
    _process: subprocess.Popen[str] = attrs.field(repr=False, eq=False)

    def requests_so_far(self) -> dict[str, int]:
        """The requests received so far, by operation name."""
        stdin, stdout = self._process.stdin, self._process.stdout
        if stdin is None or stdout is None:
            raise RuntimeError("the jobs server was started without pipes")
        stdin.write("\n")
        stdin.flush()
        counts: dict[str, int] = json.loads(stdout.readline())
        return counts


@contextmanager
def jobs_server_process(*, jobs: int, delay: float) -> Iterator[JobsServer]:
    """Run the server in a child process for the block.

    Its first output line is its URL, so reading it waits exactly until it listens.
    """
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "benchmarks._jobs_server",
            "--jobs",
            str(jobs),
            "--delay",
            repr(delay),
        ],
        cwd=Path(__file__).resolve().parents[1],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    if process.stdin is None or process.stdout is None:
        raise RuntimeError("the jobs server was started without pipes")
    try:
        url = process.stdout.readline().strip()
        if not url.startswith("http://"):
            raise RuntimeError(f"the jobs server did not start (exit code {process.poll()})")
        yield JobsServer(url, process=process)
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=10)
        finally:
            process.stdout.close()
            if process.poll() is None:
                process.kill()
                process.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks._jobs_server")
    parser.add_argument("--jobs", type=int, required=True, help="how many jobs to serve")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    arguments = parser.parse_args()
    _serve(arguments.jobs, arguments.delay)
