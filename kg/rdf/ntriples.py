"""Canonical N-Triples: terms written as text, sorted lines, each triple once.

kg writes every triple as one N-Triples line (UTF-8, the escapes rdflib's serialiser
uses), so the same graph gives the same bytes, files sort and merge as text, and no
parser or in-memory graph is needed between the rules and the files.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path

__all__ = ["iri", "literal", "merge_files", "merge_ntriples", "triple", "typed", "decimal", "zh"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
#: How many sorted files one merge pass reads at once (well under the usual limit of open files).
MAX_OPEN = 200


def iri(value: str) -> str:
    """``<value>``: an IRI term. kg mints its IRIs from safe characters only."""
    return f"<{value}>"


def literal(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A literal term: plain, language-tagged or typed (``xsd:string`` is written plain).

    >>> literal('林芝市 "双报到"', lang="zh")
    '"林芝市 \\\\"双报到\\\\""@zh'
    >>> literal("5", datatype="http://www.w3.org/2001/XMLSchema#integer")
    '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    body = f'"{text.translate(_ESCAPES)}"'
    if lang:
        return f"{body}@{lang.lower()}"
    if datatype and datatype != _XSD + "string":
        return f"{body}^^<{datatype}>"
    return body


def zh(text: str) -> str:
    return literal(text, lang="zh")


def typed(value: object) -> str:
    """A Python value as its XSD literal: ``int`` → integer, ``bool`` → boolean, else a plain string."""
    if isinstance(value, bool):
        return literal("true" if value else "false", datatype=_XSD + "boolean")
    if isinstance(value, int):
        return literal(str(value), datatype=_XSD + "integer")
    return literal(str(value))


def decimal(value: Decimal) -> str:
    """An ``xsd:decimal`` in its canonical form (``650.0``, ``1.49``), as Turtle writes it back."""
    text = format(value.normalize(), "f")
    return literal(text if "." in text else text + ".0", datatype=_XSD + "decimal")


def date(value: str) -> str:
    return literal(value, datatype=_XSD + "date")


def triple(subject: str, predicate: str, obj: str) -> str:
    """One N-Triples line (with its newline) from three written terms."""
    return f"{subject} {predicate} {obj} .\n"


def merge_ntriples(parts: Iterable[bytes]) -> bytes:
    """The canonical N-Triples of the merge (set union) of several N-Triples documents.

    >>> merge_ntriples([b"<b> <p> <o> .\\n<a> <p> <o> .\\n", b"<a> <p> <o> .\\n"])
    b'<a> <p> <o> .\\n<b> <p> <o> .\\n'
    """
    lines = sorted({line for part in parts for line in part.splitlines() if line.strip()})
    return b"".join(line + b"\n" for line in lines)


def _unique(lines: Iterable[bytes]) -> Iterator[bytes]:
    last = None
    for line in lines:
        if line != last:
            yield line
            last = line


def _merge_pass(paths: list[Path], target: Path) -> None:
    with ExitStack() as stack, target.open("wb") as out:
        files = [stack.enter_context(path.open("rb")) for path in paths]
        out.writelines(_unique(heapq.merge(*files)))


def merge_files(paths: Iterable[Path], target: Path, scratch: Path) -> None:
    """Write to ``target`` the union of sorted N-Triples files, sorted: a k-way merge that
    holds one line per file in memory, in passes of at most :data:`MAX_OPEN` files."""
    pending = sorted(Path(p) for p in paths)
    scratch.mkdir(parents=True, exist_ok=True)
    round_ = 0
    while len(pending) > MAX_OPEN:
        merged = []
        for i in range(0, len(pending), MAX_OPEN):
            run = scratch / f"run-{round_}-{i // MAX_OPEN}.nt"
            _merge_pass(pending[i : i + MAX_OPEN], run)
            merged.append(run)
        pending, round_ = merged, round_ + 1
    _merge_pass(pending, target)
