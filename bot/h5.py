"""Citizen H5 pages opened from the chat: the application form, booking, my cases.

Thin views: each link carries a signed, expiring token naming the citizen
(handoff/links.py); the work is done by handoff/ exactly as in the chat, so both
channels save the same draft. Every form carries a CSRF token.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from flask import Blueprint, abort, current_app, g, jsonify, make_response, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from sqlalchemy import select

from handoff import applications as apps
from handoff import appointments as appts
from handoff.applications import Eligibility
from handoff.chatflow import booking_failed_text
from handoff.links import make_token, read_token
from handoff.slots import day_label, local_now, when_label
from handoff.texts import H, texts
from handoff.validate import FIELDS
from handoff.workflow import STATUS_NAMES, steps_for
from ground.clock import utcnow

from .conversation import EligibilityRecord

bp = Blueprint("h5", __name__, url_prefix="/h5")
TEXTS_FILE = Path(__file__).resolve().parent / "h5_texts.yaml"


@lru_cache(maxsize=1)
def web_texts() -> dict[str, Any]:
    """The pages' own wording: web labels and buttons, not the chat's 「回复…」."""
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


_CHAT_ONLY_LINE = re.compile(r"^回复「[^」]*」.*$", re.MULTILINE)


def web_version(chat_text: str) -> str:
    """A chat text shown on a page, without the lines that tell the reader what to reply:
    the page has buttons for that. The legal wording itself is kept in one place."""
    return _CHAT_ONLY_LINE.sub("", chat_text).strip()


# Hotlines and landlines written with their area code; not bare short numbers, which in legal
# text are article numbers (第110条).
_PHONE_NUMBER = re.compile(r"(?<![\d.])(12348|12338|0\d{2,3}-\d{7,8})(?![\d.])")


@bp.app_template_filter("tel")
def tel_links(text: Any) -> Markup:
    """Escape a text and make its phone numbers (12348 above all) tappable: older readers
    should not have to copy digits into the dialler."""
    return Markup(_PHONE_NUMBER.sub(lambda m: f'<a class="tel" href="tel:{m.group(1)}">{m.group(1)}</a>',
                                    str(escape(text))))


def _db():
    return current_app.extensions["fayuan_db"]


def _user(token: str, page: str) -> str:
    """The citizen a link was made for, if it was made for this page; a broken, expired or
    borrowed link gets a page saying how to get a new one."""
    user = read_token(current_app.config["SECRET_KEY"], token, page)
    if user is None:
        abort(make_response(render_template("h5/link_broken.html", t=web_texts()["link_broken"]), 404))
    g.h5_user = user
    return user


@bp.app_template_global()
def h5_link(page: str) -> str:
    """A link from one H5 page to another: a token of its own for that page."""
    endpoint = {"apply": "h5.apply_form", "book": "h5.book_page", "mine": "h5.mine"}[page]
    return url_for(endpoint, token=make_token(current_app.config["SECRET_KEY"], g.h5_user, page))


def _consent_page(token: str, **extra: Any) -> str:
    return render_template("h5/consent.html", token=token, notice=web_version(H("consent_notice")),
                           sensitive=web_version(H("consent_sensitive")), status_names=STATUS_NAMES,
                           **{"submitted": [], **extra})


def _eligibility(session, user_id: str) -> Eligibility | None:
    record = session.scalars(select(EligibilityRecord).where(EligibilityRecord.user_id == user_id)
                             .order_by(EligibilityRecord.id.desc())).first()
    return Eligibility(record.id, record.facts or {}, record.result or {}) if record else None


def _form_view(app, values: dict[str, str] | None = None, errors: dict[str, str] | None = None) -> dict[str, Any]:
    fields = web_texts()["fields"]
    rows = []
    for f in FIELDS:
        stored = getattr(app, f)
        shown = (values or {}).get(f)
        if shown is None:
            shown = "" if stored is None else str(stored)
        rows.append({"name": f, "label": fields[f]["label"], "value": shown, "error": (errors or {}).get(f),
                     "hint": fields[f]["hint"]})
    summary = web_texts()["missing_summary"].format(count=len(errors)) if errors else None
    return {"rows": rows, "summary": summary}


@bp.get("/apply/<token>")
def apply_form(token: str):
    user = _user(token, "apply")
    with _db().session() as s:
        draft = apps.current_draft(s, user)
        if draft is None:
            done = apps.submitted(s, user)
            if _eligibility(s, user) is None and not done:
                return render_template("message.html", title="请先评估",
                                       message="请先在公众号里回复「评估」，回答几个简单问题，再回复「申请」。"), 200
            return _consent_page(token, submitted=done[:3])
        if not apps.has_consent(draft):
            return _consent_page(token)
        return render_template("h5/apply.html", token=token, **_form_view(draft))


@bp.post("/apply/<token>/consent")
def apply_consent(token: str):
    user = _user(token, "apply")
    agree = request.form.get("general") == "yes" and request.form.get("sensitive") == "yes"
    with _db().session() as s:
        draft = apps.current_draft(s, user)
        if request.form.get("action") == "decline":
            if draft is not None:
                apps.withdraw(s, draft)
            return render_template("message.html", title="不同意", message=H("consent_declined"))
        if not agree:
            return _consent_page(token, error=web_texts()["consent_needed"]), 400
        if draft is None:
            draft = apps.new_draft(s, user, _eligibility(s, user))
        apps.give_consent(draft, sensitive=False)
        apps.give_consent(draft, sensitive=True)
    return redirect(url_for("h5.apply_form", token=token))


@bp.post("/apply/<token>/field")
def apply_field(token: str):
    """Autosave of one field as the citizen leaves it: a closed phone loses nothing."""
    user = _user(token, "apply")
    data = request.get_json(silent=True) or {}
    field, value = str(data.get("field", "")), str(data.get("value", ""))[:4000]  # the validator says "too long"; never cut silently
    if field not in FIELDS:
        return jsonify(ok=False, error="未知的项目"), 400
    with _db().session() as s:
        draft = apps.current_draft(s, user)
        if draft is None or not apps.has_consent(draft):
            return jsonify(ok=False, error="请先同意个人信息说明"), 409
        error = apps.save_answer(draft, field, value) if value.strip() else None
    return jsonify(ok=error is None, error=H(f"errors.{error}") if error else None)


@bp.post("/apply/<token>")
def apply_submit(token: str):
    user = _user(token, "apply")
    values = {f: request.form.get(f, "")[:4000] for f in FIELDS}  # the validator says "too long"; never cut silently
    with _db().session() as s:
        draft = apps.current_draft(s, user)
        if draft is None or not apps.has_consent(draft):
            return redirect(url_for("h5.apply_form", token=token))
        errors = {}
        for f, v in values.items():
            if v.strip():
                err = apps.save_answer(draft, f, v)
                if err:
                    errors[f] = H(f"errors.{err}")
        if request.form.get("action") != "submit":
            return render_template("h5/apply.html", token=token, saved=not errors, **_form_view(draft, values, errors))
        for missing in apps.missing_fields(draft):  # every gap at once, not one per submit
            errors.setdefault(missing, web_texts()["missing"])
        if errors:
            return render_template("h5/apply.html", token=token, **_form_view(draft, values, errors)), 400
        apps.submit(s, draft)
        from handoff import notify
        notify.enqueue(s, user, "status", H("status_notice.submitted", number=draft.number),
                       title=H("notify_title"), ref=draft.number or "")
        return render_template("h5/submitted.html", token=token, number=draft.number, materials=apps.materials(draft),
                               priority=draft.priority, due=local_now(draft.decision_due_at))


def _book_context(s, user: str, office_id: str | None, day: str | None = None) -> dict[str, Any]:
    """Offices, then the days with free times, then the chosen day's times: a phone screen
    shows one day at a time instead of a week of radio buttons."""
    cases = apps.submitted(s, user)
    priority = bool(cases[0].priority) if cases else bool((_eligibility(s, user) or Eligibility(None, {}, {}))
                                                            .result.get("priority"))
    region = cases[0].region if cases else None
    offices = appts.bookable_offices(region)
    office = appts.office_by_id(office_id) if office_id else (offices[0] if offices else None)
    days: dict[date, list] = {}
    if office is not None:
        for slot, left in appts.available(s, office, priority):
            days.setdefault(slot.starts_at.date(), []).append((slot.starts_at, left))
    current = appts.active_appointment(s, user)
    ordered = sorted(days)
    chosen = next((d for d in ordered if d.isoformat() == day), ordered[0] if ordered else None)
    return {"offices": offices, "office": office, "priority": priority,
            "days": [{"iso": d.isoformat(), "label": day_label(d), "free": sum(left for _t, left in days[d])}
                     for d in ordered],
            "day": chosen, "day_label": day_label(chosen) if chosen else "", "times": days.get(chosen, []),
            "current": current, "current_when": when_label(current.starts_at) if current else "",
            "current_office": appts.office_by_id(current.office_id) if current else None,
            "application_id": cases[0].id if cases else None}


@bp.get("/book/<token>")
def book_page(token: str):
    user = _user(token, "book")
    with _db().session() as s:
        return render_template("h5/book.html", token=token, unverified=web_texts()["office_unverified"],
                               **_book_context(s, user, request.args.get("office"), request.args.get("day")))


@bp.post("/book/<token>")
def book_submit(token: str):
    user = _user(token, "book")
    office_id = request.form.get("office", "")
    action = request.form.get("action", "book")
    with _db().session() as s:
        current = appts.active_appointment(s, user)
        if action == "cancel":
            if current is not None:
                appts.cancel(s, current)
            return render_template("message.html", title="已取消预约", message="已取消您的预约。需要时可以重新预约。")
        try:
            starts_at = datetime.fromisoformat(request.form.get("slot", ""))
        except ValueError:
            ctx = _book_context(s, user, office_id, request.form.get("day"))
            return render_template("h5/book.html", token=token, error="请选择一个时间。",
                                   unverified=web_texts()["office_unverified"], **ctx), 400
        ctx = _book_context(s, user, office_id)
        result = appts.book(s, user, office_id, starts_at, ctx["priority"], application_id=ctx["application_id"],
                            replaces=current.id if current is not None else None)
        if not result.ok:
            ctx = _book_context(s, user, office_id, starts_at.date().isoformat())
            return render_template("h5/book.html", token=token, error=booking_failed_text(result),
                                   unverified=web_texts()["office_unverified"], **ctx), 409
        office = appts.office_by_id(office_id)
        return render_template("h5/booked.html", office=office, when=when_label(starts_at), token=token,
                               unverified=web_texts()["office_unverified"])


@bp.get("/mine/<token>")
def mine(token: str):
    user = _user(token, "mine")
    with _db().session() as s:
        cases = [{"number": a.number, "status": STATUS_NAMES.get(a.status, a.status),
                  "submitted": local_now(a.submitted_at or utcnow()), "due": local_now(a.decision_due_at)
                  if a.decision_due_at and a.status in ("submitted", "under_review") else None,
                  "materials": apps.materials(a), "reason": a.reject_reason if a.status == "rejected" else None,
                  "timeline": steps_for(a.status, web_texts()["timeline"])}
                 for a in apps.submitted(s, user)]
        names = texts()["appointment_status"]
        bookings = [{"when": when_label(b.starts_at), "office": appts.office_by_id(b.office_id),
                     "status": names.get(b.status, b.status)} for b in appts.user_appointments(s, user)]
        has_draft = apps.current_draft(s, user) is not None
    return render_template("h5/mine.html", token=token, cases=cases, bookings=bookings, has_draft=has_draft)
