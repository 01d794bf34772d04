"""Pure slot generation: an office's opening hours, holidays and the booking policy in,
the slots a given citizen may book out. No database, no clock: `now` is an argument.

Times are the office's local wall-clock time (China Standard Time, UTC+8, no DST),
naive, exactly as stored in slot_count and appointment.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

import yaml

from .offices import Office

HERE = Path(__file__).resolve().parent
CST = timezone(timedelta(hours=8))
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@dataclass(frozen=True)
class Policy:
    slot_minutes: int = 30
    days_ahead: int = 7
    min_lead_minutes: int = 60
    green_reserved_per_slot: int = 1
    same_day: str = "green_only"   # green_only | everyone | nobody
    reminder_hour: int = 10


@dataclass(frozen=True)
class Slot:
    office_id: str
    starts_at: datetime  # naive local time
    capacity: int
    reserved: int        # places only green-channel applicants may take

    def limit(self, priority: bool) -> int:
        """How many places this citizen may see as bookable in total."""
        return self.capacity if priority else self.capacity - self.reserved


@lru_cache(maxsize=1)
def load_policy(path: Path = HERE / "booking.yaml") -> Policy:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return Policy(**{k: v for k, v in data.items() if k in Policy.__dataclass_fields__})


@lru_cache(maxsize=1)
def load_holidays(path: Path = HERE / "holidays.yaml") -> frozenset[date]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return frozenset(d if isinstance(d, date) else date.fromisoformat(str(d)) for d in data.get("closed") or ())


def local_now(now_utc: datetime) -> datetime:
    """UTC (aware) → office local time (naive)."""
    if now_utc.tzinfo is None:
        now_utc = now_utc.replace(tzinfo=timezone.utc)
    return now_utc.astimezone(CST).replace(tzinfo=None)


def to_utc(local: datetime) -> datetime:
    return local.replace(tzinfo=CST).astimezone(timezone.utc)


def _spans(spec: Iterable[str]) -> list[tuple[time, time]]:
    out = []
    for span in spec:
        start, end = str(span).split("-")
        out.append((time.fromisoformat(start.strip()), time.fromisoformat(end.strip())))
    return out


def day_slots(office: Office, day: date, holidays: frozenset[date] | set[date], policy: Policy) -> list[Slot]:
    """Every slot of one day: none on a holiday, a closed weekday, or at an office that takes no bookings."""
    if office.capacity_per_slot <= 0 or day in holidays:
        return []
    spans = office.hours.get(WEEKDAY_KEYS[day.weekday()]) or []
    reserved = policy.green_reserved_per_slot if office.capacity_per_slot >= 2 else 0
    step = timedelta(minutes=policy.slot_minutes)
    slots = []
    for start, end in _spans(spans):
        t = datetime.combine(day, start)
        stop = datetime.combine(day, end)
        while t + step <= stop:
            slots.append(Slot(office.id, t, office.capacity_per_slot, reserved))
            t += step
    return slots


def open_slots(office: Office, now_local: datetime, priority: bool, holidays: frozenset[date] | set[date],
               policy: Policy) -> list[Slot]:
    """The slots this citizen may choose from, before counting bookings.

    Same-day slots go to green-channel applicants only (priority acceptance); every slot
    closes `min_lead_minutes` before it starts.
    """
    today = now_local.date()
    earliest = now_local + timedelta(minutes=policy.min_lead_minutes)
    same_day = policy.same_day == "everyone" or (policy.same_day == "green_only" and priority)
    out: list[Slot] = []
    for offset in range(policy.days_ahead + 1):
        day = today + timedelta(days=offset)
        if offset == 0 and not same_day:
            continue
        out.extend(s for s in day_slots(office, day, holidays, policy) if s.starts_at >= earliest)
    return out


def free_places(slots: Iterable[Slot], booked: Mapping[datetime, int], priority: bool) -> list[tuple[Slot, int]]:
    """(slot, places this citizen may still take), only where that is at least one."""
    out = []
    for s in slots:
        left = s.limit(priority) - booked.get(s.starts_at, 0)
        if left > 0:
            out.append((s, left))
    return out


def reminder_time(starts_at_local: datetime, now_local: datetime, policy: Policy) -> datetime | None:
    """When to remind (local): the day before at `reminder_hour`; None when too late to matter."""
    at = datetime.combine(starts_at_local.date() - timedelta(days=1), time(policy.reminder_hour))
    if at > now_local:
        return at
    if starts_at_local - now_local > timedelta(hours=12):
        return now_local
    return None


def day_label(day: date) -> str:
    return f"{day.month}月{day.day}日（{WEEKDAY_NAMES[day.weekday()]}）"


def when_label(starts_at: datetime) -> str:
    return f"{day_label(starts_at.date())} {starts_at:%H:%M}"
