"""Grouping the questions the bot could not answer, so staff see "12 people asked this".

Pure: questions in, groups out. Two questions fall in one group when their canonical
words (after the matcher's own typo and synonym repair) overlap strongly, so 工钱/工资
and 咋整/怎么办 variants of one question land together.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Sequence

from rapidfuzz import fuzz, process

# Words every question has: they must not make two different questions look alike.
GENERIC = frozenset({"怎么办", "什么", "我", "可以", "能", "吗", "要", "怎么", "哪里", "多少", "谁"})
SIMILAR = 80  # token_set_ratio at or above: the same question


@dataclass(frozen=True)
class Question:
    id: int
    text: str
    reason: str
    created_at: datetime
    best_faq_id: str | None = None


@dataclass
class Group:
    key: str                               # the words that define the group
    questions: list[Question] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.questions)

    @property
    def ids(self) -> list[int]:
        return [q.id for q in self.questions]

    @property
    def first_seen(self) -> datetime:
        return min(q.created_at for q in self.questions)

    @property
    def last_seen(self) -> datetime:
        return max(q.created_at for q in self.questions)

    @property
    def texts(self) -> list[str]:
        """Distinct wordings, most frequent first."""
        return [t for t, _ in Counter(q.text for q in self.questions).most_common()]

    @property
    def representative(self) -> str:
        return self.texts[0]

    @property
    def reasons(self) -> Counter[str]:
        return Counter(q.reason for q in self.questions)

    @property
    def best_faq_id(self) -> str | None:
        found = Counter(q.best_faq_id for q in self.questions if q.best_faq_id)
        return found.most_common(1)[0][0] if found else None


def _key(tokens: Sequence[str], fallback: str) -> str:
    words = [t for t in dict.fromkeys(tokens) if t not in GENERIC]
    return " ".join(sorted(words)) or fallback


def group_questions(questions: Sequence[Question], tokens_of: Callable[[str], Sequence[str]],
                    threshold: int = SIMILAR) -> list[Group]:
    """Groups, largest first (then most recent). `tokens_of` is the matcher's tokeniser."""
    groups: list[Group] = []
    keys: list[str] = []
    exact: dict[str, int] = {}
    for q in sorted(questions, key=lambda q: q.created_at):
        key = _key(tokens_of(q.text), q.text)
        at = exact.get(key)
        if at is None and keys:
            hit = process.extractOne(key, keys, scorer=fuzz.token_set_ratio, score_cutoff=threshold)
            if hit is not None:
                at = hit[2]
        if at is None:
            groups.append(Group(key))
            keys.append(key)
            at = len(groups) - 1
        exact.setdefault(key, at)
        groups[at].questions.append(q)
    groups.sort(key=lambda g: (-g.count, -g.last_seen.timestamp()))
    return groups
