"""The eligibility result's full H5 page and its signed link.

The chat bubble (bot/dialog/decision.py) leads with the decision and ends with a link to
this page, which holds every reason, the complete materials list and the next steps. The
link is signed, so records cannot be enumerated by changing a number.
"""
from __future__ import annotations

from typing import Any, Mapping

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from intents.result_text import render_result


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


def full_text(result: Mapping[str, Any], facts: Mapping[str, Any]) -> str:
    return render_result(result, facts)
