"""Domain lexicons (``kg/extract/lexicons/*.tsv``) and jieba's dictionary as a common-word list.

The TSV files hold knowledge that holds beyond any one corpus: national bodies and
outlets, national programmes and slogans, office titles. jieba's dictionary tells
ordinary words (``乡村``, ``超市``, ``格局``) from names, which lets the suffix rules
in :mod:`kg.extract.recognize` reject ``乡村`` as a village while accepting ``尼池社区``.
"""

from __future__ import annotations

import gzip
import hashlib
import warnings
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

with warnings.catch_warnings():  # jieba imports pkg_resources, which new setuptools warns about: not ours to act on
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    import jieba

from kg.extract.ner import SURNAME1
from kg.state import user_cached

__all__ = ["Lexicon", "load_lexicon", "read_table"]

_LEXICON_DIR = Path(__file__).resolve().parent / "lexicons"
_PLACE_TAGS = {"ns", "nt", "nz", "nr"}
_MIN_COMMON_FREQ = 3
_PARTICLE_TAGS = {"u", "uj", "ul", "uz", "ud", "ug", "uv", "y"}  # 的 了 着 地 得 过 … and 吗 呢 吧
_FUNCTION_TAGS = {"p", "c", *_PARTICLE_TAGS}
_IDIOM_MIN, _IDIOM_MAX = 4, 8  # the lengths of the idioms a name must not cut


def read_table(name: str) -> list[list[str]]:
    """The rows of ``kg/extract/lexicons/NAME`` (tab-separated, gzipped if NAME ends in ``.gz``;
    ``#`` lines are comments)."""
    data = (_LEXICON_DIR / name).read_bytes()
    text = (gzip.decompress(data) if name.endswith(".gz") else data).decode("utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class Lexicon:
    organizations: dict[str, tuple[str, str]]  # surface -> (canonical name, class)
    programmes: dict[str, str]  # surface -> canonical name
    offices: tuple[str, ...]  # longest first
    person_words: tuple[str, ...]
    common_words: frozenset[str]
    function_words: frozenset[str] = frozenset()  # the dictionary's prepositions, conjunctions, particles
    particles: frozenset[str] = frozenset()  # the dictionary's particles (的, 了, 吗)
    idioms: frozenset[str] = frozenset()  # the dictionary's idioms of four characters or more (家喻户晓)
    function_led_nouns: frozenset[str] = frozenset()  # nouns and names that open with a function word (和平, 以色列)
    surnames: frozenset[str] = frozenset()  # common one-character surnames (lexicons/surnames.txt)
    person_names: frozenset[str] = frozenset()  # the dictionary's persons' names, 2-4 chars (nr, nrt, nrfg)

    def is_common_word(self, word: str) -> bool:
        """Is ``word`` an ordinary dictionary word rather than a name?"""
        return word in self.common_words

    def is_function_word(self, word: str) -> bool:
        """Is ``word`` a preposition, conjunction or particle by the dictionary (把, 以及, 的)?"""
        return word in self.function_words

    def opens_with_function_word(self, text: str, start: int) -> bool:
        """Does ``text[start:]`` open with a preposition, conjunction or particle that begins no
        noun or name of the dictionary there (对|丘, 在|世; not 和平, 以色列)?"""
        return self.is_function_word(text[start : start + 1]) and not any(
            text[start : start + size] in self.function_led_nouns for size in range(2, 5))

    def is_surname(self, char: str) -> bool:
        """Is ``char`` a common surname? 于 and 向 are, though the dictionary takes them for prepositions."""
        return char in self.surnames

    def is_particle(self, word: str) -> bool:
        """Is ``word`` a particle by the dictionary (的, 了, 吗)?"""
        return word in self.particles

    def cuts_idiom(self, text: str, start: int, end: int) -> bool:
        """Does ``text[start:end]`` begin or end inside an idiom (故事家|喻户晓 cuts 家喻户晓)? A
        name never does; an idiom cut in two can look like a name to the name model."""
        return any(text[at : at + size] in self.idioms
                   for edge in (start, end) for at in range(max(0, edge - _IDIOM_MAX + 1), edge)
                   for size in range(max(_IDIOM_MIN, edge - at + 1), _IDIOM_MAX + 1))


def _dictionary_words() -> tuple[frozenset[str], ...]:
    """:func:`_read_dictionary`, kept in the user's cache folder under a digest of the dictionary
    and of this module (reading the dictionary takes about a second; every worker needs it)."""
    with jieba.get_dict_file() as handle:
        path, data = Path(handle.name), handle.read()
    key = hashlib.sha256(data + b"\0" + Path(__file__).read_bytes()).hexdigest()
    return user_cached("dictionary-words", key, partial(_read_dictionary, path))


def _read_dictionary(path: Path) -> tuple[frozenset[str], ...]:
    """From one read of jieba's dictionary: its common words (not names, not rare), its
    prepositions, conjunctions and particles, its particles alone, its idioms, its nouns
    and names (not persons' names: the dictionary takes 在世 for one) of two to four characters
    that open with one of those function words, and its persons' names of two to four
    characters (noisy as a rule, but evidence the name model learns to weigh)."""
    common, function, particles, idioms, nouns, persons = set(), set(), set(), set(), [], set()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3:
                if parts[2] not in _PLACE_TAGS and int(parts[1]) >= _MIN_COMMON_FREQ:
                    common.add(parts[0])
                if parts[2] in _FUNCTION_TAGS:
                    function.add(parts[0])
                if parts[2] in _PARTICLE_TAGS:
                    particles.add(parts[0])
                if parts[2] == "i" and _IDIOM_MIN <= len(parts[0]) <= _IDIOM_MAX:
                    idioms.add(parts[0])
                if parts[2].startswith("n") and 2 <= len(parts[0]) <= 4:
                    (persons.add if parts[2].startswith("nr") else nouns.append)(parts[0])
    function_led = frozenset(word for word in nouns if word[0] in function)
    return (frozenset(common), frozenset(function), frozenset(particles), frozenset(idioms), function_led,
            frozenset(persons))


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    organizations: dict[str, tuple[str, str]] = {}
    for row in read_table("organizations.tsv"):
        name, cls = row[0], row[1]
        aliases = row[2].split("|") if len(row) > 2 and row[2] else []
        for surface in [name, *aliases]:
            organizations[surface] = (name, cls)
    programmes: dict[str, str] = {}
    for row in read_table("programmes.tsv"):
        aliases = row[1].split("|") if len(row) > 1 and row[1] else []
        for surface in [row[0], *aliases]:
            programmes[surface] = row[0]
    roles = read_table("roles.tsv")
    by_length = sorted(roles, key=lambda r: (-len(r[0]), r[0]))
    common, function, particles, idioms, function_led, persons = _dictionary_words()
    return Lexicon(
        organizations=organizations,
        programmes=programmes,
        offices=tuple(r[0] for r in by_length if r[1] == "office"),
        person_words=tuple(r[0] for r in by_length if r[1] == "person"),
        common_words=common,
        function_words=function,
        particles=particles,
        idioms=idioms,
        function_led_nouns=function_led,
        surnames=frozenset(SURNAME1),
        person_names=persons,
    )
