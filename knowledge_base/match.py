"""Match a citizen's message to FAQ entries: retrieve by TF-IDF, re-rank with rapidfuzz.

Pure functions over a loaded MatchIndex. The result says not only what matched but how
sure we are, because the bot must never bluff: it answers, asks the citizen to choose
between close entries, or says honestly that it is not sure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from rapidfuzz import fuzz

from .index import OFFTOPIC_CODE, MatchIndex, analyze, features, query_vector, topic_posterior
from .normalize import to_simplified_halfwidth

Status = Literal["answer", "clarify", "unsure", "offtopic"]


@dataclass(frozen=True)
class Thresholds:
    """Calibrated on the development question set (see knowledge_base/evaluate.py)."""

    answer: float = 0.19      # top score at or above: confident enough to answer
    floor: float = 0.12        # below: not sure at all (unanswered log)
    margin: float = 0.026      # entries within this of the top (and of other topics) → ask which
    no_cue_answer: float = 0.2  # without any legal cue word, only a near-exact match is trusted
    cosine_weight: float = 0.4
    candidates: int = 12
    scorer: str = "ratio"      # rapidfuzz scorer used for re-ranking
    code_bonus: float = 0.3    # support from other entries of the same topic
    entry_weight: float = 1.5  # cosine with the whole entry (all its phrasings)
    topic_weight: float = 2.0  # cosine with the whole topic (all its entries)
    bayes_weight: float = 0.05  # naive-Bayes topic posterior, used to order (not to accept) candidates


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Hit:
    faq_id: str
    code: str
    question: str
    score: float
    cosine: float
    fuzz: float
    matched: str  # the phrasing (canonical form) that matched best


@dataclass(frozen=True)
class MatchResult:
    status: Status
    hits: list[Hit]
    normalized: str
    canonical: str
    tokens: list[str] = field(default_factory=list)

    @property
    def top(self) -> Hit | None:
        return self.hits[0] if self.hits else None

    @property
    def code(self) -> str:
        """The topic reported to the outside: `other` when nothing matched well enough."""
        return self.hits[0].code if self.hits and self.status in ("answer", "clarify") else "other"

    @property
    def choices(self) -> list[Hit]:
        """What to offer as numbered options when clarifying."""
        return self.hits[:3] if self.status == "clarify" else []


_SENTENCE_SPLIT = re.compile(r"[。！？!?；;\n]+|[，,](?=[^，,]{0,12}$)")


def _last_clause(text: str) -> str | None:
    """Long stories usually put the question at the end: score that part on its own too."""
    text = to_simplified_halfwidth(text)
    if len(text) < 30:
        return None
    parts = [p for p in _SENTENCE_SPLIT.split(text) if p.strip()]
    if len(parts) < 2:
        return None
    tail = parts[-1]
    if len(tail) < 6 and len(parts) >= 2:
        tail = parts[-2] + tail
    return tail


@dataclass
class _Scores:
    docs: np.ndarray
    entries: np.ndarray
    topics: np.ndarray


def _accumulate(qv: dict[str, float], postings, size: int) -> np.ndarray:
    out = np.zeros(size, dtype=np.float32)
    for f, w in qv.items():
        hit = postings.get(f)
        if hit is not None:
            out[hit[0]] += hit[1] * w
    return out


def _cosine_scores(text: str, index: MatchIndex) -> tuple[_Scores, str, str, list[str]]:
    norm, canonical, tokens = analyze(text, index.segmenter)
    qv = query_vector(features(tokens, canonical), index)
    scores = _Scores(_accumulate(qv, index.postings, len(index.doc_texts)),
                     _accumulate(qv, index.entry_postings, len(index.entries)),
                     _accumulate(qv, index.code_postings, len(index.codes)))
    return scores, norm, canonical, tokens


def _rank(scores: _Scores, canonical: str, index: MatchIndex, th: Thresholds) -> list[Hit]:
    if not len(index.entries) or not canonical:
        return []
    doc_scores = scores.docs
    best_phrasing = np.maximum.reduceat(doc_scores, index.entry_starts)
    entry_scores = best_phrasing + th.entry_weight * scores.entries + th.topic_weight * scores.topics[index.entry_code]
    k = min(th.candidates, len(entry_scores))
    cand = np.argpartition(-entry_scores, k - 1)[:k]
    cand = cand[entry_scores[cand] > 0]
    hits: list[Hit] = []
    n_docs = len(index.doc_texts)
    for e in cand:
        start = int(index.entry_starts[e])
        end = int(index.entry_starts[e + 1]) if e + 1 < len(index.entry_starts) else n_docs
        best_doc = start + int(np.argmax(doc_scores[start:end]))
        scorer = getattr(fuzz, th.scorer)
        fz = max(scorer(canonical, index.doc_texts[d]) for d in range(start, end)) / 100.0
        cos = float(best_phrasing[e])
        blended = float(entry_scores[e])
        # scaled to 0..1: the most a perfect match on every part could score
        top_possible = th.cosine_weight * (1 + th.entry_weight + th.topic_weight) + (1 - th.cosine_weight)
        score = (th.cosine_weight * blended + (1 - th.cosine_weight) * fz) / top_possible
        entry = index.entries[e]
        hits.append(Hit(entry.faq_id, entry.code, entry.question, round(score, 4), round(cos, 4),
                        round(fz, 4), index.doc_texts[best_doc]))
    hits.sort(key=lambda h: h.score, reverse=True)
    if th.code_bonus and hits:
        hits = _topic_support(hits, th.code_bonus)
    return hits


def _topic_support(hits: list[Hit], bonus: float) -> list[Hit]:
    """A question that several entries of one topic answer is more surely of that topic."""
    second_of_code: dict[str, float] = {}
    seen: set[str] = set()
    for h in hits:
        if h.code in seen and h.code not in second_of_code:
            second_of_code[h.code] = h.score
        seen.add(h.code)
    out = [Hit(h.faq_id, h.code, h.question,
               round((h.score + bonus * second_of_code.get(h.code, 0.0)) / (1 + bonus), 4),
               h.cosine, h.fuzz, h.matched) for h in hits]
    out.sort(key=lambda h: h.score, reverse=True)
    return out


def rank(text: str, index: MatchIndex, th: Thresholds = DEFAULT_THRESHOLDS) -> tuple[list[Hit], str, str, list[str]]:
    """All candidate hits, best first, combining the whole message and its last clause."""
    doc_scores, norm, canonical, tokens = _cosine_scores(text, index)
    hits = _rank(doc_scores, canonical, index, th)
    tail = _last_clause(text)
    if tail:
        t_scores, _, t_canonical, _ = _cosine_scores(tail, index)
        merged: dict[str, Hit] = {h.faq_id: h for h in hits}
        for h in _rank(t_scores, t_canonical, index, th):
            # a little less trust in the tail alone: it lost the story's context
            h = Hit(h.faq_id, h.code, h.question, round(h.score * 0.95, 4), h.cosine, h.fuzz, h.matched)
            if h.faq_id not in merged or merged[h.faq_id].score < h.score:
                merged[h.faq_id] = h
        hits = sorted(merged.values(), key=lambda h: h.score, reverse=True)
    return hits, norm, canonical, tokens


def decide_status(hits: list[Hit], th: Thresholds, has_cue: bool = True) -> tuple[Status, list[Hit]]:
    """Answer, clarify between close entries, or admit not knowing.

    Off-topic examples take part in the ranking but are never shown: when one of them
    is the closest, the message is not a legal question.
    """
    if hits and hits[0].code == OFFTOPIC_CODE and hits[0].score >= th.floor:
        return "offtopic", [h for h in hits if h.code != OFFTOPIC_CODE][:3]
    hits = [h for h in hits if h.code != OFFTOPIC_CODE]
    if not hits or hits[0].score < th.floor:
        return "unsure", hits[:3]
    if not has_cue and hits[0].score < th.no_cue_answer:
        return "unsure", hits[:3]
    top = hits[0]
    close = [h for h in hits[1:3] if top.score - h.score <= th.margin]
    if top.score >= th.answer and not close:
        return "answer", hits[:3]
    if top.score >= th.answer and all(h.code == top.code for h in close):
        # near-duplicates within one topic: the best one answers well enough
        return "answer", hits[:3]
    return "clarify", [top, *close] if close else hits[:3]


def reorder_by_topic(hits: list[Hit], posterior: dict[str, float], weight: float) -> list[Hit]:
    """Put the candidate whose topic the whole message supports best first; scores unchanged."""
    if not weight or len(hits) < 2:
        return hits
    best = max(hits, key=lambda h: h.score + weight * posterior.get(h.code, 0.0))
    if best is hits[0] or best.score < hits[0].score - 0.1:
        return hits
    return [best, *[h for h in hits if h is not best]]


def match(text: str, index: MatchIndex, th: Thresholds = DEFAULT_THRESHOLDS) -> MatchResult:
    hits, norm, canonical, tokens = rank(text, index, th)
    status, shown = decide_status(hits, th, index.segmenter.lexicon.has_cue(canonical))
    if status in ("answer", "clarify") and th.bayes_weight and index.code_loglik:
        post = topic_posterior(features(tokens, canonical), index)
        posterior = {c: float(p) for c, p in zip(index.codes, post)}
        shown = reorder_by_topic(shown if status == "clarify" else [h for h in hits if h.code != OFFTOPIC_CODE][:6],
                                 posterior, th.bayes_weight)[:3]
    return MatchResult(status=status, hits=shown, normalized=norm, canonical=canonical, tokens=tokens)
