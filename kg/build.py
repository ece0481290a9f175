"""Build a knowledge graph from files: map (extract each file) → reduce (merge) → write.

Outputs go to a temporary folder first and are moved into place only when every file
is written, so a failed build never leaves a half-written ``out/``. A bad input file
is reported and skipped; the rest of the corpus is still built.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Graph

from kg.errors import InputError
from kg.extract import extract_file
from kg.graph import build_graph
from kg.iris import DEFAULT_BASE, Minter
from kg.merge import merge
from kg.model import Corpus, Extraction
from kg.ontology import DEFAULT_ONTOLOGY, load_vocabulary
from kg.read import find_inputs
from kg.viz import write_html

__all__ = ["BuildResult", "build", "build_corpus"]

log = logging.getLogger("kg")


@dataclass
class BuildResult:
    corpus: Corpus
    graph: Graph
    report: dict
    errors: list[str] = field(default_factory=list)


def build_corpus(
    inputs: Iterable[Path | str], progress: Callable[[Path], None] | None = None
) -> tuple[Corpus, list[str]]:
    """Extract every input file and merge; returns the corpus and one line per bad input."""
    extractions: list[Extraction] = []
    errors: list[str] = []
    for item in find_inputs(inputs):
        if isinstance(item, InputError):
            errors.append(str(item))
            continue
        if progress:
            progress(item)
        try:
            extractions.append(extract_file(item))
        except InputError as error:
            errors.append(str(error))
    return merge(extractions, warnings=errors), errors


def _report(corpus: Corpus, graph: Graph, vocab) -> dict:
    classes = Counter(e.cls for e in corpus.entities.values())
    relations = Counter(r.predicate for x in corpus.extractions for r in x.relations)
    relations["holdsPosition"] = sum(len(x.positions) for x in corpus.extractions)
    return {
        "documents": [x.article.doc_id for x in corpus.extractions],
        "triples": len(graph),
        "entities": dict(sorted(classes.items())),
        "relations": dict(sorted(relations.items())),
        "observations": sum(len(x.observations) for x in corpus.extractions),
        "mentions": sum(len(x.mentions) for x in corpus.extractions),
        "statements": len(set(graph.subjects(RDF.type, vocab.Statement))),
        "warnings": list(corpus.warnings),
    }


def build(
    inputs: Iterable[Path | str],
    out_dir: Path | str = "out",
    *,
    base: str = DEFAULT_BASE,
    ontology: Path = DEFAULT_ONTOLOGY,
    progress: Callable[[Path], None] | None = None,
) -> BuildResult:
    """Build ``graph.ttl``, ``ontology.ttl`` and ``report.json`` in ``out_dir``."""
    vocab = load_vocabulary(Path(ontology))
    mint = Minter(base)
    corpus, errors = build_corpus(inputs, progress)
    graph = build_graph(corpus, vocab, mint)
    report = _report(corpus, graph, vocab)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".kg-build-", dir=out))
    try:
        (staging / "graph.ttl").write_bytes(graph.serialize(format="longturtle", encoding="utf-8"))
        shutil.copyfile(vocab.path, staging / "ontology.ttl")
        (staging / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        write_html(graph, staging / "graph.html", vocab)
        for produced in sorted(staging.iterdir()):
            os.replace(produced, out / produced.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(corpus, graph, report, errors)
