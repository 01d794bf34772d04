"""Console sign-in hardening (issue 11 item 3): atomic lockout, equal cost, revocable
sessions, cookie flags and security headers."""
from __future__ import annotations

import statistics
import threading
import time
import uuid
from datetime import timedelta

import pytest

from app_factory import make_app
from handoff_helpers import PASSWORD, csrf_token, login


def _user(app, role: str = "staff") -> tuple[int, str]:
    from handoff.accounts import create_user

    with app.extensions["fayuan_db"].session() as s:
        u = create_user(s, f"{role}-{uuid.uuid4().hex[:8]}", PASSWORD, role)
        return u.id, u.username


def _row(app, user_id: int):
    from handoff.models import ConsoleUser

    with app.extensions["fayuan_db"].session() as s:
        u = s.get(ConsoleUser, user_id)
        return u.failed_logins, u.locked_until


# ------------------------------------------------------------------ lockout counts every parallel guess

def test_parallel_wrong_passwords_all_count_and_lock_the_account(app):
    """Ten guesses at once (as ten browser tabs or workers would send them)."""
    user_id, username = _user(app)
    clients = [app.test_client() for _ in range(10)]
    tokens = [csrf_token(c.get("/console/login").get_data(as_text=True)) for c in clients]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def guess(i: int) -> None:
        barrier.wait()
        resp = clients[i].post("/console/login", data={"username": username, "password": f"wrong-{i}-guess",
                                                       "csrf_token": tokens[i]})
        statuses.append(resp.status_code)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * len(clients)
    _failed, locked_until = _row(app, user_id)
    assert locked_until is not None, "ten parallel wrong passwords must lock the account"
    assert login(app.test_client(), username).status_code == 200  # the right password, refused while locked


def test_a_guess_beyond_the_limit_is_not_even_judged(app):
    """The attempt is counted before the password is checked: a right password that arrives
    as the sixth attempt in a row is refused."""
    from handoff.accounts import MAX_FAILED_LOGINS, authenticate
    from handoff.models import ConsoleUser

    user_id, username = _user(app)
    db = app.extensions["fayuan_db"]
    with db.session() as s:
        s.get(ConsoleUser, user_id).failed_logins = MAX_FAILED_LOGINS  # five reserved by guesses in flight
    with db.session() as s:
        assert authenticate(s, username, PASSWORD) is None
    assert _row(app, user_id)[1] is not None


def test_a_right_password_resets_the_count(app):
    from handoff.accounts import authenticate

    user_id, username = _user(app)
    db = app.extensions["fayuan_db"]
    for _ in range(3):
        with db.session() as s:
            assert authenticate(s, username, "not-the-password") is None
    assert _row(app, user_id)[0] == 3
    with db.session() as s:
        assert authenticate(s, username, PASSWORD) is not None
    assert _row(app, user_id) == (0, None)


# ------------------------------------------------------------------ every refusal costs the same

def test_unknown_user_wrong_password_and_locked_account_take_the_same_time(app):
    """Medians over many interleaved tries, compared with a wide tolerance: before the fix an
    unknown name cost two hashes (about 2×) and a locked account none (about 0.1×)."""
    from handoff.accounts import authenticate
    from handoff.models import ConsoleUser
    from ground.clock import utcnow

    db = app.extensions["fayuan_db"]
    wrong_id, wrong_name = _user(app)
    locked_id, locked_name = _user(app)
    with db.session() as s:
        s.get(ConsoleUser, locked_id).locked_until = utcnow() + timedelta(days=1)
    times: dict[str, list[float]] = {"unknown": [], "wrong": [], "locked": []}
    names = {"unknown": f"nobody-{uuid.uuid4().hex[:6]}", "wrong": wrong_name, "locked": locked_name}
    for _ in range(1):  # warm up
        for name in names.values():
            with db.session() as s:
                authenticate(s, name, "guess-guess")
    for _ in range(12):
        for path, name in names.items():
            with db.session() as s:
                s.get(ConsoleUser, wrong_id).failed_logins = 0  # stay below the lock
            with db.session() as s:
                started = time.perf_counter()
                assert authenticate(s, name, "guess-guess") is None
                times[path].append(time.perf_counter() - started)
    medians = {k: statistics.median(v) for k, v in times.items()}
    base = medians["wrong"]
    for path in ("unknown", "locked"):
        assert 0.6 < medians[path] / base < 1.6, medians


# ------------------------------------------------------------------ revocable sessions

def _copy_session_cookie(src, dst) -> None:
    cookie = src.get_cookie("session")
    assert cookie is not None
    dst.set_cookie("session", cookie.value)


def test_a_cookie_copied_before_logout_is_dead_after_it(app):
    _id, admin = _user(app, "admin")
    browser, thief = app.test_client(), app.test_client()
    login(browser, admin)
    _copy_session_cookie(browser, thief)
    assert thief.get("/console/users").status_code == 200
    page = browser.get("/console/").get_data(as_text=True)
    browser.post("/console/logout", data={"csrf_token": csrf_token(page)})
    assert thief.get("/console/users").status_code == 302


def test_changing_the_password_signs_out_every_session(app):
    from handoff.accounts import authenticate

    user_id, staff = _user(app)
    phone, laptop = app.test_client(), app.test_client()
    login(phone, staff)
    login(laptop, staff)
    form = laptop.get("/console/password").get_data(as_text=True)
    resp = laptop.post("/console/password", data={"csrf_token": csrf_token(form), "current": PASSWORD,
                                                  "new": "a-new-long-password", "again": "a-new-long-password"})
    assert resp.status_code == 302 and "/console/login" in resp.headers["Location"]
    assert phone.get("/console/").status_code == 302
    assert laptop.get("/console/").status_code == 302
    with app.extensions["fayuan_db"].session() as s:
        assert authenticate(s, staff, "a-new-long-password") is not None


def test_a_wrong_current_password_changes_nothing(app):
    _id, staff = _user(app)
    c = app.test_client()
    login(c, staff)
    form = c.get("/console/password").get_data(as_text=True)
    resp = c.post("/console/password", data={"csrf_token": csrf_token(form), "current": "nope-nope",
                                             "new": "a-new-long-password", "again": "a-new-long-password"})
    assert "当前密码不对" in resp.get_data(as_text=True)
    assert c.get("/console/").status_code == 200


def test_a_mistyped_new_password_is_refused_and_the_old_one_still_works(app):
    from handoff.accounts import authenticate

    _id, staff = _user(app)
    c = app.test_client()
    login(c, staff)
    form = c.get("/console/password").get_data(as_text=True)
    resp = c.post("/console/password", data={"csrf_token": csrf_token(form), "current": PASSWORD,
                                             "new": "a-new-long-password", "again": "a-new-long-pasword"})
    assert "两次输入的新密码不一样" in resp.get_data(as_text=True)
    assert c.get("/console/").status_code == 200  # still signed in
    with app.extensions["fayuan_db"].session() as s:
        assert authenticate(s, staff, PASSWORD) is not None


def test_an_operator_resets_a_forgotten_password_and_lifts_the_lock(app, capsys, monkeypatch):
    from bot.cli import main
    from handoff.accounts import authenticate

    _id, staff = _user(app)
    phone = app.test_client()
    login(phone, staff)
    for i in range(5):  # five wrong guesses lock the account
        app.test_client().post("/console/login", data={"username": staff, "password": f"guess-{i}-wrong"})
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    assert main(["user", "passwd", staff, "--password", "short"]) == 2
    assert "至少" in capsys.readouterr().err
    assert main(["user", "passwd", staff, "--password", "reset-by-the-admin"]) == 0
    assert phone.get("/console/").status_code == 302  # signed out everywhere
    with app.extensions["fayuan_db"].session() as s:
        assert authenticate(s, staff, "reset-by-the-admin") is not None
    assert main(["user", "passwd", "nobody-like-this", "--password", "reset-by-the-admin"]) == 2


# ------------------------------------------------------------------ cookie flags and headers

def test_session_cookie_is_samesite_lax_and_httponly(app):
    _id, staff = _user(app)
    resp = login(app.test_client(), staff)
    cookie = resp.headers["Set-Cookie"]
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie
    assert "Secure" not in cookie  # the test app is plain HTTP


def test_session_cookie_is_secure_behind_https(db_url):
    app = make_app(db_url, SESSION_COOKIE_SECURE=True)
    _id, staff = _user(app)
    c = app.test_client()
    page = c.get("/console/login", base_url="https://localhost").get_data(as_text=True)
    resp = c.post("/console/login", base_url="https://localhost", headers={"Referer": "https://localhost/console/login"},
                  data={"username": staff, "password": PASSWORD, "csrf_token": csrf_token(page)})
    assert resp.status_code == 302
    assert "Secure" in resp.headers["Set-Cookie"] and "SameSite=Lax" in resp.headers["Set-Cookie"]


def test_production_configuration_defaults(monkeypatch):
    from bot.config import Config

    monkeypatch.setenv("FAYUAN_ENV", "production")
    for name in ("SESSION_COOKIE_SECURE", "SIMULATOR_ENABLED", "WECHAT_ACCEPT_PLAIN"):
        monkeypatch.delenv(name, raising=False)
    cfg = Config()
    assert cfg.SESSION_COOKIE_SECURE and not cfg.SIMULATOR_ENABLED and not cfg.WECHAT_ACCEPT_PLAIN
    assert cfg.SESSION_COOKIE_SAMESITE == "Lax"
    monkeypatch.setenv("FAYUAN_ENV", "development")
    assert Config().SIMULATOR_ENABLED and not Config().SESSION_COOKIE_SECURE


@pytest.mark.parametrize("method,path", [("GET", "/healthz"), ("GET", "/console/login"), ("GET", "/console/"),
                                         ("POST", "/wechat"), ("GET", "/h5/apply/x"), ("GET", "/faq/nope"),
                                         ("GET", "/simulator")])
def test_security_headers_on_every_response(client, method, path):
    resp = client.open(path, method=method)
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp and "unsafe-inline" not in csp.split(
        "style-src")[0]


def test_inline_scripts_carry_the_requests_nonce(client):
    resp = client.get("/simulator")
    nonce = resp.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in resp.get_data(as_text=True)
    assert nonce not in client.get("/simulator").headers["Content-Security-Policy"]  # fresh per request
