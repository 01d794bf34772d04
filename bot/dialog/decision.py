"""The eligibility decision as one short chat bubble: the decision, its rule, the figure.

Why not the full result: on a phone the citizen needs the answer, the reason in one
line, the per-person figure when income mattered, the local-standard caveat once, and
what to do next — the materials list and every reason are one tap away (the result
page link). Texts come from the rules engine's reasons; nothing is invented here.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from intents.result_text import SHORT_NOTE, action_lines, headline

from ..replies import anchor, as_read, fit

_EXEMPT = re.compile(r"免予核查|免于核查|免予审查|免于审查|无需审查|不审查经济")
_CAVEAT = "具体标准以当地法律援助中心确认为准。"
# 「标准为 1060 元」 states the line; 「以…核定的标准为准」 only defers to the centre.
_STANDARD = re.compile(r"标准为(?!准)")
LIMIT = 270


def _plain(sentence: str) -> str:
    """A sentence without its bracketed sources (the result page keeps them)."""
    return re.sub(r"（[^）]{5,}）|\([^)]{5,}\)", "", sentence).strip()


def _head(reason: str) -> str:
    head = reason.split("：", 1)[0]
    return head if len(head) < len(reason) else reason[:40]


def _body(reason: str) -> str:
    return reason.split("：", 1)[1] if "：" in reason else reason


def key_lines(result: Mapping[str, Any], shown: list[str], facts: Mapping[str, Any] | None = None) -> list[str]:
    """The one or two lines that say why: an exemption, or the standard and the per-person figure."""
    lines: list[str] = []
    reasons_text = "".join(str(r) for r in result.get("reasons") or [])
    size, income = (facts or {}).get("household_size"), (facts or {}).get("household_monthly_income")
    if "人均" not in reasons_text and isinstance(size, int) and size > 0 and isinstance(income, (int, float)) \
            and not _EXEMPT.search(reasons_text):
        # Income mattered but the rule gave no figure: the arithmetic from what was said.
        lines.append(f"按您说的，家里{size}口人、每月收入{income:g}元，人均约{income / size:.0f}元。")
        if "local_caveat" not in shown:
            lines.append(_CAVEAT)
            shown.append("local_caveat")
    for reason in [str(r) for r in result.get("reasons") or []]:
        body = _body(reason)
        if "不在我们的资料里" in body and "local_caveat" not in shown:
            # A place without a figure in hardship.yaml (intents/regions.py knows every county):
            # say that the local centre confirms the line — never a borrowed figure.
            lines.append(_plain(body.split("；")[-1]))
            shown.append("local_caveat")
            continue
        if _EXEMPT.search(body):
            first = body.split("。", 1)[0]
            lines.append(f"{first}（{_head(reason)}）。")
        elif "人均" in body:
            sentences = [_plain(x) for x in re.split(r"[。；]", body) if x.strip()]
            rule = [x for x in sentences if _STANDARD.search(x) and "人均约" not in x][:1]
            figure = [x for x in sentences if re.search(r"[0-9]+元", x) and "人均" not in x][:1]
            person = [x for x in sentences if "人均约" in x][:1]
            lines.extend(f"{x}。" for x in dict.fromkeys(rule + figure + person))
            if "local_caveat" not in shown:
                lines.append(_CAVEAT)
                shown.append("local_caveat")
    return lines


def decision_bubble(result: Mapping[str, Any], facts: Mapping[str, Any], link: str | None,
                    shown: list[str] | None = None) -> str:
    """Decision, the rule, the figure, the caveat once, the next step, the link."""
    shown = shown if shown is not None else []
    lines = [headline(result)]
    if "prelim_note" not in shown:  # 「初步评估」 said once per conversation
        lines.append(SHORT_NOTE)
        shown.append("prelim_note")
    lines.extend(key_lines(result, shown, facts))
    if result.get("decision") == "mandatory":
        lines.extend(f"· {step}" for step in list(result.get("next_steps") or [])[:1])
    if result.get("decision") in ("needs_more_info",) and result.get("missing"):
        lines.append("还差一些情况没弄清，可以拨打 12348 或到窗口由工作人员帮您判断。")
    if result.get("decision") == "not_eligible":
        from intents.result_text import alternatives

        matter = facts.get("matter") if isinstance(facts.get("matter"), str) else None
        found = alternatives(matter)
        generic = ("12348", "人民调解", "委托律师", "异议")
        ordered = [t for k, t in found if k not in generic] + [t for k, t in found if k in generic]
        alts = [re.split(r"[（；]", text)[0].rstrip("。") for text in ordered][:3]
        if alts:
            lines.append("您还可以：" + "".join(f"\n{i}. {a}" for i, a in enumerate(alts, 1)))
    materials = list(result.get("materials") or [])
    if materials and result.get("decision") != "not_eligible":
        lines.append(f"要带齐的材料共{len(materials)}项，回复「详细」看。")
    cites = list(dict.fromkeys(_head(str(r)) for r in result.get("reasons") or []))
    if cites:
        lines.append("依据：" + "；".join(_plain(c) for c in cites[:2]))
    for action in action_lines(result):
        if "绿色通道" in action:
            if "green_channel" in shown:
                continue
            shown.append("green_channel")
        lines.append(action)
    if link:
        lines.append(anchor(link, "查看完整结果（理由、材料、下一步）"))
    text = "\n".join(lines)
    if len(as_read(text)) <= LIMIT:
        return text
    # Too long: keep the decision, the why and the link; drop the citations, then the note.
    for droppable in (lambda l: l.startswith("依据："), lambda l: l == SHORT_NOTE,
                      lambda l: l.startswith("最低工资标准") or _STANDARD.search(l) and "人均约" not in l):
        if len(as_read(text)) <= LIMIT:
            break
        lines = [l for l in lines if not droppable(l)]
        text = "\n".join(lines)
    return text if len(as_read(text)) <= LIMIT else fit(text, link, LIMIT)


def materials_text(result: Mapping[str, Any], link: str | None) -> str:
    """「详细」 after a decision: the complete materials list, once (一次性告知)."""
    items = [str(m) for m in result.get("materials") or []]
    if not items:
        return "这个结果不需要额外准备材料；具体以法律援助中心的要求为准。"
    body = "申请时请一次带齐（共{}项）：\n".format(len(items)) + "\n".join(f"{i}. {m}" for i, m in enumerate(items, 1))
    return fit(body + ("\n" + anchor(link, "查看完整结果") if link else ""), link)
