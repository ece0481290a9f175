"""Turn a :class:`~kg.model.Corpus` into an rdflib graph: the only place triples are made.

Every class and property comes from the ontology (:mod:`kg.rdf.ontology`); every IRI from
:class:`~kg.iris.Minter`. Each extracted relation is written twice: as the plain
triple (``林芝市 kg:carriesOut 双报到``) for easy querying, and as a ``kg:Statement``
with ``rdf:subject/predicate/object``, the evidence sentence, the document and the
rule, so the provenance of every statement is queryable in SPARQL.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef

from kg.model import Corpus, Extraction
from kg.rdf.iris import Minter
from kg.rdf.ntriples import merge_ntriples
from kg.rdf.ontology import Vocabulary

__all__ = ["graph_for", "ntriples"]


def _decimal(value: Decimal) -> Literal:
    """An ``xsd:decimal`` in its canonical form (``650.0``, ``1.49``), as Turtle writes it back."""
    text = format(value.normalize(), "f")
    return Literal(text if "." in text else text + ".0", datatype=XSD.decimal)


def _zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def _entities(graph: Graph, x: Extraction, corpus: Corpus, vocab: Vocabulary, mint: Minter) -> None:
    """The merged description of each entity the article names (class, labels, parent)."""
    for key in sorted({e.key for e in x.entities}):
        entity = corpus.entities[key]
        node = mint.entity(entity.key)
        graph.add((node, RDF.type, vocab[entity.cls]))
        graph.add((node, RDFS.label, _zh(entity.name)))
        graph.add((node, SKOS.prefLabel, _zh(entity.name)))
        for alias in sorted(entity.aliases):
            graph.add((node, SKOS.altLabel, _zh(alias)))
        if entity.level:
            graph.add((node, vocab.placeLevel, Literal(entity.level)))
        if entity.parent and entity.parent in corpus.entities:
            graph.add((node, vocab.locatedIn, mint.entity(entity.parent)))


def _document(graph: Graph, x: Extraction, vocab: Vocabulary, mint: Minter) -> URIRef:
    article, meta = x.article, x.article.meta
    doc = mint.document(article.doc_id)
    graph.add((doc, RDF.type, vocab.Document))
    graph.add((doc, vocab.sourceFile, Literal(article.source_file)))
    graph.add((doc, vocab.contentHash, Literal(article.sha256)))
    if article.encoding:
        graph.add((doc, vocab.encoding, Literal(article.encoding)))
    graph.add((doc, vocab.originalScript, Literal(article.script)))
    graph.add((doc, vocab.sourceFormat, Literal(article.format)))
    if article.record is not None:
        graph.add((doc, vocab.sourceRecord, Literal(article.record)))
    if meta.url:
        graph.add((doc, vocab.sourceUrl, Literal(meta.url, datatype=XSD.anyURI)))
    if meta.site:
        graph.add((doc, vocab.siteName, _zh(meta.site)))
    if meta.title:
        graph.add((doc, vocab.title, _zh(meta.title)))
        graph.add((doc, RDFS.label, _zh(meta.title)))
    if meta.date:
        graph.add((doc, vocab.datePublished, Literal(meta.date, datatype=XSD.date)))
    if x.publisher:
        graph.add((doc, vocab.publishedBy, mint.entity(x.publisher)))
    for key in x.authors:
        graph.add((doc, vocab.writtenBy, mint.entity(key)))
    for key in x.editors:
        graph.add((doc, vocab.editedBy, mint.entity(key)))
    return doc


def _text(graph: Graph, x: Extraction, doc: URIRef, vocab: Vocabulary, mint: Minter) -> None:
    doc_id = x.article.doc_id
    for sentence in x.sentences:
        node = mint.sentence(doc_id, sentence.index)
        graph.add((node, RDF.type, vocab.Sentence))
        graph.add((node, vocab.inDocument, doc))
        graph.add((node, vocab.sentenceIndex, Literal(sentence.index)))
        graph.add((node, vocab.text, _zh(sentence.text)))
        graph.add((node, vocab.start, Literal(sentence.start)))
        graph.add((node, vocab.end, Literal(sentence.end)))
    title_end = len(x.article.meta.title or "") if x.article.text.startswith(x.article.meta.title or "\0") else 0
    for mention in x.mentions:
        entity = mint.entity(mention.key)
        node = mint.mention(doc_id, mention.start, mention.end)
        graph.add((node, RDF.type, vocab.Mention))
        graph.add((node, vocab.mentionOf, entity))
        graph.add((node, vocab.inSentence, mint.sentence(doc_id, mention.sentence)))
        graph.add((node, vocab.inDocument, doc))
        graph.add((node, vocab.start, Literal(mention.start)))
        graph.add((node, vocab.end, Literal(mention.end)))
        graph.add((node, vocab.surface, _zh(mention.text)))
        graph.add((node, vocab.rule, Literal(mention.rule)))
        graph.add((doc, vocab.mentions, entity))
        if mention.end <= title_end:
            graph.add((doc, vocab.about, entity))
    for entity in x.entities:
        graph.add((doc, vocab.mentions, mint.entity(entity.key)))


def _evidence(graph: Graph, node: URIRef, x: Extraction, sentence: int | None, rule: str,
              doc: URIRef, vocab: Vocabulary, mint: Minter) -> None:
    graph.add((node, vocab.inDocument, doc))
    graph.add((node, vocab.rule, Literal(rule)))
    if sentence is not None:
        graph.add((node, vocab.evidence, mint.sentence(x.article.doc_id, sentence)))


def _statements(graph: Graph, x: Extraction, doc: URIRef, vocab: Vocabulary, mint: Minter) -> None:
    doc_id = x.article.doc_id
    for r in x.relations:
        s, p, o = mint.entity(r.subject), vocab[r.predicate], mint.entity(r.object)
        graph.add((s, p, o))
        node = mint.hashed("statement", r.subject, r.predicate, r.object, doc_id, r.sentence)
        graph.add((node, RDF.type, vocab.Statement))
        graph.add((node, RDF.subject, s))
        graph.add((node, RDF.predicate, p))
        graph.add((node, RDF.object, o))
        _evidence(graph, node, x, r.sentence, r.rule, doc, vocab, mint)
    for position in x.positions:
        person = mint.entity(position.person)
        node = mint.hashed("position", position.person, position.role, position.organization)
        role = mint.named("role", position.role)
        graph.add((person, vocab.holdsPosition, node))
        graph.add((node, RDF.type, vocab.Position))
        graph.add((node, vocab.role, role))
        graph.add((role, RDF.type, vocab.Role))
        graph.add((role, RDFS.label, _zh(position.role)))
        if position.organization:
            graph.add((node, vocab.organization, mint.entity(position.organization)))
        _evidence(graph, node, x, position.sentence, position.rule, doc, vocab, mint)
    for ob in x.observations:
        node = mint.hashed("observation", ob.subject, ob.measure, ob.value, ob.unit, ob.period, doc_id, ob.sentence)
        measure = mint.named("measure", ob.measure)
        graph.add((node, RDF.type, vocab.Observation))
        graph.add((node, vocab.observedEntity, mint.entity(ob.subject)))
        graph.add((node, vocab.measure, measure))
        graph.add((measure, RDF.type, vocab.Measure))
        graph.add((measure, RDFS.label, _zh(ob.measure)))
        graph.add((node, vocab.value, _decimal(ob.value)))
        graph.add((node, vocab.unit, _zh(ob.unit)))
        if ob.period:
            graph.add((node, vocab.period, Literal(ob.period)))
        graph.add((node, vocab.approximate, Literal(ob.approximate)))
        _evidence(graph, node, x, ob.sentence, ob.rule, doc, vocab, mint)


def graph_for(x: Extraction, corpus: Corpus, vocab: Vocabulary, mint: Minter) -> Graph:
    """The triples one article contributes: its document, text, mentions and statements,
    and the merged description of every entity it names.

    This is the article's named graph in the store; the union of all of them is the
    whole graph, so removing an article removes what only it said.
    """
    graph = Graph()
    _entities(graph, x, corpus, vocab, mint)
    doc = _document(graph, x, vocab, mint)
    _text(graph, x, doc, vocab, mint)
    _statements(graph, x, doc, vocab, mint)
    return graph


def ntriples(graph: Graph) -> bytes:
    """The graph as canonical (sorted, UTF-8) N-Triples."""
    return merge_ntriples([graph.serialize(format="nt", encoding="utf-8")])
