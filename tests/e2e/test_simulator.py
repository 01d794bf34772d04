"""The chat simulator in real Chromium: type, see the answer, pick a numbered option."""
from __future__ import annotations

import re

from playwright.sync_api import expect


def bot_bubbles(page):
    return page.locator(".msg.in .bubble")


def send(page, text: str) -> None:
    count = bot_bubbles(page).count()
    page.fill("#input", text)
    page.click("#send")
    expect(bot_bubbles(page)).to_have_count(count + 1, timeout=15000)


def test_welcome_question_answer_and_numbered_choice(page, live_server):
    page.goto(f"{live_server}/simulator")
    expect(bot_bubbles(page).first).to_contain_text("法援助手", timeout=15000)

    send(page, "包工头跑了工钱找谁要")
    answer = bot_bubbles(page).last
    expect(answer).to_contain_text("工")
    expect(page.locator(".msg.out .bubble").last).to_have_text("包工头跑了工钱找谁要")

    send(page, "工资")
    reply = bot_bubbles(page).last.inner_text()
    if "您想问的是" in reply:
        options = re.findall(r"^\d\. (.+)$", reply, flags=re.M)
        assert len(options) >= 2
        send(page, "1")
        expect(bot_bubbles(page).last).not_to_contain_text("您想问的是")


def test_long_answer_links_to_the_full_page(page, live_server):
    page.goto(f"{live_server}/simulator")
    expect(bot_bubbles(page).first).to_be_visible(timeout=15000)
    send(page, "老板拖欠工资怎么办")
    link = bot_bubbles(page).last.locator("a").first
    expect(link).to_have_attribute("href", re.compile(r"/faq/"))
    expect(link).to_have_text("打开说明页")  # a few words to tap (WeChat's <a> in a text reply), not a raw URL
    href = link.get_attribute("href")
    page.goto(href)
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("body")).to_contain_text("法律依据")


def test_location_button_lists_offices(page, live_server):
    page.goto(f"{live_server}/simulator")
    expect(bot_bubbles(page).first).to_be_visible(timeout=15000)
    count = bot_bubbles(page).count()
    page.get_by_role("button", name="发送位置(长春)").click()
    expect(bot_bubbles(page)).to_have_count(count + 1, timeout=15000)
    expect(bot_bubbles(page).last).to_contain_text("电话")
