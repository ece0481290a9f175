"""SHACL-SPARQL constraints (``sh:sparql``) run as one query each over a whole Oxigraph store.

A constraint such as ``kgsh:PlaceCycle`` (``$this kg:locatedIn ?value . ?value kg:locatedIn*
$this``) may look anywhere in the graph, so it cannot be checked one article at a time.
:func:`sparql_constraints` reads them from the shapes; :func:`run_constraint` puts the
shape's targets (``sh:targetClass`` with the ontology's subclasses, ``sh:targetNode``,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf``; for a property shape, those of the node
shapes that hold it) at the head of the query's ``WHERE`` group, where they bind ``$this``
for everything after them, ``FILTER NOT EXISTS`` included: the pre-binding SHACL asks for,
except inside sub-selects. Each answer is a result as pySHACL would give it: its focus node
is ``$this``, its value ``?value`` (a node shape's focus when unbound), its path ``?path`` or
the shape's ``sh:path``. Prefixes come from the constraint's ``sh:prefixes`` declarations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.errors import first_line
from kg.rdf.neighbourhood import rdf_term

__all__ = ["SparqlConstraint", "SparqlError", "run_constraint", "sparql_constraints", "without_sparql"]

_WHERE = re.compile(r"\bWHERE\s*\{", re.I)
_SELECT = re.compile(r"\bSELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?", re.I)


class SparqlError(Exception):
    """A ``sh:sparql`` constraint that is not valid SHACL-SPARQL, or whose query does not parse."""


@dataclass(frozen=True)
class SparqlConstraint:
    """One ``sh:sparql`` constraint of a shape, with what its results need."""

    shape: Node
    node: Node  #: the constraint itself (``[ sh:select … ]``)
    select: str
    prefixes: tuple[tuple[str, str], ...]
    targets: str  #: a SPARQL group pattern binding ``?this`` to each focus node
    path: Node | None  #: the shape's ``sh:path`` (a property shape), else ``None``


def _term(node: Node) -> str:
    return str(ox.NamedNode(str(node))) if isinstance(node, URIRef) else node.n3()


def _targets(shapes: Graph, ontology: Graph, shape: Node) -> list[str]:
    """Patterns for the focus nodes of ``shape``, or of the node shapes that hold it as a property."""
    holders = [shape, *shapes.subjects(SH.property, shape)]
    patterns = []
    for holder in holders:
        classes = set(shapes.objects(holder, SH.targetClass))
        if (holder, RDF.type, RDFS.Class) in shapes:
            classes.add(holder)
        for cls in sorted(classes):
            closure = sorted({cls, *ontology.transitive_subjects(RDFS.subClassOf, cls)})
            patterns.append(f"{{ ?this a ?this_class . VALUES ?this_class {{ {' '.join(map(_term, closure))} }} }}")
        patterns += [f"{{ VALUES ?this {{ {_term(n)} }} }}" for n in sorted(shapes.objects(holder, SH.targetNode))]
        patterns += [f"{{ ?this {_term(p)} ?this_o }}" for p in sorted(shapes.objects(holder, SH.targetSubjectsOf))]
        patterns += [f"{{ ?this_s {_term(p)} ?this }}" for p in sorted(shapes.objects(holder, SH.targetObjectsOf))]
    return patterns


def _prefixes(shapes: Graph, constraint: Node) -> tuple[tuple[str, str], ...]:
    found = {}
    for owner in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(owner, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            if prefix is None or namespace is None:
                raise SparqlError("an sh:declare needs sh:prefix and sh:namespace")
            found[str(prefix)] = str(namespace)
    return tuple(sorted(found.items()))


def sparql_constraints(shapes: Graph, ontology: Graph) -> list[SparqlConstraint]:
    """Every active ``sh:sparql`` constraint of ``shapes``, in a stable order."""
    found = []
    for shape, node in sorted(shapes.subject_objects(SH.sparql)):
        if Literal(True) in (*shapes.objects(shape, SH.deactivated), *shapes.objects(node, SH.deactivated)):
            continue
        selects = list(shapes.objects(node, SH.select))
        if len(selects) != 1 or not isinstance(selects[0], Literal):
            raise SparqlError(f"{_term(shape)}: an sh:sparql constraint needs exactly one sh:select string")
        patterns = _targets(shapes, ontology, shape)
        if patterns:
            found.append(SparqlConstraint(shape, node, str(selects[0]), _prefixes(shapes, node),
                                          " UNION ".join(patterns), shapes.value(shape, SH.path)))
    return found


def without_sparql(shapes: Graph) -> Graph:
    """A copy of ``shapes`` without its ``sh:sparql`` constraints (those run over the whole store)."""
    copy = Graph()
    for prefix, namespace in shapes.namespaces():
        copy.bind(prefix, namespace, override=True, replace=True)
    copy += shapes
    for shape, node in list(copy.subject_objects(SH.sparql)):
        copy.remove((shape, SH.sparql, node))
        copy.remove((node, None, None))
    return copy


def _query(constraint: SparqlConstraint) -> str:
    text = constraint.select
    if "$PATH" in text:
        if not isinstance(constraint.path, URIRef):
            raise SparqlError(f"{_term(constraint.shape)}: $PATH needs a shape whose sh:path is one property")
        text = text.replace("$PATH", _term(constraint.path))
    where = _WHERE.search(text) or re.search(r"\{", text)
    select = _SELECT.search(text)
    if where is None or select is None:
        raise SparqlError(f"{_term(constraint.shape)}: sh:select is not a SELECT query")
    text = f"{text[:where.end()]} {{ SELECT DISTINCT ?this WHERE {{ {constraint.targets} }} }} {text[where.end():]}"
    if not re.search(r"[?$]this\b|\*", text[select.end():where.start()]):
        text = f"{text[:select.end()]}?this {text[select.end():]}"
    return text


def run_constraint(store: ox.Store, constraint: SparqlConstraint) -> Iterator[tuple[str, Node | None, Node | None]]:
    """(focus IRI, path, value) of each result of ``constraint`` over the union of the store's graphs.

    Terms come back as rdflib terms; the path is the shape's unless the query binds ``?path``.
    """
    try:
        solutions = store.query(_query(constraint), prefixes=dict(constraint.prefixes), use_default_graph_as_union=True)
    except (SyntaxError, ValueError) as error:
        raise SparqlError(f"SPARQL does not parse: {first_line(error)}") from None
    names = {v.value for v in solutions.variables}
    seen = set()
    for row in solutions:
        focus = row["this"]
        if focus is None or isinstance(focus, ox.Literal):
            continue
        value = rdf_term(row["value"]) if "value" in names and row["value"] is not None else None
        path = rdf_term(row["path"]) if "path" in names and row["path"] is not None else constraint.path
        if value is None and constraint.path is None:
            value = rdf_term(focus)
        result = (focus.value, path, value)
        if result not in seen:
            seen.add(result)
            yield result
