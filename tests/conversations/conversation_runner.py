"""Plays a scripted conversation through the real WeChat webhook and checks every turn.

Why a runner of data files: the conversations (tests/conversations/*.yaml) are the spec
of how 法援助手 should hold a conversation, written as citizens type. They are read by
people who write Chinese dialogue, not Python, so the checks a turn can carry are few,
named, and all about what a citizen would notice: the mode the bot is in, the facts in
its case file, the eligibility decision, the rows created (an appointment booked, an
application submitted, a handover opened, a question put in the unanswered queue), the
texts a reply must and must not contain, and its length. Nothing here branches on what
the reply happened to be.

Used by test_conversations.py (one pytest test per conversation id, SQLite and
PostgreSQL) and by report.py (the numbers for the issue note).
"""
from __future__ import annotations

import itertools
import re
import statistics
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import yaml

from bot.replies import as_read

HERE = Path(__file__).resolve().parent

# "Now" for every conversation: Thursday 10 December 2026, 10:00 in China (02:00 UTC).
# Tomorrow (Fri) is a working day, the day after (Sat) is not; next Monday/Tuesday and
# 12月16号 fall inside the 7-day booking window. Placeholders in the YAML ({today+1},
# {md:today+6}) are resolved against this date, so moving it keeps the files valid.
NOW_UTC = datetime(2026, 12, 10, 2, 0, tzinfo=timezone.utc)
CST = timezone(timedelta(hours=8))
TODAY = NOW_UTC.astimezone(CST).date()

# Replies that leave a citizen with nowhere to go. Never acceptable to a message that
# carries a fact or a follow-up question (turns marked `carries: fact` / `followup`).
DEAD_ENDS = ("没有把握", "不在我能帮忙", "请回复上面列出的数字")
# The matcher's "did you mean" menu (bot/texts.yaml: clarify_head).
CLARIFY_MENU = "您想问的是"
# The dialog's apology when a handler raised (bot/texts.yaml: error): never an expected reply.
ERROR_REPLY = "系统出了点问题"
DEFAULT_MAX_LEN = 300   # the issue aims at ~200 characters a bubble; 300 leaves room for a list
HARD_MAX_LEN = 600      # one passive reply (tests/wechat_client.py Citizen)
PROJECT_PACKAGES = ("ground", "bot", "handoff", "intents", "knowledge_base", "reports", "console")

TURN_INPUTS = ("say", "voice", "event")
TURN_META = ("carries", "note")
CHECKS = ("mode", "pending", "case", "decision", "rows", "appointment", "must", "must_not",
          "max_len", "no_link", "silent", "unanswered_new", "stored_must_not", "fresh", "paused", "not_asked",
          "stored_must", "must_match")
CARRIES = ("fact", "followup", "act", "question", "decision", "booking", "crisis", "data", "event")

_msg_ids = itertools.count(int(time.time() * 1000) + 9_000_000)


# ------------------------------------------------------------------ loading

class ScriptError(ValueError):
    """A conversation file that cannot be played (a typo in a key, a missing input)."""


@dataclass
class Turn:
    index: int
    kind: str            # say | voice | event
    text: str
    carries: str | None
    checks: dict[str, Any]


@dataclass
class Conversation:
    id: str
    title: str
    pattern: str
    file: str
    turns: list[Turn]
    now_utc: datetime = NOW_UTC   # a conversation may be set at another moment (`now:` in the file)


def resolve(value: Any, today: date = TODAY) -> Any:
    """Fill {today}, {today+N}, {today-N} (ISO date), {md:today+N} (12月16号, as citizens type
    it) and {cn:today+N} (12月16日, as the bot writes it) in strings."""
    if isinstance(value, str):
        return _PLACEHOLDER.sub(lambda m: _fill(m, today), value)
    if isinstance(value, list):
        return [resolve(v, today) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, today) for k, v in value.items()}
    return value


_PLACEHOLDER = re.compile(r"\{(md:|cn:)?today(?:([+-])(\d+))?\}")


def _fill(m: re.Match[str], today: date) -> str:
    offset = int(m.group(3) or 0) * (-1 if m.group(2) == "-" else 1)
    day = today + timedelta(days=offset)
    if m.group(1) == "md:":
        return f"{day.month}月{day.day}号"
    if m.group(1) == "cn:":
        return f"{day.month}月{day.day}日"
    return day.isoformat()


def load_all(folder: Path = HERE) -> list[Conversation]:
    out: list[Conversation] = []
    seen: set[str] = set()
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        pattern = data.get("pattern") or path.stem
        for raw in data.get("conversations") or []:
            # a file of mixed patterns (09_unseen.yaml) names each conversation's own
            conv = _conversation({k: v for k, v in raw.items() if k != "pattern"}, raw.get("pattern") or pattern, path.name)
            if conv.id in seen:
                raise ScriptError(f"{path.name}: conversation id {conv.id!r} used twice")
            seen.add(conv.id)
            out.append(conv)
    return out


def _conversation(raw: dict, pattern: str, file: str) -> Conversation:
    cid = raw.get("id")
    if not isinstance(cid, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", cid):
        raise ScriptError(f"{file}: bad conversation id {cid!r}")
    now_utc = NOW_UTC
    if raw.get("now"):   # local China time, e.g. "2026-12-12 21:00" (a Saturday night)
        try:
            now_utc = datetime.fromisoformat(str(raw["now"])).replace(tzinfo=CST).astimezone(timezone.utc)
        except ValueError as exc:
            raise ScriptError(f"{file} {cid}: now must be 'YYYY-MM-DD HH:MM' China time") from exc
    today = now_utc.astimezone(CST).date()
    turns = []
    for i, t in enumerate(raw.get("turns") or [], 1):
        inputs = [k for k in TURN_INPUTS if k in t]
        if len(inputs) != 1:
            raise ScriptError(f"{file} {cid} turn {i}: exactly one of {TURN_INPUTS} is needed")
        unknown = set(t) - set(TURN_INPUTS) - set(TURN_META) - set(CHECKS)
        if unknown:
            raise ScriptError(f"{file} {cid} turn {i}: unknown keys {sorted(unknown)}")
        if t.get("carries") not in (None, *CARRIES):
            raise ScriptError(f"{file} {cid} turn {i}: carries must be one of {CARRIES}")
        checks = {k: resolve(v, today) for k, v in t.items() if k in CHECKS}
        turns.append(Turn(i, inputs[0], resolve(str(t[inputs[0]]), today), t.get("carries"), checks))
    if not turns:
        raise ScriptError(f"{file} {cid}: no turns")
    return Conversation(cid, str(raw.get("title") or cid), pattern, file, turns, now_utc)


# ------------------------------------------------------------------ the clock

@contextmanager
def frozen_clock(now_utc: datetime = NOW_UTC) -> Iterator[None]:
    """Every project module reads the time through knowledge_base.models.utcnow; pin it.

    Column defaults keep the real function (created_at stays real time), which does not
    matter: what the dialog decides (tomorrow, past, opening hours) reads utcnow().
    """
    import knowledge_base.models as kb_models

    original = kb_models.utcnow
    frozen = lambda: now_utc  # noqa: E731 - a constant clock
    patched = []
    for name, mod in list(sys.modules.items()):
        if mod is None or name.split(".")[0] not in PROJECT_PACKAGES:
            continue
        if getattr(mod, "utcnow", None) is original:
            setattr(mod, "utcnow", frozen)
            patched.append(mod)
    try:
        yield
    finally:
        for mod in patched:
            setattr(mod, "utcnow", original)


# ------------------------------------------------------------------ playing

@dataclass
class TurnResult:
    turn: Turn
    reply: str | None
    snapshot: Any
    failures: list[str] = field(default_factory=list)

    @property
    def dead_end(self) -> bool:
        return self.turn.carries in ("fact", "followup") and (
            self.reply is None or any(d in self.reply for d in DEAD_ENDS))

    @property
    def asked(self) -> bool:
        """The reply asked the citizen for something the decision needs: a questionnaire
        question, the place, a choice, or a plain question. An offer (「回复「1」…」) and the
        feedback prompt are not questions about the case."""
        pending = getattr(self.snapshot, "pending", None) or ""
        if pending.startswith("question:") or pending in ("place", "choice"):
            return True
        if pending:
            return False
        lines = [ln for ln in (self.reply or "").splitlines() if "有用" not in ln]
        return any("？" in ln or "?" in ln for ln in lines)


@dataclass
class ConversationResult:
    conversation: Conversation
    turns: list[TurnResult]

    @property
    def failures(self) -> list[str]:
        return [f"turn {r.turn.index} ({r.turn.text[:30]!r}): {f}" for r in self.turns for f in r.failures]

    @property
    def passed(self) -> bool:
        return not self.failures

    def questions_to_decision(self) -> int | None:
        """Questions the bot asked before the first final decision; None if none was reached."""
        asked = 0
        for r in self.turns:
            decision = getattr(r.snapshot, "decision", None)
            if decision and decision != "needs_more_info":
                return asked
            asked += r.asked
        return None

    def explain(self) -> str:
        lines = [f"{self.conversation.id} — {self.conversation.title}"]
        for r in self.turns:
            mark = "✗" if r.failures else "✓"
            lines.append(f"  {mark} {r.turn.index}. 市民: {r.turn.text}")
            lines.append(f"     机器人: {(r.reply or '<无回复>')!s}".replace("\n", "\n             "))
            snap = r.snapshot
            if snap is not None:
                lines.append(f"     [mode={snap.mode} pending={snap.pending} decision={snap.decision} "
                             f"case={snap.case}]")
            lines.extend(f"     ! {f}" for f in r.failures)
        return "\n".join(lines)


class Player:
    """One app, many conversations; each conversation is a new WeChat user."""

    def __init__(self, app):
        from wechat_client import WeChat

        self.app = app
        self.client = app.test_client()
        self.wx = WeChat(self.client)
        self.db = app.extensions["fayuan_db"]
        self._queue_at_start = 0

    def play(self, conv: Conversation) -> ConversationResult:
        import uuid

        user = "oconv" + uuid.uuid4().hex[:16]
        results = []
        self._queue_at_start = self._unanswered_count()   # rows this conversation may have added follow
        with frozen_clock(conv.now_utc):
            for turn in conv.turns:
                before = self._unanswered_count()
                reply, error = self._send(user, turn)
                snap, snap_error = self._snapshot(user)
                r = TurnResult(turn, reply, snap)
                if error:
                    r.failures.append(error)
                else:
                    r.failures.extend(self._check(user, turn, reply, snap, snap_error, before, results))
                results.append(r)
        return ConversationResult(conv, results)

    # -------------------------------------------------------------- transport

    def _send(self, user: str, turn: Turn) -> tuple[str | None, str | None]:
        from wechat_client import event_xml, text_xml, voice_xml

        msg_id = next(_msg_ids)
        xml = {"say": lambda: text_xml(user, turn.text, msg_id),
               "voice": lambda: voice_xml(user, turn.text, msg_id),
               "event": lambda: event_xml(user, turn.text)}[turn.kind]()
        resp, params = self.wx.post(xml)
        if resp.status_code != 200:
            return None, f"webhook answered HTTP {resp.status_code}"
        try:
            return self.wx.reply_text(resp, params), None
        except Exception as exc:  # a reply WeChat could not parse is a failure, not a crash
            return None, f"reply is not a valid passive reply: {exc}"

    def _snapshot(self, user: str) -> tuple[Any, str | None]:
        try:
            from bot.dialog import inspect_conversation
        except ImportError as exc:
            return None, f"bot.dialog.inspect_conversation is not available ({exc})"
        with self.db.session() as s:
            return inspect_conversation(s, user), None

    # -------------------------------------------------------------- rows

    def _unanswered_count(self) -> int:
        from sqlalchemy import func, select

        from knowledge_base.models import UnansweredQuestion

        with self.db.session() as s:
            return s.scalar(select(func.count()).select_from(UnansweredQuestion)) or 0

    def _rows(self, user: str) -> dict[str, Any]:
        from sqlalchemy import select

        from handoff.models import Appointment, Application, Handover

        with self.db.session() as s:
            appts = s.scalars(select(Appointment).where(Appointment.user_id == user,
                                                        Appointment.status == "booked")).all()
            apps = s.scalars(select(Application).where(Application.user_id == user,
                                                       Application.status != "draft")).all()
            handovers = s.scalars(select(Handover).where(Handover.user_id == user,
                                                         Handover.status.in_(("waiting", "active")))).all()
            return {"appointments": len(appts), "applications": len(apps), "handover_open": bool(handovers),
                    "_appointment": [(a.office_id, a.starts_at) for a in appts]}

    def _stored_texts(self, user: str, since_unanswered: int) -> list[str]:
        """Everything kept about this citizen: transcript, conversation state, new unanswered rows."""
        import json

        from sqlalchemy import select

        from bot.conversation import ChatMessage, Conversation as ConvRow
        from knowledge_base.models import UnansweredQuestion

        with self.db.session() as s:
            texts = [m.text for m in s.scalars(select(ChatMessage).where(ChatMessage.user_id == user))]
            row = s.get(ConvRow, user)
            if row is not None:
                texts.append(json.dumps(row.state, ensure_ascii=False))
            texts.extend(q.text for q in s.scalars(select(UnansweredQuestion).order_by(UnansweredQuestion.id)
                                                    .offset(since_unanswered)))
        return texts

    # -------------------------------------------------------------- checks

    def _check(self, user: str, turn: Turn, reply: str | None, snap: Any, snap_error: str | None,
               unanswered_before: int, earlier: list[TurnResult]) -> list[str]:
        c = turn.checks
        fails: list[str] = []
        if c.get("silent"):
            if reply is not None:
                fails.append(f"expected no reply, got {reply[:80]!r}")
        elif reply is None or not reply.strip():
            fails.append("no reply (the citizen is left without an answer)")
        text = reply or ""
        if reply is not None:
            fails.extend(_check_text(turn, c, text))
            fails.extend(_check_fresh(c, text, earlier))
        fails.extend(_check_state(c, snap, snap_error))
        needs_rows = any(k in c for k in ("rows", "appointment"))
        if needs_rows:
            fails.extend(_check_rows(c, self._rows(user)))
        if "unanswered_new" in c:
            added = self._unanswered_count() - unanswered_before
            if added != c["unanswered_new"]:
                fails.append(f"unanswered queue: {added} new row(s), expected {c['unanswered_new']}")
        if c.get("stored_must"):   # kept for the staff and lawyer who read the conversation
            transcript = self._stored_texts(user, 10**9)
            for needed in c["stored_must"]:
                if not any(needed in t for t in transcript):
                    fails.append(f"{needed!r} is not in the stored conversation")
        if c.get("stored_must_not"):
            stored = self._stored_texts(user, self._queue_at_start)
            for secret in c["stored_must_not"]:
                if any(secret in t for t in stored):
                    fails.append(f"{secret!r} is stored in clear text (transcript, state or unanswered queue)")
        return fails


def _check_text(turn: Turn, c: dict, text: str) -> list[str]:
    fails = []
    for needle in c.get("must") or []:
        if needle not in text:
            fails.append(f"reply lacks {needle!r}")
    for pattern in c.get("must_match") or []:   # a kind of fact with many spellings, e.g. an hour
        if not re.search(pattern, text):
            fails.append(f"reply has nothing matching {pattern!r}")
    forbidden = list(c.get("must_not") or []) + [ERROR_REPLY]
    if turn.carries in ("fact", "followup"):
        forbidden += [d for d in DEAD_ENDS if d not in forbidden]
    menu_is_a_miss = turn.carries in ("fact", "followup") or (turn.carries == "question" and c.get("must"))
    if menu_is_a_miss and CLARIFY_MENU not in forbidden:
        # a fact is noted, a follow-up resolved in the topic, a clear question answered (its
        # `must` names the answer): none is sent back as a "did you mean" menu
        forbidden.append(CLARIFY_MENU)
    for needle in forbidden:
        if needle in text:
            fails.append(f"reply contains {needle!r}")
    limit = min(int(c.get("max_len", DEFAULT_MAX_LEN)), HARD_MAX_LEN)
    seen = as_read(text)  # WeChat shows <a href="…">看完整清单</a> as its few words (issue 13)
    if len(seen) > limit:
        fails.append(f"reply is {len(seen)} characters (as read), at most {limit} expected")
    if c.get("no_link") and re.search(r"https?://|www\.", text):
        fails.append("reply contains a link")
    lines = [ln.strip() for ln in text.splitlines() if len(ln.strip()) >= 8]
    repeated = {ln for ln in lines if lines.count(ln) > 1}
    if repeated:
        fails.append(f"a line is repeated in one bubble: {sorted(repeated)[0]!r}")
    return fails


FRESH_SIMILARITY = 85  # rapidfuzz ratio: a notice reworded by a word or two is still the same notice


def _check_fresh(c: dict, text: str, earlier: list[TurnResult]) -> list[str]:
    """`fresh: true`: no line of 15+ characters said in an earlier reply is said again,
    word for word or nearly (the issue: the safety banner repeated on consecutive turns)."""
    if not c.get("fresh"):
        return []
    from rapidfuzz import fuzz

    said = [ln.strip() for r in earlier for ln in (r.reply or "").splitlines() if len(ln.strip()) >= 15]
    for line in (ln.strip() for ln in text.splitlines()):
        if len(line) >= 15 and any(fuzz.ratio(line, old) >= FRESH_SIMILARITY for old in said):
            return [f"repeats an earlier line: {line!r}"]
    return []


def _check_state(c: dict, snap: Any, snap_error: str | None) -> list[str]:
    wanted = [k for k in ("mode", "pending", "case", "decision", "paused", "not_asked") if k in c]
    if not wanted:
        return []
    if snap is None:
        return [snap_error or "no conversation snapshot"]
    fails = []
    if "mode" in c and snap.mode != c["mode"]:
        fails.append(f"mode is {snap.mode!r}, expected {c['mode']!r}")
    if "pending" in c and snap.pending != c["pending"]:
        fails.append(f"pending prompt is {snap.pending!r}, expected {c['pending']!r}")
    if "decision" in c and snap.decision != c["decision"]:
        fails.append(f"decision is {snap.decision!r}, expected {c['decision']!r}")
    if "paused" in c and c["paused"] not in tuple(getattr(snap, "paused", ()) or ()):
        fails.append(f"paused modes are {getattr(snap, 'paused', ())!r}, expected {c['paused']!r} among them")
    for key, want in (c.get("case") or {}).items():
        fails.extend(_check_fact(key, want, (snap.case or {}).get(key)))
    for known in c.get("not_asked") or []:   # the case file has it: asking again is a wasted question
        if snap.pending in (f"question:{known}", f"field:{known}"):
            fails.append(f"asks for {known!r} again though it was already said")
    return fails


def _check_fact(key: str, want: Any, got: Any) -> list[str]:
    """Scalars equal; a list expected means each item is present (evidence: as a part of an item)."""
    if want is None:
        return [] if got in (None, [], "") else [f"case[{key}] is {got!r}, expected it unset"]
    if isinstance(want, list):
        have = list(got or []) if isinstance(got, (list, tuple)) else []
        missing = [w for w in want if not any(_same(key, w, h) for h in have)]
        return [f"case[{key}] is {got!r}, lacks {missing!r}"] if missing else []
    return [] if _same(key, want, got) else [f"case[{key}] is {got!r}, expected {want!r}"]


def _same(key: str, want: Any, got: Any) -> bool:
    if isinstance(want, bool) or isinstance(got, bool):
        return want is got
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return abs(float(want) - float(got)) < 0.01
    if key == "evidence" and isinstance(want, str) and isinstance(got, str):
        return want in got
    if isinstance(want, str) and isinstance(got, (date, datetime)):
        return got.isoformat().startswith(want)
    return want == got


def _check_rows(c: dict, rows: dict[str, Any]) -> list[str]:
    fails = []
    for key, want in (c.get("rows") or {}).items():
        if key not in rows or key.startswith("_"):
            fails.append(f"unknown row check {key!r}")
        elif rows[key] != want:
            fails.append(f"rows[{key}] is {rows[key]!r}, expected {want!r}")
    appt = c.get("appointment")
    if appt:
        booked = rows["_appointment"]
        if not booked:
            return fails + ["no appointment is booked"]
        office, starts = booked[-1]
        if "office" in appt and office != appt["office"]:
            fails.append(f"appointment office is {office!r}, expected {appt['office']!r}")
        if "date" in appt and starts.date().isoformat() != str(appt["date"]):
            fails.append(f"appointment is on {starts.date()}, expected {appt['date']}")
        if "time" in appt and f"{starts:%H:%M}" != str(appt["time"]):
            fails.append(f"appointment is at {starts:%H:%M}, expected {appt['time']}")
        if "after" in appt and f"{starts:%H:%M}" < str(appt["after"]):
            fails.append(f"appointment is at {starts:%H:%M}, expected from {appt['after']}")
        if "before" in appt and f"{starts:%H:%M}" >= str(appt["before"]):
            fails.append(f"appointment is at {starts:%H:%M}, expected before {appt['before']}")
    return fails


# ------------------------------------------------------------------ summary numbers

@dataclass
class Summary:
    total: int
    passed: int
    dead_ends: list[tuple[str, int, str, str]]   # (conversation, turn, said, reply)
    fact_or_followup_turns: int
    questions_to_decision: list[int]

    @property
    def median_questions(self) -> float | None:
        return statistics.median(self.questions_to_decision) if self.questions_to_decision else None


def expects_decision(conv: Conversation) -> bool:
    """The conversation is written to end in an eligibility decision (not just `decision: null`)."""
    return any(t.checks.get("decision") for t in conv.turns)


def summarise(results: list[ConversationResult]) -> Summary:
    dead, counted, questions = [], 0, []
    for res in results:
        for r in res.turns:
            if r.turn.carries in ("fact", "followup"):
                counted += 1
                if r.dead_end:
                    dead.append((res.conversation.id, r.turn.index, r.turn.text, (r.reply or "<无回复>")[:60]))
        if expects_decision(res.conversation):
            q = res.questions_to_decision()
            if q is not None:
                questions.append(q)
    return Summary(len(results), sum(r.passed for r in results), dead, counted, questions)
