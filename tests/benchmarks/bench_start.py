"""Start-up benchmark. Prints numbers; not collected by pytest.

1. Cold `python -m bot ask` against jieba's own import + initialize, each a fresh
   process, in CPU seconds, runs interleaved so machine load hits both alike (goal:
   ratio ≤ 1.5).
2. First replies after `python -m bot serve` starts (gunicorn, preloaded and warmed):
   4 citizens send their first message at the same moment the port opens (goal < 1 s),
   each a different kind (income test, place, family matter, materials), then each kind
   again one at a time: the first of a kind should cost no more than the next.

    .venv/bin/python tests/benchmarks/bench_start.py [--runs 7] [--workers 4] [--skip-serve] [--skip-ask]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

JIEBA = [sys.executable, "-c", "import logging, jieba; jieba.setLogLevel(logging.WARNING); jieba.initialize()"]
ASK = [sys.executable, "-m", "bot", "ask", "老板拖欠我三个月工资不给怎么办", "--json"]


def cpu(cmd: list[str], env: dict) -> float:
    """CPU seconds (user + system) of one fresh process: on a shared, loaded machine wall
    time mostly measures the neighbours; CPU time measures the start-up's own work."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cmd is ASK:
        assert json.loads(r.stdout)["code"] == "labor.wages", r.stdout
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cold_ask(runs: int) -> None:
    env = dict(os.environ)
    cpu(ASK, env)  # create and seed the database, fill the index cache: once
    cpu(JIEBA, env)  # jieba's own cache file
    jieba, ask = [], []
    for _ in range(runs):
        jieba.append(cpu(JIEBA, env))
        ask.append(cpu(ASK, env))
    ratios = [a / j for a, j in zip(ask, jieba)]
    print(f"jieba import+initialize: median {statistics.median(jieba):.2f} CPU s (min {min(jieba):.2f})")
    print(f"python -m bot ask:       median {statistics.median(ask):.2f} CPU s (min {min(ask):.2f})")
    print(f"ratio ask / jieba: median of pairs {statistics.median(ratios):.2f}, "
          f"min/min {min(ask) / min(jieba):.2f}  (goal ≤ 1.5; {runs} interleaved pairs, load avg {os.getloadavg()[0]:.1f})")


# First messages that reach different tables: the income test and a region's figures, the
# divisions (place names), offices, a follow-up about materials, a family matter.
FIRST_TEXTS = (
    ("老板拖欠工资怎么办", "工资"),
    ("我在安徽芜湖，一个月收入1800，家里四口人，能申请法律援助吗", ""),
    ("离婚了孩子抚养费他一直不给", ""),
    ("申请法律援助要带什么材料", ""),
)


def first_replies(workers: int) -> None:
    import requests

    from served_app import ServedApp

    with tempfile.TemporaryDirectory() as tmp:
        server = ServedApp(Path(tmp), workers=workers)
        server.cli("init-db")  # migrate and seed before the clock starts, as a deployment would
        t0 = time.perf_counter()
        with server:
            up = time.perf_counter() - t0

            def first(i: int) -> float:
                text, expect = FIRST_TEXTS[i % len(FIRST_TEXTS)]
                s = time.perf_counter()
                r = requests.post(f"{server.url}/simulator/api/send",
                                  json={"user": f"bench{i:06d}", "text": text}, timeout=30)
                assert r.ok and expect in r.json()["reply"], r.text
                return time.perf_counter() - s

            with ThreadPoolExecutor(4) as pool:
                times = list(pool.map(first, range(4)))
            # then each kind of first message alone, one after another (a fresh citizen each)
            alone = [first(10 + i) for i in range(len(FIRST_TEXTS))]
            later = [first(20 + i) for i in range(len(FIRST_TEXTS))]
        print(f"serve: {workers} workers up (port answering) {up:.1f} s after start; "
              f"4 concurrent first replies: {', '.join(f'{t * 1000:.0f}' for t in sorted(times))} ms "
              f"(max {max(times):.2f} s; goal < 1 s)")
        print(f"       then one at a time, {len(FIRST_TEXTS)} kinds of first message: "
              f"{', '.join(f'{t * 1000:.0f}' for t in alone)} ms; the same again: "
              f"{', '.join(f'{t * 1000:.0f}' for t in later)} ms")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--skip-serve", action="store_true")
    ap.add_argument("--skip-ask", action="store_true")
    args = ap.parse_args()
    if not args.skip_ask:
        cold_ask(args.runs)
    if not args.skip_serve:
        first_replies(args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
