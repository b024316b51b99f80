"""Scripts where the jobs run them: `lint_job`, `lint_s3_script`, `diagnose(scripts=True)`
and the `lint` command, against moto's Glue and S3, in-process and in server mode."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from glue_bookmarks import (
    AsyncGlueBookmarks,
    GlueBookmarks,
    InvalidParameterError,
    JobNotFoundError,
)
from tests._cli_support import run_cli
from tests._support import REGION, Moto, aio_session, botocore_session

BUCKET = "etl-scripts"
ENABLE = {"--job-bookmark-option": "job-bookmark-enable"}

GOOD = """import sys
from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME"])
glueContext = GlueContext(SparkContext())
job = Job(glueContext)
job.init(args["JOB_NAME"], args)
orders = glueContext.create_dynamic_frame.from_catalog(
    database="sales", table_name="orders", transformation_ctx="orders_source"
)
customers = glueContext.create_dynamic_frame.from_catalog(
    database="sales", table_name="customers", transformation_ctx="customers_source"
)
job.commit()
"""
# The same job after a refactoring renamed a context: its next run reads all orders again.
RENAMED = GOOD.replace('"orders_source"', '"orders_src"')
NO_COMMIT = GOOD.replace("job.commit()\n", "")
STATE = json.dumps(
    {
        ctx: {
            "jsonClass": "HadoopDataSourceJobBookmarkState",
            "timestamps": {"RUN": "2", "HIGH_BAND": "900000"},
        }
        for ctx in ("orders_source", "customers_source")
    }
)


def _s3(moto: Moto) -> Any:
    session = botocore_session()
    return session.create_client("s3", region_name=REGION, endpoint_url=moto.endpoint_url)


def _put(moto: Moto, key: str, body: str) -> str:
    s3 = _s3(moto)
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key=key, Body=body.encode())
    return f"s3://{BUCKET}/{key}"


def _job(moto: Moto, name: str, location: str, *, state: str | None = STATE) -> None:
    moto.create_job(name, ENABLE, Command={"Name": "glueetl", "ScriptLocation": location})
    if state is not None:
        moto.seed_job_bookmark(name, version=2, run=2, run_id="jr_2", job_bookmark=state)


def _codes(findings: Any) -> list[str]:
    return [finding.code for finding in findings]


def test_lint_job_finds_a_renamed_context_against_the_live_bookmark(moto: Moto) -> None:
    _job(moto, "orders", _put(moto, "orders.py", RENAMED))
    report = moto.gb.lint_job("orders")
    assert report.path == f"s3://{BUCKET}/orders.py"
    # A finding about the script as a whole first, as lint_script orders them.
    assert _codes(report.findings) == ["bookmark-context-unused", "context-not-in-bookmark"]
    unused, renamed = report.findings
    assert renamed.transformation_ctx == "orders_src" and renamed.line == 11
    assert "orders_source" in renamed.message and unused.transformation_ctx == "orders_source"
    assert [read.transformation_ctx for read in report.reads] == [
        "orders_src",
        "customers_source",
    ]


def test_lint_job_of_a_correct_script_and_bookmark_finds_nothing(moto: Moto) -> None:
    _job(moto, "orders", _put(moto, "orders.py", GOOD))
    assert moto.gb.lint_job("orders").findings == ()


def test_lint_job_without_a_bookmark_checks_the_script_alone(moto: Moto) -> None:
    _job(moto, "orders", _put(moto, "orders.py", NO_COMMIT), state=None)
    assert _codes(moto.gb.lint_job("orders").findings) == ["missing-commit"]


def test_lint_job_of_a_missing_job_or_a_scala_one(moto: Moto) -> None:
    with pytest.raises(JobNotFoundError):
        moto.gb.lint_job("nope")
    moto.create_job(
        "scala",
        {"--job-language": "scala"},
        Command={"Name": "glueetl", "ScriptLocation": f"s3://{BUCKET}/Main.scala"},
    )
    with pytest.raises(InvalidParameterError, match="not a Python script"):
        moto.gb.lint_job("scala")


def test_an_unreadable_script_is_a_finding_not_an_exception(moto: Moto) -> None:
    _put(moto, "other.py", GOOD)
    report = moto.gb.lint_s3_script(f"s3://{BUCKET}/missing.py")
    assert _codes(report.findings) == ["script-unreadable"]
    assert report.findings[0].severity.value == "error"
    _job(moto, "orders", f"s3://{BUCKET}/gone.py")
    assert _codes(moto.gb.lint_job("orders").findings) == ["script-unreadable"]


def test_lint_s3_script_refuses_what_is_no_python_script_url(moto: Moto) -> None:
    for bad in ("orders.py", "s3://bucket-only", "s3://b/Main.scala", 7):
        with pytest.raises(InvalidParameterError):
            moto.gb.lint_s3_script(bad)  # type: ignore[arg-type]


def test_diagnose_with_scripts_reads_each_script_once(moto: Moto) -> None:
    shared = _put(moto, "shared.py", RENAMED)
    for name in ("a", "b", "c"):
        _job(moto, name, shared)
    _job(moto, "d", _put(moto, "d.py", GOOD))
    _job(moto, "e", f"s3://{BUCKET}/gone.py")
    moto.create_job("f", ENABLE, Command={"Name": "glueetl", "ScriptLocation": "s3://b/M.scala"})
    gets: list[str] = []
    s3 = moto.gb._get_s3_client()
    s3.meta.events.register(
        "before-parameter-build.s3.GetObject", lambda params, **_: gets.append(params["Key"])
    )
    diagnoses = {d.job_name: d for d in moto.gb.diagnose(scripts=True)}
    assert sorted(gets) == ["d.py", "gone.py", "shared.py"]
    assert "context-not-in-bookmark" in _codes(diagnoses["a"].findings)
    assert "the script, line 11:" in next(
        f.message for f in diagnoses["b"].findings if f.code == "context-not-in-bookmark"
    )
    assert not {"context-not-in-bookmark", "script-unreadable"} & set(
        _codes(diagnoses["d"].findings)
    )
    unreadable = [f for f in diagnoses["e"].findings if f.code == "script-unreadable"]
    assert [f.severity.value for f in unreadable] == ["info"]
    assert "script-not-python" in _codes(diagnoses["f"].findings)
    assert diagnoses["d"].script_location == f"s3://{BUCKET}/d.py"
    # Without scripts, nothing is read from S3.
    gets.clear()
    plain = moto.gb.diagnose()
    assert gets == [] and "context-not-in-bookmark" not in _codes(plain[0].findings)


def test_scripts_must_be_a_bool(moto: Moto) -> None:
    with pytest.raises(InvalidParameterError, match="scripts"):
        moto.gb.diagnose(scripts="yes")  # type: ignore[arg-type]


def test_an_injected_glue_client_takes_an_s3_client_or_makes_one(moto: Moto) -> None:
    with pytest.raises(InvalidParameterError, match="s3_client must be a botocore S3 client"):
        GlueBookmarks(client=moto.client, s3_client=moto.client)
    _job(moto, "orders", _put(moto, "orders.py", RENAMED))
    with GlueBookmarks(client=moto.client, s3_client=_s3(moto)) as gb:
        assert "context-not-in-bookmark" in _codes(gb.lint_job("orders").findings)


@pytest.mark.asyncio
async def test_the_async_client_lints_as_the_sync_one(moto: Moto) -> None:
    if moto.endpoint_url is None:
        pytest.skip("aiobotocore is not patched by mock_aws(): the server mode covers it")
    _job(moto, "orders", _put(moto, "orders.py", RENAMED))
    async with AsyncGlueBookmarks(
        session=aio_session(), endpoint_url=moto.endpoint_url, region_name=REGION
    ) as gb:
        report = await gb.lint_job("orders")
        diagnoses = await gb.diagnose(scripts=True)
        unreadable = await gb.lint_s3_script(f"s3://{BUCKET}/missing.py")
    assert report == moto.gb.lint_job("orders")
    assert diagnoses == moto.gb.diagnose(scripts=True)
    assert _codes(unreadable.findings) == ["script-unreadable"]


# -- the command -------------------------------------------------------------------------------


def _server(moto: Moto) -> list[str]:
    return ["--endpoint-url", str(moto.endpoint_url), "--region", REGION]


def test_lint_prints_a_line_a_finding_and_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "job.py"
    script.write_text(NO_COMMIT)
    result = run_cli(capsys, ["lint", str(script)])
    assert result.status == 3
    assert result.out.startswith(f"{script}: error missing-commit ")
    assert "1 of 1 script has findings at or above warning" in result.err
    assert run_cli(capsys, ["lint", str(script), "--fail-on", "never"]).status == 0
    good = tmp_path / "good.py"
    good.write_text(GOOD)
    clean = run_cli(capsys, ["lint", str(good)])
    assert (clean.status, clean.out, clean.err) == (0, "", "")


def test_lint_json_is_the_documented_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "job.py"
    script.write_text(GOOD.replace(', transformation_ctx="customers_source"', ""))
    result = run_cli(capsys, ["lint", str(script), "--output", "json"])
    document = json.loads(result.out)
    (entry,) = document["Scripts"]
    assert entry["Path"] == str(script)
    assert entry["Findings"] == [
        {
            "Code": "read-without-context",
            "Severity": "error",
            "Line": 14,
            "Message": entry["Findings"][0]["Message"],
        }
    ]
    assert entry["Reads"][0] == {
        "Line": 11,
        "Call": "create_dynamic_frame.from_catalog",
        "TransformationContext": "orders_source",
        "Dynamic": False,
    }


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("missing.py", None, "no such file"),
        ("Main.scala", "object Main", "not a Python script"),
    ],
)
def test_lint_usage_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str | None, message: str
) -> None:
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    result = run_cli(capsys, ["lint", str(path)])
    assert result.status == 2 and message in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err


def test_lint_needs_something_to_lint(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, ["lint"])
    assert result.status == 2 and "--job" in result.err


def test_lint_reads_s3_and_jobs_through_the_endpoint(
    moto: Moto, capsys: pytest.CaptureFixture[str]
) -> None:
    if moto.endpoint_url is None:
        pytest.skip("the command reaches moto as a server")
    _job(moto, "orders", _put(moto, "orders.py", RENAMED))
    unread = f"s3://{BUCKET}/missing.py"
    result = run_cli(
        capsys, ["lint", unread, "--job", "orders", *_server(moto), "--output", "json"]
    )
    paths = [script["Path"] for script in json.loads(result.out)["Scripts"]]
    assert paths == [unread, f"s3://{BUCKET}/orders.py"] and result.status == 3
    text = run_cli(capsys, ["lint", "--job", "orders", *_server(moto)]).out
    assert f"s3://{BUCKET}/orders.py:11: warning context-not-in-bookmark " in text


def test_doctor_scripts_adds_the_scripts_findings(
    moto: Moto, capsys: pytest.CaptureFixture[str]
) -> None:
    if moto.endpoint_url is None:
        pytest.skip("the command reaches moto as a server")
    _job(moto, "orders", _put(moto, "orders.py", RENAMED))
    result = run_cli(capsys, ["doctor", "orders", "--scripts", *_server(moto), "--output", "json"])
    (job,) = json.loads(result.out)["Jobs"]
    assert job["ScriptLocation"] == f"s3://{BUCKET}/orders.py"
    lines = {f["Code"]: f["Line"] for f in job["Findings"]}
    assert lines["context-not-in-bookmark"] == 11


def test_an_s3_client_made_here_uses_the_glue_clients_settings(moto: Moto) -> None:
    if moto.endpoint_url is None:
        pytest.skip("the endpoint shows only in server mode")
    session = botocore.session.Session()
    with GlueBookmarks(session=session, endpoint_url=moto.endpoint_url, region_name=REGION) as gb:
        s3 = gb._get_s3_client()
        assert s3.meta.endpoint_url == moto.endpoint_url and s3.meta.region_name == REGION
