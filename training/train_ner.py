"""Train kg's name model (kg.extract.ner: a character CRF over LAC's output) on MSRA.

    python training/train_ner.py               # the shipped model: all of train → kg/extract/models/
    python training/train_ner.py --train train90 --eval dev --out /tmp/x.crfsuite   # tuning

Deterministic: the file's sentence order, L-BFGS (no randomness), fixed parameters; the same
command gives the same model, byte for byte. LAC's outputs for the MSRA texts are computed
once and cached in training/.lac_cache/. The test split is never read here: it is for
bench/ner.py's report only. About 16 minutes of CPU on one core for all of train.
"""
import argparse
import os
import pickle
import sys
import time
from pathlib import Path

import pycrfsuite

from kg.evaluate import msra
from kg.extract.ner import MODEL, CrfTagger, features

HERE = Path(__file__).parent


def lac_outputs(texts, cache=HERE / '.lac_cache' / 'lac_by_text.pkl'):
    """FastLAC().run(texts), memoised on disk as {text: LAC output}."""
    cache = Path(cache)
    memo = pickle.loads(cache.read_bytes()) if cache.exists() else {}
    todo = sorted(set(texts) - memo.keys())
    if todo:
        from kg.extract.lac import lac
        memo.update(zip(todo, lac().run(todo)))
        cache.parent.mkdir(exist_ok=True)
        cache.write_bytes(pickle.dumps(memo))
    return [memo[t] for t in texts]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--train', default='train', help='msra split to train on (train | train90)')
    ap.add_argument('--limit', type=int, default=None, help='first N training sentences only')
    ap.add_argument('--eval', default=None, choices=('dev',), help='split to score after training: dev (never test)')
    ap.add_argument('--out', default=str(MODEL))
    ap.add_argument('--c1', type=float, default=0.05, help='L1 weight')
    ap.add_argument('--c2', type=float, default=0.01, help='L2 weight')
    ap.add_argument('--iters', type=int, default=100)
    ap.add_argument('--minfreq', type=float, default=0, help='drop attributes seen fewer times')
    ap.add_argument('--drop', default='', help='ablation: comma-separated feature names '
                    '(text before "=" or "|") left out of training, e.g. w,w-1,w+1')
    ap.add_argument('--curve', action='store_true', help='also feed the --eval split to '
                    'crfsuite as holdout and print its label accuracy every 25 iterations')
    ap.add_argument('--wheel', default=None)
    a = ap.parse_args()
    print('args:', vars(a), flush=True)
    try:
        sents = msra.load(a.train, a.wheel)[:a.limit]
        ev = msra.load(a.eval, a.wheel) if a.eval else None
    except RuntimeError as e:
        sys.exit(str(e))

    t0 = time.time()
    texts = [s.text for s in sents]
    lac = lac_outputs(texts)
    trainer = pycrfsuite.Trainer(verbose=False)
    drop = set(filter(None, a.drop.split(',')))
    name = lambda f: f.replace('|', '=').split('=')[0]
    for s, lw in zip(sents, lac):
        xs = features(s.text, lw)
        if drop:   # attributes unseen in training are ignored when tagging
            xs = [[f for f in x if name(f) not in drop] for x in xs]
        trainer.append(xs, list(s.tags), 0)
    if a.curve and ev:
        for s, lw in zip(ev, lac_outputs([s.text for s in ev])):
            trainer.append(features(s.text, lw), list(s.tags), 1)
    print(f'{len(sents)} sentences, {sum(map(len, texts))} chars; LAC + features {time.time() - t0:.0f} s', flush=True)
    trainer.set_params({'c1': a.c1, 'c2': a.c2, 'max_iterations': a.iters,
                        'feature.minfreq': a.minfreq, 'feature.possible_transitions': True})
    t1 = time.time()
    trainer.train(a.out, holdout=1 if a.curve and ev else -1)
    for it in trainer.logparser.iterations:
        if it['num'] % 25 == 0 or it is trainer.logparser.last_iteration:
            extra = (f" holdout item acc {it['item_accuracy_float']:.4f} label-F1 {it['avg_f1']:.4f}"
                     if a.curve and ev else '')
            print(f"  iter {it['num']:4d} loss {it['loss']:10.0f} active {it['active_features']:7d}{extra}")
    info = trainer.logparser.last_iteration
    print(f'trained {time.time() - t1:.0f} s ({info["num"]} iterations, loss {info["loss"]:.0f}, '
          f'active features {info["active_features"]}); model {a.out} '
          f'{os.path.getsize(a.out) / 1e6:.2f} MB', flush=True)

    if ev:
        tagger = CrfTagger(a.out)
        lac_ev = lac_outputs([s.text for s in ev])
        t2 = time.time()
        pred = tagger.tag([s.text for s in ev], lac_ev)
        dt = time.time() - t2
        res = msra.score([s.spans for s in ev], pred)
        print(f'{a.eval}: {msra.format_scores(res)}  | CRF-only {sum(len(s.text) for s in ev) / dt:,.0f} chars/s')


if __name__ == '__main__':
    main()
