"""The one message type every channel builds: WeChat webhook, simulator and terminal chat.

Because all three enter the dialog with the same object, they behave identically.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["text", "voice", "subscribe", "unsubscribe", "click", "location", "unsupported"]


@dataclass(frozen=True)
class Inbound:
    user_id: str
    channel: str                      # wechat | simulator | cli
    kind: Kind = "text"
    text: str = ""                    # typed text, voice recognition, or a menu key's text
    event_key: str = ""               # menu CLICK key
    latitude: float | None = None
    longitude: float | None = None
    label: str = ""                   # location label from WeChat


@dataclass
class Outbound:
    """None text means: send nothing (WeChat gets 'success')."""

    text: str | None
    faq_id: str | None = None
    code: str | None = None
    options: list[str] = field(default_factory=list)
    # How the transcript files the reply: "text", or "topic" for a topic's general answer
    # (a legal question no entry answers), which the statistics count on their own.
    kind: str = "text"
