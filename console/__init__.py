"""The staff / lawyer / admin console under /console (see docs/CONSOLE.md).

One package above the domains: sign-in, roles, CSRF and the base template (auth.py),
the case pages (views.py, outbox_views.py), the knowledge-base pages (kb/) and the
statistics (stats.py), with their templates under console/templates. Views are thin:
they call the domains' store and service functions (handoff, knowledge_base, reports)
and hold no SQL; no domain imports the console (tests/test_layers.py).
"""
from __future__ import annotations

from flask import Flask

from handoff import labels

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
