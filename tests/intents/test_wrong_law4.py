"""Wrong legal statements and lost facts found by tester 4, as general rules on our own wordings.

- The accused's role wins over the crime's word: 「诈骗」 next to a trial or a prosecution is the
  defendant's criminal defence (LAL 24-26), never a consumer fraud victim.
- Severance for a dismissal (labor.contract) is not on the national list (LAL 31(5) names pay and
  the labour relationship only): at best likely_eligible, and the migrant waiver (42(3)) never applies.
- A household's total income wins over one earner's wage; several earners add up.
- A 保姆 hired directly by a family is no labour relationship: the pay claimed is 劳务报酬 and
  whether legal aid covers it is the agency's judgment — never a sure yes.
- 「农村来的」「外来务工」 say migrant worker; 「从驻马店农村出来的」 says where one comes from,
  not where the matter is handled (LAL 38).
"""
from __future__ import annotations

from typing import Any

import pytest

from intents.extract import accused_role_in, facts_from_text, home_place_in, household_in, place_in
from intents.rules import decide

NOEX: dict[str, Any] = {"special_status": [], "receives_assistance": False, "age": 40, "disabled": False}


# ------------------------------------------------------------------ 1. the accused (LAL 24-26)

@pytest.mark.parametrize("text,role", [
    ("后天就开庭了 说我合同诈骗 请不起律师", "defendant"),
    ("检察院把我起诉了 告我盗窃", "defendant"),
    ("我就是被告人 法院下周审", "defendant"),
    ("我老公涉嫌帮信 现在取保候审", "suspect"),
    ("他们告我故意伤害 过两个月开庭", "defendant"),
])
def test_the_accused_is_read_whatever_crime_is_named(text: str, role: str) -> None:
    assert accused_role_in(text) == role
    assert facts_from_text(text).get("criminal_role") == role


@pytest.mark.parametrize("text", [
    "我被人骗了三万 下个月开庭",            # the victim of the fraud
    "骗我钱的那个人被起诉了 什么时候开庭",   # the victim asks about the trial
    "朋友借钱不还 我想告他",                # a civil claim, no crime
    "离婚案子下个月开庭",                    # a civil trial
    "家里被盗了 小偷被起诉了 下个月开庭",     # the victim of the theft
    "被告人是我们村的 他打伤了我爸",          # someone else is the accused
])
def test_a_victim_or_a_civil_trial_is_not_the_accused(text: str) -> None:
    assert accused_role_in(text) is None


def test_a_defendant_at_trial_goes_the_hardship_path_with_the_court_assigning_note() -> None:
    out = decide({"matter": "criminal.defense", "criminal_role": "defendant", "region": "长春市", "age": 35,
                  "criminal_flags": [], "household_size": 4, "household_monthly_income": 2400})
    assert out["decision"] == "eligible"
    assert any("第二十四条" in r for r in out["reasons"])
    assert any("第二十五条第二款" in s and "法院" in s for s in out["next_steps"])


# ------------------------------------------------------------------ 2. dismissal is not a wage claim

@pytest.mark.parametrize("region", ["石狮市", "长春市", "吉林市", "郑州市"])
def test_severance_is_never_a_sure_yes_and_never_migrant_exempt(region: str) -> None:
    out = decide({"matter": "labor.contract", "region": region, **NOEX, "migrant_worker": True,
                  "gender": "female", "unemployed": True, "household_size": 3, "household_monthly_income": 900})
    assert out["decision"] == "likely_eligible"
    assert out["hardship_review"] != "exempt"  # judged on the household's means, not waived
    assert any("第四十二条第三项" in r and "仍要看经济困难条件" in r for r in out["reasons"])


# ------------------------------------------------------------------ 3. household income

@pytest.mark.parametrize("text,size,income", [
    ("我工资六千五 家里四口人 两口子加起来一个月一万八", 4, 18000),
    ("我一个月挣两千五 我老婆一个月一千八 一家三口", 3, 4300),
    ("家里五口人 全家一个月收入一万左右", 5, 10000),
    ("我月薪三千 带孩子俩人过", 2, 3000),
])
def test_the_household_total_is_the_income(text: str, size: int, income: int) -> None:
    assert household_in(text) == {"household_size": size, "household_monthly_income": income}


def test_a_total_of_twenty_thousand_for_three_is_not_eligible_where_the_line_is_known() -> None:
    facts = household_in("我每个月七千 家里三口人 总共一个月两万出头")
    assert facts["household_monthly_income"] >= 20000
    out = decide({"matter": "labor.wages", "region": "长春市", **NOEX, "migrant_worker": False, "gender": "male",
                  "unemployed": False, **facts})
    assert out["decision"] == "not_eligible"


# ------------------------------------------------------------------ 4. a domestic worker hired by a family

@pytest.mark.parametrize("text", [
    "我在雇主家当住家保姆 工钱三个月没给",
    "给一户人家带孩子做饭 主家拖着不给钱",
    "我是月嫂 那家人欠我一个月的钱",
])
def test_a_domestic_worker_is_read(text: str) -> None:
    assert facts_from_text(text, "labor.wages").get("domestic_worker") is True


def test_a_worker_employed_by_a_housekeeping_company_is_not_a_family_hire() -> None:
    assert "domestic_worker" not in facts_from_text("家政公司派我去做保姆 公司欠我工资", "labor.wages")


@pytest.mark.parametrize("region", ["石狮市", "丰泽区", "长春市"])
def test_a_domestic_workers_pay_is_the_agencys_judgment_even_for_a_migrant(region: str) -> None:
    out = decide({"matter": "labor.wages", "domestic_worker": True, "region": region, **NOEX, "migrant_worker": True})
    assert out["decision"] == "likely_eligible"
    assert any("不是劳动关系" in r and "劳务报酬" in r for r in out["reasons"])


# ------------------------------------------------------------------ 5. migrant worker; home town vs place

@pytest.mark.parametrize("text", ["我们是农村来的 在这边干活", "我属于外来务工人员", "乡下出来的 在厂里上班", "从老家出来找活干"])
def test_migrant_worker_said_in_passing(text: str) -> None:
    assert facts_from_text(text, "labor.wages").get("migrant_worker") is True


@pytest.mark.parametrize("text,home", [("我是从周口农村出来的", "周口市"), ("俺从信阳乡下过来打工", "信阳市")])
def test_where_one_comes_from_is_no_place_of_the_matter(text: str, home: str) -> None:
    assert place_in(text) is None
    assert home_place_in(text) == home
