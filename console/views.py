"""/console: the case queue, the case page and its workflow buttons, 人工 conversations,
users and offices. Thin views over handoff/applications.py and friends.

Access: staff and admins see every case; a lawyer sees only cases assigned to them —
any other case is a 404, so a lawyer cannot even learn that a number exists.
ID numbers and phones are masked in lists and shown in full only on the case page.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from ground.clock import utcnow
from ground.privacy import mask_id, mask_phone

from handoff import accounts, inbox, labels, notify, transcript, workflow
from handoff import applications as apps
from handoff import appointments as appts
from handoff import cases as case_store
from handoff import handover as handover_store
from handoff.accounts import ROLES, UserError, create_user, users_with_role
from handoff.models import Application, Handover, aware
from handoff.offices import load_offices
from handoff.slots import local_now, when_label
from handoff.texts import H

from .auth import role_required

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates")
QUEUE_LIMIT = 500  # cases on one queue page


def _db():
    return current_app.extensions["fayuan_db"]


def _case_or_404(session: Session, number: str) -> Application:
    app = case_store.find(session, number, current_user.role, current_user.id)
    if app is None:
        abort(404)
    return app


@bp.get("/")
@role_required()
def queue():
    status = request.args.get("status", "open")
    priority_only = request.args.get("priority") == "1"
    simulated = request.args.get("simulated") == "1"  # the simulator's test cases, apart from real ones
    term = request.args.get("q", "").strip()[:64]
    with _db().session() as s:
        cases = case_store.queue(s, current_user.role, current_user.id, status, priority_only, simulated, term,
                                 QUEUE_LIMIT + 1)
        truncated = len(cases) > QUEUE_LIMIT  # sorted in Python (urgency reads JSON): say when some are left out
        cases = cases[:QUEUE_LIMIT]
        urgent = {a.id: workflow.urgency(a.status, a.facts, a.result) for a in cases}
        cases.sort(key=lambda a: workflow.sort_key(a.priority, a.decision_due_at, a.submitted_at, a.status,
                                                   urgent=bool(urgent[a.id])))
        same = case_store.same_applicant(s, cases, current_user.role, current_user.id, simulated)
        lawyers = {u.id: u.display_name or u.username for u in users_with_role(s, "lawyer")}
        last_said = transcript.last_inbound(s, [a.user_id for a in cases])
        now = utcnow()
        rows = [{"number": a.number, "name": a.name, "phone": mask_phone(a.phone or ""),
                 "id_number": mask_id(a.id_number or ""), "matter": a.matter or "", "region": a.region or "",
                 "priority": a.priority, "status": workflow.STATUS_NAMES.get(a.status, a.status),
                 "urgent": [labels.label("urgency", u) for u in urgent[a.id]],
                 "same_applicant": [o.number for o in same[a.id]],
                 "submitted": local_now(a.submitted_at) if a.submitted_at else None,
                 "due": local_now(a.decision_due_at) if a.decision_due_at else None,
                 "overdue": bool(a.decision_due_at and a.status in workflow.UNDECIDED
                                 and aware(a.decision_due_at) < now),
                 "lawyer": lawyers.get(a.lawyer_id or -1, ""),
                 "wrote_after": bool(a.submitted_at and a.user_id in last_said
                                     and aware(last_said[a.user_id]) > aware(a.submitted_at))}
                for a in cases]
    return render_template("console/queue.html", rows=rows, truncated=truncated, limit=QUEUE_LIMIT, status=status,
                           priority_only=priority_only, term=term, statuses=workflow.STATUS_NAMES, simulated=simulated,
                           simulator_enabled=bool(current_app.config.get("SIMULATOR_ENABLED")))


@bp.get("/cases/<number>")
@role_required()
def case(number: str):
    with _db().session() as s:
        app = _case_or_404(s, number)
        is_own = app.lawyer_id == current_user.id
        buttons = workflow.allowed(app.status, current_user.role, is_own)
        one_action = workflow.can_accept_and_assign(app.status, current_user.role)
        fields = [(label, value) for label, value in
                  (line.split("：", 1) for line in apps.summary_lines(app, masked=False))]
        view = {"number": app.number, "status": app.status, "status_name": workflow.STATUS_NAMES[app.status],
                "priority": app.priority, "fields": fields, "facts": apps.facts_for_display(app.facts or {}),
                "result": app.result or {},
                "decision": labels.label("eligibility_decision", (app.result or {}).get("decision")),
                "materials": apps.materials(app), "acceptance_mode": app.acceptance_mode,
                "submitted": local_now(app.submitted_at) if app.submitted_at else None,
                "due": local_now(app.decision_due_at) if app.decision_due_at else None,
                "lawyer": apps.lawyer_name(s, app.lawyer_id), "lawyer_id": app.lawyer_id,
                "reject_reason": app.reject_reason,
                "urgent": [labels.label("urgency", u) for u in workflow.urgency(app.status, app.facts, app.result)],
                "same_applicant": [(o.number, workflow.STATUS_NAMES.get(o.status, o.status))
                                   for o in case_store.same_applicant_of(s, app, current_user.role, current_user.id)]}
        rows = apps.events(s, app)
        names = apps.actor_names(s, {e.actor_id for e in rows if e.actor_id})
        events = [{"when": local_now(e.created_at), "who": names.get(e.actor_id or -1, e.actor_label), "kind": e.kind,
                   "from": workflow.STATUS_NAMES.get(e.from_status or "", e.from_status),
                   "to": workflow.STATUS_NAMES.get(e.to_status or "", e.to_status), "text": e.text}
                  for e in rows]
        bookings = [{"when": when_label(b.starts_at), "office": (appts.office_by_id(b.office_id) or None),
                     "status": b.status} for b in case_store.bookings(s, app)]
        submitted_at = aware(app.submitted_at) if app.submitted_at else None
        chat = [{"dir": r.direction, "kind": r.kind, "text": r.text, "when": local_now(r.created_at),
                 "after": bool(submitted_at and aware(r.created_at) > submitted_at)}
                for r in transcript.for_console(s, app.user_id, for_lawyer=current_user.role == "lawyer")]
        lawyers = [(u.id, u.display_name or u.username) for u in users_with_role(s, "lawyer")]
        notices = [{"when": local_now(n.created_at), "title": n.title or n.kind, "state": notify.status_label(n.status)}
                   for n in notify.for_user(s, app.user_id) if not n.ref.startswith("FY-") or n.ref == app.number]
        # the applicant waiting for a person: staff answer there (the case page has no reply box)
        chat_open = handover_store.current(s, app.user_id) if current_user.role in ("staff", "admin") else None
        open_chat = {"id": chat_open.id, "status": chat_open.status} if chat_open else None
    return render_template("console/case.html", case=view, events=events, bookings=bookings, transcript=chat,
                           buttons=buttons, lawyers=lawyers, one_action=one_action, open_chat=open_chat,
                           one_action_label=workflow.ACCEPT_AND_ASSIGN_LABEL,
                           steps=workflow.steps_for(app.status, labels.case_steps()), notices=notices)


@bp.post("/cases/<number>/status")
@role_required()
def change_status(number: str):
    to = request.form.get("to", "")
    reason = request.form.get("reason", "")[:2000]
    lawyer = request.form.get("lawyer_id", "")
    lawyer_id = int(lawyer) if lawyer.isdigit() else None
    with _db().session() as s:
        app = _case_or_404(s, number)
        actor = accounts.get_user(s, current_user.id)
        error = apps.transition(s, app, to, actor, reason, lawyer_id)
    if error:
        flash(error, "error")
    else:
        flash(f"已改为「{workflow.STATUS_NAMES.get(to, to)}」，给申请人的通知已排队。", "info")
    if current_user.role == "lawyer" and not error and to == "closed":
        return redirect(url_for("console.queue"))
    return redirect(url_for("console.case", number=number))


@bp.post("/cases/<number>/accept")
@role_required("staff", "admin")
def accept_and_assign(number: str):
    """「决定给予援助并指派律师」: one post, the same case events, one notice to the citizen."""
    lawyer = request.form.get("lawyer_id", "")
    with _db().session() as s:
        app = _case_or_404(s, number)
        actor = accounts.get_user(s, current_user.id)
        error = apps.accept_and_assign(s, app, actor, int(lawyer) if lawyer.isdigit() else None)
        name = apps.lawyer_name(s, app.lawyer_id)
    if error:
        flash(error, "error")
    else:
        flash(f"已决定给予法律援助，并指派律师：{name}。给申请人的通知（1 条）已排队发送。", "info")
    return redirect(url_for("console.case", number=number))


@bp.post("/cases/<number>/message")
@role_required()
def message_applicant(number: str):
    """The lawyer of the case (or staff) writes to the applicant; a lawyer reaches only their own cases."""
    with _db().session() as s:
        app = _case_or_404(s, number)
        error = apps.message_applicant(s, app, accounts.get_user(s, current_user.id), request.form.get("text", ""))
    if error:
        flash(error, "error")
    else:
        flash("消息已排队发给申请人；发出后下面「发给申请人的通知」显示「已发送」。", "info")
    return redirect(url_for("console.case", number=number))


@bp.post("/cases/<number>/notes")
@role_required()
def add_note(number: str):
    with _db().session() as s:
        app = _case_or_404(s, number)
        error = apps.add_note(s, app, current_user, request.form.get("text", ""))
    flash(error or "备注已保存。", "error" if error else "info")
    return redirect(url_for("console.case", number=number))


@bp.get("/cases/<number>/export")
@role_required("admin")
def export_person(number: str):
    """Everything held about the applicant of a case, as a JSON download (PIPL 45).

    Administrators only; each export is written to the case's audit trail.
    """
    import json

    from handoff import erasure

    with _db().session() as s:
        app = _case_or_404(s, number)
        data = erasure.export_person(s, app.user_id)
        case_store.record_export(s, app, current_user.id, current_user.username)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return current_app.response_class(body, mimetype="application/json", headers={
        "Content-Disposition": f"attachment; filename=personal-data-{number}.json"})


# ------------------------------------------------------------------ 人工 conversations

@bp.app_context_processor
def inbox_badge() -> dict:
    """The number of chats waiting for a person, on the navigation of every console page."""
    if not request.path.startswith("/console") or not getattr(current_user, "is_authenticated", False) \
            or current_user.role not in ("staff", "admin"):
        return {}
    with _db().session() as s:
        return {"inbox_waiting": inbox.waiting_count(s)}


@bp.get("/handovers")
@role_required("staff", "admin")
def handovers():
    simulated = request.args.get("simulated") == "1"
    now = utcnow()
    with _db().session() as s:
        chats = inbox.open_chats(s, simulated=simulated)
        cases = inbox.case_numbers(s, {r.user_id for r in chats})
        rows = [{"id": r.id, "status": r.status, "opened": local_now(r.opened_at), "user": r.user_tail,
                 "preview": r.preview, "from": labels.vocab("inbox")[f"from_{r.preview_from}"],
                 "last": local_now(r.last_at) if r.last_at else None, "waiting": r.since is not None,
                 "wait": inbox.wait_text(r.since, now), "cases": cases.get(r.user_id, [])}
                for r in chats]
    return render_template("console/handovers.html", rows=rows, simulated=simulated,
                           simulator_enabled=bool(current_app.config.get("SIMULATOR_ENABLED")))


def _handover_or_404(s: Session, hid: int) -> Handover:
    h = inbox.find(s, hid)
    if h is None:
        abort(404)
    return h


@bp.get("/handovers/<int:hid>")
@role_required("staff", "admin")
def handover(hid: int):
    with _db().session() as s:
        h = _handover_or_404(s, hid)
        chat = [{"dir": r.direction, "kind": r.kind, "text": r.text, "when": local_now(r.created_at)}
                for r in transcript.for_console(s, h.user_id)]
        # Each staff message was queued with its notice in one transaction: pair them in order,
        # so the page says 「排队中」 until the sender really delivered it.
        states = iter([notify.status_label(n.status) for n in notify.for_user(s, h.user_id, ("staff_reply",))])
        for m in chat:
            if m["kind"] == "staff":
                m["delivery"] = next(states, "")
        cases = [(a.number, workflow.STATUS_NAMES[a.status]) for a in apps.submitted(s, h.user_id)]
        view = {"id": h.id, "status": h.status, "opened": local_now(h.opened_at)}
    return render_template("console/handover.html", h=view, transcript=chat[-200:], cases=cases)


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
            transcript.add_staff_reply(s, h.user_id, text)
            notify.enqueue(s, h.user_id, "staff_reply", text, title="工作人员回复")
            flash("已排队，发出后这里显示「已发送」（通过公众号客服消息）。", "info")
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
    form: dict[str, str] = {}  # kept after a refused add, so the admin corrects one field, not all
    with _db().session() as s:
        if request.method == "POST":
            action = request.form.get("action", "add")
            if action == "add":
                try:
                    u = create_user(s, request.form.get("username", ""), request.form.get("password", ""),
                                    request.form.get("role", ""), request.form.get("display_name", ""))
                    flash(f"已添加{labels.label('role', u.role)} {u.display_name or u.username}（用户名 {u.username}）。",
                          "info")
                except UserError as e:
                    flash(str(e), "error")
                    form = {k: request.form.get(k, "")[:64] for k in ("username", "display_name", "role")}
            elif action == "toggle":
                raw_id = request.form.get("user_id", "")
                u = accounts.get_user(s, int(raw_id)) if raw_id.isdigit() and len(raw_id) < 10 else None
                if u is None:
                    flash("没有这个用户。", "error")
                elif u.id != current_user.id:
                    u.active = not u.active
                    flash("已更新。", "info")
        rows = [(u.id, u.username, u.display_name, labels.label("role", u.role), u.active)
                for u in accounts.all_users(s)]
    return render_template("console/users.html", rows=rows, roles=ROLES, role_names=labels.vocab("role"),
                           form=form), (400 if form else 200)


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
