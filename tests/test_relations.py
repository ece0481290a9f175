"""Who carries out a programme: a table of short articles, run through the whole extraction."""

import pytest

from kg.extract.extraction import extract
from kg.model import Article, Meta


def carried_out(text: str) -> set[tuple[str, str, str]]:
    article = Article("t", "t.txt", text, Meta(), "0" * 64, "utf-8", "simplified")
    extraction = extract(article)
    names = {e.key: e.name for e in extraction.entities}
    return {(names[r.subject], names[r.object], r.rule) for r in extraction.relations if r.predicate == "carriesOut"}


# fmt: off
@pytest.mark.parametrize("text, expected", [
    ("山南市党建工作\n山南市全面推行“一窗受理”服务模式。", ("山南市", "一窗受理", "doer-in-sentence")),
    ("基层治理综述\n琼结县拉玉乡派出所实践“点单式”调解模式,成效明显。", ("拉玉乡派出所", "点单式", "doer-in-sentence")),
    ("林芝市基层党建综述\n今年以来,全面推广“积分超市”做法,群众参与积极。", ("林芝市", "积分超市", "doer-of-article")),
    ("推动基层党建全域提升\n杭州市坚持问题导向。杭州市党员队伍不断壮大。\n\n扎实开展“五联”活动,成效明显。",
     ("杭州市", "五联", "doer-of-article")),
])
def test_doer_of_a_programme(text, expected):
    assert expected in carried_out(text)


def test_no_verb_of_doing_no_relation():
    assert carried_out("林芝市基层党建综述\n“积分超市”的名字很好听。") == set()


@pytest.mark.parametrize("text, part, whole", [
    ("党校培训\n今年以来,林芝市委党校举办示范培训班18期。", "林芝市委党校", "林芝市委"),
    ("综述\n杭州市委党校党史党建教研部主任发言。", "杭州市委党校党史党建教研部", "杭州市委党校"),
])
def test_a_part_named_with_its_whole(text, part, whole):
    article = Article("t", "t.txt", text, Meta(), "0" * 64, "utf-8", "simplified")
    extraction = extract(article)
    names = {e.key: e.name for e in extraction.entities}
    assert (part, whole) in {(names[r.subject], names[r.object]) for r in extraction.relations if r.predicate == "partOf"}


@pytest.mark.parametrize("place, level, office, expected", [
    ("巴宜区", "county", "区长", ("巴宜区人民政府", "GovernmentBody")),
    ("巴宜区", "county", "副区长", ("巴宜区人民政府", "GovernmentBody")),
    ("林芝市", "prefecture", "书记", ("林芝市委", "PartyOrganization")),
    ("西藏自治区", "province", "书记", ("西藏自治区党委", "PartyOrganization")),
    ("强堆村", "village", "第一书记", ("强堆村党支部", "PartyOrganization")),
    ("尼池社区", "village", "主任", ("尼池社区居委会", "GovernmentBody")),
    ("雅江村", "village", "主任", ("雅江村村委会", "GovernmentBody")),
    ("桑耶镇", "township", "镇长", ("桑耶镇人民政府", "GovernmentBody")),
    ("桑耶镇", "township", "区长", None),     # an office the place's level does not have
    ("林芝市", None, "书记", None),           # a place of no known level
])
def test_office_organization(place, level, office, expected):
    from kg.extract.offices import office_organization
    from kg.extract.spans import Found

    assert office_organization(Found(0, len(place), "Place", f"Place:{place}", place, "gazetteer", level), office) == expected
