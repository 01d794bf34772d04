"""The only knowledge-base code that queries the database: seed, read, export, log."""
from __future__ import annotations

import json
from typing import Iterable, Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ground.clock import utcnow
from ground.privacy import looks_like_personal_data, mask_personal_data

from .models import FaqEntry, KbState, UnansweredQuestion
from .normalize import display_clean, normalize


def seed_if_empty(session: Session) -> int:
    """Load the shipped content into an empty KB, or refresh a KB still equal to an older seed.

    A KB that staff have edited (seed_hash cleared) is never overwritten by the files.
    Every load is a published version (restorable like any other). Returns the number
    of entries loaded (0 when nothing changed).
    """
    from .content import shipped_content
    from .versions import SYSTEM, ensure_history, publish

    digest = content_hash()
    state = session.get(KbState, 1)
    has_entries = bool(session.scalar(select(func.count()).select_from(FaqEntry)))
    if has_entries and (state is None or state.seed_hash is None or state.seed_hash == digest):
        ensure_history(session)
        return 0
    content = shipped_content()
    publish(session, content, SYSTEM, "仓库自带内容（YAML）", source="seed", allow_empty=True)
    session.get(KbState, 1).seed_hash = digest  # type: ignore[union-attr]
    return len(content.entries)


def content_hash() -> str:
    """Digest of the shipped content files (FAQ, lexicon, off-topic), to notice a newer release."""
    from .content import shipped_files_hash

    return shipped_files_hash()


def replace_entries(session: Session, entries: Iterable[dict], source: str = "reload") -> None:
    """Publish a whole set of entries (with the shipped lexicon) as a new version."""
    from .content import KbContent, clean_entry, shipped_content
    from .versions import SYSTEM, publish

    shipped = shipped_content()
    content = KbContent(tuple(clean_entry(e) for e in entries), shipped.lexicon, shipped.offtopic)
    publish(session, content, SYSTEM, "重新载入仓库内容（YAML）", source=source, allow_empty=True)


def bump_version(session: Session) -> int:
    state = session.get(KbState, 1)
    if state is None:
        state = KbState(id=1, version=1)
        session.add(state)
    else:
        state.version += 1
        state.published_at = utcnow()
    session.flush()
    session.info.pop("kb_version", None)  # KnowledgeService.index reads the new stamp
    return state.version


# The published version stamp as a scalar subquery, for a caller that reads it together
# with its own first statement of a transaction (bot/retry_claims.py).
VERSION_SUBQUERY = "(SELECT version FROM kb_state WHERE id = 1)"


def current_version(session: Session) -> int:
    # Read on the connection, without flushing the session's pending rows first: the stamp
    # changes only in bump_version, which flushes it (every message reads it).
    return session.connection().scalar(_VERSION) or 0


_VERSION = select(KbState.__table__.c.version).where(KbState.__table__.c.id == 1)  # built once, run every message


def published_entries(session: Session) -> list[FaqEntry]:
    return list(session.scalars(select(FaqEntry).order_by(FaqEntry.position, FaqEntry.faq_id)))


def get_entry(session: Session, faq_id: str) -> FaqEntry | None:
    return session.get(FaqEntry, faq_id)


def export_lines(session: Session) -> Iterator[str]:
    """CONTRACTS §2: one JSON object per published entry."""
    for e in published_entries(session):
        yield json.dumps({"faq_id": e.faq_id, "code": e.code, "question": e.question,
                          "alternatives": list(e.alternatives or []), "answer": e.short_answer},
                         ensure_ascii=False)


def record_unanswered(session: Session, text: str, reason: str, channel: str,
                      best_faq_id: str | None = None, best_score: float | None = None) -> None:
    """Keep what citizens asked that we could not answer, with ID/phone numbers masked.

    A message that carries only personal data (a phone, an ID, a name beside them) is
    not a question: it never enters the queue staff read, masked or not.
    """
    if looks_like_personal_data(text):
        return
    clean = mask_personal_data(display_clean(text))[:1000]
    session.add(UnansweredQuestion(text=clean, normalized=mask_personal_data(normalize(text))[:1000],
                                   reason=reason, channel=channel, best_faq_id=best_faq_id,
                                   best_score=best_score))
