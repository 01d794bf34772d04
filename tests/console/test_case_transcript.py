"""The chat on a case page reads as the citizen saw it: the bot's WeChat anchors show as
their words (not as `<a href=…>` markup), the citizen's own signed links stay hidden,
and the application number the bot told the citizen is not starred out."""
from __future__ import annotations

import re

from handoff_helpers import login, make_case


def _transcript(page: str) -> str:
    return page[page.index('id="transcript"'):]


def test_case_page_chat_has_no_markup_and_keeps_the_words(app, client, accounts, user_id):
    from wechat_client import Citizen

    citizen = Citizen(client, user_id)
    # three different FAQ answers, each ending in the 「打开说明页」 anchor
    for said in ("老板欠我三个月工资不给", "在工地上摔伤了算工伤吗", "家里老人没人赡养怎么办"):
        assert "说明页" in (citizen.say(said) or "")
    number = make_case(app, user_id)
    login(client, accounts["staff"][1])
    chat = _transcript(client.get(f"/console/cases/{number}").get_data(as_text=True))
    assert "&lt;a" not in chat and "href" not in chat
    assert len(re.findall("或打开说明页）", chat)) == 3


def test_the_application_number_in_the_chat_is_readable(app, client, accounts, user_id):
    from wechat_client import Citizen

    number = make_case(app, user_id)
    Citizen(client, user_id).say(f"我的申请编号是{number}，现在到哪一步了")
    login(client, accounts["staff"][1])
    chat = _transcript(client.get(f"/console/cases/{number}").get_data(as_text=True))
    assert f"我的申请编号是{number}" in chat


def test_case_page_leads_staff_to_the_applicants_open_chat(app, client, accounts, user_id):
    from wechat_client import Citizen

    number = make_case(app, user_id)
    login(client, accounts["staff"][1])
    assert 'id="open-chat"' not in client.get(f"/console/cases/{number}").get_data(as_text=True)
    Citizen(client, user_id).say("人工")
    page = client.get(f"/console/cases/{number}").get_data(as_text=True)
    link = re.search(r'id="open-chat"><a class="btn" href="(/console/handovers/\d+)"', page)
    assert link is not None and "去人工会话回复" in page
    assert number in client.get(link.group(1)).get_data(as_text=True)  # the chat page names the case back


def test_the_assigned_lawyer_writes_to_the_applicant_from_the_case_page(app, client, accounts, user_id):
    from sqlalchemy import select

    from handoff import applications as apps
    from handoff.accounts import get_user
    from handoff.models import Application, CaseEvent, Notification
    from handoff_helpers import csrf_token

    number = make_case(app, user_id)
    with app.extensions["fayuan_db"].session() as s:
        case = s.scalars(select(Application).where(Application.number == number)).one()
        staff = get_user(s, accounts["staff"][0])
        assert apps.accept_and_assign(s, case, staff, accounts["lawyer"][0]) is None
        case_id = case.id

    login(client, accounts["lawyer2"][1])  # not their case: no page, no message
    token = csrf_token(client.get("/console/").get_data(as_text=True))
    assert client.post(f"/console/cases/{number}/message", data={"text": "你好", "csrf_token": token}).status_code == 404

    login(client, accounts["lawyer"][1])
    page = client.get(f"/console/cases/{number}").get_data(as_text=True)
    assert 'id="message-applicant"' in page
    token = csrf_token(page)
    empty = client.post(f"/console/cases/{number}/message", data={"text": "  ", "csrf_token": token},
                        follow_redirects=True)
    assert "消息不能为空" in empty.get_data(as_text=True)
    said = "您好，我是承办律师。您白天上班不方便，我晚上七点后联系您，可以吗？"
    done = client.post(f"/console/cases/{number}/message", data={"text": said, "csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "消息已排队发给申请人" in done
    with app.extensions["fayuan_db"].session() as s:
        sent = s.scalars(select(Notification).where(Notification.user_id == user_id,
                                                    Notification.kind == "staff_reply")).all()
        record = s.scalars(select(CaseEvent).where(CaseEvent.application_id == case_id,
                                                   CaseEvent.kind == "message")).all()
    assert [(n.text, n.title, n.ref) for n in sent] == [(said, "您的法律援助律师发来消息", number)]
    assert [(e.actor_id, e.text) for e in record] == [(accounts["lawyer"][0], said)]
    assert f"· 工作人员或律师</span>{said}" in _transcript(done) and f"发给申请人：{said}" in done
