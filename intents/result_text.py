"""The eligibility result (CONTRACTS.md §3 output) as one WeChat message.

Why this order: the dialog cuts replies longer than 600 characters and links to the full
page, so the most important things come first — the decision with a one-line reminder
that it is only a pre-check (PIPL 24: an automated result must not pass for the
agency's decision), then what to do now (apply, or the alternatives when not eligible),
then the reasons with their rules, the complete list of materials (一次性告知, LAL 43)
and the next steps, and finally the full note about who decides.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

HEADLINES: dict[str, str] = {
    "eligible": "✅ 按您说的情况，您符合法律援助条件",
    "likely_eligible": "✅ 您有可能符合法律援助条件，还需要法律援助机构进一步审查",
    "mandatory": "✅ 这类刑事案件，国家应当为当事人指派律师，不看经济条件",
    "not_eligible": "❌ 按您说的情况，暂时不符合法律援助条件",
    "needs_more_info": "❓ 还需要了解一些情况，才能判断能不能申请法律援助",
}

SHORT_NOTE = "（这只是初步评估，最后由法律援助机构审查决定。）"

FULL_NOTE = (
    "ℹ️ 说明：以上是根据您的回答自动做的初步评估，不是正式决定。"
    "能不能获得法律援助，由法律援助机构审查决定（一般在收到申请后 7 日内作出决定）。"
    "您可以请工作人员解释，也可以拨打 12348 直接咨询（《个人信息保护法》第二十四条）。"
)

APPLY_OFFER = "👉 回复「申请」在线申请并预约。"
PRIORITY_LINE = "🟢 您属于可以优先照顾的人群：可以请求走绿色通道（优先受理、优先审查、优先指派），具体做法以当地法律援助中心的说明为准。"
PRE_AID_LINE = "⏰ 事情紧急：法律援助机构可以先提供援助，材料以后再补（《法律援助法》第四十四条）。"

# Plain names for the §3 fields, for "还需要知道" when the decision needs more facts.
FIELD_LABELS: dict[str, str] = {
    "matter": "是什么事情",
    "criminal_role": "当事人在案件中的情况（被抓、被起诉还是受害人）",
    "region": "在哪个市或县办理",
    "special_status": "有没有家暴、见义勇为等特殊情况",
    "migrant_worker": "是不是农民工",
    "receives_assistance": "是否领低保、特困供养或优抚金",
    "age": "年龄",
    "disabled": "是否有残疾",
    "fixed_income": "有没有固定生活收入",
    "gender": "性别",
    "unemployed": "是否下岗失业",
    "household_size": "家里一起生活的人数",
    "household_monthly_income": "全家每月收入",
    "criminal_flags": "当事人有没有残疾、精神疾病或可能判重刑等情况",
    "urgent": "事情急不急（期限快到、需要保全）",
}


def _numbered(items: Iterable[str]) -> str:
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))


def _reason_text(reason: Any) -> str:
    """Reasons are strings citing their rule; accept {"text", "rule"} dicts as well."""
    if isinstance(reason, Mapping):
        text = str(reason.get("text") or reason.get("reason") or "").strip()
        rule = str(reason.get("rule") or reason.get("basis") or "").strip()
        if rule and text and rule not in text:
            return f"{rule}：{text}"
        return text or rule
    return str(reason).strip()


def _clean_list(items: Any) -> list[str]:
    if not items:
        return []
    if isinstance(items, str):
        items = [items]
    out: list[str] = []
    for item in items:
        text = _reason_text(item)
        if text and text not in out:
            out.append(text)
    return out


def alternatives(matter: str | None) -> list[tuple[str, str]]:
    """What else helps when legal aid does not (legal-aid-facts.md §2.4), each with the
    key words that show the rules engine's next steps already say it."""
    alts: list[tuple[str, str]] = [
        ("12348", "免费法律咨询不看经济条件：可以到法律援助中心窗口咨询，或拨打 12348 公共法律服务热线（《法律援助法》第二十三条）。"),
        ("人民调解", "找人民调解委员会调解，不收费（《人民调解法》第四条）。"),
    ]
    if matter and matter.startswith("labor."):
        alts.append(("劳动仲裁", "劳动纠纷可以申请劳动仲裁，不收费，一般要在 1 年内申请（《劳动争议调解仲裁法》第二十七条、第五十三条）；也可以向劳动监察部门投诉。"))
    if matter == "consumer":
        alts.append(("消费者协会", "消费纠纷可以打 12315 向市场监管部门投诉，或找消费者协会。"))
    if matter == "family.violence":
        alts.append(("保护令", "受到家庭暴力，可以向法院申请人身安全保护令（《反家庭暴力法》第二十三条）。"))
    alts.append(("委托律师", "也可以自己委托律师（律师事务所一般收费）。"))
    alts.append(("异议", "如果您觉得自己情况特殊，仍然可以向法律援助机构提出申请，由他们审查决定；不同意决定的，可以向司法局提出异议（《法律援助法》第四十九条）。"))
    return alts


def _with_alternatives(steps: list[str], matter: str | None) -> list[str]:
    """The engine's steps for a refusal, completed with any alternative they lack."""
    out = list(steps)
    for key, text in alternatives(matter):
        if not any(key in s for s in out):
            out.append(text)
    return out


def headline(result: Mapping[str, Any]) -> str:
    decision = str(result.get("decision") or "needs_more_info")
    return HEADLINES.get(decision, HEADLINES["needs_more_info"])


def action_lines(result: Mapping[str, Any]) -> list[str]:
    """What the citizen can do now: apply, the green channel, aid first (the full text and the bubble share it)."""
    decision = str(result.get("decision") or "needs_more_info")
    lines: list[str] = []
    if decision in ("eligible", "likely_eligible", "mandatory"):
        lines.append(APPLY_OFFER)
    if result.get("priority") and decision != "not_eligible":
        lines.append(PRIORITY_LINE)
    if result.get("pre_aid"):
        lines.append(PRE_AID_LINE)
    return lines


def render_result(result: Mapping[str, Any], facts: Mapping[str, Any] | None = None) -> str:
    """The §3 output in plain words, most important first.

    ``facts`` is optional: with it, the alternatives for a refusal fit the matter
    (labour arbitration for labour disputes, …).
    """
    decision = str(result.get("decision") or "needs_more_info")
    matter = (facts or {}).get("matter") if facts else None
    matter = matter if isinstance(matter, str) else None
    parts: list[str] = [headline(result) + "\n" + SHORT_NOTE]

    flags = action_lines(result)
    if flags:
        parts.append("\n".join(flags))

    # The pre-check note is always the last paragraph (FULL_NOTE); an engine step saying
    # the same is not repeated in the list.
    steps = [s for s in _clean_list(result.get("next_steps")) if "初步评估" not in s]
    if decision == "not_eligible":
        # What to do instead matters more than why: it comes right after the headline.
        parts.append("您还可以：\n" + _numbered(_with_alternatives(steps, matter)))
        steps = []

    if decision == "needs_more_info":
        missing = [FIELD_LABELS.get(str(f), str(f)) for f in (result.get("missing") or [])]
        if missing:
            parts.append("还需要知道：" + "、".join(missing) + "。\n可以回复「返回」补充，或拨打 12348 咨询。")
        else:
            parts.append("请拨打 12348 或到当地法律援助中心咨询。")

    reasons = _clean_list(result.get("reasons"))
    if reasons:
        parts.append("判断依据：\n" + _numbered(reasons))

    materials = _clean_list(result.get("materials"))
    if materials and decision != "not_eligible":
        parts.append("申请时请一次带齐：\n" + _numbered(materials))

    if steps:
        parts.append("下一步：\n" + _numbered(steps))

    parts.append(FULL_NOTE)
    return "\n\n".join(parts)
