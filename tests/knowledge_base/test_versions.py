"""Drafts, publishing, versions and restore on SQLite and PostgreSQL; the matcher follows."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import select

from knowledge_base import versions
from knowledge_base.content import LexiconDoc, shipped_content
from knowledge_base.models import FaqEntry, KbDraft, KbState, KbVersion
from knowledge_base.service import KnowledgeService
from knowledge_base.versions import Author, PublishError

STAFF = Author(7, "王芳")
CACHE = Path(__file__).resolve().parents[2] / "var" / "cache"


@pytest.fixture(scope="module")
def db(new_db_url):
    from bot.db import Database

    d = Database(new_db_url())
    d.prepare()
    return d


def test_the_seed_is_version_one_with_lexicon_and_offtopic(db):
    with db.session() as s:
        first = s.scalars(select(KbVersion).order_by(KbVersion.version)).first()
        assert first.source == "seed" and first.author == "系统"
        state = s.get(KbState, 1)
        assert state.lexicon_rev and state.offtopic_rev and state.seed_hash
        assert versions.version_content(s, first.version) == versions.published_content(s)
        assert versions.published_content(s) == shipped_content()


def test_a_draft_changes_nothing_until_published_then_restore_brings_it_back(db):
    with db.session() as s:
        start = s.get(KbState, 1).version
        entry = dict(versions.published_content(s).entry("labor-wages-01"))
        original = entry["short_answer"]
        entry["short_answer"] = original + "（测试改动）"
        assert versions.save_entry(s, entry, STAFF)
        assert s.get(KbState, 1).seed_hash is None
        assert s.get(FaqEntry, "labor-wages-01").short_answer == original
        assert versions.draft_content(s).entry("labor-wages-01")["short_answer"].endswith("（测试改动）")
        fp = versions.drafts_fingerprint(s)
    with db.session() as s:
        row = versions.publish_drafts(s, STAFF, "改简短回答", fingerprint=fp, expected_version=start)
        assert row.version == start + 1 and row.author == "王芳"
        assert row.summary["changed"] == ["labor-wages-01"] and row.summary["fields"]["labor-wages-01"] == ["short_answer"]
        assert s.get(FaqEntry, "labor-wages-01").short_answer.endswith("（测试改动）")
        assert not s.scalars(select(KbDraft)).all()
    with db.session() as s:
        from knowledge_base import store
        assert store.seed_if_empty(s) == 0  # curated now: the shipped YAML no longer overwrites it
        restored = versions.restore(s, start, STAFF)
        assert restored.restored_from == start
        assert s.get(FaqEntry, "labor-wages-01").short_answer == original


def test_publishing_refuses_nothing_to_publish_and_a_stale_form(db):
    with db.session() as s:
        with pytest.raises(PublishError, match="没有待发布"):
            versions.publish_drafts(s, STAFF, "")
        entry = dict(versions.published_content(s).entry("labor-wages-02"))
        entry["question"] += "？"
        versions.save_entry(s, entry, STAFF)
        version = s.get(KbState, 1).version
    with db.session() as s:
        with pytest.raises(PublishError, match="重新检查"):
            versions.publish_drafts(s, STAFF, "", fingerprint="stale")
        with pytest.raises(PublishError, match="他人发布"):
            versions.publish_drafts(s, STAFF, "", expected_version=version - 1)
    with db.session() as s:
        assert versions.discard(s, "entry", "labor-wages-02")


def test_saving_the_published_text_again_drops_the_draft(db):
    with db.session() as s:
        entry = dict(versions.published_content(s).entry("labor-wages-03"))
        assert versions.save_entry(s, entry, STAFF) is False
        assert s.get(KbDraft, ("entry", "labor-wages-03")) is None


def test_new_and_deleted_entries_and_the_readable_diff(db):
    with db.session() as s:
        base = dict(versions.published_content(s).entry("land-01"))
        new = dict(base, faq_id="land-99", question="宅基地测试新条目怎么办")
        versions.save_entry(s, new, STAFF)
        versions.delete_entry(s, "land-02", STAFF)
        _, after, diff = versions.diff_drafts(s)
        ids = [e["faq_id"] for e in after.entries]
        assert "land-02" not in ids and ids.index("land-99") > ids.index("land-01")
        assert {(e.faq_id, e.kind) for e in diff.entries} == {("land-99", "added"), ("land-02", "removed")}
        assert diff.headline() == "新增 1 条、删除 1 条"
        versions.delete_entry(s, "land-99", STAFF)  # a never-published entry just disappears
        versions.discard(s, "entry", "land-02")
        assert not versions.list_drafts(s)


def test_every_worker_follows_a_publish_of_the_lexicon(db):
    """Two services (two workers) on one database: a synonym published via one reaches both."""
    a, b = KnowledgeService(cache_dir=CACHE), KnowledgeService(cache_dir=CACHE)
    question = "饷银被扣了怎么办"
    with db.session() as s:
        assert a.match(s, question).status != "answer" and b.match(s, question).status != "answer"
        lex = versions.published_lexicon(s)
        groups = tuple((c, (*vs, "饷银")) if c == "工资" else (c, vs) for c, vs in lex.synonyms)
        versions.save_lexicon(s, dataclasses.replace(lex, synonyms=groups), STAFF)
        assert a.match(s, question).status != "answer"  # a draft does not change the bot
        draft_index = a.index_for(versions.draft_content(s))
    from knowledge_base.match import match
    assert match(question, draft_index).status == "answer"
    with db.session() as s:
        versions.publish_drafts(s, STAFF, "饷银 = 工资")
    with db.session() as s:
        assert a.match(s, question).code == "labor.wages"
        assert b.match(s, question).code == "labor.wages"
        assert "饷银" in versions.published_lexicon(s).group("工资")


def test_a_kb_from_before_versions_gets_a_baseline(db):
    with db.session() as s:
        state = s.get(KbState, 1)
        state.lexicon_rev = None
        version = state.version
        s.delete(s.get(KbVersion, version))
    with db.session() as s:
        versions.ensure_history(s)
        row = s.get(KbVersion, version)
        assert row.source == "baseline" and s.get(KbState, 1).lexicon_rev is not None
        assert versions.version_content(s, version).entries == versions.published_content(s).entries


def test_lexicon_doc_round_trip():
    doc = LexiconDoc((("工资", ("工钱", "薪水")), ("欠", ("拖欠",))), ("讨薪",), ("法律",))
    assert LexiconDoc.from_json(doc.to_json()) == doc
    lex = doc.lexicon()
    assert lex.synonyms["工钱"] == "工资" and lex.synonyms["工资"] == "工资" and lex.user_words == ("讨薪",)


def test_requests_keep_the_old_index_while_the_new_one_is_built(db):
    """No request waits for, or sees, a half-built index: the old one answers until the swap."""
    import threading

    svc = KnowledgeService(cache_dir=CACHE)
    with db.session() as s:
        old = svc.index(s)
        entry = dict(versions.published_content(s).entry("land-04"))
        versions.save_entry(s, dict(entry, question=entry["question"] + "？"), STAFF)
    with db.session() as s:
        versions.publish_drafts(s, STAFF, "小改动")
    started, release = threading.Event(), threading.Event()
    real_build = svc.build

    def slow_build(*args, **kwargs):
        started.set()
        release.wait(20)
        return real_build(*args, **kwargs)

    svc.build = slow_build  # type: ignore[method-assign]
    builder = threading.Thread(target=lambda: _index_in_new_session(db, svc))
    builder.start()
    assert started.wait(20)
    with db.session() as s:
        assert svc.index(s) is old  # answered at once, from the complete old index
    release.set()
    builder.join(30)
    with db.session() as s:
        new = svc.index(s)
    assert new is not old and new.stamp == str(s.get(KbState, 1).version)


def _index_in_new_session(db, svc) -> None:
    with db.session() as s:
        svc.index(s)
