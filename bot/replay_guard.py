"""Refusing replayed WeChat requests: a fresh timestamp and a nonce used only once.

WeChat signs (token, timestamp, nonce). Without limits one signed URL — seen in a log,
a proxy, a screenshot — stays a key for ever (one from 2020 was accepted). So a request
must be within MAX_SKEW_SECONDS of our clock, and each (timestamp, nonce) pair is
remembered in the database (every worker sees it) until it could no longer be fresh.

A pair seen again with the *same* body is a re-delivery of the same request: it is let
through to the retry store, which answers with the stored reply and processes nothing
(no harm, and it keeps working should WeChat ever re-send a request byte for byte).
The same pair with a different body is a forgery and is refused.
"""
from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta

from sqlalchemy import DateTime, String, bindparam, delete, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from ground.clock import utcnow
from ground.orm import Base

MAX_SKEW_SECONDS = 300
_PURGE_CHANCE = 0.02  # old pairs are deleted now and then, not on every request


class WeChatNonce(Base):
    __tablename__ = "wechat_nonce"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)  # "<timestamp>:<nonce>"
    body_digest: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


def timestamp_is_fresh(timestamp: str, now: float) -> bool:
    """Pure: a decimal Unix time within MAX_SKEW_SECONDS of now (either side: clocks drift)."""
    if not timestamp.isdigit() or len(timestamp) > 12:
        return False
    return abs(int(timestamp) - now) <= MAX_SKEW_SECONDS


def remember_nonce(session: Session, timestamp: str, nonce: str, body: bytes,
                   now: datetime | None = None) -> bool:
    """Record the pair; False when it was already used for a different body (a replay).

    One statement on the common path (an INSERT that does nothing on a conflict); the
    stored digest is read only when the pair was seen before."""
    now = now or utcnow()
    key = f"{timestamp[:12]}:{nonce[:80]}"
    digest = hashlib.sha256(body).hexdigest()
    if random.random() < _PURGE_CHANCE:
        session.execute(delete(WeChatNonce).where(WeChatNonce.expires_at < now))
    conn = session.connection()  # Core on the connection: no ORM flush, one statement
    added = conn.execute(_INSERT_NONCE, {
        "key": key, "digest": digest, "expires": now + timedelta(seconds=2 * MAX_SKEW_SECONDS)}).first()
    if added is not None:
        return True
    return conn.scalar(_DIGEST, {"key": key}) == digest


def nonce_unused(session: Session, timestamp: str, nonce: str, body: bytes) -> bool:
    """Read-only form of remember_nonce: False when the pair is recorded for a different body.

    For SQLite, which lets one transaction write at a time: the webhook checks first and
    records the pair with the message's other writes at the end, so the write lock is held
    for the commit only, not for the whole dialog."""
    stored = session.connection().scalar(_DIGEST, {"key": f"{timestamp[:12]}:{nonce[:80]}"})
    return stored is None or stored == hashlib.sha256(body).hexdigest()


_TABLE = WeChatNonce.__table__
# Statements built once: building one (and its cache key) cost more than running it.
_DIGEST = select(_TABLE.c.body_digest).where(_TABLE.c.key == bindparam("key"))
# SQL text, the same on PostgreSQL and SQLite: SQLAlchemy cannot cache its ON CONFLICT
# constructs and compiled them again for every message.
_INSERT_NONCE = text('INSERT INTO wechat_nonce ("key", body_digest, expires_at) VALUES (:key, :digest, :expires) '
                     'ON CONFLICT ("key") DO NOTHING RETURNING "key"').bindparams(
    bindparam("expires", type_=DateTime(timezone=True)))
