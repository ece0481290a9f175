"""Tests for crf_ner (and msra's parsing / scoring).

Every sentence here was written for these tests; none comes from MSRA or
from any real article.
"""

from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.evaluate import msra
from kg.extract.name_model import (
    CRF_TYPE_WEIGHTS,
    NN_MODEL,
    NN_TAGS,
    NameTagger,
    OnnxTagger,
    allowed_transitions,
    lexicon_flags,
    nn_batch,
    nn_ids,
    nn_decode,
    nn_key_columns,
    nn_vocab_keys,
)
from kg.extract.ner import MODEL, CrfTagger, char_type, features, lac_per_char, lac_spans, norm, tags_to_spans


# ---------------------------------------------------------------- spans ---
@pytest.mark.parametrize('tags, spans', [
    ([], []),
    (['O', 'O'], []),
    # well-formed BMES
    (['B-PER', 'M-PER', 'E-PER', 'O'], [(0, 3, 'PER')]),
    (['S-LOC', 'B-ORG', 'E-ORG'], [(0, 1, 'LOC'), (1, 3, 'ORG')]),
    (['B-LOC', 'E-LOC', 'B-LOC', 'E-LOC'], [(0, 2, 'LOC'), (2, 4, 'LOC')]),
    # well-formed BIO
    (['B-PER', 'I-PER', 'O', 'B-LOC'], [(0, 2, 'PER'), (3, 4, 'LOC')]),
    (['B-ORG', 'I-ORG', 'B-ORG', 'I-ORG'], [(0, 2, 'ORG'), (2, 4, 'ORG')]),
    # ill-formed: I/M/E without B start a span
    (['O', 'I-PER', 'I-PER'], [(1, 3, 'PER')]),
    (['M-PER', 'E-PER', 'O'], [(0, 2, 'PER')]),
    (['E-LOC', 'O'], [(0, 1, 'LOC')]),
    # ill-formed: type changes inside a span
    (['B-PER', 'I-LOC', 'I-LOC'], [(0, 1, 'PER'), (1, 3, 'LOC')]),
    (['B-PER', 'M-PER', 'E-ORG'], [(0, 2, 'PER'), (2, 3, 'ORG')]),
    # ill-formed: span never closed, or interrupted
    (['O', 'B-ORG', 'M-ORG'], [(1, 3, 'ORG')]),
    (['B-ORG', 'M-ORG', 'O', 'E-ORG'], [(0, 2, 'ORG'), (3, 4, 'ORG')]),
    (['B-PER', 'S-PER'], [(0, 1, 'PER'), (1, 2, 'PER')]),
])
def test_tags_to_spans(tags, spans):
    assert tags_to_spans(tags) == spans


def test_lac_spans():
    words = [('李明', 'PER'), ('在', 'p'), ('清河县', 'LOC'), ('农业局', 'ORG'), ('上班', 'v')]
    assert lac_spans(words) == [(0, 2, 'PER'), (3, 6, 'LOC'), (6, 9, 'ORG')]


# ------------------------------------------------------------- features ---
@pytest.mark.parametrize('c, expected', [
    ('村', '村'), ('７', '0'), ('7', '0'), ('Ｂ', 'A'), ('x', 'A'), ('，', ','), ('。', '。'),
])
def test_norm(c, expected):
    assert norm(c) == expected


@pytest.mark.parametrize('c, expected', [
    ('村', 'H'), ('三', 'N'), ('〇', 'N'), ('5', 'N'), ('５', 'N'), ('k', 'A'), ('Ｋ', 'A'),
    ('，', 'P'), ('“', 'P'), ('%', 'P'), (' ', 'S'), ('😀', 'P'),
])
def test_char_type(c, expected):
    assert char_type(c) == expected


def test_lac_per_char_positions():
    words = [('王', 'PER'), ('书记', 'n'), ('来到', 'v'), ('红旗村', 'LOC')]
    info = lac_per_char('王书记来到红旗村', words)
    assert [p for _, p in info] == list('SBEBEBME')
    assert [k for k, _ in info] == [0, 1, 1, 2, 2, 3, 3, 3]


def test_lac_words_must_spell_text():
    with pytest.raises(ValueError):
        features('王书记', [('王', 'PER'), ('书', 'n')])
    with pytest.raises(ValueError):
        features('王书记', [('李', 'PER'), ('书记', 'n')])


def test_features_table():
    text = '王书记来到红旗村。'
    words = [('王', 'PER'), ('书记', 'n'), ('来到', 'v'), ('红旗村', 'LOC'), ('。', 'w')]
    f = features(text, words)
    assert len(f) == len(text)
    first, sixth = set(f[0]), set(f[5])
    assert {'bias', 'c-2=<s>', 'c-1=<s>', 'c0=王', 'c1=书', 'c2=记', 'c-1c0=<s>王',
            'c0c1=王书', 'c-1c0c1=<s>王书', 'ty=H', 'ty3=^HH', 'p=S|PER', 't=PER',
            't-1=BOS', 't+1=n', 't-1t0t+1=BOS|PER|n', 'w=王', 'w+1=书记', 'wl=1',
            'wb=王', 'we=王', 'sn', 'sn|S', 'c-1c1=<s>书', 't-2=BOS', 't+2=v'} <= first
    assert 'sn-1' in f[1] and 'sn-2' in f[2] and 'sn-1' not in f[2]
    assert not any(x.startswith('w-1=') for x in first)
    # '红' of 红旗村: begins a LOC word, the word ends in 村 (a place suffix)
    assert {'c0=红', 'p=B|LOC', 't=LOC', 't-1=v', 't+1=w', 'w=红旗村', 'w-1=来到',
            'w+1=。', 'wl=3', 'we=村', 'c1c2=旗村', 't-2=n', 't+2=EOS'} <= sixth
    assert 'sn' not in sixth
    assert {'c1=</s>', 'c2=</s>', 't+1=EOS', 'ty3=HP$'} <= set(f[-1])


def test_features_normalise_digits_and_width():
    a = features('2024年', [('2024年', 'TIME')])
    b = features('１９９８年', [('１９９８年', 'TIME')])
    assert a[0][1:6] == ['c-2=<s>', 'c-1=<s>', 'c0=0', 'c1=0', 'c2=0']
    assert b[0][1:6] == a[0][1:6]


def test_features_compound_surname_and_long_word():
    text = '欧阳振华出席中华人民共和国成立纪念活动'
    words = [('欧阳振华', 'PER'), ('出席', 'v'), ('中华人民共和国', 'LOC'), ('成立', 'vn'),
             ('纪念活动', 'n')]
    f = features(text, words)
    assert 'sn2' in f[0] and 'sn' not in f[0]    # 欧阳 is listed, 欧 alone is not
    assert 'w=欧阳振华' in f[0]
    # a 7-char word is not used as a word feature, but its length/affixes are
    assert not any(x.startswith('w=') for x in f[6]) and 'wl=5' in f[6] and 'we=国' in f[6]
    assert 'w-1=出席' in f[6]


def test_features_pure():
    """A function of its inputs alone: it leaves them as they were, and other LAC words give other features."""
    text, words = '村委会', [('村委会', 'ORG')]
    first = features(text, words)
    assert words == [('村委会', 'ORG')] and features(text, words) == first
    assert features(text, [('村', 'n'), ('委会', 'n')]) != first


def test_features_empty():
    assert features('', []) == []


# --------------------------------------------------------------- msra ---
def test_msra_parse_and_spans():
    raw = ('张 B-PER\r\n三 E-PER\r\n到 O\r\n京 S-LOC\r\n\r\n'
           '县 B-ORG\r\n委 E-ORG\r\n\r\n\r\n新 M-PER\r\n华 E-PER\r\n')
    s = msra.parse(raw)
    assert [x.text for x in s] == ['张三到京', '县委', '新华']
    assert s[0].spans == ((0, 2, 'PER'), (3, 4, 'LOC'))
    assert s[1].tags == ('B-ORG', 'E-ORG')
    assert s[2].spans == ((0, 2, 'PER'),)          # sentence cut mid-name


def test_msra_parse_rejects_garbage():
    with pytest.raises(ValueError, match='line 2'):
        msra.parse('张 B-PER\n三E-PER\n')


def test_score():
    gold = [[(0, 2, 'PER'), (3, 5, 'LOC')], [(0, 3, 'ORG')]]
    pred = [[(0, 2, 'PER'), (3, 4, 'LOC')], [(0, 3, 'ORG'), (4, 5, 'PER')]]
    r = msra.score(gold, pred)
    assert r['PER'][:3] == (0.5, 1.0, 2 / 3)
    assert r['LOC'][:3] == (0.0, 0.0, 0.0)
    assert r['ORG'][:3] == (1.0, 1.0, 1.0)


# -------------------------------------------------------------- tagger ---
@pytest.fixture(scope='module', params=['crf', 'name model'])
def tagged(request):
    assert MODEL.exists(), 'the name model ships with kg: run python training/train_ner.py'
    assert NN_MODEL.exists(), 'the name model ships with kg: run python training/train_neural.py'
    from kg.extract.lac import lac
    texts = [
        '昨天下午，李红梅在青石县人民政府会议室主持召开脱贫攻坚推进会。',
        '柳河镇党委书记赵建军带队前往王家湾村走访慰问困难群众。',
        '据河东省农业农村厅消息，今年全省粮食产量预计达到三千万吨。',
        '孙志远表示，南江市将继续支持北坪大学开展乡村振兴研究。',
    ]
    words, states = lac().run_with_states(texts)
    if request.param == 'crf':
        spans = CrfTagger(MODEL).tag(texts, words)
    else:
        spans = NameTagger().tag(texts, words, states)
    return [{(t[s:e], typ) for s, e, typ in sp} for t, sp in zip(texts, spans)]


def test_tagger_finds_people(tagged):
    assert ('李红梅', 'PER') in tagged[0]
    assert ('赵建军', 'PER') in tagged[1]
    assert ('孙志远', 'PER') in tagged[3]


def test_tagger_finds_places_and_orgs(tagged):
    assert ('王家湾村', 'LOC') in tagged[1]
    assert ('南江市', 'LOC') in tagged[3]
    assert ('北坪大学', 'ORG') in tagged[3]
    assert any(typ == 'ORG' and '农业农村厅' in w for w, typ in tagged[2])
    assert any('青石县' in w and typ in ('LOC', 'ORG') for w, typ in tagged[0])
    assert not any(typ == 'PER' for w, typ in tagged[2])


def test_tagger_spans_are_valid(tagged):
    assert all(tagged)  # every sentence has names, so an empty answer is a failure
    for spans in tagged:
        assert all(typ in ('PER', 'LOC', 'ORG') and w for w, typ in spans)


def test_tagger_empty_text():
    assert CrfTagger(MODEL).tag(['', '。'], [[], [('。', 'w')]])[0] == []
    from kg.extract.lac import lac
    words, states = lac().run_with_states(['', '。'])
    assert NameTagger().tag(['', '。'], words, states) == [[], []]


def test_name_model_weighs_the_crf():
    """Each model alone and the two together: with the CRF's weight at 0 the answer is the
    BiLSTM-CRF's own, and the shipped weight (chosen on dev) is used by default."""
    from kg.extract.lac import lac
    texts = ['县委书记王晓东在会上指出，要把青山乡建成全县的示范乡。']
    words, states = lac().run_with_states(texts)
    alone = NameTagger(crf_path=None).tag(texts, words, states)
    assert NameTagger(crf_weight=0).tag(texts, words, states) == alone
    assert NameTagger().crf_weight == OnnxTagger().crf_weight > 0
    assert any(texts[0][s:e] == '王晓东' and t == 'PER' for s, e, t in NameTagger().tag(texts, words, states)[0])


def test_a_texts_names_do_not_depend_on_the_texts_batched_with_it():
    """The map tags together whichever articles a task holds, and tasks differ with the number of
    workers; the output may not. So each text's LAC states, the BiLSTM's emission scores and the
    names found are the same, bit for bit, alone as in a batch of texts of other lengths. (A model
    whose activations are quantised per batch, as onnxruntime's dynamic int8 does, fails here.)"""
    import numpy as np

    from kg.extract.lac import lac

    texts = ['市长李春明带队来到河西镇，与县文化馆的工作人员座谈。', '好',
             '今年以来，七村网格员走访群众三百余户，收集意见建议四十余条。',
             '县委常委、组织部部长王建国出席会议并讲话，要求各乡镇党委抓好基层组织建设。',
             '张伟说：“我们村的路修好了。”']
    words, states = lac().run_with_states(texts)
    for i, text in enumerate(texts):
        alone_words, alone_states = lac().run_with_states([text])
        assert alone_words[0] == words[i] and np.array_equal(alone_states[0], states[i])
    tagger = NameTagger()
    alone = [tagger.tag([t], [w], [s])[0] for t, w, s in zip(texts, words, states)]
    assert tagger.tag(texts, words, states) == alone and ('李春明', 'PER') in {
        (texts[0][a:b], kind) for a, b, kind in alone[0]}
    nn = tagger.nns[0]
    ids = [nn_ids(t, w, nn.vocabs, nn.lexicon) for t, w in zip(texts, words)]
    together, lengths = nn.emissions(ids, states)
    for i, n in enumerate(lengths):
        assert np.array_equal(nn.emissions([ids[i]], [states[i]])[0][0, :n], together[i, :n]), texts[i]


def test_name_model_weighs_the_crf_per_name_type():
    """A tag's CRF weight is its name type's in CRF_TYPE_WEIGHTS, else the model's own; a
    weight given alone weighs every tag."""
    tagger = NameTagger()
    assert CRF_TYPE_WEIGHTS and all(w != tagger.crf_weight for w in CRF_TYPE_WEIGHTS.values())
    for tag, weight in zip(NN_TAGS, tagger.crf_weights):
        assert weight == pytest.approx(CRF_TYPE_WEIGHTS.get(tag.partition('-')[2], tagger.crf_weight))
    assert set(NameTagger(crf_weight=0.5).crf_weights.tolist()) == {0.5}
    assert not NameTagger(crf_path=None, type_weights={'PER': 1.0}).crf_weights.any()


def test_name_model_biases_a_tag():
    """A bias on a name type's tags moves the decoding toward or away from that type: a large
    negative one leaves no person; none gives the default answer."""
    from kg.extract.lac import lac
    texts = ['县委书记王晓东在会上指出，要把青山乡建成全县的示范乡。', '记者李红梅报道。']
    words, states = lac().run_with_states(texts)
    default = NameTagger().tag(texts, words, states)
    assert NameTagger(tag_bias={}).tag(texts, words, states) == default
    assert any(t == 'PER' for spans in default for *_, t in spans)
    against = NameTagger(tag_bias={f'{p}-PER': -50.0 for p in 'BMES'}).tag(texts, words, states)
    assert not any(t == 'PER' for spans in against for *_, t in spans)


@given(st.lists(st.integers(0, 6), min_size=1, max_size=5))
def test_nn_batch_reverses_each_row_in_place(lengths):
    """The backward LSTM reads row b at rev[b]: each row's real part reversed, padding left
    where it is, and reading twice gives the row back."""
    import numpy as np
    lengths = [max(1, n) for n in lengths]
    ids = [[list(range(10, 10 + n))] * 4 + [[0] * n] for n in lengths]
    x, states, rev, got = nn_batch(ids, [np.ones((n, 3), np.float32) * n for n in lengths])
    assert list(got) == lengths and x.shape == (5, len(lengths), max(lengths)) and states.shape[2] == 3
    for b, n in enumerate(lengths):
        assert list(np.take(x[0, b], rev[b])[:n]) == list(range(10 + n - 1, 9, -1))
        assert list(rev[b][n:]) == list(range(n, max(lengths)))
        assert list(np.take(rev[b], rev[b])) == list(range(max(lengths)))
        assert (states[b, n:] == 0).all() and (states[b, :n] == n).all()


@given(st.integers(1, 12), st.integers(0, 2 ** 31 - 1))
def test_nn_decode_gives_well_formed_bmes(length, seed):
    """Whatever the scores, the decoded path never opens with M/E nor continues a name it
    did not open, so spans read back exactly (every span is B M* E or S)."""
    import numpy as np
    rng = np.random.default_rng(seed)
    em = rng.normal(size=(2, length, len(NN_TAGS))).astype(np.float32) * 5
    trans = rng.normal(size=(len(NN_TAGS), len(NN_TAGS))).astype(np.float32)
    for row in nn_decode(em, trans, np.array([length, length])):
        tags = [NN_TAGS[t] for t in row]
        for s, e, typ in tags_to_spans(tags):
            want = ['S-' + typ] if e - s == 1 else ['B-' + typ] + ['M-' + typ] * (e - s - 2) + ['E-' + typ]
            assert tags[s:e] == want


def test_allowed_transitions_table():
    ok, start = allowed_transitions()
    at = {t: i for i, t in enumerate(NN_TAGS)}
    assert ok[at['B-PER'], at['M-PER']] and ok[at['B-PER'], at['E-PER']] and ok[at['E-PER'], at['B-LOC']]
    assert not ok[at['B-PER'], at['E-LOC']] and not ok[at['O'], at['M-ORG']] and not ok[at['S-LOC'], at['E-LOC']]
    assert ok[at['O'], at['O']] and ok[at['S-ORG'], at['S-ORG']] and not ok[at['B-ORG'], at['O']]
    assert start[at['O']] and start[at['B-LOC']] and start[at['S-PER']] and not start[at['E-PER']]


def test_nn_vocab_keys():
    keys = nn_vocab_keys('王村２号', [('王村', 'LOC'), ('２号', 'm')])
    assert [k[0] for k in keys] == ['王', '村', '0', '号']
    assert [k[1] for k in keys] == ['<s>王', '王村', '村0', '0号']
    assert [k[2] for k in keys] == ['王村', '村0', '0号', '号</s>']
    assert [k[3] for k in keys] == ['B|LOC', 'E|LOC', 'B|m', 'E|m']
    assert keys[0][4] & 1 and not keys[1][4] & 1   # 王 is a surname, 村 is not


@pytest.mark.parametrize('text, words, flags', [
    ('张明说', {'张明'}, [8, 32, 0]),                      # a word opens and ends
    ('听张明华说', {'张明华'}, [0, 8, 16, 32, 0]),          # and runs through its middle
    ('张明华', {'张明', '明华'}, [8, 8 | 32, 32]),           # overlapping words both count
    ('老张', {'张明'}, [0, 0]),                             # a word cut off by the text's end is not there
    ('陈', {'陈'}, [0]),                                   # nor a single character
    ('', {'张明'}, []),
])
def test_lexicon_flags(text, words, flags):
    assert lexicon_flags(text, frozenset(words)) == flags


def test_lexicon_flags_join_the_surname_flags():
    words = [('王海军', 'PER'), ('说', 'v')]
    plain = nn_key_columns('王海军说', words)[4]
    flagged = nn_key_columns('王海军说', words, frozenset({'王海军'}))[4]
    assert flagged == [plain[0] | 8, plain[1] | 16, plain[2] | 32, plain[3]]


def test_name_lexicon_is_jiebas_person_names():
    from kg.extract.lexicon import load_lexicon

    names = load_lexicon().person_names
    assert len(names) > 50_000 and all(2 <= len(w) <= 4 for w in names)
    assert '鲁迅' in names and '北京' not in names and '中国共产党' not in names


def test_features_place_abbreviations():
    f = features('鲁台经贸合作', [('鲁台', 'LOC'), ('经贸', 'n'), ('合作', 'vn')])
    assert {'ab', 'ab|B', 'ab+1'} <= set(f[0]) and 'ab-1' not in f[0]
    assert {'ab', 'ab|E', 'ab-1'} <= set(f[1]) and 'ab+1' not in f[1]
    assert not any(x.startswith('ab') for x in f[2])


@given(st.lists(st.integers(1, 300), max_size=60), st.integers(1, 8), st.integers(1, 600))
def test_name_model_batches_cover_texts_in_order_within_bounds(lengths, size, chars):
    """The BiLSTM's batches take the texts in the order given, each once; a batch holds at most
    ``batch_size`` texts and, padded to its longest, ``batch_chars`` characters (one text
    longer than that goes alone)."""
    tagger = NameTagger.__new__(NameTagger)
    tagger.batch_size, tagger.batch_chars = size, chars
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches = list(tagger._batches(order, lengths))
    assert [i for b in batches for i in b] == order and all(batches)
    for b in batches:
        assert len(b) <= size
        assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= chars


def test_crf_log_marginals_are_crfsuites_own_a_distribution_per_char():
    """The compiled forward-backward gives crfsuite's marginals, for each text of a batch of
    any lengths; each char's sum to one; a label the model never saw gets log(1e-6)."""
    import numpy as np
    from kg.extract.crf_scores import CrfScores
    from kg.extract.lac import lac
    from kg.extract.ner import features
    texts = ['村党支部书记赵建军说。', '', '据县统计局发布的数据，全县去年新建蔬菜大棚三百余座。', '好',
             '欧阳娜娜和司马南在京沪高铁上，１２３ＡＢＣ㈠。', '王']
    words = lac().run(texts)
    crf, tagger = CrfScores(MODEL), CrfTagger(MODEL)
    got = crf.log_marginals(texts, words, NN_TAGS + ('X-NONE',))
    assert [g.shape for g in got] == [(len(t), len(NN_TAGS) + 1) for t in texts]
    for text, w, logs in zip(texts, words, got):
        if not text:
            continue
        tagger._tagger.set(features(text, w))
        want = [[tagger._tagger.marginal(y, i) for y in NN_TAGS] for i in range(len(text))]
        assert np.allclose(np.exp(logs[:, :-1]), want, atol=1e-5)
        assert np.allclose(np.exp(logs[:, :-1]).sum(axis=1), 1, atol=1e-3)
        assert np.allclose(logs[:, -1], np.log(1e-6))
    assert crf.log_marginals([], [], NN_TAGS) == []


def test_crf_weights_are_read_once_then_from_the_cache(tmp_path):
    """The CRF's weights as arrays go into the cache under the model file's digest, and come back
    from it the same as crfsuite gives them; a cache that cannot be read is passed by."""
    import os

    import numpy as np

    from kg.extract.crf_scores import CrfScores
    fresh = CrfScores(MODEL, cache_dir=None)
    first = CrfScores(MODEL, cache_dir=tmp_path)
    (cached,) = tmp_path.glob("crf-*.npz")
    umask = os.umask(0o022)
    os.umask(umask)
    assert cached.stat().st_mode & 0o777 == 0o666 & ~umask, "as any file the user writes, not a temporary file's 0600"
    assert [p.name for p in tmp_path.iterdir()] == [cached.name]
    again = CrfScores(MODEL, cache_dir=tmp_path)
    for crf in (first, again):
        assert crf.labels == fresh.labels and crf._rows == fresh._rows
        assert np.array_equal(crf._weights, fresh._weights) and np.array_equal(crf._transitions, fresh._transitions)
    cached.write_bytes(b"not a numpy file")
    assert CrfScores(MODEL, cache_dir=tmp_path)._rows == fresh._rows
    assert np.load(cached)["attrs"].tolist() == list(fresh._rows), "and the cache is written again"


def test_a_user_cache_entry_is_made_once_and_remade_when_stale_or_damaged(tmp_path):
    """What kg derives once per machine comes back from the cache as it was made; another key, a
    damaged file or a folder that cannot be written cost only the computing."""
    from kg.state import user_cached

    made = []

    def make(value):
        return lambda: made.append(value) or value

    words = (frozenset({"和平", "以色列"}), frozenset({"的"}))
    assert user_cached("words", "k1", make(words), tmp_path) == words
    assert user_cached("words", "k1", make("other"), tmp_path) == words and made == [words]
    assert user_cached("words", "k2", make(("changed",)), tmp_path) == ("changed",)
    (tmp_path / "words.marshal").write_bytes(b"\x00 not marshal")
    assert user_cached("words", "k2", make(("again",)), tmp_path) == ("again",)
    assert user_cached("words", "k2", make("unused"), tmp_path) == ("again",), "the damaged entry was written anew"
    blocked = tmp_path / "a file"
    blocked.write_text("")
    assert user_cached("words", "k1", make(words), blocked / "below") == words
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a file", "words.marshal"], "no scratch file left behind"


def test_the_dictionary_words_come_back_from_the_cache_as_read(tmp_path, monkeypatch):
    """jieba's dictionary is read once per machine; the cached words are the words read."""
    from kg.extract import lexicon

    calls = []
    read = lexicon._read_dictionary
    monkeypatch.setattr(lexicon, "_read_dictionary", lambda path: calls.append(path) or read(path))
    monkeypatch.setattr(lexicon, "user_cached", partial(lexicon.user_cached, folder=tmp_path))
    first, again = lexicon._dictionary_words(), lexicon._dictionary_words()
    assert first == again and len(calls) == 1 and "和平" in first[4] and "的" in first[2]


def test_crf_state_scores_sum_the_weights_of_every_feature():
    """The shifted unigram/bigram lookups and per-word rows add up to exactly the weights of
    the attributes features() spells out, on texts with every kind of char."""
    import random

    import numpy as np
    from kg.extract.crf_scores import CrfScores
    from kg.extract.lac import lac
    from kg.extract.ner import features
    rng = random.Random(7)
    pool = '村镇县市党委书记王李欧阳司马京沪台港中美的了在把１２３ABCxyz，。、（）《》㈠ﬁ '
    texts = [''.join(rng.choice(pool) for _ in range(rng.choice([1, 2, 3, 9, 40]))) for _ in range(60)]
    crf = CrfScores(MODEL)
    for text, words in zip(texts, lac().run(texts)):
        want = [sum(crf._weights[crf._rows.get(a, crf._unseen)] for a in f) for f in features(text, words)]
        assert np.allclose(crf.state_scores(text, words), want, atol=1e-9), text


def test_crf_state_scores_looked_up_for_a_batch_are_each_texts_own():
    """A batch's attributes looked up together (kg.extract.crf_rows) are the rows each text's
    spelled-out attributes have, whatever texts share the batch; texts with a char whose normal
    form is longer than one char (… is ...) are taken one by one, and score the same."""
    import random

    import numpy as np
    from kg.extract.crf_scores import CrfScores
    from kg.extract.lac import lac
    from kg.extract.ner import feature_columns
    rng = random.Random(11)
    pool = '村镇县市党委书记王李欧阳司马诸葛京沪台港中美的了在把１２３ABCxyz，。、（）《》〇一 \t'
    texts = [''.join(rng.choice(pool) for _ in range(rng.choice([0, 1, 2, 3, 9, 40]))) for _ in range(80)]
    texts += ['欧阳', '诸葛亮', '京台', '台', '…', '会议……王强说', '㈠村', 'ﬁ']
    words = lac().run(texts)
    crf = CrfScores(MODEL)
    rows = crf._batch
    laid, char_rows, word_rows, word_len = rows.rows(texts, words)
    taken = laid.taken
    assert sorted(set(range(len(texts))) - set(taken)) == [84, 85, 86, 87]
    at = 0
    for k in taken:
        columns = feature_columns(texts[k], words[k])[1:]     # less bias
        spelled = [c for kind, c in enumerate(columns) if not 14 <= kind < 26]   # less the word attributes
        n = len(texts[k])
        assert char_rows[:, at:at + n].tolist() == [[crf._rows.get(a, crf._unseen) for a in c] for c in spelled]
        at += n
    assert at == char_rows.shape[1] and len(word_rows) == len(word_len) == sum(len(words[k]) for k in taken)
    for size in (1, 3, len(texts)):
        for start in range(0, len(texts), size):
            batch = slice(start, start + size)
            for text, w, got in zip(texts[batch], words[batch], crf.batch_state_scores(texts[batch], words[batch])):
                assert np.array_equal(got, crf.state_scores(text, w)), text


def test_the_bilstms_ids_for_a_batch_are_each_texts_spelled_out_ids():
    """The BiLSTM's ids found for a batch at once (kg.extract.nn_ids) are the ids of each text's
    spelled-out keys (nn_ids), with and without the name lexicon, whatever texts share the batch;
    texts with a char whose normal form is longer than one char are spelled out."""
    import random

    import numpy as np

    from kg.extract.lac import lac
    from kg.extract.nn_ids import BatchIds
    rng = random.Random(5)
    pool = '村镇县市党委书记王李张伟欧阳司马诸葛京沪台港中美的了在把１２３ABCxyz，。、（）《》〇一 \t'
    texts = [''.join(rng.choice(pool) for _ in range(rng.choice([0, 1, 2, 3, 9, 40]))) for _ in range(80)]
    texts += ['欧阳', '诸葛亮说', '京台', '张伟', '…', '会议……王强说', '㈠村', 'ﬁ']
    words = lac().run(texts)
    nn = OnnxTagger()
    for lexicon in (None, frozenset({'张伟', '王强', '李书记'})):
        batch = BatchIds(nn.vocabs, lexicon, 1)
        want = [np.array(nn_ids(t, w, nn.vocabs, lexicon)).reshape(5, len(t)) for t, w in zip(texts, words)]
        for size in (1, 7, len(texts)):
            got = []
            for start in range(0, len(texts), size):
                got += batch.ids(texts[start:start + size], words[start:start + size],
                                 lambda t, w: nn_ids(t, w, nn.vocabs, lexicon))
            assert all(np.array_equal(g, w) for g, w in zip(got, want))
    spelled = []
    BatchIds(nn.vocabs, None, 1).ids(texts, words, lambda t, w: spelled.append(t) or nn_ids(t, w, nn.vocabs))
    assert spelled == texts[-4:]
