"""The public surface is a deliberate choice: adding or removing a name fails here first."""

from __future__ import annotations

import importlib.metadata

import glue_bookmarks
import glue_bookmarks.testing

PUBLIC = [
    "AccessDeniedError",
    "ConfigurationError",
    "EntityNotFoundError",
    "GlueBookmarks",
    "GlueBookmarksError",
    "InternalServiceError",
    "InvalidInputError",
    "InvalidParameterError",
    "JobBookmarkEntry",
    "OperationTimeoutError",
    "ResponseValidationError",
    "ServiceError",
    "ThrottlingError",
    "TransportError",
    "ValidationError",
    "__version__",
    "get_job_bookmark",
]


def test_public_names_are_pinned_and_sorted() -> None:
    assert glue_bookmarks.__all__ == PUBLIC


def test_every_public_name_is_importable_and_shows_the_public_module() -> None:
    for name in PUBLIC:
        value = getattr(glue_bookmarks, name)
        if not name.startswith("__"):
            assert value.__module__ == "glue_bookmarks", name


def test_testing_module_surface() -> None:
    assert glue_bookmarks.testing.__all__ == ["install", "seed_job_bookmark"]


def test_version_matches_the_installed_distribution() -> None:
    assert glue_bookmarks.__version__ == importlib.metadata.version("glue-bookmarks")
