"""Throughput of `kg.build` on corpora scaled up from the seeds; prints a table of figures.

Each copy of a seed article gets its own numbered variant of every village and community
name it contains (尼池社区 → 尼池七社区), so the scaled corpus has new entities to
find and merge rather than exact duplicates.

    python bench/throughput.py --scales 1 10 100

After each build it times a second build of the same corpus (nothing to extract) and a
build with one article added (one to extract; the store rewrites only what changed).
"""

from __future__ import annotations

import argparse
import re
import resource
import tempfile
import time
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
_VARIED = re.compile(r"([\u4e00-\u9fff]{2})(社区|村)")
_DIGITS = "零一二三四五六七八九"


def _variant(text: str, copy: int) -> str:
    tag = "".join(_DIGITS[int(d)] for d in str(copy))
    return _VARIED.sub(lambda m: m.group(1) + tag + m.group(2), text) if copy else text


def make_corpus(folder: Path, scale: int) -> int:
    chars = 0
    for copy in range(scale):
        for seed in sorted(SEEDS.glob("*.txt")):
            text = _variant(seed.read_text(encoding="utf-8"), copy)
            (folder / f"{seed.stem}-{copy:04d}.txt").write_text(text, encoding="utf-8")
            chars += len(text)
    return chars


def _timed(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def main() -> None:
    from kg.build import build  # here, so that make_corpus can be imported without kg (bench/views.py)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    args = parser.parse_args()
    print(f"{'scale':>6} {'docs':>6} {'chars':>9} {'seconds':>8} {'docs/s':>7} {'chars/s':>9} {'triples':>8} "
          f"{'peak MB':>8} {'again s':>8} {'+1 doc s':>8}")
    for scale in args.scales:
        with tempfile.TemporaryDirectory() as tmp:
            corpus, out = Path(tmp, "corpus"), Path(tmp, "out")
            corpus.mkdir()
            chars = make_corpus(corpus, scale)
            started = time.perf_counter()
            result = build([corpus], out)
            seconds = time.perf_counter() - started
            docs = len(result.report["documents"])
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            again = _timed(lambda: build([corpus], out))
            seed = sorted(SEEDS.glob("*.txt"))[0]
            (corpus / "added.txt").write_text(_variant(seed.read_text(encoding="utf-8"), scale), encoding="utf-8")
            added = _timed(lambda: build([corpus], out))
            print(f"{scale:>6} {docs:>6} {chars:>9} {seconds:>8.1f} {docs / seconds:>7.2f} {chars / seconds:>9.0f} "
                  f"{result.report['triples']:>8} {peak:>8.0f} {again:>8.1f} {added:>8.1f}")


if __name__ == "__main__":
    main()
