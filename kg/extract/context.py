"""Looking back through the text for what a mention refers to or who its subject is.

Chinese reports name a place once and then say 村, 该县 or 全市, and drop the subject
that their sentences share. These are the rules every recogniser uses for that:

* :meth:`Places.nearest_earlier`: the nearest place of a level earlier in the same
  paragraph (村党支部 → that village's; 该县 → that county); :meth:`Places.only`: the one
  place of a level the whole article names;
* :func:`subject_before`: the nearest candidate before a position in its sentence, else
  earlier in its paragraph (the doer of a programme, the subject of a figure).
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.extract.spans import Found, SpanIndex, TextView

__all__ = ["Places", "subject_before"]

class Places:
    """Places of an article by level, for :meth:`nearest_earlier`."""

    def __init__(self, places: Iterable[Found]) -> None:
        by_level: dict[str, list[Found]] = {}
        for place in places:
            if place.level:
                by_level.setdefault(place.level, []).append(place)
        self._levels = {level: SpanIndex(found) for level, found in by_level.items()}
        self._only = {level: found[0] for level, found in by_level.items() if len({f.key for f in found}) == 1}

    def only(self, level: str) -> Found | None:
        """The place of ``level``, if the article names one and no other (a village's news says
        村委会主任 or 村党支部 paragraphs after it names the village)."""
        return self._only.get(level)

    def nearest_earlier(self, view: TextView, level: str, pos: int) -> Found | None:
        """The last place of ``level`` that starts before ``pos`` in the same paragraph."""
        index = self._levels.get(level)
        return index.last_starting_before(pos, view.paragraph_span(pos)[0]) if index else None


def subject_before(view: TextView, candidates: SpanIndex, pos: int, *,
                   sentence_end: int | None = None) -> tuple[Found | None, str]:
    """The candidate nearest before ``pos`` (ending at or before ``sentence_end`` when given)
    in its sentence, else in the paragraph before the sentence; and where it was found
    (``"sentence"``, ``"paragraph"`` or ``""``)."""
    sentence_start, _ = view.sentence_span(pos)
    paragraph_start, _ = view.paragraph_span(pos)
    limit = pos if sentence_end is None else sentence_end
    for where, start, end in (("sentence", sentence_start, limit), ("paragraph", paragraph_start, sentence_start)):
        found = candidates.last_ending_by(end, start)
        if found is not None:
            return found, where
    return None, ""
