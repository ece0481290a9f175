"""Time to interactive of the HTML viewer on a graph of several thousand entities, in headless Chromium.

The graph is the seed graph copied N times: each copy renames its entities (林芝市 → 林芝市·七)
and keeps the provinces, so the copies hang together the way a larger corpus would. For each
page (the default view, trimmed to the most connected ``kg.viz.MAX_NODES``, and the untrimmed
one) it prints nodes, edges, page size, seconds to write it, seconds from navigation until
the layout has settled and the page answers (``window.kgReady``), and one redraw after a zoom.

    python bench/viewer.py --copies 25
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

from kg.build import build
from kg.rdf.ontology import load_vocabulary
from kg.viz.viewer import view_graph, write_html

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
_DIGITS = "零一二三四五六七八九"
_NAMES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)


def scaled(graph: Graph, copies: int, vocab) -> Graph:
    """``copies`` renamed copies of ``graph`` sharing its provinces (places with no parent)."""
    entities = {s for s, c in graph.subject_objects(RDF.type) if c in {vocab[n] for n in vocab.subclasses("Entity")}}
    shared = {p for p in graph.subjects(RDF.type, vocab.Place) if (p, vocab.locatedIn, None) not in graph}
    big = Graph()
    for copy in range(copies):
        tag = "·" + "".join(_DIGITS[int(d)] for d in str(copy))

        def rename(term):
            if copy and isinstance(term, URIRef) and (term, None, None) in graph and term not in shared:
                return URIRef(f"{term}-{copy}")
            return term

        for s, p, o in graph:
            if copy and p in _NAMES and s in entities and s not in shared:
                o = Literal(f"{o}{tag}", lang="zh")
            big.add((rename(s), p, rename(o)))
    return big


def time_to_interactive(page_path: Path) -> tuple[float, float]:
    """Seconds from navigation to ``window.kgReady``, and milliseconds to redraw after a zoom."""
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        browser = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True, args=ARGS,
                                                       viewport={"width": 1400, "height": 900})
        page = browser.new_page()
        page.goto(page_path.as_uri())
        page.wait_for_function("window.kgReady === true", timeout=300_000, polling=100)
        seconds = page.evaluate("window.kgReadyAt") / 1000
        redraw = page.evaluate("""() => new Promise(done => {
            const started = performance.now();
            kg.network.once("afterDrawing", () => done(performance.now() - started));
            kg.network.moveTo({scale: kg.network.getScale() * 1.5});
        })""")
        browser.close()
    return seconds, redraw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=25)
    args = parser.parse_args()
    vocab = load_vocabulary()
    with tempfile.TemporaryDirectory() as tmp:
        graph = scaled(build([SEEDS], Path(tmp, "out")).graph, args.copies, vocab)
        whole = view_graph(graph, vocab, max_nodes=10**9).network
        print(f"graph: {whole.number_of_nodes()} entities, {whole.number_of_edges()} relations, {len(graph)} triples")
        print(f"{'view':>10} {'nodes':>6} {'edges':>6} {'MB':>5} {'write s':>8} {'interactive s':>14} {'redraw ms':>10}")
        for name, max_nodes in (("default", None), ("untrimmed", 10**9)):
            path = Path(tmp, f"{name}.html")
            started = time.perf_counter()
            view = write_html(graph, path, vocab, **({"max_nodes": max_nodes} if max_nodes else {}))
            written = time.perf_counter() - started
            ready, redraw = time_to_interactive(path)
            print(f"{name:>10} {view.network.number_of_nodes():>6} {view.network.number_of_edges():>6} "
                  f"{path.stat().st_size / 1e6:>5.1f} {written:>8.1f} {ready:>14.1f} {redraw:>10.0f}")


if __name__ == "__main__":
    main()
