"""Publishing the drafts (with the accuracy guard), the version history and restoring."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from knowledge_base import curation, versions
from knowledge_base.diffing import diff_content
from knowledge_base.versions import PublishError

from console.auth import role_required

from . import CURATORS, bp
from .common import author, db, svc


def _state_version(s) -> int:
    return versions.published_version(s)


def _publish_page(s, message: str = "", guard=None, status: int = 200):
    """The publish page. The accuracy report comes from the cache every worker shares, or
    is started in the background: the page never waits for the retrain (docs/CONSOLE_KB.md)."""
    _, after, diff = versions.diff_drafts(s)
    drafts = versions.list_drafts(s)
    pending = False
    if drafts and guard is None:
        guard, pending = curation.guard_or_start(db(), s, svc(), after)
    return render_template("kb/publish.html", diff=diff, drafts=drafts, guard=guard, pending=pending,
                           fingerprint=versions.drafts_fingerprint(s), version=_state_version(s),
                           stale=versions.stale_drafts(s), message=message), status


@bp.get("/publish")
@role_required(*CURATORS)
def publish():
    with db().session() as s:
        return _publish_page(s)


@bp.get("/guard")
@role_required(*CURATORS)
def guard_part():
    """The accuracy report once it is ready (the publish and restore pages poll here):
    202 while it is being computed, 204 when there is nothing to check."""
    number = request.args.get("version", "")
    with db().session() as s:
        if number:
            if not number.isdigit() or len(number) > 9:
                abort(400)
            target = versions.version_content(s, int(number))
            if target is None:
                abort(404)
        else:
            if not versions.list_drafts(s):
                return "", 204
            target = versions.draft_content(s)
        guard, pending = curation.guard_or_start(db(), s, svc(), target)
    if pending:
        return "", 202
    return render_template("kb/_guard.html", guard=guard)


def _version_field() -> int:
    """The version the form was made from; anything but a number is a bad request (400)."""
    raw = request.form.get("version", "0") or "0"
    if not raw.isdigit() or len(raw) > 9:
        abort(400)
    return int(raw)


@bp.post("/publish")
@role_required(*CURATORS)
def do_publish():
    message = request.form.get("message", "").strip()[:500]
    confirmed = request.form.get("confirm") == "1"
    try:
        expected = int(request.form.get("version", ""))
    except ValueError:
        abort(400)
    with db().session() as s:
        if not message:  # asked before the accuracy check: a missing note costs no wait
            flash("请写一句发布说明（改了什么、为什么），方便以后查找。", "error")
            return _publish_page(s, message, status=400)
        _, after, _ = versions.diff_drafts(s)
        guard = curation.guard_for_publish(s, svc(), after)
        if guard.dropped and not confirmed:  # the page again, with the note the curator wrote
            flash("准确率有下降：请查看下面变错的问题，确认后勾选「我已核对」再发布。", "error")
            return _publish_page(s, message, guard=guard, status=400)
        try:
            row = versions.publish_drafts(s, author(), message, request.form.get("fingerprint"), expected,
                                          accuracy=guard.as_json())
        except PublishError as e:
            flash(str(e), "error")
            return redirect(url_for("kb.publish"))
        number = row.version
    flash(f"已发布为第 {number} 版，几秒内所有服务进程都会用上。", "info")
    return redirect(url_for("kb.version", number=number))


@bp.get("/versions", endpoint="versions")
@role_required(*CURATORS)
def versions_list():
    with db().session() as s:
        rows = versions.list_versions(s)
        current = _state_version(s)
    return render_template("kb/versions.html", rows=rows, current=current)


@bp.get("/versions/<int:number>")
@role_required(*CURATORS)
def version(number: int):
    with db().session() as s:
        row = versions.get_version(s, number)
        if row is None:
            abort(404)
        prev = versions.previous_version(s, number)
        after = versions.version_content(s, number)
        # the first version is the whole KB: listing every field of every entry helps no one
        diff = diff_content(versions.version_content(s, prev.version), after) if prev else None
        size = len(after.entries) if after else 0
        current = _state_version(s)
    return render_template("kb/version.html", row=row, prev=prev, diff=diff, current=current, size=size)


@bp.route("/versions/<int:number>/restore", methods=["GET", "POST"])
@role_required(*CURATORS)
def restore(number: int):
    with db().session() as s:
        target = versions.version_content(s, number)
        if target is None:
            abort(404)
        current = _state_version(s)
        if request.method == "POST":
            expected = _version_field()  # a bad form is refused before the accuracy check runs
            guard = curation.guard_for_publish(s, svc(), target)
            if guard.dropped and request.form.get("confirm") != "1":
                flash("恢复后准确率会下降：请核对下面的问题，勾选「我已核对」再恢复。", "error")
                return redirect(url_for("kb.restore", number=number))
            try:
                row = versions.restore(s, number, author(), request.form.get("message", "").strip()[:500],
                                       expected_version=expected,
                                       accuracy=guard.as_json())
            except PublishError as e:
                flash(str(e), "error")
                return redirect(url_for("kb.restore", number=number))
            flash(f"已恢复第 {number} 版的内容，发布为第 {row.version} 版。", "info")
            return redirect(url_for("kb.version", number=row.version))
        diff = diff_content(versions.published_content(s), target)
        guard, pending = curation.guard_or_start(db(), s, svc(), target) if diff else (None, False)
        drafts = len(versions.list_drafts(s))
    return render_template("kb/restore.html", number=number, diff=diff, guard=guard, pending=pending,
                           current=current, drafts=drafts)
