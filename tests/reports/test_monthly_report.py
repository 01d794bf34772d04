"""The report's figures checked against a fixture month of known conversations.

The conversations go through the real dialog (the same path as WeChat), then are dated
into October 2026; eligibility results, applications, decisions and appointments are
written as the questionnaire and the case console would. Every expected number below
was counted by hand from this fixture.
"""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, update

from reports.period import parse_month

CST = timezone(timedelta(hours=8))
MIGRANT = "《法律援助法》：农民工可以走绿色通道：优先受理、优先审查、优先指派。"

CONVERSATIONS = [  # (user, channel, CST time, messages)
    ("u1", "wechat", datetime(2026, 10, 3, 9), ["老板拖欠工资怎么办", "有用"]),
    ("u2", "wechat", datetime(2026, 10, 3, 20), ["工伤认定要准备什么材料", "没用"]),
    ("u3", "simulator", datetime(2026, 10, 10, 8), ["今天天气怎么样", "大盘还会跌吗"]),
    # a legal question no entry answers: its topic's general answer (issue 10), counted apart
    ("u4", "wechat", datetime(2026, 10, 15, 23, 30), ["物业费收的太高了能不交吗"]),
    ("u5", "wechat", datetime(2026, 10, 20, 10), ["我要投诉法援律师，他收了我的钱"]),
    ("u6", "wechat", datetime(2026, 11, 1, 0, 30), ["老板拖欠工资怎么办"]),   # November (CST): not in October
    ("u7", "wechat", datetime(2026, 9, 5, 10), ["老板拖欠工资怎么办"]),      # September: year to date only
]


def _utc(local: datetime) -> datetime:
    return local.replace(tzinfo=CST).astimezone(timezone.utc)


@pytest.fixture(scope="module")
def month_db(new_db_url):
    from bot import knowledge_service
    from bot.channel import handle
    from bot.conversation import ChatMessage, EligibilityRecord
    from bot.db import Database
    from bot.inbound import Inbound
    from handoff.models import Application, Appointment, CaseEvent
    from knowledge_base.models import ServiceFeedback, UnansweredQuestion

    url = new_db_url()
    db = Database(url)
    db.prepare()
    kb = knowledge_service(database_url=url)
    dated = (ChatMessage, UnansweredQuestion, ServiceFeedback)
    for user, channel, when, messages in CONVERSATIONS:
        with db.session() as s:
            before = {m: s.scalar(select(func.max(m.id))) or 0 for m in dated}
        for text in messages:
            handle(db, kb, Inbound(f"{channel}:{user}", channel, "text", text), lambda f: f"/faq/{f}")
        with db.session() as s:
            for m in dated:
                s.execute(update(m).where(m.id > before[m]).values(created_at=_utc(when)))
    with db.session() as s:
        for region, decision, priority, reasons, day in [
                ("石狮市", "eligible", True, [MIGRANT], 4), ("长春市", "not_eligible", False, [], 9),
                ("石狮市", "likely_eligible", False, [], 30), ("石狮市", "eligible", True, [MIGRANT], 31 + 2)]:
            when = _utc(datetime(2026, 10, 1, 12) + timedelta(days=day - 1))
            s.add(EligibilityRecord(user_id="x", region=region, decision=decision, priority=priority,
                                    result={"decision": decision, "reasons": reasons}, created_at=when))
        apps = [("FY-1", "石狮市", True, "accepted", datetime(2026, 10, 5, 9), datetime(2026, 10, 8, 9)),
                ("FY-2", "长春市", False, "rejected", datetime(2026, 10, 12, 9), datetime(2026, 10, 22, 9)),
                ("FY-3", "石狮市", False, "submitted", datetime(2026, 10, 28, 9), None)]
        for number, region, priority, status, submitted, decided in apps:
            a = Application(number=number, user_id="x", status=status, region=region, priority=priority,
                            submitted_at=_utc(submitted), decision_due_at=_utc(submitted + timedelta(days=7)))
            s.add(a)
            s.flush()
            if decided:
                s.add(CaseEvent(application_id=a.id, kind="status", from_status="under_review", to_status=status,
                                actor_label="staff", created_at=_utc(decided)))
        s.add(Appointment(user_id="x", office_id="shishi-center", starts_at=datetime(2026, 10, 9, 9),
                          status="booked", created_at=_utc(datetime(2026, 10, 6, 9))))
        s.add(Appointment(user_id="x", office_id="changchun-center", starts_at=datetime(2026, 10, 9, 9),
                          status="cancelled", created_at=_utc(datetime(2026, 10, 7, 9))))
    return db


def test_october_figures(month_db):
    from reports.stats import collect

    with month_db.session() as s:
        st = collect(s, parse_month("2026-10"))
    assert (st.answered, st.clarify, st.topic, st.unsure, st.offtopic) == (3, 0, 1, 0, 1)
    assert st.questions == 5 and st.legal_questions == 4 and st.answer_rate == 0.75
    assert dict(st.by_topic) == {"labor.wages": 1, "labor.injury": 1, "service.complaint": 1, "eligibility.scope": 1}
    assert dict(st.by_channel) == {"wechat": 4, "simulator": 1}
    assert (st.helpful, st.unhelpful) == (1, 1)
    assert st.complaints["complaint"] == 1
    days = {d.day: n for d, n in st.per_day.items()}
    assert days == {3: 2, 10: 1, 15: 1, 20: 1}  # 23:30 CST on the 15th stays on the 15th
    assert st.eligibility == 3 and dict(st.decisions) == {"eligible": 1, "not_eligible": 1, "likely_eligible": 1}
    assert st.eligibility_priority == 1 and st.priority_groups["migrant_worker"] == 1
    assert st.applications == 3 and st.application_priority == 1
    assert dict(st.application_decisions) == {"accepted": 1, "rejected": 1}
    assert sorted(st.decision_days) == [3.0, 10.0] and st.within_limit == 1 and st.overdue_open == 1
    assert st.appointments == 2 and dict(st.appointment_status) == {"booked": 1, "cancelled": 1}


def test_office_filter(month_db):
    from reports.stats import collect

    with month_db.session() as s:
        st = collect(s, parse_month("2026-10"), "shishi-center")
    assert st.questions == 5  # questions are not tied to an office
    assert st.eligibility == 2 and st.applications == 2 and st.appointments == 1
    assert sorted(st.decision_days) == [3.0]


def test_the_workbook_has_the_same_figures_and_the_year_to_date(month_db, tmp_path):
    from openpyxl import load_workbook

    from bot.cli import main

    import os
    os.environ["DATABASE_URL"] = month_db.url
    try:
        assert main(["report", "--month", "2026-10", "-o", str(tmp_path)]) == 0
    finally:
        del os.environ["DATABASE_URL"]
    wb = load_workbook(tmp_path / "fayuan-report-2026-10.xlsx")
    overview = {r[0]: (r[1], r[2]) for r in wb["概览"].iter_rows(min_row=2, values_only=True) if r and r[0]}
    assert overview["已解答"] == (3, 4)          # + September's question in the year to date
    assert overview["按主题作一般性解答（已记入待补充）"] == (1, 1)
    assert overview["未能解答（已记入待解答）"] == (0, 0)
    assert overview["资格自测次数"] == (3, 3)
    assert overview["在线提交申请"] == (3, 3)
    assert overview["7 日内作出决定"] == (1, 1)
    topics = {r[0]: (r[2], r[3]) for r in wb["按主题"].iter_rows(min_row=2, values_only=True)}
    assert topics["labor.wages"] == (1, 2)
    channels = {r[0]: (r[2], r[4]) for r in wb["按渠道"].iter_rows(min_row=2, values_only=True)}
    assert channels == {"wechat": (4, 5), "simulator": (1, 1)}
    decisions = {(r[0], r[1]): r[3] for r in wb["按决定"].iter_rows(min_row=2, values_only=True)}
    assert decisions[("自测", "eligible")] == 1 and decisions[("申请", "rejected")] == 1
    groups = {r[0]: r[2] for r in wb["按优先群体"].iter_rows(min_row=2, values_only=True)}
    assert groups["农民工"] == 1 and groups["普通（自测）"] == 2
    offices = {r[0]: r for r in wb["按机构"].iter_rows(min_row=2, values_only=True)}
    shishi = offices["石狮市法律援助中心"]
    assert (shishi[2], shishi[5], shishi[8]) == (2, 2, 1)


def test_month_parsing():
    from datetime import date

    from reports.period import MonthError

    p = parse_month("2026-10")
    assert (p.start, p.end, p.label) == (date(2026, 10, 1), date(2026, 10, 31), "2026-10")
    assert p.start_utc == datetime(2026, 9, 30, 16, tzinfo=timezone.utc)
    assert parse_month("last", today=date(2026, 11, 1)).label == "2026-10"
    assert parse_month("last", today=date(2027, 1, 2)).label == "2026-12"
    with pytest.raises(MonthError):
        parse_month("2026/10")


@pytest.mark.parametrize("region", ["石狮", "长春", "广东"])
def test_priority_groups_read_the_green_channel_reason_whatever_the_region(region):
    """The green-channel texts differ by place (issue 12: S-SS, S-JL, elsewhere the centre
    decides); the monthly statistics still count the migrant-worker trigger everywhere."""
    from intents.rules import decide
    from reports.stats import priority_groups

    result = decide({"matter": "labor.wages", "region": region, "migrant_worker": True, "special_status": [], "age": 70})
    assert priority_groups(result) == ["migrant_worker", "elderly"]
