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


class Refused(Exception):
    """Raised by a `before` hook to refuse the message outright (a replayed request)."""


class Unavailable(RuntimeError):
    """The database could not be reached: nothing of the message was kept; a re-delivery answers it."""


def _unreachable(error: Exception) -> bool:
    """A lost connection, a restarting server, a lock or deadlock timeout: worth one more try."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    return isinstance(error, (OperationalError, InterfaceError)) or (
        isinstance(error, DBAPIError) and bool(error.connection_invalidated))


def handle(db: Database, kb: KnowledgeService, inbound: Inbound, faq_url: Callable[[str], str],
           result_url: Callable[[int], str] | None = None,
           h5_url: Callable[[str, str], str] | None = None,
           on_reply: Callable[[Session, Outbound], None] | None = None,
           before: Callable[[Session], Outbound | None] | None = None,
           redeliverable: bool = False) -> Outbound:
    """Never raises (except LostClaim, Refused and Unavailable): a failure becomes a polite reply (what the citizen typed is kept).

    One transaction per message. `before` runs first in it (the webhook's nonce and
    retry claim): when it returns an Outbound, that is the answer and the dialog does not
    run. `on_reply` runs last in it, after the reply is decided: the webhook finishes its
    retry claim there, so the claim, the dialog's writes and the reply commit together.
    `redeliverable`: the sender re-delivers an unanswered message (WeChat), so when the
    database cannot be reached Unavailable is raised instead of the polite reply — the
    rolled-back message is then answered by the re-delivery.
    """
    try:
        with db.session() as session:
            if before is not None:
                early = before(session)
                if early is not None:
                    return early
            out = route(DialogContext(session=session, kb=kb, faq_url=faq_url, result_url=result_url,
                                      h5_url=h5_url), inbound)
            if on_reply is not None:
                on_reply(session, out)
            return out
    except (LostClaim, Refused):
        raise  # another delivery finished the message, or `before` refused it: this one's work is rolled back
    except Exception as e:  # noqa: BLE001 - the citizen must get an answer, operators get the log
        if redeliverable and _unreachable(e):
            log.warning("database unreachable (channel=%s kind=%s): %s", inbound.channel, inbound.kind,
                        type(e).__name__)
            raise Unavailable() from e
        log.exception("dialog failed (channel=%s kind=%s)", inbound.channel, inbound.kind)
        out = Outbound(T("error"))
        _keep_text(db, inbound, before, on_reply, out)
        return out


def _keep_text(db: Database, inbound: Inbound, before: Callable[[Session], Outbound | None] | None = None,
               on_reply: Callable[[Session, Outbound], None] | None = None,
               out: Outbound | None = None) -> None:
    """After a dialog failure: keep what the citizen typed, and (webhook) finish the claim
    with the apology, so a re-delivery repeats it instead of filing the text twice."""
    from .conversation import record_message

    try:
        with db.session() as session:
            if before is not None and before(session) is not None:
                return  # another delivery answered it meanwhile
            record_message(session, inbound.user_id, "in", inbound.text or inbound.event_key, inbound.kind)
            if on_reply is not None and out is not None:
                on_reply(session, out)
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


def handle_in_app(inbound: Inbound, on_reply: Callable[[Session, Outbound], None] | None = None,
                  before: Callable[[Session], Outbound | None] | None = None,
                  redeliverable: bool = False) -> Outbound:
    app = current_app
    return handle(app.extensions["fayuan_db"], app.extensions["fayuan_kb"], inbound, app_faq_url(),
                  app_result_url(), app_h5_url(), on_reply, before, redeliverable)
