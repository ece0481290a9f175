"""Figures of the entity graph (entities as nodes, relations as edges), from a store or from networkx.

:func:`figures` gives ``kg stats``'s figures for a whole store without holding the graph:
counts and rankings are SPARQL aggregates (:mod:`kg.viz.entities`), and the connected
components come from a union-find over the streamed relations, keyed by a 64-bit digest
of each entity's IRI in flat arrays (a few bytes per entity). :func:`summary` gives the same
figures for a networkx graph (a view, or a small graph from :func:`to_networkx`).
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
import pyoxigraph as ox
from rdflib import Graph

from kg.rdf.load import as_store
from kg.rdf.ontology import Vocabulary
from kg.viz.entities import EntityGraph

__all__ = ["Whole", "figures", "summary", "to_networkx", "whole_graph"]


def to_networkx(source: Graph | ox.Store, vocab: Vocabulary) -> nx.MultiDiGraph:
    """The whole entity graph in networkx, for small graphs: see :meth:`EntityGraph.network` for its data."""
    entities = EntityGraph(as_store(source), vocab)
    return entities.network(set(entities.entities()))


def _row(label: str, cls: str, degree: int, simple: int, nodes: int) -> dict:
    centrality = simple / (nodes - 1) if nodes > 1 else 0.0
    return {"label": label, "class": cls, "degree": degree, "centrality": round(centrality, 4)}


def summary(g: nx.MultiDiGraph, top: int = 10) -> dict:
    """Counts, degree, components and the most connected entities (overall and by class) of ``g``."""
    simple = nx.Graph(g)
    degree = dict(g.degree())

    def ranked(nodes) -> list[dict]:
        ordered = sorted(nodes, key=lambda n: (-degree[n], g.nodes[n]["label"], n))[:top]
        return [_row(g.nodes[n]["label"], g.nodes[n]["cls"], degree[n], simple.degree(n), len(g)) for n in ordered]

    components = sorted((len(c) for c in nx.weakly_connected_components(g)), reverse=True)
    return {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "components": len(components),
        "largest_component": components[0] if components else 0,
        "isolated": sum(1 for n in g if degree[n] == 0),
        "most_connected": ranked(g.nodes),
        "most_connected_places": ranked(n for n in g if g.nodes[n]["cls"] == "Place"),
        "most_connected_programmes": ranked(n for n in g if g.nodes[n]["cls"] == "Programme"),
    }


def _key(iri: str) -> int:
    return int.from_bytes(hashlib.blake2b(iri.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


class _Components:
    """Union-find over entities numbered by the rank of their IRI's digest: O(entities) machine ints."""

    def __init__(self, entities: Iterable[str]) -> None:
        self.keys = array("q", sorted(_key(e) for e in entities))
        n = len(self.keys)
        self.parent, self.size, self.degree = array("l", range(n)), array("l", [1]) * n, array("l", [0]) * n
        self.edges = 0

    def index(self, iri: str) -> int | None:
        key = _key(iri)
        i = bisect_left(self.keys, key)
        return i if i < len(self.keys) and self.keys[i] == key else None

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def add(self, s: str, o: str) -> None:
        i, j = self.index(s), self.index(o)
        if i is None or j is None:
            return
        self.edges += 1
        self.degree[i] += 1
        self.degree[j] += 1
        a, b = self.find(i), self.find(j)
        if a != b:
            if self.size[a] < self.size[b]:
                a, b = b, a
            self.parent[b] = a
            self.size[a] += self.size[b]

    def sizes(self) -> list[int]:
        return sorted((self.size[i] for i in range(len(self.keys)) if self.parent[i] == i), reverse=True)


def _simple_degrees(entities: EntityGraph, parts: _Components, nodes: set[str]) -> dict[str, int]:
    """Each node's degree in the simple undirected graph: its distinct neighbours, a self-loop counting twice."""
    neighbours: dict[str, set[str]] = {node: set() for node in nodes}
    for s, o in entities.relations():
        if (s in nodes or o in nodes) and parts.index(s) is not None and parts.index(o) is not None:
            if s in nodes:
                neighbours[s].add(o)
            if o in nodes:
                neighbours[o].add(s)
    return {node: len(near) + (node in near) for node, near in neighbours.items()}


Ranked = tuple[str, str, str, int]  # (IRI, name, class, degree), as EntityGraph.ranked gives


def _rank(row: Ranked) -> tuple[int, str, str]:
    return -row[3], row[1], row[0]


class _Top:
    """The ``size`` first rows by :func:`_rank` of a stream, in a list that never holds more than twice that."""

    def __init__(self, size: int) -> None:
        self.size, self.rows = size, []

    def add(self, row: Ranked) -> None:
        self.rows.append(row)
        if len(self.rows) >= 2 * self.size + 64:
            self.rows = sorted(self.rows, key=_rank)[: self.size]

    def first(self) -> list[Ranked]:
        return sorted(self.rows, key=_rank)[: self.size]


@dataclass
class Whole:
    """What one pass over the whole entity graph gives: the most connected entities (overall
    and by class, ranked as :meth:`EntityGraph.ranked` ranks them) and the components."""

    ranking: list[Ranked]  #: the ``keep`` most connected entities
    by_class: dict[str, list[Ranked]]  #: the ``per_class`` most connected of each class
    parts: _Components


def whole_graph(entities: EntityGraph, keep: int, per_class: int = 10) -> Whole:
    """Stream the relations once (components and degrees), then every entity's name and class;
    keep the top of the ranking. The store's own ranking (a degree per entity by a grouped
    subquery, then a sort) took twice as long as this whole pass and held every entity."""
    parts = _Components(entities.entities())
    for s, o in entities.relations():
        parts.add(s, o)
    overall, by_class = _Top(keep), {}
    for iri, name, cls in entities.described():
        i = parts.index(iri)
        row = (iri, name, cls, parts.degree[i] if i is not None else 0)
        overall.add(row)
        by_class.setdefault(cls, _Top(per_class)).add(row)
    return Whole(overall.first(), {cls: top.first() for cls, top in sorted(by_class.items())}, parts)


def figures(source: Graph | ox.Store, vocab: Vocabulary, top: int = 10, whole: Whole | None = None) -> dict:
    """The :func:`summary` of the whole entity graph in ``source``, from bounded queries and one streamed pass.

    ``whole`` is that pass, if the caller made it already (the viewer does) with at least
    ``top`` entities kept overall and per class.
    """
    entities = EntityGraph(as_store(source), vocab)
    whole = whole or whole_graph(entities, keep=max(top, 0), per_class=max(top, 0))
    parts = whole.parts
    sizes, nodes = parts.sizes(), len(parts.keys)

    lists = {"most_connected": whole.ranking, "most_connected_places": whole.by_class.get("Place", []),
             "most_connected_programmes": whole.by_class.get("Programme", [])}
    lists = {name: listed[: max(top, 0)] for name, listed in lists.items()}
    simple = _simple_degrees(entities, parts, {node for listed in lists.values() for node, *_ in listed})
    return {
        "nodes": nodes,
        "edges": parts.edges,
        "components": len(sizes),
        "largest_component": sizes[0] if sizes else 0,
        "isolated": sum(1 for d in parts.degree if d == 0),
        **{name: [_row(label, cls, degree, simple[node], nodes) for node, label, cls, degree in listed]
           for name, listed in lists.items()},
    }
