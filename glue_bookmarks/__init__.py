"""glue-bookmarks: a typed Python client for AWS Glue job bookmarks.

```python
from glue_bookmarks import GlueBookmarks, EntityNotFoundError

with GlueBookmarks(region_name="eu-west-1") as gb:
    entry = gb.get_job_bookmark("nightly-orders")
```
"""

import logging as _logging

from glue_bookmarks._async import AsyncGlueBookmarks
from glue_bookmarks._backfill import BackfillPlan
from glue_bookmarks._client import GlueBookmarks, get_job_bookmark, reset_job_bookmark
from glue_bookmarks._diff import JobDiff, SourceDiff, diff_bookmarks, load_snapshot
from glue_bookmarks._doctor import JobDiagnosis
from glue_bookmarks._entry import JobBookmarkEntry
from glue_bookmarks._exceptions import (
    AccessDeniedError,
    BookmarkChangedError,
    BookmarkParseError,
    ConcurrentRunsExceededError,
    ConfigurationError,
    DeadlineExceededError,
    EntityNotFoundError,
    GlueBookmarksError,
    InternalServiceError,
    InvalidInputError,
    InvalidParameterError,
    JobNotFoundError,
    JobRunActiveError,
    NoBookmarkError,
    OperationTimeoutError,
    ResourceNumberLimitExceededError,
    ResponseValidationError,
    ServiceError,
    SnapshotError,
    ThrottlingError,
    TransportError,
    ValidationError,
)
from glue_bookmarks._findings import Finding, Severity
from glue_bookmarks._jobs import RunStart
from glue_bookmarks._lint import ScriptRead, ScriptReport, lint_script
from glue_bookmarks._rewind import RewindPlan
from glue_bookmarks._state import (
    BookmarkState,
    HadoopSourceState,
    SourceState,
    UnknownSourceState,
)
from glue_bookmarks._version import __version__

__all__ = [
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

# Tracebacks, reprs and the API reference show the public path, not the private module.
# SourceState is a type alias, whose module cannot be set.
for _name in __all__:
    if not _name.startswith("__") and _name != "SourceState":
        globals()[_name].__module__ = __name__
del _name

# A library leaves logging to the application: without a handler of its own, a record at
# WARNING or above would reach Python's last-resort handler on stderr.
_logging.getLogger(__name__).addHandler(_logging.NullHandler())
