"""Applications: consent first, then each answer saved as it is given, then submission;
after that the case workflow (handoff/workflow.py) with an audit row and a citizen
notification for every change.

Shared by the chat flow and the H5 form so both behave the same; no Flask here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from ground.clock import utcnow
from ground.privacy import mask_id, mask_phone

from . import notify, transcript, workflow
from .models import Application, CaseEvent, ConsoleUser, blind_index
from .slots import local_now
from .texts import H, texts
from .validate import FIELDS, validate_field, validate_id_number, validate_phone

CONSENT_VERSION = "2026-11"
CITIZEN = "申请人"


@dataclass
class Eligibility:
    """What the questionnaire found, handed over by the caller (bot/ owns the record)."""

    record_id: int | None
    facts: Mapping[str, Any]
    result: Mapping[str, Any]


def personal_number_match(term: str) -> list:
    """Conditions finding applications by a full ID number or phone typed in the search box.

    Both are encrypted at rest, so they are found by their blind index (equality only):
    a partial number finds nothing, which is also what keeps the index unguessable.
    """
    conditions = []
    id_number, _ = validate_id_number(term)
    if id_number:
        conditions.append(Application.id_number_index == blind_index("id_number", str(id_number)))
    phone, _ = validate_phone(term)
    if phone:
        conditions.append(Application.phone_index == blind_index("phone", str(phone)))
    return conditions


def drafts(session: Session, user_id: str) -> list[Application]:
    return list(session.scalars(select(Application).where(Application.user_id == user_id,
                                                          Application.status == "draft")
                                .order_by(Application.id.desc())))


def current_draft(session: Session, user_id: str) -> Application | None:
    found = drafts(session, user_id)
    return found[0] if found else None


def submitted(session: Session, user_id: str) -> list[Application]:
    return list(session.scalars(select(Application).where(Application.user_id == user_id,
                                                          Application.status != "draft")
                                .order_by(Application.id.desc())))


def new_draft(session: Session, user_id: str, eligibility: Eligibility | None) -> Application:
    """A draft carrying the eligibility facts, so none of them is asked again."""
    facts = dict(eligibility.facts) if eligibility else {}
    result = dict(eligibility.result) if eligibility else {}
    app = Application(user_id=user_id, status="draft", facts=facts, result=result,
                      eligibility_record_id=eligibility.record_id if eligibility else None,
                      matter=facts.get("matter") if isinstance(facts.get("matter"), str) else None,
                      region=facts.get("region") if isinstance(facts.get("region"), str) else None,
                      priority=bool(result.get("priority")))
    session.add(app)
    session.flush()
    return app


def refresh_eligibility(app: Application, eligibility: Eligibility | None) -> None:
    """A newer questionnaire result replaces the draft's copy (still never asked twice)."""
    if eligibility is None or app.status != "draft" or eligibility.record_id == app.eligibility_record_id:
        return
    app.facts, app.result = dict(eligibility.facts), dict(eligibility.result)
    app.eligibility_record_id = eligibility.record_id
    app.matter = eligibility.facts.get("matter") or app.matter
    app.region = eligibility.facts.get("region") or app.region
    app.priority = bool(eligibility.result.get("priority"))


DRAFT_RETENTION_DAYS = 30  # promised in the consent notice (texts.yaml: consent_notice)


def purge_stale_drafts(session: Session, now: datetime | None = None) -> int:
    """Delete drafts untouched for 30 days, as the consent notice promises (PIPL 19, 47)."""
    from datetime import timedelta

    cutoff = (now or utcnow()) - timedelta(days=DRAFT_RETENTION_DAYS)
    stale = list(session.scalars(select(Application).where(Application.status == "draft",
                                                           Application.updated_at < cutoff)))
    for app in stale:
        session.delete(app)
    return len(stale)


def facts_for_display(facts: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The questionnaire's facts with the questionnaire's own Chinese labels, for staff."""
    from intents.result_text import FIELD_LABELS

    from .labels import fact_value

    return [(FIELD_LABELS.get(k, k), fact_value(k, v)) for k, v in facts.items()]


def give_consent(app: Application, sensitive: bool) -> None:
    now = utcnow()
    if sensitive:
        app.sensitive_consent_at = now
    else:
        app.consent_at = now
        app.consent_version = CONSENT_VERSION


def has_consent(app: Application) -> bool:
    return app.consent_at is not None and app.sensitive_consent_at is not None


def withdraw(session: Session, app: Application) -> None:
    """PIPL 15/47: a draft and everything typed into it goes when consent is withdrawn."""
    if app.status == "draft":
        session.delete(app)


def save_answer(app: Application, field: str, text: str) -> str | None:
    """Validate and store one answer; None when saved, else the key of the re-ask text."""
    value, error = validate_field(field, text)
    if error is not None:
        return error
    setattr(app, field, value)
    app.updated_at = utcnow()
    return None


def missing_fields(app: Application) -> list[str]:
    """Every field still empty, in form order: a page flags them all at once."""
    return [f for f in FIELDS if getattr(app, f) in (None, "")]


def next_field(app: Application) -> str | None:
    missing = missing_fields(app)
    return missing[0] if missing else None


def display_value(app: Application, field: str, masked: bool = True) -> str:
    value = getattr(app, field)
    if value is None or value == "":
        return "（未填）"
    if field == "id_number":
        return mask_id(value) if masked else value
    if field == "phone":
        return mask_phone(value) if masked else value
    if field == "amount_claimed":
        return f"{value} 元" if value else H("amount_none")
    return str(value)


def summary_lines(app: Application, masked: bool = True) -> list[str]:
    names = texts()["field_names"]
    return [f"{names[f]}：{display_value(app, f, masked)}" for f in FIELDS]


def application_number(app: Application) -> str:
    year = local_now(app.submitted_at or utcnow()).year
    return f"FY-{year}-{app.id:06d}"


def materials(app: Application) -> list[str]:
    return [str(m) for m in (app.result or {}).get("materials") or []]


def submit(session: Session, app: Application, now: datetime | None = None) -> Application:
    if app.status != "draft" or next_field(app) is not None or not has_consent(app):
        raise ValueError("application is not complete")
    now = now or utcnow()
    app.status = "submitted"
    app.submitted_at = now
    app.decision_due_at = workflow.decision_due(now)
    app.number = application_number(app)
    session.add(CaseEvent(application_id=app.id, actor_label=CITIZEN, kind="status", from_status="draft",
                          to_status="submitted", text=""))
    session.flush()
    return app


# ------------------------------------------------------------------ the case workflow

def lawyer_name(session: Session, lawyer_id: int | None) -> str:
    user = session.get(ConsoleUser, lawyer_id) if lawyer_id else None
    return (user.display_name or user.username) if user else ""


def actor_names(session: Session, ids: set[int]) -> dict[int, str]:
    """How the case record names each console user: 「王芳（wangfang）」. Events keep the
    username they were written with; the name a colleague knows is read beside it."""
    if not ids:
        return {}
    return {u.id: f"{u.display_name}（{u.username}）" if u.display_name else u.username
            for u in session.scalars(select(ConsoleUser).where(ConsoleUser.id.in_(ids)))}


def _active_lawyer_error(session: Session, lawyer_id: int | None) -> str | None:
    if lawyer_id is None:
        return None
    lawyer = session.get(ConsoleUser, lawyer_id)
    if lawyer is None or lawyer.role != "lawyer" or not lawyer.active:
        return "请选择一位在岗的律师。"
    return None


def _record(session: Session, app: Application, to: str, actor: ConsoleUser | Any, reason: str = "",
            lawyer_id: int | None = None) -> None:
    """Change the status and write its audit row (already checked)."""
    if lawyer_id is not None and to == "assigned":
        app.lawyer_id = lawyer_id
    before = app.status
    app.status = to
    if to == "rejected":
        app.reject_reason = reason.strip()
    label = getattr(actor, "username", "")
    text = reason.strip() if to == "rejected" else (
        f"律师：{lawyer_name(session, lawyer_id)}" if lawyer_id is not None and to == "assigned" else "")
    session.add(CaseEvent(application_id=app.id, actor_id=actor.id, actor_label=label, kind="status",
                          from_status=before, to_status=to, text=text))


def _notify_status(session: Session, app: Application, key: str) -> None:
    notify.enqueue(session, app.user_id, "status",
                   H(f"status_notice.{key}", number=app.number, reason=app.reject_reason or "",
                     lawyer=lawyer_name(session, app.lawyer_id)),
                   title=H("notify_title"), ref=app.number or "")


def transition(session: Session, app: Application, to: str, actor: ConsoleUser | Any, reason: str = "",
               lawyer_id: int | None = None) -> str | None:
    """Apply a workflow change: None on success, else a message for the console user."""
    is_own = app.lawyer_id is not None and app.lawyer_id == actor.id
    error = workflow.check(app.status, to, actor.role, is_own, reason, lawyer_id) \
        or _active_lawyer_error(session, lawyer_id)
    if error:
        return error
    if to == "assigned" and lawyer_id is not None and lawyer_id == app.lawyer_id:
        # 改派 to the lawyer who has it: no change, and the citizen must not get a second notice
        return f"这个案件已经由{lawyer_name(session, lawyer_id)}承办，请选择另一位律师。"
    _record(session, app, to, actor, reason, lawyer_id)
    _notify_status(session, app, to)
    return None


def accept_and_assign(session: Session, app: Application, actor: ConsoleUser | Any,
                      lawyer_id: int | None) -> str | None:
    """「决定给予援助并指派律师」 in one action: each step checked and recorded as its own
    case event (the audit trail reads as if done one by one), and ONE notice to the
    citizen instead of one per step. None on success, else a message for the console user."""
    path = workflow.ACCEPT_AND_ASSIGN_PATH.get(app.status)
    if not path or not workflow.can_accept_and_assign(app.status, actor.role):
        return f"「{workflow.STATUS_NAMES.get(app.status, app.status)}」的案件不能直接决定并指派。"
    if lawyer_id is None:
        return "请选择要指派的律师。"
    error = _active_lawyer_error(session, lawyer_id)
    if error:
        return error
    for to in path:
        _record(session, app, to, actor, lawyer_id=lawyer_id if to == "assigned" else None)
    _notify_status(session, app, "accepted_and_assigned")
    return None


MESSAGE_LIMIT = 1000  # characters; WeChat's customer-service text is limited, a long letter belongs in a call


def message_applicant(session: Session, app: Application, actor: Any, text: str) -> str | None:
    """A message to the applicant from the case page: the assigned lawyer (or staff) must be
    able to answer 「请律师不要白天打电话」 without the phone. It goes into the chat (so the
    next reader sees it), to the outbox (WeChat, or a template message after 48 hours of
    silence) and into the case record. Returns an error message or None."""
    text = text.strip()
    if not text:
        return H("case_message_errors.empty")
    if len(text) > MESSAGE_LIMIT:
        return H("case_message_errors.too_long", limit=MESSAGE_LIMIT, count=len(text))
    transcript.add_staff_reply(session, app.user_id, text)
    who = "lawyer" if getattr(actor, "role", "") == "lawyer" else "staff"
    notify.enqueue(session, app.user_id, "staff_reply", text, title=H(f"case_message_title.{who}"), ref=app.number or "")
    session.add(CaseEvent(application_id=app.id, actor_id=actor.id, actor_label=actor.username, kind="message",
                          text=text))
    return None


def add_note(session: Session, app: Application, actor: Any, text: str) -> str | None:
    text = text.strip()
    if not text:
        return "备注不能为空。"
    session.add(CaseEvent(application_id=app.id, actor_id=actor.id, actor_label=actor.username, kind="note",
                          text=text[:4000]))
    return None


def events(session: Session, app: Application) -> list[CaseEvent]:
    return list(session.scalars(select(CaseEvent).where(CaseEvent.application_id == app.id)
                                .order_by(CaseEvent.created_at, CaseEvent.id)))


def reencrypt_personal_data(session: Session) -> int:
    """After a new data key is put first in FAYUAN_DATA_KEYS: re-encrypt every ID number and
    phone with it, so the old key can then be removed. Returns the rows rewritten."""
    from sqlalchemy import text

    from ground.field_crypto import cipher

    c = cipher()
    rows = session.execute(text("SELECT id, id_number, phone FROM application "
                                "WHERE id_number IS NOT NULL OR phone IS NOT NULL")).fetchall()
    for row in rows:
        session.execute(text("UPDATE application SET id_number = :idn, phone = :ph WHERE id = :id"),
                        {"id": row.id, "idn": c.rotate(row.id_number) if row.id_number else row.id_number,
                         "ph": c.rotate(row.phone) if row.phone else row.phone})
    return len(rows)
