"""The outbox on SQLite and PostgreSQL, against a local fake of WeChat's API: a silent API
times out without holding a row lock, repeated failures become dead letters staff can
see and requeue, a sender that died mid-delivery is taken over (at-least-once), and
simulator users get their notices in the simulator's inbox."""
from __future__ import annotations

import logging
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from fake_wechat_api import FakeWeChatAPI
from handoff_helpers import csrf_token, login


@pytest.fixture()
def api():
    with FakeWeChatAPI() as fake:
        yield fake


@pytest.fixture()
def cfg(api):
    from handoff.notify import SendConfig

    return SendConfig(appid="wx1234567890abcdef", secret="fake-secret", template_id="tpl-status",
                      api_base_url=api.base_url, timeout=(1.0, 1.0))


@pytest.fixture()
def db(app):
    return app.extensions["fayuan_db"]


def recent_contact(channel: str = "wechat"):
    """Stand-in for the conversation store's lookup: a citizen who wrote a minute ago."""
    from ground.clock import utcnow

    return lambda _session, _user: (channel, utcnow() - timedelta(minutes=1))


def queue(db, user_id: str, body: str, kind: str = "status") -> int:
    from handoff.notify import enqueue

    with db.session() as s:
        row = enqueue(s, user_id, kind, body, title="进度")
        s.flush()
        return row.id


def row_of(db, nid: int):
    from handoff.models import Notification

    with db.session() as s:
        return s.get(Notification, nid)


def test_a_silent_api_times_out_and_holds_no_row_lock_while_waiting(db, api, cfg, user_id):
    from handoff.models import Notification
    from handoff.notify import send_pending

    nid = queue(db, user_id, "您的申请已受理。")
    api.slow_users[user_id] = 3.0  # longer than the 1-second read timeout
    touched = {}

    def touch_during_the_call():
        assert api.stalled.wait(10)
        with db.session() as s:  # another transaction locks and changes the row while the call hangs
            q = select(Notification).where(Notification.id == nid)
            if s.bind.dialect.name == "postgresql":
                s.execute(text("SET LOCAL lock_timeout = '500ms'"))
                q = q.with_for_update(nowait=True)
            s.scalars(q).one().title = "进度（已核对）"
        touched["ok"] = True

    other = threading.Thread(target=touch_during_the_call)
    other.start()
    counts = send_pending(db.session, cfg, recent_contact())
    other.join(10)
    assert touched == {"ok": True}
    assert counts["failed"] == 1 and counts["sent"] == 0
    row = row_of(db, nid)
    assert row.status == "failed" and "Timeout" in row.last_error and row.title == "进度（已核对）"
    assert api.texts_to(user_id) == []


def test_repeated_failures_become_a_dead_letter_staff_see_and_requeue(app, db, api, cfg, user_id, accounts,
                                                                      caplog):
    from handoff.notify import MAX_ATTEMPTS, send_pending
    from ground.clock import utcnow

    nid = queue(db, user_id, "您的申请已转交律师。")
    api.fail_users[user_id] = 45009
    now = utcnow()
    with caplog.at_level(logging.ERROR, logger="handoff.notify"):
        for attempt in range(MAX_ATTEMPTS):
            send_pending(db.session, cfg, recent_contact(), now=now + timedelta(days=attempt))
    row = row_of(db, nid)
    assert (row.status, row.attempts) == ("dead", MAX_ATTEMPTS)
    assert any(r.levelno == logging.ERROR and f"notification {nid} is dead" in r.getMessage() for r in caplog.records)

    staff = app.test_client()
    login(staff, accounts["staff"][1])
    home = staff.get("/console/").get_data(as_text=True)
    assert re.search(r'id="outbox-banner">有 \d+ 条通知没能发给申请人', home)
    listing = staff.get("/console/outbox/").get_data(as_text=True)
    assert f'value="{nid}"' in listing and "errcode=45009" in listing

    lawyer = app.test_client()
    login(lawyer, accounts["lawyer"][1])
    assert lawyer.get("/console/outbox/").status_code == 403
    lawyer_token = csrf_token(lawyer.get("/console/").get_data(as_text=True))
    assert lawyer.post("/console/outbox/requeue", data={"id": str(nid), "csrf_token": lawyer_token}).status_code == 403
    assert app.test_client().post("/console/outbox/requeue", data={"id": str(nid)}).status_code in (400, 401)
    assert staff.post("/console/outbox/requeue", data={"id": str(nid)}).status_code == 400  # no CSRF token
    assert row_of(db, nid).status == "dead"

    done = staff.post("/console/outbox/requeue", data={"id": str(nid), "csrf_token": csrf_token(listing)},
                      follow_redirects=True).get_data(as_text=True)
    assert "已重新排队 1 条通知" in done
    assert (row_of(db, nid).status, row_of(db, nid).attempts) == ("pending", 0)
    del api.fail_users[user_id]
    send_pending(db.session, cfg, recent_contact())
    assert row_of(db, nid).status == "sent" and api.texts_to(user_id) == ["您的申请已转交律师。"]


def test_a_sender_that_died_mid_delivery_is_taken_over_when_its_lease_ends(db, api, cfg, user_id):
    from handoff.models import Notification
    from handoff.notify import LEASE, claim_due, send_pending
    from ground.clock import utcnow

    nid = queue(db, user_id, "预约提醒：明天上午9点。", kind="reminder")
    with db.session() as s:  # a sender claims the row, then is killed before recording anything
        assert (nid, 1) in claim_due(s, utcnow(), 100)
    assert row_of(db, nid).status == "sending"
    send_pending(db.session, cfg, recent_contact())  # its lease still runs: nobody else sends it
    assert api.texts_to(user_id) == []
    send_pending(db.session, cfg, recent_contact(), now=utcnow() + LEASE + timedelta(seconds=1))
    row = row_of(db, nid)
    assert (row.status, row.attempts, row.sent_via) == ("sent", 2, "custom")
    assert api.texts_to(user_id) == ["预约提醒：明天上午9点。"]
    with db.session() as s:
        assert s.scalars(select(Notification.status).where(Notification.id == nid)).one() == "sent"


def test_two_senders_never_claim_the_same_row(db, user_id):
    from handoff.notify import claim_due
    from ground.clock import utcnow

    ids = {queue(db, user_id, f"通知{i}") for i in range(4)}
    first = db.sessions()
    try:
        mine = {nid for nid, _ in claim_due(first, utcnow(), 2)}  # not committed yet: rows still locked on PG
        if first.bind.dialect.name == "sqlite":
            first.commit()  # SQLite serialises writers; the second claim runs after this one
        with db.session() as second:
            theirs = {nid for nid, _ in claim_due(second, utcnow(), 100) if nid in ids}
        first.commit()
    finally:
        first.close()
    assert len(mine & ids) == 2 and mine & theirs == set() and (mine | theirs) >= ids


def test_simulator_users_get_their_notices_in_the_simulator_inbox_without_credentials(db, user_id):
    from handoff.notify import SendConfig, send_pending

    sim = queue(db, f"sim:{user_id}", "工作人员回复：请带上工资条。", kind="staff_reply")
    wechat = queue(db, user_id, "您的申请已受理。")
    no_credentials = SendConfig(appid="", secret="")
    channels = {f"sim:{user_id}": "simulator", user_id: "wechat"}
    counts = send_pending(db.session, no_credentials, lambda _s, u: (channels.get(u, "wechat"), None))
    assert counts["simulator"] >= 1
    assert (row_of(db, sim).status, row_of(db, sim).sent_via) == ("sent", "simulator")
    waiting = row_of(db, wechat)  # a real WeChat citizen's notice waits for credentials, nothing counted
    assert (waiting.status, waiting.attempts) == ("pending", 0) and "WECHAT_APPID" in waiting.last_error


def test_the_handover_page_says_queued_until_the_reply_is_really_sent(app, db, api, cfg, user_id, accounts):
    from handoff.models import Handover
    from handoff.notify import send_pending

    with db.session() as s:
        h = Handover(user_id=user_id, status="waiting")
        s.add(h)
        s.flush()
        hid = h.id
    staff = app.test_client()
    login(staff, accounts["staff"][1])
    page = staff.get(f"/console/handovers/{hid}").get_data(as_text=True)
    after = staff.post(f"/console/handovers/{hid}/reply", data={"text": "您好，请问欠了多少钱？",
                                                                "csrf_token": csrf_token(page)},
                       follow_redirects=True).get_data(as_text=True)
    assert re.search(r'工作人员 · <span class="delivery">排队中</span>', after)
    assert "delivery\">已发送" not in after
    send_pending(db.session, cfg, recent_contact(), limit=10_000)
    sent = staff.get(f"/console/handovers/{hid}").get_data(as_text=True)
    assert re.search(r'工作人员 · <span class="delivery">已发送</span>', sent)
    assert api.texts_to(user_id) == ["您好，请问欠了多少钱？"]


def test_every_sender_round_and_process_shares_one_access_token(db, api, cfg, user_id):
    from handoff.notify import send_pending
    from handoff.wechat_token import WeChatAccessToken, shared_token

    with db.session() as s:  # other tests' token for this appid: start from none
        s.query(WeChatAccessToken).delete()
    for i in range(3):  # three rounds, each with a fresh client, as a looping sender makes them
        queue(db, user_id, f"第{i + 1}条通知")
        send_pending(db.session, cfg, recent_contact(), limit=10_000)
    assert api.texts_to(user_id) == ["第1条通知", "第2条通知", "第3条通知"]
    assert api.token_fetches == 1

    fetched = []

    def slow_fetch():
        fetched.append(1)
        threading.Event().wait(0.5)  # hold the row lock while "WeChat" answers
        return "token-after-expiry", 7200

    later = utcnow_plus(hours=3)  # the stored token has expired for everyone
    got = []
    threads = [threading.Thread(target=lambda: got.append(shared_token(db.session, cfg.appid, slow_fetch, now=later)))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert got == ["token-after-expiry"] * 4 and len(fetched) == 1  # one refresher; the others read its token


def utcnow_plus(**delta):
    from ground.clock import utcnow

    return utcnow() + timedelta(**delta)


def test_every_notice_status_has_a_word_for_staff():
    from handoff.notify import STATUS_LABELS, STATUSES, WAITING, status_label

    assert set(STATUS_LABELS) == set(STATUSES) and set(WAITING) <= set(STATUSES)
    assert {status_label(s) for s in WAITING} == {"排队中"}
    assert (status_label("sent"), status_label("dead")) == ("已发送", "发送失败")
