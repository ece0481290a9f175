"""Where a build's per-partition work runs: in this process, in worker processes, or on Dask.

Every executor runs the same pure task functions (:mod:`kg.build.tasks`) over the same
partitions, and the build puts results together by partition number, never by finishing
order, so the output is byte-identical whichever executor ran it and however many workers
it had.

* :class:`Serial` (``-j 1``): everything in this process.
* :class:`Processes` (``-j N``): a pool of N worker processes on this machine; each loads
  the NLP models once and keeps them for every partition it is given.
* :class:`Dask` (``--scheduler ADDRESS`` or ``--scheduler local``): a Dask distributed
  cluster. Partitions stream to its workers; the partial entity indexes are combined on the
  cluster (a tree of keyed merges) and only the final index comes back. Inputs and ``out/``
  must be on storage every worker can read and write (NFS or the like).
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from kg.cores import usable_cores
from kg.errors import KGError

__all__ = ["Dask", "Executor", "Processes", "Serial", "make_executor"]

#: Environment variable the tasks read to give the ONNX runtime one thread per worker.
THREADS_ENV = "KG_THREADS"


class Executor:
    """Runs ``fn`` over items; results come back as ``(index, result)`` in finishing order."""

    workers = 1

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        pass

    def map(self, fn: Callable, items: list) -> Iterator[tuple[int, Any]]:
        for i, item in enumerate(items):
            yield i, fn(item)

    def map_combine(self, fn: Callable, items: list, combine: Callable, empty: Callable[[], Any]
                    ) -> tuple[Iterator[tuple[int, Any]], Callable[[], Any]]:
        """Run ``fn`` (which returns ``(result, partial)``) over items; yield ``(index, result)``
        and, once all are done, give the combination of every ``partial``."""
        total = empty()

        def results() -> Iterator[tuple[int, Any]]:
            nonlocal total
            for i, (result, partial) in self.map(fn, items):
                total = combine(total, partial)
                yield i, result

        return results(), lambda: total


class Serial(Executor):
    """Everything in this process, in order."""


def _init_worker() -> None:
    os.environ[THREADS_ENV] = "1"
    # A worker holds the NLP models, hundreds of MB of Python objects, and tearing them down at
    # exit kept the build waiting about a second for nothing: the worker has sent its last result
    # and closed its files by then, and multiprocessing has flushed its queues and streams before
    # the interpreter's own exit (atexit) begins. The pool never reads a worker's exit code.
    atexit.register(os._exit, 0)


class Processes(Executor):
    """A pool of worker processes on this machine (started fresh, not forked)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker)

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)

    def map(self, fn: Callable, items: list) -> Iterator[tuple[int, Any]]:
        futures = {self._pool.submit(fn, item): i for i, item in enumerate(items)}
        for future in as_completed(futures):
            yield futures.pop(future), future.result()  # no result outlives its turn here


class Dask(Executor):
    """A Dask distributed cluster: an address (``tcp://host:8786``) or ``local``."""

    def __init__(self, address: str, workers: int) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - a declared dependency
            raise KGError("--scheduler needs dask's distributed package; pip install 'dask[distributed]'") from None
        self._cluster = None
        try:
            if address == "local":
                self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                             dashboard_address=":0", env={THREADS_ENV: "1"})
                self._client = Client(self._cluster)
            else:
                self._client = Client(address, timeout="20s")
        except (OSError, TimeoutError) as error:
            raise KGError(f"cannot reach the Dask scheduler at {address} ({error}); start it with "
                          "`dask scheduler` and workers with `dask worker ADDRESS`, or use --scheduler local") from None
        self.workers = max(1, len(self._client.scheduler_info().get("workers", {})))

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def map(self, fn: Callable, items: list) -> Iterator[tuple[int, Any]]:
        from distributed import as_completed as completed

        futures = self._client.map(fn, items, pure=False)
        index = {future.key: i for i, future in enumerate(futures)}
        pending = completed(futures, with_results=True)  # it lets each future go once it is yielded
        del futures  # so no result outlives its turn on the cluster either
        for future, result in pending:
            yield index.pop(future.key), result

    def map_combine(self, fn, items, combine, empty):
        from distributed import as_completed as completed

        client = self._client
        futures = client.map(fn, items, pure=False)
        index = {future.key: i for i, future in enumerate(futures)}
        partials = [client.submit(lambda pair: pair[1], f, pure=False) for f in futures]
        pending = completed(futures)
        del futures  # each (result, partial) pair goes once its result is taken and its partial made

        def results() -> Iterator[tuple[int, Any]]:
            for future in pending:
                yield index.pop(future.key), client.submit(lambda pair: pair[0], future, pure=False).result()

        def total() -> Any:
            level = partials or [client.submit(empty, pure=False)]
            while len(level) > 1:  # a tree of keyed merges, on the cluster
                level = [client.submit(combine, *level[i : i + 2], pure=False) if i + 1 < len(level) else level[i]
                         for i in range(0, len(level), 2)]
            return level[0].result()

        return results(), total


def make_executor(jobs: int | None, scheduler: str | None) -> Executor:
    """The executor for ``-j/--jobs`` and ``--scheduler`` (default: one process per core)."""
    workers = jobs or usable_cores()
    if workers < 1:
        raise KGError(f"--jobs {jobs}: give at least 1")
    if scheduler:
        return Dask(scheduler, workers)
    return Serial() if workers == 1 else Processes(workers)
