"""mypy --strict accepts ordinary consumer code under each set of AWS stubs a user may have.

`GlueBookmarks(client=...)` is typed `botocore.client.BaseClient | None`, which both stub
families' Glue clients (`types_boto3_glue` from types-boto3, `mypy_boto3_glue` from boto3-stubs)
subclass. `AsyncGlueBookmarks` is used in every set-up, with or without aiobotocore (whose
client and session are Any to mypy: it has no type information), and passed a
`types_aiobotocore_glue` client where types-aiobotocore-glue is installed.

Each set-up below is a site-packages holding exactly some distributions: symlinks to their
files, taken from this (dev) venv by their `RECORD`, and our package from this checkout,
so mypy sees it as installed, like a user does (errors inside it are not the user's). mypy
finds it through `--python-executable` of a bare venv (no pip: milliseconds to make), with a
cache per set-up under `.mypy_cache/consumers/`; both are kept while the set-up is unchanged.

types-boto3 and boto3-stubs both install `boto3-stubs/`, so the dev venv holds the files of
whichever pip installed last. The other one is taken from its wheel (the installed version) in
`<venv>/stub-wheels/`, filled by `pip download` when make sets up the venv: no network here.
Each consumer also imports the stubs its set-up must lack, with the matching `type: ignore`:
`--strict` reports an unused ignore, so a set-up that leaks the dev venv's stubs fails.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import venv
import zipfile
from base64 import urlsafe_b64encode
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name, parse_wheel_filename
from packaging.version import Version

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "glue_bookmarks"
WORK = REPO / ".mypy_cache" / "consumers"
STUB_WHEELS = Path(sys.prefix) / "stub-wheels"
SITE_PACKAGES = Path(sysconfig.get_path("purelib"))

# What every consumer does, whatever stubs it has. Above each `reveal_type` is the type mypy
# must reveal there.
COMMON = """
from datetime import datetime

from glue_bookmarks import (
    BookmarkState,
    EntityNotFoundError,
    GlueBookmarks,
    HadoopSourceState,
    JobBookmarkEntry,
    get_job_bookmark,
    reset_job_bookmark,
)


def next_run(gb: GlueBookmarks) -> int:
    entry = gb.get_job_bookmark("nightly-orders", run_id="jr_1")
    return entry.run + 1


def request_id_of_missing(name: str) -> str | None:
    try:
        get_job_bookmark(name)
    except EntityNotFoundError as e:
        return e.request_id
    return None


entry = JobBookmarkEntry.from_dict({"JobName": "j"})
# revealed: int
reveal_type(entry.run)
# revealed: str | None
reveal_type(entry.previous_run_id)
# revealed: dict[str, str | int]
reveal_type(entry.to_dict())
with GlueBookmarks(region_name="eu-west-1") as gb:
    # revealed: glue_bookmarks._entry.JobBookmarkEntry
    reveal_type(gb.get_job_bookmark("j"))


def started(entry: JobBookmarkEntry) -> list[datetime]:
    return [
        source.run_start_time
        for source in entry.state.values()
        if isinstance(source, HadoopSourceState) and source.run_start_time is not None
    ]


# revealed: glue_bookmarks._state.HadoopSourceState | glue_bookmarks._state.UnknownSourceState
reveal_type(entry.state["datasource0"])
# revealed: glue_bookmarks._entry.JobBookmarkEntry
reveal_type(reset_job_bookmark("j", run_id="jr_1"))
# revealed: str
reveal_type(BookmarkState({"ctx": HadoopSourceState(run=1)}).to_json())

import asyncio

from glue_bookmarks import AsyncGlueBookmarks, GlueBookmarksError


async def fetch_async() -> int:
    async with AsyncGlueBookmarks(region_name="eu-west-1") as agb:
        # revealed: glue_bookmarks._entry.JobBookmarkEntry
        reveal_type(await agb.get_job_bookmark("j", run_id="jr_1"))
        # revealed: glue_bookmarks._entry.JobBookmarkEntry
        reveal_type(await agb.reset_job_bookmark("j"))
        names = [name async for name in agb.iter_job_names(prefix="n", tags={"team": "data"})]
        results = await agb.get_job_bookmarks(names, max_concurrency=8, on_progress=print)
        async for job, result in agb.iter_job_bookmarks(names, timeout=5.0):
            if isinstance(result, GlueBookmarksError):
                return len(job)
        await agb.aclose()
    return len(results)


# revealed: glue_bookmarks._entry.JobBookmarkEntry | glue_bookmarks._exceptions.GlueBookmarksError
reveal_type(asyncio.run(AsyncGlueBookmarks().get_job_bookmarks(["a"]))[0])
"""

# botocore-stubs come with either boto3 stub family, or alone.
BOTOCORE_TYPED = """
import botocore.session
from botocore.client import BaseClient

botocore_client = botocore.session.get_session().create_client("glue")
# revealed: botocore.client.BaseClient
reveal_type(botocore_client)
# revealed: glue_bookmarks._client.GlueBookmarks
reveal_type(GlueBookmarks(client=botocore_client))


def from_base_client(client: BaseClient) -> GlueBookmarks:
    return GlueBookmarks(client=client)


# `client` is checked, not Any: a session where the client belongs is an error.
GlueBookmarks(client=botocore.session.get_session())  # type: ignore[arg-type]
"""


def boto3_typed(*, revealed: str, annotated: tuple[str, ...]) -> str:
    """A consumer of boto3 whose `boto3.client("glue")` is the `GlueClient` of `revealed`.

    It also writes functions over the `GlueClient` of each module in `annotated`, as typed
    users do.
    """
    code = f"""
import boto3

# revealed: {revealed}.client.GlueClient
reveal_type(boto3.client("glue"))
# revealed: {revealed}.client.GlueClient
reveal_type(boto3.Session().client("glue"))
# revealed: glue_bookmarks._client.GlueBookmarks
reveal_type(GlueBookmarks(client=boto3.client("glue")))
GlueBookmarks(client=boto3.Session(region_name="eu-west-1").client("glue"))
GlueBookmarks(client=boto3.Session())  # type: ignore[arg-type]
"""
    for module in annotated:
        code += f"""
import {module}


def from_{module}(client: {module}.GlueClient) -> GlueBookmarks:
    return GlueBookmarks(client=client)
"""
    return code


def absent(*modules: str, code: str = "import-not-found") -> str:
    """Imports of `modules`, each an error `code` the set-up must give (or mypy reports it)."""
    return "".join(f"\nimport {module}  # type: ignore[{code}]\n" for module in modules)


UNTYPED = (
    absent("boto3", "botocore.session", code="import-untyped")
    + """
# revealed: Any
reveal_type(boto3.client("glue"))
GlueBookmarks(client=boto3.client("glue"))
GlueBookmarks(client=botocore.session.get_session().create_client("glue"))
"""
)


# aiobotocore has no type information of its own (no py.typed): its session is Any.
AIOBOTOCORE = (
    absent("aiobotocore.session", code="import-untyped")
    + """
AsyncGlueBookmarks(session=aiobotocore.session.get_session())
"""
)

# types-aiobotocore-glue types the Glue client a user annotates; it subclasses aiobotocore's.
TYPES_AIOBOTOCORE_GLUE = (
    AIOBOTOCORE
    + """
from types_aiobotocore_glue.client import GlueClient as AioGlueClient


def from_types_aiobotocore_glue(client: AioGlueClient) -> AsyncGlueBookmarks:
    return AsyncGlueBookmarks(client=client)
"""
)


@dataclass(frozen=True)
class Setup:
    """A site-packages of glue-bookmarks, its dependencies and `requirements`.

    The requirements are installed in order, their dependencies (from this venv's metadata)
    with them; where two distributions install the same file, the later one's is kept.
    """

    slug: str
    requirements: tuple[str, ...]
    consumer: str


TYPES_BOTO3 = "types_boto3_glue"
BOTO3_STUBS = "mypy_boto3_glue"
BOTH = (TYPES_BOTO3, BOTO3_STUBS)

SETUPS = (
    Setup(
        "botocore-stubs",
        ("botocore-stubs",),
        BOTOCORE_TYPED + absent("boto3", *BOTH),
    ),
    Setup(
        "types-boto3",
        ("boto3", "types-boto3[glue]"),
        BOTOCORE_TYPED
        + boto3_typed(revealed=TYPES_BOTO3, annotated=(TYPES_BOTO3,))
        + absent(BOTO3_STUBS),
    ),
    Setup(
        "boto3-stubs",
        ("boto3", "boto3-stubs[glue]"),
        BOTOCORE_TYPED
        + boto3_typed(revealed=BOTO3_STUBS, annotated=(BOTO3_STUBS,))
        + absent(TYPES_BOTO3),
    ),
    # What `pip install types-boto3[glue] boto3-stubs[glue]` gives, in either order of the
    # arguments (pip installs boto3-stubs last), or boto3-stubs[glue] installed later.
    Setup(
        "both-boto3-stubs-last",
        ("boto3", "types-boto3[glue]", "boto3-stubs[glue]"),
        BOTOCORE_TYPED + boto3_typed(revealed=BOTO3_STUBS, annotated=BOTH),
    ),
    # `pip install boto3-stubs[glue]`, then later `pip install types-boto3[glue]`.
    Setup(
        "both-types-boto3-last",
        ("boto3", "boto3-stubs[glue]", "types-boto3[glue]"),
        BOTOCORE_TYPED + boto3_typed(revealed=TYPES_BOTO3, annotated=BOTH),
    ),
    # Neither botocore-stubs nor boto3 stubs: botocore and boto3 are untyped.
    Setup("untyped", ("boto3",), UNTYPED + absent(*BOTH)),
    # The async extra, without and with types-aiobotocore-glue.
    Setup(
        "aiobotocore",
        ("aiobotocore",),
        AIOBOTOCORE + absent("types_aiobotocore_glue", *BOTH),
    ),
    Setup(
        "types-aiobotocore-glue",
        ("botocore-stubs", "aiobotocore", "types-aiobotocore-glue"),
        TYPES_AIOBOTOCORE_GLUE + absent(*BOTH),
    ),
)


class SetupError(Exception):
    """A set-up cannot be built from this venv."""


@dataclass(frozen=True)
class Dist:
    """An installed distribution: its name, version, and `RECORD` rows (path, hash)."""

    name: NormalizedName
    version: str
    distribution: metadata.Distribution

    @property
    def root(self) -> Path:
        """The site-packages it is installed in."""
        return Path(str(self.distribution.locate_file("")))

    @property
    def records(self) -> list[tuple[str, str]]:
        text = self.distribution.read_text("RECORD") or ""
        return [(row[0], row[1]) for row in csv.reader(text.splitlines()) if row]

    def files(self) -> list[str]:
        """Its paths in site-packages, but for bytecode and `.pth` files (run at start-up)."""
        return [
            path
            for path, _ in self.records
            if not path.startswith("../")
            and "__pycache__" not in path.split("/")
            and not ("/" not in path and path.endswith(".pth"))
        ]


@cache
def installed(name: str) -> Dist:
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        raise SetupError(f"{name} is not installed in {sys.prefix} (the dev extra)") from None
    return Dist(canonicalize_name(dist.metadata["Name"]), dist.version, dist)


@cache
def shared_top_levels() -> frozenset[str]:
    """Top-level names in this venv's site-packages that more than one distribution installs."""
    owners: defaultdict[str, set[str]] = defaultdict(set)
    for record in SITE_PACKAGES.glob("*.dist-info/RECORD"):
        for line in record.read_text().splitlines():
            owners[line.split(",", 1)[0].split("/", 1)[0]].add(record.parent.name)
    return frozenset(name for name, dists in owners.items() if len(dists) > 1)


def _digest(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm, path.read_bytes()).digest()
    return urlsafe_b64encode(digest).rstrip(b"=").decode()


def overwritten(dist: Dist, paths: set[str]) -> list[str]:
    """Those of `paths` of `dist` another distribution also installs and has overwritten."""
    changed = []
    for path, recorded in dist.records:
        if path not in paths or path.split("/", 1)[0] not in shared_top_levels() or not recorded:
            continue
        algorithm, _, value = recorded.partition("=")
        file = dist.root / path
        if not file.is_file() or _digest(file, algorithm) != value:
            changed.append(path)
    return changed


def files_root(dist: Dist, paths: set[str]) -> Path:
    """Where `paths` of `dist` are: this venv, or its unpacked wheel if some were replaced."""
    changed = overwritten(dist, paths)
    if not changed:
        return dist.root
    wheels = [
        wheel
        for wheel in STUB_WHEELS.glob("*.whl")
        if parse_wheel_filename(wheel.name)[:2] == (dist.name, Version(dist.version))
    ]
    if not wheels:
        raise SetupError(
            f"{dist.name} {dist.version} in {sys.prefix} has files another distribution "
            f"overwrote ({', '.join(changed[:3])}), and its wheel is not in {STUB_WHEELS}; "
            f"get it with `{sys.executable} -m pip download --no-deps --dest {STUB_WHEELS} "
            f"{dist.name}=={dist.version}`"
        )
    unpacked = WORK / "wheels" / wheels[0].stem
    if not unpacked.is_dir():
        unpacked.parent.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(dir=unpacked.parent))
        with zipfile.ZipFile(wheels[0]) as archive:
            archive.extractall(partial)
        try:
            partial.rename(unpacked)
        except OSError:  # unpacked by a concurrent run meanwhile
            shutil.rmtree(partial)
    return unpacked


def resolve(requirements: tuple[str, ...]) -> list[Dist]:
    """The distributions of glue-bookmarks and `requirements`, in installation order."""
    order: dict[NormalizedName, Dist] = {}
    seen: set[tuple[NormalizedName, str]] = set()

    def visit(requirement: Requirement) -> None:
        dist = installed(requirement.name)
        if not requirement.specifier.contains(dist.version, prereleases=True):
            raise SetupError(f"{requirement} is wanted, {dist.name} {dist.version} is installed")
        extras = requirement.extras or {""}
        if all((dist.name, extra) in seen for extra in extras):
            return
        seen.update((dist.name, extra) for extra in extras)
        for raw in dist.distribution.requires or []:
            dependency = Requirement(raw)
            marker = dependency.marker
            if marker is None or any(marker.evaluate({"extra": extra}) for extra in extras):
                visit(dependency)
        order.setdefault(dist.name, dist)  # after its dependencies, as pip installs them

    for requirement in ("glue-bookmarks", *requirements):
        visit(Requirement(requirement))
    return list(order.values())


def plan(setup: Setup) -> dict[str, str]:
    """The site-packages of `setup`: each link in it and its target."""
    providers: dict[str, Dist] = {}
    owners: defaultdict[str, set[NormalizedName]] = defaultdict(set)
    for dist in resolve(setup.requirements):
        if dist.name == "glue-bookmarks":
            continue  # an editable install: its .pth would put the whole checkout on the path
        for path in dist.files():
            providers[path] = dist  # a later distribution's file replaces an earlier one's
            owners[path.split("/", 1)[0]].add(dist.name)
    provided: defaultdict[NormalizedName, set[str]] = defaultdict(set)
    for path, dist in providers.items():
        provided[dist.name].add(path)
    roots = {name: files_root(installed(name), paths) for name, paths in provided.items()}
    links = {"glue_bookmarks": str(PACKAGE)}
    for path, dist in providers.items():
        top = path.split("/", 1)[0]
        if len(owners[top]) == 1:
            links[top] = str(roots[dist.name] / top)
        else:  # shared (boto3-stubs/, a namespace package): a link per file
            links[path] = str(roots[dist.name] / path)
    return dict(sorted(links.items()))


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path`: one run at a time builds and checks a set-up."""
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)


def build(setup: Setup, directory: Path) -> Path:
    """Build the venv of `setup` in `directory` unless it is there already; its python."""
    env = directory / "env"
    python = env / "bin" / "python"
    links = plan(setup)
    manifest = directory / "plan.json"
    wanted = json.dumps(links, indent=1)
    if python.exists() and manifest.is_file() and manifest.read_text() == wanted:
        return python
    manifest.unlink(missing_ok=True)
    shutil.rmtree(env, ignore_errors=True)
    venv.EnvBuilder(symlinks=True, with_pip=False).create(env)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(env), "platbase": str(env)}))
    for link, target in links.items():
        (site / link).parent.mkdir(parents=True, exist_ok=True)
        (site / link).symlink_to(target)
    manifest.write_text(wanted)
    return python


@dataclass(frozen=True)
class Outcome:
    """mypy's errors, the types it revealed and those expected, by line, and its output."""

    errors: list[str]
    revealed: dict[int, str]
    expected: dict[int, str]
    report: str


def check(setup: Setup) -> Outcome:
    """Build `setup` and run `mypy --strict` on its consumer there."""
    directory = WORK / setup.slug
    directory.mkdir(parents=True, exist_ok=True)
    with locked(WORK / f"{setup.slug}.lock"):
        python = build(setup, directory)
        consumer = COMMON + setup.consumer
        write_if_changed(directory / "consumer.py", consumer)
        # An explicit config, else mypy would look up to the checkout's pyproject.toml.
        write_if_changed(directory / "mypy.ini", "[mypy]\n")
        environment = {
            key: value
            for key, value in os.environ.items()
            if key not in {"MYPYPATH", "PYTHONPATH", "PYTHONHOME"}
        }
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--strict",
                "--config-file=mypy.ini",
                f"--python-executable={python}",
                f"--cache-dir={directory / 'cache'}",
                "--no-error-summary",
                "--no-pretty",
                "--no-color-output",
                "consumer.py",
            ],
            cwd=directory,
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    lines = result.stdout.splitlines()
    errors = [line for line in lines if ": error:" in line]
    if result.returncode not in (0, 1) or (result.returncode == 1 and not errors):
        errors.append(f"mypy exited {result.returncode}: {result.stderr.strip()}")
    revealed = {}
    for line in lines:
        found = re.fullmatch(r'consumer\.py:(\d+): note: Revealed type is "(.*)"', line)
        if found:
            revealed[int(found[1])] = found[2]
    expected = {}
    for number, line in enumerate(consumer.splitlines(), start=1):
        found = re.fullmatch(r" *# revealed: (.*)", line)
        if found:
            expected[number + 1] = found[1]
    report = f"{directory / 'consumer.py'}:\n{result.stdout}{result.stderr}"
    return Outcome(errors, revealed, expected, report)


def test_mypy_strict_accepts_a_consumer_under_each_stub_setup() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=len(SETUPS)) as pool:
        futures = {setup.slug: pool.submit(check, setup) for setup in SETUPS}
    failures = []
    for slug, future in futures.items():
        try:
            outcome = future.result()
        except SetupError as exc:
            failures.append(f"[{slug}] cannot be built: {exc}")
            continue
        if outcome.errors or outcome.revealed != outcome.expected:
            wrong = {
                line: (outcome.expected.get(line), outcome.revealed.get(line))
                for line in sorted(outcome.expected.keys() | outcome.revealed.keys())
                if outcome.expected.get(line) != outcome.revealed.get(line)
            }
            failures.append(
                f"[{slug}] errors: {outcome.errors}\n"
                f"(expected, revealed) by line: {wrong}\n{outcome.report}"
            )
    assert not failures, "\n\n".join(failures)
