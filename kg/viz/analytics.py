"""networkx analytics over the entity graph (entities as nodes, relations as edges)."""

from __future__ import annotations

import networkx as nx
from rdflib import RDF, RDFS, Graph, URIRef

from kg.rdf.ontology import Vocabulary

__all__ = ["summary", "to_networkx"]

_EDGE_PROPERTIES = ("locatedIn", "partOf", "carriesOut")


def _entity_class(types: set[str], vocab: Vocabulary) -> str:
    """The most specific of an entity's classes (local names), ties broken by name."""
    specific = [c for c in types if not any(o != c and o in vocab.subclasses(c) for o in types)]
    return min(specific)


def to_networkx(graph: Graph, vocab: Vocabulary) -> nx.MultiDiGraph:
    """Entity-level projection: places, organisations, programmes, people; edges are relations.

    A node's ``cls`` is the local name of its most specific class (``Place``,
    ``PartyOrganization``); a ``holdsPosition`` edge carries its ``role`` label and the
    ``position`` node that holds its evidence.
    """
    entity_classes = {vocab[c]: c for c in vocab.subclasses("Entity")}
    types: dict[URIRef, set[str]] = {}
    for node, cls in graph.subject_objects(RDF.type):
        if cls in entity_classes:
            types.setdefault(node, set()).add(entity_classes[cls])
    g = nx.MultiDiGraph()
    for node in sorted(types):
        label = graph.value(node, RDFS.label)
        g.add_node(str(node), label=str(label) if label else str(node), cls=_entity_class(types[node], vocab),
                   mentions=len(set(graph.subjects(vocab.mentionOf, node))))
    for name in _EDGE_PROPERTIES:
        for s, o in graph.subject_objects(vocab[name]):
            if str(s) in g and str(o) in g:
                g.add_edge(str(s), str(o), predicate=name, label=vocab.label(vocab[name]))
    for person, position in graph.subject_objects(vocab.holdsPosition):
        org = graph.value(position, vocab.organization)
        role = graph.value(graph.value(position, vocab.role), RDFS.label)
        if isinstance(org, URIRef) and str(person) in g and str(org) in g:
            g.add_edge(str(person), str(org), predicate="holdsPosition", label=vocab.label(vocab.holdsPosition),
                       role=str(role or ""), position=str(position))
    return g


def summary(g: nx.MultiDiGraph, top: int = 10) -> dict:
    """Counts, degree, components and the most connected entities (overall and by class)."""
    simple = nx.Graph(g)
    degree = dict(g.degree())
    centrality = nx.degree_centrality(simple) if len(simple) > 1 else dict.fromkeys(simple, 0.0)

    def ranked(nodes) -> list[dict]:
        ordered = sorted(nodes, key=lambda n: (-degree[n], g.nodes[n]["label"], n))[:top]
        return [{"label": g.nodes[n]["label"], "class": g.nodes[n]["cls"], "degree": degree[n],
                 "centrality": round(centrality[n], 4)} for n in ordered]

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
