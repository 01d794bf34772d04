"""Exactly one answer per WeChat message, across workers, crashes and slow databases.

WeChat re-sends a message it got no answer to within 5 s (three deliveries in all) and
stops as soon as it gets any answer, even `success`. Each delivery runs in ONE
transaction — nonce, claim, conversation, dialog, reply — so:

- The *claim* is a lease held by the open transaction, not a row committed ahead of
  the work. On PostgreSQL it is a transaction-level advisory lock on the message key
  (`pg_try_advisory_xact_lock`, never waited for): it ends with the transaction — at
  commit, at rollback, or when a killed worker's connection drops — so a retry after a
  crash finds it free and processes the message from scratch. On SQLite a POSIX lock on
  one byte of `<database>-leases` (bot/file_leases.py) plays the same part: released when
  the transaction ends, and by the kernel when the process dies.
- The owner *finishes* the claim with the reply in the same transaction (`finish`): an
  INSERT of the message key that only succeeds if no delivery finished it before. That
  row is the arbiter: if two deliveries ever both processed the message (a race at the
  instant a lease ends; SQLite in memory, which has no leases file), only one commits; the other raises LostClaim, its
  work is rolled back, and it answers with the winner's stored reply.
- A retry that finds the lease held by a live worker is not parked waiting for it (at
  most HOLDER_GRACE_SECONDS, the time PostgreSQL may take to notice a killed client): it
  flags the key `async_reply` (a row of its own, committed at once) and answers
  `success`. The owner, seeing the flag when it finishes — or seeing that it took longer
  than ANSWER_WITHIN_SECONDS itself, when WeChat has stopped listening — queues the reply
  in the outbox as a customer-service message instead. A late re-delivery of a finished
  message does the same with the stored reply (a re-delivery means the passive one never
  arrived). Delivery is therefore at least once, never zero.

A failed transaction leaves nothing half-written: no transcript line, no state, no
claim — the next delivery answers the message.

An owner that dies after a retry already answered `success` (WeChat delivers that
message no more): the retry kept the message, encrypted, with its flag (`keep`), and
bot/orphans.py answers it through the outbox once the lease is free.
"""
from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Literal

from sqlalchemy import DateTime, bindparam, select, text, update
from sqlalchemy.orm import Session

from ground.clock import utcnow
from knowledge_base.store import VERSION_SUBQUERY

from . import file_leases
from .conversation import ProcessedMessage

ANSWER_WITHIN_SECONDS = 4.0  # past this, WeChat may have hung up: reply through the outbox
HOLDER_GRACE_SECONDS = 1.0   # how long a retry waits for a held lease before answering `success`

# The claim also reads the knowledge base's published version stamp (every message needs
# it, and it costs a round trip of its own otherwise): Claim.kb_version.
_PG_CLAIM = text("SELECT pg_try_advisory_xact_lock(:lock) AS mine, pm.done, pm.reply, pm.async_reply, "
                 f"{VERSION_SUBQUERY} AS kb_version "
                 "FROM (SELECT 1) AS one LEFT JOIN processed_message AS pm ON pm.key = :key")
_TABLE = ProcessedMessage.__table__
_SQLITE_CLAIM = text("SELECT pm.done, pm.reply, pm.async_reply, "
                     f"{VERSION_SUBQUERY} AS kb_version "
                     "FROM (SELECT 1) AS one LEFT JOIN processed_message AS pm ON pm.key = :key")
_STORED = select(_TABLE.c.reply, _TABLE.c.async_reply).where(_TABLE.c.key == bindparam("key"),
                                                            _TABLE.c.done.is_(True))
# Upserts as SQL text, the same on PostgreSQL and SQLite: SQLAlchemy cannot cache its
# ON CONFLICT constructs and compiled them again for every message.
_NOW = bindparam("now", type_=DateTime(timezone=True))
_FINISH = text(
    'INSERT INTO processed_message ("key", reply, done, created_at, claimed_at, claim_token, async_reply) '
    "VALUES (:key, :reply, TRUE, :now, :now, :token, :late) "
    'ON CONFLICT ("key") DO UPDATE SET reply = excluded.reply, done = TRUE, claim_token = excluded.claim_token, '
    "claimed_at = excluded.claimed_at, async_reply = (processed_message.async_reply OR excluded.async_reply), "
    "inbound = NULL "
    "WHERE NOT processed_message.done RETURNING async_reply").bindparams(_NOW)
_FLAG_BUSY = text(
    'INSERT INTO processed_message ("key", done, async_reply, created_at, claimed_at, inbound) '
    "VALUES (:key, FALSE, TRUE, :now, :now, :inbound) "
    'ON CONFLICT ("key") DO UPDATE SET async_reply = TRUE, '
    "inbound = COALESCE(processed_message.inbound, excluded.inbound) WHERE NOT processed_message.done "
    'RETURNING "key"').bindparams(_NOW)


class LostClaim(RuntimeError):
    """Another delivery finished the message first: this worker's work must be rolled back."""


@dataclass(frozen=True)
class Claim:
    state: Literal["owner", "done", "busy"]
    token: str = ""
    reply: str | None = None     # for "done": the stored reply (None: answer `success`)
    kb_version: int | None = field(default=None, compare=False)  # for "owner": the published KB version


def _stored_reply(reply: str | None, async_reply: bool | None) -> str | None:
    return None if async_reply else reply


def _lock_id(key: str) -> int:
    """A signed 64-bit advisory-lock number for the key (a collision only makes a retry say `success`)."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)


def claim(session: Session, key: str, now: datetime | None = None,
          keep: Callable[[], str] | None = None) -> Claim:
    """Own the key for this transaction, or learn it is done, or that a live delivery holds it.

    One statement, unless another delivery holds the key. `keep` gives the message as
    text to keep with the busy flag (bot/orphans.py answers it should the holder die)."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        row = conn.execute(_PG_CLAIM, {"lock": _lock_id(key), "key": key}).one()
        if row.done:
            return Claim("done", reply=_stored_reply(row.reply, row.async_reply))
        if not row.mine:
            if not _lease_freed(session, key):
                return _flag_busy(session, key, now or utcnow(), keep)
            if _is_done(session, key):  # the holder just finished it (read with a fresh snapshot)
                return stored(session, key)
    else:
        # The lease first, then the row: a holder that finishes meanwhile has committed
        # its reply before it let the lease go, so the read below sees it.
        leases = file_leases.for_database(conn.engine.url.render_as_string(hide_password=True))
        if leases is not None:
            if not _file_lease(leases, key):
                return _flag_busy(session, key, now or utcnow(), keep)
            file_leases.hold_until_transaction_end(session, leases, key)
        row = conn.execute(_SQLITE_CLAIM, {"key": key}).one()
        if row.done:
            return Claim("done", reply=_stored_reply(row.reply, row.async_reply))
    return Claim("owner", secrets.token_hex(8), kb_version=row.kb_version)


def _file_lease(leases: "file_leases.FileLeases", key: str) -> bool:
    """SQLite: the key's file lease now, or within HOLDER_GRACE_SECONDS (a holder about to finish)."""
    deadline = time.monotonic() + HOLDER_GRACE_SECONDS
    while not leases.try_acquire(key):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def _lease_freed(session: Session, key: str) -> bool:
    """Try the lease again for a moment: a killed worker's transaction ends when PostgreSQL
    sees its socket close, a few milliseconds after the kill, and a retry sent at once
    (a dropped connection) must not take that for a live owner."""
    deadline = time.monotonic() + HOLDER_GRACE_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)
        if session.connection().scalar(text("SELECT pg_try_advisory_xact_lock(:lock)"), {"lock": _lock_id(key)}):
            return True
    return False


def _is_done(session: Session, key: str) -> bool:
    return bool(session.connection().scalar(select(_TABLE.c.done).where(_TABLE.c.key == key)))


def _flag_busy(session: Session, key: str, now: datetime, keep: Callable[[], str] | None = None) -> Claim:
    """Ask the live owner to send its reply through the outbox (this delivery answers `success`).

    The message is kept with the flag, encrypted: WeChat sends it no more after our
    `success`, so should the owner die before it commits, only this copy is left."""
    from ground.field_crypto import cipher

    kept = cipher().encrypt(keep()) if keep is not None else None
    flagged = session.connection().execute(_FLAG_BUSY, {"key": key, "now": now, "inbound": kept}).first()
    if flagged is not None:
        return Claim("busy")
    return stored(session, key)  # finished in the meantime


def stored(session: Session, key: str) -> Claim:
    """What a finished key answers (read after another delivery won)."""
    row = session.connection().execute(_STORED, {"key": key}).first()
    return Claim("done", reply=_stored_reply(row.reply, row.async_reply) if row is not None else None)


def send_later(session: Session, key: str) -> None:
    """A finished key's reply goes out as a customer-service message; later deliveries say `success`."""
    session.connection().execute(update(_TABLE).where(_TABLE.c.key == key).values(async_reply=True))


def finish(session: Session, key: str, token: str, reply: str | None, late: bool,
           now: datetime | None = None) -> bool:
    """Record the reply inside the dialog's transaction; True when it must go via the outbox.

    One statement. Raises LostClaim when another delivery finished the key first (the
    caller's transaction is then rolled back, undoing this delivery's dialog writes).
    """
    row = session.connection().execute(_FINISH, {
        "key": key, "reply": reply, "now": now or utcnow(), "token": token, "late": bool(reply) and late}).first()
    if row is None:
        raise LostClaim(key)
    return bool(reply) and bool(row.async_reply)
