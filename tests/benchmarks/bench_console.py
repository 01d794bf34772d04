"""Console benchmark: how long the queue (urgency + same-applicant lookup over a full
page), a case page and the 人工 inbox (with its navigation badge) take to render on
SQLite. Prints numbers; not collected by pytest.

    .venv/bin/python tests/benchmarks/bench_console.py [--cases 500] [--chats 30]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from app_factory import make_app  # noqa: E402
from handoff_helpers import PASSWORD, WAGES_FACTS, fresh_person, login, make_case  # noqa: E402


def timed(client, path: str, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        resp = client.get(path)
        times.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 200, (path, resp.status_code)
    return statistics.median(times), max(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=500)
    ap.add_argument("--chats", type=int, default=30)
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    db = Path(tempfile.mkdtemp()) / "bench.sqlite"
    app = make_app(f"sqlite:///{db}")
    from bot.conversation import ChatMessage
    from handoff.accounts import create_user
    from handoff.models import Handover
    from ground.clock import utcnow

    with app.extensions["fayuan_db"].session() as s:
        create_user(s, "bench", PASSWORD, "staff", "基准")
    rnd = random.Random(13)
    people = [fresh_person() for _ in range(args.cases // 2)]  # about two cases per person
    t = time.perf_counter()
    number = ""
    for i in range(args.cases):
        ident, phone = rnd.choice(people)
        urgent = ["deadline_within_7_days"] if i % 7 == 0 else []
        number = make_case(app, f"o{i:08d}", priority=i % 3 == 0, id_number=ident, phone=phone,
                           facts=dict(WAGES_FACTS, urgent=urgent))
    now = utcnow()
    with app.extensions["fayuan_db"].session() as s:
        for c in range(args.chats):
            user = f"chat{c:05d}"
            s.add(Handover(user_id=user, status="waiting" if c % 2 else "active", opened_at=now - timedelta(minutes=60)))
            for m in range(50):
                s.add(ChatMessage(user_id=user, direction="in" if m % 2 else "out", kind="staff" if m == 40 else "text",
                                  text=f"消息 {m}", created_at=now - timedelta(minutes=59 - m)))
    print(f"setup: {args.cases} cases, {args.chats} open chats x 50 messages in {time.perf_counter() - t:.1f} s")
    client = app.test_client()
    login(client, "bench")
    for label, path in (("queue (open, full page)", "/console/"), ("queue (all)", "/console/?status=all"),
                        ("case page", f"/console/cases/{number}"), ("人工 inbox", "/console/handovers")):
        median, worst = timed(client, path, args.runs)
        print(f"{label:26s} median {median:7.1f} ms   max {worst:7.1f} ms")


if __name__ == "__main__":
    main()
