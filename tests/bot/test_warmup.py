"""Warm start (issue 11): after bot/warmup.py a worker's first replies read no file.

A table read lazily by the first message that needs it (an income test, a place name,
a follow-up about materials) costs that citizen's reply a YAML parse; the warm-up reads
them before the worker takes traffic. Checked by recording every YAML parse and file
read of the tables during a new worker's first messages of several kinds."""
from __future__ import annotations

import itertools
import time

import pytest
import yaml

from app_factory import make_app
from wechat_client import WeChat, text_xml

_ids = itertools.count(int(time.time() * 1000) + 29_000_000)
# First messages of different kinds: wages, an income test with a place, a family matter,
# materials, a place alone, a criminal matter, the eligibility check.
FIRST_MESSAGES = (
    "老板拖欠工资怎么办",
    "我在安徽芜湖，一个月收入1800，家里四口人，能申请法律援助吗",
    "离婚了孩子抚养费他一直不给",
    "申请法律援助要带什么材料",
    "我在江苏徐州",
    "我儿子被警察抓了 要请律师吗",
    "评估",
)


@pytest.fixture()
def fresh_tables():
    """Forget every memoised table, as in a newly started process."""
    from bot.warmup import TABLE_MODULES, _loaders
    import importlib

    from intents import loader

    def forget() -> None:
        loader.clear_cache()
        for name in TABLE_MODULES:
            for fn in _loaders(importlib.import_module(name)):
                fn.cache_clear()
    forget()
    yield forget
    forget()


def test_after_the_warm_up_first_replies_of_every_kind_read_no_yaml(db_url, fresh_tables, monkeypatch):
    from bot.warmup import warm

    app = make_app(db_url)
    warm(app)
    parsed: list[str] = []
    real = yaml.safe_load
    monkeypatch.setattr(yaml, "safe_load", lambda stream: parsed.append(str(stream)[:60]) or real(stream))
    wx = WeChat(app.test_client())
    for i, said in enumerate(FIRST_MESSAGES):
        user = f"owarm{i}{next(_ids)}"
        assert wx.reply_text(*wx.post(text_xml(user, said, next(_ids))))
        assert wx.reply_text(*wx.post(text_xml(user, "评估", next(_ids))))
    assert parsed == []


def test_without_the_table_warm_up_those_replies_would_read_yaml(db_url, fresh_tables, monkeypatch):
    """The check above can fail: the same messages on cold tables do parse YAML."""
    app = make_app(db_url)
    parsed: list[str] = []
    real = yaml.safe_load
    monkeypatch.setattr(yaml, "safe_load", lambda stream: parsed.append(str(stream)[:60]) or real(stream))
    wx = WeChat(app.test_client())
    for i, said in enumerate(FIRST_MESSAGES):
        user = f"ocold{i}{next(_ids)}"
        assert wx.reply_text(*wx.post(text_xml(user, said, next(_ids))))
    assert parsed


def test_load_tables_reads_every_rules_table_and_the_divisions(fresh_tables):
    from bot.warmup import load_tables
    from intents import loader, regions

    assert load_tables() > 20
    assert loader.table.cache_info().currsize >= len(list(loader.TABLES_DIR.glob("*.yaml")))
    assert regions._alias_index.cache_info().currsize == 1
