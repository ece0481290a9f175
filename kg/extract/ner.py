"""A character CRF that finds person, place and organisation names (PER/LOC/ORG).

It is trained on the MSRA NER corpus (SIGHAN 2006; People's Daily) by
``training/train_ner.py``; the model ships in ``kg/extract/models/`` (its README says where
it came from). The pipeline already runs LAC (segmentation, parts of speech, its own
PER/LOC/ORG/TIME), so LAC's words and tags are free evidence: the CRF learns from the
characters around when to trust, extend or overrule them. It is one half of kg's name model
(:mod:`kg.extract.name_model`, with a BiLSTM-CRF).

    spans = CrfTagger().tag(texts, lac().run(texts))   # [[(start, end, "PER"), ...], ...]

:func:`features` is a pure function of (text, LAC words); training and tagging share it, so
changing it means training again.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

import pycrfsuite

MODEL = Path(__file__).resolve().parent / "models" / "msra_crf.crfsuite"
SURNAMES_FILE = Path(__file__).resolve().parent / "lexicons" / "surnames.txt"
TYPES = ('PER', 'LOC', 'ORG')
HAN_DIGITS = set('〇零一二三四五六七八九十百千万亿两')
# One-char abbreviations of China's provincial-level divisions and of countries
# often abbreviated in news (general knowledge, written by hand, not taken from
# a corpus).  Many are ambiguous chars; the CRF weighs them by context.
PLACE_ABBREV = set('京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼台港澳'
                   '中美日英法德俄印韩朝越意泰菲荷葡希')
MAX_WORD = 4           # LAC words up to this many chars are used as features
WORD_LENGTH_CAP = 5    # a LAC word's length as a feature, longer ones counted as this


def load_surnames(path=SURNAMES_FILE):
    """Whitespace-separated surnames; '#' starts a comment line."""
    words = set()
    for line in Path(path).read_text(encoding='utf-8').splitlines():
        if not line.startswith('#'):
            words.update(line.split())
    return frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) == 2)


SURNAME1, SURNAME2 = load_surnames()


@lru_cache(maxsize=1 << 16)  # a pure function of one char, called for every char
def norm(c):
    """Char as seen by the n-gram features: full-width -> half-width (NFKC),
    every digit -> '0', every Latin letter -> 'A'."""
    c = unicodedata.normalize('NFKC', c)
    if len(c) != 1:
        return c
    if c.isdigit():
        return '0'
    if 'a' <= c.lower() <= 'z':
        return 'A'
    return c


@lru_cache(maxsize=1 << 16)
def char_type(c):
    """One letter: H han, N digit (any script, or a han numeral), A latin,
    P punctuation, S space, O other."""
    if c in HAN_DIGITS or unicodedata.normalize('NFKC', c).isdigit():
        return 'N'
    if '\u4e00' <= c <= '\u9fff' or '\u3400' <= c <= '\u4dbf':
        return 'H'
    c = unicodedata.normalize('NFKC', c)[:1]
    if c and 'a' <= c.lower() <= 'z':
        return 'A'
    if c.isspace():
        return 'S'
    return 'P' if c and unicodedata.category(c)[0] in 'PS' else 'O'


def lac_per_char(text, lac_words):
    """For each char: (index of its LAC word, B/M/E/S position in the word)."""
    info = []
    for k, (w, _) in enumerate(lac_words):
        if len(w) == 1:
            info.append((k, 'S'))
        else:
            info += [(k, 'B')] + [(k, 'M')] * (len(w) - 2) + [(k, 'E')]
    if len(info) != len(text) or ''.join(w for w, _ in lac_words) != text:
        raise ValueError('lac_words do not spell out text')
    return info


def prepare(text, lac_words):
    """What every feature reads: LAC's (word index, position) per char, the words, their tags
    between BOS and EOS, the chars normalised (two pads each side) and the char types (one)."""
    info = lac_per_char(text, lac_words)
    words = [w for w, _ in lac_words]
    tags = ['BOS'] + [t for _, t in lac_words] + ['EOS']
    cs = ['<s>', '<s>'] + [norm(c) for c in text] + ['</s>', '</s>']
    ty = ['^'] + [char_type(c) for c in text] + ['$']
    return info, words, tags, cs, ty


#: The kinds of the char n-gram attributes, in the order :func:`ngram_columns` makes them.
UNIGRAM_KINDS = ('c-2', 'c-1', 'c0', 'c1', 'c2')
BIGRAM_KINDS = ('c-2c-1', 'c-1c0', 'c0c1', 'c1c2')


def ngram_columns(cs, n):
    """Unigrams c-2..c2, the four bigrams, then the trigram and skip bigram around each char."""
    a, b, c, d, e = (cs[k:k + n] for k in range(5))  # c-2 .. c2; c is the char itself
    return ([[kind + '=' + x for x in col] for kind, col in zip(UNIGRAM_KINDS, (a, b, c, d, e))]
            + [[kind + '=' + x + y for x, y in zip(left, right)]
               for kind, left, right in zip(BIGRAM_KINDS, (a, b, c, d), (b, c, d, e))]
            + trigram_columns(cs, n))


def trigram_columns(cs, n):
    b, c, d = cs[1:n + 1], cs[2:n + 2], cs[3:n + 3]
    return [['c-1c0c1=' + x + y + z for x, y, z in zip(b, c, d)], ['c-1c1=' + x + z for x, z in zip(b, d)]]


def context_columns(info, tags, ty, n):
    """The char type, the types around it, and its position in its LAC word with the word's tag."""
    return [['ty=' + x for x in ty[1:n + 1]], ['ty3=' + x + y + z for x, y, z in zip(ty, ty[1:], ty[2:])],
            ['p=' + pos + '|' + tags[k + 1] for k, pos in info]]


def word_attributes(words, tags):
    """For each LAC word, the 12 attributes all its chars share (None where it lacks one)."""
    short = [len(w) <= MAX_WORD for w in words]
    out = []
    for k, w in enumerate(words):
        tag = tags[k + 1]
        out.append(('t=' + tag, 't-2=' + (tags[k - 1] if k else 'BOS'), 't-1=' + tags[k],
                    't+1=' + tags[k + 2], 't+2=' + (tags[k + 3] if k + 3 < len(tags) else 'EOS'),
                    't-1t0t+1=' + tags[k] + '|' + tag + '|' + tags[k + 2],
                    'wl=%d' % min(len(w), WORD_LENGTH_CAP), 'wb=' + norm(w[0]), 'we=' + norm(w[-1]),
                    'w=' + w if short[k] else None,
                    'w-1=' + words[k - 1] if k > 0 and short[k - 1] else None,
                    'w+1=' + words[k + 1] if k + 1 < len(words) and short[k + 1] else None))
    return out


def flag_columns(text, info):
    """Place-abbreviation and surname flags (None for a char without)."""
    n = len(text)
    ab = [ch in PLACE_ABBREV for ch in text]
    sn = [ch in SURNAME1 for ch in text]
    return [['ab' if x else None for x in ab],
            ['ab|' + pos if x else None for x, (_, pos) in zip(ab, info)],
            ['ab-1' if x and i and ab[i - 1] else None for i, x in enumerate(ab)],
            ['ab+1' if x and i + 1 < n and ab[i + 1] else None for i, x in enumerate(ab)],
            ['sn' if x else None for x in sn],
            ['sn|' + pos if x else None for x, (_, pos) in zip(sn, info)],
            ['sn2' if text[i:i + 2] in SURNAME2 else None for i in range(n)],
            ['sn-1' if i and sn[i - 1] else None for i in range(n)],
            ['sn-2' if i > 1 and (sn[i - 2] or text[i - 2:i] in SURNAME2) else None for i in range(n)]]


def feature_columns(text, lac_words):
    """The features of :func:`features` as columns: one list per attribute kind, holding
    that attribute for each char (None where a char lacks it), in :func:`features`' order."""
    n = len(text)
    info, words, tags, cs, ty = prepare(text, lac_words)
    per_char = [attrs for attrs, w in zip(word_attributes(words, tags), words) for _ in w]
    return ([['bias'] * n] + ngram_columns(cs, n) + context_columns(info, tags, ty, n)
            + ([list(col) for col in zip(*per_char)] if n else [[] for _ in range(12)])
            + flag_columns(text, info))


def features(text, lac_words):
    """Per-char feature lists (list of attribute strings for each char).

    Characters (normalised by ``norm``), window -2..+2:
      c-2..c2 unigrams, the four bigrams, the skip bigram c-1c1 and the
      centre trigram; char types of c0 and of the -1..+1 window.
    LAC (its word for this char, and the neighbouring words):
      p   position in the word + word tag, e.g. 'B|PER';  t the tag alone
      t-2/t-1/t+1/t+2  tags of the words around;  t-1t0t+1 three together
      w   the word itself if <= MAX_WORD chars; w-1/w+1 the neighbour words
          likewise (cue words like 书记, 在, 说)
      wl  word length (capped at 5);  wb/we first/last char of the word
          (we captures suffixes such as 局 委 村 县 without a hand list)
    Place abbreviations (PLACE_ABBREV): 'ab' and 'ab|<pos in word>' if c0
      is one, 'ab-1' / 'ab+1' if the previous / next char is one too (鲁台).
    Surnames (surnames.txt): 'sn' if c0 is a common surname, with its
      position in the LAC word; 'sn2' if c0c1 is a two-char surname;
      'sn-1' / 'sn-2' if the surname is 1 / 2 chars back (given names).
    """
    return [[f for f in row if f is not None] for row in zip(*feature_columns(text, lac_words))]


def tags_to_spans(tags):
    """BMES or BIO char tags -> [(start, end, type)], end exclusive.

    Lenient about ill-formed sequences, the same way for gold and predictions:
    an I-/M-/E- tag that does not continue an open span of its type starts a
    new span; a span still open when a different tag (or the end) comes is
    closed there; E- and S- close the span they end.
    """
    spans = []
    start = typ = None
    for i, tag in enumerate(list(tags) + ['O']):
        pos, _, t = tag.partition('-')
        if typ is not None and (pos in ('B', 'S', 'O') or t != typ):
            spans.append((start, i, typ))
            start = typ = None
        if pos == 'O':
            continue
        if typ is None:
            start, typ = i, t
        if pos in ('E', 'S'):
            spans.append((start, i + 1, typ))
            start = typ = None
    return spans


class CrfTagger:
    """Loads a model written by ``training/train_ner.py`` and tags texts (its marginals, for
    the name model: :class:`kg.extract.crf_scores.CrfScores`)."""

    def __init__(self, model_path=MODEL):
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))

    def tag_chars(self, text, lac_words):
        """BMES tag per char of one text."""
        if not text:
            return []
        return self._tagger.tag(features(text, lac_words))

    def tag(self, texts, lac_results):
        """Spans [(start, end, type)] per text; lac_results[i] = LAC's
        (word, tag) list for texts[i]."""
        return [tags_to_spans(self.tag_chars(t, lw)) for t, lw in zip(texts, lac_results)]


def lac_spans(lac_words, types=TYPES):
    """LAC's own PER/LOC/ORG words as (start, end, type) char spans."""
    spans, i = [], 0
    for w, t in lac_words:
        if t in types:
            spans.append((i, i + len(w), t))
        i += len(w)
    return spans
