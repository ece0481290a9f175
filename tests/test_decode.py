"""The compiled linear-chain kernels against brute force over every path."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from kg.extract.decode import crf_marginals, viterbi_batch


def _paths(scores, transitions):
    """Every tag path of one row with its total score."""
    length, tags = scores.shape
    for path in itertools.product(range(tags), repeat=length):
        total = sum(scores[t, k] for t, k in enumerate(path))
        total += sum(transitions[a, b] for a, b in zip(path, path[1:]))
        yield path, total


@pytest.mark.parametrize("seed", range(6))
def test_viterbi_is_the_best_path_and_rows_do_not_see_each_other(seed):
    rng = np.random.default_rng(seed)
    tags, width = 3, 5
    lengths = rng.integers(0, width + 1, size=7)
    em = rng.normal(size=(7, width, tags)).astype(np.float32)
    tr = rng.normal(size=(tags, tags)).astype(np.float32)
    got = viterbi_batch(em, tr, lengths)
    for row, n in enumerate(lengths):
        assert got[row, n:].tolist() == [0] * (width - n)
        if n:
            best = max(_paths(em[row, :n].astype(np.float64), tr.astype(np.float64)), key=lambda p: p[1])[0]
            assert tuple(got[row, :n]) == best
            assert viterbi_batch(em[row:row + 1, :n], tr).tolist() == [got[row, :n].tolist()]


def test_viterbi_ties_go_to_the_lowest_tag():
    em = np.zeros((1, 4, 3), np.float32)
    assert viterbi_batch(em, np.zeros((3, 3), np.float32)).tolist() == [[0, 0, 0, 0]]


@pytest.mark.parametrize("seed", range(6))
def test_crf_marginals_are_the_path_probabilities_summed(seed):
    rng = np.random.default_rng(100 + seed)
    tags, width = 3, 4
    lengths = rng.integers(0, width + 1, size=5)
    scores = rng.normal(scale=3, size=(5, width, tags))
    tr = rng.normal(size=(tags, tags))
    got = crf_marginals(scores, tr, lengths)
    for row, n in enumerate(lengths):
        assert not got[row, n:].any()
        if not n:
            continue
        want = np.zeros((n, tags))
        for path, total in _paths(scores[row, :n], tr):
            want[np.arange(n), path] += np.exp(total)
        assert np.allclose(got[row, :n], want / want[0].sum())


def test_crf_marginals_survive_huge_scores():
    """Each position is rescaled, so scores far beyond exp's range still give a distribution."""
    scores = np.array([[[900.0, 0.0], [-900.0, 0.0], [0.0, 2000.0]]])
    got = crf_marginals(scores, np.zeros((2, 2)), [3])
    assert np.allclose(got.sum(axis=2), 1) and np.isfinite(got).all()


def test_without_a_writable_cache_folder_the_kernels_compile_in_memory(monkeypatch):
    """numba refuses ``cache=True`` when it can write no cache folder (a read-only install and
    home): kg then compiles in memory instead of failing at import."""
    import importlib

    import numba

    import kg.extract.decode as decode

    real = numba.njit

    def njit(*args, **kwargs):
        if kwargs.get("cache"):
            raise RuntimeError("cannot cache function: no locator available")
        return real(*args, **kwargs)

    monkeypatch.setattr(numba, "njit", njit)
    try:
        fresh = importlib.reload(decode)
        em = np.array([[[0.0, 1.0], [2.0, 0.0], [0.0, 3.0]]], np.float32)
        assert fresh.viterbi_batch(em, np.zeros((2, 2), np.float32)).tolist() == [[1, 0, 1]]
        assert np.allclose(fresh.crf_marginals(em, np.zeros((2, 2)), [3]).sum(axis=2), 1)
    finally:
        monkeypatch.undo()
        importlib.reload(decode)
