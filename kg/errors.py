"""Errors kg raises on bad input, each a one-line message that names the file and the fix.

Our exception hierarchy::

    KGError                 root; the CLI prints str(error) on one line and exits 1
    ├── InputError          an input article: missing, empty, binary, unknown encoding
    ├── OntologyError       ontology/kg.ttl missing, malformed, or missing a term the code uses
    ├── QueryError          a SPARQL query that does not parse or cannot run
    ├── GraphError          a graph file that does not exist or does not parse
    └── ViewError           a view asks for an entity, class or document the graph lacks

Anything else that escapes is a bug in kg and shows a traceback.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["GraphError", "InputError", "KGError", "OntologyError", "QueryError", "ViewError", "first_line"]


def first_line(error: BaseException) -> str:
    """The first line of a library's error message, or its type when it has none."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class KGError(Exception):
    """Root of every error kg raises on purpose."""


class InputError(KGError):
    """An input file cannot be used; the rest of the corpus is still built."""

    def __init__(self, path: Path | str, problem: str, fix: str) -> None:
        self.path = Path(path)
        super().__init__(f"{path}: {problem}; {fix}")


class OntologyError(KGError):
    """The ontology file is missing, malformed, or lacks a term the code uses."""


class QueryError(KGError):
    """A SPARQL query is malformed or cannot be run."""


class GraphError(KGError):
    """A graph file is missing or does not parse."""


class ViewError(KGError):
    """A view names an entity, class or document that the graph does not have."""
