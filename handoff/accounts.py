"""Console accounts (staff, lawyers, administrators): the store behind the console's sign-in.

Why here: the accounts are rows of this room (handoff/models.py: ConsoleUser, to whom
cases are assigned), and the console's views and sign-in (console/auth.py) hold no SQL.
- Passwords are hashed with werkzeug's scrypt (a slow, salted hash), never stored or logged.
- Failed sign-ins are counted on the row, so every worker enforces the lock.
"""
from __future__ import annotations

import secrets
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ground.clock import utcnow

from .models import ConsoleUser

ROLES = ("staff", "lawyer", "admin")
PASSWORD_METHOD = "scrypt"
MIN_PASSWORD = 8


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


def reset_password(session: Session, username: str, new: str) -> ConsoleUser:
    """An operator sets a forgotten password (python -m bot user passwd): there is no mail
    to send a link to, and without this a staff member who forgot it had no way back.
    Every session is signed out and a lock from wrong guesses is lifted."""
    user = session.scalars(select(ConsoleUser).where(ConsoleUser.username == username.strip())).first()
    if user is None:
        raise UserError(f"没有用户名为 {username} 的账号")
    if len(new) < MIN_PASSWORD:
        raise UserError(f"新密码至少 {MIN_PASSWORD} 位")
    user.password_hash = hash_password(new)
    session.flush()
    _set_login_state(session, user.id, failed=0, locked_until=None)
    revoke_sessions(session, user.id)
    return user


def users_with_role(session: Session, role: str) -> list[ConsoleUser]:
    return list(session.scalars(select(ConsoleUser).where(ConsoleUser.role == role, ConsoleUser.active.is_(True))
                                .order_by(ConsoleUser.username)))


def get_user(session: Session, user_id: int) -> ConsoleUser | None:
    return session.get(ConsoleUser, user_id)


def all_users(session: Session) -> list[ConsoleUser]:
    """Every account, active or not, by role and name (the admin's user list)."""
    return list(session.scalars(select(ConsoleUser).order_by(ConsoleUser.role, ConsoleUser.username)))
