"""Scripted conversations through the simulator API (same dialog as the webhook)."""
from __future__ import annotations

import uuid

import pytest


class Chat:
    def __init__(self, client):
        self.client = client
        self.user = "t" + uuid.uuid4().hex[:12]

    def say(self, text: str) -> str:
        r = self.client.post("/simulator/api/send", json={"user": self.user, "kind": "text", "text": text})
        assert r.status_code == 200
        return r.get_json()["reply"] or ""

    def event(self, kind: str, **kw) -> str:
        r = self.client.post("/simulator/api/send", json={"user": self.user, "kind": kind, **kw})
        return r.get_json().get("reply") or ""


@pytest.fixture()
def chat(client):
    return Chat(client)


def test_welcome_then_numbered_menu(chat):
    assert "1." in chat.event("subscribe")
    assert "老板拖欠" in chat.say("1")  # examples


def test_help_human_restart_are_global(chat):
    assert "12348" in chat.say("人工")
    assert "评估" in chat.say("帮助")
    assert "重新开始" in chat.say("重新开始")


def test_numbered_choice_picks_an_entry(chat):
    reply = chat.say("工资")
    if "您想问的是" in reply:
        picked = chat.say("2")
        assert "您想问的是" not in picked and len(picked) > 20
    else:
        assert "工资" in reply


def test_answer_carries_a_follow_up_and_feedback_is_thanked(chat):
    reply = chat.say("老板拖欠工资怎么办")
    assert "回复" in reply
    assert "谢谢" in chat.say("有用")


def test_unsure_gives_12348_and_logs_the_question(app, chat):
    from sqlalchemy import select

    from knowledge_base.models import UnansweredQuestion

    reply = chat.say("我的身份证号350581199001011234 公司的那个啥玩意儿弄不明白")
    assert "12348" in reply or "您想问的是" in reply
    with app.extensions["fayuan_db"].session() as s:
        rows = s.scalars(select(UnansweredQuestion).order_by(UnansweredQuestion.id.desc())).all()
    assert rows and all("350581199001011234" not in r.text for r in rows)


def test_small_talk_never_gets_a_legal_answer(chat):
    for text in ["哈哈", "你是机器人吗", "今天天气怎么样"]:
        reply = chat.say(text)
        assert "《" not in reply and "法律援助法" not in reply


def test_faq_page_shows_the_full_answer(client):
    r = client.get("/faq/labor-wages-01")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "法律依据" in html and "工资" in html
    assert client.get("/faq/no-such-entry").status_code == 404


def test_location_from_the_simulator(chat):
    reply = chat.event("location", lat=24.73, lon=118.65)
    assert "石狮" in reply.split("\n\n")[0]


def test_bad_location_input_is_a_clear_error(client):
    r = client.post("/simulator/api/send", json={"user": "abcd1234", "kind": "location", "lat": "x"})
    assert r.status_code == 400 and "位置" in r.get_json()["error"]


def test_unhelpful_feedback_logs_the_question_it_was_about(app, chat):
    from sqlalchemy import select

    from knowledge_base.models import UnansweredQuestion

    chat.say("工伤认定要准备什么材料")
    chat.say("没用")
    with app.extensions["fayuan_db"].session() as s:
        row = s.scalars(select(UnansweredQuestion).where(UnansweredQuestion.reason == "unhelpful")
                        .order_by(UnansweredQuestion.id.desc())).first()
    assert row is not None and "工伤" in row.text


def test_schema_revision_constant_matches_alembic_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from bot.db import MIGRATIONS_DIR, SCHEMA_REVISION

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(cfg).get_current_head() == SCHEMA_REVISION


def test_offices_found_by_typing_a_place(chat):
    reply = chat.say("长春法律援助中心在哪里 电话多少")
    assert "长春市法律援助中心" in reply
    # Placeholder contacts never reach a citizen: no 示例, no made-up phone; 12348 instead.
    assert "示例" not in reply and "电话：" not in reply and "12348" in reply
    chat.say("附近")
    assert "石狮" in chat.say("石狮")


def test_own_progress_phrasings_reach_the_status_list(chat):
    assert chat.say("我的申请怎么样了") == chat.say("查进度")
