"""The matcher's 「not a legal question」 is not overridden by the dialog layers on top of it.

WHY: the matcher (knowledge_base/match.py) rejected 「港澳通行证怎么预约」「社保卡丢了怎么补办」
「办身份证要带什么」, but the booking intent fired on 预约 alone, a keyword of the message (社保)
set a topic whose general answer came back, the follow-up layer read 身份证 / 要带什么 as questions
about our application, and 收费 pulled 「法律援助是免费的」 for a property manager's charges.
All through real HTTP (the simulator API), with our own wordings, and the legitimate cases kept:
booking with us, the materials after a legal question, the 7-day decision (LAL 43).
"""
from __future__ import annotations

import uuid

import pytest

OFF_TOPIC = "不在我能帮忙的范围内"
MID_CASE_REFUSAL = "不是法律上的问题"
OUR_FEE = "法律援助机构和律师不会向您收取任何费用"
OUR_ID_RULE = "申请法律援助要提供申请人的身份证"
DECISION_7_DAYS = "7 日内作出是否给予援助的决定"
WAGES = "包工头干完活人就跑了 工钱一分没给"


@pytest.fixture()
def sim(client):
    """One citizen in the simulator: say(text) → the reply JSON; state() → the saved conversation."""
    from bot.conversation import Conversation

    user = "t" + uuid.uuid4().hex[:12]

    class Sim:
        def say(self, text: str) -> dict:
            resp = client.post("/simulator/api/send", json={"user": user, "text": text})
            assert resp.status_code == 200
            return resp.get_json()

        def state(self) -> dict:
            with client.application.extensions["fayuan_db"].session() as s:
                return dict(s.get(Conversation, f"sim:{user}").state or {})

    return Sim()


@pytest.mark.parametrize("said", ["护照在网上怎么预约", "我想预约换驾驶证", "医保卡补办要先预约吗", "去医院预约个专家号"])
def test_a_booking_at_another_office_does_not_open_our_booking(sim, said):
    reply = sim.say(said)
    assert sim.state().get("mode") == "idle"
    assert "法律援助机构（回复数字）" not in reply["reply"]
    assert OFF_TOPIC in reply["reply"]


@pytest.mark.parametrize("said", ["我想预约", "能约个时间吗 想当面谈", "约个律师", "帮我约一下法律援助中心"])
def test_booking_with_us_inside_a_legal_conversation_still_books(sim, said):
    sim.say(WAGES)
    sim.say(said)
    assert sim.state().get("mode") == "book"


@pytest.mark.parametrize("said", ["社保卡掉了去哪补", "电子社保卡怎么激活", "驾驶证过期了怎么换"])
def test_an_errand_at_another_office_asked_first_is_declined_without_a_topic(sim, said):
    reply = sim.say(said)
    assert OFF_TOPIC in reply["reply"]
    assert reply["code"] == "other"
    assert not (sim.state().get("case") or {}).get("topic")


@pytest.mark.parametrize("errand", ["换驾照要带啥", "身份证丢了去哪补办", "港澳通行证在哪预约"])
def test_an_errand_mid_case_gets_a_short_refusal_and_the_case_goes_on(sim, errand):
    sim.say(WAGES)
    assert (sim.state().get("case") or {}).get("topic") == "labor.wages"
    reply = sim.say(errand)["reply"]
    assert MID_CASE_REFUSAL in reply and "欠薪" in reply
    assert OUR_ID_RULE not in reply and "法律援助机构（回复数字）" not in reply
    state = sim.state()
    assert state.get("mode") == "idle" and state["case"]["topic"] == "labor.wages"
    materials = sim.say("那申请要带什么材料")["reply"]
    assert "身份证" in materials and "工资" in materials


@pytest.mark.parametrize("first", [WAGES, "法律援助到底怎么申请"])
@pytest.mark.parametrize("ask", ["啥时候能批下来", "申请了几时能受理", "什么时候会有答复"])
def test_when_will_it_be_accepted_gets_the_seven_day_decision(sim, first, ask):
    sim.say(first)
    reply = sim.say(ask)["reply"]
    assert DECISION_7_DAYS in reply and "第四十三条" in reply


@pytest.mark.parametrize("said", ["物业乱收停车费我可以拒交吗", "物业不修电梯还涨物业费合理吗", "小区车位管理费收得太贵了 物业不讲理"])
def test_a_property_fee_dispute_gets_its_ways_on_not_our_fee(sim, said):
    reply = sim.say(said)["reply"]
    assert OUR_FEE not in reply
    assert "住建" in reply and "12345" in reply and "人民调解" in reply and "法院" in reply


@pytest.mark.parametrize("said", ["健身房乱收费", "驾校多收了我钱收费合理吗"])
def test_another_party_s_charge_never_gets_the_legal_aid_fee_answer(sim, said):
    assert OUR_FEE not in sim.say(said)["reply"]


@pytest.mark.parametrize("said", ["申请援助要交钱吗", "你们收费不", "法律援助收费吗"])
def test_a_question_about_our_own_fee_still_gets_it(sim, said):
    sim.say(WAGES)
    assert OUR_FEE in sim.say(said)["reply"]


@pytest.mark.parametrize("errand", ["补办户口本要带啥", "车管所预约换驾照"])
def test_an_errand_mid_check_is_declined_and_the_same_question_follows(sim, errand):
    sim.say(WAGES)
    sim.say("1")  # the pre-check starts: the place is asked
    asked = sim.state()["q"]["current"]
    reply = sim.say(errand)["reply"]
    assert MID_CASE_REFUSAL in reply and "没看明白" not in reply
    state = sim.state()
    assert state.get("mode") == "questionnaire" and state["q"]["current"] == asked
    assert state["case"]["topic"] == "labor.wages"


def test_an_errand_in_a_crisis_does_not_become_the_case_s_matter(sim):
    sim.say("他又动手打我了 我不敢回家")
    topic = (sim.state().get("case") or {}).get("topic")
    assert topic == "family.violence"
    sim.say("对了 社保卡掉了怎么补")
    assert sim.state()["case"]["topic"] == "family.violence"
    materials = sim.say("申请要带什么")["reply"]
    assert "家庭暴力" in materials
