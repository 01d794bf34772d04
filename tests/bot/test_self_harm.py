"""A person who speaks of ending their life hears the safety lines first, every time — never an
amount noted, an FAQ or a menu (independent tester 5: 「我真的不想活了」 got 「记下了：金额」 and
「我在楼顶」 got 「好的，明白了」). Our own wordings, through the simulator over real HTTP."""
from __future__ import annotations

import uuid

import pytest

from intents.triage import assess, at_the_edge, self_harm_in

HOTLINE = "12356"
EMERGENCY = "120 或 110"


@pytest.fixture()
def sim(client):
    """One citizen in the simulator: say(text) → the reply text; state() → the saved conversation."""
    from bot.conversation import Conversation

    user = "t" + uuid.uuid4().hex[:12]

    class Sim:
        def say(self, text: str) -> str:
            resp = client.post("/simulator/api/send", json={"user": user, "text": text})
            assert resp.status_code == 200
            return resp.get_json()["reply"]

        def state(self) -> dict:
            with client.application.extensions["fayuan_db"].session() as s:
                return dict(s.get(Conversation, f"sim:{user}").state or {})

    return Sim()


@pytest.mark.parametrize("text", ["工钱要不回来 我真不想活了", "欠了一屁股债 活不下去了", "离了婚孩子也不让见 死了算了",
                                  "我想自杀", "活着还有什么意思", "我准备喝农药", "老板不给钱我就从这跳楼",
                                  "我想死", "一了百了算了"])
def test_despair_is_read(text):
    assert self_harm_in(text) and assess(text).kind == "self_harm"


@pytest.mark.parametrize("text", ["我不会自杀的 就问问欠薪怎么办", "想死你了", "累死了 今天加班到十点", "笑死我了",
                                  "老板说我再闹就去死吧", "工伤死亡赔偿怎么算"])
def test_colloquial_and_denied_are_not(text):
    assert not self_harm_in(text)


def test_where_a_life_is_in_danger_now():
    assert at_the_edge("我现在在楼顶") and at_the_edge("站在大桥上") and not at_the_edge("我在石狮打工")


def test_the_safety_lines_come_first_and_again_and_at_the_edge(sim):
    first = sim.say("三个月工资一分没拿到 家里等着用钱 我真的不想活了")
    assert HOTLINE in first and EMERGENCY in first
    assert "记下了" not in first and "<a href" not in first and "您想问的是" not in first
    again = sim.say("没人能帮我 活着没意思")
    assert HOTLINE in again and again != first and len(again) < len(first)
    edge = sim.say("我在楼顶")
    assert "离开那里" in edge and HOTLINE in edge
    assert "self_harm" in sim.state().get("notices", [])


def test_after_the_safety_lines_the_legal_problem_is_still_helped(sim):
    assert HOTLINE in sim.say("欠薪讨不回来 活不下去了")
    later = sim.say("包工头欠我三个月工钱 我该怎么办")
    assert HOTLINE not in later and ("仲裁" in later or "劳动" in later)


def test_inside_the_questionnaire_the_safety_lines_come_first(sim):
    sim.say("我能申请法律援助吗")
    reply = sim.say("孩子判给他了 我不想活了")
    assert HOTLINE in reply and EMERGENCY in reply


def test_someone_at_a_high_place_without_despair_said_is_not_alarmed(sim):
    reply = sim.say("我在楼顶晒被子 顺便问下欠薪怎么办")
    assert HOTLINE not in reply
