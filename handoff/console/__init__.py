"""The staff / lawyer / admin console under /console (see docs/CONSOLE.md)."""
from __future__ import annotations

from flask import Flask

from .. import labels
from .auth import csrf, init_auth, role_required  # noqa: F401 - the reusable pieces


def init_app(app: Flask) -> None:
    """Sign-in, CSRF and the case console. Other console blueprints just register theirs."""
    from .outbox_views import bp as outbox_bp
    from .views import bp

    init_auth(app)
    # {{ code|label("case_status") }}: every code a person reads goes through handoff/labels.yaml.
    app.add_template_filter(lambda code, vocab: labels.label(vocab, code), "label")
    app.register_blueprint(bp)
    app.register_blueprint(outbox_bp)  # /console/outbox: dead letters and requeue
