"""The WeChat official-account webhook (CONTRACTS §1), on wechatpy.

A tiny edge: verify → decrypt → refuse unsafe XML → parse → dedupe → dialog → render.
No dialog logic lives here, and no message content is logged.
"""
from __future__ import annotations

import logging
import time

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from flask import Blueprint, Response, current_app, request
from wechatpy import create_reply, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

from .channel import handle_in_app
from .conversation import ProcessedMessage, claim_message, pseudonym
from .inbound import Inbound

log = logging.getLogger(__name__)
bp = Blueprint("wechat", __name__)
RETRY_WAIT_SECONDS = 4.0


def _signature_ok() -> bool:
    token = current_app.config.get("WECHAT_TOKEN") or ""
    if not token:
        return False
    try:
        check_signature(token, request.args.get("signature", ""), request.args.get("timestamp", ""),
                        request.args.get("nonce", ""))
    except InvalidSignatureException:
        return False
    return True


@bp.get("/wechat")
def verify() -> Response:
    if not _signature_ok():
        return Response("invalid signature", status=403)
    return Response(request.args.get("echostr", ""), mimetype="text/plain")


def _crypto() -> WeChatCrypto:
    cfg = current_app.config
    return WeChatCrypto(cfg["WECHAT_TOKEN"], cfg["WECHAT_AES_KEY"], cfg["WECHAT_APPID"])


def _is_safe_xml(body: bytes | str) -> bool:
    """Refuse DTDs and entities (XXE, billion laughs) and anything that is not well-formed."""
    try:
        SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, SafeET.ParseError, ValueError, TypeError):
        return False
    return True


def to_inbound(msg) -> Inbound:
    """wechatpy message → our channel-neutral Inbound."""
    user = msg.source
    mtype = msg.type
    if mtype == "text":
        return Inbound(user, "wechat", "text", msg.content or "")
    if mtype == "voice":
        return Inbound(user, "wechat", "voice", (getattr(msg, "recognition", None) or "").strip())
    if mtype == "location":
        return Inbound(user, "wechat", "location", latitude=float(msg.location_x), longitude=float(msg.location_y),
                       label=getattr(msg, "label", "") or "")
    if mtype == "event":
        event = (getattr(msg, "event", "") or "").lower()
        if event == "subscribe" or event == "subscribe_scan":
            return Inbound(user, "wechat", "subscribe")
        if event == "unsubscribe":
            return Inbound(user, "wechat", "unsubscribe")
        if event == "click":
            return Inbound(user, "wechat", "click", event_key=getattr(msg, "key", "") or "")
        if event == "location_select":
            loc = getattr(msg, "location_x", None)
            if loc is not None:
                return Inbound(user, "wechat", "location", latitude=float(msg.location_x),
                               longitude=float(msg.location_y))
            return Inbound(user, "wechat", "location")
        return Inbound(user, "wechat", "unsubscribe")  # other events (VIEW, LOCATION report…): no reply
    return Inbound(user, "wechat", "unsupported")


def message_key(msg) -> str:
    """MsgId for messages; FromUserName + CreateTime for events (WeChat's own dedupe rule)."""
    if msg.type != "event" and getattr(msg, "id", 0):
        return f"msg:{msg.id}"
    return f"evt:{msg.source}:{int(msg.create_time.timestamp()) if hasattr(msg.create_time, 'timestamp') else msg.create_time}"


def _reply_for(msg) -> str | None:
    """Process the message once; a retry of the same key gets the stored reply."""
    db = current_app.extensions["fayuan_db"]
    key = message_key(msg)
    with db.session() as s:
        existing = claim_message(s, key)
    if existing is not None:
        deadline = time.monotonic() + RETRY_WAIT_SECONDS
        while True:
            with db.session() as s:
                row = s.get(ProcessedMessage, key)
                if row is not None and row.done:
                    return row.reply
            if time.monotonic() >= deadline:
                return None  # still being processed by another worker: WeChat will retry
            time.sleep(0.1)
    try:
        out = handle_in_app(to_inbound(msg))
    except Exception:
        with db.session() as s:  # let a retry try again
            row = s.get(ProcessedMessage, key)
            if row is not None:
                s.delete(row)
        raise
    with db.session() as s:
        row = s.get(ProcessedMessage, key)
        if row is not None:
            row.reply = out.text
            row.done = True
    return out.text


@bp.post("/wechat")
def receive() -> Response:
    if not _signature_ok():
        return Response("invalid signature", status=403)
    body = request.get_data()  # raises 413 past MAX_CONTENT_LENGTH
    if not body or not _is_safe_xml(body):
        return Response("bad request", status=400)
    encrypted = request.args.get("encrypt_type", "raw").lower() == "aes"
    if encrypted:
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
        msg = parse_message(xml)
    except Exception:  # noqa: BLE001
        return Response("bad request", status=400)
    if not getattr(msg, "source", None):
        return Response("bad request", status=400)
    log.info("wechat %s from %s", msg.type, pseudonym(msg.source))
    text = _reply_for(msg)
    if not text:
        return Response("success", mimetype="text/plain")
    reply_xml = create_reply(text, msg).render()
    if encrypted:
        reply_xml = _crypto().encrypt_message(reply_xml, request.args.get("nonce", ""),
                                              request.args.get("timestamp", ""))
    return Response(reply_xml, mimetype="application/xml")
