"""人工: a conversation handed to a person. While a handover is open the bot stays silent;
the citizen's messages still land in the transcript that staff read in the console.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.models import utcnow

from .models import Handover


def open_handover(session: Session, user_id: str) -> Handover:
    """Reuse the citizen's open handover, or open one."""
    found = current(session, user_id)
    if found is not None:
        return found
    h = Handover(user_id=user_id, status="waiting")
    session.add(h)
    session.flush()
    return h


def current(session: Session, user_id: str) -> Handover | None:
    return session.scalars(select(Handover).where(Handover.user_id == user_id,
                                                  Handover.status.in_(("waiting", "active")))
                           .order_by(Handover.id.desc())).first()


def close(session: Session, h: Handover, by: str) -> None:
    if h.status != "closed":
        h.status = "closed"
        h.closed_at = utcnow()
        h.closed_by = by


def take(h: Handover, staff_id: int) -> None:
    h.staff_id = staff_id
    if h.status == "waiting":
        h.status = "active"
