"""The HTTP routes that seed bookmarks and runs in a moto server, for tests in any language.

`SeedRoutes` wraps moto's WSGI app: requests under `/glue-bookmarks/` are answered here, with
JSON, and every other request goes to moto unchanged.

- `POST /glue-bookmarks/seed-job-bookmark`: `seed_job_bookmark()`'s arguments as a JSON
  object; answers `{"JobBookmarkEntry": {...}}`, the entry in Glue's wire form.
- `POST /glue-bookmarks/seed-job-run`: `seed_job_run()`'s arguments, `started_on` (and
  `completed_on`) in ISO 8601; answers `{"JobRunId": "..."}`.

A bad request is answered 400 with `{"message": ..., "parameter": ...}` (`parameter` null when
no single argument is at fault), also one nested too deeply to read; an unknown path under the
prefix 404; a method other than POST 405; a body that does not say `Content-Type:
application/json` 415 (a web page can send a cross-origin `text/plain` POST without asking
first, but not a JSON one). Both routes take a JSON object whose keys are the functions'
parameter names.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from glue_bookmarks import InvalidParameterError
from glue_bookmarks.testing._answers import error, respond
from glue_bookmarks.testing._bookmarks import seed_job_bookmark, seed_job_run

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["PREFIX", "SeedRoutes"]

PREFIX: Final = "/glue-bookmarks/"
# A seeding request is a handful of fields; anything much larger is a mistake.
_MAX_BODY: Final = 1 << 20
_CONTENT_TYPE: Final = "application/json"


class _BadRequestError(Exception):
    """The request cannot be served; the message is the answer's."""

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter


def _bookmark_field(value: object) -> object:
    # Over HTTP a bookmark may also be given as the JSON object it stands for.
    return json.dumps(value) if isinstance(value, dict) else value


def _time(value: object, parameter: str) -> object:
    if not isinstance(value, str):
        return value  # seed_job_run() says what it needs
    # Python 3.10's fromisoformat() does not read a "Z" suffix.
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise _BadRequestError(
            f"{parameter} must be an ISO 8601 date and time, got {value!r}",
            parameter=parameter,
        ) from None


def _seed_job_bookmark(fields: dict[str, Any]) -> dict[str, object]:
    if "job_bookmark" in fields:
        fields["job_bookmark"] = _bookmark_field(fields["job_bookmark"])
    entry = seed_job_bookmark(**fields)
    return {"JobBookmarkEntry": entry.to_dict()}


def _seed_job_run(fields: dict[str, Any]) -> dict[str, object]:
    for parameter in ("started_on", "completed_on"):
        if fields.get(parameter) is not None:
            fields[parameter] = _time(fields[parameter], parameter)
    if "job_bookmark" in fields:
        fields["job_bookmark"] = _bookmark_field(fields["job_bookmark"])
    return {"JobRunId": seed_job_run(**fields)}


_Handler = Callable[[dict[str, Any]], dict[str, object]]
# Each route: its handler, the parameters it requires and those it takes (the parameters of
# the function it calls).
_ROUTES: Final[dict[str, tuple[_Handler, tuple[str, ...], frozenset[str]]]] = {
    "seed-job-bookmark": (
        _seed_job_bookmark,
        ("job_name",),
        frozenset(
            {
                "job_name",
                "version",
                "run",
                "attempt",
                "run_id",
                "previous_run_id",
                "job_bookmark",
                "account_id",
                "region_name",
            }
        ),
    ),
    "seed-job-run": (
        _seed_job_run,
        ("job_name", "started_on"),
        frozenset(
            {
                "job_name",
                "started_on",
                "state",
                "completed_on",
                "run_id",
                "arguments",
                "job_bookmark",
                "account_id",
                "region_name",
            }
        ),
    ),
}


def _fields(
    environ: WSGIEnvironment, required: tuple[str, ...], parameters: frozenset[str]
) -> dict[str, Any]:
    """The request's JSON object, checked to name every one of `required` and only
    `parameters`."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if not 0 <= length <= _MAX_BODY:
        raise _BadRequestError(f"the body must be a JSON object of at most {_MAX_BODY} bytes")
    body = environ["wsgi.input"].read(length)
    try:
        fields = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise _BadRequestError("the body must be a JSON object") from None
    if not isinstance(fields, dict):
        raise _BadRequestError(f"the body must be a JSON object, got {type(fields).__name__}")
    unknown = sorted(set(fields) - parameters)
    if unknown:
        raise _BadRequestError(
            f"unknown field {unknown[0]!r}; the fields are {', '.join(sorted(parameters))}",
            parameter=unknown[0],
        )
    for parameter in required:
        if parameter not in fields:
            raise _BadRequestError(f"{parameter} is required", parameter=parameter)
    return fields


def _answer(environ: WSGIEnvironment) -> tuple[int, dict[str, object]]:
    path = environ.get("PATH_INFO", "")
    route = _ROUTES.get(path[len(PREFIX) :])
    if route is None:
        routes = ", ".join(f"POST {PREFIX}{name}" for name in _ROUTES)
        return 404, error(f"no route {path}; the routes are {routes}")
    if environ.get("REQUEST_METHOD") != "POST":
        return 405, error(f"{path} takes POST")
    content_type = str(environ.get("CONTENT_TYPE", ""))
    if content_type.partition(";")[0].strip().lower() != _CONTENT_TYPE:
        return 415, error(f"the body must be Content-Type: {_CONTENT_TYPE}, got {content_type!r}")
    handler, required, parameters = route
    try:
        return 200, handler(_fields(environ, required, parameters))
    except (_BadRequestError, InvalidParameterError) as exc:
        return 400, error(str(exc), exc.parameter)
    except RecursionError:
        # Reading, converting or quoting a value nested thousands deep: json and repr() recurse.
        return 400, error("the body is nested too deeply")


class SeedRoutes:
    """WSGI middleware: the `/glue-bookmarks/` routes, and `app` for every other request."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not str(environ.get("PATH_INFO", "")).startswith(PREFIX):
            return self.app(environ, start_response)
        status, answer = _answer(environ)
        headers = [("Allow", "POST")] if status == 405 else []
        return respond(start_response, status, answer, headers)
