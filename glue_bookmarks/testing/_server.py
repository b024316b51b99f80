"""moto's server app with the extension's HTTP routes, on a socket bound here.

Shared by `python -m glue_bookmarks.testing` and the `glue_moto_server_url` fixture, so both
serve the same app: moto's, behind `SeedRoutes`, behind `Guard`. A connection that sends
nothing for `IDLE_TIMEOUT` seconds (a request that never ends, a client that has gone) is
closed, so it does not hold a server thread for ever. werkzeug and moto's server are imported
only when a server is made.
"""

from __future__ import annotations

import errno
import os
import socket
from typing import TYPE_CHECKING, Final

from glue_bookmarks.testing._guard import Guard
from glue_bookmarks.testing._moto import INSTALL_HINT
from glue_bookmarks.testing._routes import SeedRoutes

if TYPE_CHECKING:
    from werkzeug.serving import BaseWSGIServer

__all__ = ["IDLE_TIMEOUT", "CannotServeError", "listen", "make_server"]

# Seconds a connection may send nothing: far longer than any client pauses within a request.
IDLE_TIMEOUT: Final = 30.0

# errno of a port in use: POSIX's, and Windows sockets' own.
_ADDRESS_IN_USE: Final = frozenset({errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", None)})


class CannotServeError(Exception):
    """The server cannot start, or cannot go on; the message is the line shown on stderr."""


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to `host` and `port`, listening.

    Bound here rather than by werkzeug, which reports a port in use with two lines of its own
    and then ends only its server thread, leaving `ThreadedMotoServer.start()` waiting forever.

    Raises:
        CannotServeError: The port is in use, or the address cannot be bound.
    """
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        # As werkzeug does, so a port that a server just left (TIME_WAIT) is free again;
        # on Windows the option would let two servers share a port.
        if os.name != "nt":
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen()
    except OSError as exc:
        listener.close()
        if exc.errno in _ADDRESS_IN_USE:
            message = f"port {port} on {host} is in use; stop what uses it, or pick another port"
        else:
            message = f"cannot listen on {host} port {port}: {exc.strerror or exc}"
        raise CannotServeError(message) from None
    return listener


def make_server(
    listener: socket.socket, host: str, *, idle_timeout: float = IDLE_TIMEOUT
) -> BaseWSGIServer:
    """moto's app, with the `/glue-bookmarks/` routes, served on `listener`.

    Served as `ThreadedMotoServer` serves moto on a port it binds. werkzeug duplicates the
    descriptor, so the caller may close `listener` afterwards.

    Args:
        listener: The listening socket, from `listen()`.
        host: The address `listener` is bound to.
        idle_timeout: Seconds a connection may send nothing before it is closed.

    Raises:
        CannotServeError: moto's server extra is not installed.
    """
    try:
        from moto.moto_server import werkzeug_app
        from werkzeug.serving import WSGIRequestHandler
        from werkzeug.serving import make_server as werkzeug_make_server
    except ImportError as exc:
        raise CannotServeError(
            f"the server needs moto's server extra ({exc}); install it with {INSTALL_HINT}"
        ) from None
    moto_app = werkzeug_app.DomainDispatcherApplication(werkzeug_app.create_backend_app)
    # Newer moto serves with a request handler of its own; older moto with werkzeug's.
    handler: type[WSGIRequestHandler] = getattr(
        werkzeug_app, "MotoRequestHandler", WSGIRequestHandler
    )
    # socketserver sets `timeout` on each accepted connection; werkzeug closes one that
    # times out, in the request line, the headers or the body alike.
    timed_handler = type("TimedRequestHandler", (handler,), {"timeout": idle_timeout})
    return werkzeug_make_server(
        host,
        listener.getsockname()[1],
        Guard(SeedRoutes(moto_app), host),
        threaded=True,
        request_handler=timed_handler,
        fd=listener.fileno(),
    )
