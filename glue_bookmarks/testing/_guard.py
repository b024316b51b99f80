"""What the test server serves, and to whom: AWS requests and our routes, from this machine.

`Guard` wraps the server's app and refuses, in the seeding routes' JSON shape:

- 403, a request whose `Host` names anything but a loopback address (`localhost`,
  `127.0.0.0/8`, `::1`, with any port or none), or the address the server was bound to on
  purpose (not a wildcard): a page whose DNS name was rebound to 127.0.0.1 sends its own name.
- 403, a request with an `Origin` other than such a host: browsers send one with every
  cross-origin request and preflight, SDKs never do, and moto would allow any origin (CORS).
- 404, moto's own API (`/moto-api/...`: its dashboard, state dump, recorder; only
  `POST /moto-api/reset` is served), instance metadata and favicon: not AWS requests, and the
  recorder writes files in the server's directory and keeps clients' signed headers.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

from glue_bookmarks.testing._answers import error, respond
from glue_bookmarks.testing._routes import PREFIX

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["Guard", "is_wildcard"]

_RESET: Final = "/moto-api/reset"
# The paths moto answers itself rather than as an AWS service (moto's `get_application`).
_MOTO_OWN: Final = ("/moto-api", "/favicon.ico", "/latest/meta-data/", "/latest/api/")
# A Host header: a bracketed IPv6 address or a name, and an optional port.
_HOST: Final = re.compile(r"(?:\[(?P<ipv6>[0-9A-Fa-f:.]+)\]|(?P<name>[^\[\]:@/\\\s]+))(?::\d*)?")


def is_wildcard(host: str) -> bool:
    """Whether binding to `host` listens on every address (`0.0.0.0`, `::`, or empty)."""
    try:
        return not host or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def _is_loopback(name: str) -> bool:
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _host_name(host: str) -> str | None:
    """The address a `Host` header names, without its port; None when it is not one."""
    if ":" in host and _is_loopback(host):  # a bare ::1
        return host
    match = _HOST.fullmatch(host)
    return None if match is None else match["ipv6"] or match["name"]


class Guard:
    """WSGI middleware: answers a request for `app` only if it is local and for AWS or us.

    Args:
        app: The server's app.
        bound_host: The address the server is bound to; when it is neither a loopback nor a
            wildcard address, a `Host` naming it is accepted too.
    """

    def __init__(self, app: WSGIApplication, bound_host: str) -> None:
        self.app = app
        self.bound_host = None if is_wildcard(bound_host) else bound_host.lower()

    def _is_local(self, host: str) -> bool:
        name = _host_name(host)
        return name is not None and (_is_loopback(name) or name.lower() == self.bound_host)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        host = str(environ.get("HTTP_HOST", ""))
        if not self._is_local(host):
            message = f"the Host header must name a loopback address or the server's, got {host!r}"
            return respond(start_response, 403, error(message))
        origin = environ.get("HTTP_ORIGIN")
        if origin is not None and not self._is_local(urlsplit(str(origin)).netloc):
            message = f"requests from web pages are not served; the Origin is {origin!r}"
            return respond(start_response, 403, error(message))
        raw_path = str(environ.get("PATH_INFO", ""))
        # Checked as moto routes it, and with repeated slashes merged, as its routing merges them.
        path = re.sub("/{2,}", "/", raw_path)
        if path == _RESET and environ.get("REQUEST_METHOD") != "POST":
            return respond(start_response, 405, error(f"{_RESET} takes POST"), [("Allow", "POST")])
        if path != _RESET and path.startswith(_MOTO_OWN):
            message = (
                f"{raw_path} is not served: the server answers AWS requests, POST {_RESET} "
                f"and the seeding routes under {PREFIX}"
            )
            return respond(start_response, 404, error(message))
        return self.app(environ, start_response)
