"""WeChat's access token, shared by every process through the database.

WeChat allows 2,000 token fetches a day per account, and each fetch retires the
previous token after about five minutes. With a token per process (wechatpy's default
memory storage) several outbox senders — or one sender that builds a fresh client per
round — keep knocking each other's tokens out and burn the daily quota. Here one row per
appid holds the token; a process that finds it missing or about to expire takes the
row's lock (FOR UPDATE on PostgreSQL, the write lock on SQLite), looks again — another
process may just have refreshed it — and only then fetches. So exactly one process
refreshes, and everyone else reads.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Callable

from sqlalchemy import DateTime, String, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from ground.clock import utcnow
from ground.orm import Base

REFRESH_MARGIN = timedelta(minutes=5)  # refresh this long before WeChat's expiry
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class WeChatAccessToken(Base):
    __tablename__ = "wechat_access_token"

    appid: Mapped[str] = mapped_column(String(64), primary_key=True)
    token: Mapped[str] = mapped_column(String(600), default="")
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    refreshed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=timezone.utc)


def _usable(row: WeChatAccessToken | None, now: datetime, not_this: str | None) -> str | None:
    if row is None or not row.token or row.token == not_this:
        return None
    return row.token if _aware(row.expires_at) - REFRESH_MARGIN > now else None


def _insert_missing(session: Session, appid: str) -> None:
    dialect = session.bind.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(insert(WeChatAccessToken).values(appid=appid, token="", expires_at=_EPOCH)
                    .on_conflict_do_nothing(index_elements=["appid"]))


def shared_token(session_factory: Callable, appid: str, fetch: Callable[[], tuple[str, int]],
                 rejected: str | None = None, now: datetime | None = None) -> str:
    """The current token; fetched (by one process only) when missing, near expiry, or when
    WeChat just rejected ``rejected`` (then any other token in the row is trusted)."""
    now = now or utcnow()
    with session_factory() as s:
        found = _usable(s.get(WeChatAccessToken, appid), now, rejected)
    if found:
        return found
    with session_factory() as s:
        _insert_missing(s, appid)
        if s.bind.dialect.name == "postgresql":
            row = s.get(WeChatAccessToken, appid, with_for_update=True, populate_existing=True)
        else:  # a write takes SQLite's database lock: other refreshers wait here
            s.execute(update(WeChatAccessToken).where(WeChatAccessToken.appid == appid)
                      .values(appid=appid), execution_options={"synchronize_session": False})
            row = s.get(WeChatAccessToken, appid, populate_existing=True)
        found = _usable(row, now, rejected)
        if found:
            return found  # another process refreshed it while we waited for the lock
        token, expires_in = fetch()  # bounded by the client's HTTP timeout
        row.token, row.expires_at, row.refreshed_at = token, now + timedelta(seconds=int(expires_in)), now
        return token
