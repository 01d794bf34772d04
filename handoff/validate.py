"""Pure validators for the application fields: a value, or the key of a Chinese re-ask.

Each returns (value, None) or (None, error_key); the error texts live in
handoff/texts.yaml under `errors`, so the chat and the H5 form say the same thing.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

# GB 11643-1999, ISO 7064 MOD 11-2 (facts §8.1).
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
_SPACES = re.compile(r"[\s\-－—_·.。，,]+")

Result = tuple[object | None, str | None]


def _half(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS))
    return ID_CHECK_CHARS[total % 11]


def normalize_id(text: str) -> str:
    """Full-width digits and Ｘ/x, spaces and dashes removed."""
    return _SPACES.sub("", _half(text)).upper()


def validate_id_number(text: str, today: date | None = None) -> Result:
    n = normalize_id(text)
    if re.fullmatch(r"\d{15}", n):
        return None, "id_15"
    if not re.fullmatch(r"\d{17}[\dX]", n):
        return None, "id_format"
    try:
        born = date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    except ValueError:
        return None, "id_date"
    if born > (today or date.today()) or born.year < 1890:
        return None, "id_date"
    if id_check_char(n[:17]) != n[17]:
        return None, "id_check"
    return n, None


def validate_phone(text: str) -> Result:
    n = _SPACES.sub("", _half(text)).removeprefix("+")
    if len(n) == 13 and n.startswith("86"):
        n = n[2:]
    if not PHONE_RE.fullmatch(n):
        return None, "phone"
    return n, None


def validate_name(text: str) -> Result:
    n = _half(text).strip()
    if not (2 <= len(n) <= 30) or re.search(r"\d", n):
        return None, "name"
    return n, None


def validate_text(text: str, minimum: int, maximum: int, key: str) -> Result:
    n = (text or "").strip()  # kept exactly as typed (no width folding of the citizen's words)
    if len(n) < minimum or len(n) > maximum:
        return None, key
    return n, None


_NO_MONEY = re.compile(r"^(没有|无|不涉及|不要钱|0|零|跳过|不清楚|不知道)(元|块)?$")


def validate_amount(text: str) -> Result:
    """Yuan claimed; 没有/0/不涉及 → 0 (not every matter is about money)."""
    raw = _half(text).strip().replace(",", "").replace("，", "")
    if _NO_MONEY.match(raw):
        return 0, None
    from intents.parsing import Parsed, parse_money

    parsed = parse_money(raw)
    if isinstance(parsed, Parsed) and isinstance(parsed.value, (int, float)) and parsed.value >= 0:
        return int(parsed.value), None
    return None, "amount"


FIELDS: tuple[str, ...] = ("name", "id_number", "phone", "address", "other_party", "account", "amount_claimed")


def validate_field(field: str, text: str) -> Result:
    """The one entry point the chat and the H5 form both use."""
    if field == "name":
        return validate_name(text)
    if field == "id_number":
        return validate_id_number(text)
    if field == "phone":
        return validate_phone(text)
    if field == "address":
        return validate_text(text, 4, 200, "address")
    if field == "other_party":
        return validate_text(text, 2, 200, "other_party")
    if field == "account":
        return validate_text(text, 5, 1000, "account")
    if field == "amount_claimed":
        return validate_amount(text)
    raise KeyError(field)
