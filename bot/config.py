"""The only reader of the environment. Safe defaults so a laptop needs no setup."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("FAYUAN_VAR_DIR", ROOT / "var"))


def default_database_url() -> str:
    return f"sqlite:///{VAR_DIR / 'fayuan.sqlite'}"


def _secret_key() -> str:
    """A stable per-machine key when SECRET_KEY is unset, so signed links survive restarts."""
    env = os.environ.get("SECRET_KEY")
    if env:
        return env
    path = VAR_DIR / "secret_key"
    try:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text(secrets.token_hex(32))
        return path.read_text().strip()
    except OSError:
        return secrets.token_hex(32)


@dataclass
class Config:
    DATABASE_URL: str = field(default_factory=lambda: os.environ.get("DATABASE_URL") or default_database_url())
    WECHAT_TOKEN: str = field(default_factory=lambda: os.environ.get("WECHAT_TOKEN", ""))
    WECHAT_AES_KEY: str = field(default_factory=lambda: os.environ.get("WECHAT_AES_KEY", ""))
    WECHAT_APPID: str = field(default_factory=lambda: os.environ.get("WECHAT_APPID", ""))
    WECHAT_SECRET: str = field(default_factory=lambda: os.environ.get("WECHAT_SECRET", ""))
    SECRET_KEY: str = field(default_factory=_secret_key)
    PUBLIC_BASE_URL: str = field(default_factory=lambda: os.environ.get("PUBLIC_BASE_URL", ""))
    WECHAT_TEMPLATE_ID: str = field(default_factory=lambda: os.environ.get("WECHAT_TEMPLATE_ID", ""))
    WECHAT_API_BASE_URL: str = field(default_factory=lambda: os.environ.get("WECHAT_API_BASE_URL", ""))
    MAX_CONTENT_LENGTH: int = 64 * 1024

    def as_flask(self) -> dict:
        return dict(self.__dict__)
