"""The staff / lawyer / admin console under /console (see docs/CONSOLE.md)."""
from __future__ import annotations

from flask import Flask

from .auth import csrf, init_auth, role_required  # noqa: F401 - the reusable pieces


def init_app(app: Flask) -> None:
    """Sign-in, CSRF and the case console. Other console blueprints just register theirs."""
    from .views import bp

    init_auth(app)
    app.register_blueprint(bp)
