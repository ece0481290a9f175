"""Texts as numbers, a batch at a time: what the name model's batched lookups share.

The character CRF (:mod:`kg.extract.crf_rows`) and the BiLSTM (:mod:`kg.extract.nn_ids`)
look up keys made of a character's normal form (:func:`kg.extract.ner.norm`), its
neighbours' and its LAC word's. Rather than spell each key out as a string, each character
is given a code once (:class:`CharCodes`: its token's number, type and flags), and a
batch is laid end to end (:func:`lay_out`), each text between two pads a side, so that no
window of ±2 reaches into the next text::

    pad pad t e x t 1 pad pad pad pad t e x t 2 pad pad

A key of several tokens is then a number (:func:`number`), looked up in an array or a
sorted table (:func:`table`). A text with a character whose normal form is longer than one
character (``…`` is ``...``) is not taken: the strings of its keys do not split into
characters, so the caller spells them out as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from kg.extract.ner import PLACE_ABBREV, SURNAME1, SURNAME2, char_type, norm

__all__ = ["AB", "POS", "SN", "TOKEN", "TYPES", "CharCodes", "Laid", "lay_out", "number", "numbered", "padded",
           "positions", "table"]

TOKEN = re.compile(r"</s>|<s>|.", re.DOTALL)   # a key's value, as its tokens
TYPES = "HNAPSO^$"                             # char_type's letters, then the pads of ty3
POS = "BMES"                                   # a char's place in its LAC word (:func:`positions`)
_SN2_FIRST = frozenset(s[0] for s in SURNAME2)
# A char's code: bit 0 set if its normal form is not one char, bit 1 if a two-char surname
# may start with it, bit 2 a surname, bit 3 a place abbreviation, bits 4-6 its type, then its token.
MULTI, SN2, SN, AB, TYPE_SHIFT, TOKEN_SHIFT = 1, 2, 4, 8, 4, 7


class CharCodes(dict):
    """char -> its code (see above), worked out the first time the char is met."""

    def __init__(self, tokens):
        super().__init__()
        self.tokens = tokens

    def __missing__(self, c):
        token = norm(c)
        code = (self.tokens.get(token, 0) << TOKEN_SHIFT | TYPES.index(char_type(c)) << TYPE_SHIFT
                | (c in PLACE_ABBREV) * AB | (c in SURNAME1) * SN | (c in _SN2_FIRST) * SN2 | (len(token) != 1))
        self[c] = code
        return code


class Keyed:
    """Sorted integer keys -> rows (one or more per key); keys not held -> ``unseen``."""

    def __init__(self, found: dict[int, list[int]], width: int, unseen: int):
        found = {-1: [unseen] * width, **found}   # keys are >= 0: a key below all, never asked for
        self.keys = np.array(sorted(found), dtype=np.int64)
        self.rows = np.array([found[k] for k in sorted(found)], dtype=np.intp).reshape(-1, width)
        self.unseen = unseen

    def __getitem__(self, keys: np.ndarray) -> np.ndarray:
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        return np.where((self.keys[at] == keys)[:, None], self.rows[at], self.unseen)


@dataclass
class Laid:
    """A batch laid end to end (see the module): the indices of the texts taken, the joined
    text, each place's code (0 at pads), where the texts' chars went (``at``), where each
    text starts and where its right pads end, and whether a two-char surname starts at each place."""

    taken: list[int]
    joined: str
    code: np.ndarray
    at: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    sn2: np.ndarray

    def pads(self, values: np.ndarray, left: int, right: int, inner_only: bool = False) -> np.ndarray:
        """``values`` with each text's pads set to ``left`` and ``right`` (or only the pad next to it)."""
        values[self.starts - 1], values[self.ends - 2] = left, right
        if not inner_only:
            values[self.starts - 2], values[self.ends - 1] = left, right
        return values

    def per_text(self, values: np.ndarray, count: int, axis: int = 0) -> list[np.ndarray | None]:
        """``values`` for the taken texts' chars (along ``axis``), as a list over all ``count``
        texts: each text's own part, None for a text not taken."""
        out: list[np.ndarray | None] = [None] * count
        lengths = (self.ends - self.starts - 2).tolist()
        for k, part in zip(self.taken, np.split(values, np.cumsum(lengths)[:-1], axis=axis)):
            out[k] = part
        return out


def lay_out(texts, codes: CharCodes, lac_results) -> Laid:
    """``texts`` laid end to end with their codes, less those with a char whose normal form is
    not one char; ``lac_results`` (each text's LAC words) must spell the texts out."""
    taken = list(range(len(texts)))
    while True:
        joined = "".join(f"\0\0{texts[k]}\0\0" for k in taken)
        code = np.fromiter(map(codes.__getitem__, joined), dtype=np.int64, count=len(joined))
        lengths = np.array([len(texts[k]) for k in taken], dtype=np.int64)
        ends = np.cumsum(lengths + 4)
        multi = np.add.reduceat(code & MULTI, ends - lengths - 4) if len(code) else lengths
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
    code[~real] = 0
    sn2 = np.zeros(len(code), bool)
    for i in np.flatnonzero(code & SN2):
        sn2[i] = joined[i:i + 2] in SURNAME2
    return Laid(taken, joined, code, np.flatnonzero(real), starts, ends, sn2)


def numbered(items):
    """Each distinct item -> a number from 1 (0 stands for any other), in sorted order."""
    return {item: k for k, item in enumerate(sorted(set(items)), 1)}


def number(digits, base, n):
    """``n`` digits (most significant first) read as a number in ``base``; None if there are not
    ``n`` of them, or one is None or negative."""
    if len(digits) != n or None in digits:
        return None
    found = 0
    for digit in digits:
        if digit < 0:
            return None
        found = found * base + digit
    return found


def table(kinds, key, unseen, size=None):
    """Rows of ``kinds`` (value -> row, one dict each) by the number ``key`` gives a value: an
    array (size, kinds) if ``size``, else :class:`Keyed`; values it gives None are not kept."""
    found: dict[int, list[int]] = {}
    for k, rows in enumerate(kinds):
        for value, row in rows.items():
            number = key(value)
            if number is not None:
                found.setdefault(number, [unseen] * len(kinds))[k] = row
    if size is None:
        return Keyed(found, len(kinds), unseen)
    table = np.full((size, len(kinds)), unseen, dtype=np.intp)
    for number, found_rows in found.items():
        table[number] = found_rows
    return table


def padded(lists, left, right):
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


def positions(word_len):
    """Each char's place in its LAC word, as an index of :data:`POS`."""
    first = np.repeat(np.cumsum(word_len) - word_len, word_len)
    offset, length = np.arange(len(first)) - first, np.repeat(word_len, word_len)
    return np.where(length == 1, 3, np.where(offset == 0, 0, np.where(offset == length - 1, 2, 1)))
