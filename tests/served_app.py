"""`python -m bot serve` as a citizen's town would run it: a real process on a free port,
its own var/ folder and SQLite file, gunicorn workers and the outbox sender beside them.
Not a conftest: importable by the test folders that need a whole server."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServedApp:
    def __init__(self, var_dir: Path, workers: int = 2, extra_env: dict | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "DATABASE_URL"))}
        self.env.update(FAYUAN_VAR_DIR=str(var_dir), DATABASE_URL=f"sqlite:///{var_dir / 'fayuan.sqlite'}",
                        PUBLIC_BASE_URL=self.url, SECRET_KEY="served-test-secret", **(extra_env or {}))
        self.workers = workers
        self.log_path = var_dir / "serve.log"
        self.proc: subprocess.Popen | None = None

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=120, check=True)

    def __enter__(self) -> "ServedApp":
        self.log = self.log_path.open("w")
        self.proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(self.port),
                                      "--workers", str(self.workers)], cwd=ROOT, env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited: {self.log_path.read_text()[-2000:]}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.3)
        raise RuntimeError("serve did not start within 120 s")

    def __exit__(self, *_exc) -> None:
        assert self.proc is not None
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()

    def log_text(self) -> str:
        return self.log_path.read_text()
