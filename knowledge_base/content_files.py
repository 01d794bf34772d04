"""Loading and validating the curated YAML content that ships in the repository.

Errors name the file, the entry and the key, because the people who fix content are
not necessarily the people who wrote the loader.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from .lexicon import CONTENT_DIR

REQUIRED = ("id", "code", "question", "alternatives", "short_answer", "full_answer", "basis", "follow_up")
FOLLOW_UPS = {"eligibility", "apply", "hotline", "none"}
MIN_ALTERNATIVES = 5


class ContentError(ValueError):
    pass


def load_taxonomy(content_dir: Path = CONTENT_DIR) -> dict[str, str]:
    data = yaml.safe_load((content_dir / "taxonomy.yaml").read_text(encoding="utf-8"))
    return dict(data["codes"])


def validate_entry(raw: object, where: str, taxonomy: dict[str, str]) -> dict:
    """Return the entry in the database shape, or raise ContentError naming the problem."""
    if not isinstance(raw, dict):
        raise ContentError(f"{where}: an entry must be a mapping")
    missing = [k for k in REQUIRED if not raw.get(k)]
    if missing:
        raise ContentError(f"{where}: missing {', '.join(missing)}")
    faq_id = str(raw["id"])
    code = str(raw["code"])
    if code not in taxonomy or code == "other":
        raise ContentError(f"{where} ({faq_id}): code {code!r} is not a taxonomy code")
    alternatives = [str(a).strip() for a in raw["alternatives"] if str(a).strip()]
    if len(alternatives) < MIN_ALTERNATIVES:
        raise ContentError(f"{where} ({faq_id}): needs at least {MIN_ALTERNATIVES} alternatives")
    follow_up = str(raw["follow_up"])
    if follow_up not in FOLLOW_UPS:
        raise ContentError(f"{where} ({faq_id}): follow_up must be one of {sorted(FOLLOW_UPS)}")
    basis = raw["basis"] if isinstance(raw["basis"], list) else [raw["basis"]]
    return {
        "faq_id": faq_id, "code": code, "question": str(raw["question"]).strip(),
        "alternatives": alternatives, "short_answer": str(raw["short_answer"]).strip(),
        "full_answer": str(raw["full_answer"]).strip(), "basis": [str(b) for b in basis],
        "follow_up": follow_up, "regional_note": str(raw.get("regional_note") or "").strip(),
    }


def load_faq(content_dir: Path = CONTENT_DIR) -> list[dict]:
    """All entries from content/faq/*.yaml, in file order, validated."""
    taxonomy = load_taxonomy(content_dir)
    entries: list[dict] = []
    seen: dict[str, str] = {}
    for path in sorted((content_dir / "faq").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        if not isinstance(data, list):
            raise ContentError(f"{path.name}: the file must be a list of entries")
        for i, raw in enumerate(data):
            entry = validate_entry(raw, f"{path.name}[{i}]", taxonomy)
            if entry["faq_id"] in seen:
                raise ContentError(f"{path.name}[{i}]: id {entry['faq_id']} already used in {seen[entry['faq_id']]}")
            seen[entry["faq_id"]] = path.name
            entries.append(entry)
    return entries


def load_offtopic(content_dir: Path = CONTENT_DIR) -> list[str]:
    """Negative examples: messages that are not legal-aid questions (content/offtopic.yaml)."""
    path = content_dir / "offtopic.yaml"
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [str(p).strip() for p in data.get("phrases", []) if str(p).strip()]


_CJK = "\u3000-\u303f\u4e00-\u9fff\uff01-\uff0f\uff1a-\uff1f"
_FOLD_SPACE = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")


@lru_cache(maxsize=4)
def load_topic_answers(content_dir: Path = CONTENT_DIR) -> dict[str, str]:
    """Topic code → its general answer (content/topic_answers.yaml), the common tail appended.

    YAML folds a long line into spaces; between two Chinese characters a space is a
    typo a citizen would see, so it is removed (a space beside 12348 stays).
    """
    path = content_dir / "topic_answers.yaml"
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    tail = _FOLD_SPACE.sub("", str(data.get("tail") or "").strip())
    out = {}
    for code, text in (data.get("answers") or {}).items():
        body = _FOLD_SPACE.sub("", str(text or "").strip())
        if body:
            out[str(code)] = f"{body}\n{tail}" if tail else body
    return out


@lru_cache(maxsize=4)
def topic_names(content_dir: Path = CONTENT_DIR) -> dict[str, str]:
    """A short Chinese name per topic code for people who do not read codes (staff pages).

    Cached: case pages call it on every view and the taxonomy file never changes at run time.
    """
    names = {}
    for code, meaning in load_taxonomy(content_dir).items():
        head = str(meaning).split("：", 1)[0].split("、", 1)[0].split("（", 1)[0].strip()
        names[code] = head or code
    names["other"] = "其他"
    return names
