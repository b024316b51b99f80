"""Per call: `GlueBookmarks.get_job_bookmark` against raw `client.get_job_bookmark`.

Twice: against botocore's Stubber (no HTTP: what the wrapper itself adds), and against a
keep-alive HTTP server on 127.0.0.1 in another process (a real round trip, signing included).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import botocore.session
from botocore.config import Config
from botocore.stub import Stubber

from benchmarks._common import (
    REGION,
    Result,
    compare,
    dummy_aws_environment,
    peak_memory,
    print_header,
    print_result,
)
from glue_bookmarks import GlueBookmarks
from tests.faults import echo_server_process

JOB = "nightly-orders"
ENTRY = {"JobName": JOB, "Version": 7, "Run": 7, "Attempt": 0, "RunId": "jr_7"}
# The same client settings on both sides: botocore's default retry mode, stated.
CONFIG = Config(retries={"mode": "standard"})


def _client(session: botocore.session.Session, endpoint_url: str | None = None) -> Any:
    return session.create_client(
        "glue", region_name=REGION, endpoint_url=endpoint_url, config=CONFIG
    )


def _pair(
    name: str,
    ours: Callable[[], object],
    raw: Callable[[], object],
    *,
    goal: float,
    rounds: int,
    calls: int,
) -> Result:
    ours_median, raw_median = compare(ours, raw, rounds=rounds, calls=calls, warmup=calls)
    return Result(
        name,
        "µs",
        ours_median,
        raw_median,
        goal,
        ours_peak=peak_memory(ours, calls=100),
        raw_peak=peak_memory(raw, calls=100),
    )


def stubbed(rounds: int = 41, calls: int = 300) -> Result:
    """Per call against Stubber: goal at most 1.05x raw."""
    session = botocore.session.Session()
    raw_client, our_client = _client(session), _client(session)
    # Each side's Stubber answers every call it will get (warm-up, rounds, memory) from a
    # queue filled up front, so filling it is not timed.
    total = calls + rounds * calls + 100
    stubs = []
    for client in (raw_client, our_client):
        stub = Stubber(client)
        for _ in range(total):
            stub.add_response("get_job_bookmark", {"JobBookmarkEntry": ENTRY}, {"JobName": JOB})
        stub.activate()
        stubs.append(stub)
    gb = GlueBookmarks(client=our_client)

    def ours() -> object:
        return gb.get_job_bookmark(JOB).version

    def raw() -> object:
        return raw_client.get_job_bookmark(JobName=JOB)["JobBookmarkEntry"]["Version"]

    return _pair("per call, Stubber", ours, raw, goal=1.05, rounds=rounds, calls=calls)


def over_http(rounds: int = 41, calls: int = 200) -> Result:
    """Per call against a keep-alive server in another process: goal at most 1.02x raw."""
    with echo_server_process() as server:
        session = botocore.session.Session()
        raw_client = _client(session, server.url)
        with GlueBookmarks(session=session, endpoint_url=server.url, config=CONFIG) as gb:

            def ours() -> object:
                return gb.get_job_bookmark(JOB).version

            def raw() -> object:
                return raw_client.get_job_bookmark(JobName=JOB)["JobBookmarkEntry"]["Version"]

            result = _pair(
                "per call, HTTP 127.0.0.1", ours, raw, goal=1.02, rounds=rounds, calls=calls
            )
        raw_client.close()
    return result


def main() -> list[Result]:
    dummy_aws_environment()
    print_header("per call: GlueBookmarks.get_job_bookmark vs client.get_job_bookmark")
    results = [stubbed(), over_http()]
    for result in results:
        print_result(result)
    return results


if __name__ == "__main__":
    main()
