"""Dates and times as people say them: 明天上午, 大后天下午两点, 这周六, 下礼拜一, 12月18号,
18号下午3点半, 后天, 礼拜天, 14:30 …

Pure: the text and `now` in, a `When` out (or None when the text names no date and no
time). `now` is the office's local wall-clock time (Asia/Shanghai, naive, as handoff/slots
uses), or an aware datetime that is converted to it. Whether the moment is past, closed or
out of hours is for the caller to decide against the office's hours — this module only
reads what was said, and never guesses a day that was not said.

Conventions (what citizens mean, not what a calendar library assumes):
- weeks start on Monday: 这周六 is Saturday of this week, 下周二 Tuesday of next week;
- a bare weekday (周三, 礼拜天) is the next such day, today included;
- 18号 without a month is this month, or next month when the 18th has passed;
- 12月18号 without a year is this year, or next year when it is more than 31 days past
  (a date a few days past stays past, so the caller can say so);
- 两点/三点半 without 上午/下午: 1–6 o'clock is the afternoon (nobody books 3 a.m.),
  7–11 the morning, 12 noon.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .slots import local_now

Part = str  # "morning" | "noon" | "afternoon" | "evening"

PART_SPANS: dict[str, tuple[time, time]] = {
    "morning": (time(0, 0), time(12, 0)),
    "noon": (time(11, 0), time(14, 0)),
    "afternoon": (time(12, 0), time(18, 0)),
    "evening": (time(18, 0), time(23, 59)),
}
PART_NAMES = {"morning": "上午", "noon": "中午", "afternoon": "下午", "evening": "晚上"}


@dataclass(frozen=True)
class When:
    day: date | None = None
    at: time | None = None        # an exact time, when one was said
    part: Part | None = None      # 上午 / 下午 … when said (or implied by an exact time)

    def moment(self) -> datetime | None:
        """The exact moment, when both a day and a time were said."""
        return datetime.combine(self.day, self.at) if self.day and self.at else None

    def fits(self, t: time) -> bool:
        """Whether a slot starting at `t` matches what was said about the time of day."""
        if self.at is not None:
            return t == self.at
        if self.part is not None:
            start, end = PART_SPANS[self.part]
            return start <= t < end
        return True


_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
           "九": 9}
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5, "1": 0, "2": 1, "3": 2,
             "4": 3, "5": 4, "6": 5, "7": 6}
_NUM = r"[0-9]{1,2}|[零〇一二两俩三四五六七八九十]{1,3}"
_WEEK = r"(?:周|礼拜|星期|週)"
_WD = r"[一二三四五六日天末1-7]"

_RELATIVE = (("大大后天", 4), ("大后天", 3), ("后天", 2), ("明儿", 1), ("明天", 1), ("明早", 1), ("明晚", 1),
             ("今儿", 0), ("今天", 0), ("今早", 0), ("今晚", 0), ("今日", 0), ("明日", 1), ("后日", 2),
             ("大前天", -3), ("前天", -2), ("昨儿", -1), ("昨天", -1), ("昨日", -1))
_NEXT_WEEK_RE = re.compile(rf"(?:下个?|下一个?){_WEEK}({_WD})")
_THIS_WEEK_RE = re.compile(rf"(?:这个?|本|这一个?){_WEEK}({_WD})")
_BARE_WEEK_RE = re.compile(rf"(?<![上下这本个]){_WEEK}({_WD})")
# 2026-12-18, 2026/12/18, 12/18 — but never 3.5 (万) or 2-3 (天): without a year, only a slash.
_ISO_RE = re.compile(r"(?<![0-9.])(?:(20[0-9]{2})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})|()([0-9]{1,2})/([0-9]{1,2}))(?![0-9.])")
_MONTH_DAY_RE = re.compile(rf"(?:(20[0-9]{{2}})年)?({_NUM})月(?:份)?({_NUM})(?:日|号)")
_DAY_ONLY_RE = re.compile(rf"(?<![0-9月])({_NUM})(?:号|日)(?![楼房线门院室码])")
_CLOCK_RE = re.compile(r"(?<![0-9])([0-9]{1,2})[:：]([0-5][0-9])(?![0-9])")
_HOUR_RE = re.compile(rf"({_NUM})(?:点|點|时)(?:钟)?(半|一刻|三刻|过?({_NUM})分?)?")
_PARTS = (("上午", "morning"), ("早上", "morning"), ("早晨", "morning"), ("一早", "morning"), ("大早", "morning"),
          ("上半天", "morning"), ("明早", "morning"), ("今早", "morning"), ("中午", "noon"), ("晌午", "noon"),
          ("下午", "afternoon"), ("下半天", "afternoon"), ("午后", "afternoon"), ("后晌", "afternoon"),
          ("晚上", "evening"), ("傍晚", "evening"), ("今晚", "evening"), ("明晚", "evening"), ("夜里", "evening"))


def cn_number(text: str) -> int | None:
    """「18」「十八」「二十八」「三十一」「两」 → int; None for anything else."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in _DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        return _DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    t = _DIGITS.get(tens, 0) if tens else 1
    o = _DIGITS.get(ones, 0) if ones else 0
    if (tens and tens not in _DIGITS) or (ones and ones not in _DIGITS):
        return None
    return t * 10 + o


def _clean(text: str) -> str:
    """NFKC, spaces dropped — except one between two numbers (「2026-12-18 14:30」)."""
    text = re.sub(r"(?<=[0-9])\s+(?=[0-9])", " ", unicodedata.normalize("NFKC", text or ""))
    return re.sub(r"(?! )\s+|(?<![0-9]) | (?![0-9])", "", text)


def _to_local(now: datetime) -> datetime:
    return local_now(now) if now.tzinfo is not None else now


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_day(text: str, now: datetime) -> date | None:
    """The day a message names, relative to `now`; None when it names none."""
    clean = _clean(text)
    today = _to_local(now).date()
    monday = today - timedelta(days=today.weekday())
    for word, offset in _RELATIVE:
        if word in clean:
            return today + timedelta(days=offset)
    m = _NEXT_WEEK_RE.search(clean)
    if m:
        return monday + timedelta(days=7 + _WEEKDAYS[m.group(1)])
    m = _THIS_WEEK_RE.search(clean)
    if m:
        return monday + timedelta(days=_WEEKDAYS[m.group(1)])
    m = _MONTH_DAY_RE.search(clean)
    iso = _ISO_RE.search(clean)
    if m or iso:
        y, mo, d = m.groups() if m else (iso.group(1), iso.group(2) or iso.group(5), iso.group(3) or iso.group(6))
        month, day = cn_number(mo), cn_number(d)
        if month and day:
            year = int(y) if y else today.year
            found = _safe_date(year, month, day)
            if found and not y and found < today - timedelta(days=31):
                found = _safe_date(year + 1, month, day)
            return found
    m = _DAY_ONLY_RE.search(clean)
    if m:
        day = cn_number(m.group(1))
        if day and 1 <= day <= 31:
            found = _safe_date(today.year, today.month, day)
            if found is None or found < today:
                nxt = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
                found = _safe_date(nxt.year, nxt.month, day)
            return found
    m = _BARE_WEEK_RE.search(clean)
    if m:
        return today + timedelta(days=(_WEEKDAYS[m.group(1)] - today.weekday()) % 7)
    return None


def parse_part(text: str) -> Part | None:
    clean = _clean(text)
    return next((part for word, part in _PARTS if word in clean), None)


def parse_time(text: str, part: Part | None = None) -> time | None:
    """「两点」「3点半」「十点一刻」「14:30」, read with 上午/下午 when said."""
    clean = _clean(text)
    part = part or parse_part(clean)
    m = _CLOCK_RE.search(clean)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2))
    else:
        m = next((h for h in _HOUR_RE.finditer(clean) if not _a_little(clean, h)), None)
        if not m:
            return None
        hour = cn_number(m.group(1))
        if hour is None:
            return None
        tail = m.group(2) or ""
        if tail == "半":
            minute = 30
        elif tail == "一刻":
            minute = 15
        elif tail == "三刻":
            minute = 45
        elif m.group(3):
            minute = cn_number(m.group(3)) or 0
        else:
            minute = 0
    if not (0 <= hour <= 24 and 0 <= minute < 60):
        return None
    if part in ("afternoon", "evening") and hour < 12:
        hour += 12
    elif part == "noon" and 1 <= hour <= 3:
        hour += 12  # 「中午一点」 is 13:00
    elif part is None and 1 <= hour <= 6:
        hour += 12  # 「两点」: nobody books 2 a.m.
    if hour >= 24:
        return None
    return time(hour, minute)


def _a_little(clean: str, m: re.Match[str]) -> bool:
    """「快一点」「早一点」「一点儿」: 'a little', not one o'clock."""
    if m.group(1) != "一":
        return False
    return clean[m.start() - 1:m.start()] in tuple("快慢早晚多少大小好有差再") or clean[m.end():m.end() + 1] == "儿"


# 「下周三不行 换周四吧」「明天我没空 后天吧」: what comes after the refusal is the wish.
_REFUSED = re.compile(r"不行|没空|没时间|不方便|去不了|来不了|不可以|有事")


def parse_when(text: str, now: datetime) -> When | None:
    """What a message says about when; None when it says nothing about a day or a time.

    A day turned down in the same message is not the wish: the part after the refusal wins
    when it names a day or a time of its own."""
    refusals = list(_REFUSED.finditer(text or ""))
    if refusals:
        refused = _parse_plain(text[:refusals[-1].start()], now)
        wish = _parse_plain(text[refusals[-1].end():], now)
        if wish is None:
            return None  # 「明天不行」: a day turned down is not a day asked for
        if refused is not None and refused.day is not None:
            if wish.day is None:  # 「周五上午有事 下午可以吗」: the same day, another time
                return When(day=refused.day, at=wish.at, part=wish.part)
            day = wish.day
            while day < refused.day:  # 「下周三不行 换周四吧」: the Thursday after it
                day += timedelta(days=7)
            return When(day=day, at=wish.at, part=wish.part)
        return wish
    return _parse_plain(text, now)


def refuses_only(text: str, now: datetime) -> bool:
    """「明天不行」「那天我没空」: a time turned down, nothing asked for instead."""
    return bool(_REFUSED.search(text or "")) and parse_when(text, now) is None


def refused_day(text: str, now: datetime) -> date | None:
    """The day a message turns down (「明天不行」 → tomorrow), if it names one."""
    found = list(_REFUSED.finditer(text or ""))
    said = _parse_plain(text[:found[-1].start()], now) if found else None
    return said.day if said is not None else None


def _parse_plain(text: str, now: datetime) -> When | None:
    day = parse_day(text, now)
    part = parse_part(text)
    at = parse_time(text, part)
    if at is not None and part is None:
        part = "morning" if at < time(12) else "afternoon" if at < time(18) else "evening"
    if day is None and at is None and part is None:
        return None
    return When(day=day, at=at, part=part)


def describe(when: When) -> str:
    """「12月18日（周五）下午3:30」 — how the bot repeats what it understood."""
    from .slots import day_label

    parts = [day_label(when.day)] if when.day else []
    if when.at is not None:
        parts.append(f"{when.at:%H:%M}")
    elif when.part:
        parts.append(PART_NAMES[when.part])
    return " ".join(parts)
