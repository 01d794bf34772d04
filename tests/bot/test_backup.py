"""`python -m bot backup` and `restore` on SQLite (online backup API) and PostgreSQL
(pg_dump / pg_restore): what a citizen and staff left in one database is all there after
a restore into an empty one; a non-empty target, a wrong file or the other backend's
backup are refused with a message."""
from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import func, select

from bot.cli import main


@pytest.fixture()
def source(new_db_url):
    """A fresh, migrated and seeded database with a case, a transcript and a queued notice."""
    from bot.conversation import ChatMessage, Conversation
    from bot.db import get_database
    from handoff.accounts import create_user
    from handoff.notify import enqueue

    url = new_db_url()
    db = get_database(url)
    with db.session() as s:
        s.add(Conversation(user_id="o-backup-1", channel="wechat", state={"step": "apply"}))
        s.add(ChatMessage(user_id="o-backup-1", direction="in", text="老板拖欠工资怎么办"))
        enqueue(s, "o-backup-1", "status", "您的申请已受理。", title="进度", ref="FY-2026-000042")
        create_user(s, "backup-admin", "correct-horse-battery", "admin")
    return url


def counts(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, inspect, table

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {name: conn.execute(select(func.count()).select_from(table(name))).scalar()
                    for name in inspect(engine).get_table_names()}
    finally:
        engine.dispose()


def run(monkeypatch, url: str, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", url)
    return main(list(args))


def test_a_backup_restores_into_an_empty_database_with_every_row(source, new_db_url, tmp_path, monkeypatch, capsys):
    dump = tmp_path / "fayuan.backup"
    assert run(monkeypatch, source, "backup", "-o", str(dump)) == 0
    assert stat.S_IMODE(os.stat(dump).st_mode) == 0o600  # personal data: owner only

    target = new_db_url()
    assert run(monkeypatch, target, "restore", str(dump)) == 0
    before, after = counts(source), counts(target)
    assert after == before and after["faq_entry"] > 0 and after["notification"] == 1

    from sqlalchemy import create_engine, text

    engine = create_engine(target)
    with engine.connect() as conn:
        note = conn.execute(text("SELECT user_id, text, ref, status FROM notification")).one()
        said = conn.execute(text("SELECT text FROM chat_message WHERE user_id = 'o-backup-1'")).scalar()
        admin = conn.execute(text("SELECT role FROM console_user WHERE username = 'backup-admin'")).scalar()
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    assert tuple(note) == ("o-backup-1", "您的申请已受理。", "FY-2026-000042", "pending")
    assert (said, admin) == ("老板拖欠工资怎么办", "admin")
    from bot.db import SCHEMA_REVISION
    assert revision == SCHEMA_REVISION

    capsys.readouterr()
    assert run(monkeypatch, target, "restore", str(dump)) == 2  # now it is not empty
    assert "不是空的" in capsys.readouterr().err


def test_a_file_that_is_not_a_backup_is_refused(source, tmp_path, monkeypatch, capsys, new_db_url):
    junk = tmp_path / "notes.txt"
    junk.write_text("这不是备份")
    assert run(monkeypatch, new_db_url(), "restore", str(junk)) == 2
    assert "不是本系统的备份文件" in capsys.readouterr().err
    assert run(monkeypatch, new_db_url(), "restore", str(tmp_path / "missing.dump")) == 2
    assert "备份文件不存在" in capsys.readouterr().err


def test_a_sqlite_backup_is_not_restored_into_postgresql(pg_url, tmp_path, monkeypatch, capsys):
    from bot.backup import SQLITE_MAGIC

    fake = tmp_path / "other.sqlite"
    fake.write_bytes(SQLITE_MAGIC + b"\0" * 100)
    assert run(monkeypatch, pg_url, "restore", str(fake)) == 2
    assert "不能恢复到 postgresql" in capsys.readouterr().err
