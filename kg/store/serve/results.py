"""SPARQL query results (SELECT), written one row at a time: JSON, XML, CSV and TSV.

Oxigraph serialises a whole answer at once; the endpoint writes it row by row instead, so
it can stream the answer, count its rows and stop at the row limit. The output follows the
W3C formats as Oxigraph writes them (compact JSON, XML without whitespace, CSV with CRLF,
TSV with terms in N-Triples syntax).

>>> import pyoxigraph as ox
>>> fmt = FORMATS["text/csv"]
>>> fmt.head(["name"]) + fmt.row_writer(["name"])([ox.Literal("林芝市", language="zh")])
b'name\\r\\n\\xe6\\x9e\\x97\\xe8\\x8a\\x9d\\xe5\\xb8\\x82\\r\\n'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

__all__ = ["FORMATS", "ResultFormat"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
_STRING = "http://www.w3.org/2001/XMLSchema#string"
_XML_NS = "http://www.w3.org/2005/sparql-results#"


@dataclass(frozen=True)
class ResultFormat:
    """How one format writes its head, each row (rows joined by ``separator``) and its tail."""

    head: Callable[[Sequence[str]], bytes]
    row_writer: Callable[[Sequence[str]], Callable[[Sequence[Term | None]], bytes]]
    tail: bytes
    separator: bytes = b""


def _json_term(term: Term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        found = {"type": "literal", "value": term.value}
        if term.language:
            found["xml:lang"] = term.language
        elif term.datatype.value != _STRING:
            found["datatype"] = term.datatype.value
        return found
    return {"type": "triple", "value": {"subject": _json_term(term.subject), "predicate": _json_term(term.predicate),
                                        "object": _json_term(term.object)}}


def _json_rows(names: Sequence[str]) -> Callable[[Sequence[Term | None]], bytes]:
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def row(values: Sequence[Term | None]) -> bytes:
        return dumps({n: _json_term(v) for n, v in zip(names, values) if v is not None}).encode("utf-8")

    return row


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f'<literal xml:lang="{_escape(term.language)}">{_escape(term.value)}</literal>'
        if term.datatype.value != _STRING:
            return f'<literal datatype="{_escape(term.datatype.value)}">{_escape(term.value)}</literal>'
        return f"<literal>{_escape(term.value)}</literal>"
    return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>")


def _xml_rows(names: Sequence[str]) -> Callable[[Sequence[Term | None]], bytes]:
    opening = [f'<binding name="{_escape(n)}">' for n in names]

    def row(values: Sequence[Term | None]) -> bytes:
        cells = "".join(o + _xml_term(v) + "</binding>" for o, v in zip(opening, values) if v is not None)
        return f"<result>{cells}</result>".encode("utf-8")

    return row


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    text = f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(term) if isinstance(term, ox.Triple) \
        else term.value
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_rows(names: Sequence[str]) -> Callable[[Sequence[Term | None]], bytes]:
    return lambda values: (",".join(_csv_value(v) for v in values) + "\r\n").encode("utf-8")


def _tsv_rows(names: Sequence[str]) -> Callable[[Sequence[Term | None]], bytes]:
    return lambda values: ("\t".join("" if v is None else str(v) for v in values) + "\n").encode("utf-8")


#: The writer for each SELECT media type the endpoint offers (:data:`kg.store.serve.protocol.RESULT_TYPES`).
FORMATS: dict[str, ResultFormat] = {}
FORMATS["application/sparql-results+json"] = FORMATS["application/json"] = ResultFormat(
    head=lambda names: ('{"head":{"vars":' + json.dumps(list(names), ensure_ascii=False, separators=(",", ":"))
                        + '},"results":{"bindings":[').encode("utf-8"),
    row_writer=_json_rows, tail=b"]}}", separator=b",")
FORMATS["application/sparql-results+xml"] = FORMATS["application/xml"] = ResultFormat(
    head=lambda names: (f'<?xml version="1.0"?><sparql xmlns="{_XML_NS}"><head>'
                        + "".join(f'<variable name="{_escape(n)}"/>' for n in names)
                        + "</head><results>").encode("utf-8"),
    row_writer=_xml_rows, tail=b"</results></sparql>")
FORMATS["text/csv"] = ResultFormat(head=lambda names: (",".join(names) + "\r\n").encode("utf-8"),
                                   row_writer=_csv_rows, tail=b"")
FORMATS["text/tab-separated-values"] = ResultFormat(
    head=lambda names: ("\t".join("?" + n for n in names) + "\n").encode("utf-8"), row_writer=_tsv_rows, tail=b"")
