"""The eligibility result in a WeChat bubble (≤ 600 characters) and on its full H5 page.

A passive reply cannot hold the whole explained result, so the bubble leads with the
decision, what to do and the complete materials list (一次性告知), then links to the
full page with every reason and next step. The link is signed, so records cannot be
enumerated by changing a number.
"""
from __future__ import annotations

from typing import Any, Mapping

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from intents.result_text import SHORT_NOTE, action_lines, alternatives, headline, render_result

from .replies import MAX_REPLY_CHARS, anchor, fit


# The result page shows the facts the citizen gave (income, household, the matter): a link
# forwarded or left in a shared phone's chat stops working after the 30 days drafts are
# kept too (handoff/applications.py DRAFT_RETENTION_DAYS); the citizen can check again.
RESULT_LINK_MAX_AGE = 30 * 24 * 3600


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="eligibility-result-timed")


def result_token(secret: str, record_id: int) -> str:
    return _serializer(secret).dumps(record_id)


def record_id_from_token(secret: str, token: str, max_age: int = RESULT_LINK_MAX_AGE) -> int | None:
    """The record id, or None when the link is forged, damaged or older than max_age."""
    try:
        value = _serializer(secret).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def token_expired(secret: str, token: str) -> bool:
    """True for a genuine link that is only too old (to say so, rather than 'not found')."""
    try:
        _serializer(secret).loads(token)
    except BadSignature:
        return False
    return True


def _citation(reason: str) -> str:
    head = reason.split("：", 1)[0]
    return head if len(head) < len(reason) else reason[:40]


def bubble(result: Mapping[str, Any], facts: Mapping[str, Any], link: str | None) -> str:
    """The decision first, what to do last: the reader's thumb ends where the action is."""
    decision = str(result.get("decision") or "needs_more_info")
    lines = [headline(result), SHORT_NOTE]
    materials = [str(m) for m in result.get("materials") or []]
    if decision == "not_eligible":
        alts = [text for _key, text in alternatives(facts.get("matter") if isinstance(facts.get("matter"), str) else None)]
        lines.append("您还可以：" + "".join(f"\n{i}. {a.split('（')[0]}" for i, a in enumerate(alts[:4], 1)))
    elif materials:
        lines.append(f"申请时请一次带齐（共{len(materials)}项）：" +
                     "".join(f"\n{i}. {m}" for i, m in enumerate(materials, 1)))
    if decision == "mandatory":
        # What happens next matters more than papers here: the authorities must act.
        lines.extend(f"· {step}" for step in list(result.get("next_steps") or [])[:2])
    reasons = [str(r) for r in result.get("reasons") or []]
    if reasons:
        lines.append("依据：" + "；".join(dict.fromkeys(_citation(r) for r in reasons)))
    actions = action_lines(result)
    if link:
        actions.append(anchor(link, "查看完整结果（理由、材料、下一步）"))
    text = "\n".join(lines + actions)
    if len(text) <= MAX_REPLY_CHARS:
        return text
    # Too long: shorten the middle, never the action at the end.
    tail = "\n".join(actions)
    return fit("\n".join(lines), None, MAX_REPLY_CHARS - len(tail) - 1) + "\n" + tail


def full_text(result: Mapping[str, Any], facts: Mapping[str, Any]) -> str:
    return render_result(result, facts)
