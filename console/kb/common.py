"""Small helpers every KB console view shares: the database, the matcher, the author."""
from __future__ import annotations

from datetime import timedelta, timezone

from flask import current_app
from flask_login import current_user

from knowledge_base.service import KnowledgeService
from knowledge_base.versions import Author


def db():
    return current_app.extensions["fayuan_db"]


def svc() -> KnowledgeService:
    return current_app.extensions["fayuan_kb"]


def author() -> Author:
    return Author(int(current_user.id), current_user.label)


def lines(text: str | None) -> list[str]:
    """A textarea with one item per line → the items (blank lines dropped)."""
    return [x.strip() for x in (text or "").replace("\r", "").split("\n") if x.strip()]


def words(text: str | None) -> list[str]:
    """Words separated by spaces, commas (，、,) or new lines."""
    import re
    return [w for w in re.split(r"[\s,，、;；]+", text or "") if w]


CST = timezone(timedelta(hours=8), "CST")


def cst(dt) -> str:
    """A stored UTC time as China Standard Time, the way staff read it."""
    if dt is None:
        return ""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(CST).strftime("%Y-%m-%d %H:%M")
