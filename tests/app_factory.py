"""Test constants and the app factory shared by every test folder (not a conftest: importable)."""
from __future__ import annotations

TOKEN = "fayuan-test-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 chars, as WeChat issues them
APPID = "wx1234567890abcdef"



def make_app(url: str, **overrides):
    from bot import create_app

    config = {"DATABASE_URL": url, "WECHAT_TOKEN": TOKEN, "WECHAT_AES_KEY": AES_KEY,
              "WECHAT_APPID": APPID, "SECRET_KEY": "test-secret", "TESTING": True,
              "PUBLIC_BASE_URL": "https://fayuan.example.cn",
              # Compatible mode, so the many plain-signed test messages are accepted; the
              # strict safe mode (the production default) is tested in tests/bot/test_wechat_security.py.
              "WECHAT_ACCEPT_PLAIN": True, "SIMULATOR_ENABLED": True, "SESSION_COOKIE_SECURE": False,
              # A cold index build on a busy test machine may pass WeChat's 4 s; the late path
              # (reply through the outbox) is tested on its own with a zero deadline.
              "WECHAT_ANSWER_WITHIN_SECONDS": 60.0}
    config.update(overrides)
    return create_app(config)




def pg_database(base_url: str) -> str:
    """A new, empty PostgreSQL database on the test server; returns its URL."""
    import uuid

    from sqlalchemy import create_engine, text

    name = f"fayuan_test_{uuid.uuid4().hex[:8]}"
    engine = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    engine.dispose()
    return base_url.rsplit("/", 1)[0] + "/" + name
