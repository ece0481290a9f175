"""The character CRF's attributes for a batch of texts, as rows of its weight table.

:func:`kg.extract.ner.features` spells each attribute out as a string (``'c-1c0=村党'``), as
crfsuite wants for training. To score texts, :class:`kg.extract.crf_scores.CrfScores` needs
only each attribute's row. :class:`AttributeRows` finds them for a whole batch from the
chars' codes (:mod:`kg.extract.char_codes`: one dictionary lookup per char) and three
lookups per LAC word (the word as ``w``, ``w-1`` and ``w+1``); the rest is integer
arithmetic in numpy. :meth:`AttributeRows.rows` says which texts it took (the others are
spelled out by the caller); ``tests/test_ner.py`` checks that the rows are the ones the
spelled-out attributes have.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import repeat

import numpy as np

from kg.extract.char_codes import (
    AB,
    POS,
    SN,
    TOKEN,
    TOKEN_SHIFT,
    TYPE_SHIFT,
    TYPES,
    CharCodes,
    lay_out,
    number,
    numbered,
    padded,
    positions,
    table,
)
from kg.extract.ner import (
    BIGRAM_KINDS,
    MAX_WORD,
    UNIGRAM_KINDS,
    WORD_LENGTH_CAP,
)

__all__ = ["AttributeRows"]

_WORD_KINDS = ("t", "t-2", "t-1", "t+1", "t+2")
_CHAR_KINDS = UNIGRAM_KINDS + BIGRAM_KINDS + ("c-1c0c1", "c-1c1", "wb", "we")   # values made of tokens
_TAG_KINDS = _WORD_KINDS + ("t-1t0t+1",)                                       # values made of LAC tags


class AttributeRows:
    """A crfsuite model's attribute -> row table (``unseen``: the zero row), read for batches."""

    def __init__(self, rows: dict[str, int], unseen: int):
        self.unseen = unseen
        values: dict[str, dict[str, int]] = defaultdict(dict)   # kind -> value -> row
        for attr, row in rows.items():
            kind, sep, value = attr.partition("=")
            if sep:
                values[kind][value] = row
        split = {value: TOKEN.findall(value) for kind in _CHAR_KINDS for value in values[kind]}
        tokens = numbered(t for parts in split.values() for t in parts)
        tags = numbered([t for kind in _TAG_KINDS for value in values[kind] for t in value.split("|")]
                         + [value[2:] for value in values["p"]] + ["BOS", "EOS"])
        self.base = base = len(tokens) + 1
        nt = len(tags) + 1
        self._codes, self._tag, self._pads = CharCodes(tokens), tags, (tokens.get("<s>", 0), tokens.get("</s>", 0))

        def chars(n):    # a value of n tokens, as a number
            return lambda value: number([tokens[t] for t in split[value]], base, n)

        def tagged(n):   # a value of n LAC tags, as a number
            return lambda value: number([tags.get(t, 0) for t in value.split("|")], nt, n)

        def of(kinds, key, size=None):   # the rows of these kinds of attribute, by key
            return table([values[kind] for kind in kinds], key, unseen, size)

        self._uni, self._wb_we = of(UNIGRAM_KINDS, chars(1), base), of(("wb", "we"), chars(1), base)
        self._bi, self._tri, self._skip = of(BIGRAM_KINDS, chars(2)), of(("c-1c0c1",), chars(3)), \
            of(("c-1c1",), chars(2))
        type_of = {t: k for k, t in enumerate(TYPES)}
        self._ty = of(("ty",), lambda v: type_of.get(v), len(TYPES))
        self._ty3 = of(("ty3",), lambda v: number([type_of.get(t) for t in v], 8, 3), 8 ** 3)
        self._tags, self._tags3 = of(_WORD_KINDS, tagged(1), nt), of(("t-1t0t+1",), tagged(3), nt ** 3)
        self._p = of(("p",), lambda v: number([POS.find(v[:1]), tags.get(v[2:], 0)], nt, 2), len(POS) * nt)
        self._wl = of(("wl",), lambda v: int(v) if v.isdigit() and int(v) <= WORD_LENGTH_CAP else None,
                         WORD_LENGTH_CAP + 1)
        self._flag = {name: rows.get(name, unseen) for name in ("ab", "ab-1", "ab+1", "sn", "sn2", "sn-1", "sn-2")}
        self._flag_pos = {name: np.array([rows.get(f"{name}|{p}", unseen) for p in POS]) for name in ("ab", "sn")}
        self._words = [values[kind] for kind in ("w", "w-1", "w+1")]

    def rows(self, texts, lac_results):
        """(the batch laid out, char rows, word rows, word lengths) for the texts it took
        (``laid.taken``: all but those :class:`AttributeRows` cannot take): char rows (23, their chars) in
        :func:`kg.extract.ner.feature_columns`' order less ``bias`` and the word attributes;
        word rows (their words, 12) in :func:`kg.extract.ner.word_attributes`' order."""
        laid = lay_out(texts, self._codes, lac_results)
        taken, at = laid.taken, laid.at
        tok = laid.pads(laid.code >> TOKEN_SHIFT, *self._pads)
        typ = laid.pads(laid.code >> TYPE_SHIFT & 7, TYPES.index("^"), TYPES.index("$"), inner_only=True)
        tagged = [lac_results[k] for k in taken]
        words = [w for result in tagged for w, _ in result]
        word_len = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        tag_ids = [[self._tag.get(t, 0) for _, t in result] for result in tagged]
        tags, word_at = padded(tag_ids, self._tag["BOS"], self._tag["EOS"])
        first = np.cumsum(word_len) - word_len
        word_rows = self._word_rows(words, word_len, tags, word_at, tok[at[first]], tok[at[first + word_len - 1]])
        char_tags = np.repeat(tags[word_at], word_len)
        char_rows = self._char_rows(laid.code, tok, typ, laid.sn2, at, positions(word_len), char_tags)
        return laid, char_rows, word_rows, word_len

    def _char_rows(self, code, tok, typ, sn2, at, pos, tags):
        base, unseen, flag = self.base, self.unseen, self._flag
        ab, sn = (code & AB) > 0, (code & SN) > 0
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
