"""Issue 12 (legal audit, round 2): every finding as a table case on the real engine.

Each case is named after the rule it checks and its source (legal-aid-facts.md §9 rule,
article, or seed paragraph). Besides the decision and hardship_review, a case may say
which words must (``says``) or must not (``never``) appear in the reasons and next steps
the citizen reads.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from intents import loader
from intents.result_text import render_result
from intents.rules import decide

from test_rules import CRIM, NOGROUP, hh  # the same helpers as the rule tables

NOEX: dict[str, Any] = {"special_status": [], "receives_assistance": False, "age": 40, "disabled": False}
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Case:
    rule: str
    facts: dict[str, Any]
    decision: str
    review: str
    says: tuple[str, ...] = ()
    never: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


CASES: list[Case] = [
    # ------------------------------------------------------------ R5: LAL 32 tied to its claim
    Case("R5 LAL 32(1): a martyr's relative claiming wages is not exempt",
         {"matter": "labor.wages", "region": "长春", **{**NOEX, "special_status": ["martyr_relative"]}, **NOGROUP, **hh(10000)},
         "not_eligible", "failed", says=("只适用于与这种情况直接相关",)),
    Case("R5 LAL 32(4): an abuse victim claiming wages is not exempt",
         {"matter": "labor.wages", "region": "长春", **{**NOEX, "special_status": ["abuse_victim"]}, **NOGROUP, **hh(10000)},
         "not_eligible", "failed"),
    Case("R5 LAL 32(2): a good samaritan claiming support is not exempt",
         {"matter": "family.support", "region": "吉林市", **{**NOEX, "special_status": ["good_samaritan"]}, **NOGROUP, **hh(10000)},
         "not_eligible", "failed"),
    Case("R5 LAL 32(3): wrongful conviction beside a lease dispute is not exempt (Guangdong)",
         {"matter": "housing.lease", "region": "广东", **{**NOEX, "special_status": ["wrongful_conviction"]}},
         "not_eligible", "unknown"),
    Case("R5 LAL 32(2): a good samaritan's injury claim stays exempt",
         {"matter": "injury.personal", "region": "长春", "special_status": ["good_samaritan"]},
         "eligible", "exempt"),
    Case("R5 LAL 32(4): abuse victim with matter `other` is read as the protected claim",
         {"matter": "other", "region": "长春", "special_status": ["abuse_victim"]},
         "eligible", "exempt"),
    Case("R5 LAL 32(1): a martyr's relative with matter `other` is exempt",
         {"matter": "other", "region": "石狮", "special_status": ["martyr_relative"]},
         "eligible", "exempt"),
    Case("R5: wages with no special status asked — the statuses cannot exempt a wage claim",
         {"matter": "labor.wages", "region": "长春", "migrant_worker": True},
         "eligible", "exempt"),
    # ------------------------------------------------------------ LAL 45 says only barrier-free service
    Case("LAL 45 / S-SS §四(五): a disabled person in Shishi — green channel from the Shishi plan",
         {"matter": "labor.wages", "region": "石狮", "migrant_worker": True, "disabled": True, "special_status": []},
         "eligible", "exempt", says=("狮司〔2020〕15号第四部分第（五）项：残疾人可以走绿色通道",)),
    Case("LAL 45: an elderly person in Changchun — barrier-free service, no promised priority",
         {"matter": "family.support", "region": "长春", **{**NOEX, "age": 70}, "fixed_income": True, **NOGROUP, **hh(1000)},
         "eligible", "passed", says=("《法律援助法》第四十五条：法律援助机构为老年人提供服务，应当根据实际情况提供无障碍设施设备和服务",), never=("会优先",)),
    Case("未成年人保护法 104: a minor's support claim cites the minors' law, not LAL 45",
         {"matter": "family.support", "region": "长春", **{**NOEX, "age": 15}, "fixed_income": False},
         "likely_eligible", "exempt", says=("《未成年人保护法》第一百零四条", "熟悉未成年人身心特点的律师")),
    Case("S-JL §三(一)1: a migrant worker in Jilin — green channel from Jilin's measures",
         {"matter": "labor.injury", "region": "长春", "migrant_worker": True, "special_status": []},
         "eligible", "exempt", says=("吉林省司法厅2019年法律援助惠民工程方案第三部分第（一）项：农民工可以走绿色通道",)),
    Case("S-JL / S-SS: a migrant worker elsewhere is told green channels are local practice",
         {"matter": "labor.wages", "region": "广东", "migrant_worker": True, "special_status": []},
         "eligible", "exempt", says=("以当地法律援助中心的说明为准",)),
    # ------------------------------------------------------------ home visits only promised in Shishi
    Case("S-SS §四(五): home and postal acceptance promised in Shishi",
         {"matter": "labor.wages", "region": "石狮", "migrant_worker": True, "disabled": True, "special_status": []},
         "eligible", "exempt", says=("可以请法律援助中心上门受理或邮寄受理（石狮市司法局狮司〔2020〕15号第四部分第（五）项）",)),
    Case("Home visits outside Shishi: the centre may be asked and decides (Changchun)",
         {"matter": "labor.wages", "region": "长春", "migrant_worker": True, "disabled": True, "special_status": []},
         "eligible", "exempt", says=("能否上门由中心根据情况决定",)),
    Case("Home visits outside Shishi: the centre decides (Quanzhou, elderly)",
         {"matter": "family.support", "region": "泉州", **{**NOEX, "age": 75}, "receives_assistance": True},
         "eligible", "exempt", says=("能否上门由中心根据情况决定",)),
    # ------------------------------------------------------------ LAL 28 / CPL 304: only the person subject to it
    Case("LAL 28 / CPL 304: compulsory-medical flag on a victim gives no mandatory defence",
         {"matter": CRIM, "criminal_role": "victim", "criminal_flags": ["compulsory_medical"], "region": "长春", **NOEX, **NOGROUP, **hh(10000)},
         "not_eligible", "failed", says=("只适用于犯罪嫌疑人、被告人或被申请强制医疗的人",)),
    Case("LAL 28 / CPL 304: compulsory-medical flag on a private prosecutor who is an abuse victim",
         {"matter": CRIM, "criminal_role": "private_prosecutor", "criminal_flags": ["compulsory_medical"], "special_status": ["abuse_victim"]},
         "eligible", "exempt"),
    Case("LAL 28 / CPL 304: the defendant subject to compulsory treatment → mandatory",
         {"matter": CRIM, "criminal_role": "defendant", "criminal_flags": ["compulsory_medical"]},
         "mandatory", "exempt"),
    # ------------------------------------------------------------ Fujian outside Shishi: agency's judgment
    Case("LAL 31(9), Fujian list unverified: divorce in Quanzhou → agency judgment",
         {"matter": "family.divorce", "region": "泉州", **{**NOEX, "receives_assistance": True}},
         "likely_eligible", "exempt", says=("以当地法律援助中心的说明为准",)),
    Case("LAL 31(9), Fujian list unverified: land in Jinjiang → agency judgment",
         {"matter": "land", "region": "晋江", **{**NOEX, "receives_assistance": True}},
         "likely_eligible", "exempt"),
    Case("LAL 31(9), Fujian list unverified: personal injury in Fuzhou → agency judgment",
         {"matter": "injury.personal", "region": "福州", **{**NOEX, "receives_assistance": True}},
         "likely_eligible", "exempt"),
    Case("LAL 31: the same divorce in Guangdong stays outside the national list",
         {"matter": "family.divorce", "region": "广东", **{**NOEX, "receives_assistance": True}},
         "not_eligible", "exempt"),
    # ------------------------------------------------------------ LAL 44: may, and never beside a no
    Case("LAL 44: urgent and eligible → the agency *may* help first",
         {"matter": "labor.wages", "region": "长春", "migrant_worker": True, "special_status": [], "urgent": ["deadline_within_7_days"]},
         "eligible", "exempt", says=("《法律援助法》第四十四条：期限不到7天就要到了或需要马上保全、先予执行的，法律援助机构可以先提供法律援助",),
         never=("会优先处理",)),
    Case("LAL 44: urgent but not eligible → LAL 44 is not shown",
         {"matter": "housing.lease", "region": "长春", "urgent": ["preservation_needed"]},
         "not_eligible", "unknown", never=("第四十四条", "会优先处理", "先行")),
]


def _said(out: dict[str, Any]) -> str:
    return "\n".join(out["reasons"] + out["next_steps"])


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_case(case: Case) -> None:
    out = decide(case.facts)
    assert (out["decision"], out["hardship_review"]) == (case.decision, case.review), out["reasons"]
    said = _said(out)
    for words in case.says:
        assert words in said, (words, said)
    for words in case.never:
        assert words not in said, (words, said)


def test_lal45_is_cited_only_for_barrier_free_service() -> None:
    """Wherever the engine cites LAL 45 it speaks of accessible service, never of priority,
    home or postal acceptance, or minors (issue 12 §2)."""
    people = [{"age": 70, "disabled": False}, {"age": 40, "disabled": True}, {"age": 15, "disabled": False},
              {"age": 70, "disabled": True, "migrant_worker": True}]
    for region in ("石狮", "泉州", "长春", "吉林市", "广东", "福州"):
        for person in people:
            for matter in ("labor.wages", "family.support", "family.violence"):
                out = decide({"matter": matter, "region": region, "special_status": [], **person})
                for sentence in re.split(r"[。\n]", _said(out)):
                    if "第四十五条" in sentence:
                        assert not re.search(r"优先|上门|邮寄|未成年", sentence), sentence


def test_priority_tables_never_cite_lal45_for_priority() -> None:
    spec = loader.section("procedure", "priority")
    for key, item in spec.items():
        bases = item["basis"].values() if isinstance(item["basis"], dict) else [item["basis"]]
        texts = item["text"].values() if isinstance(item["text"], dict) else [item["text"]]
        for basis, text in zip(bases, texts):
            if "第四十五条" in basis:
                assert "优先" not in text.split("；")[0] and "上门" not in text, (key, text)


def test_not_eligible_result_text_never_mentions_aid_first() -> None:
    facts = {"matter": "housing.lease", "region": "长春", "urgent": ["deadline_within_7_days"]}
    text = render_result(decide(facts), facts)
    assert "第四十四条" not in text and "先提供援助" not in text and "绿色通道" not in text


# ---------------------------------------------------------------- §3.3 deciding without the exact figure

BOUND_CASES: list[Case] = [
    Case("§3.3 / S-SS §四(二): Shishi, 300 a head → below 2× the lowest plausible 低保 → passed",
         {"matter": "family.support", "region": "石狮", **NOEX, **hh(300)}, "eligible", "passed",
         says=("630元/人/月，2018-12", "标准线至少1260元")),
    Case("§3.3 / S-SS §四(二): Shishi, 10,000 a head, no exemption → above 2× the highest 低保 in China → failed",
         {"matter": "family.support", "region": "石狮", **NOEX, **hh(10000)}, "not_eligible", "failed",
         says=("1330元/人/月，2021-07", "标准线最多2660元")),
    Case("§3.3 / S-SS §四(二): Shishi, 1,800 a head → between the bounds → the centre confirms",
         {"matter": "family.support", "region": "石狮", **NOEX, **hh(1800)}, "likely_eligible", "unknown",
         says=("以石狮市法律援助中心核定的标准为准",)),
    Case("§3.3: Shishi, household of 4 with 1,000 in all → passed",
         {"matter": "labor.contract", "region": "石狮", **NOEX, **hh(250, 4)}, "likely_eligible", "passed"),
    Case("§3.3: Shishi, 10,000 a head but on 低保 → the exemption decides (LAL 42(2))",
         {"matter": "family.support", "region": "石狮", **{**NOEX, "receives_assistance": True}, **hh(10000)},
         "eligible", "exempt"),
    Case("§3.3: Quanzhou (rule unverified), 300 a head → passed, but only likely",
         {"matter": "family.support", "region": "泉州", **NOEX, **hh(300)}, "likely_eligible", "passed"),
    Case("§3.3: Quanzhou, 10,000 a head → failed",
         {"matter": "family.support", "region": "泉州", **NOEX, **hh(10000)}, "not_eligible", "failed"),
    Case("§3.3: Dehua uses Quanzhou's bounds (lowest district, 560)",
         {"matter": "family.support", "region": "德化", **NOEX, **hh(1000)}, "likely_eligible", "passed",
         says=("560元/人/月",)),
    Case("§3.3: Xiamen has no lower bound → 300 a head is left to the centre",
         {"matter": "family.support", "region": "厦门", **NOEX, **hh(300)}, "likely_eligible", "unknown"),
    Case("§3.3: income 0 in Shishi → passed",
         {"matter": "family.support", "region": "石狮", **NOEX, "household_size": 3, "household_monthly_income": 0},
         "eligible", "passed"),
    Case("§3.3: Shishi, whole income 900 with the size unknown → passed whatever the size",
         {"matter": "family.support", "region": "石狮", **NOEX, "household_monthly_income": 900}, "eligible", "passed"),
]


@pytest.mark.parametrize("case", BOUND_CASES, ids=[c.rule for c in BOUND_CASES])
def test_bounds_case(case: Case) -> None:
    test_case(case)


def test_every_bound_has_a_source_and_a_date() -> None:
    for row in loader.table("dibao_bounds")["bounds"]:
        for key in ("lower", "upper"):
            spec = row[key]
            if spec is None:
                continue
            assert spec["dibao_monthly"] > 0 and spec["source"] and spec["source_url"] and spec["date"], (row["region"], key)


@pytest.mark.parametrize("income,decision,review", [(300, "eligible", "passed"), (10000, "not_eligible", "failed"),
                                                     (1800, "likely_eligible", "unknown")])
def test_cli_shishi_bounds(income: int, decision: str, review: str) -> None:
    """The command the issue names: ``python -m bot eligibility --json -`` on a Shishi case."""
    facts = {"matter": "family.support", "region": "石狮", **NOEX, "household_size": 1, "household_monthly_income": income}
    proc = subprocess.run([sys.executable, "-m", "bot", "eligibility", "--json", "-"], input=json.dumps(facts),
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["decision"], out["hardship_review"]) == (decision, review)


# ---------------------------------------------------------------- issue 10 §4: two new topics

TOPIC_CASES: list[Case] = [
    Case("LAL 31: inheritance is not on the national list (Guangdong)",
         {"matter": "family.inheritance", "region": "广东", "special_status": []}, "not_eligible", "unknown",
         says=("继承纠纷（分遗产、遗嘱）不在国家列举的援助事项里",)),
    Case("S-SS §四(一) 婚姻家庭 逐步纳入: inheritance in Shishi → agency judgment, income decides",
         {"matter": "family.inheritance", "region": "石狮", **NOEX, **hh(300)}, "likely_eligible", "passed"),
    Case("S-SS §四(一) + §3.3: inheritance in Shishi, 10,000 a head → failed",
         {"matter": "family.inheritance", "region": "石狮", **NOEX, **hh(10000)}, "not_eligible", "failed"),
    Case("Jilin list unverified: inheritance in Changchun → agency judgment",
         {"matter": "family.inheritance", "region": "长春", **NOEX, **NOGROUP, **hh(1000)}, "likely_eligible", "passed"),
    Case("LAL 42(2): inheritance in Quanzhou, on 低保 → agency judgment, exempt",
         {"matter": "family.inheritance", "region": "泉州", **{**NOEX, "receives_assistance": True}}, "likely_eligible", "exempt"),
    Case("LAL 31 / facts §2.4: a debt dispute is not on the national list (Guangdong)",
         {"matter": "civil.debt", "region": "广东", "special_status": []}, "not_eligible", "unknown",
         says=("借钱不还、欠款等一般债务纠纷不在国家列举的援助事项里", "人民调解")),
    Case("Shishi §四(一) names no debt: an IOU in Shishi is out of scope, even when poor",
         {"matter": "civil.debt", "region": "石狮", **NOEX, **hh(300)}, "not_eligible", "passed",
         says=("石狮市", "人民调解", "12348")),
    Case("No recorded local list names debt: a loan in Jilin city is out of scope",
         {"matter": "civil.debt", "region": "吉林市", **NOEX, **NOGROUP, **hh(500)}, "not_eligible", "passed"),
    Case("No recorded local list names debt: 晋江 (Fujian) too",
         {"matter": "civil.debt", "region": "晋江", **NOEX, **hh(300)}, "not_eligible", "passed"),
    Case("R5: a LAL 32 status does not exempt a debt claim",
         {"matter": "civil.debt", "region": "长春", **{**NOEX, "special_status": ["abuse_victim"]}, **NOGROUP, **hh(10000)},
         "not_eligible", "failed"),
    Case("民法典 188: the debt alternative names the 3-year limit",
         {"matter": "civil.debt", "region": "广东", "special_status": []}, "not_eligible", "unknown",
         says=("《民法典》第一百八十八条",)),
    Case("民法典 1132: the inheritance alternative names mediation or court",
         {"matter": "family.inheritance", "region": "广东", "special_status": []}, "not_eligible", "unknown",
         says=("《民法典》第一千一百三十二条",)),
]


@pytest.mark.parametrize("case", TOPIC_CASES, ids=[c.rule for c in TOPIC_CASES])
def test_new_topic_case(case: Case) -> None:
    test_case(case)


@pytest.mark.parametrize("matter,document", [("family.inheritance", "死亡证明"), ("civil.debt", "借条、欠条")])
def test_new_topics_have_their_materials(matter: str, document: str) -> None:
    out = decide({"matter": matter, "region": "长春", **NOEX, **NOGROUP, **hh(1000)})
    assert any(document in m for m in out["materials"]), out["materials"]


@pytest.mark.parametrize("matter", ["family.inheritance", "civil.debt"])
def test_cli_accepts_the_new_matters(matter: str) -> None:
    facts = {"matter": matter, "region": "石狮", **NOEX, "household_size": 2, "household_monthly_income": 600}
    proc = subprocess.run([sys.executable, "-m", "bot", "eligibility", "--json", "-"], input=json.dumps(facts),
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    # Shishi's list names 婚姻家庭 (inheritance → judgment) but no debt (facts §2.2).
    assert json.loads(proc.stdout)["decision"] == {"family.inheritance": "likely_eligible", "civil.debt": "not_eligible"}[matter]


@pytest.mark.parametrize("text,code", [
    ("我爸去世了分遗产", "family.inheritance"), ("遗嘱的事", "family.inheritance"),
    ("朋友借钱不还", "civil.debt"), ("有借条对方赖账", "civil.debt"), ("老板欠我钱", "labor.wages"),
])
def test_questionnaire_understands_the_new_matters(text: str, code: str) -> None:
    from intents import parsing
    from intents.questionnaire import load_flow
    choices = load_flow().questions["matter"].choices
    result = parsing.parse_matter(text, choices)
    assert isinstance(result, parsing.Parsed) and result.value == code, result


def test_topic_names_are_chinese_for_staff_pages_and_reports() -> None:
    from knowledge_base.content_files import topic_names
    names = topic_names()
    assert names["family.inheritance"] == "继承" and names["civil.debt"] == "借钱不还"
