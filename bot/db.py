"""Engine, sessions, migrations and first-run seeding.

Schema changes go through Alembic (bot/migrations) on SQLite and PostgreSQL alike;
an empty database is migrated and loaded with the curated content on first use, so
`python -m bot ask` and `serve` work on a fresh machine with no extra step.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:  # SQLAlchemy is imported when a Database is made: `ask` may answer without one
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest migration's revision id. Checked before importing Alembic so the CLI starts
# fast on a current database; tests assert it equals Alembic's head.
SCHEMA_REVISION = "0007_orphan_inbound"
# Set while the WeChat webhook runs a message: its pooled connections are not pinged first
# (see Database.unpinged).
_NO_PING: ContextVar[bool] = ContextVar("fayuan_db_no_ping", default=False)


def private_file(path: Path) -> None:
    """Create (or tighten) a file readable by its owner only: 0600, never world-readable."""
    if str(path) in ("", ":memory:"):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        os.close(fd)
        os.chmod(path, 0o600)
    except OSError:  # a read-only or foreign file: SQLite reports the real problem
        pass


class Database:
    """One engine + session factory per process and URL."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine, event
        from sqlalchemy.orm import sessionmaker

        self.url = url
        if url.startswith("sqlite:///"):
            private_file(Path(url.removeprefix("sqlite:///")))
        # Bound values (names, case facts) never go into an error message or a log line.
        kwargs: dict = {"future": True, "hide_parameters": True}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        self.engine: Engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            event.listen(self.engine.pool, "checkout", self._ping)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def _ping(self, dbapi_connection, _record, _proxy) -> None:
        """pool_pre_ping, except on the webhook's path (unpinged).

        A server restart leaves every pooled connection dead; the ping finds that out
        before a request uses one (the console, the outbox sender and the CLI rely on
        it). It costs a round trip per transaction, a seventh of a message's statements.
        """
        if _NO_PING.get():
            return
        from sqlalchemy import exc

        try:
            self.engine.dialect.do_ping(dbapi_connection)
        except Exception as e:  # noqa: BLE001 - any failure means: throw this connection away
            raise exc.DisconnectionError() from e  # the pool then checks out a fresh one

    @contextmanager
    def unpinged(self) -> Iterator[None]:
        """Connections checked out inside are not pinged first (PostgreSQL).

        For the webhook, which runs each message in one transaction it can simply run
        again: a dead pooled connection fails its first statement, SQLAlchemy then throws
        the whole pool's older connections away, and the webhook retries at once
        (bot/wechat.py) on a fresh connection."""
        token = _NO_PING.set(True)
        try:
            yield
        finally:
            _NO_PING.reset(token)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on any error."""
        s = self.sessions()
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    def migrate(self) -> None:
        from alembic import command
        from alembic.config import Config as AlembicConfig

        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.attributes["connection_url"] = self.url
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def schema_revision(self) -> str | None:
        from sqlalchemy import text
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with self.engine.connect() as conn:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SQLAlchemyError:
            return None

    def prepare(self) -> None:
        """Migrate to the latest schema and load the curated content when the KB is empty."""
        import knowledge_base.store as kb_store

        if self.schema_revision() != SCHEMA_REVISION:
            self.migrate()
        with self.session() as s:
            kb_store.seed_if_empty(s)


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL syncs at checkpoints, not at every commit: still never corrupt, and
    # a power cut loses at most the last moments' commits. FULL cost ~3–6 ms per commit
    # here, a third of a message's time (tests/benchmarks/bench_webhook.py).
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


_databases: dict[str, Database] = {}


def get_database(url: str, prepare: bool = True) -> Database:
    """Process-wide cache: several app instances on one URL share an engine."""
    db = _databases.get(url)
    if db is None:
        db = Database(url)
        if prepare:
            db.prepare()
        _databases[url] = db
    return db
