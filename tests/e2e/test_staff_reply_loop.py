"""In real Chromium, against `python -m bot serve` (gunicorn workers and the outbox sender it
starts): a citizen in the simulator asks for a person, a staff member answers in the
console in another window, and the answer appears in the citizen's chat by itself."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from handoff_helpers import PASSWORD
from served_app import ServedApp


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with ServedApp(tmp_path_factory.mktemp("served-e2e")) as app:
        app.cli("user", "add", "desk", "--role", "staff", "--password", PASSWORD)
        yield app


def test_a_staff_reply_in_the_console_appears_in_the_simulator(browser, page, served):
    page.goto(f"{served.url}/simulator")
    bubbles = page.locator(".msg.in .bubble")
    expect(bubbles.first).to_contain_text("法援助手", timeout=15000)
    page.fill("#input", "人工")
    page.click("#send")
    expect(bubbles.last).to_contain_text("转人工", timeout=15000)

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    desk.goto(f"{served.url}/console/login")
    desk.fill("input[name=username]", "desk")
    desk.fill("input[name=password]", PASSWORD)
    desk.locator("form button[type=submit], form input[type=submit]").last.click()
    desk.goto(f"{served.url}/console/handovers")
    desk.locator("text=查看模拟器测试会话").click()  # simulator chats are kept apart from real citizens
    desk.locator("a[href^='/console/handovers/']").last.click()
    desk.fill("textarea[name=text]", "您好，我是工作人员，请问您在哪个城市？")
    desk.get_by_role("button", name="发送").click()
    expect(desk.locator(".delivery").last).to_have_text("排队中")

    push = page.locator(".msg.push .bubble")
    expect(push).to_have_count(1, timeout=20000)
    expect(push).to_contain_text("您好，我是工作人员，请问您在哪个城市？")
    expect(push.locator(".push-title")).to_have_text("工作人员回复")

    desk.reload()
    expect(desk.locator(".delivery").last).to_have_text("已发送")
    desk.context.close()
    page.reload()  # a reload does not show the same notice again
    expect(page.locator(".bubble").first).to_be_visible(timeout=15000)
    page.wait_for_timeout(3000)
    expect(push).to_have_count(0)
