"""The conversation as the console shows it to staff and lawyers.

The transcript table belongs to bot/ (chat_message); it is read and written through the
shared metadata, as handoff/inbox.py does, so this room never imports the bot and the
console's views hold no SQL.
"""
from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ground.clock import utcnow
from ground.orm import Base

from . import inbox

COMPLAINT_CODE = "service.complaint"  # the FAQ topic of complaints about staff or lawyers


def _table():
    return Base.metadata.tables["chat_message"]


def for_console(session: Session, user_id: str, for_lawyer: bool = False) -> list:
    """The chat as the console reads it.

    The citizen's own signed links (application, booking) are hidden: whoever holds one
    acts as the citizen. A lawyer sees the whole conversation, also what the citizen wrote
    after submitting (「别给我打电话，我老公会听到」 must reach the person who would call),
    except complaints about staff or lawyers: the message the bot answered with the
    complaints topic is shown as a placeholder — complaints go to staff, not to the person
    complained about (PIPL 6: the minimum necessary).
    """
    table = _table()
    q = select(table.c.direction, table.c.kind, table.c.text, table.c.code, table.c.created_at) \
        .where(table.c.user_id == user_id)
    rows = list(session.execute(q.order_by(table.c.id)))
    hidden = set()
    if for_lawyer:
        for i, r in enumerate(rows):
            if r.direction == "out" and r.code == COMPLAINT_CODE:
                hidden.add(i)
                if i > 0 and rows[i - 1].direction == "in":
                    hidden.add(i - 1)
    return [SimpleNamespace(direction=r.direction, kind=r.kind, created_at=r.created_at,
                            text=("［对服务的意见，已转工作人员处理］" if i in hidden
                                  else inbox.hide_personal_links(r.text or "")))
            for i, r in enumerate(rows)]


def last_inbound(session: Session, user_ids: list[str]) -> dict[str, datetime]:
    """When each citizen last wrote to us: one grouped query for the whole queue."""
    if not user_ids:
        return {}
    table = _table()
    rows = session.execute(select(table.c.user_id, func.max(table.c.created_at))
                           .where(table.c.user_id.in_(set(user_ids)), table.c.direction == "in")
                           .group_by(table.c.user_id))
    return {user_id: last for user_id, last in rows}


def add_staff_reply(session: Session, user_id: str, text: str) -> None:
    """A staff member's reply, in the transcript beside the bot's messages."""
    session.execute(_table().insert().values(user_id=user_id, direction="out", kind="staff", text=text,
                                             created_at=utcnow()))
