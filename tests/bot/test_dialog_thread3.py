"""Keeping the thread, round 3: the pure parts (tests/conversations/12_thread3.yaml plays them
through the webhook). Each case is a kind of message, in our own wordings."""
from __future__ import annotations

import pytest

from bot.dialog import followups
from bot.dialog.acts import classify
from bot.dialog.thread import items_of, neighbour_dispute, point_asked, strip_pointer


@pytest.mark.parametrize(("reply", "items"), [
    ("您可以：\n· 拨打 12348 咨询\n· 回复「评估」看看", ["拨打 12348 咨询", "回复「评估」看看"]),
    ("几条路：1. 劳动监察投诉；2. 调解（免费）；3. 劳动仲裁。想走哪条？", ["劳动监察投诉", "调解（免费）", "劳动仲裁"]),
    ("请选择：\n1. 08:00（剩 3）\n2. 08:30（剩 3）", ["08:00（剩 3）", "08:30（剩 3）"]),
    ("依据第 3. 条和第 5. 条", []),            # numbers that are not a list from 1
    ("法律援助是免费的。", []),
])
def test_the_ways_a_reply_lists(reply, items):
    assert items_of(reply) == items


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("第二个", "choice", 2), ("你说的第三种办法", "choice", 3), ("上面第一条吧", "choice", 1), ("2", "choice", 2),
])
def test_pointing_at_a_listed_way_is_a_choice(text, kind, value):
    act = classify(text)
    assert (act.kind, act.value) == (kind, value)


def test_a_pointer_in_front_of_a_question_leaves_the_question():
    assert strip_pointer("上面说的那个仲裁要钱不") == "仲裁要钱不"
    assert strip_pointer("你刚才说的这个 要带身份证吗") == "要带身份证吗"
    assert strip_pointer("就是你刚才说的那个") == "就是你刚才说的那个"   # a bare pointer: resolved by the dialog
    assert strip_pointer("仲裁要钱不") == "仲裁要钱不"


def test_an_answer_is_pointed_at_only_for_what_the_message_adds():
    answer = "被拖欠工资，可以依法讨要。先和老板协商；不行就到劳动监察投诉。出嫁的女儿也有继承权。"
    # 「找谁」 is what is new: no sentence says whom to go to → no point (a non-answer otherwise)
    assert point_asked(answer, "拖欠工资到底该找谁", "老板拖着工资不发怎么办") is None
    # the new part (出嫁 女儿) is in one sentence → that sentence
    assert point_asked(answer, "出嫁的女儿有没有份", "老爸的房子怎么分") == "出嫁的女儿也有继承权。"


@pytest.mark.parametrize(("text", "neighbour"), [
    ("楼上天天半夜拖椅子 吵得睡不着", True), ("隔壁装修砸墙", True), ("邻居家的狗一直叫", True),
    ("我跑出来了 在邻居家", False), ("邻居帮我报了警", False), ("老板欠我工资", False),
])
def test_a_neighbour_nuisance_is_read_as_one(text, neighbour):
    assert neighbour_dispute(text) is neighbour


def test_short_follow_ups_answer_within_the_case_topic():
    assert followups.topic_entry("这钱还有希望要回来不", "labor.wages")[0] == "money_back_wages"
    assert followups.topic_entry("赔偿能拿到不", "labor.injury")[0] == "money_back_injury"
    assert followups.topic_entry("钱能追回来吗", "civil.debt")[0] == "money_back_debt"
    assert followups.topic_entry("那得花钱不", "labor.contract")[0] == "cost_labor"
    assert followups.topic_entry("调解去哪找", "labor.wages")[0] == "mediation_where_labor"
    assert followups.topic_entry("调解去哪找", "family.inheritance")[0] == "mediation_where_other"


def test_a_criminal_case_answers_by_the_role():
    """The way a fraud victim gets money back is not a detainee's family's question."""
    assert followups.topic_entry("钱能追回来吗", "criminal.defense", ["role:victim"])[0] == "money_back_victim"
    assert followups.topic_entry("钱能追回来吗", "criminal.defense", ["role:suspect"])[0] == "money_back_other"
    assert followups.topic_entry("那我现在该怎么办", "criminal.defense", ["role:victim"])[0] == "other_ways_victim"


def test_the_general_ways_hold_for_matters_only():
    """「*」 is any legal matter; a question about the service itself has no case to answer from."""
    assert followups.topic_entry("还有别的办法没", "land")[0] == "other_ways_other"
    assert followups.topic_entry("还有别的办法没", "legal_aid.apply") is None
    assert followups.topic_entry("还有别的办法没", None) is None


def test_aid_first_is_its_own_follow_up():
    """LAL 44: 「先办着 材料后补」 asks for aid first, not for the materials list."""
    assert followups.kind_of("能不能先帮我 材料后面补") == "aid_first"
    assert followups.kind_of("要准备些啥子") == "materials"
