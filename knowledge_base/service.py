"""Holds the matcher index for a process and keeps it in step with the published KB.

A publish bumps a version stamp in the database; each worker compares stamps and
builds a fresh index beside the old one, then swaps the reference, so no request ever
sees a half-built index.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import pickle
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from .index import MatchIndex, build_index
from .lexicon import Lexicon, load_lexicon

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .content import KbContent
from .match import DEFAULT_THRESHOLDS, MatchResult, Thresholds, match
from .segment import PinyinTable, Segmenter, build_pinyin_table
from .topic_model import SHIPPED_MODEL, TopicModel

INDEX_FORMAT = 5  # bump when MatchIndex's fields or the features change

log = logging.getLogger(__name__)


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


@dataclasses.dataclass(frozen=True)
class PublishedEntry:
    """What the dialog reads of a published FAQ entry: a plain snapshot, safe to share
    between threads and transactions (an ORM row is neither)."""

    faq_id: str
    code: str
    question: str
    short_answer: str
    full_answer: str
    follow_up: str
    regional_note: str

    @classmethod
    def of(cls, row) -> "PublishedEntry":
        return cls(row.faq_id, row.code, row.question, row.short_answer, row.full_answer or "",
                   row.follow_up or "none", row.regional_note or "")


MATCH_MEMORY = 4096  # texts whose match result each worker keeps (a few MB at most)


class KnowledgeService:
    """The matcher of one process: the published index, plus indexes of other contents
    (the drafts, a version to restore) for the console's tester and accuracy guard.

    The published index is read from the database (entries, lexicon, off-topic
    examples) whenever the version stamp changes. One thread builds the new index while
    the others keep answering from the old one; then a single reference is swapped.
    """

    def __init__(self, cache_dir: Path | None = None, thresholds: Thresholds = DEFAULT_THRESHOLDS,
                 lexicon: Lexicon | None = None):
        self.cache_dir = cache_dir
        self.thresholds = thresholds
        self._lexicon = lexicon  # an override for tests; normally the published lexicon
        self._segmenter: Segmenter | None = None
        self._bases: dict[str, Segmenter] = {}  # lexicon digest → segmenter owning a jieba dictionary
        self._current: tuple[int, MatchIndex] | None = None  # (version, index): swapped as one reference
        self._others: dict[str, MatchIndex] = {}  # content fingerprint → index (drafts, restore previews)
        self._predictions: dict[str, list[str]] = {}
        self._models: dict[str, TopicModel] = {}  # content digest → topic model
        self._shipped: TopicModel | None | bool = False  # False: not read yet
        self._entries: dict[tuple[int, str], PublishedEntry | None] = {}  # (version, faq_id) → entry
        self._entries_version = -1
        self._lock = threading.Lock()
        self._other_lock = threading.Lock()
        self._matches: tuple[MatchIndex | None, dict[str, MatchResult]] = (None, {})  # (index, text → result)

    @property
    def segmenter(self) -> Segmenter:
        """A segmenter over the shipped lexicon (evaluation scripts and pure tests)."""
        if self._segmenter is None:
            self._segmenter = self._base_for(self._lexicon or load_lexicon())
        return self._segmenter

    def _base_for(self, lexicon: Lexicon) -> Segmenter:
        key = hashlib.sha256(json.dumps([sorted(lexicon.synonyms.items()), list(lexicon.user_words),
                                         list(lexicon.cues)], ensure_ascii=False).encode()).hexdigest()
        base = self._bases.get(key)
        if base is None:
            base = Segmenter(lexicon, load_pinyin_table(self.cache_dir))
            if len(self._bases) >= 3:  # old ones live on only in the indexes that still use them
                self._bases.pop(next(iter(self._bases)))
            self._bases[key] = base
        return base

    def build(self, content: "KbContent", stamp: str = "", disk_cache: bool = False) -> MatchIndex:
        """An index over any content, with a segmenter of its own lexicon and its topic model."""
        seg = self._base_for(self._lexicon or content.lexicon.lexicon()).fork()
        entries = [dict(e) for e in content.entries]
        if disk_cache:
            index = self._cached_build(entries, list(content.offtopic), stamp, seg)
        else:
            index = build_index(entries, seg, stamp=stamp, negatives=list(content.offtopic))
        return dataclasses.replace(index, topic_model=self.topic_model_for(entries, list(content.offtopic), seg))

    # ------------------------------------------------------------ topic model

    def shipped_model(self) -> TopicModel | None:
        """The arrays in the repository (python -m knowledge_base.train), read once."""
        if self._shipped is False:
            self._shipped = TopicModel.load(SHIPPED_MODEL)
            if self._shipped is None:
                log.warning("no topic model at %s: matching by retrieval alone", SHIPPED_MODEL)
        return self._shipped or None

    def _model_path(self, digest: str) -> Path | None:
        return self.cache_dir / f"topics-{digest}.npz" if self.cache_dir else None

    def topic_model_for(self, entries: list[dict], negatives: list[str], seg: Segmenter,
                        retrain: bool = False) -> TopicModel | None:
        """The model trained on exactly this content: shipped, cached after a publish, or
        (retrain=True) trained now. Without one, the shipped model stands in: a few edited
        phrasings do not change what a topic is about, and the next publish retrains."""
        from .train import content_digest

        digest = content_digest(entries, negatives, seg.lexicon)
        found = self._models.get(digest)
        if found is not None:
            return found
        shipped = self.shipped_model()
        if shipped is not None and shipped.digest == digest:
            return shipped
        path = self._model_path(digest)
        found = TopicModel.load(path) if path is not None and path.exists() else None
        if found is None and retrain:
            found = self._train(entries, negatives, seg, path)
        if found is None:
            return shipped
        while len(self._models) >= 3:
            self._models.pop(next(iter(self._models)))
        self._models[digest] = found
        return found

    def _train(self, entries: list[dict], negatives: list[str], seg: Segmenter,
               path: Path | None) -> TopicModel | None:
        try:
            from .train import train
        except ImportError:  # scikit-learn is a training-time dependency only
            log.warning("scikit-learn is not installed: the topic model is not retrained")
            return None
        shipped = self.shipped_model()
        model = train(entries, negatives, seg, self.cache_dir, temperature=shipped.temperature if shipped else None)
        if path is not None:
            try:
                model.save(path)
                _prune(path.parent, keep=4, pattern="topics-*.npz")
            except OSError:
                pass
        return model

    def has_trained_model(self, content: "KbContent") -> bool:
        """Whether the topic model for exactly this content is at hand (no training now).
        Without a shipped model the matcher runs on retrieval alone: nothing to wait for."""
        from .train import content_digest

        shipped = self.shipped_model()
        if shipped is None:
            return True
        seg = self._base_for(self._lexicon or content.lexicon.lexicon())
        digest = content_digest([dict(e) for e in content.entries], list(content.offtopic), seg.lexicon)
        path = self._model_path(digest)
        return digest in self._models or shipped.digest == digest or (path is not None and path.exists())

    def retrain(self, content: "KbContent") -> TopicModel | None:
        """Train the topic model for content about to be published (seconds); cached on disk so
        every worker loads it when the new version goes live."""
        seg = self._base_for(self._lexicon or content.lexicon.lexicon()).fork()
        entries = [dict(e) for e in content.entries]
        return self.topic_model_for(entries, list(content.offtopic), seg, retrain=True)

    def topic_answer(self, code: str) -> str:
        """A topic's general answer (content/topic_answers.yaml); the scope answer for a code without one."""
        from .content_files import load_topic_answers

        answers = load_topic_answers()
        return answers.get(code) or answers.get("eligibility.scope", "")

    def topic_reply(self, session: Session, text: str, result: MatchResult, channel: str) -> str:
        """What the bot says for status `topic`: the topic's general answer. The question is
        logged for curators (reason `topic`): it is what a new FAQ entry should answer."""
        top = result.top
        from . import store

        store.record_unanswered(session, text, "topic", channel, top.faq_id if top else None,
                                top.score if top else None)
        return self.topic_answer(result.code)

    @staticmethod
    def known_version(session: Session, version: int | None) -> None:
        """The published version stamp, read by the caller in a statement of its own (the
        webhook reads it with its retry claim: one round trip less per message); used for
        the rest of this transaction as if _version had read it."""
        if version is not None:
            session.info["kb_version"] = (session.get_transaction(), int(version))

    @staticmethod
    def _version(session: Session) -> int:
        """The published version stamp, read once per transaction (a message may match several times)."""
        cached = session.info.get("kb_version")
        if cached is not None and cached[0] is session.get_transaction():
            return cached[1]
        from . import store  # the database layer: not imported by one-shot processes that answer without it

        version = store.current_version(session)
        session.info["kb_version"] = (session.get_transaction(), version)
        return version

    def index(self, session: Session) -> MatchIndex:
        """The published index, rebuilt when the version stamp in the database changes."""
        version = self._version(session)
        current = self._current
        if current is not None and current[0] == version:
            return current[1]
        if current is not None and not self._lock.acquire(blocking=False):
            return current[1]  # another thread is building the new index: answer from the old meanwhile
        if current is None:
            self._lock.acquire()
        try:
            version = self._version(session)
            current = self._current
            if current is None or current[0] != version:
                from .versions import published_content

                current = (version, self.build(published_content(session), str(version), disk_cache=True))
                self._current = current
            return current[1]
        finally:
            self._lock.release()

    def entry(self, session: Session, faq_id: str) -> "PublishedEntry | None":
        """A published entry, read from the database once per published version.

        Entries change only by a publish, which bumps the version stamp; so the dialog's
        answer text costs no query per message once the entry was read after that publish."""
        version = self._version(session)
        key = (version, faq_id)
        found = self._entries.get(key, False)
        if found is False:
            from . import store

            row = store.get_entry(session, faq_id)
            found = PublishedEntry.of(row) if row is not None else None
            if self._entries_version != version or len(self._entries) > 4096:
                self._entries, self._entries_version = {}, version  # a publish: start afresh
            self._entries[key] = found
        return found

    def index_for(self, content: "KbContent", retrain: bool = False) -> MatchIndex:
        """An index over unpublished content (the drafts, an old version), kept for reuse.

        retrain: with the topic model trained on this very content (the accuracy guard
        before a publish); otherwise the nearest model at hand stands in (the tester).
        """
        key = content.fingerprint
        model = self.retrain(content) if retrain else None
        found = self._others.get(key)
        if found is not None and (model is None or found.topic_model is model):
            return found
        with self._other_lock:
            found = self._others.get(key)
            if found is None:
                found = self.build(content, stamp="draft")
            if model is not None and found.topic_model is not model:
                found = dataclasses.replace(found, topic_model=model)
            self._others.pop(key, None)
            while len(self._others) >= 2:
                self._others.pop(next(iter(self._others)))
            self._others[key] = found
        return found

    def predictions(self, index: MatchIndex, key: str, rows: list[dict]) -> list[str]:
        """The topic the bot would give each evaluation question (cached per index)."""
        found = self._predictions.get(key)
        if found is None:
            from .evaluate import our_predictions

            found, _ = our_predictions(rows, index, self.thresholds)
            while len(self._predictions) >= 6:
                self._predictions.pop(next(iter(self._predictions)))
            self._predictions[key] = found
        return found

    def _cached_build(self, entries: list[dict], negatives: list[str], stamp: str,
                      seg: Segmenter | None = None) -> MatchIndex:
        """Build the index, or load the same one from disk: building costs ~0.7 s of cold start.

        The cache key is the content itself (entries, negatives, lexicon, format), so a
        stale file can never be used; a damaged one is simply rebuilt.
        """
        seg = seg if seg is not None else self.segmenter
        digest = hashlib.sha256(json.dumps(
            [INDEX_FORMAT, entries, negatives, sorted(seg.lexicon.synonyms.items()), seg.lexicon.user_words,
             seg.lexicon.cues], ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:24]
        path = self.cache_dir / f"index-{digest}.pkl" if self.cache_dir else None
        if path is not None and path.exists():
            try:
                with path.open("rb") as fh:
                    saved = pickle.load(fh)
                seg.restore_learned(saved["latin"])
                return dataclasses.replace(saved["index"], segmenter=seg, stamp=stamp, topic_model=None)
            except Exception:  # noqa: BLE001 - a damaged cache file is rebuilt, never fatal
                pass
        index = build_index(entries, seg, stamp=stamp, negatives=negatives)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                with tmp.open("wb") as fh:
                    pickle.dump({"index": dataclasses.replace(index, segmenter=None, topic_model=None),
                                 "latin": seg.learned()}, fh,
                                protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)
                _prune(path.parent, keep=4)
            except OSError:
                pass
        return index

    def match(self, session: Session, text: str) -> MatchResult:
        """match() over the published index, remembered per index for the same text.

        Matching is a pure function of (text, index, thresholds) and costs about as much as
        the rest of a message together; citizens send the same words again and again (menu
        words, 「法律援助怎么申请」, a retry), and one message may be matched twice (the
        dialog asks whether the KB would answer, then answers). A new published index starts
        an empty memory; at most MATCH_MEMORY texts are kept (then it starts afresh)."""
        index = self.index(session)
        owner, memory = self._matches
        if owner is not index:
            memory = {}
            self._matches = (index, memory)  # one reference swap: threads never see a mixed pair
        found = memory.get(text)
        if found is None:
            found = match(text, index, self.thresholds)
            if len(memory) >= MATCH_MEMORY:
                memory.clear()
            memory[text] = found
        return found

    # ------------------------------------------------------------ one-shot processes (`python -m bot ask`)

    def save_snapshot(self, path: Path, index: MatchIndex, answers: dict[str, str]) -> None:
        """What a one-shot process needs to answer without the database and its ORM: the
        published index as the disk cache holds it, its lexicon, which topic model it
        uses, and the entries' short answers. Written beside the index cache."""
        try:
            seg = index.segmenter
            model = index.topic_model
            data = {"format": INDEX_FORMAT, "index": dataclasses.replace(index, segmenter=None, topic_model=None),
                    "latin": seg.learned(), "lexicon": seg.lexicon, "answers": answers,
                    "model": model.digest if model is not None else None}
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
            _prune(path.parent, keep=2, pattern="ask-*.pkl")
        except OSError:
            pass

    def load_snapshot(self, path: Path) -> tuple[MatchIndex, dict[str, str]] | None:
        """The index and short answers saved by save_snapshot, or None (then use the database)."""
        try:
            with path.open("rb") as fh:
                data = pickle.load(fh)
            if data.get("format") != INDEX_FORMAT:
                return None
            seg = self._base_for(self._lexicon or data["lexicon"]).fork()
            seg.restore_learned(data["latin"])
            model = None
            if data["model"] is not None:
                shipped = self.shipped_model()
                found = self._model_path(data["model"])
                model = shipped if shipped is not None and shipped.digest == data["model"] else (
                    TopicModel.load(found) if found is not None and found.exists() else None)
                if model is None:
                    return None
            return dataclasses.replace(data["index"], segmenter=seg, topic_model=model), data["answers"]
        except Exception:  # noqa: BLE001 - a missing or damaged snapshot: answer from the database
            return None


def _prune(folder: Path, keep: int, pattern: str = "index-*.pkl") -> None:
    """Each publish caches a new index (and topic model) file: keep only the newest few."""
    files = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[keep:]:
        try:
            old.unlink()
        except OSError:
            pass
