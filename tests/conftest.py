"""Fixtures: a real app on a real database file, and the same on a real PostgreSQL server.

Database-backed tests take the `app` fixture, parametrized over both backends. The
PostgreSQL server is started by scripts/test.sh (TEST_PG_URL); without it the
PostgreSQL half is skipped locally but fails in CI (FAYUAN_REQUIRE_PG=1).
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app_factory import make_app  # noqa: E402,F401
from handoff_helpers import PASSWORD


def _pg_database(base_url: str) -> str:
    from app_factory import pg_database

    return pg_database(base_url)


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'fayuan.sqlite'}"


@pytest.fixture(scope="session")
def pg_url() -> str:
    base = os.environ.get("TEST_PG_URL")
    if not base:
        if os.environ.get("FAYUAN_REQUIRE_PG"):
            pytest.fail("TEST_PG_URL is not set but PostgreSQL tests are required")
        pytest.skip("no PostgreSQL server (run scripts/test.sh)")
    return _pg_database(base)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db_url(request) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture(scope="session")
def app(db_url):
    return make_app(db_url)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def user_id() -> str:
    return "o" + uuid.uuid4().hex[:20]


@pytest.fixture(scope="session")
def kb_index():
    """The matcher index over the shipped content, without any database (pure tests)."""
    from knowledge_base.content_files import load_faq
    from knowledge_base.index import build_index
    from knowledge_base.service import KnowledgeService

    svc = KnowledgeService(cache_dir=Path(__file__).resolve().parent.parent / "var" / "cache")
    return build_index(load_faq(), svc.segmenter)


@pytest.fixture(scope="session")
def new_db_url(db_url, tmp_path_factory):
    """A factory of fresh databases on the same backend as `db_url`: for tests that publish
    to the knowledge base and must not change what the shared `app` database answers."""
    def make() -> str:
        if db_url.startswith("sqlite"):
            return f"sqlite:///{tmp_path_factory.mktemp('fresh') / 'kb.sqlite'}"
        return _pg_database(os.environ["TEST_PG_URL"])
    return make


@pytest.fixture()
def accounts(app):
    """Console accounts with fresh names on the shared app: staff, admin and two lawyers,
    {key: (id, username)} (handoff and console tests)."""
    from handoff.accounts import create_user

    tag = uuid.uuid4().hex[:6]
    made = {}
    with app.extensions["fayuan_db"].session() as s:
        for key, role in (("staff", "staff"), ("admin", "admin"), ("lawyer", "lawyer"), ("lawyer2", "lawyer")):
            u = create_user(s, f"{key}-{tag}", PASSWORD, role, display_name=f"{key}{tag}")
            made[key] = (u.id, u.username)
    return made
