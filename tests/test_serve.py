"""`kg serve`, end to end: a real server process, a real HTTP client, the SPARQL 1.1 Protocol.

Nothing here asserts a speed: limits are generous and waits poll ``/health``, so a loaded
machine makes the tests slower, not red.
"""

import csv
import http.client
import io
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from rdflib import Graph

from kg.store.database import store_path, sync

PLACES = 'SELECT ?name WHERE { ?x kg:locatedIn+ ?c . ?c rdfs:label "林芝市"@zh . ?x rdfs:label ?name } ORDER BY ?name'
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
AGGREGATE = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n) LIMIT 5"
RESULTS = "{http://www.w3.org/2005/sparql-results#}"
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d \S+ (GET|POST) (\d{3}) \d+\.\d ms (\d+|-) rows( .+)?$")


class Served:
    """A running ``kg serve``: an HTTP client on it, its URL and the lines it wrote on stderr."""

    def __init__(self, process: subprocess.Popen, url: str) -> None:
        self.process, self.url = process, url
        self.client = httpx.Client(base_url=url, timeout=120)
        self.log: list[str] = []
        self.reader = threading.Thread(target=lambda: self.log.extend(process.stderr), daemon=True)
        self.reader.start()

    def health(self) -> dict:
        return self.client.get("/health").json()

    def wait_for(self, condition, what: str, limit: float = 120.0) -> dict:
        """Poll /health until ``condition(health)`` holds (a generous limit: the machine may be loaded)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            health = self.health()
            if condition(health):
                return health
            time.sleep(0.05)
        pytest.fail(f"kg serve never had {what}: {self.health()}")

    def idle(self) -> dict:
        return self.wait_for(lambda h: h["workers_alive"] == h["workers"] and h["workers_busy"] == 0,
                             "every worker alive and idle")


@contextmanager
def serving(out, *options: str):
    """``kg serve -o out OPTIONS`` on a free port, stopped on exit."""
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", "-o", str(out), "--port", "0", *options],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if not line.startswith("serving"):
        process.kill()
        pytest.fail(f"kg serve did not start: {line}{process.stderr.read()}")
    served = Served(process, line.split(" at ")[1].split()[0].removesuffix("/sparql"))
    try:
        yield served
    finally:
        served.client.close()
        process.terminate()
        process.wait(timeout=60)
        served.reader.join(timeout=60)  # every line it wrote is in served.log now


@pytest.fixture(scope="module")
def server(seed_build):
    with serving(seed_build[1], "--timeout", "2") as served:
        yield served


@pytest.fixture(scope="module")
def endpoint(server):
    return server.client


@pytest.fixture(scope="module")
def expected(seed_build):
    graph = seed_build[0].graph
    return sorted(str(row.name) for row in graph.query(PLACES))


@pytest.mark.parametrize("method", ["GET", "POST form", "POST direct"])
def test_query_by_get_and_post(endpoint, expected, method):
    if method == "GET":
        response = endpoint.get("/sparql", params={"query": PLACES})
    elif method == "POST form":
        response = endpoint.post("/sparql", data={"query": PLACES})
    else:
        response = endpoint.post("/sparql", content=PLACES.encode(), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    rows = response.json()["results"]["bindings"]
    assert sorted(r["name"]["value"] for r in rows) == expected
    assert "尼池社区" in expected


def test_content_negotiation_for_results(endpoint, expected):
    def fetch(accept):
        response = endpoint.get("/sparql", params={"query": PLACES}, headers={"Accept": accept})
        assert response.status_code == 200, response.text
        return response

    as_xml = fetch("application/sparql-results+xml")
    names = [b.find(f"{RESULTS}literal").text for b in ET.fromstring(as_xml.content).iter(f"{RESULTS}binding")]
    assert sorted(names) == expected
    as_csv = fetch("text/csv")
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert sorted(row["name"] for row in csv.DictReader(io.StringIO(as_csv.text))) == expected
    as_tsv = fetch("text/tab-separated-values")
    assert sorted(line for line in as_tsv.text.splitlines()[1:]) == sorted(f'"{n}"@zh' for n in expected)
    weighted = fetch("text/csv;q=0.5, application/sparql-results+xml;q=0.9")
    assert weighted.headers["content-type"].startswith("application/sparql-results+xml")
    assert fetch("*/*").headers["content-type"].startswith("application/sparql-results+json")
    refused = endpoint.get("/sparql", params={"query": PLACES}, headers={"Accept": "image/png"})
    assert refused.status_code == 406


def test_ask(endpoint):
    response = endpoint.get("/sparql", params={"query": 'ASK { ?x rdfs:label "五共五固"@zh }'})
    assert response.json() == {"head": {}, "boolean": True}


@pytest.mark.parametrize("accept, fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                         ("application/n-triples", "nt")])
def test_construct_and_describe_as_rdf(endpoint, seed_build, accept, fmt):
    query = 'CONSTRUCT { ?x rdfs:label ?n } WHERE { ?x a kg:Place ; rdfs:label ?n }'
    response = endpoint.post("/sparql", data={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    graph = Graph().parse(data=response.content, format=fmt)
    reference = seed_build[0].graph.query(query).graph
    assert set(graph) == set(reference)
    describe = endpoint.get("/sparql", params={"query": 'DESCRIBE ?x WHERE { ?x rdfs:label "林芝市"@zh }'},
                            headers={"Accept": accept})
    assert describe.status_code == 200 and len(Graph().parse(data=describe.content, format=fmt)) > 3


def test_malformed_query_is_400_with_the_parser_message(endpoint):
    response = endpoint.get("/sparql", params={"query": "SELECT ?x WHERE { ?x"})
    assert response.status_code == 400
    assert response.text.startswith("malformed query: error at 1:")


@pytest.mark.parametrize("request_args", [
    {"data": {"update": "DROP ALL"}},
    {"content": b"DROP ALL", "headers": {"Content-Type": "application/sparql-update"}},
])
def test_updates_are_refused(endpoint, expected, request_args):
    response = endpoint.post("/sparql", **request_args)
    assert response.status_code == 403 and "read-only" in response.text
    still = endpoint.get("/sparql", params={"query": PLACES}).json()["results"]["bindings"]
    assert len(still) == len(expected)


def test_runaway_query_is_stopped(endpoint):
    response = endpoint.get("/sparql", params={"query": RUNAWAY})
    assert response.status_code == 503 and "stopped after 2 s" in response.text
    assert endpoint.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True


def test_named_graphs_are_reachable(endpoint, seed_build):
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = endpoint.get("/sparql", params={"query": query}).json()["results"]["bindings"]
    assert len(rows) == seed_build[0].report["store"]["graphs"]
    doc = "https://example.org/kg/id/doc/004_72962b98874534b5"
    only = endpoint.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                                           "default-graph-uri": doc}).json()["results"]["bindings"]
    assert int(only[0]["n"]["value"]) == next(int(r["n"]["value"]) for r in rows if r["g"]["value"] == doc)


def test_query_page(endpoint):
    page = endpoint.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<textarea" in page.text and 'fetch("sparql"' in page.text and "林芝市" in page.text
    assert "http://" not in page.text.replace("http://www.w3.org", "").split("<script>")[1], "no remote resources"


def test_unknown_path_and_missing_query(endpoint):
    assert endpoint.get("/nothing").status_code == 404
    assert endpoint.get("/sparql").status_code == 400


def test_serve_without_store_is_one_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "kg", "serve", "-o", str(tmp_path), "--port", "0"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "no kg store here" in result.stderr


# --- under load ----------------------------------------------------------------------------------

def test_a_hundred_concurrent_requests_and_a_runaway_among_them(server, expected):
    """None of 100 concurrent clients fails or is reset; the runaway among them gets 503, the others answer."""
    server.idle()

    def ask(number: int) -> tuple[int, object]:
        query = RUNAWAY if number == 50 else PLACES if number % 2 else AGGREGATE
        with httpx.Client(base_url=server.url, timeout=120) as client:  # a connection of its own
            response = client.get("/sparql", params={"query": query})
            return response.status_code, response.json() if response.status_code == 200 else response.text

    with ThreadPoolExecutor(max_workers=100) as pool:
        answers = list(pool.map(ask, range(100)))
    runaway = answers.pop(50)
    assert runaway[0] == 503 and "stopped after 2 s" in runaway[1]
    assert [status for status, _ in answers] == [200] * 99
    places = [sorted(b["name"]["value"] for b in body["results"]["bindings"])
              for status, body in answers if body["head"]["vars"] == ["name"]]
    assert len(places) == 50 and all(names == expected for names in places)
    counts = [body["results"]["bindings"] for _, body in answers if body["head"]["vars"] == ["p", "n"]]
    assert len(counts) == 49 and all(rows == counts[0] and len(rows) == 5 for rows in counts)
    health = server.wait_for(lambda h: h["workers_alive"] == h["workers"], "its workers back")
    assert health["workers_replaced"] >= 1


def test_health(server):
    health = server.idle()
    assert health["ok"] is True and health["generation"] and health["workers"] >= 1
    assert health["workers_alive"] == health["workers"] and health["queue_depth"] == 0
    assert server.client.get("/health").headers["content-type"] == "application/json"


def test_keep_alive_two_requests_on_one_connection(server, expected):
    address = urlsplit(server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
    try:
        bodies, sockets = [], []
        for _ in range(2):
            connection.request("GET", "/sparql?" + urlencode({"query": PLACES}), headers={"Accept": "text/csv"})
            response = connection.getresponse()
            assert response.status == 200 and not response.will_close
            bodies.append(response.read().decode())
            sockets.append(connection.sock)
        assert sockets[0] is sockets[1] is not None
        assert bodies[0] == bodies[1] and len(bodies[0].splitlines()) == len(expected) + 1
    finally:
        connection.close()


@pytest.mark.parametrize("quiet", [False, True])
def test_access_log_has_one_line_per_query(seed_build, expected, quiet):
    with serving(seed_build[1], "--workers", "1", *(["--quiet"] if quiet else [])) as served:
        assert served.client.get("/sparql", params={"query": PLACES}).status_code == 200
        assert served.client.post("/sparql", data={"query": "SELECT ?x WHERE { ?x"}).status_code == 400
        assert served.client.get("/").status_code == 200 and served.client.get("/health").status_code == 200
    if quiet:
        assert served.log == []
        return
    found = [LOG_LINE.match(line.rstrip("\n")) for line in served.log]
    assert len(found) == 2 and all(found), served.log
    assert [(m[1], m[2], m[3]) for m in found] == [("GET", "200", str(len(expected))), ("POST", "400", "-")]


def test_no_traceback_on_stderr(server):
    assert not [line for line in server.log if "Traceback" in line or not LOG_LINE.match(line.rstrip("\n"))]


# --- limits, with one worker and one place in the queue ----------------------------------------------

@pytest.fixture(scope="module")
def tight(seed_build):
    with serving(seed_build[1], "--workers", "1", "--queue", "1", "--timeout", "8", "--max-rows", "2000") as served:
        yield served


def test_full_queue_is_503_with_retry_after_at_once(tight):
    """One worker, one place in the queue: two runaways (the first soon moved to the background, with
    a worker in its place), one query waiting, and the next one is refused at once."""
    tight.idle()
    ask = lambda query: httpx.get(f"{tight.url}/sparql", params={"query": query}, timeout=120)  # noqa: E731
    with ThreadPoolExecutor(max_workers=3) as pool:
        first = pool.submit(ask, RUNAWAY)
        tight.wait_for(lambda h: h["workers_background"] == 1 and h["workers_alive"] == 2, "a runaway in the background")
        second = pool.submit(ask, RUNAWAY)
        tight.wait_for(lambda h: h["workers_busy"] == 2, "both workers busy")
        queued = pool.submit(ask, "ASK {}")
        tight.wait_for(lambda h: h["queue_depth"] == 1, "a query waiting")
        refused = tight.client.get("/sparql", params={"query": "ASK {}"})
        assert refused.status_code == 503 and refused.headers["retry-after"] == "1" and "busy" in refused.text
        assert tight.health()["queue_depth"] == 1, "refused at once, while the runaways still run"
        assert first.result().status_code == second.result().status_code == 503
        assert queued.result().status_code == 200 and queued.result().json()["boolean"] is True
    assert tight.idle()["workers_alive"] == 1


def test_worker_is_replaced_after_a_timeout(tight):
    before = tight.idle()["workers_replaced"]
    with ThreadPoolExecutor(max_workers=1) as pool:
        runaway = pool.submit(tight.client.get, "/sparql", params={"query": RUNAWAY})
        health = tight.wait_for(lambda h: h["workers_background"] == 1 and h["workers_alive"] == 2,
                                "the runaway in the background and a worker in its place")
        assert health["workers_replaced"] == before + 1
        assert tight.client.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True, "answered meanwhile"
        stopped = runaway.result()
    assert stopped.status_code == 503 and "stopped after 8 s" in stopped.text
    answer = tight.client.get("/sparql", params={"query": "ASK {}"})
    assert answer.status_code == 200 and answer.json()["boolean"] is True
    health = tight.idle()
    assert health["workers_replaced"] == before + 1 and health["workers_alive"] == 1


def test_result_size_limit(tight):
    tight.idle()
    small = tight.client.get("/sparql", params={"query": "SELECT ?x WHERE { VALUES ?x { 1 2 3 } }"})
    assert small.status_code == 200 and len(small.json()["results"]["bindings"]) == 3
    many = "SELECT (1 AS ?one) WHERE { ?s ?p ?o }"  # 8,000 tiny rows: over the limit before the first chunk
    refused = tight.client.get("/sparql", params={"query": many}, headers={"Accept": "text/csv"})
    assert refused.status_code == 400 and "more than 2000 rows" in refused.text and "--max-rows" in refused.text
    # Rows that fill the first chunk before the limit: the answer streams, then is cut, never passed off as whole.
    with pytest.raises(httpx.RemoteProtocolError):
        tight.client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert tight.client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
    assert any("cut: the answer has more than 2000 rows" in line for line in tight.log)


def test_rebuilt_store_is_seen_by_the_next_query(seed_build, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(seed_build[1], out)
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    with serving(out, "--workers", "2") as served:
        def counts() -> set[int]:
            with ThreadPoolExecutor(max_workers=8) as pool:  # concurrent, so every worker answers some
                return set(pool.map(lambda _: int(served.client.get("/sparql", params={"query": count})
                                                  .json()["results"]["bindings"][0]["n"]["value"]), range(16)))

        before = served.idle()["generation"]
        assert len(counts()) == 1 and counts() != {1}
        graph = tmp_path / "x.nt"
        graph.write_bytes(b'<https://example.org/kg/id/doc/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
        iri = "https://example.org/kg/id/doc/x"
        part = tmp_path / "x.nq"
        part.write_bytes(graph.read_bytes()[:-3] + f" <{iri}> .\n".encode())
        sync(store_path(out), {iri: ("x", graph)}, [part])  # a build that leaves one graph of one triple
        assert served.health()["generation"] != before
        assert counts() == {1}


# --- the command line ----------------------------------------------------------------------------

@pytest.mark.parametrize("options, message", [
    (["--workers", "0"], "--workers 0: give at least 1"),
    (["--port", "http"], "'http' is not a valid integer"),
    (["--timeout", "0"], "--timeout 0: give a number of seconds above 0"),
    (["--max-rows", "0"], "--max-rows 0: give at least 1"),
    (["--frobnicate"], "No such option '--frobnicate'; see kg serve --help"),
    (["--host", "no.such.host.invalid"], "cannot listen on no.such.host.invalid"),
])
def test_bad_options_are_one_line(seed_build, options, message):
    result = subprocess.run([sys.executable, "-m", "kg", "serve", "-o", str(seed_build[1]), "--port", "0", *options],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("kg: error: ") and message in result.stderr


def test_busy_port_is_one_line(seed_build):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "kg", "serve", "-o", str(seed_build[1]), "--port", str(port)],
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert f"kg: error: cannot listen on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr
