"""The tester: one question against the published KB and the drafts, side by side."""
from __future__ import annotations

from flask import render_template, request

from knowledge_base import curation, versions

from console.auth import role_required

from . import CURATORS, bp
from .common import db, svc


@bp.get("/tester")
@role_required(*CURATORS)
def tester():
    text = request.args.get("q", "").strip()[:500]
    result = None
    if text:
        with db().session() as s:
            result = curation.test_question(s, svc(), text)
            if result.model_pending:  # the publish page's accuracy check trains it; start that now
                curation.guard_or_start(db(), s, svc(), versions.draft_content(s))
    return render_template("kb/tester.html", text=text, result=result)
