"""The console's pure parts: explain, the accuracy guard, diffs, grouping, checks, YAML/Excel."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest

from knowledge_base.content import KbContent, LexiconDoc, clean_entry, shipped_content
from knowledge_base.content_files import load_taxonomy
from knowledge_base.diffing import diff_content, text_pieces
from knowledge_base.exchange import ImportFormatError, dump_yaml, read_xlsx, read_yaml, write_xlsx, yaml_files
from knowledge_base.explain import explain
from knowledge_base.guard import compare
from knowledge_base.triage import Question, group_questions
from knowledge_base.validation import check_entry, check_lexicon, next_faq_id

TAX = load_taxonomy()


@pytest.fixture(scope="module")
def content() -> KbContent:
    return shipped_content()


def test_explain_shows_each_step_and_agrees_with_the_matcher(kb_index, content):
    from knowledge_base.match import match

    phr = {e["faq_id"]: [e["question"], *e["alternatives"]] for e in content.entries}
    ex = explain("包工头跑了工钱找谁要", kb_index, phr)
    result = match("包工头跑了工钱找谁要", kb_index)
    assert ex.status == result.status and ex.code == result.code
    kinds = {(r.before, r.after, r.kind) for r in ex.rewrites}
    assert {("包工头", "老板", "同义词"), ("工钱", "工资", "同义词")} <= kinds
    top = ex.top
    assert top is not None and top.faq_id == result.top.faq_id and top.shown
    assert top.phrasing in phr[top.faq_id] and top.shared


def test_explain_names_the_off_topic_example_that_matched(content):
    from knowledge_base.index import build_index
    from knowledge_base.service import KnowledgeService
    from pathlib import Path

    svc = KnowledgeService(cache_dir=Path(__file__).resolve().parents[2] / "var" / "cache")
    index = svc.build(content)
    ex = explain("明天天气怎么样", index, offtopic=content.offtopic)
    assert ex.status == "offtopic"
    off = [c for c in ex.candidates if c.offtopic]
    assert off and off[0].phrasing in content.offtopic


def test_guard_counts_per_topic_and_names_changed_questions():
    rows = [{"text": "a", "code": "labor.wages"}, {"text": "b", "code": "labor.wages"},
            {"text": "c", "code": "land"}, {"text": "d", "code": "other"}]
    g = compare(rows, ["labor.wages", "labor.wages", "other", "other"],
                ["labor.wages", "land", "land", "labor.wages"], {"land": "土地"})
    assert (g.before_correct, g.after_correct, g.before_rejected, g.after_rejected) == (2, 2, 1, 0)
    assert g.dropped and [t.code for t in g.dropped_topics] == ["labor.wages"]
    assert [(c.text, c.effect) for c in g.changed] == [("b", "broken"), ("d", "broken"), ("c", "fixed")]
    same = compare(rows, ["land"] * 4, ["land"] * 4)
    assert not same.dropped and not same.changed


def test_readable_diff(content):
    e = dict(content.entries[0])
    after = dict(e, question=e["question"] + "吗", alternatives=[*e["alternatives"][1:], "新的问法"])
    d = diff_content(KbContent((e,)), KbContent((after,), LexiconDoc((("工资", ("工钱",)),))))
    fields = {f.field: f for f in d.entries[0].fields}
    assert fields["alternatives"].added == ("新的问法",) and fields["alternatives"].removed == (e["alternatives"][0],)
    assert [p.op for p in fields["question"].pieces][-1] == "insert"
    assert d.synonyms[0].canonical == "工资" and d.headline() == "修改 1 条、同义词 1 组"
    assert text_pieces("工资不给", "工钱不给") == tuple(text_pieces("工资不给", "工钱不给"))


def test_grouping_puts_variants_together():
    now = datetime(2026, 10, 1, tzinfo=timezone.utc)
    texts = ["老人去世后房子怎么继承", "老人去世了房子怎么继承", "爸爸去世后房子怎么继承", "物业不修电梯"]
    qs = [Question(i, t, "unsure", now + timedelta(hours=i)) for i, t in enumerate(texts)]
    tokens = {t: t.replace("怎么", " 怎么 ").replace("后", " ").replace("了", " ").split() for t in texts}
    groups = group_questions(qs, lambda t: tokens[t])
    assert groups[0].count >= 2 and groups[0].first_seen == now
    assert any(g.texts == ["物业不修电梯"] for g in groups)


def test_entry_checks_name_every_problem():
    entry, errors = check_entry({"faq_id": "Bad ID", "code": "other", "question": "", "alternatives": ["a"],
                                 "short_answer": "x" * 301, "full_answer": "", "basis": [], "follow_up": "maybe"}, TAX)
    assert {e.field for e in errors} == {"faq_id", "code", "question", "alternatives", "short_answer", "full_answer",
                                         "basis", "follow_up"}
    assert next_faq_id("labor.wages", {"labor-wages-01", "labor-wages-02"}) == "labor-wages-03"


def test_lexicon_checks():
    bad = LexiconDoc((("工资", ("工钱", "工 钱")), ("报酬", ("工钱",)), ("欠", ("工资",))), ("好 词",), ())
    msgs = " ".join(e.message for e in check_lexicon(bad))
    assert "工 钱" in msgs and "同时属于" in msgs and "另一组的标准词" in msgs and "好 词" in msgs
    assert not check_lexicon(shipped_content().lexicon)


def test_yaml_round_trip_and_row_errors(content):
    text = dump_yaml(content.entries[:5])
    result = read_yaml(text.encode(), TAX)
    assert result.ok and [clean_entry(e) for e in result.entries] == list(content.entries[:5])
    assert set(yaml_files(content)) >= {"labor_wages.yaml", "legal_aid_apply.yaml"}
    bad = read_yaml("- id: x-01\n  code: land\n".encode(), TAX)
    assert not bad.ok and any(i.column == "question" and i.row == 1 for i in bad.errors)
    with pytest.raises(ImportFormatError, match="YAML 格式有误"):
        read_yaml(b"- id: [", TAX)


def test_excel_round_trip_and_error_locations(content):
    from openpyxl import load_workbook

    data = write_xlsx(content, TAX)
    result = read_xlsx(data, TAX)
    assert result.ok and len(result.entries) == len(content.entries)
    assert result.lexicon == content.lexicon and result.offtopic == content.offtopic
    wb = load_workbook(io.BytesIO(data))
    wb["条目"]["A4"] = wb["条目"]["A3"].value  # duplicate id on row 4
    wb["条目"]["H7"] = "maybe"
    out = io.BytesIO()
    wb.save(out)
    errors = read_xlsx(out.getvalue(), TAX).errors
    assert [(e.row, e.column[:3]) for e in errors] == [(4, "A 列"), (7, "H 列")]
    assert "与第 3 行重复" in errors[0].message
    with pytest.raises(ImportFormatError, match="无法打开"):
        read_xlsx(b"plain text", TAX)


def test_charts_are_inline_svg():
    from reports import charts

    svg = str(charts.columns(["10-01", "10-02"], [3, 5], "每日"))
    assert svg.startswith("<svg") and "<script" not in svg and "http" not in svg.replace("http://www.w3.org", "")
    assert "7 天期限" in str(charts.decision_days([1.5, 9], 7))
    assert "没有数据" in str(charts.bars([], "x"))


def test_a_new_entry_lists_only_the_fields_filled_in(content):
    e = dict(content.entries[0], faq_id="housing-property-99", regional_note="", basis=["《法律援助法》第三十一条"])
    d = diff_content(KbContent(), KbContent((e,)))
    fields = {f.field: f for f in d.entries[0].fields}
    assert d.entries[0].kind == "added" and "regional_note" not in fields  # was shown as 「顺序调整」
    assert fields["basis"].added == ("《法律援助法》第三十一条",)
    cleared = dict(content.entries[0], regional_note="各地标准不同")
    d = diff_content(KbContent((cleared,)), KbContent((dict(cleared, regional_note=""),)))
    assert [f.field for f in d.entries[0].fields] == ["regional_note"]  # emptying a field is still a change


def test_an_accuracy_report_survives_the_trip_between_workers():
    from knowledge_base.guard import report_from_json, report_to_json

    rows = [{"text": "a", "code": "labor.wages"}, {"text": "b", "code": "land"}, {"text": "c", "code": "other"}]
    g = compare(rows, ["labor.wages", "land", "other"], ["land", "land", "labor.wages"], {"land": "土地"})
    import json
    back = report_from_json(json.loads(json.dumps(report_to_json(g), ensure_ascii=False)))
    assert back == g and back.dropped and [c.effect for c in back.broken] == ["broken", "broken"]
