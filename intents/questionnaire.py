"""The in-chat eligibility questionnaire: a small, pure state machine.

Why it looks like this:

- **The rules engine decides what to ask.** ``intents.rules.decide(facts)["missing"]``
  lists the fields the decision still depends on, in the order worth asking
  (legal-aid-facts.md §9); we ask its first item and nothing else (docassemble's "ask
  only what is needed"). So the questionnaire never asks a question whose answer cannot
  change the result, and it needs no branching logic of its own.
- **Questions are data** (``flows/eligibility.yaml``, Rasa's ``utter_ask_<slot>`` /
  ``utter_wrong_<slot>``): wording, numbered choices, parser, re-ask and whether 跳过
  is allowed. The file is validated when loaded, so a missing question or a misspelt
  parser fails at start-up rather than in a citizen's chat.
- **State is a JSON dict the caller stores** (a database row), never process memory:
  any worker can take the next message and a restart loses nothing.
- **Nothing a citizen typed is lost or fatal.** An answer we cannot read gives the same
  question again with ``understood=False`` (so the caller may try the text as a
  knowledge-base question) and leaves the state unchanged.
- **Going back prunes** (a2j's ``pruneIrrelevantData``): the facts are rebuilt by
  replaying the history and keeping only answers the engine still needed at the point
  they were given.

State (all JSON types)::

    {"flow": "eligibility", "version": 1,
     "facts": {...},                    # what decide() sees
     "current": "region" | None,        # the question waiting for an answer
     "history": [{"field", "value", "source"}],  # source: prefill | answer | skip | extracted | inferred
     "offered": {"special_status": [...]},  # choices shown for the current question (engine-relevant only)
     "ruled_out": {"special_status": ["abuse_victim"]},  # choices the citizen denied: never offered
     "asked": ["matter", ...],          # questions shown, in order (question_count)
     "urgent_first": bool, "notices": [...], "done": bool}
"""

from __future__ import annotations

import copy
import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

import yaml

from intents import parsing
from intents.parsing import Choice, Parsed, ParseError
from intents.result_text import render_result

FLOW_FILE = Path(__file__).resolve().parent / "flows" / "eligibility.yaml"

# The input fields of CONTRACTS.md §3, in the order of its table.
FIELDS: tuple[str, ...] = (
    "region", "matter", "age", "disabled", "fixed_income", "migrant_worker", "gender",
    "unemployed", "household_size", "household_monthly_income", "receives_assistance",
    "special_status", "criminal_role", "criminal_flags", "urgent", "personal_injury",
    "domestic_worker",
)

# Allowed values of the §3 enumerated fields; the flow's choices must stay within them.
ENUMS: dict[str, frozenset[str]] = {
    "gender": frozenset({"female", "male"}),
    "special_status": frozenset({
        "martyr_relative", "good_samaritan", "wrongful_conviction", "abuse_victim", "veteran",
        "military_family", "covid_frontline",
    }),
    "criminal_role": frozenset({"suspect", "defendant", "victim", "private_prosecutor"}),
    "criminal_flags": frozenset({
        "blind_deaf_mute", "mental_illness", "life_or_death_sentence", "death_penalty_review",
        "absentia_trial", "compulsory_medical",
    }),
    "urgent": frozenset({"deadline_within_7_days", "preservation_needed"}),
}

# Which parser suits which §3 type; the flow may only use these for a field.
_FIELD_PARSERS: dict[str, frozenset[str]] = {
    "region": frozenset({"region"}),
    "matter": frozenset({"matter", "choice"}),
    "age": frozenset({"age", "int"}),
    "household_size": frozenset({"household_size", "int"}),
    "household_monthly_income": frozenset({"money", "int"}),
    "gender": frozenset({"choice"}),
    "criminal_role": frozenset({"choice"}),
    "special_status": frozenset({"multi_choice"}),
    "criminal_flags": frozenset({"multi_choice"}),
    "urgent": frozenset({"multi_choice"}),
    **{f: frozenset({"yes_no"}) for f in (
        "disabled", "fixed_income", "migrant_worker", "unemployed", "receives_assistance", "personal_injury",
        "domestic_worker")},
}

# FAQ codes that are not matters but still say something about the conversation.
_URGENT_CODE = "service.urgent"

STATE_VERSION = 1


class FlowError(ValueError):
    """The flow YAML is invalid; the message names the file and the key."""


# --------------------------------------------------------------------------- the flow


@dataclass(frozen=True)
class Variant:
    when: Mapping[str, tuple[Any, ...]]
    ask: str

    def matches(self, facts: Mapping[str, Any]) -> bool:
        return all(facts.get(k) in allowed for k, allowed in self.when.items())


@dataclass(frozen=True)
class Question:
    """One field's question, as declared in the flow YAML."""

    field: str
    ask: str
    parser: str
    reask: str
    skip: bool
    choices: tuple[Choice, ...] = ()
    hint: str | None = None
    variants: tuple[Variant, ...] = ()
    none_words: tuple[str, ...] = ()
    refine: str | None = None
    numbers: tuple[int, ...] = ()   # the choices' numbers in the full list, when only some are shown

    def wording(self, facts: Mapping[str, Any], refining: bool = False) -> str:
        if refining and self.refine:
            return self.refine.replace("{value}", str(facts.get(self.field, "")))
        for variant in self.variants:
            if variant.matches(facts):
                return variant.ask
        return self.ask

    def choices_block(self) -> str:
        numbers = self.numbers or tuple(range(1, len(self.choices) + 1))
        return "\n".join(f"{i}. {c.label}" for i, c in zip(numbers, self.choices))

    def prompt(self, facts: Mapping[str, Any], refining: bool = False) -> str:
        """The question as sent: wording, numbered choices, how to answer."""
        lines = [self.wording(facts, refining)]
        if self.choices:
            lines.append(self.choices_block())
        if self.hint:
            lines.append(self.hint)
        return "\n".join(lines)

    def parse(self, text: str) -> Parsed | ParseError:
        if self.none_words and parsing.compact(text) in {parsing.compact(w) for w in self.none_words}:
            return Parsed([])
        return parsing.parse(self.parser, text, self.choices)


@dataclass(frozen=True)
class Flow:
    version: int
    intro: str
    questions: Mapping[str, Question]
    back_words: frozenset[str]
    skip_words: frozenset[str]
    footer_back: str
    footer_skip: str
    texts: Mapping[str, str]


_TEXT_KEYS = ("first_question_back", "cannot_skip", "skipped", "went_back", "done_already", "not_understood")
_QUESTION_KEYS = {"ask", "parser", "reask", "skip", "choices", "hint", "variants", "none_words", "refine"}


def _taxonomy_codes() -> frozenset[str] | None:
    """Topic codes, for checking the matter choices; None when no taxonomy file is found."""
    here = Path(__file__).resolve().parent
    for path in (here.parent / "knowledge_base" / "content" / "taxonomy.yaml",
                 here.parent.parent / "shared" / "taxonomy.yaml"):
        if path.is_file():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            codes = data.get("codes") if isinstance(data, dict) else None
            if isinstance(codes, dict):
                return frozenset(codes)
    return None


def _engine_values(fname: str) -> frozenset[str] | None:
    """The values the engine's facts table allows for an enumerated field (the one
    source of truth, tables/fields.yaml and scope.yaml); None if it cannot be read."""
    try:
        from intents.facts import allowed_values
        values = allowed_values(fname)
    except Exception:
        return None
    return frozenset(values) if values else None


def _req_str(node: Mapping[str, Any], key: str, where: str) -> str:
    value = node.get(key)
    if not isinstance(value, str) or not value.strip():
        raise FlowError(f"{where}.{key}: a non-empty string is required")
    return value.strip()


def load_flow(path: Path | str = FLOW_FILE) -> Flow:
    """Read and validate the flow YAML: every §3 field has a question, every parser
    exists and suits its field, choices are present where needed and their values are
    valid §3 values (matter: taxonomy codes). Errors name the file and the key."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FlowError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise FlowError(f"{path}: the top level must be a mapping")
    name = path.name
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, dict):
        raise FlowError(f"{name}: questions: a mapping of field → question is required")
    unknown = sorted(set(raw_questions) - set(FIELDS))
    if unknown:
        raise FlowError(f"{name}: questions: unknown fields {unknown}")
    missing = [f for f in FIELDS if f not in raw_questions]
    if missing:
        raise FlowError(f"{name}: questions: no question for {missing}")
    codes = _taxonomy_codes()

    questions: dict[str, Question] = {}
    for fname, node in raw_questions.items():
        where = f"{name}: questions.{fname}"
        if not isinstance(node, dict):
            raise FlowError(f"{where}: must be a mapping")
        extra = sorted(set(node) - _QUESTION_KEYS)
        if extra:
            raise FlowError(f"{where}: unknown keys {extra}")
        parser = _req_str(node, "parser", where)
        if parser not in parsing.PARSERS:
            raise FlowError(f"{where}.parser: no parser named {parser!r} (have {sorted(parsing.PARSERS)})")
        if parser not in _FIELD_PARSERS[fname]:
            raise FlowError(f"{where}.parser: {parser!r} does not fit this field (use {sorted(_FIELD_PARSERS[fname])})")
        skip = node.get("skip")
        if not isinstance(skip, bool):
            raise FlowError(f"{where}.skip: true or false is required")
        choices: list[Choice] = []
        raw_choices = node.get("choices") or []
        if parser in parsing.CHOICE_PARSERS and not raw_choices:
            raise FlowError(f"{where}.choices: parser {parser!r} needs choices")
        if raw_choices and parser not in parsing.CHOICE_PARSERS:
            raise FlowError(f"{where}.choices: parser {parser!r} does not use choices")
        if not isinstance(raw_choices, list):
            raise FlowError(f"{where}.choices: must be a list")
        for i, ch in enumerate(raw_choices, 1):
            cw = f"{where}.choices[{i}]"
            if not isinstance(ch, dict) or set(ch) - {"value", "label", "keywords"}:
                raise FlowError(f"{cw}: needs value, label and optional keywords only")
            value = ch.get("value")
            label = _req_str(ch, "label", cw)
            kws = ch.get("keywords") or []
            if not isinstance(kws, list) or not all(isinstance(k, str) and k for k in kws):
                raise FlowError(f"{cw}.keywords: a list of strings is required")
            allowed = _engine_values(fname) if fname in ENUMS or fname == "matter" else None
            if fname in ENUMS and value not in (allowed or ENUMS[fname]):
                raise FlowError(f"{cw}.value: {value!r} is not one of {sorted(allowed or ENUMS[fname])}")
            if fname == "matter" and codes is not None and value not in codes:
                raise FlowError(f"{cw}.value: {value!r} is not a taxonomy code")
            if fname == "matter" and allowed is not None and value not in allowed:
                raise FlowError(f"{cw}.value: {value!r} is not a matter the rules engine knows")
            if any(c.value == value for c in choices):
                raise FlowError(f"{cw}.value: {value!r} appears twice")
            choices.append(Choice(value=value, label=label, keywords=tuple(kws)))
        variants: list[Variant] = []
        for i, var in enumerate(node.get("variants") or [], 1):
            vw = f"{where}.variants[{i}]"
            if not isinstance(var, dict) or not isinstance(var.get("when"), dict) or set(var) - {"when", "ask"}:
                raise FlowError(f"{vw}: needs when (a mapping) and ask")
            when: dict[str, tuple[Any, ...]] = {}
            for k, allowed in var["when"].items():
                if k not in FIELDS:
                    raise FlowError(f"{vw}.when: unknown field {k!r}")
                when[k] = tuple(allowed if isinstance(allowed, list) else [allowed])
            variants.append(Variant(when=when, ask=_req_str(var, "ask", vw)))
        none_words = node.get("none_words") or []
        if none_words and parser != "multi_choice":
            raise FlowError(f"{where}.none_words: only for multi_choice questions")
        hint = node.get("hint")
        if hint is not None and not isinstance(hint, str):
            raise FlowError(f"{where}.hint: must be a string")
        refine = node.get("refine")
        if refine is not None and (not isinstance(refine, str) or not refine.strip()):
            raise FlowError(f"{where}.refine: must be a non-empty string")
        questions[fname] = Question(
            field=fname, ask=_req_str(node, "ask", where), parser=parser,
            reask=_req_str(node, "reask", where), skip=skip, choices=tuple(choices),
            hint=hint.strip() if hint else None, variants=tuple(variants),
            none_words=tuple(str(w) for w in none_words),
            refine=refine.strip() if refine else None,
        )

    commands = data.get("commands") or {}
    footer = data.get("footer") or {}
    texts = data.get("texts") or {}
    for key in _TEXT_KEYS:
        _req_str(texts, key, f"{name}: texts")
    back = commands.get("back") or []
    skipw = commands.get("skip") or []
    if not back or not skipw:
        raise FlowError(f"{name}: commands: back and skip word lists are required")
    return Flow(
        version=int(data.get("version") or 1),
        intro=_req_str(data, "intro", name),
        questions=questions,
        back_words=frozenset(parsing.compact(w) for w in back),
        skip_words=frozenset(parsing.compact(w) for w in skipw),
        footer_back=_req_str(footer, "back", f"{name}: footer"),
        footer_skip=_req_str(footer, "skip", f"{name}: footer"),
        texts={k: str(v).strip() for k, v in texts.items()},
    )


@lru_cache(maxsize=1)
def flow() -> Flow:
    """The validated flow, loaded once per process (it is read-only data)."""
    return load_flow(FLOW_FILE)


# --------------------------------------------------------------------------- the engine seam


def _decide(facts: Mapping[str, Any]) -> dict[str, Any]:
    """Call the rules engine (intents/rules.py). Imported late so this module and its
    parsers load even while the engine is being changed."""
    from intents.rules import decide
    return decide(dict(facts))


def _facts_errors() -> tuple[type[BaseException], ...]:
    """The exception types that mean "this fact value is invalid"."""
    try:
        from intents.facts import FactsError
    except Exception:  # pragma: no cover - facts.py is part of the engine
        return (ValueError,)
    return (FactsError, ValueError)


def _try_decide(facts: Mapping[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    try:
        return _decide(facts), None
    except _facts_errors() as exc:
        return None, str(exc)


# --------------------------------------------------------------------------- Step


@dataclass
class Step:
    """What one turn of the questionnaire produces.

    ``state`` is what the caller stores for the next turn; ``text`` the reply to send;
    ``understood`` is False when the answer could not be used (the caller may try the
    text as a knowledge-base question); ``result`` is the §3 output once ``done``.
    ``notice`` repeats any safety/urgency/detention notice that was put at the top of
    ``text``, for callers that log or send it separately.
    """

    state: dict[str, Any]
    text: str
    done: bool = False
    result: dict[str, Any] | None = None
    understood: bool = True
    question_count: int = 0
    notice: str | None = None


# --------------------------------------------------------------------------- helpers


def _new_state() -> dict[str, Any]:
    return {
        "flow": "eligibility", "version": STATE_VERSION, "facts": {}, "current": None,
        "history": [], "asked": [], "urgent_first": False, "notices": [], "done": False,
        "refining": False,
    }


def _skipped(state: Mapping[str, Any]) -> set[str]:
    return {h["field"] for h in state.get("history", []) if h.get("source") == "skip"}


def _facts_from_history(history: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for h in history:
        if h.get("source") != "skip":
            facts[h["field"]] = copy.deepcopy(h.get("value"))
    return facts


def _wanted(facts: Mapping[str, Any], result: Mapping[str, Any] | None = None) -> list[str]:
    """The fields to ask, in order: the engine's ``next_questions`` when it has one
    (``missing`` plus the urgency question offered last, §9.9), else ``missing``."""
    try:
        from intents.rules import next_questions
    except ImportError:
        next_questions = None
    if next_questions is not None:
        try:
            return [str(f) for f in next_questions(dict(facts))]
        except _facts_errors():
            return []
    if result is None:
        result, _ = _try_decide(facts)
    return [str(f) for f in ((result or {}).get("missing") or [])]


def _prune(history: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Keep only the answers the engine still wanted when they were given.

    Replays the history from the start: a prefilled fact always stays (it came from the
    conversation, not from a question); any other entry stays only if its field was
    among the fields the engine wanted at that point. After 「返回」 changes an earlier
    answer this drops answers that belonged to the abandoned branch (e.g. the
    criminal questions after the matter changed from a criminal case to a wage claim).
    """
    kept: list[dict[str, Any]] = []
    facts: dict[str, Any] = {}
    for h in history:
        entry = dict(h)
        if entry.get("source") == "prefill":
            kept.append(entry)
            facts[entry["field"]] = copy.deepcopy(entry.get("value"))
            continue
        needed = set(_wanted(facts))
        fresh = entry["field"] not in facts or entry.get("refine")
        if entry["field"] in needed and fresh:
            kept.append(entry)
            if entry.get("source") != "skip":
                facts[entry["field"]] = copy.deepcopy(entry.get("value"))
    return kept


def _refined(state: Mapping[str, Any], fname: str) -> bool:
    return any(h.get("field") == fname and h.get("refine") for h in state.get("history", []))


def _next_field(state: Mapping[str, Any], result: Mapping[str, Any]) -> tuple[str | None, bool]:
    """The first field the engine still wants that we can ask and was not skipped, and
    whether it is a refinement (a field already answered that the engine needs more
    precisely, e.g. 吉林省 → which city; asked once, only if the flow says how)."""
    facts = state["facts"]
    skipped = _skipped(state)
    questions = flow().questions
    if state.get("urgent_first") and "urgent" not in facts and "urgent" not in skipped:
        return "urgent", False
    needed = set(result.get("missing") or [])
    for f in _wanted(facts, result):
        if f not in questions or f in skipped:
            continue
        if f == "urgent" and state.get("no_urgency_offer") and f not in needed:
            continue  # the dialog's triage catches urgency from the words; do not ask it after the decision
        if f not in facts:
            return f, False
        if questions[f].refine and not _refined(state, f):
            return f, True
    return None, False


def _can_skip(state: Mapping[str, Any], question: Question) -> bool:
    """跳过 is allowed where the flow says so, and always for a refinement (the first
    answer already stands)."""
    return question.skip or bool(state.get("refining"))


def _footer(state: Mapping[str, Any], question: Question, refining: bool = False) -> str:
    parts: list[str] = []
    if _can_skip(state, question):
        parts.append(flow().footer_skip)
    if state.get("history"):
        parts.append(flow().footer_back)
    return "".join(parts)


# Multi-choice questions whose choices are tried on the engine (urgency is offered on purpose, §9.9).
_PROBED = frozenset({"special_status", "criminal_flags"})


def _signature(result: Mapping[str, Any] | None, fname: str) -> tuple[Any, ...]:
    r = result or {}
    return (r.get("decision"), r.get("hardship_review"), bool(r.get("priority")), bool(r.get("pre_aid")),
            tuple(sorted(str(m) for m in r.get("missing") or [] if m != fname)))


def _offer(state: dict[str, Any], fname: str) -> list[Any]:
    """The choices of a multi-choice question that could change the result, kept in the
    state so the numbers the citizen types mean what was shown.

    Why: the seven exemptions (family violence, martyr's relative, retrial …) each protect
    one kind of claim (LAL 32); listing all of them beside a debt or a deposit asks about
    things that cannot apply. Each choice is tried on the engine against "none of these"."""
    offered = state.setdefault("offered", {})
    if fname in offered:
        return list(offered[fname])
    q = flow().questions[fname]
    base, _ = _try_decide(dict(state["facts"], **{fname: []}))
    keep: list[Any] = []
    denied = set((state.get("ruled_out") or {}).get(fname) or ())
    for choice in q.choices:
        if choice.value in denied:
            continue  # 「他没打过我」: a choice the citizen already denied is never offered again
        trial, _ = _try_decide(dict(state["facts"], **{fname: [choice.value]}))
        if trial is None or base is None or _signature(trial, fname) != _signature(base, fname):
            keep.append(choice.value)
    offered[fname] = keep
    return keep


def shown_question(state: Mapping[str, Any], fname: str) -> Question:
    """The question with only the choices offered to this citizen (see ``_offer``)."""
    q = flow().questions[fname]
    values = (state.get("offered") or {}).get(fname)
    if values is None or not q.choices or fname not in _PROBED:
        return q
    kept = tuple(c for c in q.choices if c.value in values)
    hint = q.hint.replace("如 1 3", "如 1 2") if q.hint and len(kept) == 2 else q.hint
    # Numbered 1..n as shown (a list reading 1, 5, 6 confused people); answers are read
    # against this list (``_parse_answer``), so 「2」 means the second choice shown.
    return dataclasses.replace(q, choices=kept, numbers=(), hint=hint)


def _parse_answer(state: Mapping[str, Any], fname: str, text: str) -> Parsed | ParseError:
    """The answer read against the choices shown; a word naming a choice not shown
    (「我是退役军人」) is still read against the full list — only numbers depend on what was shown."""
    shown = shown_question(state, fname)
    parsed = shown.parse(text)
    full = flow().questions[fname]
    if isinstance(parsed, ParseError) and shown is not full:
        again = full.parse(text)
        if not re.search(r"\d", parsing.normalize(text)) or isinstance(again, ParseError):
            return again  # a word read on the full list; or its clearer complaint (「0」 mixed with others)
    return parsed


def brief_question(state: Mapping[str, Any]) -> str:
    """The pending question in one short line, to come back to it after answering
    something else (the choices were shown just before; short ones are repeated inline)."""
    st = _load(state)
    fname = st.get("current")
    if st["done"] or not fname:
        return current_question(state)
    q = shown_question(st, fname)
    wording = q.wording(st["facts"], bool(st.get("refining"))).split("请回复")[0].strip()
    if q.choices:
        numbers = q.numbers or tuple(range(1, len(q.choices) + 1))
        inline = " ".join(f"{i}.{c.label.split('（')[0]}" for i, c in zip(numbers, q.choices))
        none = " 都没有回0" if q.parser == "multi_choice" else ""
        tail = f"（{inline}{none}）" if len(inline) <= 40 else "（回复上面列出的数字）"
        return wording + tail
    return wording


def may_skip(state: Mapping[str, Any]) -> bool:
    """Whether 「跳过」 is accepted for the pending question (the way out offered after misses)."""
    st = _load(state)
    return bool(st.get("current")) and _can_skip(st, flow().questions[st["current"]])


def parses(state: Mapping[str, Any], text: str) -> bool:
    """Whether the text answers the pending question (so it is not taken as a side question)."""
    st = _load(state)
    fname = st.get("current")
    if not fname or st["done"]:
        return False
    said = parsing.compact(text)
    fl = flow()
    return said in fl.back_words or said in fl.skip_words or isinstance(_parse_answer(st, fname, text), Parsed)


def _question_text(state: Mapping[str, Any], fname: str) -> str:
    q = shown_question(state, fname)
    refining = bool(state.get("refining"))
    footer = _footer(state, q, refining)
    return q.prompt(state["facts"], refining) + (f"\n（{footer}）" if footer else "")


def _join(*parts: str | None) -> str:
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


NOTICE_BUDGET = 420
"""Characters of notices per reply: the dialog sends a question as one ≤ 600-character
bubble, so when several notices apply (rare) the first ones in safety order are sent
and the rest left out rather than crowding out the question."""


def _special(state: dict[str, Any], text: str | None = None, kinds: Sequence[str] = ()) -> str | None:
    """Safety/urgency/detention notices triggered by the text or by an answer, once each,
    safety first (``special_paths.KINDS``), within ``NOTICE_BUDGET``."""
    from intents import special_paths

    found = list(kinds)
    if text:
        found += special_paths.detect_kinds(text)
    shown = state.setdefault("notices", [])
    parts: list[str] = []
    for kind in special_paths.KINDS:
        if kind not in found or kind in shown:
            continue
        notice = special_paths.notice_for(kind)
        if parts and sum(len(p) + 2 for p in parts) + len(notice) > NOTICE_BUDGET:
            break
        parts.append(notice)
        shown.append(kind)
    return "\n\n".join(parts) if parts else None


def _kinds_for_answer(fname: str, value: Any) -> list[str]:
    """Notices an answer itself calls for (e.g. matter 6 = family violence)."""
    if fname == "matter" and value == "family.violence":
        return ["violence"]
    if fname == "special_status" and isinstance(value, list) and "abuse_victim" in value:
        return ["violence"]
    return []


def _advance(state: dict[str, Any], lead: str | None = None, notice: str | None = None) -> Step:
    """Ask the next missing field, or finish with the result."""
    state["facts"] = _facts_from_history(state["history"])
    state["offered"] = {}  # recomputed for the question asked now, on the facts known now
    result, error = _try_decide(state["facts"])
    if result is None:  # cannot happen for values our parsers produce; never crash
        result = {"decision": "needs_more_info", "hardship_review": "unknown", "priority": False,
                  "pre_aid": False, "reasons": [], "materials": [], "next_steps": [],
                  "missing": [], "error": error}
    fname, refining = _next_field(state, result)
    while fname is not None and not refining and fname in _PROBED and not _offer(state, fname):
        # No choice could change the result (a martyr's relative beside a debt claim): not asked.
        state["history"].append({"field": fname, "value": [], "source": "inferred"})
        state["facts"] = _facts_from_history(state["history"])
        result, error = _try_decide(state["facts"])
        if result is None:
            break
        fname, refining = _next_field(state, result)
    state["refining"] = refining
    if fname is None:
        state["current"] = None
        state["done"] = True
        text = _join(notice, lead, render_result(result, state["facts"]))
        return Step(state=state, text=text, done=True, result=result,
                    question_count=len(state["asked"]), notice=notice)
    state["current"] = fname
    state["done"] = False
    label = f"{fname}:refine" if refining else fname
    if label not in state["asked"]:
        state["asked"].append(label)
    text = _join(notice, lead, _question_text(state, fname))
    return Step(state=state, text=text, question_count=len(state["asked"]), notice=notice)


def _matter_codes() -> set[Any]:
    return {c.value for c in flow().questions["matter"].choices}


def _valid_prefill(fname: str, value: Any) -> bool:
    """A prefilled fact is kept only if it is a §3 field with a valid value; a matter
    must also be one the questionnaire could have asked (not an FAQ code like
    ``legal_aid.apply``)."""
    if fname not in FIELDS or value is None:
        return False
    if fname == "matter" and value not in _matter_codes():
        return False
    try:
        from intents.facts import validate_field
        validate_field(fname, value)
    except _facts_errors():
        return False
    except Exception:  # pragma: no cover - no validator: let decide() judge below
        pass
    return True


# --------------------------------------------------------------------------- public API


def start(prefill: dict[str, Any] | None = None, offer_urgency: bool = True,
          ruled_out: Mapping[str, Sequence[Any]] | None = None) -> Step:
    """Begin a questionnaire.

    ``prefill`` holds facts already known from the conversation, e.g.
    ``{"matter": "labor.wages"}`` from the FAQ just answered or ``{"region": "石狮市"}``
    from an earlier answer. Invalid or unknown entries are dropped rather than trusted
    (the FAQ code may be ``legal_aid.apply``, which is not a matter); the FAQ code
    ``service.urgent`` makes the urgency question come first (legal-aid-facts.md §9.9).
    ``ruled_out`` names choices the citizen already denied (``{"special_status":
    ["abuse_victim"]}`` after 「没有打我」): they are not offered (see ``rule_out``).
    Returns the first question, or the result when the prefill already decides.
    """
    state = _new_state()
    rule_out(state, ruled_out)
    if not offer_urgency:
        state["no_urgency_offer"] = True
    for fname, value in (prefill or {}).items():
        if fname == "matter" and value == _URGENT_CODE:
            state["urgent_first"] = True
            continue
        if fname == "region" and isinstance(value, str):
            value = parsing.resolve_place(value) or value
        if _valid_prefill(fname, value):
            state["history"].append({"field": fname, "value": copy.deepcopy(value), "source": "prefill"})
    step = _advance(state)
    if not step.done:
        step.text = _join(flow().intro, step.text)
    return step


def rule_out(state: dict[str, Any], ruled_out: Mapping[str, Sequence[Any]] | None) -> dict[str, Any]:
    """Record choices the citizen denied in their own words, so a multi-choice question never
    offers them (a denial sets the fact; asking 「受到家庭暴力？」 after 「没有打我」 reads as not
    listening). Choices only leave the offer: nothing is answered for the citizen. Returns ``state``."""
    for fname, values in (ruled_out or {}).items():
        have = state.setdefault("ruled_out", {}).setdefault(fname, [])
        have.extend(v for v in values if v not in have)
    return state


def current_question(state: Mapping[str, Any]) -> str:
    """The question the state is waiting for (to resume a paused questionnaire)."""
    st = _load(state)
    if st["done"] or not st.get("current"):
        return _advance(st).text
    return _question_text(st, st["current"])


def _load(state: Mapping[str, Any] | None) -> dict[str, Any]:
    """A private, repaired copy of a stored state (the caller's dict is never mutated)."""
    st = _new_state()
    if isinstance(state, Mapping):
        st.update(copy.deepcopy(dict(state)))
    if not isinstance(st.get("history"), list):
        st["history"] = []
    st["history"] = [h for h in st["history"] if isinstance(h, dict) and h.get("field") in FIELDS]
    if not isinstance(st.get("asked"), list):
        st["asked"] = []
    if not isinstance(st.get("notices"), list):
        st["notices"] = []
    st["facts"] = _facts_from_history(st["history"])
    if st.get("current") not in flow().questions:
        st["current"] = None
    st["refining"] = bool(st.get("refining")) and st["current"] is not None
    return st


def _go_back(st: dict[str, Any]) -> Step:
    texts = flow().texts
    if not st["history"]:
        step = _advance(st)
        step.text = _join(texts["first_question_back"], step.text)
        return step
    # An answer may have brought extracted facts with it (stored right after it):
    # drop them together with the answer.
    while st["history"] and st["history"][-1].get("source") in ("extracted", "inferred"):
        st["history"].pop()
    if st["history"]:
        st["history"].pop()
    st["history"] = _prune(st["history"])
    return _advance(st, lead=texts["went_back"])


def _skip(st: dict[str, Any], fname: str) -> Step:
    if st.get("refining"):
        # The first answer stands; remember that the refinement was offered.
        st["history"].append({"field": fname, "value": copy.deepcopy(st["facts"].get(fname)),
                              "source": "answer", "refine": True})
        return _advance(st, lead=flow().texts["skipped"])
    st["history"].append({"field": fname, "value": None, "source": "skip"})
    return _advance(st, lead=flow().texts["skipped"])


def _reask(st: dict[str, Any], q: Question, err: ParseError, notice: str | None) -> Step:
    """The same question again, nothing lost: what was wrong (the parser's specific
    message, or a plain "没看明白"), the question with its choices, and how to answer."""
    texts = flow().texts
    q = shown_question(st, q.field)
    specific = err.code in ("range", "ambiguous", "out_of_range", "dont_know")
    lead = err.reask if specific else texts["not_understood"]
    wording = q.wording(st["facts"], bool(st.get("refining")))
    lines = [lead, wording]
    if q.choices:
        lines.append(q.choices_block())
    if not specific and q.reask not in wording:  # yes/no questions already say how
        lines.append(q.reask)
    footer = _footer(st, q)
    if footer:
        lines.append(f"（{footer}）")
    text = _join(notice, "\n".join(lines))
    return Step(state=st, text=text, understood=False, question_count=len(st["asked"]), notice=notice)


def _extract_region(text: str) -> str | None:
    """A place named inside a free-text matter answer ("我在石狮打工，老板欠钱")."""
    found = parsing.resolve_place(text)
    return found


def answer(state: dict[str, Any], text: str) -> Step:
    """Take the citizen's reply to the current question.

    Understood → store it and ask the next missing field, or finish with the result.
    Not understood → the same question again (``understood=False``), state unchanged.
    Commands: 返回 (back one question, dropping that answer and pruning answers that
    no longer matter) and 跳过 (only where the question allows it; recorded so it is
    not asked again). 「不知道」 counts as 跳过 where skipping is allowed.
    """
    st = _load(state)
    text = text if isinstance(text, str) else ("" if text is None else str(text))
    said = parsing.compact(text)
    fl = flow()
    if said in fl.back_words:
        return _go_back(st)
    if st["done"] or not st.get("current"):
        step = _advance(st)
        if step.done:
            step.text = _join(fl.texts["done_already"])
            step.understood = False
            return step
        return step  # a repaired state: ask what is missing
    fname = st["current"]
    q = fl.questions[fname]
    refining = bool(st.get("refining"))
    if said in fl.skip_words:
        if not _can_skip(st, q):
            return Step(state=st, text=_join(fl.texts["cannot_skip"], _question_text(st, fname)),
                        understood=True, question_count=len(st["asked"]))
        return _skip(st, fname)

    parsed = _parse_answer(st, fname, text)
    notice_kinds: list[str] = []
    if isinstance(parsed, ParseError):
        notice = _special(st, text)
        if parsed.code == "dont_know" and _can_skip(st, q):
            step = _skip(st, fname)
            step.text = _join(notice, step.text)
            step.notice = notice
            return step
        return _reask(st, q, parsed, notice)

    # Check the value with the engine before keeping it (e.g. a region it cannot handle).
    trial = dict(st["facts"])
    trial[fname] = parsed.value
    result, error = _try_decide(trial)
    if result is None:
        notice = _special(st, text)
        return _reask(st, q, ParseError(q.reask, "unclear"), notice)

    entry: dict[str, Any] = {"field": fname, "value": copy.deepcopy(parsed.value), "source": "answer"}
    if refining:
        entry["refine"] = True
    st["history"].append(entry)
    lead = parsed.note
    if fname == "matter" and parsed.note and "region" not in trial:
        place = _extract_region(text)
        if place is not None:
            trial2 = dict(trial, region=place)
            res2, _ = _try_decide(trial2)
            if res2 is not None:
                st["history"].append({"field": "region", "value": place, "source": "extracted", "with": "matter"})
                lead = _join(lead, f"地区按「{place}」。")
    notice_kinds = _kinds_for_answer(fname, parsed.value)
    notice = _special(st, text, notice_kinds)
    return _advance(st, lead=lead, notice=notice)


def facts_of(state: Mapping[str, Any]) -> dict[str, Any]:
    """The facts collected so far (for the application form and the records)."""
    return _load(state)["facts"]


def add_facts(state: Mapping[str, Any], facts: Mapping[str, Any]) -> Step:
    """Facts the citizen stated in another way than the current question asked
    (「我是外地来打工的」 while asked for the place): kept, and the next missing field
    asked — so the questionnaire asks only what the case file still lacks. A fact
    already answered is replaced (a correction); invalid values are dropped."""
    st = _load(state)
    for fname, value in facts.items():
        if fname == "region" and isinstance(value, str):
            value = parsing.resolve_place(value) or value
        if not _valid_prefill(fname, value):
            continue
        if st["facts"].get(fname) == value:
            continue
        st["history"] = [h for h in st["history"] if h.get("field") != fname]
        st["history"].append({"field": fname, "value": copy.deepcopy(value), "source": "extracted"})
    return _advance(st)
