"""/console/kb: the staff pages that keep the bot right (see docs/CONSOLE_KB.md).

Uses the console sign-in of console/auth.py (Flask-Login, roles, CSRF, base template):
staff and admins curate; lawyers do not see these pages.
"""
from __future__ import annotations

from flask import Blueprint, Flask

CURATORS = ("staff", "admin")
bp = Blueprint("kb", __name__, url_prefix="/console/kb", template_folder="../templates")


def _cst(dt) -> str:
    from .common import cst
    return cst(dt)


bp.add_app_template_filter(_cst, "cst")


def init_app(app: Flask) -> None:
    from console.auth import register_nav

    from . import entries, lexicon, publishing, queue, transfer, tester  # noqa: F401 - routes on bp

    register_nav("kb.entries", "知识库", CURATORS)
    register_nav("kb.queue", "待解答", CURATORS)
    app.register_blueprint(bp)
    allow_uploads(app)


def allow_uploads(app: Flask) -> None:
    """Workbooks are larger than chat messages: the import route alone accepts up to 21 MB.

    Runs before every other before-request hook (CSRF reads the form, and with it the body).
    """
    from flask import request

    def bigger_uploads():
        if request.endpoint == "kb.import_file":
            request.max_content_length = 21 * 1024 * 1024

    app.before_request_funcs.setdefault(None, []).insert(0, bigger_uploads)
