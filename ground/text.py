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


def convert_numerals(text: str) -> str:
    """三个月 → 3个月, 三千五 → 3500; leaves 一共/一下 alone."""
    return _NUMERAL_RE.sub(_numeral_to_digits, text)
