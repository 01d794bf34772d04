"""Holds the matcher index for a process and keeps it in step with the published KB.

A publish bumps a version stamp in the database; each worker compares stamps and
builds a fresh index beside the old one, then swaps the reference, so no request ever
sees a half-built index.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import threading
from pathlib import Path

from sqlalchemy.orm import Session

from . import store
from .content_files import load_offtopic
from .index import MatchIndex, build_index
from .lexicon import Lexicon, load_lexicon
from .match import DEFAULT_THRESHOLDS, MatchResult, Thresholds, match
from .segment import PinyinTable, Segmenter, build_pinyin_table

INDEX_FORMAT = 2  # bump when MatchIndex's fields or the features change


def load_pinyin_table(cache_dir: Path | None) -> PinyinTable:
    """pypinyin costs ~0.3 s to import; a small JSON cache keeps the CLI's cold start short."""
    path = cache_dir / "pinyin_gb2312.json" if cache_dir else None
    if path is not None and path.exists():
        try:
            return PinyinTable(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            pass
    table = build_pinyin_table()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(table.by_char, ensure_ascii=False), encoding="utf-8")
        except OSError:
            pass
    return table


class KnowledgeService:
    def __init__(self, cache_dir: Path | None = None, thresholds: Thresholds = DEFAULT_THRESHOLDS,
                 lexicon: Lexicon | None = None):
        self.cache_dir = cache_dir
        self.thresholds = thresholds
        self._lexicon = lexicon
        self._segmenter: Segmenter | None = None
        self._index: MatchIndex | None = None
        self._version = -1
        self._lock = threading.Lock()

    @property
    def segmenter(self) -> Segmenter:
        if self._segmenter is None:
            self._segmenter = Segmenter(self._lexicon or load_lexicon(), load_pinyin_table(self.cache_dir))
        return self._segmenter

    def index(self, session: Session) -> MatchIndex:
        version = store.current_version(session)
        if self._index is None or version != self._version:
            with self._lock:
                if self._index is None or version != self._version:
                    entries = [e.as_content() for e in store.published_entries(session)]
                    self._index = self._cached_build(entries, load_offtopic(), str(version))
                    self._version = version
        return self._index

    def _cached_build(self, entries: list[dict], negatives: list[str], stamp: str) -> MatchIndex:
        """Build the index, or load the same one from disk: building costs ~0.7 s of cold start.

        The cache key is the content itself (entries, negatives, lexicon, format), so a
        stale file can never be used; a damaged one is simply rebuilt.
        """
        seg = self.segmenter
        digest = hashlib.sha256(json.dumps(
            [INDEX_FORMAT, entries, negatives, sorted(seg.lexicon.synonyms.items()), seg.lexicon.user_words,
             seg.lexicon.cues], ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:24]
        path = self.cache_dir / f"index-{digest}.pkl" if self.cache_dir else None
        if path is not None and path.exists():
            try:
                with path.open("rb") as fh:
                    saved = pickle.load(fh)
                seg.restore_learned(saved["latin"])
                return dataclasses.replace(saved["index"], segmenter=seg, stamp=stamp)
            except Exception:  # noqa: BLE001 - a damaged cache file is rebuilt, never fatal
                pass
        index = build_index(entries, seg, stamp=stamp, negatives=negatives)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                with tmp.open("wb") as fh:
                    pickle.dump({"index": dataclasses.replace(index, segmenter=None), "latin": seg.learned()}, fh,
                                protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)
            except OSError:
                pass
        return index

    def match(self, session: Session, text: str) -> MatchResult:
        return match(text, self.index(session), self.thresholds)
