"""Guards and handlers of the declared dialogue (graph.py holds the literal that orders them).

A guard is a small predicate on the Turn; a handler edits the conversation's JSON state
(``turn.st``) and returns the reply. Handlers that start a mode go through ``enter`` so
the mode that was active is paused explicitly and offered again later.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from typing import Any

from handoff import chatflow, erasure
from handoff import handover as handover_store
from intents import detect
from intents.triage import at_the_edge
from intents.parsing import compact, looks_like_question

from ..inbound import Inbound, Outbound
from . import memory, thread
from .acts import Act


@dataclass
class Turn:
    """One message being handled: the context, the state being edited, what the text is."""

    ctx: Any                      # DialogContext (not imported: router imports this module)
    st: dict[str, Any]            # ConversationState.to_dict(), edited in place
    inbound: Inbound
    text: str = ""
    command: str | None = None
    act: Act | None = None
    learned: dict[str, Any] = field(default_factory=dict)
    triage: Any = None            # intents.triage.Triage | None
    route: str | None = None

    @property
    def mode(self) -> str:
        return self.st.get("mode") or "idle"

    @property
    def pending(self) -> dict[str, Any]:
        return self.st.get("pending") or {}

    @property
    def case(self) -> dict[str, Any]:
        return self.st.setdefault("case", {})


def _r():
    from . import router
    return router


def T(key: str) -> str:
    return _r().T(key)


# ================================================================ mode changes

def enter(turn: Turn, mode: str) -> None:
    """Make ``mode`` the active one; the mode that was active is paused (offered again later)."""
    st = turn.st
    current = turn.mode
    if current in ("questionnaire", "apply", "book") and current != mode:
        data = {"mode": current, "q": st.get("q")} if current == "questionnaire" else {"mode": current, "flow": st.get("flow")}
        st.setdefault("paused", []).append(data)
        st["paused"] = [p for p in st["paused"] if p.get("mode") != mode][-3:]
        if current == "questionnaire":
            st.pop("q", None)
        else:
            st.pop("flow", None)
    st["mode"] = mode
    st.pop("pending", None)


def leave(turn: Turn) -> str | None:
    """Back to idle (or crisis) after a mode ended; returns the offer to resume a paused mode."""
    st = turn.st
    st.pop("q", None)
    st.pop("flow", None)
    st["mode"] = "crisis" if turn.case.get("crisis") else "idle"
    paused = st.get("paused") or []
    if paused:
        st["pending"] = {"type": "resume"}
        return T(f"resume_{paused[-1]['mode']}")
    return None


def _with_resume_offer(turn: Turn, text: str | None) -> str | None:
    offer = leave(turn) if turn.mode in ("idle", "crisis") and not turn.st.get("pending") and turn.st.get("paused") else None
    return f"{text}\n\n{offer}" if text and offer else text


# ================================================================ global fallbacks

def always(turn: Turn) -> bool:
    return True


def is_unsubscribe(turn: Turn) -> bool:
    return turn.inbound.kind == "unsubscribe"


def unsubscribe(turn: Turn) -> Outbound:
    if turn.st.get("human"):
        current = handover_store.current(turn.ctx.session, turn.inbound.user_id)
        if current is not None:
            handover_store.close(turn.ctx.session, current, "citizen")
    turn.st.clear()
    return Outbound(None)


KNOWN_KINDS = ("text", "voice", "subscribe", "unsubscribe", "click", "location", "unsupported")


def is_ignored_event(turn: Turn) -> bool:
    """Events WeChat pushes that are not the citizen speaking (TEMPLATESENDJOBFINISH, VIEW …)."""
    return turn.inbound.kind not in KNOWN_KINDS


def ignore(turn: Turn) -> Outbound:
    return Outbound(None)


def is_subscribe(turn: Turn) -> bool:
    return turn.inbound.kind == "subscribe"


def welcome(turn: Turn) -> Outbound:
    turn.st.clear()
    turn.st.update(mode="idle", pending={"type": "menu"})
    return Outbound(T("welcome"))


def is_media(turn: Turn) -> bool:
    return turn.inbound.kind in ("unsupported", "location") or (turn.inbound.kind == "voice" and not turn.text)


def media(turn: Turn) -> Outbound:
    if turn.inbound.kind == "location":
        return _r()._nearest_offices(turn.inbound)
    if turn.inbound.kind == "voice":
        return Outbound(T("voice_unrecognized"))
    return Outbound(T("unsupported"))


def is_empty(turn: Turn) -> bool:
    return not turn.text


def empty(turn: Turn) -> Outbound:
    return Outbound(T("empty"))


def asks_help(turn: Turn) -> bool:
    return turn.command == "help"


def help_(turn: Turn) -> Outbound:
    if turn.mode in ("questionnaire", "apply", "book"):
        enter(turn, "idle")  # the form is paused, not lost: 「继续」 brings it back
    turn.st["pending"] = {"type": "menu"}
    return Outbound(T("help"))


def asks_restart(turn: Turn) -> bool:
    return turn.command == "restart"


def restart(turn: Turn) -> Outbound:
    region = turn.case.get("region")
    turn.st.clear()
    turn.st.update(mode="idle", pending={"type": "menu"}, case={"region": region} if region else {})
    return Outbound(f"{T('restart')}\n{T('welcome')}")


def asks_human(turn: Turn) -> bool:
    return turn.command == "human"


def to_human(turn: Turn) -> Outbound:
    from handoff.texts import H

    session, uid = turn.ctx.session, turn.inbound.user_id
    already = handover_store.current(session, uid) is not None
    enter(turn, "human")
    turn.st["human"] = handover_store.open_handover(session, uid).id
    acknowledge = getattr(handover_store, "acknowledgement", None)
    if acknowledge is not None:  # hours and whether someone is on duty (booking helper's handover.py)
        return Outbound(acknowledge(_local_now(), turn.case.get("region"), already=already))
    return Outbound(H("human_already") if already else H("human_start"))


def _local_now():
    from handoff.slots import local_now
    from ground.clock import utcnow

    return local_now(utcnow())


def asks_exit(turn: Turn) -> bool:
    """「退出」「算了 不约了」; outside a form 「不约了」 is the booking's own cancel word."""
    if turn.mode in ("idle", "crisis") and chatflow.handoff_command(turn.text) is not None:
        return False
    return turn.command == "exit"


def asks_erasure(turn: Turn) -> bool:
    """「删除我的信息」 in any mode (PIPL 47): the right does not wait for a form to end."""
    return turn.inbound.kind in ("text", "voice") and erasure.is_request(turn.text)


def confirm_erasure(turn: Turn) -> Outbound:
    """Nothing is deleted yet: the citizen is told what goes and what the law keeps, then asked."""
    turn.st["pending"] = {"type": "erase"}
    return Outbound(erasure.confirmation_prompt(erasure.plan_erasure(turn.ctx.session, turn.inbound.user_id)))


def erasure_pending(turn: Turn) -> bool:
    return turn.pending.get("type") == "erase" and turn.inbound.kind in ("text", "voice")


def erase_or_keep(turn: Turn) -> Outbound:
    """Only the exact confirmation word erases; anything else keeps everything and says so."""
    if not erasure.is_confirmed(turn.text):
        turn.st.pop("pending", None)
        return Outbound(erasure.cancelled_text())
    report = erasure.erase_person(turn.ctx.session, turn.inbound.user_id)
    turn.st.clear()  # the conversation's state held facts about the person: it starts empty
    return Outbound(erasure.done_text(report))


def exit_mode(turn: Turn) -> Outbound:
    """「退出」 ends the active form; nothing stays pending, so a later 「是」 answers nothing old."""
    mode = turn.mode
    if mode in ("apply", "book"):
        reply = chatflow.continue_flow(_r()._flow(turn.ctx, turn.st, turn.inbound.user_id), turn.st, turn.text)
    elif mode == "questionnaire":
        reply = T("exit_questionnaire")
    else:
        reply = T("exit_nothing")
    turn.st.pop("q", None)
    turn.st.pop("flow", None)
    turn.st.pop("pending", None)
    turn.st.pop("paused", None)  # leaving means leaving: nothing is offered behind the citizen's back
    turn.st["mode"] = "crisis" if turn.case.get("crisis") else "idle"
    return Outbound(reply or T("exit_nothing"))


# The questionnaire's own notices (intents/special_paths.py kinds) that a triage reply already covers.
_NOTICE_KINDS = {"violence": ("violence",), "deadline": ("urgent",), "preservation": ("urgent",),
                 "criminal_family": ("detained",), "criminal_minor": ("detained",),
                 "administrative_detention": ("detained",)}


def _with_rule(text: str, result: dict) -> str:
    """The triage reply, plus the decision's rule when the reply does not already cite it."""
    from .decision import _head, _plain

    cites = [_plain(_head(str(r))) for r in result.get("reasons") or []]
    missing = [c for c in cites if c and c not in text][:2]
    if not missing or result.get("decision") not in ("mandatory", "eligible"):
        return text
    return f"{text}\n依据：{'；'.join(missing)}"


def triaged(turn: Turn) -> bool:
    """An urgent or high-stakes situation not yet answered in this conversation. A person speaking
    of ending their life is answered every time they say it, and 「我在楼顶」 after it."""
    t = turn.triage
    if t is not None and t.kind == "self_harm":
        return True
    if "self_harm" in (turn.st.get("notices") or []) and turn.text and at_the_edge(turn.text):
        return True
    return t is not None and t.kind not in (turn.st.get("notices") or [])


def triage_reply(turn: Turn) -> Outbound:
    t = turn.triage
    shown = turn.st.setdefault("notices", [])
    if t is None or t.kind == "self_harm":
        # No facts, no links, no decision: the safety lines (shorter when said before), nothing else.
        from intents.triage import texts as triage_texts

        key = "self_harm_edge" if t is None or at_the_edge(turn.text or "") else \
            "self_harm_again" if "self_harm" in shown else "self_harm"
        if "self_harm" not in shown:
            shown.append("self_harm")
        turn.st.pop("pending", None)
        return Outbound(triage_texts()[key], code="service.urgent")
    shown.append(t.kind)
    if t.kind == "violence":
        turn.st["notices"].append("violence_notice")
    for key, value in (t.facts or {}).items():
        if key in memory.SECTION3 or key in ("topic", "accused_under_18"):
            turn.case[key] = value
    if t.facts.get("matter"):
        turn.case["topic"] = t.facts["matter"]
    text = t.reply
    if turn.mode in ("idle", "crisis"):
        step = _r().new_decision(turn)
        if step is not None:  # the words decide (a minor taken by the police: mandatory defence)
            _r().record_decision(turn, step)
            turn.st["pending"] = {"type": "after_result", "decision": turn.st.get("decision")}
            text = _with_rule(text, step.result or {})
    if turn.mode == "questionnaire":
        # The urgent reply first, then the questionnaire goes on (its own notice of the same kind is not repeated).
        shown = turn.st["q"].setdefault("notices", [])
        shown.extend(k for k in _NOTICE_KINDS.get(t.kind, ()) if k not in shown)
        out = _r().continue_questionnaire(turn)
        if t.crisis:
            turn.case["crisis"] = True
        return Outbound(f"{text}\n\n{out.text}", code=t.facts.get("matter") or "service.urgent")
    elif turn.mode in ("apply", "book"):
        enter(turn, "idle")
        text = f"{text}\n\n{T('resume_' + turn.st['paused'][-1]['mode'])}"
        turn.st["pending"] = {"type": "resume"}
    if t.crisis:
        turn.case["crisis"] = True
        if turn.mode == "idle":
            turn.st["mode"] = "crisis"
    return Outbound(text, code=t.facts.get("matter") or "service.urgent")


# ================================================================ idle: what the last reply asked for

def wants_resume(turn: Turn) -> bool:
    if not turn.st.get("paused"):
        return False
    if turn.act and turn.act.kind == "resume":
        return True
    return turn.pending.get("type") in ("resume", "resume_stale") and turn.act is not None and (
        turn.act.kind == "yes" or (turn.act.kind == "choice" and turn.act.value == 1))


def resume(turn: Turn) -> Outbound:
    paused = turn.st["paused"].pop()
    turn.st.pop("pending", None)
    mode = paused["mode"]
    if mode == "questionnaire" and paused.get("q"):
        turn.st.update(mode="questionnaire", q=paused["q"])
        from intents import questionnaire
        return Outbound(questionnaire.current_question(paused["q"]))
    if mode in ("apply", "book") and paused.get("flow"):
        turn.st.update(mode=mode, flow=paused["flow"])
        reply = chatflow.continue_flow(_r()._flow(turn.ctx, turn.st, turn.inbound.user_id), turn.st, "")
        return Outbound(reply or T("help"))
    return Outbound(T("help"))


def _options(turn: Turn) -> list[str]:
    return list(turn.pending.get("options") or [])


def picks_choice(turn: Turn) -> bool:
    kind = turn.pending.get("type")
    return kind in ("choose", "menu", "again", "items") and turn.act is not None and turn.act.kind == "choice"


def pick_choice(turn: Turn) -> Outbound:
    pending = turn.pending
    n = int(turn.act.value)  # type: ignore[arg-type, union-attr]
    if pending.get("type") == "choose":
        ids = pending.get("faq_ids") or []
        if not 1 <= n <= len(ids):
            return Outbound(f"{T('choice_out_of_range')}\n{_r().numbered(_options(turn))}")
        turn.st.pop("pending", None)
        return _r()._answer(turn.ctx, turn.st, ids[n - 1], turn.st.get("last_question"))
    if pending.get("type") == "items":  # the ways an answer listed: the one chosen, as if typed
        options = _options(turn)
        if not 1 <= n <= len(options):
            return Outbound(f"{T('choice_out_of_range')}\n{_r().numbered(options)}")
        return thread.redispatch(turn, options[n - 1])
    if pending.get("type") == "again":  # 「您想问哪一点」 after an answer already given
        turn.st.pop("pending", None)
        if n == 1:
            return precheck(turn)
        if n == 3:
            return to_human(turn)
        from . import followups
        return Outbound(followups.answer(turn, "materials") or T("followup_what_now_general"))
    turn.st.pop("pending", None)  # the welcome menu
    if n == 1:
        return Outbound(T("examples"))
    if n == 2:
        return precheck(turn)
    if n == 3:
        turn.st["pending"] = {"type": "ask_location"}
        return Outbound(T("ask_location"))
    if n == 4:
        return to_human(turn)
    turn.st["pending"] = {"type": "menu"}
    return Outbound(T("help"))


def _yes(turn: Turn) -> bool:
    return turn.act is not None and (turn.act.kind == "yes" or (turn.act.kind == "choice" and turn.act.value == 1))


def accepts_offer(turn: Turn) -> bool:
    kind = turn.pending.get("type")
    if kind == "offer":
        return _yes(turn)
    if kind == "after_result":
        positive = turn.pending.get("decision") in ("eligible", "likely_eligible", "mandatory")
        return (positive and _yes(turn)) or turn.command in ("apply",)
    return False


def accept_offer(turn: Turn) -> Outbound:
    pending = turn.pending
    turn.st.pop("pending", None)
    if pending.get("type") == "after_result" or pending.get("action") == "apply":
        return _r()._start_apply(turn)
    if pending.get("action") == "eligibility":
        return precheck(turn)
    return Outbound(T("offer_hotline"))


def declines_offer(turn: Turn) -> bool:
    return turn.pending.get("type") in ("offer", "after_result", "resume", "resume_stale") and \
        turn.act is not None and turn.act.kind in ("no", "defer")


def decline_offer(turn: Turn) -> Outbound:
    if turn.pending.get("type") in ("resume", "resume_stale"):
        turn.st.pop("paused", None)
    turn.st.pop("pending", None)
    return Outbound(T("defer_ok" if turn.act.kind == "defer" else "anything_else"))  # type: ignore[union-attr]


def wants_detail(turn: Turn) -> bool:
    return turn.act is not None and turn.act.kind == "detail"


def detail(turn: Turn) -> Outbound:
    if turn.pending.get("type") == "after_result" and turn.st.get("last_result"):
        return _r().result_materials(turn)
    if turn.pending.get("type") == "materials":
        from . import followups
        from intents.rules import decide

        items = [str(m) for m in decide(followups._facts(turn)).get("materials") or []]
        turn.st.pop("pending", None)
        return Outbound(_r().fit("申请时请一次带齐：\n" + _r().numbered(items)))
    faq_id = turn.st.get("last_faq")
    if not faq_id:
        return Outbound(T("detail_nothing"))
    return _r().full_answer(turn.ctx, turn.st, faq_id)


def gives_feedback(turn: Turn) -> bool:
    return turn.command in ("helpful", "unhelpful") and bool(turn.st.get("last_faq"))


def feedback(turn: Turn) -> Outbound:
    pending = turn.pending if turn.pending.get("faq_id") else {"faq_id": turn.st.get("last_faq")}
    return _r()._feedback(turn.ctx, turn.st, turn.inbound, pending, turn.command)


# ================================================================ idle: intents by meaning

def objects_to_refusal(turn: Turn) -> bool:
    from . import followups
    return followups.objects_to_refusal(turn.text)


def objection(turn: Turn) -> Outbound:
    """The LAL 49 way to object, not a new questionnaire (the citizen was already assessed)."""
    turn.st["last_followup"] = "objection"
    if not turn.case.get("topic"):
        turn.case["topic"] = "legal_aid.apply"
    return thread.once(turn, "followup:objection", T("followup_objection"))


def asks_for_aid(turn: Turn) -> bool:
    """「能找免费律师不」; but a visit with a day or time (「后天下午去中心当面问问中不中」) is a booking."""
    if turn.command == "eligibility":
        return True
    if _FREE_LAWYER.search(compact(turn.text)):
        return True
    return detect.asks_for_aid(turn.text) and not (detect.wants_booking(turn.text) and _names_when(turn.text))


# 「能免费找律师吗」「律师费能免不」: asking for a lawyer paid by the state is asking for legal aid —
# after a decision, the decision is said again (precheck → decision_again), not a topic answer.
_FREE_LAWYER = re.compile(r"免费.{0,3}(?:找|请|派|要|给)(?:个)?律师|(?:不花钱|不要钱|不用钱|不掏钱)(?:地)?(?:找|请)(?:个)?律师"
                          r"|律师费.{0,4}(?:能免|可以免|免不免|不用(?:交|出|给)|国家出|谁出)")


def _names_when(text: str) -> bool:
    from handoff.when import parse_when

    when = parse_when(text, _local_now())
    return when is not None and (when.day is not None or when.at is not None)


def precheck(turn: Turn) -> Outbound:
    """The pre-check, filled from the case file: asks only what is still missing."""
    again = _r().decision_again(turn)
    if again is not None:  # asked again on the same facts: the same decision, said briefly
        return Outbound(again)
    note = thread.scope_note(turn)
    if note is not None:
        return note
    concrete = thread.concrete_problem(turn)
    if concrete is not None:
        return concrete
    enter(turn, "questionnaire")
    return _r().start_questionnaire(turn)


# 「能不能先帮我 材料后面补」「来不及准备材料 能先给办吗」: aid first, papers later (LAL 44).
_PRE_AID = re.compile(r"先行援助|(?:材料|证明|手续|东西)[^，。?？]{0,6}(?:后面|以后|回头|晚点|过后|过几天|之后)(?:再)?补"
                      r"|(?:后面|以后|回头|晚点|过后|过几天|之后)(?:再)?补(?:材料|证明|手续)?"
                      r"|来不及(?:准备|凑|办|弄|开)(?:材料|证明|手续)?|先(?:帮|给|援助|办|受理)[^，。?？]{0,6}(?:再|后)补")


def asks_pre_aid(turn: Turn) -> bool:
    """Aid before the papers are complete is a rule of its own (LAL 44), not the materials list."""
    return bool(_PRE_AID.search(compact(turn.text)))


def pre_aid(turn: Turn) -> Outbound:
    """LAL 44 in the citizen's case: the rule, whether their deadline fits it, and what to do today."""
    if turn.st.get("decision") == "not_eligible":
        return Outbound(T("pre_aid_not_covered"))
    if not turn.case.get("urgent"):  # no deadline said: when it applies, else the ordinary 7 days
        return Outbound(f"{T('pre_aid')}\n{T('pre_aid_how_general')}")
    return Outbound(f"{T('pre_aid')}{T('pre_aid_urgent')}\n{T('pre_aid_how')}")


def pre_aid_then_question(turn: Turn) -> Outbound:
    """「材料来不及 能先办吗」 asked in the middle of the pre-check: LAL 44, then the same question in one line."""
    from intents import questionnaire

    out = pre_aid(turn)
    back = T("back_to_question_short").format(question=questionnaire.brief_question(turn.st["q"]))
    out.text = f"{out.text}\n\n{back}"
    return out


_VISIT = re.compile(r"过去|过来|去一趟|来一趟|到得了|赶得到|能到|去你们|来你们|去中心|到中心|当面")


def wants_booking(turn: Turn) -> bool:
    """「预约」 or a booking by meaning — also a visit with a day or time (「那我今天就过去行不」
    「下午两点半到得了」): the office's hours and a slot, not the last answer again."""
    if turn.command == "book":
        return True
    if detect.books_elsewhere(turn.text):
        return False  # 「港澳通行证怎么预约」: a booking at another office, not with us
    return detect.wants_booking(turn.text) or (bool(_VISIT.search(turn.text)) and _names_when(turn.text))


def wants_booking_words(turn: Turn) -> bool:
    """Inside the application form only the plain command counts (field answers may hold dates)."""
    return turn.command == "book"


def to_book(turn: Turn) -> Outbound:
    flow = _r()._flow(turn.ctx, turn.st, turn.inbound.user_id)
    enter(turn, "book")
    reply = chatflow.start_book(flow, turn.st, **_book_kwargs(turn))
    if not turn.st.get("flow"):  # nothing to choose (already booked, no office): back where we were
        turn.st["mode"] = "idle"
        return Outbound(_with_resume_offer(turn, reply))
    turn.st["mode"] = "book"
    return Outbound(reply)


def _book_kwargs(turn: Turn) -> dict[str, Any]:
    """What start_book accepts beyond (ctx, state): the booking helper may add the text said."""
    import inspect

    params = inspect.signature(chatflow.start_book).parameters
    return {"text": turn.text} if "text" in params else {}


def wants_apply(turn: Turn) -> bool:
    return turn.command == "apply"


def to_apply(turn: Turn) -> Outbound:
    return _r()._start_apply(turn)


def case_command(turn: Turn) -> bool:
    return turn.command == "progress" or chatflow.handoff_command(turn.text) is not None


def do_case_command(turn: Turn) -> Outbound:
    flow = _r()._flow(turn.ctx, turn.st, turn.inbound.user_id)
    word = chatflow.handoff_command(turn.text)
    if word == "cancel_booking":
        return Outbound(chatflow.cancel_booking(flow, turn.st))
    if word == "reschedule":
        enter(turn, "book")
        reply = chatflow.start_book(flow, turn.st, reschedule=True)
        if not turn.st.get("flow"):
            turn.st["mode"] = "idle"
        return Outbound(reply)
    if word in ("door_to_door", "postal"):
        return Outbound(chatflow.acceptance_mode(flow, word))
    if word == "withdraw":
        return Outbound(chatflow.withdraw_consent(flow, turn.st))
    if word == "end_human":
        return Outbound(T("not_with_a_person"))
    return Outbound(chatflow.progress(flow))


_NEARBY = ("附近", "附近的法律援助中心", "附近援助中心", "最近的法律援助中心")


def form_command(turn: Turn) -> bool:
    """Withdrawal of consent, cancel or change a booking, progress: words that leave any form."""
    return chatflow.handoff_command(turn.text) is not None or turn.command == "progress"


def do_form_command(turn: Turn) -> Outbound:
    """The form is left (an application draft stays saved), then the command is done."""
    if chatflow.handoff_command(turn.text) == "reschedule":
        return do_case_command(turn)
    offer = leave(turn)
    out = do_case_command(turn)
    if offer and out.text:
        out.text = f"{out.text}\n\n{offer}"
    return out


def asks_offices(turn: Turn) -> bool:
    if compact(turn.text) in _NEARBY:
        return True
    return _r()._offices_asked_for(turn.text, turn.pending.get("type") == "ask_location") is not None


def offices(turn: Turn) -> Outbound:
    if compact(turn.text) in _NEARBY:
        turn.st["pending"] = {"type": "ask_location"}
        return Outbound(T("ask_location"))
    turn.st.pop("pending", None)
    return _r()._offices_asked_for(turn.text, True) or Outbound(T("ask_location"))


# ================================================================ facts, acts, small talk


def carries_only_facts(turn: Turn) -> bool:
    """Facts and nothing else: 「我是吉林市的 异议往哪交」 also asks something (a follow-up), and a
    fact that is also a topic follow-up (「判决书…一年没给了」) gets that answer."""
    from . import followups

    return memory.only_facts(turn.text, turn.learned) and (turn.act is None or turn.act.kind == "correction") \
        and not (followups.kind_of(turn.text) is not None and _r().asks_something(turn.text)) \
        and not _asks_beside_facts(turn) \
        and followups.topic_entry(turn.text, turn.case.get("topic"), followups.marks(turn.case)) is None


def _asks_beside_facts(turn: Turn) -> bool:
    """「石狮 对了 工伤认定要多久啊」「病历要不要先复印封存」: a fact and a question — the question is
    answered (the fact is noted too); a topic follow-up of the case says what the question is."""
    from . import followups

    return _r().asks_something(turn.text) and (
        followups.find_topic_entry(turn.text, turn.case.get("topic"), followups.marks(turn.case)) is not None
        or followups.kind_in_context(turn.text, bool(turn.st.get("last_result"))) is not None)


def acknowledge_facts(turn: Turn) -> Outbound:
    """「好的，记下了：合肥，外地来打工」 and the next useful step."""
    ack = memory.ack_line(turn.learned) or T("noted")
    if turn.learned.get("concerned_switched") and turn.mode != "crisis" and not turn.case.get("crisis"):
        # 「那我爸呢」: the decision given was for someone else — run it again for this person,
        # asking only what is not known about them (their age, income …).
        for key in ("decision", "decided_on", "last_result"):
            turn.st.pop(key, None)
        if memory.is_matter(turn.case.get("topic")):
            step = _r().decision_from_case(turn)
            if step is not None:
                text = _r().record_decision(turn, step)
                turn.st["pending"] = {"type": "after_result", "decision": turn.st.get("decision")}
                return Outbound(f"{ack}\n{text}")
            enter(turn, "questionnaire")
            out = _r().start_questionnaire(turn)
            out.text = f"{ack}\n{out.text}" if out.text else ack
            return out
    step = _r().new_decision(turn, anywhere=True)
    if step is not None and _r().same_decision(turn, step):
        turn.st["decided_on"] = _r()._decision_key(turn.case)  # the same result for the same reasons: one line
        turn.st["pending"] = {"type": "after_result", "decision": turn.st.get("decision")}
        return Outbound(f"{ack}\n{_after_decision_line(turn)}")
    if step is not None:  # the case file now decides: that is the next useful step
        text = _r().record_decision(turn, step)
        turn.st["pending"] = {"type": "after_result", "decision": turn.st.get("decision")}
        return Outbound(f"{ack}\n{text}")
    answer = _answer_to_the_problem(turn)
    if answer is not None:  # 「我72了 俩儿子都不管我 一分钱不给」: the problem answered, then what was noted
        return Outbound(f"{answer.text}\n\n{ack}\n{_next_step(turn)}", faq_id=answer.faq_id, code=answer.code)
    return Outbound(f"{ack}\n{_next_step(turn)}")


def _answer_to_the_problem(turn: Turn) -> Outbound | None:
    """The knowledge base's answer in the matter this message names for the first time, when it
    tells a problem (not only a place or an age): the citizen came with a problem, not a form."""
    topic = turn.learned.get("topic")
    if not memory.is_matter(topic) or len(compact(turn.text)) < 8:
        return None
    if turn.learned.get("domestic_worker") and str(topic).startswith("labor."):
        return thread.domestic_worker_answer(turn)  # a 保姆 hired by a family: not a labour dispute
    result = _r().ask_kb(turn.ctx, turn.text)
    if result.status == "topic" and getattr(result, "topic", None) == topic and f"topic:{topic}" not in (turn.st.get("said") or []):
        general = _r().topic_text(turn.ctx, topic)  # the matter is sure, no entry's premise is met
        if general:
            thread.remember_said(turn.st, f"topic:{topic}")
            return Outbound(general, code=topic, kind="topic")
    if result.status != "answer" or result.top is None or result.top.code != topic \
            or result.top.faq_id in (turn.st.get("said") or []):
        return None
    text, _ = _r().answer_text(turn.ctx, result.top.faq_id, offer=False)
    thread.remember_said(turn.st, result.top.faq_id)
    turn.st["last_faq"] = result.top.faq_id
    return Outbound(text, faq_id=result.top.faq_id, code=topic)


def _next_step(turn: Turn) -> str:
    case = turn.case
    if turn.st.get("decision"):
        turn.st["pending"] = {"type": "after_result", "decision": turn.st["decision"]}
        return _after_decision_line(turn)
    if case.get("topic") or case.get("matter"):
        turn.st["pending"] = {"type": "offer", "action": "eligibility", "matter": case.get("topic")}
        shown = turn.st.setdefault("notices", [])
        if "offer_precheck" in shown:  # said once in full; after that a short reminder, not the same line each time
            return T("next_precheck_short")
        shown.append("offer_precheck")
        return T("next_precheck")
    return T("next_ask_matter")


_MONEY_FACTS = ("household_monthly_income", "household_size", "fixed_income", "receives_assistance")


def _after_decision_line(turn: Turn) -> str:
    """The line after a fact that left the decision as it was. When the fact was the household's
    money and money cannot change this result — no hardship test (the rules' ``hardship_review`` "exempt":
    LAL 25, 32, 42) or a matter
    outside legal aid — it says so, in one line; a refusal never ends with 「想申请请回复申请」."""
    from .. import conversation as conv_store

    decision = turn.st.get("decision")
    money = any(k in turn.learned for k in _MONEY_FACTS)
    record = turn.ctx.session.get(conv_store.EligibilityRecord, turn.st["last_result"]) \
        if turn.st.get("last_result") else None
    review = (record.result or {}).get("hardship_review") if record is not None else None
    if decision == "not_eligible":  # out of scope, unless it was the income that failed
        return T("income_cannot_change_scope") if money and review != "failed" else T("next_after_refusal")
    if money and (decision == "mandatory" or (decision == "eligible" and review == "exempt")):
        return T("income_cannot_change_exempt")
    return T("next_after_decision")


def bare_act(turn: Turn) -> bool:
    return turn.act is not None


def answer_bare_act(turn: Turn) -> Outbound:
    """An act with nothing pending: a sensible reply, never a search."""
    kind = turn.act.kind  # type: ignore[union-attr]
    if kind == "correction":
        return Outbound(T("correction_unclear"))
    if kind == "data":
        return Outbound(T("data_without_form"))
    if kind == "choice":
        turn.st["pending"] = {"type": "menu"}
        return Outbound(T("help"))
    if kind == "thanks":
        return Outbound(T("thanks"))
    if kind == "yes" and re.search(r"同意|确认|确定", turn.text):
        return Outbound(T("consent_nothing_pending"))
    if kind == "no":
        return Outbound(T("anything_else"))
    if kind == "defer":
        return Outbound(T("defer_ok"))
    return Outbound(T("anything_else"))  # ack, yes


# A pronoun or a lone character says nothing yet: 「我」 typed by someone slow to type is the start
# of a sentence, and matched against the answers it found domestic violence.
_TOO_LITTLE = re.compile(r"^(?:我|俺|咱|他|她|它|你|您|我们|俺们|咱们|他们|她们|你们|那个|这个|那|这|就是|然后|还有|喂|在吗|在不在)?$")


def says_too_little(turn: Turn) -> bool:
    """A message with nothing to act on (a pronoun, one character, punctuation), not an act."""
    if turn.act is not None or turn.command is not None or turn.inbound.kind not in ("text", "voice"):
        return False
    clean = compact(turn.text)
    if clean.isdigit():
        return False  # 「3」 picks from a menu elsewhere
    return len(clean) <= 1 or bool(_TOO_LITTLE.match(clean))


def ask_to_say_more(turn: Turn) -> Outbound:
    """Ask what they mean, in the thread: the matter already named is said back, nothing is searched."""
    if turn.mode == "crisis":
        return Outbound(T("crisis_fallback_short"))
    return Outbound(T("say_more_in_thread" if memory.is_matter(turn.case.get("topic")) else "say_more"))


def is_social(turn: Turn) -> bool:
    clean = compact(turn.text)
    return detect.social_intent(turn.text) is not None or detect.doubts_us(turn.text) or (
        clean.isdigit() and len(clean) <= 2)


def social(turn: Turn) -> Outbound:
    kind = detect.social_intent(turn.text)
    if kind is not None:
        return Outbound(T(kind))
    if detect.doubts_us(turn.text):
        return Outbound(T("trust"))
    turn.st["pending"] = {"type": "menu"}
    return Outbound(T("help"))


def is_follow_up(turn: Turn) -> bool:
    from . import followups

    if turn.learned.get("topic") and turn.learned["topic"] != turn.st.get("_topic_before"):
        return False  # the message names its own matter: a new question, not a follow-up
    if detect.names_errand(turn.text):
        return False  # 「办身份证要带什么」: another office's errand — the matcher's rejection stands
    if followups.topic_entry(turn.text, turn.case.get("topic"), followups.marks(turn.case)) is not None:
        return True
    kind = followups.kind_in_context(turn.text, bool(turn.st.get("last_result")))
    if kind in ("objection", "duration", "cost", "identity", "what_now", "in_person", "who_lawyer", "means_test",
                "lawyer_bad", "fees", "hours", "proxy", "sentence", "limitation", "refusal_oral", "elapsed", "aid_first", "reconsideration", "priority", "going", "how_apply", "is_it_no"):
        return True
    return bool(turn.case.get("topic") or turn.st.get("last_result")) and (
        kind is not None or detect.is_follow_up(turn.text))


def follow_up(turn: Turn) -> Outbound:
    from . import followups

    entry = followups.find_topic_entry(turn.text, turn.case.get("topic"), followups.marks(turn.case))
    if entry is not None:
        turn.st["last_followup"] = entry.id
        out = thread.once(turn, f"followup:{entry.id}", entry.say)
        ack = memory.ack_line({k: v for k, v in turn.learned.items() if k != "topic"})
        if ack and out.text == entry.say:  # 「石狮 对了 工伤认定要多久啊」: the place noted, the question answered
            out.text = f"{ack}\n{out.text}"
        if entry.options and out.text == entry.say:  # the ways listed: 「2」「第二条」 then asks about that one
            turn.st["pending"] = {"type": "items", "options": list(entry.options)}
            out.options = list(entry.options)
        return out
    kind = followups.kind_in_context(turn.text, bool(turn.st.get("last_result")))
    text = followups.answer(turn, kind) if kind else None
    if kind == "how_apply" and text is None and memory.is_matter(turn.case.get("topic")):
        return precheck(turn)  # 「那我怎么申请」 before any check: the check is how an application starts
    if text is not None:
        if not turn.case.get("topic") and kind in followups.SERVICE_TOPIC:
            turn.case["topic"] = followups.SERVICE_TOPIC[kind]
        return thread.once(turn, f"followup:{kind}:{zlib.crc32(text.encode('utf-8'))}", text)
    return _r().answer_in_topic(turn)


def from_knowledge_base(turn: Turn) -> Outbound:
    return _r()._from_knowledge_base(turn)


def idle_expired(turn: Turn) -> str | None:
    turn.st.pop("pending", None)
    return None


def crisis_expired(turn: Turn) -> str | None:
    turn.st["mode"] = "idle"
    return None


def no_notice(turn: Turn) -> str | None:
    return None


def form_expired(turn: Turn) -> str | None:
    """A form left for more than a day is put aside and offered again, not continued blindly."""
    enter(turn, "idle")
    turn.st["pending"] = {"type": "resume_stale"}
    return T(f"resume_stale_{turn.st['paused'][-1]['mode']}")


# ================================================================ crisis

def is_ack_or_thanks(turn: Turn) -> bool:
    return turn.act is not None and turn.act.kind in ("ack", "thanks", "yes", "no", "defer")


def crisis_ack(turn: Turn) -> Outbound:
    return Outbound(T("crisis_ack"))


def describes_danger_now(turn: Turn) -> bool:
    """「在家 孩子也在」「报了警 警察还没来」「他在砸门」: the present moment, not a question."""
    from . import crisis_now

    return crisis_now.read(turn.text) is not None


def danger_now(turn: Turn) -> Outbound:
    """What to do in the next minutes, in the present tense; each line once (crisis_now.py)."""
    from . import crisis_now

    now = crisis_now.read(turn.text)
    assert now is not None
    said = turn.st.setdefault("notices", [])
    parts = crisis_now.lines(now, said)
    fresh = [key for key, _ in parts if key not in said]
    if not fresh:  # everything was said: a short present-tense line, not the same list again
        return Outbound(T("crisis_after_police_again" if now.taken_away else "crisis_now_again"))
    said.extend(fresh)
    if now.kids and crisis_now.KIDS_NOTED not in said:
        said.append(crisis_now.KIDS_NOTED)
    return Outbound("\n".join(T(key).format(**values) for key, values in parts))


_FEAR = re.compile(r"怕|害怕|看到|发现|知道了?怎么办|找过来|找到我")


def crisis_answer(turn: Turn) -> Outbound:
    """In a crisis only a confident answer is given; otherwise safety and what we can do — never a menu.

    The crisis is the topic: 「离了婚还能申请保护令不」 names a divorce, but the woman asking
    is hiding from violence, so an answer on violence among the best hits wins over the rest.
    """
    from intents.triage import fear_kind, texts as triage_texts

    fear = fear_kind(turn.text)
    if fear is not None and not looks_like_question(turn.text):  # 「我怕他看到我手机」: fear is answered, not searched
        shown = turn.st.setdefault("notices", [])  # kept in the stored state: each line once per conversation
        parts = [(key, line) for key, line in ((f"fear:{fear}", triage_texts()["violence_fear"][fear]),
                                               ("fear_tail", triage_texts()["violence_fear_tail"])) if key not in shown]
        if parts and parts[0][0] != "fear_tail":
            shown.extend(key for key, _ in parts)
            return Outbound("\n".join(line for _, line in parts))
    result = _r().ask_kb(turn.ctx, turn.text)
    crisis_topic = "family.violence"
    in_crisis = [hit for hit in result.hits[:3] if hit.code == crisis_topic]
    if not in_crisis:
        within = _r().ask_kb(turn.ctx, f"{_r()._safe_topic_name(crisis_topic)} {turn.text}")
        if within.status == "answer" and within.top is not None and within.top.code == crisis_topic:
            in_crisis = [within.top]
    if in_crisis and _CRISIS_WORDS.search(turn.text):
        turn.case["topic"] = crisis_topic
        return thread.fresh_answer(turn, in_crisis[0].faq_id)
    if result.status == "answer" and result.top is not None and (
            _r().asks_something(turn.text) or str(result.top.code).startswith(("family.", "criminal."))):
        # A statement in a crisis (「孩子在睡觉」) is not searched into another topic's entry
        # (legal aid at home for the elderly): only a question, or the family's own topics.
        return thread.fresh_answer(turn, result.top.faq_id)
    if _FEAR.search(turn.text):
        return Outbound(T("crisis_fear"))
    shown = turn.st.setdefault("notices", [])
    if "crisis_fallback" in shown:  # said once in full; then a short line, not the same bubble again
        return Outbound(T("crisis_fallback_short"))
    shown.append("crisis_fallback")
    return Outbound(T("crisis_fallback"))


_CRISIS_WORDS = re.compile(r"保护令|家暴|家庭暴力|打我|打俺|报警|派出所|警察|家务事|告诫书|妇联|庇护|躲|逃|危险|安全")
# 「能不能上门」「要不要打电话」 ask for a visit or a call: 不能/不要 inside an A-not-A question is no refusal.
_NO_CALLS = re.compile(r"(?<!能)(?<!要)(?:别|不要|千万别|千万不要|不能)(?:给我|跟我|给俺)?(?:打电话|打我电话|来电话|联系我|上门|寄东西)")


def asks_not_to_be_contacted(turn: Turn) -> bool:
    return bool(_NO_CALLS.search(turn.text))


def note_no_contact(turn: Turn) -> Outbound:
    """「千万别给我打电话」: kept on the case for the staff and lawyer who would call."""
    from handoff import applications as apps
    from handoff.models import CaseEvent
    from ground.privacy import mask_personal_data

    cases = apps.submitted(turn.ctx.session, turn.inbound.user_id)
    if cases:
        turn.ctx.session.add(CaseEvent(application_id=cases[0].id, actor_label=apps.CITIZEN, kind="note",
                                       text=f"市民留言：{mask_personal_data(turn.text)[:300]}"))
        return Outbound(T("no_contact_noted_case"))
    return Outbound(T("no_contact_noted"))


# ================================================================ questionnaire

def asks_result_early(turn: Turn) -> bool:
    return turn.command in ("apply", "eligibility") or detect.asks_for_aid(turn.text)


def question_again(turn: Turn) -> Outbound:
    """「能申请吗」 before the questions are answered: what the message also said is kept (the
    matter named in 「我儿子在学校被打了 能申请吗」), then the next question that is still open."""
    from intents import questionnaire

    usable = thread.absorbable(turn, turn.st["q"])
    if usable:
        step = questionnaire.add_facts(turn.st["q"], usable)
        return _r()._after_step(turn, step, memory.ack_line(turn.learned))
    return Outbound(f"{T('answer_these_first')}\n{questionnaire.current_question(turn.st['q'])}")


def asks_a_question_mid_form(turn: Turn) -> bool:
    """A real question typed inside a form: answered, then the form goes on."""
    if turn.act is not None or turn.learned and not looks_like_question(turn.text):
        return False
    if turn.mode == "apply":
        step = str((turn.st.get("flow") or {}).get("step") or "")
        if not step.startswith("field:") and step not in ("consent", "sensitive"):
            return False
    return looks_like_question(turn.text) and len(compact(turn.text)) >= 4 and _r().would_answer(turn)


def answer_then_resume_questionnaire(turn: Turn) -> Outbound:
    from intents import questionnaire
    out = _r().answer_mid_form(turn)
    back = T("back_to_question_short").format(question=questionnaire.brief_question(turn.st["q"]))
    out.text = f"{out.text}\n\n{back}"
    return out


def answer_then_resume_form(turn: Turn) -> Outbound:
    out = _r().answer_mid_form(turn)
    prompt = thread.form_prompt(turn) if turn.mode == "apply" else \
        chatflow.continue_flow(_r()._flow(turn.ctx, turn.st, turn.inbound.user_id), turn.st, "")
    if not prompt and turn.mode == "book":  # never 「接着刚才填的：」 and nothing after it
        prompt = chatflow.book_resume_hint(turn.st)
    if _at_consent(turn):  # the consent line says itself what it waits for
        out.text = f"{out.text}\n\n{prompt}"
        return out
    out.text = f"{out.text}\n\n{T('back_to_form')}\n{prompt or ''}".rstrip()
    return out


def _at_consent(turn: Turn) -> bool:
    return turn.mode == "apply" and (turn.st.get("flow") or {}).get("step") in ("consent", "sensitive")


def thanks_at_consent(turn: Turn) -> bool:
    """「好的 谢谢」 while the privacy notice waits: the citizen is closing the chat, not consenting
    (PIPL 14: consent is an explicit act), and the notice must not come back a second time."""
    return _at_consent(turn) and turn.act is not None and turn.act.kind == "thanks"


def close_at_consent(turn: Turn) -> Outbound:
    """The application waits as a draft (「申请」 picks it up, the notice shown again then); the chat ends politely."""
    from handoff.texts import H

    turn.st.pop("flow", None)
    turn.st.pop("pending", None)
    turn.st["mode"] = "crisis" if turn.case.get("crisis") else "idle"
    return Outbound(H("consent_thanks"))


def answer_questionnaire(turn: Turn) -> Outbound:
    return _r().continue_questionnaire(turn)


def form_step(turn: Turn) -> Outbound:
    mode = turn.mode
    reply = chatflow.continue_flow(_r()._flow(turn.ctx, turn.st, turn.inbound.user_id), turn.st, turn.text)
    if not turn.st.get("flow"):  # the form finished or was left
        turn.st["mode"] = mode  # let leave() see where we were
        offer = leave(turn)
        if offer and reply:
            reply = f"{reply}\n\n{offer}"
    if reply is None:  # not for the form (a remark, a question it cannot answer): answer it, keep the form
        return answer_then_resume_form(turn)
    return Outbound(reply)


# ================================================================ human

def ends_human(turn: Turn) -> bool:
    return chatflow.handoff_command(turn.text) == "end_human"


def end_human(turn: Turn) -> Outbound:
    from handoff.texts import H

    current = handover_store.current(turn.ctx.session, turn.inbound.user_id)
    if current is not None:
        handover_store.close(turn.ctx.session, current, "citizen")
    turn.st.pop("human", None)
    offer = leave(turn)
    return Outbound(f"{H('human_end')}\n\n{offer}" if offer else H("human_end"))


def hands_back(turn: Turn) -> bool:
    """Nobody has picked it up yet and the citizen asks for the bot again."""
    if turn.command not in ("help", "restart"):
        return False
    current = handover_store.current(turn.ctx.session, turn.inbound.user_id)
    return current is None or current.status == "waiting"


def hand_back(turn: Turn) -> Outbound:
    current = handover_store.current(turn.ctx.session, turn.inbound.user_id)
    if current is not None:
        handover_store.close(turn.ctx.session, current, "citizen")
    turn.st.pop("human", None)
    turn.st["mode"] = "idle"
    return help_(turn) if turn.command == "help" else restart(turn)


def bot_may_answer_while_held(turn: Turn) -> bool:
    """Questions the bot can answer while a person holds the chat (hours, address), if the
    handover module offers such answers."""
    answer = getattr(handover_store, "answer_while_held", None)
    return answer is not None and turn.inbound.kind in ("text", "voice") and bool(turn.text) and \
        answer(turn.text, _local_now(), turn.case.get("region")) is not None


def answer_while_held(turn: Turn) -> Outbound:
    answer = getattr(handover_store, "answer_while_held")
    return Outbound(answer(turn.text, _local_now(), turn.case.get("region")))


_LETS_BOT_ANSWER = re.compile(r"算了|你先(?:说|讲|答|回答|帮)|先(?:跟我|给我)(?:说说|讲讲)|你(?:来)?(?:说说|讲讲)")


def _nobody_on_it(turn: Turn) -> bool:
    current = handover_store.current(turn.ctx.session, turn.inbound.user_id)
    return current is None or current.status == "waiting"


def asks_bot_while_waiting(turn: Turn) -> bool:
    """No person has picked the chat up and the citizen asks the bot after all (「算了 你先说说吧」)
    or asks a case question (「能申请吗」): silence would leave them with nothing at all."""
    if turn.inbound.kind not in ("text", "voice") or not turn.text or not _nobody_on_it(turn):
        return False
    if turn.act is not None and turn.act.kind == "data":
        return False  # an ID number typed while waiting: held_silence warns, nothing is searched
    if _LETS_BOT_ANSWER.search(turn.text) or detect.asks_for_aid(turn.text):
        return True
    return looks_like_question(turn.text) and len(compact(turn.text)) >= 4 and _r().would_answer(turn)


def answer_while_waiting(turn: Turn) -> Outbound:
    """Answered as outside the hand-over; the hand-over stays open (a person still reads it)
    unless the answer opened a form, which the citizen then fills with the bot."""
    from .graph import dispatch

    handover_id = turn.st.get("human")
    turn.st["mode"] = "idle"
    out = dispatch(turn)
    if turn.mode == "idle":
        turn.st["mode"] = "human"
        turn.st["human"] = handover_id
        turn.st.pop("pending", None)
        offers = {T(k) for k in _r()._OFFERS} | {T("feedback_prompt")}  # nothing pending: 「回复1」 would mean nothing
        body = "\n".join(l for l in (out.text or "").split("\n") if l.strip() not in offers).strip()
        out.text = f"{body}\n\n{T('human_still_reads')}" if body else T("human_still_reads")
        return out
    current = handover_store.current(turn.ctx.session, turn.inbound.user_id)
    if current is not None:
        handover_store.close(turn.ctx.session, current, "citizen")
    turn.st.pop("human", None)
    return out


def held_silence(turn: Turn) -> Outbound:
    """While a person holds the chat the bot stays quiet about the matter (danger is handled by
    triage first) — but an ID or card number typed in the chat always gets the warning. While
    nobody has picked the chat up yet, no message is left without a reply (``held_reply``)."""
    current = handover_store.current(turn.ctx.session, turn.inbound.user_id)
    if current is None:  # staff closed it
        turn.st.pop("human", None)
        turn.st["mode"] = "idle"
        from .graph import dispatch  # the message is the bot's again
        return dispatch(turn)
    if current.status == "waiting" and turn.inbound.kind in ("text", "voice") and turn.text:
        return held_reply(turn)
    danger = _r()._danger_notice(turn.inbound)
    lines = [danger, T("human_no_id_in_chat") if _sends_id_number(turn) else None,
             T("human_phone_callback") if _leaves_phone(turn) else None]
    return Outbound("\n".join(x for x in lines if x) or None)


def _sends_id_number(turn: Turn) -> bool:
    from ground.privacy import contains_id_or_card_number

    return turn.inbound.kind in ("text", "voice") and contains_id_or_card_number(turn.text or "")


def _leaves_phone(turn: Turn) -> bool:
    """A phone typed into the chat (「我电话138… 让他打给我」), no ID number with it: the call-back
    cannot happen from a masked transcript, which the citizen is told instead of an ID warning."""
    from ground.privacy import contains_phone_number

    return turn.inbound.kind in ("text", "voice") and contains_phone_number(turn.text or "") \
        and not _sends_id_number(turn)


def held_reply(turn: Turn) -> Outbound:
    """Waiting for a person: the message is acknowledged (staff will read it, and when they
    work), an ID number gets the warning not to send it here (it is stored masked), a case
    statement gets the offer of the bot's answer meanwhile; said once in full, then short."""
    shown = turn.st.setdefault("notices", [])
    lines: list[str] = []
    danger = _r()._danger_notice(turn.inbound)
    if danger:
        lines.append(danger)
    if _sends_id_number(turn):
        lines.append(T("human_no_id_in_chat"))
    elif _leaves_phone(turn):
        lines.append(T("human_phone_callback"))
    if "human_waiting_noted" not in shown:
        shown.append("human_waiting_noted")
        lines.append(T("human_waiting_noted"))  # the hours were in the handover's acknowledgement
    elif not lines:
        lines.append(T("human_waiting_short"))
    if memory.is_matter(turn.case.get("topic")) and "human_waiting_offer" not in shown and not _sends_id_number(turn) \
            and not _leaves_phone(turn):
        shown.append("human_waiting_offer")
        lines.append(T("human_waiting_offer"))
    return Outbound("\n".join(lines))

