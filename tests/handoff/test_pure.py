"""Pure cores of the handoff: ID and phone checks, slot generation, the workflow table."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from handoff import workflow
from handoff.offices import load_offices
from handoff.slots import Policy, day_slots, free_places, open_slots, reminder_time
from handoff.validate import id_check_char, validate_amount, validate_field, validate_id_number, validate_phone

SHISHI = next(o for o in load_offices() if o.id == "shishi-center")
POLICY = Policy()


@pytest.mark.parametrize(("text", "value", "error"), [
    ("11010519491231002X", "11010519491231002X", None),
    ("11010519491231002x", "11010519491231002X", None),
    ("110105 19491231 002X", "11010519491231002X", None),
    ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X", None),
    ("340524198001010013", None, "id_check"),
    ("110105491231002", None, "id_15"),
    ("1101051949123100", None, "id_format"),
    ("11010519491331002X", None, "id_date"),
    ("110105209912310021", None, "id_date"),
    ("abc", None, "id_format"),
])
def test_id_numbers(text, value, error):
    assert validate_id_number(text, today=date(2026, 11, 25)) == (value, error)


def test_id_check_character_matches_the_standard():
    assert id_check_char("11010519491231002") == "X"
    assert id_check_char("34052419800101001") == "X"


@pytest.mark.parametrize(("text", "ok"), [("13812345678", True), ("138 1234 5678", True), ("+8613812345678", True),
                                          ("12812345678", False), ("1381234567", False), ("138123456789", False)])
def test_phones(text, ok):
    assert (validate_phone(text)[1] is None) is ok


def test_amounts_and_free_text():
    assert validate_amount("15000") == (15000, None)
    assert validate_amount("1.5万") == (15000, None)
    assert validate_amount("没有") == (0, None)
    assert validate_amount("很多")[1] == "amount"
    assert validate_field("account", "  老板欠钱，不给。 ") == ("老板欠钱，不给。", None)
    assert validate_field("name", "张3")[1] == "name"


def test_slots_follow_hours_capacity_and_holidays():
    monday = date(2026, 11, 30)
    slots = day_slots(SHISHI, monday, frozenset(), POLICY)
    assert [s.starts_at.strftime("%H:%M") for s in slots][:2] == ["08:00", "08:30"]
    assert slots[-1].starts_at.strftime("%H:%M") == "17:00"  # 17:00-17:30 is the last full slot
    assert len(slots) == 8 + 6 and all(s.capacity == 3 and s.reserved == 1 for s in slots)
    assert day_slots(SHISHI, monday, frozenset({monday}), POLICY) == []
    assert day_slots(SHISHI, date(2026, 11, 29), frozenset(), POLICY) == []  # Sunday
    liaison = next(o for o in load_offices() if o.capacity_per_slot == 0)
    assert day_slots(liaison, monday, frozenset(), POLICY) == []


def test_same_day_slots_are_for_the_green_channel_only():
    now = datetime(2026, 11, 30, 9, 10)  # Monday morning, local time
    normal = open_slots(SHISHI, now, False, frozenset(), POLICY)
    green = open_slots(SHISHI, now, True, frozenset(), POLICY)
    assert min(s.starts_at for s in normal).date() == date(2026, 12, 1)
    assert min(s.starts_at for s in green) == datetime(2026, 11, 30, 10, 30)  # an hour's lead time
    slot = green[0]
    assert free_places([slot], {slot.starts_at: 2}, False) == []
    assert free_places([slot], {slot.starts_at: 2}, True) == [(slot, 1)]


def test_reminder_the_day_before():
    at = datetime(2026, 12, 2, 9, 0)
    assert reminder_time(at, datetime(2026, 11, 30, 12, 0), POLICY) == datetime(2026, 12, 1, 10, 0)
    assert reminder_time(at, datetime(2026, 12, 1, 15, 0), POLICY) == datetime(2026, 12, 1, 15, 0)
    assert reminder_time(at, datetime(2026, 12, 2, 8, 0), POLICY) is None


def test_workflow_table():
    assert workflow.check("submitted", "under_review", "staff", False) is None
    assert workflow.check("submitted", "accepted", "staff", False) is not None  # no skipping review
    assert "理由" in workflow.check("under_review", "rejected", "staff", False, reason=" ")
    assert workflow.check("under_review", "rejected", "staff", False, reason="收入超过标准") is None
    assert workflow.check("accepted", "assigned", "staff", False) == "请选择要指派的律师。"
    assert workflow.check("accepted", "assigned", "lawyer", True, lawyer_id=1) is not None
    assert workflow.check("assigned", "in_progress", "lawyer", False) is not None  # not their case
    assert workflow.check("assigned", "in_progress", "lawyer", True) is None
    assert workflow.check("closed", "submitted", "admin", False) is not None
    every = {t.to for ts in workflow.TRANSITIONS.values() for t in ts} | {"submitted"}
    assert every == set(workflow.STATUS_NAMES) - {"draft"}


def test_queue_order_priority_then_deadline():
    d = lambda day: datetime(2026, 11, day, tzinfo=timezone.utc)  # noqa: E731
    rows = [(False, d(20)), (True, d(25)), (True, d(21)), (False, d(19))]
    ordered = sorted(rows, key=lambda r: workflow.sort_key(r[0], workflow.decision_due(r[1]), r[1]))
    assert ordered == [(True, d(21)), (True, d(25)), (False, d(19)), (False, d(20))]


def test_overdue_undecided_cases_come_before_everything():
    from datetime import datetime, timedelta

    now = datetime(2026, 11, 25, 12, 0)
    overdue = workflow.sort_key(False, now - timedelta(days=4), now - timedelta(days=11), "submitted", now)
    green_decided = workflow.sort_key(True, now - timedelta(days=1), now - timedelta(days=8), "assigned", now)
    green_waiting = workflow.sort_key(True, now + timedelta(days=5), now - timedelta(days=2), "submitted", now)
    assert sorted([green_decided, green_waiting, overdue]) == [overdue, green_waiting, green_decided]


def test_an_in_progress_case_can_be_reassigned_by_staff():
    assert workflow.check("in_progress", "assigned", "staff", False, lawyer_id=7) is None
    assert workflow.check("in_progress", "assigned", "lawyer", True, lawyer_id=7) is not None


def test_personal_links_are_hidden_in_console_transcripts():
    from handoff.inbox import hide_personal_links

    text = "请点这里填写：https://fayuan.example.cn/h5/apply/abc.def-123 或回复1"
    shown = hide_personal_links(text)
    assert "abc.def" not in shown and shown.endswith("［本人专用链接，已隐藏］ 或回复1")


@pytest.mark.parametrize("stored,shown", [
    # WeChat anchors in the bot's replies read as their words; the words after them stay
    ('也可以<a href="https://fayuan.example.cn/h5/apply/abc.def">在网页上填写</a>。\n回复「退出」可以暂停',
     "也可以在网页上填写［本人专用链接，已隐藏］。\n回复「退出」可以暂停"),
    ("<a href='http://127.0.0.1:5000/h5/booking/x-1'>查看完整的申请和材料清单</a>",
     "查看完整的申请和材料清单［本人专用链接，已隐藏］"),
    ('（回复「详细」看完整回答，或<a href="https://fayuan.example.cn/faq/labor-wages-01">打开说明页</a>）',
     "（回复「详细」看完整回答，或打开说明页）"),
    ("链接https://fayuan.example.cn/h5/book/xyz。然后回复1", "链接［本人专用链接，已隐藏］。然后回复1"),
])
def test_console_transcripts_show_links_as_words(stored, shown):
    from handoff.inbox import hide_personal_links

    assert hide_personal_links(stored) == shown
