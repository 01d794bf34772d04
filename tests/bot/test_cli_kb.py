"""`python -m bot kb import|export` and `report` in real subprocesses (the operator's view)."""
from __future__ import annotations

import json

import pytest
import yaml

from test_cli import run


@pytest.fixture(scope="module")
def kb_db(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('clikb') / 'kb.sqlite'}"


def test_export_formats_and_a_clean_round_trip_with_a_progress_bar(kb_db, tmp_path):
    lines = run(["kb", "export"], kb_db).stdout.splitlines()
    assert json.loads(lines[0])["faq_id"]  # CONTRACTS §2 unchanged
    entries = yaml.safe_load(run(["kb", "export", "--format", "yaml"], kb_db).stdout)
    assert len(entries) == len(lines) and {"id", "code", "question", "alternatives"} <= set(entries[0])
    book = tmp_path / "kb.xlsx"
    r = run(["kb", "export", "--format", "xlsx", "-o", str(book)], kb_db)
    assert r.returncode == 0 and book.stat().st_size > 10000
    r = run(["kb", "import", str(book)], kb_db)
    assert r.returncode == 0, r.stderr
    assert f"未变 {len(lines)} 条" in r.stdout
    assert f"检查 {len(lines)}/{len(lines)} (100%)" in r.stderr  # progress on stderr for a large file


def test_import_with_errors_changes_nothing_and_names_rows(kb_db, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: land-01\n  code: land\n  question: 宅基地\n", encoding="utf-8")
    r = run(["kb", "import", str(bad)], kb_db)
    assert r.returncode == 1 and "没有任何改动" in r.stderr and "第 1 条「alternatives」" in r.stderr
    assert run(["kb", "import", str(tmp_path / "missing.xlsx")], kb_db).returncode == 2
    r = run(["kb", "import", str(tmp_path / "kb.csv")], kb_db)
    assert r.returncode == 2


def test_import_and_publish(kb_db, tmp_path):
    entries = yaml.safe_load(run(["kb", "export", "--format", "yaml"], kb_db).stdout)
    one = next(e for e in entries if e["id"] == "land-01")
    one["short_answer"] = "（命令行导入的新回答）" + one["short_answer"][:100]
    path = tmp_path / "land.yaml"
    path.write_text(yaml.safe_dump([one], allow_unicode=True), encoding="utf-8")
    r = run(["kb", "import", str(path), "--publish", "--message", "命令行测试"], kb_db)
    assert r.returncode == 0, r.stderr
    assert "修改 1 条" in r.stdout and "准确率检查" in r.stdout and "已发布为第" in r.stdout
    exported = [json.loads(x) for x in run(["kb", "export"], kb_db).stdout.splitlines()]
    assert next(e for e in exported if e["faq_id"] == "land-01")["answer"].startswith("（命令行导入的新回答）")


def test_report_command(kb_db, tmp_path):
    r = run(["report", "--month", "2026-10", "-o", str(tmp_path)], kb_db)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "fayuan-report-2026-10.xlsx").exists()
    bad = run(["report", "--month", "October"], kb_db)
    assert bad.returncode == 2 and "2026-10" in bad.stderr
    assert run(["report", "--month", "2026-10", "--office", "nowhere"], kb_db).returncode == 2
