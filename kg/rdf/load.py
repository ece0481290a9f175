"""Read Turtle files someone gave us (graphs, shapes, the ontology), or raise one line that names it and the fix.

Graphs read for the viewer, ``kg stats`` and ``kg validate`` go into an in-memory Oxigraph
store (:func:`load_store`, :func:`as_store`), so those read a Turtle file the way they read
the store a build made: with SPARQL, never by walking an rdflib graph.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import GraphError, KGError, first_line, quiet, shorten

__all__ = ["as_store", "load_graph", "load_store", "read_turtle"]

_MISSING = "no such graph file; run `kg build` first or give the path to a .ttl file"


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
    >>> _problem(SyntaxError("at line 1 between columns 1 and 4: No scheme found in an absolute IRI (x.ttl, line 1)"))
    'line 1: No scheme found in an absolute IRI'
    """
    found = re.search(r"at line (\d+) of <[^>]*>:\s*Bad syntax \((.+?)\) at \^", str(error), re.DOTALL)
    found = found or re.search(r"at line (\d+)(?: between columns \d+ and \d+| column \d+)?: (.+?)(?: \([^()]*line \d+\))?$",
                               first_line(error))  # Oxigraph's parser says it this way
    return f"line {found[1]}: {shorten(found[2])}" if found else first_line(error)


def load_graph(path: Path | str, graph: Graph | None = None) -> Graph:
    """A graph file (Turtle) in memory (into ``graph`` if given), for rdflib queries, stats, eval and views."""
    return read_turtle(path, GraphError, missing=_MISSING, invalid="rebuild it with `kg build`", graph=graph)


def load_store(path: Path | str) -> ox.Store:
    """A graph file (Turtle or N-Triples) in an in-memory Oxigraph store, in its default graph."""
    path = Path(path)
    if not path.is_file():
        raise GraphError(f"{path}: {_MISSING}")
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    except SyntaxError as problem:
        raise GraphError(f"{path}: not valid Turtle ({_problem(problem)}); rebuild it with `kg build`") from None
    return store


def as_store(source: Graph | ox.Store) -> ox.Store:
    """``source`` itself when it is a store, else an in-memory store holding the rdflib graph's triples."""
    if isinstance(source, ox.Store):
        return source
    store = ox.Store()
    store.bulk_load(source.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store
