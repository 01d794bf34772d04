"""`python -m bot user add|list` and the 30-day draft purge."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select


def test_user_add_and_list(db_url, monkeypatch, capsys, app):
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", db_url)
    name = "admin-" + uuid.uuid4().hex[:6]
    assert main(["user", "add", name, "--role", "admin", "--password", "long-enough-pw"]) == 0
    assert main(["user", "add", name, "--role", "admin", "--password", "long-enough-pw"]) == 2
    assert main(["user", "add", name + "x", "--role", "staff", "--password", "short"]) == 2
    assert main(["user", "list"]) == 0
    out = capsys.readouterr()
    assert f"{name}\tadmin\tactive" in out.out and "long-enough-pw" not in out.out + out.err
    from handoff.models import ConsoleUser
    with app.extensions["fayuan_db"].session() as s:
        user = s.scalars(select(ConsoleUser).where(ConsoleUser.username == name)).one()
        assert user.password_hash.startswith("scrypt:")


def test_stale_drafts_are_deleted_after_30_days(app, user_id):
    from handoff import applications as apps
    from handoff.models import Application
    from ground.clock import utcnow

    with app.extensions["fayuan_db"].session() as s:
        old = apps.new_draft(s, user_id, None)
        old.updated_at = utcnow() - timedelta(days=31)
        fresh = apps.new_draft(s, user_id, None)
        s.flush()
        old_id, fresh_id = old.id, fresh.id
    with app.extensions["fayuan_db"].session() as s:
        assert apps.purge_stale_drafts(s) >= 1
    with app.extensions["fayuan_db"].session() as s:
        assert s.get(Application, old_id) is None and s.get(Application, fresh_id) is not None
