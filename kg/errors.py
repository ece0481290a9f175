"""Errors kg raises on bad input, each a one-line message that names the file and the fix.

Our exception hierarchy::

    KGError                 root; the CLI prints str(error) on one line and exits 1
    ├── InputError          an input article: missing, empty, binary, unknown encoding
    ├── NothingToBuild      not one of the inputs gave an article (``skipped`` says why, a line each)
    ├── OntologyError       the ontology (kg/rdf/kg.ttl) missing, malformed, or missing a term the code uses
    ├── QueryError          a SPARQL query that does not parse or cannot run
    ├── GraphError          a graph file that does not exist or does not parse
    ├── StoreError          the store is missing, held by another process, or unreadable
    ├── ShapesError         a SHACL shapes file that is missing, not Turtle, or not valid SHACL
    ├── PushError           a triple store that cannot be reached or refuses an upload
    └── ViewError           a view asks for an entity, class or document the graph lacks

Anything else that escapes is a bug in kg and shows a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "GraphError", "InputError", "KGError", "NothingToBuild", "OntologyError", "PushError", "QueryError", "ShapesError",
    "StoreError", "ViewError",
    "first_line", "quiet", "short_message", "shorten",
]


def first_line(error: BaseException) -> str:
    """The first line of a library's error message, or its type when it has none."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@contextmanager
def quiet(logger: str) -> Iterator[None]:
    """Drop a library's log records while kg reports the problem itself, in one line.

    A filter, not a level: some libraries (pySHACL) set their logger's level on each call.
    """
    log = logging.getLogger(logger)

    def drop(_record: logging.LogRecord) -> bool:
        return False

    log.addFilter(drop)
    try:
        yield
    finally:
        log.removeFilter(drop)


def shorten(text: str, limit: int = 160) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def short_message(error: BaseException, limit: int = 160) -> str:
    """:func:`first_line`, cut to ``limit`` characters (parsers list every token they expected)."""
    return shorten(first_line(error), limit)


class KGError(Exception):
    """Root of every error kg raises on purpose."""


class InputError(KGError):
    """An input file cannot be used; the rest of the corpus is still built."""

    def __init__(self, path: Path | str, problem: str, fix: str, *, record: str | None = None,
                 format: str | None = None) -> None:
        """``record`` names the record within a container (``FILE#record`` in the message);
        ``format`` is the input's format (``html``, ``pdf`` …), so skipped inputs can be counted by it."""
        self.path = Path(path)
        self.problem, self.fix, self.record, self.format = problem, fix, record, format
        where = f"{path}#{record}" if record else f"{path}"
        super().__init__(f"{where}: {problem}; {fix}")

    def __reduce__(self):  # picklable, so that workers of a parallel build can send it back
        return _input_error, (self.path, self.problem, self.fix, self.record, self.format)


def _input_error(path: Path, problem: str, fix: str, record: str | None, format: str | None) -> InputError:
    return InputError(path, problem, fix, record=record, format=format)


class NothingToBuild(KGError):
    """No input gave an article, so nothing was built; ``skipped`` holds the line of each input."""

    def __init__(self, skipped: list[str], out: Path | str) -> None:
        self.skipped = list(skipped)
        why = self.skipped[0] if len(self.skipped) == 1 else f"{len(self.skipped)} inputs skipped, see above"
        super().__init__(f"no article could be read from the inputs ({why}); {out} is left as it was")


class OntologyError(KGError):
    """The ontology file is missing, malformed, or lacks a term the code uses."""


class QueryError(KGError):
    """A SPARQL query is malformed or cannot be run."""


class GraphError(KGError):
    """A graph file is missing or does not parse."""


class StoreError(KGError):
    """The embedded store is missing, held by another process, or cannot be opened."""


class ShapesError(KGError):
    """A SHACL shapes file is missing, malformed, or not valid SHACL."""


class PushError(KGError):
    """A triple store cannot be reached, refuses the upload, or answers with an error."""


class ViewError(KGError):
    """A view names an entity, class or document that the graph does not have."""
