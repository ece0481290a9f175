"""The whole dataset a build writes: one named graph per article, the ontology's, and their merge.

Each article's triples come from :func:`kg.rdf.graph.graph_for` (or a cache of them);
this module only assembles them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Graph

from kg.model import Corpus, Extraction
from kg.rdf.graph import graph_for, ntriples
from kg.rdf.iris import Minter
from kg.rdf.ntriples import merge_ntriples
from kg.rdf.ontology import Vocabulary

__all__ = ["Dataset", "dataset"]


@dataclass(frozen=True)
class Dataset:
    """What a build writes: the store's named graphs and the whole graph, made once."""

    graphs: dict[str, bytes]  #: document IRI → the article's N-Triples; the ontology IRI → its own
    ontology: str  #: the ontology graph's IRI
    triples: bytes  #: the whole graph without the ontology, as sorted N-Triples
    graph: Graph  #: the same whole graph, in rdflib

    @property
    def merged(self) -> bytes:
        """The whole graph with the ontology: the store's default graph."""
        return merge_ntriples([self.triples, self.graphs[self.ontology]])


def dataset(
    corpus: Corpus, vocab: Vocabulary, mint: Minter, article: Callable[[Extraction], bytes] | None = None
) -> Dataset:
    """One named graph per article, the ontology's graph, and their merge.

    ``article`` gives one article's N-Triples (default: :func:`graph_for`, serialised);
    a build passes a cached version of it.
    """
    article = article or (lambda x: ntriples(graph_for(x, corpus, vocab, mint)))
    graphs = {str(mint.document(x.article.doc_id)): article(x) for x in corpus.extractions}
    triples = merge_ntriples(graphs.values())
    union = Graph()
    vocab.bind(union.namespace_manager)
    union.bind("kgr", mint.ns)
    union.parse(data=triples, format="nt")
    graphs[str(vocab.iri)] = ntriples(vocab.graph)
    return Dataset(dict(sorted(graphs.items())), str(vocab.iri), triples, union)
