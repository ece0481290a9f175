"""Score a built graph against hand-checked gold annotations (``tests/gold/*.json``).

For each gold document, the graph's entities mentioned in that document are compared
by class (organisation subclasses count as ``Organization``) and by name: a prediction
matches a gold entity when its label or any alias equals the gold name or one of its
aliases. Relations match on predicate and on both ends by the same rule; observations
on subject, value and unit. Scores are micro-averaged over documents.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from rdflib import RDFS, SKOS, Graph, URIRef

from kg.errors import KGError
from kg.rdf.ontology import load_vocabulary

__all__ = ["evaluate", "format_scores"]

_CLASSES = ("Place", "Organization", "Programme", "Person")

_ENTITIES = """
SELECT DISTINCT ?e ?cls ?name ?alt WHERE {
  ?doc kg:mentions ?e . ?e a ?cls ; rdfs:label ?name . OPTIONAL { ?e skos:altLabel ?alt }
}"""
_RELATIONS = """
SELECT DISTINCT ?s ?p ?o WHERE {
  { ?st a kg:Statement ; kg:inDocument ?doc ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . }
  UNION
  { ?s kg:holdsPosition ?pos . ?pos kg:inDocument ?doc ; kg:organization ?o . BIND(kg:holdsPosition AS ?p) }
  UNION
  { VALUES ?p { kg:writtenBy kg:publishedBy } ?doc ?p ?o . BIND(?doc AS ?s) }
}"""
_OBSERVATIONS = """
SELECT DISTINCT ?s ?value ?unit WHERE {
  ?ob a kg:Observation ; kg:inDocument ?doc ; kg:observedEntity ?s ; kg:value ?value ; kg:unit ?unit .
}"""


def _names(graph: Graph, node: URIRef, doc: URIRef, doc_id: str) -> frozenset[str]:
    if node == doc:
        return frozenset({doc_id})
    return frozenset(str(v) for p in (RDFS.label, SKOS.altLabel) for v in graph.objects(node, p))


def _score(predicted: list[frozenset], gold: list[frozenset]) -> dict[str, int]:
    matched_gold = sum(1 for g in gold if any(p & g for p in predicted))
    matched_pred = sum(1 for p in predicted if any(p & g for g in gold))
    return {"tp_pred": matched_pred, "pred": len(predicted), "tp_gold": matched_gold, "gold": len(gold)}


def _add(total: dict, key: str, counts: dict[str, int]) -> None:
    slot = total.setdefault(key, {"tp_pred": 0, "pred": 0, "tp_gold": 0, "gold": 0})
    for name, value in counts.items():
        slot[name] += value


def _finish(total: dict) -> dict[str, dict[str, float | int]]:
    scores = {}
    for key, c in sorted(total.items()):
        precision = c["tp_pred"] / c["pred"] if c["pred"] else 0.0
        recall = c["tp_gold"] / c["gold"] if c["gold"] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[key] = {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
                       "predicted": c["pred"], "gold": c["gold"]}
    return scores


def _gold_files(gold: Path) -> list[Path]:
    files = sorted(gold.glob("*.json")) if gold.is_dir() else [gold]
    if not files or not all(f.is_file() for f in files):
        raise KGError(f"{gold}: no gold .json files found; give a gold file or folder such as tests/gold/")
    return files


def evaluate(graph: Graph, gold: Path | str) -> dict:
    """Per-class entity scores and per-predicate relation scores, as nested dicts."""
    vocab = load_vocabulary()
    ns = {"kg": vocab.namespace, "skos": SKOS, "rdfs": RDFS}
    organization_classes = vocab.subclasses("Organization")
    entity_totals: dict = {}
    relation_totals: dict = {}
    for path in _gold_files(Path(gold)):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise KGError(f"{path}: not a readable gold JSON file ({error}); fix or remove it") from None
        doc_id = data["document"]
        doc = next((d for d in graph.subjects(vocab.sourceFile, None) if str(d).endswith("/doc/" + doc_id)), None)
        if doc is None:
            raise KGError(f"{path}: document {doc_id} is not in the graph; build the graph from the same articles")
        bindings = {"doc": doc}
        predicted: dict[str, dict[URIRef, set[str]]] = {c: {} for c in _CLASSES}
        for row in graph.query(_ENTITIES, initNs=ns, initBindings=bindings):
            local = str(row.cls).removeprefix(str(vocab.namespace))
            family = "Organization" if local in organization_classes else local
            if family in predicted:
                names = predicted[family].setdefault(row.e, {str(row.name)})
                if row.alt is not None:
                    names.add(str(row.alt))
        gold_names = {e["name"]: frozenset({e["name"], *e.get("aliases", [])}) for e in data["entities"]}
        for cls in _CLASSES:
            gold_sets = [gold_names[e["name"]] for e in data["entities"] if e["class"] == cls]
            _add(entity_totals, cls, _score([frozenset(v) for v in predicted[cls].values()], gold_sets))
        predicted_relations: dict[str, list[frozenset]] = {}
        for row in graph.query(_RELATIONS, initNs=ns, initBindings=bindings):
            predicate = str(row.p).removeprefix(str(vocab.namespace))
            subject, obj = _names(graph, row.s, doc, doc_id), _names(graph, row.o, doc, doc_id)
            predicted_relations.setdefault(predicate, []).append(frozenset((predicate, s, o) for s in subject for o in obj))
        gold_relations: dict[str, list[frozenset]] = {}
        for r in data["relations"]:
            subject = gold_names.get(r["subject"], frozenset({r["subject"]}))
            obj = gold_names.get(r["object"], frozenset({r["object"]}))
            gold_relations.setdefault(r["predicate"], []).append(
                frozenset((r["predicate"], s, o) for s in subject for o in obj))
        for predicate in sorted(set(predicted_relations) | set(gold_relations)):
            _add(relation_totals, predicate,
                 _score(predicted_relations.get(predicate, []), gold_relations.get(predicate, [])))
        observed = [frozenset((s, Decimal(str(row.value)), str(row.unit)) for s in _names(graph, row.s, doc, doc_id))
                    for row in graph.query(_OBSERVATIONS, initNs=ns, initBindings=bindings)]
        gold_observed = [frozenset((s, Decimal(str(o["value"])), o["unit"])
                                   for s in gold_names.get(o["subject"], frozenset({o["subject"]})))
                         for o in data.get("observations", [])]
        _add(relation_totals, "Observation", _score(observed, gold_observed))
    return {"entities": _finish(entity_totals), "relations": _finish(relation_totals)}


def format_scores(scores: dict) -> str:
    lines = []
    for section in ("entities", "relations"):
        lines.append(f"{section:<14} {'P':>6} {'R':>6} {'F1':>6} {'pred':>6} {'gold':>6}")
        for key, s in scores[section].items():
            lines.append(f"  {key:<12} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} "
                         f"{s['predicted']:>6} {s['gold']:>6}")
    return "\n".join(lines)
