"""Load on ``kg serve`` and on a throwaway Virtuoso holding the same graph, side by side.

Builds the seeds (or takes ``--out``), starts ``kg serve`` on a free loopback port and a
Virtuoso (tests/virtuoso.py) into which the same graph is pushed, and sends the
same mixes to both, one server at a time, with 1, 50 and 200 concurrent clients (threads,
each with its own keep-alive connection):

* ``aggregate`` — ``SELECT ?p (COUNT(*) AS ?n) … GROUP BY ?p ORDER BY DESC(?n) LIMIT 5``;
* ``named`` — the named queries (kg/store/queries/*.rq) in turn, parameters bound with VALUES;
* ``named + runaway`` — the same, with a cross product that cannot finish sent among them
  by one more client; it is left out of the latency figures and has a column of its own.

Virtuoso holds the graph kg serve answers over (the union of the store's named graphs, each triple once) as one
named graph and is asked over its own default graph, the union of its graphs (that one and
its small system graphs): that is how it is fastest; scoped to the one graph (``FROM`` or
``default-graph-uri``) the aggregate takes it ~300 ms instead of ~5. Its ``timeout`` parameter
(the anytime-query limit, in ms) is set to kg's ``--timeout``. Loopback only; each mix stops
after ``--requests`` queries or ``--budget`` seconds, whichever comes first. Prints a Markdown
table: answered queries (200), queries/s, p50 and p99 latency of those, errors (other
statuses, time-outs), resets (connections reset or closed mid-answer), 503s, and how the
runaway query ended.

    python bench/serve.py
    python bench/serve.py --out out --clients 1 50 200 --requests 400 --timeout 5
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from kg.build import build
from kg.store.database import open_store, store_path
from kg.store.named_queries import list_named
from kg.store.push import push

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.virtuoso import PASSWORD, USER, running_virtuoso, with_values  # noqa: E402

AGGREGATE = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n) LIMIT 5"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
GRAPH = "urn:kg:bench:default"
_RESETS = (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected, http.client.IncompleteRead)


@dataclass
class Server:
    """Where to send a query: host, port, path, and the parameters added to each query."""

    name: str
    url: str
    extra: dict[str, str] = field(default_factory=dict)

    def target(self, query: str) -> str:
        return urlsplit(self.url).path + "?" + urlencode({"query": query, **self.extra})


@dataclass
class Tally:
    """What one mix got from one server."""

    seconds: list[float] = field(default_factory=list)
    errors: int = 0
    resets: int = 0
    busy: int = 0
    runaway: str = ""
    elapsed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _ask(connection: http.client.HTTPConnection, target: str) -> int:
    connection.request("GET", target, headers={"Accept": "application/sparql-results+json"})
    response = connection.getresponse()
    response.read()
    return response.status


def _client(server: Server, queries: list[str], next_index, deadline: float, tally: Tally) -> None:
    address = urlsplit(server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
    while (index := next_index()) is not None and time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            status = _ask(connection, server.target(queries[index % len(queries)]))
        except (OSError, http.client.HTTPException) as failure:  # reset, closed mid-answer; timed out, refused
            with tally.lock:
                if isinstance(failure, _RESETS):
                    tally.resets += 1
                else:
                    tally.errors += 1
            connection.close()
            continue
        with tally.lock:
            if status == 200:
                tally.seconds.append(time.perf_counter() - started)
            elif status == 503:
                tally.busy += 1
            else:
                tally.errors += 1
    connection.close()


def _runaway(server: Server, tally: Tally) -> None:
    address = urlsplit(server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
    started = time.perf_counter()
    try:
        status = str(_ask(connection, server.target(RUNAWAY)))
    except OSError as error:
        status = type(error).__name__
    tally.runaway = f"{status} in {time.perf_counter() - started:.1f} s"
    connection.close()


def run_mix(server: Server, queries: list[str], clients: int, requests: int, budget: float,
            runaway: bool) -> Tally:
    """``requests`` queries (round robin over ``queries``) from ``clients`` threads; a runaway on the side."""
    tally, counter, lock = Tally(), iter(range(requests)), threading.Lock()

    def next_index() -> int | None:
        with lock:
            return next(counter, None)

    deadline = time.monotonic() + budget
    threads = [threading.Thread(target=_client, args=(server, queries, next_index, deadline, tally))
               for _ in range(clients)]
    side = threading.Thread(target=_runaway, args=(server, tally)) if runaway else None
    started = time.perf_counter()
    if side:
        side.start()
        time.sleep(0.05)  # it is running when the others start
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.elapsed = time.perf_counter() - started
    if side:
        side.join()
    return tally


def _row(clients: int, mix: str, server: str, tally: Tally) -> str:
    times = sorted(tally.seconds)
    answered = len(times)
    p50 = statistics.median(times) * 1000 if times else float("nan")
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))] * 1000 if times else float("nan")
    return (f"| {clients} | {mix} | {server} | {answered} | {answered / tally.elapsed:.0f} | {p50:.0f} | {p99:.0f} "
            f"| {tally.errors} | {tally.resets} | {tally.busy} | {tally.runaway or '–'} |")


def _start_kg(out: Path, timeout: float, workers: int | None, log: Path) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "-m", "kg", "serve", "-o", str(out), "--port", "0", "--timeout", f"{timeout:g}"]
    if workers:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log.open("w"), text=True)
    line = process.stdout.readline()
    if not line.startswith("serving"):
        process.kill()
        sys.exit(f"kg serve did not start: {line}{log.read_text()}")
    return process, line.split(" at ")[1].split()[0]


def _same_answers(kg: Server, virtuoso: Server, queries: list[str]) -> None:
    """Each query answers the same number of rows on both servers (so they hold the same graph)."""
    for query in queries:
        counts = []
        for server in (kg, virtuoso):
            address = urlsplit(server.url)
            connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
            connection.request("GET", server.target(query), headers={"Accept": "text/tab-separated-values"})
            response = connection.getresponse()
            counts.append((response.status, response.read().count(b"\n")))
            connection.close()
        if counts[0] != counts[1]:
            sys.exit(f"kg and Virtuoso disagree ({counts}) on\n{query}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="a folder kg built (default: build the seeds in a temporary folder)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 50, 200])
    parser.add_argument("--requests", type=int, default=400, help="queries per mix")
    parser.add_argument("--budget", type=float, default=60, help="seconds a mix may take at most")
    parser.add_argument("--timeout", type=float, default=5, help="kg serve --timeout (and Virtuoso's query limit)")
    parser.add_argument("--workers", type=int, default=None, help="kg serve --workers (default: one per core)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out
        if out is None:
            out = Path(tmp) / "out"
            build([ROOT / "seeds"], out)
        # kg serve answers over the union of the store's named graphs; Virtuoso gets that union, each triple once
        default_graph = open_store(store_path(out)).query(
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True
        ).serialize(format=ox.RdfFormat.N_TRIPLES)
        named = [with_values(q.text, q.values({p.name: p.example for p in q.params})) for q in list_named()]
        mixes = [("aggregate", [AGGREGATE], False), ("named", named, False), ("named + runaway", named, True)]
        process, url = _start_kg(out, args.timeout, args.workers, Path(tmp) / "serve.log")
        try:
            with running_virtuoso() as virtuoso:
                push([(GRAPH, default_graph)], virtuoso.gsp_url, user=USER, password=PASSWORD, timeout=600)
                servers = [Server("kg serve", url),
                           Server("Virtuoso", virtuoso.sparql_url, {"timeout": str(int(args.timeout * 1000))})]
                _same_answers(*servers, [AGGREGATE, *named])
                triples = default_graph.count(b"\n")
                print(f"{os.cpu_count()} cores; {triples} triples; kg serve --timeout "
                      f"{args.timeout:g}; {args.requests} queries per mix\n")
                print("| clients | mix | server | answered | q/s | p50 ms | p99 ms | errors | resets | 503 | runaway |")
                print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
                for clients in args.clients:
                    for mix, queries, runaway in mixes:
                        for server in servers:
                            tally = run_mix(server, queries, clients, args.requests, args.budget, runaway)
                            print(_row(clients, mix, server.name, tally), flush=True)
        finally:
            process.terminate()
            process.wait(timeout=30)
        log = (Path(tmp) / "serve.log").read_text(encoding="utf-8")
        lines = [line for line in log.splitlines() if re.match(r"\d{4}-\d\d-\d\dT", line)]
        print(f"\nkg serve wrote {len(lines)} access-log lines; other lines on its stderr: "
              f"{len(log.splitlines()) - len(lines)}")


if __name__ == "__main__":
    main()
