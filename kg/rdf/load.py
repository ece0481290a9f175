"""Read Turtle files someone gave us (graphs, shapes, the ontology), or raise one line that names it and the fix."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from kg.errors import GraphError, KGError, first_line, quiet

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
        raise error(f"{path}: not valid Turtle ({first_line(problem)}); {invalid}") from None
    return graph


def load_graph(path: Path | str, graph: Graph | None = None) -> Graph:
    """A graph file (Turtle) in memory (into ``graph`` if given), for rdflib queries, stats, eval and views."""
    return read_turtle(path, GraphError, missing="no such graph file; run `kg build` first or give the path to a .ttl file",
                       invalid="rebuild it with `kg build`", graph=graph)
