"""The citizen's H5 pages on a phone (390×844) in real Chromium: every field error at once,
booking by day then time, the result page's apply button, a link that expired, the
progress timeline, and an automated WCAG AA check (contrast, text size, tap targets,
zoom) over every citizen page."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from handoff_helpers import WAGES_FACTS, WAGES_RESULT, make_case

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_public_holidays")]

# Computed-style audit, run in the page. Text: contrast ≥ 4.5:1 (3:1 from 24 px, or 18.66 px
# bold) against the first opaque background behind it; size ≥ 16 px. Controls (buttons,
# inputs, selects, links styled as blocks): ≥ 44 px high. Inline links in a sentence are
# exempt from the target size (WCAG 2.5.8), not from contrast.
AUDIT_JS = r"""
() => {
  function rgba(s) { const m = s.match(/rgba?\(([^)]+)\)/); if (!m) return [0,0,0,0];
    const p = m[1].split(',').map(x => parseFloat(x)); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; }
  function lum(c) { const v = c.slice(0,3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; }
  function bg(el) { for (let e = el; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor);
    if (c[3] > 0.5) return c; } return [255,255,255,1]; }
  const problems = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode; const el = node.parentElement;
    if (!node.textContent.trim() || !el || seen.has(el)) continue;
    seen.add(el);
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.display === 'none' || el.getClientRects().length === 0) continue;
    if (el.closest('.visually-hidden, script, style, option')) continue;
    const size = parseFloat(cs.fontSize); const bold = parseInt(cs.fontWeight) >= 700;
    const fg = rgba(cs.color); const back = bg(el);
    const a = lum(fg), b = lum(back); const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const large = size >= 24 || (bold && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) problems.push(`contrast ${ratio.toFixed(2)} <${el.tagName.toLowerCase()}> "${node.textContent.trim().slice(0, 20)}"`);
    if (size < 16) problems.push(`font ${size}px <${el.tagName.toLowerCase()}> "${node.textContent.trim().slice(0, 20)}"`);
  }
  document.querySelectorAll('button, input:not([type=hidden]), select, textarea, a').forEach(el => {
    const r = el.getBoundingClientRect(); if (!r.width) return;
    const cs = getComputedStyle(el);
    if (el.tagName === 'A' && cs.display === 'inline') return;
    if (el.type === 'checkbox' || el.type === 'radio') { const lab = el.closest('label');
      if (lab && lab.getBoundingClientRect().height >= 44) return; }
    if (r.height < 44) problems.push(`target ${Math.round(r.height)}px <${el.tagName.toLowerCase()}> "${(el.innerText || el.value || el.name || '').trim().slice(0, 20)}"`);
  });
  const vp = document.querySelector('meta[name=viewport]');
  if (vp && /maximum-scale=1(\.0)?\b|user-scalable=no/.test(vp.content)) problems.push('zoom blocked: ' + vp.content);
  return problems;
}
"""


def _record(db, decision: str = "eligible") -> tuple[str, int]:
    from bot.conversation import EligibilityRecord

    user = "o" + uuid.uuid4().hex[:20]
    with db.session() as s:
        rec = EligibilityRecord(user_id=user, matter="labor.wages", region="石狮市", decision=decision,
                                priority=True, questions=3, facts=WAGES_FACTS,
                                result=dict(WAGES_RESULT, decision=decision))
        s.add(rec)
        s.flush()
        return user, rec.id


def _link(page_name: str, user: str) -> str:
    from handoff.links import make_token
    return f"/h5/{page_name}/{make_token('test-secret', user, page_name)}"


def _result_link(record_id: int) -> str:
    from bot.result_view import result_token
    return f"/result/{result_token('test-secret', record_id)}"


def _audit(page) -> list[str]:
    return page.evaluate(AUDIT_JS)


def test_an_empty_submit_flags_every_missing_field_at_once(page, live_server, db):
    user, _ = _record(db)
    page.goto(live_server + _link("apply", user))
    page.check("#consent-general")
    page.check("#consent-sensitive")
    page.get_by_role("button", name="同意并开始填写").click()
    page.fill("#f-name", "王五")
    page.get_by_role("button", name="提交申请").click()

    flagged = [f for f in ("name", "id_number", "phone", "address", "other_party", "account", "amount_claimed")
               if page.inner_text(f"#err-{f}").strip()]
    assert flagged == ["id_number", "phone", "address", "other_party", "account", "amount_claimed"]
    assert page.inner_text("#form-summary").startswith("还有 6 项没填好")
    assert page.get_attribute("#f-phone", "aria-invalid") == "true"
    assert page.input_value("#f-name") == "王五"  # nothing typed is lost
    # Web wording: labels and plain words, not chat instructions or jargon.
    body = page.inner_text("body")
    assert "回复" not in body and "请告诉我" not in body and "主张金额" not in body
    assert "想要回多少钱（元）" in body


def test_consent_page_speaks_web_not_chat(page, live_server, db):
    user, _ = _record(db)
    page.goto(live_server + _link("apply", user))
    body = page.inner_text("body")
    assert "回复「1」" not in body and "回复「2」" not in body
    assert "谁能看到" in body  # the notice itself is kept whole
    expect(page.get_by_role("button", name="同意并开始填写")).to_be_visible()


def test_booking_picks_a_day_first_then_one_of_its_times(page, live_server, db):
    user = "o" + uuid.uuid4().hex[:20]
    make_case(type("A", (), {"extensions": {"fayuan_db": db}})(), user)
    page.goto(live_server + _link("book", user))
    days = page.locator("#days a")
    assert days.count() >= 2
    first_times = page.locator("#times input[name=slot]").count()
    assert 0 < first_times <= 16  # one day's times, not the week's wall of radio buttons

    second = days.nth(1)
    second_day = second.get_attribute("data-day")
    second.click()
    expect(page.locator("#days a[aria-current=date]")).to_have_attribute("data-day", second_day)
    slots = page.locator("#times input[name=slot]")
    assert all(v.startswith(second_day) for v in slots.evaluate_all("els => els.map(e => e.value)"))
    chosen = slots.nth(0).get_attribute("value")
    page.locator("#times label").nth(0).click()
    page.get_by_role("button", name="确认预约").click()
    expect(page.locator("h1")).to_have_text("✅ 预约成功")
    assert chosen[11:16] in page.inner_text("#booked-when")
    # An unverified office shows no placeholder address or phone, and 12348 is tappable.
    body = page.inner_text("body")
    assert "示例" not in body and "待核实" not in body
    assert page.locator("a[href='tel:12348']").count() >= 1


def test_the_result_page_ends_in_an_apply_button(page, live_server, db):
    user, record_id = _record(db, "eligible")
    page.goto(live_server + _result_link(record_id))
    button = page.locator("#apply-btn")
    expect(button).to_have_text("在线申请法律援助")
    button.click()
    expect(page.locator("h1")).to_have_text("在线申请法律援助")  # the consent page of this citizen
    assert "个人信息说明" in page.inner_text("body")


def test_a_refusal_has_no_apply_button(page, live_server, db):
    _user, record_id = _record(db, "not_eligible")
    page.goto(live_server + _result_link(record_id))
    assert page.locator("#apply-btn").count() == 0
    assert page.locator("a[href='tel:12348']").count() >= 1


def test_an_expired_link_says_what_happened_and_how_to_get_a_new_one(page, live_server):
    response = page.goto(live_server + "/h5/apply/not-a-real-token")
    assert response.status == 404
    expect(page.locator("#broken-title")).to_have_text("这个链接已过期或不完整")
    body = page.inner_text("body")
    assert "申请" in body and "预约" in body and "我的申请" in body


def test_my_cases_show_a_status_timeline(page, live_server, db):
    from handoff import applications as apps
    from handoff.models import Application
    from sqlalchemy import select

    user = "o" + uuid.uuid4().hex[:20]
    number = make_case(type("A", (), {"extensions": {"fayuan_db": db}})(), user)
    with db.session() as s:
        app = s.scalars(select(Application).where(Application.number == number)).one()
        app.status = "under_review"
    page.goto(live_server + _link("mine", user))
    steps = page.locator(f"ol.timeline[data-number='{number}'] li")
    assert steps.all_inner_texts()[:3] == ["已提交", "审查中", "作出决定"]
    assert steps.nth(0).get_attribute("class") == "done"
    assert steps.nth(1).get_attribute("aria-current") == "step"
    assert steps.nth(2).get_attribute("class") == "todo"
    assert apps  # the module used by make_case; keeps the import explicit


@pytest.mark.parametrize("which", ["consent", "form", "book", "booked", "mine", "result", "faq", "broken",
                                   "simulator"])
def test_citizen_pages_pass_the_contrast_size_and_target_check(page, live_server, db, which):
    user = "o" + uuid.uuid4().hex[:20]
    if which in ("consent", "form"):
        user, _ = _record(db)
        page.goto(live_server + _link("apply", user))
        if which == "form":
            page.check("#consent-general")
            page.check("#consent-sensitive")
            page.get_by_role("button", name="同意并开始填写").click()
            page.get_by_role("button", name="提交申请").click()  # errors shown too
    elif which in ("book", "booked", "mine"):
        make_case(type("A", (), {"extensions": {"fayuan_db": db}})(), user)
        page.goto(live_server + _link("book", user))
        if which == "booked":
            page.locator("#times label").nth(0).click()
            page.get_by_role("button", name="确认预约").click()
        if which == "mine":
            page.goto(live_server + _link("mine", user))
    elif which == "result":
        _u, record_id = _record(db)
        page.goto(live_server + _result_link(record_id))
    elif which == "faq":
        page.goto(live_server + "/faq/" + _any_faq_id(db))
    elif which == "broken":
        page.goto(live_server + "/h5/book/expired")
    else:
        page.goto(live_server + "/simulator")
        expect(page.locator(".msg.in .bubble").first).to_be_visible(timeout=15000)
    assert _audit(page) == []


def _any_faq_id(db) -> str:
    from knowledge_base import store as kb_store

    with db.session() as s:
        return next(iter(kb_store.published_entries(s))).faq_id


def test_token_expiry_is_a_week(monkeypatch):
    """The broken-link page promises 7 days: the promise and the setting are one number."""
    from bot.h5 import web_texts
    from handoff.links import MAX_AGE_SECONDS

    assert timedelta(seconds=MAX_AGE_SECONDS).days == 7
    assert re.search(r"\b7 天", web_texts()["link_broken"]["message"])
