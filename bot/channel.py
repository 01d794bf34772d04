"""Runs one Inbound through the dialog inside a transaction: shared by every channel."""
from __future__ import annotations

import logging
from typing import Callable

from flask import current_app, url_for

from sqlalchemy.orm import Session

from .db import Database
from .dialog import DialogContext, T, route
from .inbound import Inbound, Outbound
from .retry_claims import LostClaim
from knowledge_base.service import KnowledgeService

log = logging.getLogger(__name__)


def handle(db: Database, kb: KnowledgeService, inbound: Inbound, faq_url: Callable[[str], str],
           result_url: Callable[[int], str] | None = None,
           h5_url: Callable[[str, str], str] | None = None,
           on_reply: Callable[[Session, Outbound], None] | None = None) -> Outbound:
    """Never raises (except LostClaim): a failure becomes a polite reply (what the citizen typed is kept).

    `on_reply` runs inside the dialog's transaction, after the reply is decided: the
    webhook finishes its retry claim there, so the reply and the claim commit together.
    """
    try:
        with db.session() as session:
            out = route(DialogContext(session=session, kb=kb, faq_url=faq_url, result_url=result_url,
                                      h5_url=h5_url), inbound)
            if on_reply is not None:
                on_reply(session, out)
            return out
    except LostClaim:
        raise  # another delivery owns the message: this one's work is rolled back, say nothing
    except Exception:  # noqa: BLE001 - the citizen must get an answer, operators get the log
        log.exception("dialog failed (channel=%s kind=%s)", inbound.channel, inbound.kind)
        _keep_text(db, inbound)
        return Outbound(T("error"))


def _keep_text(db: Database, inbound: Inbound) -> None:
    from .conversation import record_message

    try:
        with db.session() as session:
            record_message(session, inbound.user_id, "in", inbound.text or inbound.event_key, inbound.kind)
    except Exception:  # noqa: BLE001
        log.exception("could not keep the message after a dialog failure")


def _public_url(path: str) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL") or ""
    if base:
        return f"{base.rstrip('/')}{path}"
    return url_for("pages.home", _external=True).rstrip("/") + path


def app_faq_url() -> Callable[[str], str]:
    return lambda faq_id: _public_url(f"/faq/{faq_id}")


def app_result_url() -> Callable[[int], str]:
    from .result_view import result_token

    secret = current_app.config["SECRET_KEY"]
    return lambda record_id: _public_url(f"/result/{result_token(secret, record_id)}")


def app_h5_url() -> Callable[[str, str], str]:
    """Signed, expiring links to the citizen's H5 pages (handoff/links.py)."""
    from handoff.links import make_token

    secret = current_app.config["SECRET_KEY"]
    return lambda page, user_id: _public_url(f"/h5/{page}/{make_token(secret, user_id, page)}")


def handle_in_app(inbound: Inbound, on_reply: Callable[[Session, Outbound], None] | None = None) -> Outbound:
    app = current_app
    return handle(app.extensions["fayuan_db"], app.extensions["fayuan_kb"], inbound, app_faq_url(),
                  app_result_url(), app_h5_url(), on_reply)
