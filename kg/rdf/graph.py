"""Turn extractions and entities into N-Triples lines: the only place triples are made.

Every class and property comes from the ontology (:mod:`kg.rdf.ontology`); every IRI from
:class:`~kg.rdf.iris.Minter`. Each extracted relation is written twice: as the plain
triple (``林芝市 kg:carriesOut 双报到``) for easy querying, and as a ``kg:Statement``
with ``rdf:subject/predicate/object``, the evidence sentence, the document and the
rule, so the provenance of every statement is queryable in SPARQL.

Every triple lives in exactly one named graph, so the union of the graphs counts each
triple once:

* an **article's graph** (:func:`article_graph`) holds what only that article says: the
  document, its sentences and mentions, its statements, observations and evidence;
* the **entity graphs** hold what is said of entities whatever the article: their
  descriptions (:func:`entity_lines`) and the facts articles state about them (the plain
  relation triples, positions, roles and measures), each in the graph
  :func:`shard_of` its subject picks. Adding an article rewrites its own graph and only
  the entity graphs whose content changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from rdflib import RDF, RDFS, SKOS, XSD

from kg.model import Entity, Extraction
from kg.rdf.iris import Minter
from kg.rdf.ntriples import date, decimal, iri, literal, triple, typed, zh
from kg.rdf.ontology import Vocabulary

__all__ = ["SHARDS", "ArticleGraph", "article_graph", "entity_lines", "shard_of"]

#: How many entity graphs there are; a subject's graph is fixed by its IRI alone.
SHARDS = 64
_TYPE, _LABEL, _PREF, _ALT = iri(RDF.type), iri(RDFS.label), iri(SKOS.prefLabel), iri(SKOS.altLabel)
_SUBJECT, _PREDICATE, _OBJECT = iri(RDF.subject), iri(RDF.predicate), iri(RDF.object)


def shard_of(subject: str) -> int:
    """The entity graph a shared triple about ``subject`` (an IRI, bare or ``<…>``) belongs to."""
    return int(hashlib.sha1(subject.strip("<>").encode("utf-8")).hexdigest()[:8], 16) % SHARDS


@dataclass(frozen=True, slots=True)
class ArticleGraph:
    """One article's triples as N-Triples lines: its own graph, and its facts about entities."""

    own: tuple[str, ...]
    shared: tuple[str, ...]


class _Writer:
    """One article's lines as they are added; the ontology's terms and the entities' IRIs, each
    written out once (an article names the same few hundred times over)."""

    def __init__(self, vocab: Vocabulary, mint: Minter) -> None:
        self.v, self.mint = vocab, mint
        self.own: list[str] = []
        self.shared: list[str] = []
        self._terms: dict[str, str] = {}
        self._entities: dict[str, str] = {}

    def term(self, name: str) -> str:
        found = self._terms.get(name)
        if found is None:
            found = self._terms[name] = iri(self.v[name])
        return found

    def entity(self, key: str) -> str:
        found = self._entities.get(key)
        if found is None:
            found = self._entities[key] = iri(self.mint.entity(key))
        return found

    def add(self, s: str, p: str, o: str, shared: bool = False) -> None:
        (self.shared if shared else self.own).append(triple(s, p, o))


def entity_lines(entity: Entity, vocab: Vocabulary, mint: Minter, parent_known: bool) -> list[str]:
    """The description of one (merged) entity: class, labels, aliases, level and parent."""
    node = iri(mint.entity(entity.key))
    lines = [triple(node, _TYPE, iri(vocab[entity.cls])), triple(node, _LABEL, zh(entity.name)),
             triple(node, _PREF, zh(entity.name))]
    lines += [triple(node, _ALT, zh(alias)) for alias in sorted(entity.aliases)]
    if entity.level:
        lines.append(triple(node, iri(vocab.placeLevel), literal(entity.level)))
    if entity.parent and parent_known:
        lines.append(triple(node, iri(vocab.locatedIn), iri(mint.entity(entity.parent))))
    return lines


def _document(w: _Writer, x: Extraction) -> str:
    article, meta = x.article, x.article.meta
    doc = iri(w.mint.document(article.doc_id))
    w.add(doc, _TYPE, w.term("Document"))
    w.add(doc, w.term("sourceFile"), literal(article.source_file))
    w.add(doc, w.term("contentHash"), literal(article.sha256))
    if article.encoding:
        w.add(doc, w.term("encoding"), literal(article.encoding))
    w.add(doc, w.term("originalScript"), literal(article.script))
    w.add(doc, w.term("sourceFormat"), literal(article.format))
    if article.record is not None:
        w.add(doc, w.term("sourceRecord"), literal(article.record))
    if meta.url:
        w.add(doc, w.term("sourceUrl"), literal(meta.url, datatype=str(XSD.anyURI)))
    if meta.site:
        w.add(doc, w.term("siteName"), zh(meta.site))
    if meta.title:
        w.add(doc, w.term("title"), zh(meta.title))
        w.add(doc, _LABEL, zh(meta.title))
    if meta.date:
        w.add(doc, w.term("datePublished"), date(meta.date))
    if x.publisher:
        w.add(doc, w.term("publishedBy"), w.entity(x.publisher))
    for key in x.authors:
        w.add(doc, w.term("writtenBy"), w.entity(key))
    for key in x.editors:
        w.add(doc, w.term("editedBy"), w.entity(key))
    return doc


def _text(w: _Writer, x: Extraction, doc: str) -> None:
    doc_id, mint = x.article.doc_id, w.mint
    in_document, start, end = w.term("inDocument"), w.term("start"), w.term("end")
    for sentence in x.sentences:
        node = iri(mint.sentence(doc_id, sentence.index))
        w.add(node, _TYPE, w.term("Sentence"))
        w.add(node, in_document, doc)
        w.add(node, w.term("sentenceIndex"), typed(sentence.index))
        w.add(node, w.term("text"), zh(sentence.text))
        w.add(node, start, typed(sentence.start))
        w.add(node, end, typed(sentence.end))
    title = x.article.meta.title or "\0"
    title_end = len(title) if x.article.text.startswith(title) else 0
    mentioned = {m.key for m in x.mentions} | {e.key for e in x.entities}
    for mention in x.mentions:
        node = iri(mint.mention(doc_id, mention.start, mention.end))
        w.add(node, _TYPE, w.term("Mention"))
        w.add(node, w.term("mentionOf"), w.entity(mention.key))
        w.add(node, w.term("inSentence"), iri(mint.sentence(doc_id, mention.sentence)))
        w.add(node, in_document, doc)
        w.add(node, start, typed(mention.start))
        w.add(node, end, typed(mention.end))
        w.add(node, w.term("surface"), zh(mention.text))
        w.add(node, w.term("rule"), literal(mention.rule))
        if mention.end <= title_end:
            w.add(doc, w.term("about"), w.entity(mention.key))
    for key in mentioned:
        w.add(doc, w.term("mentions"), w.entity(key))


def _evidence(w: _Writer, node: str, x: Extraction, sentence: int | None, rule: str, doc: str,
              shared: bool = False) -> None:
    w.add(node, w.term("inDocument"), doc)
    w.add(node, w.term("rule"), literal(rule), shared)
    if sentence is not None:
        w.add(node, w.term("evidence"), iri(w.mint.sentence(x.article.doc_id, sentence)))


def _statements(w: _Writer, x: Extraction, doc: str) -> None:
    doc_id, mint = x.article.doc_id, w.mint
    for r in x.relations:
        s, p, o = w.entity(r.subject), w.term(r.predicate), w.entity(r.object)
        w.add(s, p, o, shared=True)
        node = iri(mint.hashed("statement", r.subject, r.predicate, r.object, doc_id, r.sentence))
        w.add(node, _TYPE, w.term("Statement"))
        w.add(node, _SUBJECT, s)
        w.add(node, _PREDICATE, p)
        w.add(node, _OBJECT, o)
        _evidence(w, node, x, r.sentence, r.rule, doc)
    for position in x.positions:
        node = iri(mint.hashed("position", position.person, position.role, position.organization))
        role = iri(mint.named("role", position.role))
        w.add(w.entity(position.person), w.term("holdsPosition"), node, shared=True)
        w.add(node, _TYPE, w.term("Position"), shared=True)
        w.add(node, w.term("role"), role, shared=True)
        w.add(role, _TYPE, w.term("Role"), shared=True)
        w.add(role, _LABEL, zh(position.role), shared=True)
        if position.organization:
            w.add(node, w.term("organization"), w.entity(position.organization), shared=True)
        _evidence(w, node, x, position.sentence, position.rule, doc, shared=True)
    for ob in x.observations:
        node = iri(mint.hashed("observation", ob.subject, ob.measure, ob.value, ob.unit, ob.period, doc_id,
                               ob.sentence))
        measure = iri(mint.named("measure", ob.measure))
        w.add(node, _TYPE, w.term("Observation"))
        w.add(node, w.term("observedEntity"), w.entity(ob.subject))
        w.add(node, w.term("measure"), measure)
        w.add(measure, _TYPE, w.term("Measure"), shared=True)
        w.add(measure, _LABEL, zh(ob.measure), shared=True)
        w.add(node, w.term("value"), decimal(ob.value))
        w.add(node, w.term("unit"), zh(ob.unit))
        if ob.period:
            w.add(node, w.term("period"), literal(ob.period))
        w.add(node, w.term("approximate"), typed(ob.approximate))
        _evidence(w, node, x, ob.sentence, ob.rule, doc)


def article_graph(x: Extraction, vocab: Vocabulary, mint: Minter) -> ArticleGraph:
    """The triples one (rekeyed) article contributes, each sorted and once.

    ``own`` is the article's named graph in the store: removing the article removes it.
    ``shared`` are its facts about entities, which :mod:`kg.rdf.dataset` routes to the
    entity graphs.
    """
    w = _Writer(vocab, mint)
    doc = _document(w, x)
    _text(w, x, doc)
    _statements(w, x, doc)
    return ArticleGraph(tuple(sorted(set(w.own))), tuple(sorted(set(w.shared))))
