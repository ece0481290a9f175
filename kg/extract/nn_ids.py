"""The BiLSTM's ids for a batch of texts at once.

:func:`kg.extract.name_model.nn_ids` spells out a text's keys (each char, the bigram either
side of it, its place in its LAC word with the word's tag) and looks each one up.
:class:`BatchIds` gives the same ids for a whole batch from the chars' codes
(:mod:`kg.extract.char_codes`), one dictionary lookup per char; the texts it does not take
(a char whose normal form is longer than one char) are spelled out as before.
``tests/test_ner.py`` checks that both ways give the same ids.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from kg.extract.char_codes import (
    AB,
    POS,
    SN,
    TOKEN,
    TOKEN_SHIFT,
    CharCodes,
    lay_out,
    number,
    numbered,
    positions,
    table,
)

__all__ = ["BatchIds", "lexicon_flags"]

class BatchIds:
    """One model's vocabularies (chars, bigrams, LAC position|tag: key -> id, ``unknown`` for
    others) and name ``lexicon`` (None: none), read for batches."""

    def __init__(self, vocabs, lexicon, unknown: int):
        chars, bigrams, lactags = vocabs
        tokens = numbered([*chars, *(token for key in bigrams for token in TOKEN.findall(key))])
        tags = numbered(key[2:] for key in lactags if key[1:2] == "|")
        self.base, self._tag_base = base, nt = len(tokens) + 1, len(tags) + 1
        self._codes, self._tags, self.lexicon = CharCodes(tokens), tags, lexicon
        self._pads = tokens.get("<s>", 0), tokens.get("</s>", 0)
        self._chars = table([chars], tokens.get, unknown, base)[:, 0]
        self._bigrams = table([bigrams], lambda key: number([tokens[t] for t in TOKEN.findall(key)], base, 2), unknown)
        self._lactags = table([lactags], lambda key: number([POS.find(key[:1]), tags.get(key[2:])], nt, 2)
                              if key[1:2] == "|" else None, unknown, len(POS) * nt)[:, 0]

    def ids(self, texts, lac_results, spell_out):
        """Per text, its (5, len) ids: char, left bigram, right bigram, LAC position|tag, flags
        (:func:`kg.extract.name_model.nn_key_columns`); ``spell_out(text, lac words)`` gives
        the ids of a text this cannot take."""
        laid = lay_out(texts, self._codes, lac_results)
        taken, at = laid.taken, laid.at
        tagged = [lac_results[k] for k in taken]
        tok = laid.pads(laid.code >> TOKEN_SHIFT, *self._pads, inner_only=True)
        word_len = np.array([len(w) for words in tagged for w, _ in words], dtype=np.int64)
        word_tags = np.array([self._tags.get(t, 0) for words in tagged for _, t in words], dtype=np.int64)
        code = laid.code[at]
        flags = (code & SN > 0) | laid.sn2[at] << 1 | (code & AB > 0) << 2
        columns = np.stack([self._chars[tok[at]], self._bigrams[tok[at - 1] * self.base + tok[at]][:, 0],
                            self._bigrams[tok[at] * self.base + tok[at + 1]][:, 0],
                            self._lactags[positions(word_len) * self._tag_base + np.repeat(word_tags, word_len)],
                            flags.astype(np.int64)])
        out = laid.per_text(columns, len(texts), axis=1)
        if self.lexicon is not None:
            for text, part in zip(texts, out):
                if part is not None:
                    part[4] |= np.array(lexicon_flags(text, self.lexicon), dtype=np.int64)
        return [np.array(spell_out(text, words), dtype=np.int64).reshape(5, len(text)) if got is None else got
                for text, words, got in zip(texts, lac_results, out)]


@lru_cache(maxsize=4)
def _openings(lexicon: frozenset[str]) -> frozenset[str]:
    """The first two characters of every word of ``lexicon``: most places open none, and are passed by."""
    return frozenset(word[:2] for word in lexicon)


def lexicon_flags(text, lexicon):
    """Per char, bit 3 if a ``lexicon`` word starts there, bit 4 if one runs through it, bit 5
    if one ends there (words of two to four characters)."""
    flags, openings = [0] * len(text), _openings(lexicon)
    for i in range(len(text) - 1):
        if text[i:i + 2] not in openings:
            continue
        for n in (2, 3, 4):
            if i + n <= len(text) and text[i:i + n] in lexicon:
                flags[i] |= 8
                flags[i + n - 1] |= 32
                for k in range(i + 1, i + n - 1):
                    flags[k] |= 16
    return flags
