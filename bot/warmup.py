"""Make a fresh process answer its first message as fast as its hundredth.

Loading the matcher index (and with it jieba's dictionary, the legal user dictionary and
the pinyin table), the YAML texts and rules, and the ORM mappers costs seconds; WeChat
gives a reply 5 s. gunicorn runs this once in the master before forking (preload_app),
so every worker starts warm and shares the pages copy-on-write.

The warm-up runs one real dialog turn inside a transaction that is rolled back: every
lazily loaded piece of the message path is touched, and nothing is written.
"""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from typing import Iterator

log = logging.getLogger(__name__)
WARMUP_USER = "warmup:0"
WARMUP_TEXTS = ("老板拖欠工资怎么办", "评估")


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
    with app.test_request_context("/simulator"):
        app.jinja_env.get_template("simulator.html")
    took = time.perf_counter() - started
    log.info("warm-up done in %.2f s", took)
    return took
