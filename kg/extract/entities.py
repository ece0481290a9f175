"""The entities one article names, made from its mentions and its bylines.

Mentions of one key become one :class:`~kg.model.Entity`: the first mention gives the
class and the canonical name, every naming mention's surface (and, for a traditional
article, its original form) becomes an alias, and the most frequent parent wins.
Referring mentions (全市, 该村) count as mentions but not as names. Three kinds of
entity are named without a mention of their own:

* an organisation named only inside a part's name (林芝市委 in 林芝市委党校);
* the administrative ancestors of a place (巴宜区 brings 林芝市 and 西藏自治区), from the
  gazetteer;
* the authors, editors and publisher the article's bylines name.
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.extract.gazetteer import load_gazetteer
from kg.extract.lexicon import Lexicon
from kg.extract.names import org_class, suffix_class
from kg.extract.spans import Found
from kg.model import Article, Entity, key_name, most_frequent, org_key, person_key, place_key

__all__ = ["article_entities", "outlet_entity"]


def outlet_entity(outlet: str, lexicon: Lexicon) -> Entity:
    """The organisation a byline or dateline names as the publisher (a media outlet unless its suffix says otherwise)."""
    canonical, cls = lexicon.organizations.get(outlet, (outlet, None))
    return Entity(org_key(canonical), cls or suffix_class(canonical) or "MediaOutlet", canonical)


def _from_mentions(founds: Iterable[Found], article: Article) -> dict[str, Entity]:
    by_key: dict[str, list[Found]] = {}
    for found in founds:
        by_key.setdefault(found.key, []).append(found)
    entities: dict[str, Entity] = {}
    for key, group in by_key.items():
        first = group[0]
        named = [f for f in group if not f.referring]
        surfaces = {article.text[f.start : f.end] for f in named} | {a for f in group for a in f.aliases}
        if article.original:
            surfaces |= {article.original[f.start : f.end] for f in named}
        parent = most_frequent(f.parent for f in group)
        entities[key] = Entity(key, first.cls, first.name, frozenset(surfaces - {first.name}), parent, first.level)
    return entities


def _ancestors(entities: dict[str, Entity]) -> None:
    """Add the administrative ancestors of every place, from the gazetteer."""
    gazetteer = load_gazetteer()
    for key in list(entities):
        if not key.startswith("Place:"):
            continue
        path = key.removeprefix("Place:").split("/")
        for depth in range(len(path) - 1, 0, -1):
            ancestor = place_key(path[:depth])
            if ancestor in entities:
                break
            division = gazetteer.by_path.get(tuple(path[:depth]))
            parent = place_key(path[: depth - 1]) if depth > 1 else None
            entities[ancestor] = Entity(ancestor, "Place", path[depth - 1], frozenset(), parent,
                                        division.level if division else None)


def article_entities(founds: list[Found], article: Article, lexicon: Lexicon) -> tuple[dict[str, Entity], str | None]:
    """Every entity the article names, by key, and the key of its publisher (if a byline names one)."""
    entities = _from_mentions(founds, article)
    for found in founds:  # 林芝市委 inside 林芝市委党校: named only as the part's whole
        if found.part_of and found.part_of not in entities:
            name = key_name(found.part_of)
            entities[found.part_of] = Entity(found.part_of, org_class(name), name)
    _ancestors(entities)
    meta = article.meta
    for name in meta.authors + meta.editors:
        entities.setdefault(person_key(name), Entity(person_key(name), "Person", name))
    publisher = None
    if meta.outlet:
        outlet = outlet_entity(meta.outlet, lexicon)
        entities.setdefault(outlet.key, outlet)
        publisher = outlet.key
    return entities, publisher
