"""The lint: `lint_script()` over many job scripts against `ast.parse` of the same sources.

The scripts are the lint's test fixtures (`tests/fixtures/scripts/`: Glue Studio's output, the
console's generated scripts, the AWS samples' style, hand-written jobs), those that parse,
`GLUE_BOOKMARKS_BENCH_LINT_COPIES` times over (10 by default). The other side parses the same
sources with `ast.parse`: the floor of any lint that reads the syntax tree, since ours parses
each script once and walks its tree once. Goal: at most 3x.

Checked outside the clock: every script gets a report, the same in every round.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

from benchmarks._common import Result, compare, peak_memory, print_header, print_result
from glue_bookmarks import ScriptReport, lint_script

SCRIPTS = Path(__file__).parent.parent / "tests" / "fixtures" / "scripts"
COPIES = int(os.environ.get("GLUE_BOOKMARKS_BENCH_LINT_COPIES", "10"))
ROUNDS = int(os.environ.get("GLUE_BOOKMARKS_BENCH_LINT_ROUNDS", "25"))


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except SyntaxError:
        return False
    return True


def job_scripts() -> list[str]:
    """The fixture scripts that parse, `COPIES` times over."""
    sources = [path.read_text() for path in sorted(SCRIPTS.glob("*.py"))]
    sources = [source for source in sources if _parses(source)]
    if not sources:
        raise RuntimeError(f"no job script to lint in {SCRIPTS}")
    return sources * COPIES


def lint(rounds: int = ROUNDS) -> Result:
    """`lint_script` over every script against `ast.parse` over the same: at most 3x."""
    sources = job_scripts()

    def ours() -> list[ScriptReport]:
        return [lint_script(source) for source in sources]

    def raw() -> None:
        # Each tree dropped as the next is made, as the lint drops its own: 560 trees kept
        # alive would make the cyclic garbage collector, not the parse, the cost measured.
        for source in sources:
            ast.parse(source)

    expected = ours()
    if sum(len(report.reads) for report in expected) < len(sources):
        raise RuntimeError("the lint found fewer reads than there are scripts")
    ours_median, raw_median = compare(ours, raw, rounds=rounds, warmup=2)
    if ours() != expected:
        raise RuntimeError("the lint's reports changed between rounds")
    return Result(
        f"lint {len(sources):,} job scripts",
        "ms",
        ours_median,
        raw_median,
        3.0,
        ours_peak=peak_memory(ours),
        raw_peak=peak_memory(raw),
        raw_label="ast.parse",
    )


def main() -> list[Result]:
    print_header("lint: lint_script() vs ast.parse of the same job scripts")
    result = lint()
    print_result(result)
    return [result]


if __name__ == "__main__":
    main()
