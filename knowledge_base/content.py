"""The knowledge base as one plain value: entries, lexicon and off-topic examples.

A published version, the drafts applied on top of it, an imported file and the shipped
YAML are all a `KbContent`. Publishing, restoring, diffing, testing and the accuracy
guard then work on the same shape, and none of them needs the database to reason.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import yaml

from .lexicon import CONTENT_DIR, Lexicon, parse_user_dict, parse_word_list

ENTRY_FIELDS = ("faq_id", "code", "question", "alternatives", "short_answer", "full_answer", "basis",
                "follow_up", "regional_note")
LIST_FIELDS = ("alternatives", "basis")


def digest(data: object) -> str:
    """A stable fingerprint of JSON-able data (key order does not matter)."""
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def clean_entry(raw: Mapping) -> dict:
    """Exactly the entry fields, lists as lists, strings stripped: the stored and compared shape."""
    out: dict = {}
    for f in ENTRY_FIELDS:
        v = raw.get(f)
        if f in LIST_FIELDS:
            out[f] = [str(x).strip() for x in (v or []) if str(x).strip()]
        else:
            out[f] = str(v if v is not None else ("none" if f == "follow_up" else "")).strip()
    return out


@dataclass(frozen=True)
class LexiconDoc:
    """The editable form of the lexicon: synonym groups keep their canonical word and order."""

    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    user_words: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"synonyms": [[c, list(v)] for c, v in self.synonyms], "user_words": list(self.user_words),
                "cues": list(self.cues)}

    @classmethod
    def from_json(cls, data: Mapping | None) -> "LexiconDoc":
        data = data or {}
        groups = tuple((str(c), tuple(str(v) for v in vs)) for c, vs in data.get("synonyms", []))
        return cls(groups, tuple(str(w) for w in data.get("user_words", [])), tuple(str(w) for w in data.get("cues", [])))

    def lexicon(self) -> Lexicon:
        """What the segmenter uses: variant → canonical, first group wins (as synonyms.yaml)."""
        mapping: dict[str, str] = {}
        for canonical, variants in self.synonyms:
            if not canonical:
                continue
            mapping.setdefault(canonical, canonical)
            for v in variants:
                if v and v not in mapping:
                    mapping[v] = canonical
        return Lexicon(user_words=self.user_words, synonyms=mapping, cues=self.cues)

    def with_group(self, canonical: str, variants: Iterable[str], original: str = "") -> "LexiconDoc":
        """Edit the group `original` (rename allowed), or add one; adding to an existing
        canonical word merges the variants into its group."""
        variants = tuple(dict.fromkeys(v for v in variants if v))
        groups = list(self.synonyms)
        at = next((i for i, (c, _) in enumerate(groups) if c == (original or canonical)), None)
        if at is None:
            groups.append((canonical, variants))
        else:
            merged = variants if original else tuple(dict.fromkeys((*groups[at][1], *variants)))
            groups[at] = (canonical, merged)
        return LexiconDoc(tuple(groups), self.user_words, self.cues)

    def without_group(self, canonical: str) -> "LexiconDoc":
        return LexiconDoc(tuple(g for g in self.synonyms if g[0] != canonical), self.user_words, self.cues)

    def group(self, canonical: str) -> tuple[str, ...] | None:
        for c, vs in self.synonyms:
            if c == canonical:
                return vs
        return None


@dataclass(frozen=True)
class KbContent:
    entries: tuple[dict, ...] = ()
    lexicon: LexiconDoc = field(default_factory=LexiconDoc)
    offtopic: tuple[str, ...] = ()

    def by_id(self) -> dict[str, dict]:
        return {e["faq_id"]: e for e in self.entries}

    def entry(self, faq_id: str) -> dict | None:
        for e in self.entries:
            if e["faq_id"] == faq_id:
                return e
        return None

    @property
    def fingerprint(self) -> str:
        return digest([list(self.entries), self.lexicon.to_json(), list(self.offtopic)])


# ------------------------------------------------------------------ drafts on top of a version

@dataclass(frozen=True)
class DraftChange:
    """One pending change, as the store hands it to the pure code."""

    kind: str      # entry | lexicon | offtopic
    key: str
    action: str    # save | delete
    data: dict


def apply_drafts(base: KbContent, drafts: Iterable[DraftChange]) -> KbContent:
    """The content as it would be published: edited entries keep their place, new ones
    go after the last entry of their topic (so a YAML export stays grouped by topic)."""
    entries = [dict(e) for e in base.entries]
    index = {e["faq_id"]: i for i, e in enumerate(entries)}
    lexicon, offtopic = base.lexicon, base.offtopic
    deleted: set[str] = set()
    new: list[dict] = []
    for d in drafts:
        if d.kind == "entry":
            if d.action == "delete":
                deleted.add(d.key)
            elif d.key in index:
                entries[index[d.key]] = clean_entry(d.data)
            else:
                new.append(clean_entry(d.data))
        elif d.kind == "lexicon":
            lexicon = LexiconDoc.from_json(d.data)
        elif d.kind == "offtopic":
            offtopic = tuple(str(p) for p in d.data.get("phrases", []))
    for e in new:
        last = max((i for i, x in enumerate(entries) if x["code"] == e["code"]), default=len(entries) - 1)
        entries.insert(last + 1, e)
    return KbContent(tuple(e for e in entries if e["faq_id"] not in deleted), lexicon, offtopic)


# ------------------------------------------------------------------ the shipped files

def shipped_lexicon(content_dir: Path = CONTENT_DIR) -> LexiconDoc:
    groups = (yaml.safe_load((content_dir / "synonyms.yaml").read_text(encoding="utf-8")) or {}).get("groups", {})
    synonyms = tuple((str(c).strip(), tuple(str(v).strip() for v in (vs or []) if str(v).strip()))
                     for c, vs in (groups or {}).items() if str(c).strip())
    words = parse_user_dict((content_dir / "userdict.txt").read_text(encoding="utf-8"))
    cues_file = content_dir / "domain_cues.txt"
    cues = parse_word_list(cues_file.read_text(encoding="utf-8")) if cues_file.exists() else ()
    return LexiconDoc(synonyms, words, cues)


def shipped_content(content_dir: Path = CONTENT_DIR) -> KbContent:
    """The repository's YAML and word lists, validated by the content loader."""
    from .content_files import load_faq, load_offtopic

    return KbContent(tuple(clean_entry(e) for e in load_faq(content_dir)), shipped_lexicon(content_dir),
                     tuple(load_offtopic(content_dir)))


def shipped_files_hash(content_dir: Path = CONTENT_DIR) -> str:
    """Digest of every shipped content file the KB is seeded from (FAQ, lexicon, off-topic)."""
    h = hashlib.sha256()
    paths = sorted((content_dir / "faq").glob("*.yaml")) + [
        content_dir / n for n in ("synonyms.yaml", "userdict.txt", "domain_cues.txt", "offtopic.yaml")]
    for path in paths:
        if path.exists():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()
