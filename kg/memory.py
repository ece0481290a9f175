"""A process's memory: its peak so far, and handing back what a closed store held.

>>> pid, mb = peak_memory()
>>> mb > 0
True
"""

from __future__ import annotations

import ctypes
import gc
import os
import resource

__all__ = ["give_back", "peak_memory"]


def peak_memory() -> tuple[int, int]:
    """This process's id and its peak resident memory so far, in MB."""
    return os.getpid(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def give_back() -> None:
    """Hand the memory freed since the last call back to the system.

    A closed store's caches go back to the C allocator, which (glibc) keeps them for the
    process: without ``malloc_trim`` a helper process's next task adds its own caches to
    them (at 1000× the seeds, 300 MB where each task alone needs 220). Dask's workers trim
    their memory the same way.
    """
    gc.collect()  # a store is closed once nothing refers to it
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (AttributeError, OSError):  # not glibc: the allocator gives memory back as it will
        pass
