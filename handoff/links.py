"""Signed, expiring links bound to one citizen, for the H5 pages opened from the chat.

The token carries the citizen's id and is signed with SECRET_KEY, so nobody can open
another person's application by changing a number; it expires so that a forwarded
chat does not stay a key to the form for ever.
"""
from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

MAX_AGE_SECONDS = 7 * 24 * 3600


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="h5-citizen-link")


def make_token(secret: str, user_id: str) -> str:
    return _serializer(secret).dumps({"u": user_id})


def read_token(secret: str, token: str, max_age: int = MAX_AGE_SECONDS) -> str | None:
    """The citizen's id, or None when the token is forged, damaged or expired."""
    try:
        data = _serializer(secret).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    user = data.get("u") if isinstance(data, dict) else None
    return user if isinstance(user, str) and user else None
