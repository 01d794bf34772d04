"""Text normalisation applied identically to citizen messages and to FAQ phrasings.

Citizens type on phones or speak into them: full-width characters, traditional
characters, emoji, fillers (请问/那个/嗯), Chinese numerals. Normalising both sides
the same way is what lets a plain string comparison mean something.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ground.text import convert_numerals, to_simplified_halfwidth

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
