"""Every example in the docs runs as written: the ```python and ```console blocks of README.md
and docs/*.md, one test each, named by page and line (`docs/cli.md:87`).

How each kind runs:

- A page's ```python blocks run one after another in one namespace, as a doctest session
  would, so a fragment uses what the blocks before it defined. They run in this process
  against moto with the extension (`install()`, `mock_aws()`), where the sample jobs of
  `python -m glue_bookmarks.testing --samples` are seeded in us-east-1 (the tests' default
  region) and eu-west-1 (the region the examples name). Code on `AsyncGlueBookmarks` reaches
  the same moto through the test server (aiobotocore cannot go through `mock_aws()`), with
  `AWS_ENDPOINT_URL` set for its block. A block may read only names that it, the blocks before
  it or the builtins define, checked before it runs, so a branch not taken here (an `except`
  clause's class) cannot fail on a name. Blocks of `>>>` lines run as doctests (`ELLIPSIS`).
- A block that defines pytest tests runs through `pytester`, with the plugin's fixtures
  (`glue_moto_client`, `glue_moto_server_url`) as a user's suite gets them; every test passes.
- A ```console block runs its `$` lines against the test server with the sample jobs, fresh
  for each block, as after `python -m glue_bookmarks.testing --port 5000 --samples` and the
  page's `export` lines (which are not run, nor are `pip install` and the server's start: the
  fixture serves it; tests/test_testing.py checks the server's own start line). Each
  `glue-bookmarks` line runs through `main(argv)` in this process (`tests._docs_support.Shell`).
  Its exit status must be the one in `EXIT_STATUS` (0 if not listed); where the page shows
  output, the output must match it once the values that vary (request ids, new run ids, log
  times and durations, ages, versions) are normalised, table columns compared by their
  cells. On docs/cli.md (`KEY_LINE_PAGES`) the page's lines need only appear, in order, among
  the lines printed.

A block that cannot run here is listed in `NOT_RUNNABLE` with the reason, and its test is
skipped saying so; a block that is neither run nor listed fails. A test keeps the tables in
step with the pages: each entry names a block or command that is there.

To update after a change of output: the failure shows the page's lines and what ran, in the
page's form; paste what ran into the page.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import doctest
import functools
import json
import linecache
import logging
import re
import sys
import traceback
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import aclosing
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any, Final, cast

import attrs
import pytest
from types_boto3_glue.client import GlueClient

import glue_bookmarks._client
from glue_bookmarks import BookmarkState, HadoopSourceState
from glue_bookmarks.testing import install, seed_job_run
from glue_bookmarks.testing._samples import seed_all_samples, seed_sample_scripts
from tests._cli_support import _shared_model_files as shared_model_files
from tests._docs_support import (
    PAGES,
    Block,
    Command,
    Shell,
    console_commands,
    matches,
    read_blocks,
    undefined_names,
)
from tests._support import botocore_session

pytest_plugins = ["pytester"]

# -- the tables ------------------------------------------------------------------------------
# Each names a block by its page and a piece of its text that no other block of the page has,
# or a console command by its page and its line (runs of spaces as one).

# Blocks that do not run here, and why.
NOT_RUNNABLE: Final[dict[tuple[str, str], str]] = {
    ("README.md", "$ make demo"): (
        "make creates a virtual environment and installs into it; tests/test_demo.py runs the "
        "demo itself, and `make test` is what CI runs"
    ),
    ("docs/cli.md", "^Cglue-bookmarks: interrupted"): (
        "Ctrl-C in the middle of 1,000 jobs against a slow endpoint: tests/test_cli.py "
        "(test_sigint_exits_130_at_once_saying_how_many_jobs_were_done) sends SIGINT to a child"
    ),
}

# The exit status of each `glue-bookmarks` command that does not exit 0.
EXIT_STATUS: Final[dict[tuple[str, str], int]] = {
    (
        "README.md",
        "glue-bookmarks doctor --all # the jobs whose bookmarks will fail them, and the fix",
    ): 3,
    # Without a terminal to ask on (as here), the reset is refused.
    ("docs/cli.md", "glue-bookmarks reset nightly-orders # asks first, then resets"): 2,
    ("docs/cli.md", "glue-bookmarks get adhoc-backfill"): 1,
    ("docs/cli.md", "glue-bookmarks get hourly-clickstream"): 1,
    ("docs/cli.md", 'glue-bookmarks reset nightly-orders; echo "exit status $?"'): 4,
    (
        "docs/cli.md",
        'glue-bookmarks reset hourly-clickstream < /dev/null; echo "exit status $?"',
    ): 2,
    ("docs/cli.md", "glue-bookmarks get --job-name nightly-orders"): 2,
    ("docs/cli.md", "glue-bookmarks get nightly-orders --yes"): 2,
    (
        "docs/cli.md",
        'glue-bookmarks list nightly-orders adhoc-backfill no-such-job; echo "exit status $?"',
    ): 3,
    ("docs/cli.md", "printf 'nightly-orders\\n\\x01oops\\n' | glue-bookmarks list -"): 2,
    (
        "docs/cli.md",
        "glue-bookmarks list nightly-orders no-such-job --debug --output json > jobs.json",
    ): 3,
    (
        "docs/cli.md",
        "glue-bookmarks list nightly-orders adhoc-backfill no-such-job --output json",
    ): 3,
    ("docs/cli.md", "glue-bookmarks get nightly-orders --query 'JobBookmarkEntry.['"): 2,
    ("docs/cli.md", "glue-bookmarks get nightly-orders --endpoint-url http://127.0.0.1:1"): 1,
    ("docs/cli.md", "glue-bookmarks get ''"): 2,
    ("docs/cli.md", 'glue-bookmarks reset nightly-orders --yes; echo "exit status $?"'): 5,
    (
        "docs/cli.md",
        "glue-bookmarks backfill nightly-orders --since 2024-10-20T00:00:00Z --dry-run",
    ): 2,
    ("docs/doctor.md", "glue-bookmarks doctor --all"): 3,
    (
        "README.md",
        "glue-bookmarks lint --job nightly-orders # its script, before a run, against its live "
        "bookmark",
    ): 3,
    (
        "docs/doctor.md",
        "glue-bookmarks lint s3://scripts/orders-no-commit.py s3://scripts/hourly-clickstream.py",
    ): 3,
    ("docs/doctor.md", "glue-bookmarks doctor hourly-clickstream --output json"): 3,
    ("docs/doctor.md", "glue-bookmarks doctor nightly-orders --history"): 3,
}

# Pages whose console output is compared by key lines: their lines, in order, among those
# printed (the command's output is changing there; see the module docstring).
KEY_LINE_PAGES: Final = frozenset({"docs/cli.md"})

SAMPLE_CURRENT_RUN_ID: Final = "jr_" + "3" * 64


def _one_more_nightly_run(glue: GlueClient) -> None:
    glue.start_job_run(JobName="nightly-orders")


def _nightly_runs_and_clickstream_is_reset(glue: GlueClient) -> None:
    # The run processes two more files.
    state = BookmarkState(
        {
            "AWSGlueDataCatalog_node1730078287682": HadoopSourceState(
                run=4,
                run_start_time=datetime(2024, 10, 29, 1, 32, 40, tzinfo=timezone.utc),
                include_list=("9f1c2a7e", "0b44d1f3", "e57a9c02", "5b0d77e2", "a93f6c18"),
            )
        }
    )
    seed_job_run(
        "nightly-orders",
        started_on=datetime(2024, 10, 29, 1, 32, 40, tzinfo=timezone.utc),
        job_bookmark=state,
        region_name=glue.meta.region_name,
    )
    glue.reset_job_bookmark(JobName="hourly-clickstream")


def _a_nightly_run_is_running(glue: GlueClient) -> None:
    seed_job_run(
        "nightly-orders",
        started_on=datetime(2024, 10, 29, 1, 30, tzinfo=timezone.utc),
        state="RUNNING",
        run_id="jr_" + "7" * 64,
        region_name=glue.meta.region_name,
    )


# What happens before a console command, where the page says so in words (or in a comment).
BEFORE_COMMAND: Final[dict[tuple[str, str], Callable[[GlueClient], None]]] = {
    # "After one more run of `nightly-orders`, a rewind to the run before it:"
    ("docs/cli.md", "glue-bookmarks get nightly-orders --output table"): _one_more_nightly_run,
    # "While a run of `nightly-orders` is running:"
    (
        "docs/cli.md",
        'glue-bookmarks reset nightly-orders --yes; echo "exit status $?"',
    ): _a_nightly_run_is_running,
    (
        "docs/snapshots.md",
        "# ... nightly-orders runs, and someone resets hourly-clickstream ...",
    ): _nightly_runs_and_clickstream_is_reset,
}


async def _first_event(trigger: Any) -> Any:
    """What a deferrable trigger's `run()` yields first, as the triggerer reads it."""
    async with aclosing(trigger.run()) as events:
        async for event in events:
            return event
    raise AssertionError("the trigger ended without an event")


def _drive_the_trigger(namespace: dict[str, Any]) -> None:
    trigger_class = namespace["BookmarkAdvancedTrigger"]
    trigger = trigger_class("nightly-orders", after_version=2, region_name="eu-west-1")
    classpath, kwargs = trigger.serialize()
    assert classpath == "my_dags.triggers.BookmarkAdvancedTrigger"
    event = asyncio.run(_first_event(trigger_class(**kwargs)))
    assert event.payload == {"status": "success", "version": 3, "run_id": SAMPLE_CURRENT_RUN_ID}
    misspelt = trigger_class("nightly-ordres", after_version=0, region_name="eu-west-1")
    event = asyncio.run(_first_event(misspelt))
    assert event.payload["status"] == "error"
    assert "Job nightly-ordres not found" in event.payload["message"]


# What runs after a python block, in its namespace: code the block defines but does not call.
AFTER_BLOCK: Final[dict[tuple[str, str], Callable[[dict[str, Any]], None]]] = {
    ("README.md", "async def audit"): lambda namespace: asyncio.run(namespace["audit"]()),
    ("docs/async.md", "class BookmarkAdvancedTrigger"): _drive_the_trigger,
}


def _jq_status_not_ok(document: str) -> str:
    return "".join(
        f"{job['JobName']} {job['Status']}\n"
        for job in json.loads(document)["JobBookmarks"]
        if job["Status"] != "ok"
    )


# The `jq -r` programs of the pages, in Python (jq may not be installed).
JQ_PROGRAMS: Final[dict[str, Callable[[str], str]]] = {
    '.JobBookmarks[] | select(.Status != "ok") | "\\(.JobName) \\(.Status)"': _jq_status_not_ok,
}


def _airflow_stand_ins() -> dict[str, ModuleType]:
    """Airflow's trigger base classes, as far as the async page's trigger uses them (Airflow is
    not installed here)."""

    class BaseTrigger:
        def __init__(self, **kwargs: Any) -> None:
            self.trigger_id: int | None = None

    @attrs.frozen
    class TriggerEvent:
        payload: Any

    base = ModuleType("airflow.triggers.base")
    base.BaseTrigger = BaseTrigger  # type: ignore[attr-defined]
    base.TriggerEvent = TriggerEvent  # type: ignore[attr-defined]
    return {
        "airflow": ModuleType("airflow"),
        "airflow.triggers": ModuleType("airflow.triggers"),
        "airflow.triggers.base": base,
    }


# -- the blocks ------------------------------------------------------------------------------

RUN_KINDS: Final = frozenset({"python", "doctest", "pytest", "console"})
BLOCKS: Final = [block for page in PAGES for block in read_blocks(page) if block.kind in RUN_KINDS]
BLOCKS_BY_ID: Final = {block.id: block for block in BLOCKS}


def _named(table: dict[tuple[str, str], Any], block: Block) -> Any:
    """The entry of `table` that names `block`, or None."""
    return next(
        (
            value
            for (page, text), value in table.items()
            if page == block.page and text in block.text
        ),
        None,
    )


# -- running a page ----------------------------------------------------------------------------

# The tests' default region, where the pages' server serves the samples, and the region the
# examples name.
SERVER_REGION: Final = "us-east-1"
REGIONS: Final = (SERVER_REGION, "eu-west-1")
_SERVER_START: Final = "python -m glue_bookmarks.testing"


@attrs.define
class _Page:
    """One page's examples running: its namespace, moto's clients to seed with, the shell."""

    page: str
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]
    server_url: str
    clients: list[GlueClient]
    namespace: dict[str, Any] = attrs.Factory(lambda: {"__name__": "__docs__"})
    # Whether moto holds what the python blocks go on from: the samples of every region, as
    # the page's python blocks before left them. A console block starts afresh.
    python_state: bool = False

    def fresh_samples(self, regions: Sequence[str]) -> None:
        """moto as the test server starts: the sample jobs in each of `regions`, and nothing
        else."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        reset = urllib.request.Request(f"{self.server_url}/moto-api/reset", method="POST")
        with opener.open(reset, timeout=30):
            pass
        for client in self.clients:
            if client.meta.region_name in regions:
                seed_all_samples(client)
        # The jobs' scripts, in moto's S3 (global: once).
        s3 = botocore_session().create_client(
            "s3", region_name="us-east-1", endpoint_url=self.server_url
        )
        seed_sample_scripts(s3)
        s3.close()

    def go_on_from_python_state(self) -> None:
        if not self.python_state:  # first on the page, or after a console block
            self.fresh_samples(REGIONS)
            self.python_state = True

    @contextlib.contextmanager
    def endpoint(self) -> Iterator[None]:
        """`AWS_ENDPOINT_URL` set to the test server, as the pages' `export` line sets it."""
        self.monkeypatch.setenv("AWS_ENDPOINT_URL", self.server_url)
        try:
            yield
        finally:
            self.monkeypatch.delenv("AWS_ENDPOINT_URL")

    def run_python(self, block: Block) -> None:
        self.go_on_from_python_state()
        linecache.cache[block.id] = (len(block.text), None, block.text.splitlines(True), block.id)
        undefined = undefined_names(block.text, self.namespace)
        assert not undefined, f"{block.id} uses names no block before it defines: {undefined}"
        after = _named(AFTER_BLOCK, block)
        uses_aiobotocore = "AsyncGlueBookmarks" in block.text
        with self.endpoint() if uses_aiobotocore else contextlib.nullcontext():
            exec(compile(block.text, block.id, "exec"), self.namespace)  # noqa: S102
            if after is not None:
                after(self.namespace)

    def run_doctest(self, block: Block) -> None:
        self.go_on_from_python_state()
        test = doctest.DocTestParser().get_doctest(
            block.text, self.namespace, block.id, block.page, block.line
        )
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        report: list[str] = []
        runner.run(test, out=report.append, clear_globs=False)
        if runner.failures:
            raise AssertionError("".join(report))

    def run_console(self, block: Block) -> None:
        commands = console_commands(block)
        server_starts = [c for c in commands if c.line.startswith(_SERVER_START)]
        samples = all("--samples" in command.line for command in server_starts)
        self.fresh_samples((SERVER_REGION,) if samples else ())
        self.python_state = False
        self.capsys.readouterr()
        # argparse wraps its usage to the terminal's width, 80 columns off a terminal.
        self.monkeypatch.setenv("COLUMNS", "80")
        shell = Shell(self.capsys, self.server_url, JQ_PROGRAMS)
        with self.endpoint():
            for command in commands:
                if command.line.startswith(("pip install ", "export ", _SERVER_START)):
                    continue
                before = BEFORE_COMMAND.get((block.page, command.key))
                if before is not None:
                    before(self.clients[0])
                self._run_command(block, shell, command)

    def _run_command(self, block: Block, shell: Shell, command: Command) -> None:
        ran = len(shell.statuses)
        printed = shell.run(command)
        expected = EXIT_STATUS.get((block.page, command.key), 0)
        statuses = shell.statuses[ran:]
        problems = []
        if any(status != expected for status in statuses):
            problems.append(f"exit status {statuses}, expected {expected}")
        if command.output and not matches(
            command.output, printed, key_lines=block.page in KEY_LINE_PAGES
        ):
            problems.append("output differs")
        if problems:
            raise AssertionError(
                f"$ {command.line}\n{'; '.join(problems)}\n"
                "-- the page shows:\n" + "\n".join(command.output) + "\n"
                "-- what ran printed:\n" + "\n".join(printed)
            )


@functools.cache
def _clients() -> list[GlueClient]:
    """A client of moto's Glue for each region, to seed the samples with (under `mock_aws()`)."""
    return [
        cast("GlueClient", botocore_session().create_client("glue", region_name=region))
        for region in REGIONS
    ]


@contextlib.contextmanager
def _page_session(page: str, fixtures: dict[str, Any]) -> Iterator[_Page]:
    """The set-up of one page's examples, undone afterwards."""
    from moto import mock_aws

    monkeypatch: pytest.MonkeyPatch = fixtures["monkeypatch"]
    tmp_path: Path = fixtures["tmp_path"]
    install()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    # The module-level get_job_bookmark()'s default client: made by the page, closed after it.
    monkeypatch.setattr(glue_bookmarks._client, "_default", None)
    for name, module in _airflow_stand_ins().items():
        monkeypatch.setitem(sys.modules, name, module)
    # The logging examples configure logging for the process.
    logger = logging.getLogger("glue_bookmarks")
    level = logger.level
    monkeypatch.setattr(logging.root, "handlers", list(logging.root.handlers))
    # The clients the examples create read botocore's model files from the tests' cache.
    with mock_aws(), shared_model_files():
        session = _Page(
            page, monkeypatch, fixtures["capsys"], fixtures["glue_moto_server_url"], _clients()
        )
        try:
            yield session
        finally:
            logger.setLevel(level)  # setLevel, not the attribute: it empties the level cache
            default = glue_bookmarks._client._default
            if default is not None:
                default.close()


_PAGE_RESULTS: dict[str, dict[str, str | None]] = {}


def _where_it_failed(exc: Exception, block: Block) -> str:
    """The error, with the block's own lines of the traceback (the library's are not the
    example's fault; run the block by hand for them)."""
    error = traceback.TracebackException.from_exception(exc)
    own = [frame for frame in error.stack if frame.filename == block.id]
    lines = traceback.StackSummary.from_list(own).format() if own else []
    return "".join([*lines, *error.format_exception_only()])


def _run_page(page: str, fixtures: dict[str, Any]) -> dict[str, str | None]:
    """Run every block of `page` but those that define tests or are not runnable; for each, by
    id, None if it ran as the page says, else what went wrong."""
    results: dict[str, str | None] = {}
    with _page_session(page, fixtures) as session:
        runners = {
            "python": session.run_python,
            "doctest": session.run_doctest,
            "console": session.run_console,
        }
        for block in BLOCKS:
            if block.page != page or block.kind not in runners or _named(NOT_RUNNABLE, block):
                continue
            try:
                runners[block.kind](block)
            except Exception as exc:  # reported on the block's test
                printed = session.capsys.readouterr()
                results[block.id] = (
                    f"{_where_it_failed(exc, block)}\n-- stdout:\n{printed.out}\n"
                    f"-- stderr:\n{printed.err}"
                )
            else:
                session.capsys.readouterr()
                results[block.id] = None
    return results


# -- the tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("block_id", [block.id for block in BLOCKS if block.kind != "pytest"])
def test_example(
    block_id: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    glue_moto_server_url: str,
    backoff_delays: list[float],
) -> None:
    block = BLOCKS_BY_ID[block_id]
    reason = _named(NOT_RUNNABLE, block)
    if reason is not None:
        pytest.skip(f"not runnable here: {reason}")
    if block.page not in _PAGE_RESULTS:
        fixtures = {
            "monkeypatch": monkeypatch,
            "capsys": capsys,
            "tmp_path": tmp_path,
            "glue_moto_server_url": glue_moto_server_url,
        }
        _PAGE_RESULTS[block.page] = _run_page(block.page, fixtures)
    results = _PAGE_RESULTS[block.page]
    assert block.id in results, f"{block.id} was neither run nor listed in NOT_RUNNABLE"
    failure = results[block.id]
    if failure is not None:
        pytest.fail(failure, pytrace=False)


@pytest.mark.parametrize("block_id", [block.id for block in BLOCKS if block.kind == "pytest"])
def test_example_tests_pass(block_id: str, pytester: pytest.Pytester) -> None:
    reason = _named(NOT_RUNNABLE, BLOCKS_BY_ID[block_id])
    if reason is not None:
        pytest.skip(f"not runnable here: {reason}")
    if not _TEST_RESULTS:
        _TEST_RESULTS.update(_run_the_tests(pytester))
    failure = _TEST_RESULTS[block_id]
    if failure is not None:
        pytest.fail(failure, pytrace=False)


_TEST_RESULTS: dict[str, str | None] = {}


def _run_the_tests(pytester: pytest.Pytester) -> dict[str, str | None]:
    """Run the tests that the blocks define, in one pytest session, each block a test module;
    for each block, by id, None if each of its tests passed, else the reports."""
    blocks = [b for b in BLOCKS if b.kind == "pytest" and _named(NOT_RUNNABLE, b) is None]
    pytester.makeini(
        "[pytest]\nfilterwarnings = error\nasyncio_default_fixture_loop_scope = function\n"
    )
    modules = {block.id: "test_" + re.sub(r"\W", "_", block.id) for block in blocks}
    pytester.makepyfile(**{modules[block.id]: block.text for block in blocks})
    recorder = pytester.inline_run("-p", "no:cacheprovider")
    reports = [
        *recorder.getreports("pytest_collectreport"),
        *recorder.getreports("pytest_runtest_logreport"),
    ]
    results: dict[str, str | None] = {}
    for block in blocks:
        module = f"{modules[block.id]}.py"
        own = [report for report in reports if report.nodeid.split("::")[0] == module]
        passed = {r.nodeid.split("::")[-1] for r in own if r.when == "call" and r.passed}
        failed = [report.longreprtext for report in own if report.failed]
        defined = {
            node.name
            for node in ast.parse(block.text).body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
        }
        ok = passed == defined and not failed
        results[block.id] = None if ok else f"passed: {sorted(passed)}\n" + "\n".join(failed)
    return results


def test_the_tables_name_blocks_that_exist() -> None:
    for table in (NOT_RUNNABLE, AFTER_BLOCK):
        for page, text in table:
            named = [b for b in BLOCKS if b.page == page and text in b.text]
            assert len(named) == 1, (page, text, [b.id for b in named])
    commands = {
        (block.page, command.key)
        for block in BLOCKS
        if block.kind == "console"
        for command in console_commands(block)
    }
    for key in (*EXIT_STATUS, *BEFORE_COMMAND):
        assert key in commands, key
