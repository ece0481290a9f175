"""The character CRF's tag marginals, for :class:`kg.extract.name_model.NameTagger`.

crfsuite answers a marginal one (character, tag) call at a time. :class:`CrfScores` reads
the model's weights out of its file once, as arrays: a row of per-tag weights for each
attribute, and the tag transitions. Scoring a text is then a sum of rows and a compiled
forward-backward (:mod:`kg.extract.decode`); ``tests/test_ner.py`` checks it against
crfsuite's own marginals.

A batch's attributes are looked up together, as numbers (:mod:`kg.extract.crf_rows`); a
text that way cannot take (a char whose normal form is longer than one char: cleaned
articles have none) has its attributes spelled out (:func:`kg.extract.ner.feature_columns`)
and looked up one by one. Both add the same rows in the same order, so give the same scores.
"""

from __future__ import annotations

import hashlib
from itertools import chain, repeat
from pathlib import Path

import numpy as np
import pycrfsuite

from kg.extract.crf_rows import AttributeRows
from kg.extract.decode import crf_marginals
from kg.extract.ner import MODEL, feature_columns
from kg.state import USER_CACHE, write_whole

__all__ = ["CrfScores"]


def _read_weights(model_path: Path) -> tuple[tuple[str, ...], list[str], np.ndarray, np.ndarray]:
    """(labels, attributes, state weights (attributes + 1 unseen row) × labels, transitions) from crfsuite."""
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_path))
    info = tagger.info()
    labels = tuple(tagger.labels())
    column = {y: k for k, y in enumerate(labels)}
    rows: dict[str, int] = {}
    for attr, _ in info.state_features:
        rows.setdefault(attr, len(rows))
    weights = np.zeros((len(rows) + 1, len(labels)))  # last row: unseen attributes
    for (attr, label), w in info.state_features.items():
        weights[rows[attr], column[label]] = w
    transitions = np.zeros((len(labels), len(labels)))
    for (a, b), w in info.transitions.items():
        transitions[column[a], column[b]] = w
    return labels, list(rows), weights, transitions


def _weights(model_path: Path, cache_dir: Path | None) -> tuple[tuple[str, ...], list[str], np.ndarray, np.ndarray]:
    """:func:`_read_weights`, kept in ``cache_dir`` under a digest of the model file (None: no cache):
    crfsuite gives the weights only as a text dump, whose parsing took a second of every process's
    start. A cache that cannot be read or written is passed by: the model file is the truth."""
    if cache_dir is None:
        return _read_weights(model_path)
    cached = Path(cache_dir) / f"crf-{hashlib.sha256(model_path.read_bytes()).hexdigest()[:24]}.npz"
    try:
        with np.load(cached, allow_pickle=False) as data:
            return tuple(data["labels"].tolist()), data["attrs"].tolist(), data["weights"], data["transitions"]
    except (OSError, KeyError, ValueError):
        pass
    labels, attrs, weights, transitions = found = _read_weights(model_path)
    try:
        write_whole(cached, lambda handle: np.savez(handle, labels=np.array(labels), attrs=np.array(attrs),
                                                     weights=weights, transitions=transitions))
    except OSError:
        pass
    return found


class _Rows(dict):
    """attribute -> row; an attribute the model never saw (or None: none) -> the zero row."""

    def __init__(self, rows, unseen):
        super().__init__(rows)
        self.unseen = unseen

    def of(self, attributes, count):
        """The rows of ``attributes`` (an iterable of ``count``) as an int array: ``dict.get`` with
        the zero row as default, at C speed (a ``__missing__`` would be a Python call per miss)."""
        return np.fromiter(map(self.get, attributes, repeat(self.unseen)), dtype=np.intp, count=count)


class CrfScores:
    """A crfsuite model (``training/train_ner.py``) as arrays: state scores and marginals."""

    def __init__(self, model_path=MODEL, cache_dir=USER_CACHE):
        self.labels, attrs, self._weights, self._transitions = _weights(Path(model_path), cache_dir)
        self._rows = {attr: row for row, attr in enumerate(attrs)}
        self._unseen = len(self._rows)
        self._bias = self._weights[self._rows.get('bias', self._unseen)]
        self._lookup = _Rows(self._rows, self._unseen)
        self._batch = AttributeRows(self._rows, self._unseen)

    def state_scores(self, text, lac_words):
        """(len(text), len(self.labels)): each char's summed attribute weights per label, its
        attributes spelled out; :meth:`batch_state_scores` is the quick way."""
        n = len(text)
        if not n:
            return np.zeros((0, len(self.labels)))
        columns = feature_columns(text, lac_words)[1:]   # less bias, added first as below
        rows = self._lookup.of(chain.from_iterable(columns), len(columns) * n).reshape(-1, n)
        per_char, per_word = np.concatenate([rows[:14], rows[26:]]), rows[14:26]   # the 12 a word's chars share
        return self._bias + self._weights[per_char].sum(axis=0) + self._weights[per_word].sum(axis=0)

    def batch_state_scores(self, texts, lac_results):
        """:meth:`state_scores` of each text, the batch's attributes looked up together
        (:class:`kg.extract.crf_rows.AttributeRows`; the texts it does not take, one by one)."""
        laid, char_rows, word_rows, word_len = self._batch.rows(texts, lac_results)
        per_word = self._weights[word_rows].sum(axis=1).repeat(word_len, axis=0)
        out = laid.per_text(self._bias + self._weights[char_rows].sum(axis=0) + per_word, len(texts))
        return [self.state_scores(text, words) if got is None else got
                for text, words, got in zip(texts, lac_results, out)]

    def log_marginals(self, texts, lac_results, labels):
        """Per text, (len(text), len(labels)) float32: log P(label at char), 1e-6 for a label the
        model never saw."""
        lengths = np.array([len(t) for t in texts], dtype=np.int64)
        scores = np.zeros((len(texts), max(lengths, default=0), len(self.labels)))
        for row, got in enumerate(self.batch_state_scores(texts, lac_results)):
            scores[row, :len(got)] = got
        p = crf_marginals(scores, self._transitions, lengths)
        known = [self.labels.index(y) if y in self.labels else None for y in labels]
        picked = np.stack([p[..., k] if k is not None else np.zeros(p.shape[:2]) for k in known], axis=-1)
        logs = np.log(picked + 1e-6).astype(np.float32)
        return [logs[row, :n] for row, n in enumerate(lengths)]
