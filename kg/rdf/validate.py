"""Check a graph against the SHACL shapes in ``kg/rdf/shapes.ttl`` and report readably.

:func:`validate` runs pySHACL with the ontology mixed into (a copy of) the data graph,
so ``sh:targetClass kg:Organization`` also reaches schools and party organisations, and
``sh:class kg:Place`` can see that 林芝市 is one. It runs **without inference**: RDFS would
make whatever ``kg:locatedIn`` points to a place (the property's range), so a programme
given as a parent would pass, and would give each school the classes Organization and
Entity as well, so "exactly one class" could not be checked; it is also five times slower.

A :class:`Report` holds one :class:`Violation` per SHACL result (warnings included),
sorted; :func:`format_report` prints one line each, with the focus node's Chinese label.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from kg.errors import ShapesError, first_line, quiet
from kg.rdf.load import load_graph, read_turtle
from kg.rdf.ontology import DEFAULT_ONTOLOGY, load_vocabulary

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

    pySHACL runs a SHACL-SPARQL constraint once per focus node, with the same text and a
    different ``$this`` binding; rdflib would parse the text every time, and parsing, not
    evaluation, was three quarters of the seed graph's validation time.
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


def load_data(path: Path | str) -> Graph:
    """A graph file parsed straight into the graph :func:`validate` checks (no copy)."""
    return load_graph(path, _ParsedOnce())


def load_shapes(path: Path | str = DEFAULT_SHAPES) -> Graph:
    """Parse a SHACL shapes file (Turtle)."""
    graph = read_turtle(path, ShapesError, missing="no such shapes file; pass --shapes PATH to a SHACL Turtle file",
                        invalid="fix the file or restore it")
    if not any(predicate in SH for predicate in graph.predicates(unique=True)):
        raise ShapesError(f"{path}: no SHACL shapes in the file; pass --shapes PATH to a SHACL shapes file")
    return graph


def validate(data: Graph, shapes: Path = DEFAULT_SHAPES, ontology: Path = DEFAULT_ONTOLOGY) -> Report:
    """Validate ``data`` against the SHACL ``shapes``, with the ``ontology``'s class hierarchy.

    ``data`` is not changed. Raises :class:`~kg.errors.ShapesError` when the shapes file
    is missing, not Turtle, or not valid SHACL.
    """
    shapes_graph = load_shapes(shapes)
    if isinstance(data, _ParsedOnce):
        target = data
    else:
        target = _ParsedOnce()
        target += data
    try:
        with quiet("pyshacl-validate"):  # it logs each error before raising it; kg reports it once
            _, results, _ = pyshacl.validate(
                target, shacl_graph=shapes_graph, ont_graph=load_vocabulary(ontology).graph,
                inference="none", inplace=True,
            )
    except (ReportableRuntimeError, _QueryError) as error:
        raise ShapesError(f"{shapes}: not valid SHACL ({first_line(error)}); fix the shapes file") from None
    violations = (_violation(results, node, data, shapes_graph) for node in results.subjects(SH.resultSeverity))
    return Report(tuple(sorted(violations, key=_sort_key)))


def _sort_key(v: Violation) -> tuple[Any, ...]:
    return (_RANK[v.severity], v.shape, v.focus, v.path or "", v.value or "", v.message)


def _violation(results: Graph, node: Node, data: Graph, shapes: Graph) -> Violation:
    source = results.value(node, SH.sourceShape)
    # The shape's own messages: pySHACL drops their language tags on SHACL-SPARQL results.
    literals = list(shapes.objects(source, SH.message)) or list(results.objects(node, SH.resultMessage))
    messages = {m.language: str(m) for m in literals if isinstance(m, Literal)}
    message = messages.get("en") or next(iter(messages.values()), "")
    focus = results.value(node, SH.focusNode)
    value = results.value(node, SH.value)
    path = results.value(node, SH.resultPath)
    kind = source if isinstance(source, URIRef) else results.value(node, SH.sourceConstraintComponent)
    return Violation(
        severity=_SEVERITIES[results.value(node, SH.resultSeverity)],
        shape=_name(kind, shapes),
        focus=str(focus),
        label=_zh_label(data, focus),
        path=None if path is None else _path(results, shapes, path),
        value=None if value is None else (_zh_label(data, value) or _name(value, data, shapes)),
        message=message,
        message_zh=messages.get("zh", message),
    )


def _name(term: Node, *graphs: Graph) -> str:
    """``kg:locatedIn`` when one of the graphs binds a prefix for the term's namespace, else the term."""
    text = str(term)
    names = [(len(ns), f"{prefix}:{text[len(ns):]}") for graph in graphs for prefix, ns in graph.namespaces()
             if prefix and isinstance(term, URIRef) and text.startswith(ns)]
    return max(names)[1] if names else text


def _path(results: Graph, shapes: Graph, path: Node) -> str:
    if isinstance(path, BNode) and (inverse := results.value(path, SH.inversePath)) is not None:
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
