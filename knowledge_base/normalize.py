"""Text normalisation applied identically to citizen messages and to FAQ phrasings.

Citizens type on phones or speak into them: full-width characters, traditional
characters, emoji, fillers (请问/那个/嗯), Chinese numerals. Normalising both sides
the same way is what lets a plain string comparison mean something.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .fastimport import import_without_pkg_resources

zhconv = import_without_pkg_resources("zhconv")

# Fillers that carry no meaning for matching. Longest first so 麻烦问一下 wins over 问一下.
FILLERS: tuple[str, ...] = tuple(sorted({
    "请问一下", "请问", "麻烦问一下", "我想问一下", "想问一下", "问一下", "我想问", "想问问", "问问",
    "你好", "您好", "哈喽", "在吗", "在不在", "那个", "这个嘛", "就是说", "就是", "然后呢", "然后",
    "嗯嗯", "嗯", "呃", "额", "啊", "呀", "吧", "呢", "哦", "噢", "喔", "嘛", "啦", "咯", "哈",
    "谢谢", "谢谢你", "麻烦了", "麻烦你", "帮帮忙", "帮个忙", "求助", "急急急",
}, key=len, reverse=True))

_FILLER_RE = re.compile("|".join(re.escape(f) for f in FILLERS))
# Anything that is not a CJK character, a latin letter or a digit is noise for matching.
_NOISE_RE = re.compile(r"[^\u4e00-\u9fff0-9a-z]+")
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


def to_simplified_halfwidth(text: str) -> str:
    """Full-width → half-width (NFKC), traditional → simplified, lower-case."""
    text = unicodedata.normalize("NFKC", text)
    return zhconv.convert(text, "zh-cn").lower()


def convert_numerals(text: str) -> str:
    """三个月 → 3个月, 三千五 → 3500; leaves 一共/一下 alone."""
    return _NUMERAL_RE.sub(_numeral_to_digits, text)


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """The canonical form used for matching: simplified, half-width, no noise, no fillers."""
    text = to_simplified_halfwidth(text or "")
    text = convert_numerals(text)
    text = _NOISE_RE.sub(" ", text)
    stripped = _FILLER_RE.sub(" ", text)
    # A message that is only fillers ("你好啊") keeps its words so small talk can be seen.
    if stripped.strip():
        text = stripped
    return re.sub(r"\s+", "", text)


def display_clean(text: str) -> str:
    """Trim what a user typed for showing back or logging (not for matching)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip()
