"""The map step: one input file → one :class:`~kg.model.Extraction`, a pure function of its bytes.

``extract_file`` reads, cleans, runs the spaCy pipeline and the relation rules. It
depends on nothing but the file, so thousands can run in parallel; :mod:`kg.merge`
joins the results.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from kg.text.clean import clean, detect_script, to_simplified
from kg.errors import InputError
from kg.extract.gazetteer import load_gazetteer
from kg.extract.lexicon import load_lexicon
from kg.text.meta import extract_meta
from kg.model import Article, Entity, Extraction, Mention, Relation, Sentence
from kg.extract.nlp import make_nlp
from kg.extract.observations import find_observations
from kg.extract.organizations import org_class, outlet_entity
from kg.extract.people import person_key
from kg.text.read import read_raw
from kg.extract.recognize import recognize, view_of
from kg.extract.relations import find_carries_out, find_positions, find_subsidiaries
from kg.extract.spans import Found

__all__ = ["clean_article", "doc_id_for", "extract", "extract_file"]

_NOT_ID = re.compile(r"[^\w.-]+")


#: Rules whose mention refers to an entity without naming it (全市, 该村, 我区, 县委): a
#: mention of the entity, but not one of its names.
_REFERRING_RULES = frozenset({"relative", "anaphora"})


def doc_id_for(path: Path) -> str:
    """The article's id: its file name without extension, letters (any script), digits, ``_.-``.

    >>> doc_id_for(Path("news/林芝 新闻.txt"))
    '林芝-新闻'
    """
    return _NOT_ID.sub("-", Path(path).stem).strip("-.") or "document"


def clean_article(path: Path) -> Article:
    """Read and clean one file into an :class:`Article`."""
    raw = read_raw(path)
    original = clean(raw.text)
    text = to_simplified(original)
    if not text.strip():
        raise InputError(path, "no article text left after removing boilerplate", "check that it is a news article")
    script = detect_script(raw.text)
    aligned = original if script == "traditional" and len(original) == len(text) and original != text else None
    return Article(doc_id_for(path), path.name, text, extract_meta(raw.text), raw.sha256, raw.encoding, script, aligned)


def _sentences(doc) -> tuple[Sentence, ...]:
    paragraph = 0
    sentences = []
    for index, span in enumerate(doc.sents):
        sentences.append(Sentence(index, span.start_char, span.end_char, span.text.strip(), paragraph))
        paragraph += span.text.count("\n")
    return tuple(sentences)


def _entities(founds: list[Found], article: Article) -> dict[str, Entity]:
    gazetteer = load_gazetteer()
    lexicon = load_lexicon()
    by_key: dict[str, list[Found]] = {}
    for found in founds:
        by_key.setdefault(found.key, []).append(found)
    entities: dict[str, Entity] = {}
    for key, group in by_key.items():
        first = group[0]
        named = [f for f in group if f.rule not in _REFERRING_RULES]
        surfaces = {article.text[f.start : f.end] for f in named} | {a for f in group for a in f.aliases}
        if article.original:
            surfaces |= {article.original[f.start : f.end] for f in named}
        parents = Counter(f.parent for f in group if f.parent)
        parent = sorted(parents.items(), key=lambda item: (-item[1], item[0]))[0][0] if parents else None
        entities[key] = Entity(key, first.cls, first.name, frozenset(surfaces - {first.name}), parent, first.level)
    for found in founds:  # 林芝市委 inside 林芝市委党校: named only as the part's whole
        if found.part_of and found.part_of not in entities:
            name = found.part_of.removeprefix("Organization:")
            entities[found.part_of] = Entity(found.part_of, org_class(name), name)
    for key in list(entities):  # administrative ancestors named by the gazetteer
        path = key.removeprefix("Place:").split("/")
        for depth in range(len(path) - 1, 0, -1):
            ancestor = "Place:" + "/".join(path[:depth])
            if ancestor in entities:
                break
            division = gazetteer.by_path.get(tuple(path[:depth]))
            parent = "Place:" + "/".join(path[: depth - 1]) if depth > 1 else None
            entities[ancestor] = Entity(ancestor, "Place", path[depth - 1], frozenset(), parent,
                                        division.level if division else None)
    meta = article.meta
    for name in meta.authors + meta.editors:
        entities.setdefault(person_key(name), Entity(person_key(name), "Person", name))
    if meta.outlet:
        outlet = outlet_entity(meta.outlet, lexicon)
        entities.setdefault(outlet.key, outlet)
    return entities


def _structural_relations(founds: list[Found], entities: dict[str, Entity], view) -> list[Relation]:
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


def extract(article: Article) -> Extraction:
    """Everything kg finds in one cleaned article."""
    doc = make_nlp()(article.text)
    view = view_of(doc)
    founds = recognize(doc)
    sentences = _sentences(doc)
    entities = _entities(founds, article)
    mentions = tuple(
        Mention(f.start, f.end, article.text[f.start : f.end], f.key, view.sentence_of(f.start), f.rule,
                article.original[f.start : f.end] if article.original else None)
        for f in founds
    )
    relations = _structural_relations(founds, entities, view)
    relations += find_carries_out(view, founds) + find_subsidiaries(view, founds)
    positions = find_positions(view, founds, load_lexicon())
    observations = find_observations(view, founds, article.meta.date)
    return Extraction(article, sentences, tuple(sorted(entities.values(), key=lambda e: e.key)), mentions,
                      tuple(dict.fromkeys(relations)), tuple(dict.fromkeys(positions)), tuple(observations))


def extract_file(path: Path) -> Extraction:
    """Read, clean and extract one file; raises :class:`~kg.errors.InputError` on bad input."""
    return extract(clean_article(Path(path)))
