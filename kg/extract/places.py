"""Find places: administrative chains, sub-county names by suffix, roads and sites, and 我区/该市.

Rules, in the order they are tried at each token start:

1. *Chains.* ``日喀则市白朗县巴扎乡`` is read left to right: each link is a gazetteer
   division consistent with the link before it, or a township/village/community name
   found by its suffix (乡 镇 街道 苏木 村 社区 嘎查). Each link's parent is the link before it, and a
   gazetteer division brings its own parents (巴宜区 › 林芝市 › 西藏自治区). A township named
   bare or after its prefecture goes into the one county that lists it (八一镇 › 巴宜区).
2. *Short forms* of provinces and prefectures (西藏, 林芝) when they are a whole token.
3. *Roads* (国道318) and *sites* (巴松措湖, 易贡桃花谷): :mod:`kg.extract.sites`.
4. *Relative references*: 我区/全区/自治区 mean the article's home region when that is an autonomous
   region; 该市/全市, 该县, 全镇, 全村… the nearest place of that level earlier in the paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from kg.extract.context import Places
from kg.extract.gazetteer import LEVELS, Division, Gazetteer
from kg.extract.lexicon import Lexicon
from kg.extract.names import LEVEL_WORDS, NAME_TAGS, ORG_SUFFIXES, begins_badly, made_of_names
from kg.extract.sites import SITE_GENERIC_START, find_sites
from kg.extract.spans import HAN, Found, SpanIndex, TextView, is_han
from kg.model import key_path, most_frequent, place_key

__all__ = ["find_places", "home_province"]

_SUB_COUNTY = re.compile(rf"([{HAN}]{{1,5}}?)(社区|街道|乡|镇|村|嘎查|苏木)")  # 嘎查, 苏木: Inner Mongolia's village, township
_BAD_STEM_START = set("乡镇村县市区省街社")
_NOT_STEMS = set("全各该本每此这一两驻进入到在回下城农山小大新老")
_RELATIVE = re.compile(r"(我区|全区|自治区|区党委|区委|全市|该市|我市|本市|市委|全县|该县|我县|县委|州委|全镇|该镇|全乡|该乡"
                       r"|全村|该村)")
_COUNTY_SUFFIXES = ("县", "市", "区", "旗")
_ATTRIBUTIVE = ("式", "特色", "型", "化")
_ORG_FOLLOWERS = tuple(sorted({*ORG_SUFFIXES, "党", "委", "人民", "融媒体"}, key=len, reverse=True))


def _division_found(division: Division, start: int, rule: str, length: int | None = None) -> Found:
    """A mention of ``division`` at ``start``; ``length`` when the text names it otherwise (an old name)."""
    parent = place_key(division.parent_path) if len(division.path) > 1 else None
    return Found(start, start + (length or len(division.name)), "Place", place_key(division.path), division.name,
                 rule, level=division.level, parent=parent)


def _deeper(child: str, parent: str | None) -> bool:
    return parent is None or LEVELS.index(child) > LEVELS.index(parent)


class _ChainReader:
    """Reads administrative chains starting at token starts."""

    def __init__(self, view: TextView, gazetteer: Gazetteer, lexicon: Lexicon, home: str | None) -> None:
        self.view, self.gaz, self.lex, self.home = view, gazetteer, lexicon, home
        self.model_starts = {start for start, _, kind in view.names if kind == "LOC"}
        self.chained: set[str] = set()  # townships read so far in the chain of a county that lists them

    def _bounded(self, end: int, level_word: str = "") -> bool:
        """A name may end here: at a token end, where an organisation suffix follows, inside an organisation's
        name the model reads (三沙镇|东山村|渔业专业合作社), or at its level word and one (水宁寺村 + 村党支部,
        which LAC reads as 水宁寺村村 + 党支部)."""
        text = self.view.text
        return end in self.view.ends or text.startswith(_ORG_FOLLOWERS, end) or any(
            n.kind == "ORG" and n.start < end < n.end for n in self.view.model_names.overlapping(end, end + 1)) or (
            bool(level_word) and text.startswith(level_word, end)
            and text.startswith(_ORG_FOLLOWERS, end + len(level_word)))

    def _division(self, pos: int, parent: Found | None) -> Found | None:
        text = self.view.text
        for length in self.gaz.lengths_at(text, pos):
            candidates = self.gaz.lookup(text[pos : pos + length])
            if not candidates:
                continue
            if parent is not None:
                candidates = [c for c in candidates if place_key(c.path).startswith(parent.key + "/")]  # 河南省兰考县
            elif len(candidates) > 1 and self.home:
                candidates = [c for c in candidates if c.path[0] == self.home] or candidates
            levels = {c.level for c in candidates}
            if len(candidates) > 1 and parent is None and len(levels) == 1 and length > 2:
                # 城关区: many counties have that name; which, the text does not say: left for kg.merge.resolve
                name = candidates[0].name
                return Found(pos, pos + length, "Place", place_key([name]), name, "gazetteer-ambiguous",
                             level=levels.pop())
            if len(candidates) != 1:
                return None  # ambiguous without context: bail out rather than guess
            found = _division_found(candidates[0], pos, "gazetteer", length)
            if length == 2 and parent is None and not self._bounded(found.end):
                return None
            return found
        return None

    def _short_form(self, pos: int) -> Found | None:
        if self.view.text[pos : pos + 2] not in self.gaz.short_starts:
            return None
        token = self.view.token_at(pos)
        if token is None or token[0] != pos:
            return None
        for end in sorted({token[1], *(e for e in range(pos + 2, pos + 5))}, reverse=True):
            candidates = self.gaz.lookup_short(self.view.text[pos:end])
            longer = (self.view.text[pos : end + extra] for extra in (1, 2))
            if any(self.lex.is_common_word(word) for word in longer):
                continue
            if len(candidates) == 1 and (end == token[1] or self._division(end, None)):
                division = candidates[0]
                found = _division_found(division, pos, "gazetteer-short")
                return Found(pos, end, found.cls, found.key, found.name, found.rule, found.level, found.parent)
        return None

    def _read_whole(self, start: int, end: int, parent: Found | None) -> bool:
        """Is ``text[start:end]``, three characters or more, one LAC word right after its parent in a
        chain? Then its tag is LAC's slip (从江县加榜乡 read as 'p' and 'v'), not a verb in front of a name."""
        token = self.view.token_at(start)
        return parent is not None and parent.end == start and end - start >= 3 and token is not None \
            and token[:2] == (start, end)

    def _sub_county(self, pos: int, parent: Found | None) -> Found | None:
        match = _SUB_COUNTY.match(self.view.text, pos)
        if not match:
            return None
        (stem, suffix), name = match.groups(), match.group(0)
        level = LEVEL_WORDS[suffix]
        if stem[0] in _BAD_STEM_START or stem in _NOT_STEMS or not _deeper(level, parent and parent.level):
            return None
        counties = self._listing(name, parent) if level == "township" else []
        if begins_badly(self.view, pos) and pos not in self.model_starts \
                and not self._read_whole(pos, match.end(), parent) and not (counties and (parent or name in self.chained)):
            return None  # 乃东区把以社区: not a name's start (西吉县将台堡镇 is: that county lists it)
        whole = pos + len(stem) in self.view.ends or (self.view.token_at(pos) or ())[:2] == (pos, match.end())  # 于|城镇
        vouched = counties and (name in self.chained or len(stem) > 1 and whole)  # named in its chain, or listed
        if parent is None and not vouched and not self._standalone_ok(pos, name, stem):
            return None
        if len(counties) == 1 and (parent is None or parent.level in ("province", "prefecture")):  # 八一镇 › 巴宜区
            key, parent_key = place_key((*counties[0].path, name)), place_key(counties[0].path)
        else:
            key, parent_key = (f"{parent.key}/{name}", parent.key) if parent else (place_key([name]), None)
        found = Found(pos, match.end(), "Place", key, name, "suffix", level=level, parent=parent_key)
        # It may end here only at a name boundary or where the chain goes on (古乡 + 嘎朗村).
        if not self._bounded(found.end, suffix) and not self._sub_county(found.end, found):
            return None
        if counties and parent is not None:
            self.chained.add(name)  # named again bare, later, it is the same township (由旺镇新华村)
        return found

    def _listing(self, name: str, parent: Found | None) -> list[Division]:
        """The counties that list township ``name``: under ``parent``, else in the article's province (or China)."""
        if parent is not None:
            return self.gaz.listing_counties(name, tuple(key_path(parent.key).split("/")))
        return self.gaz.listing_counties(name, (self.home,) if self.home else ())

    def _standalone_ok(self, start: int, name: str, stem: str) -> bool:
        """Without a parent, a suffix name must be made of name-like tokens (not 加强城市社区), and the
        name model must read a name starting there (not 这个|小山村, which LAC may take for a place)."""
        token = self.view.token_at(start)
        named = token is not None and self.view.model_names.overlaps(start, start + 1)
        if not named or token[0] != start or self.lex.is_common_word(name):
            return False
        if len(stem) < 2 and (token[2] != "LOC" or self.lex.is_function_word(stem)):
            return False  # 从把村: LAC may take 把 for a place; the dictionary knows it is a preposition
        last = self.view.token_at(start + len(stem))  # 局限于|城镇: the suffix ends a word the stem began
        if last and start < last[0] < start + len(stem) and last[2] not in NAME_TAGS:
            return False
        return not any(tag not in NAME_TAGS and self.lex.is_common_word(self.view.text[s:e])
                       for s, e, tag in self.view.tokens_between(start, start + len(stem)))

    def read(self, pos: int) -> list[Found]:
        chain: list[Found] = []
        if not (self.gaz.may_start(self.view.text, pos) or _SUB_COUNTY.match(self.view.text, pos)):
            return chain  # most positions start nothing: spare them the three readers' calls
        while True:
            parent = chain[-1] if chain else None
            link = self._division(pos, parent)
            if link is None and parent is None:
                link = self._short_form(pos)
            if link is None:
                link = self._sub_county(pos, parent)
            if link is None or (parent and not _deeper(link.level or "site", parent.level)):
                return chain
            chain.append(link)
            pos = link.end


def home_province(founds: Iterable[Found]) -> str | None:
    """The province most mentioned (through any division in it); ties go to the first in name order.
    A name many divisions share (``gazetteer-ambiguous``: 城关区) says nothing of the province."""
    return most_frequent(key_path(f.key).split("/")[0] for f in founds
                         if f.rule.startswith("gazetteer") and f.rule != "gazetteer-ambiguous")


def _relative(view: TextView, places: list[Found], home: Division | None) -> list[Found]:
    found: list[Found] = []
    named, by_level = SpanIndex(places), Places(places)
    for match in _RELATIVE.finditer(view.text):
        start = match.start()
        if named.overlaps(start, start + 1) or (start > 0 and view.text[start - 1] in "自社街"):
            continue  # 自治区 is a name's end, 社区党委 and 街区 are not 区党委 and 区
        word = match.group(1)
        if word.startswith(("我区", "全区", "自治区", "区")):
            if home is None or not home.name.endswith("自治区"):
                continue
            end = start + (len(word) - (2 if word.endswith("党委") else 1 if word.endswith("委") else 0))
            found.append(Found(start, end, "Place", place_key(home.path), home.name, "relative", level="province"))
            continue
        committee = word.endswith("委")  # 县委: the county's committee, named after its county
        level = LEVEL_WORDS[word[0] if committee else word[-1]]
        target = by_level.nearest_earlier(view, level, start)
        if target is not None:
            end = match.end() - 1 if committee else match.end()
            found.append(Found(start, end, "Place", target.key, target.name, "relative", level=level,
                               parent=target.parent))
    return found


def find_places(view: TextView, gazetteer: Gazetteer, lexicon: Lexicon) -> list[Found]:
    """Every place mention in ``view``, with keys and parents."""
    first_pass = _read_chains(view, gazetteer, lexicon, None)
    home_name = home_province(first_pass)
    places = _read_chains(view, gazetteer, lexicon, home_name) if home_name else first_pass
    taken = SpanIndex(places)
    places += [s for s in find_sites(view, taken) if not taken.overlaps(s.start, s.end)]
    taken = SpanIndex(places)
    places += [m for m in _model_places(view, gazetteer, lexicon) if not taken.overlaps(m.start, m.end)]
    places = _as_qualified_here(places)
    home = gazetteer.by_path.get((home_name,)) if home_name else None
    places += _relative(view, places, home)
    return sorted(places, key=lambda f: (f.start, -f.end))


def _model_places(view: TextView, gazetteer: Gazetteer, lexicon: Lexicon) -> list[Found]:
    """Divisions the name model finds that no rule did (定日 for 定日县), made of names and
    known to the gazetteer by that name, short form or county name alone. Other places the
    model alone proposes are left to :func:`kg.extract.find.entities`: too uncertain for the
    graph (美乡村, 镇改街道 look like places to it)."""
    found = []
    for start, end, kind in view.names:
        name = view.text[start:end]
        if (kind != "LOC" or len(name) < 2 or not is_han(name) or name.startswith(SITE_GENERIC_START)
                or view.text.startswith(_ATTRIBUTIVE, end) or not made_of_names(view, lexicon, start, end)):
            continue  # 中国式现代化: a place name used as a modifier is not a mention of the place
        divisions = gazetteer.lookup(name) or gazetteer.lookup_short(name) or [
            d for suffix in _COUNTY_SUFFIXES for d in gazetteer.lookup(name + suffix)]  # 定日 → 定日县
        if len(divisions) == 1:
            found.append(_division_found(divisions[0], start, "model", end - start))
    return found


def _as_qualified_here(places: list[Found]) -> list[Found]:
    """A place named bare (雅江村) where the same article names it with its chain
    (扎囊县桑耶镇雅江村) is that place: the article itself says which one it means."""
    qualified: dict[str, set[Found]] = {}
    for place in places:
        if "/" in place.key:
            qualified.setdefault(place.name, set()).add(place)
    resolved = []
    for place in places:
        chains = {p.key: p for p in qualified.get(place.name, ())}
        if "/" not in place.key and len(chains) == 1:
            (chain,) = chains.values()
            place = replace(place, key=chain.key, parent=chain.parent, level=chain.level or place.level)
        resolved.append(place)
    return resolved


def _read_chains(view: TextView, gazetteer: Gazetteer, lexicon: Lexicon, home: str | None) -> list[Found]:
    reader = _ChainReader(view, gazetteer, lexicon, home)
    found: list[Found] = []
    pos = 0
    text = view.text
    after_break = {i for i in range(1, len(text)) if not "\u4e00" <= text[i - 1] <= "\u9fff"}
    for start in sorted(view.starts | after_break):
        if start < pos:
            continue
        chain = reader.read(start)
        if chain:
            found.extend(chain)
            pos = chain[-1].end
    return found
