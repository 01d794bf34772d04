"""The only knowledge-base code that queries the database: seed, read, export, log."""
from __future__ import annotations

import json
from typing import Iterable, Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .content_files import load_faq
from .models import FaqEntry, KbState, UnansweredQuestion, utcnow
from .normalize import display_clean, normalize
from .privacy import mask_personal_data


def seed_if_empty(session: Session) -> int:
    """Load the shipped YAML into an empty KB, or refresh a KB still equal to an older seed.

    A KB that staff have edited (seed_hash cleared) is never overwritten by the files.
    Returns the number of entries loaded (0 when nothing changed).
    """
    digest = content_hash()
    state = session.get(KbState, 1)
    has_entries = bool(session.scalar(select(func.count()).select_from(FaqEntry)))
    if has_entries and (state is None or state.seed_hash is None or state.seed_hash == digest):
        return 0
    entries = load_faq()
    replace_entries(session, entries)
    session.get(KbState, 1).seed_hash = digest  # type: ignore[union-attr]
    return len(entries)


def content_hash() -> str:
    """Digest of the shipped FAQ files, to notice when a newer release changes them."""
    import hashlib

    from .lexicon import CONTENT_DIR

    h = hashlib.sha256()
    for path in sorted((CONTENT_DIR / "faq").glob("*.yaml")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def replace_entries(session: Session, entries: Iterable[dict]) -> None:
    """Publish a whole content set and bump the version so every worker rebuilds its index."""
    session.query(FaqEntry).delete()
    for pos, e in enumerate(entries):
        session.add(FaqEntry(position=pos, **{k: e[k] for k in (
            "faq_id", "code", "question", "alternatives", "short_answer", "full_answer",
            "basis", "follow_up", "regional_note")}))
    bump_version(session)


def bump_version(session: Session) -> int:
    state = session.get(KbState, 1)
    if state is None:
        state = KbState(id=1, version=1)
        session.add(state)
    else:
        state.version += 1
        state.published_at = utcnow()
    session.flush()
    return state.version


def current_version(session: Session) -> int:
    return session.scalar(select(KbState.version).where(KbState.id == 1)) or 0


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
    """Keep what citizens asked that we could not answer, with ID/phone numbers masked."""
    clean = mask_personal_data(display_clean(text))[:1000]
    session.add(UnansweredQuestion(text=clean, normalized=mask_personal_data(normalize(text))[:1000],
                                   reason=reason, channel=channel, best_faq_id=best_faq_id,
                                   best_score=best_score))
