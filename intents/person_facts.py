"""Facts about the person concerned, read from everyday words (pure functions).

Why: citizens state their situation in passing — 「我在长春 一个人过 每个月退休金一千五」,
「我妈八十了」, 「他三十五岁」, 「我系外省嚟打工嘅」, 「他没打过我」 — and a case file that
keeps 「一个人」 as an amount or the whole sentence as a place asks again or decides wrong.
Each function reads one kind of fact and returns it typed (never the raw sentence), or None
when the words do not say it clearly: a wrong prefill is worse than one more question.

The caller (intents/extract.py) has already turned Chinese numerals into digits
(``convert_numerals``) and traditional characters into simplified ones.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .parsing import Parsed, parse_money

# ------------------------------------------------------------------ Cantonese → Mandarin, for reading facts

# Only unambiguous Cantonese words; 系 only after a pronoun (联系, 关系 stay).
_CANTONESE: tuple[tuple[str, str], ...] = (
    ("系唔系", "是不是"), ("唔该", "麻烦"), ("点算", "怎么办"), ("点样", "怎样"), ("乜嘢", "什么"), ("我系", "我是"), ("佢系", "他是"), ("你系", "你是"), ("唔系", "不是"), ("都系", "都是"),
    ("咩嘢", "什么"), ("嘢", "东西"), ("嚟", "来"), ("嘅", "的"), ("咗", "了"), ("冇", "没"), ("佢哋", "他们"),
    ("佢", "他"), ("唔", "不"), ("畀", "给"), ("俾", "给"), ("搵", "找"), ("揾", "找"), ("咩", "什么"), ("喺", "在"),
    ("嗰", "那"), ("啲", "些"), ("哋", "们"), ("睇", "看"), ("老细", "老板"), ("屋企", "家里"), ("几多", "多少"),
)


# Cantonese 人工 is the wage: 「老细冇畀人工我」「拖咗两个月人工」 (not a request for a person).
_RENGONG_WAGE = re.compile(r"(?P<v>畀|俾|给|拖|扣|冇|没|欠|讨|追|攞|结|发)(?P<a>咗|了)?(?P<n>[0-9一二两三四五六七八九十几]+个月)?人工")


@lru_cache(maxsize=8192)
def mandarin(text: str) -> str:
    """Cantonese function words as Mandarin: 「我系外省嚟打工嘅」 → 「我是外省来打工的」,
    「老细冇畀人工我」 → 「老板没给工资我」.

    Memoised (pure; the fact extractors fold the same message a dozen times)."""
    text = _RENGONG_WAGE.sub(lambda m: f"{m.group('v')}{m.group('a') or ''}{m.group('n') or ''}工资", text or "")
    for word, plain in _CANTONESE:
        text = text.replace(word, plain)
    return text


@lru_cache(maxsize=8192)
def _fold(text: str) -> str:
    """``convert_numerals`` writes 一个人 as 1个人 but leaves 带一个娃: one spelling for the patterns."""
    return re.sub(r"(?<![0-9.])1个", "一个", mandarin(text or ""))


# ------------------------------------------------------------------ age

_KIN_ELDER = r"(?:我妈|我爸|我母亲|我父亲|我老娘|俺娘|俺爹|俺妈|俺爸|老母亲|老父亲|老人家|老人|我奶奶|我爷爷|我姥姥|我姥爷|我外婆|我外公|老伴|我老伴|我婆婆|我公公)"
_KIN_OTHER = r"(?:他|她|我老公|我丈夫|我老婆|我媳妇|我儿子|我女儿|儿子|女儿|孩子|娃|我弟|我哥|我姐|我妹|弟弟|哥哥|姐姐|妹妹|侄子|孙子|外甥)"
_AGE_UNIT = r"(?:岁|周岁|了)"
_OWN_AGE = re.compile(r"(?:我|俺|本人|自己)(?:今年|已经|都|也|才|快)?(?:有)?(?P<a>\d{1,3})" + _AGE_UNIT +
                      r"|(?:年龄|年纪|岁数)(?:是|有|已经|都|快)?(?P<b>\d{1,3})(?:岁|周岁|了)?(?!\d)"
                      r"|今年(?P<c>\d{1,3})(?:岁|周岁|了)?(?![0-9万千百块元月号日年点个天次周])")
_BARE_AGE = re.compile(r"^(?:已经|都|快|今年)?(?P<n>\d{1,3})(?:岁|周岁)(?:了)?$|^(?:已经|都|快|今年)?(?P<m>[1-9]\d)了$")
_AGE_ALONE = re.compile(r"(?:^|[，,\s])(?P<n>\d{1,3})(?:岁|周岁)(?:了)?(?=[，,\s]|$)")
_KIN_AGE = re.compile(rf"(?P<who>{_KIN_ELDER}|{_KIN_OTHER})(?:今年|已经|都|才|刚|也|快|刚满)?(?:有)?(?P<n>\d{{1,3}})(?:{_AGE_UNIT}|(?=$|[，,\s]))"
                      rf"|(?P<who2>{_KIN_ELDER}|{_KIN_OTHER})(?:的)?(?:年龄|年纪|岁数)(?:是|有)?(?P<n2>\d{{1,3}})")
_KIN_BARE_AGE = re.compile(r"(?P<who>他|她|儿子|女儿|孩子|娃|弟弟|我弟)(?:今年|才|刚满|刚|还不到|不到)?(?P<n>1\d|[1-9])(?![0-9万千百块元天个月年号岁])")
_SOMEONE_ELSE = re.compile(_KIN_ELDER + "|" + _KIN_OTHER)


def _age(value: str) -> int | None:
    n = int(value)
    return n if 0 < n < 120 else None


def age_in(text: str, matter: str | None = None) -> int | None:
    """The age of the person the matter is about, in years.

    The writer's own age (「我今年七十二了」「年龄67了」「七十二了」「我是女的 四十五岁」); an
    elderly relative's when the writer speaks for them (「我妈八十了」: the mother applies);
    in a criminal matter the accused's (「他三十五岁」「孩子17」 — the defence depends on it).
    A child's or spouse's age in another matter is not the applicant's: None.
    """
    text = _fold(text)
    m = _OWN_AGE.search(text)
    if m and m.group("a"):
        return _age(m.group("a"))
    criminal = (matter or "").startswith("criminal")
    k = _KIN_AGE.search(text)
    if k:
        who = k.group("who") or k.group("who2")
        if re.fullmatch(_KIN_ELDER, who) or criminal:
            return _age(k.group("n") or k.group("n2"))
        return None
    if m:
        return _age(m.group("b") or m.group("c"))
    m = _BARE_AGE.match(text.strip())
    if m:
        return _age(m.group("n") or m.group("m"))
    if criminal:
        m = _KIN_BARE_AGE.search(text)
        if m:
            return _age(m.group("n"))
    m = _AGE_ALONE.search(text)
    if m and not _SOMEONE_ELSE.search(text[:m.start()]):
        return _age(m.group("n"))
    return None


# ------------------------------------------------------------------ who the matter is about

_CONCERNED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("mother", re.compile(r"(?:帮|替|给|为|代)(?:我|俺)?(?:妈|母亲|老娘|娘|老妈)|(?:我|俺)(?:妈|母亲|老娘|老妈)[^。]{0,12}(?:替|帮|给|代)她|(?:我|俺)(?:妈|母亲|老娘|老妈)(?:的事|的情况|这事|这情况)")),
    ("father", re.compile(r"(?:帮|替|给|为|代)(?:我|俺)?(?:爸|父亲|老爸|爹|老汉|老爷子)|(?:我|俺)(?:爸|父亲|老爸|爹|老汉)[^。]{0,12}(?:替|帮|给|代)他|(?:我|俺)(?:爸|父亲|老爸|爹|老汉)(?:的事|的情况|这事|这情况)"
                          r"|(?:我|俺)(?:老汉|老爸|爸|父亲)(?:在工地|在厂|干活|上班|被|摔|受伤)")),
    ("son", re.compile(r"(?:帮|替|给|为|代)(?:我|俺)?儿子|(?:我|俺)儿子(?:的事|被|在看守所|进去)")),
    ("daughter", re.compile(r"(?:帮|替|给|为|代)(?:我|俺)?(?:女儿|闺女)|(?:我|俺)(?:女儿|闺女)(?:的事|被)")),
    ("spouse", re.compile(r"(?:帮|替|给|为|代)(?:我|俺)?(?:老公|丈夫|老婆|媳妇|爱人)|(?:我|俺)(?:老公|丈夫|老婆|媳妇|爱人)(?:被抓|被拘|被拘留|被逮捕|进去)")),
    ("someone_else", re.compile(r"(?:帮|替|给|代)(?:她|他)(?:办|申请|问|弄|跑)|(?:帮|替)(?:别人|朋友|亲戚|邻居)(?:问|申请|办)")),
    ("self", re.compile(r"(?:我|俺)自己的事|就是我本人(?:的事)?$|本人申请")),
)


def concerned_in(text: str) -> str | None:
    """Whom the matter is about: self, mother, father, son, daughter, spouse or someone_else
    (「我去替她办」「帮我妈申请」「我儿子被抓了」); None when the words do not say."""
    text = _fold(text)
    return next((who for who, rx in _CONCERNED if rx.search(text)), None)


# ------------------------------------------------------------------ sex (where the rules use it)

_FEMALE = re.compile(r"(?:我|俺|本人)(?:是)?(?:个|一个)?(?:女的|女人|女性|妇女)|(?:我|俺|本人)是(?:女儿|闺女|孩子他妈|孩子妈|娃他妈|当妈的|单亲妈妈)"
                     r"|(?:^|[，,\s])(?:女的|女|女性|妇女)(?=$|[，,\s])")
_MALE = re.compile(r"(?:我|俺|本人)(?:是)?(?:个|一个)?(?:男的|男人|男性)|(?:我|俺|本人)是(?:儿子|孩子他爸|孩子爸|娃他爹|当爹的)"
                   r"|(?:^|[，,\s])(?:男的|男|男性)(?=$|[，,\s])")


def gender_in(text: str) -> str | None:
    """"female" / "male" when the writer says so (「我是女的」「我是女儿 出嫁了」); Jilin's
    hardship line is higher for women. Never guessed from 我老公 (the husband may be the one concerned)."""
    text = _fold(text)
    if _FEMALE.search(text):
        return "female"
    if _MALE.search(text):
        return "male"
    return None


# ------------------------------------------------------------------ what is denied

_DENIED: dict[str, re.Pattern[str]] = {
    "violence": re.compile(r"(?:没|没有|从没|从来没|从来没有|不曾|并没有?)(?:被)?(?:打|动手|家暴|动过手|打过|揍)"
                           r"|不是(?:被)?(?:打|家暴)|没有?(?:家暴|家庭暴力)|(?:不|从不|从来不)(?:打|动手)(?:我|俺)"
                           r"|(?:家暴|打人)(?:倒)?(?:没有|没)"),
    "will": re.compile(r"没(?:有)?(?:留|立|写)?(?:下)?(?:遗嘱|遗书)|遗嘱(?:也)?没(?:有|留|立|写)"),
}


def denied_in(text: str) -> frozenset[str]:
    """What the writer says did NOT happen: {"violence"} for 「他没打过我」「不是被打」「没有家暴」,
    {"will"} for 「没有遗嘱」. A denial must never set the fact it denies."""
    text = _fold(text)
    return frozenset(kind for kind, rx in _DENIED.items() if rx.search(text))


# ------------------------------------------------------------------ household and income

_ALONE = re.compile(r"(?:一个人|一人|独自|独个|自己)(?:过|住|生活|过日子|在家)|独居|孤寡|孤老|光棍|单身一人"
                    r"|^(?:就|只有|只)?(?:我|俺)(?:自己)?(?:就)?一个(?:人)?$|(?:就|只有|只)(?:我|俺)(?:自己)?一个(?:人)?(?:了)?(?=$|[，,\s])"
                    r"|(?:^|[，,\s])(?:我|俺)一个人(?=$|[，,\s]|每|一个月)|家里(?:就|只有)(?:我|俺)(?:一个|自己)(?:人)?")
_COUPLE = re.compile(r"(?:就|只有)?(?:我|俺)(?:和|跟|与)(?:老伴|老公|老婆|爱人|丈夫|妻子|媳妇|对象)(?:两个|2个|俩)?(?:人)?(?:过|住|生活)?(?=$|[，,\s]|过|住|生活|两|2)"
                     r"|老两口|两口子过|夫妻俩过|就我们俩|就我们两个")
_WITH_CHILDREN = re.compile(r"(?:一个人|自己|单独)(?:带|养)(?:着)?(?P<a>[1-5]|[一二两三四五俩仨])?(?:个)?(?:娃|孩子|小孩|儿子|女儿|闺女)"
                            r"|带(?:着)?(?P<b>[1-5]|[一二两三四五俩仨])个(?:娃|孩子|小孩|儿子|女儿|闺女)")
_N_PEOPLE = re.compile(r"(?:家里|家中|我家|我们|俺们|一家|全家|屋里|一共|总共)(?:就|只有|有|一共|总共)?(?P<n>[1-9]|[一二两三四五六七八九俩仨])个人"
                       r"|^(?P<m>[1-9]|[一二两三四五六七八九俩仨])个人(?=$|[，,\s])")
_CN_SMALL = {"一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "仨": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _small(token: str | None, default: int) -> int:
    if not token:
        return default
    return int(token) if token.isdigit() else _CN_SMALL.get(token, default)


def household_size_in(text: str) -> int | None:
    """People living on the household income, from everyday words: 「一个人过」「我一个人」 → 1,
    「就我和老伴」 → 2, 「一个人带娃」「带一个娃」 → 2, 「家里两个人」 → 2 (N口人 is read by
    extract.household_in). 「一个人在东莞打工」 says nothing about the household: None."""
    text = _fold(text)
    m = _WITH_CHILDREN.search(text)
    if m:
        return 1 + _small(m.group("a") or m.group("b"), 1)
    if _COUPLE.search(text):
        return 2
    m = _N_PEOPLE.search(text)
    if m:
        return _small(m.group("n") or m.group("m"), 0) or None
    if _ALONE.search(text):
        return 1
    return None


_INCOME_AT = re.compile(r"(?:退休金|养老金|低保金|收入|月收入|月入|工资|月薪|薪水|挣|赚|领|拿|一个月|每个月|每月|一月|月)"
                        r"(?:也|才|就|只|只有|有|是|能|大概|差不多|也就|一共|总共|加起来|家里|能挣|能拿|挣|拿|领)*"
                        r"(?P<amt>[0-9]+(?:\.[0-9]+)?(?:千|万|k)?[0-9]*(?:多|来|左右|出头)?(?:块|元)?)")
# 「干了三年 一个月六千五」 is the wage of a job (now lost or unpaid), not today's household income.
_NOT_INCOME = re.compile(r"干了|做了|工作了|上了.{0,3}年班|欠|赔|借|花了|花费|医药费|判决|判了|抚养费|扶养费|赡养费|生活费|房租|租金|押金|补偿|罚|彩礼"
                         r"|转了|被骗|骗了|要回|讨|拖欠|不给|没给|没发|不发|扣|一分|损失|首付|贷款|定金|订金")


def monthly_income_in(text: str) -> int | None:
    """The household's monthly income when the words say it: 「每个月退休金一千五」 → 1500,
    「一个月挣三千多」 → 3000, 「我一个月两千 带一个娃」 → 2000. Money owed, spent, ordered
    or claimed (欠/花了/判决/抚养费/补偿 …) is no income: None."""
    text = _fold(text)
    if _NOT_INCOME.search(text):
        return None
    m = _INCOME_AT.search(text)
    if not m:
        return None
    money = parse_money(m.group("amt"))
    if not (isinstance(money, Parsed) and isinstance(money.value, (int, float)) and 0 < money.value < 10_000_000):
        return None
    if _PER_YEAR.search(text[:m.end()]):
        return int(round(money.value / 12))  # 「一年收入三万」 is 2500 a month
    return int(money.value)


_PER_YEAR = re.compile(r"(?:一|每|1)年|年收入|年薪|全年|一年到头|年底|年终")
