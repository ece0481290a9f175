"""kg push: the Graph Store Protocol against a real Virtuoso, and one-line errors without one.

The Virtuoso tests start their own server (tests/virtuoso.py) and are skipped, with the
reason printed, when ``virtuoso-t`` is not installed.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from rdflib import RDFS, Graph

from kg.cli import cli
from kg.errors import PushError
from kg.merge import merge
from kg.rdf.dataset import dataset
from kg.rdf.iris import Minter
from kg.store.database import graph_ntriples, open_store, store_path
from kg.store.named_queries import list_named, load_named
from kg.store.push import push
from kg.store.query import run_query
from tests.conftest import ROOT
from tests.virtuoso import PASSWORD, USER, free_port, virtuoso_select, with_values

DOC = str(Minter().document("a"))
_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
ONE_GRAPH = [(DOC, f'<{DOC}> <{RDFS.label}> "林芝市"@zh .\n'.encode())]


def read_graphs(out) -> list[tuple[str, bytes]]:
    """Every named graph of the store, as sorted N-Triples, by IRI."""
    store = open_store(store_path(out))
    return [(iri, graph_ntriples(store, iri)) for iri in sorted(g.value for g in store.named_graphs())]


@pytest.fixture(scope="module")
def graphs(seed_build):
    return read_graphs(seed_build[1])


@pytest.fixture(scope="module")
def pushed(virtuoso, seed_build, graphs):
    """The seed graphs pushed once with the command line (password from the environment)."""
    result = CliRunner().invoke(cli, ["push", virtuoso.gsp_url, "-o", str(seed_build[1]), "--user", USER],
                                env={"KG_PUSH_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def union(graphs):
    """What the pushed graphs hold, merged: the reference the store's answers are checked against."""
    graph = Graph()
    for _, data in graphs:
        graph.parse(data=data, format="nt")
    return graph


def _prefixes(vocab) -> str:
    return "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in vocab.graph.namespaces() if prefix)


def _count(virtuoso, iri: str) -> int:
    rows = virtuoso_select(virtuoso.base_url, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
    return int(rows[0]["n"])


# --- the graphs that travel ------------------------------------------------------------------

def test_the_store_holds_the_graphs_of_the_articles_entities_and_ontology(seed_build, vocab, graphs):
    result, _ = seed_build
    built = dataset(merge(result.extractions()), vocab, Minter()).graphs
    assert [iri for iri, _ in graphs] == list(built)
    documents = {str(Minter().document(doc_id)) for doc_id in result.documents}
    assert {iri for iri, _ in graphs if "/doc/" in iri} == documents and str(vocab.iri) in built
    for iri, data in graphs:
        assert data.endswith(b"\n") and data.splitlines() == sorted(set(data.splitlines()))
        assert _by_value(data) == _by_value(built[iri]), iri


def _by_value(ntriples: bytes) -> set:
    """Triples with numbers compared by value (Oxigraph writes decimals canonically: 650, not 650.0)."""
    return {(s, p, o.toPython() if isinstance(o.toPython(), Decimal) else o)
            for s, p, o in Graph().parse(data=ntriples, format="nt")}


# --- against Virtuoso -----------------------------------------------------------------------

def test_push_makes_one_named_graph_per_article(virtuoso, pushed, graphs, vocab):
    sent = sum(len(data.splitlines()) for _, data in graphs)
    assert pushed.output.startswith(f"pushed {len(graphs)} graphs, {sent} triples to {virtuoso.gsp_url} in ")
    for iri, data in graphs:
        assert _count(virtuoso, iri) == len(data.splitlines()), iri
    rows = virtuoso_select(virtuoso.base_url, _prefixes(vocab) + "SELECT DISTINCT ?g ?d WHERE { GRAPH ?g { ?d a kg:Document } }")
    assert sorted((row["g"], row["d"]) for row in rows) == sorted((iri, iri) for iri, _ in graphs if "/doc/" in iri)


def test_chinese_labels_round_trip(virtuoso, pushed, union, vocab):
    query = _prefixes(vocab) + """SELECT DISTINCT ?x ?label (LANG(?label) AS ?lang) WHERE {
        ?x a kg:Place ; rdfs:label ?label ; skos:altLabel|rdfs:label "林芝市"@zh }"""
    rows = virtuoso_select(virtuoso.base_url, query)
    assert [(row["label"], row["lang"]) for row in rows] == [("林芝市", "zh")]
    assert [(str(x), str(label)) for x, label, _ in union.query(query)] == [(rows[0]["x"], "林芝市")]


SAME_ANSWERS = {
    "places in 林芝市 at any depth": """SELECT DISTINCT ?x ?name WHERE {
        ?x kg:locatedIn+ ?c . ?c rdfs:label "林芝市"@zh . ?x rdfs:label ?name }""",
    "statements": "SELECT (COUNT(DISTINCT ?st) AS ?n) WHERE { ?st a kg:Statement }",
    "entities per class": """SELECT ?cls (COUNT(DISTINCT ?x) AS ?n) WHERE {
        ?x a ?cls ; kg:inDocument|^kg:mentions ?doc } GROUP BY ?cls""",
    "who carries out what": """SELECT DISTINCT ?doer ?programme WHERE {
        ?d kg:carriesOut ?p . ?d rdfs:label ?doer . ?p rdfs:label ?programme }""",
    "evidence of a statement": """SELECT DISTINCT ?text ?file WHERE {
        ?st a kg:Statement ; rdf:subject/rdfs:label "山南市"@zh ; rdf:predicate kg:carriesOut ;
            kg:evidence ?s ; kg:inDocument ?doc . ?s kg:text ?text . ?doc kg:sourceFile ?file }""",
    "figures": """SELECT DISTINCT ?measure ?value ?unit ?period WHERE {
        ?o a kg:Observation ; kg:measure/rdfs:label ?measure ; kg:value ?value ; kg:unit ?unit
        OPTIONAL { ?o kg:period ?period } }""",
    "people and their roles": """SELECT DISTINCT ?person ?role ?org WHERE {
        ?p kg:holdsPosition ?pos ; rdfs:label ?person . ?pos kg:role/rdfs:label ?role
        OPTIONAL { ?pos kg:organization/rdfs:label ?org } }""",
}


def _row(row: dict) -> tuple[tuple[str, str], ...]:
    """A row to compare across stores, numbers by value: Virtuoso answers with canonical numbers
    (``"50000000000.0"^^xsd:decimal`` comes back as 50000000000), rdflib with the lexical form."""
    return tuple(sorted((str(k), format(Decimal(str(v)).normalize(), "f") if _NUMBER.fullmatch(str(v)) else str(v))
                        for k, v in row.items()))


@pytest.mark.parametrize("name", sorted(SAME_ANSWERS))
def test_same_answers_as_rdflib(virtuoso, pushed, union, vocab, name):
    query = _prefixes(vocab) + SAME_ANSWERS[name]
    expected = sorted(_row(row.asdict()) for row in union.query(query))
    actual = sorted(_row(row) for row in virtuoso_select(virtuoso.base_url, query))
    assert expected, "the query should find something in the seed graph"
    assert actual == expected


def test_pushing_replaces_each_graph_so_twice_leaves_the_same_data(virtuoso, pushed, graphs):
    iri, data = graphs[0]
    half = b"".join(line + b"\n" for line in data.splitlines()[::2])
    try:
        for _ in range(2):  # an appending server would keep the whole graph, or double nothing
            result = push([(iri, half)], virtuoso.gsp_url, user=USER, password=PASSWORD)
            assert result.graphs == 1 and result.triples == len(half.splitlines())
            assert _count(virtuoso, iri) == len(half.splitlines()) < len(data.splitlines())
    finally:
        push([(iri, data)], virtuoso.gsp_url, user=USER, password=PASSWORD)
    assert _count(virtuoso, iri) == len(data.splitlines())
    before = {i: _count(virtuoso, i) for i, _ in graphs}
    again = push(graphs, virtuoso.gsp_url, user=USER, password=PASSWORD)
    assert again.triples == sum(before.values()) and {i: _count(virtuoso, i) for i, _ in graphs} == before


@pytest.mark.parametrize(("endpoint", "credentials", "message"), [
    ("/sparql-graph-crud-auth", [], "refused the upload (HTTP 401); give --user and --password"),
    ("/sparql-graph-crud-auth", ["--user", USER, "--password", "wrong"],
     "refused the upload (HTTP 401); check --user and --password"),
    ("/sparql-graph-crud", [], "refused the upload (HTTP 403: "),
])
def test_virtuoso_refusal_is_one_line(virtuoso, seed_build, endpoint, credentials, message):
    url = virtuoso.base_url + endpoint
    result = CliRunner().invoke(cli, ["push", url, "-o", str(seed_build[1]), "--all", *credentials])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"kg: error: {url} {message}") and result.stderr.count("\n") == 1, result.stderr


# --- without Virtuoso: a stand-in server that answers what each test needs -------------------

Answer = Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes]]


class _Handler(BaseHTTPRequestHandler):
    def do_PUT(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests.append((self.path, dict(self.headers), body))  # type: ignore[attr-defined]
        status, headers, content = self.server.answer(self)  # type: ignore[attr-defined]
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(content))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(content)

    do_DELETE = do_PUT  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (the timeout test) is not news


@contextmanager
def serving(answer: Answer) -> Iterator[tuple[str, list]]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.answer, server.requests = answer, []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/store?x=1", server.requests  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


def test_push_sends_one_put_per_graph(graphs):
    with serving(lambda handler: (201, {}, b"")) as (url, requests):
        result = push(graphs, url, graph_param="graph-uri")
    assert result.graphs == len(graphs) == len(requests)
    assert result.bytes == sum(len(data) for _, data in graphs)
    requests = sorted(requests, key=lambda request: parse_qs(urlsplit(request[0]).query)["graph-uri"][0])
    for (iri, data), (path, headers, body) in zip(graphs, requests):
        parts = urlsplit(path)
        assert parts.path == "/store" and parse_qs(parts.query) == {"x": ["1"], "graph-uri": [iri]}
        assert headers["Content-Type"] == "application/n-triples" and "Authorization" not in headers
        assert body == data


def test_push_deletes_the_graphs_it_is_told_to_first(graphs):
    gone = str(Minter().document("removed"))

    def answer(handler):
        return (404 if "missing" in handler.path else 204 if handler.command == "DELETE" else 201), {}, b""

    with serving(answer) as (url, requests):
        result = push(graphs[:1], url, delete=[gone, str(Minter().document("missing"))])
    assert [(parse_qs(urlsplit(path).query)["graph"][0]) for path, _, _ in requests] == [
        str(Minter().document("missing")), gone, graphs[0][0]]
    assert result.deleted == 1 and result.graphs == 1


def test_push_answers_a_basic_challenge():
    token = "Basic " + base64.b64encode(b"user:pw").decode()

    def answer(handler):
        if handler.headers.get("Authorization") == token:
            return 201, {}, b""
        return 401, {"WWW-Authenticate": 'Basic realm="store"'}, b""

    with serving(answer) as (url, requests):
        result = push(ONE_GRAPH * 3, url, user="user", password="pw")
    assert result.graphs == 3
    sent = [headers.get("Authorization") for _, headers, _ in requests]
    assert sent == [None, token, token, token]  # asked once, then sent straight away


@pytest.mark.parametrize(("status", "headers", "body", "message"), [
    (401, {"WWW-Authenticate": 'Basic realm="x"'}, b"", "refused the upload (HTTP 401); give --user and --password"),
    (403, {"Content-Type": "text/plain"}, b"not allowed\nsecond line",
     "refused the upload (HTTP 403: not allowed); give --user and --password"),
    (500, {"Content-Type": "text/plain"}, "存储已满\ntrace".encode(),
     f"answered HTTP 500 to PUT graph <{DOC}>: 存储已满"),
    (400, {"Content-Type": "text/html"},
     b"<html><head><title>t</title></head><body><h1>Bad</h1><p>line 3: bad &amp; worse</p></body></html>",
     f"answered HTTP 400 to PUT graph <{DOC}>: Bad · line 3: bad & worse"),
    (404, {}, b"", f"answered HTTP 404 to PUT graph <{DOC}>: Not Found"),
])
def test_error_answers_are_one_line(status, headers, body, message):
    with serving(lambda handler: (status, headers, body)) as (url, _), pytest.raises(PushError) as caught:
        push(ONE_GRAPH, url)
    assert str(caught.value) == f"{url} {message}"


def test_unreachable_target_is_one_line(seed_build):
    url = f"http://127.0.0.1:{free_port()}/store"
    result = CliRunner().invoke(cli, ["push", url, "-o", str(seed_build[1])])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"kg: error: cannot reach {url} (") and result.stderr.count("\n") == 1
    assert result.stderr.rstrip().endswith("is the server running?")


def test_slow_target_times_out():
    def answer(handler):
        time.sleep(1.5)
        return 201, {}, b""

    with serving(answer) as (url, _), pytest.raises(PushError, match=r"no answer within 0\.3 s"):
        push(ONE_GRAPH, url, timeout=0.3)


@pytest.mark.parametrize(("args", "message"), [
    (["ftp://example.org/store"], "ftp://example.org/store: not an http(s) URL"),
    (["http://127.0.0.1:9/store", "--user", "dba"], "give both --user and --password"),
    (["http://127.0.0.1:9/store", "-o", "nowhere"], "nowhere/store: no kg store here"),
])
def test_bad_arguments_are_one_line(seed_build, args, message):
    if "-o" not in args:
        args = [*args, "-o", str(seed_build[1])]
    result = CliRunner().invoke(cli, ["push", *args], env={"KG_PUSH_PASSWORD": None})
    assert result.exit_code == 1
    assert result.stderr.startswith(f"kg: error: {message}") and result.stderr.count("\n") == 1, result.stderr


def test_push_has_help_and_is_documented():
    assert cli.commands["push"].help
    assert "| `kg push URL" in (ROOT / "README.md").read_text(encoding="utf-8")


# --- the named queries give the same answers in Virtuoso as in the embedded store -------------

@pytest.mark.parametrize("name", [q.name for q in list_named()])
def test_named_queries_answer_the_same_in_virtuoso(virtuoso, pushed, seed_build, name):
    named = load_named(name)
    bindings = named.values({p.name: p.example for p in named.params})
    embedded = run_query(open_store(store_path(seed_build[1])), named.text, bindings).rows
    remote = virtuoso_select(virtuoso.base_url, with_values(named.text, bindings))
    assert embedded, f"{name} answers nothing on the seed graph"
    assert sorted(map(_comparable, remote)) == sorted(map(_comparable, embedded))


def _comparable(row: dict) -> tuple:
    """Bound values only; booleans as Virtuoso writes them (it stores xsd:boolean as 0 or 1)."""
    return _row({k: {"true": "1", "false": "0"}.get(v, v) for k, v in row.items() if v is not None})


def test_pushing_after_an_article_was_removed_deletes_its_graph(virtuoso, tmp_path):
    from kg.build import build
    from tests.conftest import SEEDS

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    first, second = sorted(SEEDS.glob("*.txt"))[3:5]
    for seed in (first, second):
        (corpus / seed.name).write_bytes(seed.read_bytes())
    out = tmp_path / "out"
    base = "https://example.org/prune-test/"  # its own IRIs: the seed graphs other tests pushed stay as they are
    build([corpus], out, base=base)
    runner = CliRunner()
    args = ["push", virtuoso.gsp_url, "-o", str(out), "--user", USER, "--password", PASSWORD]
    assert runner.invoke(cli, args).exit_code == 0
    removed = str(Minter(base).document(second.stem))
    assert _count(virtuoso, removed) > 0
    (corpus / second.name).unlink()
    build([corpus], out, base=base)
    result = runner.invoke(cli, args)
    assert result.exit_code == 0 and "graphs the build no longer has" in result.output
    assert _count(virtuoso, removed) == 0
    assert _count(virtuoso, str(Minter(base).document(first.stem))) > 0


# --- pushing what changed, several at a time, and finishing a push that failed half-way ------

class _Recorder:
    """Answers 201 to every request (500 once ``fail_after`` have been taken); counts what is in flight."""

    def __init__(self, fail_after: int | None = None, delay: float = 0.0) -> None:
        self.fail_after, self.delay = fail_after, delay
        self.taken, self.in_flight, self.most = 0, 0, 0
        self.lock = threading.Lock()

    def __call__(self, handler):
        with self.lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            failing = self.fail_after is not None and self.taken >= self.fail_after
            self.taken += not failing
        time.sleep(self.delay)
        with self.lock:
            self.in_flight -= 1
        return (500, {}, b"disk full") if failing else (201, {}, b"")


def _small_build(tmp_path, seeds):
    from kg.build import build
    from tests.conftest import SEEDS

    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    for seed in sorted(SEEDS.glob("*.txt"))[seeds]:
        (corpus / seed.name).write_bytes(seed.read_bytes())
    build([corpus], tmp_path / "out")
    return tmp_path / "out"


def _iris(requests) -> list[str]:
    return sorted(parse_qs(urlsplit(path).query)["graph"][0] for path, _, _ in requests)


def test_push_sends_only_the_graphs_that_changed_since_the_last_push(tmp_path):
    from tests.conftest import SEEDS

    out = _small_build(tmp_path, slice(3, 4))
    every = [iri for iri, _ in read_graphs(out)]
    with serving(_Recorder()) as (url, requests):
        assert CliRunner().invoke(cli, ["push", url, "-o", str(out)]).exit_code == 0
        assert _iris(requests) == every
        requests.clear()
        result = CliRunner().invoke(cli, ["push", url, "-o", str(out)])
        assert result.exit_code == 0 and result.output.startswith("pushed 0 graphs") and requests == []
        out = _small_build(tmp_path, slice(3, 5))  # one article more
        assert CliRunner().invoke(cli, ["push", url, "-o", str(out)]).exit_code == 0
        sent = _iris(requests)
        assert str(Minter().document(sorted(SEEDS.glob("*.txt"))[4].stem)) in sent
        assert 0 < len(sent) < len(read_graphs(out)), "unchanged graphs are not sent again"
        graphs = dict(read_graphs(out))
        for path, headers, body in requests:  # streamed from disk with their length, and whole
            iri = parse_qs(urlsplit(path).query)["graph"][0]
            assert int(headers["Content-Length"]) == len(body)
            assert _by_value(body) == _by_value(graphs[iri])


def test_a_push_that_fails_half_way_is_finished_by_the_next(tmp_path):
    out = _small_build(tmp_path, slice(2, 4))
    every = [iri for iri, _ in read_graphs(out)]
    recorder = _Recorder(fail_after=5)
    with serving(recorder) as (url, requests):
        result = CliRunner().invoke(cli, ["push", url, "-o", str(out), "--concurrency", "1"])
        assert result.exit_code == 1 and "answered HTTP 500" in result.stderr and result.stderr.count("\n") == 1
        assert len(requests) == 6, "sending stops at the first failure"
        taken = _iris(requests[:5])
        record = json.loads((out / ".kg" / "pushed.json").read_text(encoding="utf-8"))[url]
        assert sorted(record) == taken, "what the server took is recorded"
        recorder.fail_after = None
        requests.clear()
        assert CliRunner().invoke(cli, ["push", url, "-o", str(out)]).exit_code == 0
        assert _iris(requests) == sorted(set(every) - set(taken)), "the next push sends the rest"


def test_push_sends_several_graphs_at_once(graphs):
    recorder = _Recorder(delay=0.2)
    with serving(recorder) as (url, requests):
        push(graphs[:9], url, concurrency=4)
    assert len(requests) == 9 and recorder.most >= 2


def test_virtuoso_bulk_loader_reads_the_partitioned_nquads(virtuoso, tmp_path):
    """The path for large graphs: Virtuoso's own bulk loader over ``out/parts/*.nq.gz`` (README)."""
    from tests.virtuoso import virtuoso_sql

    base = "https://example.org/bulk-test/"  # its own IRIs: the graphs other tests pushed stay as they are
    from kg.build import build
    from tests.conftest import SEEDS

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[:2]:
        (corpus / seed.name).write_bytes(seed.read_bytes())
    out = tmp_path / "out"
    build([corpus], out, base=base)
    load = virtuoso.folder / "load"  # a folder Virtuoso's DirsAllowed lets it read
    shutil.copytree(out / "parts", load)
    virtuoso_sql(virtuoso, f"ld_dir('{load}', '*.nq.gz', '{base}fallback'); rdf_loader_run(); checkpoint;")
    for iri, data in read_graphs(out):
        assert _count(virtuoso, iri) == len(data.splitlines()), iri
