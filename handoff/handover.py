"""人工: a conversation handed to a person.

While a person holds the chat the bot stays quiet about the matter itself — the person
answers that (until someone picks it up, the dialog acknowledges every message: bot/dialog/
handlers.py held_reply) — but it still answers what it knows for sure and a waiting citizen needs:
whether anyone is on duty now, the opening hours, the office's address and phone
(「现在有人在吗 什么时候上班」). Everything the citizen writes lands in the transcript that
staff (and the lawyer of their case) read in the console.

The texts are pure functions of the local time and the citizen's place; the dialog
wires them: `acknowledgement` once when 「人工」 opens the handover, `answer_while_held`
for each message while it is open (None: stay silent, the person will answer).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from ground.clock import utcnow

from .models import Handover
from .offices import DAY_ORDER, Office, describe, in_region
from .slots import WEEKDAY_NAMES, _spans
from .texts import H

_HOURS_Q = re.compile(r"有人(?:在)?(?:吗|么|没|不)|有没有人|人呢|^在吗|在不在|(?:几点|什么时候|啥时候|多会儿|哪天)(?:上班|下班|开门|关门|有人|回复|回我|办公)"
                      r"|上班时间|办公时间|工作时间|开放时间|服务时间"
                      r"|(?:周末|周六|周日|礼拜天|星期天|节假日|今天|明天|现在|晚上|中午)(?:上班|有人|开门|办公)(?:吗|么|不|没)")
_WHERE_Q = re.compile(r"地址|在哪|怎么走|怎么去|坐几路|(?:电话|号码)(?:是)?(?:多少|几号)|联系方式是|哪里办")


def open_handover(session: Session, user_id: str) -> Handover:
    """Reuse the citizen's open handover, or open one."""
    found = current(session, user_id)
    if found is not None:
        return found
    h = Handover(user_id=user_id, status="waiting")
    session.add(h)
    session.flush()
    return h


def current(session: Session, user_id: str) -> Handover | None:
    return session.scalars(select(Handover).where(Handover.user_id == user_id,
                                                  Handover.status.in_(("waiting", "active")))
                           .order_by(Handover.id.desc())).first()


def close(session: Session, h: Handover, by: str) -> None:
    if h.status != "closed":
        h.status = "closed"
        h.closed_at = utcnow()
        h.closed_by = by


def take(h: Handover, staff_id: int) -> None:
    h.staff_id = staff_id
    if h.status == "waiting":
        h.status = "active"


# ------------------------------------------------------------------ what the bot still says

@lru_cache(maxsize=1)
def desk_hours(path: Path = Path(__file__).resolve().parent / "booking.yaml") -> dict[str, list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {k: list(v) for k, v in (data.get("handover_hours") or {}).items()}


def _hours_for(region: str | None) -> tuple[dict[str, list[str]], Office | None]:
    """The citizen's own office's hours when we know their place, else the desk's."""
    office = next(iter(in_region(region)), None) if region else None
    return (dict(office.hours) if office and office.hours else desk_hours()), office


def hours_text(hours: dict[str, list[str]]) -> str:
    return Office("", "", "", "", "", "", "", hours, 0.0, 0.0).hours_text()


def on_duty(now_local: datetime, hours: dict[str, list[str]], holidays: frozenset[date] = frozenset()) -> bool:
    """Whether staff are at work at this local moment (a holiday is never a working day)."""
    if now_local.date() in holidays:
        return False
    spans = _spans(hours.get(DAY_ORDER[now_local.weekday()]) or [])
    return any(start <= now_local.time() < end for start, end in spans)


def next_opening(now_local: datetime, hours: dict[str, list[str]],
                 holidays: frozenset[date] = frozenset()) -> datetime | None:
    """The next moment staff start work (within two weeks), for 「明天 8:00 上班」."""
    for offset in range(15):
        day = now_local.date() + timedelta(days=offset)
        if day in holidays:
            continue
        for start, _ in _spans(hours.get(DAY_ORDER[day.weekday()]) or []):
            at = datetime.combine(day, start)
            if at > now_local:
                return at
    return None


def _when_open(now_local: datetime, at: datetime) -> str:
    if at.date() == now_local.date():
        day = "今天"
    elif at.date() == now_local.date() + timedelta(days=1):
        day = "明天"
    else:
        day = f"{at.month}月{at.day}日（{WEEKDAY_NAMES[at.weekday()]}）"
    return f"{day} {at:%H:%M}"


def duty_line(now_local: datetime, region: str | None = None, holidays: frozenset[date] | None = None) -> str:
    """「现在是上班时间…」 or 「现在不在上班时间，明天 08:00 上班后回复您」, with the hours.

    holidays: None reads handoff/holidays.yaml (the offices' closed days).
    """
    if holidays is None:
        from .slots import load_holidays

        holidays = load_holidays()
    hours, _ = _hours_for(region)
    if on_duty(now_local, hours, holidays):
        return H("human_on_duty", hours=hours_text(hours))
    at = next_opening(now_local, hours, holidays)
    return H("human_off_duty", next=_when_open(now_local, at) if at else "上班时间", hours=hours_text(hours))


def acknowledgement(now_local: datetime, region: str | None = None, already: bool = False,
                    holidays: frozenset[date] | None = None) -> str:
    """The one reply to 「人工」: handed over, whether someone is on duty now, the hours, what the bot still answers."""
    if already:
        return H("human_already_open", duty=duty_line(now_local, region, holidays))
    return H("human_open", duty=duty_line(now_local, region, holidays))


def answer_while_held(text: str, now_local: datetime, region: str | None = None,
                      holidays: frozenset[date] | None = None) -> str | None:
    """Hours, duty and address questions are answered while a person holds the chat; anything else: None."""
    clean = re.sub(r"\s+", "", text or "")
    if not clean or len(clean) > 40:
        return None
    from intents.detect import office_question

    asked = office_question(clean)
    if _WHERE_Q.search(clean) or asked == "address":
        _, office = _hours_for(region)
        if office is None:
            return H("human_where_unknown")
        return H("human_where", office=describe(office))
    if _HOURS_Q.search(clean) or asked == "hours":
        return H("human_hours", duty=duty_line(now_local, region, holidays))
    return None
