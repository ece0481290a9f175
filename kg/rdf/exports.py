"""Write the graph in the usual RDF formats, byte-identical for the same input.

=================  ==========================================================
``graph.ttl``      the whole graph (Turtle, grouped by subject, sorted)
``graph.nt``       the whole graph, one sorted triple per line (N-Triples)
``graph.nq``       every named graph: one per article, one for the ontology
``graph.trig``     the same named graphs as TriG
``graph.jsonld``   the whole graph as JSON-LD, compacted with ``context.jsonld``
``context.jsonld`` a JSON-LD context generated from the ontology
=================  ==========================================================
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import OWL, RDF

from kg.rdf.dataset import Dataset
from kg.rdf.iris import Minter
from kg.rdf.ontology import Vocabulary

__all__ = ["EXPORTS", "jsonld_context", "nquads", "write_exports"]

EXPORTS = ("graph.ttl", "graph.nt", "graph.nq", "graph.trig", "graph.jsonld", "context.jsonld")


def jsonld_context(vocab: Vocabulary, mint: Minter) -> dict:
    """Prefixes, plus one short term per ontology class and property.

    Object properties are typed ``@id`` so their values compact to plain IRIs; datatype
    properties keep their values' own datatypes and languages.
    """
    context: dict[str, object] = {**vocab.prefixes, "kgr": str(mint.ns)}
    for name in sorted(vocab.defined_terms()):
        term = vocab.namespace[name]
        if (term, RDF.type, OWL.ObjectProperty) in vocab.graph:
            context[name] = {"@id": f"{vocab.prefix}:{name}", "@type": "@id"}
        else:
            context[name] = f"{vocab.prefix}:{name}"
    return {"@context": context}


def nquads(graphs: Mapping[str, bytes]) -> bytes:
    """N-Quads of the named graphs given as canonical N-Triples, sorted by graph then triple."""
    lines = []
    for iri in sorted(graphs):
        suffix = f" <{iri}> .\n".encode()
        lines.extend(line[: -len(b" .")] + suffix for line in graphs[iri].splitlines())
    return b"".join(lines)


def _ordered(value: object) -> object:
    """JSON with every array sorted, so that set-valued properties print in one order."""
    if isinstance(value, dict):
        return {key: _ordered(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((_ordered(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    return value


def write_exports(data: Dataset, vocab: Vocabulary, mint: Minter, folder: Path) -> None:
    """Write every file of :data:`EXPORTS` into ``folder``."""
    folder = Path(folder)
    (folder / "graph.nt").write_bytes(data.triples)
    # Oxigraph writes Turtle and TriG from the sorted lines: grouped by subject, in 1 % of rdflib's time
    ox.serialize(ox.parse(data.triples, format=ox.RdfFormat.N_TRIPLES), folder / "graph.ttl",
                 format=ox.RdfFormat.TURTLE, prefixes=vocab.prefixes)
    quads = nquads(data.graphs)
    (folder / "graph.nq").write_bytes(quads)
    ox.serialize(ox.parse(quads, format=ox.RdfFormat.N_QUADS), folder / "graph.trig",
                 format=ox.RdfFormat.TRIG, prefixes=vocab.prefixes)
    context = jsonld_context(vocab, mint)
    (folder / "context.jsonld").write_text(json.dumps(context, ensure_ascii=False, indent=2) + "\n",
                                           encoding="utf-8")
    document = _ordered(json.loads(data.graph.serialize(format="json-ld", context=context["@context"])))
    (folder / "graph.jsonld").write_text(json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n",
                                         encoding="utf-8")
