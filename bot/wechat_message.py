"""Reading one WeChat push strictly: every field checked before anything uses it.

wechatpy's parser converts fields lazily, so a non-numeric CreateTime or MsgId, a
Location_X of ``abc`` or ``nan`` or a 300-character FromUserName used to surface as an
exception deep in the handler (a 500 with a traceback). Here the envelope is read once
into a small typed object, or refused with :class:`BadMessage` (the webhook answers 400).
Pure functions: no Flask, no database.
"""
from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass

from defusedxml import ElementTree as SafeET

from .inbound import Inbound
from .wechat_events import event_action

# An openid is 28 characters of [A-Za-z0-9_-]; allow some room, never a paragraph.
_OPENID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_DIGITS_RE = re.compile(r"^\d{1,20}$")
MAX_KEY_CHARS = 200  # processed_message.key


class BadMessage(ValueError):
    """The push is malformed; the text says which field (for the operator's log, not the citizen)."""


@dataclass(frozen=True)
class WeChatMessage:
    from_user: str
    to_user: str
    msg_type: str          # text | voice | location | event | image | …
    create_time: int
    msg_id: int | None     # None for events
    fields: dict[str, str]  # every child element, as text

    def get(self, name: str) -> str:
        return self.fields.get(name, "")

    @property
    def event(self) -> str:
        return self.get("Event").strip().lower()


def parse(xml: bytes | str) -> WeChatMessage:
    """The checked message, or BadMessage. The XML must already be known safe (no DTD)."""
    try:
        root = SafeET.fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except Exception as e:  # noqa: BLE001 - any parse failure is the sender's fault
        raise BadMessage("not well-formed XML") from e
    fields = {child.tag: (child.text or "") for child in root}
    from_user = fields.get("FromUserName", "").strip()
    if not _OPENID_RE.match(from_user):
        raise BadMessage("FromUserName")
    msg_type = fields.get("MsgType", "").strip().lower()
    if not msg_type or len(msg_type) > 32:
        raise BadMessage("MsgType")
    create_time = fields.get("CreateTime", "").strip()
    if not _DIGITS_RE.match(create_time):
        raise BadMessage("CreateTime")
    msg_id: int | None = None
    if msg_type != "event":
        raw_id = fields.get("MsgId", "").strip()
        if not _DIGITS_RE.match(raw_id):
            raise BadMessage("MsgId")
        msg_id = int(raw_id)
    message = WeChatMessage(from_user, fields.get("ToUserName", "").strip()[:64], msg_type, int(create_time),
                            msg_id, fields)
    if msg_type == "location":
        coordinates(message)  # refuse bad coordinates here, not in the dialog
    return message


def coordinates(message: WeChatMessage) -> tuple[float, float]:
    """Latitude and longitude of a location message, checked to be real numbers on Earth."""
    try:
        lat, lon = float(message.get("Location_X")), float(message.get("Location_Y"))
    except ValueError as e:
        raise BadMessage("Location") from e
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise BadMessage("Location")
    return lat, lon


def to_inbound(message: WeChatMessage) -> Inbound | None:
    """Our channel-neutral Inbound, or None for a push that needs no answer (ignored events)."""
    user, mtype = message.from_user, message.msg_type
    if mtype == "text":
        return Inbound(user, "wechat", "text", message.get("Content"))
    if mtype == "voice":
        return Inbound(user, "wechat", "voice", message.get("Recognition").strip())
    if mtype == "location":
        lat, lon = coordinates(message)
        return Inbound(user, "wechat", "location", latitude=lat, longitude=lon, label=message.get("Label")[:200])
    if mtype == "event":
        action = event_action(message.event)
        if action == "subscribe":
            return Inbound(user, "wechat", "subscribe")
        if action == "unsubscribe":
            return Inbound(user, "wechat", "unsubscribe")
        if action == "click":
            return Inbound(user, "wechat", "click", event_key=message.get("EventKey")[:64])
        return None
    return Inbound(user, "wechat", "unsupported")


def message_key(message: WeChatMessage) -> str:
    """The retry key, bound to the sender.

    WeChat's own rule: MsgId for messages, FromUserName + CreateTime for events. The
    sender is part of both, so re-sending someone else's MsgId under another openid can
    never fetch that person's stored reply; event keys also carry the event and its key,
    so two different menu taps in the same second are two messages.
    """
    if message.msg_type != "event":
        key = f"msg:{message.from_user}:{message.msg_id}"
    else:
        key = f"evt:{message.from_user}:{message.create_time}:{message.event}:{message.get('EventKey')}"
    if len(key) > MAX_KEY_CHARS:
        key = key[:120] + ":" + hashlib.sha256(key.encode()).hexdigest()
    return key
