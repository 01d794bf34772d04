"""Triage before the FAQ: the few situations where a wrong first answer does harm.

A mother whose 16-year-old was taken by the police must hear "the state must assign a
lawyer" (LAL 25, CPL 278), not the victim answer with a means test; a worker whose
arbitration deadline is next Monday must hear "file it yourself today, it is free", not
a menu; a woman hiding from a violent partner must read 110 and 12338 first, with no
links and no feedback prompt. `assess` recognises these from the words people use and
returns the reply and the case facts the words imply. Pure: text and case file in, a
`Triage` or None out; texts live in intents/triage.yaml.

Order (most dangerous first): a person thinking of ending their life → violence → criminal (minor, family of a suspect,
administrative detention) → a fraud just happening or done (money can still be stopped)
→ preservation → deadline. A denial (「没有被抓」「不急」) or a
worry about the future (「会不会被抓」) never triggers.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Mapping

import yaml

from .person_facts import good_samaritan_in
from .special_paths import detect_kinds, stranger_assault, without_detention

TEXTS_FILE = Path(__file__).resolve().parent / "triage.yaml"

Kind = Literal["criminal_family", "criminal_minor", "criminal_mandatory", "administrative_detention", "deadline",
               "preservation", "violence", "scam", "self_harm"]


@dataclass(frozen=True)
class Triage:
    """What to say first, and what the words told us about the case.

    facts use the CONTRACTS §3 names: criminal_role, age (of the accused, in a criminal
    matter the facts are the suspect's), matter, urgent, special_status; plus
    accused_under_18 when the words say 未成年 without an age. crisis: the conversation
    enters crisis mode (no links, no feedback prompts from here on).
    """

    kind: Kind
    reply: str
    facts: dict[str, Any] = field(default_factory=dict)
    crisis: bool = False


@lru_cache(maxsize=1)
def texts() -> dict[str, Any]:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


def _clean(text: str) -> str:
    """NFKC; a space between two Chinese words is a clause break (「被人打伤了 打人的被抓了」)."""
    text = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "，", unicodedata.normalize("NFKC", text or ""))
    return re.sub(r"\s+", "", text)


# ------------------------------------------------------------------ word lists

_FAMILY = (r"(?:儿子|女儿|闺女|孩子|小孩|娃|崽|老公|丈夫|爱人|媳妇|老婆|男人|对象|男朋友|女朋友|老伴|当家的|那口子|孩子他爸|娃他爹|孩子他爹"
           r"|爸爸|妈妈|爸|妈|父亲|母亲|老爸|老妈|哥哥|弟弟|姐姐|妹妹|哥|弟|姐|妹|家人|家里人|亲戚|侄子|侄女|外甥"
           r"|孙子|孙女|外孙|儿媳|女婿|公公|婆婆|舅舅|叔叔)")
_TAKEN = (r"(?:被抓|抓走|抓起来|抓进去|抓了|被拘|刑拘|拘留|拘了|被逮捕|逮捕了|批捕|关进去|关起来|被关|进去了"
          r"|羁押|带走|扣押了|扣起来|押走|送看守所|在看守所|关在看守所|进了看守所|铐走|铐起来|带到派出所|带去派出所|带进派出所"
          r"|带到公安局|没放出来|还没放回来)")
# With the police named (「被派出所扣了」「让公安局关了三天」) more words say it; alone they need not
# (「工资被扣了」「把门关了」).
_TAKEN_BY_POLICE = rf"(?:{_TAKEN[3:-1]}|扣了|扣下|扣住|关了|关着|抓去|弄走)"
_DENIED = re.compile(r"(?:没有|没|不是|未|并未|没让)被?$")
_NOT_NOW = re.compile(r"不会|会不会|会被|怕|担心|万一|如果|要是|可能|以免|避免|防止|是否")
# The gap may cross one comma when the next clause only drops the subject:
# 「我家娃十五岁，被派出所带走了」「闺女上初二，跟人打架被派出所带走了」 — but not
# 「儿子被打了，打人的被抓了」「…，对方被抓了」 (another subject: 的, 对方, 那人 …).
# A clause with its subject left out, after a relative was named: 「我哥有精神病 …，被警察带走了」.
_TAKEN_BY_POLICE_RE = re.compile(rf"(?:^|[，,。；;])(?:昨天|前天|今天|刚才|刚刚|后来|结果|现在|已经)?(?:被|让|叫)"
                                 rf"(?:警察|公安|派出所|民警|检察院|公安局)[^，,。；;]{{0,4}}?{_TAKEN_BY_POLICE}")
_FAMILY_RE = re.compile(_FAMILY)
# 「派出所把他关起来了」「警察把我儿子带走了」: the police as the subject, a relative named before or in it.
_POLICE_TOOK_RE = re.compile(rf"(?:警察|公安局|公安|派出所|民警)(?:的人)?(?:已经|昨天|今天|刚才|直接)?(?:把|将)(?:他|她|人|{_FAMILY}|我{_FAMILY}|俺{_FAMILY})"
                             rf"(?:给)?[^，,。；;！？!?]{{0,3}}?{_TAKEN_BY_POLICE}")
_POLICE_WORD = re.compile(r"警察|公安|派出所|民警|看守所|拘留所")
_KIN_BY_POLICE_RE = re.compile(rf"{_FAMILY}[^，,。；;！？!?]{{0,6}}?(?:被|让|叫|给)(?:警察|公安局|公安|派出所|民警)[^，,。；;！？!?]{{0,4}}?{_TAKEN_BY_POLICE}")
_FLAGS = (("mental_illness", re.compile(r"精神病|精神疾病|精神分裂|精神不正常|精神有问题|躁狂|抑郁症发作|犯病")),
          ("blind_deaf_mute", re.compile(r"聋哑|聋子|哑巴|盲人|瞎子|看不见|听不见|不会说话|说不了话")),
          ("life_or_death_sentence", re.compile(r"死刑|无期|判死|枪毙|杀了人|出了人命|命案")))
_CRIMINAL_RE = re.compile(rf"{_FAMILY}(?P<gap>[^，。！？,.!?；;]{{0,10}}?"
                          rf"|[^，。！？,.!?；;]{{0,12}}[，,](?:昨天|前天|今天|刚才|刚刚|后来|结果|现在|已经|就|又|也)?(?=进去了|被抓|被拘|被刑拘|被逮捕|被关|关进去|刑拘了|拘留了|逮捕了|让警察|让公安|被警察|被公安)"
                          rf"|[^，。！？,.!?；;]{{0,10}}[，,](?!对方|那人|他们|别人|人家|打人|那个)[^，。！？,.!?；;的]{{0,8}}?"
                          rf"(?:被|让|叫)[^，。！？,.!?；;]{{0,5}}?)"
                          rf"{_TAKEN}")
_ADMIN_RE = re.compile(r"行政拘留|治安拘留")
_CRIMINAL_WORDS_RE = re.compile(r"刑事拘留|刑拘|逮捕|批捕|看守所|犯罪嫌疑人|被告人|刑事案")
_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_NUM = r"[0-9]{1,2}|十[一二三四五六七八九]?|[一二两三四五六七八九]十?[一二三四五六七八九]?"
_AGE_RE = re.compile(rf"(?<![0-9满到十])(?P<n>{_NUM})(?:周)?岁|(?:才|只有|刚满|刚|今年|还不到|不到)(?P<m>{_NUM})(?![0-9一二三四五六七八九十万千百块元天个月年号])")
_MINOR_RE = re.compile(r"未成年|没成年|未满(?:18|十八)|不满(?:18|十八)|不到(?:18|十八)|还没满(?:18|十八)|初中|初一|初二|初三|小学|中学生")

_DAYS_RE = re.compile(r"(?:还有|只剩下?|还剩下?|就剩下?|剩下?|只有|就只有|仅剩|仅有|只给|不到|没几|就)(?P<n>[0-9]{1,2}|[一二两三四五六七八九十]|几|一两|两三|三四|三五)(?:个)?(?:天|日)")
_LEGAL_TIME = re.compile(r"仲裁|起诉|上诉|期限|时效|开庭|截止|到期|过期|复议|申诉|判决|立案|期满|届满|诉讼|答辩|举证|执行"
                         r"|满一年|满1年|到一年|够一年")
_DAY_WORD = (r"(?:今天|今儿|明天|明儿|后天|大后天|这两天|过两天|马上|眼看|这周[一二三四五六日天末]?|本周[一二三四五六日天]?"
             r"|下周[一二三四五六日天]|下礼拜[一二三四五六日天]|下星期[一二三四五六日天]|周[一二三四五六日天]"
             r"|礼拜[一二三四五六日天]|星期[一二三四五六日天])")
_DUE_RE = re.compile(rf"(?:期限|时效|截止|仲裁|上诉期|起诉期|期|最后一天)[^，。！？,.!?]{{0,6}}{_DAY_WORD}(?:就|要|便)?(?:到|截止|过|满|结束)"
                     rf"|{_DAY_WORD}(?:就|要|便)?(?:要)?(?:开庭|到期|截止|过期|期满|届满|是最后一天)"
                     # 「明天就满一年了」: the one-year limit of labour arbitration runs out (with 仲裁/工资 said)
                     rf"|{_DAY_WORD}(?:就|要|便)?(?:要)?(?:满|到)(?:一|1)年(?=[^。！？!?]{{0,30}}(?:仲裁|工资|工钱|欠薪|辞退|开除|劳动|时效))"
                     rf"|(?:开庭|到期|截止|过期)(?:就|是)?(?:在)?{_DAY_WORD}")
_CALM_RE = re.compile(r"不急|不着急|没那么急|还早|时间还(?:多|长|够)|没有期限|没期限|不赶")

_PRESERVE_RE = re.compile(
    r"(?:正在|在|已经开始|开始|准备|打算|要|马上|明天|今天|后天|这两天|偷偷|赶紧|急着|忙着)(?:就|要|在)?[^，。！？,.!?]{0,4}?"
    r"(?:转移财产|转移资产|转移存款|转移房产|转财产|过户|把房子卖|卖房|卖车|把钱转走|转走|藏钱|跑路|跑了|出国)"
    r"|转移财产|转移资产|要跑路|准备跑路"
    r"|(?:正在|在|偷偷|赶紧|准备|开始|这两天|已经)[^，。！？,.!?]{0,3}把(?:存款|钱|财产|房子|房产|车|股份|工资卡)[^，。！？,.!?]{0,8}?"
    r"(?:转|卖|过户|藏|取走|提走)")
_PRESERVE_DENIAL = re.compile(r"(?:没有|没|不会|不是|怕|担心|万一|如果|要是|会不会|能不能)[^，。！？,.!?]{0,3}(?:转移|过户|卖|跑|转走)")
_PROCEDURE_Q = re.compile(r"过户(?:要|需要)?(?:什么|哪些|多少|怎么|咋)|怎么过户|过户手续|过户费")

_FEAR = (("children", re.compile(r"孩子|娃")),
         ("found_out", re.compile(r"怕他(?:知道|发现|看到|看)|被他(?:发现|看到)|偷偷|他会看|看我手机|翻我手机|查我手机")),
         ("retaliation", re.compile(r"报复|更狠|打得更|杀|弄死|不敢报警|报警也没用|找过来|找上门|找到我|找来|堵我|追过来")))


# ------------------------------------------------------------------ the assessment

def assess(text: str, case: Mapping[str, Any] | None = None) -> Triage | None:
    """The urgent reply for this message given the case file so far, or None."""
    case = case or {}
    clean = _clean(text)
    if not clean:
        return None
    if self_harm_in(clean):  # 「讨不到钱 我真不想活了」: a life first, then the wages
        return Triage("self_harm", texts()["self_harm"])
    # A relative taken by the police: violence is read without the detention's words
    # (「我儿子被抓了 我好怕」「我老公打了人 被刑拘了」 go to the criminal path, not the crisis).
    harm = without_detention(clean) if _taken(clean) or _POLICE_WORD.search(clean) else clean
    # Hurt by a robber while stepping in (「拦抢包的被打伤了」) is a good-samaritan claim, not a crisis at home.
    # Beaten by a stranger (「被人打断了肋骨 打我的人被抓了」) is an assault to report, not a crisis at home.
    stranger = (good_samaritan_in(clean) and not _KIN_ACTOR.search(clean)) or stranger_assault(clean)
    if not stranger and ("violence" in detect_kinds(harm) or _CHILD_ABUSE.search(harm) or _more_violence(harm)
            or _harmed_at_home(harm)) \
            and not _third_party_assault(harm) and not stranger_assault(harm):
        return _violence(clean)
    found = _criminal(clean, case)
    if found is not None:
        return found
    if is_scam(clean):
        return Triage("scam", texts()["scam"], {"matter": "criminal.defense", "criminal_role": "victim"})
    if _preservation(clean):
        return Triage("preservation", texts()["preservation"], {"urgent": ["preservation_needed"]})
    if _deadline(clean):
        return Triage("deadline", texts()["deadline"].format(today=_today_step(clean, case)),
                      {"urgent": ["deadline_within_7_days"]})
    return None


# A person thinking of ending their life. People in despair over unpaid wages, debts or a family
# breaking up say it in passing (「欠了一屁股债 活不下去了」); a wrong first answer (an amount noted,
# an FAQ) is the harm this module exists to prevent. Colloquial 想死你了 / 累死了 / 笑死 are not it.
_SELF_HARM = re.compile(r"不想活|活不下去|活不成了|活着没意思|活着还有什么意思|活着有什么意思|没法活了|不如死了|死了算了|死了得了"
                        r"|一死了之|一了百了|想死(?!你|您|他|她|我|人|了你)|寻死|轻生|自杀|自尽|跳楼|跳河|跳江|跳海|跳桥"
                        r"|喝农药|喝了农药|喝药|吞药|吃安眠药|吃了安眠药|割腕|上吊|结束(?:自己的?)?生命|不想再活")
_SELF_HARM_DENIED = re.compile(r"(?:不会|不要|别|没想|没有想|从没想|不是想|劝|防止|预防)(?:去)?$")
# Where someone stands when a life is in danger this minute; read only after despair was said.
_AT_THE_EDGE = re.compile(r"(?:在|站在|爬上|爬到|上了|坐在|到了)(?:了)?(?:楼顶|天台|顶楼|桥上|大桥上|河边|江边|湖边|海边|窗台|楼顶上)")


def self_harm_in(clean: str) -> bool:
    """The writer speaks of ending their life (not denied just before: 「我不会自杀的」)."""
    return any(not _SELF_HARM_DENIED.search(clean[max(0, m.start() - 4):m.start()])
               for m in _SELF_HARM.finditer(clean))


def at_the_edge(text: str) -> bool:
    """「我在楼顶」「站在桥上」: where a life is in danger now — after despair was said in the chat."""
    return _AT_THE_EDGE.search(_clean(text)) is not None


# A citizen being defrauded (电信诈骗, 安全账户, 刷单): minutes count — 110 and the bank first.
_SCAM = re.compile(r"安全账户|(?:电信|网络|电话|网上)诈骗|诈骗电话|(?:被|给人|让人|叫人)(?:人)?(?:电信|网络|电话)?(?:诈)?骗(?:了|走)?"
                   r"|骗(?:了|走)(?:我|俺|我们|我妈|我爸|老人)?[^，。！？,.!?]{0,6}(?:钱|块|万|元|积蓄)"
                   r"|刷单[^。！？!?]{0,12}(?:骗|不退|不返|返不)|冒充(?:公安|警察|民警|法院|检察院|客服|领导|老板|快递)"
                   r"|(?:让|叫|要)(?:我|俺)(?:把钱|把存款)?转(?:账|钱)?到|验证码(?:给|告诉|发给)了?(?:他|对方|人家)"
                   r"|(?:说|讲)(?:我|俺)涉嫌洗钱|涉嫌洗钱[^，。！？,.!?]{0,6}(?:转|账户)")
_SCAM_NOT = re.compile(r"(?:没有|没|不是|差点|幸好|还好|防止|预防|怎么防|如何防|会不会)[^，。！？,.!?]{0,2}(?:被)?骗|诈骗罪|判几年|判多久")


def is_scam(text: str) -> bool:
    """「让我把钱转到安全账户」「被骗了三万」「刷单被骗」: a fraud on the writer (or a parent),
    not a question about the crime of fraud (「诈骗罪判几年」) nor a near miss (「差点被骗」)."""
    clean = _clean(text)
    return bool(_SCAM.search(clean)) and not _SCAM_NOT.search(clean)


# Beyond intents/special_paths.py's words: how people who are being hurt at home say it.
_VIOLENCE_MORE = re.compile(r"(?:喝多|喝醉|喝了酒|喝完酒)了?(?:又|就)?(?:动手|打人|打我|打俺)|又动手了|对我动手|动手打"
                            r"|锁在屋里|把我锁|关在屋里打|带着孩子(?:跑|逃|躲)出来|(?:踹|扇|抽|拽)(?:我|俺)"
                            r"|(?:他|她|老公|男人|丈夫)又?大(?:我|俺)了|头都(?:破|被打破)了|头破血流|打得(?:我)?.{0,2}(?:住院|骨折|流血)")


@lru_cache(maxsize=1)
def _violence_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(someone close … an act on me/a child, an act that is violence by itself, a denial just before)."""
    v = texts()["violence_vocab"]
    alt = lambda words: "|".join(sorted(map(re.escape, words), key=len, reverse=True))  # noqa: E731
    # 「打得我」 is often typed 「打的我」; 「把我推倒了」 names the victim before the act (and 倒 is typed 到)
    on = rf"(?:{alt(v['acts_on'])})(?:了|过|着|得|的)?(?!{alt(v['not_after'])})(?:{alt(v['victims'])})(?!电话|手机|微信|家|的(?:电话|手机|东西|车|狗|猫))"
    held = rf"(?:把|将)(?:{alt(v['victims'])})[^，。！？,.!?；;的]{{0,3}}?(?:{alt(v['acts_on'])})(?!{alt(v['not_after'])})"
    actor_act = re.compile(rf"(?:{alt(v['actors'])})[^，。！？,.!?；;]{{0,8}}?(?P<act>{on}|{held}|被?(?:{alt(v['acts_alone'])})(?!{alt(v['tool_use'])}))"
                           rf"|(?:我|俺)[^，。！？,.!?；;]{{0,4}}?被(?:{alt(v['actors'])})?(?P<pact>(?:{alt(v['acts_on'])})(?!{alt(v['not_after'])}))")
    alone = re.compile(rf"(?P<act>{alt(v['acts_alone'])})(?!{alt(v['tool_use'])})")
    denial = re.compile(rf"(?:{alt(v['denials'])})(?:再|又|曾|曾经|过)?$")
    return actor_act, alone, denial


def _harmed_at_home(clean: str) -> bool:
    """Someone close hurts, threatens or locks up the writer or a child, in the many ways it is said.

    The act must come after an actor (他/老公/公公/前夫 …) in the same clause, or be violence
    by itself (拿刀, 威胁要杀, 不让我走); a denial right before the act (「他没打过我」「从不动手」)
    or a worry about someone else's quarrel does not count.
    """
    actor_act, alone, denial = _violence_patterns()
    for m in actor_act.finditer(clean):
        group = "act" if m.group("act") is not None else "pact"
        if not denial.search(clean[max(0, m.start(group) - 4):m.start(group)]):
            return True
    for m in alone.finditer(clean):
        if not denial.search(clean[max(0, m.start() - 4):m.start()]) and not re.search(r"^(?:吗|么|怎么办吗)", clean[m.end():]):
            if _VIOLENCE_SUBJECT.search(clean):
                return True
    return False


_KIN_ACTOR = re.compile(r"老公|丈夫|男人|对象|前夫|男朋友|老婆|媳妇|公公|婆婆|爸|妈|儿子|女儿|家里人|继父|继母|老伴|当家的")
_VIOLENCE_SUBJECT = re.compile(r"我|俺|孩子|娃|老公|丈夫|男人|对象|前夫|他|她")


def _more_violence(clean: str) -> bool:
    m = _VIOLENCE_MORE.search(clean)
    return m is not None and not re.search(r"(?:没有|没|不是|不会)$", clean[max(0, m.start() - 3):m.start()])


_CHILD_ABUSE = re.compile(r"被(?:他|她|孩子)?(?:爸|妈|继父|后妈|后爸|爷爷|奶奶)(?:又|经常|天天)?(?:打|揍|虐待)")
_ASSAULT_ONLY = re.compile(r"(?:儿子|女儿|孩子|娃|弟弟|妹妹|哥哥|姐姐|侄子|孙子)(?:在学校|在外面)?被(?:人|同学|别人|老师|几个人|一群人)?打")
_DOMESTIC = re.compile(r"家暴|老公|丈夫|男人|老婆|媳妇|前夫|对象|男朋友|爸|妈|继父|后妈|打我|把我打|我被|怕他|不敢回|保护令|虐待")


def _third_party_assault(clean: str) -> bool:
    """「儿子被打了」 is an assault on someone else, not a person hiding at home: the FAQ answers it."""
    return bool(_ASSAULT_ONLY.search(clean)) and not _DOMESTIC.search(clean)


def _violence(clean: str) -> Triage:
    fear = next((key for key, pattern in _FEAR if pattern.search(clean)), "default")
    reply = texts()["violence"].format(fear=texts()["violence_fear"][fear])
    return Triage("violence", reply, {"matter": "family.violence", "special_status": ["abuse_victim"]}, crisis=True)


_KIN_AGE_RE = re.compile(r"(?:弟弟|弟|哥哥|哥|儿子|女儿|闺女|孩子|娃|侄子|外甥|孙子|妹妹|妹)(?:今年|才|只有)?(?P<n>[0-9]{1,2})(?![0-9])")


def fear_kind(text: str) -> str | None:
    """What a later message in a crisis is afraid of (found_out, retaliation, children), or None.

    Only a message that says it is afraid (怕/不敢/担心) counts: 「孩子也在家」 is a fact."""
    clean = _clean(text)
    if not re.search(r"怕|不敢|担心", clean):
        return None
    return next((k for k, pattern in _FEAR if pattern.search(clean)), None)


def fear_answer(text: str) -> str | None:
    """In crisis mode, a later message about fear (「我怕他看到我手机」) gets its own short answer."""
    clean = _clean(text)
    key = next((k for k, pattern in _FEAR if pattern.search(clean)), None)
    if key is None and not re.search(r"怕|不敢|担心", clean):
        return None
    return "\n".join([texts()["violence_fear"][key or "default"], texts()["violence_fear_tail"]])


def accused_age(clean: str) -> int | None:
    """「我儿子16岁」「孩子才十六」「我弟17 被批捕了」 → the age; None when no age is said."""
    m = _AGE_RE.search(clean) or _KIN_AGE_RE.search(clean)
    if m is None:
        return None
    n = m.group("n") or m.group("m")
    if n.isdigit():
        return int(n)
    if n.startswith("十"):
        return 10 + (_CN_NUM.get(n[1:], 0) if len(n) > 1 else 0)
    tens = _CN_NUM[n[0]]
    if len(n) == 1:
        return tens
    if n[1] == "十":
        return tens * 10 + (_CN_NUM.get(n[2:], 0) if len(n) > 2 else 0)
    return None


def _taken(clean: str) -> bool:
    for m in _POLICE_TOOK_RE.finditer(clean):
        if _FAMILY_RE.search(clean[:m.end()]) and not _NOT_NOW.search(clean[max(0, m.start() - 4):m.end()]) \
                and not re.match(r"了?(?:吗|么)", clean[m.end():m.end() + 2]):
            return True
    for m in _KIN_BY_POLICE_RE.finditer(clean):
        if not _NOT_NOW.search(clean[max(0, m.start() - 4):m.end()]) and not re.match(r"了?(?:吗|么)", clean[m.end():m.end() + 2]):
            return True
    for m in _TAKEN_BY_POLICE_RE.finditer(clean):
        if _FAMILY_RE.search(clean[:m.start()]) and not _NOT_NOW.search(clean[max(0, m.start() - 4):m.end()]):
            return True
    for m in _CRIMINAL_RE.finditer(clean):
        before = clean[max(0, m.start() - 4):m.start()]
        gap = m.group("gap")
        if (_DENIED.search(gap) or _DENIED.search(before + gap) or _NOT_NOW.search(gap) or _NOT_NOW.search(before)
                or re.match(r"了?(?:吗|么)|.?不$", clean[m.end():m.end() + 2])):  # 「被抓了吗」, not 「抓了怎么办」
            continue
        return True
    return False


def _criminal(clean: str, case: Mapping[str, Any]) -> Triage | None:
    known_suspect = case.get("criminal_role") in ("suspect", "defendant")
    taken = _taken(clean)
    if not (taken or known_suspect):
        return None
    if _ADMIN_RE.search(clean) and not _CRIMINAL_WORDS_RE.search(clean.replace("行政拘留", "")):
        return Triage("administrative_detention", texts()["administrative_detention"], {})
    age = accused_age(clean)
    if age is None and known_suspect and isinstance(case.get("age"), int):
        age = case["age"]
    minor = (age is not None and age < 18) or bool(_MINOR_RE.search(clean))
    facts: dict[str, Any] = {"matter": "criminal.defense", "criminal_role": "suspect"}
    if age is not None:
        facts["age"] = age
    flags = [name for name, pattern in _FLAGS if pattern.search(clean)]
    if flags and not minor and (taken or known_suspect):
        facts["criminal_flags"] = flags
        why = texts()["criminal_mandatory_why"][flags[0]]
        return Triage("criminal_mandatory", texts()["criminal_mandatory"].format(**why), facts)
    if minor:
        if age is None:
            facts["accused_under_18"] = True
        return Triage("criminal_minor", texts()["criminal_minor"], facts)
    if not taken:
        return None  # a later message about an adult suspect: nothing urgent to add
    return Triage("criminal_family", texts()["criminal_family"], facts)


def _deadline(clean: str) -> bool:
    if _CALM_RE.search(clean):
        return False
    for m in _DAYS_RE.finditer(clean):
        n = m.group("n")
        days = int(n) if n.isdigit() else _CN_NUM.get(n, 3)
        before = clean[max(0, m.start() - 3):m.start()]
        if days <= 7 and _LEGAL_TIME.search(clean) and not re.search(r"(?:没有|没|不是)$", before):
            return True
    for m in _DUE_RE.finditer(clean):
        before = clean[max(0, m.start() - 3):m.start()]
        if not re.search(r"没有|没|不是|已经|上次|昨天", before) and not re.match(r"了?(?:吗|嘛|么|是什么)", clean[m.end():]):
            return True
    return False


def _preservation(clean: str) -> bool:
    if _PROCEDURE_Q.search(clean) or _PRESERVE_DENIAL.search(clean):
        return False
    return _PRESERVE_RE.search(clean) is not None


def _today_step(clean: str, case: Mapping[str, Any]) -> str:
    """The one thing the citizen can do themself today, by the kind of deadline."""
    steps = texts()["deadline_today"]
    matter = str(case.get("matter") or "")
    labour = matter.startswith("labor") or re.search(r"工资|工钱|离职|辞退|开除|工伤|加班费|社保|劳动", clean)
    if "仲裁" in clean or (labour and "开庭" not in clean and "上诉" not in clean):
        return steps["arbitration"]
    if "上诉" in clean:
        return steps["appeal"]
    if "开庭" in clean:
        return steps["hearing"]
    if "起诉" in clean or "时效" in clean or "立案" in clean:
        return steps["lawsuit"]
    return steps["other"]
