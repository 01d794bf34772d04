"""What the bot says about the law agrees with the rules engine (tester 3, cause A).

Table tests on our own wordings: the rules engine's exemption for this citizen decides
whether any reply may ask for proof of hardship (LAL 32 statuses, LAL 42(2)/(3)); a LAL 32
status covering the matter is national, never 「各地规定不一样」; the state-compensation
answer (LAL 32(3)) needs its premise; an ordinary lease is not covered in Shishi either.
"""
from __future__ import annotations

import glob
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.dialog import legal_check as lc
from intents.rules import decide

ROOT = Path(__file__).resolve().parents[2]
NOEX: dict[str, Any] = {"special_status": [], "receives_assistance": False, "age": 40, "disabled": False}

GENERIC_MATERIALS = ("一般要带三类材料：一是身份证，替家人办的带委托证明；二是经济困难的说明和证明，或签一份如实填写的承诺书，"
                     "领低保的带低保证可免予核查；三是医疗材料，如病历、诊断证明。各地清单不同，去之前请先打12348问清楚。")
MATERIALS_LIST = ("申请时一般要带（共5项）：\n1. 申请人的居民身份证或其他有效身份证件\n"
                  "2. 经济困难状况说明和证明材料，也可以签署《个人诚信承诺书》代替证明\n"
                  "3. 如果您领取低保、特困供养或优抚，或者属于其他免审情形，带上相关证件或证明，可以免予核查经济困难状况\n"
                  "4. 工资条、银行流水等工资发放记录\n5. 考勤记录")


# ------------------------------------------------------------------ 1. hardship proof is never asked when waived

@pytest.mark.parametrize("facts,basis", [
    ({"matter": "family.violence", "special_status": ["abuse_victim"]}, "第三十二条第四项"),
    ({"matter": "family.divorce", "special_status": ["abuse_victim"]}, "第三十二条第四项"),
    ({"matter": "injury.personal", "special_status": ["good_samaritan"]}, "第三十二条第二项"),
    ({"matter": "labor.wages", "migrant_worker": True}, "第四十二条第三项"),
    ({"matter": "labor.injury", "migrant_worker": True}, "第四十二条第三项"),
    ({"matter": "family.support", "receives_assistance": True}, "第四十二条第二项"),
])
@pytest.mark.parametrize("reply", [GENERIC_MATERIALS, MATERIALS_LIST])
def test_no_reply_asks_for_hardship_proof_the_law_waives(facts: dict, basis: str, reply: str) -> None:
    out = lc.consistent(reply, facts, None)
    assert "经济困难的说明和证明" not in out and "经济困难状况说明和证明材料" not in out
    assert "如果您领取低保" not in out and "低保证可免予核查" not in out
    assert f"不用证明经济困难（《法律援助法》{basis}" in out
    assert reply[-4:] in out and "\n\n" not in out  # the rest of the answer stays, no hole in a list


def test_the_numbered_list_keeps_counting_after_an_item_is_dropped() -> None:
    out = lc.consistent(MATERIALS_LIST, {"matter": "labor.wages", "migrant_worker": True}, None)
    numbers = [line.split(".")[0] for line in out.split("\n") if line[:1].isdigit()]
    assert numbers == ["1", "2", "3", "4"]
    assert "进城务工人员" in out  # the proof of the exempt status instead


@pytest.mark.parametrize("facts", [
    {"matter": "labor.contract", "migrant_worker": True, "region": "石狮"},     # 42(3) is pay and injury only
    {"matter": "injury.traffic", "region": "长春", **NOEX},
    {"matter": "labor.wages", "migrant_worker": False, "region": "长春", **NOEX},
    {"matter": "injury.medical", "special_status": ["abuse_victim"]},          # the status does not fit the matter
])
def test_hardship_proof_stays_where_the_law_asks_for_it(facts: dict) -> None:
    assert lc.consistent(GENERIC_MATERIALS, facts, None) == GENERIC_MATERIALS


def test_a_decision_already_given_keeps_the_waiver_when_the_topic_drifts() -> None:
    """A DV victim decided eligible under LAL 32(4), whose next message is read as medical."""
    earlier = decide({"matter": "family.violence", "special_status": ["abuse_victim"], "region": "石狮"})
    out = lc.consistent(GENERIC_MATERIALS, {"matter": "injury.medical", "special_status": ["abuse_victim"]}, earlier)
    assert "经济困难的说明和证明" not in out and "第三十二条第四项" in out


def test_a_refusal_waives_nothing() -> None:
    refused = decide({"matter": "civil.debt", "region": "长春", **NOEX})
    assert lc.consistent(GENERIC_MATERIALS, {"matter": "civil.debt"}, refused) == GENERIC_MATERIALS


# ------------------------------------------------------------------ 2. LAL 32 is national

@pytest.mark.parametrize("sentence", [
    "这类事能不能申请法律援助，各地规定不一样。",
    "能否申请法律援助，由当地法律援助机构判断。",
    "一般的人身伤害纠纷不在国家列举的事项里。",
])
def test_a_good_samaritan_hears_the_national_rule_not_regional_variation(sentence: str) -> None:
    reply = f"先治伤，保留好病历和票据。{sentence}可以拨打12348咨询。"
    out = lc.consistent(reply, {"matter": "injury.personal", "special_status": ["good_samaritan"]}, None)
    assert sentence not in out
    assert "第三十二条第二项" in out and "全国都一样" in out and "先治伤" in out


def test_regional_variation_stays_for_someone_without_the_status() -> None:
    reply = "先治伤。这类事能不能申请法律援助，各地规定不一样。"
    assert lc.consistent(reply, {"matter": "injury.personal", **NOEX}, None) == reply


# ------------------------------------------------------------------ 3. premises of status answers

def _entries() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for name in glob.glob(str(ROOT / "knowledge_base/content/faq/*.yaml")):
        for e in yaml.safe_load(Path(name).read_text(encoding="utf-8")) or []:
            out[e["id"]] = e
    return out


def test_every_wording_of_a_status_answer_states_its_premise() -> None:
    entries = _entries()
    for faq_id in lc.premises():
        for wording in [entries[faq_id]["question"], *entries[faq_id]["alternatives"]]:
            assert lc.premise_met(faq_id, wording), (faq_id, wording)


@pytest.mark.parametrize("text", [
    "我想让打我的人赔钱 能申请法援吗",
    "被人捅了一刀 要他赔医药费 有免费律师吗",
    "我要他赔偿 法律援助查不查收入",
])
def test_a_victim_wanting_the_attacker_to_pay_is_not_a_state_compensation_claim(text: str) -> None:
    assert not lc.premise_met("eligibility-exempt-06", text)


@pytest.mark.parametrize("text", ["坐了五年冤狱 改判无罪了 要国家赔偿", "平反了 国家赔钱找律师要钱吗"])
def test_state_compensation_wordings_keep_their_answer(text: str) -> None:
    assert lc.premise_met("eligibility-exempt-06", text)


# ------------------------------------------------------------------ 4. scope: FAQ and rules engine say the same

@pytest.mark.parametrize("region", ["石狮", "石狮市", "长春", "吉林市", "泉州"])
@pytest.mark.parametrize("income", [600, 2000, 9000])
def test_an_ordinary_lease_is_out_of_scope_whatever_the_income(region: str, income: int) -> None:
    out = decide({"matter": "housing.lease", "region": region, **NOEX,
                  "household_size": 2, "household_monthly_income": income})
    assert out["decision"] == "not_eligible"
    text = " ".join(out["reasons"] + out["next_steps"])
    assert "12348" in text and "人民调解" in text


def test_shishi_lease_reason_names_the_2020_epidemic_measure() -> None:
    out = decide({"matter": "housing.lease", "region": "石狮", **NOEX})
    assert any("疫情" in r and "石狮市法律援助中心" in r for r in out["reasons"])


@pytest.mark.parametrize("text", ["房东起诉我 说我拖欠半年房租", "退租了押金不给 能找法援吗", "被房东告了欠租 明天开庭"])
def test_an_ordinary_lease_does_not_get_the_epidemic_lease_answer(text: str) -> None:
    assert not lc.premise_met("housing-lease-03", text)


def _hit(faq_id: str, code: str):
    from knowledge_base.match import Hit

    return Hit(faq_id, code, "", 0.5, 0.5, 50.0, "")


def _result(status: str, hits: list, topic: str | None):
    from knowledge_base.match import MatchResult

    return MatchResult(status, hits, "", "", topic=topic)


def test_an_unmet_premise_drops_the_answer_and_the_topic_takes_over_when_it_agrees() -> None:
    found = _result("answer", [_hit("eligibility-exempt-06", "eligibility.exempt"), _hit("injury-personal-01", "injury.personal")],
                    "injury.personal")
    out = lc.without_unmet_premises(found, "我想让他赔钱 能申请法援吗")
    assert out.status == "topic" and [h.faq_id for h in out.hits] == ["injury-personal-01"]


def test_an_unmet_premise_with_a_disagreeing_topic_is_not_sure() -> None:
    found = _result("answer", [_hit("eligibility-exempt-06", "eligibility.exempt"), _hit("injury-traffic-01", "injury.traffic")],
                    "service.complaint")
    assert lc.without_unmet_premises(found, "我想让他赔钱").status == "unsure"


def test_a_met_premise_changes_nothing() -> None:
    found = _result("answer", [_hit("eligibility-exempt-06", "eligibility.exempt")], "eligibility.exempt")
    assert lc.without_unmet_premises(found, "改判无罪了 想要国家赔偿") is found
