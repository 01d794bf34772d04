"""Reporting periods in China Standard Time (the bureau counts days and months locally)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")


# Reports cover the service's own years; 0001-01 or 9999-12 would overflow the UTC
# conversion (a 500) and mean nothing anyway.
MIN_YEAR, MAX_YEAR = 2000, 2100


class MonthError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    start: date   # first day (CST)
    end: date     # last day, inclusive (CST)

    @property
    def start_utc(self) -> datetime:
        return datetime.combine(self.start, time(), CST).astimezone(timezone.utc)

    @property
    def end_utc(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return datetime.combine(self.end + timedelta(days=1), time(), CST).astimezone(timezone.utc)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    @property
    def label(self) -> str:
        if self.start.day == 1 and (self.end + timedelta(days=1)).day == 1 and self.start.month == self.end.month:
            return f"{self.start:%Y-%m}"
        return f"{self.start:%Y-%m-%d}~{self.end:%Y-%m-%d}"


def local_day(dt: datetime) -> date:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(CST).date()


def month_period(year: int, month: int) -> Period:
    start = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return Period(start, nxt - timedelta(days=1))


def parse_month(text: str, today: date | None = None) -> Period:
    """'2026-10' → October 2026; 'last' → the month before today (for a cron job on the 1st)."""
    today = today or datetime.now(CST).date()
    text = (text or "").strip().lower()
    if text in ("last", "previous", "上月"):
        first = today.replace(day=1) - timedelta(days=1)
        return month_period(first.year, first.month)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if not m or not 1 <= int(m.group(2)) <= 12 or not MIN_YEAR <= int(m.group(1)) <= MAX_YEAR:
        raise MonthError(f"月份应写成 2026-10 这样的格式（或 last 表示上个月），收到的是「{text}」")
    return month_period(int(m.group(1)), int(m.group(2)))


def parse_range(start: str | None, end: str | None, default_days: int = 30, today: date | None = None) -> Period:
    """The dashboard's date range; a bad or reversed range falls back to the last 30 days."""
    today = today or datetime.now(CST).date()
    try:
        s = date.fromisoformat(start) if start else today - timedelta(days=default_days - 1)
        e = date.fromisoformat(end) if end else today
    except ValueError:
        return Period(today - timedelta(days=default_days - 1), today)
    if e < s or (e - s).days > 3660 or not (MIN_YEAR <= s.year and e.year <= MAX_YEAR):
        return Period(today - timedelta(days=default_days - 1), today)
    return Period(s, e)


def year_to_date(period: Period) -> Period:
    """From 1 January to the period's last day: 「截至上月末」 cumulative figures."""
    return Period(date(period.end.year, 1, 1), period.end)
