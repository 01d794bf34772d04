"""The matcher on representative and adversarial inputs (pure: no database)."""
from __future__ import annotations

import pytest

from intents.detect import social_intent
from knowledge_base.match import match
from knowledge_base.normalize import normalize


@pytest.mark.parametrize("raw, expected", [
    ("请问，老板拖欠我三个月工资不给怎么办？？😭", "老板拖欠我3个月工资不给怎么办"),
    ("離婚財產怎麼分", "离婚财产怎么分"),
    ("ＡＢＣ１２３", "abc123"),
    ("一共欠了三千五百块", "一共欠了3500块"),
    ("嗯 那个 就是说 包工头跑了", "包工头跑了"),
])
def test_normalisation(raw, expected):
    assert normalize(raw) == expected


def test_homophones_and_synonyms_reach_the_same_words(kb_index):
    seg = kb_index.segmenter
    assert "工伤" in seg.canonical_text(normalize("公伤怎么赔"))
    assert "法律援助" in seg.canonical_text(normalize("法律缓助怎么申请"))
    assert seg.canonical_text(normalize("工钱")) == seg.canonical_text(normalize("薪水")) == "工资"
    # a real word that sounds like a legal term is left alone
    assert "老伴" in seg.canonical_text(normalize("我老伴生病了"))


@pytest.mark.parametrize("question, code", [
    ("老板拖欠工资怎么办", "labor.wages"),
    ("包工头跑了工钱找谁要", "labor.wages"),
    ("干活受伤了怎么认定工伤", "labor.injury"),
    ("公伤咋赔", "labor.injury"),
    ("儿女不给养老钱咋整", "family.support"),
    ("老公天天打我怎么办", "family.violence"),
    ("我儿子被派出所抓了怎么请律师", "criminal.defense"),
    ("法律缓助怎么申请", "legal_aid.apply"),
    ("離婚了孩子撫養費怎麼要", "family.support"),
    ("被车撞了对方不赔钱", "injury.traffic"),
])
def test_representative_questions_get_their_topic(kb_index, question, code):
    result = match(question, kb_index)
    assert result.status in ("answer", "clarify")
    assert result.hits[0].code == code


def test_a_long_story_with_the_question_at_the_end(kb_index):
    story = ("我是四川来的在工地上干了大半年活，包工头一开始说年底一起结，结果到了年底人就找不到了，"
             "电话也打不通，我们十几个人都没拿到钱，现在该找谁要工钱")
    assert match(story, kb_index).code == "labor.wages"


@pytest.mark.parametrize("text", ["哈哈", "哈哈哈哈", "今天天气怎么样", "你是机器人吗", "你好", "谢谢", "👍👍",
                                  "吃了吗"])
def test_small_talk_is_caught_before_matching(text):
    assert social_intent(text) is not None


@pytest.mark.parametrize("text", [
    "这个月手机话费怎么扣了这么多",
    "明天去北京的火车票怎么买",
    "红烧肉怎么做好吃",
    "股票现在能买吗",
    "帮我查一下快递到哪了",
])
def test_off_topic_never_gets_a_legal_answer(kb_index, text):
    result = match(text, kb_index)
    assert result.status != "answer", (text, result.hits[:1])


def test_close_entries_offer_numbered_choices(kb_index):
    """A vague message that fits several entries is not answered blindly."""
    result = match("工资", kb_index)
    assert result.status in ("clarify", "answer")
    if result.status == "clarify":
        assert 2 <= len(result.choices) <= 3


def test_empty_and_garbage_input_is_unsure(kb_index):
    for text in ["", "   ", "？？？", "asdfghjkl"]:
        assert match(text, kb_index).status == "unsure"
