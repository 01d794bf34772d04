"""Conversation state and message records: rows in the database, never process memory.

Any worker can serve the next message and a restart loses nothing. Message keys make
WeChat's retries idempotent across processes (a unique constraint, not a lock).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text, bindparam, false, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from ground import deferred
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
    __table_args__ = (Index("ix_processed_message_waiting", "claimed_at", sqlite_where=text("inbound IS NOT NULL"),
                            postgresql_where=text("inbound IS NOT NULL")),)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    reply: Mapped[str | None] = mapped_column(Text, nullable=True)
    done: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    claim_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # The reply goes out as a customer-service message (the passive reply came too late).
    async_reply: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Set by a retry that answered `success` while a live delivery held the message: the
    # message itself (JSON, encrypted), until a delivery finishes it. If the holder died,
    # bot/orphans.py answers it from here. Cleared by `finish`.
    inbound: Mapped[str | None] = mapped_column(Text, nullable=True)


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


@dataclass
class ConversationRow:
    """A conversation as the dialog reads and writes it: a plain record, not an ORM object.

    The message path reads the row by primary key and writes it back with one upsert
    (plain Core SQL, compiled once): no identity map, no unit of work, no RETURNING —
    about a third of a message's database time went to that bookkeeping."""

    user_id: str
    channel: str
    state: dict
    updated_at: datetime | None = None
    last_inbound_at: datetime | None = None


_CONV = Conversation.__table__
_LOAD = select(_CONV.c.channel, _CONV.c.state, _CONV.c.updated_at).where(_CONV.c.user_id == bindparam("user_id"))
_LOAD_LOCKED = _LOAD.with_for_update()
_CREATE = text("INSERT INTO conversation (user_id, channel, state, updated_at) VALUES (:user_id, :channel, :state, :now) "
               "ON CONFLICT (user_id) DO NOTHING").bindparams(
    bindparam("state", type_=_CONV.c.state.type), bindparam("now", type_=DateTime(timezone=True)))
# SQL text, the same on PostgreSQL and SQLite: SQLAlchemy cannot cache its ON CONFLICT constructs.
_SAVE = text("INSERT INTO conversation (user_id, channel, state, updated_at, last_inbound_at) "
             "VALUES (:user_id, :channel, :state, :now, :inbound) ON CONFLICT (user_id) DO UPDATE SET "
             "state = excluded.state, updated_at = excluded.updated_at, "
             "last_inbound_at = COALESCE(excluded.last_inbound_at, conversation.last_inbound_at)").bindparams(
    bindparam("state", type_=_CONV.c.state.type), bindparam("now", type_=DateTime(timezone=True)),
    bindparam("inbound", type_=DateTime(timezone=True)))


def load_conversation(session: Session, user_id: str, channel: str) -> ConversationRow:
    """The citizen's conversation, locked for this transaction.

    PostgreSQL: the row is read FOR UPDATE (a new one inserted first), so two messages of
    one citizen handled by two workers take turns. SQLite: its single write lock serialises
    the writers; a new row is written by save_conversation's upsert."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        row = conn.execute(_LOAD, {"user_id": user_id}).first()
    else:
        row = conn.execute(_LOAD_LOCKED, {"user_id": user_id}).first()
        if row is None:  # create it (or wait for the worker creating it at this moment), then lock it
            conn.execute(_CREATE, {"user_id": user_id, "channel": channel, "state": {}, "now": utcnow()})
            row = conn.execute(_LOAD_LOCKED, {"user_id": user_id}).first()
    if row is None:
        return ConversationRow(user_id, channel, {})
    return ConversationRow(user_id, row.channel, row.state or {}, row.updated_at)


def save_conversation(session: Session, conv: ConversationRow) -> None:
    """Write the row back (one statement): state, updated_at and, when set, last_inbound_at."""
    session.connection().execute(_SAVE, {
        "user_id": conv.user_id, "channel": conv.channel, "state": conv.state,
        "now": conv.updated_at or utcnow(), "inbound": conv.last_inbound_at})


def is_stale(conv: Conversation | ConversationRow, now: datetime | None = None, within: timedelta = STATE_TTL) -> bool:
    """Whether the conversation was left alone for longer than ``within`` (a mode's timeout)."""
    now = now or utcnow()
    updated = _aware(conv.updated_at)
    return updated is not None and now - updated > within


def save_state(conv: Conversation | ConversationRow, state: dict) -> None:
    conv.state = dict(state)
    conv.updated_at = utcnow()


def record_message(session: Session, user_id: str, direction: str, text: str, kind: str = "text",
                   faq_id: str | None = None, code: str | None = None) -> None:
    """Queue one transcript line; all of a transaction's lines are written at its commit in one
    INSERT (ground/deferred.py). Nothing on the message path reads them back before then."""
    # Transcripts are read by staff: ID and phone numbers never stay in them in clear
    # (the application record holds them for those entitled to see them).
    deferred.add(session, _CHAT, {"user_id": user_id, "direction": direction, "kind": kind,
                                  "text": mask_personal_data(text)[:4000], "faq_id": faq_id, "code": code,
                                  "created_at": utcnow()})


_CHAT = ChatMessage.__table__
