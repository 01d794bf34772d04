"""「多久」「去哪」 and objections told apart by what they ask (pure guards of bot/dialog/followups.py)."""
from __future__ import annotations

import pytest

from bot.dialog import followups
from bot.dialog.router import asks_something


@pytest.mark.parametrize("text, kind", [
    ("会判多久啊", "sentence"), ("得坐几年牢", "sentence"), ("这种要关几年", "sentence"),
    ("这事多久就过期了", "limitation"), ("还来得及不", "limitation"), ("有没有期限", "limitation"),
    ("多长时间能批下来", "duration"), ("几天能有结果", "duration"),
    ("他们就口头说的 没给我纸", "refusal_oral"),
    ("异议往哪交", "where"),
])
def test_duration_questions_are_told_apart(text, kind):
    assert followups.kind_of(text) == kind


@pytest.mark.parametrize("topic, key", [
    ("labor.injury", "followup_limit_injury"), ("labor.wages", "followup_limit_labor"),
    ("injury.traffic", "followup_limit_civil"), ("civil.debt", "followup_limit_civil"),
])
def test_the_time_limit_is_the_topic_s_own(topic, key):
    assert followups._limitation_key(topic) == key


@pytest.mark.parametrize("text", ["法援中心说我不符合条件 不给办 我不服气", "申请被拒了 我不同意 咋办",
                                  "中心不给批 凭什么"])
def test_objections_to_a_refusal(text):
    assert followups.objects_to_refusal(text)


@pytest.mark.parametrize("text", ["我要申请法律援助", "老板不给工资 怎么办", "医院不认账 咋办"])
def test_not_objections(text):
    assert not followups.objects_to_refusal(text)


@pytest.mark.parametrize("text, asks", [("孩子跟谁啊", True), ("房子是她婚前买的 我能分到不", True),
                                        ("律师费谁出", True), ("12348点打", True), ("层楼系婚前佢买嘅 我有冇份", True), ("这个嘛", False), ("我家三口人", False)])
def test_questions_in_everyday_words(text, asks):
    assert asks_something(text) is asks


@pytest.mark.parametrize("text", ["我替她办行不 她腿脚不好", "这样中不中"])
def test_questions_asked_by_a_trailing_yes_no(text):
    assert asks_something(text)
