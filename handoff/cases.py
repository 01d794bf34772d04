"""The cases as the console lists and opens them: which applications a reader may see.

Why here and not in the views: "drafts are nobody's case yet, a lawyer sees only the
cases assigned to them, real cases and the simulator's test cases are kept apart" is a
rule of this room, and the console's views hold no SQL (console/views.py).
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from . import applicants, workflow
from . import applications as apps
from .models import Application, Appointment, CaseEvent, is_test_user, real_people, test_users_only


def visible(role: str, reader_id: int) -> Select:
    """Submitted applications this reader may open."""
    q = select(Application).where(Application.status != "draft")
    if role == "lawyer":
        q = q.where(Application.lawyer_id == reader_id)
    return q


def _world(q: Select, simulated: bool) -> Select:
    return q.where(test_users_only(Application.user_id) if simulated else real_people(Application.user_id))


def find(session: Session, number: str, role: str, reader_id: int) -> Application | None:
    return session.scalars(visible(role, reader_id).where(Application.number == number)).first()


def queue(session: Session, role: str, reader_id: int, status: str, priority_only: bool, simulated: bool,
          term: str, limit: int) -> list[Application]:
    """Up to `limit` cases for the queue page, by decision deadline (the caller sorts by urgency)."""
    q = _world(visible(role, reader_id), simulated)
    if status == "open":
        q = q.where(Application.status.in_(workflow.OPEN_STATUSES))
    elif status in workflow.STATUS_NAMES:
        q = q.where(Application.status == status)
    if priority_only:
        q = q.where(Application.priority.is_(True))
    if term:
        like = f"%{term}%"
        q = q.where(or_(Application.number.ilike(like), Application.name.ilike(like),
                        Application.other_party.ilike(like), *apps.personal_number_match(term)))
    return list(session.scalars(q.order_by(Application.decision_due_at, Application.id).limit(limit)))


def same_applicant(session: Session, cases: Iterable[Application], role: str, reader_id: int,
                   simulated: bool) -> dict[int, list[Application]]:
    """For each case of a queue page, the applicant's other cases this reader may see."""
    return applicants.other_cases(session, cases, _world(visible(role, reader_id), simulated))


def same_applicant_of(session: Session, app: Application, role: str, reader_id: int) -> list[Application]:
    """One case's other cases by the same applicant (real with real, test with test)."""
    return same_applicant(session, [app], role, reader_id, is_test_user(app.user_id))[app.id]


def bookings(session: Session, app: Application) -> list[Appointment]:
    """Appointments of the case, or of its applicant, by time."""
    return list(session.scalars(select(Appointment).where(
        or_(Appointment.application_id == app.id, Appointment.user_id == app.user_id))
        .order_by(Appointment.starts_at)))


def record_export(session: Session, app: Application, actor_id: int, actor_label: str) -> None:
    """The export of the applicant's personal data goes into the case's audit trail (PIPL 45)."""
    session.add(CaseEvent(application_id=app.id, actor_id=actor_id, actor_label=actor_label,
                          kind="export", text="导出了申请人的个人信息"))
