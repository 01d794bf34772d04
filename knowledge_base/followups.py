"""Service feedback staff follow up (complaints about staff or lawyers, suggestions).

The store behind /console/kb/followups: the console's views hold no SQL. The rows are
written by curation.record_service_feedback when a citizen's message is feedback.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ground.clock import utcnow

from .models import ServiceFeedback

LIST_LIMIT = 500


def listed(session: Session, status: str) -> list[ServiceFeedback]:
    """Newest first; `status` "open" or "done" narrows the list, anything else shows all."""
    q = select(ServiceFeedback).order_by(ServiceFeedback.created_at.desc()).limit(LIST_LIMIT)
    if status in ("open", "done"):
        q = q.where(ServiceFeedback.status == status)
    return list(session.scalars(q))


def find(session: Session, item_id: int) -> ServiceFeedback | None:
    return session.get(ServiceFeedback, item_id)


def mark_done(item: ServiceFeedback, note: str, who: str) -> None:
    """Handled: what was done, by whom, when."""
    item.status, item.note, item.handled_by, item.handled_at = "done", note, who, utcnow()
