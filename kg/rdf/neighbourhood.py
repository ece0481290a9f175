"""Validation units: a store's graphs a batch of subjects at a time, each with the neighbourhood SHACL reads.

:func:`units` walks every graph of a store (the default graph, then the named graphs: the
articles, the entity graphs, the ontology), subject by subject in index order, and cuts a
unit when it holds ``size`` triples: an article's graph is one unit, or a few small ones
together. A unit's *focus nodes* are its subjects, and the objects that are the subject of
nothing anywhere (an entity named but never described). Every node a shape can target is
one of them in some unit: if it is the subject of a triple, in the unit of that triple's
graph, else in the unit of a triple it is the object of.

:func:`neighbourhood` copies out of the store what a shape reads from those nodes: every
triple they are the subject of (from every graph: a position's role comes from an entity
graph), the triples pointing at them through a property a shape walks backwards
(``sh:inversePath``) or targets the objects of (one is enough to make it a target), and
every triple of the nodes their triples reach (a value's class, a sentence's document, an
entity's label). Checked there, a focus node gets exactly the results it gets in the whole
graph, from shapes whose paths are a property or its inverse, with value shapes one level
deep; paths further out are SHACL-SPARQL's job (:mod:`kg.rdf.shacl_sparql`), over the
whole store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain, islice

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


def _object_only(store: ox.Store, node: ox.NamedNode | ox.BlankNode | ox.Literal) -> bool:
    """Whether ``node`` is the subject of no triple in any graph (a literal never is)."""
    return isinstance(node, ox.Literal) or next(iter(store.quads_for_pattern(node, None, None, None)), None) is None


def units(store: ox.Store, size: int = UNIT) -> Iterator[set[ox.NamedNode | ox.BlankNode | ox.Literal]]:
    """The focus nodes of each unit, graph by graph (the default graph, then the named graphs in the store's order)."""
    unit: set = set()
    triples, subject = 0, None
    for graph in chain([ox.DefaultGraph()], store.named_graphs()):
        for quad in store.quads_for_pattern(None, None, None, graph):
            if quad.subject != subject:
                if triples >= size:
                    yield unit
                    unit, triples = set(), 0
                subject = quad.subject
                unit.add(subject)
            if quad.object not in unit and _object_only(store, quad.object):
                unit.add(quad.object)
            triples += 1
    if unit:
        yield unit


def neighbourhood(store: ox.Store, focus: Iterable, inverse: Iterable[URIRef], targeting: Iterable[URIRef],
                  graph: Graph) -> Graph:
    """Into ``graph``: what shapes read from the ``focus`` nodes (see the module's docstring).

    ``inverse`` are the properties shapes walk backwards (every such triple is copied);
    ``targeting`` those whose objects shapes target (one such triple per node is enough).
    """
    focus = {node for node in focus if not isinstance(node, ox.Literal)}
    backwards = [ox.NamedNode(str(p)) for p in sorted(inverse)]
    targets = [ox.NamedNode(str(p)) for p in sorted(targeting)]
    quads, values = [], set()
    for node in focus:
        for quad in store.quads_for_pattern(node, None, None, None):
            quads.append(quad)
            values.add(quad.object)
        for predicate in backwards:
            for quad in store.quads_for_pattern(None, predicate, node, None):
                quads.append(quad)
                values.add(quad.subject)
        for predicate in targets:
            quads.extend(islice(store.quads_for_pattern(None, predicate, node, None), 1))
    for node in values - focus:
        if not isinstance(node, ox.Literal):
            quads.extend(store.quads_for_pattern(node, None, None, None))
    for quad in quads:
        graph.add((rdf_term(quad.subject), rdf_term(quad.predicate), rdf_term(quad.object)))
    return graph
