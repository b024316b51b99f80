"""The public surface is a deliberate choice: adding or removing a name fails here first."""

from __future__ import annotations

import importlib.metadata

import glue_bookmarks
import glue_bookmarks.testing

PUBLIC = [
    "AccessDeniedError",
    "BookmarkParseError",
    "BookmarkState",
    "ConfigurationError",
    "EntityNotFoundError",
    "GlueBookmarks",
    "GlueBookmarksError",
    "HadoopSourceState",
    "InternalServiceError",
    "InvalidInputError",
    "InvalidParameterError",
    "JobBookmarkEntry",
    "JobNotFoundError",
    "NoBookmarkError",
    "OperationTimeoutError",
    "ResponseValidationError",
    "ServiceError",
    "SourceState",
    "ThrottlingError",
    "TransportError",
    "UnknownSourceState",
    "ValidationError",
    "__version__",
    "get_job_bookmark",
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


def test_testing_module_surface() -> None:
    assert glue_bookmarks.testing.__all__ == [
        "bookmark_calls",
        "install",
        "seed_job_bookmark",
        "set_bookmark_state",
    ]


def test_version_matches_the_installed_distribution() -> None:
    assert glue_bookmarks.__version__ == importlib.metadata.version("glue-bookmarks")
