"""Citizen-facing H5 pages: the full answer of an FAQ entry (linked from long replies)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from knowledge_base import store as kb_store

bp = Blueprint("pages", __name__)


@bp.get("/faq/<faq_id>")
def faq_page(faq_id: str):
    with current_app.extensions["fayuan_db"].session() as s:
        entry = kb_store.get_entry(s, faq_id)
        if entry is None:
            abort(404)
        data = entry.as_content()
    paragraphs = [p.strip() for p in data["full_answer"].split("\n") if p.strip()]
    return render_template("faq.html", entry=data, paragraphs=paragraphs)


@bp.get("/result/<token>")
def result_page(token: str):
    from .conversation import EligibilityRecord
    from .result_view import full_text, record_id_from_token

    record_id = record_id_from_token(current_app.config["SECRET_KEY"], token)
    if record_id is None:
        abort(404)
    with current_app.extensions["fayuan_db"].session() as s:
        record = s.get(EligibilityRecord, record_id)
        if record is None:
            abort(404)
        text = full_text(record.result or {}, record.facts or {})
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    return render_template("result.html", blocks=[b.split("\n") for b in blocks])


@bp.get("/")
def home():
    return render_template("message.html", title="法援助手",
                           message="法援助手：法律援助智能问答。请在微信公众号中使用，或打开 /simulator 体验。")
