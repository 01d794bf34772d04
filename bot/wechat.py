"""The WeChat official-account webhook (CONTRACTS §1), on wechatpy.

A tiny edge: verify → refuse stale or replayed requests → decrypt → refuse unsafe XML →
parse strictly → claim the retry key → dialog → render. No dialog logic lives here, and
no message content is logged.

Modes (WeChat's 明文 / 兼容 / 安全): with WECHAT_AES_KEY set only encrypted requests with
a valid msg_signature are answered, unless WECHAT_ACCEPT_PLAIN is set (plain and
compatible mode, e.g. during a switch-over). Without an AES key the account runs in plain
mode. In every mode the timestamp must be fresh and the nonce unused (bot/replay_guard.py) —
except for events that need no answer (bot/wechat_events.py: ``ignore``), which are
answered `success` without touching the database: replaying one can do nothing, and a
template delivery report must not fail while the database is down.
"""
from __future__ import annotations

import logging
import time
from typing import Callable

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from flask import Blueprint, Response, current_app, request
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from . import orphans
from .channel import Refused, Unavailable, handle_in_app
from .conversation import pseudonym
from .inbound import Outbound
from .replay_guard import nonce_unused, remember_nonce, timestamp_is_fresh
from .retry_claims import ANSWER_WITHIN_SECONDS, LostClaim, claim, finish, send_later, stored
from .wechat_message import BadMessage, WeChatMessage, message_key, parse, to_inbound

log = logging.getLogger(__name__)
bp = Blueprint("wechat", __name__)
ASYNC_REPLY_TITLE = "法援助手回复"
RETRY_PAUSE_SECONDS = 0.25  # between attempts while the database is unreachable


def _signature_ok() -> bool:
    """WeChat's signature over (token, timestamp, nonce), and a timestamp of the last minutes."""
    token = current_app.config.get("WECHAT_TOKEN") or ""
    if not token:
        return False
    timestamp = request.args.get("timestamp", "")
    try:
        check_signature(token, request.args.get("signature", ""), timestamp, request.args.get("nonce", ""))
    except InvalidSignatureException:
        return False
    return timestamp_is_fresh(timestamp, time.time())


@bp.get("/wechat")
def verify() -> Response:
    if not _signature_ok():
        return Response("invalid signature", status=403)
    return Response(request.args.get("echostr", ""), mimetype="text/plain")


def _crypto() -> WeChatCrypto:
    """The app's AES envelope, made once per configuration (it holds only the decoded key)."""
    cfg = current_app.config
    settings = (cfg["WECHAT_TOKEN"], cfg["WECHAT_AES_KEY"], cfg["WECHAT_APPID"])
    made = current_app.extensions.get("fayuan_wechat_crypto")
    if made is None or made[0] != settings:
        made = (settings, WeChatCrypto(*settings))
        current_app.extensions["fayuan_wechat_crypto"] = made
    return made[1]


def _is_safe_xml(body: bytes | str) -> bool:
    """Refuse DTDs and entities (XXE, billion laughs) and anything that is not well-formed."""
    try:
        SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, SafeET.ParseError, ValueError, TypeError):
        return False
    return True


class ReplayedRequest(Refused):
    """The (timestamp, nonce) pair was already used for another body."""


def _reply_for(message: WeChatMessage, started: float, body: bytes) -> str | None:
    """Process the message once; None means answer `success` (nothing, or sent via the outbox).

    One transaction: the nonce, the retry claim (a lease held by the transaction,
    bot/retry_claims.py), the dialog and the reply with the claim's finish commit together
    or not at all.
    """
    inbound = to_inbound(message)
    assert inbound is not None  # ignored events are answered before (receive)
    db = current_app.extensions["fayuan_db"]
    key = message_key(message)
    timestamp, nonce = request.args.get("timestamp", ""), request.args.get("nonce", "")
    token = ""
    via_outbox = False
    deadline = float(current_app.config.get("WECHAT_ANSWER_WITHIN_SECONDS", ANSWER_WITHIN_SECONDS))

    def late() -> bool:
        """WeChat may have hung up: counted from our start and from WeChat's own send time
        (the signed timestamp, whole seconds: at least now - timestamp - 1 ago), since a
        request can wait in the server's queue before we start."""
        return max(time.monotonic() - started, time.time() - int(timestamp) - 1.0) > deadline

    def push(session, text: str) -> None:
        from handoff import notify

        notify.enqueue(session, inbound.user_id, "chat_reply", text, title=ASYNC_REPLY_TITLE)

    # SQLite has one writer at a time: there the nonce is checked first and written last,
    # with the reply, so the dialog does not hold the database's write lock.
    write_last = db.engine.dialect.name == "sqlite"

    def record_nonce(session) -> None:
        if not remember_nonce(session, timestamp, nonce, body):
            raise ReplayedRequest()

    def guard(session) -> Outbound | None:
        nonlocal token
        if write_last:
            if not nonce_unused(session, timestamp, nonce, body):
                raise ReplayedRequest()
        else:
            record_nonce(session)
        held = claim(session, key, keep=lambda: orphans.encode(inbound))
        if held.state == "owner":
            token = held.token
            current_app.extensions["fayuan_kb"].known_version(session, held.kb_version)
            return None
        if write_last:
            record_nonce(session)
        if held.state == "done":
            if held.reply and late():  # a re-delivery means the passive reply never arrived
                send_later(session, key)
                push(session, held.reply)
                return Outbound(None)
            return Outbound(held.reply)
        return Outbound(None)  # busy: the worker holding it sends the reply through the outbox

    def record_reply(session, out: Outbound) -> None:
        nonlocal via_outbox
        if write_last:
            record_nonce(session)
        via_outbox = finish(session, key, token, out.text, late())
        if via_outbox:
            push(session, out.text or "")

    try:
        out = _with_retries(lambda: handle_in_app(inbound, on_reply=record_reply, before=guard, redeliverable=True),
                            started)
    except LostClaim:
        log.info("wechat message %s from %s was finished by another delivery", message.msg_type,
                 pseudonym(message.from_user))
        with db.session() as s:
            return stored(s, key).reply
    return None if via_outbox else out.text


def _with_retries(attempt: Callable[[], Outbound], started: float) -> Outbound:
    """Run the message's transaction again while the database is unreachable (a restart takes a
    second or two) and WeChat is still listening; then Unavailable (503) leaves it to WeChat's
    re-delivery. Nothing of a failed attempt was kept, so running it again is safe.

    The webhook's connections are not pinged before use (Database.unpinged): a pooled
    connection the server dropped fails the first statement, SQLAlchemy discards it and the
    pool's other old connections, and the first such failure is retried at once."""
    deadline = started + float(current_app.config.get("WECHAT_ANSWER_WITHIN_SECONDS", ANSWER_WITHIN_SECONDS)) - 0.5
    fresh_tried = False
    db = current_app.extensions["fayuan_db"]
    while True:
        try:
            with db.unpinged():
                return attempt()
        except Unavailable as e:
            if not fresh_tried and _dropped_connection(e.__cause__) and time.monotonic() < deadline:
                fresh_tried = True
                continue  # a stale pooled connection: a fresh one usually works at once
            if time.monotonic() + RETRY_PAUSE_SECONDS > deadline:
                raise
            time.sleep(RETRY_PAUSE_SECONDS)


def _dropped_connection(error: BaseException | None) -> bool:
    from sqlalchemy.exc import DBAPIError

    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


@bp.post("/wechat")
def receive() -> Response:
    started = time.monotonic()
    if not _signature_ok():
        return Response("invalid signature", status=403)
    body = request.get_data()  # raises 413 past MAX_CONTENT_LENGTH
    if not body or not _is_safe_xml(body):
        return Response("bad request", status=400)
    encrypted = request.args.get("encrypt_type", "raw").lower() == "aes"
    cfg = current_app.config
    if not encrypted and cfg.get("WECHAT_AES_KEY") and not cfg.get("WECHAT_ACCEPT_PLAIN"):
        return Response("encrypted messages only", status=403)
    if encrypted:
        if not cfg.get("WECHAT_AES_KEY"):
            return Response("bad request", status=400)
        try:
            xml = _crypto().decrypt_message(body, request.args.get("msg_signature", ""),
                                            request.args.get("timestamp", ""), request.args.get("nonce", ""))
        except (InvalidSignatureException, InvalidAppIdException):
            return Response("invalid signature", status=403)
        except Exception:  # noqa: BLE001 - any malformed envelope is the sender's fault
            return Response("bad request", status=400)
        if not _is_safe_xml(xml):
            return Response("bad request", status=400)
    else:
        xml = body
    try:
        message = parse(xml)
    except BadMessage as e:
        log.info("wechat push refused: bad %s", e)
        return Response("bad request", status=400)
    log.info("wechat %s from %s", message.msg_type, pseudonym(message.from_user))
    if to_inbound(message) is None:
        # An event that is not the citizen speaking (a template's delivery report, a menu
        # link, a location report): nothing to answer and nothing to keep, so the database
        # is not touched — it answers `success` even while the database is down, and a
        # replay of it could do nothing either (its nonce need not be recorded).
        return Response("success", mimetype="text/plain")
    try:
        text = _reply_for(message, started, body)
    except ReplayedRequest:
        return Response("nonce already used", status=403)
    except Unavailable:
        # Nothing was kept: WeChat re-delivers the message and the retry answers it.
        return Response("temporarily unavailable", status=503)
    if not text:
        return _after(Response("success", mimetype="text/plain"))
    reply_xml = TextReply(source=message.to_user, target=message.from_user, content=text).render()
    if encrypted:
        reply_xml = _crypto().encrypt_message(reply_xml, request.args.get("nonce", ""),
                                              request.args.get("timestamp", ""))
    return _after(Response(reply_xml, mimetype="application/xml"))


def _after(response: Response) -> Response:
    """Once the answer is sent: now and then, answer messages whose delivery died (bot/orphans.py)."""
    app, base_url = current_app._get_current_object(), request.host_url  # type: ignore[attr-defined]
    response.call_on_close(lambda: orphans.maybe_adopt(app, base_url))
    return response
