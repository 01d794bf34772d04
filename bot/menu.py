"""The custom menu: YAML in, WeChat menu-API JSON out, click keys back to typed text."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import yaml

MENU_FILE = Path(__file__).resolve().parent / "menu.yaml"


@lru_cache(maxsize=1)
def load_menu() -> dict:
    return yaml.safe_load(MENU_FILE.read_text(encoding="utf-8"))


def _buttons(menu: dict):
    for b in menu["button"]:
        yield b
        yield from b.get("sub_button", [])


def menu_json() -> str:
    """The body for https://api.weixin.qq.com/cgi-bin/menu/create (our `says` keys dropped)."""
    def clean(b: dict) -> dict:
        out = {k: v for k, v in b.items() if k in ("type", "name", "key", "url", "sub_button")}
        if "sub_button" in out:
            out["sub_button"] = [clean(s) for s in out["sub_button"]]
        return out
    return json.dumps({"button": [clean(b) for b in load_menu()["button"]]}, ensure_ascii=False, indent=2)


def text_for_key(key: str) -> str | None:
    for b in _buttons(load_menu()):
        if b.get("key") == key and b.get("says"):
            return str(b["says"])
    return None
