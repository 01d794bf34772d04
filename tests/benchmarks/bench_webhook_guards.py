"""What the webhook's safety layers cost per message: replay guard (nonce row), retry
claim and its finish, next to the whole signed message through the Flask app.
Prints numbers; not collected by pytest.

    .venv/bin/python tests/benchmarks/bench_webhook_guards.py [--url sqlite:///…|postgresql+psycopg://…] [-n 300]
"""
from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from app_factory import make_app  # noqa: E402
from wechat_client import WeChat, event_xml, text_xml  # noqa: E402


def ms(values: list[float]) -> str:
    values = sorted(values)
    return (f"p50 {statistics.median(values) * 1000:.2f} ms, "
            f"p99 {values[min(len(values) - 1, int(len(values) * 0.99))] * 1000:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite")
    parser.add_argument("-n", type=int, default=300)
    args = parser.parse_args()
    app = make_app(args.url, WECHAT_ACCEPT_PLAIN=True)
    db = app.extensions["fayuan_db"]
    from bot.replay_guard import remember_nonce
    from bot.retry_claims import claim

    guard, nonce_only = [], []
    for _ in range(args.n):
        started = time.perf_counter()
        with db.session() as s:
            remember_nonce(s, str(int(time.time())), uuid.uuid4().hex, b"<xml/>")
        nonce_only.append(time.perf_counter() - started)
        started = time.perf_counter()
        with db.session() as s:
            remember_nonce(s, str(int(time.time())), uuid.uuid4().hex, b"<xml/>")
            claim(s, f"bench:{uuid.uuid4().hex}")
        guard.append(time.perf_counter() - started)
    wx = WeChat(app.test_client())
    ids = itertools.count(int(time.time() * 1000))
    user = "obench" + uuid.uuid4().hex[:10]
    wx.post(text_xml(user, "你好", next(ids)))  # warm the index
    whole, ignored = [], []
    for _ in range(args.n // 3):
        started = time.perf_counter()
        wx.post(text_xml(user, "老板拖欠工资怎么办", next(ids)))
        whole.append(time.perf_counter() - started)
        started = time.perf_counter()
        wx.post(event_xml(user, "TEMPLATESENDJOBFINISH"))
        ignored.append(time.perf_counter() - started)
    print(f"database: {args.url.split(':')[0]}")
    print(f"nonce transaction:               {ms(nonce_only)}  (n={len(nonce_only)})")
    print(f"nonce + claim transaction:       {ms(guard)}  (n={len(guard)})")
    print(f"ignored event, whole request:    {ms(ignored)}  (n={len(ignored)})")
    print(f"text message, whole request:     {ms(whole)}  (n={len(whole)})")


if __name__ == "__main__":
    main()
