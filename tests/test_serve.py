"""`kg serve`, end to end: a real server process, a real HTTP client, the SPARQL 1.1 Protocol."""

import csv
import io
import subprocess
import sys
import xml.etree.ElementTree as ET

import httpx
import pytest
from rdflib import Graph

PLACES = 'SELECT ?name WHERE { ?x kg:locatedIn+ ?c . ?c rdfs:label "林芝市"@zh . ?x rdfs:label ?name } ORDER BY ?name'
RESULTS = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def endpoint(seed_build):
    out = seed_build[1]
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", "-o", str(out), "--port", "0", "--timeout", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if not line.startswith("serving"):
        process.kill()
        pytest.fail(f"kg serve did not start: {line}{process.stderr.read()}")
    url = line.split(" at ")[1].split()[0]
    with httpx.Client(base_url=url.removesuffix("/sparql"), timeout=30) as client:
        yield client
    process.terminate()
    process.wait(timeout=10)


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
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    response = endpoint.get("/sparql", params={"query": runaway})
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
