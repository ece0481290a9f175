"""The reduce step: join articles' entities into one index, deterministically, by content key.

Entity resolution is a keyed join, so it can run sharded on a cluster:

1. **Candidates.** Every key is indexed by its last name, for the names more than one key
   ends in (:func:`candidates`): ``Place:尼池社区``, ``Place:巴宜区/尼池社区`` and
   ``Place:西藏自治区/林芝市/巴宜区/尼池社区`` are three ways of writing one place.
2. **Resolution, article by article.** :func:`resolve` maps each of an article's keys to
   the one fuller key it is a shorter way of writing, using the article's own places when
   several would do; :func:`rekey` rewrites the article's extraction with that mapping.
   Places, organisations (keyed by the place they are in) and people (keyed by the place
   of the organisation they serve) resolve alike.
3. **Merge.** :class:`EntityIndex` aggregates the rekeyed entities by key. It is a
   commutative monoid: partial indexes from any partition of the corpus, combined in any
   order, give the same index. Each choice between candidates (a class, a parent, a level)
   takes the most frequent value, ties broken by sorting; the name comes from the
   article whose id sorts first.

:func:`merge` runs all three over extractions held in memory, for small corpora and tests.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from kg.model import Corpus, Entity, Extraction, key_family, key_name, key_path, most_frequent, place_key

__all__ = ["EntityIndex", "candidates", "merge", "rekey", "rekey_entities", "resolve", "widest"]


def _path(key: str) -> list[str]:
    return key_path(key).split("/")


def _within(short: list[str], long: list[str]) -> bool:
    """Is ``short`` a subsequence of ``long`` (in order, gaps allowed)?"""
    links = iter(long)
    return all(link in links for link in short)


def candidates(keys: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Name → the keys that end in it, for the names more than one key ends in: what a key
    could be another way of writing."""
    by_name: dict[str, set[str]] = {}
    for key in keys:
        by_name.setdefault(key_name(key), set()).add(key)
    return {name: tuple(sorted(found)) for name, found in sorted(by_name.items()) if len(found) > 1}


def widest(key: str, known: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The fullest keys of ``known`` that ``key`` could be a shorter way of writing: same family
    and name, a path that holds all of its links in order, and no other such key wider still."""
    path = _path(key)
    fuller = [(q, _path(q)) for q in known.get(path[-1], ()) if key_family(q) == key_family(key)]
    fuller = [(q, long) for q, long in fuller if len(long) > len(path) and _within(path, long)]
    return tuple(q for q, long in fuller if not any(r != q and _within(long, wider) for r, wider in fuller))


def resolve(keys: Iterable[str], known: Mapping[str, tuple[str, ...]],
            fullest: Callable[[str], tuple[str, ...]] | None = None) -> dict[str, str]:
    """An article's keys mapped to the one fuller key each is a shorter way of writing.

    ``尼池社区`` or ``巴宜区/尼池社区`` → ``西藏自治区/林芝市/巴宜区/尼池社区``: a key resolves
    to a key of the same family and name whose path holds all of its own links, in order.
    When several such keys remain (two 城关镇 in two counties), the one whose path shares
    most names with the places the article names wins, if one does; otherwise the key is
    left as it is: two things merge only when the evidence agrees.

    ``fullest`` is :func:`widest` over ``known``, if the caller keeps it memoised (it depends
    on the key alone, and one build resolves the same keys in many articles).
    """
    fullest = fullest or (lambda key: widest(key, known))
    keys = sorted(set(keys))
    context = {link for key in keys if key.startswith("Place:") for link in _path(key)}
    mapping = {}
    for key in keys:
        found = fullest(key)
        if len(found) > 1:
            own = set(_path(key))
            shared = {q: len(context & set(_path(q)[:-1]) - own) for q in found}
            best = max(shared.values())
            found = tuple(q for q in found if shared[q] == best) if best else found
        if len(found) == 1:
            mapping[key] = found[0]
    return mapping


def rekey(extraction: Extraction, mapping: Mapping[str, str]) -> Extraction:
    """The extraction with every entity key rewritten by ``mapping`` (:meth:`Extraction.rekeyed`)."""
    return extraction.rekeyed(dict(mapping))


def _parent_in_key(key: str) -> str | None:
    """The place a chained key names as where its entity is: a place's or organisation's
    key holds the path of the place it is in (``Place:西藏自治区/林芝市`` → ``Place:西藏自治区``)."""
    path = _path(key)
    if len(path) < 2 or not key.startswith(("Place:", "Organization:")):
        return None
    return place_key(path[:-1])


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
        return Entity(key, most_frequent(entry.classes) or "Entity", name, frozenset(entry.aliases - {name}),
                      _parent_in_key(key) or most_frequent(entry.parents), most_frequent(entry.levels))

    def keys(self) -> list[str]:
        return sorted(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries


def merge(extractions: Iterable[Extraction], warnings: Iterable[str] = ()) -> Corpus:
    """Resolve and merge extractions held in memory into a :class:`~kg.model.Corpus`."""
    ordered = sorted(extractions, key=lambda x: x.article.doc_id)
    known = candidates(e.key for x in ordered for e in x.entities)
    ordered = [rekey(x, resolve((e.key for e in x.entities), known)) for x in ordered]
    index = EntityIndex()
    for x in ordered:
        index.add(x.article.doc_id, x.entities)
    entities = {key: index.entity(key) for key in index.keys()}
    all_warnings = tuple(warnings) + tuple(w for x in ordered for w in x.warnings)
    return Corpus(tuple(ordered), entities, all_warnings)
