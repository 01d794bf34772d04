"""Console sign-in, shared by every /console blueprint (cases, knowledge base, admin).

Why it is built this way:
- Flask-Login keeps only the user id in the signed session cookie; the user row is read
  again on every request, so deactivating someone or changing a role takes effect at once.
- Passwords are hashed with werkzeug's scrypt (a slow, salted hash), never stored or logged.
- Every URL under /console refuses anonymous users in one app-wide guard
  (`guard_console`), so a blueprint added later cannot forget it; `role_required` narrows
  a view to some roles on top of that.
- CSRF (Flask-WTF's CSRFProtect) is on for every form of the app; only the machine-to-
  machine endpoints (the WeChat webhook, the simulator's JSON API) are exempted.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache, wraps
from typing import Callable, Iterable, TypeVar
from urllib.parse import urlsplit

from flask import (Blueprint, Flask, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ground.clock import utcnow

from handoff.models import ConsoleUser

log = logging.getLogger(__name__)
ROLES = ("staff", "lawyer", "admin")
ROLE_NAMES = {"staff": "工作人员", "lawyer": "律师", "admin": "管理员"}
PASSWORD_METHOD = "scrypt"
MIN_PASSWORD = 8

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


# ------------------------------------------------------------------ user records

class UserError(ValueError):
    """A user could not be created or changed; the message is fit to show."""


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


def create_user(session: Session, username: str, password: str, role: str, display_name: str = "") -> ConsoleUser:
    username = username.strip()
    if role not in ROLES:
        raise UserError(f"角色必须是 {'/'.join(ROLES)} 之一")
    if not username or len(username) > 64:
        raise UserError("用户名不能为空，最长 64 个字符")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少 {MIN_PASSWORD} 位")
    if session.scalar(select(func.count()).select_from(ConsoleUser).where(ConsoleUser.username == username)):
        raise UserError(f"用户名 {username} 已存在")
    user = ConsoleUser(username=username, password_hash=hash_password(password), role=role,
                       display_name=display_name.strip()[:64], active=True)
    session.add(user)
    session.flush()
    return user


MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A real scrypt hash, computed once: checked against for unknown users so that every
    refusal costs one password check, never zero or two."""
    return hash_password(secrets.token_hex(16))


def authenticate(session: Session, username: str, password: str) -> ConsoleUser | None:
    """The user when the password is right; None otherwise.

    Five wrong passwords in a row lock the account for 15 minutes (stored on the row, so
    every worker enforces it). Each attempt *reserves* its place in the count with one
    atomic `UPDATE … SET failed_logins = failed_logins + 1 … RETURNING` before the
    password is judged, so parallel guesses are all counted and a guess past the limit
    is refused without being judged. Unknown user, inactive user, locked account and
    wrong password all run exactly one password hash check: the answer time does not
    tell which accounts exist. The caller's session is committed once on the way (the
    reservation).
    """
    user = session.scalar(select(ConsoleUser).where(ConsoleUser.username == username.strip()))
    now = utcnow()
    # Unknown and inactive users run the same statement on no row (id -1): same round trips.
    target = user.id if user is not None and user.active else -1
    attempt: int | None = session.execute(
        update(ConsoleUser)
        .where(ConsoleUser.id == target, or_(ConsoleUser.locked_until.is_(None), ConsoleUser.locked_until <= now))
        .values(failed_logins=ConsoleUser.failed_logins + 1)
        .returning(ConsoleUser.failed_logins)
        .execution_options(synchronize_session=False)).scalar()
    # Commit the reservation now: no row (PostgreSQL) or database (SQLite) lock is held
    # during the deliberately slow hash, so a flood of guesses cannot stall other writes.
    session.commit()
    password_ok = check_password_hash(user.password_hash if user is not None else _dummy_hash(), password)
    if user is None or attempt is None:  # unknown, inactive or locked
        return None
    if attempt > MAX_FAILED_LOGINS or (not password_ok and attempt >= MAX_FAILED_LOGINS):
        _set_login_state(session, user.id, failed=0, locked_until=now + timedelta(minutes=LOCK_MINUTES))
        return None
    if not password_ok:
        return None
    _set_login_state(session, user.id, failed=0, locked_until=None)
    session.refresh(user)
    return user


def _set_login_state(session: Session, user_id: int, failed: int, locked_until) -> None:
    session.execute(update(ConsoleUser).where(ConsoleUser.id == user_id)
                    .values(failed_logins=failed, locked_until=locked_until)
                    .execution_options(synchronize_session=False))


def revoke_sessions(session: Session, user_id: int) -> None:
    """Void every session cookie of this user (logout, password change, admin action)."""
    session.execute(update(ConsoleUser).where(ConsoleUser.id == user_id)
                    .values(session_generation=ConsoleUser.session_generation + 1)
                    .execution_options(synchronize_session=False))


def change_password(session: Session, user: ConsoleUser, current: str, new: str) -> None:
    """Check the current password, store the new one, and sign out every session."""
    if not check_password_hash(user.password_hash, current):
        raise UserError("当前密码不对。")
    if len(new) < MIN_PASSWORD:
        raise UserError(f"新密码至少 {MIN_PASSWORD} 位")
    user.password_hash = hash_password(new)
    session.flush()
    revoke_sessions(session, user.id)


def identity(user: ConsoleUser) -> ConsoleIdentity:
    return ConsoleIdentity(user.id, user.username, user.display_name, user.role, user.session_generation or 0)


def users_with_role(session: Session, role: str) -> list[ConsoleUser]:
    return list(session.scalars(select(ConsoleUser).where(ConsoleUser.role == role, ConsoleUser.active.is_(True))
                                .order_by(ConsoleUser.username)))


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
        try:
            with current_app.extensions["fayuan_db"].session() as s:
                user = s.get(ConsoleUser, current_user.id)
                change_password(s, user, request.form.get("current", "")[:256], request.form.get("new", "")[:256])
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
        user = s.get(ConsoleUser, key)
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
