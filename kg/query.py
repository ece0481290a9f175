"""Load a graph file and run SPARQL over it; results as plain rows."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from rdflib import Graph

from kg.errors import GraphError, QueryError, first_line

__all__ = ["format_rows", "load_graph", "run_query"]


def load_graph(path: Path | str) -> Graph:
    path = Path(path)
    if not path.is_file():
        raise GraphError(f"{path}: no such graph file; run `kg build` first or give the path to a .ttl file")
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as error:  # rdflib raises parser-specific types
        raise GraphError(f"{path}: not valid Turtle ({first_line(error)}); rebuild it with `kg build`") from None
    return graph


def _read_query(query: str) -> str:
    path = Path(query)
    if query.endswith(".rq") or (len(query) < 256 and "\n" not in query and path.is_file()):
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            raise QueryError(f"{query}: cannot read the query file; check the path") from None
    return query


def run_query(graph: Graph, query: str) -> tuple[list[str], list[dict[str, str | None]]]:
    """Run a SELECT (or ASK) query given as text or a ``.rq`` file; returns (columns, rows)."""
    text = _read_query(query)
    try:
        result = graph.query(text)
    except Exception as error:  # pyparsing/rdflib errors
        raise QueryError(f"SPARQL query does not parse or run: {first_line(error)}") from None
    if result.type == "ASK":
        return ["ask"], [{"ask": str(bool(result.askAnswer)).lower()}]
    if result.type != "SELECT":
        raise QueryError("only SELECT and ASK queries print as tables; use a SELECT query")
    columns = [str(v) for v in result.vars]
    rows = []
    for row in result:
        rows.append({c: (None if row[c] is None else str(row[c])) for c in columns})
    return columns, rows


def format_rows(columns: list[str], rows: list[dict[str, str | None]], fmt: str = "table") -> str:
    """Render rows as an aligned table, JSON or CSV."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
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


