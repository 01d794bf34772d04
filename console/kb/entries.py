"""Entry list (search, topic filter, helpfulness sort) and the entry editor (drafts)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from knowledge_base import curation, versions
from knowledge_base.content import clean_entry
from knowledge_base.content_files import FOLLOW_UPS
from knowledge_base.diffing import FOLLOW_UP_LABELS, entry_fields
from knowledge_base.validation import check_entry, next_faq_id

from console.auth import role_required

from . import CURATORS, bp
from .common import author, db, lines

SORTS = {"position": "默认顺序", "unhelpful": "「没用」最多", "rate": "有用率最低", "answered": "回答次数最多"}
STATES = {"": "全部", "draft": "有草稿", "new": "新增（未发布）", "delete": "待删除"}


def _matches(entry: dict, term: str) -> bool:
    term = term.lower()
    hay = [entry["faq_id"], entry["question"], entry["short_answer"], entry["full_answer"], *entry["alternatives"]]
    return any(term in h.lower() for h in hay)


@bp.get("/")
@role_required(*CURATORS)
def entries():
    term = request.args.get("q", "").strip()[:100]
    code = request.args.get("code", "")
    state = request.args.get("state", "")
    sort = request.args.get("sort", "position")
    with db().session() as s:
        published = versions.published_content(s)
        drafts = {d.key: d for d in versions.list_drafts(s) if d.kind == "entry"}
        stale = versions.stale_drafts(s)
        helped = curation.helpfulness(s)
        other_drafts = [d.kind for d in versions.list_drafts(s) if d.kind != "entry"]
    working = versions.apply_drafts(published, versions.draft_changes(drafts.values()))
    pub_ids = published.by_id()
    rows = []
    seen = set()
    for e in [*working.entries, *[pub_ids[k] for k, d in drafts.items() if d.action == "delete" and k in pub_ids]]:
        if e["faq_id"] in seen:
            continue
        seen.add(e["faq_id"])
        d = drafts.get(e["faq_id"])
        status = "" if d is None else ("delete" if d.action == "delete" else ("new" if e["faq_id"] not in pub_ids else "draft"))
        if code and e["code"] != code:
            continue
        if state == "draft" and d is None or state in ("new", "delete") and status != state:
            continue
        if term and not _matches(e, term):
            continue
        rows.append({"entry": e, "status": status, "stale": e["faq_id"] in stale,
                     "help": helped.get(e["faq_id"], curation.Helpfulness()), "position": len(rows)})
    if sort == "unhelpful":
        rows.sort(key=lambda r: (-r["help"].unhelpful, -r["help"].answered))
    elif sort == "rate":
        rows.sort(key=lambda r: (r["help"].rate is None, r["help"].rate or 0, -r["help"].votes))
    elif sort == "answered":
        rows.sort(key=lambda r: -r["help"].answered)
    return render_template("kb/entries.html", rows=rows, term=term, code=code, state=state, sort=sort,
                           sorts=SORTS, states=STATES, taxonomy=curation.taxonomy(), drafts=len(drafts) + len(other_drafts))


def _form_entry(faq_id: str | None = None) -> dict:
    f = request.form
    return {"faq_id": faq_id or f.get("faq_id", "").strip(), "code": f.get("code", ""), "question": f.get("question", ""),
            "alternatives": lines(f.get("alternatives")), "short_answer": f.get("short_answer", ""),
            "full_answer": f.get("full_answer", "").replace("\r", ""), "basis": lines(f.get("basis")),
            "follow_up": f.get("follow_up", "none"), "regional_note": f.get("regional_note", "").replace("\r", "")}


def _render_editor(entry: dict, *, new: bool, errors=(), published: dict | None = None, draft=None,
                   stale: bool = False, help_=None, status: int = 200, queue_ids: str = ""):
    errs: dict[str, list[str]] = {}
    for e in errors:
        errs.setdefault(e.field, []).append(e.message)
    changes = entry_fields(published, entry) if published is not None and draft is not None else ()
    return render_template("kb/entry.html", entry=entry, new=new, errors=errs, published=published, draft=draft,
                           changes=changes, stale=stale, help=help_ or curation.Helpfulness(),
                           taxonomy=curation.taxonomy(), follow_ups=[(f, FOLLOW_UP_LABELS[f]) for f in sorted(FOLLOW_UPS)],
                           queue_ids=queue_ids), status


@bp.get("/entries/<faq_id>")
@role_required(*CURATORS)
def entry(faq_id: str):
    with db().session() as s:
        published = versions.published_content(s).entry(faq_id)
        draft = next((d for d in versions.list_drafts(s) if d.kind == "entry" and d.key == faq_id), None)
        if published is None and draft is None:
            abort(404)
        stale = faq_id in versions.stale_drafts(s)
        help_ = curation.helpfulness(s).get(faq_id)
        current = clean_entry(draft.data) if draft is not None else published
    return _render_editor(current, new=False, published=published, draft=draft, stale=stale, help_=help_)


@bp.post("/entries/<faq_id>")
@role_required(*CURATORS)
def save(faq_id: str):
    raw = _form_entry(faq_id)
    entry, errors = check_entry(raw, curation.taxonomy())
    with db().session() as s:
        published = versions.published_content(s).entry(faq_id)
        draft = next((d for d in versions.list_drafts(s) if d.kind == "entry" and d.key == faq_id), None)
        if published is None and draft is None:
            abort(404)
        if errors:
            return _render_editor(entry, new=False, errors=errors, published=published, draft=draft, status=400)
        changed = versions.save_entry(s, entry, author())
    flash("已保存为草稿，发布后才会生效。" if changed else "内容与已发布的相同，没有草稿。", "info")
    return redirect(url_for("kb.entry", faq_id=faq_id))


@bp.get("/entries/new")
@role_required(*CURATORS)
def new_entry():
    code = request.args.get("code", "")
    with db().session() as s:
        existing = {e["faq_id"] for e in versions.draft_content(s).entries}
    entry = clean_entry({"code": code, "question": request.args.get("question", "")[:200],
                         "faq_id": next_faq_id(code, existing) if code in curation.taxonomy() else "",
                         "follow_up": "none"})
    return _render_editor(entry, new=True, queue_ids=request.args.get("ids", ""))[0]


@bp.post("/entries/new")
@role_required(*CURATORS)
def create_entry():
    raw = _form_entry()
    entry, errors = check_entry(raw, curation.taxonomy())
    queue_ids = request.form.get("queue_ids", "")
    with db().session() as s:
        if entry["faq_id"] and entry["faq_id"] in {e["faq_id"] for e in versions.draft_content(s).entries} | set(
                versions.published_content(s).by_id()):
            from knowledge_base.validation import FieldError
            errors = [*errors, FieldError("faq_id", f"编号 {entry['faq_id']} 已被使用，请换一个")]
        if errors:
            return _render_editor(entry, new=True, errors=errors, status=400, queue_ids=queue_ids)
        versions.save_entry(s, entry, author())
        ids = [int(x) for x in queue_ids.split(",") if x.strip().isdigit()]
        if ids:
            curation.resolve(s, ids, "new_entry", author().label, entry["faq_id"])
    flash(f"新条目 {entry['faq_id']} 已保存为草稿，发布后才会生效。", "info")
    return redirect(url_for("kb.entry", faq_id=entry["faq_id"]))


@bp.post("/entries/<faq_id>/discard")
@role_required(*CURATORS)
def discard(faq_id: str):
    with db().session() as s:
        dropped = versions.discard(s, "entry", faq_id)
        exists = versions.published_content(s).entry(faq_id) is not None
    flash("已放弃这条草稿。" if dropped else "这条没有草稿。", "info")
    return redirect(url_for("kb.entry", faq_id=faq_id) if exists else url_for("kb.entries"))


@bp.post("/entries/<faq_id>/delete")
@role_required(*CURATORS)
def delete(faq_id: str):
    with db().session() as s:
        versions.delete_entry(s, faq_id, author())
        exists = versions.published_content(s).entry(faq_id) is not None
    flash("已标记删除，发布后生效。" if exists else "未发布的新条目已删除。", "info")
    return redirect(url_for("kb.entry", faq_id=faq_id) if exists else url_for("kb.entries"))
