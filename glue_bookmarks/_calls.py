"""One request, `Call`, and what both clients do around sending it: the error map, the log line.

A client's driver sends a `Call` with its own I/O (`GlueBookmarks` on botocore,
`AsyncGlueBookmarks` on aiobotocore) between `CallLog.start()` and `answered` or `failed`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any, Final

import attrs
from botocore import xform_name

from glue_bookmarks._exceptions import (
    GlueBookmarksError,
    ServiceError,
    from_call_error,
    response_context,
)

__all__ = ["Call", "CallLog"]

_logger: Final = logging.getLogger("glue_bookmarks")


@attrs.frozen
class Call:
    """A request an operation needs: a Glue operation and its parameters."""

    operation_name: str
    params: Mapping[str, Any]

    @property
    def method_name(self) -> str:
        """The client method that sends it: `get_job_bookmark` for `GetJobBookmark`."""
        return xform_name(self.operation_name)


class CallLog:
    """One call's outcome: our error for what botocore raised, and its DEBUG line.

    With DEBUG on for our logger, each call logs one line: the operation, the job, the
    outcome, the HTTP status, the request id, the attempts and the time taken; never a header,
    a credential or a signature, and no error message, since the service writes it.
    """

    __slots__ = ("_call", "_start")

    def __init__(self, call: Call) -> None:
        self._call = call
        self._start = time.perf_counter() if _logger.isEnabledFor(logging.DEBUG) else None

    def answered(self, response: Any) -> Any:
        """Log the answer (at DEBUG) and return it."""
        if self._start is not None:
            self._log(self._start, "ok", response)
        return response

    def failed(self, exc: Exception) -> GlueBookmarksError | None:
        """Our error for what the call raised (None: not ours to map, re-raise it), logged."""
        error = from_call_error(exc, operation_name=self._call.operation_name)
        if error is not None and self._start is not None:
            outcome = type(error).__name__
            if isinstance(error, ServiceError) and error.code:
                outcome += f" ({error.code})"
            answer = getattr(exc, "response", None)
            self._log(
                self._start, f"failed: {outcome}", answer if isinstance(answer, Mapping) else {}
            )
        return error

    def _log(self, start: float, outcome: str, response: Mapping[str, Any]) -> None:
        elapsed_ms = (time.perf_counter() - start) * 1000
        status_code, request_id = response_context(response)
        retries = (response.get("ResponseMetadata") or {}).get("RetryAttempts")
        attempts = retries + 1 if isinstance(retries, int) else None
        job = self._call.params.get("JobName")
        _logger.debug(
            "%s%s %s: HTTP %s, request id %s, attempts %s, %.1f ms",
            self._call.operation_name,
            "" if job is None else f" job {job!r}",
            outcome,
            "-" if status_code is None else status_code,
            request_id or "-",
            "-" if attempts is None else attempts,
            elapsed_ms,
        )
