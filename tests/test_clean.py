import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.text.clean import (
    clean,
    detect_script,
    drop_boilerplate_lines,
    drop_mojibake,
    join_broken_lines,
    normalize_unicode,
    simplified,
    strip_pinyin_glosses,
)


# fmt: off
@pytest.mark.parametrize("text, expected", [
    ("在新時(shí)代,西藏基層", "在新時代,西藏基層"),
    ("高質(zhì)量發(fā)展", "高質量發展"),
    ("黨(dǎng)的二十大", "黨的二十大"),
    ("本报那曲电(记者 索朗琼珠 次仁片多)近日", "本报那曲电(记者 索朗琼珠 次仁片多)近日"),
    ("(中国西藏网 文/王东)", "(中国西藏网 文/王东)"),
    ("“双招双引”(招商引资、招才引智)工作", "“双招双引”(招商引资、招才引智)工作"),
    ("下载APP(app)", "下载APP(app)"),
])
def test_strip_pinyin_glosses(text, expected):
    assert strip_pinyin_glosses(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("西藏自治区党委统战部版权所有????藏ICP备18000039号-1????", "西藏自治区党委统战部版权所有 藏ICP备18000039号-1 "),
    ("乱码\ufffd\ufffd文字", "乱码 文字"),
    ("你好吗?", "你好吗?"),
    ("所有? ??藏ICP", "所有 藏ICP"),
])
def test_drop_mojibake(text, expected):
    assert drop_mojibake(text) == expected


@pytest.mark.parametrize("line", [
    "西藏自治区党委统战部版权所有 藏ICP备18000039号-1",
    "藏公网安备 54010202000133号",
    "新闻热线 0891-6325020",
    "您当前的位置:中国西藏新闻网 > 新闻 > 西藏要闻",
    "分享到:",
    "责任编辑:益西旺堆",
    "(责编:赵珊)",
    "备案号:藏ICP备09000733号丨公安备案:54010202000003号",
    "010-65363526rmzk001@163.com",
    "2024年02月29日 08:50    来源:中国西藏新闻网    记者 刘文涛 唐启胜",
    "本报记者 胡文 摄",
    "- 西城区2023年节能宣传周开幕 5座楼宇获“绿电示范楼宇”认定",
    "上一篇:绘就基层治理“同心圆”",
    "版權聲明:凡注明“來源:中國西藏網”的所有作品,版權歸高原(北京)文化傳播有限公司。",
])
def test_drop_boilerplate_lines_drops(line):
    assert drop_boilerplate_lines(line).strip() == ""


@pytest.mark.parametrize("line", [
    "本报那曲电(记者 索朗琼珠 次仁片多)近日,那曲市委党校色尼区分校举办活动。",
    "——日喀则珠峰城投集团服务民生小记",
    "深化党建引领 狠抓任务落实",
    "(作者系浙江省杭州市委党校党史党建教研部副教授付文科)",
])
def test_drop_boilerplate_lines_keeps(line):
    assert drop_boilerplate_lines(line) == line


def test_drop_boilerplate_lines_keeps_teasers_without_marker():
    text = "援助西藏發展基金會相關負責人表示,解決了問題。[詳細] -"
    assert drop_boilerplate_lines(text) == "援助西藏發展基金會相關負責人表示,解決了問題。"


def test_drop_boilerplate_lines_drops_related_reading_list():
    text = "正文。\n相关阅读\n某地召开会议\n另一条新闻标题\n正文继续写到这里。"
    assert drop_boilerplate_lines(text) == "正文。\n正文继续写到这里。"


@pytest.mark.parametrize("text, expected", [
    ("标题\n波密县古乡嘎朗村地处国道318\n\n旁和世界最大桃花谷——波堆桃花谷谷口。",
     "标题\n波密县古乡嘎朗村地处国道318旁和世界最大桃花谷——波堆桃花谷谷口。"),
    ("标题\n“巴宜区百巴镇色贡村坚持党建引领\n\n激发乡村振兴活力。”",
     "标题\n“巴宜区百巴镇色贡村坚持党建引领激发乡村振兴活力。”"),
    ("标题\n为此,驻村工作队第一\n\n时间通过集团党建宣传部沟通。", "标题\n为此,驻村工作队第一时间通过集团党建宣传部沟通。"),
    ("山南市贡嘎县岗堆镇\n干群同心共筑防汛“安全堤”", "山南市贡嘎县岗堆镇\n干群同心共筑防汛“安全堤”"),
    ("在新时代,西藏基层党建工作高质量发展建设\n党的二十大报告明确提出。", "在新时代,西藏基层党建工作高质量发展建设\n党的二十大报告明确提出。"),
    ("标题\n学思想、明方向、铸灵魂——\n坚持不懈用党的创新理论统一思想", "标题\n学思想、明方向、铸灵魂——\n坚持不懈用党的创新理论统一思想"),
    ("标题\n深化党建引领 狠抓任务落实\n——林芝市持续推动", "标题\n深化党建引领 狠抓任务落实\n——林芝市持续推动"),
])
def test_join_broken_lines(text, expected):
    assert join_broken_lines(text) == expected
# fmt: on


def test_clean_traditional_seed_sentence():
    raw = "在新時(shí)代,西藏基層黨(dǎng)建工作高質(zhì)量發(fā)展建設"
    assert simplified(clean(raw)) == "在新时代,西藏基层党建工作高质量发展建设"
    assert detect_script(raw) == "traditional"
    assert detect_script("在新时代,西藏基层党建工作") == "simplified"


def test_normalize_unicode_makes_ascii_halfwidth():
    assert normalize_unicode("２０２３年「双报到」") == "2023年“双报到”"


@given(st.text(alphabet=st.sampled_from(list("党建引领乡村振兴,。“”()shíǎ 西藏\n-?")), max_size=80))
def test_clean_is_idempotent(text):
    once = clean(text)
    assert clean(once) == once
