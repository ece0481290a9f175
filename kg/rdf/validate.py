"""Check a kg store (or a graph) against the SHACL shapes in ``kg/rdf/shapes.ttl``, article by article.

:func:`validate` never holds the whole graph. Every ``sh:sparql`` constraint (the global
shapes: no cycle in the place hierarchy, evidence from the document cited, the statement's
triple present) runs once as a SPARQL query over the whole store (:mod:`kg.rdf.shacl_sparql`).
Every other constraint runs in pySHACL one unit at a time (:mod:`kg.rdf.neighbourhood`): an
article's named graph, or a batch of small graphs (entity graphs, the ontology's), with the
descriptions of the nodes it names copied out of the store, and the ontology mixed in, so
``sh:targetClass kg:Organization`` also reaches schools and ``sh:class kg:Place`` sees that
林芝市 is one. Memory follows the largest unit, not the store. A unit's results are kept for
its own nodes only (the others are there as context), and each result once: the report is
the one pySHACL gives for the whole graph. An rdflib graph or a Turtle file is put in an
in-memory Oxigraph store first (:func:`kg.rdf.load.as_store`).

pySHACL runs **without inference**: RDFS would make whatever ``kg:locatedIn`` points to a
place (the property's range), so a programme given as a parent would pass, and would give
each school the classes Organization and Entity as well, so "exactly one class" could not be
checked; it is also five times slower.

A :class:`Report` holds one :class:`Violation` per SHACL result (warnings included),
sorted; :func:`format_report` prints one line each, with the focus node's Chinese label.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from kg.errors import ShapesError, first_line, quiet
from kg.rdf.load import as_store, load_store, read_turtle
from kg.rdf.neighbourhood import UNIT, Reach, neighbourhood, rdf_term, units
from kg.rdf.ontology import DEFAULT_ONTOLOGY, Vocabulary, load_vocabulary
from kg.rdf.shacl_sparql import SparqlConstraint, SparqlError, run_constraint, sparql_constraints, without_sparql

__all__ = ["DEFAULT_SHAPES", "Report", "Violation", "format_report", "load_data", "load_shapes", "validate"]

DEFAULT_SHAPES = DEFAULT_ONTOLOGY.parent / "shapes.ttl"
_SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_RANK = {name: rank for rank, name in enumerate(_SEVERITIES.values())}


@dataclass(frozen=True, slots=True)
class Violation:
    """One SHACL result: a violation, or a warning or note when ``severity`` says so.

    ``shape`` is the shape that failed, as a prefixed name (``kgsh:PlaceCycle``); it is
    the *kind* of problem. ``label`` is the focus node's Chinese label, if it has one;
    ``value`` the offending value (an entity's label when it has one).
    """

    severity: str
    shape: str
    focus: str
    label: str | None
    path: str | None
    value: str | None
    message: str
    message_zh: str


@dataclass(frozen=True, slots=True)
class Report:
    violations: tuple[Violation, ...]

    @property
    def conforms(self) -> bool:
        """True when no result has severity Violation (warnings are allowed)."""
        return not any(v.severity == "Violation" for v in self.violations)

    def counts(self) -> dict[str, int]:
        """Number of results per severity and shape, e.g. ``{"Warning kgsh:ObservationPeriodMissing": 30}``."""
        counter = Counter(f"{v.severity} {v.shape}" for v in self.violations)
        return dict(sorted(counter.items(), key=lambda item: (_RANK[item[0].split()[0]], item[0])))

    def to_dict(self) -> dict[str, Any]:
        return {"conforms": self.conforms, "counts": self.counts(), "violations": [asdict(v) for v in self.violations]}


class _QueryError(Exception):
    """SPARQL text in a shape that does not parse."""


class _ParsedOnce(Graph):
    """A graph whose ``query`` parses each SPARQL text once per process.

    ``sh:sparql`` constraints run over the store, but a SPARQL-based constraint component
    (``sh:validator``) of a shapes file runs in pySHACL, once per focus node, with the same
    text and a different ``$this`` binding; rdflib would parse the text every time.
    """

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Result:
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=256)
def _prepared(text: str) -> Query:
    """The parsed query; prefixes come from the shapes' ``sh:declare``, as SHACL requires."""
    try:
        return prepareQuery(text)
    except Exception as error:  # pyparsing and rdflib raise many types
        raise _QueryError(f"SPARQL does not parse: {first_line(error)}") from None


def load_data(path: Path | str) -> ox.Store:
    """A graph file (Turtle) in an in-memory store, for :func:`validate`."""
    return load_store(path)


def load_shapes(path: Path | str = DEFAULT_SHAPES) -> Graph:
    """Parse a SHACL shapes file (Turtle)."""
    graph = read_turtle(path, ShapesError, missing="no such shapes file; pass --shapes PATH to a SHACL Turtle file",
                        invalid="fix the file or restore it")
    if not any(predicate in SH for predicate in graph.predicates(unique=True)):
        raise ShapesError(f"{path}: no SHACL shapes in the file; pass --shapes PATH to a SHACL shapes file")
    return graph


def validate(data: Graph | ox.Store, shapes: Path = DEFAULT_SHAPES, ontology: Path = DEFAULT_ONTOLOGY, *,
             unit: int = UNIT) -> Report:
    """Validate ``data`` against the SHACL ``shapes``, with the ``ontology``'s class hierarchy.

    ``data`` is a store (its default graph the union of its graphs) or an rdflib graph; it
    is not changed. ``unit`` is how many triples of the store's graphs pySHACL checks at a
    time (an article's graph is never cut). Raises :class:`~kg.errors.ShapesError` when the
    shapes file is missing, not Turtle, or not valid SHACL.
    """
    shapes_graph = load_shapes(shapes)
    vocab = load_vocabulary(ontology)
    store = as_store(data)
    names = Graph()
    vocab.bind(names.namespace_manager)
    found: set[Violation] = set()
    try:
        checks = sparql_constraints(shapes_graph, vocab.graph)
        core = without_sparql(shapes_graph)
        reach = Reach.of(core)
        named = {_ox(n) for n in core.objects(None, SH.targetNode) if not isinstance(n, BNode)}
        for focus in chain([named], units(store, unit)):  # the nodes the shapes name are a unit of their own
            found.update(_check_unit(store, focus, reach, core, shapes_graph, vocab, names))
        for check in checks:
            found.update(_check_sparql(store, check, shapes_graph, names))
    except (ReportableRuntimeError, _QueryError, SparqlError) as error:
        raise ShapesError(f"{shapes}: not valid SHACL ({first_line(error)}); fix the shapes file") from None
    return Report(tuple(sorted(found, key=_sort_key)))


def _ox(node: Node) -> ox.NamedNode | ox.Literal:
    if isinstance(node, Literal):
        datatype = ox.NamedNode(str(node.datatype)) if node.datatype else None
        return ox.Literal(str(node), language=node.language) if node.language else ox.Literal(str(node), datatype=datatype)
    return ox.NamedNode(str(node))


def _check_unit(store: ox.Store, focus: set, reach: Reach, core: Graph, shapes: Graph, vocab: Vocabulary,
                names: Graph) -> Iterator[Violation]:
    """pySHACL over one unit's neighbourhood; the results of the unit's own nodes.

    (pySHACL's own ``focus_nodes`` would save checking the neighbours, but it also filters the
    value nodes of nested shapes with it, and so misses e.g. a label in the wrong language.)
    """
    with quiet("rdflib.term"):
        data = neighbourhood(store, focus, reach, _ParsedOnce())
        own = {rdf_term(node) for node in focus}
    with quiet("pyshacl-validate"):  # it logs each error before raising it; kg reports it once
        _, results, _ = pyshacl.validate(data, shacl_graph=core, ont_graph=vocab.graph, inference="none", inplace=True)
    for node in results.subjects(SH.resultSeverity):
        if results.value(node, SH.focusNode) not in own:
            continue
        source = results.value(node, SH.sourceShape)
        kind = source if isinstance(source, URIRef) else results.value(node, SH.sourceConstraintComponent)
        # The shape's own messages: pySHACL drops their language tags on SHACL-SPARQL results.
        messages = list(shapes.objects(source, SH.message)) or list(results.objects(node, SH.resultMessage))
        yield _result(shapes, names, lambda n: _zh_label(data, n), results.value(node, SH.resultSeverity), kind,
                      results.value(node, SH.focusNode), _path_of(results.value(node, SH.resultPath), results, shapes),
                      results.value(node, SH.value), messages)


def _check_sparql(store: ox.Store, check: SparqlConstraint, shapes: Graph, names: Graph) -> list[Violation]:
    """The results of one SHACL-SPARQL constraint over the whole store."""
    hits = list(run_constraint(store, check))
    nodes = {URIRef(focus) for focus, _, _ in hits} | {v for _, _, v in hits if isinstance(v, URIRef)}
    labels = _zh_labels(store, nodes)
    kind = check.shape if isinstance(check.shape, URIRef) else SH.SPARQLConstraintComponent
    messages = list(shapes.objects(check.shape, SH.message)) or list(shapes.objects(check.node, SH.message))
    severity = shapes.value(check.shape, SH.severity) or SH.Violation
    return [_result(shapes, names, lambda n: labels.get(n), severity, kind, URIRef(focus),
                    None if path is None else _path_of(path, shapes), value, messages) for focus, path, value in hits]


def _zh_labels(store: ox.Store, nodes: Iterable[URIRef]) -> dict[Node, str]:
    """The least Chinese ``rdfs:label`` of each node that has one."""
    found: dict[Node, str] = {}
    nodes = sorted(nodes)
    label = str(ox.NamedNode(str(RDFS.label)))
    for start in range(0, len(nodes), 500):
        values = " ".join(str(ox.NamedNode(str(n))) for n in nodes[start:start + 500])
        text = f'SELECT ?n (MIN(STR(?l)) AS ?v) WHERE {{ VALUES ?n {{ {values} }} ?n {label} ?l FILTER(LANG(?l) = "zh") }} GROUP BY ?n'
        found.update((URIRef(row["n"].value), row["v"].value) for row in store.query(text, use_default_graph_as_union=True))
    return found


def _sort_key(v: Violation) -> tuple[Any, ...]:
    return (_RANK[v.severity], v.shape, v.focus, v.path or "", v.value or "", v.message)


def _result(shapes: Graph, names: Graph, label, severity: Node, kind: Node, focus: Node, path: str | None,
            value: Node | None, messages: list[Node]) -> Violation:
    texts = {m.language: str(m) for m in messages if isinstance(m, Literal)}
    message = texts.get("en") or next(iter(texts.values()), "")
    return Violation(
        severity=_SEVERITIES[severity],
        shape=_name(kind, shapes),
        focus=str(focus),
        label=label(focus),
        path=path,
        value=None if value is None else (label(value) or _name(value, names, shapes)),
        message=message,
        message_zh=texts.get("zh", message),
    )


def _name(term: Node, *graphs: Graph) -> str:
    """``kg:locatedIn`` when one of the graphs binds a prefix for the term's namespace, else the term."""
    text = str(term)
    names = [(len(ns), f"{prefix}:{text[len(ns):]}") for graph in graphs for prefix, ns in graph.namespaces()
             if prefix and isinstance(term, URIRef) and text.startswith(ns)]
    return max(names)[1] if names else text


def _path_of(path: Node | None, *graphs: Graph) -> str | None:
    """A result path as a prefixed name, ``^name`` for an inverse path (looked up in ``graphs``)."""
    if path is None:
        return None
    shapes = graphs[-1]
    if isinstance(path, BNode):
        inverse = next((g.value(path, SH.inversePath) for g in graphs if g.value(path, SH.inversePath) is not None), None)
        if inverse is not None:
            return "^" + _name(inverse, shapes)
    return _name(path, shapes)


def _zh_label(graph: Graph, node: Node) -> str | None:
    labels = sorted(str(v) for v in graph.objects(node, RDFS.label) if isinstance(v, Literal) and v.language == "zh")
    return labels[0] if labels else None


def format_report(report: Report) -> str:
    """One line per result (severity, shape, focus, path = value: message), then counts per kind."""
    lines = []
    for v in report.violations:
        focus = f"{v.label} <{v.focus}>" if v.label else f"<{v.focus}>"
        where = (v.path or "") + (f" = {v.value}" if v.value else "")
        lines.append("  ".join(part for part in (v.severity, v.shape, focus, where) if part) + f": {v.message}")
    errors = sum(v.severity == "Violation" for v in report.violations)
    verdict = "conforms" if report.conforms else "does not conform"
    lines.append(f"{verdict}: {errors} violations, {len(report.violations) - errors} warnings or notes")
    lines.extend(f"  {count:>5}  {kind}" for kind, count in report.counts().items())
    return "\n".join(lines)
