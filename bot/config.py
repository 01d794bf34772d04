"""The only reader of the environment. Safe defaults so a laptop needs no setup."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

from ground.paths import VAR_DIR


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
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # owner only, from the start
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
        os.chmod(path, 0o600)  # files made before this rule were 0644
        return path.read_text().strip()
    except OSError:
        return secrets.token_hex(32)


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def deployment() -> str:
    """FAYUAN_ENV, or a guess that errs on the safe side: an account with real WeChat
    credentials is production unless told otherwise; a bare laptop is development."""
    env = os.environ.get("FAYUAN_ENV", "").strip().lower()
    if env in ("production", "development"):
        return env
    return "production" if os.environ.get("WECHAT_SECRET") else "development"


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
    FAYUAN_ENV: str = field(default_factory=deployment)
    # Safe mode only, unless the operator allows plain/compatible mode (e.g. while switching).
    WECHAT_ACCEPT_PLAIN: bool = field(default_factory=lambda: _flag("WECHAT_ACCEPT_PLAIN"))
    # The public simulator writes conversations and cases: development only by default.
    SIMULATOR_ENABLED: bool = field(default_factory=lambda: _flag("SIMULATOR_ENABLED", deployment() == "development"))
    # Behind HTTPS the session cookie must never travel in clear (set by default in production).
    SESSION_COOKIE_SECURE: bool = field(default_factory=lambda: _flag("SESSION_COOKIE_SECURE",
                                                                      deployment() == "production"))
    SESSION_COOKIE_SAMESITE: str = "Lax"
    SESSION_COOKIE_HTTPONLY: bool = True

    def as_flask(self) -> dict:
        return dict(self.__dict__)
