"""Reading the docs' code blocks, and a small shell for their console blocks.

`tests/test_docs_examples.py` runs every ```python and ```console block of README.md and
docs/*.md; its tables (what cannot run, exit statuses, stand-ins, set-up between blocks) are
kept there, in one place, and this module is the machinery they drive.

The shell runs what a console block's `$` lines hold, in this process: `glue-bookmarks`
through `main(argv)` (`tests._cli_support.run_cli`), and the few other commands the pages use
(`printf`, `echo`, `curl`, and stand-ins for `jq` and the AWS CLI), with `;`, `|`, `<` and `>`.
"""

from __future__ import annotations

import ast
import builtins
import codecs
import json
import re
import shlex
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Final

import attrs
import pytest

from tests._cli_support import Terminal, run_cli, run_cli_on_terminal
from tests._support import glue_client

__all__ = [
    "DOC_SERVER_URL",
    "PAGES",
    "ROOT",
    "Block",
    "Command",
    "Shell",
    "console_commands",
    "matches",
    "normalise",
    "read_blocks",
    "undefined_names",
]

ROOT: Final = Path(__file__).resolve().parent.parent
PAGES: Final = ("README.md", *(f"docs/{path.name}" for path in sorted(ROOT.glob("docs/*.md"))))
# The server the pages start (`python -m glue_bookmarks.testing --port 5000`); the tests serve
# on a free port instead, and write this URL in its place.
DOC_SERVER_URL: Final = "http://127.0.0.1:5000"

_FENCE: Final = re.compile(r"^(?P<indent> *)```(?P<language>[\w-]*)\s*$")


@attrs.frozen
class Block:
    """One fenced code block of a page.

    Attributes:
        page: The page, relative to the repository root (`docs/cli.md`).
        line: The line of its opening fence, from 1.
        language: The fence's language (`python`, `console`, ...).
        text: What it holds, without the indentation of its fence.
    """

    page: str
    line: int
    language: str
    text: str

    @property
    def id(self) -> str:
        """The test id: page and line."""
        return f"{self.page}:{self.line}"

    @property
    def kind(self) -> str:
        """How it runs: `console`, `doctest` (`>>>` lines), `pytest` (it defines test
        functions), or `python`; or its language, for a block that is not run."""
        if self.language != "python":
            return self.language
        if self.text.lstrip().startswith(">>>"):
            return "doctest"
        if re.search(r"^def test_\w*\(", self.text, re.MULTILINE):
            return "pytest"
        return "python"


def read_blocks(page: str) -> list[Block]:
    """The fenced code blocks of `page`, in order."""
    lines = (ROOT / page).read_text(encoding="utf-8").splitlines()
    blocks = []
    index = 0
    while index < len(lines):
        fence = _FENCE.match(lines[index])
        index += 1
        if fence is None:
            continue
        opening, indent = index, len(fence["indent"])
        body = []
        while index < len(lines) and lines[index].strip() != "```":
            body.append(lines[index][indent:] if lines[index].startswith(" " * indent) else "")
            index += 1
        index += 1
        blocks.append(Block(page, opening, fence["language"], "\n".join(body) + "\n"))
    return blocks


@attrs.frozen
class Command:
    """One `$` line of a console block (with its continuation lines), and what the page shows
    after it."""

    line: str
    output: tuple[str, ...]

    @property
    def key(self) -> str:
        """The line with runs of spaces made one: how the test's tables name it."""
        return " ".join(self.line.split())


def console_commands(block: Block) -> list[Command]:
    """The commands of a console block, each with the output lines shown after it."""
    commands: list[Command] = []
    lines = block.text.splitlines()
    index = 0
    while index < len(lines):
        if not lines[index].startswith("$ "):
            raise ValueError(f"{block.id}: output before any command: {lines[index]!r}")
        line = lines[index][2:]
        index += 1
        # A trailing backslash continues the line; so does a quote left open.
        while index < len(lines) and (line.endswith("\\") or _open_quote(line)):
            line = line[:-1].rstrip() + " " if line.endswith("\\") else line + "\n"
            line += lines[index].strip()
            index += 1
        output = []
        while index < len(lines) and not lines[index].startswith("$ "):
            output.append(lines[index])
            index += 1
        while output and not output[-1].strip():
            output.pop()
        commands.append(Command(line, tuple(output)))
    return commands


def _open_quote(line: str) -> bool:
    try:
        shlex.split(line, comments=True)
    except ValueError:  # "No closing quotation"
        return True
    return False


def undefined_names(code: str, defined: Iterable[str]) -> set[str]:
    """The names `code` reads that neither it, `defined` nor the builtins define: a branch the
    example did not take here would fail on them (an `except` clause's class, say)."""
    tree = ast.parse(code)
    bound = set(defined) | set(dir(builtins))
    read: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return read - bound


# -- comparing what ran with what the page shows --------------------------------------------

# What changes from one run to the next, and what it is written as in both texts compared.
_VARYING: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    # Request ids, in messages and in JSON.
    (re.compile(r"\b(request id) [^\s,)]+"), r"\1 <request-id>"),
    (re.compile(r'("RequestId": )"[^"]*"'), r'\1"<request-id>"'),
    # Run ids that moto or seed_job_run() made up; a sample's (one digit 64 times) stays.
    (re.compile(r"\bjr_(?!(.)\1{63}\b)[0-9a-f]{64}\b"), "jr_<new-run-id>"),
    # The log lines' times and durations.
    (re.compile(r"\b\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\b"), "<log-time>"),
    (re.compile(r"\b\d+(\.\d+)? ms\b"), "<n> ms"),
    # Ages, counted from now.
    (re.compile(r"\b\d+ days ago\b"), "<n> days ago"),
    # Versions of the package, botocore and Python.
    (re.compile(r"\b(glue-bookmarks|botocore|Python) \d[\w.+]*"), r"\1 <version>"),
)


def normalise(line: str) -> str:
    """A line with the values that vary from run to run replaced, trailing spaces dropped and
    runs of spaces after the first word made one (table columns widen with their content)."""
    for pattern, replacement in _VARYING:
        line = pattern.sub(replacement, line)
    indent = len(line) - len(line.lstrip(" "))
    return line[:indent] + " ".join(line.split())


def _log_lines_sorted(lines: Sequence[str]) -> list[str]:
    """`lines`, with each run of `--debug` log lines sorted: threads log in any order."""
    result: list[str] = []
    run: list[str] = []
    for line in [*lines, ""]:
        if line.startswith("<log-time> "):
            run.append(line)
            continue
        result.extend(sorted(run))
        run = []
        result.append(line)
    return result[:-1]


def matches(shown: Sequence[str], actual: Sequence[str], *, key_lines: bool) -> bool:
    """Whether what ran matches what the page shows, both normalised.

    Args:
        shown: The page's output lines.
        actual: What the command printed: its stdout lines, then its stderr lines.
        key_lines: Whether the page's lines need only appear in that order among the actual
            lines (other lines may come between), rather than be all of them.
    """
    expected = _log_lines_sorted([normalise(line) for line in shown])
    got = _log_lines_sorted([normalise(line) for line in actual])
    if not key_lines:
        return expected == got
    remaining = iter(got)
    return all(any(line == candidate for candidate in remaining) for line in expected)


# -- the shell --------------------------------------------------------------------------------


@attrs.frozen
class _Simple:
    """One command of a pipeline, with its redirections."""

    argv: tuple[str, ...]
    stdin_path: str | None = None
    stdout_path: str | None = None


def _parse(line: str) -> list[list[_Simple]]:
    """A command line as pipelines run one after another (`;`), each a list of commands (`|`)."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";|<>&")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    pipelines: list[list[_Simple]] = [[]]
    words: list[str] = []
    redirects: dict[str, str] = {}
    tokens = iter(lexer)

    def end_command() -> None:
        if words:
            pipelines[-1].append(_Simple(tuple(words), redirects.get("<"), redirects.get(">")))
        words.clear()
        redirects.clear()

    for token in tokens:
        if token in {"<", ">"}:
            redirects[token] = next(tokens)
        elif token == "|":
            end_command()
        elif token == ";":
            end_command()
            pipelines.append([])
        elif token == "&":  # a server started in the background: the fixture's
            end_command()
        else:
            words.append(token)
    end_command()
    return [pipeline for pipeline in pipelines if pipeline]


@attrs.frozen
class _Ran:
    status: int
    out: str
    err: str


@attrs.define
class Shell:
    """Runs the `$` lines of console blocks, in this process, in the current directory.

    Attributes:
        capsys: The test's fixture: `glue-bookmarks` writes to it.
        server_url: The test server's URL, put where the page has `DOC_SERVER_URL`.
        jq_programs: What each `jq` program the pages use does, as Python (no `jq` here).
        status: The exit status of the last command, for `$?`.
        statuses: The exit status of each `glue-bookmarks` command run, in order.
        variables: What `NAME=$(command)` lines set, for `$NAME` in later lines.
    """

    capsys: pytest.CaptureFixture[str]
    server_url: str
    jq_programs: Mapping[str, Callable[[str], str]]
    status: int = 0
    statuses: list[int] = attrs.Factory(list)
    variables: dict[str, str] = attrs.Factory(dict)

    def run(self, command: Command) -> list[str]:
        """Run one `$` line; return what it printed, as a terminal shows it (stdout, then
        stderr, for each part of the line). A prompt the page answers (`[y/N] n`) is answered
        on a terminal with the same word."""
        answer = next(
            (m[1] for line in command.output if (m := re.search(r"\[y/N\] (\S*)$", line))),
            None,
        )
        line = command.line.replace(DOC_SERVER_URL, self.server_url)
        line = re.sub(r"\$(\w+)", lambda m: self.variables.get(m[1], m[0]), line)
        assignment = re.fullmatch(r"(\w+)=\$\((.+)\)", line.strip())
        if assignment is not None:  # NAME=$(command): its stdout, less the last newline
            out: str | None = None
            for simple in _parse(assignment[2])[0]:
                ran = self._run_simple(simple.argv, out, None)
                self.status, out = ran.status, ran.out
            self.variables[assignment[1]] = (out or "").removesuffix("\n")
            return []
        # A line the page says ran on a terminal of a width runs on one.
        width = re.search(r"# on a terminal (\d+) columns wide", line)
        columns = None if width is None else int(width[1])
        printed: list[str] = []
        for pipeline in _parse(line):
            stdin: str | None = None
            errors = ""
            for simple in pipeline:
                if simple.stdin_path is not None:
                    stdin = _read(simple.stdin_path)
                ran = self._run_simple(simple.argv, stdin, answer, columns)
                self.status = ran.status
                errors += ran.err
                stdin = ran.out
                if simple.stdout_path is not None:
                    Path(simple.stdout_path).write_text(ran.out, encoding="utf-8")
                    stdin = ""
            printed += (stdin or "").splitlines() + errors.splitlines()
        return [line.replace(self.server_url, DOC_SERVER_URL) for line in printed]

    def _run_simple(
        self,
        argv: Sequence[str],
        stdin: str | None,
        answer: str | None,
        columns: int | None = None,
    ) -> _Ran:
        name, *args = argv
        if name == "glue-bookmarks":
            stdin_stream: IO[str] | str = stdin or ""
            if answer is not None:
                stdin_stream = Terminal(answer + "\n")
            if columns is not None:
                status, out, err = run_cli_on_terminal(self.capsys, args, columns=columns)
            else:
                status, out, err = run_cli(self.capsys, args, stdin=stdin_stream)
            if answer is not None:  # the terminal shows the answer after the prompt
                err = err.replace("[y/N] ", f"[y/N] {answer}\n", 1)
            self.statuses.append(status)
            return _Ran(status, out, err)
        if name == "printf" and len(args) == 1:
            return _Ran(0, codecs.decode(args[0], "unicode_escape"), "")
        if name == "echo":
            return _Ran(0, " ".join(args).replace("$?", str(self.status)) + "\n", "")
        if name == "jq" and args[:1] == ["-r"] and len(args) == 2:
            return _Ran(0, self.jq_programs[args[1]](stdin or ""), "")
        if name == "curl":
            return _Ran(0, _curl(args), "")
        if name == "aws":
            return _Ran(0, _aws(args), "")
        raise ValueError(f"the docs' shell does not run {name!r}: {' '.join(argv)}")


def _read(path: str) -> str:
    return "" if path == "/dev/null" else Path(path).read_text(encoding="utf-8")


def _curl(args: Sequence[str]) -> str:
    """`curl -s [-X METHOD] [-H HEADER ...] [-d DATA] URL`: the answer's body."""
    method, headers, data, url = "GET", {}, None, None
    options = iter(args)
    for option in options:
        if option == "-s":
            continue
        if option == "-X":
            method = next(options)
        elif option == "-H":
            name, _, value = next(options).partition(":")
            headers[name.strip()] = value.strip()
        elif option == "-d":
            data = next(options).encode()
        elif not option.startswith("-") and url is None:
            url = option
        else:
            raise ValueError(f"the docs' curl does not take {option!r}")
    if url is None or not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"the docs' curl only reaches the test server, not {url!r}")
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    # Straight to 127.0.0.1: an HTTP proxy from the environment has no business here.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as answer:
        return str(answer.read().decode())


def _aws(args: Sequence[str]) -> str:
    """A stand-in for the AWS CLI (not installed here): `aws glue OPERATION --option VALUE ...`
    as the botocore call it makes, printing the answer as JSON."""
    service, operation, *options = args
    parameters = dict(_aws_parameters(options))
    endpoint_url = parameters.pop("EndpointUrl", None)
    if service != "glue" or not isinstance(endpoint_url, str):
        raise ValueError(
            f"the AWS CLI stand-in only sends Glue requests to the test server: {args}"
        )
    client = glue_client(endpoint_url)
    answer = getattr(client, operation.replace("-", "_"))(**parameters)
    answer.pop("ResponseMetadata", None)
    return json.dumps(answer, indent=4, default=str) + "\n"


def _aws_parameters(options: Sequence[str]) -> Iterator[tuple[str, object]]:
    """The `--option value` pairs of an AWS CLI command line as API parameters: `--job-name`
    is `JobName`; a value is JSON, the shorthand `Key=Value,...`, or a string."""
    pairs = iter(options)
    for option in pairs:
        if not option.startswith("--"):
            raise ValueError(f"the AWS CLI stand-in takes only --option value pairs: {option!r}")
        name = "".join(part.capitalize() for part in option[2:].split("-"))
        text = next(pairs)
        value: object = text
        if text.startswith(("{", "[")):
            value = json.loads(text)
        elif re.fullmatch(r"\w+=[^,]*(,\w+=[^,]*)*", text):
            value = dict(pair.split("=", 1) for pair in text.split(","))
        yield name, value
