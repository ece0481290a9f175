"""Spans over a processed text: what the rule modules read and what they find.

:class:`TextView` holds the text, LAC's token boundaries and tags, and sentence and
paragraph numbers by character; :class:`Found` is one recognised mention, with the
entity it names. (Nothing here draws anything: the viewer is :mod:`kg.viz.viewer`.)
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = ["ANAPHORA_RULE", "HAN", "LISTED_OFFICE_RULE", "NAMES", "ModelName", "OFFICE_RULE", "OFFICE_RULES", "REFERRING_RULES", "TOKENS", "Found", "SpanIndex", "TextView", "is_han"]

HAN = r"\u4e00-\u9fff"

#: Rules whose mention refers to an entity without naming it (全市, 该村, 我区, 村党支部, the 县长
#: of 县委副书记、县长): a mention of the entity, but not one of its names.
#: Rules that find an office after a place or an organisation (巴宜区区长, 县委副书记、县长): the
#: organisation the office implies, where a position is held.
OFFICE_RULE, LISTED_OFFICE_RULE = "office", "office-listed"
OFFICE_RULES = frozenset({OFFICE_RULE, LISTED_OFFICE_RULE})
#: The rule of an organisation named by a level word for a place named before it (村党支部 after
#: 嘎拉村, 该村党支部): its ``parent`` is that place, which its figures describe.
ANAPHORA_RULE = "anaphora"
REFERRING_RULES = frozenset({"relative", ANAPHORA_RULE, LISTED_OFFICE_RULE})
_OPENERS = "“《("
#: ``doc.user_data`` key under which the tokenizer leaves its tokens as (start, end, tag) offsets.
TOKENS = "kg_tokens"
#: ``doc.user_data`` key of the name model's spans, as (start, end, "PER" | "LOC" | "ORG").
NAMES = "kg_names"
#: ``doc.user_data`` key of the text the tokenizer was given (``doc.text`` joins every token anew).
TEXT = "kg_text"


def is_han(text: str) -> bool:
    return bool(text) and all("\u4e00" <= c <= "\u9fff" for c in text)


@dataclass(frozen=True, slots=True)
class Found:
    """One mention of an entity at ``text[start:end]``.

    ``name`` is the entity's canonical name and ``key`` its content key;
    ``parent`` is the key of the place (or organisation, for ``partOf``) it sits in.
    """

    start: int
    end: int
    cls: str
    key: str
    name: str
    rule: str
    level: str | None = None
    parent: str | None = None
    part_of: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def referring(self) -> bool:
        """Does this mention refer to its entity without naming it (:data:`REFERRING_RULES`)?"""
        return self.rule in REFERRING_RULES


class ModelName(NamedTuple):
    """One of the name model's spans: ``text[start:end]`` read as a name of ``kind`` (PER, LOC or ORG)."""

    start: int
    end: int
    kind: str


@dataclass
class TextView:
    text: str
    tokens: Sequence[tuple[int, int, str]]  # (start, end, tag)
    sentence_starts: Sequence[int]
    paragraph_starts: Sequence[int] = field(default_factory=list)
    names: Sequence[tuple[int, int, str]] = ()  #: the name model's (start, end, PER|LOC|ORG) spans

    def __post_init__(self) -> None:
        self.starts = {s for s, _, _ in self.tokens}
        self.ends = {e for _, e, _ in self.tokens}
        self._token_starts = [s for s, _, _ in self.tokens]
        #: The name model's spans, indexed: rules ask which cover, start in or end at a place.
        self.model_names = SpanIndex(ModelName(*name) for name in self.names)
        if not self.paragraph_starts:
            self.paragraph_starts = [0] + [i + 1 for i, c in enumerate(self.text) if c == "\n"]

    def find_entries(self, surfaces: Iterable[str]) -> Iterator[tuple[int, int, str]]:
        """Each occurrence of a lexicon entry that starts a token or follows an opening mark (“《().

        This is the one lexicon scanner: the organisation and programme lexicons use it.
        """
        for surface in surfaces:
            for match in re.finditer(re.escape(surface), self.text):
                start = match.start()
                if start in self.starts or self.text[start - 1 : start] in _OPENERS and start > 0:
                    yield start, match.end(), surface

    def token_at(self, pos: int) -> tuple[int, int, str] | None:
        """The token that contains character ``pos``."""
        i = bisect.bisect_right(self._token_starts, pos) - 1
        if 0 <= i < len(self.tokens) and self.tokens[i][0] <= pos < self.tokens[i][1]:
            return self.tokens[i]
        return None

    def tokens_between(self, start: int, end: int) -> list[tuple[int, int, str]]:
        i = bisect.bisect_left(self._token_starts, start)
        out = []
        while i < len(self.tokens) and self.tokens[i][1] <= end:
            out.append(self.tokens[i])
            i += 1
        return out

    def sentence_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.sentence_starts, pos) - 1)

    def paragraph_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.paragraph_starts, pos) - 1)

    def paragraph_span(self, pos: int) -> tuple[int, int]:
        i = self.paragraph_of(pos)
        end = self.paragraph_starts[i + 1] if i + 1 < len(self.paragraph_starts) else len(self.text)
        return self.paragraph_starts[i], end

    def sentence_span(self, pos: int) -> tuple[int, int]:
        i = self.sentence_of(pos)
        end = self.sentence_starts[i + 1] if i + 1 < len(self.sentence_starts) else len(self.text)
        return self.sentence_starts[i], end


class SpanIndex:
    """Spans (anything with ``start`` and ``end``) indexed for the questions the rules ask,
    each answered in logarithmic time, so that rules stay linear in the length of a text.

    >>> index = SpanIndex([Found(0, 3, "Place", "Place:a", "a", "x"), Found(5, 9, "Place", "Place:b", "b", "x")])
    >>> [f.key for f in index.overlapping(2, 6)], index.overlaps(3, 5)
    (['Place:a', 'Place:b'], False)
    """

    def __init__(self, spans: Iterable) -> None:
        self.by_start = sorted(spans, key=lambda s: (s.start, s.end))
        self._starts = [s.start for s in self.by_start]
        self._longest = max((s.end - s.start for s in self.by_start), default=0)
        self.by_end = sorted(self.by_start, key=lambda s: (s.end, -s.start))
        self._ends = [s.end for s in self.by_end]

    def __len__(self) -> int:
        return len(self.by_start)

    def drop(self, spans: Iterable) -> None:
        """Forget these spans (rebuilds the index: for the rare correction, not a loop)."""
        gone = {id(s) for s in spans}
        if gone:
            self.__init__([s for s in self.by_start if id(s) not in gone])

    def overlapping(self, start: int, end: int) -> list:
        """The spans that share a character with ``[start, end)``."""
        lo = bisect.bisect_left(self._starts, start - self._longest + 1)
        hi = bisect.bisect_left(self._starts, end)
        return [s for s in self.by_start[lo:hi] if s.end > start]

    def overlaps(self, start: int, end: int) -> bool:
        return bool(self.overlapping(start, end))

    def starting_in(self, start: int, end: int) -> list:
        """The spans that start in ``[start, end)``."""
        return self.by_start[bisect.bisect_left(self._starts, start) : bisect.bisect_left(self._starts, end)]

    def last_starting_before(self, pos: int, floor: int):
        """The span that starts last before ``pos`` and at or after ``floor`` (None if there is none)."""
        i = bisect.bisect_left(self._starts, pos) - 1
        return self.by_start[i] if i >= 0 and self._starts[i] >= floor else None

    def last_ending_by(self, limit: int, floor: int):
        """Of the spans inside ``[floor, limit]``, the one that ends last (the longest on ties)."""
        i = bisect.bisect_right(self._ends, limit) - 1
        while i >= 0 and self._ends[i] > floor:
            span = self.by_end[i]
            if span.start >= floor:
                return span
            i -= 1
        return None
