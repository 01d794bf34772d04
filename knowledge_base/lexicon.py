"""The matcher's lexicon: legal user dictionary, synonym groups and homophone keys.

Kept separate from the index so staff edits to synonyms or dictionary words can be
versioned on their own and the content files stay the one source of truth.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

CONTENT_DIR = Path(__file__).resolve().parent / "content"


@dataclass(frozen=True)
class Lexicon:
    """Everything the segmenter needs besides jieba's own dictionary."""

    user_words: tuple[str, ...]
    synonyms: dict[str, str] = field(default_factory=dict)  # variant → canonical
    cues: tuple[str, ...] = ()  # words that mark a legal question (domain_cues.txt)

    def has_cue(self, canonical_text: str) -> bool:
        text = canonical_text.replace("告诉", "")  # 告 (sue) but not 告诉 (tell)
        return any(c in text for c in self.cues)

    @property
    def canonical_terms(self) -> set[str]:
        return set(self.synonyms.values()) | set(self.user_words)


def parse_synonym_groups(groups: dict[str, list[str]]) -> dict[str, str]:
    """Flatten {canonical: [variants]} into variant → canonical, canonicals mapping to themselves."""
    mapping: dict[str, str] = {}
    for canonical, variants in (groups or {}).items():
        canonical = str(canonical).strip()
        if not canonical:
            continue
        mapping.setdefault(canonical, canonical)
        for variant in variants or []:
            variant = str(variant).strip()
            if variant and variant not in mapping:
                mapping[variant] = canonical
    return mapping


def parse_user_dict(text: str) -> tuple[str, ...]:
    """jieba's user-dictionary format: 'word [freq] [tag]' per line; '#' comments."""
    words = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.append(line.split()[0])
    return tuple(dict.fromkeys(words))


def load_lexicon(content_dir: Path = CONTENT_DIR) -> Lexicon:
    """Read the shipped synonyms.yaml and userdict.txt."""
    groups = yaml.safe_load((content_dir / "synonyms.yaml").read_text(encoding="utf-8")) or {}
    words = parse_user_dict((content_dir / "userdict.txt").read_text(encoding="utf-8"))
    cues_file = content_dir / "domain_cues.txt"
    cues = parse_word_list(cues_file.read_text(encoding="utf-8")) if cues_file.exists() else ()
    return Lexicon(user_words=words, synonyms=parse_synonym_groups(groups.get("groups", {})), cues=cues)


def parse_word_list(text: str) -> tuple[str, ...]:
    """Whitespace-separated words; '#' starts a comment."""
    words: list[str] = []
    for line in text.splitlines():
        words.extend(line.split("#", 1)[0].split())
    return tuple(dict.fromkeys(words))
