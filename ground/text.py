"""Folding Chinese text as people type it on phones: full-width → half-width,
traditional → simplified, lower case, Chinese numerals → digits.

Shared ground because every reader of a citizen's words folds them the same way
before any rule sees them: intent detection and fact extraction (intents/) as much as
the matcher's normalisation (knowledge_base/normalize.py).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .fastimport import import_without_pkg_resources

zhconv = import_without_pkg_resources("zhconv")

_CN_DIGITS = "零〇一二两三四五六七八九十百千万"
# A numeral run counts only when it clearly is a number: it holds a unit character
# (十百千万) or it is followed by a counter. This keeps 一共/一下/一起 intact.
_NUMERAL_RE = re.compile(
    rf"[{_CN_DIGITS}]*[十百千万][{_CN_DIGITS}]*|[{_CN_DIGITS}]+(?=个月|个人|口人|块|元|岁|天|年|周|月|小时|次|万)"
)


def _numeral_to_digits(match: re.Match[str]) -> str:
    import cn2an  # imported lazily: most messages have no Chinese numerals

    text = match.group(0).replace("两", "二").replace("〇", "零")
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError):
        return match.group(0)
    return str(int(value)) if float(value).is_integer() else str(value)


@lru_cache(maxsize=8192)
def to_simplified_halfwidth(text: str) -> str:
    """Full-width → half-width (NFKC), traditional → simplified, lower-case.

    Memoised: a pure function of its text that every reader of a message calls again on
    the same words (about twenty times a message: intent detection, each fact extractor,
    the matcher); zhconv's conversion is the costly part."""
    text = unicodedata.normalize("NFKC", text)
    return zhconv.convert(text, "zh-cn").lower()


# Digits with a Chinese unit, as typed on phones: 1万2 (= 一万二), 3千5, 1.2万, 2万5千, 3千块.
_MIXED_RE = re.compile(r"(?<![0-9.])(?P<a>[0-9]+(?:\.[0-9]+)?)(?P<u>万|千)(?:(?P<b>[0-9])(?P<bu>千|百)?(?![0-9])|(?P<c>[0-9]+)(?P<cu>千|百))?(?![0-9])")
_UNIT = {"万": 10000, "千": 1000, "百": 100}


def _mixed_to_digits(match: re.Match[str]) -> str:
    unit = _UNIT[match.group("u")]
    value = float(match.group("a")) * unit
    if match.group("b") is not None:  # 1万2 is 12000 (the next unit down), 1万2千 too
        value += int(match.group("b")) * (_UNIT[match.group("bu")] if match.group("bu") else unit // 10)
    elif match.group("c") is not None:
        value += int(match.group("c")) * _UNIT[match.group("cu")]
    return str(int(value)) if value.is_integer() else str(value)


def convert_numerals(text: str) -> str:
    """三个月 → 3个月, 三千五 → 3500, 一万二 → 12000, 1万2 → 12000, 3千5 → 3500, 1.2万 → 12000;
    leaves 一共/一下 alone. One reading of a number for every reader of the citizen's words."""
    return _MIXED_RE.sub(_mixed_to_digits, _NUMERAL_RE.sub(_numeral_to_digits, text))
