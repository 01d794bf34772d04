"""Matcher benchmark: latency p50/p99 and memory on the curated KB and a synthetic 10k KB,
plus the cold start of `python -m bot ask`. Prints numbers; not collected by pytest.

    .venv/bin/python tests/benchmarks/bench_match.py [--entries 10000] [--cold-runs 5]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from knowledge_base.content_files import load_faq  # noqa: E402
from knowledge_base.evaluate import load_set  # noqa: E402
from knowledge_base.index import build_index  # noqa: E402
from knowledge_base.match import match  # noqa: E402
from knowledge_base.service import KnowledgeService  # noqa: E402

FILLER = ["我想知道", "请问一下", "麻烦告诉我", "我家里", "俺们村", "去年", "上个月", "现在", "到底", "是不是",
          "能不能", "应该", "找谁", "怎么弄", "多久", "要多少钱", "在哪里", "有没有用", "可以吗", "行不行"]
TOPICS = ["工地", "工厂", "饭店", "快递", "保姆", "装修", "物业", "学校", "医院", "村委会", "社区", "超市",
          "出租车", "养殖场", "果园", "煤矿", "网店", "酒店", "小区", "车间"]


def synthetic_entries(base: list[dict], n: int, seed: int = 7) -> list[dict]:
    """n entries shaped like the real ones: real phrasings recombined with other words."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        src = base[i % len(base)]
        topic = rng.choice(TOPICS)
        def vary(p: str) -> str:
            return f"{rng.choice(FILLER)}{topic}{p}{rng.choice(FILLER)}"
        out.append({"faq_id": f"syn-{i:05d}", "code": src["code"], "question": vary(src["question"]),
                    "alternatives": [vary(a) for a in rng.sample(src["alternatives"], min(5, len(src["alternatives"])))],
                    "short_answer": src["short_answer"], "follow_up": src["follow_up"]})
    return out


def latency(index, questions: list[str], repeat: int = 3) -> tuple[float, float, float]:
    times = []
    for _ in range(repeat):
        for q in questions:
            t0 = time.perf_counter()
            match(q, index)
            times.append(time.perf_counter() - t0)
    times.sort()
    return (times[len(times) // 2] * 1000, times[int(len(times) * 0.99)] * 1000, times[-1] * 1000)


def measure(name: str, entries: list[dict], segmenter, questions: list[str]) -> None:
    tracemalloc.start()
    t0 = time.perf_counter()
    index = build_index(entries, segmenter)
    build = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    for q in questions[:20]:  # warm caches
        match(q, index)
    p50, p99, worst = latency(index, questions)
    print(f"{name:<22} entries {len(index.entries):>6}  phrasings {len(index.doc_texts):>6}  "
          f"build {build:6.2f} s  index memory {current/2**20:6.1f} MiB (peak {peak/2**20:6.1f})  "
          f"latency p50 {p50:5.2f} ms  p99 {p99:5.2f} ms  max {worst:5.2f} ms")


def cold_start(runs: int) -> None:
    env = dict(os.environ)
    cmd = [sys.executable, "-m", "bot", "ask", "老板拖欠我三个月工资不给怎么办", "--json"]
    subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=True)  # create/seed the DB once
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - t0)
        assert json.loads(r.stdout)["code"] == "labor.wages"
    print(f"cold start `python -m bot ask … --json` ({runs} runs, warm DB): "
          f"median {statistics.median(times):.2f} s, min {min(times):.2f} s, max {max(times):.2f} s")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=10000)
    ap.add_argument("--cold-runs", type=int, default=5)
    args = ap.parse_args()
    base = load_faq()
    questions = [r["text"] for r in load_set("dev")]
    svc = KnowledgeService(cache_dir=ROOT / "var" / "cache")
    seg = svc.segmenter
    measure("curated KB", base, seg, questions)
    measure(f"synthetic {args.entries // 1000}k KB", synthetic_entries(base, args.entries), seg, questions)
    print(f"process max RSS so far: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    cold_start(args.cold_runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
