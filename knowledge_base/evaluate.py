"""Evaluate the matcher on the labelled question sets, against two baselines.

    python -m knowledge_base.evaluate [--set dev|holdout|both] [--confusions N]

Prints top-1 topic accuracy on in-domain questions, the share of off-topic questions
rejected, the worst confusions, and the same figures for (1) rapidfuzz
process.extractOne over questions + alternatives and (2) BM25 over plain jieba tokens,
on the same knowledge base in the same run. Baseline cut-offs are tuned on the dev set
to their own advantage, so the comparison is fair to them.
"""
from __future__ import annotations

import argparse
import json
import math
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable

EVAL_DIR = Path(__file__).resolve().parent / "eval"


def load_set(name: str) -> list[dict]:
    rows = []
    for line in (EVAL_DIR / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


def score_predictions(rows: list[dict], predicted: list[str]) -> dict:
    in_domain = [(r, p) for r, p in zip(rows, predicted) if r["code"] != "other"]
    off = [(r, p) for r, p in zip(rows, predicted) if r["code"] == "other"]
    correct = sum(1 for r, p in in_domain if p == r["code"])
    rejected = sum(1 for r, p in off if p == "other")
    answered_wrong = sum(1 for r, p in in_domain if p not in (r["code"], "other"))
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r, p in in_domain:
        by_kind[r.get("kind", "?")][1] += 1
        by_kind[r.get("kind", "?")][0] += int(p == r["code"])
    confusions = Counter((r["code"], p) for r, p in zip(rows, predicted) if p != r["code"])
    return {
        "in_domain": len(in_domain), "top1": correct / max(1, len(in_domain)),
        "offtopic": len(off), "rejected": rejected / max(1, len(off)),
        "wrong_topic": answered_wrong / max(1, len(in_domain)),
        "by_kind": {k: v[0] / v[1] for k, v in sorted(by_kind.items())},
        "confusions": confusions,
    }


# ---------------------------------------------------------------- baselines

def rapidfuzz_baseline(entries: list[dict]) -> Callable[[str, float], str]:
    from rapidfuzz import process

    choices, codes = [], []
    for e in entries:
        for p in [e["question"], *e["alternatives"]]:
            choices.append(p)
            codes.append(e["code"])

    def predict(text: str, cutoff: float) -> str:
        hit = process.extractOne(text, choices)
        if hit is None or hit[1] < cutoff:
            return "other"
        return codes[hit[2]]
    return predict


def bm25_baseline(entries: list[dict]) -> Callable[[str, float], str]:
    import jieba

    docs, codes = [], []
    for e in entries:
        for p in [e["question"], *e["alternatives"]]:
            docs.append([t for t in jieba.lcut(p) if t.strip()])
            codes.append(e["code"])
    n = len(docs)
    avgdl = sum(len(d) for d in docs) / max(1, n)
    df: Counter[str] = Counter()
    for d in docs:
        df.update(set(d))
    idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
    tfs = [Counter(d) for d in docs]
    k1, b = 1.5, 0.75

    def predict(text: str, cutoff: float) -> str:
        q = [t for t in jieba.lcut(text) if t.strip()]
        best, best_i = 0.0, -1
        for i, tf in enumerate(tfs):
            s = 0.0
            dl = len(docs[i])
            for t in q:
                if t in tf:
                    f = tf[t]
                    s += idf[t] * f * (k1 + 1) / (f + k1 * (1 - b + b * dl / avgdl))
            if s > best:
                best, best_i = s, i
        return codes[best_i] if best_i >= 0 and best >= cutoff else "other"
    return predict


def tune_cutoff(predict: Callable[[str, float], str], rows: list[dict], grid: list[float]) -> float:
    """The cut-off maximising in-domain accuracy + off-topic rejection (equal weight) on dev."""
    best, best_c = -1.0, grid[0]
    for c in grid:
        s = score_predictions(rows, [predict(r["text"], c) for r in rows])
        value = s["top1"] + s["rejected"]
        if value > best:
            best, best_c = value, c
    return best_c


# ---------------------------------------------------------------- ours

def our_predictions(rows: list[dict], index, th=None) -> tuple[list[str], list[float]]:
    from intents.detect import social_intent
    from knowledge_base.match import DEFAULT_THRESHOLDS, match

    th = th or DEFAULT_THRESHOLDS
    out, times = [], []
    for r in rows:
        t0 = time.perf_counter()
        if social_intent(r["text"]) is not None:
            code = "other"
        else:
            code = match(r["text"], index, th).code
        times.append(time.perf_counter() - t0)
        out.append(code)
    return out, times


def build_default_index():
    from knowledge_base.content_files import load_faq, load_offtopic
    from knowledge_base.index import build_index
    from knowledge_base.service import KnowledgeService
    from bot.config import VAR_DIR

    entries = load_faq()
    svc = KnowledgeService(cache_dir=VAR_DIR / "cache")
    return entries, build_index(entries, svc.segmenter, negatives=load_offtopic())


def report(name: str, s: dict) -> str:
    return (f"  {name:<28} top-1 in-domain {s['top1']*100:5.1f}%  ({s['in_domain']} q)   "
            f"off-topic rejected {s['rejected']*100:5.1f}%  ({s['offtopic']} q)   wrong-topic answers {s['wrong_topic']*100:4.1f}%")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=["dev", "holdout", "both"], default="both")
    ap.add_argument("--confusions", type=int, default=15)
    args = ap.parse_args(argv)
    entries, index = build_default_index()
    dev = load_set("dev")
    rf = rapidfuzz_baseline(entries)
    bm = bm25_baseline(entries)
    rf_cut = tune_cutoff(rf, dev, [50, 55, 60, 65, 70, 75, 80, 85, 90])
    bm_cut = tune_cutoff(bm, dev, [0, 2, 4, 6, 8, 10, 12, 14])
    print(f"knowledge base: {len(entries)} entries, {sum(1 + len(e['alternatives']) for e in entries)} phrasings")
    print(f"baseline cut-offs tuned on dev: rapidfuzz WRatio ≥ {rf_cut}, BM25 ≥ {bm_cut}")
    sets = ["dev", "holdout"] if args.set == "both" else [args.set]
    for name in sets:
        rows = dev if name == "dev" else load_set(name)
        ours, times = our_predictions(rows, index)
        s_ours = score_predictions(rows, ours)
        s_rf = score_predictions(rows, [rf(r["text"], rf_cut) for r in rows])
        s_bm = score_predictions(rows, [bm(r["text"], bm_cut) for r in rows])
        print(f"\n== {name} ({len(rows)} questions) ==")
        print(report("法援助手 matcher", s_ours))
        print(report("baseline rapidfuzz extractOne", s_rf))
        print(report("baseline BM25 (jieba)", s_bm))
        better = max(s_rf["top1"], s_bm["top1"])
        print(f"  margin over the better baseline: {(s_ours['top1'] - better) * 100:+.1f} points")
        print("  by kind: " + ", ".join(f"{k} {v*100:.0f}%" for k, v in s_ours["by_kind"].items()))
        times.sort()
        print(f"  latency per question: p50 {times[len(times)//2]*1000:.2f} ms, p99 {times[int(len(times)*0.99)]*1000:.2f} ms")
        if args.confusions and name == "dev":
            print("  top confusions (gold → predicted: count):")
            for (gold, pred), n in s_ours["confusions"].most_common(args.confusions):
                print(f"    {gold} → {pred}: {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
