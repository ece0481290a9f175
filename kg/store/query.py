"""Run SPARQL over the embedded store (the default) or over a graph file; results as rows.

Queries against the store see the merged graph as their default graph (each triple
once; ``GRAPH ?g`` reaches the per-article graphs), and the prefixes the ontology declares (``kg:``, ``rdfs:``, ``skos:`` …) are bound.
Parameters are bound to variables as RDF terms (:mod:`kg.store.named_queries`), never pasted in.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import XSD, Graph, Literal, URIRef

from kg.errors import QueryError, first_line, short_message, shorten
from kg.rdf.ontology import load_vocabulary
from kg.store.database import UNION

__all__ = ["Answer", "format_rows", "run_query"]

Bindings = Mapping[str, URIRef | Literal]


@dataclass
class Answer:
    """A query's answer: a table (SELECT, ASK) or a graph as Turtle (CONSTRUCT, DESCRIBE)."""

    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, str | None]] = field(default_factory=list)
    turtle: str | None = None


def _read_query(query: str) -> str:
    path = Path(query)
    if query.endswith(".rq") or (len(query) < 256 and "\n" not in query and path.is_file()):
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            raise QueryError(f"{query}: cannot read the query file; check the path") from None
    return query


def _ox_term(term: URIRef | Literal) -> ox.NamedNode | ox.Literal:
    """An rdflib term as Oxigraph's."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))


def _query_store(store: ox.Store, text: str, bindings: Bindings) -> Answer:
    try:
        result = store.query(text, prefixes=load_vocabulary().prefixes, **UNION,
                             substitutions={ox.Variable(k): _ox_term(v) for k, v in bindings.items()})
    except (SyntaxError, ValueError, OSError) as error:
        raise QueryError(f"SPARQL query does not parse or run: {_problem(error)}; fix the query") from None
    if isinstance(result, bool):
        return Answer(["ask"], [{"ask": str(result).lower()}])
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        rows = [{c: (None if row[c] is None else row[c].value) for c in columns} for row in result]
        return Answer(columns, rows)
    data = ox.serialize(result, format=ox.RdfFormat.TURTLE, prefixes=load_vocabulary().prefixes)
    return Answer(turtle=data.decode("utf-8"))


def _problem(error: Exception) -> str:
    """Oxigraph's complaint in a few words: where, and the first tokens it expected (not its character classes).

    >>> _problem(SyntaxError("error at 1:22: expected one of \\"!\\", \\"$\\", ['A' ..= 'Z']"))
    'line 1, column 22: expected one of "!", "$", …'
    """
    found = re.match(r"error at (\d+):(\d+): (.*)", str(error), re.DOTALL)
    if not found:
        return short_message(error)
    said = found[3]
    if "Prefix not found" in said:
        said = "a prefix that is not declared (add a PREFIX line)"
    elif "[" in said:
        said = said[: said.index("[")].rstrip(" ,") + ", …"
    return f"line {found[1]}, column {found[2]}: {shorten(' '.join(said.split()), 120)}"


def _query_graph(graph: Graph, text: str, bindings: Bindings) -> Answer:
    try:
        result = graph.query(text, initBindings=dict(bindings))
    except Exception as error:  # pyparsing/rdflib errors
        raise QueryError(f"SPARQL query does not parse or run: {first_line(error)}") from None
    if result.type == "ASK":
        return Answer(["ask"], [{"ask": str(bool(result.askAnswer)).lower()}])
    if result.type != "SELECT":
        return Answer(turtle=result.graph.serialize(format="turtle"))
    columns = [str(v) for v in result.vars]
    return Answer(columns, [{c: (None if row[c] is None else str(row[c])) for c in columns} for row in result])


def run_query(source: Graph | ox.Store, query: str, bindings: Bindings | None = None) -> Answer:
    """Run a query given as text or a ``.rq`` file against the store or an rdflib graph.

    ``bindings`` maps variable names to RDF terms (:meth:`kg.named.NamedQuery.values`).
    SELECT and ASK fill ``columns`` and ``rows``; CONSTRUCT and DESCRIBE fill ``turtle``.
    """
    text = _read_query(query)
    if isinstance(source, ox.Store):
        return _query_store(source, text, bindings or {})
    return _query_graph(source, text, bindings or {})


def format_rows(columns: list[str], rows: list[dict[str, str | None]], fmt: str = "table") -> str:
    """Render rows as an aligned table, JSON or CSV."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n",
                                delimiter="," if fmt == "csv" else "\t")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue().rstrip("\n")
    cells = [[c for c in columns]] + [["" if r[c] is None else r[c] for c in columns] for r in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(columns))]
    lines = ["  ".join(_pad(v, w) for v, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


