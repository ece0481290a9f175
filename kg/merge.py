"""The reduce step: join articles' entities into one index, deterministically, by content key.

Entity resolution is a keyed join, so it can run sharded on a cluster:

1. **Candidates.** Every qualified place key (``Place:西藏自治区/林芝市/巴宜区/尼池社区``)
   is indexed by its last name, for the names some article leaves bare (:func:`candidates`).
2. **Resolution, article by article.** :func:`resolve` maps an article's bare keys to the
   one qualified key of that name (``Place:尼池社区`` → ``Place:…/巴宜区/尼池社区``) when
   there is exactly one; :func:`rekey` rewrites the article's extraction with that mapping.
3. **Merge.** :class:`EntityIndex` aggregates the rekeyed entities by key. It is a
   commutative monoid: partial indexes from any partition of the corpus, combined in any
   order, give the same index. Each choice between candidates (a class, a parent, a level)
   takes the most frequent value, ties broken by sorting; the name comes from the
   article whose id sorts first.

:func:`merge` runs all three over extractions held in memory, for small corpora and tests.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from kg.model import Corpus, Entity, Extraction, most_frequent

__all__ = ["EntityIndex", "candidates", "merge", "place_names", "rekey", "rekey_entities", "resolve"]


def place_names(keys: Iterable[str]) -> tuple[set[str], set[str]]:
    """The keys' qualified place keys, and the names of their bare place keys."""
    qualified, bare = set(), set()
    for key in keys:
        if key.startswith("Place:"):
            (qualified.add(key) if "/" in key else bare.add(key.removeprefix("Place:")))
    return qualified, bare


def candidates(qualified: Iterable[str], bare: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Bare name → the qualified place keys that end in it (only for names left bare somewhere)."""
    wanted = set(bare)
    found: dict[str, list[str]] = {}
    for key in qualified:
        name = key.rsplit("/", 1)[1]
        if name in wanted:
            found.setdefault(name, []).append(key)
    return {name: tuple(sorted(keys)) for name, keys in sorted(found.items())}


def resolve(keys: Iterable[str], known: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """An article's bare place keys mapped to the one qualified place of that name, if unique."""
    mapping = {}
    for key in sorted(set(keys)):
        name = key.removeprefix("Place:")
        if key.startswith("Place:") and "/" not in name and len(known.get(name, ())) == 1:
            mapping[key] = known[name][0]
    return mapping


def rekey(extraction: Extraction, mapping: Mapping[str, str]) -> Extraction:
    """The extraction with every entity key rewritten by ``mapping`` (self-relations dropped)."""
    if not mapping:
        return extraction

    def k(key: str | None) -> str | None:
        return mapping.get(key, key) if key else key

    return replace(
        extraction,
        mentions=tuple(replace(m, key=k(m.key)) for m in extraction.mentions),
        relations=tuple(dict.fromkeys(
            replace(r, subject=k(r.subject), object=k(r.object)) for r in extraction.relations
            if k(r.subject) != k(r.object)
        )),
        positions=tuple(replace(p, organization=k(p.organization)) for p in extraction.positions),
        observations=tuple(replace(o, subject=k(o.subject)) for o in extraction.observations),
        entities=tuple(replace(e, key=k(e.key), parent=k(e.parent)) for e in extraction.entities),
        publisher=k(extraction.publisher),
    )


def rekey_entities(entities: Iterable[Entity], mapping: Mapping[str, str]) -> list[Entity]:
    """Entities with their keys and parents rewritten by ``mapping``."""
    return [replace(e, key=mapping.get(e.key, e.key), parent=mapping.get(e.parent, e.parent) if e.parent else None)
            for e in entities]


@dataclass
class _Entry:
    first: tuple[str, str]  # (document id, name): the name from the article that sorts first
    classes: Counter = field(default_factory=Counter)
    aliases: set = field(default_factory=set)
    parents: Counter = field(default_factory=Counter)
    levels: Counter = field(default_factory=Counter)


class EntityIndex:
    """Entities merged by key from any number of articles, in any order and any grouping."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, doc_id: str, entities: Iterable[Entity]) -> None:
        """Add one article's (rekeyed) entities."""
        for e in entities:
            entry = self._entries.get(e.key)
            if entry is None:
                entry = self._entries[e.key] = _Entry((doc_id, e.name))
            elif (doc_id, e.name) < entry.first:
                entry.first = (doc_id, e.name)
            entry.classes[e.cls] += 1
            entry.aliases |= e.aliases | {e.name}
            if e.parent:
                entry.parents[e.parent] += 1
            if e.level:
                entry.levels[e.level] += 1

    def combine(self, other: EntityIndex) -> EntityIndex:
        """Fold ``other`` into this index (and return it)."""
        for key, theirs in other._entries.items():
            mine = self._entries.get(key)
            if mine is None:
                self._entries[key] = theirs
                continue
            mine.first = min(mine.first, theirs.first)
            mine.classes += theirs.classes
            mine.aliases |= theirs.aliases
            mine.parents += theirs.parents
            mine.levels += theirs.levels
        return self

    def entity(self, key: str) -> Entity:
        entry = self._entries[key]
        name = entry.first[1]
        return Entity(key, most_frequent(entry.classes) or "Entity", name,
                      frozenset(entry.aliases - {name}), most_frequent(entry.parents),
                      most_frequent(entry.levels))

    def keys(self) -> list[str]:
        return sorted(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries


def merge(extractions: Iterable[Extraction], warnings: Iterable[str] = ()) -> Corpus:
    """Resolve and merge extractions held in memory into a :class:`~kg.model.Corpus`."""
    ordered = sorted(extractions, key=lambda x: x.article.doc_id)
    qualified, bare = place_names(e.key for x in ordered for e in x.entities)
    known = candidates(qualified, bare)
    ordered = [rekey(x, resolve((e.key for e in x.entities), known)) for x in ordered]
    index = EntityIndex()
    for x in ordered:
        index.add(x.article.doc_id, x.entities)
    entities = {key: index.entity(key) for key in index.keys()}
    all_warnings = tuple(warnings) + tuple(w for x in ordered for w in x.warnings)
    return Corpus(tuple(ordered), entities, all_warnings)
