"""The case page's stepper and the one-action accept: 「决定给予援助并指派律师」 is one post,
recorded as the usual case events, and the citizen gets one notice, not three."""
from __future__ import annotations

from sqlalchemy import select

from handoff_helpers import csrf_token, login, make_case


def _rows(app, number: str):
    from handoff.models import Application, CaseEvent, Notification

    with app.extensions["fayuan_db"].session() as s:
        case = s.scalars(select(Application).where(Application.number == number)).one()
        events = [(e.from_status, e.to_status, e.text) for e in s.scalars(
            select(CaseEvent).where(CaseEvent.application_id == case.id).order_by(CaseEvent.id))]
        notes = [(n.kind, n.text) for n in s.scalars(select(Notification).where(Notification.user_id == case.user_id))]
        return case.status, case.lawyer_id, events, notes


def test_steps_mark_where_the_case_stands():
    from handoff import labels, workflow

    steps = labels.case_steps()
    states = lambda status: [(s["label"], s["state"]) for s in workflow.steps_for(status, steps)]  # noqa: E731
    assert states("submitted") == [("提交", "now"), ("审查", "todo"), ("决定", "todo"), ("指派", "todo"),
                                   ("办理", "todo"), ("结案", "todo")]
    assert states("assigned")[:4] == [("提交", "done"), ("审查", "done"), ("决定", "done"), ("指派", "now")]
    assert [s for _, s in states("closed")] == ["done"] * 6
    rejected = workflow.steps_for("rejected", steps)
    assert [s["label"] for s in rejected] == ["提交", "审查", "决定"]
    assert rejected[-1] == {"label": "决定", "state": "now", "note": "不予法律援助"}


def test_accept_and_assign_is_one_post_and_one_notice(app, client, accounts, user_id):
    number = make_case(app, user_id)
    lawyer_id = accounts["lawyer"][0]
    login(client, accounts["staff"][1])
    page = client.get(f"/console/cases/{number}").get_data(as_text=True)
    assert "决定给予援助并指派律师" in page and 'aria-current="step"' in page

    resp = client.post(f"/console/cases/{number}/accept", data={"lawyer_id": str(lawyer_id),
                                                               "csrf_token": csrf_token(page)})
    assert resp.status_code == 302
    status, lawyer, events, notes = _rows(app, number)
    assert (status, lawyer) == ("assigned", lawyer_id)
    assert [(a, b) for a, b, _ in events] == [("draft", "submitted"), ("submitted", "under_review"),
                                             ("under_review", "accepted"), ("accepted", "assigned")]
    assert events[-1][2] == f"律师：lawyer{accounts['lawyer'][1].split('-')[1]}"
    assert len(notes) == 1
    kind, text = notes[0]
    assert kind == "status" and number in text and "已决定给予法律援助" in text and events[-1][2][3:] in text

    after = client.get(f"/console/cases/{number}").get_data(as_text=True)
    assert "决定给予援助并指派律师" not in after  # done: the page moves on to the lawyer's steps


def test_accept_and_assign_refuses_without_a_lawyer_or_for_a_lawyer(app, client, accounts, user_id):
    number = make_case(app, user_id)
    login(client, accounts["staff"][1])
    token = csrf_token(client.get(f"/console/cases/{number}").get_data(as_text=True))
    page = client.post(f"/console/cases/{number}/accept", data={"lawyer_id": "", "csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "请选择要指派的律师" in page
    client.post(f"/console/cases/{number}/accept", data={"lawyer_id": str(accounts["staff"][0]), "csrf_token": token})
    assert _rows(app, number)[0] == "submitted"
    assert _rows(app, number)[3] == []

    other = make_case(app, user_id + "x")
    lawyer_client = app.test_client()
    login(lawyer_client, accounts["lawyer"][1])
    token = csrf_token(lawyer_client.get("/console/").get_data(as_text=True))
    resp = lawyer_client.post(f"/console/cases/{other}/accept", data={"lawyer_id": str(accounts["lawyer"][0]),
                                                                     "csrf_token": token})
    assert resp.status_code == 403
    assert _rows(app, other)[0] == "submitted"


def test_reassigning_to_the_same_lawyer_changes_nothing_and_sends_nothing(app, client, accounts, user_id):
    import re

    number = make_case(app, user_id)
    lawyer_id, other_id = accounts["lawyer"][0], accounts["lawyer2"][0]
    login(client, accounts["staff"][1])
    page = client.get(f"/console/cases/{number}").get_data(as_text=True)
    client.post(f"/console/cases/{number}/accept", data={"lawyer_id": str(lawyer_id), "csrf_token": csrf_token(page)})
    page = client.get(f"/console/cases/{number}").get_data(as_text=True)
    reassign = page[page.index('name="to" value="assigned"'):].split("</form>")[0]
    offered = re.findall(r'<option value="(\d+)"', reassign)
    assert str(other_id) in offered and str(lawyer_id) not in offered  # the current lawyer is not offered

    same = client.post(f"/console/cases/{number}/status", data={"to": "assigned", "lawyer_id": str(lawyer_id),
                                                                "csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "已经由" in same.get_data(as_text=True) and "请选择另一位律师" in same.get_data(as_text=True)
    status, lawyer, events, notes = _rows(app, number)
    assert (status, lawyer, len(events), len(notes)) == ("assigned", lawyer_id, 4, 1)

    client.post(f"/console/cases/{number}/status", data={"to": "assigned", "lawyer_id": str(other_id),
                                                         "csrf_token": csrf_token(page)})
    status, lawyer, events, notes = _rows(app, number)
    assert (status, lawyer, len(events), len(notes)) == ("assigned", other_id, 5, 2)
