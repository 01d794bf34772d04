"""A real server on a free port and Debian's Chromium driven by Playwright.

Playwright cannot download its own browsers here, so it launches /usr/bin/chromium.
Without Chromium the browser tests are skipped locally but fail in CI
(FAYUAN_REQUIRE_BROWSER=1, set by .ci/run after installing it).
"""
from __future__ import annotations

import os
import shutil
import socket
import threading

import pytest
from werkzeug.serving import make_server

from app_factory import make_app


def chromium_path() -> str | None:
    return os.environ.get("FAYUAN_CHROMIUM") or shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)


@pytest.fixture(scope="session")
def live_server(sqlite_url):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = make_app(sqlite_url, PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        if os.environ.get("FAYUAN_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required for the browser tests but was not found")
        pytest.skip("Chromium not installed (apt-get install chromium, or run .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture()
def db(live_server, sqlite_url):
    """The database the live server uses, for arranging a page's data."""
    from bot.db import get_database
    return get_database(sqlite_url)


@pytest.fixture()
def no_public_holidays(monkeypatch):
    """Booking pages must not depend on the calendar (the server runs in this process)."""
    monkeypatch.setattr("handoff.appointments.load_holidays", lambda: frozenset())
