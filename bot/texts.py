"""bot/texts.yaml, loaded once, without importing the dialog.

`python -m bot ask` needs a few texts but none of the dialog's machinery (handoff,
questionnaire, offices): importing bot.dialog cost its cold start ~0.1 s; the dialog reads
its texts from here too.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

TEXTS_FILE = Path(__file__).resolve().parent / "texts.yaml"


@lru_cache(maxsize=1)
def texts() -> dict[str, str]:
    import yaml

    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


def T(key: str) -> str:
    return texts()[key]


def clarify_text(questions: list[str]) -> str:
    """「您想问的是：1… 2… 3…」 for close candidates."""
    from .replies import numbered

    return f"{T('clarify_head')}\n{numbered(questions)}\n{T('clarify_tail')}"
