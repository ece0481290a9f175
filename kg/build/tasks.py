"""The work a build hands out, one partition of articles at a time: pure functions of their inputs.

A task reads its inputs and the caches in ``out/.kg`` and writes only new cache entries
and files in the build's staging folder, so any number of them can run at once, on any
machine that sees ``out/``, and a task that is run twice does the same thing twice.

1. :func:`extract_partition` (the map): extract every article whose extraction is not
   cached, and report the entity keys its articles name.
2. :func:`graph_partition` (resolution and the article graphs): resolve each article's
   keys to the fuller keys they are shorter ways of writing, write its N-Triples (from the
   cache when nothing it depends on changed), write the partition's N-Quads file and its
   facts about entities, and return the partition's part of the entity index.
"""

from __future__ import annotations

import gzip
import os
import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from pathlib import Path

from kg import model
from kg.cache import ExtractionCache, GraphCache, PartitionCache, digest_of, write_atomically
from kg.errors import InputError
from kg.memory import peak_memory
from kg.merge import EntityIndex, rekey, rekey_entities, resolve, widest
from kg.model import Summary, key_name
from kg.rdf.graph import article_graph, shard_of
from kg.rdf.iris import Minter
from kg.rdf.ontology import load_vocabulary
from kg.state import STATE_DIR
from kg.text.article import read_article, too_long
from kg.text.sources import Source, SourceOptions

__all__ = ["Article", "GraphResult", "Job", "MapResult", "extract_partition", "graph_partition"]


@dataclass(frozen=True, slots=True)
class Article:
    """One input article as the driver knows it: its id, its source and its digest.

    A record that came out of a container carries no bytes here: the driver streamed them
    to ``payload`` (a file in the build's staging folder), so no process holds them all.
    """

    doc_id: str
    digest: str
    source: Source
    payload: str | None = None

    @property
    def name(self) -> str:
        return self.source.name

    def load(self) -> Source:
        """The source, with its record's bytes back in place."""
        if self.payload is None:
            return self.source
        return replace(self.source, payload=Path(self.payload).read_bytes())


@dataclass(frozen=True)
class Job:
    """What every task of one build needs to know (small and picklable)."""

    out: str
    staging: str
    base: str
    ontology: str
    salt: str
    options: SourceOptions = SourceOptions()  # what read_article needs of them: max_chars

    @property
    def state(self) -> Path:
        return Path(self.out) / STATE_DIR

    def extractions(self) -> ExtractionCache:
        return ExtractionCache(self.state / "extractions")

    def graphs(self) -> GraphCache:
        return GraphCache(self.state / "graphs")

    def partitions(self) -> PartitionCache:
        return PartitionCache(self.state / "partitions")


@dataclass
class MapResult:
    extracted: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (doc id, one-line message)
    chars: int = 0  # characters extracted afresh
    keys: set[str] = field(default_factory=set)  # every entity key its articles name
    texts: dict[str, str] = field(default_factory=dict)  # doc id → digest of its cleaned text
    memory: tuple[int, int] = (0, 0)  # (process id, its peak resident memory in MB so far)


#: Articles whose pieces go through LAC and the name model together: one article's pieces
#: rarely share a length, and LAC's encoder runs on pieces of one length at a time (16 articles
#: at once tagged twice as many characters a second as one).
EXTRACT_BATCH = 16


def extract_partition(task: tuple[Job, list[Article]]) -> MapResult:
    """Extract the task's articles (a run of partitions) that have no cached extraction; read the others' summaries.

    An article cached from a build with a higher ``--max-chars`` is refused as if it were read
    afresh, so what is built never depends on what was built before."""
    job, articles = task
    cache = job.extractions()
    result = MapResult()
    pending: list[tuple[Article, model.Article]] = []  # read, waiting to be extracted with others
    for article in articles:
        brief = cache.brief(article.doc_id, article.digest)
        if brief is not None and (error := too_long(article.source, brief.read_chars, job.options.max_chars)):
            result.errors.append((article.doc_id, str(error)))
        elif brief is not None:
            _add(result, article, brief.keys, brief.text_digest)
        else:
            try:
                pending.append((article, read_article(article.load(), job.options)))
            except InputError as error:
                result.errors.append((article.doc_id, str(error)))
            if len(pending) == EXTRACT_BATCH:
                _extract(pending, cache, result)
                pending = []
    _extract(pending, cache, result)
    result.memory = peak_memory()
    return result


def _extract(pending: list[tuple[Article, model.Article]], cache: ExtractionCache, result: MapResult) -> None:
    """Extract articles read together (their texts through the spaCy pipeline as one batch) and cache them."""
    if not pending:
        return
    from kg.extract.extraction import extract  # the NLP models load only where they are needed
    from kg.extract.nlp import parse_many

    for (article, read), doc in zip(pending, parse_many([read.text for _, read in pending], len(pending))):
        summary = cache.put(extract(read, doc), article.digest)
        result.extracted.append(article.doc_id)
        result.chars += summary.chars
        _add(result, article, (e.key for e in summary.entities), summary.text_digest)


def _add(result: MapResult, article: Article, keys: Iterable[str], text_digest: str) -> None:
    result.keys.update(keys)
    result.texts[article.doc_id] = text_digest


@lru_cache(maxsize=2)
def _known(path: str, mtime: int) -> tuple[dict[str, tuple[str, ...]], Callable[[str], tuple[str, ...]]]:
    with open(path, "rb") as handle:
        known = pickle.load(handle)
    return known, lru_cache(maxsize=1 << 16)(partial(widest, known=known))


def _candidates(job: Job) -> tuple[dict[str, tuple[str, ...]], Callable[[str], tuple[str, ...]]]:
    """The build's candidates (:func:`kg.merge.candidates`) and :func:`kg.merge.widest` over them, memoised."""
    path = Path(job.staging) / "candidates.pickle"
    return _known(str(path), os.stat(path).st_mtime_ns)


@dataclass
class GraphResult:
    graphs: dict[str, str] = field(default_factory=dict)  # doc id → graph key
    counts: dict[str, dict] = field(default_factory=dict)  # doc id → what its graph holds
    warnings: list[str] = field(default_factory=list)
    digest: str = ""  # of the partition's graphs
    written: bool = False  # whether its files were written anew
    memory: tuple[int, int] = (0, 0)  # (process id, its peak resident memory in MB so far)


def _graph_key(job: Job, summary: Summary, mapping: dict[str, str]) -> str:
    return digest_of("article", job.salt, summary.doc_id, summary.digest, sorted(mapping.items()))


def _make_graph(job: Job, summary: Summary, mapping: dict[str, str], key: str) -> None:
    extraction = job.extractions().get(summary.doc_id, summary.digest)
    if extraction is None:  # the summary outlived its extraction: a damaged cache
        raise InputError(summary.doc_id, "its cached extraction is missing", "build again")
    extraction = rekey(extraction, mapping)
    graph = article_graph(extraction, load_vocabulary(Path(job.ontology)), Minter(job.base))
    relations: dict[str, int] = {}
    for r in extraction.relations:
        relations[r.predicate] = relations.get(r.predicate, 0) + 1
    counts = {"relations": relations, "positions": len(extraction.positions),
              "observations": len(extraction.observations), "mentions": len(extraction.mentions),
              "statements": len(extraction.relations), "triples": len(graph.own)}
    job.graphs().put(key, "".join(graph.own).encode("utf-8"), "".join(graph.shared).encode("utf-8"), counts)


def note_peak(memory: dict[int, int], peak: tuple[int, int]) -> None:
    """Keep each process's highest peak (``peak``: its pid and MB, as :func:`peak_memory` gives)."""
    pid, mb = peak
    memory[pid] = max(memory.get(pid, 0), mb)


def part_name(part: int) -> str:
    return f"part-{part:05d}"


def graph_partition(task: tuple[Job, int, list[Article], str | None]) -> tuple[GraphResult, EntityIndex]:
    """Resolve, graph and index one partition; write its files if its graphs changed since ``previous``.

    What it makes depends only on its articles and on the candidates of the names they use,
    so it is kept under a key of those (:class:`~kg.cache.PartitionCache`): when one article
    is added, the partitions it does not touch are read back, not made again."""
    job, part, articles, previous = task
    (known, _), cache = _candidates(job), job.extractions()
    ordered = sorted(articles, key=lambda a: a.doc_id)
    briefs = [cache.brief(a.doc_id, a.digest) for a in ordered]
    names = sorted({key_name(key) for brief in briefs if brief is not None for key in brief.keys})
    key = digest_of("partition", job.salt, [(a.doc_id, a.digest, b is not None) for a, b in zip(ordered, briefs)],
                    [(name, known.get(name, ())) for name in names])
    stored = job.partitions().get(part_name(part), key)
    graphs = job.graphs()
    if isinstance(stored, tuple) and len(stored) == 2 and all(map(graphs.has, stored[0].graphs.values())):
        result, index = stored
    else:
        result, index = _graph_articles(job, ordered)
        job.partitions().put(part_name(part), key, (result, index))
    result.memory = peak_memory()
    if result.digest != previous:
        _write_part(job, part, result.graphs)
        result.written = True
    return result, index


def _graph_articles(job: Job, ordered: list[Article]) -> tuple[GraphResult, EntityIndex]:
    (known, fullest), cache, graphs = _candidates(job), job.extractions(), job.graphs()
    index, result = EntityIndex(), GraphResult()
    for article in ordered:
        summary = cache.summary(article.doc_id, article.digest)
        if summary is None:
            continue  # it could not be read; the map step said so
        mapping = resolve((e.key for e in summary.entities), known, fullest)
        key = _graph_key(job, summary, mapping)
        if not graphs.has(key):
            _make_graph(job, summary, mapping, key)
        index.add(summary.doc_id, rekey_entities(summary.entities, mapping))
        result.graphs[summary.doc_id] = key
        result.counts[summary.doc_id] = graphs.counts(key)
        result.warnings.extend(summary.warnings)
    result.digest = digest_of("part", sorted(result.graphs.items()))
    return result, index


def write_quads(target: Path, graphs: list[tuple[str, Path]]) -> None:
    """Gzipped N-Quads of named graphs given as (IRI, N-Triples file), streamed, byte-identical
    for the same input (no time or name in the gzip header)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with partial.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                                                 compresslevel=1) as out:
        for graph, path in graphs:  # a graph's file at once: N-Triples ends every line, and only a line, with " .\n"
            out.write(path.read_bytes().replace(b" .\n", f" <{graph}> .\n".encode()))
    partial.replace(target)


def _write_part(job: Job, part: int, keys: dict[str, str]) -> None:
    """The partition's N-Quads and its facts about entities, each line led by its entity graph."""
    mint, graphs, staging = Minter(job.base), job.graphs(), Path(job.staging)
    ordered = sorted((str(mint.document(doc_id)), graphs.path(key)) for doc_id, key in keys.items())
    name = part_name(part)
    write_quads(staging / "parts" / f"{name}.nq.gz", ordered)
    shared: set[bytes] = set()
    for key in keys.values():
        for line in graphs.path(key, "shared.nt").read_bytes().splitlines():
            shared.add(f"{shard_of(line[: line.index(b' ')].decode()):02d} ".encode() + line)
    write_atomically(staging / "shared" / f"{name}.nt", b"".join(line + b"\n" for line in sorted(shared)))
