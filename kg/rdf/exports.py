"""Write the whole graph in the usual RDF formats, streamed from sorted N-Triples files.

=================  ==========================================================
``graph.nt``       the whole graph, one sorted triple per line (N-Triples)
``graph.nq``       every named graph: per article, entity graphs, the ontology
``graph.ttl``      the whole graph (Turtle, grouped by subject, sorted)
``graph.trig``     the same named graphs as TriG
``graph.jsonld``   the whole graph as JSON-LD, compacted with ``context.jsonld``
``context.jsonld`` a JSON-LD context generated from the ontology
=================  ==========================================================

Each named graph arrives as a sorted N-Triples file. ``graph.nq`` is their concatenation
in graph order; ``graph.nt`` their k-way merge (:func:`kg.rdf.ntriples.merge_files`);
Oxigraph turns those into Turtle and TriG, and :mod:`kg.rdf.jsonld` into JSON-LD, all
without holding the graph in memory. The same input gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.rdf.iris import Minter
from kg.rdf.jsonld import jsonld_context, write_jsonld
from kg.rdf.ntriples import merge_files
from kg.rdf.ontology import Vocabulary

__all__ = ["EXPORTS", "FAMILIES", "OPTIONAL", "PLAIN", "families", "jsonld_context", "write_exports"]

#: The plainest whole-graph files (``kg build --exports minimal``).
PLAIN = ("graph.nt", "graph.nq")
#: The others: Turtle, TriG and JSON-LD.
OPTIONAL = ("graph.ttl", "graph.trig", "graph.jsonld", "context.jsonld")
EXPORTS = PLAIN + OPTIONAL
#: The exports made from ``graph.nt`` and those made from ``graph.nq``: each family is written
#: by one :func:`write_exports` call, and two calls may write different families at once.
FAMILIES = (("graph.nt", "graph.ttl", "graph.jsonld", "context.jsonld"), ("graph.nq", "graph.trig"))


def write_nquads(graphs: Sequence[tuple[str, Path]], target: Path) -> None:
    """N-Quads of named graphs given as (IRI, sorted N-Triples file), in IRI order."""
    with target.open("wb") as out:
        for iri, path in sorted(graphs):
            suffix = f" <{iri}> .\n".encode()
            with path.open("rb") as lines:
                out.writelines(line[:-3] + suffix for line in lines)


def write_exports(graphs: Sequence[tuple[str, Path]], ontology: str, vocab: Vocabulary, mint: Minter,
                  folder: Path, *, which: Collection[str] = EXPORTS) -> None:
    """Write the files of :data:`EXPORTS` named in ``which`` into ``folder``.

    ``graphs`` are every named graph as (IRI, sorted N-Triples file); ``ontology`` is the
    ontology graph's IRI, which ``graph.nq`` and ``graph.trig`` hold but the whole-graph
    files leave out (it is ``ontology.ttl``). Turtle and JSON-LD are made from ``graph.nt``
    and TriG from ``graph.nq``: those are written for them, and removed after if not in ``which``.
    Two calls given different :data:`FAMILIES` may write into one folder at the same time.
    """
    folder, which = Path(folder), set(which)
    made: list[str] = []
    if {"graph.nt", "graph.ttl", "graph.jsonld"} & which:
        scratch = folder / ".merge"
        merge_files([path for iri, path in graphs if iri != ontology], folder / "graph.nt", scratch)
        made.append("graph.nt")
        for leftover in scratch.glob("*"):
            leftover.unlink()
        scratch.rmdir()
    if {"graph.nq", "graph.trig"} & which:
        write_nquads(graphs, folder / "graph.nq")
        made.append("graph.nq")
    prefixes = vocab.prefixes
    if "graph.ttl" in which:
        triples = ox.parse(path=folder / "graph.nt", format=ox.RdfFormat.N_TRIPLES)
        ox.serialize(triples, folder / "graph.ttl", format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    if "graph.trig" in which:
        quads = ox.parse(path=folder / "graph.nq", format=ox.RdfFormat.N_QUADS)
        ox.serialize(quads, folder / "graph.trig", format=ox.RdfFormat.TRIG, prefixes=prefixes)
    if "context.jsonld" in which or "graph.jsonld" in which:
        context = jsonld_context(vocab, mint)
        (folder / "context.jsonld").write_text(json.dumps(context, ensure_ascii=False, indent=2) + "\n",
                                               encoding="utf-8")
        if "graph.jsonld" in which:
            write_jsonld(folder / "graph.nt", folder / "graph.jsonld", context)
    for name in made:  # an intermediate only: not asked for
        if name not in which:
            (folder / name).unlink()


def families(which: Collection[str]) -> list[tuple[str, ...]]:
    """``which`` split by :data:`FAMILIES`, in that order, leaving out families it names nothing of."""
    return [kept for family in FAMILIES if (kept := tuple(name for name in family if name in which))]
