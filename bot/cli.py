"""Command line (CONTRACTS §2–§4): ask, kb export, eligibility, chat, menu, serve, init-db.

`ask` answers as the bot would to a first message from a new user and records nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Sequence

from .config import VAR_DIR, Config


def _db():
    from .db import get_database
    return get_database(Config().DATABASE_URL)


def _kb():
    from knowledge_base.service import KnowledgeService
    return KnowledgeService(cache_dir=VAR_DIR / "cache")


def ask_once(session, kb, text: str) -> dict:
    """The JSON object of CONTRACTS §2 for one question."""
    from knowledge_base.store import get_entry

    def short_answer(faq_id: str) -> str:
        entry = get_entry(session, faq_id)
        return entry.short_answer if entry else ""

    return _answer_json(text, lambda t: kb.match(session, t), short_answer, kb.topic_answer)


def _answer_json(text: str, match_text, short_answer, topic_answer) -> dict:
    """ask's answer from a matcher and the entries' short answers (database or snapshot)."""
    from intents.detect import command_of, social_intent

    from .texts import T, clarify_text  # not bot.dialog: ask needs none of the dialog's machinery

    base = {"text": text, "code": "other", "faq_id": None, "score": 0.0, "status": "unsure",
            "answer": "", "alternatives": []}
    social = social_intent(text)
    if social is not None or command_of(text) in ("help", "human", "restart"):
        base.update(status=social or "command", answer=T(social) if social else T("help"))
        return base
    result = match_text(text)
    hits = result.hits
    base["status"] = result.status
    base["alternatives"] = [{"faq_id": h.faq_id, "code": h.code, "score": h.score, "question": h.question}
                            for h in hits[1:]]
    if hits:
        top = hits[0]
        base.update(faq_id=top.faq_id if result.status in ("answer", "clarify") else None, score=top.score)
    if result.status == "answer":
        base.update(code=hits[0].code, answer=short_answer(hits[0].faq_id), question=hits[0].question)
    elif result.status == "clarify":
        base.update(code=hits[0].code, answer=clarify_text([h.question for h in result.choices]),
                    question=hits[0].question)
    elif result.status == "topic":  # a legal question no entry answers: the topic's general answer
        base.update(code=result.code, faq_id=None, score=result.topic_p, answer=topic_answer(result.code))
    elif result.status == "offtopic":
        base.update(answer=T("offtopic"))
    else:
        base.update(answer=T("unsure"))
    return base


def _published_snapshot(url: str):
    """Where `ask` keeps what it needs to answer from a SQLite database's published KB
    without importing the ORM, or None when the database must be opened properly.

    The database is read with the standard library (schema revision and the KB stamp):
    a snapshot is used only for the exact published version it was written from, and not
    when the shipped content is newer than the seed (prepare() would re-seed)."""
    import hashlib
    import sqlite3

    from knowledge_base.content import shipped_files_hash

    from .db import SCHEMA_REVISION

    if not url.startswith("sqlite:///"):
        return None
    path = os.path.realpath(url.removeprefix("sqlite:///"))
    if not os.path.isfile(path):
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            state = conn.execute("SELECT version, published_at, seed_hash, lexicon_rev FROM kb_state "
                                 "WHERE id = 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    if revision is None or revision[0] != SCHEMA_REVISION or state is None:
        return None
    if state[2] is not None and state[2] != shipped_files_hash():
        return None  # a newer release's content: the normal path seeds it first
    key = hashlib.sha256(f"{path}|{SCHEMA_REVISION}|{state}".encode()).hexdigest()[:24]
    return VAR_DIR / "cache" / f"ask-{key}.pkl"


def cmd_ask(args) -> int:
    kb = _kb()
    snapshot = _published_snapshot(Config().DATABASE_URL)
    saved = kb.load_snapshot(snapshot) if snapshot is not None and snapshot.exists() else None
    if saved is not None:  # the published KB as it was last read: no database, no ORM import
        from knowledge_base.match import match

        index, answers = saved
        return _print_answers(args, lambda q: _answer_json(q, lambda t: match(t, index, kb.thresholds),
                                                           lambda fid: answers.get(fid, ""), kb.topic_answer))
    db = _db()
    with db.session() as session:
        code = _print_answers(args, lambda q: ask_once(session, kb, q))
        snapshot = _published_snapshot(db.url)  # after prepare(): the stamp may have changed
        if snapshot is not None:
            from knowledge_base.store import published_entries

            answers = {e.faq_id: e.short_answer for e in published_entries(session)}
            kb.save_snapshot(snapshot, kb.index(session), answers)
    return code


def _print_answers(args, answer) -> int:
    if args.jsonl or args.question is None:
        for line in sys.stdin:
            q = line.rstrip("\n")
            if not q.strip():
                continue
            print(json.dumps(answer(q), ensure_ascii=False), flush=True)
        return 0
    out = answer(args.question)
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(f"[{out['code']}] {out['answer']}")
    return 0


def cmd_kb(args) -> int:
    from knowledge_base import store

    if args.kb_command == "export":
        return _kb_export(args)
    if args.kb_command == "import":
        return _kb_import(args)
    if args.kb_command == "reload":
        from knowledge_base.content_files import ContentError, load_faq
        try:
            entries = load_faq()
        except ContentError as e:
            print(f"内容有误：{e}", file=sys.stderr)
            return 2
        with _db().session() as session:
            store.replace_entries(session, entries)
            from knowledge_base.models import KbState
            session.get(KbState, 1).seed_hash = store.content_hash()  # equal to the shipped files again
        print(f"loaded {len(entries)} entries")
        return 0
    return 2


def _kb_export(args) -> int:
    """CONTRACTS §2: plain `kb export` prints JSON lines; --format yaml|xlsx for people."""
    from knowledge_base import store, versions

    fmt = args.format or "json"
    with _db().session() as session:
        if fmt == "json":
            lines = list(store.export_lines(session))
            _write_text(args.output, "".join(f"{line}\n" for line in lines))
            return 0
        content = versions.published_content(session)
    if fmt == "yaml":
        from knowledge_base.exchange import dump_yaml, yaml_files

        if args.output and (args.output.endswith("/") or os.path.isdir(args.output)):
            os.makedirs(args.output, exist_ok=True)
            for name, text in yaml_files(content).items():  # one file per topic, as the repository ships them
                with open(os.path.join(args.output, name), "w", encoding="utf-8") as fh:
                    fh.write(text)
            print(f"wrote {len(content.entries)} entries to {args.output}", file=sys.stderr)
            return 0
        _write_text(args.output, dump_yaml(content.entries))
        return 0
    from knowledge_base.content_files import load_taxonomy
    from knowledge_base.exchange import write_xlsx

    data = write_xlsx(content, load_taxonomy())
    if not args.output or args.output == "-":
        if sys.stdout.isatty():
            print("Excel 文件请用 -o 指定保存位置，例如：kb export --format xlsx -o kb.xlsx", file=sys.stderr)
            return 2
        sys.stdout.buffer.write(data)
        return 0
    with open(args.output, "wb") as fh:
        fh.write(data)
    print(f"wrote {len(content.entries)} entries to {args.output}", file=sys.stderr)
    return 0


def _write_text(path: str | None, text: str) -> None:
    if not path or path == "-":
        sys.stdout.write(text)
        return
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


class Progress:
    """A progress bar on stderr for large files (a line per 10 % when stderr is not a terminal)."""

    def __init__(self, label: str, minimum: int = 100):
        self.label, self.minimum, self.last = label, minimum, -1

    def __call__(self, done: int, total: int) -> None:
        if total < self.minimum:
            return
        pct = done * 100 // total
        if sys.stderr.isatty():
            bar = "#" * (pct // 4)
            print(f"\r{self.label} [{bar:<25}] {done}/{total}", end="" if done < total else "\n",
                  file=sys.stderr, flush=True)
        elif pct // 10 != self.last // 10 or done == total:
            print(f"{self.label} {done}/{total} ({pct}%)", file=sys.stderr, flush=True)
        self.last = pct


def _kb_import(args) -> int:
    """Check every row first; nothing changes unless the whole file is clean. Then drafts,
    or (--publish) a new version, guarded like the console: a drop needs --yes."""
    from knowledge_base import versions
    from knowledge_base.content_files import load_taxonomy
    from knowledge_base.exchange import ImportFormatError, read_file

    path = args.file
    if not path:
        print("请给出要导入的文件：python -m bot kb import 文件.xlsx（或 .yaml）", file=sys.stderr)
        return 2
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as e:
        print(f"无法读取文件 {path}：{e.strerror}", file=sys.stderr)
        return 2
    try:
        result = read_file(path, data, load_taxonomy(), Progress("检查"))
    except ImportFormatError as e:
        print(str(e), file=sys.stderr)
        return 2
    if not result.ok:
        print(f"{path}：{len(result.errors)} 处错误，知识库没有任何改动。", file=sys.stderr)
        for issue in result.errors:
            print(f"  {issue}", file=sys.stderr)
        return 1
    who = versions.Author(None, args.author or "命令行导入")
    with _db().session() as session:
        summary = versions.import_drafts(session, result.entries, who, result.lexicon, result.offtopic, args.replace)
        print(f"{result.rows} 行已检查：{summary.headline()}。")
        if not args.publish:
            print("已保存为草稿：请在工作台「检查并发布」，或加 --publish 直接发布。")
            return 0
        if not versions.list_drafts(session):
            print("没有需要发布的改动。")
            return 0
        from knowledge_base.curation import run_guard

        guard = run_guard(session, _kb(), versions.draft_content(session))
        print(f"准确率检查（{guard.dataset}）：主题判断正确 {guard.before_correct} → {guard.after_correct}（共 {guard.in_domain} 题），"
              f"无关问题拒绝 {guard.before_rejected} → {guard.after_rejected}")
        if guard.dropped and not args.yes:
            for c in guard.broken[:30]:
                print(f"  变错：{c.text}（应为 {c.gold}，发布后 {c.after}）", file=sys.stderr)
            print("准确率会下降，没有发布（草稿已保存）。核对后加 --yes 发布。", file=sys.stderr)
            return 3
        row = versions.publish_drafts(session, who, args.message or f"导入 {os.path.basename(path)}",
                                      accuracy=guard.as_json())
        print(f"已发布为第 {row.version} 版。")
    return 0


def cmd_report(args) -> int:
    """The monthly report (吉林省方案：每月3日前报送截至上月末的工作进展)."""
    from reports.monthly import write_report
    from reports.period import MonthError, parse_month

    try:
        month = parse_month(args.month)
    except MonthError as e:
        print(str(e), file=sys.stderr)
        return 2
    from handoff.offices import load_offices

    if args.office and args.office not in {o.id for o in load_offices()}:
        print(f"没有编号为 {args.office} 的机构（见 handoff/offices.yaml）", file=sys.stderr)
        return 2
    path = args.output or str(VAR_DIR / "reports" / f"fayuan-report-{month.label}.xlsx")
    if os.path.isdir(path) or path.endswith("/"):
        path = os.path.join(path, f"fayuan-report-{month.label}.xlsx")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with _db().session() as session:
        data = write_report(session, month, args.office)
    with open(path, "wb") as fh:
        fh.write(data)
    print(path)
    return 0


def cmd_eligibility(args) -> int:
    from intents.cli import main as eligibility_main
    return eligibility_main(["--json", args.json])


def cmd_chat(args) -> int:
    from .channel import handle
    from .inbound import Inbound

    db, kb = _db(), _kb()
    user = args.user or f"cli:{os.getpid()}"
    from .result_view import result_token

    base = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    secret = Config().SECRET_KEY
    url = lambda faq_id: f"{base}/faq/{faq_id}"  # noqa: E731
    result_url = lambda rid: f"{base}/result/{result_token(secret, rid)}"  # noqa: E731
    print(handle(db, kb, Inbound(user, "cli", "subscribe"), url, result_url).text)
    while True:
        try:
            line = input("\n你> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if line.strip() in ("quit", "exit", ":q"):
            return 0
        out = handle(db, kb, Inbound(user, "cli", "text", line), url, result_url)
        print(f"\n法援助手> {out.text or '（无回复）'}")


def cmd_menu(_args) -> int:
    from .menu import menu_json
    print(menu_json())
    return 0


def cmd_serve(args) -> int:
    from .serve import serve
    return serve(args.host, args.port, workers=args.workers, threads=args.threads, debug=args.debug,
                 sender=not args.no_sender)


def cmd_backup(args) -> int:
    from pathlib import Path

    from .backup import BackupError, backup, default_output

    url = Config().DATABASE_URL
    try:
        out = backup(url, Path(args.output) if args.output else default_output(url, VAR_DIR))
    except BackupError as e:
        print(str(e), file=sys.stderr)
        return 2
    print(out)
    return 0


def cmd_restore(args) -> int:
    from pathlib import Path

    from .backup import BackupError, restore

    try:
        restore(Config().DATABASE_URL, Path(args.file), force=args.force)
    except BackupError as e:
        print(str(e), file=sys.stderr)
        return 2
    print(f"restored {args.file}")
    return 0


def cmd_init_db(_args) -> int:
    _db()
    print("database ready")
    return 0


def cmd_user(args) -> int:
    """Console accounts: the first admin is created here (password prompted, never echoed)."""
    from handoff.accounts import UserError, create_user, reset_password
    from handoff.models import ConsoleUser
    from sqlalchemy import select

    db = _db()
    if args.user_command == "list":
        with db.session() as s:
            for u in s.scalars(select(ConsoleUser).order_by(ConsoleUser.username)):
                print(f"{u.username}\t{u.role}\t{'active' if u.active else 'inactive'}\t{u.display_name}")
        return 0
    if not args.username:
        print(f"请给出用户名：python -m bot user {args.user_command} USERNAME", file=sys.stderr)
        return 2
    password = args.password
    if password is None:
        import getpass
        password = getpass.getpass("密码：")
        if getpass.getpass("再输入一次：") != password:
            print("两次输入的密码不一样", file=sys.stderr)
            return 2
    try:
        with db.session() as s:
            if args.user_command == "passwd":
                reset_password(s, args.username, password)
            else:
                create_user(s, args.username, password, args.role, args.name or "")
    except UserError as e:
        print(str(e), file=sys.stderr)
        return 2
    print(f"password set for {args.username}; signed out everywhere" if args.user_command == "passwd"
          else f"created {args.role} {args.username}")
    return 0


def outbox_config():
    from handoff.notify import SendConfig

    cfg = Config()
    base = (cfg.PUBLIC_BASE_URL or "").rstrip("/")
    return SendConfig(appid=cfg.WECHAT_APPID, secret=cfg.WECHAT_SECRET, template_id=cfg.WECHAT_TEMPLATE_ID,
                      api_base_url=cfg.WECHAT_API_BASE_URL, page_url=base or "")


def contact(session, user_id: str):
    """(channel, last inbound time) of a citizen: the 48-hour customer-service window."""
    from .conversation import Conversation

    conv = session.get(Conversation, user_id)
    return (conv.channel, conv.last_inbound_at) if conv is not None else (None, None)


def cmd_outbox(args) -> int:
    """The sender: once, or in a loop; `serve` starts the loop beside the web server."""
    import logging
    import time

    from handoff.notify import send_pending

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    db = _db()
    cfg = outbox_config()
    from handoff.applications import purge_stale_drafts

    last_purge = 0.0
    try:
        while True:
            counts = send_pending(db.session, cfg, contact, limit=args.limit)
            if time.monotonic() - last_purge > 600:  # the worker also keeps the consent notice's 30-day promise
                with db.session() as s:
                    counts["drafts_purged"] = purge_stale_drafts(s)
                last_purge = time.monotonic()
            if not args.loop or any(counts.values()):
                print(json.dumps(counts), flush=True)
            if not args.loop:
                return 0
            if args.parent_pid and os.getppid() != args.parent_pid:
                return 0  # the server that started us is gone
            time.sleep(args.interval)
    except KeyboardInterrupt:
        return 0


def cmd_dialog_graph(args: argparse.Namespace) -> int:
    """The diagram is generated from bot/dialog/graph.py, so it always shows the running graph."""
    from .dialog.mermaid import write

    print(write())
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description="法援助手 command line")
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("ask", help="ask the knowledge base")
    a.add_argument("question", nargs="?")
    a.add_argument("--json", action="store_true")
    a.add_argument("--jsonl", action="store_true", help="one question per line on stdin")
    a.set_defaults(func=cmd_ask)
    k = sub.add_parser("kb", help="knowledge base")
    k.add_argument("kb_command", choices=["export", "import", "reload"])
    k.add_argument("file", nargs="?", help="import: an .xlsx workbook or a .yaml file")
    k.add_argument("--format", choices=["json", "yaml", "xlsx"], help="export: json lines (default), yaml or xlsx")
    k.add_argument("-o", "--output", help="export: file (or folder for one YAML file per topic); default stdout")
    k.add_argument("--replace", action="store_true", help="import: entries missing from the file are deleted")
    k.add_argument("--publish", action="store_true", help="import: publish at once (guarded by the dev set)")
    k.add_argument("--yes", action="store_true", help="import --publish: publish even if accuracy drops")
    k.add_argument("--message", help="import --publish: the version's note")
    k.add_argument("--author", help="import: name recorded with the drafts and version")
    k.set_defaults(func=cmd_kb)
    r = sub.add_parser("report", help="monthly statistics as an Excel workbook")
    r.add_argument("--month", required=True, help="YYYY-MM, or 'last' for the previous month")
    r.add_argument("--office", help="one office id from handoff/offices.yaml (default: all)")
    r.add_argument("-o", "--output", help="file or folder (default var/reports/)")
    r.set_defaults(func=cmd_report)
    e = sub.add_parser("eligibility", help="legal-aid eligibility pre-check")
    e.add_argument("--json", required=True, help="facts JSON file, or - for stdin")
    e.set_defaults(func=cmd_eligibility)
    c = sub.add_parser("chat", help="chat in the terminal")
    c.add_argument("--user")
    c.set_defaults(func=cmd_chat)
    m = sub.add_parser("menu", help="print the WeChat menu JSON")
    m.set_defaults(func=cmd_menu)
    s = sub.add_parser("serve", help="start the web service")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=5000)
    s.add_argument("--workers", type=int, help="gunicorn worker processes (default: 2 per core, 2–8)")
    s.add_argument("--threads", type=int, default=4, help="threads per worker")
    s.add_argument("--debug", action="store_true", help="Flask's development server instead of gunicorn")
    s.add_argument("--no-sender", action="store_true", help="do not start the outbox sender beside the server")
    s.set_defaults(func=cmd_serve)
    u = sub.add_parser("user", help="console accounts")
    u.add_argument("user_command", choices=["add", "list", "passwd"])
    u.add_argument("username", nargs="?")
    u.add_argument("--role", choices=["staff", "lawyer", "admin"], default="staff")
    u.add_argument("--password", help="for scripts; prompted when omitted")
    u.add_argument("--name", help="display name")
    u.set_defaults(func=cmd_user)
    o = sub.add_parser("outbox", help="send queued notifications to citizens")
    o.add_argument("outbox_command", choices=["send"])
    o.add_argument("--limit", type=int, default=100)
    o.add_argument("--loop", action="store_true", help="keep sending every --interval seconds")
    o.add_argument("--interval", type=float, default=30.0)
    o.add_argument("--parent-pid", type=int, help=argparse.SUPPRESS)  # set by `serve`: exit with it
    o.set_defaults(func=cmd_outbox)
    b = sub.add_parser("backup", help="copy the database to a file (SQLite online backup, or pg_dump)")
    b.add_argument("-o", "--output", help="file (default var/backups/fayuan-<time>.sqlite|.dump)")
    b.set_defaults(func=cmd_backup)
    rs = sub.add_parser("restore", help="load a backup into an empty database (DATABASE_URL)")
    rs.add_argument("file")
    rs.add_argument("--force", action="store_true", help="overwrite a database that is not empty")
    rs.set_defaults(func=cmd_restore)
    g = sub.add_parser("dialog-graph", help="regenerate docs/DIALOG.md from the dialogue literal")
    g.set_defaults(func=cmd_dialog_graph)
    i = sub.add_parser("init-db", help="migrate and seed the database")
    i.set_defaults(func=cmd_init_db)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)
