"""Exactly one answer per WeChat message, across workers, crashes and slow databases.

WeChat re-sends a message it got no answer to within 5 s (three deliveries in all) and
stops as soon as it gets any answer, even `success`. So:

- The first delivery *claims* the message key with a random token and a time
  (`claimed_at`): a lease of LEASE_SECONDS. The claim is committed at once, so other
  workers see it.
- The owner finishes the claim **in the same transaction** as the dialog's own writes
  (`finish`): if that transaction fails, nothing of the message is kept half-done and the
  claim stays open for a retry.
- A retry that finds the lease run out (the worker was killed, or is stuck on the
  database) takes the claim over with a conditional UPDATE; the old owner's `finish` then
  sees a foreign token and rolls its work back, so the message is processed once.
- A retry that finds the claim still fresh is not parked waiting for it: it flags the
  row `async_reply` and answers `success` at once. The owner, seeing the flag — or
  seeing that it took longer than ANSWER_WITHIN_SECONDS itself, when WeChat has stopped
  listening — queues the reply in the outbox as a customer-service message instead of
  answering passively. Delivery is therefore at least once, never zero.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ground.clock import utcnow

from .conversation import ProcessedMessage, _aware

LEASE_SECONDS = 4.0          # WeChat's first retry comes after 5 s: a dead owner's claim is free by then
ANSWER_WITHIN_SECONDS = 4.0  # past this, WeChat may have hung up: reply through the outbox


class LostClaim(RuntimeError):
    """Another delivery took the claim over: this worker's work must be rolled back."""


@dataclass(frozen=True)
class Claim:
    state: Literal["owner", "done", "busy"]
    token: str = ""
    reply: str | None = None     # for "done": the stored reply (None: answer `success`)


def _stored_reply(row: ProcessedMessage) -> str | None:
    return None if row.async_reply else row.reply


def claim(session: Session, key: str, now: datetime | None = None) -> Claim:
    """Own the key (new, or lease run out), or learn it is done, or that someone holds it."""
    now = now or utcnow()
    token = secrets.token_hex(8)
    row = session.get(ProcessedMessage, key)
    if row is None:
        try:
            with session.begin_nested():
                session.add(ProcessedMessage(key=key, done=False, claimed_at=now, claim_token=token))
            return Claim("owner", token)
        except IntegrityError:
            row = session.scalars(select(ProcessedMessage).where(ProcessedMessage.key == key)).one()
    if row.done:
        return Claim("done", reply=_stored_reply(row))
    expired_before = now - timedelta(seconds=LEASE_SECONDS)
    claimed = _aware(row.claimed_at)
    if claimed is None or claimed <= expired_before:
        taken = session.execute(update(ProcessedMessage)
                                .where(ProcessedMessage.key == key, ProcessedMessage.done.is_(False),
                                       ProcessedMessage.claim_token == row.claim_token)
                                .values(claimed_at=now, claim_token=token)
                                .execution_options(synchronize_session=False))
        if taken.rowcount == 1:
            return Claim("owner", token)
    # Held by a live worker: it will send the reply through the outbox.
    flagged = session.execute(update(ProcessedMessage)
                              .where(ProcessedMessage.key == key, ProcessedMessage.done.is_(False))
                              .values(async_reply=True).execution_options(synchronize_session=False))
    if flagged.rowcount == 1:
        return Claim("busy")
    session.expire_all()
    row = session.get(ProcessedMessage, key)
    return Claim("done", reply=_stored_reply(row) if row is not None else None)


def finish(session: Session, key: str, token: str, reply: str | None, late: bool) -> bool:
    """Record the reply inside the dialog's transaction; True when it must go via the outbox.

    Raises LostClaim when another delivery owns the key now (the caller's transaction is
    then rolled back, undoing this delivery's dialog writes).
    """
    q = select(ProcessedMessage).where(ProcessedMessage.key == key)
    if session.bind.dialect.name == "postgresql":
        q = q.with_for_update()
    row = session.scalars(q.execution_options(populate_existing=True)).first()
    if row is None or row.claim_token != token or row.done:
        raise LostClaim(key)
    row.async_reply = bool(reply) and (late or row.async_reply)
    row.reply, row.done = reply, True
    return row.async_reply
