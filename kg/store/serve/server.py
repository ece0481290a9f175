"""Start ``kg serve``: check the store, take the port, start the workers, run the HTTP server.

The HTTP/1.1 side is uvicorn (with httptools): keep-alive, chunked streaming with
back-pressure and a large listen backlog, so a burst of clients queues instead of being
reset. kg binds the socket itself, so a busy port or a bad address is one line
(:class:`~kg.errors.KGError`) before anything starts. ``SIGTERM`` stops the server as
Ctrl-C does: in-flight queries get a moment to finish, then the workers are killed.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import uvicorn

from kg.cores import usable_cores
from kg.errors import KGError
from kg.rdf.ontology import load_vocabulary
from kg.store.database import open_store
from kg.store.serve.app import App
from kg.store.serve.pool import Pool

__all__ = ["Settings", "listen", "serve"]

_BACKLOG = 2048


@dataclass(frozen=True)
class Settings:
    """What ``kg serve`` takes: address, workers, queue places, seconds per query, rows per answer."""

    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 30.0
    workers: int = field(default_factory=usable_cores)
    queue: int = 512
    max_rows: int = 100_000
    access_log: bool = True


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket; a :class:`KGError` of one line when the address cannot be had."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
        # proto IPPROTO_TCP, so asyncio sets TCP_NODELAY on each connection (small answers go out at once)
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
            sock.listen(_BACKLOG)
        except OSError:
            sock.close()
            raise
        return sock
    except OSError as error:
        reason = error.strerror or str(error)
        raise KGError(f"cannot listen on {host}:{port} ({reason}); choose another --port or --host") from None


class _OneLine(logging.Formatter):
    """uvicorn's own messages as single lines, never with a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        return f"kg serve: {record.getMessage().splitlines()[0] if record.getMessage() else record.levelname}"


def _quiet_uvicorn() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLine())
    handler.addFilter(lambda record: "without completing response" not in record.getMessage())  # our cut answers
    log = logging.getLogger("uvicorn")
    log.handlers[:] = [handler]
    log.setLevel(logging.WARNING)
    log.propagate = False


async def _run(pool: Pool, sock: socket.socket, settings: Settings, ready: Callable[[str], None]) -> None:
    config = uvicorn.Config(App(pool, log=sys.stderr if settings.access_log else None), http="httptools",
                            lifespan="off", log_config=None, access_log=False, server_header=False,
                            headers=[("server", "kg")], timeout_graceful_shutdown=5, backlog=_BACKLOG)
    server = uvicorn.Server(config)
    try:
        await pool.start()
        host, port = sock.getsockname()[:2]
        ready(f"http://{f'[{host}]' if ':' in host else host}:{port}")
        await server.serve(sockets=[sock])
    finally:
        await pool.close()


def serve(store_path: str, settings: Settings, ready: Callable[[str], None]) -> None:
    """Serve the store at ``store_path`` until Ctrl-C or SIGTERM; ``ready`` gets the base URL once it answers.

    Raises :class:`KGError` (one line) when there is no store or the address cannot be had.
    """
    for name, value, least in (("--workers", settings.workers, 1), ("--queue", settings.queue, 0),
                               ("--max-rows", settings.max_rows, 1)):
        if value < least:
            raise KGError(f"{name} {value}: give at least {least}")
    if not settings.timeout > 0:
        raise KGError(f"--timeout {settings.timeout:g}: give a number of seconds above 0")
    open_store(store_path)  # fail now, with a clear line, if there is no store
    sock = listen(settings.host, settings.port)
    pool = Pool(str(store_path), workers=settings.workers, queue=settings.queue, timeout=settings.timeout,
                max_rows=settings.max_rows, prefixes=load_vocabulary().prefixes)
    _quiet_uvicorn()
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler) if main else None  # SIGTERM: as Ctrl-C
    try:
        asyncio.run(_run(pool, sock, settings, ready))
    except KeyboardInterrupt:
        pass
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
        sock.close()
