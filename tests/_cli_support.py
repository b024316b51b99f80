"""Running the `glue-bookmarks` command in tests.

One way: `run_cli()`, through `main(argv)` in this process, its output read with `capsys`. A
child process (`run_child()`, `child_env()`) only where the process is the behaviour: a
signal, the console script, `python -m glue_bookmarks`.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Sequence
from typing import IO, NamedTuple

import pytest

from glue_bookmarks._cli import main
from tests._support import ACCESS_KEY, REGION, SECRET_KEY

__all__ = ["PYTHON_M", "Result", "Terminal", "child_env", "run_child", "run_cli"]

# How a user without the console script on PATH runs the command.
PYTHON_M = (sys.executable, "-m", "glue_bookmarks")


class Result(NamedTuple):
    """What a user sees of one run of the command."""

    status: int
    out: str
    err: str


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def run_cli(
    capsys: pytest.CaptureFixture[str], argv: Sequence[str], *, stdin: str | IO[str] = ""
) -> Result:
    """`glue-bookmarks ARGV` through `main(argv)` in this process.

    Args:
        capsys: The test's fixture; what the command writes is read from it.
        argv: The arguments, without the program name.
        stdin: The text on stdin, not a terminal (empty by default, as a child's
            `/dev/null`), or a stream, such as a `Terminal`.
    """
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin) if isinstance(stdin, str) else stdin
    try:
        status = main(argv)
    finally:
        sys.stdin = saved
    out, err = capsys.readouterr()
    return Result(status, out, err)


def child_env() -> dict[str, str]:
    """A child's environment: the dummy credentials and region, no AWS files of the machine's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    env.update(
        AWS_ACCESS_KEY_ID=ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def run_child(*argv: str, command: Sequence[str] = PYTHON_M) -> Result:
    """`COMMAND ARGV` in a child process with `child_env()`, stdin `/dev/null`."""
    result = subprocess.run(
        [*command, *argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=60,
        check=False,
    )
    return Result(result.returncode, result.stdout, result.stderr)
