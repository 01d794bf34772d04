"""The eligibility questionnaire: paths, re-asks, 返回 / 跳过, prefill, pruning, the flow
file, the result text, and personas through the real rules engine.

Exact question sequences are tested against a small fake engine (``fake_engine``) that
follows legal-aid-facts.md §9, so these tests pin the questionnaire's own behaviour and
do not break when the real engine's tables are tuned. The persona tests at the end run
the real ``intents.rules``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intents import questionnaire as q
from intents.facts import parse_facts
from intents.personas_report import PERSONAS, run
from intents.result_text import render_result

# --------------------------------------------------------------------------- fake engine

ORDER = ["matter", "criminal_role", "region", "special_status", "migrant_worker", "receives_assistance", "age",
         "disabled", "fixed_income", "household_size", "household_monthly_income"]
CRIMINAL_ORDER = ["matter", "criminal_role", "age", "criminal_flags", *ORDER[2:]]


def _out(decision: str, missing: list[str] = (), review: str = "unknown") -> dict[str, Any]:
    return {"decision": decision, "hardship_review": review, "priority": False, "pre_aid": False,
            "reasons": [f"《法律援助法》第四十二条：测试理由（{decision}）。"],
            "materials": ["身份证", "证明材料"], "next_steps": ["到当地法律援助中心申请。"],
            "missing": list(missing)}


def fake_decide(facts: dict[str, Any]) -> dict[str, Any]:
    """§9 in miniature. Validation is the real one (FactsError naming the field)."""
    parse_facts(facts)
    known = set(facts)

    matter = facts.get("matter")

    def nmi(*relevant: str) -> dict[str, Any]:
        order = CRIMINAL_ORDER if matter == "criminal.defense" else ORDER
        return _out("needs_more_info", [f for f in order if f in relevant and f not in known])

    if matter is None:
        return nmi("matter")
    criminal = matter == "criminal.defense"
    if criminal:
        role = facts.get("criminal_role")
        if role is None:
            return nmi("criminal_role", "age", "criminal_flags", "region")
        if role in ("suspect", "defendant"):
            if "age" not in facts:
                return nmi("age", "criminal_flags", "region")
            if facts["age"] < 18:
                return _out("mandatory", review="exempt")
            if "criminal_flags" not in facts:
                return nmi("criminal_flags", "region")
            if facts["criminal_flags"]:
                return _out("mandatory", review="exempt")
    rest = ["region", "special_status", "migrant_worker", "receives_assistance", "age", "disabled",
            "fixed_income", "household_size", "household_monthly_income"]
    if matter not in ("labor.wages", "labor.injury"):
        rest.remove("migrant_worker")
    if "region" not in facts:
        return nmi(*rest)
    if "special_status" not in facts:
        return nmi(*rest)
    if "abuse_victim" in facts["special_status"]:
        return _out("eligible", review="exempt")
    if "migrant_worker" in rest:
        if "migrant_worker" not in facts:
            return nmi(*rest)
        if facts["migrant_worker"]:
            return _out("eligible", review="exempt")
    if "receives_assistance" not in facts:
        return nmi(*rest)
    if facts["receives_assistance"]:
        return _out("eligible", review="exempt")
    if "age" not in facts:
        return nmi(*rest)
    if facts["age"] < 18 or facts["age"] >= 60:
        if "fixed_income" not in facts:
            return nmi("fixed_income", "household_size", "household_monthly_income")
        if not facts["fixed_income"]:
            return _out("eligible", review="exempt")
    if "household_size" not in facts or "household_monthly_income" not in facts:
        return nmi("household_size", "household_monthly_income")
    per_capita = facts["household_monthly_income"] / facts["household_size"]
    if facts["region"] == "吉林省" and 1500 <= per_capita < 2000:
        return _out("needs_more_info", ["region"])  # which city? the line differs
    if per_capita < 1500:
        return _out("eligible", review="passed")
    return _out("not_eligible", review="failed")


def fake_next_questions(facts: dict[str, Any]) -> list[str]:
    out = fake_decide(facts)
    extra = [] if "urgent" in facts or out["decision"] in ("not_eligible", "mandatory") else ["urgent"]
    return out["missing"] + extra


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    import intents.rules as rules
    monkeypatch.setattr(rules, "decide", fake_decide)
    monkeypatch.setattr(rules, "next_questions", fake_next_questions)


def play(answers: list[str], prefill: dict[str, Any] | None = None) -> tuple[list[str], q.Step]:
    """Answer in turn; return the fields asked (one per shown question) and the last step."""
    step = q.start(prefill)
    asked = [step.state["current"]] if not step.done else []
    for text in answers:
        assert not step.done, f"finished before {text!r}"
        step = q.answer(step.state, text)
        json.dumps(step.state)  # always storable
        if not step.done:
            asked.append(step.state["current"])
    return asked, step


# --------------------------------------------------------------------------- the flow file

def test_flow_has_a_question_per_field() -> None:
    flow = q.load_flow()
    assert set(flow.questions) == set(q.FIELDS)
    from intents.facts import FIELD_NAMES
    assert set(q.FIELDS) == set(FIELD_NAMES)
    for question in flow.questions.values():
        assert question.ask and question.reask
        assert question.parser in q.parsing.PARSERS


def test_matter_choices_are_numbered_in_the_prompt() -> None:
    prompt = q.flow().questions["matter"].prompt({})
    assert "1. 欠工资" in prompt and "2. 工伤" in prompt


def test_multi_select_prompt_explains_how() -> None:
    prompt = q.flow().questions["special_status"].prompt({})
    assert "可以回复多个数字，如 1 3；都没有回复 0" in prompt


def _write(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(q.FLOW_FILE.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "flow.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("mutate,message", [
    (lambda d: d["questions"].pop("gender"), "no question for ['gender']"),
    (lambda d: d["questions"]["age"].update(parser="nope"), "no parser named 'nope'"),
    (lambda d: d["questions"]["age"].update(parser="yes_no"), "does not fit"),
    (lambda d: d["questions"]["gender"]["choices"][0].update(value="woman"), "questions.gender.choices[1].value"),
    (lambda d: d["questions"]["matter"]["choices"][0].update(value="labor.nope"), "questions.matter.choices[1].value"),
    (lambda d: d["questions"]["urgent"].pop("choices"), "needs choices"),
    (lambda d: d["questions"]["age"].update(colour="red"), "unknown keys ['colour']"),
    (lambda d: d["questions"].update(shoe_size={"ask": "x"}), "unknown fields ['shoe_size']"),
    (lambda d: d["questions"]["age"].pop("skip"), "questions.age.skip"),
    (lambda d: d["texts"].pop("went_back"), "went_back"),
])
def test_invalid_flow_is_refused_with_the_key(tmp_path: Path, mutate, message: str) -> None:
    with pytest.raises(q.FlowError) as err:
        q.load_flow(_write(tmp_path, mutate))
    assert message in str(err.value)
    assert "flow.yaml" in str(err.value)


# --------------------------------------------------------------------------- paths (fake engine)

PATHS = [
    ("migrant wages", None, ["1", "石狮", "0", "是", "0"],
     ["matter", "region", "special_status", "migrant_worker", "urgent"], "eligible"),
    ("elderly support", None, ["5", "长春", "都没有", "没有", "72岁", "没有", "0"],
     ["matter", "region", "special_status", "receives_assistance", "age", "fixed_income", "urgent"], "eligible"),
    ("minor suspect", None, ["9", "1", "17"], ["matter", "criminal_role", "age"], "mandatory"),
    ("adult suspect, flags", None, ["家人被抓了", "1", "35", "3"],
     ["matter", "criminal_role", "age", "criminal_flags"], "mandatory"),
    ("divorce, income too high", None, ["离婚", "吉林市", "0", "不是", "40", "3口人", "9000"],
     ["matter", "region", "special_status", "receives_assistance", "age", "household_size",
      "household_monthly_income"], "not_eligible"),
    ("domestic violence", None, ["6", "泉州", "1", "0"],
     ["matter", "region", "special_status", "urgent"], "eligible"),
    ("prefilled wages", {"matter": "labor.wages"}, ["石狮市", "0", "对", "1"],
     ["region", "special_status", "migrant_worker", "urgent"], "eligible"),
]


@pytest.mark.parametrize("name,prefill,answers,expected_asked,decision", PATHS, ids=[p[0] for p in PATHS])
def test_path(fake_engine: None, name: str, prefill, answers: list[str], expected_asked: list[str],
              decision: str) -> None:
    asked, step = play(answers, prefill)
    assert asked == expected_asked
    assert step.done and step.result is not None
    assert step.result["decision"] == decision
    assert step.question_count == len(expected_asked)
    assert step.state["current"] is None and step.state["done"] is True
    assert step.text.startswith(("✅", "❌", "⚠️"))
    assert "初步评估" in step.text


def test_start_asks_the_first_missing_field(fake_engine: None) -> None:
    step = q.start()
    assert not step.done and step.understood
    assert step.state["current"] == "matter"
    assert step.question_count == 1
    assert "下面问您几个简单的问题" in step.text
    assert "1. 欠工资" in step.text
    json.dumps(step.state)


def test_urgent_answer_is_stored(fake_engine: None) -> None:
    _, step = play(["1", "石狮", "0", "是", "1 2"])
    assert step.state["facts"]["urgent"] == ["deadline_within_7_days", "preservation_needed"]


@pytest.mark.parametrize("text", ["不急", "不着急", "0", "都没有"])
def test_urgent_none_words(fake_engine: None, text: str) -> None:
    _, step = play(["1", "石狮", "0", "是", text])
    assert step.done and step.state["facts"]["urgent"] == []


# --------------------------------------------------------------------------- re-asks

@pytest.mark.parametrize("answers,bad", [
    (["1"], "随便写写"),                 # region: no place
    (["1", "石狮"], "8"),                # special_status: no option 8
    (["1", "石狮", "0"], "这个要看情况"),  # migrant_worker: neither yes nor no
    (["5", "长春", "0", "没有"], "两百岁"),  # age out of range
])
def test_bad_answer_is_asked_again(fake_engine: None, answers: list[str], bad: str) -> None:
    _, step = play(answers)
    before = copy.deepcopy(step.state)
    again = q.answer(step.state, bad)
    assert again.understood is False and again.done is False
    assert again.state["current"] == before["current"]
    assert again.state["facts"] == before["facts"]
    assert again.question_count == step.question_count
    assert step.state == before  # the caller's dict is not touched
    assert again.text


def test_reask_names_the_problem_and_keeps_the_choices(fake_engine: None) -> None:
    _, step = play(["1", "石狮"])
    again = q.answer(step.state, "0 2")
    assert "「0」表示都没有" in again.text
    assert "1. 受到家庭暴力" in again.text


def test_range_income_is_asked_again(fake_engine: None) -> None:
    _, step = play(["4", "长春", "0", "没有", "40"])
    step = q.answer(step.state, "3")
    assert step.state["current"] == "household_monthly_income"
    again = q.answer(step.state, "两三千")
    assert not again.understood and "不用说范围" in again.text
    ok = q.answer(again.state, "一个月两千多")
    assert ok.understood and "约 2000 元" in ok.text
    assert ok.state["facts"]["household_monthly_income"] == 2000


def test_question_like_text_is_not_understood(fake_engine: None) -> None:
    _, step = play(["1", "石狮", "0"])
    again = q.answer(step.state, "农民工讨薪要带什么材料？")
    assert again.understood is False
    assert again.state["current"] == "migrant_worker"


# --------------------------------------------------------------------------- 返回

def test_back_goes_to_previous_question_and_drops_its_answer(fake_engine: None) -> None:
    _, step = play(["1", "石狮"])
    assert step.state["current"] == "special_status"
    back = q.answer(step.state, "返回")
    assert back.understood and not back.done
    assert back.state["current"] == "region"
    assert "region" not in back.state["facts"]
    assert back.state["facts"] == {"matter": "labor.wages"}
    assert back.question_count == step.question_count  # no new question
    assert "回到上一题" in back.text
    again = q.answer(back.state, "泉州")
    assert again.state["facts"]["region"] == "泉州市"
    assert again.state["current"] == "special_status"


@pytest.mark.parametrize("word", ["返回", "上一步", "上一个", "后退", "返回。"])
def test_back_words(fake_engine: None, word: str) -> None:
    _, step = play(["1"])
    assert q.answer(step.state, word).state["current"] == "matter"


def test_back_at_the_first_question(fake_engine: None) -> None:
    step = q.start()
    back = q.answer(step.state, "返回")
    assert back.state["current"] == "matter" and back.understood
    assert "第一个问题" in back.text


def test_back_from_the_result(fake_engine: None) -> None:
    _, step = play(["1", "石狮", "0", "是", "0"])
    assert step.done
    back = q.answer(step.state, "返回")
    assert not back.done and back.state["current"] == "urgent"
    assert "urgent" not in back.state["facts"]


def test_back_can_undo_a_prefilled_matter(fake_engine: None) -> None:
    step = q.start({"matter": "labor.wages"})
    assert step.state["current"] == "region"
    back = q.answer(step.state, "返回")
    assert back.state["current"] == "matter" and back.state["facts"] == {}


def test_back_then_change_prunes_the_abandoned_branch(fake_engine: None) -> None:
    _, step = play(["9", "1"])  # criminal case, suspect → asks age
    assert step.state["current"] == "age"
    step = q.answer(step.state, "返回")   # back to criminal_role
    step = q.answer(step.state, "返回")   # back to matter
    assert step.state["current"] == "matter" and step.state["facts"] == {}
    step = q.answer(step.state, "1")      # now a wage claim
    assert step.state["current"] == "region"
    assert "criminal_role" not in step.state["facts"]


def test_prune_drops_answers_that_no_longer_matter(fake_engine: None) -> None:
    history = [
        {"field": "matter", "value": "labor.wages", "source": "answer"},
        {"field": "criminal_role", "value": "suspect", "source": "answer"},  # stale
        {"field": "region", "value": "石狮市", "source": "answer"},
        {"field": "gender", "value": "female", "source": "answer"},  # never wanted on this path
    ]
    kept = q._prune(history)
    assert [h["field"] for h in kept] == ["matter", "region"]


# --------------------------------------------------------------------------- 跳过

def test_skip_records_the_field_and_moves_on(fake_engine: None) -> None:
    _, step = play(["5", "长春"])
    assert step.state["current"] == "special_status"
    skipped = q.answer(step.state, "跳过")
    assert skipped.understood
    assert skipped.state["current"] == "receives_assistance"
    assert "special_status" not in skipped.state["facts"]
    assert {"field": "special_status", "value": None, "source": "skip"} in skipped.state["history"]
    # never asked again, even though the engine keeps listing it as missing
    last = skipped
    for text in ["没有", "72", "没有", "没有", "1", "0", "0"]:
        if last.done:
            break
        last = q.answer(last.state, text)
        assert last.understood
    assert last.done and last.state["asked"].count("special_status") == 1
    assert last.result["decision"] == "needs_more_info"


def test_skip_not_allowed_where_the_answer_is_needed(fake_engine: None) -> None:
    step = q.start()
    refused = q.answer(step.state, "跳过")
    assert refused.understood and not refused.done
    assert refused.state["current"] == "matter"
    assert "需要您回答" in refused.text


def test_dont_know_counts_as_skip_where_allowed(fake_engine: None) -> None:
    _, step = play(["1", "石狮", "0"])
    step = q.answer(step.state, "不知道")
    assert step.understood and step.state["current"] == "receives_assistance"
    _, step = play(["1"])
    again = q.answer(step.state, "不知道")  # region cannot be skipped
    assert not again.understood and again.state["current"] == "region"


def test_back_undoes_a_skip(fake_engine: None) -> None:
    _, step = play(["5", "长春", "跳过"])
    back = q.answer(step.state, "返回")
    assert back.state["current"] == "special_status"
    assert not any(h["source"] == "skip" for h in back.state["history"])


def test_skipping_everything_still_finishes(fake_engine: None) -> None:
    _, step = play(["4", "长春"])
    for _ in range(12):
        if step.done:
            break
        step = q.answer(step.state, "跳过")
    assert step.done
    assert step.result["decision"] == "needs_more_info"
    assert "还需要知道" in step.text


# --------------------------------------------------------------------------- prefill

def test_prefill_skips_known_fields(fake_engine: None) -> None:
    step = q.start({"matter": "labor.wages", "region": "石狮"})
    assert step.state["current"] == "special_status"
    assert step.state["facts"] == {"matter": "labor.wages", "region": "石狮市"}
    assert step.question_count == 1


@pytest.mark.parametrize("prefill", [
    {"matter": "legal_aid.apply"}, {"matter": None}, {"matter": "nonsense"}, {"shoe_size": 42}, {"age": -3}, None, {},
])
def test_unusable_prefill_is_dropped(fake_engine: None, prefill) -> None:
    step = q.start(prefill)
    assert step.state["current"] == "matter" and step.state["facts"] == {}


def test_service_urgent_asks_urgency_first(fake_engine: None) -> None:
    step = q.start({"matter": "service.urgent"})
    assert step.state["current"] == "urgent"
    step = q.answer(step.state, "1")
    assert step.state["current"] == "matter"
    assert step.state["facts"] == {"urgent": ["deadline_within_7_days"]}


def test_prefill_that_decides_returns_the_result() -> None:
    step = q.start({"matter": "criminal.defense", "criminal_role": "suspect", "age": 16})
    assert step.done and step.result["decision"] == "mandatory"
    assert step.question_count == 0
    assert step.text.startswith("✅")


# --------------------------------------------------------------------------- region refinement

def test_engine_may_ask_the_region_more_precisely(fake_engine: None) -> None:
    _, step = play(["4", "吉林", "0", "没有", "40", "2", "3400"])
    assert step.state["current"] == "region" and step.state["refining"]
    assert "您说的是「吉林省」" in step.text
    refined = q.answer(step.state, "长春")
    assert refined.done and refined.state["facts"]["region"] == "长春市" or refined.state["current"] == "urgent"
    # skipping the refinement keeps the first answer and does not loop
    skipped = q.answer(step.state, "跳过")
    assert skipped.state["facts"]["region"] == "吉林省"
    assert skipped.done or skipped.state["current"] != "region"


# --------------------------------------------------------------------------- free text, notices

def test_free_text_matter_brings_the_place_with_it(fake_engine: None) -> None:
    step = q.start()
    step = q.answer(step.state, "我在石狮打工，老板欠了三个月工资")
    assert step.state["facts"] == {"matter": "labor.wages", "region": "石狮市"}
    assert step.state["current"] == "special_status"
    assert "欠工资" in step.text and "石狮市" in step.text
    back = q.answer(step.state, "返回")
    assert back.state["current"] == "matter" and back.state["facts"] == {}


def test_violence_answer_puts_safety_first_once(fake_engine: None) -> None:
    step = q.start()
    step = q.answer(step.state, "6")
    assert step.text.startswith("⚠️") and "110" in step.text
    assert step.notice and "110" in step.notice
    step = q.answer(step.state, "泉州")
    later = q.answer(step.state, "他还打我")  # special_status: keyword 打我
    assert later.understood
    assert "110" not in later.text


def test_several_notices_still_fit_one_bubble(fake_engine: None) -> None:
    _, step = play(["1"])
    again = q.answer(step.state, "他打我，明天开庭，现在人被拘留了")
    assert again.text.startswith("⚠️") and "第四十四条" in again.text
    assert len(again.text) <= 600
    assert "哪个市或县" in again.text  # the question is still there


def test_violence_told_in_words(fake_engine: None) -> None:
    step = q.answer(q.start().state, "老公打我")
    assert step.state["facts"] == {"matter": "family.violence"}
    assert step.text.count("110") == 1 and step.text.startswith("⚠️")


def test_safety_notice_even_when_not_understood(fake_engine: None) -> None:
    _, step = play(["1"])
    again = q.answer(step.state, "他拿刀说要杀了我")
    assert not again.understood and "110" in again.text


# --------------------------------------------------------------------------- other states

def test_answer_after_done(fake_engine: None) -> None:
    _, step = play(["1", "石狮", "0", "是", "0"])
    again = q.answer(step.state, "谢谢")
    assert again.done and not again.understood
    assert again.result is not None


def test_current_question_for_resume(fake_engine: None) -> None:
    _, step = play(["1"])
    text = q.current_question(step.state)
    assert "哪个市或县" in text and "返回" in text


@pytest.mark.parametrize("state", [{}, {"history": "x"}, {"current": "nope", "history": [{"bad": 1}]}, None])
def test_damaged_state_does_not_crash(fake_engine: None, state) -> None:
    step = q.answer(state, "1")  # type: ignore[arg-type]
    assert isinstance(step.text, str) and step.text
    json.dumps(step.state)


ANSWERS = st.one_of(
    st.sampled_from(["1", "2", "5", "6", "9", "0", "1 3", "是", "不是", "没有", "石狮", "长春", "吉林", "65", "17",
                     "3口人", "两千多", "两三千", "返回", "跳过", "不知道", "老公打我", "家人被抓了", "", "13"]),
    st.text(max_size=30),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(ANSWERS, max_size=25))
def test_any_answers_never_crash(texts: list[str]) -> None:
    """Real engine: whatever is typed, the state stays storable and consistent."""
    step = q.start()
    for text in texts:
        before = copy.deepcopy(step.state)
        step = q.answer(step.state, text)
        json.dumps(step.state, ensure_ascii=False)
        assert isinstance(step.text, str) and step.text.strip()
        assert step.question_count <= len(q.FIELDS) + 2
        if not step.understood and not step.done:
            assert step.state["facts"] == q.facts_of(before)
        if step.done:
            assert step.result is not None and step.result["decision"]
        else:
            assert len(step.text) <= 600  # a question is one WeChat bubble


# --------------------------------------------------------------------------- result text

RESULT = {
    "decision": "eligible", "hardship_review": "exempt", "priority": True, "pre_aid": True,
    "reasons": ["《法律援助法》第四十二条第三项：农民工追索劳动报酬免予核查经济困难状况。"],
    "materials": ["身份证", "工资条或银行流水"], "next_steps": ["到石狮市法律援助中心申请。"], "missing": [],
}


def test_result_eligible() -> None:
    text = render_result(RESULT)
    assert text.startswith("✅ 按您说的情况，您符合法律援助条件")
    assert "回复「申请」在线申请并预约" in text
    assert "请一次带齐：\n1. 身份证\n2. 工资条或银行流水" in text
    assert "第四十二条第三项" in text and "绿色通道" in text and "第四十四条" in text
    assert "不是正式决定" in text and "法律援助机构" in text
    # the important part comes first (the caller cuts long replies)
    assert text.index("申请」在线申请") < text.index("判断依据")


def test_result_not_eligible_offers_alternatives() -> None:
    result = dict(RESULT, decision="not_eligible", hardship_review="failed", priority=False, pre_aid=False)
    text = render_result(result, {"matter": "labor.contract"})
    assert text.startswith("❌")
    for must in ("12348", "人民调解", "劳动仲裁", "委托律师", "不是正式决定"):
        assert must in text
    assert "回复「申请」" not in text
    assert "人民调解" in render_result(result, {"matter": "family.divorce"})
    assert "劳动仲裁" not in render_result(result, {"matter": "family.divorce"})


def test_result_needs_more_info_lists_what_is_missing() -> None:
    result = dict(RESULT, decision="needs_more_info", missing=["household_monthly_income"])
    text = render_result(result)
    assert "全家每月收入" in text and "初步评估" in text


def test_result_accepts_odd_shapes() -> None:
    text = render_result({"decision": "weird", "reasons": [{"rule": "《法律援助法》第二条", "text": "测试"}]})
    assert "《法律援助法》第二条：测试" in text


# --------------------------------------------------------------------------- personas (real engine)



@pytest.mark.parametrize("persona", PERSONAS, ids=[p.name for p in PERSONAS])
def test_persona_reaches_a_decision(persona) -> None:
    r = run(persona)
    assert r.done and not r.problems, r.problems
    if persona.expect:
        assert r.decision == persona.expect
    assert "初步评估" in r.final_text


def test_typical_personas_are_short() -> None:
    """The green-channel cases the product is built for: a decision in ≤ 5 questions."""
    short = [p for p in PERSONAS if p.name.startswith(("石狮讨薪", "17岁", "家暴", "石狮工伤"))]
    assert len(short) >= 4
    for persona in short:
        r = run(persona)
        assert r.question_count <= 5, (persona.name, r.asked)


def test_a_status_that_would_exempt_is_asked_before_an_income_over_the_line_decides() -> None:
    """R12 reads an income clearly over the line as a no whatever exemption facts are
    missing, so the questionnaire must ask the LAL 32 statuses first: a woman divorcing a
    violent husband whose household earns 20,000 a month is exempt, not refused."""
    from intents import questionnaire as qn

    step = qn.start({"matter": "family.divorce", "region": "石狮市"})
    asked: list[str] = []
    answers = {"special_status": "家庭暴力", "age": "40", "disabled": "不是", "fixed_income": "有",
               "household_size": "2", "household_monthly_income": "20000"}
    while not step.done and len(asked) < 12:
        field = step.state["current"]
        asked.append(field)
        step = qn.answer(step.state, answers.get(field, "不是"))
    assert "special_status" in asked
    assert step.done and step.result["decision"] in ("eligible", "likely_eligible")
    assert step.result["hardship_review"] == "exempt"
