"""/simulator: a phone-sized WeChat-like chat that goes through the same dialog.

Anyone who can open it can talk to the bot and file an application, so it is off in
production (SIMULATOR_ENABLED, bot/config.py) and answers 404 there. Where it is on, its
users are "sim:…" and what they file is a test case: kept out of the staff queue and
the statistics (handoff.models.real_people).

Besides the replies, the page shows what a citizen would receive later — staff replies,
status notices, booking reminders — as the outbox sender delivers them: it polls
/simulator/api/inbox, which lists the simulator user's notices marked sent with
``sent_via='simulator'`` (handoff/notify.py).
"""
from __future__ import annotations

import re
import uuid

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from .channel import handle_in_app
from .inbound import Inbound

bp = Blueprint("simulator", __name__)
_USER_RE = re.compile(r"^[A-Za-z0-9_-]{4,64}$")


@bp.before_request
def only_where_enabled():
    if not current_app.config.get("SIMULATOR_ENABLED"):
        abort(404)


@bp.get("/simulator")
def page():
    return render_template("simulator.html")


@bp.get("/simulator/api/inbox")
def inbox():
    """Notices delivered to this simulator user after notice ``after`` (oldest first)."""
    from sqlalchemy import select

    from handoff.models import Notification

    user = request.args.get("user", "")
    after = request.args.get("after", "0")
    if not _USER_RE.match(user) or not after.isdigit() or len(after) > 12:
        return jsonify(error="参数不对"), 400
    with current_app.extensions["fayuan_db"].session() as s:
        rows = s.scalars(select(Notification).where(
            Notification.user_id == f"sim:{user}", Notification.sent_via == "simulator",
            Notification.status == "sent", Notification.id > int(after)).order_by(Notification.id).limit(50))
        messages = [{"id": n.id, "kind": n.kind, "title": n.title, "text": n.text} for n in rows]
    return jsonify(messages=messages)


@bp.post("/simulator/api/send")
def send():
    data = request.get_json(silent=True) or {}
    user = str(data.get("user") or "")
    if not _USER_RE.match(user):
        user = "sim-" + uuid.uuid4().hex[:12]
    kind = data.get("kind", "text")
    if kind == "subscribe":
        inbound = Inbound(f"sim:{user}", "simulator", "subscribe")
    elif kind == "location":
        try:
            inbound = Inbound(f"sim:{user}", "simulator", "location",
                              latitude=float(data["lat"]), longitude=float(data["lon"]))
        except (KeyError, TypeError, ValueError):
            return jsonify(error="位置格式不对"), 400
    elif kind == "click":
        inbound = Inbound(f"sim:{user}", "simulator", "click", event_key=str(data.get("key", ""))[:64])
    else:
        text = str(data.get("text") or "")[:2000]
        inbound = Inbound(f"sim:{user}", "simulator", "text", text)
    out = handle_in_app(inbound)
    return jsonify(user=user, reply=out.text, faq_id=out.faq_id, code=out.code, options=out.options)
