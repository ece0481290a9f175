"""Canonical N-Triples: sorted lines, each triple once, so the same graph gives the same bytes."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["merge_ntriples"]


def merge_ntriples(parts: Iterable[bytes]) -> bytes:
    """The canonical N-Triples of the merge (set union) of several N-Triples documents.

    >>> merge_ntriples([b"<b> <p> <o> .\\n<a> <p> <o> .\\n", b"<a> <p> <o> .\\n"])
    b'<a> <p> <o> .\\n<b> <p> <o> .\\n'
    """
    lines = sorted({line for part in parts for line in part.splitlines() if line.strip()})
    return b"".join(line + b"\n" for line in lines)
