"""The HTTP side of ``kg serve``: an ASGI application that hands each query to the worker pool.

``/sparql`` takes the SPARQL 1.1 Protocol (:mod:`kg.store.serve.protocol`), ``/`` is the
query page and ``GET /health`` says, as JSON, whether the store is there and how many
workers are alive and how many queries wait. An answer is passed on frame by frame as the
worker writes it (a small one whole, with its length; a large one chunked), so memory stays
bounded whatever its size; the server's send waits while the client is slow, and so does
the worker. Refusals are immediate: a full queue is 503 with ``Retry-After``, a query past
the timeout 503 (its worker is killed and replaced). Each query leaves one line on the
access log: time, client, method, status, milliseconds, rows, and why it ended early.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import TextIO

from kg.store.serve.page import page
from kg.store.serve.pool import SLOW, Pool, QueueFull, WorkerDied
from kg.store.serve.protocol import MAX_BODY, Job, Reply, error, parse_request
from kg.store.serve.worker import DATA, END, HEAD

__all__ = ["App"]

Send = Callable[[dict], Awaitable[None]]


async def _reply(send: Send, reply: Reply) -> None:
    headers = [(b"content-type", reply.content_type.encode()), (b"content-length", str(len(reply.body)).encode())]
    headers += [(name.lower().encode(), value.encode()) for name, value in reply.headers]
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body, "more_body": False})


async def _body(receive: Callable[[], Awaitable[dict]]) -> bytes:
    """The request body, read up to one byte past :data:`MAX_BODY` (the protocol refuses that)."""
    body = bytearray()
    while len(body) <= MAX_BODY:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    return bytes(body)


class App:
    """The ASGI application; ``log`` takes the access log (``None``: no access log)."""

    def __init__(self, pool: Pool, *, log: TextIO | None = None) -> None:
        self.pool, self.log = pool, log
        self.page = page()

    async def __call__(self, scope: dict, receive: Callable[[], Awaitable[dict]], send: Send) -> None:
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"]
        if path == "/" and method == "GET":
            await _reply(send, Reply(HTTPStatus.OK, "text/html; charset=utf-8", self.page))
            return
        if path == "/health" and method == "GET":
            health = self.pool.health()
            body = json.dumps(health).encode()
            await _reply(send, Reply(HTTPStatus.OK if health["ok"] else HTTPStatus.SERVICE_UNAVAILABLE,
                                     "application/json", body))
            return
        started = time.perf_counter()
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        body = await _body(receive) if method == "POST" else b""
        job = parse_request(method, path, scope["query_string"], headers.get("content-type"), body,
                            headers.get("accept"))
        if isinstance(job, Reply):
            await _reply(send, job)
            status, rows, note = job.status, None, ""
        else:
            status, rows, note = await self._answer(job, send)
        if self.log is not None and path == "/sparql":
            client = (scope.get("client") or ("-",))[0]
            self.log.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {client} {method} {status} "
                           f"{(time.perf_counter() - started) * 1000:.1f} ms {'-' if rows is None else rows} rows"
                           f"{' ' + note if note else ''}\n")
            self.log.flush()

    async def _answer(self, job: Job, send: Send) -> tuple[int, int | None, str]:
        """Run ``job`` on a worker and pass its answer on; the status, the rows and a note for the log."""
        timeout = self.pool.timeout
        try:
            worker = await self.pool.acquire()
        except (QueueFull, TimeoutError) as busy:
            waited = "the queue is full" if isinstance(busy, QueueFull) else \
                f"no worker was free within {self.pool.max_wait:g} s"
            await _reply(send, error(HTTPStatus.SERVICE_UNAVAILABLE, f"busy: {waited}; retry in a moment",
                                     [("Retry-After", "1")]))
            return HTTPStatus.SERVICE_UNAVAILABLE, None, waited
        status, rows, note, held, released = None, None, "", None, False
        loop = asyncio.get_running_loop()
        slow = loop.call_later(SLOW, self.pool.demote, worker)
        try:
            async with asyncio.timeout_at(loop.time() + timeout):
                async for kind, payload in worker.run(job):
                    if kind == HEAD:
                        head = json.loads(payload)
                        status = head["status"]
                        headers = [(b"content-type", head["type"].encode()), (b"vary", b"Accept")]
                        if head["length"] is not None:  # the whole answer is in the next frame
                            headers.append((b"content-length", str(head["length"]).encode()))
                            held = b""
                        await send({"type": "http.response.start", "status": status, "headers": headers})
                    elif kind == DATA and held is not None:
                        held = payload
                    elif kind == DATA:
                        await send({"type": "http.response.body", "body": payload, "more_body": True})
                    else:
                        slow.cancel()
                        self.pool.release(worker)
                        released = True
                        if kind != END:  # the answer broke off after its head went out: cut the response
                            return status, None, f"cut: {payload.decode('utf-8', errors='replace')}"
                        rows = json.loads(payload)["rows"]
                        await send({"type": "http.response.body", "body": held or b"", "more_body": False})
        except TimeoutError:
            note = f"stopped after {timeout:g} s"
            if status is not None:
                return status, None, f"cut: {note}"
            await _reply(send, error(HTTPStatus.SERVICE_UNAVAILABLE,
                                     f"query {note}; make it more selective or add a LIMIT"))
            status = HTTPStatus.SERVICE_UNAVAILABLE
        except WorkerDied:
            note = "the query process ended without an answer"
            if status is not None:
                return status, None, f"cut: {note}"
            await _reply(send, error(HTTPStatus.INTERNAL_SERVER_ERROR, note))
            status = HTTPStatus.INTERNAL_SERVER_ERROR
        finally:
            slow.cancel()
            if not released:
                self.pool.release(worker, healthy=False)
        return int(status), rows, note
