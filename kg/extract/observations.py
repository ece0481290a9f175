"""Quantified facts: a number with a unit, what it counts, whose it is, and when.

``新发展党员1.49万名`` → measure 新发展党员, value 14900, unit 名. The measure is the
noun phrase before the number (``村集体经济收入达400万元``), or the noun after the unit
when nothing names it before (``全区47.04万名党员``), joined to a verb before it
(``排查整顿240个软弱涣散基层党组织``). The subject is the nearest place of the
level a measure starts with (``村集体经济收入``: the village named last before it in the
paragraph), else the nearest place or organisation before the number in the sentence,
else in the paragraph, else the article's home region (:func:`kg.extract.places.home_province`). The period is
``截至2024年底`` → 2024-12-31, else the nearest ``2023年`` before it in the sentence or
paragraph, else (for 今年, 目前, 一年来) the year the article was published.
"""

from __future__ import annotations

import re
from decimal import Decimal

from kg.extract.context import Places, subject_before
from kg.extract.names import LEVEL_WORDS
from kg.extract.places import home_province
from kg.extract.spans import ANAPHORA_RULE, Found, SpanIndex, TextView
from kg.model import Observation, place_key

__all__ = ["find_observations", "parse_quantity"]

_UNITS = "个百分点|人次|场次|万元|亿元|名|个|人|场|起|元|亩|家|件|期|篇|所|种|公里|%"
_QUANTITY = re.compile(rf"(?<![\d.第])(\d+(?:\.\d+)?)(万|亿)?(余|多)?({_UNITS})(以上|左右)?")
_MULTIPLIER = {"万": Decimal(10_000), "亿": Decimal(100_000_000), None: Decimal(1)}
_PHRASE_BREAK = re.compile(r"[,，。;；:：、()（）“”《》\s]")
_STRIP_BEFORE = re.compile(r"^(?:\d{4}年(?:\d{1,2}月)?(?:底|初|末|以来)?|共计|共|累计|全年|其中|已经|已|先后|目前|今年|去年)+|(?:达到|达|为|到|超过|突破|约|近|共计|共|累计|等)+$")
_MODIFIER_END = re.compile(r"(?:的|了|着|过)$")
_RELATIVE_START = re.compile(r"^(?:全区|全市|全县|全镇|全乡|全村|我区|该市|该县|该村)")
_NOUN_AFTER = re.compile(r"^[\u4e00-\u9fff]{1,12}?(?=[,，。;；、的中里在进获被参与和及]|$)")
_YEAR_END = re.compile(r"截至(\d{4})年底")
_YEAR = re.compile(r"(\d{4})年(?:(\d{1,2})月)?")
_NOW = re.compile(r"今年|目前|一年来|当前|现在")
_MAX_MEASURE = 20
#: ``收入从2019年的3万元增加到2023年的52万元``: a change over time; what changed is named before 从/由.
_CHANGE = re.compile(r"(?:从|由)(?=\d{4}年)")
_NOUN_TAGS = frozenset({"n", "nz", "nw", "vn", "an", "ORG", "LOC"})
_NOUN_JOINERS = frozenset({"等", "和", "与", "及"})


def parse_quantity(number: str, multiplier: str | None, unit: str) -> tuple[Decimal, str]:
    """``("1.49", "万", "名")`` → ``(Decimal("14900"), "名")``; ``万元`` is ``元`` times 10 000.

    >>> parse_quantity("400", None, "万元")
    (Decimal('4000000'), '元')
    """
    value = Decimal(number) * _MULTIPLIER[multiplier]
    if unit in ("万元", "亿元"):
        value *= _MULTIPLIER[unit[0]]
        unit = "元"
    return value.normalize() if value != value.to_integral() else value.quantize(Decimal(1)), unit


def _period(view: TextView, pos: int, published: str | None) -> str | None:
    sentence_start, _ = view.sentence_span(pos)
    paragraph_start, _ = view.paragraph_span(pos)
    title = view.text[: view.text.find("\n")] if "\n" in view.text else ""
    for window in (view.text[sentence_start:pos], view.text[paragraph_start:pos], title):
        if match := list(_YEAR_END.finditer(window)):
            return f"{match[-1].group(1)}-12-31"
        if match := list(_YEAR.finditer(window)):
            year, month = match[-1].groups()
            return f"{year}-{int(month):02d}" if month else year
    if published and _NOW.search(view.text[sentence_start:pos]):
        return published[:4]
    return None


def _noun_after(view: TextView, end: int) -> str:
    """The nouns LAC tags right after ``end`` (``1630名乡村振兴等专干纳入`` → 乡村振兴等专干)."""
    phrase_end = end
    for start, stop, tag in view.tokens_between(end, end + _MAX_MEASURE):
        if start != phrase_end:
            break
        if tag in _NOUN_TAGS:
            phrase_end = stop
        elif view.text[start:stop] not in _NOUN_JOINERS:
            break
    return view.text[end:phrase_end]


def _measure(view: TextView, start: int, end: int, names: SpanIndex) -> str:
    """What the quantity at ``text[start:end]`` counts.

    The phrase before the number (in a change over time, before 从/由 and the year: ``收入从2019年的3万元``),
    unless it only modifies what follows (ends in 的 or an aspect
    particle: ``冲锋在前的2万余名党员``, ``解决了10200余名``), is one character, or
    is itself a place or organisation name (``那曲23名``): then the noun after the unit.
    A verb right before the number joins the noun after it (``排查整顿240个软弱涣散基层党组织``).
    ``names`` are the places and organisations found.
    """
    text = view.text
    raw = _PHRASE_BREAK.split(text[max(0, start - 24) : start])[-1]
    wide = _PHRASE_BREAK.split(text[max(0, start - 48) : start])[-1]
    if _CHANGE.search(wide):  # the change's start may be further back
        raw = wide
    near = names.overlapping(start - len(raw) - 1, start)
    is_name = any(n.end == start and n.start <= start - len(raw) for n in near)
    inside = [n.end for n in names.starting_in(start - len(raw), start) if n.end < start]
    if inside:  # 西藏自治区新发展党员1.49万名: the name is the subject, what follows it the measure
        raw = text[max(inside) : start]
    changed = _CHANGE.split(raw, maxsplit=1)[0]
    if len(changed) >= 2:
        raw = changed
    before = _RELATIVE_START.sub("", _STRIP_BEFORE.sub("", raw)).lstrip("的")
    after_match = _NOUN_AFTER.match(text[end : end + 14].lstrip("的"))
    after = after_match.group(0) if after_match else _noun_after(view, end)
    if _MODIFIER_END.search(before) or len(before) < 2 or is_name:
        fallback = "" if is_name else _MODIFIER_END.sub("", before)
        return after or (fallback if len(fallback) > 1 else "")
    token = view.token_at(start - 1) if start else None
    verb_before = token is not None and token[2].startswith("v") and token[1] == start
    if after and verb_before:
        return before + after
    return before or after


def find_observations(view: TextView, founds: list[Found], published: str | None) -> list[Observation]:
    subjects = [f for f in founds if f.key.startswith(("Place:", "Organization:"))]
    names = subject_index = SpanIndex(subjects)
    places = Places(f for f in founds if f.cls == "Place")
    home = home_province(founds)
    observations: list[Observation] = []
    for match in _QUANTITY.finditer(view.text):
        number, multiplier, approx, unit, tail = match.groups()
        measure = _measure(view, match.start(), match.end(), names)
        if not measure or len(measure) > _MAX_MEASURE:
            continue
        level = next((LEVEL_WORDS[w] for w in LEVEL_WORDS if measure.startswith(w)), None)
        found = places.nearest_earlier(view, level, match.start()) if level else None  # 村集体经济收入: the village's
        if found is None:
            found, _ = subject_before(view, subject_index, match.start())
        if found is not None:  # 村党支部, named by its village's level word: the figure is the village's
            subject = found.parent if found.rule == ANAPHORA_RULE and found.parent else found.key
        elif home:  # the article's own region
            subject = place_key([home])
        else:
            continue
        value, unit = parse_quantity(number, multiplier, unit)
        observations.append(
            Observation(subject, measure, value, unit, _period(view, match.start(), published),
                        bool(approx or tail), view.sentence_of(match.start()), "number-unit")
        )
    return observations
