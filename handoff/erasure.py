"""「删除我的信息」 and the staff export of one person's data (PIPL 45, 47).

Chat-independent: the dialog (bot/dialog/) only has to recognise the request, show
`confirmation_prompt`, and on 「确认删除」 call `erase_person` — see `is_request`,
`is_confirmed`. Everything here works on a session and a user id; the texts are in
handoff/erasure.yaml.

What is erased, and what is kept and why
----------------------------------------
Erased (PIPL 47: consent withdrawn / purpose met):
- the conversation state and the whole chat transcript, WeChat retry replies;
- eligibility pre-check records: the facts and result are cleared and the record is
  detached from the person; only topic, region, decision and date stay, unlinkable,
  for the monthly statistics the bureau asks for;
- application drafts that were never submitted (and everything typed into them);
- appointments not yet held are cancelled (the place is freed), past ones detached;
- pending and past notifications, complaints/praise records, 人工 handovers (closed
  and detached).

Kept: **submitted applications** — name, ID number, phone, address, facts, decision
and their audit trail. A submitted application is a legal-aid case file: the agency
must decide it, notify the applicant and archive it (法律援助法; the archive period is
set by the justice administration's file rules and varies by region). PIPL 47 para. 2:
where a retention period required by law has not ended, the handler stops all
processing other than storage and the necessary security measures. The case keeps the
openid so that the decision still reaches the applicant. The citizen is told which
cases are kept and whom to ask about withdrawing an application.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from ground import deferred
from ground.clock import utcnow
from ground.orm import Base

from . import applications as apps
from . import appointments as appts
from .models import Appointment, Application, CaseEvent, Handover, Notification, aware

TEXTS_FILE = Path(__file__).resolve().parent / "erasure.yaml"


@lru_cache(maxsize=1)
def _texts() -> dict[str, Any]:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ the pure confirmation step

def _plain(text: str) -> str:
    return "".join(ch for ch in (text or "") if not ch.isspace() and ch not in "，。！!？?、,.「」")


def is_request(text: str) -> bool:
    """「删除我的信息」 and its usual wordings."""
    said = _plain(text)
    if any(_plain(w) in said for w in _texts()["request_words"]):
        return True
    if _ASKS_ABOUT.search(said):
        return False  # 「删除信息要多久」 asks about erasure; it is not the request itself
    return any(re.search(p, said) for p in _texts()["request_patterns"])


# A question about erasing, not a request to erase now.
_ASKS_ABOUT = re.compile(r"(?:怎么|如何|多久|多长时间|会不会|能不能查|是不是|为什么).{0,6}(?:删|清除)|(?:删|清除).{0,8}(?:多久|多长时间|怎么办|为什么)")


def is_confirmed(text: str) -> bool:
    """Only the exact confirmation word erases: a stray 「是」 never does."""
    return _plain(text) == _plain(_texts()["confirm_word"])


@dataclass(frozen=True)
class ErasurePlan:
    """What erasing would do, shown to the citizen before they confirm."""

    has_conversation: bool
    drafts: int
    upcoming_bookings: int
    kept_cases: tuple[str, ...]


def confirmation_prompt(plan: ErasurePlan) -> str:
    """Pure: the question asked before anything is deleted."""
    t = _texts()
    parts = [t["erased_parts"]["conversation"]]
    if plan.drafts:
        parts.append(t["erased_parts"]["drafts"])
    if plan.upcoming_bookings:
        parts.append(t["erased_parts"]["bookings"])
    kept = t["kept"].format(numbers="、".join(plan.kept_cases)) + "\n" if plan.kept_cases else ""
    return t["prompt"].format(erased="；".join(parts), kept=kept)


def done_text(report: "ErasureReport") -> str:
    t = _texts()
    if report.kept_cases:
        return t["done_with_cases"].format(numbers="、".join(report.kept_cases))
    return t["done"]


def cancelled_text() -> str:
    return _texts()["cancelled"]


# ------------------------------------------------------------------ store functions

def _table(name: str):
    return Base.metadata.tables[name]  # bot/ and knowledge_base/ own these; handoff reads the shared metadata


def _upcoming(session: Session, user_id: str) -> list[Appointment]:
    from .slots import local_now

    now_local = local_now(utcnow()).replace(tzinfo=None)
    return [a for a in appts.user_appointments(session, user_id) if a.status == "booked" and a.starts_at >= now_local]


def plan_erasure(session: Session, user_id: str) -> ErasurePlan:
    conv = _table("conversation")
    has_conv = session.execute(select(conv.c.user_id).where(conv.c.user_id == user_id)).first() is not None
    return ErasurePlan(has_conversation=has_conv, drafts=len(apps.drafts(session, user_id)),
                       upcoming_bookings=len(_upcoming(session, user_id)),
                       kept_cases=tuple(a.number or "" for a in apps.submitted(session, user_id)))


@dataclass
class ErasureReport:
    kept_cases: tuple[str, ...]
    counts: dict[str, int] = field(default_factory=dict)


def erase_person(session: Session, user_id: str) -> ErasureReport:
    """Erase one person's personal data, keeping submitted case files (see the module docstring).

    Runs in the caller's transaction: all of it happens, or none.
    """
    session.flush()  # the caller's pending rows (e.g. the dialog's record of 「确认删除」) go too
    deferred.flush(session)  # and its queued transcript lines (ground/deferred.py)
    tag = f"erased:{secrets.token_hex(6)}"  # detached rows cannot be linked back, nor to each other across runs
    counts: dict[str, int] = {}
    kept = tuple(a.number or "" for a in apps.submitted(session, user_id))
    kept_ids = {a.id for a in apps.submitted(session, user_id)}

    for draft in apps.drafts(session, user_id):
        session.delete(draft)
        counts["drafts"] = counts.get("drafts", 0) + 1
    for appt in _upcoming(session, user_id):
        if appt.application_id not in kept_ids:
            appts.cancel(session, appt)
            counts["bookings_cancelled"] = counts.get("bookings_cancelled", 0) + 1
    session.flush()
    counts["appointments_detached"] = session.execute(
        update(Appointment).where(Appointment.user_id == user_id,
                                  or_(Appointment.application_id.is_(None), Appointment.application_id.notin_(kept_ids)))
        .values(user_id=tag).execution_options(synchronize_session=False)).rowcount
    counts["notifications"] = session.execute(
        delete(Notification).where(Notification.user_id == user_id).execution_options(synchronize_session=False)).rowcount
    for h in session.scalars(select(Handover).where(Handover.user_id == user_id)):
        if h.status != "closed":
            h.status, h.closed_at, h.closed_by = "closed", utcnow(), "citizen"
        h.user_id = tag
        counts["handovers"] = counts.get("handovers", 0) + 1

    chat, conv, elig = _table("chat_message"), _table("conversation"), _table("eligibility_record")
    processed, feedback = _table("processed_message"), _table("service_feedback")
    counts["messages"] = session.execute(delete(chat).where(chat.c.user_id == user_id)).rowcount
    counts["eligibility_records"] = session.execute(
        update(elig).where(elig.c.user_id == user_id).values(user_id=tag, facts={}, result={})).rowcount
    counts["service_feedback"] = session.execute(delete(feedback).where(feedback.c.user_id == user_id)).rowcount
    counts["retry_replies"] = session.execute(
        delete(processed).where(or_(processed.c.key.like(f"msg:{_like_safe(user_id)}:%", escape="\\"),
                                    processed.c.key.like(f"evt:{_like_safe(user_id)}:%", escape="\\")))).rowcount
    # The row itself routes the next message; only its state held personal data.
    counts["conversation"] = session.execute(update(conv).where(conv.c.user_id == user_id)
                                             .values(state={}, updated_at=utcnow())).rowcount
    return ErasureReport(kept_cases=kept, counts=counts)


def _like_safe(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# ------------------------------------------------------------------ the staff export (PIPL 45)

def _iso(dt) -> str | None:
    return aware(dt).isoformat() if dt is not None else None


def export_person(session: Session, user_id: str) -> dict[str, Any]:
    """Everything held about one person, for staff answering a request to see or copy it.

    Clear values (ID number, phone) are included: the export is the person's own data, and
    only administrators can download it (console/views.py).
    """
    chat, conv, elig, feedback = (_table("chat_message"), _table("conversation"), _table("eligibility_record"),
                                  _table("service_feedback"))
    conversation = session.execute(select(conv).where(conv.c.user_id == user_id)).mappings().first()
    applications = list(session.scalars(select(Application).where(Application.user_id == user_id)
                                        .order_by(Application.id)))
    return {
        "user_id": user_id,
        "exported_at": _iso(utcnow()),
        "conversation": ({"channel": conversation["channel"], "state": conversation["state"],
                          "updated_at": _iso(conversation["updated_at"])} if conversation else None),
        "messages": [{"direction": r.direction, "kind": r.kind, "text": r.text, "at": _iso(r.created_at)}
                     for r in session.execute(select(chat).where(chat.c.user_id == user_id).order_by(chat.c.id))],
        "eligibility_records": [{"matter": r.matter, "region": r.region, "decision": r.decision, "facts": r.facts,
                                 "result": r.result, "at": _iso(r.created_at)}
                                for r in session.execute(select(elig).where(elig.c.user_id == user_id)
                                                         .order_by(elig.c.id))],
        "applications": [{
            "number": a.number, "status": a.status, "name": a.name, "id_number": a.id_number, "phone": a.phone,
            "address": a.address, "other_party": a.other_party, "account": a.account,
            "amount_claimed": a.amount_claimed, "matter": a.matter, "region": a.region, "facts": a.facts,
            "result": a.result, "consent_at": _iso(a.consent_at), "sensitive_consent_at": _iso(a.sensitive_consent_at),
            "submitted_at": _iso(a.submitted_at), "reject_reason": a.reject_reason,
            "events": [{"kind": e.kind, "from": e.from_status, "to": e.to_status, "text": e.text,
                        "by": e.actor_label, "at": _iso(e.created_at)}
                       for e in session.scalars(select(CaseEvent).where(CaseEvent.application_id == a.id)
                                                .order_by(CaseEvent.id))]} for a in applications],
        "appointments": [{"office_id": b.office_id, "starts_at": b.starts_at.isoformat(), "status": b.status}
                         for b in appts.user_appointments(session, user_id)],
        "notifications": [{"kind": n.kind, "text": n.text, "status": n.status, "at": _iso(n.created_at)}
                          for n in session.scalars(select(Notification).where(Notification.user_id == user_id)
                                                   .order_by(Notification.id))],
        "service_feedback": [{"kind": r.kind, "text": r.text, "at": _iso(r.created_at)}
                             for r in session.execute(select(feedback).where(feedback.c.user_id == user_id))],
    }
