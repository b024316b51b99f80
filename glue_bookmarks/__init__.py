"""glue-bookmarks: a typed Python client for AWS Glue job bookmarks.

```python
from glue_bookmarks import GlueBookmarks, EntityNotFoundError

with GlueBookmarks(region_name="eu-west-1") as gb:
    entry = gb.get_job_bookmark("nightly-orders")
```
"""

from glue_bookmarks._client import GlueBookmarks, get_job_bookmark
from glue_bookmarks._exceptions import (
    AccessDeniedError,
    ConfigurationError,
    EntityNotFoundError,
    GlueBookmarksError,
    InternalServiceError,
    InvalidInputError,
    InvalidParameterError,
    OperationTimeoutError,
    ResponseValidationError,
    ServiceError,
    ThrottlingError,
    TransportError,
    ValidationError,
)
from glue_bookmarks._models import JobBookmarkEntry
from glue_bookmarks._version import __version__

__all__ = [
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

# Tracebacks, reprs and the API reference show the public path, not the private module.
for _name in __all__:
    if not _name.startswith("__"):
        globals()[_name].__module__ = __name__
del _name
