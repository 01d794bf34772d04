"""The console on a lawyer's phone (390 px, real Chromium): queue and case page without
sideways scrolling, the urgent mark, the same-applicant mark, the one-action accept with
one notice, and the 人工 inbox (badge, masked preview, waiting time, newest message shown)."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from handoff_helpers import PASSWORD, WAGES_FACTS, fresh_person, make_case

pytestmark = pytest.mark.browser
PHONE = 390
SHOTS = None  # set to a folder path to keep screenshots while working on the layout


@pytest.fixture()
def people(db):
    """A staff member and a lawyer with fresh names: {role: (username, display name, id)}."""
    from handoff.accounts import create_user

    tag = uuid.uuid4().hex[:6]
    with db.session() as s:
        staff = create_user(s, f"staff-{tag}", PASSWORD, "staff", f"李工作人员{tag}")
        lawyer = create_user(s, f"lawyer-{tag}", PASSWORD, "lawyer", f"赵律师{tag}")
        return {"staff": (staff.username, staff.display_name, staff.id),
                "lawyer": (lawyer.username, lawyer.display_name, lawyer.id)}


def _app(db):
    return type("A", (), {"extensions": {"fayuan_db": db}})()


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/console/")


def fits_the_phone(page) -> None:
    """No sideways scrolling: the page is no wider than the phone."""
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, page.url
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{uuid.uuid4().hex[:6]}.png", full_page=True)


def tall_enough(locator) -> None:
    for i in range(locator.count()):
        box = locator.nth(i).bounding_box()
        assert box is not None and box["height"] >= 44, (locator.nth(i).inner_text(), box)


def test_queue_and_case_page_fit_a_phone_with_urgent_and_same_applicant_marks(page, live_server, db, people):
    ident, phone = fresh_person()
    first = make_case(_app(db), "o" + uuid.uuid4().hex[:20], priority=False, name="孙七", id_number=ident,
                      phone=phone)
    urgent = make_case(_app(db), "o" + uuid.uuid4().hex[:20], priority=False, name="孙七", id_number=ident,
                       phone=fresh_person()[1], facts=dict(WAGES_FACTS, urgent=["deadline_within_7_days"]))
    sign_in(page, live_server, people["staff"][0])

    fits_the_phone(page)
    assert page.is_hidden("header nav")  # collapsed into the menu on a phone
    page.click("label[for=nav-toggle]")
    assert page.is_visible("header nav") and page.get_by_role("link", name="人工会话").is_visible()
    tall_enough(page.locator("header nav a, header nav button"))
    fits_the_phone(page)
    page.click("label[for=nav-toggle]")

    card = page.locator(f"#queue tr:has(td:first-child > a:text-is('{urgent}'))")
    mark = card.locator(".tag.urgent")
    assert mark.is_visible() and mark.inner_text() == "紧急"
    assert "期限不到7天" in card.inner_text()
    assert card.locator(".same-applicant").inner_text() == f"同一申请人另有 1 件：{first}"
    numbers = page.locator("#queue tr td:first-child > a").all_inner_texts()
    assert numbers.index(urgent) < numbers.index(first)  # urgent before the plain case of the same day
    assert page.locator(f"#queue tr:has(td:first-child > a:text-is('{first}')) .tag.urgent").count() == 0
    tall_enough(page.locator("#filters button, #filters select, #filters input[type=search]"))

    card.locator(".same-applicant a").click()
    page.wait_for_url(f"**/console/cases/{first}")
    assert page.inner_text("h1").startswith(f"申请 {first}")
    page.get_by_role("link", name=urgent).click()
    page.wait_for_url(f"**/console/cases/{urgent}")
    fits_the_phone(page)
    assert page.inner_text("#case-urgent") == "紧急：期限不到7天"
    assert page.inner_text("#stepper [aria-current=step]") == "提交"
    assert "同一申请人另有 1 件" in page.inner_text("#same-applicant")
    tall_enough(page.locator("#workflow button"))


def test_one_action_accept_sends_one_notice(page, live_server, db, people):
    from handoff.models import Application, CaseEvent, Notification

    user = "o" + uuid.uuid4().hex[:20]
    ident, phone = fresh_person()
    number = make_case(_app(db), user, name="周八", id_number=ident, phone=phone)
    sign_in(page, live_server, people["staff"][0])
    page.goto(f"{live_server}/console/cases/{number}")
    page.select_option("#accept-assign select[name=lawyer_id]", label=people["lawyer"][1])
    page.get_by_role("button", name="决定给予援助并指派律师").click()

    expect(page.locator("#case-status")).to_have_text("已指派律师")
    assert page.inner_text("#case-lawyer") == people["lawyer"][1]
    assert page.inner_text("#stepper [aria-current=step]") == "指派"
    fits_the_phone(page)
    with db.session() as s:
        case = s.scalars(select(Application).where(Application.number == number)).one()
        steps = [e.to_status for e in s.scalars(select(CaseEvent).where(CaseEvent.application_id == case.id)
                                                .order_by(CaseEvent.id))]
        sent = list(s.scalars(select(Notification).where(Notification.user_id == user)))
    assert steps == ["submitted", "under_review", "accepted", "assigned"]
    assert len(sent) == 1
    assert sent[0].status == "pending" and people["lawyer"][1] in sent[0].text and number in sent[0].text


def test_inbox_badge_preview_waiting_time_and_newest_message(page, live_server, db, people):
    from bot.conversation import ChatMessage
    from handoff import inbox
    from handoff.models import Handover
    from ground.clock import utcnow

    user = "o" + uuid.uuid4().hex[:20]
    now = utcnow()
    with db.session() as s:
        h = Handover(user_id=user, status="waiting", opened_at=now - timedelta(minutes=12, seconds=30))
        s.add(h)
        for i in range(30):  # an earlier conversation, long enough to need scrolling
            s.add(ChatMessage(user_id=user, direction="in" if i % 2 else "out", text=f"早先的消息 {i}",
                              created_at=now - timedelta(hours=2, minutes=30 - i)))
        s.add(ChatMessage(user_id=user, direction="in", text="人工", created_at=now - timedelta(minutes=12, seconds=40)))
        s.add(ChatMessage(user_id=user, direction="in", text="我的身份证是11010519491231002X，老板欠我三个月工资",
                          created_at=now - timedelta(minutes=12)))
        s.flush()
        hid = h.id
    with db.session() as s:
        waiting = inbox.waiting_count(s)
    assert waiting >= 1

    sign_in(page, live_server, people["staff"][0])
    page.click("label[for=nav-toggle]")
    assert page.inner_text("#inbox-badge") == str(waiting)
    page.get_by_role("link", name="人工会话").click()
    page.wait_for_url("**/console/handovers")
    fits_the_phone(page)
    item = page.locator("#handovers li", has=page.locator(f"a[href$='/console/handovers/{hid}']"))
    text = item.inner_text()
    assert "1101**********002X" in text and "11010519491231002X" not in text
    assert "老板欠我三个月工资" in text and "等了 12 分钟" in text

    item.locator("a").click()
    page.wait_for_url(f"**/console/handovers/{hid}")
    fits_the_phone(page)
    newest = page.locator("#latest")
    assert "老板欠我三个月工资" in newest.inner_text()
    box, view = newest.bounding_box(), page.locator("#transcript").bounding_box()
    assert page.evaluate("document.getElementById('transcript').scrollHeight") > view["height"]  # it does scroll
    assert view["y"] <= box["y"] and box["y"] + box["height"] <= view["y"] + view["height"] + 1
    tall_enough(page.locator("main button"))


def test_lawyer_closes_a_case_only_after_confirming_and_the_record_names_people(page, live_server, db, people):
    from handoff import applications as apps
    from handoff.models import Application

    user = "o" + uuid.uuid4().hex[:20]
    ident, phone = fresh_person()
    number = make_case(_app(db), user, name="吴九", id_number=ident, phone=phone)
    with db.session() as s:
        case = s.scalars(select(Application).where(Application.number == number)).one()
    sign_in(page, live_server, people["staff"][0])
    page.goto(f"{live_server}/console/cases/{number}")
    page.select_option("#accept-assign select[name=lawyer_id]", label=people["lawyer"][1])
    page.get_by_role("button", name="决定给予援助并指派律师").click()
    expect(page.locator("#case-status")).to_have_text("已指派律师")
    record = page.locator("table:below(h2:text-is('记录'))").first.inner_text()
    assert f"{people['staff'][1]}（{people['staff'][0]}）" in record          # the name colleagues know
    assert f"已指派律师（律师：{people['lawyer'][1]}）" in record

    page.context.clear_cookies()
    sign_in(page, live_server, people["lawyer"][0])
    page.goto(f"{live_server}/console/cases/{number}")
    note = page.get_by_role("textbox", name="备注")
    page.get_by_role("button", name="保存备注").click()  # empty: the browser asks for it, no round trip
    assert note.evaluate("e => e.validity.valueMissing") and page.locator(".flash").count() == 0
    page.get_by_role("button", name="接手办理").click()
    expect(page.locator("#case-status")).to_have_text("律师办理中")
    fits_the_phone(page)
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))  # a slip of the thumb
    page.get_by_role("button", name="结案").click()
    expect(page.locator("#case-status")).to_have_text("律师办理中")
    assert asked and asked[0].startswith("确定结案")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="结案").click()
    page.wait_for_url(f"{live_server}/console/")
    with db.session() as s:
        assert s.get(Application, case.id).status == "closed"
