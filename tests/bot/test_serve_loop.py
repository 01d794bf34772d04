"""The one-command setup closes the loop: `python -m bot serve` (gunicorn workers plus the
outbox sender it starts) → a simulator citizen asks for a person → staff reply in the
console → the reply appears in the simulator's inbox, and the console then says 「已发送」.
Real processes, real HTTP, a real SQLite file; no WeChat credentials (development)."""
from __future__ import annotations

import re
import time
import uuid

import pytest
import requests

from handoff_helpers import PASSWORD, csrf_token
from served_app import ServedApp


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with ServedApp(tmp_path_factory.mktemp("served")) as app:
        app.cli("user", "add", "desk", "--role", "staff", "--password", PASSWORD)
        yield app


def console_session(served: ServedApp) -> requests.Session:
    staff = requests.Session()
    page = staff.get(f"{served.url}/console/login").text
    staff.post(f"{served.url}/console/login", data={"username": "desk", "password": PASSWORD,
                                                    "csrf_token": csrf_token(page)})
    return staff


def wait_for_inbox(served: ServedApp, user: str, after: int = 0, seconds: float = 20) -> list[dict]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = requests.get(f"{served.url}/simulator/api/inbox", params={"user": user, "after": after}, timeout=5)
        messages = got.json()["messages"]
        if messages:
            return messages
        time.sleep(0.5)
    return []


def test_a_staff_reply_reaches_the_simulator_without_a_manual_step(served):
    user = "loop" + uuid.uuid4().hex[:10]
    said = requests.post(f"{served.url}/simulator/api/send", json={"user": user, "text": "人工"}, timeout=10).json()
    assert "转人工" in said["reply"]

    staff = console_session(served)
    listing = staff.get(f"{served.url}/console/handovers", params={"simulated": "1"}).text  # the simulator's chats
    hid = re.findall(r"/console/handovers/(\d+)", listing)[-1]
    page = staff.get(f"{served.url}/console/handovers/{hid}").text
    staff.post(f"{served.url}/console/handovers/{hid}/reply",
               data={"text": "您好，我是法律援助中心的小王，请问工资欠了多久？", "csrf_token": csrf_token(page)})

    messages = wait_for_inbox(served, user)
    assert [(m["kind"], m["text"]) for m in messages] == [("staff_reply", "您好，我是法律援助中心的小王，请问工资欠了多久？")]
    console = staff.get(f"{served.url}/console/handovers/{hid}").text
    assert '<span class="delivery">已发送</span>' in console
    assert wait_for_inbox(served, user, after=messages[-1]["id"], seconds=3) == []  # delivered once


def test_the_inbox_refuses_malformed_parameters(served):
    assert requests.get(f"{served.url}/simulator/api/inbox", params={"user": "x", "after": "0"}).status_code == 400
    assert requests.get(f"{served.url}/simulator/api/inbox",
                        params={"user": "loopuser1", "after": "abc"}).status_code == 400


def test_the_access_log_keeps_query_strings_and_tokens_out(served):
    requests.get(f"{served.url}/healthz", params={"signature": "s3cr3t-sig", "openid": "o-victim"}, timeout=5)
    requests.get(f"{served.url}/h5/apply/personal-token-123", timeout=5)
    time.sleep(0.5)
    log = served.log_text()
    assert '"GET /healthz HTTP/1.1" 200' in log and '"GET /h5/apply/… HTTP/1.1"' in log
    assert "s3cr3t-sig" not in log and "o-victim" not in log and "personal-token-123" not in log
