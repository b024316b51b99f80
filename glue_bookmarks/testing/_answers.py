"""The test server's own JSON answers: the seeding routes' and those refusing a request.

Each is `{"message": ..., "parameter": ...}` for an error (`parameter` null when no one field
is at fault), or the route's own object when it succeeds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse

__all__ = ["error", "respond"]


def error(message: str, parameter: str | None = None) -> dict[str, object]:
    """An error answer's body."""
    return {"message": message, "parameter": parameter}


def respond(
    start_response: StartResponse,
    status: int,
    answer: dict[str, object],
    headers: Iterable[tuple[str, str]] = (),
) -> list[bytes]:
    """Answer `answer` as JSON with `status` (and `headers`); the WSGI body."""
    body = json.dumps(answer).encode()
    start_response(
        f"{status} {HTTPStatus(status).phrase}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *headers],
    )
    return [body]
