"""A read-only SPARQL 1.1 Protocol endpoint over the store, plus a small query page.

``GET /sparql?query=…`` and ``POST /sparql`` (form-encoded or ``application/sparql-query``)
answer with the format the ``Accept`` header asks for: SPARQL results as JSON, XML, CSV
or TSV for SELECT and ASK; Turtle, N-Triples, RDF/XML or JSON-LD for CONSTRUCT and
DESCRIBE. Updates are refused (403). A malformed query gets 400 with the parser's
message; a query that runs longer than the timeout is stopped and gets 503.

Each query runs in a child process that opens the store read-only, so a runaway query
can be killed without harming the server, and a rebuilt store is seen by the next query.
"""

from __future__ import annotations

import html
import multiprocessing
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg.errors import StoreError
from kg.rdf.ontology import load_vocabulary
from kg.store.database import UNION, open_store
from kg.store.named_queries import list_named

__all__ = ["RESULT_TYPES", "GRAPH_TYPES", "Endpoint", "make_server"]

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
_MAX_BODY = 1 << 20


def _accepted(header: str | None, offered: dict[str, object]) -> str | None:
    """The offered media type the Accept header likes best (q-values; first offer on ties)."""
    if not header:
        return next(iter(offered))
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
        kind, _, sub = media.lower().partition("/")
        for candidate in offered:
            c_kind, _, c_sub = candidate.partition("/")
            if media.lower() == candidate or (kind == "*" and sub == "*") or (kind == c_kind and sub == "*"):
                if q > best_q:
                    best, best_q = candidate, q
                break
    return best


@dataclass(frozen=True)
class _Reply:
    status: int
    content_type: str
    body: bytes


def _error(status: HTTPStatus, message: str) -> _Reply:
    return _Reply(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


def _run(store_path: str, query: str, accept: str | None, default_graphs: list[str], named_graphs: list[str],
         prefixes: dict[str, str]) -> _Reply:
    """Open the store read-only, run one query, serialise the answer as negotiated."""
    try:
        store = open_store(store_path)
    except StoreError as error:
        return _error(HTTPStatus.SERVICE_UNAVAILABLE, str(error))
    options = {} if default_graphs else dict(UNION)
    if default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    if named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    try:
        result = store.query(query, prefixes=prefixes, **options)
    except SyntaxError as error:
        return _error(HTTPStatus.BAD_REQUEST, f"malformed query: {error}")
    except (ValueError, OSError, RuntimeError) as error:
        return _error(HTTPStatus.BAD_REQUEST, f"query cannot run: {error}")
    if isinstance(result, ox.QueryTriples):
        media = _accepted(accept, GRAPH_TYPES)
        if media is None:
            return _error(HTTPStatus.NOT_ACCEPTABLE, "CONSTRUCT/DESCRIBE answers as " + ", ".join(GRAPH_TYPES))
        body = ox.serialize(result, format=GRAPH_TYPES[media], prefixes=prefixes)
        return _Reply(HTTPStatus.OK, f"{media}; charset=utf-8", body)
    media = _accepted(accept, RESULT_TYPES)
    if media is None:
        return _error(HTTPStatus.NOT_ACCEPTABLE, "SELECT/ASK answers as " + ", ".join(RESULT_TYPES))
    if isinstance(result, bool):
        result = ox.QueryBoolean(result)
    body = result.serialize(format=RESULT_TYPES[media])
    return _Reply(HTTPStatus.OK, f"{media}; charset=utf-8", body)


def _child(connection, *args) -> None:
    connection.send(_run(*args))
    connection.close()


class Endpoint:
    """Runs each query in a child process, with a time limit and a cap on parallel queries."""

    def __init__(self, store_path: Path | str, *, timeout: float = 30.0, workers: int = 4) -> None:
        open_store(store_path)  # fail now, with a clear line, if there is no store
        self.store_path = str(store_path)
        self.timeout = timeout
        self.prefixes = load_vocabulary().prefixes
        self._slots = threading.BoundedSemaphore(workers)
        self._context = multiprocessing.get_context("fork")

    def answer(self, query: str, accept: str | None, default_graphs: list[str], named_graphs: list[str]) -> _Reply:
        with self._slots:
            receive, send = self._context.Pipe(duplex=False)
            process = self._context.Process(
                target=_child,
                args=(send, self.store_path, query, accept, default_graphs, named_graphs, self.prefixes),
                daemon=True,
            )
            process.start()
            send.close()
            try:
                if receive.poll(self.timeout):
                    return receive.recv()
                return _error(HTTPStatus.SERVICE_UNAVAILABLE,
                              f"query stopped after {self.timeout:g} s; make it more selective or add a LIMIT")
            except EOFError:
                return _error(HTTPStatus.INTERNAL_SERVER_ERROR, "the query process ended without an answer")
            finally:
                receive.close()
                if process.is_alive():
                    process.kill()
                process.join()


def _page() -> bytes:
    examples = [
        ("地点层级 · places under 林芝市",
         "SELECT ?name ?level WHERE {\n  ?top rdfs:label \"林芝市\"@zh .\n  ?x kg:locatedIn+ ?top ; "
         "rdfs:label ?name .\n  OPTIONAL { ?x kg:placeLevel ?level }\n} ORDER BY ?level ?name"),
        ("项目与实施者 · who carries out what",
         "SELECT ?doer ?programme WHERE {\n  ?d kg:carriesOut ?p ; rdfs:label ?doer .\n  ?p rdfs:label ?programme .\n}"
         " ORDER BY ?programme"),
        ("各类实体数量 · entities per class",
         "SELECT ?class (COUNT(?x) AS ?n) WHERE {\n  ?x a ?c . ?c rdfs:subClassOf* kg:Entity ; rdfs:label ?class .\n"
         "  FILTER(LANG(?class) = \"zh\")\n} GROUP BY ?class ORDER BY DESC(?n)"),
    ]
    named = [(f"{q.name} · {q.title}", q.text) for q in list_named() if not q.params]
    options = "".join(f'<option value="{html.escape(text)}">{html.escape(title)}</option>'
                      for title, text in examples + named)
    return _PAGE.replace("{options}", options).replace("{first}", html.escape(examples[0][1])).encode("utf-8")


_PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>kg SPARQL</title>
<style>
body{font-family:"Noto Sans CJK SC","Noto Sans SC",sans-serif;margin:2em;max-width:70em}
textarea{width:100%;height:12em;font-family:monospace;font-size:14px}
table{border-collapse:collapse;margin-top:1em}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left}
th{background:#f3f3f3}#status{color:#555;margin-left:1em}.error{color:#b00020;white-space:pre-wrap}
</style></head><body>
<h1>kg · SPARQL</h1>
<p>Prefixes <code>kg: rdfs: skos: rdf: xsd: owl:</code> are bound. Endpoint: <code>/sparql</code>
(GET or POST, SPARQL 1.1 Protocol, read-only).</p>
<p><label>例子 Examples <select id="examples">{options}</select></label></p>
<form id="form"><textarea id="query" name="query">{first}</textarea><br>
<button type="submit">运行 Run</button><span id="status"></span></form>
<div id="result"></div>
<script>
const examples = document.getElementById("examples");
examples.addEventListener("change", () => { document.getElementById("query").value = examples.value; });
document.getElementById("form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const status = document.getElementById("status"), result = document.getElementById("result");
  status.textContent = "…"; result.textContent = "";
  const started = performance.now();
  const response = await fetch("sparql", {method: "POST",
    headers: {"Content-Type": "application/x-www-form-urlencoded",
              "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
    body: new URLSearchParams({query: document.getElementById("query").value})});
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok) {
    const p = document.createElement("p"); p.className = "error"; p.textContent = await response.text();
    result.appendChild(p); status.textContent = response.status + " · " + seconds + " s"; return;
  }
  if (!type.startsWith("application/sparql-results+json")) {
    const pre = document.createElement("pre"); pre.textContent = await response.text();
    result.appendChild(pre); status.textContent = seconds + " s"; return;
  }
  const data = await response.json();
  if ("boolean" in data) { result.textContent = String(data.boolean); status.textContent = seconds + " s"; return; }
  const table = document.createElement("table"), head = table.insertRow();
  for (const v of data.head.vars) { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); }
  for (const b of data.results.bindings) {
    const row = table.insertRow();
    for (const v of data.head.vars) { row.insertCell().textContent = b[v] ? b[v].value : ""; }
  }
  result.appendChild(table);
  status.textContent = data.results.bindings.length + " rows · " + seconds + " s";
});
</script></body></html>
"""


class _Handler(BaseHTTPRequestHandler):
    endpoint: Endpoint
    server_version = "kg"

    def log_message(self, format: str, *args) -> None:  # quiet: one line per request on stderr is noise
        return

    def _send(self, reply: _Reply, head_only: bool = False) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Vary", "Accept")
        self.end_headers()
        if not head_only:
            self.wfile.write(reply.body)

    def _dispatch(self, fields: dict[str, list[str]], body_query: str | None = None) -> None:
        if "update" in fields:
            self._send(_error(HTTPStatus.FORBIDDEN, "this endpoint is read-only; rebuild with `kg build`"))
            return
        queries = fields.get("query", []) + ([body_query] if body_query is not None else [])
        if len(queries) != 1:
            self._send(_error(HTTPStatus.BAD_REQUEST, "give exactly one query (the 'query' parameter)"))
            return
        self._send(self.endpoint.answer(queries[0], self.headers.get("Accept"),
                                        fields.get("default-graph-uri", []), fields.get("named-graph-uri", [])))

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/":
            self._send(_Reply(HTTPStatus.OK, "text/html; charset=utf-8", _page()))
        elif url.path == "/sparql":
            self._dispatch(parse_qs(url.query))
        else:
            self._send(_error(HTTPStatus.NOT_FOUND, "not found; the endpoint is /sparql and the query page is /"))

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/sparql":
            self._send(_error(HTTPStatus.NOT_FOUND, "not found; POST queries to /sparql"))
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            self._send(_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "query too large"))
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        fields = parse_qs(url.query)
        if media == "application/x-www-form-urlencoded":
            for key, values in parse_qs(body).items():
                fields.setdefault(key, []).extend(values)
            self._dispatch(fields)
        elif media == "application/sparql-query":
            self._dispatch(fields, body)
        elif media == "application/sparql-update":
            self._send(_error(HTTPStatus.FORBIDDEN, "this endpoint is read-only; rebuild with `kg build`"))
        else:
            self._send(_error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                              "POST application/x-www-form-urlencoded or application/sparql-query"))


def make_server(store_path: Path | str, host: str = "127.0.0.1", port: int = 7878, *,
                timeout: float = 30.0) -> ThreadingHTTPServer:
    """An HTTP server for the store; call ``serve_forever()`` on it."""
    handler = type("Handler", (_Handler,), {"endpoint": Endpoint(store_path, timeout=timeout)})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
