"""The on-disk index cache: used when the content is the same, never when it changed."""
from __future__ import annotations

from knowledge_base.content_files import load_faq
from knowledge_base.service import KnowledgeService


def test_cached_index_answers_like_a_fresh_one(tmp_path):
    entries = load_faq()[:40]
    first = KnowledgeService(cache_dir=tmp_path)._cached_build(entries, [], "1")
    assert list(tmp_path.glob("index-*.pkl"))
    again = KnowledgeService(cache_dir=tmp_path)._cached_build(entries, [], "2")
    assert again.stamp == "2" and again.segmenter is not None
    from knowledge_base.match import match
    for q in ("老板拖欠工资怎么办", "工伤认定", "离婚财产怎么分"):
        assert [h.faq_id for h in match(q, first).hits] == [h.faq_id for h in match(q, again).hits]


def test_changed_content_never_uses_the_old_cache(tmp_path):
    entries = load_faq()[:40]
    KnowledgeService(cache_dir=tmp_path)._cached_build(entries, [], "1")
    changed = [dict(entries[0], alternatives=[*entries[0]["alternatives"], "一个全新的说法欠薪"]), *entries[1:]]
    KnowledgeService(cache_dir=tmp_path)._cached_build(changed, [], "2")
    assert len(list(tmp_path.glob("index-*.pkl"))) == 2


def test_a_damaged_cache_file_is_rebuilt(tmp_path):
    entries = load_faq()[:20]
    KnowledgeService(cache_dir=tmp_path)._cached_build(entries, [], "1")
    for f in tmp_path.glob("index-*.pkl"):
        f.write_bytes(b"not a pickle")
    index = KnowledgeService(cache_dir=tmp_path)._cached_build(entries, [], "1")
    assert index.size == 20
