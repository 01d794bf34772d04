"""Short follow-up questions answered within the topic just discussed.

Why: 「要带啥东西」「多久能有结果」「在哪儿办」「这个结果我不认」 only make sense after
an answer; matched from scratch they were refused or misread. The common ones have a
fixed, grounded answer (legal-aid-facts.md: LAL 43 decision in 7 days, LAL 49 objection
to the justice bureau in 5 days, LAL 2/20 free of charge) or come from the rules engine
(the matter's materials, the offices of the place in the case file). Anything else is
matched first within the topic, then across the knowledge base (router.answer_in_topic).
Pure guard (`kind_of`), small handlers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import yaml

from intents import detect
from intents.parsing import compact

TOPIC_FILE = Path(__file__).with_name("topic_followups.yaml")

KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("proxy", re.compile(r"替(?:她|他|我妈|我爸|老人|家里人|孩子)?(?:去)?(?:办|申请)|代(?:她|他|我妈|我爸)?(?:去)?(?:办|申请)"
                         r"|帮(?:我妈|我爸|她|他|老人)(?:去)?(?:办|申请)|(?:我|家属|家里人|别人)(?:去)?办(?:行不行|可以吗|中不中|能行吗)")),
    ("hours", re.compile(r"几点(?:上班|下班|开门|关门)|(?:上班|下班|开门|关门)(?:是)?几点|什么时候(?:上班|下班|开门)|上班时间|办公时间"
                         r"|(?:周|星期|礼拜)[六日天末](?:上班|开门|有人|办公)|周末(?:上班|开门)|开不开门|有人在吗")),
    ("fees", re.compile(r"鉴定费|诉讼费|公证费|打官司的钱|官司费|(?:鉴定|公证|诉讼|打官司|起诉|立案).{0,4}(?:要钱|花钱|收费|费用|多少钱|交钱)")),
    ("lawyer_bad", re.compile(r"律师.{0,6}(?:不好好|不负责|不办事|不尽责|不管|不理|不回|糊弄|敷衍)|(?:换|更换)(?:个)?律师")),
    ("in_person", re.compile(r"不去现场|网上办|在线办|线上办|网上申请|本人去|亲自去|要本人|自己去一趟|走不开|去不了|没法去|来不了|腿脚不好")),
    ("who_lawyer", re.compile(r"律师.{0,6}(?:谁找|谁给找|你们找|给找|自己找|谁派|指派)|谁给(?:我)?找律师|律师.{0,3}谁(?:给)?(?:派|安排|找)")),
    ("means_test", re.compile(r"穷不穷|看收入|查收入|看经济|经济条件|看家里条件|查家里")),
    ("self_apply", re.compile(r"(?:要|得|需要)?(?:我们|我|俺们|俺|家属|家里)自己(?:去)?申请|要我们申请|是不是要.{0,4}申请")),
    ("objection", re.compile(r"不认|不服|不批|没批|不给批|拒了|被拒|不同意这个|不接受|不满意这个结果")),
    ("sentence", re.compile(r"判(?:多久|几年|多少年|多长|多重|得重|重不重)|(?:会|要|得|能)(?:坐|关)(?:多久|几年|多少年)|坐几年牢|量刑")),
    ("refusal_oral", re.compile(r"口头|没给.{0,4}(?:纸|书面|文书|决定书|通知书)|不给.{0,3}(?:书面|决定书|通知书)")),
    ("reconsideration", re.compile(r"(?:复议|行政诉讼)(?:是|指)?(?:啥|什么|甚么|咩|怎么回事|啥意思|什么意思)")),
    # 「咁即系唔得？」「那就是不行呗」 after a decision: is it a no? — the decision in plain words first.
    ("is_it_no", re.compile(r"(?:即系|就是|那就是|是不是|所以|意思是)(?:说)?(?:不得|不行|不能|没戏|没得|不可以|不符合|不给)|不行是吧|没戏了")),
    # 「那我怎么申请」 in a case: decided → the two ways; undecided → the check first (handlers.follow_up).
    ("how_apply", re.compile(r"^(?:好的|好|那|嗯|行)*(?:我|俺|我们)?(?:要|该|得)?(?:怎么|咋|如何|怎样|点样)(?:去|才能)?(?:申请|办理|办申请)(?:呢|啊|呀)?$")),
    ("priority", re.compile(r"优先|绿色通道|加急|能不能快点办|可以快点办|插个队")),
    ("limitation", re.compile(r"期限|时效|时间限制|时限|限期|截止|(?:多久|多长时间|什么时候|啥时候|几年|会不会|就|还没).{0,6}(?:过期|失效|作废)"
                               r"|来[得不]及|晚不晚|还能不能告|告不了了|多久.{0,4}(?:不能|不让|不给)(?:告|起诉|要)")),
    ("elapsed", re.compile(r"^(?:都|已经|这都|都已经|过了|快)(?:[0-9一二三四五六七八九十两]+(?:来|多)?|八九|十几|好几|七八)(?:天|日)了?|一个多(?:星期|礼拜)了|半个多?月了")),
    ("duration", re.compile(r"多久|几天|多长时间|(?:什么时候|啥时候|几时)(?:能|会|可以|才)?(?:有|出|给|受理|批|审批|决定|答复|回复)|多少天")),
    ("cost", re.compile(r"(?<!鉴定)(?:花钱|收费|要钱|交钱|收钱|给钱|掏钱|费用|律师费|代理费)(?!.*鉴定)|费(?:用)?(?:谁出|谁掏|谁付|谁给)")),
    ("aid_first", re.compile(r"先行援助|材料.{0,4}(?:后面|以后|之后|回头|过后|再)(?:再)?(?:补|交|给)|(?:手续|证明).{0,4}(?:后补|以后补|后面补)"
                             r"|先(?:帮|给|替)?(?:我)?(?:办|援助|受理|弄|立案|申请)(?:着|上)?.{0,6}(?:后补|再补|以后补|后面补)")),
    ("identity", re.compile(r"实名|真名|身份证")),
    ("materials", re.compile(r"带(?:啥|什么|哪些|些啥|咩嘢|咩|乜嘢)|(?:要|准备|需要)(?:些|点)?(?:啥|什么|哪些)(?:子|材料|东西|证件|证据)?(?:哦|呢|啊|嘛)?$|材料|证据")),
    ("where", re.compile(r"在哪|哪里办|去哪|往哪|(?:交|递|送)(?:到|给)?哪|哪儿办|地址|怎么去|找谁办")),
    ("what_now", re.compile(r"(?:咋|怎么)(?:办|整|搞|弄)(?:呢|啊|嘛|哦)?$|(?:咋|怎么)办|能做啥|能做什么|该做啥|该怎么|下一步|接下来|现在能|先(?:干|做|弄)(?:啥|什么)|该干(?:啥|什么)"
                            r"|(?:咋|怎么|点)做|(?:要|得|需要|该|能)(?:我们|我|俺们|俺|家属|家里人?|咱们?)?(?:做|干|准备)(?:点|些)?(?:什么|啥|乜|咩)"
                            r"|点算|点办|^然后呢")),
    # 「那我明天就去」「好 我下午过去」: going to the centre — where, when, what to bring, not a new topic.
    ("going", re.compile(r"^(?:那|好|好的|行|嗯|中|得){0,2}(?:我|俺|我们|俺们|咱)?(?:明天|今天|后天|下午|上午|马上|现在|这就|等下|一会儿?|过两天|周[一二三四五]|礼拜[一二三四五]|星期[一二三四五])?"
                         r"(?:就|再)?(?:去|过去|跑一趟)(?:一趟|看看|办|申请|问问)?(?:了|吧|啊|哈)?$")),
)


# A follow-up asked first, with no topic yet, is about the service itself.
SERVICE_TOPIC = {"hours": "service.hotline", "fees": "legal_aid.about", "lawyer_bad": "service.complaint", "in_person": "legal_aid.apply", "who_lawyer": "legal_aid.apply", "means_test": "eligibility.hardship",
                 "what_now": "legal_aid.apply", "cost": "legal_aid.about", "duration": "legal_aid.apply", "objection": "legal_aid.apply",
                 "identity": "legal_aid.apply", "aid_first": "service.urgent"}


# A follow-up that names its own object (「工伤认定去哪里弄」「多久之内要去仲裁」) is about that
# object, not about applying for legal aid: the topic's own answers (below, then the knowledge
# base within the topic) decide it.
_OBJECT = re.compile(r"仲裁|工伤认定|认定工伤|鉴定|起诉|打官司|强制执行|执行|报警|保护令|立案|法院|投诉|调解|离婚证|判决")
_GENERIC = ("where", "duration", "cost", "materials", "what_now", "limitation")


_ABOUT_AID = re.compile(r"法援|法律援助|决定|结果|评估|审批|不批|没批|不给批|被拒|拒了")


def kind_in_context(text: str, decided: bool) -> str | None:
    """``kind_of``, but 「不认」 is an objection to a legal-aid decision only when there is one
    or the message says so (「医院不认账」 is the other side refusing, not an objection)."""
    kind = kind_of(text)
    if kind == "objection" and not decided and not _ABOUT_AID.search(compact(text)):
        return None
    return kind


KINDS_BY_NAME = {name: rx for name, rx in KINDS}


# Words around a follow-up that name no new matter: who is asking, and 「那」「现在」.
_FILLER = re.compile(r"那|我们|我|俺们|俺|咱们|咱|家里人|家里|家属|现在|好的|好|嗯|呢|啊|呀|吧|哦|咁|即系")


def kind_of(text: str) -> str | None:
    clean = compact(text)
    if not clean or len(clean) > 16:
        return None
    if detect.names_errand(text):
        return None  # 「办身份证要带什么」「社保卡丢了怎么补办」: another office's errand, not our application
    office = detect.office_question(text)  # 「你们上班几点」「周六开门吗」「你们在哪」 (intents/detect.py)
    if office is not None:
        return "hours" if office == "hours" else "where"
    for kind, rx in KINDS:
        m = rx.search(clean)
        if m is None:
            continue
        if kind == "what_now" and len(_FILLER.sub("", clean[:m.start()] + clean[m.end():])) > 4:
            continue  # 「老板拖欠工资怎么办」 is a question of its own, 「那我们家里该做点啥」 a follow-up
        if kind in ("where", "cost", "duration", "materials", "what_now", "limitation") and detect.other_procedure(text):
            continue  # 「工伤认定去哪里弄」「那仲裁要钱吗」: another procedure's question, its own entry answers
        if kind == "cost" and detect.others_charge(text):
            continue  # 「物业乱收费能不交吗」: another party's charge, not whether legal aid costs money
        if kind == "objection" and detect.other_party_refuses(text):
            continue  # 「医院不认账」: the other side refuses, not an objection to our decision
        if kind in _GENERIC and _OBJECT.search(clean):
            return None
        return kind
    return None


@dataclass(frozen=True)
class TopicEntry:
    """One follow-up of topic_followups.yaml: where it holds, what it matches, what it says."""

    id: str
    topics: tuple[str, ...]
    when: re.Pattern[str]
    say: str
    needs: frozenset[str]          # special statuses or "role:<criminal_role>", one of which the case must have
    options: tuple[str, ...] = ()  # the numbered ways the answer lists: 「2」 then asks about that one


@lru_cache(maxsize=1)
def _topic_entries() -> tuple[TopicEntry, ...]:
    data = yaml.safe_load(TOPIC_FILE.read_text(encoding="utf-8")) or {}
    return tuple(TopicEntry(str(e["id"]), tuple(str(t) for t in e["topics"]), re.compile(str(e["when"])),
                            str(e["say"]).strip(),
                            frozenset(str(x) for x in (e.get("status") or ())) | frozenset(str(x) for x in (e.get("roles") or ())),
                            tuple(str(o) for o in e.get("options") or ()))
                 for e in data.get("entries") or [])


def _in_topics(topic: str | None, topics: tuple[str, ...]) -> bool:
    """A listed code, a prefix ending in "." (「labor.」), or "*": any legal matter (the general way)."""
    if not topic:
        return False
    from .memory import is_matter

    return any(topic == t or (t.endswith(".") and str(topic).startswith(t)) or (t == "*" and is_matter(topic))
               for t in topics)


def marks(case: dict[str, Any]) -> list[str]:
    """What an entry's ``status``/``roles`` may ask of the case: its special statuses and its criminal role."""
    out = [str(s) for s in case.get("special_status") or []]
    if case.get("criminal_role"):
        out.append(f"role:{case['criminal_role']}")
    return out


def find_topic_entry(text: str, topic: str | None, statuses: Iterable[str] | None = None) -> TopicEntry | None:
    """The topic's own follow-up this short message asks (the first that fits), or None.

    An entry with ``status``/``roles`` holds only for a case with one of them: the proof a good
    samaritan brings (LAL 32(2)) is not what every injured person is asked for, and the way a
    fraud victim gets money back is not a suspect's family's question."""
    clean = compact(text)
    if not clean or len(clean) > 22 or not topic:
        return None
    have = frozenset(statuses or ())
    for entry in _topic_entries():
        if _in_topics(topic, entry.topics) and (not entry.needs or entry.needs & have) and entry.when.search(clean):
            return entry
    return None


def topic_entry(text: str, topic: str | None, statuses: Iterable[str] | None = None) -> tuple[str, str] | None:
    """(id, answer) of ``find_topic_entry``, or None."""
    entry = find_topic_entry(text, topic, statuses)
    return (entry.id, entry.say) if entry else None


def answer(turn: Any, kind: str) -> str | None:
    """The follow-up's answer, or None to let the topic-first matcher try."""
    from .router import T

    last = turn.st.get("last_followup")
    turn.st["last_followup"] = kind
    if kind == "hours":
        return _hours(turn)
    if kind in ("in_person", "who_lawyer", "means_test", "lawyer_bad", "fees", "proxy"):
        return T(f"followup_{kind}")
    if kind == "self_apply":
        return T("followup_mandatory_notify") if turn.st.get("decision") == "mandatory" else T("followup_self_apply")
    if kind == "objection":
        return T("followup_objection")
    if kind == "sentence":
        return T("followup_sentence")
    if kind == "refusal_oral":
        return T("followup_refusal_written")
    if kind == "is_it_no":
        decision = turn.st.get("decision")
        if decision not in ("eligible", "likely_eligible", "mandatory", "not_eligible"):
            return None
        head = T(f"followup_is_it_no_{decision}")
        steps = _what_now(turn) if KINDS_BY_NAME["what_now"].search(compact(turn.text)) else None
        return f"{head}\n{steps}" if steps else head
    if kind == "how_apply":
        if turn.st.get("decision") not in ("eligible", "likely_eligible", "mandatory"):
            return None  # no decision yet: the check is the first step (handlers.follow_up starts it)
        region = turn.case.get("region")
        return T("followup_how_apply").format(place=region or "当地")
    if kind == "priority":
        return _priority(turn)
    if kind == "going":
        return _going(turn)
    if kind == "reconsideration":
        return T("followup_reconsideration")
    if kind == "limitation":
        if _after_objection(turn, last) or _ON_OBJECTION.search(compact(turn.text)):
            return T("followup_objection_limit")
        return T(_limitation_key(str(turn.case.get("topic") or "")))
    if kind == "elapsed":  # 「都八九天了」 after the 7-day rule: the time has passed, what to do now
        return T("followup_overdue") if last in ("duration", "elapsed") else None
    if kind == "duration":
        return T("followup_objection_duration") if _after_objection(turn, last) else T("followup_duration")
    if kind == "cost":
        return T("followup_cost")
    if kind == "identity":
        return T("followup_identity")
    if kind == "aid_first":
        return T("followup_aid_first")
    if kind == "materials":
        return _materials(turn)
    if kind == "where":
        if last in ("objection", "refusal_oral", "limitation") and _ON_OBJECTION.search(compact(turn.text)) \
                or _ON_OBJECTION.search(compact(turn.text)):
            region = turn.case.get("region")
            return T("followup_objection_where").format(bureau=f"{region}司法局" if region else "当地司法局")
        return _where(turn)
    if kind == "what_now":
        return _what_now(turn)
    return None


_ON_OBJECTION = re.compile(r"异议|不服|复议|申诉")


def _after_objection(turn: Any, last: str | None) -> bool:
    """The thread is a refusal being objected to: the last follow-up was, or the last answer from
    the knowledge base was about objecting (「不服」「异议」 in its question). Why: 「有没有时间限制」
    after that answer asks about the objection (LAL 49: no deadline), not the 7-day decision."""
    if last in ("objection", "refusal_oral", "reconsideration"):
        return True
    faq_id = turn.st.get("last_faq")
    entry = turn.ctx.kb.entry(turn.ctx.session, faq_id) if faq_id else None
    return entry is not None and bool(_ON_OBJECTION.search(entry.question or "") or (
        _REFUSED.search(compact(entry.question or "")) and _ON_OBJECTION.search(entry.short_answer or "")))
_REFUSED = re.compile(r"不符合|不给(?:我)?(?:办|批|援助)|不予(?:援助|批准)|没(?:给)?(?:我)?(?:批|办)|不批|被拒|拒(?:绝)?了|不受理"
                      r"|条件不够|不够条件|不够格|(?:收入|工资)(?:超|太高|高了)")
_OBJECTS = re.compile(r"不服|不认|不同意|不满|不公平|凭什么|咋办|怎么办|怎么整|咋整|能告|投诉|申诉|异议|不甘心|冤")


def objects_to_refusal(text: str) -> bool:
    """「法援中心说我不符合条件 不给办 我不服气」: an objection to a refusal (LAL 49), of any length —
    not a new request for a check, which would start the questionnaire over."""
    clean = compact(text)
    return bool(_REFUSED.search(clean) and _OBJECTS.search(clean)) and not detect.other_party_refuses(text)


def _limitation_key(topic: str) -> str:
    """Which time limit 「这事多久就过期了」 asks about: the topic's own, not the 7-day decision
    (工伤认定 1 year by the worker; labour arbitration 1 year; a civil claim 3 years)."""
    if topic == "labor.injury":
        return "followup_limit_injury"
    if topic.startswith("labor."):
        return "followup_limit_labor"
    if topic.startswith("criminal."):
        return "followup_limit_ask"
    return "followup_limit_civil"


def _facts(turn: Any) -> dict[str, Any]:
    from .memory import is_matter, questionnaire_facts

    facts = questionnaire_facts(turn.case)
    facts.update({k: v for k, v in ((turn.st.get("q") or {}).get("facts") or {}).items() if v is not None})
    if not is_matter(facts.get("matter")):
        facts.pop("matter", None)
    return facts


_MILITARY = re.compile(r"军属|军人|部队|当兵|服役|军嫂|现役")


def _priority(turn: Any) -> str:
    """「…是不是可以优先」: what the rules say for this citizen's group, never a time limit.

    军人军属: the LAL leaves their measures to the State Council and the CMC (art. 70, text not
    verified here), no green channel is on our lists for them; Jilin gives them a looser hardship
    line (1.5 × minimum wage, regulation art. 12) — which is not priority, and is said as such.
    Groups the decision gave the green channel (农民工, 残疾人, 老人…) hear that it applies."""
    from intents.regions import resolve_region

    from .router import T

    facts = _facts(turn)
    statuses = set(facts.get("special_status") or [])
    if "military_family" in statuses or _MILITARY.search(compact(turn.text)):
        region = resolve_region(str(turn.case.get("region") or ""))
        jilin = region is not None and region.province_name == "吉林省"
        return T("followup_priority_military") + (("\n" + T("followup_priority_military_jilin")) if jilin else "")
    record = None
    if turn.st.get("last_result"):
        from .. import conversation as conv_store
        record = turn.ctx.session.get(conv_store.EligibilityRecord, turn.st["last_result"])
    if record is not None and (record.result or {}).get("priority"):
        return T("followup_priority_yes")
    return T("followup_priority_general")


def _materials(turn: Any) -> str | None:
    from intents.rules import decide

    from .router import T, _safe_topic_name

    facts = _facts(turn)
    if not facts.get("matter"):
        return None
    try:
        items = [str(m) for m in decide(facts).get("materials") or []]
    except Exception:
        return None
    if not items:
        return None
    head = T("followup_materials_head").format(topic=_matter_label(facts["matter"]) or _safe_topic_name(facts["matter"]),
                                               count=len(items))
    usual = [i for i in items if not i.startswith("代别人申请")]
    if "证据" in turn.text:  # evidence asked for: the matter's own papers first, the ID after
        usual = [i for i in usual if not i.startswith("申请人的居民身份证")] + [i for i in usual if i.startswith("申请人的居民身份证")]
    shown = usual[:5]
    body = "\n".join(f"{n}. {_short(m)}" for n, m in enumerate(shown, 1))
    if len(items) > len(shown):
        turn.st["pending"] = {"type": "materials", "faq_id": None}
        turn.st["materials_full"] = items
        return f"{head}\n{body}\n{T('followup_materials_more')}"
    return f"{head}\n{body}"


def _matter_label(matter: str) -> str | None:
    """The matter as the questionnaire names it to citizens (「要赡养费、抚养费」, not the code's first word)."""
    from intents import questionnaire

    return next((c.label for c in questionnaire.flow().questions["matter"].choices if c.value == matter), None)


def _short(item: str) -> str:
    """An item without its long remarks, but with its examples (「（如报警回执、伤情照片…）」)."""
    head = re.split(r"[（(]", item)[0]
    examples = re.search(r"（如[^）]*）", item)
    if examples and len(head) + len(examples.group(0)) <= 48:
        return head + examples.group(0)
    return head


def _where(turn: Any) -> str:
    from handoff.offices import in_region

    from .router import T

    region = turn.case.get("region")
    found = in_region(region) if region else []
    if not found:
        # A place anywhere in China is known (intents/regions.py) but we hold no office data for it.
        return T("followup_where_no_data").format(place=region) if region else T("followup_where_unknown")
    office = found[0]
    lines = [T("followup_where_head").format(place=region), office.name]
    if getattr(office, "address", None):
        lines.append(f"地址：{office.address}")
    if getattr(office, "phone", None):
        lines.append(f"电话：{office.phone}")
    return "\n".join(lines)


def _what_now(turn: Any) -> str | None:
    from .router import T

    if not turn.st.get("last_result"):
        return _topic_way(turn) or T("followup_what_now_general")
    from .. import conversation as conv_store

    record = turn.ctx.session.get(conv_store.EligibilityRecord, turn.st["last_result"])
    steps = [str(s) for s in ((record.result or {}).get("next_steps") or [])] if record else []
    if not steps:
        return None
    return T("followup_what_now") + "".join(f"\n· {s}" for s in steps[:2])


def _topic_way(turn: Any) -> str | None:
    """「那咋办」 in a matter with no decision yet: the matter's own way forward (劳动监察, 仲裁 …),
    once — not the service's two generic lines (topic_answers.yaml, the same text as a topic reply)."""
    from .memory import is_matter
    from .router import BUBBLE, cut_at_sentence
    from .thread import remember_said

    topic = turn.case.get("topic")
    if not is_matter(topic) or f"topic:{topic}" in (turn.st.get("said") or []):
        return None
    general = turn.ctx.kb.topic_answer(topic)
    if not general:
        return None
    remember_said(turn.st, f"topic:{topic}")
    return f"{cut_at_sentence(general, BUBBLE)}\n{T('followup_what_now_tail')}"


def _going(turn: Any) -> str:
    """「那我明天就去」: the visit made useful — where and when the centre is open, what to bring,
    先行援助 said at the window when a time limit is close (LAL 44), and a booking offered."""
    from handoff.offices import in_region

    from .router import T

    region = turn.case.get("region")
    found = in_region(region) if region else []
    lines = [T("followup_going_head")]
    if found:
        office = found[0]
        lines.append(T("followup_going_office").format(office=office.name, address=office.address,
                                                       hours=office.hours_text()))
    else:
        lines.append(_where(turn))
    facts = _facts(turn)
    if facts.get("matter"):
        try:
            from intents.rules import decide
            items = [_short(str(m)) for m in decide(facts).get("materials") or []]
        except Exception:
            items = []
        items = [i for i in items if not i.startswith(("代", "如果"))]  # the conditional ones stay behind 「详细」
        if items:
            first = ["身份证" if "身份证" in i else i for i in items[:2]]
            lines.append(T("followup_going_bring").format(items="、".join(first)))
    if turn.case.get("urgent") or "deadline" in (turn.st.get("notices") or []) or turn.st.get("last_followup") == "aid_first":
        lines.append(T("followup_going_urgent"))
    lines.append(T("followup_going_tail"))
    return "\n".join(lines)


def _hours(turn: Any) -> str:
    """Opening hours of the centre of the case's place (handoff/offices.yaml); without a place,
    the general rule and the question where (the next message naming a place lists its offices)."""
    from handoff.offices import in_region

    from .router import T

    region = turn.case.get("region")
    found = in_region(region) if region else []
    if not found:
        turn.st["pending"] = {"type": "ask_location"}
        return T("followup_hours")
    office = found[0]
    weekend = "" if re.search(r"[六日天末]", office.hours_text()) else T("followup_hours_weekend")
    return T("followup_hours_office").format(office=office.name, hours=office.hours_text(), weekend=weekend)
