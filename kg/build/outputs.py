"""The last step of a build, in the driver: store, exports, viewer and report, then into place.

Everything is written into the build's staging folder first (exports, viewer, report and
the build's records); then the store is synced (it writes a new store beside the live one
and swaps it in); then the staged files are moved into ``out/`` (exports, viewer,
``ontology.ttl``, ``report.json``), ``out/parts/`` (each partition's N-Quads, the entity
graphs' and the ontology's), ``out/.kg/shared/`` and, last, ``out/.kg/build.json``. Only
renames follow the store's swap, so a failure (a full disk) leaves ``out/`` and the store
as they were; a build killed during the moves leaves an old ``build.json``, and the next
build writes everything again.

Which whole-graph exports a build writes (``kg build --exports``): ``all``; ``minimal``
(``graph.nt`` and ``graph.nq`` only); ``none`` (the store and ``out/parts``, gzipped
N-Quads of every graph, hold everything); ``auto`` (the default) is ``all`` up to
:data:`AUTO_LIMIT` articles and ``none`` above, where every whole-graph file would be
rewritten in full by every update, whatever it changed (at 5,000 articles ``graph.nt`` and
``graph.nq`` are 2.9 GB, and writing them took longer than the rest of adding an article).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
from collections import Counter
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from kg.build.partitions import part_of
from kg.build.progress import Progress
from kg.build.tasks import Job, part_name, write_quads
from kg.cache import GraphCache
from kg.errors import KGError
from kg.helpers import details_task, export_task, ready, store_task, view_task
from kg.rdf.exports import EXPORTS, PLAIN, families
from kg.rdf.iris import Minter
from kg.rdf.ontology import Vocabulary
from kg.state import STATE_DIR, read_record, write_record
from kg.store.database import Changes, discard, store_path, swap
from kg.viz.viewer import render

__all__ = ["AUTO_LIMIT", "Outputs", "finish_outputs", "start_helpers"]

#: Up to this many articles, ``--exports auto`` writes every export; above it, none (they are
#: opt-in: ``--exports all`` or ``minimal``).
AUTO_LIMIT = 2_000
_ALWAYS_FILES = ("graph.html", "ontology.ttl", "report.json")


@dataclass(frozen=True)
class Outputs:
    which: tuple[str, ...]

    @classmethod
    def choose(cls, exports: str, articles: int) -> Outputs:
        if exports not in ("auto", "all", "minimal", "none"):
            raise KGError(f"--exports {exports!r}: use auto, all, minimal or none")
        if exports == "auto":
            exports = "all" if articles <= AUTO_LIMIT else "none"
        return cls({"all": EXPORTS, "minimal": PLAIN, "none": ()}[exports])

    def up_to_date(self, out: Path, key: str) -> dict | None:
        """The last report, if the last build had the same key and its outputs are all there."""
        report = read_record(out / "report.json")
        if read_record(out / STATE_DIR / "build.json").get("key") != key or not report:
            return None
        present = all((out / name).is_file() for name in (*self.which, *_ALWAYS_FILES))
        return report if present and (store_path(out) / "CURRENT").is_file() else None


def _move(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)


def finish_outputs(out: Path, staging: Path, outputs: Outputs, job: Job, vocab: Vocabulary, mint: Minter,
                   classes: Counter, graph_keys: dict[str, str], counts: dict[str, dict],
                   shards: dict[str, str], ontology_key: str, extracted: list[str], errors: list[str],
                   warnings: list[str], progress: Progress, extra: dict,
                   records: dict[str, dict], memory: dict[int, int], helpers: dict[str, int],
                   pool: ProcessPoolExecutor | None = None) -> tuple[dict, Changes]:
    """Write the exports, viewer and report (with ``extra``) and the build's ``records`` (``out/.kg/NAME``)
    into staging, sync the store, then move everything into place.

    Given ``pool`` (:func:`start_helpers`), its two helper processes do the rest, so this process
    never opens the store: its memory stays what the entity index needs. The pool is shut down
    here, before the store is swapped in or discarded, so no helper still reads it then. One writes the exports
    while the other stages the store (:func:`store_task`); then one chooses the viewer's view
    (:func:`view_task`) and the two read what the page says of its nodes and of its edges at
    once (:func:`details_task`), while the other exports are written; the page is put together
    here. Their peak MB go into ``helpers`` by role (``exports``, ``store``, ``viewer``). Every
    write comes before the store is swapped in, and after it only renames: a failure (a full
    disk) leaves ``out/`` and the store as they were.
    """
    cache = GraphCache(out / STATE_DIR / "graphs")
    named = {str(mint.document(doc_id)): key for doc_id, key in graph_keys.items()}
    named.update(shards)
    named[str(vocab.iri)] = ontology_key
    files = {iri: (key, cache.path(key)) for iri, key in named.items()}
    parts_dir, fresh_parts = out / "parts", staging / "parts"
    write_quads(fresh_parts / "entities.nq.gz", sorted((iri, cache.path(key)) for iri, key in shards.items()))
    write_quads(fresh_parts / "ontology.nq.gz", [(str(vocab.iri), cache.path(ontology_key))])
    live = {p.name for p in parts_dir.glob("part-*.nq.gz")}
    wanted = {f"{part_name(part_of(d))}.nq.gz" for d in graph_keys} | {"entities.nq.gz", "ontology.nq.gz"}
    parts = [fresh_parts / name if (fresh_parts / name).is_file() else parts_dir / name
             for name in sorted(wanted)]
    shutil.copyfile(vocab.path, staging / "ontology.ttl")
    progress.stage("writing the exports, updating the store and drawing the viewer")
    try:  # any failure before the swap drops the staged store: the live one stays as it was
        with pool or _Here() as run:
            graphs = sorted((iri, str(path)) for iri, (_, path) in files.items())
            groups = families(outputs.which)  # graph.nt's and graph.nq's: two tasks, which may run at once

            def export(family: tuple[str, ...]) -> Future:
                return run.submit(export_task, (job.base, job.ontology, job.staging, graphs, family))

            exported = [export(groups[0])] if groups else []
            staged, store_peak = run.submit(store_task, (str(out), files, parts)).result()
            viewed = run.submit(view_task, (str(staged.folder), str(vocab.path)))
            exported += [export(family) for family in groups[1:]]  # beside the view, which leaves a core idle
            view, view_peak = viewed.result()
            halves = [run.submit(details_task, (str(staged.folder), str(vocab.path), view, part))
                      for part in ("nodes", "edges")]
            (nodes, nodes_peak), (evidence, edges_peak) = (half.result() for half in halves)
            (staging / "graph.html").write_text(render(vocab, view, nodes, evidence), encoding="utf-8")
            peaks = {"store": store_peak, "viewer": max(view_peak, nodes_peak, edges_peak, key=lambda p: p[1]),
                     **({"exports": max((e.result() for e in exported), key=lambda p: p[1])} if exported else {})}
        if pool is not None:  # else the peaks are this process's own, which the build notes
            helpers.update((role, mb) for role, (_, mb) in peaks.items())
        report = {**_report(graph_keys, classes, counts, [cache.path(key) for key in shards.values()], extracted,
                            errors, warnings, staged.changes), **extra}
        (staging / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        for name, data in records.items():
            write_record(staging / STATE_DIR / name, data)
    except BaseException as error:
        discard(store_path(out), error)
        raise
    changes = swap(store_path(out), files, staged)
    for name in (*outputs.which, *_ALWAYS_FILES):
        _move(staging / name, out / name)
    for stale in live - wanted:
        (parts_dir / stale).unlink(missing_ok=True)
        (out / STATE_DIR / "shared" / stale.replace(".nq.gz", ".nt")).unlink(missing_ok=True)
    for name in set(EXPORTS) - set(outputs.which):  # no stale whole-graph file stays behind
        (out / name).unlink(missing_ok=True)
    for fresh in sorted(fresh_parts.glob("*.nq.gz")):
        _move(fresh, parts_dir / fresh.name)
    for fresh in sorted((staging / "shared").glob("*.nt")):
        _move(fresh, out / STATE_DIR / "shared" / fresh.name)
    for name in records:  # last: build.json says the build is whole
        _move(staging / STATE_DIR / name, out / STATE_DIR / name)
    return report, changes


def start_helpers() -> ProcessPoolExecutor:
    """The two helper processes of :func:`finish_outputs`, started now: each imports :mod:`kg.helpers`
    (about a second), which a build lets them do while it writes the entity graphs."""
    pool = ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn"))
    for _ in range(2):
        pool.submit(ready)  # a pool starts a process for a task no idle one can take
    return pool


class _Here:
    """A stand-in for a process pool that runs what it is given at once, here."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def submit(self, fn, *args) -> Future:
        done: Future = Future()
        try:
            done.set_result(fn(*args))
        except BaseException as error:  # raised where the result is asked for, as from a process
            done.set_exception(error)
        return done


def _lines(path: Path) -> int:
    with path.open("rb") as data:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: data.read(1 << 20), b""))


def _report(graph_keys: dict[str, str], classes: Counter, counts: dict[str, dict], shard_files: list[Path],
            extracted: list[str], errors: list[str], warnings: list[str], changes: Changes) -> dict:
    relations: Counter = Counter()
    for c in counts.values():
        relations.update(c.get("relations", {}))
    relations["holdsPosition"] = sum(c.get("positions", 0) for c in counts.values())
    triples = sum(c["triples"] for c in counts.values()) + sum(map(_lines, shard_files))  # all but the ontology
    return {
        "documents": sorted(graph_keys),
        "extracted": extracted,
        "skipped": list(errors),
        "store": {"added": len(changes.added), "replaced": len(changes.replaced), "removed": len(changes.removed),
                  "unchanged": changes.unchanged, "graphs": len(changes.added) + len(changes.replaced)
                  + changes.unchanged},
        "triples": triples,
        "entities": dict(sorted(classes.items())),
        "relations": dict(sorted(relations.items())),
        "observations": sum(c.get("observations", 0) for c in counts.values()),
        "mentions": sum(c.get("mentions", 0) for c in counts.values()),
        "statements": sum(c.get("statements", 0) for c in counts.values()),
        "warnings": warnings,
    }
