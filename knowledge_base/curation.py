"""What the console's knowledge-base pages need, without Flask: the tester, the accuracy
guard, the unanswered queue with suggestions, helpfulness per entry, service feedback.

Views stay thin: they parse the request, call one function here, render the result.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import weakref

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ground.clock import utcnow
from ground.orm import Base
from ground.privacy import mask_personal_data

from . import versions
from .content import KbContent
from .content_files import load_taxonomy
from .evaluate import load_set
from .explain import Explanation, explain
from .guard import GuardReport, compare
from .guard_jobs import GuardJobs
from .models import FaqEntry, ServiceFeedback, UnansweredQuestion
from .service import KnowledgeService
from .triage import Group, Question, group_questions

QUEUE_REASONS = ("unsure", "topic", "low_confidence", "unhelpful")
REASON_NAMES = {"unsure": "答不上", "topic": "没有对应条目（给了该类总回答）", "low_confidence": "没把握（让用户选）",
                "unhelpful": "用户说没用", "offtopic": "判为无关"}
STATUS_NAMES = {"open": "待处理", "alternative": "已加为问法", "new_entry": "已新建条目", "offtopic": "已标为无关",
                "dismissed": "已忽略"}


@lru_cache(maxsize=1)
def taxonomy() -> dict[str, str]:
    return load_taxonomy()


def aware(dt: datetime | None) -> datetime | None:
    """SQLite hands timezone-aware columns back naive; they were stored as UTC."""
    return dt.replace(tzinfo=timezone.utc) if dt is not None and dt.tzinfo is None else dt


def phrasings(content: KbContent) -> dict[str, list[str]]:
    return {e["faq_id"]: [e["question"], *e["alternatives"]] for e in content.entries}


# ------------------------------------------------------------------ tester

@dataclass(frozen=True)
class TesterResult:
    published: Explanation
    draft: Explanation | None      # None when there are no drafts
    answer_published: str
    answer_draft: str
    model_pending: bool = False    # the drafts' topic model is still being trained: the draft column may change


def _answer_preview(ex: Explanation, content: KbContent) -> str:
    top = ex.top
    if top is None or ex.status != "answer":
        return ""
    e = content.entry(top.faq_id)
    return e["short_answer"] if e else ""


def test_question(session: Session, svc: KnowledgeService, text: str) -> TesterResult:
    published = versions.published_content(session)
    pub = explain(text, svc.index(session), phrasings(published), published.offtopic, svc.thresholds)
    drafts = versions.list_drafts(session)
    if not drafts:
        return TesterResult(pub, None, _answer_preview(pub, published), "")
    content = versions.draft_content(session, published)
    # The topic model trained on the drafts when the accuracy check has made it; before
    # that the published one stands in, and the page says the draft column may change.
    ready = svc.has_trained_model(content)
    dr = explain(text, svc.index_for(content, retrain=ready), phrasings(content), content.offtopic, svc.thresholds)
    return TesterResult(pub, dr, _answer_preview(pub, published), _answer_preview(dr, content), not ready)


def suggest(session: Session, svc: KnowledgeService, text: str, n: int = 3) -> list[tuple[str, str, str, float]]:
    """(faq_id, code, question, score) the text is closest to, off-topic examples left out."""
    from .match import rank
    from .index import OFFTOPIC_CODE

    hits, *_ = rank(text, svc.index(session), svc.thresholds)
    return [(h.faq_id, h.code, h.question, h.score) for h in hits if h.code != OFFTOPIC_CODE][:n]


def likely_topic(session: Session, svc: KnowledgeService, text: str) -> str:
    """The topic a new entry for `text` most likely belongs to: the one the bot itself
    gave (its topic model), else that of the closest entry. The closest entry alone was a
    poor guess: 「物业费收得太高能不交吗」 came prefilled as 其他人身损害 at a score of 0.13."""
    from .match import match

    result = match(text, svc.index(session), svc.thresholds)
    if result.topic:
        return result.topic
    found = suggest(session, svc, text, 1)
    return found[0][1] if found else ""


# ------------------------------------------------------------------ accuracy guard

def guard_rows() -> tuple[list[dict], str]:
    """The questions the guard runs, and a line saying which they are.

    Real citizens' questions (the hand-labelled real dev set) when their text is on this
    machine; otherwise the written development set, and the line says so.
    """
    from .evaluate import load_real_set
    from .train import real_dir

    rows = load_real_set("dev")
    if rows:
        return rows, "真实问题开发集"
    return load_set("dev"), f"编写的开发问题集（真实问题不在本机 {real_dir()}，运行 scripts/fetch_real_questions.py 后改用真实问题）"


def run_guard(session: Session, svc: KnowledgeService, target: KbContent) -> GuardReport:
    """The development questions through the published index and through `target`'s index.

    `target`'s topic model is retrained first (seconds; cached, so the publish that follows
    goes live with it): the guard measures what will really be published.
    """
    rows, dataset = guard_rows()
    published = svc.index(session)
    before = svc.predictions(published, f"published:{dataset}:{published.stamp}:{id(published)}", rows)
    after_index = svc.index_for(target, retrain=True)
    after = svc.predictions(after_index, f"content:{dataset}:{target.fingerprint}:{id(after_index)}", rows)
    return dataclasses.replace(compare(rows, before, after, taxonomy()), dataset=dataset)


# One set of reports per matcher service (per process and database), on disk beside its topic models.
_JOBS: "weakref.WeakKeyDictionary[KnowledgeService, GuardJobs]" = weakref.WeakKeyDictionary()
GUARD_FORMAT = 1  # bump when the report's meaning changes: older files are then never read


def guard_jobs(svc: KnowledgeService) -> GuardJobs:
    jobs = _JOBS.get(svc)
    if jobs is None:
        jobs = _JOBS[svc] = GuardJobs(svc.cache_dir / "guard" if svc.cache_dir else None)
    return jobs


def guard_key(session: Session, svc: KnowledgeService, target: KbContent) -> str:
    """Everything a report depends on: the published and the target content, the question
    set and the matcher's settings (and the shipped topic model the published index uses)."""
    rows, dataset = guard_rows()
    shipped = svc.shipped_model()
    data = [GUARD_FORMAT, versions.published_content(session).fingerprint, target.fingerprint, dataset,
            len(rows), repr(svc.thresholds), shipped.digest if shipped is not None else ""]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:32]


def cached_guard(session: Session, svc: KnowledgeService, target: KbContent) -> GuardReport | None:
    """The report for `target` if some worker has made it; never computes."""
    return guard_jobs(svc).cached(guard_key(session, svc, target))


def start_guard(database, svc: KnowledgeService, target: KbContent, key: str) -> bool:
    """Compute the report for `target` in the background (`database.session()` gives the
    thread its own session). True while it is being computed, False when it is ready."""
    def compute() -> GuardReport:
        with database.session() as s:
            return run_guard(s, svc, target)

    return guard_jobs(svc).start(key, compute)


def guard_or_start(database, session: Session, svc: KnowledgeService,
                   target: KbContent) -> tuple[GuardReport | None, bool]:
    """For a page: (the report, None while pending; whether it is being computed)."""
    key = guard_key(session, svc, target)
    if start_guard(database, svc, target, key):  # a known report is never recomputed
        return None, True
    return guard_jobs(svc).cached(key), False


def guard_for_publish(session: Session, svc: KnowledgeService, target: KbContent) -> GuardReport:
    """The report a publish (or a restore) is checked against: the one made for exactly
    this content, or computed now. The topic model is (re)loaded or trained either way,
    so the version goes live with the model trained on it."""
    report = guard_jobs(svc).get_or_run(guard_key(session, svc, target), lambda: run_guard(session, svc, target))
    svc.retrain(target)
    return report


# ------------------------------------------------------------------ unanswered queue

def queue_groups(session: Session, svc: KnowledgeService, reasons: tuple[str, ...] = QUEUE_REASONS,
                 days: int = 90, status: str = "open", limit: int = 3000) -> list[Group]:
    since = utcnow() - timedelta(days=days)
    rows = session.scalars(select(UnansweredQuestion).where(
        UnansweredQuestion.status == status, UnansweredQuestion.reason.in_(reasons),
        UnansweredQuestion.created_at >= since).order_by(UnansweredQuestion.id.desc()).limit(limit)).all()
    index = svc.index(session)
    seg = index.segmenter
    from .index import analyze

    qs = [Question(r.id, r.text, r.reason, aware(r.created_at), r.best_faq_id) for r in rows]
    return group_questions(qs, lambda t: analyze(t, seg)[2])


def resolve(session: Session, ids: list[int], status: str, who: str, faq_id: str | None = None) -> int:
    """Mark questions as handled (only open ones: a double click does nothing twice)."""
    if status not in STATUS_NAMES or status == "open" or not ids:
        return 0
    result = session.execute(update(UnansweredQuestion).where(
        UnansweredQuestion.id.in_(ids), UnansweredQuestion.status == "open").values(
        status=status, resolved_by=who[:64], resolved_faq_id=faq_id, resolved_at=utcnow()))
    return int(result.rowcount or 0)


def add_alternative(session: Session, faq_id: str, text: str, author: versions.Author) -> str | None:
    """Add `text` as a phrasing of entry `faq_id` (as a draft). Returns an error message or None."""
    text = mask_personal_data(text.strip())[:200]
    if not text:
        return "问法不能为空。"
    content = versions.draft_content(session)
    entry = content.entry(faq_id)
    if entry is None:
        return f"没有编号为 {faq_id} 的条目。"
    if text == entry["question"] or text in entry["alternatives"]:
        return None
    versions.save_entry(session, dict(entry, alternatives=[*entry["alternatives"], text]), author)
    return None


def add_offtopic(session: Session, text: str, author: versions.Author) -> str | None:
    text = mask_personal_data(text.strip())[:200]
    if not text:
        return "句子不能为空。"
    content = versions.draft_content(session)
    if text not in content.offtopic:
        versions.save_offtopic(session, [*content.offtopic, text], author)
    return None


# ------------------------------------------------------------------ helpfulness

@dataclass(frozen=True)
class Helpfulness:
    answered: int = 0
    helpful: int = 0
    unhelpful: int = 0

    @property
    def votes(self) -> int:
        return self.helpful + self.unhelpful

    @property
    def rate(self) -> float | None:
        return self.helpful / self.votes if self.votes else None


def helpfulness(session: Session, since: datetime | None = None) -> dict[str, Helpfulness]:
    """Per entry: how often the bot answered with it, and the 有用 / 没用 replies after it.

    The transcript table belongs to bot/ (chat_message); it is read through the shared
    metadata so the knowledge base does not import the bot.
    """
    table = Base.metadata.tables.get("chat_message")
    if table is None:
        return {}
    answered: Counter[str] = Counter()
    votes: dict[str, Counter[str]] = {}
    where = [table.c.faq_id.is_not(None)]
    if since is not None:
        where.append(table.c.created_at >= since)
    for faq_id, direction, kind, text, n in session.execute(
            select(table.c.faq_id, table.c.direction, table.c.kind, table.c.text, func.count())
            .where(*where).group_by(table.c.faq_id, table.c.direction, table.c.kind, table.c.text)):
        if kind == "feedback":
            votes.setdefault(faq_id, Counter())[text] += n
        elif direction == "out":
            answered[faq_id] += n
    ids = set(answered) | set(votes)
    return {i: Helpfulness(answered[i], votes.get(i, Counter())["helpful"], votes.get(i, Counter())["unhelpful"])
            for i in ids}


# ------------------------------------------------------------------ service feedback (complaints, praise)

PRAISE_WORDS = ("表扬", "感谢", "谢谢", "锦旗", "好评", "点赞", "感激", "帮了大忙", "很负责", "满意")
COMPLAINT_WORDS = ("投诉", "不满意", "举报", "态度差", "态度不好", "收钱", "收费", "红包", "换律师", "不负责",
                   "不理", "敷衍", "拖着", "没人管")


def feedback_kind(text: str, entry_question: str = "") -> str:
    """complaint | praise | rating: the citizen's words first, the entry's question second."""
    for source in (text, entry_question):
        if any(w in source for w in COMPLAINT_WORDS):
            return "complaint"
        if any(w in source for w in PRAISE_WORDS):
            return "praise"
    return "rating"


def record_service_feedback(session: Session, user_id: str, channel: str, text: str, faq_id: str | None) -> None:
    """A service.complaint question becomes an item staff follow up (ID and phone masked)."""
    entry = session.get(FaqEntry, faq_id) if faq_id else None
    clean = mask_personal_data(text or "")[:1000]
    session.add(ServiceFeedback(user_id=user_id, channel=channel, text=clean, faq_id=faq_id,
                                kind=feedback_kind(clean, entry.question if entry else "")))
