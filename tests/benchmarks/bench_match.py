"""Matcher benchmark: latency p50/p99 and memory on the curated KB and a synthetic 10k KB,
plus the cold start of `python -m bot ask` and the cost per further question of
`bot ask --jsonl`. Prints numbers; not collected by pytest.

    .venv/bin/python tests/benchmarks/bench_match.py [--entries 10000] [--cold-runs 5]
        [--baseline-root DIR]   # another checkout (e.g. `git archive <commit> | tar -x -C DIR`)
                                # timed the same way, with its own var dir, for a before/after
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
from knowledge_base.topic_model import SHIPPED_MODEL, TopicModel  # noqa: E402

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


def measure(name: str, entries: list[dict], segmenter, questions: list[str], model=None) -> None:
    tracemalloc.start()
    t0 = time.perf_counter()
    index = build_index(entries, segmenter, topic_model=model)
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


def _env(root: Path) -> dict:
    env = dict(os.environ)
    if root != ROOT:  # another checkout keeps its database and caches apart from ours
        env["FAYUAN_VAR_DIR"] = str(root / "var")
    return env


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_start(runs: int, root: Path = ROOT) -> None:
    """Wall time and CPU time: on a shared machine the CPU time is the figure that compares."""
    env = _env(root)
    cmd = [sys.executable, "-m", "bot", "ask", "老板拖欠我三个月工资不给怎么办", "--json"]
    subprocess.run(cmd, cwd=root, env=env, capture_output=True, check=True)  # create/seed the DB once
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), _child_cpu()
        r = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - t0)
        cpu.append(_child_cpu() - c0)
        assert json.loads(r.stdout)["code"] == "labor.wages"
    print(f"[{root}] cold start `python -m bot ask … --json` ({runs} runs, warm DB): "
          f"wall median {statistics.median(times):.2f} s (min {min(times):.2f}); "
          f"CPU median {statistics.median(cpu):.2f} s (min {min(cpu):.2f})")


def jsonl_batch(questions: list[str], root: Path = ROOT, runs: int = 3) -> None:
    """Per further question in one `bot ask --jsonl` process: (t(N) - t(1)) / (N - 1), best of runs."""
    env = _env(root)
    cmd = [sys.executable, "-m", "bot", "ask", "--jsonl"]

    def timed(batch: list[str]) -> tuple[float, float]:
        best, best_cpu = float("inf"), float("inf")
        for _ in range(runs):
            t0, c0 = time.perf_counter(), _child_cpu()
            r = subprocess.run(cmd, cwd=root, env=env, input="\n".join(batch) + "\n", capture_output=True,
                               text=True, check=True)
            best, best_cpu = min(best, time.perf_counter() - t0), min(best_cpu, _child_cpu() - c0)
            assert len(r.stdout.splitlines()) == len(batch)
        return best, best_cpu

    (one, one_cpu), (many, many_cpu) = timed(questions[:1]), timed(questions)
    n = len(questions) - 1
    print(f"[{root}] `bot ask --jsonl`, {len(questions)} questions vs 1: per further question "
          f"wall {(many - one) / n * 1000:.2f} ms, CPU {(many_cpu - one_cpu) / n * 1000:.2f} ms")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=10000)
    ap.add_argument("--cold-runs", type=int, default=5)
    ap.add_argument("--baseline-root", type=Path, default=None)
    ap.add_argument("--skip-synthetic", action="store_true")
    args = ap.parse_args()
    base = load_faq()
    questions = [r["text"] for r in load_set("dev")]
    svc = KnowledgeService(cache_dir=ROOT / "var" / "cache")
    seg = svc.segmenter
    model = TopicModel.load(SHIPPED_MODEL)
    measure("curated KB, retrieval", base, seg, questions)
    measure("curated KB + topics", base, seg, questions, model)
    from knowledge_base.evaluate import load_real_set

    real = [r["text"] for r in load_real_set("dev")]
    if real:
        measure("curated + topics, real", base, seg, real, model)
    if not args.skip_synthetic:
        measure(f"synthetic {args.entries // 1000}k KB + topics", synthetic_entries(base, args.entries), seg,
                questions, model)
    print(f"process max RSS so far: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    roots = [ROOT] + ([args.baseline_root.resolve()] if args.baseline_root else [])
    for root in roots:
        cold_start(args.cold_runs, root)
        jsonl_batch(questions[:200], root)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
