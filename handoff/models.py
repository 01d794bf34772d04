"""Handoff tables: console users, applications, appointments, slot counters, case events,
human handovers and the notifications outbox.

All on the one declarative Base (ground.orm) so Alembic sees one metadata.
Timestamps are timezone-aware UTC (SQLite hands them back naive: see `aware`), except
appointment start times, which are the office's local wall-clock time (China Standard
Time, no DST) stored naive so that the (office, start) uniqueness is exact on every
backend.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (JSON, Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, validates

from ground.field_crypto import EncryptedText, cipher
from ground.clock import utcnow
from ground.orm import Base


# Conversations from the web simulator and the terminal chat are tests, not citizens: their
# user ids carry these prefixes (bot/simulator.py, bot/cli.py), and whatever they file is
# kept out of the staff queue and the statistics.
TEST_USER_PREFIXES = ("sim:", "cli:")


def is_test_user(user_id: str) -> bool:
    return user_id.startswith(TEST_USER_PREFIXES)


def real_people(user_id_column):
    """SQL condition: the row belongs to a citizen, not to a simulator or terminal test."""
    from sqlalchemy import and_

    return and_(*(user_id_column.notlike(f"{p}%") for p in TEST_USER_PREFIXES))


def test_users_only(user_id_column):
    from sqlalchemy import or_

    return or_(*(user_id_column.like(f"{p}%") for p in TEST_USER_PREFIXES))


def aware(dt: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes for timezone-aware columns: they were stored as UTC."""
    if dt is not None and dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt


class ConsoleUser(Base):
    """A staff member, lawyer or administrator who signs in to /console."""

    __tablename__ = "console_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))  # staff | lawyer | admin
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Password guessing: after MAX_FAILED_LOGINS wrong passwords the account waits a while.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Bumped by logout and password change: every session cookie signed before is void.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (CheckConstraint("role IN ('staff', 'lawyer', 'admin')", name="ck_console_user_role"),)


class Application(Base):
    """One legal-aid application: a draft while the citizen fills it in, then a case.

    Each answer is written to its column as soon as it is given, so a closed phone
    loses nothing. The eligibility facts and result are copied from the questionnaire
    record (never asked twice) and frozen with the application.
    """

    __tablename__ = "application"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True, nullable=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    sensitive_consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    consent_version: Mapped[str | None] = mapped_column(String(16), nullable=True)
    name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Encrypted at rest (ground/field_crypto.py); found by their blind indexes.
    id_number: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    phone: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    id_number_index: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    phone_index: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    address: Mapped[str | None] = mapped_column(String(200), nullable=True)
    other_party: Mapped[str | None] = mapped_column(String(200), nullable=True)
    account: Mapped[str | None] = mapped_column(Text, nullable=True)
    amount_claimed: Mapped[int | None] = mapped_column(Integer, nullable=True)  # yuan; 0 = no money claim
    eligibility_record_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    matter: Mapped[str | None] = mapped_column(String(64), nullable=True)
    region: Mapped[str | None] = mapped_column(String(64), nullable=True)
    facts: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    acceptance_mode: Mapped[str] = mapped_column(String(16), default="window")  # window | door_to_door | postal
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decision_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    lawyer_id: Mapped[int | None] = mapped_column(ForeignKey("console_user.id"), nullable=True, index=True)
    reject_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    @validates("id_number", "phone")
    def _keep_blind_index(self, field: str, value: str | None) -> str | None:
        """Every write of a clear value also writes its blind index (lookups by equality)."""
        setattr(self, f"{field}_index", blind_index(field, value) if value else None)
        return value


def blind_index(field: str, value: str) -> str:
    """The lookup key of a full ID number or phone, as stored (normalised by handoff/validate.py)."""
    return cipher().blind_index(field, value)


class SlotCount(Base):
    """How many places of one office time slot are taken.

    Booking is one conditional UPDATE (`booked < limit`), and the CHECK constraint
    backs it: no slot can hold more than its capacity, whatever the concurrency.
    """

    __tablename__ = "slot_count"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    office_id: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))  # office local time
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        UniqueConstraint("office_id", "starts_at", name="uq_slot_count_office_start"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="ck_slot_count_capacity"),
    )


class Appointment(Base):
    __tablename__ = "appointment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), nullable=True, index=True)
    office_id: Mapped[str] = mapped_column(String(64), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))  # office local time
    status: Mapped[str] = mapped_column(String(16), default="booked")  # booked | cancelled | done | no_show
    mode: Mapped[str] = mapped_column(String(16), default="window")  # window | door_to_door | postal
    # Given in the chat with consent when no application holds them (PIPL 13, 17).
    contact_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    contact_phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class CaseEvent(Base):
    """The audit trail: every status change (who, when, from, to) and every note."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("console_user.id"), nullable=True)
    actor_label: Mapped[str] = mapped_column(String(64), default="")  # username, or 申请人 / 系统
    kind: Mapped[str] = mapped_column(String(16))  # status | note | assign
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Handover(Base):
    """A conversation held by a person (人工). While open, the bot stays silent."""

    __tablename__ = "handover"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    status: Mapped[str] = mapped_column(String(16), default="waiting", index=True)  # waiting | active | closed
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("console_user.id"), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(16), nullable=True)  # citizen | staff


class Notification(Base):
    """The outbox: a message to a citizen, sent later by `python -m bot outbox send`.

    Writing a row in the same transaction as the change it announces means nothing is
    announced that did not happen, and nothing that happened goes unannounced.
    """

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # status | booking | reminder | staff_reply | handover
    text: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(String(64), default="")
    ref: Mapped[str] = mapped_column(String(64), default="")  # application number / appointment id
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    # pending | sent | failed (will retry) | dead (gave up) | cancelled | skipped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    sent_via: Mapped[str | None] = mapped_column(String(16), nullable=True)  # custom | template
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
