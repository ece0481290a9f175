"""Time and peak memory of `kg stats`, `kg viz` and `kg validate` on a store built from many copies of the seeds.

The corpus is bench/throughput.py's (each copy's villages and communities renamed), built by
``kg build`` in a process of its own. Each command runs in its own process too (``python -m
kg``), started from this small one, so its peak resident memory (``getrusage`` of that child)
is its own: the interpreter and libraries included, which is what ``kg --help`` costs.

    python bench/views.py --copies 100                  # builds the corpus in a temporary folder
    python bench/views.py --out /tmp/out100             # a folder kg already built
    python bench/views.py --out /tmp/out100 --graph     # the commands given out/graph.ttl instead of the store

With ``--graph`` the commands are the ones kg has always accepted, so the same line run
with an older kg on the ``PYTHONPATH`` measures that version.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path



def measure(args: list[str]) -> tuple[float, float, int]:
    """Seconds, peak resident MB and exit status of ``python -m kg ARGS``."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "kg", *args], stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode not in (0, 1):  # kg validate exits 1 on violations
            errors.seek(0)
            sys.exit(f"kg {' '.join(args)} failed: {errors.read().decode()}")
    return seconds, usage.ru_maxrss / 1024, child.returncode


def commands(out: Path, graph: bool, page: Path) -> list[tuple[str, list[str]]]:
    source = [str(out / "graph.ttl")] if graph else []
    return [
        ("kg --help", ["--help"]),
        ("kg stats", ["stats", *source, *([] if graph else ["-o", str(out)]), "--json"]),
        ("kg viz", ["viz", *(source or [str(out)]), "-o", str(page)]),
        ("kg viz --focus", ["viz", *(source or [str(out)]), "--focus", "林芝市", "--depth", "2", "-o", str(page)]),
        ("kg validate", ["validate", *source, *([] if graph else ["-o", str(out)])]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100, help="copies of the seeds to build (without --out)")
    parser.add_argument("--out", type=Path, default=None, help="a folder kg built (default: build one)")
    parser.add_argument("--graph", action="store_true", help="give the commands out/graph.ttl instead of the store")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out
        if out is None:
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from throughput import make_corpus

            corpus, out = Path(tmp, "corpus"), Path(tmp, "out")
            corpus.mkdir()
            make_corpus(corpus, args.copies)
            seconds, peak, _ = measure(["build", str(corpus), "-o", str(out)])
            print(f"built {args.copies} copies in {seconds:.0f} s (peak {peak:.0f} MB)")
        triples = sum(1 for _ in (out / "graph.nt").open("rb")) if (out / "graph.nt").is_file() else "?"
        print(f"{out}: {triples} triples; reading {'graph.ttl' if args.graph else 'the store'}")
        print(f"{'command':<16} {'seconds':>8} {'peak MB':>8} {'exit':>5}")
        for name, command in commands(out, args.graph, Path(tmp, "view.html")):
            seconds, peak, status = measure(command)
            print(f"{name:<16} {seconds:>8.1f} {peak:>8.0f} {status:>5}")


if __name__ == "__main__":
    main()
