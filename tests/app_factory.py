"""Test constants and the app factory shared by every test folder (not a conftest: importable)."""
from __future__ import annotations

TOKEN = "fayuan-test-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 chars, as WeChat issues them
APPID = "wx1234567890abcdef"



def make_app(url: str, **overrides):
    from bot import create_app

    config = {"DATABASE_URL": url, "WECHAT_TOKEN": TOKEN, "WECHAT_AES_KEY": AES_KEY,
              "WECHAT_APPID": APPID, "SECRET_KEY": "test-secret", "TESTING": True,
              "PUBLIC_BASE_URL": "https://fayuan.example.cn"}
    config.update(overrides)
    return create_app(config)


