"""Name and phone typed before the booking form asks for them (tester 3, cause H).

A bare name at the consent prompt is kept only when it reads as a person's name: the
everyday replies typed at that prompt must never become the appointment's name."""
from __future__ import annotations

import pytest

from handoff.bookflow import _bare_name, _hold_contact


@pytest.mark.parametrize("text", ["李秀英", "陈美玲", "王芳", "刘伟", "林秀珍", " 赵德明 "])
def test_a_name_alone_is_read_as_the_name(text: str) -> None:
    assert _bare_name(text) == text.strip()


@pytest.mark.parametrize("text", ["好的", "同意", "对", "不同意", "时间不对", "安排吧", "谢谢你", "石狮的", "常去",
                                  "华为手机", "马上", "周一", "程序", "申请", "和谁", "明白"])
def test_everyday_replies_are_no_name(text: str) -> None:
    assert _bare_name(text) is None


def test_contact_typed_early_is_held_for_the_form_only() -> None:
    flow: dict = {"name": "book", "step": "time"}
    assert _hold_contact(flow, "张桂兰 13912345678") == {"name": "张桂兰", "phone": "13912345678"}
    assert flow["held"] == {"name": "张桂兰", "phone": "13912345678"}
    assert "contact" not in flow  # used only after consent (the consent step moves it)


def test_a_bare_name_is_held_only_where_the_form_allows_it() -> None:
    flow: dict = {"name": "book", "step": "time"}
    assert _hold_contact(flow, "李秀英") == {}
    assert _hold_contact(flow, "李秀英", bare_name=True) == {"name": "李秀英"}
