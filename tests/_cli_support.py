"""Running the `glue-bookmarks` command in tests.

One way: `run_cli()`, through `main(argv)` in this process, its output read with `capsys`. A
child process (`run_child()`, `child_env()`) only where the process is the behaviour: a
signal, the console script, `python -m glue_bookmarks`.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from typing import IO, NamedTuple
from unittest import mock

import botocore.loaders
import botocore.session
import pytest

from glue_bookmarks._cli import main
from tests._support import ACCESS_KEY, REGION, SECRET_KEY, botocore_session

__all__ = [
    "PYTHON_M",
    "Result",
    "Terminal",
    "child_env",
    "run_child",
    "run_cli",
    "run_cli_on_terminal",
]

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
    stream = io.StringIO(stdin) if isinstance(stdin, str) else stdin
    with mock.patch.object(sys, "stdin", stream), _shared_model_files():
        status = main(argv)
    out, err = capsys.readouterr()
    return Result(status, out, err)


def run_cli_on_terminal(
    capsys: pytest.CaptureFixture[str], argv: Sequence[str], *, columns: int
) -> Result:
    """`run_cli`, with stdout a terminal `columns` wide (as `shutil.get_terminal_size()`
    reads it from `COLUMNS`)."""
    stdout = Terminal()
    with (
        mock.patch.object(sys, "stdout", stdout),
        mock.patch.dict(os.environ, {"COLUMNS": str(columns)}),
    ):
        status, _, err = run_cli(capsys, argv)
    return Result(status, stdout.getvalue(), err)


@contextlib.contextmanager
def _shared_model_files() -> Iterator[None]:
    """For the block: the sessions the command makes read botocore's model files from the
    cache `tests._support.botocore_session()` shares.

    A fresh session parses them again, a tenth of a second a run; the loader only caches
    what it read, so the command still builds the client a fresh session builds.
    """
    shared: botocore.loaders.Loader = botocore_session().get_component("data_loader")

    def create_loader(search_path_string: str | None = None) -> botocore.loaders.Loader:
        if search_path_string is None:  # no AWS_DATA_PATH: the default model files
            return shared
        return botocore.loaders.create_loader(search_path_string)

    with mock.patch.object(botocore.session, "create_loader", create_loader):
        yield


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
