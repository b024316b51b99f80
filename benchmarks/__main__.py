"""Run every `bench_*` module here, then print all results together.

`python -m benchmarks` runs them all; `python -m benchmarks call parse` runs those whose
module name holds one of the words. A new `bench_<name>.py` with a `main() -> list[Result]`
is picked up without being listed anywhere.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import platform
import sys
from pathlib import Path

import botocore

from benchmarks._common import Result, print_header, print_result


def bench_modules(words: list[str]) -> list[str]:
    """The `bench_*` module names in this package, in order, filtered by `words` if any."""
    names = sorted(
        info.name
        for info in pkgutil.iter_modules([str(Path(__file__).parent)])
        if info.name.startswith("bench_")
    )
    return [name for name in names if not words or any(word in name for word in words)]


def main(words: list[str]) -> int:
    names = bench_modules(words)
    if not names:
        print(f"no benchmark module matches {' '.join(words)}", file=sys.stderr)
        return 2
    print(
        f"Python {platform.python_version()}, botocore {botocore.__version__}, "
        f"{platform.machine()}, {os.cpu_count()} cores"
    )
    results: list[Result] = []
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        results += module.main()
    print_header("summary")
    for result in results:
        print_result(result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
