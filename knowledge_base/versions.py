"""Publishing, versions and drafts: the store behind /console/kb.

- A **publish** writes the target content in one transaction: immutable revisions
  (deduplicated by digest), the materialised `faq_entry` rows the bot reads, the
  lexicon and off-topic pointers on `kb_state`, a bumped version stamp (every worker
  rebuilds its index when it sees it) and a `kb_version` row with the manifest that
  lets any version be restored exactly.
- **Drafts** are the team's shared working copy; the published KB never changes until
  someone publishes them. Saving a draft clears `kb_state.seed_hash`, so a later release
  of the shipped YAML no longer overwrites a KB that staff curate.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ground.clock import utcnow

from .content import (DraftChange, KbContent, LexiconDoc, apply_drafts, clean_entry, digest, shipped_lexicon)
from .diffing import ContentDiff, diff_content
from .models import FaqEntry, KbDraft, KbRevision, KbState, KbVersion


@dataclass(frozen=True)
class Author:
    id: int | None
    label: str


SYSTEM = Author(None, "系统")


class PublishError(ValueError):
    """The publish cannot happen; the message is fit to show to staff."""


# ------------------------------------------------------------------ reading

def lock_state(session: Session) -> KbState:
    """The KB's one state row, locked on PostgreSQL so publishes and draft saves serialise."""
    pg = session.bind is not None and session.bind.dialect.name == "postgresql"
    state = session.get(KbState, 1, with_for_update=pg)
    if state is None:
        state = KbState(id=1, version=0)
        session.add(state)
        session.flush()
    return state


def _revision_data(session: Session, rev_id: int | None) -> dict | None:
    if rev_id is None:
        return None
    rev = session.get(KbRevision, rev_id)
    return rev.data if rev is not None else None


def published_lexicon(session: Session, state: KbState | None = None) -> LexiconDoc:
    state = state if state is not None else session.get(KbState, 1)
    data = _revision_data(session, state.lexicon_rev) if state is not None else None
    return LexiconDoc.from_json(data) if data is not None else shipped_lexicon()


def published_offtopic(session: Session, state: KbState | None = None) -> tuple[str, ...]:
    state = state if state is not None else session.get(KbState, 1)
    data = _revision_data(session, state.offtopic_rev) if state is not None else None
    if data is None:
        from .content_files import load_offtopic
        return tuple(load_offtopic())
    return tuple(data.get("phrases", []))


def published_content(session: Session) -> KbContent:
    from .store import published_entries

    state = session.get(KbState, 1)
    return KbContent(tuple(clean_entry(e.as_content()) for e in published_entries(session)),
                     published_lexicon(session, state), published_offtopic(session, state))


def version_content(session: Session, version: int) -> KbContent | None:
    """Exactly what was published as `version` (None when there is no such version)."""
    row = session.get(KbVersion, version)
    if row is None:
        return None
    m = row.manifest
    ids = [rid for _, rid in m.get("entries", [])]
    revs = {r.id: r.data for r in session.scalars(select(KbRevision).where(KbRevision.id.in_(ids)))} if ids else {}
    lex = _revision_data(session, m.get("lexicon"))
    off = _revision_data(session, m.get("offtopic"))
    return KbContent(tuple(clean_entry(revs[rid]) for _, rid in m.get("entries", []) if rid in revs),
                     LexiconDoc.from_json(lex), tuple((off or {}).get("phrases", [])))


def list_versions(session: Session, limit: int = 200) -> list[KbVersion]:
    return list(session.scalars(select(KbVersion).order_by(KbVersion.version.desc()).limit(limit)))


def previous_version(session: Session, version: int) -> KbVersion | None:
    return session.scalars(select(KbVersion).where(KbVersion.version < version)
                           .order_by(KbVersion.version.desc()).limit(1)).first()


def get_version(session: Session, version: int) -> KbVersion | None:
    return session.get(KbVersion, version)


def published_version(session: Session) -> int:
    """The published version number, 0 before the first publish (no lock: for display)."""
    state = session.get(KbState, 1)
    return state.version if state else 0


def draft(session: Session, kind: str, key: str) -> KbDraft | None:
    return session.get(KbDraft, (kind, key))


# ------------------------------------------------------------------ publishing

def _revisions(session: Session, kind: str, items: list[tuple[str, dict]]) -> dict[str, int]:
    """key → revision id for each (key, data), inserting the ones not stored yet."""
    digests = {key: digest(data) for key, data in items}
    found: dict[tuple[str, str], int] = {}
    wanted = list(set(digests.values()))
    for chunk in range(0, len(wanted), 500):
        for r in session.execute(select(KbRevision.id, KbRevision.key, KbRevision.digest).where(
                KbRevision.kind == kind, KbRevision.digest.in_(wanted[chunk:chunk + 500]))):
            found[(r.key, r.digest)] = r.id
    out: dict[str, int] = {}
    for key, data in items:
        rid = found.get((key, digests[key]))
        if rid is None:
            rev = KbRevision(kind=kind, key=key, digest=digests[key], data=data)
            session.add(rev)
            session.flush()
            rid = found[(key, digests[key])] = rev.id
        out[key] = rid
    return out


def _write_entries(session: Session, target: KbContent) -> None:
    """Materialise the published entries: only changed rows are touched."""
    existing = {e.faq_id: e for e in session.scalars(select(FaqEntry))}
    wanted = {e["faq_id"] for e in target.entries}
    for faq_id, row in existing.items():
        if faq_id not in wanted:
            session.delete(row)
    session.flush()
    for pos, e in enumerate(target.entries):
        row = existing.get(e["faq_id"])
        if row is None:
            session.add(FaqEntry(position=pos, **e))
            continue
        if clean_entry(row.as_content()) != e:
            for k, v in e.items():
                setattr(row, k, v)
        if row.position != pos:
            row.position = pos


def publish(session: Session, target: KbContent, author: Author, message: str = "", source: str = "console",
            restored_from: int | None = None, accuracy: dict | None = None, allow_empty: bool = False,
            expected_version: int | None = None) -> KbVersion:
    """Make `target` the published KB as a new version (see the module docstring)."""
    state = lock_state(session)
    if expected_version is not None and state.version != expected_version:
        raise PublishError(f"知识库刚被他人发布为第 {state.version} 版，请重新检查改动后再发布。")
    ids = [e["faq_id"] for e in target.entries]
    if len(ids) != len(set(ids)):
        raise PublishError("条目编号重复，不能发布。")
    current = published_content(session)
    diff = diff_content(current, target)
    if not diff and not allow_empty:
        raise PublishError("没有需要发布的改动。")
    entry_revs = _revisions(session, "entry", [(e["faq_id"], e) for e in target.entries])
    lex_rev = _revisions(session, "lexicon", [("lexicon", target.lexicon.to_json())])["lexicon"]
    off_rev = _revisions(session, "offtopic", [("offtopic", {"phrases": list(target.offtopic)})])["offtopic"]
    _write_entries(session, target)
    state.version = (state.version or 0) + 1
    state.published_at = utcnow()
    state.lexicon_rev, state.offtopic_rev = lex_rev, off_rev
    if source == "console":
        state.seed_hash = None
    row = KbVersion(version=state.version, author_id=author.id, author=author.label[:64], message=message[:500],
                    source=source, restored_from=restored_from,
                    manifest={"entries": [[i, entry_revs[i]] for i in ids], "lexicon": lex_rev, "offtopic": off_rev},
                    summary={**diff.summary(), "headline": diff.headline()}, accuracy=accuracy)
    session.add(row)
    session.flush()
    return row


def ensure_history(session: Session) -> None:
    """A KB published before versions existed gets its current content recorded as a
    baseline version (no bump), with the lexicon and off-topic list from the files."""
    state = session.get(KbState, 1)
    if state is None or state.lexicon_rev is not None:
        return
    content = published_content(session)  # falls back to the shipped lexicon and off-topic list
    entry_revs = _revisions(session, "entry", [(e["faq_id"], e) for e in content.entries])
    state.lexicon_rev = _revisions(session, "lexicon", [("lexicon", content.lexicon.to_json())])["lexicon"]
    state.offtopic_rev = _revisions(session, "offtopic", [("offtopic", {"phrases": list(content.offtopic)})])["offtopic"]
    if session.get(KbVersion, state.version) is None:
        session.add(KbVersion(version=state.version, author=SYSTEM.label, source="baseline",
                              message="启用版本管理前已发布的内容",
                              manifest={"entries": [[e["faq_id"], entry_revs[e["faq_id"]]] for e in content.entries],
                                        "lexicon": state.lexicon_rev, "offtopic": state.offtopic_rev},
                              summary={"headline": "基线"}))
    session.flush()


# ------------------------------------------------------------------ drafts

def list_drafts(session: Session) -> list[KbDraft]:
    return list(session.scalars(select(KbDraft).order_by(KbDraft.updated_at)))


def draft_changes(drafts: Iterable[KbDraft]) -> list[DraftChange]:
    return [DraftChange(d.kind, d.key, d.action, dict(d.data or {})) for d in drafts]


def draft_content(session: Session, base: KbContent | None = None) -> KbContent:
    """The KB as it would be after publishing every draft."""
    base = base if base is not None else published_content(session)
    return apply_drafts(base, draft_changes(list_drafts(session)))


def drafts_fingerprint(session: Session) -> str:
    """Changes whenever any draft changes: the publish form carries it to detect edits in between."""
    return digest([[d.kind, d.key, d.action, d.data] for d in
                   session.scalars(select(KbDraft).order_by(KbDraft.kind, KbDraft.key))])


def _upsert(session: Session, kind: str, key: str, action: str, data: dict, base: dict | None, author: Author) -> None:
    state = lock_state(session)
    state.seed_hash = None  # curated from now on: the shipped YAML no longer overwrites it
    row = session.get(KbDraft, (kind, key))
    if row is None:
        row = KbDraft(kind=kind, key=key, base_digest=digest(base) if base is not None else None)
        session.add(row)
    row.action, row.data = action, data
    row.author_id, row.author, row.updated_at = author.id, author.label[:64], utcnow()
    session.flush()


def discard(session: Session, kind: str, key: str) -> bool:
    row = session.get(KbDraft, (kind, key))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def save_entry(session: Session, entry: dict, author: Author) -> bool:
    """Keep an edited or new entry as a draft. Returns False when it equals the published one
    (then any draft of it is dropped: nothing to publish)."""
    entry = clean_entry(entry)
    current = session.get(FaqEntry, entry["faq_id"])
    base = clean_entry(current.as_content()) if current is not None else None
    if base == entry:
        discard(session, "entry", entry["faq_id"])
        return False
    # An existing draft keeps the digest it started from, so a publish by someone else
    # in between is noticed (stale_drafts).
    _upsert(session, "entry", entry["faq_id"], "save", entry, base, author)
    return True


def delete_entry(session: Session, faq_id: str, author: Author) -> None:
    """A new, never-published entry simply disappears; a published one is marked for deletion."""
    current = session.get(FaqEntry, faq_id)
    if current is None:
        discard(session, "entry", faq_id)
        return
    _upsert(session, "entry", faq_id, "delete", clean_entry(current.as_content()),
            clean_entry(current.as_content()), author)


def save_lexicon(session: Session, doc: LexiconDoc, author: Author) -> bool:
    published = published_lexicon(session)
    if doc == published:
        discard(session, "lexicon", "lexicon")
        return False
    _upsert(session, "lexicon", "lexicon", "save", doc.to_json(), published.to_json(), author)
    return True


def save_offtopic(session: Session, phrases: list[str], author: Author) -> bool:
    published = published_offtopic(session)
    phrases = list(dict.fromkeys(p.strip() for p in phrases if p.strip()))
    if tuple(phrases) == tuple(published):
        discard(session, "offtopic", "offtopic")
        return False
    _upsert(session, "offtopic", "offtopic", "save", {"phrases": phrases}, {"phrases": list(published)}, author)
    return True


def publish_drafts(session: Session, author: Author, message: str, fingerprint: str | None = None,
                   expected_version: int | None = None, accuracy: dict | None = None) -> KbVersion:
    """Publish every draft as one version and clear them, all in this transaction."""
    if fingerprint is not None and drafts_fingerprint(session) != fingerprint:
        raise PublishError("草稿在您检查之后又有改动，请重新检查后再发布。")
    drafts = list_drafts(session)
    if not drafts:
        raise PublishError("没有待发布的草稿。")
    target = draft_content(session)
    row = publish(session, target, author, message, "console", accuracy=accuracy, expected_version=expected_version)
    session.execute(delete(KbDraft))
    return row


def restore(session: Session, version: int, author: Author, message: str = "",
            expected_version: int | None = None, accuracy: dict | None = None) -> KbVersion:
    """Publish an old version's content again, as a new version (history is never rewritten)."""
    content = version_content(session, version)
    if content is None:
        raise PublishError(f"没有第 {version} 版。")
    return publish(session, content, author, message or f"恢复到第 {version} 版", "console",
                   restored_from=version, accuracy=accuracy, expected_version=expected_version)


def stale_drafts(session: Session) -> set[str]:
    """Entries whose published text changed after the draft was started (someone else published)."""
    out = set()
    for d in list_drafts(session):
        if d.kind != "entry" or d.base_digest is None:
            continue
        current = session.get(FaqEntry, d.key)
        if current is None or digest(clean_entry(current.as_content())) != d.base_digest:
            out.add(d.key)
    return out


def diff_drafts(session: Session) -> tuple[KbContent, KbContent, ContentDiff]:
    before = published_content(session)
    after = draft_content(session, before)
    return before, after, diff_content(before, after)


@dataclass(frozen=True)
class ImportSummary:
    new: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: int
    deleted: tuple[str, ...]
    lexicon: bool
    offtopic: bool

    def headline(self) -> str:
        parts = [f"新增 {len(self.new)} 条", f"修改 {len(self.changed)} 条", f"未变 {self.unchanged} 条"]
        if self.deleted:
            parts.append(f"删除 {len(self.deleted)} 条")
        if self.lexicon:
            parts.append("词表有改动")
        if self.offtopic:
            parts.append("无关示例有改动")
        return "、".join(parts)


def import_drafts(session: Session, entries: list[dict], author: Author, lexicon: LexiconDoc | None = None,
                  offtopic: tuple[str, ...] | None = None, replace: bool = False) -> ImportSummary:
    """Turn a clean import into drafts. `replace`: published entries missing from the file are
    marked for deletion (the file is then the whole KB); otherwise they are left alone."""
    published = published_content(session).by_id()
    new, changed, same = [], [], 0
    for e in entries:
        e = clean_entry(e)
        before = published.get(e["faq_id"])
        if before == e:
            discard(session, "entry", e["faq_id"])
            same += 1
            continue
        save_entry(session, e, author)
        (changed if before is not None else new).append(e["faq_id"])
    deleted: list[str] = []
    if replace:
        in_file = {e["faq_id"] for e in entries}
        for faq_id in published:
            if faq_id not in in_file:
                delete_entry(session, faq_id, author)
                deleted.append(faq_id)
    lex = save_lexicon(session, lexicon, author) if lexicon is not None else False
    off = save_offtopic(session, list(offtopic), author) if offtopic is not None else False
    return ImportSummary(tuple(new), tuple(changed), same, tuple(deleted), lex, off)
