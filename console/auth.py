"""Console sign-in, shared by every /console blueprint (cases, knowledge base, admin).

Why it is built this way:
- Flask-Login keeps only the user id in the signed session cookie; the user row is read
  again on every request, so deactivating someone or changing a role takes effect at once.
- Passwords are hashed with werkzeug's scrypt (a slow, salted hash), never stored or logged;
  the accounts and their sign-in lock are handoff/accounts.py's.
- Every URL under /console refuses anonymous users in one app-wide guard
  (`guard_console`), so a blueprint added later cannot forget it; `role_required` narrows
  a view to some roles on top of that.
- CSRF (Flask-WTF's CSRFProtect) is on for every form of the app; only the machine-to-
  machine endpoints (the WeChat webhook, the simulator's JSON API) are exempted.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import wraps
from typing import Callable, Iterable, TypeVar
from urllib.parse import urlsplit

from flask import (Blueprint, Flask, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ground.clock import utcnow
from handoff.accounts import (LOCK_MINUTES, MAX_FAILED_LOGINS, MIN_PASSWORD, ROLES, UserError, authenticate,
                              change_password, get_user, revoke_sessions)
from handoff.models import ConsoleUser

log = logging.getLogger(__name__)
ROLE_NAMES = {"staff": "工作人员", "lawyer": "律师", "admin": "管理员"}

bp = Blueprint("console_auth", __name__, url_prefix="/console", template_folder="templates")
login_manager = LoginManager()
csrf = CSRFProtect()
F = TypeVar("F", bound=Callable)


@dataclass
class ConsoleIdentity(UserMixin):
    """What a view knows about the signed-in person (a plain object, no DB session)."""

    id: int
    username: str
    display_name: str
    role: str
    generation: int = 0

    def get_id(self) -> str:
        """Stored in the session cookie: the user id and the session generation it was made in."""
        return f"{self.id}:{self.generation}"

    @property
    def label(self) -> str:
        return self.display_name or self.username

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


# Top-bar links of other console blueprints (knowledge base, statistics):
# (endpoint, label, roles). Registered once at import; base.html shows the ones the
# signed-in role may use.
NAV_LINKS: list[tuple[str, str, tuple[str, ...]]] = []


def register_nav(endpoint: str, label: str, roles: tuple[str, ...] = ROLES) -> None:
    if not any(link[0] == endpoint for link in NAV_LINKS):
        NAV_LINKS.append((endpoint, label, tuple(roles)))


# ------------------------------------------------------------------ identity

def identity(user: ConsoleUser) -> ConsoleIdentity:
    return ConsoleIdentity(user.id, user.username, user.display_name, user.role, user.session_generation or 0)


# ------------------------------------------------------------------ decorators

def role_required(*roles: str) -> Callable[[F], F]:
    """Signed in AND one of `roles` (403 otherwise). `role_required()` means any role."""
    allowed: Iterable[str] = roles or ROLES

    def wrap(view: F) -> F:
        @wraps(view)
        @login_required
        def inner(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)
        return inner  # type: ignore[return-value]
    return wrap


# ------------------------------------------------------------------ forms and views

class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired(message="请输入用户名"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired(message="请输入密码"), Length(max=256)])


def _safe_next(target: str | None) -> str:
    """Only same-site paths under /console: never an open redirect."""
    if target and target.startswith("/console") and not urlsplit(target).netloc and "//" not in target:
        return target
    return url_for("console.queue")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        with current_app.extensions["fayuan_db"].session() as s:
            user = authenticate(s, form.username.data or "", form.password.data or "")
            if user is not None:
                user.last_login_at = utcnow()
                who = identity(user)
        if user is not None:
            login_user(who)
            log.info("console login user_id=%s role=%s", who.id, who.role)
            return redirect(_safe_next(request.args.get("next")))
        log.info("console login refused")
        flash(f"用户名或密码不对，或账号已停用。连续输错 {MAX_FAILED_LOGINS} 次会锁定 {LOCK_MINUTES} 分钟。", "error")
    return render_template("console/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    with current_app.extensions["fayuan_db"].session() as s:
        revoke_sessions(s, current_user.id)  # a copied cookie dies with this one
    logout_user()
    flash("已退出登录。", "info")
    return redirect(url_for("console_auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password; every session (this one too) is signed out."""
    if request.method == "POST":
        new = request.form.get("new", "")[:256]
        try:
            if new != request.form.get("again", "")[:256]:  # a typo here would lock the person out
                raise UserError("两次输入的新密码不一样，请重新输入。")
            with current_app.extensions["fayuan_db"].session() as s:
                user = get_user(s, current_user.id)
                change_password(s, user, request.form.get("current", "")[:256], new)
        except UserError as e:
            flash(str(e), "error")
        else:
            logout_user()
            log.info("console password changed user_id=%s", user.id)
            flash("密码已修改，请用新密码登录。", "info")
            return redirect(url_for("console_auth.login"))
    return render_template("console/password.html", min_length=MIN_PASSWORD)


# ------------------------------------------------------------------ wiring

def _load_user(session_id: str) -> ConsoleIdentity | None:
    """The signed-in person, re-read on every request; None when the session was revoked."""
    user_part, _, generation_part = (session_id or "").partition(":")
    try:
        key, generation = int(user_part), int(generation_part)
    except (TypeError, ValueError):
        return None  # also cookies from before session generations: sign in again
    with current_app.extensions["fayuan_db"].session() as s:
        user = get_user(s, key)
        if user is None or not user.active or (user.session_generation or 0) != generation:
            return None
        return identity(user)


def guard_console():
    """App-wide: nothing under /console is served to an anonymous user."""
    path = request.path
    if not (path == "/console" or path.startswith("/console/")):
        return None
    if request.endpoint in ("console_auth.login", "static") or current_user.is_authenticated:
        return None
    if request.method == "GET":
        return redirect(url_for("console_auth.login", next=path))
    abort(401)


def init_auth(app: Flask) -> None:
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # an elderly citizen may take long over a form
    # Flask's defaults exist (SAMESITE None, SECURE False), so setdefault would change
    # nothing: bot/config.py sets them; here only an unset value is filled in.
    if not app.config.get("SESSION_COOKIE_SAMESITE"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.config["REMEMBER_COOKIE_SECURE"] = bool(app.config.get("SESSION_COOKIE_SECURE"))
    login_manager.init_app(app)
    login_manager.login_view = "console_auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.user_loader(_load_user)
    app.before_request(guard_console)  # before CSRF: an anonymous POST is a 401, not a form error
    csrf.init_app(app)
    app.register_blueprint(bp)
    app.context_processor(lambda: {"console_nav_links": NAV_LINKS})  # links of other console blueprints

    @app.errorhandler(CSRFError)
    def csrf_failed(_e):
        if request.is_json or request.path.endswith("/field"):
            return {"error": "页面已过期，请刷新后再试。"}, 400
        return render_template("message.html", title="页面已过期",
                               message="页面已过期或来源不明，请返回上一页刷新后再提交。您填的内容如已保存不会丢失。"), 400

    @app.errorhandler(401)
    def unauthorized(_e):
        return render_template("message.html", title="请先登录", message="请先登录工作台。"), 401

    @app.errorhandler(403)
    def forbidden(_e):
        return render_template("message.html", title="无权访问", message="您没有查看这个页面的权限。"), 403
