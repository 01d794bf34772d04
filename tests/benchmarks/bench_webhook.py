"""Per-message cost of the WeChat webhook, side by side with a bare Flask + wechatpy handler
(tests/benchmarks/bare_wechat_app.py: signature, AES, parse, fixed reply; no DB, no dialog).
Prints numbers; not collected by pytest.

  1. in-process (Flask test client, one thread): ms per message, messages/s, and what one
     message costs the database (transactions, commits, SQL statements);
  2. under gunicorn -w 2 (the same worker class and threads for both), N concurrent
     clients on loopback: messages/s, p50, p99.

    .venv/bin/python tests/benchmarks/bench_webhook.py [--messages 300] [--concurrency 8]
        [--database-url postgresql+psycopg://…/db] [--skip-gunicorn] [--skip-in-process] [--rounds 3]

Safe mode (AES) for both, a fresh timestamp and nonce per request, a distinct MsgId per
message; 30 citizens asking the kind of questions citizens ask.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree import ElementTree as ET

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from app_factory import AES_KEY, APPID, TOKEN  # noqa: E402
from wechat_client import signature, text_xml  # noqa: E402

QUESTIONS = ["老板拖欠工资怎么办", "工伤了老板不管怎么办", "离婚孩子抚养权归谁", "交通事故对方不赔钱",
             "法律援助怎么申请", "被人打了可以告他吗", "借钱不还怎么起诉", "没有签劳动合同能要双倍工资吗",
             "老人不给赡养费怎么办", "申请法律援助要什么材料"]
ENV = {"WECHAT_TOKEN": TOKEN, "WECHAT_AES_KEY": AES_KEY, "WECHAT_APPID": APPID}


class Signer:
    """Builds requests as WeChat sends them in safe mode."""

    def __init__(self) -> None:
        from wechatpy.crypto import WeChatCrypto

        self.crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)
        self.msg_id = int(time.time() * 1000) * 1000

    def request(self, user: str, text: str) -> tuple[dict, bytes]:
        self.msg_id += 1
        ts, nonce = str(int(time.time())), uuid.uuid4().hex[:16]
        envelope = ET.fromstring(self.crypto.encrypt_message(text_xml(user, text, self.msg_id), nonce, ts))
        params = {"signature": signature(TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce,
                  "encrypt_type": "aes", "msg_signature": envelope.findtext("MsgSignature"),
                  "openid": user}
        body = (f"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA["
                f"{envelope.findtext('Encrypt')}]]></Encrypt></xml>").encode()
        return params, body


PLACES = ["合肥", "芜湖", "徐州", "长沙", "成都", "昆明", "兰州", "洛阳", "赣州", "柳州", "大连", "唐山"]
DISTINCT = False  # --distinct: every message's words differ (no two texts alike: nothing is remembered)


def plan(n: int, users: int, tag: str) -> list[tuple[str, str]]:
    def text(i: int) -> str:
        q = QUESTIONS[(i // users) % len(QUESTIONS)]
        if not DISTINCT:
            return q
        # the same kinds of question, each worded once: a place and an amount make it unique
        return f"我在{PLACES[i % len(PLACES)]}，{q}，涉及{1000 + (zlib.crc32(tag.encode()) % 5000) * 7 + i}元"
    return [(f"o{tag}{i % users:04d}", text(i)) for i in range(n)]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def line(label: str, times: list[float], wall: float) -> str:
    return (f"{label:<34} {len(times) / wall:8.1f} msg/s   p50 {pct(times, 50) * 1000:7.1f} ms   "
            f"p99 {pct(times, 99) * 1000:7.1f} ms")


# ------------------------------------------------------------------ in-process

def in_process(url: str, n: int) -> None:
    from sqlalchemy import event

    from app_factory import make_app

    import bare_wechat_app

    ours = make_app(url)
    db = ours.extensions["fayuan_db"]
    counts = {"transactions": 0, "commits": 0, "statements": 0}
    event.listen(db.engine, "begin", lambda *_a: counts.__setitem__("transactions", counts["transactions"] + 1))
    event.listen(db.engine, "commit", lambda *_a: counts.__setitem__("commits", counts["commits"] + 1))
    event.listen(db.engine, "before_cursor_execute",
                 lambda *_a: counts.__setitem__("statements", counts["statements"] + 1))
    signer = Signer()
    results = {}
    for label, app in (("bare Flask + wechatpy", bare_wechat_app.app), ("法援助手 /wechat", ours)):
        client = app.test_client()
        tag = uuid.uuid4().hex[:6]
        for user, text in plan(20, 20, "warm" + tag):  # first use of every code path: not timed
            params, body = signer.request(user, text)
            assert client.post("/wechat", query_string=params, data=body).status_code == 200
        for key in counts:
            counts[key] = 0
        work = [signer.request(u, t) for u, t in plan(n, 30, tag)]
        times = []
        t0, cpu0 = time.perf_counter(), time.process_time()
        for params, body in work:
            s = time.perf_counter()
            r = client.post("/wechat", query_string=params, data=body)
            times.append(time.perf_counter() - s)
            assert r.status_code == 200 and b"<Encrypt>" in r.data, r.data[:200]
        results[label] = (times, time.perf_counter() - t0)
        # CPU time as well: on a shared, loaded machine wall time mostly measures the neighbours.
        print(line(f"in-process  {label}", *results[label])
              + f"   CPU {(time.process_time() - cpu0) / n * 1000:.2f} ms/msg")
        if app is ours:
            print(f"{'':34} per message: {counts['transactions'] / n:.1f} transactions, "
                  f"{counts['commits'] / n:.1f} commits, {counts['statements'] / n:.1f} SQL statements")
    bare, mine = results["bare Flask + wechatpy"], results["法援助手 /wechat"]
    print(f"{'':34} → 法援助手 does {len(mine[0]) / mine[1] / (len(bare[0]) / bare[1]) * 100:.0f}% of the bare "
          f"handler's throughput in-process")


# ------------------------------------------------------------------ gunicorn -w 2

def wait_up(url: str, proc: subprocess.Popen) -> None:
    import requests

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited")
        try:
            requests.post(f"{url}/wechat", timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


def drive(url: str, n: int, concurrency: int) -> tuple[list[float], float]:
    import requests

    signer, lock = Signer(), threading.Lock()
    tag = uuid.uuid4().hex[:6]
    per_thread = [[] for _ in range(concurrency)]
    for i, (user, text) in enumerate(plan(n, concurrency * 4, tag)):
        per_thread[i % concurrency].append((user, text))
    times: list[float] = []

    def client(items: list[tuple[str, str]]) -> None:
        http = requests.Session()
        for user, text in items:
            with lock:
                params, body = signer.request(user, text)
            s = time.perf_counter()
            r = http.post(f"{url}/wechat", params=params, data=body, timeout=30)
            took = time.perf_counter() - s
            assert r.status_code == 200, r.text[:200]
            with lock:
                times.append(took)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(client, per_thread))
    return times, time.perf_counter() - t0


def _start(label: str, env: dict) -> tuple[subprocess.Popen, str]:
    from served_app import free_port

    port = free_port()
    if label.startswith("bare"):
        cmd = [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "4",
               "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT / "tests" / "benchmarks"),
               "--no-control-socket", "bare_wechat_app:app"]
    else:
        cmd = [sys.executable, "-m", "bot", "serve", "--workers", "2", "--threads", "4", "--no-sender",
               "--port", str(port)]
    log = open(os.environ["BENCH_SERVER_LOG"] + "." + label.split()[0], "ab") if os.environ.get("BENCH_SERVER_LOG") \
        else subprocess.DEVNULL  # BENCH_SERVER_LOG=/tmp/x: keep the servers' logs (x.bare, x.法援助手)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
    return proc, f"http://127.0.0.1:{port}"


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by a process and all its descendants (Linux /proc).

    On a machine shared with other work, messages/s mostly measures the neighbours; the
    server's own CPU seconds per message do not."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2:].split()
        stats[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    keep, total = {root}, 0.0
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _cpu) in stats.items():
            if ppid in keep and pid not in keep:
                keep.add(pid)
                changed = True
    for pid in keep:
        total += stats.get(pid, (0, 0.0))[1]
    return total


def under_gunicorn(url_db: str, n: int, concurrency: int, var_dir: Path, rounds: int) -> None:
    """Both servers run at once and take turns, `rounds` times: on a machine shared with other
    work the neighbours' load changes from minute to minute, so a bare run and ours measured
    minutes apart are not comparable — adjacent pairs are. Prints each pair and the range."""
    env = dict(os.environ, **ENV, DATABASE_URL=url_db, FAYUAN_VAR_DIR=str(var_dir), SECRET_KEY="bench")
    labels = ("bare Flask + wechatpy", "法援助手 /wechat")
    servers = {label: _start(label, env) for label in labels}
    ratios: list[float] = []
    try:
        for label, (proc, url) in servers.items():
            wait_up(url, proc)
            drive(url, 40, concurrency)  # warm
        cpu_ratios: list[float] = []
        for i in range(rounds):
            results, cpu = {}, {}
            for label in labels:
                before = tree_cpu(servers[label][0].pid)
                results[label] = drive(servers[label][1], n, concurrency)
                cpu[label] = (tree_cpu(servers[label][0].pid) - before) / n * 1000
                print(line(f"[{i + 1}] gunicorn -w 2  {label}", *results[label])
                      + f"   server CPU {cpu[label]:.2f} ms/msg ({concurrency} clients, load "
                        f"{os.getloadavg()[0]:.1f})", flush=True)
            bare, mine = results[labels[0]], results[labels[1]]
            ratios.append(len(mine[0]) / mine[1] / (len(bare[0]) / bare[1]) * 100)
            cpu_ratios.append(cpu[labels[0]] / cpu[labels[1]] * 100 if cpu[labels[1]] else 0.0)
    finally:
        for proc, _url in servers.values():
            proc.terminate()
        for proc, _url in servers.values():
            proc.wait(20)
    print(f"{'':34} → 法援助手 does {min(ratios):.0f}–{max(ratios):.0f}% (median "
          f"{statistics.median(ratios):.0f}%) of the bare handler's throughput under gunicorn -w 2 "
          f"(goal ≥ 50%), {rounds} interleaved rounds")
    print(f"{'':34}   server CPU per message: bare is {min(cpu_ratios):.0f}–{max(cpu_ratios):.0f}% of ours "
          f"(the same ratio, free of the neighbours' load; client CPU not counted)")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=300)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    ap.add_argument("--skip-gunicorn", action="store_true")
    ap.add_argument("--skip-in-process", action="store_true")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved bare/ours rounds under gunicorn")
    ap.add_argument("--distinct", action="store_true",
                    help="no two messages alike (the worst case for the per-text memories)")
    args = ap.parse_args()
    global DISTINCT
    DISTINCT = args.distinct
    os.environ.update(ENV)
    with tempfile.TemporaryDirectory() as tmp:
        var_dir = Path(tmp)
        os.environ["FAYUAN_VAR_DIR"] = str(var_dir)
        url = args.database_url or f"sqlite:///{var_dir / 'bench.sqlite'}"
        print(f"database: {url.split('@')[-1]}; {args.messages} messages"
              f"{' (all texts distinct)' if DISTINCT else ''}; load avg {os.getloadavg()[0]:.1f}")
        if not args.skip_in_process:
            in_process(url, args.messages)
        if not args.skip_gunicorn:
            under_gunicorn(url, args.messages, args.concurrency, var_dir, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
