"""Pure parts of keeping the thread (2026-12-02 tester's failure classes): what the bot's last
line asked for, topic follow-ups, the one point of an answer already given, name and phone
typed at a consent prompt, and a questionnaire that asks only what can change the result."""
from __future__ import annotations

import pytest

from bot.dialog import followups
from bot.dialog.acts import asked_fact
from bot.dialog.thread import point_asked as _point_asked
from handoff.bookflow import _contact_in
from intents import questionnaire as q


@pytest.mark.parametrize(("reply", "field"), [
    ("家里人被公安带走……\n他今年多大？未满 18 岁的，国家必须给他指派律师。", "age"),
    ("这件事在哪个市或县办理？（比如在哪里打工）", "region"),
    ("好的。\n家里一共几口人？", "household_size"),
    ("法律援助是免费的。", None),
])
def test_the_fact_a_reply_asks_for(reply, field):
    assert asked_fact(reply) == field


@pytest.mark.parametrize(("text", "topic", "entry"), [
    ("那仲裁要钱吗", "labor.contract", "arbitration_cost"),
    ("过了半年还来得及去仲裁吗", "labor.wages", "arbitration_limit"),
    ("找哪个部门投诉", "consumer", "consumer_complaint"),
    ("我能见她一面吗", "criminal.defense", "detained_visit"),
    ("今天早上又动手了 胳膊肿了", "family.violence", "violence_again"),
])
def test_topic_follow_ups_belong_to_their_topic(text, topic, entry):
    assert followups.topic_entry(text, topic)[0] == entry
    assert followups.topic_entry(text, "land") is None  # another topic: not this answer


def test_a_status_follow_up_holds_only_for_that_status():
    """The proof a good samaritan brings (LAL 32(2)) is not asked of every injured person."""
    assert followups.topic_entry("要开什么证明", "injury.personal", ["good_samaritan"])[0] == "good_samaritan_proof"
    assert followups.topic_entry("要开什么证明", "injury.personal", []) is None
    assert followups.topic_entry("要开什么证明", "injury.personal", ["abuse_victim"]) is None


def test_a_follow_up_naming_its_own_object_is_not_a_generic_one():
    assert followups.kind_of("工伤认定去哪里弄") is None      # about 工伤认定, not where to apply for aid
    assert followups.kind_of("去哪里申请") == "where"
    assert followups.kind_of("我去替她办行不行") == "proxy"


def test_not_accepting_is_an_objection_only_to_a_legal_aid_decision():
    assert followups.kind_in_context("医院不认账", decided=False) is None
    assert followups.kind_in_context("这个结果我不认", decided=False) == "objection"
    assert followups.kind_in_context("不认", decided=True) == "objection"


def test_the_point_of_an_answer_already_given():
    answer = ("能。继承权男女平等（《民法典》第一千一百二十六条），女儿和儿子都是父母的第一顺序继承人"
              "（第一千一百二十七条），出嫁、户口迁走都不影响。没有遗嘱的，同一顺序一般均分（第一千一百三十条）。")
    assert "出嫁" in _point_asked(answer, "我哥说嫁出去的闺女没份")
    assert _point_asked(answer, "要带什么") is None


@pytest.mark.parametrize(("text", "found"), [
    ("我叫王秀英 电话13905951234", {"name": "王秀英", "phone": "13905951234"}),
    ("李大海 18643112345", {"name": "李大海", "phone": "18643112345"}),
    ("我叫张桂兰", {"name": "张桂兰"}),
    ("到时候要带什么", {}),
    ("好的", {}),
])
def test_name_and_phone_typed_in_one_message(text, found):
    assert _contact_in(text) == found


def test_only_exemptions_that_can_change_the_result_are_offered():
    step = q.start({"matter": "family.inheritance", "region": "石狮市"})
    assert step.state["current"] == "special_status"
    assert "退役军人" in step.text and "英雄烈士" not in step.text and "家庭暴力" not in step.text
    # numbered 1..n as shown (not 1/5/6 with gaps), and the answer is read against what was shown
    assert "1. 退役军人" in step.text and "5." not in step.text
    after = q.answer(step.state, "1")
    assert after.state["facts"]["special_status"] == ["veteran"]


def test_an_exemption_that_protects_the_claim_is_still_offered():
    step = q.start({"matter": "family.divorce", "region": "石狮市"})
    assert "家庭暴力" in step.text


def test_the_pending_question_in_one_line():
    step = q.start({"matter": "labor.injury"})
    line = q.brief_question(step.state)
    assert "\n" not in line and "哪个市或县" in line
    assert q.parses(step.state, "泉州") and not q.parses(step.state, "要带什么东西")


@pytest.mark.parametrize(("text", "day", "part"), [
    ("下周三不行 换周四吧", "2026-12-17", None),      # the Thursday after the refused Wednesday
    ("不对 明天我没空 后天吧", "2026-12-12", None),
    ("周五上午有事 下午可以吗", "2026-12-11", "afternoon"),  # the same day, another time
])
def test_the_wish_after_a_refusal(text, day, part):
    from datetime import datetime

    from handoff.when import parse_when

    when = parse_when(text, datetime(2026, 12, 10, 10, 0))   # a Thursday
    assert (when.day.isoformat(), when.part) == (day, part)


def test_a_refusal_alone_asks_for_nothing():
    from datetime import date, datetime

    from handoff.when import parse_when, refused_day, refuses_only

    now = datetime(2026, 12, 10, 10, 0)
    assert parse_when("明天不行", now) is None and refuses_only("明天不行", now)
    assert refused_day("明天不行", now) == date(2026, 12, 11)


@pytest.mark.parametrize("text", ["我还得问问我老婆", "算了不知道", "我再想想"])
def test_not_now_is_an_act(text):
    from bot.dialog.acts import classify

    assert classify(text).kind == "defer"


def test_a_question_that_asks_about_something_is_no_deferral():
    from bot.dialog.acts import classify

    assert classify("我想问问工伤的事") is None
