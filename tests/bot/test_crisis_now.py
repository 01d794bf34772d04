"""A crisis happening now is read as the present moment (tester 3, cause B), on our own wordings."""
from __future__ import annotations

import pytest

from bot.dialog import crisis_now


@pytest.mark.parametrize("text", ["我跟儿子在卧室", "在家呢 娃也在", "他在撞门", "门外有人在骂 是他", "他拿着刀在门口",
                                  "已经打了110", "警察还没到", "110还没来", "他冲进来了", "孩子吓哭了"])
def test_the_present_moment_is_read(text: str) -> None:
    assert crisis_now.read(text) is not None


@pytest.mark.parametrize("text", ["上个月报过警", "他以前也打过我", "我不敢报警 怕他更狠", "离婚要准备什么材料",
                                  "保护令怎么申请", "法律援助要钱吗", "打了好几年了"])
def test_the_past_fear_and_questions_are_not(text: str) -> None:
    assert crisis_now.read(text) is None


def keys(text: str, said: list[str] | None = None) -> list[str]:
    now = crisis_now.read(text)
    assert now is not None
    return [k for k, _ in crisis_now.lines(now, said or [])]


def test_waiting_for_the_police_means_call_again() -> None:
    assert "crisis_now_police_waiting" in keys("报警了 警察还没来")
    assert "crisis_now_call" in keys("他在踹门")


def test_he_got_in_is_not_told_to_lock_the_door() -> None:
    got = keys("他破门进来了")
    assert "crisis_now_inside" in got and "crisis_now_lock" not in got and "crisis_now_if_in" not in got


def test_away_from_home_people_around_not_a_locked_room() -> None:
    got = keys("他追到我们厂里来了 在门口")
    assert "crisis_now_away" in got and "crisis_now_lock" not in got


def test_children_said_once_stay_in_the_lines() -> None:
    now = crisis_now.read("他在砸门")
    assert now is not None
    values = dict(crisis_now.lines(now, [crisis_now.KIDS_NOTED]))
    assert values["crisis_now_lock"]["with_kids"] == "带孩子"


def test_lines_said_are_not_said_again_but_the_police_line_is() -> None:
    said = keys("他在砸门")
    again = keys("警察还没到", said)
    assert again == ["crisis_now_police_waiting"]
