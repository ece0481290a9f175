"""A query worker: a process that opens the store read-only once and answers queries one at a time.

The server starts each worker as ``python -m kg.store.serve.worker STORE SETTINGS`` and talks
to it over its standard streams: one JSON line per query in (a :class:`~kg.store.serve.protocol.Job`),
frames out (one byte of kind, four of length, the payload):

``R`` ready · ``H`` the reply's status and media type (and its length when the answer is
complete) · ``D`` a piece of the body · ``E`` the end, with the number of rows · ``A`` the
answer broke off after its head went out (row limit, evaluation error): the server cuts the
response so the client never takes a truncated answer for a whole one.

Before each query the worker compares :func:`~kg.store.database.store_generation` with the
token it saw when it opened the store and opens it again when a build has changed it. It
holds back the first :data:`CHUNK` bytes of an answer, so a query that fails or passes the row
limit early still gets a proper status; past that the answer streams. A query that runs too
long is the server's business: it kills the worker and starts another.
"""

from __future__ import annotations

import json
import os
import signal
import struct
import sys
from collections.abc import Iterable, Iterator
from http import HTTPStatus
from typing import BinaryIO

import pyoxigraph as ox

from kg.errors import StoreError, short_message
from kg.store.database import UNION, open_store, store_generation
from kg.store.serve.protocol import GRAPH_TYPES, RESULT_TYPES, accepted
from kg.store.serve.results import FORMATS

__all__ = ["ABORT", "CHUNK", "DATA", "END", "FRAME", "HEAD", "READY", "Output", "Worker", "frame", "main"]

FRAME = struct.Struct(">cI")
READY, HEAD, DATA, END, ABORT = b"R", b"H", b"D", b"E", b"A"
CHUNK = 64 * 1024
_ASK = {"application/sparql-results+json": ox.QueryResultsFormat.JSON, "application/json": ox.QueryResultsFormat.JSON,
        "application/sparql-results+xml": ox.QueryResultsFormat.XML, "application/xml": ox.QueryResultsFormat.XML,
        "text/csv": ox.QueryResultsFormat.CSV, "text/tab-separated-values": ox.QueryResultsFormat.TSV}
_GRAPH = {"text/turtle": ox.RdfFormat.TURTLE, "application/ld+json": ox.RdfFormat.JSON_LD,
          "application/n-triples": ox.RdfFormat.N_TRIPLES, "application/rdf+xml": ox.RdfFormat.RDF_XML}


def frame(kind: bytes, payload: bytes = b"") -> bytes:
    return FRAME.pack(kind, len(payload)) + payload


class _TooLarge(Exception):
    pass


class _NotAcceptable(Exception):
    pass


class Output:
    """One answer on its way to the server: the head waits until the answer is done or :data:`CHUNK` bytes long."""

    def __init__(self, channel: BinaryIO, *, chunk: int = CHUNK) -> None:
        self.channel, self.chunk = channel, chunk
        self.buffer = bytearray()
        self.status, self.media, self.started = 200, "", False

    def _send(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[self.channel.write(view):]

    def begin(self, status: int, media: str) -> None:
        self.status, self.media = status, media

    def _head(self, length: int | None) -> bytes:
        head = {"status": self.status, "type": f"{self.media}; charset=utf-8", "length": length}
        return frame(HEAD, json.dumps(head).encode())

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= self.chunk:
            self._send((b"" if self.started else self._head(None)) + frame(DATA, bytes(self.buffer)))
            self.started = True
            self.buffer.clear()
        return len(data)

    def flush(self) -> None:  # Oxigraph's serialisers call it; the buffer is sent by write() and finish()
        return

    def finish(self, rows: int | None) -> None:
        head = b"" if self.started else self._head(len(self.buffer))
        self._send(head + (frame(DATA, bytes(self.buffer)) if self.buffer else b"")
                   + frame(END, json.dumps({"rows": rows}).encode()))

    def fail(self, status: int, message: str) -> None:
        """An error reply; after the head went out, an abort with the message instead."""
        if self.started:
            self._send(frame(ABORT, message.encode("utf-8")))
            return
        self.buffer.clear()
        self.begin(int(status), "text/plain")
        self.write((message + "\n").encode("utf-8"))
        self.finish(None)


class Worker:
    """The store, opened read-only, and what a query needs besides: prefixes and the row limit."""

    def __init__(self, path: str, prefixes: dict[str, str], max_rows: int) -> None:
        self.path, self.prefixes, self.max_rows = path, prefixes, max_rows
        self.generation: str | None = None
        self.store: ox.Store | None = None

    def open(self) -> ox.Store:
        """The store, opened again when a build has changed it since it was opened."""
        generation = store_generation(self.path)
        if self.store is None or generation != self.generation:
            self.store = None
            self.store, self.generation = open_store(self.path), generation
        return self.store

    def _count(self, items: Iterable, counted: list[int]) -> Iterator:
        for item in items:
            counted[0] += 1
            if counted[0] > self.max_rows:
                raise _TooLarge
            yield item

    def answer(self, job: dict, out: Output) -> None:
        """Run one query and write its answer (or the error) to ``out``."""
        try:
            store = self.open()
        except StoreError as error:
            out.fail(HTTPStatus.SERVICE_UNAVAILABLE, str(error))
            return
        counted = [0]
        try:
            options = {} if job.get("default_graphs") else dict(UNION)  # the default graph: the union of the graphs
            if job.get("default_graphs"):
                options["default_graph"] = [ox.NamedNode(g) for g in job["default_graphs"]]
            if job.get("named_graphs"):
                options["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"]]
            result = store.query(job["query"], prefixes=self.prefixes, **options)
            self._write(result, job.get("accept"), out, counted)
        except SyntaxError as error:
            out.fail(HTTPStatus.BAD_REQUEST, f"malformed query: {error}")
        except _NotAcceptable as error:
            out.fail(HTTPStatus.NOT_ACCEPTABLE, str(error))
        except _TooLarge:
            out.fail(HTTPStatus.BAD_REQUEST, f"the answer has more than {self.max_rows} rows (kg serve --max-rows); "
                                             "add a LIMIT or make the query more selective")
        except (ValueError, OSError, RuntimeError) as error:
            out.fail(HTTPStatus.BAD_REQUEST, f"query cannot run: {error}")
        else:
            out.finish(counted[0])

    def _write(self, result, accept: str | None, out: Output, counted: list[int]) -> None:
        graph = isinstance(result, ox.QueryTriples)
        offered = GRAPH_TYPES if graph else RESULT_TYPES
        media = accepted(accept, offered)
        if media is None:
            raise _NotAcceptable(f"{'CONSTRUCT/DESCRIBE' if graph else 'SELECT/ASK'} answers as " + ", ".join(offered))
        out.begin(HTTPStatus.OK, media)
        if graph:
            ox.serialize(self._count(result, counted), out, format=_GRAPH[media], prefixes=self.prefixes)
            return
        if isinstance(result, ox.QueryBoolean):
            out.write(result.serialize(format=_ASK[media]))
            counted[0] = 1
            return
        writer = FORMATS[media]
        names = [v.value for v in result.variables]
        row = writer.row_writer(names)
        out.write(writer.head(names))
        for number, solution in enumerate(self._count(result, counted)):
            out.write(writer.separator + row(list(solution)) if number else row(list(solution)))
        out.write(writer.tail)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the server dies, even in a query that never ends."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> None:
    """Serve queries from standard input until it closes; ``argv``: the store path and the settings (JSON)."""
    path, settings = argv or sys.argv[1:3]
    settings = json.loads(settings)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    _die_with_parent()
    channel = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # a stray print goes to stderr, not into the frames
    worker = Worker(path, settings["prefixes"], settings["max_rows"])
    try:
        worker.open()
    except StoreError:
        pass  # each query will say so
    try:
        channel.write(frame(READY))
        for line in sys.stdin.buffer:
            out = Output(channel)
            try:
                worker.answer(json.loads(line), out)
            except BrokenPipeError:
                raise
            except Exception as error:  # a bug in kg: one line to the client and the log, and the worker goes on
                message = f"internal error in the query worker: {short_message(error)}"
                print(f"kg serve: {message}", file=sys.stderr)
                out.fail(HTTPStatus.INTERNAL_SERVER_ERROR, message)
    except (BrokenPipeError, KeyboardInterrupt):
        pass


if __name__ == "__main__":
    main()
