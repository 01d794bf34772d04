"""Booking by meaning, through the real webhook on SQLite and PostgreSQL: the office from
the place, dates and times as people say them, refusals with the opening hours and the
nearest free slots, consent, name and a validated phone, the confirmation with the
materials — and questions in the middle handed back to the dialog while the form waits.
The office's far-away and nearby cases run on the same database through chatflow."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from handoff.models import Appointment
from handoff.slots import local_now
from ground.clock import utcnow
from wechat_client import Citizen

QUANZHOU = "泉州市法律援助中心"


@pytest.fixture()
def citizen(client, user_id):
    return Citizen(client, user_id)


def _open_weekday(min_ahead: int = 2) -> date:
    """A Monday–Friday within the booking window (holidays are switched off in these tests)."""
    today = local_now(utcnow()).date()
    return next(today + timedelta(days=n) for n in range(min_ahead, 8) if (today + timedelta(days=n)).weekday() < 5)


def _weekend_day() -> date:
    today = local_now(utcnow()).date()
    return next(today + timedelta(days=n) for n in range(1, 8) if (today + timedelta(days=n)).weekday() == 6)


def _said(d: date) -> str:
    return f"{d.month}月{d.day}号"


def _appointments(app, user_id: str) -> list[Appointment]:
    with app.extensions["fayuan_db"].session() as s:
        rows = list(s.scalars(select(Appointment).where(Appointment.user_id == user_id)))
        s.expunge_all()
        return rows


def _flow(app, user_id: str) -> dict:
    from bot.conversation import Conversation

    with app.extensions["fayuan_db"].session() as s:
        conv = s.get(Conversation, user_id)
        return dict((conv.state or {}).get("flow") or {})


def test_a_date_and_time_typed_in_words_books_the_slot(app, citizen, user_id):
    offices = citizen.say("预约")
    assert "哪个市" in offices  # no place known yet: asked, with the list
    days = citizen.say("泉州")
    assert f"给您约在{QUANZHOU}" in days and "开放时间" in days and "周一至周五" in days
    day = _open_weekday()
    consent = citizen.say(f"{_said(day)}上午十点半")
    assert "姓名和手机号" in consent and "10:30" in consent
    assert _flow(app, user_id)["step"] == "consent"
    assert "姓名" in citizen.say("同意")
    ask_phone = citizen.say("我叫王秀英")
    assert "王秀英" in ask_phone and "手机号" in ask_phone
    bad = citizen.say("1381234567")
    assert "11 位数字" in bad and _flow(app, user_id)["step"] == "field:phone"
    confirm = citizen.say("138 1234 5678")
    assert "请确认预约" in confirm and "138****5678" in confirm and "13812345678" not in confirm
    assert f"{day.month}月{day.day}日" in confirm and "10:30" in confirm
    done = citizen.say("确认")
    assert "预约成功" in done and "地址" in done and "身份证" in done and "10:30" in done
    [appt] = _appointments(app, user_id)
    assert appt.office_id == "quanzhou-center" and appt.starts_at.date() == day
    assert (appt.starts_at.hour, appt.starts_at.minute) == (10, 30)
    assert (appt.contact_name, appt.contact_phone, appt.status) == ("王秀英", "13812345678", "booked")


def test_a_day_and_part_of_day_lists_that_mornings_slots(app, citizen, user_id):
    citizen.say("预约")
    citizen.say("泉州")
    day = _open_weekday(3)
    times = citizen.say(f"{_said(day)}下午")
    flow = _flow(app, user_id)
    assert flow["step"] == "time" and flow["times"]
    assert all(t.startswith(day.isoformat()) and int(t[11:13]) >= 12 for t in flow["times"])
    assert "14:30" in times and "09:00" not in times
    assert "姓名和手机号" in citizen.say("1")


def test_closed_day_past_and_out_of_hours_are_refused_with_hours_and_nearest_slots(app, citizen, user_id):
    citizen.say("预约")
    citizen.say("泉州")
    sunday = _weekend_day()
    closed = citizen.say(f"{_said(sunday)}上午")
    assert "不上班" in closed and "开放时间" in closed and "离您说的时间最近" in closed
    assert _flow(app, user_id)["step"] == "time" and len(_flow(app, user_id)["times"]) == 3
    past = citizen.say("昨天上午")
    assert "已经过去了" in past and "开放时间" in past
    late = citizen.say(f"{_said(_open_weekday())}晚上8点")
    assert "不在办公时间内" in late and "周一至周五 08:00-12:00、14:30-17:30" in late
    nearest = _flow(app, user_id)["times"]
    assert [t[11:16] for t in nearest] == ["16:00", "16:30", "17:00"]  # the latest of that day, nearest to 8 pm
    assert all(t.startswith(_open_weekday().isoformat()) for t in nearest)
    consent = citizen.say("2")  # the nearest free slot, picked by number
    assert "姓名和手机号" in consent
    assert _flow(app, user_id)["chosen"] == nearest[1]
    assert _appointments(app, user_id) == []


def test_a_question_in_the_middle_is_not_met_with_pick_a_number(app, citizen, user_id):
    citizen.say("预约")
    citizen.say("泉州")
    before = _flow(app, user_id)
    answer = citizen.say("要带什么材料")
    assert "请回复上面列出的数字" not in answer
    assert "身份证" in answer and answer.endswith("（预约还没完成：回复数字选日期，或直接说想哪天。）")
    assert _flow(app, user_id)["step"] == before["step"] == "day"  # the form waits
    times = citizen.say("1")
    assert _flow(app, user_id)["step"] == "time" and ":" in times
    wrong = citizen.say("30")
    assert "1 到" in wrong  # a number that is not an option says which are


def test_refusing_consent_leaves_a_way_to_book(app, citizen, user_id):
    citizen.say("预约")
    citizen.say("泉州")
    citizen.say(f"{_said(_open_weekday())}下午3点")
    declined = citizen.say("不同意")
    assert "12348" in declined and "窗口" in declined
    assert _flow(app, user_id) == {} and _appointments(app, user_id) == []


def test_far_from_every_office_gets_12348_and_a_way_out(app, citizen, user_id):
    citizen.say("预约")
    far = citizen.say("我在安徽合肥")
    assert "我们这里没有您那里" in far and "12348" in far and "当地" in far and "石狮、泉州、吉林、长春" in far
    assert _flow(app, user_id) == {}  # nothing left pending: the next message is the dialog's


def test_a_centre_is_proposed_with_the_workstation_as_another_option(app, citizen, user_id):
    citizen.say("预约")
    days = citizen.say("石狮")
    assert "给您约在石狮市法律援助中心" in days and "回复「换地方」" in days and _flow(app, user_id)["step"] == "day"
    listed = citizen.say("换地方")
    assert "石狮市法律援助中心（石狮市）" in listed and _flow(app, user_id)["step"] == "office"
    assert len(_flow(app, user_id)["offices"]) == 2


def _ctx(session, user_id):
    from handoff.chatflow import FlowContext

    return FlowContext(session, user_id)


@pytest.mark.parametrize("region,expected", [
    ("晋江市", "晋江市我们没有可以预约的中心，离您近的是泉州市的泉州市法律援助中心"),
    ("泉州市", f"给您约在{QUANZHOU}"),
    ("合肥市", "我们这里没有您那里（合肥市）的法律援助中心"),
    ("石狮市", "给您约在石狮市法律援助中心"),
    ("吉林省", "请选择去哪个法律援助机构"),  # a whole province: the citizen picks the city
])
def test_the_office_comes_from_the_case_file(app, user_id, region, expected):
    from handoff import chatflow

    with app.extensions["fayuan_db"].session() as s:
        state = {"case": {"region": region}}
        reply = chatflow.start_book(_ctx(s, user_id), state)
        assert expected in reply
        expected_step = {"合肥市": None, "吉林省": "office"}.get(region, "day")
        assert state.get("flow", {}).get("step") == expected_step


def test_a_wish_said_with_the_booking_request_is_kept(app, user_id):
    from handoff import chatflow

    day = _open_weekday()
    with app.extensions["fayuan_db"].session() as s:
        state = {"case": {"region": "泉州市"}}
        reply = chatflow.start_book(_ctx(s, user_id), state, wish=f"{_said(day)}下午能去吗")
        assert state["flow"]["step"] == "time" and "14:30" in reply and "09:00" not in reply
        assert all(t.startswith(day.isoformat()) for t in state["flow"]["times"])
        assert chatflow.book_resume_hint(state) == "（预约还没完成：回复数字选时间，或直接说几点。）"
        hours = chatflow.continue_flow(_ctx(s, user_id), state, "你们中午休息吗")
        assert "周一至周五 08:00-12:00、14:30-17:30" in hours and hours.endswith("或直接说几点。）")
        assert chatflow.continue_flow(_ctx(s, user_id), state, "离婚了孩子归谁") is None  # not the form's
        assert state["flow"]["step"] == "time"


def test_a_long_materials_list_keeps_the_confirmation_to_one_short_bubble(app, user_id):
    from handoff import chatflow
    from handoff.applications import Eligibility
    from handoff.chatflow import FlowContext

    items = [f"第{i}样材料：和这件事有关的证明文件" for i in range(1, 11)]
    elig = Eligibility(None, {"region": "泉州市"}, {"decision": "eligible", "priority": False, "materials": items})
    day = _open_weekday(4)
    with app.extensions["fayuan_db"].session() as s:
        ctx = FlowContext(s, user_id, eligibility=lambda: elig)
        state: dict = {}
        assert "姓名和手机号" in chatflow.start_book(ctx, state, text=f"{_said(day)}上午十一点")
        for said in ("同意", "林小红", "13959871234"):
            chatflow.continue_flow(ctx, state, said)
        done = chatflow.continue_flow(ctx, state, "确认")
        assert "预约成功" in done and len(done) <= 300
        assert items[0] in done and items[-1] not in done and "还有" in done and "工作人员会一次告诉您全部" in done
        assert "flow" not in state
        row = s.scalars(select(Appointment).where(Appointment.user_id == user_id)).one()
        assert (row.contact_name, row.starts_at.hour) == ("林小红", 11)


def test_the_earliest_will_do(app, citizen, user_id):
    citizen.say("预约")
    citizen.say("泉州")
    first_day = _flow(app, user_id)["days"][0]
    consent = citizen.say("越快越好")
    chosen = _flow(app, user_id)["chosen"]
    assert "姓名和手机号" in consent and chosen.startswith(first_day)


def test_every_step_of_the_form_is_reached_and_has_a_resume_line(app, user_id):
    from handoff import bookflow, chatflow

    visited = []
    with app.extensions["fayuan_db"].session() as s:
        ctx = _ctx(s, user_id)
        state: dict = {}
        chatflow.start_book(ctx, state)
        visited.append(state["flow"]["step"])
        for said in ("泉州", "1", "1", "同意", "王秀英", "13812345678"):
            chatflow.continue_flow(ctx, state, said)
            visited.append(state["flow"]["step"])
    assert visited == list(bookflow.STEPS)
    for step in bookflow.STEPS:
        assert bookflow.resume_hint({"flow": {"name": "book", "step": step}}).startswith("（预约还没完成")


def test_same_day_is_for_the_green_channel_and_a_time_can_be_changed_at_consent(app, user_id, monkeypatch):
    from datetime import datetime, timezone

    from handoff import chatflow

    wednesday_10am = datetime(2026, 12, 9, 2, 0, tzinfo=timezone.utc)  # 10:00 in China
    for module in ("handoff.bookflow", "handoff.appointments"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: wednesday_10am)
    with app.extensions["fayuan_db"].session() as s:
        ctx, state = _ctx(s, user_id), {"case": {"region": "泉州市"}}
        chatflow.start_book(ctx, state)
        today = chatflow.continue_flow(ctx, state, "今天下午")
        assert "当天的号只留给" in today and state["flow"]["step"] == "time"
        assert all(not t.startswith("2026-12-09") for t in state["flow"]["times"])
        chatflow.continue_flow(ctx, state, "1")
        assert state["flow"]["step"] == "consent"
        again = chatflow.continue_flow(ctx, state, "改成12月11号下午三点")
        assert "15:00" in again and state["flow"]["chosen"] == "2026-12-11T15:00:00"
        green = {"case": {"region": "泉州市", "migrant_worker": True}}  # the case file says green channel
        chatflow.start_book(ctx, green)
        assert "姓名和手机号" in chatflow.continue_flow(ctx, green, "今天下午三点")
        assert green["flow"]["chosen"] == "2026-12-09T15:00:00"
