"""Masking of personal numbers in free text before it is stored or logged.

Citizens paste ID and phone numbers into questions; the unanswered log and any log
line must never keep them in clear text.
"""
from __future__ import annotations

import re

# Separators people type inside numbers: spaces and dashes (138 1234 5678, 350581-1990…).
_SEP = r"[ \-]?"
_ID_RE = re.compile(rf"(?<![0-9])[1-9][0-9]{{5}}{_SEP}[0-9]{{4}}{_SEP}[0-9]{{4}}{_SEP}[0-9]{{3}}[0-9xX](?![0-9])")
_ID15_RE = re.compile(rf"(?<![0-9])[1-9][0-9]{{5}}{_SEP}[0-9]{{6}}{_SEP}[0-9]{{3}}(?![0-9])")
_PHONE_RE = re.compile(rf"(?<![0-9])1[3-9][0-9]{_SEP}[0-9]{{4}}{_SEP}[0-9]{{4}}(?![0-9])")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９ＸＸｘ", "0123456789XXx")


def mask_id(number: str) -> str:
    """3505**********123X style: region prefix and last four, as the fact sheet suggests."""
    n = number.strip()
    if len(n) <= 8:
        return "*" * len(n)
    return n[:4] + "*" * (len(n) - 8) + n[-4:]


def mask_phone(number: str) -> str:
    n = number.strip()
    return n[:3] + "****" + n[-4:] if len(n) == 11 else "*" * len(n)


def _digits(match: re.Match[str]) -> str:
    return re.sub(r"[ \-]", "", match.group(0))


def mask_personal_data(text: str) -> str:
    """ID and mobile numbers in free text, however typed (full-width, spaced), masked."""
    text = text.translate(_FULLWIDTH_DIGITS)
    text = _ID_RE.sub(lambda m: mask_id(_digits(m)), text)
    text = _ID15_RE.sub(lambda m: mask_id(_digits(m)), text)
    return _PHONE_RE.sub(lambda m: mask_phone(_digits(m)), text)


def contains_personal_numbers(text: str) -> bool:
    return mask_personal_data(text) != text.translate(_FULLWIDTH_DIGITS)
