"""Bounded loopback load test, the way WeChat delivers: 100 citizens × 20 messages against
`python -m bot serve` (gunicorn, ≥ 2 workers) on a throwaway PostgreSQL cluster.

Each message is posted in safe mode (AES, fresh signature per delivery). Like WeChat, a
delivery that gets no answer within 5 s is retried with the same MsgId, at most 3
deliveries in all. Reported:

- lost: messages the citizen got no reply to — no delivery returned a passive reply and
  no customer-service message was queued for them in the outbox afterwards; and, counted
  on the server, messages never processed at all (missing from the transcript);
- duplicated: messages processed more than once (two transcript rows for one message);
- latency p50 / p99 from the first delivery to the reply, retries included.

Modes: ``--kill-worker`` kills one gunicorn worker with SIGKILL halfway through;
``--restart-pg`` restarts PostgreSQL (fast shutdown) halfway through.

    .venv/bin/python scripts/loadtest.py [--users 100] [--messages 20] [--workers 2] [--think 0]
        [--kill-worker | --restart-pg]

Needs Debian's PostgreSQL server binaries (/usr/lib/postgresql/*/bin); prints numbers.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

ROOT = Path(__file__).resolve().parent.parent
TOKEN, AES_KEY, APPID = "loadtest-token", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx1234567890abcdef"
QUESTIONS = ["老板拖欠工资怎么办", "工伤了老板不管怎么办", "离婚孩子抚养权归谁", "交通事故对方不赔钱",
             "法律援助怎么申请", "借钱不还怎么起诉", "没有签劳动合同能要双倍工资吗", "老人不给赡养费怎么办",
             "申请法律援助要什么材料", "被公司辞退了有没有补偿"]
DELIVERY_TIMEOUT = 5.0
MAX_DELIVERIES = 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ a throwaway PostgreSQL

class Postgres:
    def __init__(self, folder: Path) -> None:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
        if not bins:
            sys.exit("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin")
        self.bin = bins[-1].parent
        self.dir, self.port = folder, free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")

    def run(self, tool: str, *args: str) -> None:
        # Output to a file, never a pipe: the server inherits pg_ctl's stdout and would keep
        # a pipe open forever (subprocess.run would wait for its end).
        with (self.dir / f"{tool}.out").open("a") as out:
            subprocess.run([*self.as_postgres, str(self.bin / tool), *args], check=True, stdout=out,
                           stderr=subprocess.STDOUT)

    def start(self) -> None:
        if not (self.dir / "data").exists():
            self.run("initdb", "-D", str(self.dir / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.run("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "server.log"), "-w", "start", "-o",
                 f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=300")

    def restart(self) -> float:
        t0 = time.perf_counter()
        self.run("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "server.log"), "-m", "fast", "-w",
                 "restart", "-o",
                 f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=300")
        return time.perf_counter() - t0

    def stop(self) -> None:
        try:
            self.run("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass

    def url(self, db: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{db}"


# ------------------------------------------------------------------ WeChat's side

@dataclass
class Outcome:
    user: str
    n: int
    deliveries: int = 0
    replied: bool = False
    empty_success: bool = False   # answered "success" / empty: no passive reply
    latency: float | None = None
    errors: list[str] = field(default_factory=list)


class WeChatPlatform:
    def __init__(self, url: str) -> None:
        from wechatpy.crypto import WeChatCrypto

        self.url = url
        self.crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)
        self.msg_id = int(time.time() * 1000) * 1000
        self.lock = threading.Lock()

    def new_msg_id(self) -> int:
        with self.lock:
            self.msg_id += 1
            return self.msg_id

    def envelope(self, xml: str) -> tuple[dict, bytes]:
        import hashlib

        ts, nonce = str(int(time.time())), uuid.uuid4().hex[:16]
        env = ET.fromstring(self.crypto.encrypt_message(xml, nonce, ts))
        sig = hashlib.sha1("".join(sorted([TOKEN, ts, nonce])).encode()).hexdigest()
        params = {"signature": sig, "timestamp": ts, "nonce": nonce, "encrypt_type": "aes",
                  "msg_signature": env.findtext("MsgSignature")}
        body = (f"<xml><ToUserName><![CDATA[gh_load]]></ToUserName><Encrypt><![CDATA[{env.findtext('Encrypt')}]]>"
                f"</Encrypt></xml>").encode()
        return params, body

    def send(self, http, user: str, n: int, text: str) -> Outcome:
        """One message, delivered like WeChat: up to 3 times, 5 s each."""
        import requests

        out = Outcome(user, n)
        msg_id, created = self.new_msg_id(), int(time.time())
        xml = (f"<xml><ToUserName><![CDATA[gh_load]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
               f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
               f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>")
        start = time.perf_counter()
        for _ in range(MAX_DELIVERIES):
            out.deliveries += 1
            params, body = self.envelope(xml)
            try:
                r = http.post(f"{self.url}/wechat", params=params, data=body, timeout=DELIVERY_TIMEOUT)
            except requests.RequestException as e:
                out.errors.append(type(e).__name__)
                continue
            if r.status_code != 200:
                out.errors.append(f"HTTP {r.status_code}")
                continue
            if b"<Encrypt>" in r.content:
                out.replied, out.latency = True, time.perf_counter() - start
                return out
            out.empty_success = True  # "success": WeChat stops retrying; the reply may come as a push
            return out
        return out


# ------------------------------------------------------------------ the run

def serve(env: dict, workers: int, port: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot", "serve", "--workers", str(workers), "--port", str(port),
                             "--no-sender"], cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_up(url: str, proc: subprocess.Popen) -> None:
    import requests

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit("the server exited during start-up")
        try:
            if requests.get(f"{url}/healthz", timeout=2).ok:
                return
        except requests.RequestException:
            time.sleep(0.3)
    sys.exit("the server did not start within 180 s")


def worker_pids(master: int) -> list[int]:
    """gunicorn's workers: the serve process's children running `bot serve`."""
    out = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(master)], capture_output=True, text=True).stdout
    return [int(line.split()[0]) for line in out.splitlines() if "bot serve" in line]


def server_counts(db_url: str, users: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Per user: transcript rows of incoming messages; outbox rows (replies pushed later)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as conn:
        ins = dict(conn.execute(text("SELECT user_id, count(*) FROM chat_message WHERE direction = 'in' "
                                     "GROUP BY user_id")).all())
        pushes = dict(conn.execute(text("SELECT user_id, count(*) FROM notification GROUP BY user_id")).all())
    engine.dispose()
    return {u: ins.get(u, 0) for u in users}, {u: pushes.get(u, 0) for u in users}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=100)
    ap.add_argument("--messages", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--think", type=float, default=0.0,
                    help="mean pause (s) between one citizen's messages; 0 = back to back (saturation)")
    fault = ap.add_mutually_exclusive_group()
    fault.add_argument("--kill-worker", action="store_true", help="SIGKILL one gunicorn worker halfway through")
    fault.add_argument("--restart-pg", action="store_true", help="restart PostgreSQL halfway through")
    args = ap.parse_args()
    import requests

    with tempfile.TemporaryDirectory(prefix="fayuan-load-") as tmp:
        tmp_path = Path(tmp)
        os.chmod(tmp_path, 0o755)  # the postgres user must reach its data folder inside
        (tmp_path / "pg").mkdir()
        pg = Postgres(tmp_path / "pg")
        pg.start()
        try:
            subprocess.run([*pg.as_postgres, str(pg.bin / "createdb"), "-h", "127.0.0.1", "-p", str(pg.port),
                            "-U", "postgres", "fayuan"], check=True)
            db_url = pg.url("fayuan")
            env = dict(os.environ, DATABASE_URL=db_url, FAYUAN_VAR_DIR=str(tmp_path / "var"), SECRET_KEY="load",
                       WECHAT_TOKEN=TOKEN, WECHAT_AES_KEY=AES_KEY, WECHAT_APPID=APPID)
            subprocess.run([sys.executable, "-m", "bot", "init-db"], cwd=ROOT, env=env, check=True,
                           capture_output=True)
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            proc = serve(env, args.workers, port, tmp_path / "serve.log")
            try:
                wait_up(url, proc)
                return run_load(args, url, proc, pg, db_url, requests)
            finally:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(30)
        finally:
            pg.stop()


def run_load(args, url: str, proc: subprocess.Popen, pg: Postgres, db_url: str, requests) -> int:
    platform = WeChatPlatform(url)
    tag = uuid.uuid4().hex[:6]
    users = [f"oload{tag}{i:04d}" for i in range(args.users)]
    total = args.users * args.messages
    done = [0]
    done_lock = threading.Lock()
    fault_note = ["none"]
    outcomes: list[Outcome] = []

    def citizen(user: str) -> list[Outcome]:
        import random

        http = requests.Session()
        mine = []
        pause = random.Random(user)
        for n in range(args.messages):
            if args.think:
                time.sleep(pause.uniform(0, 2 * args.think))
            mine.append(platform.send(http, user, n, QUESTIONS[(n + hash(user)) % len(QUESTIONS)]))
            with done_lock:
                done[0] += 1
        return mine

    def fault() -> None:
        while done[0] < total // 2:
            time.sleep(0.05)
        if args.kill_worker:
            pids = worker_pids(proc.pid)
            if pids:
                os.kill(pids[0], signal.SIGKILL)
                fault_note[0] = f"SIGKILL worker {pids[0]} after {done[0]} messages"
        elif args.restart_pg:
            at = done[0]
            fault_note[0] = f"PostgreSQL restart began after {at} messages (still restarting at the end)"
            took = pg.restart()
            fault_note[0] = f"PostgreSQL restarted after {at} messages (pg_ctl restart took {took:.1f} s)"

    chaos = threading.Thread(target=fault, daemon=True)
    if args.kill_worker or args.restart_pg:
        chaos.start()
    t0 = time.perf_counter()
    with ThreadPoolExecutor(args.users) as pool:
        for mine in pool.map(citizen, users):
            outcomes.extend(mine)
    wall = time.perf_counter() - t0
    if chaos.is_alive():
        chaos.join(120)
    time.sleep(1)
    ins, pushes = server_counts(db_url, users)

    replied = [o for o in outcomes if o.replied]
    no_reply = [o for o in outcomes if not o.replied]
    by_user_no_reply: dict[str, int] = {}
    for o in no_reply:
        by_user_no_reply[o.user] = by_user_no_reply.get(o.user, 0) + 1
    pushed_later = sum(min(by_user_no_reply.get(u, 0), pushes[u]) for u in users)
    lost_citizen = len(no_reply) - pushed_later
    never_processed = sum(max(0, args.messages - ins[u]) for u in users)
    duplicated = sum(max(0, ins[u] - args.messages) for u in users)
    retried = sum(1 for o in outcomes if o.deliveries > 1)
    lat = sorted(o.latency for o in replied if o.latency is not None)
    errors: dict[str, int] = {}
    for o in outcomes:
        for e in o.errors:
            errors[e] = errors.get(e, 0) + 1

    def p(q: float) -> float:
        return lat[min(len(lat) - 1, int(round(q / 100 * (len(lat) - 1))))] if lat else float("nan")

    mode = "--kill-worker" if args.kill_worker else "--restart-pg" if args.restart_pg else "no fault"
    pace = f"think {args.think:g} s" if args.think else "back to back"
    print(f"loadtest ({mode}, {pace}): {args.users} users × {args.messages} messages = {total}, gunicorn "
          f"{args.workers} workers on PostgreSQL, {wall:.1f} s ({total / wall:.1f} msg/s), "
          f"load avg {os.getloadavg()[0]:.1f}")
    print(f"  fault: {fault_note[0]}")
    print(f"  replied passively: {len(replied)}; 'success' without reply: {sum(o.empty_success for o in outcomes)}; "
          f"all 3 deliveries failed: {sum(1 for o in outcomes if not o.replied and not o.empty_success)}")
    print(f"  messages needing WeChat's retries: {retried}; delivery errors: {errors or 'none'}")
    print(f"  pushed later via the outbox: {pushed_later}")
    print(f"  LOST (citizen got nothing): {lost_citizen}; never processed (server): {never_processed}; "
          f"DUPLICATED (processed twice): {duplicated}")
    print(f"  latency to reply: p50 {p(50) * 1000:.0f} ms, p99 {p(99) * 1000:.0f} ms, max {lat[-1] * 1000 if lat else 0:.0f} ms"
          f"; mean {statistics.mean(lat) * 1000 if lat else 0:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
