"""Build a knowledge graph from files: map (extract) → reduce (resolve and merge) → write.

Articles are split into :data:`PARTS` partitions by a hash of their id
(:mod:`kg.build.partitions`), and each step
runs partition by partition on an executor (:mod:`kg.build.executors`: this process,
``-j N`` worker processes, or a Dask cluster):

1. **map** (:func:`~kg.build.tasks.extract_partition`): extract each article whose
   extraction is not cached in ``out/.kg``, a run of partitions per task (enough articles
   to tag together, :func:`~kg.build.partitions.map_groups`);
2. **resolve and graph** (:func:`~kg.build.tasks.graph_partition`): resolve each article's
   bare place names, write its named graph and the partition's ``out/parts/part-NNNNN.nq.gz``,
   and index its entities; the partial indexes are combined by key (:mod:`kg.merge`);
3. **write** (here, in the driver): the entity graphs (:mod:`kg.build.shards`), the store
   (:mod:`kg.store.database`, only changed graphs), the exports, the viewer and the report
   (:mod:`kg.build.outputs`).

The driver holds the entity index and the list of articles, never an article's text,
mentions or graph. A build is incremental and idempotent: nothing is written when
nothing changed, and a failed build leaves ``out/`` and the store as they were (files go
to a staging folder and are moved into place at the end). A bad input file is reported
and skipped. One build at a time may write to an ``out/`` folder (a lock file guards it).
"""

from __future__ import annotations

import gc
import hashlib
import pickle
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from kg.build.executors import make_executor
from kg.build.folder import STAGING_PREFIX, exclusive
from kg.build.inputs import duplicates, find_articles
from kg.build.partitions import PARTS, by_partition, map_groups, part_of
from kg.build.progress import Progress
from kg.build.shards import entity_graphs, ontology_graph
from kg.build.tasks import (
    Article,
    Job,
    extract_partition,
    graph_partition,
    note_peak,
    part_name,
)
from kg.cache import ExtractionCache, GraphCache, digest_of, outputs_fingerprint
from kg.cores import usable_cores
from kg.errors import NothingToBuild
from kg.memory import peak_memory
from kg.merge import EntityIndex, candidates
from kg.model import Extraction
from kg.rdf.iris import DEFAULT_BASE, Minter
from kg.rdf.ontology import DEFAULT_ONTOLOGY, load_vocabulary
from kg.state import STATE_DIR, read_record
from kg.store.database import Changes, store_path, union_graph
from kg.text.sources import SourceCounts, SourceOptions

__all__ = ["PARTS", "BuildResult", "build", "part_of"]

#: With fewer articles than this per worker to extract, worker processes (or a local Dask cluster)
#: are not worth starting: the build runs in this process.
SERIAL_BELOW = 4
#: From this many articles, with more than one core, helper processes write the exports, the store and
#: the viewer, so the driver never opens the store; below it, starting them (about 1 s) costs more than they save.
HELPER_FROM = 100
#: From this many articles, the driver lets go of the NLP models before the last step, if it loaded them;
#: below it, a process that builds again (a notebook, a test) keeps them for the next build.
RELEASE_FROM = 100


@dataclass
class BuildResult:
    """What a build made. ``graph`` is the whole graph (without the ontology), read on first use
    from ``graph.nt``, or from the store if the build wrote no ``graph.nt``."""

    report: dict
    out: Path
    errors: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    built: Graph | None = None
    memory: dict[int, int] = field(default_factory=dict)  #: peak MB of the driver and each worker, by process id
    helpers: dict[str, int] = field(default_factory=dict)  #: peak MB of each helper process, by role (store, exports)

    @property
    def documents(self) -> list[str]:
        return list(self.report["documents"])

    @property
    def graph(self) -> Graph:
        if self.built is None:
            self.built = Graph()
            load_vocabulary().bind(self.built.namespace_manager)
            if (self.out / "graph.nt").is_file():
                self.built.parse(self.out / "graph.nt", format="nt")
            else:
                union_graph(store_path(self.out), str(load_vocabulary().iri), self.built)
        return self.built

    def extractions(self) -> Iterator[Extraction]:
        """Each article's extraction as the map step gave it (before resolution), from the cache."""
        cache = ExtractionCache(self.out / STATE_DIR / "extractions")
        for doc_id, digest in sorted(self.report["digests"].items()):
            extraction = cache.get(doc_id, digest)
            if extraction is not None:
                yield extraction


def _salt(ontology: Path, base: str) -> str:
    """What every output depends on besides the articles: kg itself, the ontology, the base IRI."""
    h = hashlib.sha256(f"{outputs_fingerprint()}\0{base}\0".encode())
    h.update(Path(ontology).read_bytes())
    return h.hexdigest()


def _build_key(articles: list[Article], salt: str, exports: tuple[str, ...], skipped: list[str], max_chars: int) -> str:
    """What a build's outputs are made of; the inputs skipped before the map count too (the report lists them)."""
    return digest_of("build", salt, exports, [(a.doc_id, a.name, a.digest) for a in articles], skipped, max_chars)


def build(
    inputs: Iterable[Path | str],
    out_dir: Path | str = "out",
    *,
    base: str = DEFAULT_BASE,
    ontology: Path = DEFAULT_ONTOLOGY,
    jobs: int = 1,
    scheduler: str | None = None,
    exports: str = "auto",
    options: SourceOptions | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build or update the store and the exports in ``out_dir`` from ``inputs``.

    ``jobs`` worker processes run the map (1: this process); ``scheduler`` is a Dask
    scheduler address, or ``local`` for a local Dask cluster of ``jobs`` workers.
    ``exports`` is ``auto``, ``all`` or ``minimal`` (see :mod:`kg.build.outputs`);
    ``options`` name the fields of CSV and JSON Lines records and the longest article.
    """
    # here, not at the top: a worker process imports kg.build for its tasks, and needs none of the last step
    from kg.build.outputs import Outputs, finish_outputs, start_helpers

    vocab = load_vocabulary(Path(ontology))
    mint = Minter(base)
    out = Path(out_dir)
    progress = progress or Progress(every=float("inf"))
    options = options or SourceOptions()
    with exclusive(out):
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
        try:
            counts = SourceCounts()
            cache = ExtractionCache(out / STATE_DIR / "extractions")
            articles, errors = find_articles(inputs, options, counts, cache, staging / "payloads")
            if not articles:
                raise NothingToBuild(errors, out)
            salt = _salt(vocab.path, base)
            outputs = Outputs.choose(exports, len(articles))
            key = _build_key(articles, salt, outputs.which, errors, options.max_chars)
            previous = outputs.up_to_date(out, key)
            if previous is not None:  # nothing changed: leave every file and the store alone
                graphs = previous["store"]["graphs"]
                store = {"added": 0, "replaced": 0, "removed": 0, "unchanged": graphs, "graphs": graphs}
                return BuildResult({**previous, "extracted": [], "store": store}, out, previous["skipped"],
                                   Changes(unchanged=graphs))
            job = Job(str(out), str(staging), base, str(vocab.path), salt, options)
            memory: dict[int, int] = {}
            apart = len(articles) >= HELPER_FROM and (scheduler is not None or (jobs or usable_cores()) > 1)
            helpers: dict[str, int] = {}  # their peak MB by role, when helper processes do the last step
            index, graph_keys, counts_by_doc, written, extracted, warnings = _run(
                job, articles, errors, counts, jobs, scheduler, progress, memory)
            if len(articles) >= RELEASE_FROM:
                _release_models()
            # the helpers start while the entity graphs are written; finish_outputs shuts them down
            with start_helpers() if apart else nullcontext() as pool:
                graphs = GraphCache(out / STATE_DIR / "graphs")
                progress.stage("writing the entity graphs")
                shared = [_shared_file(out, staging, part) for part in sorted({part_of(d) for d in graph_keys})]
                shards = entity_graphs(index, shared, vocab, mint, graphs)
                classes = Counter(index.entity(key).cls for key in index.keys())
                del index  # the rest of the build reads the store and the files: the index is let go before them
                ontology_key = ontology_graph(vocab, graphs)
                extra = {"formats": counts.as_dict(),
                         "digests": {a.doc_id: a.digest for a in articles if a.doc_id in graph_keys}}
                report, changes = finish_outputs(out, staging, outputs, job, vocab, mint, classes, graph_keys,
                                                 counts_by_doc, shards, ontology_key, extracted, errors, warnings,
                                                 progress, extra, {"parts.json": written, "build.json": {"key": key}},
                                                 memory, helpers, pool)
            cache.keep_only({a.doc_id for a in articles})
            graphs.keep_only(set(graph_keys.values()) | set(shards.values()) | {ontology_key})
            job.partitions().keep_only({part_name(part_of(doc_id)) for doc_id in graph_keys})
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            progress.stop()
    note_peak(memory, peak_memory())
    return BuildResult(report, out, errors, changes, memory=memory, helpers=helpers)


def _release_models() -> None:
    """Let go of the NLP models, if this process loaded them (``-j 1``, or a small update run here):
    the rest of a large build needs none of them, and the store and the viewer take their memory
    instead of adding to it (at 1000× with ``-j 1``, a peak of 913 MB otherwise). Not imported
    when not loaded: that would load spaCy."""
    nlp = sys.modules.get("kg.extract.nlp")
    if nlp is not None:
        nlp.release_models()
        gc.collect()


def _shared_file(out: Path, staging: Path, part: int) -> Path:
    fresh = staging / "shared" / f"{part_name(part)}.nt"
    return fresh if fresh.is_file() else out / STATE_DIR / "shared" / f"{part_name(part)}.nt"


def _run(job: Job, articles: list[Article], errors: list[str], counts: SourceCounts, jobs: int,
         scheduler: str | None, progress: Progress, memory: dict[int, int]):
    """Steps 1 and 2 on an executor; returns the entity index and what each article's graph is."""
    cache = ExtractionCache(Path(job.out) / STATE_DIR / "extractions")
    fresh = {a.doc_id for a in articles if not cache.has(a.doc_id, a.digest)}
    todo = len(fresh)
    progress.start(todo)
    if scheduler in (None, "local") and todo < SERIAL_BELOW * jobs:
        jobs, scheduler = 1, None  # a few new articles: quicker here than in new processes (or a new local cluster)
    extracted: list[str] = []
    keys: set[str] = set()
    failed: dict[str, str] = {}
    texts: dict[str, str] = {}
    with make_executor(jobs, scheduler) as executor:
        tasks = [(job, group) for group in map_groups(articles, fresh, executor.workers)]
        for _, done in executor.map(extract_partition, tasks):
            extracted += done.extracted
            failed.update(done.errors)
            keys |= done.keys
            texts.update(done.texts)
            note_peak(memory, done.memory)
            progress.advance(len(done.extracted), done.chars)
        for article in articles:
            if article.doc_id in failed:
                counts.skipped[article.source.format] += 1
        errors.extend(message for _, message in sorted(failed.items()))
        if len(failed) == len(articles):
            raise NothingToBuild(errors, job.out)
        dropped, repeated = duplicates(articles, texts, counts)
        errors.extend(repeated)
        progress.stage("resolving entities and writing the article graphs")
        with (Path(job.staging) / "candidates.pickle").open("wb") as handle:
            pickle.dump(candidates(keys), handle, protocol=pickle.HIGHEST_PROTOCOL)
        del keys
        before = read_record(Path(job.out) / STATE_DIR / "parts.json")
        out_parts = Path(job.out) / "parts"
        kept = [a for a in articles if a.doc_id not in dropped and a.doc_id not in failed]
        tasks = [(job, part, members,
                  before.get(part_name(part)) if (out_parts / f"{part_name(part)}.nq.gz").is_file() else None)
                 for part, members in by_partition(kept).items()]
        results, total = executor.map_combine(graph_partition, tasks, EntityIndex.combine, EntityIndex)
        graph_keys: dict[str, str] = {}
        by_doc: dict[str, dict] = {}
        written: dict[str, str] = {}
        warnings: list[str] = []
        for i, result in sorted(results, key=lambda pair: pair[0]):
            graph_keys.update(result.graphs)
            by_doc.update(result.counts)
            warnings += result.warnings
            note_peak(memory, result.memory)
            if result.graphs:
                written[part_name(tasks[i][1])] = result.digest
        index = total()
    return index, graph_keys, by_doc, written, sorted(extracted), warnings
