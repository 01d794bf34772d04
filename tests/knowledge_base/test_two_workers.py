"""Two worker processes on one PostgreSQL database: a publish through one is used by the other.

Real `python -m bot serve` processes (as gunicorn would run several); the publish goes
through worker A's console exactly as staff would do it, the question goes to worker B.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "饷银被扣了怎么办"
# `bot serve` stops gracefully: gunicorn gives its workers graceful_timeout (10 s) to finish,
# then the outbox sender beside it gets 5 s; on a loaded machine that can take longer.
STOP_GRACE_SECONDS = 60


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError(log.read_text(errors="replace")[-4000:] or "worker exited")
        try:
            if requests.get(f"{url}/healthz", timeout=1).ok:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise TimeoutError(url)


@pytest.fixture(scope="module")
def workers():
    base = os.environ.get("TEST_PG_URL")
    if not base:
        if os.environ.get("FAYUAN_REQUIRE_PG"):
            pytest.fail("TEST_PG_URL is not set but PostgreSQL tests are required")
        pytest.skip("no PostgreSQL server (run scripts/test.sh)")
    from app_factory import pg_database

    from bot.db import Database
    from handoff.accounts import create_user

    url = pg_database(base)
    db = Database(url)
    db.prepare()  # migrated and seeded once, before the workers start
    with db.session() as s:
        create_user(s, "publisher", "password123", "staff", "发布人")
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="two-workers", PUBLIC_BASE_URL="")
    procs, urls, logs = [], [], []
    logdir = tempfile.TemporaryDirectory()
    try:
        for i in range(2):
            port = _port()
            # The output goes to a file, not a pipe nobody reads: a full pipe blocks the
            # server's next log line, and a blocked server cannot stop.
            log = Path(logdir.name) / f"serve{i}.log"
            with log.open("wb") as out:
                p = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port)], cwd=ROOT,
                                     env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            procs.append(p)
            urls.append(f"http://127.0.0.1:{port}")
            logs.append(log)
        for u, p, log in zip(urls, procs, logs):
            _wait(u, p, log)
        yield urls
    finally:
        stop(procs)
        db.engine.dispose()
        logdir.cleanup()


def stop(procs: list[subprocess.Popen], grace: float = STOP_GRACE_SECONDS) -> None:
    """SIGTERM to every server, then wait for all of them; one that has not stopped after
    STOP_GRACE_SECONDS is killed with its process group (its gunicorn workers). Never
    raises: a slow stop must not fail the tests that passed, nor leave servers running."""
    for p in procs:
        if p.poll() is None:
            p.terminate()
    end = time.monotonic() + grace
    for p in procs:
        try:
            p.wait(timeout=max(0.1, end - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()


def _ask(url: str, text: str) -> dict:
    return requests.post(f"{url}/simulator/api/send", json={"user": "w" + str(time.time_ns())[-10:], "text": text},
                         timeout=30).json()


def _token(html: str) -> str:
    return re.search(r'csrf_token[^>]*value="([^"]+)"', html).group(1)


def test_a_publish_in_one_worker_is_used_by_the_other(workers):
    a, b = workers
    assert _ask(a, QUESTION)["code"] == "other" and _ask(b, QUESTION)["code"] == "other"
    s = requests.Session()
    r = s.post(f"{a}/console/login", data={"username": "publisher", "password": "password123",
                                          "csrf_token": _token(s.get(f"{a}/console/login").text)})
    assert r.ok and "/console/login" not in r.url
    page = s.get(f"{a}/console/kb/lexicon").text
    r = s.post(f"{a}/console/kb/lexicon/group", data={"canonical": "工资", "variants": "饷银", "csrf_token": _token(page)})
    assert "已保存为草稿" in r.text
    assert _ask(b, QUESTION)["code"] == "other"  # a draft changes no worker
    page = s.get(f"{a}/console/kb/publish").text
    r = s.post(f"{a}/console/kb/publish", data={
        "csrf_token": _token(page), "message": "饷银 = 工资", "confirm": "1",
        "fingerprint": re.search(r'name="fingerprint" value="([0-9a-f]+)"', page).group(1),
        "version": re.search(r'name="version" value="(\d+)"', page).group(1)})
    assert "已发布为第" in r.text
    deadline = time.time() + 10
    while _ask(b, QUESTION)["code"] != "labor.wages":
        assert time.time() < deadline, "worker B never picked up the publish"
        time.sleep(0.3)
    assert _ask(a, QUESTION)["code"] == "labor.wages"


def test_stop_ends_a_server_that_ignores_sigterm_with_its_children():
    """The teardown never hangs and leaves nothing running: a server (and the child it
    started) that ignores SIGTERM is killed with its process group after the grace time."""
    code = ("import signal, subprocess, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            "c = subprocess.Popen([sys.executable, '-c', 'import signal, time; "
            "signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)']); print(c.pid, flush=True); "
            "time.sleep(600)")
    server = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, start_new_session=True)
    child = int(server.stdout.readline())
    stop([server], grace=0.5)
    assert server.returncode == -signal.SIGKILL
    for _ in range(100):  # the child is reaped by init once killed
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the server's child is still running")
