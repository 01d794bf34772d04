"""Masking of personal numbers in free text before it is stored or logged.

Citizens paste ID and phone numbers into questions; the unanswered log and any log
line must never keep them in clear text.
"""
from __future__ import annotations

import re

_ID_RE = re.compile(r"(?<![0-9])([1-9][0-9]{5})([0-9]{8})([0-9]{3})([0-9xX])(?![0-9])")
_ID15_RE = re.compile(r"(?<![0-9])([1-9][0-9]{5})([0-9]{6})([0-9]{3})(?![0-9])")
_PHONE_RE = re.compile(r"(?<![0-9])(1[3-9][0-9])([0-9]{4})([0-9]{4})(?![0-9])")


def mask_id(number: str) -> str:
    """3505**********123X style: region prefix and last four, as the fact sheet suggests."""
    n = number.strip()
    if len(n) <= 8:
        return "*" * len(n)
    return n[:4] + "*" * (len(n) - 8) + n[-4:]


def mask_phone(number: str) -> str:
    n = number.strip()
    return n[:3] + "****" + n[-4:] if len(n) == 11 else "*" * len(n)


def mask_personal_data(text: str) -> str:
    text = _ID_RE.sub(lambda m: mask_id(m.group(0)), text)
    text = _ID15_RE.sub(lambda m: mask_id(m.group(0)), text)
    return _PHONE_RE.sub(lambda m: mask_phone(m.group(0)), text)
