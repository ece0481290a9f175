"""Load time and query latency: embedded Oxigraph vs rdflib in memory (vs Virtuoso where present).

The seed graph is built once; the larger graphs are copies of it in which every kg
resource IRI and every entity label gets a copy number, so the graph grows by the
factor with the same shape (per-copy places, programmes, statements, sentences) and
the named queries stay as selective as on the seeds. Each named query runs with its
example parameters; latency is the median of ``--repeat`` runs.

    python bench/stores.py --scales 1 100
    python bench/stores.py --scales 1 100 --virtuoso     # also a throwaway Virtuoso (virtuoso-t)

Prints one table per scale: load seconds, then milliseconds per named query.
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph

from kg.build import build
from kg.push import push
from kg.named import list_named
from kg.ontology import load_vocabulary
from kg.query import run_query
from kg.graph import ntriples

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.virtuoso import PASSWORD, USER, running_virtuoso, virtuoso_select, with_values  # noqa: E402
_RESOURCE = re.compile(rb"<(https://example\.org/kg/id/[^>]*)>")
_LABEL = re.compile(rb'(<http://www\.w3\.org/2000/01/rdf-schema#label>|'
                    rb'<http://www\.w3\.org/2004/02/skos/core#prefLabel>) "([^"]*)"@zh')


def scaled(ntriples: bytes, factor: int) -> bytes:
    """``factor`` renamed copies of the graph; copy 0 is the original."""
    parts = [ntriples]
    for copy in range(1, factor):
        tag = f"-{copy}".encode()
        text = _RESOURCE.sub(lambda m: b"<" + m.group(1) + tag + b">", ntriples)
        text = _LABEL.sub(lambda m: m.group(1) + b' "' + m.group(2) + tag + b'"@zh', text)
        parts.append(text)
    return b"".join(parts)


def _median_ms(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _child(connection, run, repeat: int) -> None:
    connection.send(_median_ms(run, repeat))


def _latency(run, repeat: int, limit: float) -> str:
    """Median milliseconds, measured in a forked child that is stopped after ``limit`` seconds."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, run, repeat), daemon=True)
    process.start()
    try:
        if receive.poll(limit):
            return f"{receive.recv():.1f}"
        return f"> {limit:g} s"
    finally:
        process.kill()
        process.join()


def _engines(data: bytes, folder: Path, virtuoso):
    """(name, load seconds, query function) for each engine."""
    started = time.perf_counter()
    graph = Graph()
    graph.parse(data=data, format="nt")
    yield "rdflib (memory)", time.perf_counter() - started, lambda q, b: run_query(graph, q.text, b)
    del graph
    started = time.perf_counter()
    store = ox.Store(str(folder / "oxigraph"))
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    yield "Oxigraph (disk)", time.perf_counter() - started, lambda q, b: run_query(store, q.text, b)
    if virtuoso is not None:
        graph_iri = f"urn:kg:bench:{folder.name}"
        started = time.perf_counter()
        push([(graph_iri, data)], virtuoso.gsp_url, user=USER, password=PASSWORD, timeout=3600)
        load = time.perf_counter() - started
        scoped = lambda text: text.replace("WHERE {", f"FROM <{graph_iri}>\nWHERE {{", 1)  # noqa: E731
        yield "Virtuoso (server)", load, lambda q, b: virtuoso_select(virtuoso.base_url, with_values(scoped(q.text), b))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--limit", type=float, default=60, help="seconds before a query's runs are stopped")
    parser.add_argument("--virtuoso", action="store_true", help="also measure a throwaway Virtuoso server")
    args = parser.parse_args()
    queries = [(q, q.values({p.name: p.example for p in q.params})) for q in list_named()]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        build([ROOT / "seeds"], out)
        seed = (out / "graph.nt").read_bytes()
        ontology = ntriples(load_vocabulary().graph)
        with running_virtuoso() if args.virtuoso else nullcontext() as virtuoso:
            for factor in args.scales:
                data = scaled(seed, factor) + ontology
                triples = data.count(b"\n")
                folder = Path(tmp) / f"x{factor}"
                folder.mkdir()
                print(f"\n{factor}× seed graph: {triples:,} triples ({len(data) / 1e6:.0f} MB of N-Triples)")
                header = f"{'engine':<18} {'load s':>7} " + " ".join(f"{q.name[:16]:>16}" for q, _ in queries)
                print(header + "   (query latency, median ms)")
                for name, load, ask in _engines(data, folder, virtuoso):
                    cells = [f"{_latency(lambda: ask(q, b), args.repeat, args.limit):>16}" for q, b in queries]
                    print(f"{name:<18} {load:7.2f} " + " ".join(cells), flush=True)


if __name__ == "__main__":
    main()
