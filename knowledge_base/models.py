"""Knowledge-base tables: published FAQ entries, the KB version stamp, unanswered questions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ground.clock import utcnow
from ground.orm import Base


class FaqEntry(Base):
    __tablename__ = "faq_entry"

    faq_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), index=True)
    question: Mapped[str] = mapped_column(Text)
    alternatives: Mapped[list] = mapped_column(JSON, default=list)
    short_answer: Mapped[str] = mapped_column(Text)
    full_answer: Mapped[str] = mapped_column(Text)
    basis: Mapped[list] = mapped_column(JSON, default=list)
    follow_up: Mapped[str] = mapped_column(String(32), default="none")
    regional_note: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    def as_content(self) -> dict:
        """The YAML/JSON content shape (CONTRACTS §2 export and knowledge_base/content)."""
        return {
            "faq_id": self.faq_id, "code": self.code, "question": self.question,
            "alternatives": list(self.alternatives or []), "answer": self.short_answer,
            "short_answer": self.short_answer, "full_answer": self.full_answer,
            "basis": list(self.basis or []), "follow_up": self.follow_up,
            "regional_note": self.regional_note or "",
        }


class KbState(Base):
    """One row: the published version stamp. Workers compare it to rebuild their index."""

    __tablename__ = "kb_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Hash of the shipped YAML the KB was last seeded from; None once staff edit it.
    seed_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The published lexicon (synonyms, user words, cue words) and off-topic examples:
    # revisions in kb_revision, so the matcher of every worker reads them from the DB.
    lexicon_rev: Mapped[int | None] = mapped_column(Integer, nullable=True)
    offtopic_rev: Mapped[int | None] = mapped_column(Integer, nullable=True)


class UnansweredQuestion(Base):
    """A question the bot could not answer (personal numbers masked before storing)."""

    __tablename__ = "unanswered_question"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    text: Mapped[str] = mapped_column(Text)
    normalized: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(String(32), default="unsure")  # unsure | topic | low_confidence | unhelpful | offtopic
    best_faq_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    best_score: Mapped[float | None] = mapped_column(nullable=True)
    channel: Mapped[str] = mapped_column(String(16), default="wechat")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # Triage in the console: open | alternative | new_entry | offtopic | dismissed
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    resolved_faq_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class KbRevision(Base):
    """An immutable piece of published content: one entry, the lexicon or the off-topic list.

    Content-addressed (kind, key, digest), so a version that changes one entry stores one
    new row, and every version can be rebuilt exactly from its manifest.
    """

    __tablename__ = "kb_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # entry | lexicon | offtopic
    key: Mapped[str] = mapped_column(String(64))   # faq_id, or "lexicon" / "offtopic"
    digest: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("kind", "key", "digest", name="uq_kb_revision_content"),)


class KbVersion(Base):
    """One publish: who, when, why, what changed, and the manifest to restore it."""

    __tablename__ = "kb_version"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    author_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # console_user.id (no FK: KB is the lowest room)
    author: Mapped[str] = mapped_column(String(64), default="")
    message: Mapped[str] = mapped_column(String(500), default="")
    source: Mapped[str] = mapped_column(String(16), default="console")  # seed | console | import | restore | reload | baseline
    restored_from: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # {"entries": [[faq_id, revision id], ...] in order, "lexicon": id, "offtopic": id}
    manifest: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)   # counts and ids of what changed
    accuracy: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # the guard's figures at publish
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class KbDraft(Base):
    """A change waiting to be published: an entry (saved or deleted), the lexicon or the off-topic list.

    Drafts are shared by the team (one working copy), so two staff members see and
    test the same next version.
    """

    __tablename__ = "kb_draft"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # entry | lexicon | offtopic
    key: Mapped[str] = mapped_column(String(64), primary_key=True)   # faq_id, or "lexicon" / "offtopic"
    action: Mapped[str] = mapped_column(String(8), default="save")   # save | delete
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    base_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)  # what it was edited from
    author_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    author: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ServiceFeedback(Base):
    """A complaint about, or praise for, staff or lawyers (service.complaint): followed up by a person."""

    __tablename__ = "service_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    channel: Mapped[str] = mapped_column(String(16), default="wechat")
    kind: Mapped[str] = mapped_column(String(16), default="complaint")  # complaint | praise | rating
    text: Mapped[str] = mapped_column(Text, default="")  # masked
    faq_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | done
    note: Mapped[str] = mapped_column(Text, default="")
    handled_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
