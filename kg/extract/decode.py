"""Linear-chain decoding, compiled: Viterbi paths and CRF tag marginals.

LAC, the BiLSTM-CRF and the character CRF all end in a linear chain over tags. Decoding it
is a loop over characters and tag pairs, which numpy can only take one character at a time
(one call per position, or per previous tag), so at tens of tags and millions of characters
the calls, not the arithmetic, cost. numba compiles the loops once per machine (cached
beside this file, in the user's cache folder or under ``NUMBA_CACHE_DIR``; in memory
if none can be written).

Both functions take a padded batch, (B, T, K) scores with each row's real length, and read
each row only up to its length, so a row decodes the same whatever it is batched with.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["crf_marginals", "viterbi_batch"]


def _compiled(func):
    """``func`` compiled, its machine code cached on disk when numba finds a folder it may
    write (beside this file, or the user's cache folder); else compiled afresh in each process."""
    try:
        return numba.njit(cache=True, nogil=True)(func)
    except RuntimeError:  # numba: "cannot cache function ...: no locator available"
        return numba.njit(nogil=True)(func)


@_compiled
def _viterbi(emissions, transitions, lengths, path):  # pragma: no cover - compiled
    batch, _, tags = emissions.shape
    score = np.empty(tags, dtype=emissions.dtype)
    best = np.empty(tags, dtype=emissions.dtype)
    back = np.zeros((emissions.shape[1], tags), dtype=np.int32)
    for b in range(batch):
        n = lengths[b]
        if n == 0:
            continue
        score[:] = emissions[b, 0]
        for t in range(1, n):
            for k in range(tags):
                best[k] = score[0] + transitions[0, k]
                back[t, k] = 0
            for j in range(1, tags):  # previous tag outside, so the inner loop runs along a row
                for k in range(tags):
                    candidate = score[j] + transitions[j, k]
                    if candidate > best[k]:  # strict: ties keep the lowest tag, as argmax does
                        best[k] = candidate
                        back[t, k] = j
            for k in range(tags):
                score[k] = best[k] + emissions[b, t, k]
        current = 0
        for k in range(1, tags):
            if score[k] > score[current]:
                current = k
        for t in range(n - 1, 0, -1):
            path[b, t] = current
            current = back[t, current]
        path[b, 0] = current


def viterbi_batch(emissions: np.ndarray, transitions: np.ndarray,
                  lengths: np.ndarray | None = None) -> np.ndarray:
    """The best tag path (B, T) of each row of ``emissions`` (B, T, K) under ``transitions``
    (K, K), ``[from, to]``; ties go to the lowest tag. A row of length n is decoded over its
    first n positions only; the path is 0 past them. Float32 scores are summed in float32, in
    the order ``max_j(score[j] + transitions[j, k]) + emissions[k]``."""
    batch, length, _ = emissions.shape
    lengths = np.full(batch, length, dtype=np.int64) if lengths is None else np.asarray(lengths, dtype=np.int64)
    path = np.zeros((batch, length), dtype=np.intp)
    _viterbi(np.ascontiguousarray(emissions), np.ascontiguousarray(transitions, dtype=emissions.dtype), lengths, path)
    return path


@_compiled
def _marginals(scores, transitions, lengths, out):  # pragma: no cover - compiled
    batch, length, tags = scores.shape
    alpha = np.empty((length, tags))
    beta = np.empty((length, tags))
    weight = np.exp(transitions)
    for b in range(batch):
        n = lengths[b]
        if n == 0:
            continue
        state = np.empty((n, tags))
        for t in range(n):  # each position shifted by its own max: marginals ignore the shift
            state[t] = np.exp(scores[b, t] - scores[b, t].max())
        alpha[0] = state[0] / state[0].sum()
        for t in range(1, n):
            for k in range(tags):
                total = 0.0
                for j in range(tags):
                    total += alpha[t - 1, j] * weight[j, k]
                alpha[t, k] = total * state[t, k]
            alpha[t] /= alpha[t].sum()
        beta[n - 1] = 1.0
        for t in range(n - 2, -1, -1):
            for j in range(tags):
                total = 0.0
                for k in range(tags):
                    total += weight[j, k] * state[t + 1, k] * beta[t + 1, k]
                beta[t, j] = total
            beta[t] /= beta[t].sum()
        for t in range(n):
            joint = alpha[t] * beta[t]
            out[b, t] = joint / joint.sum()


def crf_marginals(scores: np.ndarray, transitions: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """P(tag k at position t) (B, T, K) float64 under a linear-chain CRF with state scores
    ``scores`` (B, T, K) and ``transitions`` (K, K) ``[from, to]``, by forward-backward with
    each step rescaled (so long rows never underflow); 0 past each row's length."""
    out = np.zeros(scores.shape, dtype=np.float64)
    _marginals(np.ascontiguousarray(scores, dtype=np.float64), np.ascontiguousarray(transitions, dtype=np.float64),
               np.asarray(lengths, dtype=np.int64), out)
    return out
