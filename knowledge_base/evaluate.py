"""Evaluate the matcher on real citizens' questions and on the written sets, against two baselines.

    python -m knowledge_base.evaluate [--sets real,written] [--confusions N]

One run reports, for each set:

* **real holdout** (never tuned on) and **real dev** (tuning): hand-labelled questions
  citizens typed on the 12348 platform (knowledge_base/eval/real/, text in the cache of
  scripts/fetch_real_questions.py), plus the written off-topic messages of the same split;
* the old **written** dev and holdout sets (knowledge_base/eval/*.jsonl);
* the content's own off-topic examples (training data of the topic model: a sanity check,
  not a measure).

Figures: top-1 topic accuracy on legal questions, answered directly *and* with the right
topic, legal questions rejected (off-topic or "not sure"), off-topic messages rejected;
per source and per style. The baselines are (1) rapidfuzz process.extractOne over
questions + alternatives and (2) BM25 over plain jieba tokens, on the same knowledge base
in the same run, each with its cut-off tuned on the matching dev set to its own advantage.
A baseline always answers directly, so its "answered right" equals its top-1.
"Answered right" is given twice: with an FAQ entry, and with an entry or the topic's
general answer (status `topic`, no menu); both count only the right topic.
"""
from __future__ import annotations

import argparse
import json
import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

EVAL_DIR = Path(__file__).resolve().parent / "eval"
REAL_DIR = EVAL_DIR / "real"
OTHER = "other"
REJECTED = ("offtopic", "unsure")


def load_set(name: str) -> list[dict]:
    """A written set (dev | holdout): {"text", "code", "kind"} per line."""
    rows = []
    for line in (EVAL_DIR / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


def _jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_real_set(split: str, cache_rows: Sequence[dict] | None = None) -> list[dict]:
    """Hand-labelled real questions of a split (dev | holdout) joined with their text, plus the
    written off-topic messages of the same split. [] when the text cache is absent."""
    if cache_rows is None:
        from .train import load_real_rows

        cache_rows = load_real_rows()
    text_of = {str(r["id"]): r for r in cache_rows}
    rows = []
    for label in _jsonl(REAL_DIR / f"{split}_labels.jsonl"):
        found = text_of.get(str(label["id"]))
        if found is None:
            continue
        rows.append({"id": label["id"], "text": found["text"], "code": label["code"],
                     "style": label.get("style", "?"), "source": found.get("source", "?")})
    if not rows:
        return []
    for r in _jsonl(REAL_DIR / "offtopic_written.jsonl"):
        if r.get("split") == split:
            rows.append({"id": r["id"], "text": r["text"], "code": OTHER, "style": r.get("style", "?"),
                         "source": "written off-topic"})
    return rows


# ---------------------------------------------------------------- scoring

@dataclass(frozen=True)
class Outcome:
    code: str      # the topic reported (`other` = rejected)
    status: str    # answer | clarify | topic | unsure | offtopic


def score(rows: Sequence[dict], outcomes: Sequence[Outcome]) -> dict:
    legal = [(r, o) for r, o in zip(rows, outcomes) if r["code"] != OTHER]
    off = [(r, o) for r, o in zip(rows, outcomes) if r["code"] == OTHER]
    n = max(1, len(legal))
    return {
        "legal": len(legal), "offtopic": len(off),
        "top1": sum(o.code == r["code"] for r, o in legal) / n,
        "answered_right": sum(o.status == "answer" and o.code == r["code"] for r, o in legal) / n,
        "direct_right": sum(o.status in ("answer", "topic") and o.code == r["code"] for r, o in legal) / n,
        "menu": sum(o.status == "clarify" for r, o in legal) / n,
        "topic_answer": sum(o.status == "topic" for r, o in legal) / n,
        "legal_rejected": sum(o.code == OTHER for r, o in legal) / n,
        "off_rejected": sum(o.code == OTHER for r, o in off) / max(1, len(off)),
        "confusions": Counter((r["code"], o.code) for r, o in zip(rows, outcomes) if o.code != r["code"]),
    }


def score_predictions(rows: list[dict], predicted: list[str]) -> dict:
    """Codes only (the console's guard and older callers): every prediction counts as an answer."""
    s = score(rows, [Outcome(p, "answer" if p != OTHER else "offtopic") for p in predicted])
    return {"in_domain": s["legal"], "top1": s["top1"], "offtopic": s["offtopic"], "rejected": s["off_rejected"],
            "wrong_topic": 1 - s["top1"] - s["legal_rejected"], "confusions": s["confusions"]}


def by_group(rows: Sequence[dict], outcomes: Sequence[Outcome], key: str) -> dict[str, tuple[int, float]]:
    """Top-1 of legal questions per value of `key` (source, style, kind): (count, accuracy)."""
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r, o in zip(rows, outcomes):
        if r["code"] == OTHER:
            continue
        g = groups[str(r.get(key, "?"))]
        g[0] += 1
        g[1] += o.code == r["code"]
    return {k: (v[0], v[1] / v[0]) for k, v in sorted(groups.items())}


# ---------------------------------------------------------------- baselines

def rapidfuzz_baseline(entries: list[dict]) -> Callable[[str, float], str]:
    from rapidfuzz import process

    choices, codes = [], []
    for e in entries:
        for p in [e["question"], *e["alternatives"]]:
            choices.append(p)
            codes.append(e["code"])

    @lru_cache(maxsize=None)
    def best(text: str) -> tuple[float, str]:
        hit = process.extractOne(text, choices)
        return (0.0, OTHER) if hit is None else (hit[1], codes[hit[2]])

    def predict(text: str, cutoff: float) -> str:
        value, code = best(text)  # cached: tuning the cut-off re-asks the same texts
        return code if value >= cutoff else OTHER
    return predict


def bm25_baseline(entries: list[dict]) -> Callable[[str, float], str]:
    """Okapi BM25 (k1 1.5, b 0.75) over jieba tokens of each phrasing; inverted lists for speed."""
    import jieba

    docs, codes = [], []
    for e in entries:
        for p in [e["question"], *e["alternatives"]]:
            docs.append([t for t in jieba.lcut(p) if t.strip()])
            codes.append(e["code"])
    n = len(docs)
    avgdl = sum(len(d) for d in docs) / max(1, n)
    k1, b = 1.5, 0.75
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, d in enumerate(docs):
        for t, f in Counter(d).items():
            postings[t].append((i, f * (k1 + 1) / (f + k1 * (1 - b + b * len(d) / avgdl))))
    idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in postings.items()}

    @lru_cache(maxsize=None)
    def best(text: str) -> tuple[float, str]:
        acc: dict[int, float] = defaultdict(float)
        for t in jieba.lcut(text):
            for i, w in postings.get(t, ()):
                acc[i] += idf[t] * w
        if not acc:
            return 0.0, OTHER
        best_i = max(acc, key=acc.__getitem__)
        return acc[best_i], codes[best_i]

    def predict(text: str, cutoff: float) -> str:
        value, code = best(text)
        return code if value >= cutoff and value > 0 else OTHER
    return predict


def tune_cutoff(predict: Callable[[str, float], str], rows: list[dict], grid: list[float]) -> float:
    """The cut-off maximising legal top-1 + off-topic rejection (equal weight) on a dev set."""
    best, best_c = -1.0, grid[0]
    for c in grid:
        s = score_predictions(rows, [predict(r["text"], c) for r in rows])
        value = s["top1"] + s["rejected"]
        if value > best:
            best, best_c = value, c
    return best_c


# ---------------------------------------------------------------- ours

def our_outcomes(rows: Sequence[dict], index, th=None) -> tuple[list[Outcome], list[float]]:
    """What the bot would do with each message as a first message (small talk caught first)."""
    from intents.detect import social_intent
    from knowledge_base.match import DEFAULT_THRESHOLDS, match

    th = th or DEFAULT_THRESHOLDS
    out, times = [], []
    for r in rows:
        t0 = time.perf_counter()
        if social_intent(r["text"]) is not None:
            o = Outcome(OTHER, "offtopic")
        else:
            m = match(r["text"], index, th)
            o = Outcome(m.code, m.status)
        times.append(time.perf_counter() - t0)
        out.append(o)
    return out, times


def our_predictions(rows: list[dict], index, th=None) -> tuple[list[str], list[float]]:
    outcomes, times = our_outcomes(rows, index, th)
    return [o.code for o in outcomes], times


def build_default_index(with_model: bool = True):
    """The shipped FAQ and off-topic examples, with the shipped topic model (as the bot starts)."""
    from ground.paths import VAR_DIR
    from knowledge_base.content_files import load_faq, load_offtopic
    from knowledge_base.index import build_index
    from knowledge_base.service import KnowledgeService

    entries = load_faq()
    negatives = load_offtopic()
    svc = KnowledgeService(cache_dir=VAR_DIR / "cache")
    model = svc.topic_model_for(entries, negatives, svc.segmenter) if with_model else None
    return entries, build_index(entries, svc.segmenter, negatives=negatives, topic_model=model)


def _pct(x: float) -> str:
    return f"{x * 100:5.1f}%"


def report_line(name: str, s: dict) -> str:
    return (f"  {name:<30} top-1 {_pct(s['top1'])}  answered right: with an entry {_pct(s['answered_right'])}, "
            f"entry or topic answer {_pct(s['direct_right'])}  menu {_pct(s['menu'])}  topic answer {_pct(s['topic_answer'])}  "
            f"legal rejected {_pct(s['legal_rejected'])} ({s['legal']} q)  "
            f"off-topic rejected {_pct(s['off_rejected'])} ({s['offtopic']} q)")


def evaluate_set(name: str, rows: list[dict], index,
                 baselines: dict[str, tuple[Callable[[str], str], Callable[[str], str]]],
                 group_keys: Sequence[str], confusions: int) -> dict:
    """baselines: name → (predict with its tuned cut-off, predict with no cut-off at all)."""
    ours, times = our_outcomes(rows, index)
    s_ours = score(rows, ours)
    print(f"\n== {name} ({len(rows)} messages: {s_ours['legal']} legal, {s_ours['offtopic']} off-topic) ==")
    print(report_line("法援助手 matcher", s_ours))
    best_base = 0.0
    for bname, (predict, uncut) in baselines.items():
        outs = [Outcome(c, "answer" if c != OTHER else "offtopic") for c in (predict(r["text"]) for r in rows)]
        s = score(rows, outs)
        ceiling = score(rows, [Outcome(c, "answer") for c in (uncut(r["text"]) for r in rows)])["top1"]
        best_base = max(best_base, s["top1"], ceiling)
        print(report_line(bname, s) + f"  [top-1 with no cut-off: {_pct(ceiling)}]")
    print(f"  margin over the better baseline (top-1, its best of tuned and no cut-off): "
          f"{(s_ours['top1'] - best_base) * 100:+.1f} points")
    for key in group_keys:
        groups = by_group(rows, ours, key)
        if groups:
            print(f"  top-1 by {key}: " + ", ".join(f"{k} {v[1] * 100:.0f}% ({v[0]})" for k, v in groups.items()))
    times.sort()
    print(f"  latency per message: p50 {times[len(times) // 2] * 1000:.2f} ms, "
          f"p99 {times[min(len(times) - 1, int(len(times) * 0.99))] * 1000:.2f} ms")
    if confusions:
        print("  top confusions (gold → reported: count):")
        for (gold, pred), n in s_ours["confusions"].most_common(confusions):
            print(f"    {gold} → {pred}: {n}")
    return s_ours


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="real,written", help="comma-separated: real, written")
    ap.add_argument("--confusions", type=int, default=10, help="confusions listed for each dev set")
    ap.add_argument("--no-model", action="store_true", help="retrieval alone, as before the topic model")
    args = ap.parse_args(argv)
    wanted = set(args.sets.split(","))
    entries, index = build_default_index(with_model=not args.no_model)
    model = index.topic_model
    print(f"knowledge base: {len(entries)} entries, {sum(1 + len(e['alternatives']) for e in entries)} phrasings; "
          f"topic model: {model.trained_on + f', {len(model.vocab)} features' if model else 'none'}")
    rf, bm = rapidfuzz_baseline(entries), bm25_baseline(entries)
    rf_grid, bm_grid = [40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90], [0, 2, 4, 6, 8, 10, 12, 14, 16, 20]

    def baselines(dev: list[dict]) -> dict[str, Callable[[str], str]]:
        rc, bc = tune_cutoff(rf, dev, rf_grid), tune_cutoff(bm, dev, bm_grid)
        return {f"baseline rapidfuzz (≥{rc})": (lambda t: rf(t, rc), lambda t: rf(t, 0)),
                f"baseline BM25 (≥{bc})": (lambda t: bm(t, bc), lambda t: bm(t, 1e-9))}

    if "real" in wanted:
        from .train import load_real_rows, real_dir

        cache = load_real_rows()
        dev, holdout = load_real_set("dev", cache), load_real_set("holdout", cache)
        if not dev:
            print(f"\n(real sets skipped: no prepared real questions at {real_dir()}; "
                  f"run scripts/fetch_real_questions.py)")
        else:
            base = baselines(dev)
            keys = ("source", "style")
            evaluate_set("REAL holdout (never tuned on)", holdout, index, base, keys, 0)
            evaluate_set("REAL dev (tuning)", dev, index, base, keys, args.confusions)
    if "written" in wanted:
        dev = load_set("dev")
        base = baselines(dev)
        evaluate_set("written holdout", load_set("holdout"), index, base, ("kind",), 0)
        evaluate_set("written dev", dev, index, base, ("kind",), args.confusions)
        from knowledge_base.content_files import load_offtopic

        off = [{"text": t, "code": OTHER} for t in load_offtopic()]
        ours, _ = our_outcomes(off, index)
        print(f"\n== content off-topic examples ({len(off)}; the model's own training data: a sanity check) ==\n"
              f"  rejected {_pct(score(off, ours)['off_rejected'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
