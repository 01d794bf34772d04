"""Match a citizen's message to FAQ entries: retrieve by TF-IDF, re-rank with rapidfuzz.

Pure functions over a loaded MatchIndex. The result says not only what matched but how
sure we are, because the bot must never bluff: it answers, asks the citizen to choose
between close entries, or says honestly that it is not sure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
from rapidfuzz import fuzz

from ground.text import to_simplified_halfwidth

from .index import OFFTOPIC_CODE, MatchIndex, analyze, features, query_vector, topic_posterior

# answer: one entry; clarify: a numbered menu of entries that truly compete; topic: a legal
# question no entry answers, given its topic's general answer; unsure: legal-looking but no
# topic is clear; offtopic: not a legal question.
Status = Literal["answer", "clarify", "topic", "unsure", "offtopic"]


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
    # With the learned topic model (index.topic_model); tuned on the real dev set.
    prior_weight: float = 0.5   # P(topic) added to an entry's score when choosing and ordering candidates
    other_reject: float = 0.5   # P(other) at or above: not a legal question
    other_near_offtopic: float = 0.25  # the bar when the nearest phrasing is an off-topic example
    other_no_cue: float = 0.35  # the bar when the message has no legal cue word
    other_dispute: float = 0.8  # the only bar when the message names a dispute (model/dispute_cues.txt)
    other_service: float = 0.95  # the only bar when it names the legal-aid service (model/service_cues.yaml)
    other_procedure: float = 0.999  # the bar for a short bare procedure question (申请要啥材料, 审批要几天)
    procedure_max_chars: int = 20   # longer than this, a procedure word alone rescues nothing
    service_default_mass: float = 0.01  # pseudo-mass on "applying" for a service question the model read as admin
    agree_answer: float = 0.1   # retrieval score that answers when the topic model picks the same topic
    disagree_min: float = 0.1   # below this P(topic) a strong retrieval hit is not trusted either
    topic_min: float = 0.1      # P(topic) needed to give that topic's general answer
    compete_p: float = 0.25     # a close entry of another topic competes only if that topic is this likely
    exact: float = 0.9          # rapidfuzz ratio with a curated phrasing: the curators' word beats the model


DEFAULT_THRESHOLDS = Thresholds()

DISPUTE_CUES = Path(__file__).resolve().parent / "model" / "dispute_cues.txt"


@lru_cache(maxsize=1)
def dispute_cues() -> tuple[str, ...]:
    """Words naming a dispute or a claim (违法, 被告, 不给…): such a message is legal unless
    the topic model is very sure it is not. A data file, read once."""
    from .lexicon import parse_word_list

    try:
        return parse_word_list(DISPUTE_CUES.read_text(encoding="utf-8"))
    except OSError:
        return ()


def names_dispute(canonical: str) -> bool:
    return any(w in canonical for w in dispute_cues())


SERVICE_CUES = Path(__file__).resolve().parent / "model" / "service_cues.yaml"


@dataclass(frozen=True)
class ServiceCues:
    """model/service_cues.yaml: words of the legal-aid service, of any procedure, the other
    words a bare procedure question is made of, and the codes that answer such questions."""

    legal_aid: tuple[str, ...] = ()
    procedure: tuple[str, ...] = ()
    bare: tuple[str, ...] = ()
    codes: frozenset[str] = frozenset()
    default_code: str = "legal_aid.apply"  # the first of `codes` in the file


@lru_cache(maxsize=1)
def service_cues() -> ServiceCues:
    """Read once; an absent or broken file means no service rule (the ordinary bars apply)."""
    import yaml

    try:
        data = yaml.safe_load(SERVICE_CUES.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return ServiceCues()
    words = lambda key: tuple(dict.fromkeys(str(w) for w in data.get(key) or ()))  # noqa: E731
    codes = words("codes")
    return ServiceCues(words("legal_aid"), words("procedure"), words("bare"), frozenset(codes),
                       codes[0] if codes else "legal_aid.apply")


def service_topic_odds(legal_topics: dict[str, float], default_mass: float) -> dict[str, float]:
    """P(code | a legal-aid service question) over model/service_cues.yaml `codes`: the topic
    model's mass on those codes plus `default_mass` on the first code (applying), normalised.

    WHY: the model read the message as admin, so the mass it left on the service codes is tiny
    and its order mostly noise (0.007 vs 0.004); a bare procedure question is most often about
    applying, and another code wins only when the model gives it clearly more than that."""
    cues = service_cues()
    if not cues.codes:
        return {}
    mass = {c: p for c, p in legal_topics.items() if c in cues.codes}
    mass[cues.default_code] = mass.get(cues.default_code, 0.0) + default_mass
    total = sum(mass.values())
    return {c: p / total for c, p in mass.items()} if total > 0 else {}


ServiceKind = Literal["legal_aid", "procedure"] | None


def names_service(canonical: str, tokens: list[str], th: Thresholds = DEFAULT_THRESHOLDS) -> ServiceKind:
    """`legal_aid` when the message names the legal-aid service (法律援助, 12348, 指派律师…);
    `procedure` when it is a bare procedure question: a procedure word (材料, 审批, 预约…) and
    nothing else but papers, time, place, cost and function words ("申请要啥材料", "审批要几天");
    None otherwise. `tokens`: the segmenter's words of `canonical` (stopwords removed).

    WHY: 材料, 审批 and 预约 are also the words of ID-card, passport and permit questions,
    which are off-topic (eval/LABELS.md §3). Those name what they are about (护照, 银行卡,
    转学, 办身份证); a citizen who names nothing, in a legal-aid bot, asks about legal aid. The
    bare words are a closed class, so no list of every other office's business is needed."""
    cues = service_cues()
    if any(w in canonical for w in cues.legal_aid):
        return "legal_aid"
    if len(canonical) > th.procedure_max_chars or not any(w in canonical for w in cues.procedure):
        return None
    allowed = set(cues.procedure) | set(cues.bare)
    if all(t.isdigit() or t in allowed for t in tokens):  # whole words: 出生证明 is not 证明
        return "procedure"
    return None


@dataclass(frozen=True)
class Hit:
    faq_id: str
    code: str
    question: str
    score: float
    cosine: float
    fuzz: float
    matched: str  # the phrasing (canonical form) that matched best
    prior: float = 0.0  # P(this entry's topic | message) from the topic model (0 without one)


@dataclass(frozen=True)
class MatchResult:
    status: Status
    hits: list[Hit]
    normalized: str
    canonical: str
    tokens: list[str] = field(default_factory=list)
    topic: str | None = None   # the topic model's best legal topic (None without a model)
    topic_p: float = 0.0       # its probability

    @property
    def top(self) -> Hit | None:
        return self.hits[0] if self.hits else None

    @property
    def code(self) -> str:
        """The topic reported to the outside: `other` when nothing matched well enough."""
        if self.status == "topic":
            return self.topic or "other"
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


def _cosine_scores(text: str, index: MatchIndex,
                   analysed: tuple[str, str, list[str]] | None = None) -> tuple[_Scores, str, str, list[str]]:
    norm, canonical, tokens = analysed or analyze(text, index.segmenter)
    qv = query_vector(features(tokens, canonical), index)
    scores = _Scores(_accumulate(qv, index.postings, len(index.doc_texts)),
                     _accumulate(qv, index.entry_postings, len(index.entries)),
                     _accumulate(qv, index.code_postings, len(index.codes)))
    return scores, norm, canonical, tokens


def _rank(scores: _Scores, canonical: str, index: MatchIndex, th: Thresholds,
          prior: np.ndarray | None = None) -> list[Hit]:
    """prior: P(topic) per index code; it helps choose the candidates (entries of likely
    topics first) but is not part of a hit's score, so the thresholds keep their meaning."""
    if not len(index.entries) or not canonical:
        return []
    doc_scores = scores.docs
    best_phrasing = np.maximum.reduceat(doc_scores, index.entry_starts)
    entry_scores = best_phrasing + th.entry_weight * scores.entries + th.topic_weight * scores.topics[index.entry_code]
    choose = entry_scores if prior is None else entry_scores + th.prior_weight * prior[index.entry_code]
    k = min(th.candidates, len(entry_scores))
    cand = np.argpartition(-choose, k - 1)[:k]
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
                        round(fz, 4), index.doc_texts[best_doc],
                        0.0 if prior is None else round(float(prior[index.entry_code[e]]), 4)))
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
               h.cosine, h.fuzz, h.matched, h.prior) for h in hits]
    out.sort(key=lambda h: h.score, reverse=True)
    return out


def rank(text: str, index: MatchIndex, th: Thresholds = DEFAULT_THRESHOLDS,
         analysed: tuple[str, str, list[str]] | None = None,
         prior: np.ndarray | None = None) -> tuple[list[Hit], str, str, list[str]]:
    """All candidate hits, best first, combining the whole message and its last clause."""
    doc_scores, norm, canonical, tokens = _cosine_scores(text, index, analysed)
    hits = _rank(doc_scores, canonical, index, th, prior)
    tail = _last_clause(text)
    if tail:
        t_scores, _, t_canonical, _ = _cosine_scores(tail, index)
        merged: dict[str, Hit] = {h.faq_id: h for h in hits}
        for h in _rank(t_scores, t_canonical, index, th, prior):
            # a little less trust in the tail alone: it lost the story's context
            h = Hit(h.faq_id, h.code, h.question, round(h.score * 0.95, 4), h.cosine, h.fuzz, h.matched, h.prior)
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
    if index.topic_model is not None:
        return match_with_topics(text, index, th)
    hits, norm, canonical, tokens = rank(text, index, th)
    status, shown = decide_status(hits, th, index.segmenter.lexicon.has_cue(canonical))
    if status in ("answer", "clarify") and th.bayes_weight and index.code_loglik:
        post = topic_posterior(features(tokens, canonical), index)
        posterior = {c: float(p) for c, p in zip(index.codes, post)}
        shown = reorder_by_topic(shown if status == "clarify" else [h for h in hits if h.code != OFFTOPIC_CODE][:6],
                                 posterior, th.bayes_weight)[:3]
    return MatchResult(status=status, hits=shown, normalized=norm, canonical=canonical, tokens=tokens)


def match_with_topics(text: str, index: MatchIndex, th: Thresholds = DEFAULT_THRESHOLDS) -> MatchResult:
    """Decide with the topic model beside retrieval.

    1. Not legal only when the model says so (P(other) high), with a lower bar when the
       nearest phrasing is an off-topic example or the message has no legal cue word, and a
       higher one when the message names a dispute (被告, 违法, 不给…): a court or rights
       question that shares words with admin chit-chat (身份证, 发票) is still legal.
    2. Otherwise rank entries within the likely topics. When the model and retrieval agree
       on the topic, a moderate retrieval score is enough to answer; a menu is offered only
       when an entry of another, also likely, topic scores as well.
    3. A legal question no entry answers well gets its topic's general answer (`topic`);
       `unsure` is left for a legal-looking message whose topic is unclear.
    """
    model = index.topic_model
    assert model is not None
    analysed = analyze(text, index.segmenter)
    norm, canonical, tokens = analysed
    if not canonical.strip():
        return MatchResult(status="unsure", hits=[], normalized=norm, canonical=canonical, tokens=tokens)
    posterior = model.posterior(tokens, canonical)
    prior = np.asarray([posterior.get(c, 0.0) for c in index.codes], dtype=np.float32)
    hits, norm, canonical, tokens = rank(text, index, th, analysed, prior)
    legal_topics = {c: p for c, p in posterior.items() if c != OFFTOPIC_CODE}
    topic = max(legal_topics, key=legal_topics.get) if legal_topics else None
    topic_p = legal_topics.get(topic, 0.0) if topic else 0.0
    p_other = posterior.get(OFFTOPIC_CODE, 0.0)
    near_offtopic = bool(hits) and hits[0].code == OFFTOPIC_CODE and hits[0].score >= th.floor
    has_cue = index.segmenter.lexicon.has_cue(canonical)
    legal_hits = sorted((h for h in hits if h.code != OFFTOPIC_CODE),
                        key=lambda h: h.score + th.prior_weight * h.prior, reverse=True)

    def result(status: Status, shown: list[Hit]) -> MatchResult:
        return MatchResult(status=status, hits=shown, normalized=norm, canonical=canonical, tokens=tokens,
                           topic=topic, topic_p=round(topic_p, 4))

    ordinary = (p_other >= th.other_reject or (near_offtopic and p_other >= th.other_near_offtopic)
                or (not has_cue and p_other >= th.other_no_cue))
    service = None if names_dispute(canonical) else names_service(canonical, tokens, th)
    if names_dispute(canonical):
        not_legal = p_other >= max(th.other_reject, th.other_dispute)
    elif service is not None:
        not_legal = p_other >= (th.other_service if service == "legal_aid" else th.other_procedure)
    else:
        not_legal = ordinary
    if not_legal:
        return result("offtopic", legal_hits[:3])
    if service is not None and ordinary:
        # Kept in by a service word although the model read an admin question: its legal
        # ranking is noise, the answer is the procedure's (model/service_cues.yaml codes).
        codes = service_cues().codes
        odds = service_topic_odds(legal_topics, th.service_default_mass)
        if odds:
            topic = max(odds, key=odds.get)
            topic_p = odds[topic]
        legal_hits = [h for h in legal_hits if h.code in codes] or legal_hits
    exact = [h for h in legal_hits if h.fuzz >= th.exact]
    if exact:
        best = max(exact, key=lambda h: h.fuzz)
        return result("answer", [best, *[h for h in legal_hits if h is not best]][:3])
    top = legal_hits[0] if legal_hits else None
    if top is not None:
        agree = top.code == topic
        bar = th.agree_answer if agree else th.answer
        if top.score >= bar and (agree or top.prior >= th.disagree_min):
            rivals = [h for h in legal_hits[1:3] if h.code != top.code and top.score - h.score <= th.margin
                      and h.prior >= th.compete_p]
            return result("clarify", [top, *rivals]) if rivals else result("answer", legal_hits[:3])
    if topic is not None and topic_p >= th.topic_min:
        return result("topic", legal_hits[:3])
    if top is not None and top.score >= th.floor:
        return result("clarify", legal_hits[:3])
    return result("unsure", legal_hits[:3])
