"""The dialog router: one Inbound in, one Outbound out, the same for every channel.

Each message: load the conversation row, migrate it to the typed state, note what the
text says in the case file (memory.py), recognise the dialogue act (acts.py) and any
urgent situation (intents/triage.py), then let the declared graph (graph.py) pick the
route: global fallbacks first, then the active mode's handlers, then its catch-all.
Finally the reply is shaped for a phone (economy: short, no repeated line, notices
once, no links in a crisis) and the state saved. Nothing lives in process memory.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy.orm import Session

from handoff import chatflow
from handoff.applications import Eligibility
from handoff.offices import describe_list, nearest
from handoff.texts import H
from intents import detect, extract

from intents.parsing import compact, looks_like_question
from knowledge_base import store as kb_store
from knowledge_base.match import MatchResult
from ground.privacy import contains_personal_numbers, looks_like_personal_data, mask_personal_data
from knowledge_base.service import KnowledgeService

from .. import conversation as conv_store
from ..inbound import Inbound, Outbound
from ..menu import text_for_key
from ..replies import anchor, cut_at_sentence, fit, numbered
from ..texts import T
from ..texts import clarify_text as texts_clarify
from . import memory, thread
from .acts import Act, classify
from .state import ConversationState

log = logging.getLogger(__name__)
BUBBLE = 200          # what a reply bubble aims at; the rest is behind 「详细」 or the link


@dataclass
class DialogContext:
    """What the router needs from the outside world, injected by app, CLI or tests."""

    session: Session
    kb: KnowledgeService
    faq_url: Callable[[str], str]
    result_url: Callable[[int], str] | None = None
    h5_url: Callable[[str, str], str] | None = None  # (page, user_id) → signed link: apply | book | mine


def _flow(ctx: DialogContext, state: dict, user_id: str) -> chatflow.FlowContext:
    """The handoff's view of this conversation: links, the latest eligibility result, the case file."""
    def eligibility() -> Eligibility | None:
        from sqlalchemy import select

        record = None
        if state.get("last_result"):
            record = ctx.session.get(conv_store.EligibilityRecord, state["last_result"])
        if record is None or record.user_id != user_id:
            record = ctx.session.scalars(select(conv_store.EligibilityRecord)
                                         .where(conv_store.EligibilityRecord.user_id == user_id)
                                         .order_by(conv_store.EligibilityRecord.id.desc())).first()
        if record is None and (state.get("case") or {}).get("region"):
            # No check yet, but the place is known: booking can still offer the right office.
            return Eligibility(0, {"region": state["case"]["region"]}, {})
        return Eligibility(record.id, record.facts or {}, record.result or {}) if record else None

    link = (lambda page: (lambda uid: ctx.h5_url(page, uid))) if ctx.h5_url else (lambda page: None)  # type: ignore[misc]
    flow = chatflow.FlowContext(ctx.session, user_id, link("apply"), link("book"), link("mine"), eligibility)
    if hasattr(flow, "case"):
        flow.case = dict(state.get("case") or {})  # type: ignore[attr-defined]
    return flow


# Steps whose answers are personal numbers: the transcript keeps them masked (PIPL 6).
_MASKED_STEPS = ("field:id_number", "field:phone", "field:name")


# ---------------------------------------------------------------- FAQ answers

def answer_text(ctx: DialogContext, faq_id: str, offer: bool = True, state: dict | None = None) -> tuple[str, dict]:
    """A short answer (~200 characters; the rest behind 「详细」), its offer, and the pending offer.

    offer=False inside a form: the form's own prompt is the only offer, so one reply
    never gives 「1」 two meanings. The feedback prompt is asked once per conversation.
    """
    entry = ctx.kb.entry(ctx.session, faq_id)
    if entry is None:
        return T("unsure"), {}
    from .regional import caveat

    link = ctx.faq_url(entry.faq_id)
    body = entry.short_answer.strip()
    # another place's rule, read by a citizen elsewhere: whose rule it is, said within the bubble
    local = caveat(entry.short_answer, ((state or {}).get("case") or {}).get("region"))
    room = BUBBLE - (len(local) if local else 0)
    longer = bool(entry.full_answer) or len(body) > room
    if len(body) > room:
        body = cut_at_sentence(body, room)
    if longer:
        body += "\n" + T("more_detail").format(link=link)
    if local:
        body += "\n" + local
    tail: list[str] = []
    decided = (state or {}).get("decision") in ("eligible", "likely_eligible", "mandatory")
    if offer:
        offer_key = {"eligibility": "offer_eligibility", "apply": "offer_apply"}.get(entry.follow_up, "offer_hotline")
        if offer_key == "offer_eligibility" and decided:
            offer_key = "offer_after_decision"  # decided already: 「看看能不能申请」 would ask it again
        tail.append(T(offer_key))
        shown = (state or {}).setdefault("notices", []) if state is not None else []
        if "feedback" not in shown:
            tail.append(T("feedback_prompt"))
            shown.append("feedback")
    pending = {"type": "offer", "action": entry.follow_up, "matter": entry.code, "faq_id": entry.faq_id}
    if decided and entry.follow_up == "eligibility":
        pending = {"type": "after_result", "decision": (state or {}).get("decision")}
    return fit("\n\n".join([body, "\n".join(tail)]) if tail else body, link), pending


def full_answer(ctx: DialogContext, state: dict, faq_id: str) -> Outbound:
    """「详细」: the whole answer, within WeChat's limit, the page link for the rest."""
    entry = ctx.kb.entry(ctx.session, faq_id)
    if entry is None:
        return Outbound(T("detail_nothing"))
    link = ctx.faq_url(faq_id)
    text = entry.full_answer or entry.short_answer
    return Outbound(fit(f"{text}\n{anchor(link, '查看完整内容')}", link), faq_id=faq_id, code=entry.code)


def result_materials(turn) -> Outbound:
    """The materials list of the latest decision (「详细」 right after it)."""
    from .decision import materials_text

    record = turn.ctx.session.get(conv_store.EligibilityRecord, turn.st["last_result"])
    if record is None:
        return Outbound(T("detail_nothing"))
    link = turn.ctx.result_url(record.id) if turn.ctx.result_url else None
    return Outbound(materials_text(record.result or {}, link))


def clarify_text(result: MatchResult) -> str:
    return texts_clarify([h.question for h in result.choices])


def ask_kb(ctx: DialogContext, text: str) -> MatchResult:
    """The knowledge base's match, without answers whose premise the message never states
    (state compensation after an acquittal for 「我想让他赔钱」: legal_check.py)."""
    from .legal_check import without_unmet_premises

    return without_unmet_premises(ctx.kb.match(ctx.session, text), text)


# ---------------------------------------------------------------- the pre-check (questionnaire mode)

def _questionnaire():
    """The eligibility questionnaire (intents/questionnaire.py), imported when first needed."""
    from intents import questionnaire
    return questionnaire


def start_questionnaire(turn) -> Outbound:
    """Start the eligibility check from the case file: nothing the citizen said is asked again."""
    st = turn.st
    facts = memory.questionnaire_facts(turn.case)
    if "matter" not in facts and st.get("last_faq"):
        last = turn.ctx.kb.entry(turn.ctx.session, st["last_faq"])
        if last is not None:
            facts["matter"] = last.code  # the questionnaire drops codes that are not matters
    step = _questionnaire().start(facts, offer_urgency=False, ruled_out=memory.ruled_out(turn.case))
    if not step.done and (step.state or {}).get("current") == "region" and facts.get("matter"):
        step = decision_anywhere(facts) or step  # the place cannot change the result: decided now
    return _after_step(turn, step)


def decision_from_case(turn, anywhere: bool = False):
    """The questionnaire's finished step when the case file alone decides (else None); with
    ``anywhere``, also when only the place is missing and cannot change the result."""
    facts = memory.questionnaire_facts(turn.case)
    if not facts.get("matter"):
        return None
    step = _questionnaire().start(facts, offer_urgency=False)
    if step.done and (step.result or {}).get("decision") not in (None, "needs_more_info"):
        return step
    if anywhere and not step.done and (step.state or {}).get("current") == "region":
        return decision_anywhere(facts)
    return None


# Places of every kind the rules know (a Fujian county with its own document, a Jilin city with
# its minimum-wage line, a place with no local data): when all give the same decision for the
# same reasons, the place cannot change the result and is not asked before deciding.
PROBE_PLACES = ("石狮市", "长春市", "吉林市", "合肥市")
_NEUTRAL_PLACE = "合肥市"


def decision_anywhere(facts: dict):
    """The decision when it is the same wherever the matter is handled (a domestic-violence victim,
    LAL 32(4): no hardship test anywhere), else None. Legal-aid-facts §9: ask only what the result
    still depends on. The place is not written into the case; "where to apply" reads 「当地」."""
    import copy
    import json

    steps = [_questionnaire().start({**facts, "region": place}, offer_urgency=False) for place in PROBE_PLACES]
    results = [s.result or {} for s in steps]
    if not all(s.done for s in steps) or results[0].get("decision") in (None, "needs_more_info", "not_eligible"):
        return None
    if any((r.get("decision"), r.get("reasons")) != (results[0].get("decision"), results[0].get("reasons")) for r in results):
        return None
    step = steps[PROBE_PLACES.index(_NEUTRAL_PLACE)]
    step.result = json.loads(json.dumps(step.result, ensure_ascii=False).replace(_NEUTRAL_PLACE, "当地"))
    step.state = copy.deepcopy(step.state)
    (step.state.get("facts") or {}).pop("region", None)
    return step


def record_decision(turn, step) -> str:
    """Keep the decision (a row for statistics and the result page) and return its bubble."""
    result = step.result or {}
    facts = dict((step.state or {}).get("facts", {}))
    for key in memory.SECTION3:
        if key == "age" and turn.case.get("accused_under_18") and turn.case.get("age") is None:
            continue  # the bound used for the rules, not an age anyone said
        if facts.get(key) is not None:
            turn.case[key] = facts[key]
    record = conv_store.EligibilityRecord(
        user_id=turn.inbound.user_id, matter=facts.get("matter"), region=facts.get("region"),
        decision=result.get("decision", "needs_more_info"), priority=bool(result.get("priority")),
        questions=int(getattr(step, "question_count", 0) or 0), facts=facts, result=result)
    turn.ctx.session.add(record)
    turn.ctx.session.flush()
    turn.st["decision"] = result.get("decision")
    turn.st["last_result"] = record.id
    turn.st["decided_on"] = _decision_key(turn.case)
    from .decision import decision_bubble

    link = turn.ctx.result_url(record.id) if turn.ctx.result_url else None
    return decision_bubble(result, facts, link, shown=turn.st.setdefault("notices", []))


def _decision_key(case: dict) -> str:
    import json
    return json.dumps(memory.questionnaire_facts(case), sort_keys=True, ensure_ascii=False, default=str)


_VERDICTS = {"eligible": "按您说的情况，可以申请法律援助", "likely_eligible": "按您说的情况，很可能可以申请法律援助",
             "mandatory": "这种情况国家应当指派律师，不用看经济条件", "not_eligible": "按您说的情况，暂时不符合法律援助条件"}


def decision_again(turn) -> str | None:
    """The decision already given on these same facts, said again in one line (not the whole bubble)."""
    decision = turn.st.get("decision")
    if decision not in _VERDICTS or turn.st.get("decided_on") not in (
            _decision_key(turn.case), _decision_key({**turn.case, "region": None})):
        return None
    record = turn.ctx.session.get(conv_store.EligibilityRecord, turn.st.get("last_result") or -1)
    result = (record.result or {}) if record else {}
    from .decision import _head, _plain

    cites = "；".join(dict.fromkeys(_plain(_head(str(r))) for r in (result.get("reasons") or [])[:2])) or "见上面的结果"
    from .decision import key_lines

    why = "".join(key_lines(result, ["local_caveat"], memory.questionnaire_facts(turn.case)))
    reason = f"：{why}" if why else f"（依据：{cites}）。"  # one line: the figure again, not the earlier lines
    action = "想申请回复「申请」，想约时间当面谈回复「预约」。" if decision != "not_eligible" else "还可以拨打 12348 免费咨询。"
    turn.st["pending"] = {"type": "after_result", "decision": decision}
    return T("decision_again").format(verdict=_VERDICTS[decision], reason=reason, action=action)


def new_decision(turn, anywhere: bool = False):
    """A decision the case file reaches now and that was not given on these same facts before
    (a place added to a decision that did not depend on the place changes nothing)."""
    if turn.st.get("decided_on") in (_decision_key(turn.case), _decision_key({**turn.case, "region": None})):
        return None
    return decision_from_case(turn, anywhere)


def same_decision(turn, step) -> bool:
    """Whether ``step`` decides as the last decision did, for the same reasons (a new fact that
    changes nothing: 「我月收入八千」 beside a good samaritan's claim, LAL 32(2))."""
    if (step.result or {}).get("decision") != turn.st.get("decision") or not turn.st.get("last_result"):
        return False
    record = turn.ctx.session.get(conv_store.EligibilityRecord, turn.st["last_result"])
    return record is not None and (record.result or {}).get("reasons") == (step.result or {}).get("reasons")


def _after_step(turn, step, lead: str | None = None) -> Outbound:
    st = turn.st
    if step.done:
        st.pop("q", None)
        result = step.result or {}
        text = record_decision(turn, step)
        offer = _leave_questionnaire(turn)
        st["pending"] = {"type": "after_result", "decision": result.get("decision")}
        if offer:
            text = f"{text}\n\n{offer}"
        return Outbound("\n".join(x for x in (lead, text) if x))
    st["q"] = step.state
    st["mode"] = "questionnaire"
    _case_from_questionnaire(turn, step.state)
    # Notices already shown in this conversation (by triage) are not repeated by the questionnaire.
    from .handlers import _NOTICE_KINDS

    shown = st["q"].setdefault("notices", [])
    for kind in st.get("notices") or []:
        shown.extend(k for k in _NOTICE_KINDS.get(kind, ()) if k not in shown)
    return Outbound("\n".join(x for x in (lead, step.text) if x))


def _case_from_questionnaire(turn, qstate: dict) -> None:
    """Answers given in the questionnaire go into the case file at once, so a question typed
    mid-form, or the form left half-way, still knows the matter (「离婚」 answered → topic)."""
    for key, value in (qstate.get("facts") or {}).items():
        if key in memory.SECTION3 and value is not None:
            turn.case[key] = value  # the questionnaire started from the case file: it differs only if changed there
    matter = (qstate.get("facts") or {}).get("matter")
    if memory.is_matter(matter) and not memory.is_matter(turn.case.get("topic")):
        turn.case["topic"] = matter


def _leave_questionnaire(turn) -> str | None:
    from .handlers import leave
    turn.st["mode"] = "questionnaire"
    return leave(turn)


MISSES_BEFORE_WAY_OUT = 2


def continue_questionnaire(turn) -> Outbound:
    """The answer to the current question — or facts said another way, absorbed from the case file.

    An answer that also states other facts (「我在吉林市 是低保户」 to the place question) keeps
    them too. After two answers in a row that could not be read, the citizen is offered a way
    out (skip, a person, 12348) instead of the same menu a third time."""
    q = _questionnaire()
    before = q.rule_out(turn.st["q"], memory.ruled_out(turn.case))
    step = q.answer(before, turn.text)
    if not getattr(step, "understood", True):
        usable = thread.absorbable(turn, before)
        if usable:
            step = q.add_facts(before, usable)
            if not step.done and step.state.get("current") == before.get("current"):
                if before.get("passed_over") == before.get("current") and q.may_skip(step.state):
                    # Asked twice, answered twice with other facts: the question is passed over
                    # (as 「跳过」 would), not asked a third time — the result may not depend on it.
                    step = q.answer(step.state, "跳过")
                    return _after_step(turn, step, memory.ack_line(turn.learned))
                # 「俺爹没退休金」 while asked about exemptions: noted, and the same question in one line
                step.state["passed_over"] = before.get("current")
                step.text = q.brief_question(step.state)
            return _after_step(turn, step, memory.ack_line(turn.learned))
        side = _side_answer(turn, before)
        if side is not None:
            return side
        if not step.done and (detect.names_errand(turn.text) or detect.books_elsewhere(turn.text)):
            # 「办身份证要带什么」 mid-check: another office's errand — said so, and the question again
            step.text = f"{T('offtopic_form')}\n{q.brief_question(step.state)}"
            return _after_step(turn, step)
        if turn.act is not None and turn.act.kind in ("thanks", "ack") and not step.done:
            # 「唔该」「知道了」 while a question waits: no wrong answer, the question again in one line
            step.text = f"{T('q_thanks' if turn.act.kind == 'thanks' else 'understood')}\n{q.brief_question(step.state)}"
            return _after_step(turn, step)
        if not step.done and _states_facts(turn):
            # 「没有打我 就是感情不和」 to the place question: what it said is kept and acknowledged —
            # never 「没看明白」 for a message we did read — then the question again in one line.
            step.text = f"{memory.ack_line(turn.learned) or T('noted')}\n{q.brief_question(step.state)}"
            return _after_step(turn, step)
        misses = int(before.get("misses") or 0) + 1
        if misses >= MISSES_BEFORE_WAY_OUT and not step.done:
            step.state["misses"] = 0
            way_out = T("q_way_out_skip" if q.may_skip(step.state) else "q_way_out")
            step.text = f"{way_out}\n{q.brief_question(step.state)}"
        else:
            step.state["misses"] = misses
        return _after_step(turn, step)
    step.state.pop("misses", None)
    extra = thread.absorbable(turn, step.state, before.get("current")) if not step.done else {}
    extra = {k: v for k, v in extra.items() if (step.state.get("facts") or {}).get(k) != v}
    if extra:
        lead = step.text.split("\n\n")[0] if "\n\n" in step.text and not step.done else None
        step = q.add_facts(step.state, extra)
        return _after_step(turn, step, lead)
    return _after_step(turn, step)


def _states_facts(turn) -> bool:
    """The message stated facts of the case (new ones, or ones already on file said again, such as
    「我自己就是被告」) and asks nothing."""
    if looks_like_question(turn.text):
        return False
    said = turn.learned or memory.facts_in(turn.text, turn.case.get("topic"), turn.case)
    return bool({k for k in said if k not in ("topic", "matter")})


_ASKS = re.compile(r"谁|哪|几|多少|多久|多长|要不要|能.{0,8}不$|(?:行|中|成|可以|能行)不(?:行|中|成)?(?!好|了)|呢$|[不没]$"
                   r"|点(?:打|样|算|办|搞|做)|几多|乜|咩|边度|边个|有冇|系咪|可唔可以|得唔得")  # and in Cantonese


def asks_something(text: str) -> bool:
    """A question in the words people type (「孩子跟谁」「我能分到不」), wider than a search query's."""
    return looks_like_question(text) or bool(_ASKS.search(compact(text)))


def _side_answer(turn, before: dict) -> Outbound | None:
    """A message that is no answer and no fact (「孩子归谁啊」「12348咋打」「律师费谁出」) is
    answered from the knowledge base inside the case's topic, then the pending question in one
    line — the questionnaire must not swallow it as a bad answer. None when nothing answers it."""
    if len(compact(turn.text)) < 4 or turn.act is not None:
        return None  # 「这个嘛」「哎呀呀」: no content to answer, the way out follows
    kind_text = thread._side_question(turn)
    if kind_text is not None:
        turn.st["last_followup"] = kind_text[0]
        text, faq_id = kind_text[1], None
    else:
        faq_id = thread.kb_answer_in_topic(turn) if asks_something(turn.text) else None
        if faq_id is None or faq_id in (turn.st.get("said") or [])[-1:]:
            return None  # a statement, no answer, or the answer just given: not the same bubble again
        text, _ = answer_text(turn.ctx, faq_id, offer=False)
        thread.remember_said(turn.st, faq_id)
    turn.st["q"] = before
    back = T("back_to_question_short").format(question=_questionnaire().brief_question(before))
    entry = turn.ctx.kb.entry(turn.ctx.session, faq_id) if faq_id else None
    return Outbound(f"{text}\n\n{back}", faq_id=faq_id, code=entry.code if entry else thread._topic_of(turn))


def would_answer(turn) -> bool:
    """Whether the knowledge base has a confident answer (the question is then answered mid-form)."""
    result = ask_kb(turn.ctx, turn.text)
    turn.st.setdefault("_kb", {})[turn.text] = result.top.faq_id if result.status == "answer" and result.top else None
    return result.status == "answer" and result.top is not None and detect.social_intent(turn.text) is None


def answer_mid_form(turn) -> Outbound:
    faq_id = (turn.st.pop("_kb", {}) or {}).get(turn.text)
    if faq_id is None:
        result = ask_kb(turn.ctx, turn.text)
        faq_id = result.top.faq_id if result.top else None
    text, _ = answer_text(turn.ctx, faq_id, offer=False) if faq_id else (T("unsure_short"), {})
    entry = turn.ctx.kb.entry(turn.ctx.session, faq_id) if faq_id else None
    return Outbound(text, faq_id=faq_id, code=entry.code if entry else None)


# ---------------------------------------------------------------- the router

def route(ctx: DialogContext, inbound: Inbound) -> Outbound:
    from .graph import DIALOG, dispatch
    from .handlers import Turn

    conv = conv_store.load_conversation(ctx.session, inbound.user_id, inbound.channel)
    # conv.state was just parsed from the row's JSON and is this message's alone: no copies
    st = ConversationState.from_dict(conv.state, copy_values=False).to_dict(copy_values=False)
    if inbound.kind == "click":
        said = text_for_key(inbound.event_key)
        inbound = Inbound(inbound.user_id, inbound.channel, "text", said) if said is not None else \
            Inbound(inbound.user_id, inbound.channel, "text", "帮助")
    text = (inbound.text or "").strip()
    if inbound.kind in ("text", "voice"):
        conv_store.record_message(ctx.session, inbound.user_id, "in", text, inbound.kind)
    turn = Turn(ctx=ctx, st=st, inbound=inbound, text=text)
    notice = None
    spec = DIALOG.get(turn.mode)
    if spec and spec.timeout and inbound.kind in ("text", "voice") and conv_store.is_stale(conv, within=spec.timeout):
        notice = spec.on_timeout(turn)
    if text and inbound.kind in ("text", "voice"):
        _understand(turn)
    out = dispatch(turn)
    if turn.route and turn.route.endswith(".ignored_event"):
        return out  # an event that is not the citizen speaking (TEMPLATESENDJOBFINISH …): nothing changes
    out = thread.not_verbatim(turn, out)
    out.text = _warn_id_number(turn, out.text)
    out.text = shape(turn, out.text, notice)
    thread.note_asked_fact_after(turn, out.text)
    thread.remember_reply(turn, out)
    final = ConversationState.from_dict({**turn.st, "last_route": turn.route}, copy_values=False)
    conv_store.save_state(conv, final.to_dict(copy_values=False))  # written as JSON at once
    conv.last_inbound_at = conv.updated_at
    conv_store.save_conversation(ctx.session, conv)
    if out.text:
        kind = "menu" if out.kind == "text" and out.options else out.kind  # the statistics read these
        conv_store.record_message(ctx.session, inbound.user_id, "out", out.text, kind, out.faq_id, out.code)
    if out.faq_id and out.code == SERVICE_FEEDBACK_CODE:
        _record_service_feedback(ctx, turn.st, inbound, out.faq_id)
    return out


def _understand(turn) -> None:
    """Command, dialogue act, case facts and triage of the text — before any route is tried."""
    from intents.extract import support_word
    from intents.person_facts import mandarin

    # Cantonese function words as Mandarin (「要带咩嘢去」), and the support fee named by who pays
    # whom (「孩子他爸不给扶养费」 is 抚养费): every route below reads the same plain words.
    turn.text = text = thread.strip_pointer(support_word(mandarin(turn.text)))
    turn.command = detect.command_of(text)
    in_form = turn.mode in ("apply", "book") or (turn.mode == "questionnaire")
    turn.act = classify(text, list((turn.st.get("pending") or {}).get("options") or []))
    # Personal data typed outside a form is never a question; a message that also says what
    # happened (「我要投诉法援律师，他收了我的钱 电话…」) is handled as what it says, masked.
    if turn.act is None and not in_form and (looks_like_personal_data(text) or (
            contains_personal_numbers(text) and (_little_besides_numbers(text) or _CONTACT_OFFER.search(text) or (
                not looks_like_question(text) and not _kb_answers(turn, mask_personal_data(text)))))):
        turn.act = Act("data")  # personal data typed outside a form: never a question, never searched
    if turn.mode in ("apply", "book") and str((turn.st.get("flow") or {}).get("step", "")).startswith("field:"):
        return  # a form field's answer (a name, a phone) is the form's, not the case file's
    if turn.act is not None and turn.act.kind == "data":
        return
    turn.st["_topic_before"] = turn.case.get("topic")
    turn.st["_matter_before"] = turn.case.get("matter")
    if turn.act is not None and turn.act.kind == "choice" and not in_form:
        return  # 「第二种」 picks from the last reply's list: not the matter list's 2 (工伤)
    case, learned = memory.update_case(turn.case, text)
    _keep_the_thread(turn.st, case, learned)
    _no_matter_from_errand(turn.st, case, learned, text)
    turn.st["case"] = case
    turn.learned = learned
    if learned.get("concerned_switched") and turn.mode == "questionnaire":
        # 「那我爸呢」 mid-check: the answers so far were about someone else — the check starts again
        # for this person from the case file (facts of the matter kept, the person's own asked anew).
        turn.st.pop("q", None)
        turn.st.pop("pending", None)
        turn.st["mode"] = "idle"
    turn.triage = _triage(text, case)


def _keep_the_thread(st: dict, case: dict, learned: dict) -> None:
    """Two thread rules over what the message was read to say (the reading itself: memory.py):

    - evidence listed for a case already decided stays that case's evidence — 「有出警记录 还有
      医院的病历」 from a DV victim is not a medical dispute (the hospital is where she was seen);
    - a criminal role with no matter yet (「我被人打了…打人的被警察抓了」: a victim) is the
      criminal matter, so the victim's own answers (LAL 29) are found, not a stranger's."""
    before = st.get("_topic_before")
    if st.get("decision") and learned.get("evidence") and memory.is_matter(before) and \
            learned.get("topic") not in (None, before) and set(learned) <= {"topic", "matter", "evidence"}:
        case["topic"] = before
        if case.get("matter") == learned.get("matter", learned.get("topic")):
            case["matter"] = st.get("_matter_before") or before
        learned.pop("topic", None)
        learned.pop("matter", None)
    if case.get("criminal_role") and not case.get("topic") and not learned.get("topic"):
        case["topic"] = "criminal.defense"
        learned["topic"] = "criminal.defense"


def _no_matter_from_errand(st: dict, case: dict, learned: dict, text: str) -> None:
    """An errand at another office (「社保卡丢了怎么补办」「预约办身份证」) names no matter: 社保 there
    is a card to replace, not a labour dispute — the case keeps the topic it had (in every mode,
    a crisis too), so later follow-ups are not answered for a dispute nobody has."""
    if not learned.get("topic") or not (detect.names_errand(text) or detect.books_elsewhere(text)):
        return
    case["topic"] = st.get("_topic_before")
    case["matter"] = st.get("_matter_before")
    learned.pop("topic", None)
    learned.pop("matter", None)


# 「给你我手机… 让律师打给我」「我电话是…有事联系我」: a number offered for a call back.
_CONTACT_OFFER = re.compile(r"打给我|联系我|回电|回个电话|打我(?:电话|手机)|给我打(?:电话|过来)|找我|加我微信")


def _kb_answers(turn, text: str) -> bool:
    """A statement the knowledge base answers confidently (a complaint about a lawyer) is what
    it says, even with a phone number in it; a bare 「给你我手机… 让律师打给我」 is not."""
    result = ask_kb(turn.ctx, text)
    return result.status == "answer" and result.top is not None


def _little_besides_numbers(text: str) -> bool:
    """「我妹妹电话158… 你们能联系她吗」: the number is the point, not a question for the FAQ."""
    rest = re.sub(r"[0-9Xx*\-\s，。,.?？!！]+", "", text)
    return len(rest) <= 12


def _triage(text: str, case: dict) -> Any:
    try:
        from intents.triage import assess
    except ImportError:
        return None
    try:
        return assess(text, case)
    except Exception:  # a triage bug must never silence the reply
        log.exception("triage failed")
        return None


_URL = re.compile(r"https?://\S+")


def _warn_id_number(turn, text: str | None) -> str | None:
    """An ID or bank-card number typed anywhere but the application form (which asks for it) and
    the 人工 chat (held_reply has its own line) gets one warning line first (PIPL 6, 28): the number
    is stored masked, and no consultation or pre-check needs it."""
    from ground.privacy import contains_id_or_card_number

    if not text or turn.inbound.kind not in ("text", "voice") or turn.mode in ("apply", "book", "human"):
        return text
    if not contains_id_or_card_number(turn.text or "") or T("data_without_form") in text:
        return text
    return f"{T('id_in_chat_warning')}\n\n{text}"


def shape(turn, text: str | None, notice: str | None = None) -> str | None:
    """Economy: a timeout notice first, no line twice in one bubble, no links or feedback
    prompt in a crisis, and WeChat's limit kept."""
    if text is None:
        return None
    if notice:
        text = f"{notice}\n\n{text}"
    lines: list[str] = []
    seen: set[str] = set()
    for line in text.split("\n"):
        key = line.strip()
        if key and key in seen and len(key) >= 12 and "：" not in key[:6]:
            continue
        if key:
            seen.add(key)
        lines.append(line)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    text = _offer_once(turn, text)
    text = _lawful(turn, text)
    if turn.case.get("crisis") or turn.mode == "crisis":
        text = "\n".join(l for l in text.split("\n") if not _URL.search(l) and T("feedback_prompt") not in l
                         and "回复「详细」" not in l).strip()
    return fit(text, None)


def _lawful(turn, text: str) -> str:
    """No reply asks for hardship proof the law waives for this citizen, or says a LAL 32
    status depends on the region (legal_check.py): the rules engine has the last word."""
    from .legal_check import consistent

    last = None
    if turn.st.get("last_result"):
        record = turn.ctx.session.get(conv_store.EligibilityRecord, turn.st["last_result"])
        last = (record.result or {}) if record is not None else None
    return consistent(text, memory.questionnaire_facts(turn.case), last) or text


# Closing offers, by what 「1」 then does: the same offer in other words is still the same offer.
_OFFERS = {"offer_eligibility": "precheck", "offer_after_decision": "apply", "next_precheck": "precheck", "next_precheck_short": "precheck",
           "offer_apply": "apply", "offer_hotline": "hotline"}


def _offer_once(turn, text: str) -> str:
    """The same closing offer (「回复「1」看看您能不能申请法律援助。」) is not added to two replies in
    a row: the offer still stands (the pending prompt is kept), it is just not said again."""
    lines = text.split("\n")
    offers = {T(key): kind for key, kind in _OFFERS.items()}
    said = [offers[l.strip()] for l in lines if l.strip() in offers]
    if said and said[-1] == turn.st.get("prev_offer") and len(lines) > 1:
        lines = [l for l in lines if offers.get(l.strip()) != said[-1]]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
        turn.st["prev_offer"] = None  # said again at the next chance, not never
    else:
        turn.st["prev_offer"] = said[-1] if said else None
    return text


SERVICE_FEEDBACK_CODE = "service.complaint"


def _record_service_feedback(ctx: DialogContext, state: dict, inbound: Inbound, faq_id: str) -> None:
    """A complaint about, or praise for, staff or a lawyer is an item for a person to follow up."""
    from knowledge_base.curation import record_service_feedback

    said = inbound.text or ""
    if detect.choice_number(said, 9) is not None:  # picked from a numbered list: the question came before
        said = state.get("last_question") or said
    record_service_feedback(ctx.session, inbound.user_id, inbound.channel, said, faq_id)


def _danger_notice(inbound: Inbound) -> str | None:
    from intents.special_paths import detect_kinds, notice_for

    if inbound.kind not in ("text", "voice") or not inbound.text:
        return None
    return notice_for("violence") if "violence" in detect_kinds(inbound.text) else None


def _start_apply(turn) -> Outbound:
    """「申请」: resume a draft or start one; without any eligibility result, the pre-check first."""
    from .handlers import enter

    flow = _flow(turn.ctx, turn.st, turn.inbound.user_id)
    enter(turn, "apply")
    text = chatflow.start_apply(flow, turn.st)
    if text is not None:
        if not turn.st.get("flow"):
            turn.st["mode"] = "idle"
        return Outbound(text)
    turn.st["mode"] = "questionnaire"
    out = start_questionnaire(turn)
    if turn.mode != "questionnaire":
        return out  # the case file decided at once (a DV victim, LAL 32(4)): its bubble says how to apply
    intro = _questionnaire().flow().intro
    body = (out.text or "").replace(f"{intro}\n\n", "", 1)  # 「apply_no_result」 already says why we ask
    out.text = f"{H('apply_no_result')}\n\n{body}"
    return out


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
    body = describe_list([(o, None) for o in found[:3]])
    return Outbound(fit(f"{place}的法律援助机构：\n{body}\n\n{T('nearest_tail')}"))


def _nearest_offices(inbound: Inbound) -> Outbound:
    if inbound.latitude is None or inbound.longitude is None:
        return Outbound(T("ask_location"))
    found = nearest(inbound.latitude, inbound.longitude, 3)
    body = describe_list(found)
    return Outbound(fit(f"{T('nearest_head')}\n{body}\n\n{T('nearest_tail')}"))


def _answer(ctx: DialogContext, state: dict, faq_id: str, question: str | None = None) -> Outbound:
    thread.remember_said(state, faq_id)
    text, pending = answer_text(ctx, faq_id, state=state)
    entry = ctx.kb.entry(ctx.session, faq_id)
    state["pending"] = pending
    state["last_faq"] = faq_id
    if entry is not None and entry.code:
        case = state.setdefault("case", {})
        if memory.stays_in_topic(case.get("topic"), entry.code, question or ""):
            pass  # a wage answer to 「农民工能免费找律师吗」 in a work-injury case: still a work injury (LAL 31(7))
        elif memory.is_matter(entry.code):  # custody is not support payments (LAL 31(4)): intents.extract
            case["topic"] = case["matter"] = extract.family_matter(entry.code, question or "", case.get("matter"))
        elif not case.get("topic") and entry.code != "other":
            case["topic"] = entry.code
    if question is not None:
        state["last_question"] = mask_personal_data(question)[:500]
    return Outbound(text, faq_id=faq_id, code=entry.code if entry else None)


def _topic_name(code: str) -> str:
    from knowledge_base.content_files import topic_names
    return topic_names().get(code, code)


def topic_text(ctx: DialogContext, code: str) -> str | None:
    """The topic's general answer (knowledge_base/content/topic_answers.yaml), or None."""
    return ctx.kb.topic_answer(code) or None


def _topic_reply(turn, code: str) -> Outbound:
    """A legal question whose topic we know but that has no entry: never 「不在我能帮忙的范围内」.

    Logged for curators (reason `topic`: what a new entry should answer) and filed in the
    transcript as a topic answer, which the statistics count apart from entry answers."""
    kb_store.record_unanswered(turn.ctx.session, turn.text, "topic", turn.inbound.channel, None, None)
    if memory.is_matter(code) or not memory.is_matter(turn.case.get("topic")):
        turn.case["topic"] = code  # a service topic never replaces the matter under discussion
    if f"topic:{code}" in (turn.st.get("said") or []):
        return thread.not_again(turn)
    thread.remember_said(turn.st, f"topic:{code}")
    general = topic_text(turn.ctx, code)
    body = cut_at_sentence(general, BUBBLE) if general else T("topic_general").format(topic=_safe_topic_name(code))
    if turn.st.get("decision") in ("eligible", "likely_eligible", "mandatory"):
        # Decided already: the topic's general line on whether aid applies (「各地规定不一样」) would
        # contradict the decision given for this case, so only its practical ways are kept.
        kept = [x for x in re.split(r"(?<=[。！？])", body) if x.strip() and not re.search(r"法律援助|法援", x)]
        body = "".join(kept) or body
        turn.st["pending"] = {"type": "after_result", "decision": turn.st["decision"]}
        return Outbound(f"{body}\n\n{T('offer_after_decision')}", code=code, kind="topic")
    turn.st["pending"] = {"type": "offer", "action": "eligibility", "matter": code}
    return Outbound(f"{body}\n\n{T('offer_eligibility')}", code=code, kind="topic")


def _safe_topic_name(code: str) -> str:
    try:
        return _topic_name(code).split("、")[0]
    except Exception:
        return "这类"


# Topics of general rules (who is exempt, what is covered): a case's own topic answers first.
_RULE_TOPICS = ("eligibility.",)

# An entry of the case's own topic this close to a question answers it even when the matcher
# took the message for small talk or was unsure (its answer bar, knowledge_base/match.py, is 0.19).
IN_TOPIC_SCORE = 0.2


def answer_in_topic(turn) -> Outbound:
    """A short follow-up: first within the current topic, then across the knowledge base."""
    topic = turn.case.get("topic")
    if topic:
        found = thread.within_topic(turn, topic)
        if found is not None:
            return found
    return _from_knowledge_base(turn)


def _from_knowledge_base(turn) -> Outbound:
    ctx, state, inbound = turn.ctx, turn.st, turn.inbound
    result = ask_kb(ctx, turn.text)
    top = result.top
    topic = turn.case.get("topic")
    code = (getattr(result, "topic", None) if result.status == "topic" else None) or (top.code if top else None)
    if turn.learned.get("criminal_role") in ("suspect", "defendant") and topic == "criminal.defense" and \
            (top is None or top.code != topic):
        # 「公司告我职务侵占 下个月开庭」: the accused's defence, never the entry a crime's word resembles
        return thread.within_topic(turn, topic) or _topic_reply(turn, topic)
    if turn.learned.get("domestic_worker") and str(topic or "").startswith("labor."):
        said = thread.domestic_worker_answer(turn, with_offer=True)  # a 保姆 hired by a family: no labour arbitration
        if said is not None:
            return said
    if thread.neighbour_dispute(turn.text) and not memory.is_matter(topic) and \
            not (result.status == "answer" and top is not None and memory.is_matter(top.code)):
        return thread.neighbour_answer(turn)  # a noisy neighbour is a dispute, not small talk
    if detect.property_dispute(turn.text) and not (result.status == "answer" and top is not None
                                                   and not str(top.code).startswith("legal_aid.")):
        # the property manager's charges: their ways on, not our own fee entry — but an entry a
        # curator wrote for them (any topic but legal aid's own) is the answer
        return _property_answer(turn)
    if result.status == "offtopic" and _rejection_stands(turn):
        return _off_topic(turn)
    if result.status in ("topic", "clarify") and len(compact(turn.text)) <= 10 and state.get("last_point") and \
            not turn.learned.get("topic") and not asks_something(turn.text):
        return thread.not_again(turn)  # 「还是不行啊」「跟他说了也不听」: a remark on the thread, not a new entry
    off_topic = code is not None and result.status in ("answer", "clarify", "topic") and \
        not thread.switches_topic(turn, code)
    if off_topic and topic:
        # A short remark in the thread (「已经一年没给了」 about child support): the topic under
        # discussion decides, not the best hit in another one.
        within = thread.within_topic(turn, topic) if looks_like_question(turn.text) else None
        return within or _topic_reply(turn, topic)  # a remark gets the topic's way forward, not a stray entry
    if result.status in ("answer", "clarify") and top is not None and memory.is_matter(topic) and \
            str(top.code).startswith(_RULE_TOPICS) and not turn.learned.get("topic"):
        # 「我想让他赔钱 能有法律援助吗」 from a crime victim: a general rule's entry (here a retrial's
        # state compensation) loses to the case's own answer (LAL 29) when its topic has one.
        own = thread.within_topic(turn, topic)
        if own is not None:
            return own
    if result.status == "answer" and top is not None:
        return thread.fresh_answer(turn, top.faq_id)
    in_topic = [h for h in result.hits[:3] if topic and h.code == topic]
    if result.status == "clarify" and in_topic:
        return thread.fresh_answer(turn, in_topic[0].faq_id)  # the topic under discussion decides
    if result.status == "clarify" and top is not None:
        state["pending"] = {"type": "choose", "faq_ids": [h.faq_id for h in result.choices],
                            "options": [h.question for h in result.choices]}
        state["last_question"] = mask_personal_data(turn.text)[:500]
        kb_store.record_unanswered(ctx.session, turn.text, "low_confidence", inbound.channel, top.faq_id, top.score)
        return Outbound(clarify_text(result), code=result.code, options=[h.question for h in result.choices])
    if result.status == "topic":
        code = getattr(result, "topic", None) or (top.code if top else None) or turn.case.get("topic")
        if code:
            return _topic_reply(turn, code)
    if turn.case.get("topic"):
        # A question in the topic under discussion: its own entry when one fits well (the matcher's
        # small-talk guess aside: 「附带民事诉讼怎么提」 in a fraud case), else the topic's way forward.
        own = [h for h in result.hits[:3] if h.code == turn.case["topic"] and h.score >= IN_TOPIC_SCORE]
        if own and memory.is_matter(turn.case["topic"]) and asks_something(turn.text):
            return thread.fresh_answer(turn, own[0].faq_id)
        return _topic_reply(turn, turn.case["topic"])
    kb_store.record_unanswered(ctx.session, turn.text, "unsure", inbound.channel,
                               top.faq_id if top else None, top.score if top else None)
    state.pop("pending", None)
    return thread.refusal(turn, "unsure")


PROPERTY = "property"  # its key in ``said``


def _property_answer(turn) -> Outbound:
    """The ways on in a dispute with the property manager (bot/texts.yaml ``property_answer``), once.
    No entry answers it, so it waits in the curators' queue like a topic's general answer."""
    kb_store.record_unanswered(turn.ctx.session, turn.text, "topic", turn.inbound.channel, None, None)
    if PROPERTY in (turn.st.get("said") or []):
        return thread.not_again(turn)
    thread.remember_said(turn.st, PROPERTY)
    if not memory.is_matter(turn.case.get("topic")):
        turn.case["topic"] = "eligibility.scope"
    turn.st["pending"] = {"type": "offer", "action": "eligibility", "matter": None}
    turn.st["last_point"] = T("property_answer").split("\n")[0]
    return Outbound(T("property_answer"), code="eligibility.scope", kind="topic")


def _rejection_stands(turn) -> bool:
    """Whether the matcher's 「not a legal question」 decides, against a topic the case file holds.

    Why: a keyword of this very message (社保 in 「社保卡丢了怎么补办」) set a topic the matcher had
    just rejected, and the topic's general answer came back; mid-case, an errand at another
    office (「港澳通行证怎么预约」「办身份证要带什么」) got the case's topic answer. A remark in the
    thread (「已经一年没给了」) is read by the matcher as off-topic too: the topic keeps it."""
    if not turn.st.get("_topic_before"):
        return True
    return detect.names_errand(turn.text) or detect.books_elsewhere(turn.text)


def _off_topic(turn) -> Outbound:
    """The refusal: the full one with no case yet; mid-case a short one, and the case goes on."""
    before = turn.st.get("_topic_before")
    if turn.learned.get("topic") and turn.case.get("topic") != before:
        turn.case["topic"] = before  # the matcher rejected it: the keyword's topic is not the case's
        turn.case["matter"] = turn.st.get("_matter_before")
    kb_store.record_unanswered(turn.ctx.session, turn.text, "offtopic", turn.inbound.channel, None, None)
    if not before:
        turn.st.pop("pending", None)
        return thread.refusal(turn, "offtopic")
    return Outbound(T("offtopic_mid").format(topic=_safe_topic_name(before)), code="other")


def _feedback(ctx: DialogContext, state: dict, inbound: Inbound, pending: dict, command: str) -> Outbound:
    faq_id = pending.get("faq_id")
    conv_store.record_message(ctx.session, inbound.user_id, "in", command, "feedback", faq_id)
    if command == "unhelpful":
        kb_store.record_unanswered(ctx.session, state.get("last_question") or "", "unhelpful",
                                   inbound.channel, faq_id, None)
    state.pop("pending", None)
    return Outbound(T("feedback_thanks_good" if command == "helpful" else "feedback_thanks_bad"))
