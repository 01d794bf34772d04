"""The decision recipe of legal-aid-facts.md §9, case by case.

Each case: the rule it checks (R1–R12 or the article), the facts, and the expected
decision, hardship_review, priority, pre_aid and — where it is the point — missing.
Incomes are chosen far from the lines so a small update of a figure table does not flip
them; the exact boundaries are tested against the tables themselves further down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from intents import loader
from intents.regions import all_regions
from intents.rules import DECISIONS, HARDSHIP_REVIEWS, OUTPUT_KEYS, _area_key, _bounds_for, _wage_index, decide, next_questions

# No exemption applies (adult, not disabled, no social assistance, no special status).
NOEX: dict[str, Any] = {"special_status": [], "receives_assistance": False, "age": 40, "disabled": False}
# Not in Jilin's 1.5× group.
NOGROUP: dict[str, Any] = {"migrant_worker": False, "gender": "male", "unemployed": False}
CRIM = "criminal.defense"


def hh(per_capita: float, size: int = 1) -> dict[str, Any]:
    return {"household_size": size, "household_monthly_income": per_capita * size}


@dataclass(frozen=True)
class Case:
    rule: str
    facts: dict[str, Any]
    decision: str
    review: str
    priority: bool = False
    pre_aid: bool = False
    missing: list[str] | None = None  # None: not checked here (but always checked: empty unless needs_more_info)
    extra: dict[str, Any] = field(default_factory=dict)


CASES: list[Case] = [
    # ---------------------------------------------------------------- R1 mandatory defence
    Case("R1 LAL 25(1)(1): minor suspect, at once", {"matter": CRIM, "criminal_role": "suspect", "age": 16},
         "mandatory", "exempt", True, missing=[]),
    Case("R1 LAL 25(1)(1): minor defendant", {"matter": CRIM, "criminal_role": "defendant", "age": 17, "region": "长春"},
         "mandatory", "exempt", True),
    Case("R1 LAL 25(1)(2): blind/deaf/mute", {"matter": CRIM, "criminal_role": "suspect", "age": 30, "criminal_flags": ["blind_deaf_mute"]},
         "mandatory", "exempt", True),
    Case("R1 LAL 25(1)(3): mental illness", {"matter": CRIM, "criminal_role": "defendant", "criminal_flags": ["mental_illness"]},
         "mandatory", "exempt", True, missing=[]),
    Case("R1 LAL 25(1)(4): life or death sentence, age not needed", {"matter": CRIM, "criminal_role": "suspect", "criminal_flags": ["life_or_death_sentence"]},
         "mandatory", "exempt", True, missing=[]),
    Case("R1 LAL 25(1)(5): death-penalty review", {"matter": CRIM, "criminal_role": "defendant", "age": 50, "criminal_flags": ["death_penalty_review"]},
         "mandatory", "exempt", True),
    Case("R1 LAL 25(1)(6): trial in absentia", {"matter": CRIM, "criminal_role": "defendant", "criminal_flags": ["absentia_trial"]},
         "mandatory", "exempt", True),
    Case("R1 LAL 28 / CPL 304: compulsory medical, the person subject to it", {"matter": CRIM, "criminal_role": "defendant", "criminal_flags": ["compulsory_medical"]},
         "mandatory", "exempt", True, missing=[]),
    Case("R1 LAL 28 / CPL 304: compulsory medical flag on a victim is not mandatory", {"matter": CRIM, "criminal_role": "victim", "criminal_flags": ["compulsory_medical"], "region": "长春", **NOEX, **NOGROUP, **hh(1000)},
         "eligible", "passed", missing=[]),
    Case("R1 LAL 28 / CPL 304: compulsory medical, role unknown → ask the role", {"matter": CRIM, "criminal_flags": ["compulsory_medical"]},
         "needs_more_info", "unknown", missing=["criminal_role"]),
    Case("R1+R10: mandatory is never pre_aid", {"matter": CRIM, "criminal_role": "suspect", "age": 15, "urgent": ["deadline_within_7_days"]},
         "mandatory", "exempt", True, False),
    Case("R1: the role implies a criminal matter", {"criminal_role": "suspect", "age": 15},
         "mandatory", "exempt", True, missing=[]),
    Case("R1 pending: age and flags first", {"matter": CRIM, "criminal_role": "suspect"},
         "needs_more_info", "unknown", missing=["age", "criminal_flags"]),
    Case("R1 pending: flags", {"matter": CRIM, "criminal_role": "defendant", "age": 30},
         "needs_more_info", "unknown", missing=["criminal_flags"]),
    Case("R1 pending: age", {"matter": CRIM, "criminal_role": "suspect", "criminal_flags": []},
         "needs_more_info", "unknown", missing=["age"]),
    # ---------------------------------------------------------------- R2 role unknown
    # Every place now needs means or an exemption (a place without a line in our data is no
    # longer settled as "likely" unasked), so age — an exemption for the victim, R1 for the
    # suspect — is needed whatever the role.
    Case("R2: criminal, role unknown", {"matter": CRIM},
         "needs_more_info", "unknown", missing=["criminal_role", "age"]),
    Case("R2: role unknown even with a place (age is needed whatever the role)", {"matter": CRIM, "region": "石狮"},
         "needs_more_info", "unknown", missing=["criminal_role", "age"]),
    # ---------------------------------------------------------------- R3 suspect / defendant, hardship path
    Case("R3+LAL 42(2): suspect on social assistance", {"matter": CRIM, "criminal_role": "suspect", "age": 30, "criminal_flags": [], "receives_assistance": True},
         "eligible", "exempt", missing=[]),
    Case("R3+R8: suspect below the Changchun line", {"matter": CRIM, "criminal_role": "suspect", "age": 30, "criminal_flags": [], "region": "长春", **NOEX, **NOGROUP, **hh(1000)},
         "eligible", "passed"),
    Case("R3+R8: suspect far above the line", {"matter": CRIM, "criminal_role": "suspect", "age": 30, "criminal_flags": [], "region": "长春", **NOEX, **NOGROUP, **hh(10000)},
         "not_eligible", "failed"),
    Case("R3 full coverage: a defendant at trial whatever the means", {"matter": CRIM, "criminal_role": "defendant", "age": 30, "criminal_flags": [], "region": "长春", **NOEX, **NOGROUP, **hh(10000)},
         "likely_eligible", "failed"),
    Case("R3 §5.1: age 19 — maybe a minor at the offence", {"matter": CRIM, "criminal_role": "suspect", "age": 19, "criminal_flags": [], "region": "长春", **{**NOEX, "age": 19}, **NOGROUP, **hh(10000)},
         "likely_eligible", "failed"),
    Case("R3: place and assistance still needed", {"matter": CRIM, "criminal_role": "suspect", "age": 30, "criminal_flags": []},
         "needs_more_info", "unknown", missing=["region", "receives_assistance", "disabled", "household_size", "household_monthly_income"]),
    Case("R3+R9: an elderly suspect gets priority", {"matter": CRIM, "criminal_role": "suspect", "criminal_flags": [], "region": "长春", **{**NOEX, "age": 66}, "fixed_income": True, **NOGROUP, **hh(1000)},
         "eligible", "passed", True),
    # ---------------------------------------------------------------- R4 victims
    Case("R4+LAL 32(4): abuse victim, no hardship test", {"matter": CRIM, "criminal_role": "victim", "special_status": ["abuse_victim"]},
         "eligible", "exempt", missing=[]),
    Case("R4: private prosecutor below the line", {"matter": CRIM, "criminal_role": "private_prosecutor", "region": "长春", **NOEX, **NOGROUP, **hh(1000)},
         "eligible", "passed"),
    Case("R4: victim above the line", {"matter": CRIM, "criminal_role": "victim", "region": "长春", **NOEX, **NOGROUP, **hh(10000)},
         "not_eligible", "failed"),
    Case("R4: victim, nothing known yet", {"matter": CRIM, "criminal_role": "victim"},
         "needs_more_info", "unknown", missing=["region", "special_status", "receives_assistance", "age", "disabled",
                                                "household_size", "household_monthly_income"]),
    # ---------------------------------------------------------------- R5 LAL 32
    Case("R5 LAL 32(4): divorce with domestic violence, Quanzhou", {"matter": "family.divorce", "region": "泉州", "special_status": ["abuse_victim"]},
         "eligible", "exempt", missing=[]),
    Case("R5 LAL 32(4): divorce with domestic violence, Changchun", {"matter": "family.divorce", "region": "长春市", "special_status": ["abuse_victim"]},
         "eligible", "exempt"),
    Case("R5/R6 LAL 31: divorce without abuse is not on the national list (Guangdong)", {"matter": "family.divorce", "region": "广东", "special_status": []},
         "not_eligible", "unknown"),
    Case("R5 LAL 32(4): divorce under the national list turns only on special_status", {"matter": "family.divorce", "region": "广东"},
         "needs_more_info", "unknown", missing=["special_status"]),
    Case("R5 LAL 32(3): state compensation after acquittal", {"matter": "other", "special_status": ["wrongful_conviction"]},
         "eligible", "exempt", missing=[]),
    Case("R5 LAL 32(1): a martyr's honour", {"matter": "other", "special_status": ["martyr_relative"], "region": "吉林省"},
         "eligible", "exempt"),
    Case("R5 LAL 32(2): good samaritan's injury claim", {"matter": "injury.personal", "region": "泉州", "special_status": ["good_samaritan"]},
         "eligible", "exempt"),
    Case("R5 LAL 32(2): a good samaritan's unrelated labour claim is not exempt", {"matter": "labor.contract", "region": "长春", **{**NOEX, "special_status": ["good_samaritan"]}, **NOGROUP},
         "needs_more_info", "unknown", missing=["household_size", "household_monthly_income"]),
    Case("R5 LAL 32(4): support claim by an abuse victim", {"matter": "family.support", "special_status": ["abuse_victim"]},
         "eligible", "exempt", missing=[]),
    Case("R5 LAL 32(4): family violence needs nothing else", {"matter": "family.violence"},
         "eligible", "exempt", missing=[]),
    # ---------------------------------------------------------------- R6 scope
    Case("R6: lease not covered in Jilin", {"matter": "housing.lease", "region": "长春"},
         "not_eligible", "unknown", missing=[]),
    Case("R6: lease not covered in Quanzhou", {"matter": "housing.lease", "region": "泉州"},
         "not_eligible", "unknown"),
    # S-SS §四(一) named only epidemic-era leases (2020): an ordinary lease in Shishi is not
    # covered, whatever the income — the same as the FAQ says (facts §2.3, §2.4).
    Case("R6 S-SS §四(一): an ordinary lease in Shishi is not covered, low income or not",
         {"matter": "housing.lease", "region": "石狮", **NOEX, **hh(300)}, "not_eligible", "passed", missing=[]),
    Case("R6 S-SS §四(一): land in Shishi → judgment", {"matter": "land", "region": "石狮市", **NOEX, **hh(1500)},
         "likely_eligible", "unknown"),
    Case("R6 S-SS §四(一) + §3.3: a judgment matter in Shishi still asks the income", {"matter": "land", "region": "石狮市", **NOEX},
         "needs_more_info", "unknown", missing=["household_size", "household_monthly_income"]),
    Case("R6 Jilin: land → judgment, income passes", {"matter": "land", "region": "吉林市", **NOEX, **NOGROUP, **hh(1000)},
         "likely_eligible", "passed"),
    Case("R6 LAL 31: land not covered under the national list (Guangdong)", {"matter": "land", "region": "广东"},
         "not_eligible", "unknown"),
    Case("R6: personal injury not covered in Guangdong", {"matter": "injury.personal", "region": "广东", "special_status": []},
         "not_eligible", "unknown"),
    Case("R5/R6: personal injury — a LAL 32 status could still bring it in", {"matter": "injury.personal", "region": "广东"},
         "needs_more_info", "unknown", missing=["special_status"]),
    Case("R6 Jilin: personal injury → judgment", {"matter": "injury.personal", "region": "吉林省", **NOEX, **NOGROUP, **hh(1000)},
         "likely_eligible", "passed"),
    Case("R6: education → judgment (campus injury)", {"matter": "education", "region": "泉州", **NOEX, **hh(1500)},
         "likely_eligible", "unknown", missing=[]),
    Case("R6 LAL 31(7): consumer with injury (food poisoning) → covered", {"matter": "consumer", "personal_injury": True, "region": "长春", **NOEX, **NOGROUP, **hh(1000)},
         "eligible", "passed"),
    Case("R6 LAL 31(7): consumer fraud, nobody hurt → not covered", {"matter": "consumer", "personal_injury": False, "region": "长春", **NOEX, **NOGROUP, **hh(1000)},
         "not_eligible", "passed"),
    Case("R6 LAL 31(7): consumer, injury not yet said → ask it first", {"matter": "consumer", "region": "长春", **NOEX, **NOGROUP, **hh(1000)},
         "needs_more_info", "passed", missing=["personal_injury"]),
    Case("R6 Shishi: food/drug dispute without injury → 逐步纳入, judgment", {"matter": "consumer", "personal_injury": False, "region": "石狮", **NOEX, **hh(300)},
         "likely_eligible", "passed"),
    Case("R6 LAL 31(7): fraud without injury, place unknown → not covered anywhere but Shishi: ask the place",
         {"matter": "consumer", "personal_injury": False}, "needs_more_info", "unknown", missing=["region"]),
    Case("R6 LAL 31(7): medical dispute vs accident → judgment", {"matter": "injury.medical", "region": "长春", **NOEX, **NOGROUP, **hh(1000)},
         "likely_eligible", "passed"),
    Case("R6 LAL 31(7): traffic injury covered", {"matter": "injury.traffic", "region": "长春", **NOEX, **NOGROUP, **hh(1000)},
         "eligible", "passed"),
    Case("R6 LAL 31(2),(5): labour contract → judgment", {"matter": "labor.contract", "region": "长春", **NOEX, **NOGROUP, **hh(1000)},
         "likely_eligible", "passed"),
    Case("R6: matter missing", {"region": "石狮"},
         "needs_more_info", "unknown", missing=["matter"]),
    Case("R6: a question about legal aid is not a matter", {"matter": "legal_aid.apply", "region": "石狮"},
         "needs_more_info", "unknown", missing=["matter"]),
    Case("R6+R10: service.urgent → ask the matter, aid first", {"matter": "service.urgent", "urgent": ["deadline_within_7_days"]},
         "needs_more_info", "unknown", True, True, missing=["matter"]),
    Case("R6: lease, place unknown → not covered in any place we know", {"matter": "housing.lease"},
         "not_eligible", "unknown", missing=[]),
    Case("R6: land, place unknown → only the place matters", {"matter": "land"},
         "needs_more_info", "unknown", missing=["region"]),
    Case("R6: unrecognised place is asked again", {"matter": "land", "region": "纳尼亚王国"},
         "needs_more_info", "unknown", missing=["region"]),
    Case("R6: a sub-code stands under its code", {"matter": "labor.wages.construction", "migrant_worker": True},
         "eligible", "exempt", True),
    # ---------------------------------------------------------------- R7 LAL 42 and local exemptions
    Case("R7 LAL 42(3): migrant wages, nothing else asked", {"matter": "labor.wages", "migrant_worker": True},
         "eligible", "exempt", True, missing=[]),
    Case("R7 LAL 42(3): migrant work injury, Changchun", {"matter": "labor.injury", "migrant_worker": True, "region": "长春"},
         "eligible", "exempt", True, missing=[]),
    Case("R7: migrant dismissal is not exempt (Jilin 1.5× line)", {"matter": "labor.contract", "region": "长春", **NOEX, "migrant_worker": True, **hh(2500)},
         "likely_eligible", "passed", True),
    Case("R7 LAL 42(2): social assistance", {"matter": "family.support", "region": "石狮", "receives_assistance": True},
         "eligible", "exempt", missing=[]),
    Case("R7 LAL 42(1): elderly without fixed income (agency judges)", {"matter": "family.support", "region": "石狮", **{**NOEX, "age": 70}, "fixed_income": False},
         "likely_eligible", "exempt", True, missing=[]),
    Case("R7 LAL 42(1)+R8: disabled, no fixed income, income also passes", {"matter": "family.support", "region": "长春", **{**NOEX, "disabled": True}, "fixed_income": False, **hh(1000)},
         "eligible", "passed", True),
    Case("R7: disabled with a fixed income, far above even 1.5×", {"matter": "family.support", "region": "长春", **{**NOEX, "disabled": True}, "fixed_income": True, **hh(10000)},
         "not_eligible", "failed", True),
    Case("R7 LAL 42(1): a child without income", {"matter": "family.support", "region": "泉州", **{**NOEX, "age": 12}, "fixed_income": False},
         "likely_eligible", "exempt", True),
    Case("R7 §9 step 7: fixed_income asked only for the elderly", {"matter": "family.support", "region": "长春", **{**NOEX, "age": 65}},
         "needs_more_info", "unknown", True, missing=["fixed_income", "household_size", "household_monthly_income"]),
    Case("R7 S-SS §四(二): COVID front line in Shishi (agency judges)", {"matter": "labor.contract", "region": "石狮", "special_status": ["covid_frontline"]},
         "likely_eligible", "exempt"),
    Case("R7: COVID front line outside Shishi is not exempt", {"matter": "family.support", "region": "长春", **{**NOEX, "special_status": ["covid_frontline"]}, **NOGROUP, **hh(10000)},
         "not_eligible", "failed"),
    Case("R7/R9: a veteran gets priority, not an exemption", {"matter": "family.support", "region": "长春", **{**NOEX, "special_status": ["veteran"]}, **NOGROUP, **hh(1000)},
         "eligible", "passed", True),
    Case("R7 LAL 42(2): a veteran on 优抚 is exempt", {"matter": "family.support", "region": "长春", "special_status": ["veteran"], "receives_assistance": True},
         "eligible", "exempt", True),
    # ---------------------------------------------------------------- R8 income vs the line
    Case("R8 S-SS §四(二) + §3.3: Shishi between the bounds → centre confirms", {"matter": "family.support", "region": "石狮", **NOEX, **hh(1500)},
         "likely_eligible", "unknown", missing=[]),
    Case("R8 S-SS §四(二) + §3.3: Shishi, figure unknown, income asked", {"matter": "family.support", "region": "石狮", **NOEX},
         "needs_more_info", "unknown", missing=["household_size", "household_monthly_income"]),
    Case("R8 §3.3: Shishi, 500 a head is below 2× the 2018 低保 → passed", {"matter": "family.support", "region": "石狮市", **NOEX, **hh(500, 3)},
         "eligible", "passed"),
    Case("R8 §3.3: other Quanzhou districts between the bounds", {"matter": "family.support", "region": "泉州", **NOEX, **hh(1500)},
         "likely_eligible", "unknown"),
    Case("R8 §3.3: Jinjiang (Quanzhou district) uses Quanzhou's bounds", {"matter": "family.support", "region": "晋江", **NOEX, **hh(300)},
         "likely_eligible", "passed"),
    Case("R8 §3.3: Fujian province fallback, no lower bound", {"matter": "family.support", "region": "福建", **NOEX, **hh(300)},
         "likely_eligible", "unknown"),
    Case("R8 §3.3: Fuzhou far above the highest plausible line", {"matter": "family.support", "region": "福州", **NOEX, **hh(10000)},
         "not_eligible", "failed"),
    Case("R8 LAL 34: another province, line not in our data — never a result before the income", {"matter": "family.support", "region": "广东", **NOEX},
         "needs_more_info", "unknown", missing=["household_size", "household_monthly_income"]),
    Case("R8 LAL 34: another province, income known → the local centre decides", {"matter": "family.support", "region": "广东", **NOEX, **hh(1500)},
         "likely_eligible", "unknown"),
    Case("R8 §3.3: another province, income above every sourced line → failed", {"matter": "family.support", "region": "广东", **NOEX, **hh(9000)},
         "not_eligible", "failed"),
    Case("R8 Jilin reg. 12: Changchun, clearly below", {"matter": "family.support", "region": "长春", **NOEX, **NOGROUP, **hh(1000, 3)},
         "eligible", "passed"),
    Case("R8: Changchun, clearly above", {"matter": "family.support", "region": "长春", **NOEX, **NOGROUP, **hh(5000)},
         "not_eligible", "failed"),
    Case("R8 §3.1: between 1× and 1.5×, group unknown → ask", {"matter": "family.support", "region": "长春", **NOEX, **hh(2500)},
         "needs_more_info", "unknown", missing=["migrant_worker", "gender", "unemployed"]),
    Case("R8 Jilin 1.5×: women", {"matter": "family.support", "region": "长春", **NOEX, "gender": "female", **hh(2500)},
         "eligible", "passed"),
    Case("R8 Jilin 1.5×: laid off", {"matter": "family.support", "region": "长春", **NOEX, "unemployed": True, **hh(2500)},
         "eligible", "passed"),
    Case("R8 Jilin 1.5×: military family", {"matter": "family.support", "region": "长春", **{**NOEX, "special_status": ["military_family"]}, **hh(2500)},
         "eligible", "passed"),
    Case("R8 Jilin 1.5×: elderly", {"matter": "family.support", "region": "长春", **{**NOEX, "age": 62}, "fixed_income": True, **hh(2500)},
         "eligible", "passed", True),
    Case("R8: not in the group, between 1× and 1.5× → above", {"matter": "family.support", "region": "长春", **NOEX, **NOGROUP, **hh(2500)},
         "not_eligible", "failed"),
    Case("R8 §3.3: 吉林省 without a city, clearly below", {"matter": "family.support", "region": "吉林省", **NOEX, **hh(1000)},
         "eligible", "passed"),
    Case("R8 §3.3: 吉林省, clearly above every city", {"matter": "family.support", "region": "吉林", **NOEX, **NOGROUP, **hh(5000)},
         "not_eligible", "failed"),
    Case("R8 §3.3: 吉林市 (the city), below", {"matter": "family.support", "region": "吉林市", **NOEX, **NOGROUP, **hh(1000)},
         "eligible", "passed"),
    Case("R8: Yanbian prefecture, clearly below", {"matter": "family.support", "region": "延边", **NOEX, **NOGROUP, **hh(1000)},
         "eligible", "passed"),
    Case("R8: a Jilin county", {"matter": "family.support", "region": "榆树市", **NOEX, **NOGROUP, **hh(1000)},
         "eligible", "passed"),
    Case("R8: no income at all — size not needed", {"matter": "family.support", "region": "长春", **NOEX, **NOGROUP, "household_monthly_income": 0},
         "eligible", "passed", missing=[]),
    Case("R8: whole income below the line — size not needed", {"matter": "family.support", "region": "长春", **NOEX, **NOGROUP, "household_monthly_income": 1200},
         "eligible", "passed", missing=[]),
    Case("R8: income above the line — size needed", {"matter": "family.support", "region": "长春", **NOEX, **NOGROUP, "household_monthly_income": 9000},
         "needs_more_info", "unknown", missing=["household_size"]),
    Case("R8: income not given", {"matter": "family.support", "region": "长春", **NOEX, **NOGROUP},
         "needs_more_info", "unknown", missing=["household_size", "household_monthly_income"]),
    Case("R8: place unknown → asked first", {"matter": "family.support", **NOEX, **NOGROUP},
         "needs_more_info", "unknown", missing=["region", "household_size", "household_monthly_income"]),
    # R12 takes "failed" first: income clearly above the line is a no even when exemption
    # facts were not given (the questionnaire asks them before income).
    Case("R8+R12: failed income decides even with exemption facts not given",
         {"matter": "family.support", "region": "长春", **hh(10000), **NOGROUP},
         "not_eligible", "failed", missing=[]),
    # R7+R12: a citizen-given exemption that is only "likely" (no fixed living income is
    # the agency's judgment) settles hardship; no further questions just to upgrade it.
    Case("R7+R12: elderly without fixed income is likely eligible at once",
         {"matter": "family.support", "region": "长春", "age": 70, "fixed_income": False},
         "likely_eligible", "exempt", True, missing=[]),
    # ---------------------------------------------------------------- R9 priority
    Case("R9: veteran", {"matter": "labor.contract", "region": "石狮", **{**NOEX, "special_status": ["veteran"]}, **hh(1500)},
         "likely_eligible", "unknown", True),
    Case("R9: disabled", {"matter": "housing.lease", "region": "长春", "disabled": True},
         "not_eligible", "unknown", True),
    Case("R9: 60 is elderly", {"matter": "housing.lease", "region": "长春", "age": 60},
         "not_eligible", "unknown", True),
    Case("R9: 59 is not", {"matter": "housing.lease", "region": "长春", "age": 59},
         "not_eligible", "unknown", False),
    Case("R9: a minor applicant", {"matter": "family.support", "region": "石狮", "age": 17, "receives_assistance": True},
         "eligible", "exempt", True),
    # ---------------------------------------------------------------- R10 aid first
    Case("R10 LAL 44: urgent wage claim", {"matter": "labor.wages", "migrant_worker": True, "urgent": ["preservation_needed"]},
         "eligible", "exempt", True, True),
    Case("R10: not when not eligible", {"matter": "housing.lease", "region": "长春", "urgent": ["deadline_within_7_days"]},
         "not_eligible", "unknown", True, False),
    Case("R10: while more is being asked", {"matter": "family.support", "urgent": ["deadline_within_7_days"]},
         "needs_more_info", "unknown", True, True),
    Case("R10: empty urgent list is not urgent", {"matter": "labor.wages", "migrant_worker": True, "urgent": []},
         "eligible", "exempt", True, False),
    # ---------------------------------------------------------------- R12 combine
    Case("R12: judgment scope + exemption = likely", {"matter": "land", "region": "石狮", "receives_assistance": True},
         "likely_eligible", "exempt"),
    Case("R12: out of scope beats an exemption", {"matter": "housing.lease", "region": "吉林市", "receives_assistance": True},
         "not_eligible", "exempt"),
]


def test_there_are_at_least_80_cases() -> None:
    assert len(CASES) >= 80


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_case(case: Case) -> None:
    out = decide(case.facts)
    got = (out["decision"], out["hardship_review"], out["priority"], out["pre_aid"])
    assert got == (case.decision, case.review, case.priority, case.pre_aid), out["reasons"]
    if case.missing is not None:
        assert out["missing"] == case.missing
    assert bool(out["missing"]) == (out["decision"] == "needs_more_info")


# ---------------------------------------------------------------- the output itself

CITATION = re.compile(r"《[^》]+》|〔\d{4}〕|方案|规定|通知|条例")


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_output_shape_and_reasons_cite_their_rule(case: Case) -> None:
    out = decide(case.facts)
    assert tuple(out) == OUTPUT_KEYS
    assert out["decision"] in DECISIONS and out["hardship_review"] in HARDSHIP_REVIEWS
    assert out["reasons"], case.rule
    for reason in out["reasons"]:
        head = reason.split("：", 1)[0]
        assert "：" in reason and CITATION.search(head), reason
    assert out["materials"] and out["next_steps"]
    assert any("身份证" in m for m in out["materials"])  # 一次性告知 starts with ID


def test_the_issue_example_reason_for_migrant_wages() -> None:
    out = decide({"region": "石狮市", "matter": "labor.wages", "migrant_worker": True})
    assert any(r.startswith("《法律援助法》第四十二条第三项") and "农民工追索劳动报酬" in r and "免予核查经济困难状况" in r
               for r in out["reasons"])
    assert any("进城务工" in m for m in out["materials"])  # proof of the exempt status (LAL 42)
    assert not any("诚信承诺" in m for m in out["materials"])  # no hardship papers needed


def test_mandatory_materials_and_steps() -> None:
    out = decide({"matter": CRIM, "criminal_role": "suspect", "age": 16})
    assert any("拘留通知书" in m for m in out["materials"])
    assert not any("经济困难" in m for m in out["materials"])
    assert any("三日内" in s for s in out["next_steps"])  # LAL 36
    assert any("值班律师" in s for s in out["next_steps"])


def test_hardship_statement_warns_about_honesty() -> None:
    out = decide({"matter": "family.support", "region": "长春", **NOEX, **NOGROUP, **hh(1000)})
    statement = next(m for m in out["materials"] if "诚信承诺" in m)
    assert "第四十一条" in statement and "第六十四条" in statement


def test_matter_documents_are_listed() -> None:
    out = decide({"matter": "labor.injury", "migrant_worker": True})
    assert any("工伤认定决定书" in m for m in out["materials"])


def test_not_eligible_offers_alternatives_and_consultation() -> None:
    out = decide({"matter": "housing.lease", "region": "长春"})
    steps = " ".join(out["next_steps"])
    assert "12348" in steps and "人民调解" in steps and "第四十九条" in steps


def test_not_eligible_labour_offers_arbitration() -> None:
    out = decide({"matter": "labor.contract", "region": "长春", **NOEX, **NOGROUP, **hh(9000)})
    assert out["decision"] == "not_eligible"
    assert any("劳动仲裁" in s for s in out["next_steps"])


def test_eligible_steps_say_where_and_how_to_object() -> None:
    out = decide({"region": "石狮市", "matter": "labor.wages", "migrant_worker": True})
    steps = " ".join(out["next_steps"])
    assert "第三十八条" in steps and "石狮市法律援助中心" in steps and "12348" in steps and "第四十九条" in steps


def test_jilin_migrant_is_told_about_workstations() -> None:
    out = decide({"region": "长春", "matter": "labor.wages", "migrant_worker": True})
    assert any("农民工法律援助工作站" in s for s in out["next_steps"])


def test_pre_aid_reason_cites_lal_44() -> None:
    out = decide({"matter": "labor.wages", "migrant_worker": True, "urgent": ["deadline_within_7_days"]})
    assert any(r.startswith("《法律援助法》第四十四条") and "先提供法律援助" in r for r in out["reasons"])


def test_unknown_figure_reason_names_the_centre() -> None:
    out = decide({"matter": "family.support", "region": "石狮", **NOEX, **hh(1500)})
    assert any("以石狮市法律援助中心核定的标准为准" in r for r in out["reasons"])


def test_unrecognised_place_reason() -> None:
    out = decide({"matter": "land", "region": "火星"})
    assert any("火星" in r for r in out["reasons"])


def test_defendant_told_about_full_coverage() -> None:
    out = decide({"matter": CRIM, "criminal_role": "defendant", "age": 30, "criminal_flags": [], "receives_assistance": True})
    assert any("全覆盖" in s for s in out["next_steps"])


def test_decide_is_pure_and_does_not_touch_its_input() -> None:
    facts = {"matter": "family.support", "region": "长春", "special_status": ["veteran"], **hh(1000)}
    before = {k: (list(v) if isinstance(v, list) else v) for k, v in facts.items()}
    assert decide(facts) == decide(facts)
    assert facts == before


# ---------------------------------------------------------------- every region in the data

@pytest.mark.parametrize("region", all_regions(), ids=[r.code for r in all_regions()])
def test_every_region_gives_a_decision(region: Any) -> None:
    facts = {"matter": "family.support", "region": region.name, **NOEX, **NOGROUP, **hh(300)}
    out = decide(facts)
    kind = loader.section("hardship", "schemes")[region.hardship]["kind"]
    scheme = loader.section("hardship", "schemes")[region.hardship]
    if kind == "min_wage":  # Jilin: 300 yuan a head is below every minimum wage
        assert (out["decision"], out["hardship_review"]) == ("eligible", "passed")
    elif kind == "dibao_multiple" and _bounds_for(region) is not None and _bounds_for(region)[0] is not None:
        # facts §3.3: below 2× the lowest sourced 低保 bound → passed (likely where the rule is unverified)
        assert out["hardship_review"] == "passed"
        assert out["decision"] == ("eligible" if scheme.get("certain") else "likely_eligible")
    else:  # no verified figure and no lower bound: the local centre confirms (never a guess)
        assert (out["decision"], out["hardship_review"]) == ("likely_eligible", "unknown")
    assert out["missing"] == []


# ---------------------------------------------------------------- boundaries, from the tables

def _wage(area: str) -> float:
    return _wage_index("min_wage_research.yaml")[("吉林省", _area_key(area))].monthly


def _band() -> float:
    return float(loader.section("hardship", "near_line_band"))


@pytest.mark.parametrize("factor,decision,review", [
    (1 - 2 * _band(), "eligible", "passed"),
    (1 - _band() / 2, "likely_eligible", "unknown"),
    (1.0, "likely_eligible", "unknown"),
    (1 + _band() / 2, "likely_eligible", "unknown"),
    (1 + 2 * _band(), "not_eligible", "failed"),
])
def test_near_the_line_band_changchun(factor: float, decision: str, review: str) -> None:
    """R8 + the product band (hardship.yaml near_line_band) around 长春市区's minimum wage."""
    per_capita = round(_wage("长春市区") * factor, 2)
    out = decide({"matter": "family.support", "region": "长春", **NOEX, **NOGROUP, **hh(per_capita)})
    assert (out["decision"], out["hardship_review"]) == (decision, review)


def test_one_and_a_half_times_for_the_group() -> None:
    line = _wage("长春市区") * 1.5
    below = decide({"matter": "family.support", "region": "长春", **NOEX, "gender": "female", **hh(line * 0.9)})
    above = decide({"matter": "family.support", "region": "长春", **NOEX, "gender": "female", **hh(line * 1.1)})
    assert below["decision"] == "eligible" and above["decision"] == "not_eligible"


def test_jilin_province_asks_the_city_only_in_between() -> None:
    """§3.3: 吉林省 with no city — below the lowest line passes, above the highest fails,
    in between → ask the city (never guess 吉林市 for 吉林省)."""
    index = _wage_index("min_wage_research.yaml")
    wages = sorted(w.monthly for (prov, _), w in index.items() if prov == "吉林省")
    lo, hi = wages[0], wages[-1]
    assert lo < hi
    between = (lo * (1 + _band()) + hi * (1 - _band())) / 2
    out = decide({"matter": "family.support", "region": "吉林省", **NOEX, **NOGROUP, **hh(between)})
    assert out["decision"] == "needs_more_info" and out["missing"] == ["region"]
    city = decide({"matter": "family.support", "region": "长春", **NOEX, **NOGROUP, **hh(between)})
    assert city["decision"] in ("eligible", "not_eligible", "likely_eligible")


# ---------------------------------------------------------------- figures only from the tables

def _write(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_a_current_dibao_figure_is_used(tables_copy: Path) -> None:
    """With a current 石狮 低保 figure in dibao.yaml, the 2× line is computed (S-SS §四(二))."""
    _write(tables_copy / "dibao.yaml", [{"region": "石狮市", "urban_monthly": 800, "rural_monthly": 800,
                                         "effective_from": "2025-01-01", "status": "current",
                                         "source": "测试", "source_url": None, "checked": "2025-01-02"}])
    base = {"matter": "family.support", "region": "石狮", **NOEX}
    assert decide({**base, **hh(1000, 2)})["decision"] == "eligible"            # 1000 < 1600
    assert decide({**base, **hh(1000, 2)})["hardship_review"] == "passed"
    assert decide({**base, **hh(1600, 2)})["decision"] == "likely_eligible"     # on the line
    assert decide({**base, **hh(3000, 2)})["decision"] == "not_eligible"        # far above
    assert decide(base)["missing"] == ["household_size", "household_monthly_income"]
    quanzhou = decide({"matter": "family.support", "region": "泉州", **NOEX, **hh(1500)})
    assert quanzhou["hardship_review"] == "unknown"  # 石狮's figure (line 1600) is not used for 泉州


def test_quanzhou_default_rule_is_only_likely(tables_copy: Path) -> None:
    _write(tables_copy / "dibao.yaml", [{"region": "泉州市", "urban_monthly": 700, "rural_monthly": 650, "status": "current"}])
    out = decide({"matter": "family.support", "region": "泉州", **NOEX, **hh(500)})
    assert (out["decision"], out["hardship_review"]) == ("likely_eligible", "passed")
    between = decide({"matter": "family.support", "region": "泉州", **NOEX, **hh(1350)})  # 2×650 < 1350 < 2×700
    assert between["decision"] == "likely_eligible" and between["hardship_review"] == "unknown"


def test_historical_and_null_figures_are_never_used(tables_copy: Path) -> None:
    _write(tables_copy / "dibao.yaml", [
        {"region": "石狮市", "urban_monthly": 630, "rural_monthly": 630, "status": "historical"},
        {"region": "石狮市", "urban_monthly": None, "rural_monthly": None, "status": "current"},
        {"region": "石狮市", "urban_monthly": 700, "rural_monthly": None, "status": "current"},
    ])
    out = decide({"matter": "family.support", "region": "石狮", **NOEX, **hh(1500)})  # a 630 line would fail it
    assert (out["decision"], out["hardship_review"]) == ("likely_eligible", "unknown")


def test_a_guidance_floor_only_proves_a_pass(tables_copy: Path) -> None:
    _write(tables_copy / "dibao.yaml", [{"region": "石狮市", "urban_monthly": 600, "rural_monthly": 500,
                                         "status": "guidance_floor"}])
    base = {"matter": "family.support", "region": "石狮", **NOEX}
    assert decide({**base, **hh(500)})["hardship_review"] == "passed"    # < 2 × 500
    assert decide({**base, **hh(5000)})["hardship_review"] == "unknown"  # the real line may be higher


def test_no_dibao_table_at_all(tables_copy: Path) -> None:
    (tables_copy / "dibao.yaml").unlink()
    out = decide({"matter": "family.support", "region": "石狮", **NOEX, **hh(1500)})
    assert (out["decision"], out["hardship_review"]) == ("likely_eligible", "unknown")
    (tables_copy / "dibao_bounds.yaml").unlink()
    loader.clear_cache()
    out = decide({"matter": "family.support", "region": "石狮", **NOEX, **hh(100)})
    assert (out["decision"], out["hardship_review"]) == ("likely_eligible", "unknown")  # no bounds: never a guess


def test_no_minimum_wage_table_means_the_centre_confirms(tables_copy: Path) -> None:
    (tables_copy / "min_wage_research.yaml").unlink()
    out = decide({"matter": "family.support", "region": "长春", **NOEX, **NOGROUP, **hh(100)})
    assert (out["decision"], out["hardship_review"]) == ("likely_eligible", "unknown")
    assert out["missing"] == []


def test_the_band_is_data(tables_copy: Path) -> None:
    hardship = yaml.safe_load((tables_copy / "hardship.yaml").read_text(encoding="utf-8"))
    hardship["near_line_band"] = 0.0
    _write(tables_copy / "hardship.yaml", hardship)
    per_capita = _wage("长春市区") * 0.99
    out = decide({"matter": "family.support", "region": "长春", **NOEX, **NOGROUP, **hh(per_capita)})
    assert out["decision"] == "eligible"


# ---------------------------------------------------------------- what to ask next

def test_next_questions_offers_urgent_last() -> None:
    # eligible without a place: where to apply (LAL 38) is asked before the urgency question
    assert next_questions({"matter": "labor.wages", "migrant_worker": True}) == ["region", "urgent"]
    assert next_questions({"matter": "labor.wages", "migrant_worker": True, "region": "石狮"}) == ["urgent"]
    assert next_questions({"matter": "labor.wages"})[-1] == "urgent"
    assert next_questions({"matter": "housing.lease", "region": "长春"}) == []
    assert next_questions({"matter": CRIM, "criminal_role": "suspect", "age": 15}) == []
    assert next_questions({"matter": "labor.wages", "migrant_worker": True, "urgent": [], "region": "长春"}) == []


def test_next_questions_urgent_first_for_service_urgent() -> None:
    assert next_questions({"matter": "service.urgent"}) == ["urgent", "matter"]


def test_questionnaire_walk_asks_in_section_9_order() -> None:
    """Answer whatever is asked first until done: the engine alone drives the order."""
    answers = {"matter": "family.support", "region": "长春", "special_status": [], "receives_assistance": False,
               "age": 45, "disabled": False, "migrant_worker": False, "gender": "female", "unemployed": False,
               "household_size": 2, "household_monthly_income": 5000}
    facts: dict[str, Any] = {"matter": "family.support"}
    asked = []
    while True:
        missing = decide(facts)["missing"]
        if not missing:
            break
        asked.append(missing[0])
        facts[missing[0]] = answers[missing[0]]
    order = loader.section("procedure", "question_order")
    assert asked == sorted(asked, key=order.index)
    assert asked[0] == "region" and "fixed_income" not in asked
    assert decide(facts)["decision"] == "eligible"
