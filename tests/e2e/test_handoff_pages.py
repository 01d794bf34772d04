"""Playwright in real Chromium: the H5 application form and booking page, and the console
(login, queue, case pickup, workflow buttons)."""
from __future__ import annotations

import re
import uuid

import pytest

from handoff_helpers import PASSWORD, WAGES_FACTS, WAGES_RESULT, make_case

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_public_holidays")]


@pytest.fixture()
def assessed_user(db) -> str:
    """A citizen whose questionnaire found a wage claim eligible (as the chat leaves it)."""
    from bot.conversation import EligibilityRecord

    user = "o" + uuid.uuid4().hex[:20]
    with db.session() as s:
        s.add(EligibilityRecord(user_id=user, matter="labor.wages", region="石狮市", decision="eligible",
                                priority=True, questions=3, facts=WAGES_FACTS, result=WAGES_RESULT))
    return user


def _link(page_name: str, user: str) -> str:
    from handoff.links import make_token
    return f"/h5/{page_name}/{make_token('test-secret', user, page_name)}"


def test_h5_application_form_then_booking(page, live_server, assessed_user):
    page.goto(live_server + _link("apply", assessed_user))
    assert "个人信息说明" in page.content()
    page.get_by_role("button", name="同意并开始填写").click()
    assert "请勾选两项同意" in page.inner_text(".weui-toptips")
    page.check("#consent-general")
    page.check("#consent-sensitive")
    page.get_by_role("button", name="同意并开始填写").click()

    page.fill("#f-name", "王五")
    page.press("#f-name", "Tab")
    page.wait_for_selector("#ok-name:has-text('已保存')")
    page.fill("#f-id_number", "340524198001010013")
    page.press("#f-id_number", "Tab")
    page.wait_for_selector("#err-id_number:has-text('核对不上')")
    page.fill("#f-id_number", "11010519491231002X")
    page.press("#f-id_number", "Tab")
    page.wait_for_selector("#ok-id_number:has-text('已保存')")

    page.reload()  # a closed page loses nothing
    assert page.input_value("#f-name") == "王五"
    assert page.input_value("#f-id_number") == "11010519491231002X"

    page.fill("#f-phone", "2381234567")
    page.get_by_role("button", name="提交申请").click()
    assert "手机号应该是" in page.inner_text("#err-phone")
    assert page.input_value("#f-phone") == "2381234567"  # what was typed stays in the box
    page.fill("#f-phone", "13712345678")
    page.fill("#f-address", "石狮市某某镇某某村3号")
    page.fill("#f-other_party", "某某劳务公司")
    page.fill("#f-account", "在工地干了四个月，工钱一直没结")
    page.fill("#f-amount_claimed", "20000")
    page.get_by_role("button", name="提交申请").click()
    number = page.inner_text("#app-number")
    assert re.fullmatch(r"FY-\d{4}-\d{6}", number)
    assert "工资条" in page.content() and "7 日内" in page.content()

    page.get_by_role("link", name="预约面谈时间").click()
    assert "预约面谈时间" in page.content()
    page.locator("input[name=slot]").nth(1).check()
    page.get_by_role("button", name="确认预约").click()
    assert "预约成功" in page.content()
    page.goto(live_server + _link("mine", assessed_user))
    assert number in page.content() and "已预约" in page.content()


def test_console_login_queue_pickup_and_workflow(page, live_server, db):
    from handoff.accounts import create_user

    tag = uuid.uuid4().hex[:6]
    with db.session() as s:
        create_user(s, f"staff-{tag}", PASSWORD, "staff", "李工作人员")
        create_user(s, f"lawyer-{tag}", PASSWORD, "lawyer", f"赵律师{tag}")
    number = make_case(type("A", (), {"extensions": {"fayuan_db": db}})(), "o" + uuid.uuid4().hex[:20],
                       name="陈六")

    page.goto(live_server + "/console/")
    assert "/console/login" in page.url
    page.fill("input[name=username]", f"staff-{tag}")
    page.fill("input[name=password]", "wrong-password")
    page.get_by_role("button", name="登录").click()
    assert "用户名或密码不对" in page.content()
    page.fill("input[name=username]", f"staff-{tag}")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    queue = page.inner_text("#queue")
    assert number in queue and "陈六" in queue and "138****5678" in queue and "13812345678" not in queue

    page.click(f"#queue td[data-label=编号] > a:text-is('{number}')")
    assert "13812345678" in page.content()  # in full on the case page
    page.get_by_role("button", name="开始审查").click()
    assert page.inner_text("#case-status") == "审查中"
    page.select_option("#accept-assign select[name=lawyer_id]", label=f"赵律师{tag}")
    page.get_by_role("button", name="决定给予援助并指派律师").click()
    assert page.inner_text("#case-status") == "已指派律师"
    assert page.inner_text("#case-lawyer") == f"赵律师{tag}"
    page.click("label[for=nav-toggle]")  # on a phone the header links sit behind 菜单
    page.get_by_role("button", name="退出").click()

    page.fill("input[name=username]", f"lawyer-{tag}")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    assert number in page.inner_text("#queue")
    page.click(f"#queue td[data-label=编号] > a:text-is('{number}')")
    page.get_by_role("button", name="接手办理").click()
    assert page.inner_text("#case-status") == "律师办理中"
    assert "开始审查" not in page.inner_text("#workflow")
