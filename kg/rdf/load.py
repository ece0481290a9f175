"""Read Turtle files someone gave us (graphs, shapes, the ontology), or raise one line that names it and the fix."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph

from kg.errors import GraphError, KGError, first_line, quiet, shorten

__all__ = ["load_graph", "read_turtle"]


def read_turtle(path: Path | str, error: type[KGError], *, missing: str, invalid: str,
                graph: Graph | None = None) -> Graph:
    """Parse ``path`` into ``graph`` (a new one by default).

    ``missing`` and ``invalid`` finish the message raised as ``error`` when the file is
    absent or not Turtle. rdflib's log lines about literals it cannot convert (e.g.
    ``"1200名"^^xsd:decimal``) are kept quiet: ``kg validate`` reports those properly.
    """
    path = Path(path)
    if not path.is_file():
        raise error(f"{path}: {missing}")
    graph = Graph() if graph is None else graph
    try:
        with quiet("rdflib.term"):
            graph.parse(path, format="turtle")
    except Exception as problem:  # rdflib raises many parser-specific types
        raise error(f"{path}: not valid Turtle ({_problem(problem)}); {invalid}") from None
    return graph


def _problem(error: Exception) -> str:
    """rdflib's complaint in a few words: ``line 3: newline found in string literal``.

    >>> _problem(SyntaxError('at line 1 of <>:\\nBad syntax (Prefix "kg:" not bound) at ^ in:\\n"…"'))
    'line 1: Prefix "kg:" not bound'
    """
    found = re.search(r"at line (\d+) of <[^>]*>:\s*Bad syntax \((.+?)\) at \^", str(error), re.DOTALL)
    return f"line {found[1]}: {shorten(found[2])}" if found else first_line(error)


def load_graph(path: Path | str, graph: Graph | None = None) -> Graph:
    """A graph file (Turtle) in memory (into ``graph`` if given), for rdflib queries, stats, eval and views."""
    return read_turtle(path, GraphError, missing="no such graph file; run `kg build` first or give the path to a .ttl file",
                       invalid="rebuild it with `kg build`", graph=graph)
