"""Relations between mentions, sentence by sentence; each carries the rule that made it.

* **holds position** — ``[organisation][office](、[organisation][office])*[person]``:
  色贡村党支部书记、村委会主任普布次仁 gives 普布次仁 书记 of 色贡村党支部 and 主任 of
  色贡村村委会. An office with no organisation in front (副会长高扬 after 协会会长金书波)
  takes the organisation of the position just before it in the sentence.
* **carries out** — a programme after a verb of doing (开展, 实施, 推行, 探索, 实践…) within
  the same sentence; the doer is the nearest place or organisation before that verb in the
  sentence, else earlier in the paragraph, else the article's topic: Chinese reports drop
  the subject their sentences share. The topic is the place or organisation the title
  names, else the place the article mentions most.
* **part of** — ``X(全资|控股)?子公司Y`` and ``X下属Y``.

Located-in and the part-of links inside names come with the mentions themselves.
"""

from __future__ import annotations

import re

from kg.extract.context import subject_before
from kg.extract.lexicon import Lexicon
from kg.extract.spans import OFFICE_RULES, Found, SpanIndex, TextView
from kg.model import Position, Relation, most_frequent

__all__ = ["find_carries_out", "find_positions", "find_subsidiaries"]

_TRIGGERS = re.compile(
    r"探索|实践|实施|推行|推进|推广|开展|落实|深化|打造|创建|打出|举办|运用|贯彻|建立|执行|启动|用好|拓展|借鉴|打响"
    r"|健全|构建|搭建|推动|抓好|围绕|坚持|通过|夯实|创新"
)
_MAX_TRIGGER_GAP = 14
_CLAUSE_BREAK = re.compile(r"[。；;!?！？]")
_SUBSIDIARY = re.compile(r"^(?:的)?(?:全资|控股)?(?:子公司|下属单位|下属)$")


def _is_org(found: Found) -> bool:
    return found.key.startswith("Organization:")


def find_positions(view: TextView, founds: list[Found], lexicon: Lexicon) -> list[Position]:
    text = view.text
    org_ending: dict[int, Found] = {}
    held_in: dict[int, Found] = {}  # 强堆村第一书记: the organisation an office after a place implies
    for found in founds:
        if _is_org(found) and found.rule in OFFICE_RULES:
            held_in[found.end] = found
        elif _is_org(found) and (found.end not in org_ending or found.start < org_ending[found.end].start):
            org_ending[found.end] = found
    positions: list[Position] = []
    for person in (f for f in founds if f.cls == "Person"):
        sentence = view.sentence_of(person.start)
        pos = person.start
        while pos > 0 and text[pos - 1] == " ":
            pos -= 1
        held: list[tuple[str, Found | None]] = []
        while True:
            office = next((o for o in lexicon.offices if text.endswith(o, 0, pos)), None)
            if office is None:
                break
            implied = held_in.get(pos)
            pos -= len(office)
            org = org_ending.get(pos) or implied
            held.append((office, org))
            if org is not None:
                pos = org.start if org is not implied else next(
                    (p.start for p in founds if p.cls == "Place" and p.end == pos), org.start)
            if pos > 0 and text[pos - 1] == "、":
                pos -= 1
                continue
            break
        previous = [p for p in positions if p.sentence == sentence and p.organization]
        for office, org in held:
            key = org.key if org else (previous[-1].organization if previous and not held[0][1] else None)
            if key is None and office not in ("记者",):
                continue
            positions.append(Position(person.key, office, key, sentence, "office-before-name"))
    return positions


def _topic(view: TextView, doers: list[Found]) -> Found | None:
    """The place or organisation an article is about: named in its title, else most mentioned."""
    title_end = view.text.find("\n")
    in_title = [d for d in doers if 0 <= d.start and d.end <= title_end]
    if in_title:
        return in_title[0]
    key = most_frequent(d.key for d in doers if d.cls == "Place" and not d.referring)
    return next(d for d in doers if d.key == key) if key else None


def find_carries_out(view: TextView, founds: list[Found]) -> list[Relation]:
    text = view.text
    doers = [f for f in founds if f.key.startswith(("Place:", "Organization:"))]
    topic = _topic(view, doers)
    doer_index = SpanIndex(doers)
    relations: list[Relation] = []
    for programme in (f for f in founds if f.cls == "Programme"):
        sentence_start, _ = view.sentence_span(programme.start)
        window = text[sentence_start : programme.start]
        triggers = [m for m in _TRIGGERS.finditer(window)
                    if len(window) - m.end() <= _MAX_TRIGGER_GAP and not _CLAUSE_BREAK.search(window[m.end():])]
        if not triggers:
            continue
        trigger_at = sentence_start + triggers[-1].start()
        doer, where = subject_before(view, doer_index, programme.start, sentence_end=trigger_at)
        rule = f"doer-in-{where}"
        if doer is None:
            doer, rule = topic, "doer-of-article"
        if doer is None:
            continue
        relations.append(Relation(doer.key, "carriesOut", programme.key, view.sentence_of(programme.start), rule))
    return relations


def find_subsidiaries(view: TextView, founds: list[Found]) -> list[Relation]:
    orgs = sorted((f for f in founds if _is_org(f)), key=lambda f: f.start)
    relations: list[Relation] = []
    for parent, child in zip(orgs, orgs[1:]):
        between = view.text[parent.end : child.start]
        if parent.end <= child.start and _SUBSIDIARY.match(between):
            relations.append(Relation(child.key, "partOf", parent.key, view.sentence_of(child.start), "subsidiary"))
    return relations
