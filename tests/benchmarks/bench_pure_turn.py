"""What the pure per-message checks cost: triage, privacy masking and date parsing run on
every citizen message before anything else. Prints p50/p99 in microseconds; not collected
by pytest.

    .venv/bin/python tests/benchmarks/bench_pure_turn.py [--rounds 2000]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from handoff.when import parse_when  # noqa: E402
from intents.triage import assess  # noqa: E402
from ground.privacy import looks_like_personal_data, mask_personal_data  # noqa: E402

MESSAGES = [
    "老板欠了俺三个月工资 不给 咋整啊", "我儿子16岁被警察带走了怎么办", "仲裁期限下周一就到了",
    "他喝多了又动手了我带着孩子跑出来了现在在我妈家不知道该咋办", "王秀英 身份证 35058119900101123X 电话 13812345678",
    "下礼拜二上午能去吗", "18号下午3点半", "好的谢谢", "离婚了孩子归谁", "明天就过户",
    "我想去你们那当面说 能不能给我排个号", "请律师不要给我打电话，我老公会听到，发短信就行",
]
NOW = datetime(2026, 12, 2, 10, 30)


def timed(fn, rounds: int) -> tuple[float, float]:
    samples = []
    for i in range(rounds):
        text = MESSAGES[i % len(MESSAGES)]
        start = time.perf_counter()
        fn(text)
        samples.append((time.perf_counter() - start) * 1e6)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    assess("预热", {})  # load the YAML once
    for name, fn in (("triage.assess", lambda t: assess(t, {})), ("privacy.mask_personal_data", mask_personal_data),
                     ("privacy.looks_like_personal_data", looks_like_personal_data),
                     ("when.parse_when", lambda t: parse_when(t, NOW))):
        p50, p99 = timed(fn, args.rounds)
        print(f"{name:34s} p50 {p50:8.1f} µs   p99 {p99:8.1f} µs   ({args.rounds} messages)")


if __name__ == "__main__":
    main()
