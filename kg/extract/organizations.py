"""Find organisations by their suffix, the place or organisation in front of it, and lexicons.

An organisation name ends in a typed suffix (党支部 → party organisation, 派出所 →
government body, 有限公司 → enterprise, 基金会 → social organisation, 党校 → school,
日报 → media outlet, 支队 → military unit). Its start is found by looking left:

1. a place mention ending where the suffix begins makes a place-bound name
   (``巴宜区尼池社区党委`` → 尼池社区党委, located in 尼池社区);
2. an organisation ending there makes a sub-organisation (``那曲市委`` + ``党校`` →
   那曲市委党校, part of 那曲市委);
3. otherwise LAC's name-like tokens (ORG, nz, LOC, PER, words not in the dictionary) to the left, up to 14 characters;
4. a bare level word, a word of its own (``村党支部``, ``该村党支部``), means the nearest place
   of that level earlier in the paragraph, else the one place of that level the article
   names; with nothing in front, the suffix alone (党委, 协会) is generic and left out.

National bodies and outlets come from ``kg/extract/lexicons/organizations.tsv``. Names
defined in the text with ``(以下简称“…”)`` become aliases in :mod:`kg.extract.aliases`; the
publisher a byline names becomes an entity in :mod:`kg.extract.entities`.
"""

from __future__ import annotations

import re

from kg.extract.context import Places
from kg.extract.lexicon import Lexicon
from kg.extract.names import (
    FULL_SUFFIX_LEVELS,
    FULL_SUFFIXES,
    FUNCTION_TAGS,
    LEVEL_WORDS,
    NAME_TAGS,
    NOT_NAME_TAGS,
    ORG_SUFFIXES,
)
from kg.extract.offices import office_organization
from kg.extract.spans import ANAPHORA_RULE, LISTED_OFFICE_RULE, OFFICE_RULE, Found, SpanIndex, TextView, is_han
from kg.model import org_key

__all__ = ["find_organizations"]

_PARTY_COMMITTEE = re.compile(r"委(?!员|托|屈|婉|派)")  # 那曲市委, not 委员
_COMMITTEE_PLACES = ("市", "县", "区", "州", "省")
_SUFFIX_RE = re.compile("|".join(sorted(ORG_SUFFIXES, key=len, reverse=True)))
_MAX_NAME = 14
_NOUN_TAGS = frozenset({"n", "vn", "nz", "an", "nw", "j"})
_CONJUNCTIONS = "和与及、暨"
_REFERRING = re.compile("(?:该|本|我|全)?(" + "|".join(sorted(LEVEL_WORDS, key=len, reverse=True)) + ")")
_REFERRING_END = re.compile(_REFERRING.pattern + "$")  # a referring word that ends where a suffix begins
_COMMITTEE_LEVEL = {"村委会": "村", "居委会": "社区"}
_KIND_BEFORE = re.compile(r"(?:\d+|[一两二三四五六七八九十百]+)[个家所]$|[各每该“]$")  # 4个联村党委 is a kind


class _OrgReader:
    def __init__(self, view: TextView, lexicon: Lexicon, places: list[Found]) -> None:
        self.view, self.lex = view, lexicon
        self.place_ending = {p.end: p for p in places}
        self.places = places
        self.by_level = Places(places)
        self.named = SpanIndex([p for p in places if not p.referring])
        self.orgs: list[Found] = []
        self.by_end: dict[int, list[Found]] = {}  # so no lookup scans every organisation found so far

    def _org_ending(self, pos: int) -> Found | None:
        return self.by_end[pos][-1] if pos in self.by_end else None

    def _ending_in(self, after: int, upto: int) -> list[Found]:  # a name's length apart: not the whole text
        return [o for end in range(after + 1, upto + 1) for o in self.by_end.get(end, ())]

    def _suffix_ok(self, start: int, end: int) -> bool:
        """The suffix is not the inside of an ordinary word (布局, 网格)."""
        token = self.view.token_at(start)
        if token is None:
            return False
        inside_name = token[2] in NAME_TAGS or not self.lex.is_common_word(self.view.text[token[0] : token[1]])
        office_after = self.view.text.startswith(self.lex.offices, end)  # 党委书记 is one word to LAC
        return (start in self.view.starts or inside_name) and (end in self.view.ends or inside_name or office_after)

    def _walk_left(self, pos: int, accept) -> int:
        """Where a run of tokens ending at ``pos`` that ``accept(word, tag)`` begins."""
        start = pos
        for token_start, token_end, tag in reversed(self.view.tokens_between(max(0, pos - _MAX_NAME), pos)):
            word = self.view.text[token_start:token_end]
            if token_end != start or not is_han(word) or tag in FUNCTION_TAGS or not accept(word, tag):
                break
            start = token_start
        return start

    def _material_start(self, pos: int) -> int:
        """Where the name whose suffix begins at ``pos`` begins.

        Name-like tokens to the left (LAC names, words not in the dictionary); else a place, or a person's
        name, and the ordinary nouns between it and the suffix (雅江村 + 青稞种植专业 + 合作社); else a LAC
        name token that covers the suffix too, from the last place in it, cut after a conjunction that
        follows a complete organisation name (A合作社和B合作联社 is two)."""
        token = self.view.token_at(pos)
        inside = token is not None and token[0] < pos  # 种植专业合作社 is one token
        start = self._walk_left(pos, lambda word, tag: tag in NAME_TAGS or (
            len(word) >= 2 and tag not in NOT_NAME_TAGS and not self.lex.is_common_word(word)))
        head = token[0] if inside and start == pos and token[2] in _NOUN_TAGS else start
        nouns = self._walk_left(head, lambda word, tag: tag in _NOUN_TAGS)
        for at in range(head, nouns - 1, -1):  # the place nearest the suffix that the nouns reach back to
            place = self.place_ending.get(at)
            if place is not None and (at in self.view.starts or at == head):
                return place.start  # the chain before it is places: 三沙镇 + 东山村 + 渔业专业 + 合作社
        person = self.view.token_at(nouns - 1) if 0 < nouns < head else None
        if person and person[1:] == (nouns, "PER") and not self.view.text.startswith(self.lex.offices, nouns):
            return person[0]  # 张建国 + 养殖专业 + 合作社, named after its founder (not 习近平 + 总书记 + …)
        if start < pos:
            return self._model_start(start, pos)
        if not (inside and token[2] in NAME_TAGS):  # a LAC name token that covers the suffix too
            return pos
        joined = [o.end + 1 for o in self._ending_in(token[0], pos - 1) if self.view.text[o.end] in _CONJUNCTIONS]
        last = self._place_inside(token[0], pos)  # 三沙镇|东山村|渔业专业合作社: its place chain is places
        return self._model_start(max(joined, default=last.start if last else token[0]), pos)

    def _model_start(self, begin: int, pos: int) -> int:
        """Where the name model's names that run up to (or over) the suffix at ``pos`` begin, if after
        ``begin``, the start LAC's tokens give, with no name of the model's between: LAC read 加|上特区政府
        and 中央政府维护特区政府 as one token (the model: 特区), and took 本报讯 for part of a name."""
        names = self.view.model_names
        at = min((n.start for n in names.overlapping(pos - 1, pos) if n.start > begin), default=pos)
        while (earlier := min((n.start for n in names.overlapping(at - 1, at) if n.end == at and n.start > begin),
                              default=None)) is not None:
            at = earlier
        return begin if at == pos or names.starting_in(begin, at) else at

    def _place_said_again(self, pos: int) -> Found | None:
        """水宁寺村 + 村党支部, 尼池社区 + 社区党委: the place whose level word is said again right before ``pos``."""
        for word in LEVEL_WORDS:
            place = self.place_ending.get(pos - len(word))
            if place is not None and place.name.endswith(word) and self.view.text.startswith(word, pos - len(word)):
                return place
        return None

    def _level_word_before(self, pos: int) -> int:
        """Where a bare level word, a word of its own, begins right before ``pos`` (村 + 党支部, 该村 + 党支部)."""
        match = _REFERRING_END.search(self.view.text, max(0, pos - 3), pos)
        return next((at for at in (match.start(), match.start(1)) if at in self.view.starts), pos) if match else pos

    def _anaphor(self, level_word: str, start: int) -> Found | None:
        """``村`` in ``村党支部`` at ``start`` → the nearest village earlier in the paragraph, else the one named."""
        level = LEVEL_WORDS.get(level_word)
        return (self.by_level.nearest_earlier(self.view, level, start) or self.by_level.only(level)) if level else None

    def _add(self, start: int, end: int, name: str, cls: str, rule: str, *, place: Found | None = None,
             part_of: Found | None = None, aliases: tuple[str, ...] = ()) -> None:
        if self.lex.is_common_word(name) or len(name) < 3:
            return
        if place is not None and place.level in FULL_SUFFIX_LEVELS:  # 米林县政府, 该县政府: 米林县人民政府
            short = name.removeprefix(place.name)
            if short in FULL_SUFFIXES:
                name, aliases = place.name + FULL_SUFFIXES[short], (*aliases, name)
        canonical, lex_cls = self.lex.organizations.get(name, (name, cls))
        national = name in self.lex.organizations  # a national body is one, wherever it is named
        where = place.key if place else part_of.parent if part_of else None  # a part is where its whole is
        key = org_key(canonical, None if national else where)
        self.orgs.append(Found(start, end, lex_cls, key, canonical, rule, parent=where,
                               part_of=part_of.key if part_of else None, aliases=aliases))
        self.by_end.setdefault(end, []).append(self.orgs[-1])

    def _committee(self, place: Found, end: int) -> None:
        """``那曲市委`` is the city's party committee; a region's is ``西藏自治区党委``."""
        name = place.name + ("党委" if place.name.endswith("自治区") else "委")
        self._add(place.start, end, name, "PartyOrganization", "committee", place=place,
                  aliases=(self.view.text[place.start : end],))

    def read(self) -> list[Found]:
        text = self.view.text
        for match in _PARTY_COMMITTEE.finditer(text):
            place = self.place_ending.get(match.start())
            if place and place.name.endswith(_COMMITTEE_PLACES):
                self._committee(place, match.end())
        for match in _SUFFIX_RE.finditer(text):
            self._read_suffix(match.start(), match.end(), match.group(0))
        self._offices_of_places()
        self._coordinated_offices()
        self._lexicon_matches()
        self.orgs.sort(key=lambda f: (f.start, -f.end))
        return self.orgs

    def _read_suffix(self, suffix_start: int, end: int, suffix: str) -> None:
        if not self._suffix_ok(suffix_start, end):
            return
        cls = ORG_SUFFIXES[suffix]
        place = self.place_ending.get(suffix_start) or self._place_said_again(suffix_start)
        if place is not None:
            outer = self._org_ending(self._chain_start(place))
            if outer is not None:  # 那曲市委党校 + 色尼区 + 分校
                name = outer.name + self.view.text[outer.end : end]
                self._add(outer.start, end, name, cls, "sub-organization", place=place, part_of=outer)
                return
            self._add(place.start, end, place.name + suffix, cls, "place+suffix", place=place,
                      aliases=(self.view.text[self._chain_start(place) : end],))
            return
        outer = self._org_ending(suffix_start)
        if outer is not None and outer.start < suffix_start:
            self._add(outer.start, end, outer.name + suffix, cls, "sub-organization", part_of=outer)
            return
        start = self._material_start(suffix_start)
        start = self._level_word_before(suffix_start) if start == suffix_start else start
        if start < suffix_start and self.lex.opens_with_function_word(self.view.text, start) \
                and not self.lex.is_surname(self.view.text[start]) and not self.named.starting_in(start, start + 1):
            return  # 对丘, 在世 (names to LAC and the model) + 合作社; but 于海涛 + …, 从江县 + …
        if start == suffix_start and suffix in _COMMITTEE_LEVEL:  # 村委会主任 → that village's committee
            target = self._anaphor(_COMMITTEE_LEVEL[suffix], suffix_start)
            if target is not None:
                self._add(suffix_start, end, target.name + suffix, cls, ANAPHORA_RULE, place=target)
            return
        if start == suffix_start or _KIND_BEFORE.search(self.view.text[max(0, start - 4) : start]):
            return
        inner = self._ending_in(start, suffix_start)
        if inner:  # 杭州市委党校 + 党史党建 + 教研部
            outer = max(inner, key=lambda o: (o.end, -o.start))
            name = outer.name + self.view.text[outer.end : end]
            self._add(outer.start, end, name, cls, "sub-organization", part_of=outer)
            return
        material = self.view.text[start:suffix_start]
        referring = _REFERRING.match(material)
        if referring and not self.named.starting_in(start, start + 1):  # 村党支部, 该村股份经济合作社
            target = self._anaphor(referring.group(1), start)
            if target is not None:
                name = target.name + material[referring.end() :] + suffix
                self._add(start, end, name, cls, ANAPHORA_RULE, place=target)
            return  # 县农牧合作联社 in an article of no county, or of several: whose, the text does not say
        if suffix == "网" and len(material) < 2:
            return
        outer = self._org_ending(start)
        located = self._place_inside(start, end)
        self._add(start, end, material + suffix, cls, "suffix", place=located, part_of=outer)

    def _offices_of_places(self) -> None:
        """强堆村第一书记, 巴宜区区长: an office right after a place is held in that office's organisation there."""
        ends = {o.end for o in self.orgs}
        for place in self.places:
            if place.end in ends or not place.level:
                continue
            office = self._office_at(place.end)
            held = office_organization(place, office) if office else None
            if held is not None:
                self._add(place.start, place.end + len(office), *held, OFFICE_RULE, place=place)

    def _coordinated_offices(self) -> None:
        """于都县委副书记、县长, 祥周镇党委书记、镇长: an office listed after an office held in a place's
        organisation is held in the organisation that office belongs to in the same place."""
        text, places = self.view.text, {p.key: p for p in self.places if p.level}
        for org in list(self.orgs):
            place, pos = places.get(org.parent or ""), org.end
            office = self._office_at(pos)
            while place is not None and office is not None and text.startswith("、", pos + len(office)):
                pos += len(office) + 1
                office = self._office_at(pos)
                held = office_organization(place, office) if office else None
                if held is not None:
                    self._add(pos, pos + len(office), *held, LISTED_OFFICE_RULE, place=place)

    def _office_at(self, pos: int) -> str | None:
        return next((o for o in self.lex.offices if self.view.text.startswith(o, pos)), None)

    def _chain_start(self, place: Found) -> int:
        start = place.start
        while (previous := self.place_ending.get(start)) is not None:
            start = previous.start
        return start

    def _place_inside(self, start: int, end: int) -> Found | None:
        inside = [p for p in self.named.starting_in(start, end) if p.end <= end]
        return max(inside, key=lambda p: p.end) if inside else None

    def _lexicon_matches(self) -> None:
        for start, end, surface in self.view.find_entries(self.lex.organizations):
            name, cls = self.lex.organizations[surface]
            self.orgs.append(Found(start, end, cls, org_key(name), name, "lexicon"))


def find_organizations(view: TextView, lexicon: Lexicon, places: list[Found]) -> list[Found]:
    """Every organisation mention in ``view``."""
    return _OrgReader(view, lexicon, places).read()
