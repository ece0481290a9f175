"""kg's own build state in ``out/.kg``: caches, digests, what was pushed where, the build lock.

Every record is a small JSON object; a missing or unreadable one reads as empty, so a
damaged state folder costs a rebuild, never an error.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["STATE_DIR", "read_record", "write_record"]

#: The folder in ``out/`` that holds kg's own build state (caches, records, the lock).
STATE_DIR = ".kg"


def read_record(path: Path) -> dict:
    """A JSON object kg wrote to remember something; empty when missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_record(path: Path, data: dict) -> None:
    """Write ``data`` (keys sorted) to ``path``, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(sorted(data.items())), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
