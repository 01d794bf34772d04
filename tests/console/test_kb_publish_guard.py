"""The accuracy guard off the request path: 检查并发布 and 恢复 show the page at once and
the report when a worker has made it (shared through the cache directory, so another
worker shows it without recomputing); a publish is still checked against the report for
exactly what it publishes, and a refused publish keeps the note the curator typed."""
from __future__ import annotations

import time
import uuid

import pytest

from app_factory import make_app
from kb_console_helpers import entry_form, login


@pytest.fixture(scope="module")
def kb_app(new_db_url):
    app = make_app(new_db_url(), WTF_CSRF_ENABLED=False)
    from handoff.accounts import create_user

    with app.extensions["fayuan_db"].session() as s:
        create_user(s, "curator", "password123", "staff", "王芳")
    return app


def wait_for_report(c, query: str = "") -> str:
    """Poll as the page's script does; the report takes seconds of CPU to compute."""
    for _ in range(600):
        r = c.get(f"/console/kb/guard{query}")
        if r.status_code == 200:
            return r.get_data(as_text=True)
        assert r.status_code == 202
        time.sleep(0.5)
    raise AssertionError("the accuracy report never arrived")


def published_version(app) -> int:
    from knowledge_base import versions

    with app.extensions["fayuan_db"].session() as s:
        return versions.published_version(s)


def test_publish_page_shows_at_once_and_the_report_is_shared_by_workers(kb_app):
    from knowledge_base import curation, versions
    from knowledge_base.service import KnowledgeService

    c = login(kb_app)
    marker = f"【核对 {uuid.uuid4().hex[:8]}】"  # content no report was made for yet
    form = entry_form(c, "labor-wages-02")
    form["short_answer"] = marker + form["short_answer"][:200]
    assert c.post("/console/kb/entries/labor-wages-02", data=form).status_code == 302

    first = c.get("/console/kb/publish").get_data(as_text=True)
    assert 'id="guard-pending"' in first and 'id="guard"' not in first
    assert 'id="publish"' in first and marker in first  # the diff and the form are there already

    report = wait_for_report(c)
    assert 'id="guard"' in report and "主题判断正确" in report
    again = c.get("/console/kb/publish").get_data(as_text=True)
    assert 'id="guard"' in again and 'id="guard-pending"' not in again

    svc = kb_app.extensions["fayuan_kb"]
    other_worker = KnowledgeService(cache_dir=svc.cache_dir)
    with kb_app.extensions["fayuan_db"].session() as s:
        draft = versions.draft_content(s)
        mine = curation.cached_guard(s, svc, draft)
        theirs = curation.cached_guard(s, other_worker, draft)
    assert mine is not None and theirs == mine


def test_a_refused_publish_keeps_the_note_and_changes_nothing(kb_app):
    c = login(kb_app)
    before = published_version(kb_app)
    # every phrasing of the main wage entry filed under divorce: wage questions go wrong
    form = entry_form(c, "labor-wages-01", code="family.divorce")
    assert c.post("/console/kb/entries/labor-wages-01", data=form).status_code == 302
    page = c.get("/console/kb/publish").get_data(as_text=True)
    import re
    fields = {k: re.search(rf'name="{k}" value="([^"]*)"', page).group(1) for k in ("fingerprint", "version")}

    no_note = c.post("/console/kb/publish", data=dict(fields, message="  "))
    assert no_note.status_code == 400 and "请写一句发布说明" in no_note.get_data(as_text=True)

    note = "工资条目改到离婚类（试验）"
    refused = c.post("/console/kb/publish", data=dict(fields, message=note))
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "准确率有下降" in text
    assert f'value="{note}"' in text                       # what the curator typed is still there
    assert '<div id="confirm-block">' in text and 'id="guard"' in text and "变错" in text
    assert published_version(kb_app) == before

    done = c.post("/console/kb/publish", data=dict(fields, message=note, confirm="1"), follow_redirects=True)
    assert "已发布为第" in done.get_data(as_text=True) and published_version(kb_app) == before + 1


def test_the_tester_says_when_the_drafts_topic_model_is_not_trained_yet(kb_app):
    c = login(kb_app)
    new = f"工地老板跑路了工钱找谁要{uuid.uuid4().hex[:6]}"  # a phrasing no model was trained on
    form = entry_form(c, "labor-wages-03")
    form["alternatives"] = form["alternatives"] + "\n" + new
    assert c.post("/console/kb/entries/labor-wages-03", data=form).status_code == 302
    page = c.get("/console/kb/tester", query_string={"q": "包工头跑了工钱找谁要"}).get_data(as_text=True)
    assert 'id="model-pending"' in page and "草稿（发布后）" in page
    wait_for_report(c)  # the tester started the check that trains it
    page = c.get("/console/kb/tester", query_string={"q": "包工头跑了工钱找谁要"}).get_data(as_text=True)
    assert 'id="model-pending"' not in page and "草稿（发布后）" in page
