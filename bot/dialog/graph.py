"""The declared dialogue: global fallbacks first, then one literal of modes and their handlers.

Why one literal (python-telegram-bot's ConversationHandler, aiogram's FSM, a2j's declared
steps): the flows used to be spread over if-chains in the router, so the questionnaire and
a booking form could both be open and nobody could see which message went where. Here:

- ``FALLBACKS`` are tried first in every mode (unsubscribe, ignored events, help, restart,
  human, exit, danger/triage, 「删除我的信息」 and its confirmation);
- ``DIALOG`` maps each mode to its routes in order, its own catch-all (so nothing is
  silently dropped) and its timeout;
- a route declares the modes it may lead to (``to``), which is what docs/DIALOG.md draws
  (``python -m bot dialog-graph``), and tests/bot/test_dialog_graph.py walks the graph and
  fails while any route or mode is unreached.

Guards are small pure predicates on the Turn; handlers live in handlers.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from ..inbound import Outbound
from . import handlers as h
from . import thread as t
from .handlers import Turn

Guard = Callable[[Turn], bool]
Handler = Callable[[Turn], Outbound]


@dataclass(frozen=True)
class Route:
    name: str
    when: Guard
    do: Handler
    to: tuple[str, ...] = ()   # modes this route may enter (besides staying)


@dataclass(frozen=True)
class Mode:
    routes: tuple[Route, ...]
    catch_all: Route
    timeout: timedelta | None
    on_timeout: Callable[[Turn], str | None]   # what to tell the citizen when the mode expired
    timeout_to: str = "idle"


FALLBACKS: tuple[Route, ...] = (
    Route("unsubscribe", h.is_unsubscribe, h.unsubscribe, ("idle",)),
    Route("ignored_event", h.is_ignored_event, h.ignore),
    Route("subscribe", h.is_subscribe, h.welcome, ("idle",)),
    Route("media", h.is_media, h.media),
    Route("empty", h.is_empty, h.empty),
    Route("help", h.asks_help, h.help_, ("idle",)),
    Route("restart", h.asks_restart, h.restart, ("idle",)),
    Route("human", h.asks_human, h.to_human, ("human",)),
    Route("exit", h.asks_exit, h.exit_mode, ("idle",)),
    Route("triage", h.triaged, h.triage_reply, ("crisis",)),
    Route("erase_confirm", h.erasure_pending, h.erase_or_keep, ("idle",)),
    Route("erase", h.asks_erasure, h.confirm_erasure),
)

# Routes that work the same wherever the citizen is not inside a form.
_CONVERSATION: tuple[Route, ...] = (
    Route("resume", h.wants_resume, h.resume, ("questionnaire", "apply", "book")),
    Route("pick_choice", h.picks_choice, h.pick_choice, ("questionnaire",)),
    Route("asked_fact", t.answers_asked_fact, t.note_asked_fact),
    Route("too_little", h.says_too_little, h.ask_to_say_more),
    Route("offer_accepted", h.accepts_offer, h.accept_offer, ("questionnaire", "apply")),
    Route("offer_declined", h.declines_offer, h.decline_offer),
    Route("pointer_item", t.points_at_item, t.answer_item, ("questionnaire", "book", "human")),
    Route("pointer_back", t.points_back, t.answer_pointed_back),
    Route("detail", h.wants_detail, h.detail),
    Route("feedback", h.gives_feedback, h.feedback),
    Route("objection", h.objects_to_refusal, h.objection),
    Route("pre_aid", h.asks_pre_aid, h.pre_aid),
    Route("aid_precheck", h.asks_for_aid, h.precheck, ("questionnaire",)),
    Route("book", h.wants_booking, h.to_book, ("book",)),
    Route("apply", h.wants_apply, h.to_apply, ("apply", "questionnaire")),
    Route("case_command", h.case_command, h.do_case_command, ("book",)),
    Route("offices", h.asks_offices, h.offices),
    Route("no_contact", h.asks_not_to_be_contacted, h.note_no_contact),
    Route("facts_only", h.carries_only_facts, h.acknowledge_facts),
    Route("act_without_prompt", h.bare_act, h.answer_bare_act),
    Route("social", h.is_social, h.social),
    Route("follow_up", h.is_follow_up, h.follow_up),
)

DIALOG: dict[str, Mode] = {
    "idle": Mode(
        routes=_CONVERSATION,
        catch_all=Route("ask_knowledge_base", h.always, h.from_knowledge_base),
        timeout=timedelta(days=1), on_timeout=h.idle_expired),
    "crisis": Mode(
        routes=(
            Route("crisis_no_contact", h.asks_not_to_be_contacted, h.note_no_contact),
            Route("crisis_too_little", h.says_too_little, h.ask_to_say_more),
            Route("crisis_now", h.describes_danger_now, h.danger_now),
            Route("crisis_ack", h.is_ack_or_thanks, h.crisis_ack),
            Route("crisis_pre_aid", h.asks_pre_aid, h.pre_aid),
            Route("crisis_precheck", h.asks_for_aid, h.precheck, ("questionnaire",)),
            Route("crisis_book", h.wants_booking, h.to_book, ("book",)),
            Route("crisis_apply", h.wants_apply, h.to_apply, ("apply", "questionnaire")),
            Route("crisis_follow_up", h.is_follow_up, h.follow_up),
            Route("crisis_facts", h.carries_only_facts, h.acknowledge_facts),
        ),
        catch_all=Route("crisis_answer", h.always, h.crisis_answer),
        timeout=timedelta(days=2), on_timeout=h.crisis_expired),
    "questionnaire": Mode(
        routes=(
            Route("q_book", h.wants_booking, h.to_book, ("book",)),
            Route("q_pre_aid", h.asks_pre_aid, h.pre_aid_then_question),
            Route("q_followup", t.asks_followup_mid_form, t.answer_followup_then_resume),
            Route("q_asks_result", h.asks_result_early, h.question_again, ("idle",)),
            Route("q_question", h.asks_a_question_mid_form, h.answer_then_resume_questionnaire),
        ),
        catch_all=Route("q_answer", h.always, h.answer_questionnaire, ("idle",)),
        timeout=timedelta(days=1), on_timeout=h.form_expired),
    "apply": Mode(
        routes=(
            Route("apply_command", h.form_command, h.do_form_command, ("idle", "book")),
            Route("apply_book", h.wants_booking_words, h.to_book, ("book",)),
            Route("apply_thanks", h.thanks_at_consent, h.close_at_consent, ("idle", "crisis")),
            Route("apply_followup", t.asks_followup_mid_apply, t.answer_followup_then_resume_form),
            Route("apply_question", h.asks_a_question_mid_form, h.answer_then_resume_form),
        ),
        catch_all=Route("apply_step", h.always, h.form_step, ("idle",)),
        timeout=timedelta(days=1), on_timeout=h.form_expired),
    "book": Mode(
        routes=(
            Route("book_command", h.form_command, h.do_form_command, ("idle", "book")),
        ),
        catch_all=Route("book_step", h.always, h.form_step, ("idle",)),
        timeout=timedelta(days=1), on_timeout=h.form_expired),
    "human": Mode(
        routes=(
            Route("end_human", h.ends_human, h.end_human, ("idle",)),
            Route("hand_back", h.hands_back, h.hand_back, ("idle",)),
            Route("while_held", h.bot_may_answer_while_held, h.answer_while_held),
            Route("while_waiting", h.asks_bot_while_waiting, h.answer_while_waiting,
                  ("idle", "questionnaire", "apply", "book")),
        ),
        catch_all=Route("held_silence", h.always, h.held_silence),
        timeout=None, on_timeout=h.no_notice),
}

# Fallbacks a person holding the chat must not be overridden by (they are in the human mode's routes).
HUMAN_PASSES = ("unsubscribe", "ignored_event", "triage")


def routes_of(mode: str) -> tuple[Route, ...]:
    """Every route a message in ``mode`` may take, in the order they are tried."""
    spec = DIALOG[mode]
    fallbacks = tuple(r for r in FALLBACKS if mode != "human" or r.name in HUMAN_PASSES)
    return fallbacks + spec.routes + (spec.catch_all,)


def dispatch(turn: Turn) -> Outbound:
    """The first route whose guard holds answers; the mode's catch-all always does."""
    for route in routes_of(turn.mode):
        if route.when(turn):
            turn.route = f"{turn.mode}.{route.name}"
            if TRACE is not None:
                TRACE.append((turn.mode, route.name))
            return route.do(turn)
    raise AssertionError("unreachable: every mode has a catch-all")  # pragma: no cover


TRACE: list[tuple[str, str]] | None = None
"""Set to a list by the graph-coverage test to record (mode, route) of every message."""


def all_routes() -> set[tuple[str, str]]:
    """(mode, route) pairs of the whole graph: what the coverage test must see."""
    return {(mode, r.name) for mode in DIALOG for r in routes_of(mode)}
