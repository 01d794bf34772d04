"""Conversation state and message records: rows in the database, never process memory.

Any worker can serve the next message and a restart loses nothing. Message keys make
WeChat's retries idempotent across processes (a unique constraint, not a lock).
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

from sqlalchemy import JSON, DateTime, Integer, String, Text, false
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from ground.clock import utcnow
from ground.privacy import mask_personal_data
from ground.orm import Base

STATE_TTL = timedelta(days=1)


class Conversation(Base):
    __tablename__ = "conversation"

    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), default="wechat")
    state: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_inbound_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ProcessedMessage(Base):
    """One row per WeChat message key; the reply is kept so a retry gets the same one.

    The row is a lease (bot/retry_claims.py): `claim_token` names the worker processing
    the message and `claimed_at` when it started; a retry may take the claim over once
    the lease has run out (the worker died or is stuck).
    """

    __tablename__ = "processed_message"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    reply: Mapped[str | None] = mapped_column(Text, nullable=True)
    done: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    claim_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # The reply goes out as a customer-service message (the passive reply came too late).
    async_reply: Mapped[bool] = mapped_column(default=False, server_default=false())


class ChatMessage(Base):
    """The transcript staff see when a conversation is handed over."""

    __tablename__ = "chat_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    kind: Mapped[str] = mapped_column(String(16), default="text")
    text: Mapped[str] = mapped_column(Text, default="")
    faq_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class EligibilityRecord(Base):
    """Each questionnaire outcome, for statistics and the monthly report."""

    __tablename__ = "eligibility_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    matter: Mapped[str | None] = mapped_column(String(64), nullable=True)
    region: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decision: Mapped[str] = mapped_column(String(32))
    priority: Mapped[bool] = mapped_column(default=False)
    questions: Mapped[int] = mapped_column(Integer, default=0)
    facts: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def pseudonym(user_id: str) -> str:
    """A short stable tag for logs: never log an openid in clear text."""
    return hashlib.sha256(user_id.encode()).hexdigest()[:10]


def _aware(dt: datetime | None) -> datetime | None:
    if dt is not None and dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt


def load_conversation(session: Session, user_id: str, channel: str) -> Conversation:
    conv = session.get(Conversation, user_id, with_for_update=session.bind.dialect.name == "postgresql")
    if conv is None:
        conv = Conversation(user_id=user_id, channel=channel, state={})
        session.add(conv)
        try:
            session.flush()
        except IntegrityError:  # another worker created it at the same moment
            session.rollback()
            conv = session.get(Conversation, user_id)
            assert conv is not None
    return conv


def is_stale(conv: Conversation, now: datetime | None = None, within: timedelta = STATE_TTL) -> bool:
    """Whether the conversation was left alone for longer than ``within`` (a mode's timeout)."""
    now = now or utcnow()
    updated = _aware(conv.updated_at)
    return updated is not None and now - updated > within


def save_state(conv: Conversation, state: dict) -> None:
    conv.state = dict(state)
    conv.updated_at = utcnow()


def record_message(session: Session, user_id: str, direction: str, text: str, kind: str = "text",
                   faq_id: str | None = None, code: str | None = None) -> None:
    # Transcripts are read by staff: ID and phone numbers never stay in them in clear
    # (the application record holds them for those entitled to see them).
    session.add(ChatMessage(user_id=user_id, direction=direction, text=mask_personal_data(text)[:4000],
                            kind=kind, faq_id=faq_id, code=code))
