"""What one WeChat message costs the database, and the webhook's behaviour when the
database is down or its pooled connections went stale (issue 11). No timings: counts,
rows and answers."""
from __future__ import annotations

import itertools
import time

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.orm import sessionmaker

from app_factory import make_app
from bot.conversation import ChatMessage, Conversation
from wechat_client import WeChat, event_xml, text_xml

_ids = itertools.count(int(time.time() * 1000) + 19_000_000)
QUESTIONS = ("老板拖欠工资怎么办", "被公司辞退了没有补偿怎么办", "邻居家的狗把我咬了找谁赔")


def next_id() -> int:
    return next(_ids)


def _transcript(app, user_id: str) -> list[tuple[str, str]]:
    with app.extensions["fayuan_db"].session() as s:
        return [(r.direction, r.text) for r in s.execute(
            select(ChatMessage.direction, ChatMessage.text).where(ChatMessage.user_id == user_id)
            .order_by(ChatMessage.id))]


class _Counter:
    """Transactions and SQL statements the app's engine runs while active."""

    def __init__(self, engine) -> None:
        self.engine, self.statements, self.begins = engine, [], 0

    def _stmt(self, _conn, _cursor, statement, *_a) -> None:
        self.statements.append(statement)

    def _begin(self, _conn) -> None:
        self.begins += 1

    def __enter__(self) -> "_Counter":
        event.listen(self.engine, "before_cursor_execute", self._stmt)
        event.listen(self.engine, "begin", self._begin)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._stmt)
        event.remove(self.engine, "begin", self._begin)


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_text_message_is_one_transaction_with_one_transcript_insert_and_no_orm_reads(client, user_id, question):
    app = client.application
    wx = WeChat(client)
    # Once per process and published version (not counted): the index, the entries answered.
    wx.reply_text(*wx.post(text_xml(user_id + "w", question, next_id())))
    wx.reply_text(*wx.post(text_xml(user_id, "你好", next_id())))  # the conversation row exists
    with _Counter(app.extensions["fayuan_db"].engine) as seen:
        reply = wx.reply_text(*wx.post(text_xml(user_id, question, next_id())))
    assert reply
    assert seen.begins == 1
    inserts = [s for s in seen.statements if s.startswith("INSERT INTO chat_message")]
    assert len(inserts) == 1  # both lines, the question and the reply, in one statement
    # the conversation is read by primary key with plain SQL, not loaded as an ORM object
    assert not [s for s in seen.statements if "conversation.user_id AS conversation_user_id" in s]
    # SQLite: nonce check, claim (with the KB version), conversation, then at the end nonce,
    # conversation, transcript, finish. PostgreSQL records the nonce first instead of checking it.
    limit = 6 if app.extensions["fayuan_db"].engine.dialect.name == "postgresql" else 7
    assert len(seen.statements) <= limit, seen.statements
    assert not [s for s in seen.statements if "FROM kb_state" in s and not s.startswith(("SELECT pm.", "SELECT pg_"))]
    assert _transcript(app, user_id)[-2:] == [("in", question), ("out", reply)]


def test_a_new_citizens_first_message_creates_the_conversation_and_its_transcript(client, user_id):
    wx = WeChat(client)
    reply = wx.reply_text(*wx.post(text_xml(user_id, QUESTIONS[1], next_id())))
    with client.application.extensions["fayuan_db"].session() as s:
        conv = s.get(Conversation, user_id)
        assert conv is not None and conv.channel == "wechat" and conv.last_inbound_at is not None
        assert conv.state.get("last_route")
    assert _transcript(client.application, user_id) == [("in", QUESTIONS[1]), ("out", reply)]


def test_transcript_lines_of_a_rolled_back_transaction_are_never_written(app, user_id):
    from bot.conversation import record_message

    db = app.extensions["fayuan_db"]
    with pytest.raises(RuntimeError):
        with db.session() as s:
            record_message(s, user_id, "in", "写了一半")
            raise RuntimeError("the dialog failed")
    with db.session() as s:  # a later transaction of the same pool commits only its own lines
        record_message(s, user_id, "in", "第二次")
    assert _transcript(app, user_id) == [("in", "第二次")]


# ------------------------------------------------------------------ the database is down

@pytest.fixture()
def database_down(db_url, monkeypatch):
    """The app's database cannot be reached: every connection attempt fails."""
    app = make_app(db_url, WECHAT_ANSWER_WITHIN_SECONDS=0.0)
    db = app.extensions["fayuan_db"]
    dead = create_engine("sqlite:////nonexistent-fayuan-dir/down.sqlite" if db_url.startswith("sqlite")
                         else "postgresql+psycopg://nobody@127.0.0.1:1/down?connect_timeout=2")
    monkeypatch.setattr(db, "engine", dead)
    monkeypatch.setattr(db, "sessions", sessionmaker(dead))
    yield app
    dead.dispose()


@pytest.mark.parametrize("event_name", ["TEMPLATESENDJOBFINISH", "VIEW", "LOCATION", "MASSSENDJOBFINISH",
                                        "some_new_event"])
def test_ignored_events_get_success_while_the_database_is_down(database_down, user_id, event_name):
    resp, _ = WeChat(database_down.test_client()).post(event_xml(user_id, event_name, "k1"))
    assert resp.status_code == 200 and resp.get_data(as_text=True) == "success"


def test_messages_and_menu_taps_still_get_503_while_the_database_is_down(database_down, user_id):
    wx = WeChat(database_down.test_client())
    assert wx.post(text_xml(user_id, QUESTIONS[0], next_id()))[0].status_code == 503
    assert wx.post(event_xml(user_id, "CLICK", "FAQ_WAGES"))[0].status_code == 503


# ------------------------------------------------------------------ stale pooled connections (PostgreSQL)

def _pg_only(app) -> None:
    if app.extensions["fayuan_db"].engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server connection to lose")


def _one_stale_pooled_connection(app, db_url: str) -> None:
    """The pool holds exactly one connection, and the server has dropped it (as after a restart)."""
    db = app.extensions["fayuan_db"]
    db.engine.dispose()
    with db.engine.connect() as conn:
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    killer = create_engine(db_url)
    try:
        with killer.connect() as k:
            assert k.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    finally:
        killer.dispose()


def test_the_webhook_does_not_ping_its_connections_and_the_console_does(app, user_id, monkeypatch):
    _pg_only(app)
    db = app.extensions["fayuan_db"]
    pings: list[int] = []
    real = db.engine.dialect.do_ping
    monkeypatch.setattr(db.engine.dialect, "do_ping", lambda c: pings.append(1) or real(c))
    wx = WeChat(app.test_client())
    assert wx.reply_text(*wx.post(text_xml(user_id, QUESTIONS[0], next_id())))
    assert pings == []
    with db.session() as s:  # any other use of the database (console, outbox, CLI) pings first
        s.execute(text("SELECT 1"))
    assert pings == [1]


def test_the_webhook_answers_on_a_stale_pooled_connection_in_the_same_delivery(app, db_url, user_id):
    _pg_only(app)
    _one_stale_pooled_connection(app, db_url)
    wx = WeChat(app.test_client())
    reply = wx.reply_text(*wx.post(text_xml(user_id, QUESTIONS[0], next_id())))
    assert reply and "工资" in reply
    assert _transcript(app, user_id) == [("in", QUESTIONS[0]), ("out", reply)]


def test_the_console_survives_a_database_restart(app, db_url):
    _pg_only(app)
    _one_stale_pooled_connection(app, db_url)
    with app.extensions["fayuan_db"].session() as s:
        assert s.execute(select(func.count()).select_from(Conversation)).scalar() >= 0
    resp = app.test_client().get("/console/login")
    assert resp.status_code == 200


# ------------------------------------------------------------------ one delivery runs the dialog

def test_a_redelivery_while_another_process_runs_the_message_does_not_run_the_dialog(db_url, user_id):
    """Another worker process holds the message (its transaction is open): a second delivery
    answers `success` and processes nothing — on SQLite too (a lease on a byte of the
    leases file, bot/file_leases.py), where both used to run the dialog and one commit lost.
    The holder then finishes and is told to send its reply through the outbox."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    msg_id = next_id()
    key = f"msg:{user_id}:{msg_id}"
    holder = subprocess.Popen([sys.executable, "-c", f"""
import sys
sys.path.insert(0, {str(root)!r})
from bot.db import get_database
from bot.retry_claims import claim, finish
db = get_database({db_url!r})
with db.session() as s:
    held = claim(s, {key!r})
    print(held.state, flush=True)
    sys.stdin.readline()
    print("outbox" if finish(s, {key!r}, held.token, "答复", late=False) else "passive", flush=True)
"""], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=root)
    try:
        assert holder.stdout.readline().strip() == "owner"
        app = make_app(db_url)
        resp, _ = WeChat(app.test_client()).post(text_xml(user_id, QUESTIONS[0], msg_id))
        assert resp.status_code == 200 and resp.get_data(as_text=True) == "success"
        assert _transcript(app, user_id) == []  # the dialog did not run for this delivery
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "outbox"
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_a_lease_is_free_again_once_its_transaction_ends(db_url, user_id):
    """Commit or rollback: the next delivery of another message of the same key space owns at once."""
    from bot import retry_claims

    app = make_app(db_url)
    db = app.extensions["fayuan_db"]
    key = f"msg:{user_id}:{next_id()}"
    with pytest.raises(RuntimeError):
        with db.session() as s:
            assert retry_claims.claim(s, key).state == "owner"
            raise RuntimeError("the dialog failed")
    with db.session() as s:
        assert retry_claims.claim(s, key).state == "owner"


def test_file_leases_keep_threads_and_processes_apart_and_degrade_without_a_folder(tmp_path):
    import subprocess
    import sys

    from bot.file_leases import FileLeases

    leases = FileLeases(tmp_path / "db.sqlite-leases")
    assert leases.try_acquire("msg:a:1") and not leases.try_acquire("msg:a:1")  # a second thread
    assert leases.try_acquire("msg:a:2")
    other = subprocess.run([sys.executable, "-c", f"""
import sys; sys.path.insert(0, {str(__import__('pathlib').Path(__file__).resolve().parents[2])!r})
from pathlib import Path
from bot.file_leases import FileLeases
l = FileLeases(Path({str(tmp_path / 'db.sqlite-leases')!r}))
print(l.try_acquire("msg:a:1"), l.try_acquire("msg:a:3"))
"""], capture_output=True, text=True, check=True)
    assert other.stdout.split() == ["False", "True"]  # held here; free there (its process ended: freed)
    leases.release("msg:a:1")
    assert leases.try_acquire("msg:a:1")
    nowhere = FileLeases(tmp_path / "missing" / "folder" / "db.sqlite-leases")
    assert nowhere.try_acquire("msg:a:1") and nowhere.try_acquire("msg:a:1")  # no lease file: as before
