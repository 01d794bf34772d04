"""Keeping the thread: what makes a conversation feel like one with an intake worker.

Why a module of its own: an independent tester's 30 conversations (2026-12-02) lost the
thread in the same few ways — a question typed while a form question waited got 「没看明白」 and
the same menu; a short remark in a wage case jumped to another topic's best hit; an answer
was given twice word for word; a fact the bot had just asked for was not read as that fact;
a matter usually outside the scope got seven irrelevant exemptions. Each rule here is one of
those failures made general:

- side questions inside a form (materials, time, cost, who may apply for someone) are
  answered and the pending question asked again in one line (``asks_followup_mid_form``);
- the topic under discussion wins over a hit elsewhere unless the message names its own
  matter or is a full question (``switches_topic``), and the case file tells which answer of
  the topic a remark wants (``context_words``);
- an answer is never repeated: the one point asked, the topic's way forward, or a numbered
  question back (``fresh_answer``, ``point_asked``, ``not_again``);
- a fact the last reply asked for stays awaited for a few messages (``answers_asked_fact``);
- a matter usually out of scope, or a concrete problem we list no matter for, gets the way
  on at once instead of a questionnaire or a menu (``scope_note``, ``concrete_problem``).

Handlers take the Turn (handlers.py); router helpers are reached late (``_r()``) because the
router imports the graph, which imports this module.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from handoff import chatflow
from intents.parsing import compact, looks_like_question
from knowledge_base import store as kb_store

from ..inbound import Outbound
from ..replies import numbered
from ..texts import T
from . import memory

if TYPE_CHECKING:
    from .handlers import Turn


def _r():
    from . import router
    return router


def _h():
    from . import handlers
    return handlers


SAID_KEPT = 12   # answers remembered per conversation (the state stays small)


def remember_said(state: dict, key: str) -> None:
    """Note an answer given (a faq id, "topic:<code>", "followup:<kind>…"): the last few are not said again."""
    said = [k for k in state.get("said") or [] if k != key]
    state["said"] = (said + [key])[-SAID_KEPT:]


def fresh_answer(turn, faq_id: str) -> Outbound:
    """An answer, unless it was already given in this conversation: then the one point of it
    the message asks about, or a question back — never the same bubble word for word."""
    if faq_id not in (turn.st.get("said") or []):
        return _r()._answer(turn.ctx, turn.st, faq_id, turn.text)
    entry = kb_store.get_entry(turn.ctx.session, faq_id)
    point = point_asked(entry.short_answer if entry else "", turn.text, turn.st.get("last_question") or "")
    if point:
        return Outbound(T("said_point").format(point=point), faq_id=faq_id, code=entry.code if entry else None)
    other = _next_fresh(turn, faq_id)
    if other is not None:  # the same entry was the best hit, no sentence of it is asked: the next one of its topic
        return _r()._answer(turn.ctx, turn.st, other, turn.text)
    topic = turn.case.get("topic")
    if memory.is_matter(topic) and f"topic:{topic}" not in (turn.st.get("said") or []):
        return _r()._topic_reply(turn, topic)  # 「医生不承认」「该找谁」: the topic's way forward, said once
    return not_again(turn)


NEXT_FRESH_SHARE = 0.8   # how close to the best hit the next entry must score to answer instead


def _next_fresh(turn, faq_id: str) -> str | None:
    """An entry of the same topic, not given yet, that scores nearly as well as the one already
    given (「那老板跑了呢」 after the wage answer: the absconded-boss entry, not 「上面说的就是这一点」)."""
    said = turn.st.get("said") or []
    result = _r().ask_kb(turn.ctx, turn.text)
    best = next((h for h in result.hits if h.faq_id == faq_id), None)
    if best is None or result.status not in ("answer", "clarify"):
        return None
    before = turn.st.get("last_question") or ""
    new = _content_chars(turn.text) - _content_chars(before) if before else set()
    for h in result.hits[:4]:
        if h.faq_id != faq_id and h.faq_id not in said and h.code == best.code and h.score >= best.score * NEXT_FRESH_SHARE \
                and (not new or len(new & _content_chars(h.question)) >= min(2, len(new))):
            return h.faq_id  # its question asks what the message adds (「找谁」), not only the topic's words
    return None


# Characters too common to say what a message is about.
_COMMON_CHARS = set("的了是我你他她也有吗呢吧啊在这那个一不没就都和与及或等说人去来到要会能可以把被给对该")


def _content_chars(text: str) -> set[str]:
    return {c for c in re.sub(r"[^\u4e00-\u9fa5]", "", text)} - _COMMON_CHARS


def point_asked(answer: str, text: str, before: str = "") -> str | None:
    """The sentence of an answer already given that shares most words with the message
    (「嫁出去的闺女没份」 → 「……出嫁、户口迁走都不影响」), or None when none shares three.

    What the message adds to the question answered before (``before``) must be in that sentence
    too: 「工资被拖欠了该找谁」 after 「老板拖欠工资怎么办」 asks 「找谁」, which 「被拖欠工资，可以依法
    讨要」 shares nothing of — pointing at it would be a non-answer."""
    asked = _content_chars(text)
    new = asked - _content_chars(before) if before else set()
    best, score = None, 2
    for sentence in re.split(r"(?<=[。；！？])", answer):
        sentence = re.sub(r"（[^）]*）|\([^)]*\)", "", sentence).strip()
        if len(sentence) < 6:
            continue
        words = _content_chars(sentence)
        if new and len(new & words) < min(2, len(new)):
            continue  # the sentence does not say what the message adds
        shared = len(asked & words)
        if shared > score:
            best, score = sentence, shared
    return best.rstrip("；，,;。") + "。" if best else None


def not_again(turn) -> Outbound:
    """Nothing new to say: a remark (「佢话工厂冇钱」) is noted and the next step offered; a question
    gets, once, a question back with numbered ways on, and after that a short way to a person."""
    topic = turn.case.get("topic")
    if not looks_like_question(turn.text):  # 「医院说是食物中毒」: a fact for the file, not a question
        return Outbound(f"{memory.ack_line(turn.learned) or T('understood')}\n{_h()._next_step(turn)}", code=topic)
    shown = turn.st.setdefault("notices", [])
    if "again_menu" in shown:
        return Outbound(T("said_again_short"), code=topic)
    shown.append("again_menu")
    options = [T("again_choice_precheck"), T("again_choice_materials"), T("again_choice_person")]
    turn.st["pending"] = {"type": "again", "options": options}
    return Outbound(T("again_question").format(options=numbered(options)), code=topic, options=options)


def within_topic(turn, topic: str) -> Outbound | None:
    """The best answer inside the topic under discussion, one not given yet first."""
    within = _r().ask_kb(turn.ctx, f"{context_words(turn.case) or _r()._safe_topic_name(topic)} {turn.text}")
    alone = _r().ask_kb(turn.ctx, turn.text)
    hits = [h for h in within.hits[:4] if h.code == topic and within.status in ("answer", "clarify", "topic")]
    hits += [h for h in alone.hits[:3] if h.code == topic and alone.status in ("answer", "clarify")]
    if not hits:
        return None
    said = turn.st.get("said") or []
    fresh = [h for h in hits if h.faq_id not in said]
    return fresh_answer(turn, (fresh or hits)[0].faq_id)


def kb_answer_in_topic(turn) -> str | None:
    """The faq id that answers a message inside the topic under discussion (the topic's own
    answer first: 「房子是婚前买的」 in a divorce is the divorce's property answer, not
    inheritance), else the knowledge base's confident answer to the message alone, else None."""
    topic = _topic_of(turn)
    alone = _r().ask_kb(turn.ctx, turn.text)
    alone_id = alone.top.faq_id if alone.status == "answer" and alone.top is not None else None
    if memory.is_matter(topic):
        if alone_id and alone.top.code.split(".")[0] == str(topic).split(".")[0]:
            return alone_id  # 「孩子跟谁」 in a divorce: custody, a neighbour of the topic, asked in its own words
        within = _r().ask_kb(turn.ctx, f"{context_words(turn.case) or _r()._safe_topic_name(topic)} {turn.text}")
        if within.status == "answer" and within.top is not None:
            return within.top.faq_id
    return alone_id


def context_words(case: dict) -> str:
    """What the case file says about whom and what (「判决书」, an old person) — it tells which
    question of the topic a short remark is (「已经一年没给了」 after a judgment: enforcement)."""
    words = [str(e) for e in (case.get("evidence") or [])[:2]]
    age = case.get("age")
    if isinstance(age, int) and not case.get("criminal_role"):
        words += ["老人"] if age >= 60 else (["孩子"] if age < 18 else [])
    return " ".join(words)


def concrete_answer(turn) -> Outbound | None:
    """The knowledge base's confident answer to a problem described in words, without offers
    (the caller adds 12348 and a person), or None."""
    result = _r().ask_kb(turn.ctx, turn.text)
    if result.status != "answer" or result.top is None:
        code = getattr(result, "topic", None) or (result.top.code if result.top else None)
        if result.status in ("topic", "clarify") and memory.is_matter(code):
            return _r()._topic_reply(turn, code)
        turn.st["pending"] = {"type": "offer", "action": "eligibility", "matter": None}
        return Outbound(T("concrete_unknown"), code="other")
    remember_said(turn.st, result.top.faq_id)
    text, pending = _r().answer_text(turn.ctx, result.top.faq_id, offer=False)
    turn.st["pending"] = pending
    turn.st["last_faq"] = result.top.faq_id
    if memory.is_matter(result.top.code):
        turn.case["topic"] = result.top.code
    return Outbound(text, faq_id=result.top.faq_id, code=result.top.code)


def switches_topic(turn, code: str | None) -> bool:
    """Whether a hit in another topic may take over: only on strong evidence — the message
    names its own matter, or it is a full question of its own, not a short remark in the thread."""
    topic = turn.case.get("topic")
    if not topic or not code or code == topic or not memory.is_matter(topic):
        return True
    if turn.learned.get("topic") and turn.learned["topic"] != turn.st.get("_topic_before"):
        return True
    if not memory.is_matter(code):
        # A question about the service (「要钱吗」) may leave the matter; a remark (「饭店说不关他们事」) may not.
        return looks_like_question(turn.text)
    return len(compact(turn.text)) >= 16 and looks_like_question(turn.text)


AWAIT_TURNS = 3   # how many messages a fact the bot asked for stays awaited


def note_asked_fact_after(turn, reply: str | None) -> None:
    """A reply that ends by asking a fact (「他今年多大？」) waits for it, like a form question."""
    from .acts import asked_fact

    awaiting = turn.st.pop("awaiting", None) or {}
    if awaiting and turn.case.get(awaiting.get("field")) is None and int(awaiting.get("left") or 0) > 1:
        # still awaited for a turn or two: 「能给他送点衣服吗」 first, then 「他才十九」
        turn.st["awaiting"] = {"field": awaiting["field"], "left": int(awaiting["left"]) - 1}
    if turn.mode not in ("idle", "crisis") or turn.st.get("pending") or not reply:
        return
    field = asked_fact(reply)
    if field and turn.case.get(field) is None:
        turn.st["pending"] = {"type": "ask_fact", "field": field}
        turn.st["awaiting"] = {"field": field, "left": AWAIT_TURNS}


def absorbable(turn, qstate: dict, answered: str | None = None) -> dict:
    """Facts this message stated that the questionnaire can keep (not the field just answered,
    and not a second matter once one is known): a later question they answer is then skipped."""
    known = qstate.get("facts") or {}
    return {k: v for k, v in memory.questionnaire_facts(turn.learned).items()
            if k != answered and (k != "matter" or "matter" not in known)}


# Neighbour nuisances (噪音、装修、漏水、占道、油烟、狗叫): a dispute between people, which the matcher's
# topic model reads as small talk (no legal word in 「隔壁装修天天砸墙 吵死了」). Legal-aid-facts §2.4:
# usually not covered, but free mediation and consultation — never 「不在我能帮忙的范围」.
NEIGHBOUR = "neighbour"   # its key in ``said`` and in scope_usually_out (bot/texts.yaml)
_NEIGHBOUR = re.compile(r"邻居|邻里|隔壁|楼上|楼下|对门|街坊|小区里")
_NUISANCE = re.compile(r"吵|噪|扰民|装修|砸墙|漏水|渗水|占(?:了|用)?(?:过道|楼道|车位|地方)|堆|油烟|狗|猫|垃圾|音乐|跳舞|蹦迪|打呼|震|臭|味")


def neighbour_dispute(text: str) -> bool:
    """「楼上半夜蹦迪」「邻居家狗天天叫」: a neighbour and a nuisance, in one message."""
    clean = compact(text)
    return bool(_NEIGHBOUR.search(clean) and _NUISANCE.search(clean))


def neighbour_answer(turn: Turn) -> Outbound:
    """The ways on in a neighbour dispute (bot/texts.yaml ``neighbour_answer``), once; then the next step."""
    if NEIGHBOUR in (turn.st.get("said") or []):
        return not_again(turn)
    remember_said(turn.st, NEIGHBOUR)
    turn.case.setdefault("topic", "eligibility.scope")
    turn.st["pending"] = {"type": "offer", "action": "eligibility", "matter": None}
    turn.st["last_point"] = T("neighbour_answer").split("\n")[0]
    return Outbound(T("neighbour_answer"), code="eligibility.scope")


DOMESTIC_WORKER = "domestic_worker"   # its key in ``said``


def domestic_worker_answer(turn: Turn, with_offer: bool = False) -> Outbound | None:
    """Pay owed to a 保姆 hired by a family: court or mediation, not labour arbitration (no labour
    relationship), and legal aid for it left to the agency (bot/texts.yaml ``domestic_worker_answer``).
    Said once (None after); ``with_offer`` adds the offer of the pre-check (else the caller adds it)."""
    if DOMESTIC_WORKER in (turn.st.get("said") or []):
        return None
    remember_said(turn.st, DOMESTIC_WORKER)
    turn.st["last_point"] = T("domestic_worker_answer").split("\n")[0]
    text = T("domestic_worker_answer")
    if with_offer:
        turn.st["pending"] = {"type": "offer", "action": "eligibility", "matter": turn.case.get("topic")}
        text = f"{text}\n\n{T('offer_eligibility')}"
    return Outbound(text, code=turn.case.get("topic"))


def scope_kind(turn: Turn) -> str | None:
    """The matter usually out of scope under discussion: the case's, or a neighbour dispute just answered."""
    matter = turn.case.get("matter") or turn.case.get("topic")
    if memory.is_matter(matter):
        return matter
    if NEIGHBOUR in (turn.st.get("said") or []) and not memory.is_matter(turn.learned.get("topic")):
        return NEIGHBOUR  # the nuisance was answered as one: 「这个你们管吗」 asks about it
    return matter


def scope_note(turn: Turn) -> Outbound | None:
    """A matter usually outside the scope (a private debt, a deposit, a noisy neighbour): what the
    decision depends on and the practical way on, at once — once per conversation; 「1」 still runs the check."""
    matter = scope_kind(turn)
    usually_out = T("scope_usually_out")
    if matter not in usually_out or f"scope:{matter}" in (turn.st.get("notices") or []):
        return None
    if _r().decision_from_case(turn) is not None:
        return None  # the case file already decides (the place's list is known): that decision is given
    turn.st.setdefault("notices", []).append(f"scope:{matter}")
    turn.st["pending"] = {"type": "offer", "action": "eligibility", "matter": matter}
    return Outbound(T("scope_note").format(**usually_out[matter]), code=matter if memory.is_matter(matter) else "eligibility.scope")


_AID_WORDS = re.compile(r"能不能|能否|可不可以|可以|能|管不管|管吗|能管吗|你们|法律援助|法援|申请|找|吗|呢|啊|不|那|哦|我")


_ASKS_LAWYER = re.compile(r"律师|法律援助|法援|申请|免费")


def concrete_problem(turn: Turn) -> Outbound | None:
    """「邻居天天往我家门口倒垃圾 能管吗」: no matter we list, but a real problem — its nearest
    answer, 12348 and a person, instead of a menu of seventeen topics."""
    if turn.case.get("topic") and memory.is_matter(turn.case.get("topic")) or turn.learned.get("topic"):
        return None
    if _ASKS_LAWYER.search(turn.text):
        return None  # 「我请不起律师 你们给不给派一个」 asks for aid itself: the pre-check answers that
    if len(_AID_WORDS.sub("", compact(turn.text))) < 8:
        return None
    out = concrete_answer(turn)
    if out is None:
        return None
    out.text = f"{out.text}\n{T('concrete_tail')}"
    return out


_AGE_SAID = re.compile(r"岁|[0-9]|十")


def answers_asked_fact(turn: Turn) -> bool:
    """The short reply to a fact the last reply asked for (pending ``ask_fact``), read with
    the questionnaire's own parser for that fact."""
    from intents import questionnaire
    from intents.parsing import Parsed

    field_name = (turn.pending.get("type") == "ask_fact" and turn.pending.get("field")) or \
        (turn.st.get("awaiting") or {}).get("field")
    if not field_name or len(compact(turn.text)) > 14 or field_name not in questionnaire.flow().questions:
        return False
    if looks_like_question(turn.text) or (field_name == "age" and not _AGE_SAID.search(turn.text)):
        return False  # 「我能见她一面吗」 is a question, not the age 1
    parsed = questionnaire.flow().questions[field_name].parse(turn.text)
    if not isinstance(parsed, Parsed) or parsed.value in (None, [], ""):
        return False
    if turn.case.get(field_name) != parsed.value:
        turn.case[field_name] = parsed.value
        turn.learned[field_name] = parsed.value
    return True


def note_asked_fact(turn: Turn) -> Outbound:
    turn.st.pop("pending", None)
    return _h().acknowledge_facts(turn)


def once(turn: Turn, key: str, text: str) -> Outbound:
    """A follow-up's answer; asked again (「能换个律师吗」 after the same answer), the one point of it."""
    said = turn.st.get("said") or []
    if key in said:
        point = point_asked(text, turn.text)
        if point:
            return Outbound(T("said_point").format(point=point), code=turn.case.get("topic"))
    remember_said(turn.st, key)
    return Outbound(text, code=turn.case.get("topic"))


def _side_question(turn: Turn) -> tuple[str, str] | None:
    """(kind, answer) of a follow-up typed inside the questionnaire that does not answer its question."""
    from intents import questionnaire

    from . import followups

    if questionnaire.parses(turn.st.get("q") or {}, turn.text):
        return None
    entry = followups.topic_entry(turn.text, _topic_of(turn), followups.marks(turn.case))
    if entry is not None:
        return entry
    kind = followups.kind_in_context(turn.text, bool(turn.st.get("last_result")))
    if kind is None:
        return None
    text = followups.answer(turn, kind)
    return (kind, text) if text else None


def _topic_of(turn: Turn) -> str | None:
    """The matter under discussion: the questionnaire's answer wins over the case file's topic."""
    matter = ((turn.st.get("q") or {}).get("facts") or {}).get("matter")
    return matter if memory.is_matter(matter) else turn.case.get("topic")


def asks_followup_mid_form(turn: Turn) -> bool:
    """「要带啥」「那要多久」「我去替她办行不行」 typed while a question waits: a side question."""
    found = _side_question(turn)
    if found is None:
        return False
    turn.st["_side"] = list(found)
    return True


def asks_followup_mid_apply(turn: Turn) -> bool:
    """「要带什么材料」「要多久」 at a consent prompt or a short field of the application form
    (not the account of what happened, where any words are the answer)."""
    step = str((turn.st.get("flow") or {}).get("step") or "")
    if not (step in ("consent", "sensitive") or step.startswith("field:")) or step == "field:account":
        return False
    return asks_followup_mid_form(turn)


def answer_followup_then_resume_form(turn: Turn) -> Outbound:
    kind, text = turn.st.pop("_side", None) or _side_question(turn) or ("", T("unsure_short"))
    turn.st["last_followup"] = kind
    step = str((turn.st.get("flow") or {}).get("step") or "")
    head = "" if step in ("consent", "sensitive") else f"{T('back_to_form')}\n"  # that line says what it waits for
    return Outbound(f"{text}\n\n{head}{form_prompt(turn)}".rstrip(), code=_topic_of(turn))


def form_prompt(turn: Turn) -> str:
    """The application form's pending prompt again — the field's question, not an error for an empty answer."""
    from handoff.texts import H

    step = str((turn.st.get("flow") or {}).get("step") or "")
    if step.startswith("field:"):
        return H(f"ask.{step.removeprefix('field:')}")
    if step in ("consent", "sensitive"):  # the notice was shown: the consent waits in one line
        return H(f"{step}_pending_line")
    return chatflow.continue_flow(_r()._flow(turn.ctx, turn.st, turn.inbound.user_id), turn.st, "") or ""


def answer_followup_then_resume(turn: Turn) -> Outbound:
    """The side question answered, then the pending question again in one short line."""
    from intents import questionnaire

    kind, text = turn.st.pop("_side", None) or _side_question(turn) or ("", T("unsure_short"))
    turn.st["last_followup"] = kind
    back = T("back_to_question_short").format(question=questionnaire.brief_question(turn.st["q"]))
    return Outbound(f"{text}\n\n{back}", code=_topic_of(turn))


# ---------------------------------------------------------------- pointing at what the bot just said
# 「第二个」「你说的第二种办法」「就是你刚说的那个」「上面说的那个仲裁要钱不」: the citizen points at the
# last reply. Why: these got the help menu or 「没有把握」 — the words only make sense against what
# the bot last said, so the last reply's numbered ways (``last_items``) and its first sentence
# (``last_point``) are kept for one message, and a pointer is resolved against them.

_ITEM_LINE = re.compile(r"^\s*(?:(\d{1,2})\s*[.、．]|[·•])\s*(.+?)\s*$")
_ITEM_INLINE = re.compile(r"(?:^|[：:；;。，,\s])(\d)\s*[.、．]\s*([^；;。\n]+)")
MAX_ITEMS = 9


def items_of(text: str) -> list[str]:
    """The ways a reply lists, numbered or bulleted, in order (「1. 向劳动监察投诉；2. …」), or []."""
    lines = [m.group(2) for m in (_ITEM_LINE.match(l) for l in (text or "").split("\n")) if m]
    if len(lines) >= 2:
        return lines[:MAX_ITEMS]
    found = [(int(m.group(1)), m.group(2).strip()) for m in _ITEM_INLINE.finditer(text or "")]
    if len(found) >= 2 and [n for n, _ in found] == list(range(1, len(found) + 1)):
        return [item for _, item in found][:MAX_ITEMS]
    return []


def _first_sentence(text: str) -> str | None:
    """The answer's point: its first sentence, and the next one while both fit in 120 characters."""
    body = (text or "").split("\n")[0].strip()
    parts = [p for p in re.split(r"(?<=[。！？；])", body) if p.strip()]
    point = ""
    for part in parts:
        if point and len(point) + len(part) > 120:
            break
        point += part
    return point[:120] or None


def remember_reply(turn, out: Outbound) -> None:
    """What the next message may point at: the ways this reply listed and its first sentence."""
    st = turn.st
    st["last_items"] = items_of(out.text or "") if out.text else []
    if out.text and (out.faq_id or out.kind == "topic" or str(turn.route or "").endswith("follow_up")):
        st["last_point"] = _first_sentence(out.text)
    if not st.pop("_refused", None):
        st.pop("last_refusal", None)


_POINTER = re.compile(r"^(?:对|是|嗯|哎)?(?:的)?(?:就是|就|是|我说的是|我问的是|我问的就是)?(?:你|您)?"
                      r"(?:刚才|刚刚|刚|上面|前面|之前|上头|头先)(?:说|讲|提|回|写)(?:的|过的)"
                      r"(?:那个|那一?[点条个种]|这个|这一?[点条个种])?(?:就是|是)?"
                      r"(?:这一?点|那一?点|这个|那个|这个问题|那个问题|这个意思|那个意思)?(?:啊|呀|吧|嘛|呢|哈)?$")
# The pointer in front of a question of its own: 「上面说的那个仲裁要钱不」 asks 「仲裁要钱不」.
_POINTER_HEAD = re.compile(r"^(?:就是)?(?:你|您)?(?:刚才|刚刚|刚|上面|前面|之前)(?:说|讲|提)(?:的|过的)(?:那个|这个)?")


def strip_pointer(text: str) -> str:
    """「上面说的那个仲裁要钱不」 → 「仲裁要钱不」; a bare pointer, or no pointer, unchanged."""
    clean = compact(text)
    m = _POINTER_HEAD.match(clean)
    if m is None or _POINTER.match(clean):
        return text
    rest = clean[m.end():]
    return rest if len(rest) >= 2 else text


def points_back(turn) -> bool:
    """「就是你刚说的那个」「上面说的就是这一点」: the last reply is what the citizen means."""
    return (turn.act is None or turn.act.kind == "yes") and bool(_POINTER.match(compact(turn.text))) and \
        bool(turn.st.get("last_point") or turn.pending.get("type") == "choose")


def answer_pointed_back(turn) -> Outbound:
    """Resolved against the last reply: a menu's first (best) choice; after an answer, its point
    and the next step — never the help menu again."""
    if turn.pending.get("type") == "choose" and turn.pending.get("faq_ids"):
        ids, options = turn.pending["faq_ids"], turn.pending.get("options") or [""]
        turn.st.pop("pending", None)
        out = _r()._answer(turn.ctx, turn.st, ids[0], turn.st.get("last_question"))
        out.text = f"{T('pointer_top_choice').format(option=options[0])}\n{out.text}"
        return out
    point = turn.st.get("last_point") or ""
    return Outbound(f"{T('pointer_point').format(point=point)}\n{_h()._next_step(turn)}", code=turn.case.get("topic"))


def points_at_item(turn) -> bool:
    """「第二个」「你说的第三种办法」 after a reply that listed ways, with no menu of its own pending."""
    if turn.act is None or turn.act.kind != "choice":
        return False
    if turn.pending.get("type") in ("choose", "menu", "again", "items"):
        return False
    items = turn.st.get("last_items") or []
    return 1 <= int(turn.act.value or 0) <= len(items)


_COMMAND_IN_ITEM = re.compile(r"回复「([^」]{1,6})」")


def answer_item(turn) -> Outbound:
    """The way pointed at, handled as if the citizen had typed it (its command, or its words)."""
    item = (turn.st.get("last_items") or [])[int(turn.act.value) - 1]
    m = _COMMAND_IN_ITEM.search(item)
    return redispatch(turn, m.group(1) if m else item)


def redispatch(turn, text: str) -> Outbound:
    """Handle ``text`` as this message (an option chosen by its number): once, never in a loop."""
    from intents import detect

    from .graph import dispatch

    if turn.st.get("_redispatched"):
        return not_again(turn)
    turn.st["_redispatched"] = True
    turn.st.pop("pending", None)
    turn.text = text
    turn.command = detect.command_of(text)
    turn.act = None
    turn.learned = {}
    return dispatch(turn)


# Routes whose reply depends on the words only: the same words twice get the same bubble, which
# reads as a machine stuck (「明天天气怎么样」「后天会下雨吗」). Commands (帮助, 人工) and forms may repeat.
_FREE_ROUTES = ("social", "ask_knowledge_base", "follow_up", "act_without_prompt", "facts_only")


def not_verbatim(turn, out: Outbound) -> Outbound:
    """The reply, unless it is the very bubble sent last time: then the ways on (numbered), once."""
    import zlib

    if not out.text or turn.mode != "idle" or not str(turn.route or "").endswith(_FREE_ROUTES):
        turn.st["last_reply_crc"] = zlib.crc32((out.text or "").encode("utf-8")) if out.text else None
        return out
    crc = zlib.crc32(out.text.encode("utf-8"))
    if crc != turn.st.get("last_reply_crc"):
        turn.st["last_reply_crc"] = crc
        return out
    again = refusal(turn, "__repeat__", force=True)
    turn.st["last_reply_crc"] = zlib.crc32((again.text or "").encode("utf-8"))
    return again


def refusal(turn, key: str, force: bool = False) -> Outbound:
    """「不在我能帮忙的范围」 once; asked again, not the same words but numbered ways on, a person, 12348."""
    if force or turn.st.get("last_refusal"):
        options = [T("again_choice_precheck"), T("again_choice_person"), T("refusal_choice_hotline")]
        turn.st["pending"] = {"type": "items", "options": [T("refusal_option_precheck"), "人工", "12348 怎么打"]}
        turn.st["_refused"] = True
        return Outbound(T("refusal_again").format(options=numbered(options)), code="other", options=options)
    turn.st["last_refusal"] = key
    turn.st["_refused"] = True
    return Outbound(T(key), code="other")
