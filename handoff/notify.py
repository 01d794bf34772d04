"""The notifications outbox: queue a message in the same transaction as the change it
announces; a sender (`python -m bot outbox send`, started beside the web server by
`python -m bot serve`) delivers it later, with retries.

Delivery is AT-LEAST-ONCE. A row is claimed in one short transaction (FOR UPDATE SKIP
LOCKED on PostgreSQL, one atomic UPDATE on SQLite) that marks it ``sending`` with a
lease; the WeChat call happens outside any transaction, so no row lock is ever held
across the network; a second short transaction records the outcome. If the process
dies between the call and the record, or WeChat's acknowledgement is lost, the lease
runs out and another sender sends the message again: a citizen may, rarely, get a
notice twice, but never zero times.

Where a notice goes:
- a WeChat citizen: a customer-service message while they wrote to us within the last
  48 hours (WeChat refuses them after that), else a template message;
- a simulator user (channel ``simulator``, development): the simulator's inbox. The row
  is marked sent with ``sent_via='simulator'`` and the simulator page shows it.

After MAX_ATTEMPTS failures a row is ``dead``: logged at ERROR, counted on the console
home, listed at /console/outbox where staff can requeue it. This module is the only
place that talks to WeChat's HTTP API.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ground.clock import utcnow

from .models import Notification, aware

log = logging.getLogger(__name__)
CS_WINDOW = timedelta(hours=48)
MAX_ATTEMPTS = 6
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
           timedelta(hours=6))
# WeChat error codes meaning "outside the customer-service window": fall back to a template.
WINDOW_ERRCODES = {45015, 45047}
# (connect, read) seconds for every call to WeChat's API: one silent server must not stop delivery.
HTTP_TIMEOUT = (3.05, 10.0)
# A claimed row belongs to its sender this long; longer than the worst case of one delivery
# (token fetch + customer-service try + template fallback, each bounded by HTTP_TIMEOUT).
LEASE = timedelta(seconds=120)
# Without WeChat credentials a WeChat citizen's notice waits this long before being looked at again.
NO_CREDENTIALS_WAIT = timedelta(minutes=5)
SIMULATOR_CHANNEL = "simulator"
# A notice's life: pending → sending (claimed, leased) → sent | failed (→ sending again
# after the backoff) | dead (after MAX_ATTEMPTS; requeue → pending); cancelled (a moved or
# cancelled appointment's reminder) and skipped (a channel with no push) end it unsent.
STATUSES = ("pending", "sending", "sent", "failed", "dead", "cancelled", "skipped")
WAITING = ("pending", "failed", "sending")   # not yet delivered, not given up: 「排队中」


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


# ------------------------------------------------------------------ what staff see

STATUS_LABELS = {"pending": "排队中", "sending": "排队中", "failed": "排队中", "sent": "已发送",
                 "dead": "发送失败", "cancelled": "已取消", "skipped": "未发送"}


def status_label(status: str) -> str:
    """The console's word for a notice: 「已发送」 only once it really went out."""
    return STATUS_LABELS.get(status, status)


def for_user(session: Session, user_id: str, kinds: Iterable[str] | None = None) -> list[Notification]:
    q = select(Notification).where(Notification.user_id == user_id)
    if kinds is not None:
        q = q.where(Notification.kind.in_(tuple(kinds)))
    return list(session.scalars(q.order_by(Notification.id)))


def dead_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Notification).where(Notification.status == "dead")) or 0


def dead_letters(session: Session, limit: int = 200) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.status == "dead")
                                .order_by(Notification.id.desc()).limit(limit)))


def requeue(session: Session, ids: Iterable[int] | None = None) -> int:
    """Give dead notices a fresh set of attempts (all of them when ``ids`` is None)."""
    q = update(Notification).where(Notification.status == "dead")
    if ids is not None:
        q = q.where(Notification.id.in_(tuple(ids)))
    result = session.execute(q.values(status="pending", attempts=0, not_before=utcnow()),
                             execution_options={"synchronize_session": False})
    return result.rowcount or 0


# ------------------------------------------------------------------ delivery

@dataclass
class SendConfig:
    appid: str
    secret: str
    template_id: str = ""
    api_base_url: str = ""   # a local fake in tests; WeChat's own URL when empty
    page_url: str = ""       # where a template message links to
    timeout: tuple[float, float] = HTTP_TIMEOUT

    @property
    def has_credentials(self) -> bool:
        return bool(self.appid and self.secret)


def make_client(cfg: SendConfig, session_factory: Callable | None = None):
    """wechatpy's client with a timeout on every call, optionally pointed at another API base
    URL; with ``session_factory`` its access token is the one shared through the database
    (handoff/wechat_token.py), so any number of senders use one token and one refresher."""
    from wechatpy import WeChatClient
    from wechatpy.exceptions import WeChatClientException

    from .wechat_token import shared_token

    class Client(WeChatClient):
        _used: str | None = None
        _refreshes = 0

        def _fetch(self) -> tuple[str, int]:
            # wechatpy hard-codes the token URL and calls it without a timeout: follow
            # API_BASE_URL and bound the call like every other one.
            res = self._http.get(f"{self.API_BASE_URL}token", timeout=self.timeout,
                                 params={"grant_type": "client_credential", "appid": self.appid,
                                         "secret": self.secret})
            res.raise_for_status()
            result = res.json()
            if result.get("errcode"):
                raise WeChatClientException(result["errcode"], result.get("errmsg"), client=self)
            return result["access_token"], int(result.get("expires_in", 7200))

        @property
        def access_token(self):
            if session_factory is None:
                return super().access_token
            self._used = shared_token(session_factory, self.appid, self._fetch)
            return self._used

        def fetch_access_token(self):
            """Called by wechatpy when WeChat rejects the token (40001, 42001): refresh it."""
            if session_factory is None:
                token, expires_in = self._fetch()
                self.session.set(self.access_token_key, token, expires_in)
                self.expires_at = int(utcnow().timestamp()) + expires_in
                return {"access_token": token, "expires_in": expires_in}
            self._refreshes += 1
            if self._refreshes > 3:  # WeChat keeps refusing fresh tokens: fail this delivery, retry later
                raise WeChatClientException(40001, "access token refused again after refreshing", client=self)
            self._used = shared_token(session_factory, self.appid, self._fetch, rejected=self._used)
            self.session.set(self.access_token_key, self._used, 7200)  # wechatpy retries with this one
            return {"access_token": self._used}

    client = Client(cfg.appid, cfg.secret, timeout=cfg.timeout)
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


def claim_due(session: Session, now: datetime, limit: int) -> list[tuple[int, int]]:
    """Mark up to ``limit`` due rows ``sending`` for this sender: their (id, attempt number).

    One statement, committed by the caller at once: on PostgreSQL the inner SELECT skips
    rows another sender holds (SKIP LOCKED); on SQLite the single UPDATE is atomic under
    the database's write lock. A ``sending`` row whose lease ran out (its sender died) is
    due again. ``not_before`` doubles as the lease's end while a row is ``sending``.
    """
    due = (select(Notification.id)
           .where(Notification.status.in_(WAITING), Notification.not_before <= now)
           .order_by(Notification.not_before, Notification.id).limit(limit)
           .with_for_update(skip_locked=True))
    result = session.execute(
        update(Notification).where(Notification.id.in_(due), Notification.status.in_(WAITING))
        .values(status="sending", attempts=Notification.attempts + 1, not_before=now + LEASE)
        .returning(Notification.id, Notification.attempts),
        execution_options={"synchronize_session": False})
    return [(nid, attempts) for nid, attempts in result]


def _finish(session_factory: Callable, nid: int, claimed_attempts: int, /, **values) -> bool:
    """Record the outcome, unless another sender took the row over after our lease ran out."""
    with session_factory() as s:
        result = s.execute(update(Notification)
                           .where(Notification.id == nid, Notification.status == "sending",
                                  Notification.attempts == claimed_attempts).values(**values),
                           execution_options={"synchronize_session": False})
        return bool(result.rowcount)


def _failure(nid: int, attempts: int, error: str, now: datetime) -> dict:
    if attempts >= MAX_ATTEMPTS:
        log.error("outbox notification %s is dead after %s attempts: %s (requeue it at /console/outbox)",
                  nid, attempts, error)
        return {"status": "dead", "last_error": error}
    log.warning("outbox notification %s failed (attempt %s): %s", nid, attempts, error)
    return {"status": "failed", "last_error": error,
            "not_before": now + BACKOFF[min(attempts - 1, len(BACKOFF) - 1)]}


def send_pending(session_factory: Callable, cfg: SendConfig, contact: Callable, now: datetime | None = None,
                 limit: int = 100, client=None) -> dict[str, int]:
    """Deliver due rows: claim (short transaction), send (no transaction), record (short transaction).

    `contact(session, user_id)` → (channel, last inbound time) comes from the conversation
    store (bot/), which handoff does not import.
    """
    now = now or utcnow()
    counts = {"sent": 0, "simulator": 0, "failed": 0, "dead": 0, "skipped": 0, "waiting_for_credentials": 0}
    with session_factory() as s:
        claimed = claim_due(s, now, limit)
    for nid, attempts in claimed:
        with session_factory() as s:
            row = s.get(Notification, nid)
            if row is None:
                continue
            s.expunge(row)  # a detached snapshot: nothing below holds the session open
            channel, last_inbound = contact(s, row.user_id)
        if channel == SIMULATOR_CHANNEL:
            if _finish(session_factory, nid, attempts, status="sent", sent_via="simulator", sent_at=utcnow(),
                       last_error=None):
                counts["simulator"] += 1
            continue
        if channel not in (None, "wechat"):
            _finish(session_factory, nid, attempts, status="skipped", last_error=f"channel {channel} has no push")
            counts["skipped"] += 1
            continue
        if not cfg.has_credentials:
            _finish(session_factory, nid, attempts, status="pending", attempts=attempts - 1,
                    not_before=now + NO_CREDENTIALS_WAIT, last_error="no WECHAT_APPID/WECHAT_SECRET configured")
            counts["waiting_for_credentials"] += 1
            continue
        if attempts > MAX_ATTEMPTS:  # senders died mid-call again and again
            _finish(session_factory, nid, attempts, **_failure(nid, attempts, "sender stopped mid-delivery", now))
            counts["dead"] += 1
            continue
        client = client or make_client(cfg, session_factory)
        try:
            via = deliver(client, cfg, row, last_inbound, now)
        except Exception as e:  # noqa: BLE001 - any failure is retried, then given up
            outcome = _failure(nid, attempts, f"{type(e).__name__}: errcode={_errcode(e)}"[:200], now)
            _finish(session_factory, nid, attempts, **outcome)
            counts[outcome["status"]] += 1
            continue
        if not _finish(session_factory, nid, attempts, status="sent", sent_via=via, sent_at=utcnow(),
                       last_error=None):
            log.warning("outbox notification %s was sent but another sender had taken it over", nid)
        counts["sent"] += 1
    if counts["waiting_for_credentials"]:
        log.error("%s WeChat notices wait: set WECHAT_APPID and WECHAT_SECRET", counts["waiting_for_credentials"])
    return counts

