"""The query workers, as the server sees them: warm processes, a bounded queue, a time limit.

:class:`Pool` starts ``workers`` processes (:mod:`kg.store.serve.worker`) and lends one to
each query. A query that finds every worker busy waits in a queue of at most ``queue``
places; when the queue is full :meth:`Pool.acquire` raises :class:`QueueFull` at once (the
server answers 503 with ``Retry-After``), and a query that waits longer than :data:`MAX_WAIT`
seconds (or the timeout, if longer) gets :class:`TimeoutError`. :meth:`WorkerProcess.run` yields the worker's frames until the
answer ends; when the server stops an answer early (past the query's deadline), it gives
the worker back as unhealthy, and the pool kills it and starts another in its place. A query
still running after :data:`SLOW` seconds is demoted (:meth:`Pool.demote`): a low CPU priority,
and a fresh worker in its place, so one runaway query does not slow the short ones.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections import deque
from collections.abc import AsyncIterator
from pathlib import Path

from kg.store.database import store_generation
from kg.store.serve.protocol import Job
from kg.store.serve.worker import ABORT, END, FRAME, READY

__all__ = ["MAX_WAIT", "SLOW", "Pool", "QueueFull", "WorkerDied", "WorkerProcess"]

_KG_HOME = str(Path(__file__).resolve().parents[3])  # the folder that holds the kg package
_START_TIMEOUT = 60.0
#: Seconds a query may wait in the queue (at least; the query timeout when that is longer).
MAX_WAIT = 30.0
#: Seconds after which a running query is moved to the background (:meth:`Pool.demote`).
SLOW = 0.5


class QueueFull(Exception):
    """Every worker is busy and the queue has no free place."""


class WorkerDied(Exception):
    """A worker process ended in the middle of an answer."""


class WorkerProcess:
    """One worker process and the pipes to it."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.demoted = False  # running a long query in the background
        self.spared = False  # and another worker took its place in the pool

    @property
    def alive(self) -> bool:
        return self.process.returncode is None

    async def read_frame(self) -> tuple[bytes, bytes]:
        """The next frame the worker wrote: (kind, payload)."""
        try:
            kind, length = FRAME.unpack(await self.process.stdout.readexactly(FRAME.size))
            return kind, (await self.process.stdout.readexactly(length) if length else b"")
        except asyncio.IncompleteReadError:
            raise WorkerDied from None

    async def run(self, job: Job) -> AsyncIterator[tuple[bytes, bytes]]:
        """Send ``job``; yield the answer's frames (kind, payload) up to its end.

        The caller holds the deadline (``asyncio.timeout_at`` around its loop), so a slow
        client that holds up the answer counts against the query's time as well.
        """
        line = json.dumps({"query": job.query, "accept": job.accept, "default_graphs": job.default_graphs,
                           "named_graphs": job.named_graphs}) + "\n"
        try:
            self.process.stdin.write(line.encode("utf-8"))
            await self.process.stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            raise WorkerDied from None
        while True:
            kind, payload = await self.read_frame()
            yield kind, payload
            if kind in (END, ABORT):
                return

    def kill(self) -> None:
        if self.alive:
            self.process.kill()


class Pool:
    """``workers`` warm query processes over the store at ``store_path``, lent one query at a time."""

    def __init__(self, store_path: str, *, workers: int, queue: int, timeout: float, max_rows: int,
                 prefixes: dict[str, str]) -> None:
        self.store_path, self.size, self.queue_limit, self.timeout = store_path, workers, queue, timeout
        self.max_wait = max(MAX_WAIT, timeout)
        self._settings = json.dumps({"prefixes": prefixes, "max_rows": max_rows})
        self._idle: list[WorkerProcess] = []
        self._busy: set[WorkerProcess] = set()
        self._waiting: deque[asyncio.Future[WorkerProcess]] = deque()
        self._tasks: set[asyncio.Task] = set()
        self._closing = False
        self.replaced = 0  # workers started in place of one that died, was stopped or was demoted
        self.background = 0  # demoted workers that have a replacement

    async def start(self) -> None:
        """Start the workers; return when each is ready (or has failed to start and is being retried)."""
        await asyncio.gather(*(self._start_one() for _ in range(self.size)))

    async def _start_one(self, delay: float = 0.0) -> None:
        await asyncio.sleep(delay)
        if self._closing:
            return
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [_KG_HOME, os.environ.get("PYTHONPATH")])))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-P", "-m", "kg.store.serve.worker", self.store_path, self._settings,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=env, start_new_session=True)
        worker, ready = WorkerProcess(process), False
        try:
            async with asyncio.timeout(_START_TIMEOUT):
                kind, _ = await worker.read_frame()
            ready = kind == READY and not self._closing
        except (TimeoutError, WorkerDied):
            pass
        finally:
            if not ready:  # also when the server stops while the worker starts
                worker.kill()
        if ready:
            self._hand_out(worker)
        elif not self._closing:
            await process.wait()
            self._spawn(delay=1.0)

    def _spawn(self, delay: float = 0.0) -> None:
        task = asyncio.get_running_loop().create_task(self._start_one(delay))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _hand_out(self, worker: WorkerProcess) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                self._busy.add(worker)
                waiter.set_result(worker)
                return
        self._busy.discard(worker)
        self._idle.append(worker)

    async def acquire(self) -> WorkerProcess:
        """A worker for one query: at once if one is idle, else after a wait in the queue."""
        while self._idle:
            worker = self._idle.pop()
            if not worker.alive:  # died while idle
                self.release(worker, healthy=False)
                continue
            self._busy.add(worker)
            return worker
        if len(self._waiting) >= self.queue_limit:
            raise QueueFull
        waiter: asyncio.Future[WorkerProcess] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            async with asyncio.timeout(self.max_wait):
                return await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                self.release(waiter.result())  # handed over just as the wait ended: pass it on
            else:
                waiter.cancel()
                if waiter in self._waiting:
                    self._waiting.remove(waiter)
            raise

    def demote(self, worker: WorkerProcess) -> None:
        """Move a query that has run :data:`SLOW` seconds to the background: its worker gets a low (nice 10)
        CPU priority and, while fewer than ``workers`` are in the background, a fresh worker takes its
        place, so short queries keep ``workers`` processes and the cores to themselves."""
        if worker.demoted or not worker.alive or self._closing:
            return
        worker.demoted = True
        try:
            os.setpriority(os.PRIO_PROCESS, worker.process.pid, 10)
        except (OSError, AttributeError):  # not permitted, or not POSIX
            pass
        if self.background < self.size:
            worker.spared = True
            self.background += 1
            self.replaced += 1
            self._spawn()

    def release(self, worker: WorkerProcess, *, healthy: bool = True) -> None:
        """Give a worker back; an unhealthy one (stopped mid-query, died) is killed and replaced.

        A demoted worker leaves the pool after its query (its priority cannot be raised again).
        """
        if healthy and worker.alive and not worker.demoted and not self._closing:
            self._hand_out(worker)
            return
        self._busy.discard(worker)
        worker.kill()
        if worker.spared:
            self.background -= 1
        elif not self._closing:
            self.replaced += 1
            self._spawn()

    async def close(self) -> None:
        """Stop every worker."""
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        workers = self._idle + list(self._busy)
        for worker in workers:
            worker.kill()
        await asyncio.gather(*(w.process.wait() for w in workers), return_exceptions=True)

    def health(self) -> dict:
        """What ``GET /health`` reports."""
        alive = sum(w.alive for w in self._idle) + sum(w.alive for w in self._busy)
        generation = store_generation(self.store_path)
        return {"ok": alive > 0 and generation is not None, "store": self.store_path, "generation": generation,
                "workers": self.size, "workers_alive": alive, "workers_busy": len(self._busy),
                "queue_depth": sum(not w.done() for w in self._waiting), "queue_limit": self.queue_limit,
                "workers_background": sum(w.demoted for w in self._busy), "workers_replaced": self.replaced}
