"""`python -m glue_bookmarks.testing`: moto, with Glue job bookmarks, served until stopped.

It answers AWS requests, the `/glue-bookmarks/` seeding routes and moto's reset, to clients on
this machine only (`_guard`).

Exit status: 0 when stopped by Ctrl-C (SIGINT) or SIGTERM, at any point; 1, with one line on
stderr, when it cannot start (moto not installed, the port in use, the sample jobs refused);
2 for a usage error.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, NoReturn, cast

import botocore.exceptions
import botocore.session

from glue_bookmarks import GlueBookmarksError, InvalidParameterError
from glue_bookmarks.testing._guard import is_wildcard
from glue_bookmarks.testing._moto import FALLBACK_REGION, glue_backend, install
from glue_bookmarks.testing._samples import seed_all_samples
from glue_bookmarks.testing._server import IDLE_TIMEOUT, CannotServeError, listen, make_server

if TYPE_CHECKING:
    from types import FrameType

    from types_boto3_glue.client import GlueClient

__all__ = ["main"]

_PROG: Final = "python -m glue_bookmarks.testing"
# How often the serving thread checks for a stop request: the longest a stop waits for it.
_POLL_INTERVAL: Final = 0.05


class _StopOnFirstSignal:
    """The SIGINT and SIGTERM handler: the first raises KeyboardInterrupt, later ones do nothing.

    An exception rather than a flag, so a signal ends start-up wherever it is (moto's imports
    alone take a good fraction of a second); only once, so a second Ctrl-C or SIGTERM while the
    server stops cannot turn a clean stop into a traceback.
    """

    def __init__(self) -> None:
        self.stopping = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if not self.stopping:
            self.stopping = True
            raise KeyboardInterrupt


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to 65535, got {text!r}")
    return port


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, got {text!r}")
    return seconds


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_PROG,
        description="Serve moto, with Glue job bookmarks, on 127.0.0.1 until interrupted.",
        epilog=(
            "Ctrl-C and SIGTERM stop it with exit status 0. It exits with status 1 and one line "
            "on stderr when it cannot start, such as when moto is not installed or the port is "
            "in use. Besides AWS requests, it answers POST /glue-bookmarks/seed-job-bookmark "
            "and POST /glue-bookmarks/seed-job-run, which seed a job's bookmark and runs from a "
            "JSON body, and POST /moto-api/reset; only to a Host header naming a loopback "
            "address or --host (see the docs' Testing with moto page)."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=_port, default=5000, help="port; 0 picks a free one")
    parser.add_argument(
        "--idle-timeout",
        type=_seconds,
        default=IDLE_TIMEOUT,
        metavar="SECONDS",
        help=f"close a connection that sends nothing for this long ({IDLE_TIMEOUT:g})",
    )
    parser.add_argument(
        "--samples",
        action="store_true",
        help="create the demo's sample jobs, with runs and bookmarks, in --region",
    )
    parser.add_argument(
        "--region", default=FALLBACK_REGION, help=f"region for --samples ({FALLBACK_REGION})"
    )
    return parser


def _server_client(endpoint: str, region_name: str, service: str = "glue") -> GlueClient:
    # moto server accepts any credentials; these only let botocore sign the request.
    client = botocore.session.Session().create_client(
        service,
        region_name=region_name,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - moto's dummy credentials
    )
    return cast("GlueClient", client)


def _start_without_signals(thread: threading.Thread) -> None:
    """Start `thread`, and the threads it starts, with SIGINT and SIGTERM blocked.

    The kernel hands a signal to any thread that does not block it. Taken by a server thread,
    it would only be noted for the main thread, which sleeps in `join()` and never wakes to
    handle it: the server would not stop. Blocked there, signals always reach the main thread.
    """
    if not hasattr(signal, "pthread_sigmask"):  # Windows: signals reach the main thread only
        thread.start()
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        thread.start()  # a new thread starts with its creator's mask
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _serve(args: argparse.Namespace) -> NoReturn:
    """Serve until a signal ends it (KeyboardInterrupt) or an error does (CannotServeError)."""
    try:
        install()
    except ImportError as exc:
        raise CannotServeError(str(exc)) from None
    if args.samples:
        try:
            glue_backend(None, args.region)
        except InvalidParameterError as exc:
            raise CannotServeError(f"{exc} (--region)") from None
    with listen(args.host, args.port) as listener:
        server = make_server(listener, args.host, idle_timeout=args.idle_timeout)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": _POLL_INTERVAL},
        name="moto-server",
        daemon=True,
    )
    try:
        _start_without_signals(thread)
        # Bound to every address, it is reached at the loopback one (and answers only there).
        host = server.host
        if is_wildcard(host):
            host = "::1" if ":" in host else "127.0.0.1"
        host = f"[{host}]" if ":" in host else host
        endpoint = f"http://{host}:{server.port}"
        if args.samples:
            try:
                seed_all_samples(
                    _server_client(endpoint, args.region),
                    _server_client(endpoint, args.region, "s3"),
                )
            except (
                GlueBookmarksError,
                botocore.exceptions.BotoCoreError,
                botocore.exceptions.ClientError,
            ) as exc:
                raise CannotServeError(
                    f"cannot create the sample jobs in {args.region}: {exc}"
                ) from None
        print(f"moto Glue with job bookmarks on {endpoint} (Ctrl-C stops it)", flush=True)
        thread.join()
    finally:
        # shutdown() waits for the serving loop, which a thread not yet started never runs.
        if thread.is_alive():
            server.shutdown()
        server.server_close()
    raise CannotServeError("the server stopped unexpectedly")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server until Ctrl-C or SIGTERM; the process's entry point.

    It takes over SIGINT (unless ignored, as in a background job) and SIGTERM for the process,
    and leaves both ignored when it returns, for the process to exit.

    Args:
        argv: The arguments; by default `sys.argv[1:]`.

    Returns:
        The exit status: 0 when stopped by a signal, 1 when the server cannot start.
    """
    args = _parser().parse_args(argv)
    # SIGTERM stops the server as Ctrl-C does: a KeyboardInterrupt, caught below wherever it
    # lands, start-up included.
    stop = _StopOnFirstSignal()
    signal.signal(signal.SIGTERM, stop)
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, stop)
    try:
        _serve(args)
    except KeyboardInterrupt:
        return 0
    except CannotServeError as exc:
        print(f"{_PROG}: error: {exc}", file=sys.stderr)
        return 1
    finally:
        # Python puts the default handlers back as it exits, and a second signal arriving then
        # (sent a moment after the first) would kill the exiting process: ignore both instead.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)


if __name__ == "__main__":
    sys.exit(main())
