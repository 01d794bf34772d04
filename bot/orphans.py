"""Answering a message whose delivery died after a retry had already said `success`.

WeChat stops re-sending a message as soon as it gets any answer. A retry that meets a
live delivery holding the message answers `success` and keeps the message (encrypted)
with its busy flag (bot/retry_claims.py). Normally the holder finishes, clears it and
pushes its reply. If the holder dies first (kill -9, out of memory) its transaction is
rolled back and nothing else would ever answer: such a row is an *orphan* — still
unfinished, its lease free, older than WeChat's whole retry window.

The webhook's workers look for orphans now and then (`maybe_adopt`, after a response
has been sent, at most every SCAN_EVERY_SECONDS per process) and run each through the
dialog like a delivery: claim (the lease must be free), dialog, finish — and since the
row is flagged, the reply goes out through the outbox as a customer-service message.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from datetime import timedelta

from sqlalchemy import DateTime, bindparam, text

from ground.clock import utcnow

from .inbound import Inbound, Outbound

log = logging.getLogger(__name__)
ORPHAN_AFTER_SECONDS = 30.0  # WeChat's three deliveries span ~15 s; a holder alive past this is rare
SCAN_EVERY_SECONDS = 10.0
_FIELDS = ("user_id", "channel", "kind", "text", "event_key", "latitude", "longitude", "label")
_WAITING = text('SELECT "key", inbound FROM processed_message WHERE inbound IS NOT NULL AND NOT done '
                "AND claimed_at < :cutoff ORDER BY claimed_at LIMIT :limit").bindparams(
    bindparam("cutoff", type_=DateTime(timezone=True)))
_last_scan = 0.0
_scan_lock = threading.Lock()


def encode(inbound: Inbound) -> str:
    """The message as JSON (bot/retry_claims.py encrypts it before it is stored)."""
    return json.dumps({f: getattr(inbound, f) for f in _FIELDS}, ensure_ascii=False)


def decode(raw: str) -> Inbound:
    data = json.loads(raw)
    return Inbound(**{f: data[f] for f in _FIELDS if f in data})


def adopt(app, older_than: float = ORPHAN_AFTER_SECONDS, limit: int = 5) -> int:
    """Answer up to `limit` orphans through the outbox; returns how many were answered.

    Each runs in one transaction like a delivery; a row whose holder is alive after all
    (the lease is held) or that another worker answered first is left alone."""
    from ground.field_crypto import cipher

    from .channel import Unavailable, handle_in_app
    from .retry_claims import LostClaim, claim, finish

    db = app.extensions["fayuan_db"]
    with db.session() as s:
        rows = s.connection().execute(_WAITING, {"cutoff": utcnow() - timedelta(seconds=older_than),
                                                 "limit": limit}).all()
    answered = 0
    for key, kept in rows:
        try:
            inbound = decode(cipher().decrypt(kept))
        except Exception:  # noqa: BLE001 - an unreadable copy (keys rotated away): drop it, loudly
            log.warning("an orphaned message cannot be read back; dropped")
            with db.session() as s:
                s.connection().execute(text('UPDATE processed_message SET inbound = NULL WHERE "key" = :k'), {"k": key})
            continue
        token, pushed = "", [False]

        def before(session, key=key) -> Outbound | None:
            nonlocal token
            held = claim(session, key)
            if held.state != "owner":
                return Outbound(None)  # finished meanwhile, or its holder is alive after all
            token = held.token
            return None

        def on_reply(session, out: Outbound, key=key, inbound=inbound) -> None:
            from handoff import notify

            if finish(session, key, token, out.text, late=True) and out.text:
                notify.enqueue(session, inbound.user_id, "chat_reply", out.text, title="法援助手回复")
                pushed[0] = True

        try:
            handle_in_app(inbound, on_reply=on_reply, before=before, redeliverable=True)
        except (LostClaim, Unavailable):
            continue
        if pushed[0]:
            answered += 1
            log.info("an orphaned message was answered through the outbox")
    return answered


def maybe_adopt(app, base_url: str) -> None:
    """At most every SCAN_EVERY_SECONDS per process: adopt orphans (called after a response)."""
    global _last_scan
    now = time.monotonic()
    with _scan_lock:
        if now - _last_scan < SCAN_EVERY_SECONDS:
            return
        _last_scan = now
    try:
        with app.test_request_context("/wechat", base_url=base_url):
            adopt(app, older_than=ORPHAN_AFTER_SECONDS)
    except Exception:  # noqa: BLE001 - never disturbs the webhook; the next scan tries again
        log.exception("orphan scan failed")
