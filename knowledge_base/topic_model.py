"""Which topic is a message about? A linear model over character n-grams and jieba words.

Retrieval alone finds the *phrasing* nearest to a message; a real citizen's story is
rarely near any one phrasing, but its words still say which topic it belongs to (撞伤 and
交警 → traffic; 借条 and 还钱 → debt). This model gives P(topic | message) from every
feature of the message, so the matcher can rank entries within the likely topics and
answer a legal question it has no entry for with the topic's general answer.

Training uses scikit-learn (knowledge_base/train.py); what ships and what the bot loads
are plain numpy arrays, and inference here is pure numpy: one sparse row times a dense
matrix, so the cold start pays only for reading one .npz file.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SHIPPED_MODEL = Path(__file__).resolve().parent / "model" / "topics.npz"  # python -m knowledge_base.train
MODEL_FORMAT = 1  # bump when the features below change: old arrays are then retrained, never misread
NGRAM_RANGE = (1, 3)
MAX_CHARS = 400  # a very long story adds noise, not topic evidence; its start and end are kept
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")


def model_features(tokens: list[str], canonical: str) -> Counter[str]:
    """jieba words (stopwords already removed) and character 1–3-grams of each text run.

    Character n-grams survive typos and unknown words; words carry the longer terms the
    legal dictionary keeps whole (人身安全保护令). Runs are split at punctuation so no
    n-gram spans two clauses.
    """
    if len(canonical) > MAX_CHARS:
        half = MAX_CHARS // 2
        canonical = canonical[:half] + "。" + canonical[-half:]
    feats: Counter[str] = Counter()
    for t in tokens:
        if _KEEP.fullmatch(t):
            feats["w:" + t] += 1
    lo, hi = NGRAM_RANGE
    for run in _KEEP.findall(canonical):
        for n in range(lo, hi + 1):
            for i in range(len(run) - n + 1):
                feats[f"{n}:{run[i:i + n]}"] += 1
    return feats


def tfidf_row(feats: Counter[str] | dict[str, int], vocab: np.ndarray,
              idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(column ids, unit-length sublinear TF-IDF weights) of the features the model knows.

    `vocab` is a sorted numpy string array: a binary search per feature instead of a
    50,000-key dict that would cost ~20 ms to build at every start.
    """
    if not feats or not len(vocab):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    names = list(feats)
    where = np.searchsorted(vocab, names)
    where[where >= len(vocab)] = 0
    known = vocab[where] == np.asarray(names)
    if not known.any():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    cols = where[known]
    tf = np.asarray([feats[n] for n, k in zip(names, known) if k], dtype=np.float32)
    v = (1.0 + np.log(tf)) * idf[cols]
    return cols.astype(np.int64), v / float(np.linalg.norm(v))


@dataclass(frozen=True)
class TopicModel:
    """Softmax over topics of (x · W + b) / temperature; `other` is one of the topics."""

    codes: tuple[str, ...]
    vocab: np.ndarray      # (n_features,) sorted feature names
    idf: np.ndarray        # (n_features,) float32
    weights: np.ndarray    # (n_features, n_codes) float16 on disk and in memory; rows used are widened
    bias: np.ndarray       # (n_codes,) float32
    temperature: float     # fitted on held-out folds so the probabilities mean what they say
    digest: str            # fingerprint of the content it was trained on
    trained_on: str = ""   # a line for people: how many phrasings / real questions

    def posterior(self, tokens: list[str], canonical: str) -> dict[str, float]:
        """P(topic | message) for every topic code, summing to 1."""
        cols, vals = tfidf_row(model_features(tokens, canonical), self.vocab, self.idf)
        logits = self.bias.astype(np.float64)
        if len(cols):
            logits = logits + vals @ self.weights[cols].astype(np.float32)
        logits = logits / self.temperature
        logits -= logits.max()
        p = np.exp(logits)
        p /= p.sum()
        return {c: float(x) for c, x in zip(self.codes, p)}

    # ------------------------------------------------------------ storage (numpy only)

    def save(self, path: Path) -> None:
        """One uncompressed .npz (reading it takes a few ms; decompressing took ~40 ms)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez(
            tmp, format=np.asarray(MODEL_FORMAT), codes=np.asarray("\n".join(self.codes)),
            vocab=np.asarray(self.vocab, dtype=str), idf=self.idf.astype(np.float32),
            weights=self.weights.astype(np.float16), bias=self.bias.astype(np.float32),
            temperature=np.asarray(self.temperature), digest=np.asarray(self.digest),
            trained_on=np.asarray(self.trained_on))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "TopicModel | None":
        """The stored model, or None when it is missing, damaged or of another format."""
        try:
            with np.load(path, allow_pickle=False) as z:
                if int(z["format"]) != MODEL_FORMAT:
                    return None
                return cls(codes=tuple(str(z["codes"]).split("\n")), vocab=z["vocab"], idf=z["idf"],
                           weights=z["weights"], bias=z["bias"],
                           temperature=float(z["temperature"]), digest=str(z["digest"]),
                           trained_on=str(z["trained_on"]))
        except (OSError, KeyError, ValueError):
            return None
