"""How kg build scales: corpora of 1×, 10×, 100×, 1000× the seeds, one process, two, and Dask.

    python bench/scale.py --scales 1 10 100 1000

For each scale it writes a corpus (each copy of a seed with its own village and community
names, as bench/throughput.py does), then builds it in a fresh process with ``-j 1``,
``-j 2`` and a local two-worker Dask cluster (``--scheduler local -j 2``). Each build is
followed by a build with one article added and a build with nothing changed. It prints,
per build: seconds, characters per second, the speed-up over ``-j 1``, the peak memory of
the driver, of the busiest worker and of the busiest helper process that opens the store
(it loads the store, or reads the viewer's page from it; 0: the driver did), the time to add
one article and to rebuild with nothing changed, the time to bulk-load ``out/parts`` into a new Oxigraph store, and the
store's size on disk. Builds use the default ``--exports auto``: every whole-graph file up
to 2,000 articles, none above (so 1000× writes none). Figures are measured, not asserted: run it on an idle machine.

With ``--repeat N`` every mode is built N times, the modes taking turns (``-j 1``, ``-j 2``,
Dask, ``-j 1``, …) so a slow spell of the machine falls on all of them alike; each run
prints its row, then a ``median`` row per mode gives the median of each figure; its speed-up
is the median of the rounds' speed-ups, each over the ``-j 1`` build of its own round (the
ratio of the median times can read higher or lower than any round did). On the 2-core
machine we measure on, the same 100× ``-j 1`` build took from 100 to 174 s on one day.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
MODES = {"j1": ["--jobs", "1"], "j2": ["--jobs", "2"], "dask": ["--jobs", "2", "--scheduler", "local"]}


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _child(mode: str, corpus: Path, out: Path) -> dict:
    """One build, then +1 article and nothing changed; run in a fresh process."""
    sys.path.insert(0, str(BENCH))
    import pyoxigraph as ox
    from throughput import SEEDS, _variant

    from kg.build import build
    from kg.store.database import load_parts

    options = {"jobs": int(MODES[mode][1])}
    if "--scheduler" in MODES[mode]:
        options["scheduler"] = "local"
    chars = sum(len(p.read_text(encoding="utf-8")) for p in corpus.glob("*.txt"))
    started = time.perf_counter()
    result = build([corpus], out, **options)
    seconds = time.perf_counter() - started
    memory = dict(result.memory)
    driver = memory.pop(os.getpid(), 0)
    seed = sorted(SEEDS.glob("*.txt"))[0]
    added = corpus / "added.txt"
    added.write_text(_variant(seed.read_text(encoding="utf-8"), 99_999), encoding="utf-8")
    started = time.perf_counter()
    build([corpus], out, **options)
    plus_one = time.perf_counter() - started
    started = time.perf_counter()
    build([corpus], out, **options)
    again = time.perf_counter() - started
    added.unlink()
    # RocksDB may still be writing its log as the folder goes: ignore that, it is our own scratch space.
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        started = time.perf_counter()
        store = ox.Store(tmp)
        load_parts(store, sorted((out / "parts").glob("*.nq.gz")))  # as a build loads a new store
        store.flush()
        load = time.perf_counter() - started
        del store
    return {"mode": mode, "docs": len(result.documents), "chars": chars, "seconds": seconds,
            "triples": result.report["triples"], "driver_mb": driver, "worker_mb": max(memory.values(), default=0),
            "store_helper_mb": max(result.helpers.get("store", 0), result.helpers.get("viewer", 0)),
            "plus_one": plus_one, "again": again, "load": load, "store_mb": _size(out / "store") / 2**20,
            "parts_mb": _size(out / "parts") / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=list(MODES))
    parser.add_argument("--repeat", type=int, default=1, help="builds per mode, taking turns; medians follow")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "CORPUS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, corpus, out = args.child
        print(json.dumps(_child(mode, Path(corpus), Path(out))))
        return
    sys.path.insert(0, str(BENCH))
    from throughput import make_corpus

    print("| scale | docs | chars | build | seconds | chars/s | speed-up | driver MB | worker MB | store process MB | "
          "+1 article s | again s | parts→store s | store MB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for scale in args.scales:
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp, "corpus")
            corpus.mkdir()
            make_corpus(corpus, scale)
            runs: dict[str, list[dict]] = {mode: [] for mode in args.modes}
            speedups: dict[str, list[float]] = {mode: [] for mode in args.modes}
            for _ in range(max(1, args.repeat)):
                baseline = None  # this round's -j 1 build
                for mode in args.modes:
                    row = _run(mode, corpus, Path(tmp, f"out-{mode}"))
                    if row is None:
                        print(f"| {scale}× | {mode} failed |", flush=True)
                        continue
                    runs[mode].append(row)
                    baseline = row if mode == "j1" else baseline
                    if baseline is not None:
                        speedups[mode].append(baseline["seconds"] / row["seconds"])
                    _print(scale, row, speedups[mode][-1] if baseline is not None else None, "")
            if args.repeat > 1:
                for mode, rows in runs.items():
                    if rows:
                        ratios = speedups[mode]
                        _print(scale, _median(rows), statistics.median(ratios) if ratios else None, " median")


def _run(mode: str, corpus: Path, out: Path) -> dict | None:
    """One build of ``corpus`` in a fresh process; its figures, or None (and its error printed) if it failed."""
    run = subprocess.run([sys.executable, __file__, "--child", mode, str(corpus), str(out)],
                         capture_output=True, text=True)
    shutil.rmtree(out, ignore_errors=True)
    if run.returncode != 0:
        print(run.stderr, file=sys.stderr)
        return None
    return json.loads(run.stdout.strip().splitlines()[-1])


def _median(rows: list[dict]) -> dict:
    """Each figure's median over ``rows`` (runs of one mode)."""
    return {key: (statistics.median(row[key] for row in rows) if isinstance(value, (int, float)) else value)
            for key, value in rows[0].items()}


def _print(scale: int, row: dict, speedup: float | None, tag: str) -> None:
    """One table row, with its speed-up over ``-j 1`` (None: no ``-j 1`` build to compare with)."""
    speedup = f"{speedup:.2f}×" if speedup is not None else "–"
    print(f"| {scale}× | {row['docs']:.0f} | {row['chars']:,.0f} | {row['mode']}{tag} | {row['seconds']:.1f} | "
          f"{row['chars'] / row['seconds']:,.0f} | {speedup} | {row['driver_mb']:.0f} | {row['worker_mb']:.0f} | "
          f"{row['store_helper_mb']:.0f} | {row['plus_one']:.1f} | {row['again']:.2f} | {row['load']:.1f} | "
          f"{row['store_mb']:.0f} |", flush=True)

if __name__ == "__main__":
    main()
