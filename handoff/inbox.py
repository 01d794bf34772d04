"""The 人工 inbox as staff read it: who is waiting, since when, and what they said last.

Why here and not in the view: the navigation badge on every console page and the inbox
list must count "waiting" the same way, and the waiting rule is a pure function that a
test can pin down without a browser. The transcript table belongs to bot/; it is read
through the shared metadata, as the console's transcript view does.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ground.privacy import mask_personal_data

from . import labels
from .models import Application, Handover, aware, real_people, test_users_only

OPEN = ("waiting", "active")
PREVIEW_CHARS = 60
# A URL ends where URL characters end: Chinese text right after it (「…/h5/abc。然后」) is
# not part of it and must not vanish with the link.
_URL_CHARS = r"[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]"
_PERSONAL_LINK = re.compile(rf"https?://{_URL_CHARS}*?/h5/{_URL_CHARS}+")
# The bot's replies carry WeChat's <a href="…">words</a> anchors (bot/replies.py,
# handoff/texts.yaml); the console shows text, so a transcript would print the markup.
_ANCHOR = re.compile(r"<a\s[^>]*?href=[\"']([^\"']*)[\"'][^>]*>(.*?)</a>", re.S | re.I)


def hide_personal_links(text: str) -> str:
    """The chat as a person reads it: each anchor becomes its words, and the citizen's own
    signed links (application, booking) are hidden: whoever holds one acts as the citizen.

    「也可以<a href="…/h5/apply/…">在网页上填写</a>。」 reads 「也可以在网页上填写［本人专用链接，
    已隐藏］。」; a public link (an FAQ page) keeps only its words (「打开说明页」).
    """
    hidden = labels.vocab("inbox")["hidden_link"]

    def anchor(m: re.Match[str]) -> str:
        words = m.group(2).strip()
        return words + hidden if _PERSONAL_LINK.search(m.group(1)) else words

    return _PERSONAL_LINK.sub(hidden, _ANCHOR.sub(anchor, text or ""))


def _messages():
    from ground.orm import Base

    return Base.metadata.tables["chat_message"]


def waiting_since(status: str, opened_at: datetime, messages: list[tuple[str, str, datetime]]) -> datetime | None:
    """Since when the citizen has been waiting for a person, or None when a person answered last.

    `messages` are (direction, kind, created_at) of the chat, oldest first. A chat no one
    has taken waits since it was opened; a taken one waits from the first message the
    citizen sent after the last staff reply.
    """
    opened = aware(opened_at)
    last_reply = max((aware(at) for d, kind, at in messages if d == "out" and kind == "staff"), default=None)
    if last_reply is None:
        return opened if status == "waiting" else next(
            (aware(at) for d, _, at in messages if d == "in" and aware(at) >= opened), None)
    return next((aware(at) for d, _, at in messages if d == "in" and aware(at) > last_reply), None)


def wait_text(since: datetime | None, now: datetime) -> str:
    """「等了 12 分钟」, or 「已回复」 when no one is waiting (texts in labels.yaml: inbox)."""
    words = labels.vocab("inbox")
    if since is None:
        return words["answered"]
    minutes = max(0, int((aware(now) - aware(since)).total_seconds() // 60))
    if minutes < 60:
        return words["minutes"].format(m=minutes)
    if minutes < 24 * 60:
        return words["hours"].format(h=minutes // 60, m=minutes % 60)
    return words["days"].format(d=minutes // (24 * 60))


@dataclass
class InboxRow:
    id: int
    status: str
    user_tail: str          # the last characters of the pseudonymous account id
    opened_at: datetime
    preview: str            # the last message, personal numbers and links masked
    preview_from: str       # who said it: in | staff | bot
    last_at: datetime | None
    since: datetime | None  # waiting since (None: a person answered last)
    user_id: str = ""       # never shown: to look up the citizen's applications


def open_chats(session: Session, simulated: bool = False) -> list[InboxRow]:
    """Every open 人工 chat, oldest first, with its last message and waiting time (one query each).

    Real people's chats by default; `simulated` lists the simulator's test chats instead, so
    a developer's trial never sits in the staff inbox."""
    table = _messages()
    who = test_users_only(Handover.user_id) if simulated else real_people(Handover.user_id)
    handovers = list(session.scalars(select(Handover).where(Handover.status.in_(OPEN), who)
                                     .order_by(Handover.opened_at)))
    if not handovers:
        return []
    start = min(aware(h.opened_at) for h in handovers)
    rows = session.execute(select(table.c.user_id, table.c.direction, table.c.kind, table.c.text, table.c.created_at)
                           .where(table.c.user_id.in_({h.user_id for h in handovers}), table.c.created_at >= start)
                           .order_by(table.c.id))
    by_user: dict[str, list] = {}
    for r in rows:
        by_user.setdefault(r.user_id, []).append(r)
    out = []
    for h in handovers:
        chat = [r for r in by_user.get(h.user_id, []) if aware(r.created_at) >= aware(h.opened_at)]
        last = chat[-1] if chat else session.execute(  # said just before asking for a person
            select(table.c.direction, table.c.kind, table.c.text, table.c.created_at)
            .where(table.c.user_id == h.user_id).order_by(table.c.id.desc()).limit(1)).first()
        text = hide_personal_links(mask_personal_data(last.text)) if last else ""
        out.append(InboxRow(
            id=h.id, status=h.status, user_tail=h.user_id[-6:], opened_at=h.opened_at,
            preview=text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + "…",
            preview_from="in" if last is None or last.direction == "in" else ("staff" if last.kind == "staff" else "bot"),
            last_at=last.created_at if last else None,
            since=waiting_since(h.status, h.opened_at, [(r.direction, r.kind, r.created_at) for r in chat]),
            user_id=h.user_id))
    return out


def case_numbers(session: Session, user_ids: set[str]) -> dict[str, list[str]]:
    """Each chatting citizen's submitted applications: staff answering 「会话 3」 should know it
    is the applicant of FY-2026-000123 (the chat page links the case; the list said only
    the account's last characters)."""
    if not user_ids:
        return {}
    found: dict[str, list[str]] = {}
    for user_id, number in session.execute(select(Application.user_id, Application.number)
                                           .where(Application.user_id.in_(user_ids), Application.status != "draft",
                                                  Application.number.is_not(None)).order_by(Application.id)):
        found.setdefault(user_id, []).append(number)
    return found


def waiting_count(session: Session) -> int:
    """How many open chats wait for a person: the number on the navigation badge."""
    return sum(1 for row in open_chats(session) if row.since is not None)


def find(session: Session, handover_id: int) -> Handover | None:
    """One 人工 conversation of the inbox, by its number."""
    return session.get(Handover, handover_id)
