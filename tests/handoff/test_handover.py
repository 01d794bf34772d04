"""人工 and the lawyer's view of the conversation.

Pure: one acknowledgement with the hours and whether someone is on duty now; hours and
address questions answered while a person holds the chat, the rest left to the person.
Console (real HTTP, SQLite and PostgreSQL): the lawyer of a case sees what the citizen
wrote after submitting — a plea not to be phoned reaches them — but not a complaint.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from handoff import handover
from handoff_helpers import login, make_case
from ground.clock import utcnow
from wechat_client import Citizen

WED_MORNING = datetime(2026, 12, 2, 10, 0)
WED_LUNCH = datetime(2026, 12, 2, 12, 30)
WED_NIGHT = datetime(2026, 12, 2, 20, 0)
FRI_NIGHT = datetime(2026, 12, 4, 19, 0)
HOURS = "周一至周五 08:00-12:00、14:30-17:30"


@pytest.mark.parametrize("now,duty,next_open", [
    (WED_MORNING, True, None), (WED_LUNCH, False, "今天 14:30"), (WED_NIGHT, False, "明天 08:00"),
    (FRI_NIGHT, False, "12月7日（周一） 08:00"),
])
def test_one_acknowledgement_with_hours_and_who_is_on_duty(now, duty, next_open):
    text = handover.acknowledgement(now)
    assert "已为您转人工" in text and HOURS in text and "110" in text
    assert ("现在是上班时间" in text) is duty
    if next_open:
        assert f"工作人员{next_open} 上班后回复您" in text and "12348" in text
    assert "已经为您转人工了" in handover.acknowledgement(now, already=True)


def test_a_holiday_is_not_a_working_day():
    assert handover.on_duty(WED_MORNING, handover.desk_hours())
    assert not handover.on_duty(WED_MORNING, handover.desk_hours(), frozenset({date(2026, 12, 2)}))
    at = handover.next_opening(WED_MORNING, handover.desk_hours(), frozenset({date(2026, 12, 2)}))
    assert at == datetime(2026, 12, 3, 8, 0)


def test_the_citizens_own_office_hours_are_used_when_the_place_is_known():
    assert "石狮市法律援助中心" in handover.answer_while_held("你们地址在哪", WED_NIGHT, "石狮市")
    assert "告诉我您在哪个市" in handover.answer_while_held("地址在哪", WED_NIGHT, None)


@pytest.mark.parametrize("text", ["现在有人在吗 什么时候上班", "在吗", "你们几点下班", "周六上班吗", "什么时候回复我",
                                  "办公时间是几点"])
def test_hours_questions_are_answered_while_held(text):
    reply = handover.answer_while_held(text, WED_NIGHT, "泉州市")
    assert reply is not None and "现在不是上班时间" in reply and "明天 08:00" in reply and HOURS in reply


@pytest.mark.parametrize("text", ["电话是多少", "你们在哪", "怎么走"])
def test_address_questions_are_answered_while_held(text):
    reply = handover.answer_while_held(text, WED_NIGHT, "泉州市")
    assert reply is not None and "泉州市法律援助中心" in reply and "地址" in reply


@pytest.mark.parametrize("text", ["我不想让律师打电话给我", "请不要给我打电话 我老公会听到", "我在工地上班",
                                  "老板欠了我三个月工资", "好的谢谢", "13812345678"])
def test_everything_else_is_left_to_the_person(text):
    assert handover.answer_while_held(text, WED_MORNING, "石狮市") is None


def test_the_lawyer_sees_what_was_written_after_submitting_but_not_a_complaint(app, client, user_id, accounts):
    from bot.conversation import ChatMessage
    from handoff.models import Application

    citizen = Citizen(client, user_id)
    citizen.say("老板拖欠工资怎么办")
    number = make_case(app, user_id)
    plea = "请律师不要给我打电话，我老公会听到，发短信就行"
    citizen.say(plea)
    db = app.extensions["fayuan_db"]
    with db.session() as s:
        later = utcnow() + timedelta(seconds=1)
        s.add(ChatMessage(user_id=user_id, direction="in", text="这个律师态度太差了我要投诉", created_at=later))
        s.add(ChatMessage(user_id=user_id, direction="out", text="投诉可以向司法局提出……", code="service.complaint",
                          faq_id="service-complaint-01", created_at=later))
        case = s.scalars(select(Application).where(Application.number == number)).one()
        case.lawyer_id = accounts["lawyer"][0]
    quiet = make_case(app, user_id + "q")  # a citizen who wrote nothing after submitting
    with db.session() as s:
        s.scalars(select(Application).where(Application.number == quiet)).one().lawyer_id = accounts["lawyer"][0]

    lawyer = app.test_client()
    login(lawyer, accounts["lawyer"][1])
    queue = lawyer.get("/console/").get_data(as_text=True)
    row = queue.split(f">{number}</a>", 1)[1].split("</tr>", 1)[0]
    assert "提交后有留言" in row  # flagged in the queue, before anyone opens the case
    assert "提交后有留言" not in queue.split(f">{quiet}</a>", 1)[1].split("</tr>", 1)[0]
    page = lawyer.get(f"/console/cases/{number}").get_data(as_text=True)
    box = page.split('id="after-submit"', 1)[1].split("</div>", 1)[0]
    assert plea in box  # the plea is put in front of the person who would call
    assert "老板拖欠工资怎么办" in page  # and the intake before it
    assert "以下是提交申请之后" in page
    assert "态度太差" not in page and "已转工作人员处理" in page

    staff = app.test_client()
    login(staff, accounts["staff"][1])
    staff_page = staff.get(f"/console/cases/{number}").get_data(as_text=True)
    assert "这个律师态度太差了我要投诉" in staff_page and plea in staff_page

    other = app.test_client()
    login(other, accounts["lawyer2"][1])
    assert other.get(f"/console/cases/{number}").status_code == 404


def test_through_the_webhook_hours_questions_are_answered_while_a_person_holds_the_chat(app, client, user_id):
    from handoff.models import Handover
    from handoff.slots import local_now

    citizen = Citizen(client, user_id)
    ack = citizen.say("人工")
    duty = handover.duty_line(local_now(utcnow()))
    assert "已为您转人工" in ack and duty in ack and HOURS in ack
    received = citizen.say("老板欠了我三万块钱一直不给")  # the matter is for the person: received, not answered
    assert "工作人员" in received and "仲裁" not in received
    answer = citizen.say("现在有人在吗 什么时候上班")
    assert answer is not None and HOURS in answer
    again = citizen.say("人工")
    assert "好的，已为您转人工" not in (again or "")  # one acknowledgement, not two
    with app.extensions["fayuan_db"].session() as s:
        open_ = s.scalars(select(Handover).where(Handover.user_id == user_id, Handover.status != "closed")).all()
        assert len(open_) == 1
