"""The accuracy guard: the development question set, before and after a change.

Publishing runs the real dev set (knowledge_base/eval/real/, or knowledge_base/eval/dev.jsonl
when the real text is not on this machine) through the published index and through
the index of what is about to be published, and compares per topic. A drop anywhere
(a topic, the overall in-domain accuracy, or off-topic rejection) has to be confirmed,
and the questions whose answer changed are listed by name. Pure over predictions.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence


@dataclass(frozen=True)
class TopicRow:
    code: str
    name: str
    total: int
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before

    def rate(self, n: int) -> float:
        return n / self.total if self.total else 0.0


@dataclass(frozen=True)
class ChangedQuestion:
    text: str
    gold: str
    before: str
    after: str

    @property
    def effect(self) -> str:
        """fixed | broken | moved (wrong before and wrong after, differently)."""
        if self.after == self.gold:
            return "fixed"
        if self.before == self.gold:
            return "broken"
        return "moved"


@dataclass(frozen=True)
class GuardReport:
    in_domain: int
    before_correct: int
    after_correct: int
    offtopic: int
    before_rejected: int
    after_rejected: int
    topics: tuple[TopicRow, ...] = ()
    changed: tuple[ChangedQuestion, ...] = field(default_factory=tuple)
    dataset: str = ""  # which questions were run (real dev set, or the written one when real text is absent)

    @property
    def before_top1(self) -> float:
        return self.before_correct / self.in_domain if self.in_domain else 0.0

    @property
    def after_top1(self) -> float:
        return self.after_correct / self.in_domain if self.in_domain else 0.0

    @property
    def dropped_topics(self) -> list[TopicRow]:
        return [t for t in self.topics if t.delta < 0]

    @property
    def dropped(self) -> bool:
        return (self.after_correct < self.before_correct or self.after_rejected < self.before_rejected
                or bool(self.dropped_topics))

    @property
    def broken(self) -> list[ChangedQuestion]:
        return [c for c in self.changed if c.effect == "broken"]

    def as_json(self) -> dict:
        """Kept with the version: the figures that were on screen when it was published."""
        return {"in_domain": self.in_domain, "before": self.before_correct, "after": self.after_correct,
                "offtopic": self.offtopic, "before_rejected": self.before_rejected,
                "after_rejected": self.after_rejected, "dropped": self.dropped, "dataset": self.dataset,
                "dropped_topics": [t.code for t in self.dropped_topics], "broken": len(self.broken)}


def report_to_json(report: GuardReport) -> dict:
    """Everything the page shows, so a report computed by one worker can be shown by another."""
    return {"in_domain": report.in_domain, "before_correct": report.before_correct,
            "after_correct": report.after_correct, "offtopic": report.offtopic,
            "before_rejected": report.before_rejected, "after_rejected": report.after_rejected,
            "topics": [[t.code, t.name, t.total, t.before, t.after] for t in report.topics],
            "changed": [[c.text, c.gold, c.before, c.after] for c in report.changed], "dataset": report.dataset}


def report_from_json(data: Mapping) -> GuardReport:
    return GuardReport(int(data["in_domain"]), int(data["before_correct"]), int(data["after_correct"]),
                       int(data["offtopic"]), int(data["before_rejected"]), int(data["after_rejected"]),
                       tuple(TopicRow(*t) for t in data["topics"]),
                       tuple(ChangedQuestion(*c) for c in data["changed"]), str(data.get("dataset", "")))


def compare(rows: Sequence[Mapping], before: Sequence[str], after: Sequence[str],
            names: Mapping[str, str] | None = None) -> GuardReport:
    """rows: {"text", "code"} (gold topic, `other` = off-topic); before/after: predicted codes."""
    names = names or {}
    per: dict[str, list[int]] = {}
    changed = []
    in_domain = b_ok = a_ok = off = b_rej = a_rej = 0
    for r, b, a in zip(rows, before, after):
        gold = r["code"]
        if gold == "other":
            off += 1
            b_rej += b == "other"
            a_rej += a == "other"
        else:
            in_domain += 1
            b_ok += b == gold
            a_ok += a == gold
            t = per.setdefault(gold, [0, 0, 0])
            t[0] += 1
            t[1] += b == gold
            t[2] += a == gold
        if a != b:
            changed.append(ChangedQuestion(r["text"], gold, b, a))
    topics = tuple(TopicRow(c, names.get(c, c), *v) for c, v in sorted(per.items()))
    order = {"broken": 0, "moved": 1, "fixed": 2}
    return GuardReport(in_domain, b_ok, a_ok, off, b_rej, a_rej, topics,
                       tuple(sorted(changed, key=lambda c: (order[c.effect], c.gold))))
