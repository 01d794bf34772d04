"""Notices that must come before any other answer: safety, urgency, detention.

Why a separate, keyword-driven module: these three situations need the same first words
whatever the FAQ matcher or the questionnaire would say next — a person being beaten
must read "110" before anything about hardship tests; a person whose time limit runs
out in days must hear about 先行援助 and 12348 at once; a family whose relative was just
detained must learn that a lawyer can be assigned and how duty lawyers work.

Every statement here is grounded in shared/domain/legal-aid-facts.md (article numbers
as cited there). The women's-federation hotline number is not in that file, so the
text only says 妇联. 110 is the police emergency number the brief asks us to give.
"""

from __future__ import annotations

import re
import unicodedata

try:
    import zhconv as _zhconv
except ImportError:  # pragma: no cover
    _zhconv = None

# Kinds, in the order their notices are shown (safety first).
KINDS: tuple[str, ...] = ("violence", "urgent", "detained")

_PATTERNS: dict[str, re.Pattern[str]] = {
    "violence": re.compile(
        r"家暴|家庭暴力|打我(?!电话|手机|的电话)|把我打|被(?:他|她|老公|丈夫|男人|老婆|媳妇|儿子|女儿|爸|妈|公公|婆婆|前夫|对象)?打(?:了|伤|得)"
        r"|(?:老公|丈夫|男人|老婆|媳妇|儿子|女儿|前夫|对象|男朋友|老头子|老头|老伴|当家的|孩子他爹|娃他爹)(?:又|经常|天天|总是|老是|一直|喝了酒就|喝完酒就|喝醉了就)?(?:打(?!电话|我电话|工|官司|牌|麻将|游戏|款|钱)|揍|踢|掐|动手)"
        r"|(?:他|她)(?:又|经常|天天|总是|老是|一直|喝了酒就|喝完酒就|喝醉了就)(?:打(?!电话|我电话|工|官司|牌|麻将|游戏|款|钱)|揍|踢|掐|动手)"
        r"|打俺|把俺打|身上全是伤|身上都是伤|浑身是伤"
        r"|威胁要杀|要杀了我|要杀我|扬言.{0,4}杀|弄死我|打死我|砍我|拿刀(?!切|削|剁|做饭|砍柴|干活|割到|划到)|不敢回家|不敢回去|躲在外面|逃出来|虐待|遗弃"
        r"|人身安全保护令|保护令|砸门|救命|掐我|掐脖子|我好怕|好怕他|怕他打|怕他回来"
    ),
    "urgent": re.compile(
        r"(?:明天|后天|今天|马上|下周|过两天|这周)(?:就|要)?(?:要)?开庭|开庭.{0,3}(?:明天|后天|马上)"
        r"|时效.{0,4}(?:快|要|马上|就)(?:到|过|满|届满)|(?:快|马上|就要|要)(?:过|到)(?:时效|期限)"
        r"|马上要过期|快过期|要过期|快到期|马上到期|期限.{0,3}(?:快|马上|就要)(?:到|过|满)|(?:期限|时效).{0,4}只剩.{0,3}天"
        r"|要保全|需要保全|申请保全|财产保全|证据保全|保全财产|保全证据|转移财产|要跑路|先予执行"
        r"|(?:仲裁|起诉|时效|期限|上诉|复议|开庭|立案).{0,10}(?:还有|只剩|还剩|剩)(?:[0-7一二两三四五六七]|几)天"
        r"|(?:还有|只剩|还剩)(?:[0-7一二两三四五六七]|几)天.{0,3}(?:就)?(?:过期|到期|截止|届满)"
    ),
    "detained": re.compile(
        r"被抓|抓走|抓起来|抓进去|被拘|拘留|刑拘|被逮捕|逮捕|进去了|关进去|被关|看守所|羁押|被公安带走|被警察带走|派出所带走"
    ),
}

_NOTICES: dict[str, str] = {
    "violence": (
        "⚠️ 您的安全最重要：\n"
        "1. 如果现在有危险，请马上拨打 110 报警，先到安全的地方。\n"
        "2. 可以向法院申请「人身安全保护令」，禁止对方再打您、骚扰您（《反家庭暴力法》第二十三条）。\n"
        "3. 可以找当地妇联求助。\n"
        "4. 家庭暴力、虐待、遗弃的受害人申请法律援助，不用审查经济困难条件（《法律援助法》第三十二条第四项）。\n"
        "报警回执、告诫书、看病的病历、伤情照片请留好，申请时用得上。"
    ),
    "urgent": (
        "⏰ 事情紧急的话：\n"
        "起诉、仲裁或复议的期限不到 7 天就要到了，或者需要马上保全财产、证据、先予执行的，"
        "法律援助机构可以先给您提供法律援助，材料以后再补（《法律援助法》第四十四条）。\n"
        "请马上拨打 12348，或直接到当地法律援助中心说明情况。"
    ),
    "detained": (
        "👮 家人被拘留、逮捕的：\n"
        "1. 当事人没有请律师的，本人或近亲属可以申请法律援助（《法律援助法》第二十四条）；"
        "人在看守所的，看守所或办案机关要在 24 小时内把申请转给法律援助机构（第三十九条）。\n"
        "2. 当事人未满 18 岁，看不见、听不见或不能说话，有精神病不能完全明白自己的行为，"
        "或者可能被判无期徒刑、死刑的，公安、检察院、法院必须通知法律援助机构指派律师，"
        "不看家里经济条件（第二十五条）。\n"
        "3. 没有辩护律师的，可以要求见值班律师：提供法律咨询、程序选择建议、申请变更强制措施、"
        "对案件处理提出意见（第三十条）。\n"
        "可以准备：拘留或逮捕通知书、当事人身份证、您和当事人的亲属关系证明。"
        "有疑问请拨打 12348。"
    ),
}


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text if isinstance(text, str) else str(text))
    if _zhconv is not None:
        try:
            text = _zhconv.convert(text, "zh-cn")
        except Exception:  # pragma: no cover
            pass
    return re.sub(r"\s+", "", text)


# What a message about a relative taken by the police says besides: the police acts (关起来 is the
# police's, not a husband locking the door), a fight with someone else (「我老公打了人 被刑拘了」:
# the relative hit a third person — he is the accused, the writer no victim) and fear of what
# happens next (「我好怕」). Read without them, only violence against the writer is left.
_POLICE_ACTS = re.compile(r"(?:被|让|叫|给)?(?:警察|公安局|公安|派出所|民警|检察院|法院)?(?:给)?"
                          r"(?:抓走|抓起来|抓进去|抓了|被抓|被拘|刑拘|拘留|拘了|逮捕|关进去|关起来|被关|关了|进去了|带走|押走|羁押)")
_HIT_SOMEONE_ELSE = re.compile(r"(?:打|砍|捅|撞|伤|踢|揍)(?:伤|死|残|断)?(?:了)?(?:个|一个|几个)?(?:人|别人|同学|对方|人家|邻居|工友|路人)"
                               r"|打架|打群架|斗殴|互殴|动手打人|把(?:人|别人|人家|对方|邻居|同学|工友)(?:给)?(?:打|砍|捅|撞|踢)(?:伤|死|残|坏)?(?:了)?"
                               # the police hitting the one taken is no violence at home (a complaint, not 110 against a husband)
                               r"|(?:警察|公安|民警|协警|辅警|他们)(?:还|也|又|都)?(?:动手|打|揍|踢)(?:了)?(?:他|她|人|我儿子|孩子)?")
_FEAR_OF_WHAT_NEXT = re.compile(r"(?:我|俺)?(?:好|很|真|太|非常)?(?:害怕|怕)(?:(?:他|她)(?=会|要|被|坐牢|判|出不来|有事|在里面|受罪|吃苦)|(?!他|她|被打|挨打))"
                                r"(?:死了|极了|得很)?|吓坏了|吓死了|慌了")


def without_detention(clean: str) -> str:
    """The text with the words of a detention taken out, for reading violence against the writer
    when a relative was taken (「我儿子被抓了 我好怕」 is no crisis at home; 「我老公被抓了
    他以前老打我」 still is)."""
    for rx in (_POLICE_ACTS, _HIT_SOMEONE_ELSE, _FEAR_OF_WHAT_NEXT):
        clean = rx.sub("，", clean)
    return clean


# Someone outside the family hit me (「被人拿酒瓶砸了头」「打我的人被警察抓了」「邻居把我打了」): an
# assault, whose victim may apply under LAL 29 with the hardship test — not domestic violence
# (反家庭暴力法 2: family members; 37: people living together), which LAL 32(4) exempts.
_STRANGER = re.compile(r"被人|有人|别人|陌生人|路人|醉汉|打我的人|打人的|打人者|那人|那个人|对方|一伙人|几个人|一群人"
                       r"|邻居|同事|工友|老板|保安|城管|小偷|歹徒|客人|顾客|司机|烧烤摊|饭馆|饭店|酒吧|KTV|街上|路上")
_FAMILY = re.compile(r"家暴|家庭暴力|老公|丈夫|男人|老婆|媳妇|前夫|前妻|对象|男朋友|女朋友|男友|爸|妈|继父|后妈|公公|婆婆"
                     r"|儿子|女儿|老头|老伴|当家的|孩子他|娃他|家里人|家人|同居|虐待|遗弃|保护令|不敢回家|砸门")


def stranger_assault(text: str) -> bool:
    """An assault by someone outside the family, with no family member named as the one who hit.
    The one reader for triage, fact extraction and the case file (so they never disagree)."""
    from .person_facts import stranger_assault_in

    clean = _clean(text)
    return bool(_STRANGER.search(clean) or stranger_assault_in(clean)) and not _FAMILY.search(clean)


def detect_kinds(text: str) -> list[str]:
    """Which special situations the text mentions, safety first ([] for none).
    An assault by a stranger is not domestic violence (``stranger_assault``); when a relative was
    detained, violence is read without the detention's words (``without_detention``)."""
    clean = _clean(text)
    if not clean:
        return []
    found = [kind for kind in KINDS if any(not _negated(clean, m.start()) for m in _PATTERNS[kind].finditer(clean))
             and not (kind == "violence" and stranger_assault(clean))]
    if "violence" in found and "detained" in found:
        # a relative taken by the police: violence is read without the detention's words
        rest = without_detention(clean)
        if not any(not _negated(rest, m.start()) for m in _PATTERNS["violence"].finditer(rest)):
            found.remove("violence")
    return found


_NEGATIONS = ("没有", "没", "不是", "不", "并没", "无", "未")


def _negated(text: str, start: int) -> bool:
    """「没有家暴」「不急」「我没有被打」: a denial is not an alarm."""
    before = text[max(0, start - 3):start]
    return any(before.endswith(n) or before.endswith(n + "被") for n in _NEGATIONS)


def notice_for(kind: str) -> str:
    """The notice for one kind ("violence", "urgent", "detained")."""
    return _NOTICES[kind]


def special_notice(text: str) -> str | None:
    """Safety / urgency / detention information to send before anything else, or None.

    When several apply (e.g. "他打我，现在被拘留了"), the notices are joined in the
    order of ``KINDS``: safety first.
    """
    kinds = detect_kinds(text)
    if not kinds:
        return None
    return "\n\n".join(_NOTICES[k] for k in kinds)
