"""Build a knowledge graph from files: map (extract each file) → reduce (merge) → write.

A build is incremental and idempotent. Each article's extraction is remembered
(:mod:`kg.cache`), so building again extracts only new or changed files; the merge is
then recomputed for the whole corpus (cheap), each article's graph is serialised again
only if what it is made from changed, and the store (:mod:`kg.store.database`) rewrites only the
named graphs whose triples changed. Nothing at all is written when nothing changed. The inputs
name the whole corpus: an article that is no longer among them leaves the graph.

Files go to a temporary folder first; the store is synced (atomically) once they are all
written, and they are moved into place after it, so a failed build leaves ``out/`` and
the store as they were. A bad input file is reported and skipped; the rest of the
corpus is still built. One build at a time may
write to an ``out/`` folder (a lock file guards it).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Graph

from kg.cache import ExtractionCache, GraphCache, outputs_fingerprint
from kg.errors import InputError, KGError
from kg.extract.extraction import extract
from kg.merge import merge
from kg.model import Corpus, Extraction
from kg.rdf.dataset import dataset
from kg.rdf.exports import EXPORTS, write_exports
from kg.rdf.graph import graph_for, ntriples
from kg.rdf.iris import DEFAULT_BASE, Minter
from kg.rdf.ontology import DEFAULT_ONTOLOGY, load_vocabulary
from kg.state import STATE_DIR, read_record, write_record
from kg.store.database import Changes, store_path, sync
from kg.text.article import read_article
from kg.text.sources import SourceCounts, SourceOptions, find_sources
from kg.viz.viewer import write_html

__all__ = ["BuildResult", "build", "build_corpus"]


@dataclass
class BuildResult:
    """What a build made. ``graph`` is the whole graph (read back from ``graph.nt`` when
    the build found nothing to do)."""

    corpus: Corpus
    report: dict
    out: Path
    errors: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    built: Graph | None = None

    @property
    def graph(self) -> Graph:
        if self.built is None:
            self.built = Graph()
            load_vocabulary().bind(self.built.namespace_manager)
            self.built.parse(self.out / "graph.nt", format="nt")
        return self.built


def build_corpus(
    inputs: Iterable[Path | str],
    progress: Callable[[Path], None] | None = None,
    cache: ExtractionCache | None = None,
    *,
    options: SourceOptions | None = None,
    counts: SourceCounts | None = None,
) -> tuple[Corpus, list[str], list[str]]:
    """Extract (or recall) every article of the inputs and merge.

    Returns the corpus, one line per input skipped (bad, or the same article as an earlier
    one), and the ids of the articles that were extracted afresh (``progress`` is called with
    the file of exactly those). ``counts``, when given, is filled with what was read and
    skipped per format.
    """
    counts = counts if counts is not None else SourceCounts()
    extractions: dict[str, Extraction] = {}
    sources: dict[str, str] = {}
    texts: dict[str, str] = {}
    errors: list[str] = []
    extracted: list[str] = []

    def skip(error: InputError, format: str | None, tally: Counter = counts.skipped) -> None:
        errors.append(str(error))
        if format:
            tally[format] += 1

    for item in find_sources(inputs, options):
        if isinstance(item, InputError):
            skip(item, item.format)
            continue
        doc_id = item.doc_id
        try:
            extraction = cache.get(doc_id, item.digest) if cache else None
            article = extraction.article if extraction else read_article(item)
        except InputError as error:
            skip(error, item.format)
            continue
        text_key = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
        if text_key in texts:
            skip(InputError(item.path, f"the same article as {texts[text_key]} (same cleaned text)", "built once",
                            record=item.record), item.format, counts.duplicates)
            continue
        if doc_id in sources:
            fix = "give the records distinct ids (--id-field)" if item.record else "rename one of the two files"
            skip(InputError(item.path, f"has the same article id ({doc_id}) as {sources[doc_id]}", fix,
                            record=item.record), item.format)
            continue
        sources[doc_id], texts[text_key] = item.name, item.name
        if extraction is None:
            if progress:
                progress(item.path)
            extraction = extract(article)
            extracted.append(doc_id)
            if cache:
                cache.put(extraction)
        extractions[doc_id] = extraction
        counts.read[item.format] += 1
    return merge(extractions.values(), warnings=errors), errors, extracted


def _report(corpus: Corpus, graph: Graph, vocab, extracted: list[str], changes: Changes, counts: SourceCounts) -> dict:
    classes = Counter(e.cls for e in corpus.entities.values())
    relations = Counter(r.predicate for x in corpus.extractions for r in x.relations)
    relations["holdsPosition"] = sum(len(x.positions) for x in corpus.extractions)
    return {
        "documents": [x.article.doc_id for x in corpus.extractions],
        "extracted": extracted,
        "formats": counts.as_dict(),
        "store": {"added": len(changes.added), "replaced": len(changes.replaced),
                  "removed": len(changes.removed), "unchanged": changes.unchanged},
        "triples": len(graph),
        "entities": dict(sorted(classes.items())),
        "relations": dict(sorted(relations.items())),
        "observations": sum(len(x.observations) for x in corpus.extractions),
        "mentions": sum(len(x.mentions) for x in corpus.extractions),
        "statements": len(set(graph.subjects(RDF.type, vocab.Statement))),
        "warnings": list(corpus.warnings),
    }


def _salt(ontology: Path, base: str) -> str:
    """What every output depends on besides the articles: kg itself, the ontology, the base IRI."""
    h = hashlib.sha256(f"{outputs_fingerprint()}\0{base}\0".encode())
    h.update(Path(ontology).read_bytes())
    return h.hexdigest()


def _build_key(corpus: Corpus, salt: str) -> str:
    """Everything the output files depend on: the articles and the :func:`_salt`."""
    h = hashlib.sha256(salt.encode())
    for x in corpus.extractions:
        h.update(f"\0{x.article.doc_id}\0{x.article.source_file}\0{x.article.sha256}".encode())
    return h.hexdigest()


def _up_to_date(out: Path, key: str) -> dict | None:
    """The last report, if the last build had the same key and its outputs are all there."""
    report = read_record(out / "report.json")
    if read_record(out / STATE_DIR / "build.json").get("key") != key or not report:
        return None
    outputs = [*EXPORTS, "graph.html", "ontology.ttl"]
    if not all((out / name).is_file() for name in outputs) or not (store_path(out) / "CURRENT").is_file():
        return None
    return report


@contextmanager
def _exclusive(out: Path) -> Iterator[None]:
    """Hold ``out/.kg/lock`` for the whole build; a second build fails at once."""
    state = out / STATE_DIR
    state.mkdir(parents=True, exist_ok=True)
    with (state / "lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KGError(f"{out}: another kg build is writing to this folder; wait for it to finish") from None
        yield


def build(
    inputs: Iterable[Path | str],
    out_dir: Path | str = "out",
    *,
    base: str = DEFAULT_BASE,
    ontology: Path = DEFAULT_ONTOLOGY,
    progress: Callable[[Path], None] | None = None,
    options: SourceOptions | None = None,
) -> BuildResult:
    """Build or update the store and the exports in ``out_dir`` from ``inputs``; ``options``
    name the fields of CSV and JSON Lines records."""
    vocab = load_vocabulary(Path(ontology))
    mint = Minter(base)
    out = Path(out_dir)
    with _exclusive(out):
        cache = ExtractionCache(out / STATE_DIR / "extractions")
        counts = SourceCounts()
        corpus, errors, extracted = build_corpus(inputs, progress, cache, options=options, counts=counts)
        if not corpus.extractions:
            raise KGError(f"no article could be read from the inputs; {out} is left as it was")
        salt = _salt(vocab.path, base)
        key = _build_key(corpus, salt)
        previous = _up_to_date(out, key)
        if previous is not None:  # nothing changed: leave every file and the store alone
            documents = len(previous["documents"])
            report = {**previous, "extracted": extracted, "formats": counts.as_dict(),
                      "store": {"added": 0, "replaced": 0, "removed": 0, "unchanged": documents + 1}}
            return BuildResult(corpus, report, out, errors, Changes(unchanged=documents + 1))
        graph_cache = GraphCache(out / STATE_DIR / "graphs", salt)
        make = graph_cache.article(corpus, lambda x: ntriples(graph_for(x, corpus, vocab, mint)))
        data = dataset(corpus, vocab, mint, make)
        staging = Path(tempfile.mkdtemp(prefix=".kg-build-", dir=out))
        try:
            write_exports(data, vocab, mint, staging)
            write_html(data.graph, staging / "graph.html", vocab)
            shutil.copyfile(vocab.path, staging / "ontology.ttl")
            changes = sync(store_path(out), data.graphs, data.merged)
            report = _report(corpus, data.graph, vocab, extracted, changes, counts)
            (staging / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n",
                                                 encoding="utf-8")
            for produced in sorted(staging.iterdir()):
                os.replace(produced, out / produced.name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        write_record(out / STATE_DIR / "build.json", {"key": key})
        cache.keep_only({x.article.doc_id for x in corpus.extractions})
        graph_cache.keep_used()
    return BuildResult(corpus, report, out, errors, changes, data.graph)
