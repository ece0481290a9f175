"""How many cores kg may use: the process's CPU affinity, not the machine's count.

``os.cpu_count()`` counts the machine's cores even when the process may run on fewer
(``taskset``, a container's cpuset, a batch scheduler's allocation). Threads or worker
processes sized from it then fight over the allowed cores: LAC with two ONNX threads on one
core ran at a third of its one-thread speed.

>>> usable_cores() >= 1
True
"""

from __future__ import annotations

import os

__all__ = ["usable_cores"]


def usable_cores() -> int:
    """The cores this process may run on (at least 1)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # no affinity on this platform (macOS, Windows)
        return os.cpu_count() or 1
