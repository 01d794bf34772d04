"""An immutable search index over the published FAQ entries.

Every phrasing (the question and each alternative) is a document: TF-IDF over jieba
words and character bigrams, stored as per-feature posting arrays so a query touches
only the features it contains (this is what keeps p99 low at 10k entries).
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

import numpy as np

from .segment import Segmenter
from .normalize import normalize

if TYPE_CHECKING:
    from .topic_model import TopicModel

WORD_WEIGHT = 1.0
BIGRAM_WEIGHT = 0.45
TOPIC_SPREAD_ALPHA = 0.5
CHAR_WEIGHT = 0.2  # single characters: a typo breaks words and bigrams, not all characters


class Postings:
    """Feature → (row ids, weights), stored as two flat arrays plus offsets.

    One pair of arrays instead of tens of thousands of small ones: loading a cached
    index is then a few large reads, and lookups return views without copying.
    """

    def __init__(self, columns: dict[str, tuple[list[int], list[float]]]):
        self.offsets: dict[str, tuple[int, int]] = {}
        rows: list[int] = []
        weights: list[float] = []
        for f, (r, w) in columns.items():
            self.offsets[f] = (len(rows), len(rows) + len(r))
            rows.extend(r)
            weights.extend(w)
        self.rows = np.asarray(rows, dtype=np.int32)
        self.weights = np.asarray(weights, dtype=np.float32)

    def get(self, feature: str) -> tuple[np.ndarray, np.ndarray] | None:
        span = self.offsets.get(feature)
        if span is None:
            return None
        return self.rows[span[0]:span[1]], self.weights[span[0]:span[1]]

    def __getitem__(self, feature: str) -> tuple[np.ndarray, np.ndarray]:
        hit = self.get(feature)
        if hit is None:
            raise KeyError(feature)
        return hit

    def __contains__(self, feature: object) -> bool:
        return feature in self.offsets

    def __len__(self) -> int:
        return len(self.offsets)


class TopicLikelihoods:
    """Feature → log P(feature | topic), one matrix row per feature."""

    def __init__(self, features: list[str], matrix: np.ndarray):
        self.row = {f: i for i, f in enumerate(features)}
        self.matrix = matrix

    def get(self, feature: str) -> np.ndarray | None:
        i = self.row.get(feature)
        return None if i is None else self.matrix[i]

    def __bool__(self) -> bool:
        return bool(self.row)


@dataclass(frozen=True)
class IndexedEntry:
    faq_id: str
    code: str
    question: str
    short_answer: str
    follow_up: str = "none"


@dataclass
class MatchIndex:
    entries: list[IndexedEntry]
    segmenter: Segmenter
    doc_texts: list[str]                  # canonical text of each phrasing
    doc_entry: np.ndarray                 # entry index of each document (documents grouped by entry)
    entry_starts: np.ndarray              # first document of each entry, for reduceat
    postings: Postings                    # feature → (doc ids, weights)
    idf: dict[str, float]
    entry_postings: Postings = field(default_factory=lambda: Postings({}))  # feature → (entries, w)
    codes: list[str] = field(default_factory=list)
    code_postings: Postings = field(default_factory=lambda: Postings({}))  # feature → (topics, w)
    entry_code: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    code_loglik: TopicLikelihoods = field(default_factory=lambda: TopicLikelihoods([], np.zeros((0, 0))))
    stamp: str = ""
    by_id: dict[str, int] = field(default_factory=dict)
    topic_model: "TopicModel | None" = None  # learned P(topic | message); None = retrieval alone

    def __post_init__(self) -> None:
        self.by_id = {e.faq_id: i for i, e in enumerate(self.entries)}

    @property
    def size(self) -> int:
        return len(self.entries)


def features(tokens: list[str], canonical: str) -> Counter[str]:
    """Words and character bigrams: words carry meaning, bigrams survive bad segmentation."""
    feats: Counter[str] = Counter()
    for t in tokens:
        feats["w:" + t] += 1
    compact = "".join(tokens)
    for i in range(len(compact) - 1):
        feats["b:" + compact[i : i + 2]] += 1
    if CHAR_WEIGHT:
        for ch in compact:
            feats["c:" + ch] += 1
    return feats


def _weight(feature: str, tf: int, idf: float) -> float:
    ns = WORD_WEIGHT if feature.startswith("w:") else BIGRAM_WEIGHT if feature.startswith("b:") else CHAR_WEIGHT
    return (1.0 + math.log(tf)) * idf * ns


def analyze(text: str, segmenter: Segmenter) -> tuple[str, str, list[str]]:
    """(normalised, canonical, tokens) — the same path for content and for queries."""
    norm = normalize(text)
    canonical = segmenter.canonical_text(norm)
    return norm, canonical, segmenter.tokens(canonical)


OFFTOPIC_CODE = "other"
OFFTOPIC_PREFIX = "offtopic-"


def build_index(raw_entries: list[dict], segmenter: Segmenter, stamp: str = "",
                negatives: Sequence[str] = (), topic_model: "TopicModel | None" = None) -> MatchIndex:
    """raw_entries: dicts with faq_id, code, question, alternatives, short_answer, follow_up.

    negatives: off-topic messages (content/offtopic.yaml). They are indexed as entries of
    code `other` that are never answered: a message closest to them is not a legal
    question, however many words it shares with one.
    """
    raw_entries = list(raw_entries) + [
        {"faq_id": f"{OFFTOPIC_PREFIX}{i}", "code": OFFTOPIC_CODE, "question": text, "alternatives": []}
        for i, text in enumerate(negatives)]
    entries: list[IndexedEntry] = []
    doc_texts: list[str] = []
    doc_entry: list[int] = []
    doc_feats: list[Counter[str]] = []
    starts: list[int] = []
    for raw in raw_entries:
        phrasings = [raw["question"], *raw.get("alternatives", [])]
        seen: set[str] = set()
        docs_here = []
        for p in phrasings:
            _, canonical, tokens = analyze(p, segmenter)
            if not canonical or canonical in seen:
                continue
            seen.add(canonical)
            docs_here.append((canonical, features(tokens, canonical)))
        if not docs_here:
            continue
        starts.append(len(doc_texts))
        idx = len(entries)
        entries.append(IndexedEntry(raw["faq_id"], raw["code"], raw["question"],
                                    raw.get("short_answer", ""), raw.get("follow_up", "none")))
        for canonical, feats in docs_here:
            doc_texts.append(canonical)
            doc_entry.append(idx)
            doc_feats.append(feats)

    segmenter.learn_vocabulary({f[2:] for feats in doc_feats for f in feats if f.startswith("w:")})
    n_docs = len(doc_texts)
    df: Counter[str] = Counter()
    for feats in doc_feats:
        df.update(feats.keys())
    idf = {f: math.log((n_docs + 1) / (d + 1)) + 1.0 for f, d in df.items()}
    # Words every topic uses (申请, 法律援助, 怎么办) say little about *which* topic:
    # scale each feature by how few topics use it.
    topics_of: dict[str, set[str]] = defaultdict(set)
    for d, feats in enumerate(doc_feats):
        code = entries[doc_entry[d]].code
        for f in feats:
            topics_of[f].add(code)
    n_topics = len({e.code for e in entries}) or 1
    for f in idf:
        spread = math.log((n_topics + 1) / (len(topics_of[f]) + 1)) + 1.0
        idf[f] *= spread ** TOPIC_SPREAD_ALPHA

    # Single characters count at the entry and topic level only: per phrasing they would
    # multiply the work per query (every phrasing has common characters) for little gain.
    postings = _postings(enumerate(Counter({f: n for f, n in feats.items() if not f.startswith("c:")})
                                   for feats in doc_feats), idf)
    # Whole entries and whole topics as documents too: a story rarely matches one
    # phrasing well, but it shares a topic's vocabulary.
    entry_feats: list[Counter[str]] = [Counter() for _ in entries]
    for d, feats in enumerate(doc_feats):
        entry_feats[doc_entry[d]].update(feats)
    codes = sorted({e.code for e in entries})
    code_idx = {c: i for i, c in enumerate(codes)}
    code_feats: list[Counter[str]] = [Counter() for _ in codes]
    for e, feats in zip(entries, entry_feats):
        code_feats[code_idx[e.code]].update(feats)
    return MatchIndex(entries=entries, segmenter=segmenter, doc_texts=doc_texts,
                      doc_entry=np.asarray(doc_entry, dtype=np.int32),
                      entry_starts=np.asarray(starts, dtype=np.int64), postings=postings,
                      idf=idf, entry_postings=_postings(enumerate(entry_feats), idf), codes=codes,
                      code_postings=_postings(enumerate(code_feats), idf),
                      entry_code=np.asarray([code_idx[e.code] for e in entries], dtype=np.int32),
                      code_loglik=_topic_likelihoods(code_feats), stamp=stamp, topic_model=topic_model)


def _topic_likelihoods(code_feats: list[Counter[str]], alpha: float = 0.1) -> TopicLikelihoods:
    """Multinomial naive Bayes over topics, trained on the KB's own phrasings.

    A second opinion on *which topic* a message belongs to, from every word it contains
    rather than from its nearest phrasing; used to order candidates, not to decide
    whether to answer at all.
    """
    vocab = sorted(set().union(*code_feats)) if code_feats else []
    totals = np.asarray([sum(c.values()) for c in code_feats], dtype=np.float64)
    denom = np.log(totals + alpha * max(1, len(vocab)))
    counts = np.asarray([[c.get(f, 0) for c in code_feats] for f in vocab], dtype=np.float64).reshape(len(vocab), -1)
    return TopicLikelihoods(vocab, (np.log(counts + alpha) - denom).astype(np.float32))


def topic_posterior(feats: Counter[str], index: "MatchIndex") -> np.ndarray:
    """P(topic | message) under the naive Bayes model (uniform prior)."""
    logp = np.zeros(len(index.codes), dtype=np.float64)
    for f, tf in feats.items():
        row = index.code_loglik.get(f)
        if row is not None:
            logp += tf * row
    logp -= logp.max()
    p = np.exp(logp)
    return p / p.sum()


def _postings(rows, idf: dict[str, float]) -> Postings:
    """Unit-length TF-IDF rows stored column-wise: feature → (row ids, weights)."""
    post_rows: dict[str, list[int]] = defaultdict(list)
    post_w: dict[str, list[float]] = defaultdict(list)
    for r, feats in rows:
        weights = {f: _weight(f, tf, idf[f]) for f, tf in feats.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for f, w in weights.items():
            post_rows[f].append(r)
            post_w[f].append(w / norm)
    return Postings({f: (post_rows[f], post_w[f]) for f in post_rows})


def query_vector(feats: Counter[str], index: MatchIndex) -> dict[str, float]:
    """Unit-length query weights over the features the index knows (unknown ones still count in the norm)."""
    weights: dict[str, float] = {}
    total = 0.0
    max_idf = math.log(len(index.doc_texts) + 1) + 1.0
    for f, tf in feats.items():
        w = _weight(f, tf, index.idf.get(f, max_idf))
        total += w * w
        if f in index.postings:
            weights[f] = w
    norm = math.sqrt(total) or 1.0
    return {f: w / norm for f, w in weights.items()}
