"""The public surface is a deliberate choice: adding or removing a name fails here first."""

from __future__ import annotations

import importlib.metadata

import pytest

import glue_bookmarks
import glue_bookmarks.testing
import glue_bookmarks.testing.pytest_plugin
from tests._support import NO_DEV_PLUGINS

# pytest's own fixture for testing plugins: runs pytest on a user's test files.
pytest_plugins = ["pytester"]

PUBLIC = [
    "AccessDeniedError",
    "AsyncGlueBookmarks",
    "BackfillPlan",
    "BookmarkChangedError",
    "BookmarkParseError",
    "BookmarkState",
    "ConcurrentRunsExceededError",
    "ConfigurationError",
    "DeadlineExceededError",
    "EntityNotFoundError",
    "Finding",
    "GlueBookmarks",
    "GlueBookmarksError",
    "HadoopSourceState",
    "InternalServiceError",
    "InvalidInputError",
    "InvalidParameterError",
    "JobBookmarkEntry",
    "JobDiagnosis",
    "JobDiff",
    "JobNotFoundError",
    "JobRunActiveError",
    "NoBookmarkError",
    "OperationTimeoutError",
    "ResourceNumberLimitExceededError",
    "ResponseValidationError",
    "RewindPlan",
    "RunStart",
    "ScriptRead",
    "ScriptReport",
    "ServiceError",
    "Severity",
    "SnapshotError",
    "SourceDiff",
    "SourceState",
    "ThrottlingError",
    "TransportError",
    "UnknownSourceState",
    "ValidationError",
    "__version__",
    "diff_bookmarks",
    "get_job_bookmark",
    "lint_script",
    "load_snapshot",
    "reset_job_bookmark",
]


def test_public_names_are_pinned_and_sorted() -> None:
    assert glue_bookmarks.__all__ == PUBLIC


def test_every_public_name_is_importable_and_shows_the_public_module() -> None:
    for name in PUBLIC:
        value = getattr(glue_bookmarks, name)
        if name == "SourceState":
            # A type alias for a union: usable in isinstance(), it has no module of its own.
            assert isinstance(glue_bookmarks.HadoopSourceState(), value)
        elif not name.startswith("__"):
            assert value.__module__ == "glue_bookmarks", name


TESTING_PUBLIC = [
    "bookmark_calls",
    "install",
    "seed_job_bookmark",
    "seed_job_run",
    "set_bookmark_state",
]
PLUGIN_FIXTURES = ["glue_moto_client", "glue_moto_server_url"]


def test_testing_module_surface() -> None:
    assert glue_bookmarks.testing.__all__ == TESTING_PUBLIC
    for name in TESTING_PUBLIC:
        value = getattr(glue_bookmarks.testing, name)
        assert value.__module__ == "glue_bookmarks.testing", name


def test_the_plugin_gives_users_exactly_the_pinned_fixtures(pytester: pytest.Pytester) -> None:
    # As a user's `pytest --fixtures` lists them: the plugin loaded through its entry point,
    # its private fixtures (a leading underscore) hidden.
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    result = pytester.runpytest("--fixtures", *NO_DEV_PLUGINS)
    header = "fixtures defined from glue_bookmarks.testing.pytest_plugin"
    lines = result.outlines
    section = [i for i, line in enumerate(lines) if header in line]
    assert len(section) == 1, result.stdout.str()
    listed = []
    for line in lines[section[0] + 1 :]:
        if line.startswith("---"):
            break
        if " -- " in line and not line.startswith(" "):
            listed.append(line.split(" -- ")[0])
    assert sorted(listed) == PLUGIN_FIXTURES
    assert glue_bookmarks.testing.pytest_plugin.__all__ == PLUGIN_FIXTURES


def test_version_matches_the_installed_distribution() -> None:
    assert glue_bookmarks.__version__ == importlib.metadata.version("glue-bookmarks")
