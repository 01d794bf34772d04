"""Is this the same applicant as on another case? One place decides, so staff notice a
person who applied twice (a duplicate, or a second matter worth reading together).

Same person = the same ID number, the same phone or the same WeChat account (openid).
The comparison lives only here. ID number and phone are stored encrypted (a different
ciphertext each time), so they are compared by their blind index (HMAC) columns.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import Select, or_
from sqlalchemy.orm import Session

from .models import Application

# Columns whose equal, non-empty values mean "the same applicant".
IDENTITY_COLUMNS: tuple[str, ...] = ("id_number_index", "phone_index", "user_id")


def identity_keys(app: Application) -> set[tuple[str, str]]:
    """(column, value) pairs that identify the applicant of this case."""
    keys = set()
    for col in IDENTITY_COLUMNS:
        value = getattr(app, col, None)
        if value:
            keys.add((col, str(value)))  # already normalised on input (validate.py)
    return keys


def other_cases(session: Session, cases: Iterable[Application], visible: Select) -> dict[int, list[Application]]:
    """For each case, the applicant's other cases among `visible` (a query the caller has
    already limited to what this reader may see), oldest first. One query for a whole page."""
    cases = list(cases)
    wanted: dict[str, set[str]] = {col: set() for col in IDENTITY_COLUMNS}
    for app in cases:
        for col, value in identity_keys(app):
            wanted[col].add(value)
    conditions = [getattr(Application, col).in_(values) for col, values in wanted.items() if values]
    if not conditions:
        return {app.id: [] for app in cases}
    by_key: dict[tuple[str, str], list[Application]] = {}
    for other in session.scalars(visible.where(or_(*conditions)).order_by(Application.id)):
        for key in identity_keys(other):
            by_key.setdefault(key, []).append(other)
    out = {}
    for app in cases:
        others = {o.id: o for key in identity_keys(app) for o in by_key.get(key, ()) if o.id != app.id}
        out[app.id] = sorted(others.values(), key=lambda o: o.id)
    return out
