"""The scripted-conversation suite: every conversation in tests/conversations/*.yaml,
played through the real webhook on SQLite and PostgreSQL (the `app` fixture), one test
per conversation id. A failure prints the whole conversation with the bot's replies and
its state after each turn, so the reader sees where the thread was lost.
"""
from __future__ import annotations

from collections import Counter

import pytest

from conversation_runner import (DEAD_ENDS, Player, ScriptError, TODAY, _check_fact, _conversation,
                                 load_all, resolve)

CONVERSATIONS = load_all()
PATTERNS = ("facts", "decision", "booking", "acts", "followup", "high_stakes", "crisis", "handover_privacy")


@pytest.fixture(scope="module")
def player(new_db_url):
    """The real app on a database of its own (same backend as `app`): the conversations book
    slots at a frozen date, and must neither take places other tests count on nor find
    places other tests took."""
    from app_factory import make_app

    return Player(make_app(new_db_url()))


@pytest.mark.parametrize("conv", CONVERSATIONS, ids=[c.id for c in CONVERSATIONS])
def test_conversation(player, conv):
    result = player.play(conv)
    if not result.passed:
        pytest.fail("\n".join(result.failures) + "\n\n" + result.explain(), pytrace=False)


def test_the_suite_covers_every_pattern_evenly():
    counts = Counter(c.pattern for c in CONVERSATIONS)
    assert len(CONVERSATIONS) >= 60
    assert set(counts) == set(PATTERNS), counts
    assert min(counts.values()) >= 6, counts


def test_placeholders_resolve_against_the_frozen_date():
    assert TODAY.isoformat() == "2026-12-10"
    assert resolve("{today+1}") == "2026-12-11"
    assert resolve("{md:today+6}上午") == "12月16号上午"
    assert resolve(["{today-2}"]) == ["2026-12-08"]


def test_fact_checks_fail_when_the_fact_differs():
    assert _check_fact("region", "石狮市", "石狮市") == []
    assert _check_fact("region", "石狮市", "泉州市")
    assert _check_fact("migrant_worker", True, 1)          # a bool is not a number
    assert _check_fact("amounts", [20000], [5000, 20000.0]) == []
    assert _check_fact("amounts", [20000], [5000])
    assert _check_fact("evidence", ["工牌"], ["有工牌"]) == []
    assert _check_fact("age", None, 16)


def test_a_script_with_an_unknown_check_is_refused():
    with pytest.raises(ScriptError):
        _conversation({"id": "x", "turns": [{"say": "你好", "mdoe": "idle"}]}, "facts", "x.yaml")
    with pytest.raises(ScriptError):
        _conversation({"id": "x", "turns": [{"say": "你好", "voice": "你好"}]}, "facts", "x.yaml")


def test_dead_end_markers_are_the_issue_s_list():
    assert DEAD_ENDS == ("没有把握", "不在我能帮忙", "请回复上面列出的数字")


def test_a_fact_or_follow_up_never_gets_a_dead_end_or_a_menu():
    from conversation_runner import Turn, _check_text

    fact = Turn(1, "say", "安徽合肥", "fact", {})
    follow = Turn(2, "say", "要带啥东西", "followup", {})
    assert _check_text(fact, {}, "好的，记下了：安徽合肥。") == []
    assert _check_text(fact, {}, "抱歉，这个问题我还没有把握回答。")
    assert _check_text(follow, {}, "您想问的是：\n1. 申请要带哪些材料？")
    assert _check_text(follow, {"max_len": 10}, "身份证、工资条、银行流水、考勤记录")
    assert _check_text(fact, {}, "请拨打12348咨询。\n请拨打12348咨询。")   # a line said twice


def test_fresh_catches_a_notice_repeated_nearly_word_for_word():
    from conversation_runner import Turn, TurnResult, _check_fresh

    banner = "您的安全最要紧：有危险马上打 110；想找人说说或要法律上的帮助，可以打 12338（妇联）或 12348。"
    earlier = [TurnResult(Turn(1, "say", "我怕他看到我手机", "crisis", {}), banner, None)]
    again = "好的。您的安全最要紧：有危险马上打 110；想找人说说或要法律帮助，可以打 12338（妇联）或 12348。"
    assert _check_fresh({"fresh": True}, again, earlier)
    assert _check_fresh({"fresh": True}, "聊完可以把和我的聊天记录删掉。", earlier) == []
    assert _check_fresh({}, again, earlier) == []


def test_a_conversation_can_be_set_at_another_moment():
    conv = _conversation({"id": "x", "now": "2026-12-12 21:00", "turns": [{"say": "{md:today+1}", "mode": "idle"}]},
                         "handover_privacy", "x.yaml")
    assert conv.now_utc.isoformat() == "2026-12-12T13:00:00+00:00"
    assert conv.turns[0].text == "12月13号"
