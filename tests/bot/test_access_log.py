"""Access logs carry no WeChat signature, openid or personal link token (issue 11 item 1)."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.logging_config import GUNICORN_LOG_SETTINGS, redact_line, redact_path

ROOT = Path(__file__).resolve().parents[2]


def test_paths_lose_queries_and_tokens():
    assert redact_path("/wechat?signature=abc&openid=o123") == "/wechat"
    assert redact_path("/h5/apply/eyJ1IjoibzEyMyJ9.abc") == "/h5/apply/…"
    assert redact_path("/result/MTIz.sig") == "/result/…"
    assert redact_path("/console/cases/FY-2026-000001") == "/console/cases/FY-2026-000001"
    line = '127.0.0.1 "POST /wechat?signature=s&timestamp=1&nonce=2&openid=oABC HTTP/1.1" 200'
    assert "oABC" not in redact_line(line) and "signature" not in redact_line(line)


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_gunicorn_access_log_has_no_query_or_token(tmp_path):
    pytest.importorskip("gunicorn")
    app_file = tmp_path / "tinyapp.py"
    app_file.write_text("def app(environ, start_response):\n"
                        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
                        "    return [b'ok']\n")
    log = tmp_path / "access.log"
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--chdir", str(tmp_path), "-b", f"127.0.0.1:{port}", "-w", "1",
         "--access-logfile", str(log), "--access-logformat", GUNICORN_LOG_SETTINGS["access_log_format"],
         "--logger-class", GUNICORN_LOG_SETTINGS["logger_class"], "tinyapp:app"],
        cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        urllib.request.urlopen(url + "/wechat?signature=deadbeef&timestamp=1&nonce=42&openid=oSECRET", timeout=5)
        urllib.request.urlopen(url + "/h5/apply/TOKENSECRET.sig", timeout=5)
        time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    text = log.read_text()
    assert "/wechat" in text and "/h5/apply/…" in text
    for secret in ("deadbeef", "oSECRET", "TOKENSECRET", "signature", "nonce"):
        assert secret not in text
