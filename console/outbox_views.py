"""/console/outbox: notices that could not be delivered (dead letters), with requeue.

A notice is `dead` after handoff.notify.MAX_ATTEMPTS failures; the sender logs it at
ERROR and every console page of staff and admins shows the count in the top bar (the
queue page also as a banner), so nobody has to read logs to notice that citizens are
not hearing from us. Requeue gives a notice a fresh set of attempts.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ground.privacy import mask_personal_data

from handoff import notify
from handoff.slots import local_now

from .auth import role_required

bp = Blueprint("console_outbox", __name__, url_prefix="/console/outbox", template_folder="templates")
KIND_NAMES = {"status": "进度通知", "booking": "预约通知", "reminder": "预约提醒", "staff_reply": "工作人员回复",
              "handover": "人工服务"}


def _db():
    return current_app.extensions["fayuan_db"]


@bp.get("/")
@role_required("staff", "admin")
def dead_letters():
    with _db().session() as s:
        rows = [{"id": n.id, "kind": KIND_NAMES.get(n.kind, n.kind), "ref": n.ref,
                 "text": mask_personal_data(n.text)[:120], "attempts": n.attempts, "error": n.last_error or "",
                 "created": local_now(n.created_at)} for n in notify.dead_letters(s)]
    return render_template("console/outbox.html", rows=rows)


@bp.post("/requeue")
@role_required("staff", "admin")
def requeue():
    every = request.form.get("all") == "1"
    ids = [int(v) for v in request.form.getlist("id") if v.isdigit() and len(v) < 12]
    if not ids and not every:
        flash("请选择要重新发送的通知。", "error")
        return redirect(url_for(".dead_letters"))
    with _db().session() as s:
        count = notify.requeue(s, None if every else ids)
    flash(f"已重新排队 {count} 条通知，发出后显示「已发送」。", "info")
    return redirect(url_for(".dead_letters"))


def dead_letter_count() -> dict:
    """Template context: the count shown in the console's top bar (staff and admins only)."""
    if not request.path.startswith("/console") or not getattr(current_user, "is_authenticated", False) \
            or current_user.role not in ("staff", "admin"):
        return {}
    with _db().session() as s:
        return {"outbox_dead_count": notify.dead_count(s)}


bp.app_context_processor(dead_letter_count)
