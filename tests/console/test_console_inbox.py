"""The 人工 inbox: who waits since when, a masked preview of the last message, and the
count on the navigation badge."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from handoff_helpers import login

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_waiting_since_follows_who_spoke_last():
    from handoff.inbox import waiting_since

    assert waiting_since("waiting", T0, []) == T0                                     # nobody took it yet
    assert waiting_since("waiting", T0, [("in", "text", at(1))]) == T0
    answered = [("in", "text", at(1)), ("out", "staff", at(5))]
    assert waiting_since("active", T0, answered) is None                              # staff answered last
    again = answered + [("in", "text", at(9)), ("in", "text", at(11))]
    assert waiting_since("active", T0, again) == at(9)                                # from the first unanswered one
    assert waiting_since("active", T0, again + [("out", "text", at(12))]) == at(9)   # a bot line is no answer


def test_wait_text():
    from handoff.inbox import wait_text

    assert wait_text(T0, at(12)) == "等了 12 分钟"
    assert wait_text(T0, at(135)) == "等了 2 小时 15 分钟"
    assert wait_text(T0, at(3 * 24 * 60 + 5)) == "等了 3 天"
    assert wait_text(None, at(5)) == "已回复"


def test_inbox_lists_preview_masked_and_badge_counts_waiting(app, client, accounts, user_id):
    from bot.conversation import ChatMessage
    from handoff import inbox
    from handoff.models import Handover
    from ground.clock import utcnow

    now = utcnow()
    with app.extensions["fayuan_db"].session() as s:
        h = Handover(user_id=user_id, status="waiting", opened_at=now - timedelta(minutes=7, seconds=10))
        s.add(h)
        s.add(ChatMessage(user_id=user_id, direction="in", text="电话13812345678，链接 https://x.cn/h5/apply/abc 打不开",
                          created_at=now - timedelta(minutes=7)))
        s.flush()
        hid = h.id
    with app.extensions["fayuan_db"].session() as s:
        waiting = inbox.waiting_count(s)
    login(client, accounts["staff"][1])
    page = client.get("/console/handovers").get_data(as_text=True)
    assert re.search(rf'id="inbox-badge"[^>]*>{waiting}<', page)
    item = page[page.index(f"/console/handovers/{hid}"):]
    item = item[:item.index("</li>")]
    assert "138****5678" in item and "13812345678" not in item
    assert "［本人专用链接，已隐藏］" in item and "/h5/apply/abc" not in item
    assert "等了 7 分钟" in item

    lawyer = app.test_client()
    login(lawyer, accounts["lawyer"][1])
    assert "inbox-badge" not in lawyer.get("/console/").get_data(as_text=True)  # lawyers have no inbox


def test_inbox_names_the_applications_of_the_citizen_in_each_chat(app, client, accounts, user_id):
    from handoff.models import Handover
    from handoff_helpers import make_case

    number = make_case(app, user_id)
    with app.extensions["fayuan_db"].session() as s:
        s.add(Handover(user_id=user_id, status="waiting"))
        s.flush()
        hid = s.query(Handover.id).filter(Handover.user_id == user_id).scalar()
    login(client, accounts["staff"][1])
    page = client.get("/console/handovers").get_data(as_text=True)
    item = page[page.index(f"/console/handovers/{hid}"):]
    item = item[:item.index("</li>")]
    assert f"申请 {number}" in item
    others = [chunk for chunk in page.split("<li")[1:] if f"/console/handovers/{hid}\"" not in chunk]
    assert all(number not in chunk for chunk in others)  # no other chat is labelled with this case
