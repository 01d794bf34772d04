"""The case file: what the citizen has told us in this conversation, in any mode.

Why: an intake worker does not forget the place said two messages ago because the
conversation moved from an FAQ answer to the eligibility check. Every message updates
the case file (CONTRACTS §3 fact names, plus topic, amounts, dates, evidence), and the
questionnaire is prefilled from it, so it asks only what is still missing. Pure: the
case dict and the text in, the new case dict and what was learned out.
"""
from __future__ import annotations

import copy
import re
from typing import Any, Mapping

from intents import extract
from intents.parsing import compact
from intents.person_facts import income_figures
from intents.special_paths import stranger_assault

# Facts of the §3 schema the questionnaire understands (and so may be prefilled with).
SECTION3 = ("region", "matter", "age", "disabled", "fixed_income", "migrant_worker", "gender", "unemployed",
            "household_size", "household_monthly_income", "receives_assistance", "special_status",
            "criminal_role", "criminal_flags", "urgent", "personal_injury", "domestic_worker")
LISTS = ("amounts", "dates", "evidence")

_NO_FIXED_INCOME = re.compile(r"没(?:有)?(?:别的|啥|什么|任何)?(?:退休金|养老金|固定收入|工作|收入)|靠种地|种地为生|打零工|无业|失业")
_HAS_FIXED_INCOME = re.compile(r"有退休金|有养老金|拿退休金|领退休金|有固定工资")
# Matters said in everyday words the questionnaire's matter choices do not list.
_MATTER_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("family.violence", re.compile(r"(?:老公|丈夫|男人|对象|老头子|儿子|他)(?:天天|又|经常|老是|总是|一喝酒就|喝多了就?)?(?:打我|打俺|大我|动手|打人)")),
    ("labor.injury", re.compile(r"(?:工地|厂里|车间|干活|上班|工作时)[^，。]{0,8}(?:摔|伤|压|砸|断|烫|割)|工伤")),
    ("labor.wages", re.compile(r"老板.{0,4}欠|包工头.{0,4}(?:欠|跑)|欠.{0,6}(?:工资|工钱|工姿|薪水)|工钱|讨薪|不给工资")),
    ("injury.traffic", re.compile(r"撞(?:了|俺|我|伤)|被车撞|车祸|交通事故|撞俺|撞我")),
    ("family.support", re.compile(r"不养(?:他|她|我|俺|老人)|赡养|抚养费|养老钱|不给生活费")),
    ("land", re.compile(r"拆迁|强拆|被拆|征地|宅基地|承包地|土地补偿|拆迁款|补偿款")),
)
# 「老公常年不回家 也不给钱 我带着三个娃」: a husband who gives no money is family support, not a wage
# claim — even when the message also says how the writer earns (「靠打零工挣一千多」).
_SPOUSE_GIVES_NOTHING = re.compile(r"(?:老公|丈夫|男人|孩子他爸|孩子他爹|娃他爹|前夫|老婆|媳妇)[^。！？!?]{0,12}"
                                   r"(?:(?:不给|没给|不拿)(?:家里|我|俺|孩子)?(?:钱|生活费|一分钱)|一分(?:钱)?(?:都|也)?(?:不给|没给))")
_EMPLOYER = re.compile(r"老板|公司|厂里|工厂|工地|单位|包工头|老细")
# 「我没工作」 while the case is about the husband taken or the mother: the writer's own job, not
# the applicant's income (the fact is asked of the person concerned).
_WRITER_INCOME = re.compile(r"(?:我|俺)(?:自己|也)?(?:没|没有|不)(?:啥|什么|固定)?(?:工作|收入|上班)|(?:我|俺)(?:有|拿|领)(?:退休金|养老金|固定工资)")
_DISABLED = re.compile(r"残疾证|残疾人|是残疾")


def _matter(text: str) -> str | None:
    """The topic a message names clearly (「老板欠我工资」 → labor.wages), never from a bare number."""
    clean = compact(text)
    if len(clean) < 3 or re.fullmatch(r"[0-9一二两三四五六七八九十第个号]+", clean):
        return None
    from intents import questionnaire
    from intents.parsing import Parsed

    parsed = questionnaire.flow().questions["matter"].parse(text)
    return parsed.value if isinstance(parsed, Parsed) and isinstance(parsed.value, str) else None


def facts_in(text: str, topic: str | None = None, case: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Everything this message states, in case-file names; ``case`` is the case file so far (whom
    the matter is about decides whose age 「他七十五」 is and whose job 「我没工作」 is)."""
    case = case or {}
    concerned = case.get("concerned")
    if case.get("criminal_role") in ("suspect", "defendant") and concerned in (None, "self"):
        concerned = "someone_else"  # a relative taken: the facts of the case are the accused's
    facts: dict[str, Any] = {}
    matter = _matter(text)
    if extract.accused_role_in(text):
        matter = "criminal.defense"  # 「下个月开庭 诈骗」: the accused, not a fraud victim (the role wins over the crime's word)
    elif extract.ACCUSED_RELATIVE.search(extract.convert_numerals(text)):
        matter = "criminal.defense"  # 「儿子把同学打伤了 警察叫他去派出所」: the son is the accused
    if matter is None:
        matter = next((code for code, rx in _MATTER_CUES if rx.search(text)), None)
    if (matter is None or matter.startswith("labor.")) and _SPOUSE_GIVES_NOTHING.search(text) and not _EMPLOYER.search(text):
        matter = "family.support"
    if matter == "family.violence" and stranger_assault(text):
        matter = None  # 「被人打断了肋骨 打我的人被抓了」: an assault by a stranger, not violence at home
    if matter and matter != "other":
        facts["topic"] = matter
    else:
        matter = None
    facts.update(extract.facts_from_text(text, matter or topic, concerned))
    if "migrant_worker" not in facts:  # the case file keeps it whatever the matter (the rules decide if it counts)
        said = extract.facts_from_text(text, None).get("migrant_worker")
        if said is not None:
            facts["migrant_worker"] = said
    facts.update(extract.household_in(text))
    about = facts.get("concerned") or concerned
    if _NO_FIXED_INCOME.search(text) and not _writer_only(text, about):
        facts["fixed_income"] = False
    elif _HAS_FIXED_INCOME.search(text) and not _writer_only(text, about):
        facts["fixed_income"] = True
    if re.search(r"低保|特困|五保", text) and not re.search(r"不是低保|没有低保|没低保|不吃低保", text):
        facts["receives_assistance"] = True
    if _DISABLED.search(text) and not re.search(r"不是残疾|没有残疾", text):
        facts["disabled"] = True
    if "good_samaritan" in facts.get("special_status", []) and not matter and not topic and extract.HURT.search(text):
        facts["topic"] = "injury.personal"  # 「拦住一个抢包的被砍伤了」: the claim arising from the act (LAL 32(2))
    if facts.get("criminal_role") == "victim" and not matter and not topic:
        facts["topic"] = "criminal.defense"  # 「打人的已经被警察抓了」: the writer is the victim in a criminal case (LAL 29)
    if facts.get("criminal_role") == "suspect" and not matter and not topic:
        facts["topic"] = "criminal.defense"
    if facts.get("domestic_worker") and not matter and not topic and re.search(r"欠|没给|不给|拖|工资|工钱|没发|不发", text):
        facts["topic"] = "labor.wages"  # 「在人家家里带孩子 主家三个月没给钱」: pay owed to a domestic worker
    incomes = set(income_figures(extract.convert_numerals(text))) if "household_monthly_income" in facts else set()
    amounts = [a for a in extract.amounts_in(text) if a != facts.get("household_monthly_income") and a not in incomes]
    if amounts:
        facts["amounts"] = amounts
    dates = extract.dates_in(text)
    if dates:
        facts["dates"] = dates
    evidence = extract.evidence_in(text)
    if evidence:
        facts["evidence"] = evidence
    return facts


# Facts of a person, not of the matter: they go with the person when the case turns to another.
PERSON_FACTS = ("age", "gender", "disabled", "fixed_income", "migrant_worker", "unemployed", "receives_assistance",
                "special_status", "criminal_flags", "accused_under_18")
HOUSEHOLD = ("household_size", "household_monthly_income")


def _switch_person(case: dict[str, Any], text: str) -> bool:
    """「那我爸呢」「我妈也是这情况呢」: the same matter for another person. The facts of the person
    the case was about are put aside (kept under ``persons``, so 「那我妈呢」 brings them back);
    the household goes with them when they live alone. True when the case turned."""
    from intents.person_facts import person_switch_in

    who = person_switch_in(text)
    before = case.get("concerned") or "self"
    if who is None or who == before or case.get("crisis"):
        return False  # in a crisis the facts of the one in danger are never put aside
    persons = case.setdefault("persons", {})
    keys = PERSON_FACTS + (HOUSEHOLD if case.get("household_size") == 1 else ())
    persons[before] = {k: case.pop(k) for k in keys if k in case}
    case.update(persons.pop(who, {}))
    if _SAME_WORK.search(text) and "migrant_worker" in persons[before] and "migrant_worker" not in case:
        case["migrant_worker"] = persons[before]["migrant_worker"]  # 「他跟俺一块干的」: the same job, the same status
    case["concerned"] = who
    return True


# 「他跟俺一块干的」「和我一起在工地」「同一个老板」: the other person worked the same job.
_SAME_WORK = re.compile(r"(?:跟|和|同|与)(?:我|俺)(?:是)?(?:一块|一块儿|一起|一样|一个|同一个)(?:干|做|打工|上班|干活|在)|同一个(?:老板|包工头|工地|厂)|也是(?:农民工|打工的|出来打工)")


def _home_or_residence(case: Mapping[str, Any], said: dict[str, Any], text: str) -> None:
    """The region of the matter when the citizen's 老家 comes up (LAL 38: where the case-handling
    organ is, or where the events happened — not simply where the applicant lives).

    「老家在湖南」 alone is where they come from: kept as ``home_region``, the region stays. When the
    dispute is there (a house or land in 老家, a case brought there) and the place is named, the
    region becomes the home place and the place they live is kept as ``residence``; when the home
    place is not named the region is left as it was (and asked about if there is none)."""
    home = extract.home_place_in(text)
    if not home and said.get("region") and extract.writer_at_home(text):
        home = said["region"]  # 「我在老家住 在邵阳」: the place named is the home
    if home:
        said["home_region"] = home
    about_other = (said.get("concerned") or case.get("concerned")) not in (None, "self")
    here = extract.matter_at_home(text, about_other)
    at_home = here or bool(case.get("dispute_at_home"))
    if here:
        said["dispute_at_home"] = True
    if at_home and not home and said.get("region") and case.get("region") and said["region"] != case["region"]:
        said["home_region"] = home = said["region"]  # 「老家的房子被占了 在湖南邵阳」: the place named is the home's
    home = home or case.get("home_region")
    lives = said.get("region") if said.get("region") != home else None
    lives = lives or (case.get("region") if case.get("region") != home else None)
    if at_home and not home and lives and (here or said.get("region") == case.get("residence")):
        # The dispute is in a 老家 not named: where they live is no place to handle it — kept as
        # the residence, and the region asked (a wrong centre is worse than one more question).
        said["residence"] = lives
        said.pop("region", None)
        said["_drop_region"] = True
    elif at_home and home:
        if said.get("region") != home:
            said["region"] = home
            said["_region_from_home"] = True
        if lives:
            said["residence"] = lives
    elif home and said.get("region") == home and case.get("region") and case.get("region") != home:
        said.pop("region")  # 「老家是湖南邵阳的」: where they come from does not move the matter


def _writer_only(text: str, concerned: str | None) -> bool:
    """The income words are about the writer while the matter is about someone else."""
    return concerned not in (None, "self") and bool(_WRITER_INCOME.search(text))


def update_case(case: Mapping[str, Any], text: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The case file after this message, and the facts it added or changed (for the ack line).

    A correction (「不是合肥，是芜湖」) replaces what it names; a later statement of a
    scalar fact replaces the earlier one; lists only grow.
    """
    new = copy.deepcopy(dict(case))
    switched = _switch_person(new, text)
    fixed = extract.correction_in(text)
    split = None if fixed else extract.correction_split(text)
    if split:  # 「我在石狮 不对 是在晋江 工厂欠我工资」: what follows the correction wins
        said = facts_in(split[0], new.get("topic"), new)
        after = facts_in(split[1], new.get("topic"), new)
        for key in ("dates", "evidence"):  # 「欠我三千 说错了 是五千」: the amount is replaced, the rest adds up
            if key in after:
                after[key] = list(dict.fromkeys([*said.get(key, []), *after[key]]))
        said.update(after)
        fixed = split[1] if after.get("region") else None
    else:
        said = facts_in(fixed if fixed else text, new.get("topic"), new)
    _home_or_residence(new, said, fixed or text)
    if said.get("topic"):  # support payments vs divorce/custody follow the claim (LAL 31(4))
        said["topic"] = extract.family_matter(said["topic"], fixed or text, new.get("topic"))
    place = extract.place_words(fixed or text) if said.get("region") and not said.get("_region_from_home") else None
    said.pop("_region_from_home", None)
    if said.pop("_drop_region", False):
        new.pop("region", None)
        new.pop("place", None)
    if place and place != said["region"]:
        said["place"] = place  # acknowledged as said: 「安徽合肥」, never the whole sentence
    learned: dict[str, Any] = {}
    if switched:
        learned["concerned"] = learned["concerned_switched"] = new["concerned"]
        said.pop("concerned", None)
    for key, value in said.items():
        if key in LISTS:
            have = list(new.get(key) or [])
            added = [v for v in value if v not in have]
            if added:
                new[key] = have + added
                learned[key] = added
        elif key == "special_status" and isinstance(value, list) and isinstance(new.get(key), list):
            merged = sorted({*new[key], *value})  # statuses add up: a veteran can be a DV victim too
            if merged != new[key]:
                new[key] = merged
                learned[key] = merged
        elif new.get(key) != value:
            new[key] = value
            learned[key] = value
    if "region" in learned and "place" not in learned:
        new.pop("place", None)
    if learned.get("topic") and stays_in_topic(case.get("topic"), learned["topic"], fixed or text):
        new["topic"] = case["topic"]  # 「俺没签合同 就有工友能作证」 in a wage case: evidence, not a new matter
        learned.pop("topic")
    if learned.get("topic") and learned["topic"] != case.get("topic"):
        new["matter"] = learned["topic"]
    return new, learned


# A matter that is also an aspect of another (a contract or social insurance in a wage or injury
# case, a diagnosis in a food case, the divorce papers in a support case): while the case is about
# the other, it takes over only when the message makes it the subject (the words after the codes).
_ASPECT_OF: dict[str, tuple[tuple[str, ...], re.Pattern[str]]] = {
    "labor.contract": (("labor.wages", "labor.injury"), re.compile(r"辞退|开除|解雇|炒了|炒我|裁员|解除.{0,4}合同|不让(?:我)?干了|赶走")),
    # 「被辞退了 没给补偿」 then 「我一个月工资2500」: the wage is a fact of the dismissal case, not a
    # wage claim — severance is not on the national list (LAL 31(5)), so recoding it would decide wrong.
    "labor.wages": (("labor.injury", "labor.contract"), re.compile(r"欠.{0,6}(?:工资|工钱)|讨薪|(?:讨|要|追)(?:要|讨|回)?(?:工资|工钱|血汗钱)|不给工资|工资.{0,4}(?:没|不)(?:给|发)")),
    "injury.medical": (("consumer", "injury.traffic", "injury.personal", "labor.injury"),
                       re.compile(r"医疗事故|误诊|手术.{0,6}(?:出|失败|事故|坏)|医院.{0,6}(?:责任|赔|治坏|弄坏|耽误)|医生.{0,6}(?:治坏|弄坏|耽误)")),
    "family.divorce": (("family.support",), re.compile(r"(?:想|要|准备|打算|闹|起诉)离婚|离婚(?:官司|诉讼)|离不离")),
}


_EVIDENCE_FILLER = re.compile(r"有的|还有|也有|都有|有|我们|我|俺|的|和|跟|与|以及|还|也|都|着|了|留着|保存|保留|开了|开的|拿到|拿了"
                              r"|派出所|医院|公安局|公安|警察|交警|法院|单位|公司|老板|村里|这边|那边|[，,。、；;\s！!]")


def evidence_only(text: str) -> bool:
    """「有派出所的出警记录 还有医院的病历」: the message lists evidence and says nothing else — the
    病历 of a violence case is no medical dispute."""
    rest = text
    for word in sorted(extract.evidence_in(text), key=len, reverse=True):
        rest = rest.replace(word, "")
    return rest != text and len(_EVIDENCE_FILLER.sub("", rest)) <= 2


def stays_in_topic(topic: str | None, named: str, text: str) -> bool:
    """Whether a matter named in passing keeps the case on its topic (see ``_ASPECT_OF``); a message
    that only lists evidence never moves it."""
    if topic and evidence_only(text):
        return True
    aspect = _ASPECT_OF.get(named)
    return bool(topic) and aspect is not None and topic in aspect[0] and not aspect[1].search(compact(text))


def questionnaire_facts(case: Mapping[str, Any]) -> dict[str, Any]:
    """The case file as the questionnaire's prefill (only §3 facts; the topic as matter)."""
    facts = {k: copy.deepcopy(v) for k, v in case.items() if k in SECTION3 and v is not None}
    if "matter" not in facts and case.get("topic"):
        facts["matter"] = case["topic"]
    if facts.get("age") is None and case.get("accused_under_18") and case.get("criminal_role") in ("suspect", "defendant"):
        # 「上初二」「未成年」 without an age: mandatory defence needs only "under 18", and 17 is the
        # highest age that is surely true. Not written back to the case file (record_decision).
        facts["age"] = MINOR_AGE_BOUND
    return facts


MINOR_AGE_BOUND = 17


def ruled_out(case: Mapping[str, Any]) -> dict[str, list[str]]:
    """Questionnaire choices the citizen's own words deny (「没有打我 就是感情不和」: no abuse), so
    the exemption list never asks about them again."""
    return {"special_status": ["abuse_victim"]} if case.get("domestic_violence") is False else {}


_WHOM = {"mother": "您母亲", "father": "您父亲", "spouse": "您爱人", "son": "您儿子", "daughter": "您女儿",
         "someone_else": "您说的这位", "self": "您自己"}
_LABELS = {
    "concerned_switched": lambda v: f"这次看{_WHOM.get(v, '这位')}的情况",
    "residence": lambda v: f"居住地：{v}",
    "migrant_worker": lambda v: "身份：外出务工（农民工）" if v else "身份：不是外出务工",
    "gender": lambda v: {"female": "性别：女", "male": "性别：男"}.get(v, ""),
    "age": lambda v: f"年龄：{v}岁",
    "household_size": lambda v: f"家里：{v}口人",
    "household_monthly_income": lambda v: f"每月收入：约{v:g}元" if isinstance(v, (int, float)) else "",
    "fixed_income": lambda v: "固定收入：有" if v else "固定收入：没有",
    "domestic_violence": lambda v: "" if v else "没有家庭暴力",
    "receives_assistance": lambda v: "低保等救助：有" if v else "低保等救助：没有",
    "disabled": lambda v: "残疾：有" if v else "",
    "amounts": lambda v: "金额：" + "、".join(f"{a:g}元" for a in v),
    "dates": lambda v: "日期：" + "、".join(v),
    "evidence": lambda v: "证据：" + "、".join(v),
}


def ack_line(learned: Mapping[str, Any]) -> str | None:
    """「好的，记下了：地区：合肥市；身份：外出务工（农民工）。」 — each fact named, never the sentence
    as said; the place by the name we resolved it to, so a citizen sees at once if we read it wrong."""
    parts: list[str] = []
    if learned.get("region"):
        parts.append(f"地区：{learned['region']}")
    elif learned.get("place"):
        parts.append(f"地区：{learned['place']}")
    for key, label in _LABELS.items():
        if key in learned:
            text = label(learned[key])
            if text:
                parts.append(text)
    return f"好的，记下了：{'；'.join(parts)}。" if parts else None


def only_facts(text: str, learned: Mapping[str, Any]) -> bool:
    """The message carries facts and asks nothing (「安徽合肥」「有工牌 还有微信转账记录」)."""
    from intents.parsing import looks_like_question

    if learned.get("concerned_switched"):
        return True  # 「那我爸呢」 asks for the same check for another person: the check answers it
    informative = {k for k in learned if k not in ("topic", "matter")}
    return bool(informative) and not looks_like_question(text)


_MATTER_PREFIXES = ("labor.", "family.", "injury.", "criminal.", "civil.", "consumer", "education", "land", "housing.")


def is_matter(code: str | None) -> bool:
    """A legal matter (欠薪, 离婚 …) rather than a question about the service itself."""
    return bool(code) and str(code).startswith(_MATTER_PREFIXES)
