"""kg as a named-entity recogniser: kg.entities for one text, kg.entities_many for many."""

from __future__ import annotations

import pytest

import kg

# Our own sentences, in the style of county news; with an empty text, a blank one, one longer
# than a LAC piece (256 characters) and one of several lines.
TEXTS = [
    "扎囊县桑耶镇雅江村村委会主任达瓦说。",
    "",
    "  \n ",
    "林芝市巴宜区召开乡村振兴工作会议，区委书记李明辉出席。",
    "雅江村青稞种植专业合作社今年收入128万元。" * 20,
    "米林市委组织部部长次仁旺堆到南伊乡调研。\n会议强调，要推进“双报到”工作。",
    "西藏",
]


@pytest.mark.parametrize("batch_size", [1, 2, 64, 1024])
@pytest.mark.parametrize("nested", [True, False])
def test_entities_many_is_entities_of_each(batch_size, nested):
    one_by_one = [kg.entities(text, nested=nested) for text in TEXTS]
    assert list(kg.entities_many(iter(TEXTS), nested=nested, batch_size=batch_size)) == one_by_one
    assert sum(map(len, one_by_one)) > 10


@pytest.mark.parametrize("state_chars", [1, 30, 300])
def test_tagging_in_slices_changes_nothing(monkeypatch, state_chars):
    """LAC and the name model run on slices of at most ``_STATE_CHARS`` characters (a piece
    longer than that on its own): the answers are those of one slice."""
    from kg.extract import nlp

    whole = list(kg.entities_many(TEXTS))
    monkeypatch.setattr(nlp, "_STATE_CHARS", state_chars)
    assert list(kg.entities_many(TEXTS)) == whole


def test_entities_have_offsets_classes_and_names():
    text = TEXTS[3]
    found = {(m.text, m.cls) for m in kg.entities(text)}
    assert {("林芝市", "Place"), ("巴宜区", "Place"), ("李明辉", "Person")} <= found
    assert all(text[m.start : m.end] == m.text for m in kg.entities(text))


def test_readme_examples_run_as_shown():
    import doctest
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    blocks = "\n".join(re.findall(r"```python\n(.*?)```", readme, re.S))
    test = doctest.DocTestParser().get_doctest(blocks, {}, "README.md", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.tries >= 3 and runner.failures == 0


@pytest.mark.parametrize("text, wanted, wrong", [
    # the name model reads the end of an idiom, after a word it split off, as a person
    ("小岗村的故事家喻户晓。", {"小岗村"}, {"喻户晓", "家喻户晓"}),
    ("他的事迹在全县家喻户晓，王明也深受感动。", {"王明"}, {"喻户晓"}),
    ("他们认真学习毛泽东思想和邓小平理论。", {"毛泽东", "邓小平"}, set()),  # a name inside a longer word, not an idiom
])
def test_no_name_begins_or_ends_inside_an_idiom(text, wanted, wrong):
    names = {m.text for m in kg.entities(text)}
    assert wanted <= names and not names & wrong


@pytest.mark.parametrize("text, start, end, cut", [
    ("小岗村的故事家喻户晓。", 7, 10, True),
    ("王明家喻户晓", 0, 3, True),
    ("王明家喻户晓", 0, 2, False),
    ("家喻户晓的王明", 5, 7, False),
    ("毛泽东思想", 0, 3, False),
])
def test_cuts_idiom(text, start, end, cut):
    from kg.extract.lexicon import load_lexicon

    assert load_lexicon().cuts_idiom(text, start, end) is cut


@pytest.mark.parametrize("text, opens", [
    ("对丘党支部", True), ("在世合作社", True), ("把村", True),  # no noun of the dictionary starts there
    ("和平村", False), ("以色列", False), ("与会者", False),  # nouns and names that start with a function word
    ("雅江村", False),
])
def test_opens_with_function_word(text, opens):
    from kg.extract.lexicon import load_lexicon

    assert load_lexicon().opens_with_function_word(text, 0) is opens
