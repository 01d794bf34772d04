"""Citizen-facing H5 pages: the full answer of an FAQ entry (linked from long replies)."""
from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, render_template, url_for

from knowledge_base import store as kb_store

from .h5 import web_texts

bp = Blueprint("pages", __name__)


_FAQ_ID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@bp.get("/faq/<faq_id>")
def faq_page(faq_id: str):
    if not _FAQ_ID_RE.match(faq_id):  # e.g. %00, which PostgreSQL refuses with an error
        abort(404)
    with current_app.extensions["fayuan_db"].session() as s:
        entry = kb_store.get_entry(s, faq_id)
        if entry is None:
            abort(404)
        data = entry.as_content()
    paragraphs = [p.strip() for p in data["full_answer"].split("\n") if p.strip()]
    return render_template("faq.html", entry=data, paragraphs=paragraphs)


APPLY_DECISIONS = ("eligible", "likely_eligible")


@bp.get("/result/<token>")
def result_page(token: str):
    from .conversation import EligibilityRecord
    from .result_view import full_text, record_id_from_token, token_expired

    secret = current_app.config["SECRET_KEY"]
    record_id = record_id_from_token(secret, token)
    if record_id is None:
        if token_expired(secret, token):
            return render_template("message.html", title="链接已过期",
                                   message="为保护您的信息，评估结果链接 30 天后失效。请在公众号里回复「评估」重新查看。"), 410
        abort(404)
    with current_app.extensions["fayuan_db"].session() as s:
        record = s.get(EligibilityRecord, record_id)
        if record is None:
            abort(404)
        text = full_text(record.result or {}, record.facts or {})
        decision = (record.result or {}).get("decision")
        user_id = record.user_id
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    # The page ends in the action it recommends: a button, not 「回复「申请」」 to a chat it is not in.
    apply_url = None
    if decision in APPLY_DECISIONS and user_id:
        from handoff.links import make_token
        apply_url = url_for("h5.apply_form", token=make_token(current_app.config["SECRET_KEY"], user_id, "apply"))
    return render_template("result.html", blocks=[b.split("\n") for b in blocks], apply_url=apply_url,
                           t=web_texts())


@bp.get("/")
def home():
    return render_template("message.html", title="法援助手",
                           message="法援助手：法律援助智能问答。请在微信公众号中使用，或打开 /simulator 体验。")
