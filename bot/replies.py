"""Shaping reply text for a WeChat bubble: numbered choices, the length limit, links."""
from __future__ import annotations

import re

MAX_REPLY_CHARS = 600
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def numbered(options: list[str]) -> str:
    return "\n".join(f"{i}. {opt}" for i, opt in enumerate(options, 1))


def cut_at_sentence(text: str, limit: int) -> str:
    """The longest prefix ≤ limit that ends at a sentence boundary (or a hard cut if none)."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    if ends and ends[-1] >= limit // 3:
        return head[: ends[-1]].rstrip()
    return head.rstrip() + "…"


def anchor(url: str, label: str) -> str:
    """A link as WeChat text replies show it: a few words to tap, not a 100-character URL.

    WeChat renders `<a href="…">…</a>` inside a passive text reply; the simulator does too.
    """
    return f'<a href="{url}">{label}</a>'


_ANCHOR = re.compile(r"<a\s[^>]*>(.*?)</a>", re.S)


def as_read(text: str) -> str:
    """The bubble as the citizen reads it: a link is its few words, not its URL.

    Length aims (about 200 characters a bubble) are about what is read; an anchor's URL
    counted as text pushed the decision's standard line out of the bubble."""
    return _ANCHOR.sub(r"\1", text)


def fit(text: str, link: str | None = None, limit: int = MAX_REPLY_CHARS) -> str:
    """Keep a passive reply within WeChat's limit; a long one ends with a link to the full page."""
    if len(text) <= limit:
        return text
    tail = f"\n\n……内容较长，{anchor(link, '点这里看完整内容')}" if link else "\n\n……内容较长，如需详细了解请拨打 12348。"
    return cut_at_sentence(text, limit - len(tail)) + tail
