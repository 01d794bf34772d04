"""handoff/texts.yaml, loaded once: every citizen-facing string of the handoff."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

TEXTS_FILE = Path(__file__).resolve().parent / "texts.yaml"


@lru_cache(maxsize=1)
def texts() -> dict[str, Any]:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


def H(key: str, **values: Any) -> str:
    """A text by key ('errors.phone' for nested ones), with {placeholders} filled."""
    node: Any = texts()
    for part in key.split("."):
        node = node[part]
    return str(node).format(**values) if values else str(node)
