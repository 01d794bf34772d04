"""Facts a citizen already stated in free text, so the questionnaire does not ask again.

"我在石狮打工，包工头欠了三个月工资" already says the region and that the person is a
migrant worker; "我今年七十二了" gives the age. Only clear statements count: a fact we
are not sure of is left for the questionnaire to ask (a wrong prefill is worse than one
more question). Pure: text in, a partial §3 facts dict out.
"""
from __future__ import annotations

import re
from typing import Any

from knowledge_base.normalize import convert_numerals, to_simplified_halfwidth

from .parsing import resolve_place
from .special_paths import detect_kinds

_MIGRANT = re.compile(r"农民工|民工|进城务工|外出打工|出来打工|在外打工|打工的|务工人员")
_OWN_AGE = re.compile(r"(?:我|俺|本人)(?:今年|已经|都)?(\d{1,3})(?:岁|了|周岁)|今年(\d{1,3})(?:岁|了)")
_RELATIVE_AGE = re.compile(r"(?:儿子|女儿|孩子|娃|弟弟|妹妹|侄子|外甥|孙子|哥哥|姐姐)(?:今年|才|刚|还不到|不到)?(\d{1,2})(?:岁|周岁)")
_PRESERVE = re.compile(r"保全|转移财产|卖房|卖厂|跑路|先予执行")
_DETAINED_ROLE = re.compile(r"被抓|抓走|拘留|刑拘|逮捕|看守所|关进去|进去了")


def facts_from_text(text: str, matter: str | None = None) -> dict[str, Any]:
    """The §3 facts this message states clearly ({} when none)."""
    if not text:
        return {}
    clean = convert_numerals(to_simplified_halfwidth(text))
    facts: dict[str, Any] = {}
    place = resolve_place(clean)
    if place:
        facts["region"] = place
    if _MIGRANT.search(clean) and (matter in (None, "labor.wages", "labor.injury")):
        facts["migrant_worker"] = True
    kinds = detect_kinds(clean)
    if "violence" in kinds and (matter is None or matter.startswith("family.")):
        facts["special_status"] = ["abuse_victim"]
    if "urgent" in kinds:
        facts["urgent"] = ["preservation_needed"] if _PRESERVE.search(clean) else ["deadline_within_7_days"]
    if matter == "criminal.defense":
        m = _RELATIVE_AGE.search(clean)
        if m and _DETAINED_ROLE.search(clean):
            facts["criminal_role"] = "suspect"
            facts["age"] = int(m.group(1))
    else:
        m = _OWN_AGE.search(clean)
        if m:
            age = int(m.group(1) or m.group(2))
            if 0 < age < 120:
                facts["age"] = age
    return facts
