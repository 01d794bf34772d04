"""handoff/when.py: dates and times as people say them, relative to a fixed `now`."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from handoff.when import When, cn_number, describe, parse_when

NOW = datetime(2026, 12, 2, 10, 30)  # a Wednesday morning, Asia/Shanghai wall-clock time

CASES = [
    ("明天上午", When(date(2026, 12, 3), None, "morning")),
    ("大后天下午两点", When(date(2026, 12, 5), time(14, 0), "afternoon")),
    ("这周六", When(date(2026, 12, 5))),
    ("这个礼拜五下午", When(date(2026, 12, 4), None, "afternoon")),
    ("下礼拜一", When(date(2026, 12, 7))),
    ("下周二上午", When(date(2026, 12, 8), None, "morning")),
    ("下个星期三早上九点半", When(date(2026, 12, 9), time(9, 30), "morning")),
    ("下礼拜二上午能去吗", When(date(2026, 12, 8), None, "morning")),
    ("12月18号", When(date(2026, 12, 18))),
    ("十二月十八日", When(date(2026, 12, 18))),
    ("18号下午3点半", When(date(2026, 12, 18), time(15, 30), "afternoon")),
    ("后天", When(date(2026, 12, 4))),
    ("礼拜天", When(date(2026, 12, 6))),
    ("星期日上午", When(date(2026, 12, 6), None, "morning")),
    ("周三", When(date(2026, 12, 2))),  # a bare weekday: the next one, today included
    ("周一", When(date(2026, 12, 7))),
    ("周末", When(date(2026, 12, 5))),
    ("今天下午", When(date(2026, 12, 2), None, "afternoon")),
    ("明儿个早上8点", When(date(2026, 12, 3), time(8, 0), "morning")),
    ("1月5号", When(date(2027, 1, 5))),        # more than a month past: next year
    ("11月28号", When(date(2026, 11, 28))),     # a few days past: stays past, the caller refuses it
    ("1号", When(date(2027, 1, 1))),           # the 1st has passed this month: next month's
    ("2026-12-18 14:30", When(date(2026, 12, 18), time(14, 30), "afternoon")),
    ("12/21", When(date(2026, 12, 21))),
    ("下午三点", When(None, time(15, 0), "afternoon")),
    ("两点", When(None, time(14, 0), "afternoon")),
    ("10点", When(None, time(10, 0), "morning")),
    ("三点一刻", When(None, time(15, 15), "afternoon")),
    ("九点三刻", When(None, time(9, 45), "morning")),
    ("14:30", When(None, time(14, 30), "afternoon")),
    ("上午", When(None, None, "morning")),
    ("昨天上午", When(date(2026, 12, 1), None, "morning")),
    ("前天", When(date(2026, 11, 30))),
    ("晚上七点", When(None, time(19, 0), "evening")),
]


@pytest.mark.parametrize("said,expected", CASES)
def test_dates_and_times_as_people_say_them(said, expected):
    assert parse_when(said, NOW) == expected


@pytest.mark.parametrize("said", [
    "我想去你们那当面说", "能不能快一点", "早一点行不", "12348", "住3号楼", "欠了3.5万", "干了2-3天",
    "老板拖欠工资怎么办", "下周", "好的", "1", "张三 13812345678",
])
def test_words_that_name_no_date_or_time(said):
    assert parse_when(said, NOW) is None


def test_an_aware_now_is_read_in_china_time():
    # 2026-12-02 20:00 UTC is already Thursday 04:00 in Shanghai: 明天 is Friday.
    assert parse_when("明天", datetime(2026, 12, 2, 20, 0, tzinfo=timezone.utc)).day == date(2026, 12, 4)


def test_end_of_month_and_year_roll_over():
    assert parse_when("明天", datetime(2026, 12, 31, 9)).day == date(2027, 1, 1)
    assert parse_when("下周一", datetime(2026, 12, 31, 9)).day == date(2027, 1, 4)
    assert parse_when("31号", datetime(2027, 2, 3, 9)).day == date(2027, 3, 31)


def test_a_time_of_day_filters_slots():
    afternoon = parse_when("明天下午", NOW)
    assert afternoon.fits(time(14, 30)) and not afternoon.fits(time(9, 0))
    exact = parse_when("明天九点", NOW)
    assert exact.fits(time(9, 0)) and not exact.fits(time(9, 30))
    assert exact.moment() == datetime(2026, 12, 3, 9, 0)


@pytest.mark.parametrize("text,n", [("18", 18), ("十八", 18), ("二十八", 28), ("三十一", 31), ("十", 10), ("两", 2),
                                    ("八", 8), ("abc", None), ("十十", None)])
def test_chinese_numbers(text, n):
    assert cn_number(text) == n


def test_describe_repeats_what_was_understood():
    assert describe(parse_when("18号下午3点半", NOW)) == "12月18日（周五） 15:30"
    assert describe(parse_when("下周二上午", NOW)) == "12月8日（周二） 上午"
