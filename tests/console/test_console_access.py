"""Access to the console: anonymous users refused on every URL, roles, lawyers limited to
their own cases, CSRF required on every form (console and H5)."""
from __future__ import annotations

import re

from handoff_helpers import csrf_token, login, make_case


def _console_urls(app) -> list[tuple[str, set[str]]]:
    """Every /console route of the app with dummy arguments."""
    out = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/console") or rule.endpoint == "console_auth.login":
            continue
        path = re.sub(r"<int:\w+>", "1", rule.rule)
        path = re.sub(r"<[^>]+>", "FY-2026-000001", path)
        out.append((path, set(rule.methods or ()) - {"HEAD", "OPTIONS"}))
    return out


def test_every_console_url_refuses_anonymous_users(app, client):
    urls = _console_urls(app)
    assert len(urls) >= 10
    for path, methods in urls:
        for method in methods:
            resp = client.open(path, method=method)
            assert resp.status_code in (302, 401), (method, path, resp.status_code)
            if resp.status_code == 302:
                assert "/console/login" in resp.headers["Location"]


def test_login_logout_and_wrong_password(client, accounts):
    _, staff = accounts["staff"]
    assert login(client, staff, "wrong-password").status_code == 200
    assert client.get("/console/").status_code == 302
    resp = login(client, staff)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/console/")
    page = client.get("/console/").get_data(as_text=True)
    assert "案件队列" in page
    client.post("/console/logout", data={"csrf_token": csrf_token(page)})
    assert client.get("/console/").status_code == 302


def test_login_next_is_never_an_open_redirect(client, accounts):
    page = client.get("/console/login").get_data(as_text=True)
    resp = client.post("/console/login?next=https://evil.example/x", data={
        "username": accounts["staff"][1], "password": "correct-horse-battery", "csrf_token": csrf_token(page)})
    assert resp.headers["Location"].endswith("/console/")


def test_deactivated_user_is_signed_out(app, client, accounts):
    from handoff.models import ConsoleUser

    login(client, accounts["lawyer2"][1])
    assert client.get("/console/").status_code == 200
    with app.extensions["fayuan_db"].session() as s:
        s.get(ConsoleUser, accounts["lawyer2"][0]).active = False
    assert client.get("/console/").status_code == 302


def test_lawyer_sees_only_own_cases(app, client, accounts, user_id):
    from handoff import applications as apps
    from handoff.models import Application, ConsoleUser
    from sqlalchemy import select

    mine, other = make_case(app, user_id), make_case(app, user_id + "b")
    with app.extensions["fayuan_db"].session() as s:
        staff = s.get(ConsoleUser, accounts["staff"][0])
        for number, lawyer in ((mine, "lawyer"), (other, "lawyer2")):
            case = s.scalars(select(Application).where(Application.number == number)).one()
            for to, kw in (("under_review", {}), ("accepted", {}), ("assigned", {"lawyer_id": accounts[lawyer][0]})):
                assert apps.transition(s, case, to, staff, **kw) is None
    login(client, accounts["lawyer"][1])
    queue = client.get("/console/?status=all").get_data(as_text=True)
    assert mine in queue and other not in queue
    assert client.get(f"/console/cases/{mine}").status_code == 200
    assert client.get(f"/console/cases/{other}").status_code == 404
    token = csrf_token(queue)
    resp = client.post(f"/console/cases/{other}/status", data={"to": "in_progress", "csrf_token": token})
    assert resp.status_code == 404
    assert client.post(f"/console/cases/{other}/notes", data={"text": "x", "csrf_token": token}).status_code == 404
    assert client.get("/console/handovers").status_code == 403
    assert client.get("/console/users").status_code == 403


def test_staff_is_not_admin(client, accounts):
    login(client, accounts["staff"][1])
    assert client.get("/console/users").status_code == 403
    assert client.get("/console/offices").status_code == 403
    assert client.get("/console/handovers").status_code == 200


def test_masked_in_lists_full_on_the_case_page(app, client, accounts, user_id):
    number = make_case(app, user_id)
    login(client, accounts["staff"][1])
    queue = client.get("/console/").get_data(as_text=True)
    assert number in queue
    assert "11010519491231002X" not in queue and "13812345678" not in queue
    assert "1101**********002X" in queue and "138****5678" in queue
    case = client.get(f"/console/cases/{number}").get_data(as_text=True)
    assert "11010519491231002X" in case and "13812345678" in case


def test_csrf_is_required_on_every_console_form(app, client, accounts, user_id):
    number = make_case(app, user_id)
    login(client, accounts["admin"][1])
    posts = [f"/console/cases/{number}/status", f"/console/cases/{number}/accept", f"/console/cases/{number}/notes",
             f"/console/cases/{number}/message",
             "/console/handovers/1/reply", "/console/handovers/1/close", "/console/users", "/console/logout",
             "/console/password"]
    for rule in app.url_map.iter_rules():  # every POST route of the console is in the list above
        if rule.endpoint.split(".")[0] not in ("console", "console_auth"):
            continue  # other console blueprints check their own forms (e.g. tests/knowledge_base)
        if rule.rule.startswith("/console") and "POST" in (rule.methods or ()) and rule.endpoint != "console_auth.login":
            path = re.sub(r"<int:\w+>", "1", re.sub(r"<(?!int)[^>]+>", number, rule.rule))
            assert path in posts, path
    for path in posts:
        resp = client.post(path, data={"to": "under_review", "text": "x", "username": "u", "password": "p" * 10})
        assert resp.status_code == 400, path
    client2 = app.test_client()
    assert client2.post("/console/login", data={"username": "a", "password": "b"}).status_code == 400


def test_csrf_is_required_on_h5_forms(app, client, user_id):
    from handoff.links import make_token

    apply, book = make_token("test-secret", user_id, "apply"), make_token("test-secret", user_id, "book")
    for path in (f"/h5/apply/{apply}", f"/h5/apply/{apply}/consent", f"/h5/book/{book}"):
        assert client.post(path, data={"action": "agree"}).status_code == 400, path
    assert client.post(f"/h5/apply/{apply}/field", json={"field": "name", "value": "张三"}).status_code == 400


def test_forged_or_expired_h5_links_are_refused(client, user_id):
    from handoff.links import make_token, read_token

    assert client.get("/h5/apply/not-a-token").status_code == 404
    assert client.get(f"/h5/mine/{make_token('other-secret', user_id, 'mine')}").status_code == 404
    assert read_token("s", make_token("s", user_id, "mine"), "mine", max_age=-1) is None
    assert read_token("s", make_token("s", user_id, "mine"), "mine") == user_id


def test_an_h5_link_opens_only_its_own_page(client, user_id):
    from handoff.links import make_token

    book = make_token("test-secret", user_id, "book")
    assert client.get(f"/h5/book/{book}").status_code == 200
    for other in (f"/h5/apply/{book}", f"/h5/mine/{book}"):
        assert client.get(other).status_code == 404, other


def test_password_guessing_locks_the_account_for_a_while(app, accounts):
    from datetime import timedelta

    from handoff.models import ConsoleUser
    from ground.clock import utcnow

    user_id, username = accounts["staff"]
    client = app.test_client()
    for _ in range(5):
        assert "锁定" in login(client, username, "wrong-password").get_data(as_text=True)
    refused = login(client, username)  # the right password, but locked
    assert refused.status_code == 200 and "/console/login" not in (refused.headers.get("Location") or "")
    assert client.get("/console/").status_code in (302, 401)
    with app.extensions["fayuan_db"].session() as s:
        s.get(ConsoleUser, user_id).locked_until = utcnow() - timedelta(minutes=1)
    assert login(client, username).status_code == 302  # lock over: signed in


def test_personal_pages_are_not_cached(client):
    assert client.get("/console/login").headers.get("Cache-Control") == "no-store"
