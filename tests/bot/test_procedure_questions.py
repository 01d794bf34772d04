"""Legal-aid procedure questions through the real webhook (issue 10, third pass).

WHY: admin off-topic examples (ID cards, permits) made the matcher reject the bot's core
questions — what to bring, how many copies — when asked bare. In a conversation they must get
the materials of the matter just discussed; asked first, the legal-aid application answer; and
another office's procedure is still declined.
"""
from __future__ import annotations

import itertools
import time

import pytest

from wechat_client import WeChat, text_xml

_ids = itertools.count(int(time.time() * 1000) + 7_000_000)
OFF_TOPIC = "不在我能帮忙的范围内"


def say(wx: WeChat, user: str, text: str) -> str:
    resp, params = wx.post(text_xml(user, text, next(_ids)))
    assert resp.status_code == 200
    return wx.reply_text(resp, params) or ""


@pytest.mark.parametrize("story, evidence", [
    ("包工头干完活就跑了 工钱一直没给", "工资"),
    ("孩子他爸离婚后一分抚养费都不给", "出生证明"),
])
@pytest.mark.parametrize("ask", ["申请要啥材料", "要带什么证件"])
def test_materials_question_after_a_legal_question_gets_that_matter_s_materials(client, user_id, story, evidence, ask):
    wx = WeChat(client)
    first = say(wx, user_id, story)
    assert OFF_TOPIC not in first
    reply = say(wx, user_id, ask)
    assert OFF_TOPIC not in reply
    assert "身份证" in reply and evidence in reply


@pytest.mark.parametrize("ask", ["申请得带哪些材料", "身份证复印件准备几份", "审批要多少天"])
def test_a_bare_procedure_question_as_first_message_is_about_applying_for_legal_aid(client, user_id, ask):
    reply = say(WeChat(client), user_id, ask)
    assert OFF_TOPIC not in reply
    assert "法律援助" in reply


@pytest.mark.parametrize("ask", ["办护照要带什么材料", "办居住证要哪些材料", "驾驶证换证要什么材料"])
def test_another_office_s_procedure_is_still_declined(client, user_id, ask):
    reply = say(WeChat(client), user_id, ask)
    assert OFF_TOPIC in reply
