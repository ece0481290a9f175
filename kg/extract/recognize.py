"""The ``kg_recognizer`` spaCy component: places, organisations, programmes and people.

It runs the rule modules in order (each sees what the ones before found), resolves
overlaps, links ``(以下简称“…”)`` aliases, and marks every later occurrence of a name
found once in the article. The result is a list of :class:`~kg.view.Found` on
``doc._.kg_found``.
"""

from __future__ import annotations

import re

from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.aliases import find_aliases
from kg.extract.gazetteer import load_gazetteer
from kg.extract.lexicon import load_lexicon
from kg.extract.organizations import find_organizations
from kg.extract.people import find_people
from kg.extract.places import find_places
from kg.extract.programmes import find_programmes
from kg.extract.spans import NAMES, TEXT, TOKENS, Found, TextView

__all__ = ["Recognizer", "recognize", "sentence_bounds", "view_of"]

if not Doc.has_extension("kg_found"):
    Doc.set_extension("kg_found", default=None)

_VIEW = "kg_view"
_PRIORITY = {"Organization": 0, "Place": 1, "Programme": 2, "Person": 3}
_NESTABLE = {("Organization", "Place"), ("Organization", "Organization")}
_MIN_REPEAT = 2


def _family(found: Found) -> str:
    return found.key.split(":", 1)[0]


def _clash(found: Found, other: Found) -> bool:
    """Can ``found`` not be kept beside ``other``, which it overlaps?"""
    inside = other.start <= found.start and found.end <= other.end
    same = (other.start, other.end) == (found.start, found.end)
    return same or not (inside and (_family(other), _family(found)) in _NESTABLE)


def _resolve_overlaps(founds: list[Found]) -> list[Found]:
    """Longest first; a place or organisation may sit inside an organisation's name."""
    # Longest first; of equal spans, what a rule found before what only the model did (a
    # quoted “美丽乡村” is a programme, whatever the model calls it), then by family.
    ordered = sorted(founds, key=lambda f: (-(f.end - f.start), f.rule == "model", _PRIORITY[_family(f)], f.start,
                                            f.key))
    kept: list[Found] = []
    covering: dict[int, list[Found]] = {}  # character → the kept mentions over it (linear, however long the text)
    for found in ordered:
        near = {id(o): o for c in range(found.start, found.end) for o in covering.get(c, ())}
        if not any(_clash(found, other) for other in near.values()):
            kept.append(found)
            for c in range(found.start, found.end):
                covering.setdefault(c, []).append(found)
    return sorted(kept, key=lambda f: (f.start, -f.end, f.key))


def _repeats(view: TextView, kept: list[Found], aliases: dict[str, str]) -> list[Found]:
    """Later (and earlier) occurrences of names already found in this article."""
    by_key = {f.key: f for f in kept}
    surfaces: dict[str, Found] = {}
    for found in kept:
        if not found.referring and found.rule != "model":  # the model judges each occurrence itself
            surfaces.setdefault(view.text[found.start : found.end], found)
            surfaces.setdefault(found.name, found)
    for alias, key in aliases.items():
        if key in by_key:
            surfaces[alias] = by_key[key]
    added: list[Found] = []
    for surface in sorted(surfaces, key=lambda s: (-len(s), s)):
        if len(surface) < _MIN_REPEAT:
            continue
        template = surfaces[surface]
        for match in re.finditer(re.escape(surface), view.text):
            if match.start() not in view.starts and view.text[match.start() - 1 : match.start()] not in "“《(、":
                continue
            added.append(
                Found(match.start(), match.end(), template.cls, template.key, template.name, "repeat",
                      level=template.level, parent=template.parent, part_of=template.part_of)
            )
    return added


class Recognizer:
    """Find every entity mention in a text view."""

    def __init__(self) -> None:
        self.gazetteer = load_gazetteer()
        self.lexicon = load_lexicon()

    def __call__(self, view: TextView) -> list[Found]:
        places = find_places(view, self.gazetteer, self.lexicon)
        orgs = find_organizations(view, self.lexicon, places)
        programmes = find_programmes(view, self.lexicon)
        people = find_people(view, self.lexicon, places + orgs + programmes)
        founds = places + orgs + programmes + people
        kept = _resolve_overlaps(founds)
        aliases = find_aliases(view, kept)
        return _resolve_overlaps(kept + _repeats(view, kept, aliases))


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) character offsets of ``doc.sents``, read from two token arrays rather than
    token by token (``doc.sents`` makes a Python object of every token); ``[(0, len(text))]``
    for a text without sentence boundaries, none for an empty one."""
    if not len(doc):
        return []
    rows = doc.to_array([IDX, SENT_START])
    starts = rows[rows[:, 1] == 1, 0].tolist() or [0]
    starts[0] = 0
    last = doc[-1]
    return list(zip(starts, starts[1:] + [last.idx + len(last)]))


def view_of(doc: Doc) -> TextView:
    """The rules' view of a processed text (made once per document)."""
    view = doc.user_data.get(_VIEW)
    if view is None:
        tokens = doc.user_data.get(TOKENS) or [(t.idx, t.idx + len(t.text), t.tag_) for t in doc]
        sentence_starts = [start for start, _ in sentence_bounds(doc)] or [0]
        text = doc.user_data.get(TEXT) or doc.text
        view = doc.user_data[_VIEW] = TextView(text, tokens, sentence_starts, names=doc.user_data.get(NAMES, ()))
    return view


@Language.factory("kg_recognizer", assigns=["doc._.kg_found"])
def make_recognizer(nlp: Language, name: str):
    recognizer = Recognizer()

    def component(doc: Doc) -> Doc:
        doc._.kg_found = recognizer(view_of(doc))
        return doc

    return component


def recognize(doc: Doc) -> list[Found]:
    """The mentions the pipeline found in ``doc``."""
    return list(doc._.kg_found or [])
