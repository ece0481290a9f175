"""Choose, on dev, the weight of the character CRF in kg's name model, overall and per name type.

``NameTagger`` adds the CRF's log tag marginals to the BiLSTM-CRF's emissions.
:func:`choose_crf_weight` picks one weight for every tag (``train_neural.py`` stores it in
the ONNX file's metadata); run as a script, this prints dev P/R/F1 per type for a grid of
weights for one name type's tags at a time (the rest keep the model's weight).
``CRF_TYPE_WEIGHTS`` in ``kg/extract/name_model.py`` holds that choice. Both models must be
trained on the first nine tenths of train, so dev is unseen:

    python training/train_ner.py --train train90 --out /tmp/crf90.crfsuite
    python training/train_neural.py --train train90 --epochs 8 --lr-decay 0.75 --unk 0.05 --out /tmp/nn90.onnx
    python training/crf_weights.py --nn /tmp/nn90.onnx --crf /tmp/crf90.crfsuite
    python training/crf_weights.py --nn /tmp/nn90.onnx --crf /tmp/crf90.crfsuite --types PER --bias 0 0.25 0.5

The second tries biases on a name type's emission scores instead (``TAG_BIAS`` holds that choice).

The test split is never read here. About two minutes on one core. No PyTorch needed.
"""
import argparse
import os

os.environ.setdefault("KG_THREADS", "1")

import numpy as np  # noqa: E402
from train_ner import lac_outputs  # noqa: E402

from kg.evaluate import msra  # noqa: E402
from kg.extract.lac import lac  # noqa: E402
from kg.extract.name_model import NameTagger  # noqa: E402


def lac_states(texts):
    """LAC's words (cached, as train_ner does) and its encoder's states for each text, kept
    as float16 while training waits (float32 when fed)."""
    words = lac_outputs(texts)
    states = []
    for at in range(0, len(texts), 2048):
        states += [s.astype(np.float16) for s in lac().run_with_states(texts[at:at + 2048])[1]]
    return words, states


def dev_scores(tagger, dev, lac_dev, states_dev):
    """msra.score of ``tagger`` on ``dev``, with its LAC words and states."""
    return msra.score([s.spans for s in dev], tagger.tag([s.text for s in dev], lac_dev, states_dev))


def choose_crf_weight(path, crf_path, dev, lac_dev, states_dev, weights=(0.0, 0.25, 0.5, 1.0, 2.0)):
    """The weight of the CRF's log marginals for every tag that scores best on dev, by mean F1."""
    best = None
    for w in weights:
        res = dev_scores(NameTagger(path, crf_path, crf_weight=w), dev, lac_dev, states_dev)
        f1 = float(np.mean([v[2] for v in res.values()]))
        print(f'  crf weight {w}: {msra.format_scores(res)}', flush=True)
        if best is None or f1 > best[0]:
            best = (f1, w)
    return best[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nn", required=True, help="a BiLSTM-CRF trained on train90 (ONNX)")
    ap.add_argument("--crf", required=True, help="a character CRF trained on train90")
    ap.add_argument("--weights", type=float, nargs="+", default=[0.1, 0.25, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0])
    ap.add_argument("--types", nargs="+", default=["PER", "LOC", "ORG"])
    ap.add_argument("--bias", type=float, nargs="+", default=None, help="instead of CRF weights, try these "
                    "biases on the emission scores of the --types' tags (TAG_BIAS), on every tag of a name "
                    "(B M E S) and on the tags that open one (B S)")
    ap.add_argument("--wheel", default=None)
    a = ap.parse_args()
    dev = msra.load("dev", a.wheel)
    lac_dev, states_dev = lac_states([s.text for s in dev])
    if a.bias:
        for name_type in a.types:
            for prefixes in ("BMES", "BS"):
                for bias in a.bias:
                    tagger = NameTagger(a.nn, a.crf, tag_bias={f"{p}-{name_type}": bias for p in prefixes})
                    scores = msra.format_scores(dev_scores(tagger, dev, lac_dev, states_dev))
                    print(f"{name_type} {prefixes} {bias:+}: {scores}", flush=True)
        return
    print(f"the model's own weight: {NameTagger(a.nn, a.crf).crf_weight}")
    for name_type in a.types:
        for weight in a.weights:
            tagger = NameTagger(a.nn, a.crf, type_weights={name_type: weight})
            print(f"{name_type} {weight}: {msra.format_scores(dev_scores(tagger, dev, lac_dev, states_dev))}",
                  flush=True)


if __name__ == "__main__":
    main()
