"""Learning from citizens: the unanswered queue (grouped), helpfulness per entry, and
complaints / praise about staff and lawyers as items to follow up."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from knowledge_base import curation, versions
from knowledge_base import followups as followup_store

from console.auth import role_required

from . import CURATORS, bp
from .common import author, db, svc

MAX_GROUPS = 60


def _ids(raw: str) -> list[int]:
    return [int(x) for x in raw.split(",") if x.strip().isdigit()][:5000]


@bp.get("/queue")
@role_required(*CURATORS)
def queue():
    reason = request.args.get("reason", "")
    reasons = (reason,) if reason in curation.REASON_NAMES else curation.QUEUE_REASONS
    try:
        days = max(1, min(365, int(request.args.get("days", "90"))))
    except ValueError:
        days = 90
    with db().session() as s:
        groups = curation.queue_groups(s, svc(), reasons, days)
        total = sum(g.count for g in groups)
        shown = groups[:MAX_GROUPS]
        suggestions = {g.key: curation.suggest(s, svc(), g.representative) for g in shown}
        topics = {g.key: curation.likely_topic(s, svc(), g.representative) for g in shown}
        faq_ids = [e["faq_id"] for e in versions.draft_content(s).entries]
    return render_template("kb/queue.html", groups=shown, more=len(groups) - len(shown), total=total, faq_ids=faq_ids,
                           suggestions=suggestions, topics=topics, reason=reason, days=days, reasons=curation.REASON_NAMES)


@bp.post("/queue/action")
@role_required(*CURATORS)
def queue_action():
    action = request.form.get("action", "")
    ids = _ids(request.form.get("ids", ""))
    text = request.form.get("text", "").strip()
    back = redirect(url_for("kb.queue", reason=request.form.get("reason", ""), days=request.form.get("days", "90")))
    if not ids:
        flash("没有选中任何问题。", "error")
        return back
    who = author()
    with db().session() as s:
        if action == "alternative":
            faq_id = request.form.get("faq_id_other", "").strip() or request.form.get("faq_id", "").strip()
            error = curation.add_alternative(s, faq_id, text, who)
            if error:
                flash(error, "error")
                return back
            n = curation.resolve(s, ids, "alternative", who.label, faq_id)
            flash(f"已把「{text}」加为 {faq_id} 的问法（草稿，发布后生效），{n} 个问题已处理。", "info")
        elif action == "offtopic":
            error = curation.add_offtopic(s, text, who)
            if error:
                flash(error, "error")
                return back
            n = curation.resolve(s, ids, "offtopic", who.label)
            flash(f"已把「{text}」加入无关示例（草稿，发布后生效），{n} 个问题已处理。", "info")
        elif action == "dismiss":
            n = curation.resolve(s, ids, "dismissed", who.label)
            flash(f"已忽略 {n} 个问题。", "info")
        elif action == "new":
            return redirect(url_for("kb.new_entry", question=text, code=request.form.get("code", ""),
                                    ids=",".join(map(str, ids))))
        else:
            abort(400)
    return back


@bp.get("/feedback")
@role_required(*CURATORS)
def feedback():
    sort = request.args.get("sort", "unhelpful")
    with db().session() as s:
        helped = curation.helpfulness(s)
        entries = versions.published_content(s).by_id()
    rows = [{"faq_id": k, "entry": entries.get(k), "help": h} for k, h in helped.items()]
    keys = {"unhelpful": lambda r: (-r["help"].unhelpful, -r["help"].answered),
            "rate": lambda r: (r["help"].rate is None, r["help"].rate or 0, -r["help"].votes),
            "helpful": lambda r: (-r["help"].helpful, -r["help"].answered),
            "answered": lambda r: -r["help"].answered}
    rows.sort(key=keys.get(sort, keys["unhelpful"]))
    return render_template("kb/feedback.html", rows=rows, sort=sort)


@bp.get("/followups")
@role_required(*CURATORS)
def followups():
    status = request.args.get("status", "open")
    with db().session() as s:
        rows = followup_store.listed(s, status)
    return render_template("kb/followups.html", rows=rows, status=status)


@bp.post("/followups/<int:item_id>")
@role_required(*CURATORS)
def followup_done(item_id: int):
    note = request.form.get("note", "").strip()[:2000]
    with db().session() as s:
        item = followup_store.find(s, item_id)
        if item is None:
            abort(404)
        if not note:
            flash("请写明处理结果（如：已电话联系当事人，已转交中心主任）。", "error")
            return redirect(url_for("kb.followups"))
        followup_store.mark_done(item, note, author().label)
    flash("已记录处理结果。", "info")
    return redirect(url_for("kb.followups"))
