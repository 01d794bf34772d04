"""Wrong legal statements found by the tester replays (TESTER2 "WRONG LAW"), as rules.

Each case is a general rule of legal-aid-facts.md, checked on wordings of our own:
LAL 31(7) covers a consumer dispute only with personal injury; ordinary debt is on no
list we hold (national or Shishi §四(一)); divorce and custody are not support payments
(31(4)); 见义勇为 claims have no hardship test (32(2)); the migrant-worker waiver (42(3))
is for pay and work injury only.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from intents.extract import facts_from_text
from intents.rules import decide

ROOT = Path(__file__).resolve().parents[2]
NOEX: dict[str, Any] = {"special_status": [], "receives_assistance": False, "age": 40, "disabled": False}


# ------------------------------------------------------------------ 1. consumer: injury only (LAL 31(7))

@pytest.mark.parametrize("text,injured", [
    ("在超市买的熟食 全家吃了上吐下泻 住了三天院", True),
    ("孩子喝了那个奶粉过敏 进医院了", True),
    ("饭店吃饭吃坏了肚子", True),
    ("买的电动车充电炸了 把我手烧伤了", True),
    ("买的手机是翻新机 人倒是没事", False),
    ("买的药是假药 还好没吃出问题", False),
    ("没有人受伤 就是钱的事", False),
    ("网上买了个玉镯子是假的 花了九千", None),
])
def test_injury_is_read_from_the_story(text: str, injured: bool | None) -> None:
    assert facts_from_text(text, "consumer").get("personal_injury") is injured


def test_consumer_fraud_without_injury_is_out_of_scope_with_12315_and_12348() -> None:
    out = decide({"matter": "consumer", "personal_injury": False, "region": "郑州", **NOEX,
                  "household_size": 1, "household_monthly_income": 9000})
    assert out["decision"] == "not_eligible"
    text = " ".join(out["reasons"] + out["next_steps"])
    assert "第三十一条第七项" in text and "没有人受伤" in text
    assert "12315" in text and "12348" in text and "人民调解" in text


def test_food_poisoning_is_covered_under_31_7() -> None:
    out = decide({"matter": "consumer", "personal_injury": True, "region": "长春", **NOEX,
                  "migrant_worker": False, "gender": "male", "unemployed": False,
                  "household_size": 2, "household_monthly_income": 1200})
    assert out["decision"] == "eligible"
    assert any("第三十一条第七项" in r for r in out["reasons"])


def test_consumer_without_the_injury_fact_is_never_eligible_yet() -> None:
    out = decide({"matter": "consumer", "region": "郑州", **NOEX})
    assert out["decision"] == "needs_more_info" and out["missing"][0] == "personal_injury"


def test_cli_accepts_personal_injury_and_still_rejects_unknown_fields() -> None:
    def run(facts: dict[str, Any]) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", "eligibility", "--json", "-"], input=json.dumps(facts),
                              capture_output=True, text=True, cwd=ROOT, timeout=120)
    ok = run({"matter": "consumer", "region": "长春", "personal_injury": False})
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["decision"] == "not_eligible"
    bad = run({"matter": "consumer", "injured": True})
    assert bad.returncode == 2 and "injured" in bad.stderr


# ------------------------------------------------------------------ 3. debt: on no list we hold

@pytest.mark.parametrize("region", ["石狮", "晋江", "长春", "郑州"])
def test_an_iou_is_never_likely_eligible(region: str) -> None:
    out = decide({"matter": "civil.debt", "region": region, **NOEX, "household_size": 1, "household_monthly_income": 300})
    assert out["decision"] == "not_eligible", out["reasons"]
    assert not any("第三十一条第九项" in r for r in out["reasons"])
    assert any("12348" in s for s in out["next_steps"])


def test_a_deposit_is_out_of_scope_outside_shishi_covid_leases() -> None:
    out = decide({"matter": "housing.lease", "region": "长春", **NOEX, "household_size": 1, "household_monthly_income": 300})
    assert out["decision"] == "not_eligible"


# ------------------------------------------------------------------ 2. custody is not support payments (31(4))

@pytest.mark.parametrize("matter,text,current,expected", [
    ("family.support", "想离婚 孩子抚养权能给我吗", None, "family.divorce"),
    ("family.support", "俺们要打离婚 娃归谁", None, "family.divorce"),
    ("family.support", "不要抚养费 只要孩子跟我", "family.divorce", "family.divorce"),
    ("family.divorce", "离婚协议上写了每月给八百", "family.support", "family.support"),
    ("family.divorce", "离婚了 孩子他爸不给扶养费", None, "family.support"),
    ("family.support", "孩子抚养费他一分不给", None, "family.support"),
    ("family.support", "儿子不养我", None, "family.support"),
    ("family.divorce", "我想离婚了 他天天不回家", "family.support", "family.divorce"),
    ("labor.wages", "想离婚", None, "labor.wages"),
])
def test_the_family_matter_follows_what_is_claimed(matter: str, text: str, current: str | None, expected: str) -> None:
    from intents.extract import family_matter
    assert family_matter(matter, text, current) == expected


def test_divorce_with_custody_and_no_violence_is_not_decided_under_31_4() -> None:
    out = decide({"matter": "family.divorce", "region": "吉林市", **NOEX, "migrant_worker": False, "gender": "female",
                  "unemployed": False, "household_size": 2, "household_monthly_income": 2000})
    assert out["decision"] == "likely_eligible"
    assert not any("第三十一条第四项" in r for r in out["reasons"])


def test_the_case_file_keeps_a_support_claim_when_the_divorce_agreement_is_mentioned() -> None:
    from bot.dialog.memory import update_case
    case, _ = update_case({}, "孩子他爸不给抚养费")
    assert case["matter"] == "family.support"
    case, _ = update_case(case, "离婚协议上写了每月给八百")
    assert case["matter"] == "family.support"
    divorce, _ = update_case({}, "想离婚 孩子抚养权能给我吗 他没打过我")
    assert divorce["matter"] == "family.divorce"


# ------------------------------------------------------------------ 4. 见义勇为 (LAL 32(2))

def test_injury_is_noted_only_in_a_consumer_matter() -> None:
    assert "personal_injury" not in facts_from_text("我妈去世了 房子我弟要独占", "family.inheritance")
    assert "personal_injury" not in facts_from_text("下河救了个落水小孩 自己腿划伤了", "injury.personal")


@pytest.mark.parametrize("text,samaritan", [
    ("下河救了个落水小孩 自己腿划伤了", True),
    ("我见义勇为抓小偷被捅了一刀 小偷家里不赔", True),
    ("帮人抓小偷受伤了 医药费谁出", True),
    ("冲进火里救人 手烧伤了", True),
    ("看见有人抢劫 我上去制止抢劫被打了", True),
    ("小偷偷了我的手机", False),
    ("孩子被救回来了", False),
])
def test_good_samaritan_is_read_from_the_story(text: str, samaritan: bool) -> None:
    assert ("good_samaritan" in (facts_from_text(text).get("special_status") or [])) is samaritan


def test_a_good_samaritan_injury_claim_has_no_hardship_test() -> None:
    out = decide({"matter": "injury.personal", "region": "广东", "special_status": ["good_samaritan"],
                  "household_size": 1, "household_monthly_income": 20000})
    assert (out["decision"], out["hardship_review"]) == ("eligible", "exempt")
    assert any("第三十二条第二项" in r for r in out["reasons"])


# ------------------------------------------------------------------ 6. a place whose hardship rule we do not hold

@pytest.mark.parametrize("region", ["绵阳", "郑州", "广州"])
def test_no_result_before_the_income_where_the_line_is_unknown(region: str) -> None:
    out = decide({"matter": "injury.traffic", "region": region, **NOEX})
    assert out["decision"] == "needs_more_info"
    assert out["missing"] == ["household_size", "household_monthly_income"]


def test_income_known_the_local_centre_decides_and_we_say_the_line_is_not_ours() -> None:
    out = decide({"matter": "injury.traffic", "region": "绵阳", **NOEX, "household_size": 3, "household_monthly_income": 2400})
    assert (out["decision"], out["hardship_review"]) == ("likely_eligible", "unknown")
    text = "".join(out["reasons"])
    assert "绵阳市的标准不在我们的资料里" in text and "由他们决定" in text


def test_income_above_every_sourced_line_fails_citing_that_line() -> None:
    out = decide({"matter": "injury.traffic", "region": "郑州", **NOEX, "household_size": 1, "household_monthly_income": 9000})
    assert (out["decision"], out["hardship_review"]) == ("not_eligible", "failed")
    text = "".join(out["reasons"])
    assert "3180元" in text and "吉政函" not in text and "最低工资（2120元）的1.5倍" in text


def test_an_exemption_still_settles_a_place_without_a_line() -> None:
    out = decide({"matter": "labor.wages", "region": "郑州", "migrant_worker": True})
    assert (out["decision"], out["hardship_review"]) == ("eligible", "exempt")
