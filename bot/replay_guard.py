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

from sqlalchemy import DateTime, String, delete
from sqlalchemy.exc import IntegrityError
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
    """Record the pair; False when it was already used for a different body (a replay)."""
    now = now or utcnow()
    key = f"{timestamp[:12]}:{nonce[:80]}"
    digest = hashlib.sha256(body).hexdigest()
    if random.random() < _PURGE_CHANCE:
        session.execute(delete(WeChatNonce).where(WeChatNonce.expires_at < now))
    existing = session.get(WeChatNonce, key)
    if existing is not None:
        return existing.body_digest == digest
    try:
        with session.begin_nested():
            session.add(WeChatNonce(key=key, body_digest=digest,
                                    expires_at=now + timedelta(seconds=2 * MAX_SKEW_SECONDS)))
    except IntegrityError:  # another worker recorded it at the same moment
        existing = session.get(WeChatNonce, key)
        return existing is not None and existing.body_digest == digest
    return True
