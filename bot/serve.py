"""`python -m bot serve`: the production server by default, with the outbox sender beside it.

- gunicorn, several workers (``--workers``, default 2 per core, at most 8), ``gthread``
  workers with a few threads each so one slow request does not hold a whole process;
- the app is built and warmed (bot/warmup.py) in the master before the workers fork
  (``preload_app``): no worker takes traffic before its index and jieba are loaded;
- after the fork each worker drops the database connections it inherited (a socket
  shared by two processes corrupts both sides' conversations);
- the access log has no query strings and no tokens (bot/access_log.py);
- the outbox sender (``python -m bot outbox send --loop``) runs as a child process, so a
  staff reply reaches the citizen (or the simulator) with no manual step; it exits when
  this process does;
- ``--debug``: Flask's development server (reloader off), same sender.
"""
from __future__ import annotations

import atexit
import logging
import os
import subprocess
import sys

log = logging.getLogger(__name__)
SENDER_INTERVAL_SECONDS = 2.0


def default_workers() -> int:
    return max(2, min(8, 2 * (os.cpu_count() or 1)))


def start_sender(interval: float = SENDER_INTERVAL_SECONDS) -> subprocess.Popen:
    """The outbox and reminder sender, tied to this process's life."""
    cmd = [sys.executable, "-m", "bot", "outbox", "send", "--loop", "--interval", str(interval),
           "--parent-pid", str(os.getpid())]
    proc = subprocess.Popen(cmd, start_new_session=True)

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
    atexit.register(stop)
    return proc


def _dispose_inherited_connections() -> None:
    from .db import _databases

    for db in _databases.values():
        db.engine.dispose(close=False)


def gunicorn_options(host: str, port: int, workers: int, threads: int) -> dict:
    from .logging_config import GUNICORN_LOG_SETTINGS

    return {
        "bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread", "threads": threads,
        "preload_app": True, "timeout": 30, "graceful_timeout": 10, "keepalive": 5,
        "accesslog": "-", **GUNICORN_LOG_SETTINGS,  # no query strings, no link tokens (docs/SECURITY.md)
        "post_fork": lambda _server, _worker: _dispose_inherited_connections(),
        # gunicorn ≥ 23 opens a control socket at one fixed path per user: two servers on a
        # machine (tests, a second instance) would fight over it, and we do not use it.
        "control_socket_disable": True,
    }


def run_gunicorn(app, options: dict) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                if key in self.cfg.settings:  # settings an older gunicorn lacks are skipped
                    self.cfg.set(key, value)

        def load(self):
            return app

    Server().run()


def serve(host: str, port: int, workers: int | None = None, threads: int = 4, debug: bool = False,
          sender: bool = True) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if not debug:
        try:
            import gunicorn  # noqa: F401
        except ImportError:
            print("gunicorn is not installed: .venv/bin/pip install -r requirements.txt "
                  "(or run the development server with --debug)", file=sys.stderr)
            return 2
    from . import create_app
    from .warmup import warm

    app = create_app()
    took = warm(app)
    if sender:
        start_sender()
    print(f"法援助手 running: http://{host}:{port}/simulator (warm in {took:.1f} s; "
          f"{'Flask development server' if debug else f'gunicorn, {workers or default_workers()} workers'}; "
          f"outbox sender {'on' if sender else 'off'})", flush=True)
    if debug:
        app.run(host=host, port=port, debug=True, use_reloader=False, threaded=True)
        return 0
    from .db import _databases

    for db in _databases.values():  # the master never serves: close what the warm-up opened
        db.engine.dispose()
    run_gunicorn(app, gunicorn_options(host, port, workers or default_workers(), threads))
    return 0
