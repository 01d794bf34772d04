"""The figures: one `collect` for the dashboard and the monthly report alike.

Questions are counted from the transcript (every bot reply carries the topic code and,
for an answer, the entry) and the unanswered log (which says unsure or off-topic):
    answered  — the bot answered from an entry (directly, or after the citizen picked
                from a numbered list: that pick is the same question, not a new one)
    topic     — a legal question no entry answers: the bot gave its topic's general answer
                (recorded for staff as a question a new entry should answer)
    clarify   — the bot offered a numbered list and the citizen did not pick
    unsure    — the bot could not answer (recorded for staff)
    offtopic  — not a legal question
The office filter narrows what belongs to an office (eligibility checks and
applications by the office's region, appointments by office); questions to the public
account are not tied to an office and are always counted whole.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache

from sqlalchemy import MetaData, Table, inspect, select
from sqlalchemy.orm import Session

from ground.orm import Base
from handoff import labels
from handoff.models import real_people
from handoff.offices import Office, load_offices
from knowledge_base.models import ServiceFeedback, UnansweredQuestion

from .period import Period, local_day

DECISION_NAMES = labels.vocab("eligibility_decision")  # handoff/labels.yaml, shared with the console
POSITIVE = ("eligible", "likely_eligible", "mandatory")
CHANNEL_NAMES = labels.vocab("channel")
PRIORITY_NAMES = labels.vocab("priority_group")
DECISION_LIMIT_DAYS = 7  # 《法律援助法》第四十三条


@dataclass
class OfficeRow:
    office: Office
    eligibility: int = 0
    positive: int = 0
    priority: int = 0
    applications: int = 0
    decided: int = 0
    within_limit: int = 0
    appointments: int = 0


@dataclass
class Stats:
    period: Period
    office: Office | None = None
    per_day: dict[date, int] = field(default_factory=dict)
    answered: int = 0
    clarify: int = 0
    topic: int = 0
    unsure: int = 0
    offtopic: int = 0
    by_topic: Counter = field(default_factory=Counter)          # code → questions (answered + clarify)
    by_channel: Counter = field(default_factory=Counter)        # channel → questions
    answered_by_channel: Counter = field(default_factory=Counter)
    helpful: int = 0
    unhelpful: int = 0
    eligibility: int = 0
    decisions: Counter = field(default_factory=Counter)          # eligibility decision → records
    eligibility_priority: int = 0
    priority_groups: Counter = field(default_factory=Counter)    # trigger → records (one record may count twice)
    has_handoff: bool = False
    applications: int = 0
    application_status: Counter = field(default_factory=Counter)
    application_priority: int = 0
    application_decisions: Counter = field(default_factory=Counter)  # accepted | rejected
    decision_days: list[float] = field(default_factory=list)
    overdue_open: int = 0
    appointments: int = 0
    appointment_status: Counter = field(default_factory=Counter)
    complaints: Counter = field(default_factory=Counter)         # complaint | praise | rating
    offices: list[OfficeRow] = field(default_factory=list)

    @property
    def questions(self) -> int:
        return self.answered + self.clarify + self.topic + self.unsure + self.offtopic

    @property
    def legal_questions(self) -> int:
        return self.answered + self.clarify + self.topic + self.unsure

    def share(self, n: int, of: int) -> float | None:
        return n / of if of else None

    @property
    def answer_rate(self) -> float | None:
        return self.share(self.answered, self.legal_questions)

    @property
    def unanswered_rate(self) -> float | None:
        return self.share(self.unsure, self.legal_questions)

    @property
    def helpful_rate(self) -> float | None:
        return self.share(self.helpful, self.helpful + self.unhelpful)

    @property
    def positive(self) -> int:
        return sum(self.decisions[d] for d in POSITIVE)

    @property
    def green_share(self) -> float | None:
        """Green-channel share: of applications when there are any, else of eligibility checks."""
        if self.applications:
            return self.share(self.application_priority, self.applications)
        return self.share(self.eligibility_priority, self.eligibility)

    @property
    def within_limit(self) -> int:
        return sum(1 for d in self.decision_days if d <= DECISION_LIMIT_DAYS)

    @property
    def median_decision_days(self) -> float | None:
        xs = sorted(self.decision_days)
        if not xs:
            return None
        mid = len(xs) // 2
        return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


def _aware(dt: datetime) -> datetime:
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt


@lru_cache(maxsize=1)
def _priority_texts() -> dict[str, tuple[str, ...]]:
    """Each trigger's texts; a text may differ by place ({shishi: …, jilin: …, default: …})."""
    from intents.loader import section

    spec = section("procedure", "priority")
    out: dict[str, tuple[str, ...]] = {}
    for k, v in spec.items():
        if not isinstance(v, dict) or "text" not in v:
            continue
        texts = v["text"].values() if isinstance(v["text"], dict) else [v["text"]]
        out[k] = tuple(t for t in (str(x).strip().rstrip("。；;") for x in texts) if t)
    return out


def priority_groups(result: dict) -> list[str]:
    """Which green-channel triggers a questionnaire result cites (its reasons quote procedure.yaml)."""
    reasons = " ".join(str(r) for r in (result or {}).get("reasons", []))
    return [k for k, texts in _priority_texts().items() if any(t in reasons for t in texts)]


def home_office(region: str | None, offices: tuple[Office, ...] | None = None) -> Office | None:
    """The office a region's eligibility checks and applications belong to: its centre
    (a workstation hands applications on to the centre, which decides)."""
    if not region:
        return None
    offices = offices if offices is not None else load_offices()
    matching = [o for o in offices if o.region == region]
    centres = [o for o in matching if o.kind == "center"]
    return (centres or matching or [None])[0]


def _in_office(region: str | None, office: Office | None) -> bool:
    if office is None:
        return True
    home = home_office(region)
    return home is not None and home.id == office.id


def _table(session: Session, name: str) -> Table:
    """A table of bot/ (transcript, conversation, eligibility record), read through the shared
    metadata as handoff/inbox.py does, so reports never imports the bot (tests/test_layers.py);
    reflected when the bot's models are not loaded in this process."""
    found = Base.metadata.tables.get(name)
    return found if found is not None else Table(name, MetaData(), autoload_with=session.get_bind())


def _questions(session: Session, stats: Stats, period: Period) -> None:
    lo, hi = period.start_utc, period.end_utc
    ChatMessage, Conversation = _table(session, "chat_message").c, _table(session, "conversation").c
    rows = session.execute(select(ChatMessage.id, ChatMessage.user_id, ChatMessage.faq_id, ChatMessage.code,
                                  ChatMessage.kind, ChatMessage.created_at)
                           .where(ChatMessage.direction == "out", ChatMessage.kind.in_(("text", "topic", "menu")),
                                  ChatMessage.code.is_not(None), ChatMessage.created_at >= lo,
                                  ChatMessage.created_at < hi)).all()
    users = {r.user_id for r in rows}
    channel = {}
    if users:
        for chunk in range(0, len(users), 500):
            part = list(users)[chunk:chunk + 500]
            channel.update(dict(session.execute(select(Conversation.user_id, Conversation.channel)
                                                .where(Conversation.user_id.in_(part))).all()))
    last_clarify: dict[str, bool] = defaultdict(bool)
    for r in sorted(rows, key=lambda r: (r.user_id, r.id)):
        ch = channel.get(r.user_id, "wechat")
        if r.code == "other":
            last_clarify[r.user_id] = False
            continue  # unsure / off-topic: counted from the unanswered log below
        if r.faq_id is None and r.kind == "text":
            continue  # an acknowledgement, a question back, a pre-check reply: not a question's outcome
        if r.faq_id is None:  # a numbered list (menu), or a topic's general answer (topic)
            if r.kind == "topic":
                stats.topic += 1
            else:
                stats.clarify += 1
            stats.by_topic[r.code] += 1
            stats.by_channel[ch] += 1
            stats.per_day[local_day(_aware(r.created_at))] = stats.per_day.get(local_day(_aware(r.created_at)), 0) + 1
            last_clarify[r.user_id] = r.kind != "topic"
            continue
        if last_clarify[r.user_id]:  # the citizen picked from the list: the same question, now answered
            stats.clarify -= 1
        else:
            stats.by_topic[r.code] += 1
            stats.by_channel[ch] += 1
            day = local_day(_aware(r.created_at))
            stats.per_day[day] = stats.per_day.get(day, 0) + 1
        stats.answered += 1
        stats.answered_by_channel[ch] += 1
        last_clarify[r.user_id] = False
    for reason, ch, created in session.execute(
            select(UnansweredQuestion.reason, UnansweredQuestion.channel, UnansweredQuestion.created_at)
            .where(UnansweredQuestion.reason.in_(("unsure", "offtopic")), UnansweredQuestion.created_at >= lo,
                   UnansweredQuestion.created_at < hi)):
        if reason == "unsure":
            stats.unsure += 1
        else:
            stats.offtopic += 1
        stats.by_channel[ch] += 1
        day = local_day(_aware(created))
        stats.per_day[day] = stats.per_day.get(day, 0) + 1
    for text, n in Counter(t for (t,) in session.execute(
            select(ChatMessage.text).where(ChatMessage.kind == "feedback", ChatMessage.created_at >= lo,
                                           ChatMessage.created_at < hi))).items():
        if text == "helpful":
            stats.helpful += n
        elif text == "unhelpful":
            stats.unhelpful += n
    for kind, in session.execute(select(ServiceFeedback.kind).where(ServiceFeedback.created_at >= lo,
                                                                     ServiceFeedback.created_at < hi)):
        stats.complaints[kind] += 1


def _eligibility(session: Session, stats: Stats, period: Period, rows_by_office: dict[str, OfficeRow]) -> None:
    table = _table(session, "eligibility_record")
    EligibilityRecord = table.c
    for rec in session.execute(select(table).where(EligibilityRecord.created_at >= period.start_utc,
                                                   EligibilityRecord.created_at < period.end_utc,
                                                   real_people(EligibilityRecord.user_id))):
        home = home_office(rec.region)
        if home is not None and home.id in rows_by_office:
            row = rows_by_office[home.id]
            row.eligibility += 1
            row.positive += rec.decision in POSITIVE
            row.priority += bool(rec.priority)
        if not _in_office(rec.region, stats.office):
            continue
        stats.eligibility += 1
        stats.decisions[rec.decision] += 1
        if rec.priority:
            stats.eligibility_priority += 1
            for g in priority_groups(rec.result or {}):
                stats.priority_groups[g] += 1


def _handoff(session: Session, stats: Stats, period: Period, rows_by_office: dict[str, OfficeRow]) -> None:
    insp = inspect(session.get_bind())
    if not (insp.has_table("application") and insp.has_table("appointment")):
        return
    from handoff.models import Application, Appointment, CaseEvent

    stats.has_handoff = True
    lo, hi = period.start_utc, period.end_utc
    apps = list(session.scalars(select(Application).where(Application.submitted_at.is_not(None),
                                                          Application.submitted_at >= lo, Application.submitted_at < hi,
                                                          real_people(Application.user_id))))
    decided_at: dict[int, datetime] = {}
    if apps:
        for app_id, created in session.execute(
                select(CaseEvent.application_id, CaseEvent.created_at)
                .where(CaseEvent.application_id.in_([a.id for a in apps]), CaseEvent.kind == "status",
                       CaseEvent.to_status.in_(("accepted", "rejected"))).order_by(CaseEvent.created_at)):
            decided_at.setdefault(app_id, _aware(created))
    now = datetime.now(timezone.utc)
    for a in apps:
        days = None
        if a.id in decided_at:
            days = (decided_at[a.id] - _aware(a.submitted_at)).total_seconds() / 86400
        home = home_office(a.region)
        if home is not None and home.id in rows_by_office:
            row = rows_by_office[home.id]
            row.applications += 1
            if days is not None:
                row.decided += 1
                row.within_limit += days <= DECISION_LIMIT_DAYS
        if not _in_office(a.region, stats.office):
            continue
        stats.applications += 1
        stats.application_status[a.status] += 1
        stats.application_priority += bool(a.priority)
        if days is not None:
            stats.decision_days.append(round(days, 2))
        if a.status in ("accepted", "rejected", "assigned", "in_progress", "closed"):
            stats.application_decisions["rejected" if a.status == "rejected" else "accepted"] += 1
        elif a.decision_due_at is not None and _aware(a.decision_due_at) < now:
            stats.overdue_open += 1
    for b in session.scalars(select(Appointment).where(Appointment.created_at >= lo, Appointment.created_at < hi,
                                                       real_people(Appointment.user_id))):
        if b.office_id in rows_by_office:
            rows_by_office[b.office_id].appointments += 1
        if stats.office is not None and b.office_id != stats.office.id:
            continue
        stats.appointments += 1
        stats.appointment_status[b.status] += 1


def collect(session: Session, period: Period, office_id: str | None = None) -> Stats:
    offices = load_offices()
    office = next((o for o in offices if o.id == office_id), None) if office_id else None
    stats = Stats(period=period, office=office)
    rows = {o.id: OfficeRow(o) for o in offices}
    _questions(session, stats, period)
    _eligibility(session, stats, period, rows)
    _handoff(session, stats, period, rows)
    stats.offices = [r for r in rows.values() if office is None or r.office.id == office.id]
    return stats
