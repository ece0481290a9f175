"""kg's name model: finds person, place and organisation names (PER/LOC/ORG).

Two models trained on the MSRA NER corpus (SIGHAN 2006; People's Daily), read together by
:class:`NameTagger`; both ship in ``kg/extract/models/`` (its README says where they came
from):

* the character CRF of :mod:`kg.extract.ner` (``training/train_ner.py``);
* a BiLSTM-CRF (``training/train_neural.py``, run in onnxruntime) over learnt character,
  bigram and LAC-tag tables and LAC's encoder states. Its vocabularies and CRF transitions
  travel in the ONNX file's metadata, so one file is the whole model.

The pipeline already runs LAC, so LAC's words, tags and states are free evidence. The
recognisers use the spans for name boundaries and recall (:mod:`kg.extract.recognize`); the
rules still type organisations, place them and find programmes, positions and figures.

    words, states = lac().run_with_states(texts)
    spans = tagger().tag(texts, words, states)   # [[(start, end, "PER"), ...], ...]

:func:`nn_vocab_keys` is a pure function of (text, LAC words); training and tagging share
it, so changing it means training again.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from kg.extract.crf_scores import CrfScores
from kg.extract.decode import viterbi_batch
from kg.extract.lac import onnx_session
from kg.extract.lexicon import load_lexicon
from kg.extract.ner import (
    MODEL,
    PLACE_ABBREV,
    SURNAME1,
    SURNAME2,
    TYPES,
    lac_per_char,
    norm,
    tags_to_spans,
)
from kg.extract.nn_ids import BatchIds, lexicon_flags

# A BiLSTM-CRF over characters, char bigrams and LAC's words (training/train_neural.py).
# It runs in onnxruntime; its vocabularies and CRF transitions travel in the ONNX file's
# metadata, so one file is the whole model.

NN_MODEL = Path(__file__).resolve().parent / "models" / "msra_bilstm.onnx"
#: The weight of the CRF's log marginals for the tags of a name type, where it is not the
#: model's ``crf_weight`` (0.25). Chosen on dev, with both models trained on the first nine
#: tenths of train, by ``training/crf_weights.py``: person F1 there rose from 0.915 to 0.919
#: (precision 0.933 -> 0.944), flat from 0.5 to 0.7; place and organisation tags scored best
#: at or near the model's own weight, so they keep it.
CRF_TYPE_WEIGHTS = {'PER': 0.6}
#: Added to the summed emission score of a tag at every character, where not 0.
TAG_BIAS: dict[str, float] = {}
NN_TAGS = ('O',) + tuple(f'{p}-{t}' for t in TYPES for p in 'BMES')
UNK, PAD = 1, 0            # ids 0 and 1 of every vocabulary


def nn_key_columns(text, lac_words, lexicon=None):
    """The keys the neural model looks up, as five per-char columns: char, left bigram, right
    bigram, LAC position|tag, surname/abbreviation flags (and, given a ``lexicon``,
    :func:`lexicon_flags`). A pure function of (text, LAC words, lexicon)."""
    info = lac_per_char(text, lac_words)
    tags = [t for _, t in lac_words]
    cs = ['<s>'] + [norm(c) for c in text] + ['</s>']
    n = len(text)
    flags = [(ch in SURNAME1) | (text[i:i + 2] in SURNAME2) << 1 | (ch in PLACE_ABBREV) << 2
             for i, ch in enumerate(text)]
    if lexicon is not None:
        flags = [a | b for a, b in zip(flags, lexicon_flags(text, lexicon))]
    return (cs[1:n + 1], [x + y for x, y in zip(cs, cs[1:n + 1])], [x + y for x, y in zip(cs[1:n + 1], cs[2:])],
            [pos + '|' + tags[k] for k, pos in info], flags)


def nn_vocab_keys(text, lac_words, lexicon=None):
    """Per-char keys the neural model looks up: (char, left bigram, right bigram,
    LAC position|tag, flags), the rows of :func:`nn_key_columns`."""
    return list(zip(*nn_key_columns(text, lac_words, lexicon)))


def nn_ids(text, lac_words, vocabs, lexicon=None):
    """Five id lists (char, left bigram, right bigram, LAC tag, flags) for one text;
    ``vocabs`` = (chars, bigrams, lac tags) dicts key -> id, unknown keys -> UNK."""
    return nn_lookup(nn_key_columns(text, lac_words, lexicon), vocabs)


def nn_lookup(columns, vocabs):
    """:func:`nn_key_columns` → the ids of one model's ``vocabs`` (as :func:`nn_ids`)."""
    chars, bigrams, lactags = vocabs
    c, left, right, lac_tag, flags = columns
    return ([chars.get(k, UNK) for k in c], [bigrams.get(k, UNK) for k in left],
            [bigrams.get(k, UNK) for k in right], [lactags.get(k, UNK) for k in lac_tag], flags)


def nn_batch(id_lists, states):
    """Pad a batch of ``nn_ids`` results to (5, B, T) int64 and their LAC states to
    (B, T, S) float32, plus the gather index that reverses each row's real part in place (the
    backward LSTM reads it), and the lengths."""
    lengths = np.array([len(ids[0]) for ids in id_lists])
    width = max(1, int(lengths.max()))
    x = np.zeros((5, len(id_lists), width), dtype=np.int64)
    padded = np.zeros((len(id_lists), width, states[0].shape[1]), dtype=np.float32)
    rev = np.tile(np.arange(width, dtype=np.int64), (len(id_lists), 1))
    for b, ids in enumerate(id_lists):
        n = lengths[b]
        for f in range(5):
            x[f, b, :n] = ids[f]
        padded[b, :n] = states[b]
        rev[b, :n] = np.arange(n - 1, -1, -1)
    return x, padded, rev, lengths


def allowed_transitions():
    """(K, K) bool: may tag j follow tag i (BMES)? And (K,) may a sentence start with it."""
    k = len(NN_TAGS)
    ok = np.zeros((k, k), dtype=bool)
    start = np.zeros(k, dtype=bool)
    for j, b in enumerate(NN_TAGS):
        bp, _, bt = b.partition('-')
        start[j] = bp in ('O', 'B', 'S')
        for i, a in enumerate(NN_TAGS):
            ap, _, at = a.partition('-')
            opens = ap in ('B', 'M')
            ok[i, j] = (bp in ('M', 'E') and at == bt) if opens else bp in ('O', 'B', 'S')
    return ok, start


def nn_decode(emissions, transitions, lengths):
    """Best BMES tag id path per row: the CRF's transitions with forbidden moves (M after O,
    say, or a row that opens or ends inside a name) made impossible."""
    ok, start_penalty, end_penalty = _masks()
    em = emissions.astype(np.float32).copy()
    em[:, 0] += start_penalty
    em[np.arange(len(em)), np.asarray(lengths) - 1] += end_penalty
    return viterbi_batch(em, np.where(ok, transitions, -1e4).astype(np.float32), lengths)


@lru_cache(maxsize=1)
def _masks():
    """:func:`allowed_transitions` and the penalties for opening or ending a row on a tag."""
    ok, start = allowed_transitions()
    ends = np.array([not t.startswith(('B-', 'M-')) for t in NN_TAGS])   # nor end inside a name
    return ok, np.where(start, 0, -1e4).astype(np.float32), np.where(ends, 0, -1e4).astype(np.float32)


class OnnxTagger:
    """One BiLSTM-CRF in onnxruntime: its emission scores for a batch (:class:`NameTagger` tags)."""

    def __init__(self, model_path=NN_MODEL, threads=1):
        self._session = onnx_session(Path(model_path), threads)
        meta = json.loads(self._session.get_modelmeta().custom_metadata_map['kg'])
        self.vocabs = tuple({key: i for i, key in enumerate(meta[name])}
                            for name in ('chars', 'bigrams', 'lactags'))
        self.transitions = np.array(meta['transitions'], dtype=np.float32)
        self.crf_weight = float(meta.get('crf_weight', 0.0))  # chosen on dev by training/train_neural.py
        self.lexicon = load_lexicon().person_names if meta.get('name_lexicon') else None  # jieba's
        self._batch = BatchIds(self.vocabs, self.lexicon, UNK)

    def ids(self, texts, lac_results):
        """Each text's :func:`nn_ids` under this model, as a (5, len) array; a batch at once."""
        return self._batch.ids(texts, lac_results, lambda text, words: nn_ids(text, words, self.vocabs, self.lexicon))

    def emissions(self, id_lists, states):
        x, padded, rev, lengths = nn_batch(id_lists, states)
        out, = self._session.run(None, {'ids': x, 'states': padded, 'rev': rev})
        return out, lengths


class NameTagger:
    """kg's name model: the BiLSTM-CRF's emission scores (the mean of several, if given
    several) plus the log of the character CRF's tag marginals, weighted per tag, decoded
    with the BiLSTM-CRF's transitions. The models err differently (the CRF on rare contexts,
    the BiLSTM on rare names), so the sum is better than either alone
    (``kg/extract/models/README.md`` has the figures on dev). ``crf_path=None``: no CRF.

    A tag's weight is ``type_weights`` of its name type, else ``crf_weight``. By default
    these are the model's ``crf_weight`` and :data:`CRF_TYPE_WEIGHTS`; a ``crf_weight`` given
    alone weighs every tag."""

    def __init__(self, nn_paths=(NN_MODEL,), crf_path=MODEL, crf_weight=None, type_weights=None, threads=1,
                 batch_size=32, batch_chars=512, tag_bias=None):
        paths = [nn_paths] if isinstance(nn_paths, (str, Path)) else list(nn_paths)
        self.nns = [OnnxTagger(p, threads=threads) for p in paths]
        self.transitions = np.mean([nn.transitions for nn in self.nns], axis=0).astype(np.float32)
        self.crf = CrfScores(crf_path) if crf_path else None
        self.crf_weight = (self.nns[0].crf_weight if crf_weight is None else crf_weight) if self.crf else 0.0
        if type_weights is None:
            type_weights = CRF_TYPE_WEIGHTS if crf_weight is None else {}
        self.crf_weights = np.array([type_weights.get(tag.partition('-')[2], self.crf_weight) if self.crf else 0.0
                                     for tag in NN_TAGS], dtype=np.float32)
        self.batch_size, self.batch_chars = batch_size, batch_chars
        bias = TAG_BIAS if tag_bias is None else tag_bias
        self.bias = np.array([bias.get(tag, 0.0) for tag in NN_TAGS], dtype=np.float32)

    def _batches(self, order, lengths):
        """Runs of ``order`` (texts by length) for the BiLSTM: at most ``batch_size`` texts,
        and at most ``batch_chars`` once padded to the longest, so that a few long texts do
        not make many short ones pay for their length."""
        batch = []
        for i in order:
            if batch and (len(batch) == self.batch_size or (len(batch) + 1) * lengths[i] > self.batch_chars):
                yield batch
                batch = []
            batch.append(i)
        if batch:
            yield batch

    def tag(self, texts, lac_results, lac_states):
        """Spans [(start, end, type)] per text, from LAC's words and encoder states."""
        ids = [nn.ids(texts, lac_results) for nn in self.nns]
        order = sorted((i for i, t in enumerate(texts) if t), key=lambda i: len(texts[i]))
        spans = [[] for _ in texts]
        for chunk in self._batches(order, [len(t) for t in texts]):
            states = [lac_states[i] for i in chunk]
            em, lengths = self.nns[0].emissions([ids[0][i] for i in chunk], states)
            for k, nn in enumerate(self.nns[1:], 1):
                em += nn.emissions([ids[k][i] for i in chunk], states)[0]
            em /= len(self.nns)
            if self.crf_weights.any():
                crf = self.crf.log_marginals([texts[i] for i in chunk], [lac_results[i] for i in chunk], NN_TAGS)
                for row, logs in enumerate(crf):
                    em[row, :lengths[row]] += self.crf_weights * logs
            if self.bias.any():
                em += self.bias
            paths = nn_decode(em, self.transitions, lengths)
            for row, i in enumerate(chunk):
                spans[i] = tags_to_spans(NN_TAGS[t] for t in paths[row, :lengths[row]])
        return spans


@lru_cache(maxsize=1)
def tagger() -> NameTagger:
    """The process's name model, shipped in the package."""
    return NameTagger()
