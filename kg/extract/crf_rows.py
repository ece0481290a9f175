"""The character CRF's attributes for a batch of texts, as rows of its weight table.

:func:`kg.extract.ner.features` spells each attribute out as a string (``'c-1c0=村党'``), as
crfsuite wants for training. To score texts, :class:`kg.extract.crf_scores.CrfScores` needs
only each attribute's row. :class:`AttributeRows` finds them for a whole batch with one
dictionary lookup per character (its token, type and flags) and three per LAC word (the
word as ``w``, ``w-1`` and ``w+1``); the rest is integer arithmetic in numpy over the batch
laid end to end, each text between two pads a side, so that no window of ±2 reaches into
the next text::

    pad pad t e x t 1 pad pad pad pad t e x t 2 pad pad

A character n-gram is looked up by its tokens' numbers, so a text with a character whose
normal form is longer than one character (``…`` is ``...``) is not taken: the strings of
its n-grams do not split into characters. :meth:`AttributeRows.rows` says which texts it
took; ``tests/test_ner.py`` checks that the rows are the ones the spelled-out attributes have.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import reduce
from itertools import repeat

import numpy as np

from kg.extract.ner import (
    BIGRAM_KINDS,
    MAX_WORD,
    PLACE_ABBREV,
    SURNAME1,
    SURNAME2,
    UNIGRAM_KINDS,
    WORD_LENGTH_CAP,
    char_type,
    norm,
)

__all__ = ["AttributeRows"]

_TOKEN = re.compile(r"</s>|<s>|.", re.DOTALL)   # a char n-gram's value, as its tokens
_TYPES = "HNAPSO^$"                        # char_type's letters, then the pads of ty3
_POS = "BMES"
_SN2_FIRST = frozenset(s[0] for s in SURNAME2)
_WORD_KINDS = ("t", "t-2", "t-1", "t+1", "t+2")
_CHAR_KINDS = UNIGRAM_KINDS + BIGRAM_KINDS + ("c-1c0c1", "c-1c1", "wb", "we")   # values made of tokens
_TAG_KINDS = _WORD_KINDS + ("t-1t0t+1",)                                       # values made of LAC tags
# A char's code: bit 0 set if its normal form is not one char, bit 1 if a two-char surname
# may start with it, bit 2 a surname, bit 3 a place abbreviation, bits 4-6 its type, then its token.
_MULTI, _SN2, _SN, _AB, _TYPE_SHIFT, _TOKEN_SHIFT = 1, 2, 4, 8, 4, 7


class _Codes(dict):
    """char -> its code (see above), worked out the first time the char is met."""

    def __init__(self, tokens):
        super().__init__()
        self.tokens = tokens

    def __missing__(self, c):
        token = norm(c)
        code = (self.tokens.get(token, 0) << _TOKEN_SHIFT | _TYPES.index(char_type(c)) << _TYPE_SHIFT
                | (c in PLACE_ABBREV) * _AB | (c in SURNAME1) * _SN | (c in _SN2_FIRST) * _SN2 | (len(token) != 1))
        self[c] = code
        return code


class _Keyed:
    """Sorted integer keys -> rows (one or more per key); keys not held -> ``unseen``."""

    def __init__(self, found: dict[int, list[int]], width: int, unseen: int):
        found = {-1: [unseen] * width, **found}   # keys are >= 0: a key below all, never asked for
        self.keys = np.array(sorted(found), dtype=np.int64)
        self.rows = np.array([found[k] for k in sorted(found)], dtype=np.intp).reshape(-1, width)
        self.unseen = unseen

    def __getitem__(self, keys: np.ndarray) -> np.ndarray:
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        return np.where((self.keys[at] == keys)[:, None], self.rows[at], self.unseen)


class AttributeRows:
    """A crfsuite model's attribute -> row table (``unseen``: the zero row), read for batches."""

    def __init__(self, rows: dict[str, int], unseen: int):
        self.unseen = unseen
        values: dict[str, dict[str, int]] = defaultdict(dict)   # kind -> value -> row
        for attr, row in rows.items():
            kind, sep, value = attr.partition("=")
            if sep:
                values[kind][value] = row
        tokens = _numbered(t for kind in _CHAR_KINDS for value in values[kind] for t in _TOKEN.findall(value))
        tags = _numbered([t for kind in _TAG_KINDS for value in values[kind] for t in value.split("|")]
                         + [value[2:] for value in values["p"]] + ["BOS", "EOS"])
        self.base = base = len(tokens) + 1
        nt = len(tags) + 1
        self._codes, self._tag, self._pads = _Codes(tokens), tags, (tokens.get("<s>", 0), tokens.get("</s>", 0))

        def chars(n):    # a value of n tokens, as a number
            return lambda value: _number([tokens[t] for t in _TOKEN.findall(value)], base, n)

        def tagged(n):   # a value of n LAC tags, as a number
            return lambda value: _number([tags.get(t, 0) for t in value.split("|")], nt, n)

        def table(kinds, key, size=None):
            return _table([values[kind] for kind in kinds], key, unseen, size)

        self._uni, self._wb_we = table(UNIGRAM_KINDS, chars(1), base), table(("wb", "we"), chars(1), base)
        self._bi, self._tri, self._skip = table(BIGRAM_KINDS, chars(2)), table(("c-1c0c1",), chars(3)), \
            table(("c-1c1",), chars(2))
        type_of = {t: k for k, t in enumerate(_TYPES)}
        self._ty = table(("ty",), lambda v: type_of.get(v), len(_TYPES))
        self._ty3 = table(("ty3",), lambda v: _number([type_of.get(t) for t in v], 8, 3), 8 ** 3)
        self._tags, self._tags3 = table(_WORD_KINDS, tagged(1), nt), table(("t-1t0t+1",), tagged(3), nt ** 3)
        self._p = table(("p",), lambda v: _number([_POS.find(v[:1]), tags.get(v[2:], 0)], nt, 2), len(_POS) * nt)
        self._wl = table(("wl",), lambda v: int(v) if v.isdigit() and int(v) <= WORD_LENGTH_CAP else None,
                         WORD_LENGTH_CAP + 1)
        self._flag = {name: rows.get(name, unseen) for name in ("ab", "ab-1", "ab+1", "sn", "sn2", "sn-1", "sn-2")}
        self._flag_pos = {name: np.array([rows.get(f"{name}|{p}", unseen) for p in _POS]) for name in ("ab", "sn")}
        self._words = [values[kind] for kind in ("w", "w-1", "w+1")]

    def rows(self, texts, lac_results):
        """(taken, char rows, word rows, word lengths) for the texts at the indices ``taken``
        (all but those :class:`AttributeRows` cannot take): char rows (23, their chars) in
        :func:`kg.extract.ner.feature_columns`' order less ``bias`` and the word attributes;
        word rows (their words, 12) in :func:`kg.extract.ner.word_attributes`' order."""
        taken = list(range(len(texts)))
        while True:
            joined = "".join(f"\0\0{texts[k]}\0\0" for k in taken)
            code = np.fromiter(map(self._codes.__getitem__, joined), dtype=np.int64, count=len(joined))
            lengths = np.array([len(texts[k]) for k in taken], dtype=np.int64)
            ends = np.cumsum(lengths + 4)
            multi = np.add.reduceat(code & _MULTI, ends - lengths - 4) if len(code) else lengths
            if not multi.any():
                break
            taken = [k for k, m in zip(taken, multi) if not m]
        for k in taken:
            if "".join(w for w, _ in lac_results[k]) != texts[k]:
                raise ValueError("lac_words do not spell out text")
        starts = ends - lengths - 2
        real = np.ones(len(code), bool)
        for pad in (starts - 2, starts - 1, ends - 2, ends - 1):
            real[pad] = False
        at = np.flatnonzero(real)
        tok, typ = code >> _TOKEN_SHIFT, code >> _TYPE_SHIFT & 7
        tok[starts - 2] = tok[starts - 1] = self._pads[0]
        tok[ends - 2] = tok[ends - 1] = self._pads[1]
        typ[starts - 1], typ[ends - 2] = _TYPES.index("^"), _TYPES.index("$")
        code[~real] = 0
        sn2 = np.zeros(len(code), bool)
        for i in np.flatnonzero(code & _SN2):
            sn2[i] = joined[i:i + 2] in SURNAME2
        tagged = [lac_results[k] for k in taken]
        words = [w for result in tagged for w, _ in result]
        word_len = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        tag_ids = [[self._tag.get(t, 0) for _, t in result] for result in tagged]
        tags, word_at = _padded(tag_ids, self._tag["BOS"], self._tag["EOS"])
        first = np.cumsum(word_len) - word_len
        word_rows = self._word_rows(words, word_len, tags, word_at, tok[at[first]], tok[at[first + word_len - 1]])
        char_tags = np.repeat(tags[word_at], word_len)
        char_rows = self._char_rows(code, tok, typ, sn2, at, _positions(word_len), char_tags)
        return taken, char_rows, word_rows, word_len

    def _char_rows(self, code, tok, typ, sn2, at, pos, tags):
        base, unseen, flag = self.base, self.unseen, self._flag
        ab, sn = (code & _AB) > 0, (code & _SN) > 0
        pair = self._bi[tok[:-1] * base + tok[1:]]
        mine, before, after = ab[at], ab[at - 1], ab[at + 1]
        return np.stack(
            [self._uni[tok[at + k - 2], k] for k in range(5)] + [pair[at + k - 2, k] for k in range(4)]
            + [self._tri[(tok[at - 1] * base + tok[at]) * base + tok[at + 1]][:, 0],
               self._skip[tok[at - 1] * base + tok[at + 1]][:, 0],
               self._ty[typ[at], 0], self._ty3[(typ[at - 1] * 8 + typ[at]) * 8 + typ[at + 1], 0],
               self._p[pos * (len(self._tag) + 1) + tags, 0],
               np.where(mine, flag["ab"], unseen), np.where(mine, self._flag_pos["ab"][pos], unseen),
               np.where(mine & before, flag["ab-1"], unseen), np.where(mine & after, flag["ab+1"], unseen),
               np.where(sn[at], flag["sn"], unseen), np.where(sn[at], self._flag_pos["sn"][pos], unseen),
               np.where(sn2[at], flag["sn2"], unseen), np.where(sn[at - 1], flag["sn-1"], unseen),
               np.where(sn[at - 2] | sn2[at - 2], flag["sn-2"], unseen)])

    def _word_rows(self, words, word_len, tags, at, first, last):
        unseen, nt = self.unseen, len(self._tag) + 1
        short = word_len <= MAX_WORD
        looked = [np.where(short, np.fromiter(map(table.get, words, repeat(unseen)), np.intp, len(words)), unseen)
                  for table in self._words]
        around = np.full(len(tags), unseen, dtype=np.intp)
        before, after = around.copy(), around
        before[at], after[at] = looked[1], looked[2]
        return np.stack(
            [self._tags[tags[at + shift], k] for k, shift in enumerate((0, -2, -1, 1, 2))]
            + [self._tags3[(tags[at - 1] * nt + tags[at]) * nt + tags[at + 1], 0],
               self._wl[np.minimum(word_len, WORD_LENGTH_CAP), 0], self._wb_we[first, 0], self._wb_we[last, 1],
               looked[0], before[at - 1], after[at + 1]], axis=1)


def _numbered(items):
    """Each distinct item -> a number from 1 (0 stands for any other), in sorted order."""
    return {item: k for k, item in enumerate(sorted(set(items)), 1)}


def _number(digits, base, n):
    """``n`` digits (most significant first) read as a number in ``base``; None if there are not
    ``n`` of them, or one is None or negative."""
    if len(digits) != n or any(d is None or d < 0 for d in digits):
        return None
    return reduce(lambda number, digit: number * base + digit, digits, 0)


def _table(kinds, key, unseen, size=None):
    """Rows of ``kinds`` (value -> row, one dict each) by the number ``key`` gives a value: an
    array (size, kinds) if ``size``, else :class:`_Keyed`; values it gives None are not kept."""
    found: dict[int, list[int]] = {}
    for k, rows in enumerate(kinds):
        for value, row in rows.items():
            number = key(value)
            if number is not None:
                found.setdefault(number, [unseen] * len(kinds))[k] = row
    if size is None:
        return _Keyed(found, len(kinds), unseen)
    table = np.full((size, len(kinds)), unseen, dtype=np.intp)
    for number, found_rows in found.items():
        table[number] = found_rows
    return table


def _padded(lists, left, right):
    """``lists`` laid end to end, each between two ``left`` and two ``right``, and where their
    items went."""
    lengths = np.array([len(items) for items in lists], dtype=np.int64)
    ends = np.cumsum(lengths + 4)
    out = np.empty(int(ends[-1]) if len(ends) else 0, dtype=np.int64)
    starts = ends - lengths - 2
    out[starts - 2] = out[starts - 1] = left
    out[ends - 2] = out[ends - 1] = right
    at = np.concatenate([np.arange(s, s + n) for s, n in zip(starts, lengths)]) if len(lists) else np.zeros(0, np.int64)
    out[at] = [x for items in lists for x in items]
    return out, at


def _positions(word_len):
    """Each char's place in its LAC word, as an index of 'BMES'."""
    first = np.repeat(np.cumsum(word_len) - word_len, word_len)
    offset, length = np.arange(len(first)) - first, np.repeat(word_len, word_len)
    return np.where(length == 1, 3, np.where(offset == 0, 0, np.where(offset == length - 1, 2, 1)))
