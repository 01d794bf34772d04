"""Synonym groups, the user dictionary, cue words and off-topic examples, edited as drafts."""
from __future__ import annotations

import dataclasses

from flask import flash, redirect, render_template, request, url_for

from knowledge_base import versions
from knowledge_base.content import LexiconDoc
from knowledge_base.validation import check_lexicon, lexicon_warnings

from console.auth import role_required

from . import CURATORS, bp
from .common import author, db, lines, words


def _working(s) -> tuple[LexiconDoc, bool]:
    draft = versions.draft(s, "lexicon", "lexicon")
    if draft is not None:
        return LexiconDoc.from_json(draft.data), True
    return versions.published_lexicon(s), False


def _render(doc: LexiconDoc, has_draft: bool, errors=(), form=None, status: int = 200, q: str = ""):
    """`q` narrows the synonym table to the groups with that word: a browser's find-in-page
    does not look inside the text fields the groups are edited in."""
    groups = [(c, v) for c, v in doc.synonyms if not q or q in c or any(q in x for x in v)]
    return render_template("kb/lexicon.html", doc=doc, has_draft=has_draft, errors=list(errors), groups=groups,
                           q=q, warnings=lexicon_warnings(doc), form=form or {}), status


@bp.get("/lexicon")
@role_required(*CURATORS)
def lexicon():
    q = request.args.get("q", "").strip()[:20]
    with db().session() as s:
        doc, has_draft = _working(s)
    return _render(doc, has_draft, q=q)[0]


def _save(s, doc: LexiconDoc, form: dict):
    errors = check_lexicon(doc)
    if errors:
        current, has_draft = _working(s)
        return _render(current, has_draft, [e.message for e in errors], form, 400)
    changed = versions.save_lexicon(s, doc, author())
    flash("已保存为草稿，发布后生效。" if changed else "与已发布的相同，没有草稿。", "info")
    return redirect(url_for("kb.lexicon"))


@bp.post("/lexicon/group")
@role_required(*CURATORS)
def save_group():
    canonical = request.form.get("canonical", "").strip()
    original = request.form.get("original", "").strip()
    variants = tuple(dict.fromkeys(words(request.form.get("variants"))))
    action = request.form.get("action", "save")
    with db().session() as s:
        doc, has_draft = _working(s)
        if action == "delete":
            return _save(s, doc.without_group(original), request.form)
        if not canonical:
            return _render(doc, has_draft, ["请填写标准词（这一组的说法都会换成它）"], request.form, 400)
        return _save(s, doc.with_group(canonical, variants, original), request.form)


@bp.post("/lexicon/words")
@role_required(*CURATORS)
def save_words():
    field = request.form.get("field", "user_words")
    if field not in ("user_words", "cues"):
        field = "user_words"
    items = tuple(dict.fromkeys(words(request.form.get("words"))))
    with db().session() as s:
        doc, _ = _working(s)
        return _save(s, dataclasses.replace(doc, **{field: items}), request.form)


# The shared drafts that are not FAQ entries: kind → what the flash message calls it.
_LIST_DRAFTS = {"lexicon": "词表", "offtopic": "无关示例"}


def _discard_list_draft(kind: str):
    with db().session() as s:
        versions.discard(s, kind, kind)
    flash(f"已放弃{_LIST_DRAFTS[kind]}的草稿。", "info")
    return redirect(url_for(f"kb.{kind}"))


@bp.post("/lexicon/discard")
@role_required(*CURATORS)
def discard_lexicon():
    return _discard_list_draft("lexicon")


@bp.post("/offtopic/discard")
@role_required(*CURATORS)
def discard_offtopic():
    return _discard_list_draft("offtopic")


# ------------------------------------------------------------------ off-topic examples

@bp.route("/offtopic", methods=["GET", "POST"])
@role_required(*CURATORS)
def offtopic():
    term = request.args.get("q", "").strip()
    with db().session() as s:
        draft = versions.draft(s, "offtopic", "offtopic")
        phrases = list(draft.data.get("phrases", [])) if draft is not None else list(versions.published_offtopic(s))
        if request.method == "POST":
            remove = set(request.form.getlist("remove"))
            add = [p[:200] for p in lines(request.form.get("add"))]
            changed = versions.save_offtopic(s, [p for p in phrases if p not in remove] + add, author())
            flash("已保存为草稿，发布后生效。" if changed else "与已发布的相同，没有草稿。", "info")
            return redirect(url_for("kb.offtopic", q=term))
    shown = [p for p in phrases if term in p] if term else phrases
    return render_template("kb/offtopic.html", phrases=shown, total=len(phrases), term=term, has_draft=draft is not None)


