"""The SPARQL 1.1 Protocol, request side: what a request asks for, or the reply that refuses it.

Pure functions over the parts of an HTTP request (no sockets, no store), so the rules are
the same whichever server carries them: ``GET /sparql?query=…`` and ``POST /sparql``
(form-encoded or ``application/sparql-query``) give a :class:`Job`; updates are refused
(403), a missing or repeated query is 400, other paths 404. :func:`accepted` picks the
answer's media type from the ``Accept`` header (q-values; the first offer wins ties).

>>> job = parse_request("GET", "/sparql", b"query=ASK%20%7B%7D&default-graph-uri=urn:g", None, b"")
>>> job.query, job.default_graphs
('ASK {}', ['urn:g'])
>>> parse_request("POST", "/sparql", b"", "application/sparql-update", b"DROP ALL").status
403
>>> accepted("text/csv;q=0.5, application/sparql-results+xml", RESULT_TYPES)
'application/sparql-results+xml'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qs

__all__ = ["GRAPH_TYPES", "MAX_BODY", "RESULT_TYPES", "Job", "Reply", "accepted", "error", "parse_request"]

#: Media types for SELECT/ASK answers and for CONSTRUCT/DESCRIBE answers, preferred first.
RESULT_TYPES = ("application/sparql-results+json", "application/json", "application/sparql-results+xml",
                "application/xml", "text/csv", "text/tab-separated-values")
GRAPH_TYPES = ("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml")
MAX_BODY = 1 << 20
READ_ONLY = "this endpoint is read-only; rebuild with `kg build`"


@dataclass(frozen=True)
class Job:
    """One query to answer: its text, the client's Accept header and the dataset it names."""

    query: str
    accept: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Reply:
    """A whole (small) answer: status, media type, body and any extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def error(status: int, message: str, headers: Iterable[tuple[str, str]] = ()) -> Reply:
    """A plain-text reply of one line."""
    return Reply(int(status), "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), tuple(headers))


def accepted(header: str | None, offered: Iterable[str]) -> str | None:
    """The offered media type the Accept header likes best; ``None`` when it likes none."""
    offered = list(offered)
    if not header:
        return offered[0]
    best, best_q = None, 0.0
    for part in header.split(","):
        media, *options = (x.strip() for x in part.split(";"))
        q = 1.0
        for option in options:
            key, _, value = option.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.lower()
        kind, _, sub = media.partition("/")
        for candidate in offered:
            if media == candidate or (kind == "*" and sub == "*") or (kind == candidate.partition("/")[0] and sub == "*"):
                if q > best_q:
                    best, best_q = candidate, q
                break
    return best


def _job(fields: dict[str, list[str]], accept: str | None, body_query: str | None = None) -> Job | Reply:
    if "update" in fields:
        return error(HTTPStatus.FORBIDDEN, READ_ONLY)
    queries = fields.get("query", []) + ([body_query] if body_query is not None else [])
    if len(queries) != 1:
        return error(HTTPStatus.BAD_REQUEST, "give exactly one query (the 'query' parameter)")
    return Job(queries[0], accept, fields.get("default-graph-uri", []), fields.get("named-graph-uri", []))


def parse_request(method: str, path: str, query_string: bytes, content_type: str | None, body: bytes,
                  accept: str | None = None) -> Job | Reply:
    """What a request to ``/sparql`` asks for (a :class:`Job`), or the :class:`Reply` that refuses it."""
    if path != "/sparql":
        return error(HTTPStatus.NOT_FOUND, "not found; the endpoint is /sparql and the query page is /")
    fields = parse_qs(query_string.decode("utf-8", errors="replace"))
    if method == "GET":
        return _job(fields, accept)
    if method != "POST":
        return error(HTTPStatus.METHOD_NOT_ALLOWED, "use GET or POST", [("Allow", "GET, POST")])
    if len(body) > MAX_BODY:
        return error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "query too large")
    text = body.decode("utf-8", errors="replace")
    media = (content_type or "").split(";")[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        for key, values in parse_qs(text).items():
            fields.setdefault(key, []).extend(values)
        return _job(fields, accept)
    if media == "application/sparql-query":
        return _job(fields, accept, text)
    if media == "application/sparql-update":
        return error(HTTPStatus.FORBIDDEN, READ_ONLY)
    return error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "POST application/x-www-form-urlencoded or application/sparql-query")
