"""The conversation's state, typed: one mode, one pending prompt, one case file.

Why a typed state instead of the loose dict of earlier versions: the questionnaire and
a booking form could both be "open" at once, so a 「是」 typed after 「退出」 answered a
question asked turns before. Here exactly one mode is active; a mode that is left for
another is *paused* explicitly (and offered again), never silently kept alive.

The row (bot/conversation.py) stores ``to_dict()``; ``from_dict`` reads any earlier
layout (version 1, no "version" key) and migrates it, so a deployed conversation
survives the upgrade. The dialog's handlers and handoff/chatflow.py edit the plain
JSON dict form (chatflow's public functions take one); ``normalise`` re-derives the
typed state afterwards so the invariants hold whatever a handler did.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

from sqlalchemy.orm import Session

Mode = Literal["idle", "questionnaire", "apply", "book", "human", "crisis"]
MODES: tuple[str, ...] = ("idle", "questionnaire", "apply", "book", "human", "crisis")
STATE_VERSION = 2

# The keys of the JSON form, each a field of ConversationState.
_KEYS = ("version", "mode", "pending", "case", "paused", "q", "flow", "human", "notices",
         "decision", "decided_on", "last_faq", "last_question", "last_result", "last_route", "last_followup", "said", "awaiting", "prev_offer",
         "last_items", "last_point", "last_refusal", "last_reply_crc")


@dataclass
class ConversationState:
    """Everything the dialog remembers between two messages of one citizen."""

    mode: str = "idle"
    pending: dict[str, Any] | None = None      # what the last reply asked for: {"type": ..., ...}
    case: dict[str, Any] = field(default_factory=dict)  # the case file (§3 facts + topic, amounts, dates, evidence)
    paused: list[dict[str, Any]] = field(default_factory=list)  # [{"mode": "questionnaire", "q": {...}}]
    q: dict[str, Any] | None = None            # the questionnaire engine's state (mode questionnaire)
    flow: dict[str, Any] | None = None         # handoff/chatflow.py's state (modes apply, book)
    human: int | None = None                   # the open handover's id (mode human)
    notices: list[str] = field(default_factory=list)  # notices already shown once in this conversation
    decision: str | None = None                # the latest eligibility decision
    decided_on: str | None = None              # the case facts it was given on (not repeated for the same facts)
    last_faq: str | None = None
    last_question: str | None = None
    last_result: int | None = None
    last_route: str | None = None              # the handler that produced the last reply (tests, diagram)
    last_followup: str | None = None           # the kind of the last follow-up answered (「几天」 after an objection)
    prev_offer: str | None = None              # the closing offer of the last reply (not said twice in a row)
    awaiting: dict[str, Any] | None = None     # a fact the bot asked for: {"field": "age", "left": 3}
    said: list[str] = field(default_factory=list)  # answers already given (faq ids, "topic:<code>"): never twice word for word
    last_items: list[str] = field(default_factory=list)  # the numbered ways the last reply listed (「第二个」 points at one)
    last_point: str | None = None              # the first sentence of the last answer (「就是你刚说的那个」)
    last_refusal: str | None = None            # the text key of a refusal just given: never twice in a row
    last_reply_crc: int | None = None          # checksum of the last reply: the same bubble is never sent twice in a row
    version: int = STATE_VERSION

    # ------------------------------------------------------------ JSON form

    def to_dict(self, copy_values: bool = True) -> dict[str, Any]:
        """The JSON form. copy_values=False shares the nested values with this state: for a
        state nobody uses afterwards (the router's, built from the stored JSON and written
        back as JSON), where the deep copies were a tenth of a message's dialog time."""
        out: dict[str, Any] = {}
        for key in _KEYS:
            value = getattr(self, key)
            if value in (None, [], {}) and key not in ("version", "mode", "case"):
                continue
            out[key] = copy.deepcopy(value) if copy_values else value
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None, copy_values: bool = True) -> "ConversationState":
        """Read a stored state of any version; unknown or broken parts are dropped, never fatal.

        copy_values=False: `raw` is owned by the caller alone (just parsed from JSON), so its
        nested values are taken over instead of copied."""
        data = dict(raw or {})
        if int(data.get("version") or 1) < STATE_VERSION:
            data = migrate_v1(data)
        st = cls()
        for key in _KEYS:
            if key in data and data[key] is not None:
                setattr(st, key, copy.deepcopy(data[key]) if copy_values else data[key])
        st.version = STATE_VERSION
        return normalise(st)


def migrate_v1(old: Mapping[str, Any]) -> dict[str, Any]:
    """Version 1 (no "version" key): q, q_paused, flow, human, region side by side.

    The mode is what was in front: a person, else a form, else the questionnaire; a
    questionnaire that was open behind a form becomes a paused questionnaire, so it can
    be offered again but no longer answers messages meant for the form.
    """
    new: dict[str, Any] = {"version": STATE_VERSION, "case": {}, "paused": []}
    for key in ("pending", "last_faq", "last_question", "last_result", "notices"):
        if old.get(key) is not None:
            new[key] = copy.deepcopy(old[key])
    if old.get("region"):
        new["case"]["region"] = old["region"]
    q = old.get("q") if isinstance(old.get("q"), dict) else None
    flow = old.get("flow") if isinstance(old.get("flow"), dict) else None
    if isinstance(old.get("q_paused"), dict):
        new["paused"].append({"mode": "questionnaire", "q": copy.deepcopy(old["q_paused"])})
    if old.get("human"):
        new["mode"], new["human"] = "human", old["human"]
        if q:
            new["paused"].append({"mode": "questionnaire", "q": copy.deepcopy(q)})
    elif flow and flow.get("name") in ("apply", "book"):
        new["mode"], new["flow"] = flow["name"], copy.deepcopy(flow)
        if q:
            new["paused"].append({"mode": "questionnaire", "q": copy.deepcopy(q)})
    elif q:
        new["mode"], new["q"] = "questionnaire", copy.deepcopy(q)
    else:
        new["mode"] = "idle"
    return new


def normalise(st: ConversationState) -> ConversationState:
    """Make the mode agree with the data a handler left behind (one active mode only)."""
    if st.mode not in MODES:
        st.mode = "idle"
    if not isinstance(st.case, dict):
        st.case = {}
    if not isinstance(st.paused, list):
        st.paused = []
    st.paused = [p for p in st.paused if isinstance(p, dict) and p.get("mode") in MODES][-3:]
    if not isinstance(st.pending, dict):
        st.pending = None
    flow_name = (st.flow or {}).get("name") if isinstance(st.flow, dict) else None
    if st.human and st.mode in ("idle", "crisis", "questionnaire", "apply", "book"):
        st.mode = "human"  # a person holds the chat: nothing else may answer
    if st.mode == "human" and not st.human:
        st.mode = "idle"
    elif st.mode in ("apply", "book") and flow_name != st.mode:
        st.mode = flow_name if flow_name in ("apply", "book") else "idle"
    elif st.mode == "questionnaire" and not st.q:
        st.mode = "idle"
    elif st.mode in ("idle", "crisis") and flow_name in ("apply", "book"):
        st.mode = flow_name
    elif st.mode == "idle" and st.q:
        st.mode = "questionnaire"
    # Data of a mode that is not the active one must not linger (it would answer later messages).
    if st.mode != "questionnaire":
        st.q = None
    if st.mode not in ("apply", "book"):
        st.flow = None
    if st.mode != "human":
        st.human = None
    return st


# ---------------------------------------------------------------- read-only view for tests and staff

@dataclass(frozen=True)
class ConversationSnapshot:
    """What a conversation looks like from outside, after the last message."""

    mode: str
    pending: str | None
    case: dict[str, Any]
    decision: str | None
    paused: tuple[str, ...] = ()
    last_route: str | None = None


def pending_label(st: ConversationState) -> str | None:
    """The pending prompt in one word: "choice", "yes_no", "consent", "field:phone", "question:region" …"""
    if st.mode in ("apply", "book") and st.flow:
        step = str(st.flow.get("step") or "")
        if step.startswith("field:"):
            return step
        if step.startswith("consent") or step in ("sensitive",):
            return "consent"
        if step.startswith("confirm") or step == "review":
            return "yes_no"
        return "choice" if step else None
    if st.mode == "questionnaire" and st.q and st.q.get("current"):
        return f"question:{st.q['current']}"
    kind = (st.pending or {}).get("type")
    if kind == "ask_fact":
        return f"question:{(st.pending or {}).get('field')}"
    return {
        "choose": "choice", "menu": "choice", "items": "choice", "offer": "yes_no", "resume": "yes_no",
        "resume_stale": "yes_no", "after_result": "yes_no", "detail": "detail",
        "ask_location": "place", "consent_info": "consent",
    }.get(kind or "", kind)


def snapshot(st: ConversationState) -> ConversationSnapshot:
    return ConversationSnapshot(mode=st.mode, pending=pending_label(st), case=copy.deepcopy(st.case),
                                decision=st.decision, paused=tuple(p["mode"] for p in st.paused),
                                last_route=st.last_route)


def inspect_conversation(session: Session, user_id: str) -> ConversationSnapshot:
    """The conversation of ``user_id`` as the dialog sees it now (an idle snapshot if none)."""
    from ..conversation import Conversation

    conv = session.get(Conversation, user_id)
    return snapshot(ConversationState.from_dict(conv.state if conv is not None else None))
