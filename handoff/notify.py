"""The notifications outbox: queue a message in the same transaction as the change it
announces; `python -m bot outbox send` delivers it later, with retries.

Delivery goes through wechatpy's WeChatClient: a customer-service message while the
citizen wrote to us within the last 48 hours (WeChat refuses them after that), else a
template message. This module is the only place that talks to WeChat's HTTP API.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from knowledge_base.models import utcnow

from .models import Notification, aware

log = logging.getLogger(__name__)
CS_WINDOW = timedelta(hours=48)
MAX_ATTEMPTS = 6
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
           timedelta(hours=6))
# WeChat error codes meaning "outside the customer-service window": fall back to a template.
WINDOW_ERRCODES = {45015, 45047}


def enqueue(session: Session, user_id: str, kind: str, text: str, *, title: str = "", ref: str = "",
            not_before: datetime | None = None, appointment_id: int | None = None) -> Notification:
    row = Notification(user_id=user_id, kind=kind, text=text, title=title, ref=ref,
                       not_before=not_before or utcnow(), appointment_id=appointment_id, status="pending")
    session.add(row)
    return row


def cancel_for_appointment(session: Session, appointment_id: int) -> None:
    """A cancelled or moved appointment must not be reminded."""
    session.execute(update(Notification)
                    .where(Notification.appointment_id == appointment_id, Notification.status == "pending")
                    .values(status="cancelled"))


# ------------------------------------------------------------------ delivery

@dataclass
class SendConfig:
    appid: str
    secret: str
    template_id: str = ""
    api_base_url: str = ""   # a local fake in tests; WeChat's own URL when empty
    page_url: str = ""       # where a template message links to


def make_client(cfg: SendConfig):
    """wechatpy's client, optionally pointed at another API base URL (tests, a proxy)."""
    from wechatpy import WeChatClient

    class Client(WeChatClient):
        def fetch_access_token(self):  # wechatpy hard-codes the token URL; follow API_BASE_URL
            return self._fetch_access_token(url=f"{self.API_BASE_URL}token",
                                            params={"grant_type": "client_credential", "appid": self.appid,
                                                    "secret": self.secret})

    client = Client(cfg.appid, cfg.secret)
    if cfg.api_base_url:
        client.API_BASE_URL = cfg.api_base_url.rstrip("/") + "/"
    return client


def _errcode(exc: Exception) -> int | None:
    code = getattr(exc, "errcode", None)
    try:
        return int(code) if code is not None else None
    except (TypeError, ValueError):
        return None


def _send_template(client, cfg: SendConfig, row: Notification) -> None:
    if not cfg.template_id:
        raise RuntimeError("outside the 48-hour window and no WECHAT_TEMPLATE_ID configured")
    data = {"first": {"value": row.title or "法律援助通知"}, "keyword1": {"value": row.ref or "-"},
            "keyword2": {"value": row.text[:180]}, "remark": {"value": "如有疑问请拨打 12348。"}}
    client.message.send_template(row.user_id, cfg.template_id, data, url=cfg.page_url or None)


def deliver(client, cfg: SendConfig, row: Notification, last_inbound_at: datetime | None, now: datetime) -> str:
    """Send one row; returns how ('custom' or 'template'). Raises on failure."""
    from wechatpy.exceptions import WeChatClientException

    last = aware(last_inbound_at)
    if last is not None and now - last < CS_WINDOW:
        try:
            client.message.send_text(row.user_id, row.text)
            return "custom"
        except WeChatClientException as e:
            if _errcode(e) not in WINDOW_ERRCODES:
                raise
    _send_template(client, cfg, row)
    return "template"


def send_pending(session_factory: Callable, cfg: SendConfig, contact: Callable, now: datetime | None = None,
                 limit: int = 100, client=None) -> dict[str, int]:
    """Deliver due rows, each in its own transaction; failures are retried with backoff.

    Rows are claimed with FOR UPDATE SKIP LOCKED on PostgreSQL so that two workers never
    send the same message twice. `contact(session, user_id)` → (channel, last inbound
    time) comes from the conversation store (bot/), which handoff does not import.
    """
    now = now or utcnow()
    client = client or make_client(cfg)
    counts = {"sent": 0, "failed": 0, "dead": 0, "skipped": 0}
    with session_factory() as s:
        ids = list(s.scalars(select(Notification.id)
                             .where(Notification.status.in_(("pending", "failed")), Notification.not_before <= now)
                             .order_by(Notification.not_before, Notification.id).limit(limit)))
    for nid in ids:
        with session_factory() as s:
            q = select(Notification).where(Notification.id == nid, Notification.status.in_(("pending", "failed")))
            if s.bind.dialect.name == "postgresql":
                q = q.with_for_update(skip_locked=True)
            row = s.scalars(q).first()
            if row is None:
                continue
            channel, last_inbound = contact(s, row.user_id)
            if channel not in (None, "wechat"):
                row.status, row.last_error = "skipped", f"channel {channel} has no push"
                counts["skipped"] += 1
                continue
            row.attempts += 1
            try:
                row.sent_via = deliver(client, cfg, row, last_inbound, now)
                row.status, row.sent_at, row.last_error = "sent", utcnow(), None
                counts["sent"] += 1
            except Exception as e:  # noqa: BLE001 - any failure is retried, then given up
                row.last_error = f"{type(e).__name__}: errcode={_errcode(e)}"[:200]
                if row.attempts >= MAX_ATTEMPTS:
                    row.status = "dead"
                    counts["dead"] += 1
                else:
                    row.status = "failed"
                    row.not_before = now + BACKOFF[min(row.attempts - 1, len(BACKOFF) - 1)]
                    counts["failed"] += 1
                log.warning("outbox notification %s failed (attempt %s): %s", row.id, row.attempts, row.last_error)
    return counts
