"""The queue marks urgent cases and puts them first after overdue ones, and notices the
same applicant on two cases (same ID number, phone or WeChat account)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from handoff_helpers import WAGES_FACTS, fresh_person, login, make_case


def test_urgency_reasons():
    from handoff.workflow import urgency

    assert urgency("submitted", {"urgent": ["deadline_within_7_days"]}, {}) == ["deadline_within_7_days"]
    assert urgency("assigned", {"urgent": []}, {"pre_aid": True}) == ["pre_aid"]
    assert urgency("under_review", {"matter": "criminal.defense"}, {"decision": "mandatory"}) == ["mandatory"]
    assert urgency("submitted", WAGES_FACTS, {"decision": "eligible", "pre_aid": False}) == []
    assert urgency("closed", {"urgent": ["deadline_within_7_days"]}, {"pre_aid": True}) == []  # nothing left to hurry


def test_sort_order_overdue_then_urgent_then_green_channel():
    from handoff.workflow import sort_key

    now = datetime(2026, 12, 2, 10, tzinfo=timezone.utc)
    due = now + timedelta(days=3)
    overdue = sort_key(False, now - timedelta(hours=1), now - timedelta(days=8), "submitted", now)
    urgent = sort_key(False, due, now - timedelta(days=4), "submitted", now, urgent=True)
    green = sort_key(True, now + timedelta(days=1), now - timedelta(days=6), "submitted", now)
    plain = sort_key(False, now + timedelta(days=1), now - timedelta(days=6), "submitted", now)
    assert sorted([plain, green, urgent, overdue]) == [overdue, urgent, green, plain]


def test_queue_marks_urgent_cases_first(app, client, accounts, user_id):
    ident, phone = fresh_person()
    green = make_case(app, user_id + "g", priority=True, name="绿色甲", id_number=ident, phone=phone)
    ident, phone = fresh_person()
    urgent = make_case(app, user_id + "u", priority=False, name="紧急乙", id_number=ident, phone=phone,
                       facts=dict(WAGES_FACTS, urgent=["deadline_within_7_days"]))
    login(client, accounts["staff"][1])
    html = client.get("/console/").get_data(as_text=True)
    rows = re.findall(r"<tr class=\"([^\"]*)\">\s*<td data-label=\"编号\"><a [^>]*>(FY-[\d-]+)</a>(.*?)</td>", html, re.S)
    marks = {number: (cls, cell) for cls, number, cell in rows}
    assert "urgent" in marks[urgent][0] and "紧急" in marks[urgent][1] and "期限不到7天" in marks[urgent][1]
    assert "紧急" not in marks[green][1]
    order = [number for _, number, _ in rows]
    assert order.index(urgent) < order.index(green)


def test_same_applicant_by_id_number_phone_or_account(app, client, accounts, user_id):
    from handoff import applicants
    from handoff.models import Application
    from sqlalchemy import select

    ident, phone = fresh_person()
    other_ident, other_phone = fresh_person()
    first = make_case(app, user_id, name="王五", id_number=ident, phone=phone)
    same_id = make_case(app, user_id + "2", name="王五", id_number=ident, phone=other_phone)   # new account, new phone
    same_phone = make_case(app, user_id + "3", name="王五", id_number=other_ident, phone=phone)
    stranger_id, stranger_phone = fresh_person()
    stranger = make_case(app, user_id + "4", name="赵六", id_number=stranger_id, phone=stranger_phone)

    with app.extensions["fayuan_db"].session() as s:
        cases = {a.number: a for a in s.scalars(select(Application).where(
            Application.number.in_((first, same_id, same_phone, stranger))))}
        found = applicants.other_cases(s, cases.values(), select(Application).where(Application.status != "draft"))
        others = {n: sorted(o.number for o in found[a.id]) for n, a in cases.items()}
    assert others[first] == sorted([same_id, same_phone])
    assert others[same_id] == [first]            # same ID number only
    assert others[same_phone] == [first]         # same phone only
    assert others[stranger] == []

    login(client, accounts["staff"][1])
    queue = client.get(f"/console/?q={first}").get_data(as_text=True)
    assert re.search(r"同一申请人另有 2 件", queue)
    assert f'href="/console/cases/{same_id}"' in queue and f'href="/console/cases/{same_phone}"' in queue
    page = client.get(f"/console/cases/{same_id}").get_data(as_text=True)
    assert "同一申请人另有 1 件" in page and f'href="/console/cases/{first}"' in page
    assert "同一申请人" not in client.get(f"/console/cases/{stranger}").get_data(as_text=True)
