"""Signed, expiring links bound to one citizen, for the H5 pages opened from the chat.

The token carries the citizen's id and the one page it opens, and is signed with
SECRET_KEY, so nobody can open another person's application by changing a number, and a
booking link passed on cannot open the application form with its ID number and phone;
it expires so that a forwarded chat does not stay a key to the form for ever.
"""
from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

MAX_AGE_SECONDS = 7 * 24 * 3600


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="h5-citizen-link")


PAGES = ("apply", "book", "mine")


def make_token(secret: str, user_id: str, page: str) -> str:
    """A link token for one citizen and one H5 page (apply | book | mine)."""
    if page not in PAGES:
        raise ValueError(f"unknown H5 page {page!r}")
    return _serializer(secret).dumps({"u": user_id, "p": page})


def read_token(secret: str, token: str, page: str, max_age: int = MAX_AGE_SECONDS) -> str | None:
    """The citizen's id, or None when the token is forged, damaged, expired or for another page."""
    try:
        data = _serializer(secret).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or data.get("p") != page:
        return None
    user = data.get("u")
    return user if isinstance(user, str) and user else None
