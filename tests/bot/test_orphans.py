"""A message whose delivery died after a retry had already answered `success` (WeChat then
sends it no more) is still answered, through the outbox (bot/orphans.py). Both backends."""
from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app_factory import make_app
from bot import orphans
from bot.conversation import ChatMessage, ProcessedMessage
from handoff.models import Notification
from wechat_client import WeChat, text_xml

ROOT = Path(__file__).resolve().parents[2]
_ids = itertools.count(int(time.time() * 1000) + 39_000_000)
QUESTION = "老板拖欠了我三个月工资怎么办"


def _holder(db_url: str, key: str) -> subprocess.Popen:
    """Another worker process that claims the message and then hangs (until killed)."""
    proc = subprocess.Popen([sys.executable, "-c", f"""
import sys, time
sys.path.insert(0, {str(ROOT)!r})
from sqlalchemy import text
from bot.db import get_database
from bot.retry_claims import claim
db = get_database({db_url!r})
s = db.sessions()
assert claim(s, {key!r}).state == "owner"
pid = s.execute(text("SELECT pg_backend_pid()")).scalar() if db.engine.dialect.name == "postgresql" else 0
print(pid, flush=True)
time.sleep(120)
"""], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    return proc


def _kill(app, proc: subprocess.Popen, backend: int) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    if backend:  # PostgreSQL ends the dead client's transaction when it sees the socket close
        for _ in range(200):
            with app.extensions["fayuan_db"].engine.connect() as conn:
                if not conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"),
                                    {"p": backend}).scalar():
                    return
            time.sleep(0.05)


def _row(app, key: str) -> ProcessedMessage | None:
    with app.extensions["fayuan_db"].session() as s:
        return s.get(ProcessedMessage, key)


def _pushed(app, user_id: str) -> list[str]:
    with app.extensions["fayuan_db"].session() as s:
        return list(s.scalars(select(Notification.text).where(Notification.user_id == user_id,
                                                              Notification.kind == "chat_reply")))


def _said(app, user_id: str) -> int:
    with app.extensions["fayuan_db"].session() as s:
        return s.scalar(select(func.count()).select_from(ChatMessage).where(
            ChatMessage.user_id == user_id, ChatMessage.direction == "in"))


@pytest.fixture()
def busy_retry(new_db_url, user_id):
    """A retry met a live holder and answered `success`; yields (app, key, holder, backend).
    A database of its own: adopt() answers every orphan it finds."""
    db_url = new_db_url()
    app = make_app(db_url)
    msg_id = next(_ids)
    key = f"msg:{user_id}:{msg_id}"
    holder = _holder(db_url, key)
    try:
        backend = int(holder.stdout.readline())
        resp, _ = WeChat(app.test_client()).post(text_xml(user_id, QUESTION, msg_id))
        assert resp.get_data(as_text=True) == "success"
        yield app, key, holder, backend
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(timeout=30)


def test_the_message_is_kept_encrypted_with_the_busy_flag(busy_retry):
    app, key, _holder_proc, _backend = busy_retry
    row = _row(app, key)
    assert row is not None and not row.done and row.async_reply and row.inbound
    assert "工资" not in row.inbound  # not in clear at rest
    from ground.field_crypto import cipher
    assert orphans.decode(cipher().decrypt(row.inbound)).text == QUESTION


def test_when_the_holder_dies_the_orphan_is_answered_once_through_the_outbox(busy_retry, user_id):
    app, key, holder, backend = busy_retry
    _kill(app, holder, backend)
    assert _pushed(app, user_id) == [] and _said(app, user_id) == 0  # lost, until adopted
    with app.test_request_context("/wechat"):
        assert orphans.adopt(app, older_than=0) == 1
    pushed = _pushed(app, user_id)
    assert len(pushed) == 1 and "工资" in pushed[0]
    assert _said(app, user_id) == 1
    row = _row(app, key)
    assert row.done and row.inbound is None  # nothing of the message is left at rest
    with app.test_request_context("/wechat"):
        assert orphans.adopt(app, older_than=0) == 0  # answered once only
    assert len(_pushed(app, user_id)) == 1


def test_a_live_holder_is_left_alone(busy_retry, user_id):
    app, key, _holder_proc, _backend = busy_retry
    with app.test_request_context("/wechat"):
        assert orphans.adopt(app, older_than=0) == 0
    assert _pushed(app, user_id) == [] and _said(app, user_id) == 0
    assert _row(app, key).inbound  # still waiting for its holder


def test_a_recent_flag_is_not_an_orphan_yet(busy_retry, user_id):
    app, key, holder, backend = busy_retry
    _kill(app, holder, backend)
    with app.test_request_context("/wechat"):
        assert orphans.adopt(app) == 0  # younger than WeChat's retry window
    assert _row(app, key).inbound


def test_an_owner_that_finishes_clears_the_kept_message(db_url, user_id):
    from bot import retry_claims

    app = make_app(db_url)
    db = app.extensions["fayuan_db"]
    key = f"msg:{user_id}:{next(_ids)}"
    owner_session = db.sessions()
    try:
        assert retry_claims.claim(owner_session, key).state == "owner"
        resp, _ = WeChat(app.test_client()).post(text_xml(user_id, QUESTION, int(key.rsplit(":", 1)[1])))
        assert resp.get_data(as_text=True) == "success"
        assert _row(app, key).inbound
        assert retry_claims.finish(owner_session, key, "t", "答复", late=False) is True
        owner_session.commit()
    finally:
        owner_session.close()
    row = _row(app, key)
    assert row.done and row.inbound is None


def test_the_webhook_looks_for_orphans_after_answering(busy_retry, user_id, monkeypatch):
    app, key, holder, backend = busy_retry
    _kill(app, holder, backend)
    monkeypatch.setattr(orphans, "ORPHAN_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(orphans, "_last_scan", 0.0)
    wx = WeChat(app.test_client())
    resp, params = wx.post(text_xml(user_id + "x", "你好", next(_ids)))  # anyone's next message
    assert wx.reply_text(resp, params)
    resp.close()  # the server closes every response once sent (the test client when told to)
    pushed = _pushed(app, user_id)
    assert len(pushed) == 1 and "工资" in pushed[0]
    assert _row(app, key).done
