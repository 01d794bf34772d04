"""Issue 12 §3: the facts a citizen's own question asks for are in the entry that answers
it, with their source; citizen-facing texts carry no internal research notes.

Each case is named after the rule and its source and names the entry, the words the
short answer must say (what the citizen reads first) and the words the full answer and
basis must hold.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from intents import loader
from knowledge_base.content_files import load_faq

ENTRIES = {e["faq_id"]: e for e in load_faq()}


@dataclass(frozen=True)
class Fact:
    rule: str
    faq_id: str
    short: tuple[str, ...]
    full: tuple[str, ...] = ()
    basis: tuple[str, ...] = ()


FACTS: list[Fact] = [
    Fact("工伤保险条例 17: employer 30 days, worker or relatives 1 year", "labor-injury-03",
         ("30日内", "1年内"), ("近亲属、工会组织",), ("《工伤保险条例》第十七条",)),
    Fact("工伤保险条例 17: the deadlines also where the citizen asks about time limits", "labor-injury-10",
         ("30日内", "1年内"), (), ("《工伤保险条例》第十七条",)),
    Fact("调解仲裁法 5: injury-benefit disputes go to arbitration before court", "labor-injury-03",
         (), ("先申请劳动仲裁", "再到法院起诉"), ("《劳动争议调解仲裁法》第五条",)),
    Fact("工伤保险条例 62: an uninsured employer pays at the statutory rates", "labor-injury-05",
         ("由单位按照《工伤保险条例》规定的工伤保险待遇项目和标准支付",), (), ("《工伤保险条例》第六十二条",)),
    Fact("反家暴法 23, 28, 30 + 法释〔2016〕15号: protection order 72h/24h, ≤6 months, no fee, others may apply",
         "family-violence-02", ("72小时", "24小时", "6个月", "不收费", "近亲属"),
         ("不需要提供担保",), ("《反家庭暴力法》第二十八条", "《反家庭暴力法》第三十条")),
    Fact("农民工工资支付条例 30, 36: the general contractor pays first when a 包工头 runs off", "labor-wages-02",
         ("施工总承包单位先行清偿",), ("第二十九条", "第三十四条，全国都有这项要求"),
         ("《保障农民工工资支付条例》第三十条", "《保障农民工工资支付条例》第三十六条")),
    Fact("民法典 1077, 1079: 30-day cooling-off and the statutory grounds", "family-divorce-02",
         ("30天冷静期", "分居满2年"), ("重婚或者与他人同居", "屡教不改", "分居满一年"),
         ("《民法典》第一千零七十七条", "《民法典》第一千零七十九条")),
    Fact("民事诉讼法 250: two years to apply for enforcement", "family-support-07",
         ("申请执行的期间是2年",), ("从最后一期履行期限届满之日起计算",), ("《民事诉讼法》第二百五十条",)),
    Fact("农村土地承包经营纠纷调解仲裁法 18, 52: free arbitration, 2-year limit", "land-02",
         ("仲裁不收费", "2年内"), (), ("《农村土地承包经营纠纷调解仲裁法》第十八条", "《农村土地承包经营纠纷调解仲裁法》第五十二条")),
    Fact("刑事诉讼法 82 / 治安管理处罚法: 刑事拘留 vs 行政拘留", "criminal-defense-13",
         ("刑事拘留", "行政拘留", "行政复议"), ("不是刑事案件",), ("《刑事诉讼法》第八十二条",)),
    Fact("刑事诉讼法 82 / 治安管理处罚法: the detained-relative entry also tells the two apart", "criminal-defense-01",
         (), ("行政拘留是公安机关对违反治安管理的人作出的处罚",), ()),
]

OVERTIME = "由法律援助机构判断"


@pytest.mark.parametrize("fact", FACTS, ids=[f.rule for f in FACTS])
def test_fact_is_in_the_entry_that_answers_it(fact: Fact) -> None:
    entry = ENTRIES[fact.faq_id]
    for words in fact.short:
        assert words in entry["short_answer"], (fact.faq_id, words)
    for words in fact.full:
        assert words in entry["full_answer"], (fact.faq_id, words)
    for item in fact.basis:
        assert item in entry["basis"], (fact.faq_id, item)


def test_short_answers_of_the_edited_entries_stay_short() -> None:
    for faq_id in {f.faq_id for f in FACTS}:
        assert len(ENTRIES[faq_id]["short_answer"]) <= 200, faq_id


@pytest.mark.parametrize("faq_id", ["labor-contract-05", "labor-contract-08", "eligibility-exempt-02"])
def test_overtime_pay_uses_the_agency_judgment_wording(faq_id: str) -> None:
    """LAL 31(5) / 42(3): whether overtime pay is 劳动报酬 (and so exempt for migrant
    workers) points both ways: every entry leaves it to the agency, none says a firm no."""
    entry = ENTRIES[faq_id]
    text = entry["short_answer"] + entry["full_answer"]
    assert "加班费" in text and OVERTIME in text
    for firm in ("加班费等其他劳动纠纷，不在", "社保、加班费等其他劳动纠纷，要按一般规定"):
        assert firm not in text


def test_engine_note_on_overtime_matches_the_faq() -> None:
    assert OVERTIME in loader.section("exemptions", "review_waived")["migrant_pay_injury"]["not_text"]


INTERNAL_NOTES = ("据报道", "原文未核", "未核实", "转引", "转述", "转载", "据公开资料", "rep.")


def test_citizen_facing_faq_texts_carry_no_internal_notes() -> None:
    for e in load_faq():
        fields = [e["question"], e["short_answer"], e["full_answer"], e.get("regional_note") or "", *e["basis"]]
        for text in fields:
            for note in INTERNAL_NOTES:
                assert note not in text, (e["faq_id"], note)


def test_engine_texts_carry_no_internal_notes() -> None:
    """Every basis and text the engine can say (reasons, next steps, materials)."""
    said: list[str] = []

    def walk(node: object, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, str(k))
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key not in ("source", "source_url", "note", "what", "checked", "document"):
            said.append(node)

    for name in ("scope", "exemptions", "hardship", "procedure", "criminal", "materials"):
        data = loader.table(name)
        if name == "scope":
            data = {k: v for k, v in data.items() if k != "profiles"}  # profile labels are for engineers
        walk(data)
    for text in said:
        for note in INTERNAL_NOTES:
            assert note not in text, (note, text)
