"""Validation units: a store's graphs a batch of subjects at a time, each with the neighbourhood SHACL reads.

:func:`units` walks every graph of a store (the default graph, then the named graphs: the
articles, the entity graphs, the ontology), subject by subject in index order, and cuts a
unit when it holds ``size`` triples: an article's graph is one unit, or a few small ones
together. A unit's *focus nodes* are its subjects and objects; whatever node a shape
could target is one of them in some unit, because the triple that makes it a target (its
``rdf:type``, or a triple it is the subject or object of) is in some graph.

:func:`neighbourhood` copies out of the store what a shape reads from those nodes: every
triple they are the subject of (from every graph, so an entity's description comes along
with the article that names it), the triples pointing at them through a property a shape
walks backwards (``sh:inversePath``), and every triple of the nodes those reach (a value's
class, a sentence's document, the parent of a parent place). Checked there, a focus node
gets exactly the results it gets in the whole graph, from shapes whose paths are a property
or its inverse, with value shapes one level deep; paths further out are
SHACL-SPARQL's job (:mod:`kg.rdf.shacl_sparql`), over the whole store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

__all__ = ["UNIT", "neighbourhood", "rdf_term", "units"]

#: Triples of the store's graphs per unit (a larger subject, an article's document, stays whole).
UNIT = 4000
_STRING = str(XSD.string)


def rdf_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """An Oxigraph term as rdflib's."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == _STRING else URIRef(datatype))


def units(store: ox.Store, size: int = UNIT) -> Iterator[set[ox.NamedNode | ox.BlankNode | ox.Literal]]:
    """The focus nodes of each unit, graph by graph (default graph first, then named graphs by IRI)."""
    graphs = [ox.DefaultGraph(), *sorted(store.named_graphs(), key=str)]
    unit: set = set()
    triples, subject = 0, None
    for graph in graphs:
        for quad in store.quads_for_pattern(None, None, None, graph):
            if quad.subject != subject:
                if triples >= size:
                    yield unit
                    unit, triples = set(), 0
                subject = quad.subject
                unit.add(subject)
            unit.add(quad.object)
            triples += 1
    if unit:
        yield unit


def neighbourhood(store: ox.Store, focus: Iterable, inverse: Iterable[URIRef], graph: Graph) -> Graph:
    """Into ``graph``: the focus nodes' triples, those reaching them by ``inverse`` properties, and their values' triples."""
    focus = {node for node in focus if not isinstance(node, ox.Literal)}
    backwards = [ox.NamedNode(str(p)) for p in sorted(inverse)]
    quads, values = [], set()
    for node in focus:
        for quad in store.quads_for_pattern(node, None, None, None):
            quads.append(quad)
            values.add(quad.object)
        for predicate in backwards:
            for quad in store.quads_for_pattern(None, predicate, node, None):
                quads.append(quad)
                values.add(quad.subject)
    for node in values - focus:
        if not isinstance(node, ox.Literal):
            quads.extend(store.quads_for_pattern(node, None, None, None))
    for quad in quads:
        graph.add((rdf_term(quad.subject), rdf_term(quad.predicate), rdf_term(quad.object)))
    return graph
