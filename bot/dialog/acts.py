"""Dialogue acts: short replies that answer the bot, not questions for the FAQ.

Why: 「同意」 answered a divorce FAQ, 「对」 did not pick from the menu just shown and
「尾号5678」 was matched against the knowledge base. An act is recognised first and
resolved against what the last reply asked for (the pending prompt); with nothing
pending it still gets a sensible reply — never a search. Pure: text in, Act out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Sequence

from intents import detect
from intents.extract import correction_in
from intents.parsing import compact

ActKind = Literal["yes", "no", "choice", "correction", "ack", "thanks", "detail", "resume", "data", "defer"]

_YES = {"是", "是的", "是啊", "对", "对的", "对啊", "对呀", "没错", "好", "好的", "好啊", "嗯", "嗯嗯", "恩", "要", "要的", "需要",
        "行", "可以", "ok", "yes", "y", "确定", "确认", "同意", "我同意", "愿意", "可以的", "行的", "中", "得行", "来吧", "开始",
        "提交", "没问题", "好吧", "那好", "嗯好", "嗯是的", "对对", "对对对", "是是", "好好"}
_NO = {"不", "不是", "不要", "不用", "不用了", "不需要", "不同意", "我不同意", "否", "拒绝", "不行", "不愿意", "没有", "没", "不对",
       "不了", "不想", "算了吧", "先不要", "先不用", "暂时不用", "不可以"}
_ACK = {"哦", "哦哦", "噢", "哦好的", "噢好的", "好的好的", "知道了", "明白了", "明白", "收到", "懂了", "了解", "了解了", "行吧",
        "晓得了", "好嘞", "好滴", "ok了", "嗯知道了", "哦知道了", "这样啊", "原来如此", "哦这样", "好的知道了"}
# 「唔该」 reads as 「麻烦」 after intents.person_facts.mandarin: Cantonese thanks.
_THANKS = re.compile(r"^(?:好的|好|嗯|哦|行|中|可以|知道了|明白了)?(?:谢谢|多谢|感谢|谢了|谢啦|辛苦了|麻烦你了|非常感谢|太感谢"
                     r"|(?:唔该|麻烦)(?:你|您|晒|哂)?(?:了|啦|嘞)?$)")
_DETAIL = {"详细", "详情", "详细说说", "详细点", "展开", "全文", "看全文", "更多", "详细的", "具体说说", "说详细点"}
_RESUME = {"继续", "接着", "继续评估", "接着来", "继续吧", "继续刚才的", "接着刚才的", "回到刚才"}
_DATA = re.compile(r"^(?:尾号|手机号?|电话|号码|身份证号?|我叫|姓名)?[：:是为]?\s*[0-9Xx*\-\s]{4,}$")
# 「第二个」「第2条」, and pointing at the list just given: 「你说的第二种办法」「上面那个第三条吧」.
_ORDINAL = re.compile(r"^(?:就是|就|选|我选|要|我要)?(?:你|您)?(?:刚才|刚刚|刚|上面|前面)?(?:说|讲|列|提)?(?:的|那个)?"
                      r"第?([0-9]|[一二两三四五六七八九])(?:个|项|条|种|号|点)?"
                      r"(?:办法|方法|法子|路子|路|途径|选项|办)?(?:吧|呗|啊|呀)?$")


# 「我还得问问我老婆」「算了不知道」「我再想想」: not now — not a question for the knowledge base.
_DEFER = re.compile(r"^(?:那|哦|嗯|好)?(?:我|俺)?(?:还得|还要|得|要|先|再)?(?:回去)?(?:问问|商量|想想|考虑|合计)(?:一下|商量)?"
                    r"(?:我|俺)?(?:老婆|老公|家里|家里人|孩子|儿子|女儿|爱人|媳妇)?(?:再说|吧|了)?$"
                    r"|^(?:算了|那算了)(?:吧)?(?:不知道|不问了|不弄了|再说)?$|^(?:我|俺)?(?:也)?不(?:知道|清楚|晓得)(?:了|啊|呢)?$")
_ACK_RE = re.compile(r"^(?:好|好的|嗯|哦|噢|行)?(?:我|俺)?(?:知道|明白|晓得|懂)了?(?:谢谢)?$")
_NO_THANKS = re.compile(r"^(?:不用|不要|不需要|不了|暂时不用|先不用)(?:了)?(?:谢谢|谢了|多谢)?(?:你|您)?$"
                        r"|^(?:先|暂时|现在)不(?:申请|办|弄|用|约|预约)了?(?:我|俺)?(?:再想想|考虑考虑|想一想|回头再说)?$")


@dataclass(frozen=True)
class Act:
    kind: ActKind
    value: int | str | None = None


def _choice(clean: str, options: Sequence[str]) -> int | None:
    n = detect.choice_number(clean, max(len(options), 9))
    if n is None:
        m = _ORDINAL.match(clean)
        if m:
            n = detect.choice_number(m.group(1), max(len(options), 9))
    if n is not None:
        return n
    if options and 2 <= len(clean) <= 12:  # the words of an option: 「欠工资的那个」
        words = clean.removesuffix("那个").removesuffix("的")
        hits = [i for i, opt in enumerate(options, 1) if words and words in compact(opt)]
        if len(hits) == 1:
            return hits[0]
    return None


def classify(text: str, options: Sequence[str] = ()) -> Act | None:
    """The act a short message performs, or None when it is content (a question, facts)."""
    clean = compact(text).lower()
    if not clean:
        return None
    fixed = correction_in(text)
    if fixed:
        return Act("correction", fixed)
    if clean in _DETAIL:
        return Act("detail")
    if clean in _RESUME:
        return Act("resume")
    if _DATA.match(clean):
        return Act("data")
    n = _choice(clean, options)
    if n is not None:
        return Act("choice", n)
    if clean in _ACK or _ACK_RE.match(clean):
        return Act("ack")
    if _NO_THANKS.match(clean):
        return Act("no")
    if _DEFER.match(clean):
        return Act("defer")
    if _THANKS.match(clean) and len(clean) <= 10:
        return Act("thanks")
    if clean in _YES:
        return Act("yes")
    if clean in _NO:
        return Act("no")
    polar = detect.polar_answer(clean)  # a yes or no with a word or two around it: 「行 就这个」「嗯 同意」
    if polar is not None:
        return Act(polar)
    return None


# What the bot's own last line asked for, so that the next short reply is read as that fact
# (「他今年多大？」 → 「他三十五岁」 is the accused's age, not a new question).
_ASKED = (("age", re.compile(r"(?:今年)?多大(?:年纪)?[？?]|几岁[？?]")),
          ("region", re.compile(r"(?:在)?哪个(?:市|县|地方)[^。]{0,12}[？?]")),
          ("household_size", re.compile(r"几口人[？?]")))


def asked_fact(reply: str) -> str | None:
    """The §3 fact the reply's last question asks for, or None."""
    lines = [l for l in (reply or "").split("\n") if "？" in l or "?" in l]
    if not lines:
        return None
    last = lines[-1]
    return next((name for name, rx in _ASKED if rx.search(last)), None)
