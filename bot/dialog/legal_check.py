"""What the bot says about the law agrees with the rules engine (intents/rules.py).

Why a last check on every reply: answers come from many places (FAQ entries, topic answers,
follow-ups, the decision), and the FAQ texts are written for everyone. For one citizen the
rules engine may already hold more (a domestic-violence victim, a migrant worker's wage
claim, a good samaritan): then a generic line — 「带上经济困难证明」, 「能不能申请法律援助，
各地规定不一样」 — is wrong law for *this* person. Three pure checks:

- an answer that holds only for people in one situation (state compensation after an
  acquittal on retrial, LAL 32(3)) is not given to someone who never said they are in it
  (``without_unmet_premises``; the premises are data: premises.yaml);
- when the hardship review is waived (LAL 32 statuses, LAL 42 exemptions), no reply asks
  for proof of hardship: that clause becomes 「不用证明经济困难（依据）」 and the status proof
  (``waive_hardship_proof``);
- when a LAL 32 status covers the matter, a line saying that eligibility depends on the
  region becomes the national rule (``national_status_rule``).
"""
from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml

PREMISE_FILE = Path(__file__).resolve().parent / "premises.yaml"


# ---------------------------------------------------------------- premises of FAQ answers

@lru_cache(maxsize=1)
def premises() -> dict[str, re.Pattern[str]]:
    """faq_id → the words one of which the message must contain for that answer to apply."""
    data = yaml.safe_load(PREMISE_FILE.read_text(encoding="utf-8")) or {}
    return {str(k): re.compile(str(v["words"])) for k, v in (data.get("premises") or {}).items()}


def premise_met(faq_id: str, text: str) -> bool:
    rx = premises().get(faq_id)
    return rx is None or bool(rx.search(re.sub(r"\s+", "", text or "")))


def without_unmet_premises(result: Any, text: str) -> Any:
    """The match result without answers whose premise the message does not state.

    When the best answer is dropped, the topic answer takes over (status ``topic``) —
    never the next entry of a coin-toss ranking, which may be from a third topic."""
    hits = list(getattr(result, "hits", []) or [])
    kept = [h for h in hits if premise_met(h.faq_id, text)]
    if len(kept) == len(hits):
        return result
    top_dropped = bool(hits) and not premise_met(hits[0].faq_id, text)
    if not top_dropped:
        return dataclasses.replace(result, hits=kept)
    topic = getattr(result, "topic", None)
    if kept and kept[0].code == hits[0].code and topic != hits[0].code:
        # 「鞋厂老板跑路了」 beside the construction entry: the matter is sure (wages), only that
        # entry's premise is not — the topic's general answer, never the construction rule.
        return dataclasses.replace(result, hits=kept, status="topic", topic=hits[0].code)
    # The topic answer only when the topic model agrees with what is left; else nothing sure.
    agrees = bool(topic) and any(h.code == topic for h in kept)
    status = "topic" if agrees else ("unsure" if result.status in ("answer", "clarify") else result.status)
    return dataclasses.replace(result, hits=kept, status=status)


# ---------------------------------------------------------------- hardship proof the law waives

_EXEMPT_REASON = re.compile(r"第三十二条|第四十二条")
_WAIVED = re.compile(r"不受经济困难|免予核查|免于经济困难|不审查|不用审查|免审")


def exemption(facts: Mapping[str, Any], last_result: Mapping[str, Any] | None) -> dict[str, str] | None:
    """{'basis', 'rule', 'proof'} when the hardship review is waived for this citizen, else None.

    From the rules engine on the case file now, or from the decision already given (a
    domestic-violence victim stays one when a later message is read as a medical question)."""
    from intents.rules import decide

    candidates: list[Mapping[str, Any]] = []
    if facts.get("matter"):
        try:
            candidates.append(decide(dict(facts)))
        except Exception:  # a rules error must never silence a reply
            pass
    if last_result:
        candidates.append(last_result)
    for result in candidates:
        if result.get("hardship_review") != "exempt" or result.get("decision") == "not_eligible":
            continue
        reasons = [str(r) for r in result.get("reasons") or []]
        rule = next((r for r in reasons if _EXEMPT_REASON.search(r) and _WAIVED.search(r)), None)
        if rule is None:
            continue
        basis = rule.split("：", 1)[0]
        items = [str(m) for m in result.get("materials") or []]
        proof = next((m for m in items if not m.startswith(("申请人的居民身份证", "代别人申请"))), "")
        return {"basis": basis, "rule": rule, "proof": proof}
    return None


_CLAUSE = re.compile(r"[^；;。]+[；;。]?")
_ASKS_PROOF = re.compile(r"经济困难(?:状况)?(?:的)?(?:说明|证明)|困难证明|低保证可免予核查|如果您领取低保")
_ALREADY_WAIVED = re.compile(r"不用|不需要|无需|不必|不受|免予|免于|免审|不审查")
_ENUM = re.compile(r"^\s*(?:[一二三四五六七八九十]是|\d+[.、．]\s*)")


def waive_hardship_proof(text: str, ex: Mapping[str, str]) -> str:
    """Every clause asking for proof of hardship becomes 「不用证明经济困难（依据）」, once;
    a second such clause (「领低保的带低保证可免予核查」) is dropped."""
    lines: list[str] = []
    said = False
    for line in text.split("\n"):
        out: list[str] = []
        for m in _CLAUSE.finditer(line):
            clause = m.group(0)
            if not _ASKS_PROOF.search(clause) or (
                    _ALREADY_WAIVED.search(clause) and "如果您领取低保" not in clause and "低保证可免予核查" not in clause):
                out.append(clause)
                continue
            if said:
                continue
            said = True
            lead = _ENUM.match(clause)
            end = clause[-1] if clause[-1] in "；;。" else ""
            proof = f"，带上{_plain_item(ex['proof'])}" if ex.get("proof") else ""
            out.append(f"{lead.group(0) if lead else ''}不用证明经济困难（{ex['basis']}）{proof}{end}")
        if line.strip() and not "".join(out).strip():
            continue  # a list item that only asked for the waived proof: the line goes
        lines.append("".join(out))
    return _renumber("\n".join(lines))


def _plain_item(item: str) -> str:
    return re.split(r"（以当地|（《", item)[0]


def _renumber(text: str) -> str:
    """A numbered list keeps counting 1, 2, 3 after an item was dropped."""
    lines, n = [], 0
    for line in text.split("\n"):
        m = re.match(r"^(\d+)([.、．]\s*)", line)
        if m:
            n += 1
            line = f"{n}{m.group(2)}{line[m.end():]}"
        elif line.strip() and n:
            n = n if line.startswith(" ") else 0
        lines.append(line)
    return "\n".join(lines)


# ---------------------------------------------------------------- LAL 32: the same everywhere

_SENTENCE = re.compile(r"[^。！？\n]+[。！？]?|\n")
_VARIES = re.compile(r"(?:能不能|能否|是否|可不可以|可否)(?:申请)?(?:法律援助|法援).{0,12}(?:各地|当地|不一样|不同|判断)"
                     r"|各地规定不一样|不在.{0,16}(?:列明|国家|列举).{0,6}事项")


def national_status_rule(text: str, ex: Mapping[str, str] | None) -> str:
    """「这类事能不能申请法律援助，各地规定不一样」 when a LAL 32 status covers the matter: the
    national rule instead (no hardship test, everywhere)."""
    if not ex or "第三十二条" not in ex.get("basis", ""):
        return text
    out: list[str] = []
    said = ex["rule"] in text
    for m in _SENTENCE.finditer(text):
        sentence = m.group(0)
        if sentence != "\n" and _VARIES.search(sentence):
            if not said:
                out.append(f"{ex['rule'].rstrip('。')}，全国都一样。")
                said = True
            continue
        out.append(sentence)
    return "".join(out)


def consistent(text: str | None, facts: Mapping[str, Any], last_result: Mapping[str, Any] | None) -> str | None:
    """The reply, with what it says about hardship and scope agreeing with the rules engine."""
    if not text:
        return text
    if not (_ASKS_PROOF.search(text) or _VARIES.search(text)):
        return text
    ex = exemption(facts, last_result)
    if ex is None:
        return text
    return national_status_rule(waive_hardship_proof(text, ex), ex)
