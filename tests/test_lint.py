"""The lint of a job's script: `lint_script()`, its reads and every finding code.

The scripts under `tests/fixtures/scripts/` are shaped like real ones (Glue Studio's output,
the console's generated scripts of Glue 1.0, the AWS samples' style, hand-written jobs); each
says in its first lines what the lint must find in it, exactly (`# lint: expect CODE@LINE,
CODE` or `nothing`), and the contexts of its reads (`# lint: contexts a, b`, `-` for a read
without one, `~` for one that is no literal). Targeted tests follow, one rule at a time, with
the details that decide between a finding and a false alarm.
"""

from __future__ import annotations

import ast
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from glue_bookmarks import (
    Finding,
    InvalidParameterError,
    ScriptRead,
    ScriptReport,
    Severity,
    lint_script,
)

SCRIPTS = Path(__file__).parent / "fixtures" / "scripts"

# -- the fixture scripts -------------------------------------------------------------------------


def _header(text: str, key: str) -> str | None:
    prefix = f"# lint: {key}"
    for line in text.splitlines()[:5]:
        if line.startswith(prefix):
            return line[len(prefix) :].strip()
    return None


def expected_findings(text: str) -> Counter[tuple[str, int | None]]:
    """`# lint: expect a@12, b` as {("a", 12): 1, ("b", None): 1}; `nothing` as empty."""
    header = _header(text, "expect")
    assert header is not None, "the script says nothing of what to expect"
    if header == "nothing":
        return Counter()
    found: Counter[tuple[str, int | None]] = Counter()
    for item in header.split(","):
        code, _, line = item.strip().partition("@")
        found[code, int(line) if line else None] += 1
    return found


def expected_contexts(text: str) -> list[tuple[str | None, bool]]:
    """`# lint: contexts a, " b", -, ~` as [("a", False), (" b", False), (None, False),
    (None, True)]."""
    header = _header(text, "contexts")
    assert header is not None, "the script does not list its reads' contexts"
    contexts: list[tuple[str | None, bool]] = []
    for item in filter(None, (part.strip() for part in header.split(","))):
        if item == "-":
            contexts.append((None, False))
        elif item == "~":
            contexts.append((None, True))
        else:
            contexts.append((ast.literal_eval(item) if item.startswith('"') else item, False))
    return contexts


FIXTURE_SCRIPTS = sorted(SCRIPTS.glob("*.py"))


def test_there_are_several_dozen_fixture_scripts() -> None:
    assert len(FIXTURE_SCRIPTS) >= 48


@pytest.mark.parametrize("script", FIXTURE_SCRIPTS, ids=lambda path: path.stem)
def test_fixture_script(script: Path) -> None:
    text = script.read_text()
    report = lint_script(text, path=str(script))
    found = Counter((finding.code, finding.line) for finding in report.findings)
    assert found == expected_findings(text), [
        (finding.code, finding.line, finding.message) for finding in report.findings
    ]
    assert [(read.transformation_ctx, read.dynamic) for read in report.reads] == (
        expected_contexts(text)
    )
    assert report.path == str(script)


# -- helpers for the targeted tests --------------------------------------------------------------

# The set-up most scripts share; the snippets below add to it (line 6 is the Job).
SETUP = """\
import sys
from awsglue.context import GlueContext
from awsglue.job import Job
from pyspark.context import SparkContext
glue = GlueContext(SparkContext.getOrCreate())
job = Job(glue)
"""


def lint(code: str, *, setup: bool = True) -> ScriptReport:
    return lint_script((SETUP if setup else "") + textwrap.dedent(code))


def codes(report: ScriptReport) -> list[str]:
    return [finding.code for finding in report.findings]


def found(report: ScriptReport) -> set[tuple[str, int | None]]:
    return {(finding.code, finding.line) for finding in report.findings}


def only(report: ScriptReport, code: str) -> Finding:
    matching = [finding for finding in report.findings if finding.code == code]
    assert len(matching) == 1, report.findings
    return matching[0]


# -- arguments and the report --------------------------------------------------------------------


@pytest.mark.parametrize("source", [b"job.commit()", None, 42, ["job.commit()"]])
def test_a_source_that_is_no_str_is_a_bad_argument(source: object) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        lint_script(source)  # type: ignore[arg-type]
    assert caught.value.parameter == "source"
    assert isinstance(caught.value, ValueError)
    assert type(source).__name__ in str(caught.value)


@pytest.mark.parametrize("path", [b"job.py", 3, Path("job.py")])
def test_a_path_that_is_neither_str_nor_none_is_a_bad_argument(path: object) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        lint_script("", path=path)  # type: ignore[arg-type]
    assert caught.value.parameter == "path"


def test_an_empty_script_has_nothing_to_report() -> None:
    assert lint_script("") == ScriptReport(path=None, findings=(), reads=())
    assert lint_script("", path="s3://bucket/job.py").path == "s3://bucket/job.py"


def test_report_and_read_are_frozen_and_keyword_only() -> None:
    report = lint("job.init('x', {})\n")
    with pytest.raises(AttributeError):
        report.path = "x"  # type: ignore[misc]
    read = ScriptRead(line=1, call="getSource", transformation_ctx=None, dynamic=False)
    with pytest.raises(AttributeError):
        read.line = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        ScriptRead(1, "getSource", None, False)  # type: ignore[call-arg]


def test_findings_gain_a_line_that_the_doctors_leave_unset() -> None:
    finding = Finding(code="paused", severity=Severity.INFO, message="bookmarks are paused")
    assert finding.line is None
    assert Finding(code="x", severity=Severity.ERROR, message="m", line=3).line == 3


def test_findings_are_most_severe_first_then_by_line_the_scripts_own_first() -> None:
    report = lint(
        """\
        a = spark.read.parquet("s3://example/a/")
        b = glue.create_dynamic_frame.from_catalog(database="d", table_name="b")
        c = glue.create_dynamic_frame.from_catalog(
            database="d", table_name="c", transformation_ctx=f"c_{a}"
        )
        d = glue.create_dynamic_frame.from_catalog(database="d", table_name="d")
        """
    )
    assert [(finding.code, finding.line) for finding in report.findings] == [
        ("missing-commit", None),
        ("missing-init", None),
        ("read-without-context", 8),
        ("read-without-context", 12),
        ("dynamic-context", 9),
        ("untracked-read", 7),
    ]
    assert [finding.severity for finding in report.findings] == sorted(
        (finding.severity for finding in report.findings), reverse=True
    )


# -- the reads -------------------------------------------------------------------------------------


def test_every_bookmark_capable_read_is_named_as_written_in_source_order() -> None:
    report = lint(
        """\
        job.init("j", {})
        a = glue.create_dynamic_frame.from_catalog("d", "t", transformation_ctx="a")
        b = glue.create_dynamic_frame.from_options(connection_type="s3", transformation_ctx="b")
        c = glue.create_dynamic_frame_from_catalog("d", "t", transformation_ctx="c")
        d = glue.create_dynamic_frame_from_options(connection_type="s3", transformation_ctx="d")
        e = glue.create_data_frame.from_catalog("d", "t", transformation_ctx="e")
        f = glue.create_data_frame.from_options(connection_type="s3", transformation_ctx="f")
        g = glue.create_data_frame_from_catalog("d", "t", transformation_ctx="g")
        h = glue.create_data_frame_from_options(connection_type="s3", transformation_ctx="h")
        i = glue.getSource("s3", transformation_ctx="i")
        job.commit()
        """
    )
    assert report.findings == ()
    assert [(read.line, read.call, read.transformation_ctx) for read in report.reads] == [
        (8, "create_dynamic_frame.from_catalog", "a"),
        (9, "create_dynamic_frame.from_options", "b"),
        (10, "create_dynamic_frame_from_catalog", "c"),
        (11, "create_dynamic_frame_from_options", "d"),
        (12, "create_data_frame.from_catalog", "e"),
        (13, "create_data_frame.from_options", "f"),
        (14, "create_data_frame_from_catalog", "g"),
        (15, "create_data_frame_from_options", "h"),
        (16, "getSource", "i"),
    ]


@pytest.mark.parametrize(
    ("call", "context"),
    [
        # from_catalog(database, table_name, redshift_tmp_dir, transformation_ctx, ...)
        ('create_dynamic_frame.from_catalog("d", "t", "", "ctx")', "ctx"),
        ('create_dynamic_frame_from_catalog("d", "t", "", "ctx", "p = 1")', "ctx"),
        ('create_data_frame.from_catalog("d", "t", "", "ctx")', "ctx"),
        ('create_dynamic_frame.from_catalog("d", "t", "")', None),
        # from_options(connection_type, connection_options, format, format_options, ctx, ...)
        ('create_dynamic_frame.from_options("s3", {}, "json", {}, "ctx")', "ctx"),
        ('create_data_frame_from_options("s3", {}, "json", {}, "ctx")', "ctx"),
        ('create_dynamic_frame.from_options("s3", {}, "json", "ctx")', None),
        # getSource(connection_type, format, transformation_ctx, ...)
        ('getSource("s3", "json", "ctx")', "ctx"),
        ('getSource("s3", "ctx")', None),
        # The keyword wins over the positions.
        ('create_dynamic_frame.from_catalog("d", "t", transformation_ctx="ctx")', "ctx"),
    ],
)
def test_positional_contexts_sit_where_awsglue_puts_them(call: str, context: str | None) -> None:
    report = lint(f"job.init('j', {{}})\nframe = glue.{call}\njob.commit()\n")
    assert [read.transformation_ctx for read in report.reads] == [context]
    assert ("read-without-context" in codes(report)) is (context is None)


def test_the_glue_context_may_be_called_anything() -> None:
    report = lint_script(
        textwrap.dedent(
            """\
            class Loader:
                def __init__(self, gc):
                    self.gc = gc

                def orders(self):
                    return self.gc.create_dynamic_frame.from_catalog(
                        "d", "t", transformation_ctx="orders"
                    )

            ctx = make_context()
            frame = ctx.getSource("s3", transformation_ctx="files")
            """
        )
    )
    assert [read.transformation_ctx for read in report.reads] == ["orders", "files"]


def test_writes_and_other_methods_are_no_reads() -> None:
    report = lint(
        """\
        job.init("j", {})
        glue.write_dynamic_frame.from_options(frame=f, connection_type="s3")
        glue.write_dynamic_frame.from_catalog(frame=f, database="d", table_name="t")
        glue.getSink("s3", path="s3://x/")
        glue.create_dynamic_frame_from_rdd(rdd, "name")
        reader.from_catalog(database="d", table_name="t")
        job.commit()
        """
    )
    assert report.reads == ()
    assert report.findings == ()


# -- missing-commit and missing-init ---------------------------------------------------------------


def test_a_connections_commit_is_no_job_commit() -> None:
    report = lint(
        """\
        job.init("j", {})
        frame = glue.create_dynamic_frame.from_catalog("d", "t", transformation_ctx="t")
        conn.commit()
        session.commit()
        """
    )
    assert codes(report) == ["missing-commit"]
    assert only(report, "missing-commit").line is None
    assert "job.commit()" in only(report, "missing-commit").message


def test_the_job_is_whatever_was_assigned_from_job() -> None:
    report = lint_script(
        textwrap.dedent(
            """\
            from awsglue.job import Job
            etl = Job(glueContext)
            etl.init("j", {})
            frame = glue.create_dynamic_frame.from_catalog("d", "t", transformation_ctx="t")
            runner = etl
            runner.commit()
            """
        )
    )
    assert report.findings == ()


def test_a_job_made_elsewhere_is_known_by_its_name() -> None:
    # No Job(...) in the script: a name ending in "job" stands for it.
    report = lint_script(
        textwrap.dedent(
            """\
            from shared import glueJob, glue_context
            glueJob.init("j", {})
            frame = glue_context.create_dynamic_frame.from_catalog("d", "t", transformation_ctx="t")
            glueJob.commit()
            """
        )
    )
    assert report.findings == ()


def test_the_job_is_followed_through_returns_and_parameters() -> None:
    report = lint_script(
        textwrap.dedent(
            """\
            def setup():
                j = Job(glueContext)
                j.init("j", {})
                return glueContext, j

            def done(handle):
                handle.commit()

            gc, current = setup()
            frame = gc.create_dynamic_frame.from_catalog("d", "t", transformation_ctx="t")
            done(handle=current)
            """
        )
    )
    assert report.findings == ()


def test_without_reads_no_commit_is_needed() -> None:
    assert lint("job.init('j', {})\nprint('nothing to read')\n").findings == ()


def test_a_commit_without_init_is_missing_init() -> None:
    report = lint("job.commit()\n")
    assert codes(report) == ["missing-init"]
    assert "job.init()" in report.findings[0].message


@pytest.mark.parametrize(
    "made",
    [
        "from common.setup import job\n",
        "from common.setup import *\n",
        "from common.setup import make_job\njob = make_job(glue)\n",
        "import common\nglue, job = common.start(sys.argv)\n",
    ],
)
def test_a_job_made_elsewhere_may_have_been_initialised_there(made: str) -> None:
    read = 'frame = glue.getSource("s3", transformation_ctx="s")\n'
    report = lint_script(made + read + "job.commit()\n")
    assert report.findings == ()


@pytest.mark.parametrize("imports", ["", "from awsglue.transforms import *\n"])
def test_a_job_made_in_the_script_is_not_initialised_elsewhere(imports: str) -> None:
    report = lint(
        imports + "def make():\n    return Job(glue)\n"
        'job = make()\nframe = glue.getSource("s3", transformation_ctx="s")\njob.commit()\n'
    )
    assert codes(report) == ["missing-init"]


def test_a_script_without_any_job_call_or_read_has_nothing_to_say() -> None:
    assert lint("spark = glue.spark_session\n").findings == ()


# -- commit-not-guaranteed -------------------------------------------------------------------------

READ = 'frame = glue.create_dynamic_frame.from_catalog("d", "t", transformation_ctx="t")\n'


@pytest.mark.parametrize(
    "body",
    [
        # At module level.
        "job.commit()\n",
        # In a try body, or its else; in a with block; in a loop.
        "try:\n    write(frame)\n    job.commit()\nexcept Exception:\n    raise\n",
        "try:\n    write(frame)\nexcept ValueError:\n    raise\nelse:\n    job.commit()\n",
        "try:\n    write(frame)\nfinally:\n    job.commit()\n",
        "with timer():\n    job.commit()\n",
        "for attempt in range(3):\n    job.commit()\n    break\n",
        # On both branches of an if/else, an elif chain that ends in else, a conditional
        # expression.
        "if frame.count():\n    job.commit()\nelse:\n    job.commit()\n",
        "if a:\n    job.commit()\nelif b:\n    job.commit()\nelse:\n    job.commit()\n",
        "job.commit() if frame.count() else job.commit()\n",
        # At the end of a main() the module calls, under the __main__ guard or not.
        "def main():\n    write(frame)\n    job.commit()\n\n"
        "if __name__ == '__main__':\n    main()\n",
        "def main():\n    job.commit()\n\nmain()\n",
        # Through functions that always commit, on both branches.
        "def full():\n    job.commit()\ndef incremental():\n    job.commit()\n"
        "if mode == 'full':\n    full()\nelse:\n    incremental()\n",
        # In a function the module never calls: its entry point is elsewhere.
        "def handler(event, context):\n    job.commit()\n",
    ],
)
def test_a_commit_that_is_reached(body: str) -> None:
    report = lint("job.init('j', {})\n" + READ + body)
    assert report.findings == ()


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("if frame.count() > 0:\n    job.commit()\n", 10),
        (
            "if frame.count() > 0:\n    write(frame)\nelse:\n    log('empty')\n"
            "job.commit() if ok else None\n",
            13,
        ),
        ("try:\n    write(frame)\nexcept Exception:\n    job.commit()\n", 12),
        ("if a:\n    job.commit()\nelif b:\n    job.commit()\n", 10),
        (
            "match mode:\n    case 'a':\n        job.commit()\n    case _:\n        job.commit()\n",
            11,
        ),
        ("def finish():\n    job.commit()\n\nif ok:\n    finish()\n", 10),
        ("def run():\n    if ok:\n        job.commit()\n", 11),
    ],
)
def test_a_commit_reached_only_on_a_branch(body: str, line: int) -> None:
    report = lint("job.init('j', {})\n" + READ + body)
    assert found(report) == {("commit-not-guaranteed", line)}
    finding = only(report, "commit-not-guaranteed")
    assert finding.severity is Severity.WARNING
    assert finding.transformation_ctx is None


# -- read-before-init ------------------------------------------------------------------------------


def test_a_read_at_module_level_before_init() -> None:
    report = lint(READ + "job.init('j', {})\njob.commit()\n")
    finding = only(report, "read-before-init")
    assert (finding.line, finding.transformation_ctx) == (7, "t")
    assert "(line 8)" in finding.message
    assert finding.severity is Severity.ERROR


def test_a_read_earlier_in_the_same_function_than_init() -> None:
    report = lint(
        """\
        def main():
            first = glue.create_dynamic_frame.from_catalog("d", "a", transformation_ctx="a")
            job.init("j", {})
            second = glue.create_dynamic_frame.from_catalog("d", "b", transformation_ctx="b")
            job.commit()
        """
    )
    assert found(report) == {("read-before-init", 8)}


def test_a_read_in_a_helper_the_module_calls_before_init() -> None:
    report = lint(
        """\
        def lookup():
            return glue.create_dynamic_frame.from_catalog("d", "a", transformation_ctx="a")
        def main():
            job.init("j", {})
            job.commit()
        ref = lookup()
        main()
        """
    )
    assert found(report) == {("read-before-init", 8)}


def test_a_read_in_a_helper_called_after_init_is_fine() -> None:
    report = lint(
        """\
        def lookup():
            return glue.create_dynamic_frame.from_catalog("d", "a", transformation_ctx="a")
        def main():
            job.init("j", {})
            ref = lookup()
            job.commit()
        main()
        """
    )
    assert report.findings == ()


def test_without_any_init_missing_init_says_it_not_read_before_init() -> None:
    report = lint(READ + "job.commit()\n")
    assert codes(report) == ["missing-init"]


# -- read-without-context and dynamic-context ------------------------------------------------------


@pytest.mark.parametrize(
    "arguments",
    [
        'database="d", table_name="t"',
        '"d", "t", transformation_ctx=""',
        '"d", "t", transformation_ctx=None',
        '"d", "t", "", ""',
    ],
)
def test_no_context_empty_or_none_is_missing(arguments: str) -> None:
    report = lint(
        "job.init('j', {})\n"
        f"frame = (\n    glue\n    .create_dynamic_frame\n    .from_catalog({arguments})\n)\n"
        "job.commit()\n"
    )
    finding = only(report, "read-without-context")
    # The line where the read call starts, as the read's own.
    assert finding.line == report.reads[0].line == 9
    assert finding.transformation_ctx is None
    assert report.reads[0] == ScriptRead(
        line=9, call="create_dynamic_frame.from_catalog", transformation_ctx=None, dynamic=False
    )


@pytest.mark.parametrize(
    "context",
    [
        'f"orders_{day}"',
        '"orders_" + day',
        "name",
        'args["JOB_NAME"]',
        "make_context()",
        "settings.context",
        "42",
        "b'orders'",
    ],
)
def test_a_context_that_is_no_string_literal_is_dynamic(context: str) -> None:
    report = lint(
        "job.init('j', {})\n"
        f'frame = glue.create_dynamic_frame.from_catalog("d", "t", transformation_ctx={context})\n'
        "job.commit()\n"
    )
    finding = only(report, "dynamic-context")
    assert (finding.line, finding.transformation_ctx, finding.severity) == (
        8,
        None,
        Severity.WARNING,
    )
    assert report.reads[0].dynamic is True
    assert report.reads[0].transformation_ctx is None


@pytest.mark.parametrize(
    "arguments", ['database="d", table_name="t", **options', "*positional", '"d", "t", *rest']
)
def test_unpacked_arguments_may_hold_the_context(arguments: str) -> None:
    report = lint(
        "job.init('j', {})\n"
        f"frame = glue.create_dynamic_frame.from_catalog({arguments})\n"
        "job.commit()\n"
    )
    assert codes(report) == ["dynamic-context"]


def test_a_literal_is_kept_verbatim() -> None:
    report = lint(
        "job.init('j', {})\n"
        'a = glue.getSource("s3", transformation_ctx="  orders\\t")\n'
        'b = glue.getSource("s3", transformation_ctx="orders")\n'
        "job.commit()\n"
    )
    assert [read.transformation_ctx for read in report.reads] == ["  orders\t", "orders"]
    assert report.findings == ()


# -- duplicate-context and context-in-loop ---------------------------------------------------------


def test_one_literal_on_two_reads_is_a_duplicate_on_the_second() -> None:
    report = lint(
        "job.init('j', {})\n"
        'a = glue.create_dynamic_frame.from_catalog("d", "a", transformation_ctx="src")\n'
        'b = glue.create_dynamic_frame.from_catalog("d", "b", transformation_ctx="src")\n'
        'c = glue.getSource("s3", transformation_ctx="src")\n'
        "job.commit()\n"
    )
    assert found(report) == {("duplicate-context", 9), ("duplicate-context", 10)}
    assert {finding.transformation_ctx for finding in report.findings} == {"src"}
    assert all("line 8" in finding.message for finding in report.findings)


@pytest.mark.parametrize(
    "body",
    [
        "if a:\n    {read}\nelse:\n    {read}\n",
        "if a:\n    {read}\nelif b:\n    {read}\nelse:\n    {read}\n",
        "if a:\n    {read}\nelse:\n    if b:\n        {read}\n",
        "match a:\n    case 1:\n        {read}\n    case _:\n        {read}\n",
        "try:\n    {read}\nexcept OSError:\n    {read}\n",
        "frame = {call} if a else {call}\n",
    ],
)
def test_one_literal_on_exclusive_branches_is_no_duplicate(body: str) -> None:
    call = 'glue.getSource("s3", transformation_ctx="src")'
    code = "job.init('j', {})\n" + body.format(read=f"frame = {call}", call=call) + "job.commit()\n"
    report = lint(code)
    assert report.findings == ()
    assert len(report.reads) >= 2


def test_one_literal_in_two_functions_is_a_duplicate() -> None:
    report = lint(
        """\
        job.init("j", {})
        def one():
            return glue.getSource("s3", transformation_ctx="src")
        def two():
            return glue.getSource("s3", transformation_ctx="src")
        one()
        two()
        job.commit()
        """
    )
    assert found(report) == {("duplicate-context", 11)}


@pytest.mark.parametrize(
    "body",
    [
        "for table in tables:\n    {read}\n",
        "while more():\n    {read}\n",
        "frames = [{call} for table in tables]\n",
        "frames = {{table: {call} for table in tables}}\n",
        "for table in tables:\n    if table:\n        {read}\n",
    ],
)
def test_a_literal_inside_a_loop_shares_one_state(body: str) -> None:
    call = 'glue.getSource("s3", transformation_ctx="src")'
    report = lint(
        "job.init('j', {})\n" + body.format(read=f"frame = {call}", call=call) + "job.commit()\n"
    )
    finding = only(report, "context-in-loop")
    assert (finding.transformation_ctx, finding.severity) == ("src", Severity.WARNING)
    assert "loop" in finding.message
    assert "duplicate-context" not in codes(report)


@pytest.mark.parametrize(
    ("calls", "reason"),
    [
        ("load()\nload()\n", "called in 2 places"),
        ("for t in tables:\n    load()\n", "called inside a loop"),
        ("def twice():\n    load()\ntwice()\ntwice()\n", "called from twice()"),
        ("[load() for t in tables]\n", "called inside a loop"),
    ],
)
def test_a_literal_in_a_function_run_more_than_once(calls: str, reason: str) -> None:
    report = lint(
        "job.init('j', {})\n"
        "def load():\n"
        '    return glue.getSource("s3", transformation_ctx="src")\n' + calls + "job.commit()\n"
    )
    finding = only(report, "context-in-loop")
    assert finding.line == 9
    assert "load()" in finding.message and reason in finding.message


@pytest.mark.parametrize(
    "calls",
    ["load()\n", "if a:\n    load()\nelse:\n    load()\n", "def unused():\n    pass\nload()\n"],
)
def test_a_literal_in_a_function_run_once(calls: str) -> None:
    report = lint(
        "job.init('j', {})\n"
        "def load():\n"
        '    return glue.getSource("s3", transformation_ctx="src")\n' + calls + "job.commit()\n"
    )
    assert report.findings == ()


def test_a_dynamic_context_in_a_loop_is_only_dynamic() -> None:
    report = lint(
        "job.init('j', {})\n"
        "for table in tables:\n"
        '    frame = glue.getSource("s3", transformation_ctx=f"src_{table}")\n'
        "job.commit()\n"
    )
    assert codes(report) == ["dynamic-context"]


# -- untracked-read --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ('df = spark.read.parquet("s3://b/p/")\n', "spark.read"),
        (
            'df = glue.spark_session.read.format("jdbc").option("url", u).load()\n',
            "glue.spark_session.read",
        ),
        ('df = SparkSession.builder.getOrCreate().read.csv("s3://b/")\n', "spark.read"),
        ('df = spark.sql("SELECT * FROM sales.orders")\n', "sales.orders"),
        (
            'df = glueContext.sql("select id from raw.events e join raw.users u on e.u = u.id")\n',
            "raw.events, raw.users",
        ),
        ("df = spark.sql(f\"SELECT * FROM {db}.orders WHERE day = '{day}'\")\n", "{...}.orders"),
        ('df = spark.sql("SELECT * FROM parquet.`s3://b/p/`")\n', "parquet.`s3://b/p/`"),
        ('df = spark.sql("SELECT * FROM orders")\n', "orders"),
        ('df = spark.table("sales.orders")\n', "sales.orders"),
        ('df = sqlContext.sql("SELECT * FROM a, b x, c AS y")\n', "a, b, c"),
    ],
)
def test_reads_the_bookmark_does_not_track(code: str, shown: str) -> None:
    report = lint("job.init('j', {})\n" + code + "job.commit()\n", setup=False)
    finding = only(report, "untracked-read")
    assert finding.line == 2
    assert shown in finding.message
    assert finding.severity is Severity.INFO


@pytest.mark.parametrize(
    "code",
    [
        'config = s3.get_object(Bucket="b", Key="k")["Body"].read()\n',
        'with open("x") as f:\n    text = f.read()\n',
        'df = pd.read_csv("x.csv")\n',
        # Temporary views, common table expressions, subqueries and functions.
        'frame.toDF().createOrReplaceTempView("orders")\ndf = spark.sql("SELECT * FROM orders")\n',
        'df.createTempView("a")\nspark.sql("select * from a join (select 1 as x) t on true")\n',
        'spark.sql("WITH recent AS (SELECT 1) SELECT * FROM recent")\n',
        'spark.sql("CREATE TEMP VIEW v AS SELECT 1 AS id")\nspark.sql("SELECT * FROM v")\n',
        'df.createOrReplaceTempView("t")\n'
        'spark.sql("SELECT extract(YEAR FROM day), trim(BOTH FROM x) FROM t")\n',
        'spark.sql("SELECT * FROM range(10)")\nspark.sql("SELECT * FROM VALUES (1), (2)")\n',
        'spark.sql("SELECT * FROM global_temp.shared")\n',
        # Writes and statements that name tables without reading them.
        'spark.sql("DELETE FROM lake.orders WHERE day < 1")\nspark.sql("SHOW TABLES FROM lake")\n',
        'spark.sql("MSCK REPAIR TABLE lake.orders")\n',
        # A query that is no literal: not judged.
        "spark.sql(query)\nspark.table(name)\n",
        # Not a Spark session.
        'db.sql("SELECT * FROM sales.orders")\n',
    ],
)
def test_reads_that_are_no_untracked_reads(code: str) -> None:
    report = lint_script(code)
    assert report.findings == ()


def test_unqualified_names_are_not_judged_when_views_are_made_under_unknown_names() -> None:
    code = (
        "for alias, frame in mapping.items():\n"
        "    frame.toDF().createOrReplaceTempView(alias)\n"
        'spark.sql("SELECT * FROM mystery JOIN lake.orders o ON true")\n'
    )
    finding = only(lint_script(code), "untracked-read")
    assert "lake.orders" in finding.message and "mystery" not in finding.message


# -- syntax-error ----------------------------------------------------------------------------------


def test_a_script_that_does_not_parse() -> None:
    report = lint_script("import sys\n\nprint 'hello'\n", path="job.py")
    assert report.reads == ()
    assert report.path == "job.py"
    assert found(report) == {("syntax-error", 3)}
    assert report.findings[0].severity is Severity.ERROR
    assert "does not parse" in report.findings[0].message


def test_a_null_byte_is_a_syntax_error_too() -> None:
    assert codes(lint_script("job.init()\x00\n")) == ["syntax-error"]


def test_invalid_escapes_do_not_warn() -> None:
    # filterwarnings = error: a warning from the parse would fail this test.
    report = lint_script('import re\npattern = re.compile("\\d+")\n')
    assert report.findings == ()


def test_nesting_deeper_than_pythons_recursion_limit_is_walked() -> None:
    # The walk is iterative: 1,500 nested additions parse, and are walked.
    chain = " + ".join(["x"] * 1_500)
    assert lint_script(f"total = {chain}\nspark.read.csv(path)\n").findings[0].line == 2


def test_nesting_too_deep_for_the_parser_is_a_syntax_error() -> None:
    chain = " + ".join(["x"] * 100_000)
    report = lint_script(f"total = {chain}\n")
    assert codes(report) == ["syntax-error"]
    assert "nested too deeply" in report.findings[0].message


# -- streaming-source ------------------------------------------------------------------------------


@pytest.mark.parametrize("connection", ["kinesis", "kafka", "Kinesis"])
def test_a_streaming_source_is_no_bookmark_read(connection: str) -> None:
    report = lint(
        f'frame = glue.create_data_frame.from_options(connection_type="{connection}",'
        ' connection_options={}, transformation_ctx="stream")\n'
    )
    # No missing-commit, no missing-init: a streaming job keeps no bookmark.
    assert found(report) == {("streaming-source", 7)}
    assert report.findings[0].transformation_ctx == "stream"
    assert report.reads == ()


def test_a_frame_given_to_foreachbatch_is_a_stream() -> None:
    report = lint(
        'frame = glue.create_data_frame.from_catalog(database="d", table_name="t")\n'
        "glue.forEachBatch(frame, process, {})\n"
        "glue.forEachBatch(\n"
        '    frame=glue.create_data_frame.from_catalog(database="d", table_name="u"),\n'
        "    batch_function=process,\n"
        ")\n"
    )
    assert found(report) == {("streaming-source", 7), ("streaming-source", 10)}
    assert report.reads == ()


# -- misspelt-bookmark-option ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "meant"),
    [
        ("jobBookmarkKey", "jobBookmarkKeys"),
        ("JobBookmarkKeys", "jobBookmarkKeys"),
        ("jobbookmarkkeys", "jobBookmarkKeys"),
        ("job_bookmark_keys", "jobBookmarkKeys"),
        ("jobBookmarksKeys", "jobBookmarkKeys"),
        ("bookmarkKeys", "jobBookmarkKeys"),
        ("jobBookmarkKeySortOrder", "jobBookmarkKeysSortOrder"),
        ("jobBookmarkKeysSortorder", "jobBookmarkKeysSortOrder"),
    ],
)
def test_a_misspelt_bookmark_option(key: str, meant: str) -> None:
    report = lint(
        "job.init('j', {})\n"
        "frame = glue.create_dynamic_frame.from_catalog(\n"
        '    "d", "t", transformation_ctx="jdbc",\n'
        f'    additional_options={{"{key}": ["id"]}},\n'
        ")\n"
        "job.commit()\n"
    )
    finding = only(report, "misspelt-bookmark-option")
    assert (finding.line, finding.transformation_ctx) == (10, "jdbc")
    assert repr(meant) in finding.message


def test_misspelt_options_are_found_in_any_dict_and_keyword() -> None:
    report = lint_script(
        'options = {"jobBookmarkKey": ["id"]}\n'
        'source = make_source("mysql", jobBookmarksKeys=["id"])\n'
        'opts = dict(jobBookmarkKey=["id"])\n'
    )
    assert found(report) == {
        ("misspelt-bookmark-option", 1),
        ("misspelt-bookmark-option", 2),
        ("misspelt-bookmark-option", 3),
    }


@pytest.mark.parametrize(
    "key",
    [
        "jobBookmarkKeys",
        "jobBookmarkKeysSortOrder",
        "--job-bookmark-option",
        "bookmarkLocation",
        "job-bookmark-from",
        "dynamodb.export",
    ],
)
def test_the_right_options_and_other_keys_are_no_misspelling(key: str) -> None:
    assert lint_script(f'options = {{"{key}": "x"}}\n').findings == ()


# -- how the script is followed --------------------------------------------------------------------


def test_class_based_jobs_are_followed_through_their_methods() -> None:
    report = lint_script(
        textwrap.dedent(
            """\
            class Etl:
                def __init__(self):
                    self.glue = GlueContext(SparkContext.getOrCreate())
                    self.job = Job(self.glue)

                def extract(self):
                    return self.glue.getSource("s3", transformation_ctx="src")

                def run(self):
                    self.job.init("j", {})
                    frame = self.extract()
                    self.job.commit()

            etl = Etl()
            etl.run()
            """
        )
    )
    assert report.findings == ()


def test_a_method_read_before_init_in_a_class_based_job() -> None:
    report = lint_script(
        textwrap.dedent(
            """\
            class Etl:
                def __init__(self):
                    self.job = Job(glueContext)

                def extract(self):
                    return glue.getSource("s3", transformation_ctx="src")

                def run(self):
                    frame = self.extract()
                    self.job.init("j", {})
                    self.job.commit()

            Etl().run()
            """
        )
    )
    assert found(report) == {("read-before-init", 6)}


def test_a_constructor_runs_before_the_method_called_on_its_result() -> None:
    # `Etl().run()`: __init__ (and its init()) first, whatever the order of the methods.
    report = lint_script(
        textwrap.dedent(
            """\
            class Etl:
                def run(self):
                    frame = glue.getSource("s3", transformation_ctx="src")
                    self.job.commit()

                def __init__(self):
                    self.job = Job(glue)
                    self.job.init("j", {})

            Etl().run()
            """
        )
    )
    assert report.findings == ()


def test_the_else_of_the_main_guard_is_still_read() -> None:
    report = lint(
        'if __name__ == "__main__":\n'
        '    job.init("j", {})\n'
        "    job.commit()\n"
        "else:\n"
        '    frame = glue.getSource("s3")\n'
    )
    assert found(report) == {("read-without-context", 11)}


def test_recursion_does_not_loop_forever() -> None:
    report = lint(
        """\
        job.init("j", {})
        def walk(n):
            frame = glue.getSource("s3", transformation_ctx="src")
            if n:
                walk(n - 1)
        walk(3)
        job.commit()
        """
    )
    assert codes(report) == ["context-in-loop"]


@pytest.mark.skipif(not hasattr(ast, "TryStar"), reason="except* is Python 3.11+")
def test_except_star_handlers_are_branches() -> None:
    report = lint(
        "job.init('j', {})\n"
        + READ
        + "try:\n    write(frame)\nexcept* ValueError:\n    job.commit()\n"
    )
    assert codes(report) == ["commit-not-guaranteed"]


# -- any text --------------------------------------------------------------------------------------


def _check(report: ScriptReport) -> None:
    assert isinstance(report, ScriptReport)
    for finding in report.findings:
        assert finding.severity in Severity
        assert finding.line is None or finding.line >= 1
    for read in report.reads:
        assert read.line >= 1
        assert not (read.dynamic and read.transformation_ctx is not None)


@given(st.text())
def test_any_text_gets_a_report(text: str) -> None:
    _check(lint_script(text))


FIXTURE_TEXTS = [script.read_text() for script in FIXTURE_SCRIPTS]


@given(
    st.sampled_from(FIXTURE_TEXTS),
    st.integers(min_value=0, max_value=200),
    st.integers(min_value=0, max_value=20),
    st.sampled_from(["", "    ", "if x:\n", "else:\n", "def f():\n", "job.commit()\n"]),
)
def test_any_edit_of_a_real_script_gets_a_report(
    text: str, start: int, length: int, inserted: str
) -> None:
    # A script cut and patched at random: most parse, many in odd shapes, none may crash.
    lines = text.splitlines(keepends=True)
    _check(lint_script("".join([*lines[:start], inserted, *lines[start + length :]])))
