"""Knowledge-base tables: published FAQ entries, the KB version stamp, unanswered questions."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .orm import Base


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


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


class UnansweredQuestion(Base):
    """A question the bot could not answer (personal numbers masked before storing)."""

    __tablename__ = "unanswered_question"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    text: Mapped[str] = mapped_column(Text)
    normalized: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(String(32), default="unsure")  # unsure | low_confidence | unhelpful
    best_faq_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    best_score: Mapped[float | None] = mapped_column(nullable=True)
    channel: Mapped[str] = mapped_column(String(16), default="wechat")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
