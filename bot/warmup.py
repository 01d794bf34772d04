"""Make a fresh process answer its first message as fast as its hundredth.

Loading the matcher index (and with it jieba's dictionary, the legal user dictionary and
the pinyin table), the YAML texts and rules, and the ORM mappers costs seconds; WeChat
gives a reply 5 s. gunicorn runs this once in the master before forking (preload_app),
so every worker starts warm and shares the pages copy-on-write.

The warm-up runs one real dialog turn inside a transaction that is rolled back: every
lazily loaded piece of the message path is touched, and nothing is written. Then every
memoised table loader of the message path is called once (load_tables): the rules'
figures, the divisions of the country, offices, texts — what only some messages need
(an income test, a place name, a follow-up about materials) and would otherwise read
from YAML during a citizen's first such reply.
"""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from typing import Iterator

log = logging.getLogger(__name__)
WARMUP_USER = "warmup:0"
WARMUP_TEXTS = ("老板拖欠工资怎么办", "评估")
# Modules whose memoised, argument-free loaders the dialog may call (tables, texts, indexes).
TABLE_MODULES = (
    "intents.loader", "intents.facts", "intents.regions", "intents.rules", "intents.questionnaire",
    "intents.detect", "intents.triage", "intents.parsing", "intents.special_paths", "intents.result_text",
    "intents.extract", "intents.person_facts", "bot.texts", "bot.menu", "bot.dialog.followups",
    "handoff.offices", "handoff.slots", "handoff.texts", "handoff.labels", "handoff.handover",
    "handoff.erasure", "knowledge_base.content_files",
)


def _loaders(module) -> list:
    """The module's functools-memoised functions that can be called without arguments."""
    import inspect

    found = []
    for value in vars(module).values():
        if not (callable(value) and hasattr(value, "cache_info") and getattr(value, "__module__", None)
                == module.__name__):
            continue
        try:
            params = inspect.signature(value).parameters.values()
        except (TypeError, ValueError):
            continue
        if all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
            found.append(value)
    return found


def load_tables() -> int:
    """Read every table the dialog may need (see TABLE_MODULES); returns how many loaders ran.

    Every YAML file under intents/tables is read too (rules read some by name only when a
    case needs them). A loader that fails is left for the message that needs it, which
    then reports the problem as it always did."""
    import importlib

    from intents import loader

    count = 0
    for name in TABLE_MODULES:
        for fn in _loaders(importlib.import_module(name)):
            try:
                fn()
                count += 1
            except Exception:  # noqa: BLE001 - the warm-up never stops a start
                log.warning("warm-up: %s.%s failed", name, fn.__name__, exc_info=True)
    for path in sorted(loader.TABLES_DIR.glob("*.yaml")):
        try:
            loader.table(path.stem)
            count += 1
        except loader.TableError:
            log.warning("warm-up: table %s unreadable", path.name)
    return count


class _RolledBack:
    """Looks like bot.db.Database to the dialog, but never commits."""

    def __init__(self, db) -> None:
        self._db = db

    @contextmanager
    def session(self) -> Iterator:
        s = self._db.sessions()
        try:
            yield s
        finally:
            s.rollback()
            s.close()


def warm(app) -> float:
    """Returns the seconds it took (for the start-up log line)."""
    from .channel import handle
    from .inbound import Inbound

    started = time.perf_counter()
    db, kb = app.extensions["fayuan_db"], app.extensions["fayuan_kb"]
    with db.session() as s:
        kb.index(s)
    link = lambda *_a: "http://localhost/warmup"  # noqa: E731
    shadow = _RolledBack(db)
    for text in WARMUP_TEXTS:
        handle(shadow, kb, Inbound(WARMUP_USER, "cli", "text", text), link, link, link)
    load_tables()
    with app.test_request_context("/simulator"):
        app.jinja_env.get_template("simulator.html")
    took = time.perf_counter() - started
    log.info("warm-up done in %.2f s", took)
    return took
