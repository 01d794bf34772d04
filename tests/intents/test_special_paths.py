"""Safety, urgency and detention notices: what triggers them, what they must say."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intents.special_paths import detect_kinds, notice_for, special_notice


@pytest.mark.parametrize("text", [
    "老公打我怎么办", "他又打我了", "家暴", "我被家暴了", "遭受家庭暴力", "他威胁要杀了我", "我不敢回家",
    "男人经常打我", "被老公打伤了", "婆婆虐待我", "想申请人身安全保护令", "老公喝醉了就打人，说要弄死我",
])
def test_violence(text: str) -> None:
    assert detect_kinds(text)[0] == "violence"
    notice = special_notice(text)
    assert notice is not None
    # Safety first: 110 before anything else, then the protection order and aid.
    assert notice.index("110") < notice.index("人身安全保护令")
    assert "《反家庭暴力法》第二十三条" in notice
    assert "妇联" in notice
    assert "第三十二条第四项" in notice


@pytest.mark.parametrize("text", [
    "明天开庭怎么办", "后天就要开庭了", "诉讼时效快到了", "仲裁时效马上要过了", "马上要过期了",
    "对方在转移财产，要保全", "需要财产保全", "期限快到了",
])
def test_urgent(text: str) -> None:
    assert "urgent" in detect_kinds(text)
    notice = special_notice(text)
    assert notice is not None
    assert "先" in notice and "第四十四条" in notice and "12348" in notice


@pytest.mark.parametrize("text", [
    "儿子被抓了", "我老公被拘留了怎么办", "家人被逮捕了", "我弟进去了", "人在看守所", "被刑拘了",
    "昨天被公安带走了",
])
def test_detained(text: str) -> None:
    assert "detained" in detect_kinds(text)
    notice = special_notice(text)
    assert notice is not None
    for article in ("第二十四条", "第二十五条", "第三十条", "第三十九条"):
        assert article in notice
    assert "值班律师" in notice and "24 小时" in notice


@pytest.mark.parametrize("text", [
    "", "老板拖欠工资怎么办", "离婚财产怎么分", "法律援助要带什么材料", "你好", "打我电话", "12348是什么",
    "交通事故对方全责",
])
def test_nothing_special(text: str) -> None:
    assert special_notice(text) is None


def test_several_notices_safety_first() -> None:
    notice = special_notice("他打我，明天开庭，现在人被拘留了")
    assert notice is not None
    assert notice.index("110") < notice.index("第四十四条") < notice.index("值班律师")


def test_no_unsourced_hotline() -> None:
    # 12338 is not in the facts file, so it must not be promised.
    for kind in ("violence", "urgent", "detained"):
        assert "12338" not in notice_for(kind)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_never_crashes(text: str) -> None:
    result = special_notice(text)
    assert result is None or isinstance(result, str)
