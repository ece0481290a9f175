"""The output folder a build writes to: one build at a time, no leftovers, disk trouble in one line.

:func:`exclusive` holds ``out/.kg/lock`` for the whole build, so a second build into the same
folder fails at once; once it holds the lock it removes the staging folders a build that was
killed (``kill -9``, a power cut) left behind, since no other build can be using them. A
write that fails because the disk is full, read-only or not ours becomes one
:class:`~kg.errors.KGError` line that says so; the build's staging makes sure ``out/`` is
left as it was.
"""

from __future__ import annotations

import errno
import fcntl
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import KGError
from kg.state import STATE_DIR

__all__ = ["STAGING_PREFIX", "exclusive", "write_error"]

#: The build's staging folders in ``out/`` start with this.
STAGING_PREFIX = ".kg-build-"

_DISK = {
    errno.ENOSPC: ("no space left on the disk", "free some space or give -o a folder on another disk, and build again"),
    errno.EDQUOT: ("the disk quota is used up", "free some space or give -o a folder on another disk, and build again"),
    errno.EROFS: ("the folder is on a read-only file system", "give -o a folder you can write to"),
    errno.EACCES: ("no permission to write there", "give -o a folder you can write to"),
    errno.EPERM: ("no permission to write there", "give -o a folder you can write to"),
    errno.EIO: ("the disk gave an input/output error", "check the disk, then build again"),
}


def write_error(out: Path, error: OSError) -> KGError | None:
    """The one line for a write into ``out`` that failed for want of space or permission, else ``None``.

    Some libraries (Oxigraph's storage) report the system's words without the error number.
    """
    number = error.errno
    if number is None:
        text = str(error).lower()
        number = next((n for n, words in ((errno.ENOSPC, "no space left"), (errno.EDQUOT, "quota"),
                                          (errno.EROFS, "read-only file system")) if words in text), None)
    if number not in _DISK:
        return None
    problem, fix = _DISK[number]
    return KGError(f"{out}: cannot write the graph ({problem}); {fix}; {out} is left as it was")


@contextmanager
def exclusive(out: Path) -> Iterator[None]:
    """Hold ``out/.kg/lock`` while the build runs, after removing what a killed build left behind."""
    if out.exists() and not out.is_dir():
        raise KGError(f"{out}: is a file, not a folder; give -o a folder for the graph (it is created if missing)")
    state = out / STATE_DIR
    try:
        state.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise KGError(f"{out}: cannot create the output folder ({error.strerror}); choose another -o") from None
    try:
        handle = (state / "lock").open("a")
    except OSError as error:
        raise (write_error(out, error) or KGError(f"{out}: cannot write there ({error.strerror}); "
                                                  "choose another -o")) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KGError(f"{out}: another kg build is writing to this folder; wait for it to finish") from None
        for left in out.glob(f"{STAGING_PREFIX}*"):
            shutil.rmtree(left, ignore_errors=True)
        try:
            yield
        except OSError as error:
            known = write_error(out, error)
            if known is None:
                raise
            raise known from None
