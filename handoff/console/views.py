"""/console: the case queue, the case page and its workflow buttons, 人工 conversations,
users and offices. Thin views over handoff/applications.py and friends.

Access: staff and admins see every case; a lawyer sees only cases assigned to them —
any other case is a 404, so a lawyer cannot even learn that a number exists.
ID numbers and phones are masked in lists and shown in full only on the case page.
"""
from __future__ import annotations

import re
from types import SimpleNamespace

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from knowledge_base.models import utcnow
from knowledge_base.privacy import mask_id, mask_phone

from .. import applications as apps
from .. import appointments as appts
from .. import handover as handover_store
from .. import notify, workflow
from ..models import Application, Appointment, ConsoleUser, Handover, aware
from ..offices import load_offices
from ..slots import local_now, when_label
from ..texts import H
from .auth import ROLE_NAMES, ROLES, UserError, create_user, role_required, users_with_role

DECISION_NAMES = {"eligible": "符合条件", "likely_eligible": "可能符合，需审查", "mandatory": "应当指派（刑事）",
                  "not_eligible": "暂不符合", "needs_more_info": "信息不足"}

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="../templates")


def _db():
    return current_app.extensions["fayuan_db"]


_PERSONAL_LINK = re.compile(r"https?://\S*/h5/\S+")


COMPLAINT_CODE = "service.complaint"  # the FAQ topic of complaints about staff or lawyers


def _transcript(session: Session, user_id: str, for_lawyer: bool = False) -> list:
    """The chat as the console reads it (bot/ owns the table; read through the shared metadata).

    The citizen's own signed links (application, booking) are hidden: whoever holds one
    acts as the citizen. A lawyer sees the whole conversation, also what the citizen wrote
    after submitting (「别给我打电话，我老公会听到」 must reach the person who would call),
    except complaints about staff or lawyers: the message the bot answered with the
    complaints topic is shown as a placeholder — complaints go to staff, not to the person
    complained about (PIPL 6: the minimum necessary).
    """
    from knowledge_base.orm import Base

    table = Base.metadata.tables["chat_message"]
    q = select(table.c.direction, table.c.kind, table.c.text, table.c.code, table.c.created_at) \
        .where(table.c.user_id == user_id)
    rows = list(session.execute(q.order_by(table.c.id)))
    hidden = set()
    if for_lawyer:
        for i, r in enumerate(rows):
            if r.direction == "out" and r.code == COMPLAINT_CODE:
                hidden.add(i)
                if i > 0 and rows[i - 1].direction == "in":
                    hidden.add(i - 1)
    return [SimpleNamespace(direction=r.direction, kind=r.kind, created_at=r.created_at,
                            text=("［对服务的意见，已转工作人员处理］" if i in hidden
                                  else _PERSONAL_LINK.sub("［本人专用链接，已隐藏］", r.text or "")))
            for i, r in enumerate(rows)]


def _last_inbound(session: Session, user_ids: list[str]) -> dict:
    """When each citizen last wrote to us: one grouped query for the whole queue."""
    from sqlalchemy import func

    from knowledge_base.orm import Base

    if not user_ids:
        return {}
    table = Base.metadata.tables["chat_message"]
    rows = session.execute(select(table.c.user_id, func.max(table.c.created_at))
                           .where(table.c.user_id.in_(set(user_ids)), table.c.direction == "in")
                           .group_by(table.c.user_id))
    return {user_id: last for user_id, last in rows}


def _visible_cases():
    q = select(Application).where(Application.status != "draft")
    if current_user.role == "lawyer":
        q = q.where(Application.lawyer_id == current_user.id)
    return q


def _case_or_404(session: Session, number: str) -> Application:
    app = session.scalars(_visible_cases().where(Application.number == number)).first()
    if app is None:
        abort(404)
    return app


@bp.get("/")
@role_required()
def queue():
    status = request.args.get("status", "open")
    priority_only = request.args.get("priority") == "1"
    term = request.args.get("q", "").strip()[:64]
    with _db().session() as s:
        q = _visible_cases()
        if status == "open":
            q = q.where(Application.status.in_(workflow.OPEN_STATUSES))
        elif status in workflow.STATUS_NAMES:
            q = q.where(Application.status == status)
        if priority_only:
            q = q.where(Application.priority.is_(True))
        if term:
            like = f"%{term}%"
            q = q.where(or_(Application.number.ilike(like), Application.name.ilike(like),
                            Application.other_party.ilike(like), Application.phone.like(f"%{term}")))
        cases = sorted(s.scalars(q.limit(500)),
                       key=lambda a: workflow.sort_key(a.priority, a.decision_due_at, a.submitted_at, a.status))
        lawyers = {u.id: u.display_name or u.username for u in users_with_role(s, "lawyer")}
        last_said = _last_inbound(s, [a.user_id for a in cases])
        now = utcnow()
        rows = [{"number": a.number, "name": a.name, "phone": mask_phone(a.phone or ""),
                 "id_number": mask_id(a.id_number or ""), "matter": a.matter or "", "region": a.region or "",
                 "priority": a.priority, "status": workflow.STATUS_NAMES.get(a.status, a.status),
                 "submitted": local_now(a.submitted_at) if a.submitted_at else None,
                 "due": local_now(a.decision_due_at) if a.decision_due_at else None,
                 "overdue": bool(a.decision_due_at and a.status in ("submitted", "under_review")
                                 and aware(a.decision_due_at) < now),
                 "lawyer": lawyers.get(a.lawyer_id or -1, ""), "decision": (a.result or {}).get("decision", ""),
                 "wrote_after": bool(a.submitted_at and a.user_id in last_said
                                     and aware(last_said[a.user_id]) > aware(a.submitted_at))}
                for a in cases]
    return render_template("console/queue.html", rows=rows, status=status, priority_only=priority_only, term=term,
                           statuses=workflow.STATUS_NAMES)


@bp.get("/cases/<number>")
@role_required()
def case(number: str):
    with _db().session() as s:
        app = _case_or_404(s, number)
        is_own = app.lawyer_id == current_user.id
        buttons = workflow.allowed(app.status, current_user.role, is_own)
        fields = [(label, value) for label, value in
                  (line.split("：", 1) for line in apps.summary_lines(app, masked=False))]
        view = {"number": app.number, "status": app.status, "status_name": workflow.STATUS_NAMES[app.status],
                "priority": app.priority, "fields": fields, "facts": apps.facts_for_display(app.facts or {}),
                "result": app.result or {}, "decision": DECISION_NAMES.get((app.result or {}).get("decision", ""), ""),
                "materials": apps.materials(app), "acceptance_mode": app.acceptance_mode,
                "submitted": local_now(app.submitted_at) if app.submitted_at else None,
                "due": local_now(app.decision_due_at) if app.decision_due_at else None,
                "lawyer": apps.lawyer_name(s, app.lawyer_id), "reject_reason": app.reject_reason}
        events = [{"when": local_now(e.created_at), "who": e.actor_label, "kind": e.kind,
                   "from": workflow.STATUS_NAMES.get(e.from_status or "", e.from_status),
                   "to": workflow.STATUS_NAMES.get(e.to_status or "", e.to_status), "text": e.text}
                  for e in apps.events(s, app)]
        bookings = [{"when": when_label(b.starts_at), "office": (appts.office_by_id(b.office_id) or None),
                     "status": b.status} for b in s.scalars(select(Appointment).where(
                         or_(Appointment.application_id == app.id, Appointment.user_id == app.user_id))
                         .order_by(Appointment.starts_at))]
        submitted_at = aware(app.submitted_at) if app.submitted_at else None
        transcript = [{"dir": r.direction, "text": r.text, "when": local_now(r.created_at),
                       "after": bool(submitted_at and aware(r.created_at) > submitted_at)}
                      for r in _transcript(s, app.user_id, for_lawyer=current_user.role == "lawyer")]
        lawyers = [(u.id, u.display_name or u.username) for u in users_with_role(s, "lawyer")]
    return render_template("console/case.html", case=view, events=events, bookings=bookings, transcript=transcript,
                           buttons=buttons, lawyers=lawyers)


@bp.post("/cases/<number>/status")
@role_required()
def change_status(number: str):
    to = request.form.get("to", "")
    reason = request.form.get("reason", "")[:2000]
    lawyer = request.form.get("lawyer_id", "")
    lawyer_id = int(lawyer) if lawyer.isdigit() else None
    with _db().session() as s:
        app = _case_or_404(s, number)
        actor = s.get(ConsoleUser, current_user.id)
        error = apps.transition(s, app, to, actor, reason, lawyer_id)
    if error:
        flash(error, "error")
    else:
        flash(f"已改为「{workflow.STATUS_NAMES.get(to, to)}」，已通知申请人。", "info")
    if current_user.role == "lawyer" and not error and to == "closed":
        return redirect(url_for("console.queue"))
    return redirect(url_for("console.case", number=number))


@bp.post("/cases/<number>/notes")
@role_required()
def add_note(number: str):
    with _db().session() as s:
        app = _case_or_404(s, number)
        error = apps.add_note(s, app, current_user, request.form.get("text", ""))
    flash(error or "备注已保存。", "error" if error else "info")
    return redirect(url_for("console.case", number=number))


# ------------------------------------------------------------------ 人工 conversations

@bp.get("/handovers")
@role_required("staff", "admin")
def handovers():
    with _db().session() as s:
        rows = [{"id": h.id, "status": h.status, "opened": local_now(h.opened_at), "user": h.user_id[-6:]}
                for h in s.scalars(select(Handover).where(Handover.status.in_(("waiting", "active")))
                                   .order_by(Handover.opened_at))]
    return render_template("console/handovers.html", rows=rows)


def _handover_or_404(s: Session, hid: int) -> Handover:
    h = s.get(Handover, hid)
    if h is None:
        abort(404)
    return h


@bp.get("/handovers/<int:hid>")
@role_required("staff", "admin")
def handover(hid: int):
    with _db().session() as s:
        h = _handover_or_404(s, hid)
        transcript = [{"dir": r.direction, "kind": r.kind, "text": r.text, "when": local_now(r.created_at)}
                      for r in _transcript(s, h.user_id)]
        cases = [(a.number, workflow.STATUS_NAMES[a.status]) for a in apps.submitted(s, h.user_id)]
        view = {"id": h.id, "status": h.status, "opened": local_now(h.opened_at)}
    return render_template("console/handover.html", h=view, transcript=transcript[-200:], cases=cases)


@bp.post("/handovers/<int:hid>/reply")
@role_required("staff", "admin")
def handover_reply(hid: int):
    text = request.form.get("text", "").strip()[:1000]
    with _db().session() as s:
        h = _handover_or_404(s, hid)
        if h.status == "closed":
            flash("这个会话已经结束。", "error")
        elif not text:
            flash("回复内容不能为空。", "error")
        else:
            handover_store.take(h, current_user.id)
            from knowledge_base.orm import Base

            s.execute(Base.metadata.tables["chat_message"].insert().values(
                user_id=h.user_id, direction="out", kind="staff", text=text, created_at=utcnow()))
            notify.enqueue(s, h.user_id, "staff_reply", text, title="工作人员回复")
            flash("已发送（通过客服消息）。", "info")
    return redirect(url_for("console.handover", hid=hid))


@bp.post("/handovers/<int:hid>/close")
@role_required("staff", "admin")
def handover_close(hid: int):
    with _db().session() as s:
        h = _handover_or_404(s, hid)
        if h.status != "closed":
            handover_store.close(s, h, "staff")
            notify.enqueue(s, h.user_id, "handover", H("human_closed_by_staff"), title="人工服务结束")
    flash("会话已结束，已交回机器人。", "info")
    return redirect(url_for("console.handovers"))


# ------------------------------------------------------------------ admin

@bp.route("/users", methods=["GET", "POST"])
@role_required("admin")
def users():
    with _db().session() as s:
        if request.method == "POST":
            action = request.form.get("action", "add")
            if action == "add":
                try:
                    create_user(s, request.form.get("username", ""), request.form.get("password", ""),
                                request.form.get("role", ""), request.form.get("display_name", ""))
                    flash("已添加。", "info")
                except UserError as e:
                    flash(str(e), "error")
            elif action == "toggle":
                u = s.get(ConsoleUser, int(request.form.get("user_id", "0") or 0))
                if u is not None and u.id != current_user.id:
                    u.active = not u.active
                    flash("已更新。", "info")
        rows = [(u.id, u.username, u.display_name, ROLE_NAMES[u.role], u.active)
                for u in s.scalars(select(ConsoleUser).order_by(ConsoleUser.role, ConsoleUser.username))]
    return render_template("console/users.html", rows=rows, roles=ROLES, role_names=ROLE_NAMES)


@bp.get("/offices")
@role_required("admin")
def offices():
    """Each bookable office with its booked slots over the coming week."""
    with _db().session() as s:
        now_l = local_now(utcnow())
        rows = []
        for o in load_offices():
            counts = appts.booked_counts(s, o.id, now_l, now_l + timedelta(days=8))
            rows.append({"office": o, "booked": sorted((when_label(k), v) for k, v in counts.items() if v)})
    return render_template("console/offices.html", rows=rows)
