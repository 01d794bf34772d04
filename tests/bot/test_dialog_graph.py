"""The declared dialogue: every route and every mode is reached by real conversations,
and docs/DIALOG.md is what the literal generates.

The walk plays short conversations through the real app (database, knowledge base, rules
engine, handoff) with the graph's trace switched on, then compares what fired with the
literal. A new route that no conversation reaches fails here until a script reaches it.
"""
from __future__ import annotations

import uuid

import pytest

from bot.dialog import graph, inspect_conversation
from bot.dialog.mermaid import DOC, document
from bot.inbound import Inbound


class Walker:
    def __init__(self, app):
        self.app = app
        self.user = "walk" + uuid.uuid4().hex[:10]

    def send(self, kind: str = "text", text: str = "", **kw) -> str:
        from bot.channel import handle_in_app

        with self.app.test_request_context():
            out = handle_in_app(Inbound(self.user, "simulator", kind, text, **kw))  # type: ignore[arg-type]
        return out.text or ""

    def say(self, *texts: str) -> str:
        reply = ""
        for t in texts:
            reply = self.send("text", t)
        return reply

    @property
    def mode(self) -> str:
        db = self.app.extensions["fayuan_db"]
        with db.session() as s:
            return inspect_conversation(s, self.user).mode


ELIGIBLE_WAGES = ("评估", "欠工资", "石狮", "是")

# (steps, the mode expected at the end) — each list is one citizen.
SCRIPTS: list[tuple[list, str]] = [
    ([("subscribe",), "2"], "questionnaire"),                                  # subscribe, pick_choice → precheck
    ([("unsupported",), ("voice", ""), ("event", ""), "  ", ("unsubscribe",)], "idle"),
    (["老板拖欠工资怎么办", "详细", "有用", "要带啥东西"], "idle"),  # KB, detail, feedback, follow-up
    (["老板拖欠工资怎么办", "1"], "questionnaire"),                          # the offer accepted
    (["老板拖欠工资怎么办", "不用了 谢谢", "你好", "尾号5678", "查进度", "附近", "千万别给我打电话"], "idle"),
    (["安徽合肥", "这种情况你们管不管", "帮助", "继续", "工伤认定要去哪里申请", "我能申请吗", "退出"], "idle"),
    (["评估", "预约"], "book"),
    (["评估", "欠工资", "重新开始"], "idle"),
    ([*ELIGIBLE_WAGES, "申请", "预约"], "book"),
    ([*ELIGIBLE_WAGES, "申请", "同意"], "apply"),
    ([*ELIGIBLE_WAGES, "申请", "法律援助要钱吗"], "apply"),
    ([*ELIGIBLE_WAGES, "申请", "工伤认定要去哪里申请"], "apply"),            # the topic's own follow-up (人社部门)
    ([*ELIGIBLE_WAGES, "申请", "交通事故责任怎么认定"], "apply"),            # a question for the knowledge base
    ([*ELIGIBLE_WAGES, "申请", "撤回同意"], "idle"),
    ([*ELIGIBLE_WAGES, "申请", "好的 多谢你了"], "idle"),                     # thanks at the consent: closes politely
    (["能不能给我排个号", "取消预约"], "idle"),
    (["能不能给我排个号", "1"], "book"),
    (["我要申请"], "questionnaire"),
    (["我要申请", "欠工资", "那要多久"], "questionnaire"),                    # a side question, then the question again
    (["我老公被派出所抓了", "他四十岁"], "idle"),                             # the fact the last reply asked for
    (["老板欠我工资 我在石狮", "删除我的信息", "确认删除"], "idle"),             # erase_confirm erases
    (["删除我的信息", "算了"], "idle"),                                       # anything else keeps it
    (["儿子被派出所带走了 才16岁"], "idle"),
    (["人工", "帮助"], "idle"),
    (["人工", "算了 你先说说吧 老板欠我工资 我在石狮"], "human"),          # nobody on it yet: the bot answers
    (["法援中心说我不符合条件 不给办 我不服气"], "idle"),                    # an objection (LAL 49), no new check
    (["人工", "你们几点上班", "我的工资一直要不回来", "结束人工"], "idle"),
    (["老公喝多了又打我 我躲在厕所", "好的", "不要打电话", "要钱吗", "在长春", "他会不会找过来", "预约", "退出"], "crisis"),
    (["老公喝多了又打我 我躲在厕所", "我能申请法律援助吗"], "crisis"),         # decided at once: no place changes LAL 32(4)
    (["老公喝多了又打我 我躲在厕所", "我要申请"], "crisis"),                    # decided at once; its bubble says how to apply
    (["法律援助要钱吗", "那咋办", "第二个"], "questionnaire"),               # the second way the last reply listed (评估)
    (["老板拖欠工资怎么办", "就是你刚说的那个"], "idle"),                      # pointing at the last answer
    (["老板欠我工资 还有五天仲裁就过期了", "来不及准备材料 能先帮我办吗"], "idle"),     # 先行援助 (LAL 44)
    (["他喝醉了在外面踹门 我好怕", "报了警 警察还没到", "材料以后再补行吗"], "crisis"),  # danger now; LAL 44 in a crisis
    (["评估", "欠工资", "来不及准备材料 能先给我办吗"], "questionnaire"),           # LAL 44 mid-form, the question again
    (["他喝多了在外面踹门 说要弄死我", "我在卧室 孩子也在"], "crisis"),        # a crisis statement about this minute
    (["人工", "嗯"], "human"),
    (["她", "老板欠我工资 我在石狮", "你"], "idle"),                              # a pronoun alone: asked to say more
    (["他又打我了 我躲在卫生间", "我"], "crisis"),                                                  # nobody on it yet: 「收到」, not silence
]


@pytest.fixture()
def trace():
    graph.TRACE = []
    yield graph.TRACE
    graph.TRACE = None


def _play(app, steps) -> Walker:
    w = Walker(app)
    for step in steps:
        if isinstance(step, tuple):
            w.send(*step)
        else:
            w.say(step)
    return w


def test_every_route_and_mode_is_reached(app, trace):
    for steps, expected_mode in SCRIPTS:
        start = len(trace)
        w = _play(app, steps)
        assert w.mode == expected_mode, (steps, w.mode, trace[start:])
    seen = set(trace)
    fallbacks = {r.name for r in graph.FALLBACKS}
    reached_fallbacks = {name for _mode, name in seen if name in fallbacks}
    assert fallbacks - reached_fallbacks == set(), "fallbacks never reached"
    unreached = [(mode, r.name) for mode, spec in graph.DIALOG.items()
                 for r in (*spec.routes, spec.catch_all) if (mode, r.name) not in seen]
    assert unreached == [], f"routes never reached: {unreached}"
    assert {mode for mode, _ in seen} == set(graph.DIALOG), "modes never entered"


def test_every_mode_has_a_catch_all_and_routes_are_named_once():
    for mode, spec in graph.DIALOG.items():
        assert spec.catch_all.when(None) is True  # type: ignore[arg-type]
        names = [r.name for r in spec.routes]
        assert len(names) == len(set(names)), mode
        for r in (*spec.routes, spec.catch_all):
            assert set(r.to) <= set(graph.DIALOG), (mode, r.name, r.to)


def test_after_exit_a_yes_answers_no_old_question(app):
    """The defect of issue 9: questionnaire and booking open at once; 「退出」 then 「是」."""
    w = Walker(app)
    w.say("评估", "欠工资")
    w.say("预约")
    assert w.mode == "book"
    w.say("退出")
    assert w.mode == "idle"
    reply = w.say("是")
    assert w.mode == "idle"
    assert "农民工" not in reply and "在哪个市" not in reply
    db = app.extensions["fayuan_db"]
    with db.session() as s:
        snap = inspect_conversation(s, w.user)
    assert snap.pending is None and snap.paused == ()


def test_entering_a_form_pauses_the_questionnaire_and_offers_it_again(app):
    w = Walker(app)
    asked = w.say("评估", "欠工资")
    assert "在哪个市" in asked
    w.say("预约")
    db = app.extensions["fayuan_db"]
    with db.session() as s:
        assert inspect_conversation(s, w.user).paused == ("questionnaire",)
    left = w.say("取消预约")
    assert "刚才的评估还没做完" in left and w.mode == "idle"
    resumed = w.say("继续")
    assert w.mode == "questionnaire" and "在哪个市" in resumed


def test_an_ignored_event_changes_nothing(app):
    w = Walker(app)
    w.say("评估", "欠工资")
    db = app.extensions["fayuan_db"]
    with db.session() as s:
        before = inspect_conversation(s, w.user)
    assert w.send("event") == ""
    with db.session() as s:
        after = inspect_conversation(s, w.user)
    assert after.mode == before.mode == "questionnaire" and after.case == before.case


def test_the_diagram_in_docs_is_generated_from_the_literal():
    assert DOC.read_text(encoding="utf-8") == document(), "run: python -m bot dialog-graph"


def test_a_form_left_for_days_times_out_and_is_offered_again(app):
    from datetime import timedelta

    from bot.conversation import Conversation
    from ground.clock import utcnow

    w = Walker(app)
    w.say("能不能给我排个号")
    assert w.mode == "book"
    db = app.extensions["fayuan_db"]
    with db.session() as s:
        s.get(Conversation, w.user).updated_at = utcnow() - timedelta(days=2)
    reply = w.say("你好")
    assert w.mode == "idle" and "上次的预约还没约好" in reply
    with db.session() as s:
        assert inspect_conversation(s, w.user).paused == ("book",)
    w.say("继续")
    assert w.mode == "book"


def test_delete_my_information_erases_the_case_file_after_confirmation(app):
    from sqlalchemy import func, select

    from bot.conversation import ChatMessage

    w = Walker(app)
    w.say("老板欠我三个月工资 我在石狮打工", "我叫王秀英 电话13812345678")
    db = app.extensions["fayuan_db"]
    with db.session() as s:
        assert inspect_conversation(s, w.user).case.get("region")
    prompt = w.say("删除我的信息")
    assert "确认删除" in prompt
    with db.session() as s:  # asking deletes nothing
        assert s.scalar(select(func.count()).select_from(ChatMessage).where(ChatMessage.user_id == w.user)) > 2
    w.say("确认删除")
    with db.session() as s:
        snap = inspect_conversation(s, w.user)
        assert snap.case == {} and snap.mode == "idle"
        texts = s.scalars(select(ChatMessage.text).where(ChatMessage.user_id == w.user)).all()
        assert not any("石狮" in t or "王" in t for t in texts)
