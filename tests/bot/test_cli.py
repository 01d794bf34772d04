"""The command line exactly as CONTRACTS §2 describes it, in real subprocesses."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], db_url: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=db_url)
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('cli') / 'cli.sqlite'}"


def test_ask_json_has_the_contract_fields(cli_db):
    r = run(["ask", "老板拖欠我三个月工资不给怎么办", "--json"], cli_db)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert {"text", "code", "faq_id", "score", "answer", "alternatives"} <= set(out)
    assert out["code"] == "labor.wages"
    assert out["faq_id"] and 0 < out["score"] <= 1.0 and "工资" in out["answer"]
    for alt in out["alternatives"]:
        assert {"faq_id", "code", "score"} <= set(alt)


def test_ask_off_topic_is_other(cli_db):
    out = json.loads(run(["ask", "今天天气怎么样", "--json"], cli_db).stdout)
    assert out["code"] == "other"


def test_ask_jsonl_answers_line_by_line(cli_db):
    r = run(["ask", "--jsonl"], cli_db, stdin="工伤怎么认定\n\n你是机器人吗\n老公打我怎么办\n")
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["text"] for row in rows] == ["工伤怎么认定", "你是机器人吗", "老公打我怎么办"]
    assert rows[0]["code"] == "labor.injury" and rows[1]["code"] == "other" and rows[2]["code"] == "family.violence"


def test_kb_export_lists_every_entry(cli_db):
    r = run(["kb", "export"], cli_db)
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(rows) >= 150
    assert {"faq_id", "code", "question", "alternatives", "answer"} <= set(rows[0])


def test_ask_records_nothing_in_the_conversation_log(cli_db):
    from sqlalchemy import create_engine, text

    run(["ask", "包工头跑了怎么办", "--json"], cli_db)
    engine = create_engine(cli_db)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM chat_message")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM conversation")).scalar() == 0


def test_menu_prints_wechat_menu_json(cli_db):
    menu = json.loads(run(["menu"], cli_db).stdout)
    assert 1 <= len(menu["button"]) <= 3
    for b in menu["button"]:
        assert len(b.get("sub_button", [])) <= 5
        for s in b.get("sub_button", []):
            assert s["type"] in ("click", "view", "location_select") and "says" not in s


def test_ask_answers_alike_from_its_snapshot_and_follows_a_publish(tmp_path):
    """A second `ask` answers from the snapshot of the published KB (no database opened),
    exactly as the database would; a publish changes the stamp, so the edit is answered."""
    db_url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    env = dict(os.environ, DATABASE_URL=db_url, FAYUAN_VAR_DIR=str(tmp_path / "var"))

    def ask(questions: str) -> list[dict]:
        r = subprocess.run([sys.executable, "-m", "bot", "ask", "--jsonl"], cwd=ROOT, env=env, input=questions,
                           capture_output=True, text=True, timeout=120, check=True)
        return [json.loads(line) for line in r.stdout.splitlines()]

    questions = "老板拖欠工资怎么办\n工伤怎么认定\n你是机器人吗\n邻居家装修把我家墙震裂了找谁赔\n离婚孩子归谁\n今天天气怎么样\n"
    from_db = ask(questions)
    assert list((tmp_path / "var" / "cache").glob("ask-*.pkl"))
    assert ask(questions) == from_db

    from bot.db import Database
    from knowledge_base import store
    from knowledge_base.content_files import load_faq

    entries = load_faq()
    for e in entries:
        if e["faq_id"] == from_db[0]["faq_id"]:
            e["answer"] = e["short_answer"] = "改过的回答：先保存好工资条和考勤记录。"
    db = Database(db_url)
    with db.session() as s:
        store.replace_entries(s, entries)
    db.engine.dispose()
    assert ask("老板拖欠工资怎么办\n")[0]["answer"] == "改过的回答：先保存好工资条和考勤记录。"
