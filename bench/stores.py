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
from rdflib import Graph

from kg.build import build
from kg.rdf.graph import ntriples
from kg.rdf.ontology import load_vocabulary
from kg.store.named_queries import list_named
from kg.store.push import push
from kg.store.query import run_query

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.virtuoso import (  # noqa: E402
    PASSWORD,
    USER,
    running_virtuoso,
    virtuoso_select,
    with_values,
)

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
    """Median milliseconds, measured in a forked child that is stopped after ``limit`` seconds a run."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, run, repeat), daemon=True)
    process.start()
    try:
        if receive.poll(limit * repeat):
            return f"{receive.recv():.1f}"
        return f"> {limit:g} s"
    finally:
        process.kill()
        process.join()


def _rdflib(data: bytes, folder: Path):
    graph = Graph()
    graph.parse(data=data, format="nt")
    return lambda q, b: run_query(graph, q.text, b)


def _oxigraph(data: bytes, folder: Path):
    store = ox.Store(str(folder / "oxigraph"))
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    return lambda q, b: run_query(store, q.text, b)


def _virtuoso(server):
    def load(data: bytes, folder: Path):
        graph_iri = f"urn:kg:bench:{folder.name}"
        push([(graph_iri, data)], server.gsp_url, user=USER, password=PASSWORD, timeout=3600)

        def ask(q, b):
            scoped = q.text.replace("WHERE {", f"FROM <{graph_iri}>\nWHERE {{", 1)
            return virtuoso_select(server.base_url, with_values(scoped, b))

        return ask

    return load


def _engines(data: bytes, folder: Path, virtuoso):
    """(name, load seconds, query function) for each engine, one at a time."""
    loaders = [("rdflib (memory)", _rdflib), ("Oxigraph (disk)", _oxigraph)]
    if virtuoso is not None:
        loaders.append(("Virtuoso (server)", _virtuoso(virtuoso)))
    for name, load in loaders:
        started = time.perf_counter()
        ask = load(data, folder)
        yield name, time.perf_counter() - started, ask


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--limit", type=float, default=60, help="seconds a query's run may take before it is stopped")
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
