"""Why the matcher answered what it did: for the console's tester.

Pure, and a reader of the matcher only: it calls `match` (what the bot does) and
`rank` (every candidate, off-topic examples included) and lays out each step: the
normalised text, the typo and synonym rewrites, the tokens, and for each candidate the
phrasing that matched and the words it shares with the question. Scores and
thresholds are the matcher's own; nothing here changes them.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Mapping, Sequence

from .index import OFFTOPIC_CODE, OFFTOPIC_PREFIX, MatchIndex, analyze
from .match import DEFAULT_THRESHOLDS, Thresholds, match, rank
from .normalize import normalize

STATUS_NAMES = {"answer": "直接回答", "clarify": "请用户选择", "topic": "没有对应条目，给该类总回答（记入待解答）",
                "unsure": "答不上（记入待解答）", "offtopic": "判为无关（不回答法律内容）"}


@dataclass(frozen=True)
class Rewrite:
    before: str
    after: str
    kind: str  # 错别字 / 同义词 / 重复字


@dataclass(frozen=True)
class Candidate:
    rank: int
    faq_id: str
    code: str
    question: str
    score: float
    cosine: float
    fuzz: float
    matched: str          # canonical form of the best phrasing
    phrasing: str         # that phrasing as the content has it
    shared: tuple[str, ...]  # tokens it shares with the question
    shown: bool           # offered to the citizen (answered or a numbered choice)
    offtopic: bool


@dataclass(frozen=True)
class Explanation:
    text: str
    normalized: str
    canonical: str
    rewrites: tuple[Rewrite, ...]
    tokens: tuple[str, ...]
    cues: tuple[str, ...]
    status: str
    code: str
    candidates: tuple[Candidate, ...]
    thresholds: Thresholds
    topics: tuple[tuple[str, float], ...] = ()  # the topic model's three likeliest topics (code, P)

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)

    @property
    def top(self) -> Candidate | None:
        shown = [c for c in self.candidates if c.shown]
        return shown[0] if shown else None


def _rewrites(before: str, after: str, kind: str) -> list[Rewrite]:
    sm = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    return [Rewrite(before[i1:i2], after[j1:j2], kind) for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal"]


def synonym_rewrites(text: str, synonyms: Mapping[str, str]) -> list[Rewrite]:
    """The whole words the synonym step replaced (the same longest-match-first, left-to-right
    scan as Segmenter.apply_synonyms; a character diff would show 工钱 → 工资 as 钱 → 资)."""
    longest = max((len(t) for t in synonyms), default=0)
    out, i = [], 0
    while i < len(text):
        for length in range(min(longest, len(text) - i), 0, -1):
            canonical = synonyms.get(text[i:i + length])
            if canonical is not None:
                if canonical != text[i:i + length]:
                    out.append(Rewrite(text[i:i + length], canonical, "同义词"))
                i += length
                break
        else:
            i += 1
    return out


def _phrasing(index: MatchIndex, canonical: str, candidates: Sequence[str]) -> str:
    """The content's own wording of the phrasing whose canonical form matched."""
    for p in candidates:
        if analyze(p, index.segmenter)[1] == canonical:
            return p
    return candidates[0] if candidates else canonical


def explain(text: str, index: MatchIndex, phrasings: Mapping[str, Sequence[str]] | None = None,
            offtopic: Sequence[str] = (), th: Thresholds = DEFAULT_THRESHOLDS, limit: int = 8) -> Explanation:
    """`phrasings`: faq_id → [question, *alternatives] (to show the matched wording);
    `offtopic`: the off-topic examples in index order (to show which one matched)."""
    seg = index.segmenter
    norm = normalize(text)
    collapsed = seg.collapse_stutter(norm)
    repaired = seg.repair_homophones(collapsed)
    canonical = seg.apply_synonyms(repaired)
    rewrites = (_rewrites(norm, collapsed, "重复字") + _rewrites(collapsed, repaired, "错别字/拼音")
                + synonym_rewrites(repaired, seg.lexicon.synonyms))
    result = match(text, index, th)
    shown = {h.faq_id for h in result.hits} if result.status in ("answer", "clarify") else set()
    hits, _, _, tokens = rank(text, index, th)
    token_set = set(tokens)
    cands = []
    for i, h in enumerate(hits[:limit], 1):
        is_off = h.code == OFFTOPIC_CODE
        if is_off:
            n = int(h.faq_id.removeprefix(OFFTOPIC_PREFIX)) if h.faq_id.startswith(OFFTOPIC_PREFIX) else -1
            wording = offtopic[n] if 0 <= n < len(offtopic) else h.question
        else:
            wording = _phrasing(index, h.matched, (phrasings or {}).get(h.faq_id, [h.question]))
        shared = tuple(t for t in dict.fromkeys(seg.tokens(h.matched)) if t in token_set)
        cands.append(Candidate(i, h.faq_id, h.code, h.question, h.score, h.cosine, h.fuzz, h.matched, wording,
                               shared, h.faq_id in shown, is_off))
    cues = tuple(c for c in seg.lexicon.cues if c in canonical.replace("告诉", ""))
    topics: tuple[tuple[str, float], ...] = ()
    if index.topic_model is not None and canonical.strip():
        post = index.topic_model.posterior(tokens, canonical)
        topics = tuple((c, round(p, 3)) for c, p in sorted(post.items(), key=lambda cp: -cp[1])[:3])
    return Explanation(text=text, normalized=norm, canonical=canonical, rewrites=tuple(rewrites),
                       tokens=tuple(tokens), cues=cues, status=result.status, code=result.code,
                       candidates=tuple(cands), thresholds=th, topics=topics)
