"""What a figure counts: a table of sentences, run through the whole extraction."""

from decimal import Decimal

import pytest

from kg.extract.extraction import extract
from kg.model import Article, Meta


def observations(text: str):
    article = Article("t", "t.txt", text, Meta(), "0" * 64, "utf-8", "simplified")
    return {(o.measure, o.value, o.unit) for o in extract(article).observations}


# fmt: off
@pytest.mark.parametrize("text, expected", [
    ("西藏自治区新发展党员1.49万名。", ("新发展党员", Decimal(14900), "名")),
    ("林芝市从抗震救灾一线冲锋在前的2万余名党员,到日常服务群众的志愿者。", ("党员", Decimal(20000), "名")),
    ("林芝市调整“下”的干部200多人。", ("干部", Decimal(200), "人")),
    ("山南市坚持抓两头带中间,排查整顿240个软弱涣散基层党组织。", ("排查整顿软弱涣散基层党组织", Decimal(240), "个")),
    ("色贡村2023年村集体经济收入达400万元。", ("村集体经济收入", Decimal(4_000_000), "元")),
])
def test_measure_is_what_is_counted(text, expected):
    assert expected in observations(text)


@pytest.mark.parametrize("text, not_a_measure", [
    ("那曲市23名党校教师参加活动。", "那曲市"),
    ("昌都市将1630名乡村振兴专干纳入村级工作力量。", "将"),
])
def test_names_and_function_words_are_not_measures(text, not_a_measure):
    found = observations(text)
    assert found and not_a_measure not in {measure for measure, _, _ in found}
