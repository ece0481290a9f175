"""The reduce step: join extractions into one corpus, deterministically, by entity key.

Order of inputs does not matter: extractions are sorted by document id, and every
choice between candidates (a class, a parent) takes the most frequent value, ties
broken by sorting. A sub-county place found without its parents (``Place:尼池社区``)
joins the one qualified place of that name (``Place:…/巴宜区/尼池社区``) if there is
exactly one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from kg.model import Corpus, Entity, Extraction, most_frequent

__all__ = ["merge"]


def _bare_to_qualified(keys: set[str]) -> dict[str, str]:
    qualified: dict[str, list[str]] = {}
    for key in keys:
        if key.startswith("Place:") and "/" in key:
            qualified.setdefault(key.rsplit("/", 1)[1], []).append(key)
    mapping = {}
    for key in keys:
        name = key.removeprefix("Place:")
        if key.startswith("Place:") and "/" not in name and len(qualified.get(name, [])) == 1:
            mapping[key] = qualified[name][0]
    return mapping


def _rekey(extraction: Extraction, mapping: dict[str, str]) -> Extraction:
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
        publisher=k(extraction.publisher),
        entities=tuple(replace(e, key=k(e.key), parent=k(e.parent)) for e in extraction.entities),
    )


def merge(extractions: Iterable[Extraction], warnings: Iterable[str] = ()) -> Corpus:
    """Join extractions; entities with one key become one entity."""
    ordered = sorted(extractions, key=lambda x: x.article.doc_id)
    mapping = _bare_to_qualified({e.key for x in ordered for e in x.entities})
    ordered = [_rekey(x, mapping) for x in ordered]
    groups: dict[str, list[Entity]] = {}
    for extraction in ordered:
        for entity in extraction.entities:
            groups.setdefault(entity.key, []).append(entity)
    entities: dict[str, Entity] = {}
    for key in sorted(groups):
        group = groups[key]
        cls = most_frequent(e.cls for e in group)
        aliases = frozenset().union(*(e.aliases for e in group)) - {group[0].name}
        entities[key] = Entity(key, cls or group[0].cls, group[0].name, aliases,
                               most_frequent(e.parent for e in group), most_frequent(e.level for e in group))
    all_warnings = tuple(warnings) + tuple(w for x in ordered for w in x.warnings)
    return Corpus(tuple(ordered), entities, all_warnings)
