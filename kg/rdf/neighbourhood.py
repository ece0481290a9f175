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
from dataclasses import dataclass
from itertools import chain, islice

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

__all__ = ["UNIT", "Reach", "neighbourhood", "rdf_term", "units"]

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
    described: set = set()  # this unit's objects that are the subject of something
    triples, subject = 0, None
    for graph in chain([ox.DefaultGraph()], store.named_graphs()):
        for quad in store.quads_for_pattern(None, None, None, graph):
            if quad.subject != subject:
                if triples >= size:
                    yield unit
                    unit, described, triples = set(), set(), 0
                subject = quad.subject
                unit.add(subject)
            node = quad.object
            if node not in unit and node not in described:
                (unit if _object_only(store, node) else described).add(node)
            triples += 1
    if unit:
        yield unit


@dataclass(frozen=True)
class Reach:
    """What shapes read around a focus node."""

    backwards: tuple[ox.NamedNode, ...]  #: properties walked backwards: every such triple is copied
    targets: tuple[ox.NamedNode, ...]  #: properties whose objects are targets: one such triple per node will do
    reads: tuple[ox.NamedNode, ...] | None  #: properties read of a focus or value node (``None``: all of them)

    @classmethod
    def of(cls, shapes: Graph) -> Reach:
        """The reach of a shapes graph without its ``sh:sparql`` constraints. A node is read through the
        properties of the shapes' paths, those they target the subjects of or compare (``sh:equals`` …),
        ``rdf:type``, ``rdfs:subClassOf`` and ``rdfs:label`` (for the report), unless a shape is closed
        or runs SPARQL of its own: then through all."""
        def named(nodes: Iterable[Node]) -> tuple[ox.NamedNode, ...]:
            return tuple(ox.NamedNode(str(n)) for n in sorted({n for n in nodes if isinstance(n, URIRef)}))

        open_ended = (None, SH.closed, Literal(True)) in shapes or any(
            True for p in (SH.select, SH.ask) for _ in shapes.triples((None, p, None)))
        paths, seen = list(shapes.objects(None, SH.path)), set()
        while paths:  # a path is a property, or a structure of them (inverse, sequence, alternatives …)
            node = paths.pop()
            if isinstance(node, BNode) and node not in seen:
                seen.add(node)
                paths.extend(shapes.objects(node, None))
        compared = (SH.targetSubjectsOf, SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals)
        properties = [*(n for n in shapes.objects(None, SH.path) if isinstance(n, URIRef)),
                      *(o for b in seen for o in shapes.objects(b, None) if o != RDF.nil),
                      *(o for p in compared for o in shapes.objects(None, p)), RDF.type, RDFS.subClassOf, RDFS.label]
        return cls(named(shapes.objects(None, SH.inversePath)), named(shapes.objects(None, SH.targetObjectsOf)),
                   None if open_ended else named(properties))


def neighbourhood(store: ox.Store, focus: Iterable, reach: Reach, graph: Graph) -> Graph:
    """Into ``graph``: what shapes of that ``reach`` read from the ``focus`` nodes (see the module's docstring)."""
    focus = {node for node in focus if not isinstance(node, ox.Literal)}
    reads = None if reach.reads is None else set(reach.reads)
    quads, values = [], set()
    for node in focus:
        for quad in store.quads_for_pattern(node, None, None, None):
            if reads is None or quad.predicate in reads:
                quads.append(quad)
                values.add(quad.object)
        for predicate in reach.backwards:
            for quad in store.quads_for_pattern(None, predicate, node, None):
                quads.append(quad)
                values.add(quad.subject)
        for predicate in reach.targets:
            quads.extend(islice(store.quads_for_pattern(None, predicate, node, None), 1))
    for node in values - focus:
        if isinstance(node, ox.Literal):
            continue
        for predicate in reach.reads if reach.reads is not None else (None,):
            quads.extend(store.quads_for_pattern(node, predicate, None, None))
    for quad in quads:
        graph.add((rdf_term(quad.subject), rdf_term(quad.predicate), rdf_term(quad.object)))
    return graph
