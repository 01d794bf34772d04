"""The eligibility questionnaire through the real webhook: paths, interruptions, 返回,
bad answers and expiry (issue 4)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.conversation import Conversation, EligibilityRecord
from ground.clock import utcnow
from wechat_client import Citizen



@pytest.fixture()
def citizen(client, user_id):
    return Citizen(client, user_id)


def test_migrant_worker_owed_wages_in_shishi(app, citizen, user_id):
    first = citizen.say("我能申请法律援助吗")
    assert "哪一类事情" in first
    assert "在哪个市" in citizen.say("欠工资")
    q3 = citizen.say("石狮")
    assert "农民工" in q3
    reply = citizen.say("是")
    if "急不急" in reply:
        reply = citizen.say("没有")
    assert "符合法律援助条件" in reply
    assert "第四十二条" in reply
    link = re.search(r"https?://\S+/result/\S+", reply)
    assert link
    # Issue 9 (economy): the materials list is one 「详细」 away, not in the decision bubble.
    assert "带齐" in reply and "身份证" not in reply
    assert "身份证" in citizen.say("详细")
    with app.extensions["fayuan_db"].session() as s:
        record = s.scalars(select(EligibilityRecord).where(EligibilityRecord.user_id == user_id)).one()
        assert record.decision == "eligible" and record.priority
        assert record.questions <= 5


def test_result_page_shows_every_reason_and_material(app, client, citizen):
    citizen.say("评估")
    citizen.say("欠工资")
    citizen.say("石狮")
    reply = citizen.say("是")
    if "急不急" in reply:
        reply = citizen.say("没有")
    path = re.search(r'<a href="https?://[^/\s]+(/result/[^"\s]+)">', reply).group(1)  # a tappable link
    page = client.get(path).get_data(as_text=True)
    assert "判断依据" in page and "《法律援助法》第四十二条" in page and "下一步" in page
    assert client.get("/result/forged-token").status_code == 404


def test_a_question_typed_mid_questionnaire_is_answered_then_resumed(citizen):
    citizen.say("我能申请法律援助吗")
    citizen.say("工伤")
    asked = citizen.say("石狮")
    interrupted = citizen.say("工伤认定要去哪里申请")
    # Issue 9: the question is answered and the form goes on by itself (the question asked again).
    assert "人社" in interrupted and "农民工" in interrupted.split("接着问您")[1]
    assert "农民工" in asked


def test_back_returns_to_the_previous_question(citizen):
    citizen.say("评估")
    q_region = citizen.say("欠工资")
    citizen.say("长春")
    back = citizen.say("返回")
    assert "上一题" in back
    assert "在哪个市或县" in q_region and "在哪个市或县" in back


def test_a_bad_answer_repeats_the_question_and_keeps_earlier_answers(app, citizen, user_id):
    citizen.say("评估")
    citizen.say("欠工资")
    before = citizen.say("石狮")
    again = citizen.say("asdf")
    assert "农民工" in again
    with app.extensions["fayuan_db"].session() as s:
        conv = s.get(Conversation, user_id)
        assert conv.state["q"]["facts"]["matter"] == "labor.wages"
        assert conv.state["q"]["facts"]["region"]
    assert "农民工" in before


def test_abandoned_questionnaire_is_offered_for_resumption_after_a_day(app, citizen, user_id):
    citizen.say("评估")
    asked = citizen.say("家暴")
    with app.extensions["fayuan_db"].session() as s:
        conv = s.get(Conversation, user_id)
        conv.updated_at = utcnow() - timedelta(days=2)
    reply = citizen.say("你好")
    assert "上次" in reply and "继续" in reply
    resumed = citizen.say("1")
    question = [line for line in asked.split("\n") if "？" in line][-1]
    assert question in resumed


def test_exit_and_restart_leave_the_questionnaire(citizen):
    citizen.say("评估")
    citizen.say("欠工资")
    assert "退出评估" in citizen.say("退出")
    assert "工资" in citizen.say("老板拖欠工资怎么办")


def test_offer_after_an_faq_answer_starts_with_the_topic_prefilled(citizen):
    answer = citizen.say("老板拖欠工资怎么办")
    assert "回复「1」" in answer
    first = citizen.say("1")
    assert "哪一类事情" not in first  # matter known from the FAQ answered


def test_detained_minor_is_mandatory_defence(citizen):
    citizen.say("评估")
    citizen.say("家人被抓了")
    reply = citizen.say("犯罪嫌疑人") if True else ""
    for answer in ["17", "17岁", "没有"]:
        if "符合" in reply or "指派" in reply or "必须" in reply:
            break
        reply = citizen.say(answer)
    assert "指派" in reply or "必须" in reply or "应当" in reply


def test_not_eligible_result_lists_what_else_helps(app, citizen, user_id):
    citizen.say("评估")
    reply = citizen.say("租房、押金")  # a lease is covered in no place the rules know: decided without asking the place
    assert "暂时不符合" in reply
    assert "12348" in reply and "调解" in reply
    with app.extensions["fayuan_db"].session() as s:
        record = s.scalars(select(EligibilityRecord).where(EligibilityRecord.user_id == user_id)).one()
        assert record.decision == "not_eligible"


def test_a_not_eligible_result_for_high_income(citizen):
    citizen.say("评估")
    citizen.say("被辞退")
    reply = citizen.say("吉林市")
    # Answered by what is asked, not by position (the order is intents/tables/procedure.yaml's).
    answers = (("下面这些情况", "0"), ("低保", "不是"), ("多大", "40"), ("残疾", "不是"), ("固定", "有"), ("几口人", "1"),
               ("收入", "30000"), ("农民工", "不是"), ("男", "男"), ("下岗", "不是"), ("失业", "不是"))
    for _ in range(12):
        if "法律援助条件" in reply:
            break
        reply = citizen.say(next(a for key, a in answers if key in reply))
    assert "暂时不符合" in reply and "劳动仲裁" in reply


def test_what_was_already_said_is_not_asked_again(citizen):
    citizen.say("我今年七十二了 在长春 儿子不给赡养费怎么办")
    first = citizen.say("评估")
    assert "哪一类事情" not in first and "在哪个市" not in first and "多大" not in first


def test_danger_gets_safety_first_even_inside_a_list_of_choices(citizen):
    citizen.say("工资")
    reply = citizen.say("他喝醉了拿刀说要杀了我")
    assert reply.index("110") < 80
