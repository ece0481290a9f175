"""Train kg's neural name model (kg.extract.name_model: a BiLSTM-CRF) on MSRA.

    pip install torch==2.13.0 onnx        # training only; kg runs the model in onnxruntime
    python training/train_neural.py --train train --keep last --epochs 8 --lr-decay 0.75 --unk 0.05 --crf-weight 0.25 --name-lexicon
                                          # the shipped model → kg/extract/models/msra_bilstm.onnx

By default it trains on ``train90`` and keeps the epoch that scores best on ``dev`` (the last
tenth of train), which is how the recipe above was chosen; the test split is never read here
(it is for bench/ner.py's report).

Inputs per character: the character, its left and right character bigrams and LAC's word
position and tag for it (tables learnt here), three flags (surname, two-char surname, place
abbreviation), three for the person names of jieba's dictionary (``--name-lexicon``), and LAC's encoder states (``Lac.run_with_states``). A one-layer BiLSTM reads
them and a linear-chain CRF scores the BMES tags. Seeded (Python, numpy, torch) with a fixed
order; whether two runs give the same bytes was not checked. About 25 minutes on two cores.
"""
import argparse
import collections
import json
import random
import sys
import time
from pathlib import Path

import jieba
import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).parent))
from crf_weights import choose_crf_weight, lac_states

from kg.evaluate import msra
from kg.extract.lac import STATE_SIZE
from kg.extract.lexicon import load_lexicon
from kg.extract.name_model import (
    NN_MODEL,
    NN_TAGS,
    PAD,
    UNK,
    NameTagger,
    nn_batch,
    nn_decode,
    nn_ids,
    nn_vocab_keys,
)
from kg.extract.ner import tags_to_spans


class BiLstmCrf(nn.Module):
    def __init__(self, sizes, dims=(128, 64, 32, 8, 128), hidden=150, dropout=0.33, state_size=256, n_flags=8):
        super().__init__()
        n_chars, n_bigrams, n_lac = sizes
        self.char = nn.Embedding(n_chars, dims[0], padding_idx=0)
        self.bigram = nn.Embedding(n_bigrams, dims[1], padding_idx=0)
        self.lac = nn.Embedding(n_lac, dims[2], padding_idx=0)
        self.flags = nn.Embedding(n_flags, dims[3])
        self.states = nn.Linear(state_size, dims[4])
        width = dims[0] + 2 * dims[1] + dims[2] + dims[3] + dims[4]
        self.drop = nn.Dropout(dropout)
        # Two one-way LSTMs instead of bidirectional=True: the backward one reads each row
        # reversed in place (``rev``), so padded batches need no packing and export as is.
        self.forward_lstm = nn.LSTM(width, hidden, batch_first=True)
        self.backward_lstm = nn.LSTM(width, hidden, batch_first=True)
        self.out = nn.Linear(2 * hidden, len(NN_TAGS))
        self.transitions = nn.Parameter(torch.zeros(len(NN_TAGS), len(NN_TAGS)))

    def forward(self, ids, states, rev):
        x = torch.cat([self.char(ids[0]), self.bigram(ids[1]), self.bigram(ids[2]),
                       self.lac(ids[3]), self.flags(ids[4]), torch.tanh(self.states(states))], dim=-1)
        x = self.drop(x)
        index = rev.unsqueeze(-1).expand(-1, -1, x.shape[-1])
        fwd, _ = self.forward_lstm(x)
        bwd, _ = self.backward_lstm(torch.gather(x, 1, index))
        bwd = torch.gather(bwd, 1, rev.unsqueeze(-1).expand(-1, -1, bwd.shape[-1]))
        return self.out(self.drop(torch.cat([fwd, bwd], dim=-1)))

    def nll(self, emissions, tags, mask):
        """Mean negative log-likelihood of the gold paths (linear-chain CRF)."""
        batch, length, _ = emissions.shape
        rows = torch.arange(batch)
        gold = emissions[rows, 0, tags[:, 0]]
        alpha = emissions[:, 0]
        for t in range(1, length):
            m = mask[:, t]
            gold = gold + m * (emissions[rows, t, tags[:, t]] + self.transitions[tags[:, t - 1], tags[:, t]])
            step = torch.logsumexp(alpha.unsqueeze(2) + self.transitions + emissions[:, t].unsqueeze(1), dim=1)
            alpha = torch.where(m.bool().unsqueeze(1), step, alpha)
        return (torch.logsumexp(alpha, dim=1) - gold).mean()


def vocab(counter, min_count, cap=None):
    keys = sorted((k for k, c in counter.items() if c >= min_count), key=lambda k: (-counter[k], k))
    return ['<pad>', '<unk>'] + keys[:cap]


def batches(n_items, lengths, size, rng):
    """Index batches of similar length, in shuffled order."""
    order = list(range(n_items))
    rng.shuffle(order)
    out = []
    for s in range(0, len(order), size * 50):
        pool = sorted(order[s:s + size * 50], key=lambda i: lengths[i])
        out += [pool[k:k + size] for k in range(0, len(pool), size)]
    rng.shuffle(out)
    return out


def score(model, vocabs, sents, lac, states, lexicon=None):
    model.eval()
    preds = []
    with torch.no_grad():
        order = sorted(range(len(sents)), key=lambda i: len(sents[i].text))
        by_index = {}
        for s in range(0, len(order), 64):
            chunk = order[s:s + 64]
            x, padded, rev, lengths = nn_batch([nn_ids(sents[i].text, lac[i], vocabs, lexicon) for i in chunk],
                                               [states[i] for i in chunk])
            em = model(torch.from_numpy(x), torch.from_numpy(padded), torch.from_numpy(rev)).numpy()
            paths = nn_decode(em, model.transitions.detach().numpy(), lengths)
            for row, i in enumerate(chunk):
                by_index[i] = tags_to_spans(NN_TAGS[t] for t in paths[row, :lengths[row]])
        preds = [by_index[i] for i in range(len(sents))]
    model.train()
    return msra.score([s.spans for s in sents], preds), preds


def export(model, meta, path):
    model.eval()
    x, padded, rev, _ = nn_batch([[[2, 3], [2, 3], [2, 3], [2, 3], [0, 1]]] * 2, [np.zeros((2, STATE_SIZE), np.float32)] * 2)
    tmp = Path(str(path) + '.tmp')
    torch.onnx.export(model, (torch.from_numpy(x), torch.from_numpy(padded), torch.from_numpy(rev)), str(tmp),
                      input_names=['ids', 'states', 'rev'], output_names=['emissions'],
                      dynamic_axes={'ids': {1: 'batch', 2: 'length'}, 'rev': {0: 'batch', 1: 'length'},
                                    'states': {0: 'batch', 1: 'length'},
                                    'emissions': {0: 'batch', 1: 'length'}},
                      opset_version=17, dynamo=False)
    set_meta(tmp, meta)
    halve_tables(tmp)
    tmp.replace(path)


def halve_tables(path):
    """Store the lookup tables (the initializers Gather reads) as float16, each read through a
    Cast back to float32: the tables are most of the file, and halving them keeps the model
    small enough to ship."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    proto = onnx.load(str(path))
    graph = proto.graph
    tables = {t.name: t for t in graph.initializer if t.data_type == TensorProto.FLOAT and len(t.dims) == 2}
    nodes = []
    for node in graph.node:
        nodes.append(node)
        if node.op_type == 'Gather' and node.input[0] in tables:   # a table may be read twice (bigrams)
            table = tables[node.input[0]]
            if table.data_type == TensorProto.FLOAT:
                table.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(table).astype(np.float16), table.name))
            wide = node.output[0]
            node.output[0] = wide + '_f16'
            nodes.append(helper.make_node('Cast', [wide + '_f16'], [wide], to=TensorProto.FLOAT))
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(proto)
    onnx.save(proto, str(path))


def set_meta(path, meta):
    """Put ``meta`` (JSON) into the ONNX file's metadata under 'kg'."""
    import onnx
    proto = onnx.load(str(path))
    for entry in list(proto.metadata_props):
        if entry.key == 'kg':
            proto.metadata_props.remove(entry)
    entry = proto.metadata_props.add()
    entry.key, entry.value = 'kg', json.dumps(meta, ensure_ascii=False, separators=(',', ':'))
    onnx.save(proto, str(path))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--train', default='train90')
    ap.add_argument('--eval', default='dev', choices=('dev',))
    ap.add_argument('--epochs', type=int, default=12)
    ap.add_argument('--hidden', type=int, default=150)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--bigram-min', type=int, default=3)
    ap.add_argument('--bigram-cap', type=int, default=60000)
    ap.add_argument('--lr-decay', type=float, default=1.0, help='learning rate factor after each epoch')
    ap.add_argument('--unk', type=float, default=0.0, help='rate at which training replaces a char or '
                    'bigram by the unknown id (so the model learns to read names it has not seen)')
    ap.add_argument('--keep', default='best', choices=('best', 'last'), help='the epoch kept: best on '
                    'the eval split, or the last (when training on all of train, which holds dev)')
    ap.add_argument('--name-lexicon', action='store_true', help='flags for the words jieba\'s dictionary '
                    'tags as person names (Lexicon.person_names)')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--limit', type=int, default=None)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--out', default=str(NN_MODEL))
    ap.add_argument('--crf', default=None, help='a CRF trained on the same split (train_ner.py --train train90 '
                    '--out F): the NameTagger weight for it is chosen on dev; without it the weight is 0')
    ap.add_argument('--crf-weight', type=float, default=None, help='the CRF weight to store, chosen '
                    'before (with --crf on train90); default: chosen here with --crf, else 0')
    ap.add_argument('--wheel', default=None)
    a = ap.parse_args()
    print('args:', vars(a), flush=True)
    random.seed(a.seed)
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    rng = random.Random(a.seed)
    train = msra.load(a.train, a.wheel)[:a.limit]
    dev = msra.load(a.eval, a.wheel)
    lac_train, states_train = lac_states([s.text for s in train])
    lac_dev, states_dev = lac_states([s.text for s in dev])

    lexicon = load_lexicon().person_names if a.name_lexicon else None
    counts = [collections.Counter() for _ in range(3)]
    for s, lw in zip(train, lac_train):
        for key in nn_vocab_keys(s.text, lw):
            counts[0][key[0]] += 1
            counts[1][key[1]] += 1
            counts[1][key[2]] += 1
            counts[2][key[3]] += 1
    lists = (vocab(counts[0], 2), vocab(counts[1], a.bigram_min, a.bigram_cap), vocab(counts[2], 1))
    vocabs = tuple({k: i for i, k in enumerate(v)} for v in lists)
    print('vocabularies:', [len(v) for v in lists], flush=True)

    tag_id = {t: i for i, t in enumerate(NN_TAGS)}
    data = [(nn_ids(s.text, lw, vocabs, lexicon), [tag_id[t] for t in s.tags]) for s, lw in zip(train, lac_train)]
    lengths = [len(s.text) for s in train]
    model = BiLstmCrf([len(v) for v in lists], hidden=a.hidden, n_flags=64 if lexicon else 8)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=a.lr_decay)
    unk_rng = np.random.default_rng(a.seed)
    best, best_state = -1.0, None
    for epoch in range(1, a.epochs + 1):
        t0, total = time.time(), 0.0
        for batch in batches(len(data), lengths, a.batch, rng):
            x, padded, rev, lens = nn_batch([data[i][0] for i in batch], [states_train[i] for i in batch])
            tags = np.zeros(x.shape[1:], dtype=np.int64)
            for row, i in enumerate(batch):
                tags[row, :lens[row]] = data[i][1]
            if a.unk:
                x[:3][(unk_rng.random(x[:3].shape) < a.unk) & (x[:3] != PAD)] = UNK
            mask = torch.from_numpy((np.arange(x.shape[2])[None, :] < lens[:, None]).astype(np.float32))
            em = model(torch.from_numpy(x), torch.from_numpy(padded), torch.from_numpy(rev))
            loss = model.nll(em, torch.from_numpy(tags), mask)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            total += loss.item() * len(batch)
        sched.step()
        res, _ = score(model, vocabs, dev, lac_dev, states_dev, lexicon)
        f1 = float(np.mean([v[2] for v in res.values()]))   # mean F1 of PER, LOC, ORG
        print(f'epoch {epoch:2d} loss {total / len(data):.3f} {time.time() - t0:.0f} s  '
              f'{a.eval}: {msra.format_scores(res)}', flush=True)
        if f1 > best or a.keep == 'last':
            best, best_state = f1, {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    meta = {'chars': lists[0], 'bigrams': lists[1], 'lactags': lists[2],
            'transitions': model.transitions.detach().numpy().round(6).tolist(),
            'trained_on': a.train, 'args': vars(a)}
    if lexicon:
        meta['name_lexicon'] = f'jieba {jieba.__version__} nr ({len(lexicon)} words)'
    export(model, meta, a.out)
    res, _ = score(model, vocabs, dev, lac_dev, states_dev, lexicon)
    tagger = NameTagger(a.out, crf_path=None)
    t0 = time.time()
    pred = tagger.tag([s.text for s in dev], lac_dev, states_dev)
    dt = time.time() - t0
    print(f'kept: {a.eval} {msra.format_scores(res)}')
    if a.crf_weight is not None or a.crf:
        meta['crf_weight'] = (a.crf_weight if a.crf_weight is not None
                              else choose_crf_weight(a.out, a.crf, dev, lac_dev, states_dev))
        set_meta(a.out, meta)
        print('crf weight:', meta['crf_weight'])
    print(f'onnx: {a.eval} {msra.format_scores(msra.score([s.spans for s in dev], pred))} '
          f'{sum(len(s.text) for s in dev) / dt:,.0f} chars/s; {a.out} {Path(a.out).stat().st_size / 1e6:.1f} MB')


if __name__ == '__main__':
    main()
