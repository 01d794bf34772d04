"""Chinese names for codes, read once from handoff/labels.yaml (and, for facts and topics,
from the files that already own them), so no page shows `assigned` or `abuse_victim`.

Why one module: the console, the reports and the chat all name the same statuses; a
name changed in the data file changes everywhere, and a code without a name falls back
to the code itself rather than to an empty cell.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LABELS_FILE = Path(__file__).resolve().parent / "labels.yaml"


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))


def vocab(name: str) -> dict[str, str]:
    """One vocabulary, code → Chinese name, in file order (KeyError names an unknown one)."""
    return dict(_data()[name])


def label(name: str, code: str | None) -> str:
    """The Chinese name of one code; the code itself when the file has none, '' for none."""
    if code is None or code == "":
        return ""
    return vocab(name).get(code, code)


def case_steps() -> list[dict[str, str]]:
    """The workflow steps in order, as {status, label} (shape shared with the citizen timeline)."""
    return [dict(step) for step in _data()["case_steps"]]


def topic(code: str | None) -> str:
    """A topic code's short name (knowledge_base/content/taxonomy.yaml is its one home)."""
    from knowledge_base.content_files import topic_names

    return topic_names().get(code, code) if code else ""


def fact_value(field: str, value: Any) -> str:
    """A questionnaire fact as staff read it, with the questionnaire's own value names
    (intents/tables/fields.yaml): ["abuse_victim"] → 遭受虐待、遗弃或家庭暴力."""
    from intents.facts import field_specs

    if isinstance(value, bool):
        return "是" if value else "否"
    if field == "matter" and isinstance(value, str):
        return topic(value)
    names = (field_specs().get(field) or {}).get("values") or {}
    if isinstance(value, (list, tuple, set, frozenset)):
        return "；".join(str(names.get(v, v)) for v in value) or "无"
    if value is None:
        return "未回答"
    return str(names.get(value, value))
