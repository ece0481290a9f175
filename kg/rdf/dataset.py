"""A whole dataset in memory, from a merged :class:`~kg.model.Corpus`: for small corpora,
tests and notebooks. (A build writes the same graphs article by article instead, without
holding them: :mod:`kg.build`.)

It has the same named graphs a build puts in the store: one per article
(:func:`kg.rdf.graph.article_graph`), the entity graphs (entity descriptions and the
articles' facts about entities, by :func:`kg.rdf.graph.shard_of` their subject) and the
ontology's.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph

from kg.model import Corpus
from kg.rdf.graph import article_graph, entity_lines, shard_of
from kg.rdf.iris import Minter
from kg.rdf.ntriples import merge_ntriples
from kg.rdf.ontology import Vocabulary

__all__ = ["Dataset", "dataset"]


@dataclass(frozen=True)
class Dataset:
    """Named graphs as canonical N-Triples, and the whole graph (without the ontology)."""

    graphs: dict[str, bytes]  #: graph IRI → sorted N-Triples
    ontology: str  #: the ontology graph's IRI
    triples: bytes  #: the whole graph without the ontology, as sorted N-Triples
    graph: Graph  #: the same whole graph, in rdflib


def _subject(line: str) -> str:
    return line[: line.index(" ")]


def dataset(corpus: Corpus, vocab: Vocabulary, mint: Minter) -> Dataset:
    """Every named graph of ``corpus`` and their union."""
    graphs: dict[str, bytes] = {}
    shards: dict[int, set[str]] = {}
    for x in corpus.extractions:
        made = article_graph(x, vocab, mint)
        graphs[str(mint.document(x.article.doc_id))] = "".join(made.own).encode("utf-8")
        for line in made.shared:
            shards.setdefault(shard_of(_subject(line)), set()).add(line)
    for entity in corpus.entities.values():
        for line in entity_lines(entity, vocab, mint, entity.parent in corpus.entities):
            shards.setdefault(shard_of(_subject(line)), set()).add(line)
    for shard, lines in shards.items():
        graphs[str(mint.shard(shard))] = "".join(sorted(lines)).encode("utf-8")
    triples = merge_ntriples(graphs.values())
    graphs[str(vocab.iri)] = merge_ntriples([vocab.graph.serialize(format="nt", encoding="utf-8")])
    union = Graph()
    vocab.bind(union.namespace_manager)
    union.bind("kgr", mint.ns)
    union.parse(data=triples, format="nt")
    return Dataset(dict(sorted(graphs.items())), str(vocab.iri), triples, union)
