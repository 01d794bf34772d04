"""A crisis happening now: 「在家 孩子也在」「报了警 警察还没来」「他在砸门」.

Why its own reply: in crisis mode a short message about the present moment is not a
question for the knowledge base — searched, 「在家」 found an entry about legal aid for the
elderly at home, and 「报了警」 an entry about police records from past calls. The citizen
needs what to do in the next minutes, in the present tense: lock the door, stay with the
children, call 110 again if the police have not come, what to do if he gets in, and
12338 and shelters for afterwards — and once the police have taken him away, what comes
after instead (records, 告诫书, injuries, protection order, 12338, legal aid). Pure: cues of the message → keys of bot/texts.yaml;
each line is said once in a conversation, and a short 「我在」 line when all were said.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from intents.parsing import compact

_KIDS = re.compile(r"孩子|娃|小孩|儿子|女儿|闺女|宝宝|孙子|孙女")
_CALLED = re.compile(r"报了警|报警了|已经报(?:了)?警|打了110|打110了|叫了警察|警察(?:说|在)?(?:马上|快)(?:来|到)")
# 「我不敢报警 怕他更狠」: fear of calling is answered as fear (handlers.crisis_answer), not as a call made.
_NOT_CALLED = re.compile(r"不敢|没敢|不想|没报|不报|怕他")
_WAITING = re.compile(r"(?:警察|110|民警)[^，。]{0,4}(?:还没|没|还不|不)(?:来|到)|还没(?:来|到)")
_AT_DOOR = re.compile(r"砸门|踹门|撞门|撬门|敲门|拍门|在门外|门口|门外|堵(?:着)?门|要进来|想进来|闯|拿刀|拿着刀|在外面(?:骂|喊|闹|砸)")
_INSIDE = re.compile(r"(?:他|他们)?(?:进来了|闯进来|冲进来|打进来|破门|门被(?:他)?(?:砸开|踹开|撞开))")
# 「警察来了把他带走了」「他被派出所抓走了」: the danger of this minute is over — the thread moves on
# to what comes after (records, injuries, protection order), never 「警察到之前别开门」 again.
_TAKEN_AWAY = re.compile(r"(?:警察|民警|派出所|公安)[^，。]{0,6}(?:把他|将他)?(?:带走|抓走|铐走|拘留|控制住)"
                         r"|(?:他|他们|那人)?(?:被|让)(?:警察|民警|派出所|公安)?(?:带走|抓走|铐走|拘留)了?"
                         r"|警察(?:已经)?(?:来了|到了)[^，。]{0,4}(?:走了|没事了|安全了)")
_WHERE_NOW = re.compile(r"^(?:我)?(?:在家|在屋里|在家里|在卧室|在厕所|在房间|躲在)")
# 「上个月还报过警」「打了好几年了」: the past, which the knowledge base's answers are about.
_PAST = re.compile(r"上个月|上次|以前|之前|去年|前年|好几年|几年了|那次|曾经|过去|报过警|打过")
# Not at home (「他找到单位来了」): people around, not a locked room, are the safety.
_AWAY = re.compile(r"单位|公司|厂里|工厂|店里|学校|医院|超市|外面|路上|街上|门店|上班的地方")
_LEGAL_QUESTION = re.compile(r"离婚|保护令|法律援助|法援|律师|起诉|告他|材料|申请|抚养|财产|多久|要钱|费用")


@dataclass(frozen=True)
class Now:
    kids: bool
    called: bool
    waiting: bool
    at_door: bool
    inside: bool
    away: bool = False
    taken_away: bool = False


def read(text: str) -> Now | None:
    """The present moment this message describes, or None (a question, or nothing about now)."""
    clean = compact(text)
    if not clean or len(clean) > 40 or _LEGAL_QUESTION.search(clean) or _NOT_CALLED.search(clean):
        return None
    if _PAST.search(clean) and not (_AT_DOOR.search(clean) or _INSIDE.search(clean) or _WAITING.search(clean)):
        return None
    if _TAKEN_AWAY.search(clean) and not (_AT_DOOR.search(clean) or _INSIDE.search(clean) or _WAITING.search(clean)):
        return Now(kids=bool(_KIDS.search(clean)), called=True, waiting=False, at_door=False, inside=False,
                   taken_away=True)
    now = Now(kids=bool(_KIDS.search(clean)), called=bool(_CALLED.search(clean)),
              waiting=bool(_WAITING.search(clean)), at_door=bool(_AT_DOOR.search(clean)),
              inside=bool(_INSIDE.search(clean)), away=bool(_AWAY.search(clean)))
    if now.inside or now.at_door or now.called or now.waiting or _WHERE_NOW.search(clean) or \
            (now.kids and len(clean) <= 12):
        return now
    return None


KIDS_NOTED = "crisis_now:kids"


def lines(now: Now, said: list[str]) -> list[tuple[str, dict[str, str]]]:
    """(text key, format values) of the reply, in order, leaving out what was already said.
    Children said to be there once stay in every later line (``KIDS_NOTED`` in ``said``)."""
    kids = now.kids or KIDS_NOTED in said
    who = {"with_kids": "带孩子" if kids else "", "kids": "、家里有孩子" if kids else "",
           "and_kids": "和孩子" if kids else "",
           "stay": "等的时候待在人多的地方，别出去见他。" if now.away else
           f"等的时候门锁好，{'和孩子' if kids else ''}待在里屋别出来。"}
    keys: list[str] = []
    if now.taken_away:  # after the danger: what to keep and ask for now, said once
        return [(k, who) for k in ("crisis_after_police",) if k not in said]
    if now.inside:
        keys.append("crisis_now_inside")
    elif now.away:
        keys.append("crisis_now_away")
    else:
        keys.append("crisis_now_lock")
    if now.waiting:
        keys.append("crisis_now_police_waiting")
    elif now.called:
        keys.append("crisis_now_police_called")
    else:
        keys.append("crisis_now_call")
    if not now.inside and not now.away:
        keys.append("crisis_now_if_in")
    keys.append("crisis_now_after")
    # A line that depends on what changed (the police still not here) is said again; the rest once.
    repeatable = {"crisis_now_police_waiting", "crisis_now_inside"}
    fresh = [k for k in keys if k not in said or k in repeatable]
    return [(k, who) for k in fresh]
