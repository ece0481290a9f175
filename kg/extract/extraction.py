"""The map step: one cleaned :class:`~kg.model.Article` → one :class:`~kg.model.Extraction`.

:func:`extract` runs the spaCy pipeline (:mod:`kg.extract.nlp`), assembles the entities
(:mod:`kg.extract.entities`) and runs the relation and figure rules
(:mod:`kg.extract.relations`, :mod:`kg.extract.observations`). It depends on nothing but
the article, so thousands can run in parallel; :mod:`kg.merge` joins the results.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from spacy.tokens import Doc

from kg.extract.entities import article_entities
from kg.extract.lexicon import load_lexicon
from kg.extract.nlp import make_nlp
from kg.extract.observations import find_observations
from kg.extract.people import byline_name, refused_bylines
from kg.extract.recognize import recognize, sentence_bounds, view_of
from kg.extract.relations import find_carries_out, find_positions, find_subsidiaries
from kg.extract.spans import Found, TextView
from kg.model import Article, Entity, Extraction, Mention, Relation, Sentence, key_name, person_key
from kg.text.article import clean_article

__all__ = ["extract", "extract_file"]


def _sentences(doc) -> tuple[Sentence, ...]:
    paragraph = 0
    sentences = []
    whole = view_of(doc).text
    for index, (start, end) in enumerate(sentence_bounds(doc)):
        text = whole[start:end]
        sentences.append(Sentence(index, start, end, text.strip(), paragraph))
        paragraph += text.count("\n")
    return tuple(sentences)


def _structural_relations(founds: list[Found], entities: dict[str, Entity], view: TextView) -> list[Relation]:
    """Located-in and part-of links that come with the names themselves (or from the gazetteer)."""
    relations: set[Relation] = set()
    first_evidence: dict[tuple[str, str, str], int] = {}
    for found in founds:
        sentence = view.sentence_of(found.start)
        if found.parent and found.parent in entities:
            first_evidence.setdefault((found.key, "locatedIn", found.parent), sentence)
        if found.part_of and found.part_of in entities:
            first_evidence.setdefault((found.key, "partOf", found.part_of), sentence)
    for (subject, predicate, obj), sentence in first_evidence.items():
        relations.add(Relation(subject, predicate, obj, sentence, "name"))
    for entity in entities.values():
        if entity.cls == "Place" and entity.parent and (entity.key, "locatedIn", entity.parent) not in first_evidence:
            relations.add(Relation(entity.key, "locatedIn", entity.parent, None, "gazetteer"))
    return sorted(relations, key=lambda r: (r.subject, r.predicate, r.object))


def extract(article: Article, doc: Doc | None = None) -> Extraction:
    """Everything kg finds in one cleaned article (``doc``: the article's text already run
    through :func:`kg.extract.nlp.make_nlp`)."""
    doc = doc if doc is not None else make_nlp()(article.text)
    view = view_of(doc)
    founds = recognize(doc)
    lexicon = load_lexicon()
    refused = refused_bylines(view, lexicon)  # what find_people refused, Meta must not make people of

    def people(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(n for n in names if n not in refused and byline_name(n, lexicon))

    article = replace(article, meta=replace(article.meta, authors=people(article.meta.authors),
                                            editors=people(article.meta.editors)))
    entities, publisher = article_entities(founds, article, lexicon)
    mentions = tuple(
        Mention(f.start, f.end, article.text[f.start : f.end], f.key, view.sentence_of(f.start), f.rule,
                article.original[f.start : f.end] if article.original else None)
        for f in founds
    )
    relations = _structural_relations(founds, entities, view)
    relations += find_carries_out(view, founds) + find_subsidiaries(view, founds)
    positions = find_positions(view, founds, lexicon)
    observations = find_observations(view, founds, article.meta.date)
    meta = article.meta
    extraction = Extraction(article, _sentences(doc), tuple(sorted(entities.values(), key=lambda e: e.key)),
                            mentions, tuple(dict.fromkeys(relations)), tuple(dict.fromkeys(positions)),
                            tuple(observations), publisher=publisher, authors=tuple(map(person_key, meta.authors)),
                            editors=tuple(map(person_key, meta.editors)))
    return extraction.rekeyed(_people_where_they_serve(extraction))


def _people_where_they_serve(x: Extraction) -> dict[str, str]:
    """Each person who holds a position, keyed by the place of its organisation (or the
    organisation itself): two 扎西 in two villages are two people, one in two posts is one."""
    entities = {e.key: e for e in x.entities}
    mapping: dict[str, str] = {}
    for position in x.positions:
        org = entities.get(position.organization or "")
        if position.person in mapping or org is None:
            continue
        where = org.parent if org.parent and org.parent.startswith("Place:") else org.key
        mapping[position.person] = person_key(key_name(position.person), where)
    return mapping


def extract_file(path: Path | str) -> Extraction:
    """Read, clean and extract one file; raises :class:`~kg.errors.InputError` on bad input."""
    return extract(clean_article(Path(path)))
