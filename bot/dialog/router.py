"""The dialog router: one Inbound in, one Outbound out, the same for every channel.

The conversation's state is a row (bot/conversation.py) loaded at the start of each
message and saved at the end; nothing lives in process memory. Global commands come
first (帮助, 人工, 重新开始), then whatever the conversation is waiting for (a numbered
choice, a questionnaire answer), then small talk, and only then the FAQ matcher.
"""
from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import yaml
from sqlalchemy.orm import Session

from handoff import chatflow
from handoff import handover as handover_store
from handoff.applications import Eligibility
from handoff.offices import describe, nearest
from handoff.texts import H
from intents import detect
from knowledge_base import store as kb_store
from knowledge_base.match import MatchResult
from knowledge_base.privacy import mask_personal_data
from knowledge_base.service import KnowledgeService

from .. import conversation as conv_store
from .state import ConversationState
from ..inbound import Inbound, Outbound
from ..menu import text_for_key
from ..replies import fit, numbered

log = logging.getLogger(__name__)
TEXTS_FILE = Path(__file__).resolve().parent.parent / "texts.yaml"


@lru_cache(maxsize=1)
def texts() -> dict[str, str]:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


def T(key: str) -> str:
    return texts()[key]


@dataclass
class DialogContext:
    """What the router needs from the outside world, injected by app, CLI or tests."""

    session: Session
    kb: KnowledgeService
    faq_url: Callable[[str], str]
    result_url: Callable[[int], str] | None = None
    h5_url: Callable[[str, str], str] | None = None  # (page, user_id) → signed link: apply | book | mine


def _flow(ctx: DialogContext, state: dict, user_id: str) -> chatflow.FlowContext:
    """The handoff's view of this conversation: links and the latest eligibility result."""
    def eligibility() -> Eligibility | None:
        from sqlalchemy import select

        record = None
        if state.get("last_result"):
            record = ctx.session.get(conv_store.EligibilityRecord, state["last_result"])
        if record is None or record.user_id != user_id:
            record = ctx.session.scalars(select(conv_store.EligibilityRecord)
                                         .where(conv_store.EligibilityRecord.user_id == user_id)
                                         .order_by(conv_store.EligibilityRecord.id.desc())).first()
        return Eligibility(record.id, record.facts or {}, record.result or {}) if record else None

    link = (lambda page: (lambda uid: ctx.h5_url(page, uid))) if ctx.h5_url else (lambda page: None)  # type: ignore[misc]
    return chatflow.FlowContext(ctx.session, user_id, link("apply"), link("book"), link("mine"), eligibility)


# Steps whose answers are personal numbers: the transcript keeps them masked (PIPL 6).
_MASKED_STEPS = ("field:id_number", "field:phone")


# ---------------------------------------------------------------- FAQ answers

def answer_text(ctx: DialogContext, faq_id: str, offer: bool = True) -> tuple[str, dict]:
    """The short answer with its follow-up offer, fitted to one bubble; and the pending offer.

    offer=False while a questionnaire is paused: its own 「回复1继续」 is the only offer,
    so one reply never gives 「1」 two meanings.
    """
    entry = kb_store.get_entry(ctx.session, faq_id)
    if entry is None:
        return T("unsure"), {}
    offer_key = {"eligibility": "offer_eligibility", "apply": "offer_apply"}.get(entry.follow_up, "offer_hotline")
    tail = f"\n\n{T(offer_key)}\n{T('feedback_prompt')}" if offer else ""
    body = fit(entry.short_answer, ctx.faq_url(entry.faq_id), limit=600 - len(tail))
    if len(entry.short_answer) <= 600 - len(tail) and entry.full_answer:
        body += f"\n详细说明：{ctx.faq_url(entry.faq_id)}"
    pending = {"type": "offer", "action": entry.follow_up, "matter": entry.code, "faq_id": entry.faq_id}
    return fit(body + tail, ctx.faq_url(entry.faq_id)), pending


def clarify_text(result: MatchResult) -> str:
    options = [h.question for h in result.choices]
    return f"{T('clarify_head')}\n{numbered(options)}\n{T('clarify_tail')}"


def ask_kb(ctx: DialogContext, text: str) -> MatchResult:
    return ctx.kb.match(ctx.session, text)


# ---------------------------------------------------------------- questionnaire hooks

def _questionnaire():
    """The eligibility questionnaire (intents/questionnaire.py), imported when first needed."""
    from intents import questionnaire
    return questionnaire


def start_questionnaire(ctx: DialogContext, state: dict, inbound: Inbound, prefill: dict | None = None) -> Outbound:
    """Start the eligibility check without asking again what the citizen already told us
    (the question they asked before, the place from an earlier check)."""
    from intents.extract import facts_from_text

    q = _questionnaire()
    facts = {k: v for k, v in (prefill or {}).items() if v is not None}
    if "matter" not in facts and state.get("last_faq"):
        last = kb_store.get_entry(ctx.session, state["last_faq"])
        if last is not None:
            facts["matter"] = last.code  # the questionnaire drops codes that are not matters
    said = " ".join(t for t in (state.get("last_question"), inbound.text) if t)
    for key, value in facts_from_text(said, facts.get("matter")).items():
        facts.setdefault(key, value)
    if (state.get("case") or {}).get("region") and "region" not in facts:
        facts["region"] = state["case"]["region"]
    step = q.start(facts)
    return _after_step(ctx, state, inbound, step)


def _after_step(ctx: DialogContext, state: dict, inbound: Inbound, step) -> Outbound:
    if step.done:
        state.pop("q", None)
        result = step.result or {}
        facts = dict((step.state or {}).get("facts", {}))
        if facts.get("region"):
            state.setdefault("case", {})["region"] = facts["region"]
        record = conv_store.EligibilityRecord(
            user_id=inbound.user_id, matter=facts.get("matter"), region=facts.get("region"),
            decision=result.get("decision", "needs_more_info"), priority=bool(result.get("priority")),
            questions=int(getattr(step, "question_count", 0) or 0), facts=facts, result=result)
        ctx.session.add(record)
        ctx.session.flush()
        state["pending"] = {"type": "after_result", "decision": result.get("decision")}
        state["last_result"] = record.id
        from ..result_view import bubble

        link = ctx.result_url(record.id) if ctx.result_url else None
        return Outbound(bubble(result, facts, link))
    state["q"] = step.state
    return Outbound(step.text)


def _could_be_a_question(text: str) -> bool:
    """A bare place, number or yes/no is a (misplaced) answer, never a new question."""
    from intents.parsing import resolve_place

    clean = text.strip()
    if len(clean) <= 6 and (resolve_place(clean) or re.fullmatch(r"[0-9一二三四五六七八九十百千万两.]+(岁|元|块|口|人)?", clean)):
        return False
    return True


def continue_questionnaire(ctx: DialogContext, state: dict, inbound: Inbound) -> Outbound:
    q = _questionnaire()
    step = q.answer(state["q"], inbound.text)
    if not getattr(step, "understood", True) and _could_be_a_question(inbound.text):
        # Perhaps a real question typed mid-questionnaire: answer it, then offer to resume.
        result = ask_kb(ctx, inbound.text)
        if result.status == "answer" and detect.social_intent(inbound.text) is None:
            text, _ = answer_text(ctx, result.top.faq_id, offer=False)  # type: ignore[union-attr]
            state["pending"] = {"type": "resume"}
            notice = getattr(step, "notice", None)  # safety first, even when answering from the KB
            body = f"{notice}\n\n{text}" if notice else text
            tail = f"\n\n{T('resume_after_answer')}"
            link = ctx.faq_url(result.top.faq_id)  # type: ignore[union-attr]
            return Outbound(fit(body, link, limit=600 - len(tail)) + tail,
                            faq_id=result.top.faq_id, code=result.code)  # type: ignore[union-attr]
    return _after_step(ctx, state, inbound, step)


# ---------------------------------------------------------------- the router

def route(ctx: DialogContext, inbound: Inbound) -> Outbound:
    conv = conv_store.load_conversation(ctx.session, inbound.user_id, inbound.channel)
    state = ConversationState.from_dict(conv.state).to_dict()  # a fresh copy: never alias the loaded row
    # A questionnaire left for more than a day is put aside and offered again.
    stale_offer = conv_store.is_stale(conv) and bool(state.get("q"))
    if stale_offer:
        state["paused"] = [{"mode": "questionnaire", "q": state.pop("q")}]
        state.pop("pending", None)
    if inbound.kind in ("text", "voice", "click"):
        said = inbound.text or inbound.event_key
        if (state.get("flow") or {}).get("step") in _MASKED_STEPS:
            said = mask_personal_data(said)
        conv_store.record_message(ctx.session, inbound.user_id, "in", said, inbound.kind)
    held = _held_by_a_person(ctx, state, inbound)
    out = held if held is not None else _dispatch(ctx, state, inbound)
    if stale_offer and out.text and "q" not in state and "pending" not in state:
        state["pending"] = {"type": "resume_stale"}
        out.text = f"{out.text}\n\n{T('resume_offer')}"
    conv_store.save_state(conv, ConversationState.from_dict(state).to_dict())
    conv.last_inbound_at = conv_store.utcnow()
    if out.text:
        conv_store.record_message(ctx.session, inbound.user_id, "out", out.text, "text", out.faq_id, out.code)
    if out.faq_id and out.code == SERVICE_FEEDBACK_CODE:
        _record_service_feedback(ctx, state, inbound, out.faq_id)
    return out


SERVICE_FEEDBACK_CODE = "service.complaint"


def _record_service_feedback(ctx: DialogContext, state: dict, inbound: Inbound, faq_id: str) -> None:
    """A complaint about, or praise for, staff or a lawyer is an item for a person to follow up."""
    from knowledge_base.curation import record_service_feedback

    said = inbound.text or ""
    if detect.choice_number(said, 9) is not None:  # picked from a numbered list: the question came before
        said = state.get("last_question") or said
    record_service_feedback(ctx.session, inbound.user_id, inbound.channel, said, faq_id)


def _held_by_a_person(ctx: DialogContext, state: dict, inbound: Inbound) -> Outbound | None:
    """While staff hold the conversation the bot is silent; 结束人工 hands it back."""
    if not state.get("human"):
        return None
    current = handover_store.current(ctx.session, inbound.user_id)
    if current is None:  # staff closed it: back to the bot
        state.pop("human", None)
        return None
    if inbound.kind == "unsubscribe":
        handover_store.close(ctx.session, current, "citizen")
        state.clear()
        return Outbound(None)
    if chatflow.handoff_command(inbound.text) == "end_human":
        handover_store.close(ctx.session, current, "citizen")
        state.pop("human", None)
        return Outbound(H("human_end"))
    if current.status == "waiting" and detect.command_of(inbound.text) in ("help", "restart"):
        # Nobody has picked it up yet and the citizen asks for the bot again: hand it back.
        handover_store.close(ctx.session, current, "citizen")
        state.pop("human", None)
        return None
    # Staff answer in their own time: a citizen in danger must not wait for them.
    return Outbound(_danger_notice(inbound))


def _start_apply(ctx: DialogContext, state: dict, inbound: Inbound) -> Outbound:
    """「申请」: resume a draft or start one; without any eligibility result, assess first."""
    text = chatflow.start_apply(_flow(ctx, state, inbound.user_id), state)
    if text is not None:
        return Outbound(text)
    out = start_questionnaire(ctx, state, inbound)
    out.text = f"{H('apply_no_result')}\n\n{out.text}"
    return out


def _handoff_text(ctx: DialogContext, state: dict, inbound: Inbound, text: str, command: str | None) -> Outbound | None:
    """Application, booking, progress and 人工 — the commands and flows handoff/ owns."""
    flow = _flow(ctx, state, inbound.user_id)
    if command == "human":
        state.pop("flow", None)
        state.pop("pending", None)
        already = handover_store.current(ctx.session, inbound.user_id) is not None
        state["human"] = handover_store.open_handover(ctx.session, inbound.user_id).id
        return Outbound(H("human_already") if already else H("human_start"))
    word = chatflow.handoff_command(text)
    if word == "cancel_booking":
        return Outbound(chatflow.cancel_booking(flow, state))
    if word == "reschedule":
        return Outbound(chatflow.start_book(flow, state, reschedule=True))
    if word in ("door_to_door", "postal"):
        state.pop("flow", None)
        return Outbound(chatflow.acceptance_mode(flow, word))
    if word == "withdraw":
        return Outbound(chatflow.withdraw_consent(flow, state))
    if state.get("flow"):
        if command in ("eligibility", "progress", "book", "apply"):
            state.pop("flow", None)  # a new command leaves the form; the draft stays saved
        else:
            reply = chatflow.continue_flow(flow, state, text)
            if reply is not None:
                return Outbound(reply)
    pending = state.get("pending") or {}
    positive = pending.get("decision") in ("eligible", "likely_eligible", "mandatory")
    if pending.get("type") == "after_result" and not state.get("q") and (
            command in ("apply", "book") or (positive and detect.choice_number(text, 1) == 1)):
        state.pop("pending", None)
        return _start_apply(ctx, state, inbound)
    if command == "apply":
        state.pop("pending", None)
        return _start_apply(ctx, state, inbound)
    if command == "book":
        state.pop("pending", None)
        return Outbound(chatflow.start_book(flow, state))
    if command == "progress":
        return Outbound(chatflow.progress(flow))
    return None


def _dispatch(ctx: DialogContext, state: dict, inbound: Inbound) -> Outbound:
    """Whatever the conversation is doing (a form, a list of choices), danger comes first."""
    out = _dispatch_in_state(ctx, state, inbound)
    return _with_safety_first(inbound, out)


def _danger_notice(inbound: Inbound) -> str | None:
    from intents.special_paths import detect_kinds, notice_for

    if inbound.kind not in ("text", "voice") or not inbound.text:
        return None
    return notice_for("violence") if "violence" in detect_kinds(inbound.text) else None


def _with_safety_first(inbound: Inbound, out: Outbound) -> Outbound:
    notice = _danger_notice(inbound)
    if notice is None or (out.text and "110" in out.text):
        return out
    out.text = fit(f"{notice}\n\n{out.text}" if out.text else notice, None)
    return out


def _dispatch_in_state(ctx: DialogContext, state: dict, inbound: Inbound) -> Outbound:
    kind = inbound.kind
    if kind == "subscribe":
        state.clear()
        state["pending"] = {"type": "menu"}
        return Outbound(T("welcome"))
    if kind == "unsubscribe":
        state.clear()
        return Outbound(None)
    if kind == "unsupported":
        return Outbound(T("unsupported"))
    if kind == "location":
        return _nearest_offices(inbound)
    if kind == "voice" and not inbound.text.strip():
        return Outbound(T("voice_unrecognized"))
    if kind == "click":
        said = text_for_key(inbound.event_key)
        if said is None:
            return Outbound(T("help"))
        inbound = Inbound(inbound.user_id, inbound.channel, "text", said)
    return _handle_text(ctx, state, inbound)


_OFFICE_WORDS = ("法律援助中心", "法援中心", "援助中心", "法律援助机构", "工作站", "司法局", "司法所")
_WHERE_WORDS = ("在哪", "地址", "电话", "怎么走", "位置", "怎么去", "哪里")


def _offices_asked_for(text: str, expecting_place: bool) -> Outbound | None:
    """「石狮法律援助中心在哪」 or a place typed after 「附近」: offices of that place."""
    from handoff.offices import in_region
    from intents.parsing import resolve_place

    asks = any(w in text for w in _OFFICE_WORDS) and any(w in text for w in _WHERE_WORDS)
    if not (asks or (expecting_place and len(text) <= 12)):
        return None
    place = resolve_place(text)
    if place is None:
        return Outbound(T("ask_location")) if asks else None
    found = in_region(place)
    if not found:
        return Outbound(f"暂时没有{place}法律援助机构的资料。请拨打 12348 询问当地法律援助中心的地址和电话。")
    body = "\n\n".join(f"{i}. {describe(o)}" for i, o in enumerate(found[:3], 1))
    return Outbound(fit(f"{place}的法律援助机构：\n{body}\n\n{T('nearest_tail')}"))


def _nearest_offices(inbound: Inbound) -> Outbound:
    if inbound.latitude is None or inbound.longitude is None:
        return Outbound(T("ask_location"))
    found = nearest(inbound.latitude, inbound.longitude, 3)
    body = "\n\n".join(f"{i}. {describe(o, km)}" for i, (o, km) in enumerate(found, 1))
    return Outbound(fit(f"{T('nearest_head')}\n{body}\n\n{T('nearest_tail')}"))


def _handle_text(ctx: DialogContext, state: dict, inbound: Inbound) -> Outbound:
    text = inbound.text.strip()
    if not text:
        return Outbound(T("empty"))
    command = detect.command_of(text)
    pending = state.get("pending") or {}

    if command == "help":
        state.pop("flow", None)  # a draft stays saved; 「申请」 resumes it
        state["pending"] = {"type": "menu"}
        return Outbound(T("help"))
    if command == "restart":
        case = state.get("case") or {}
        state.clear()
        if case.get("region"):
            state["case"] = {"region": case["region"]}
        state["pending"] = {"type": "menu"}
        return Outbound(f"{T('restart')}\n{T('welcome')}")
    handed = _handoff_text(ctx, state, inbound, text, command)
    if handed is not None:
        return handed
    if command == "exit" and (state.get("q") or state.get("paused")):
        state.pop("q", None)
        state.pop("paused", None)
        state.pop("pending", None)
        return Outbound(T("exit_questionnaire"))

    # What the conversation is waiting for.
    if pending.get("type") in ("resume", "resume_stale"):
        state.pop("pending", None)
        paused = (state.pop("paused", None) or [{}])[-1].get("q") or state.get("q")
        if paused and (detect.choice_number(text, 1) == 1 or detect.is_yes(text)):
            state["q"] = paused
            q = _questionnaire()
            return Outbound(q.current_question(paused))
        if pending.get("type") == "resume":
            state.pop("q", None)
    elif state.get("q"):
        if command in ("back", "skip") or command is None:
            return continue_questionnaire(ctx, state, inbound)
    elif pending.get("type") == "choose":
        n = detect.choice_number(text, len(pending.get("faq_ids", [])))
        if n is not None:
            state.pop("pending", None)
            return _answer(ctx, state, pending["faq_ids"][n - 1], state.get("last_question"))
        if text.strip().isdigit():
            return Outbound(T("choice_invalid"))
    elif pending.get("type") == "offer":
        if detect.choice_number(text, 1) == 1 or detect.is_yes(text):
            state.pop("pending", None)
            if pending.get("action") == "eligibility":
                return start_questionnaire(ctx, state, inbound, {"matter": pending.get("matter")})
            if pending.get("action") == "apply":
                return _start_apply(ctx, state, inbound)
            return Outbound(T("offer_hotline"))
        if command in ("helpful", "unhelpful"):
            return _feedback(ctx, state, inbound, pending, command)
    elif pending.get("type") == "menu":
        n = detect.choice_number(text, 4)
        if n is not None:
            state.pop("pending", None)
            if n == 1:
                return Outbound(T("examples"))
            if n == 2:
                return start_questionnaire(ctx, state, inbound)
            if n == 3:
                state["pending"] = {"type": "ask_location"}
                return Outbound(T("ask_location"))
            return _handoff_text(ctx, state, inbound, text, "human") or Outbound(T("human"))

    if command == "eligibility":
        return start_questionnaire(ctx, state, inbound)
    if command in ("helpful", "unhelpful") and state.get("last_faq"):
        return _feedback(ctx, state, inbound, {"faq_id": state["last_faq"]}, command)
    if text in ("附近", "附近的法律援助中心", "附近援助中心", "最近的法律援助中心"):
        state["pending"] = {"type": "ask_location"}
        return Outbound(T("ask_location"))
    offices = _offices_asked_for(text, pending.get("type") == "ask_location")
    if offices is not None:
        state.pop("pending", None)
        return offices

    social = detect.social_intent(text)
    if social is not None:
        return Outbound(T(social))
    if detect.doubts_us(text):
        return Outbound(T("trust"))
    if text.isdigit() and len(text) <= 2:
        # a number with nothing to choose from: show what the numbers mean, log nothing
        state["pending"] = {"type": "menu"}
        return Outbound(T("help"))
    return _from_knowledge_base(ctx, state, inbound)


def _answer(ctx: DialogContext, state: dict, faq_id: str, question: str | None = None) -> Outbound:
    text, pending = answer_text(ctx, faq_id)
    entry = kb_store.get_entry(ctx.session, faq_id)
    state["pending"] = pending
    state["last_faq"] = faq_id
    if question is not None:
        state["last_question"] = mask_personal_data(question)[:500]
    return Outbound(text, faq_id=faq_id, code=entry.code if entry else None)


def _from_knowledge_base(ctx: DialogContext, state: dict, inbound: Inbound) -> Outbound:
    result = ask_kb(ctx, inbound.text)
    top = result.top
    if result.status == "answer" and top is not None:
        special = _special_notice(inbound.text)
        out = _answer(ctx, state, top.faq_id, inbound.text)
        if special:
            out.text = fit(f"{special}\n\n{out.text}", ctx.faq_url(top.faq_id), limit=600)
        return out
    if result.status == "clarify" and top is not None:
        state["pending"] = {"type": "choose", "faq_ids": [h.faq_id for h in result.choices]}
        state["last_question"] = mask_personal_data(inbound.text)[:500]
        kb_store.record_unanswered(ctx.session, inbound.text, "low_confidence", inbound.channel,
                                   top.faq_id, top.score)
        return Outbound(clarify_text(result), code=result.code, options=[h.question for h in result.choices])
    if result.status == "offtopic":
        # Not a legal question: say what the bot is for, without any legal content.
        kb_store.record_unanswered(ctx.session, inbound.text, "offtopic", inbound.channel, None, None)
        state.pop("pending", None)
        return Outbound(T("offtopic"), code="other")
    kb_store.record_unanswered(ctx.session, inbound.text, "unsure", inbound.channel,
                               top.faq_id if top else None, top.score if top else None)
    state.pop("pending", None)
    special = _special_notice(inbound.text)
    return Outbound(f"{special}\n\n{T('unsure')}" if special else T("unsure"), code="other")


def _special_notice(text: str) -> str | None:
    """Safety, urgency and detention notices (intents/special_paths.py) come before anything else."""
    try:
        from intents.special_paths import special_notice
    except ImportError:
        return None
    return special_notice(text)


def _feedback(ctx: DialogContext, state: dict, inbound: Inbound, pending: dict, command: str) -> Outbound:
    faq_id = pending.get("faq_id")
    conv_store.record_message(ctx.session, inbound.user_id, "in", command, "feedback", faq_id)
    if command == "unhelpful":
        kb_store.record_unanswered(ctx.session, state.get("last_question") or "", "unhelpful",
                                   inbound.channel, faq_id, None)
    state.pop("pending", None)
    return Outbound(T("feedback_thanks_good" if command == "helpful" else "feedback_thanks_bad"))
