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
    ("佢", "他"), ("阿妈", "妈"), ("阿爸", "爸"), ("老豆", "爸"), ("老母", "妈"), ("呃咗", "骗了"), ("呃钱", "骗钱"), ("蚊", "块"),
    ("係", "是"), ("而家", "现在"), ("边度", "哪里"), ("乜", "什么"), ("唔", "不"), ("畀", "给"), ("俾", "给"), ("搵", "找"), ("揾", "找"), ("咩", "什么"), ("喺", "在"),
    ("嗰", "那"), ("啲", "些"), ("哋", "们"), ("睇", "看"), ("老细", "老板"), ("屋企", "家里"), ("几多", "多少"),
)


# Cantonese 人工 is the wage: 「老细冇畀人工我」「拖咗两个月人工」 (not a request for a person).
_RENGONG_WAGE = re.compile(r"(?P<v>畀|俾|给|拖|扣|冇|没|欠|讨|追|攞|结|发)(?P<a>咗|了)?(?P<n>[0-9一二两三四五六七八九十几]+个月)?人工")


@lru_cache(maxsize=8192)
def mandarin(text: str) -> str:
    """Cantonese function words as Mandarin: 「我系外省嚟打工嘅」 → 「我是外省来打工的」,
    「老细冇畀人工我」 → 「老板没给工资我」; 「唔该」 said alone is thanks.

    Memoised (pure; the fact extractors fold the same message a dozen times)."""
    if re.fullmatch(r"\s*(?:唔该|唔該|多谢|多謝)(?:晒|哂|你|晒你)?[啦呀啊哦!！。.\s]*", text or ""):
        return "谢谢"
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
_KIN_AGE = re.compile(rf"(?P<who>{_KIN_ELDER}|{_KIN_OTHER})(?:今年|已经|都|才|刚|也|快|刚满)?(?:有)?(?P<n>\d{{1,3}})(?:多)?(?:{_AGE_UNIT}|(?=$|[，,\s]))"
                      rf"|(?P<who2>{_KIN_ELDER}|{_KIN_OTHER})(?:的)?(?:年龄|年纪|岁数)(?:是|有)?(?P<n2>\d{{1,3}})")
_KIN_BARE_AGE = re.compile(r"(?P<who>他|她|儿子|女儿|孩子|娃|弟弟|我弟)(?:今年|才|刚满|刚|还不到|不到)?(?P<n>1\d|[1-9])(?![0-9万千百块元天个月年号岁])")
_SOMEONE_ELSE = re.compile(_KIN_ELDER + "|" + _KIN_OTHER)


def _age(value: str) -> int | None:
    n = int(value)
    return n if 0 < n < 120 else None


def relative_age_in(text: str) -> tuple[str, int] | None:
    """(who, age) when the writer gives a relative's age: 「我妈八十了」 → (我妈, 80), 「儿子今年17岁」 →
    (儿子, 17), 「孩子才十六」 → (孩子, 16), 「他29岁」 → (他, 29). The one reader of a relative's age:
    age_in and extract.facts_from_text (the accused's age in a criminal matter) both use it."""
    text = _fold(text)
    k = _KIN_AGE.search(text)
    if k:
        age = _age(k.group("n") or k.group("n2"))
        return (k.group("who") or k.group("who2"), age) if age is not None else None
    m = _KIN_BARE_AGE.search(text)
    if m:
        age = _age(m.group("n"))
        return (m.group("who"), age) if age is not None else None
    return None


_THIRD_PERSON = ("他", "她")


def age_in(text: str, matter: str | None = None, concerned: str | None = None) -> int | None:
    """The age of the person the matter is about, in years.

    The writer's own age (「我今年七十二了」「年龄67了」「七十二了」「我是女的 四十五岁」); an
    elderly relative's when the writer speaks for them (「我妈八十了」: the mother applies);
    in a criminal matter the accused's (「他三十五岁」「孩子17」 — the defence depends on it);
    他/她 when the case is already about someone else (``concerned`` is not self: 「帮我妈问」
    then 「她七十五岁」). A child's or spouse's age in another matter is not the applicant's: None.
    """
    text = _fold(text)
    criminal = (matter or "").startswith("criminal")
    speaks_for = concerned not in (None, "self")
    m = _OWN_AGE.search(text)
    if m and m.group("a"):
        return None if speaks_for else _age(m.group("a"))  # 「我今年五十」 while asking for the mother: not hers
    kin = relative_age_in(text)
    if kin and _KIN_AGE.search(text):
        who, age = kin
        if re.fullmatch(_KIN_ELDER, who) or criminal or (speaks_for and who in _THIRD_PERSON):
            return age
        return None
    if m:
        mine = re.search(r"(?:我|俺|本人|自己)(?:今年|的)?$", text[max(0, m.start() - 3):m.start() + 2])
        return None if speaks_for and mine else _age(m.group("b") or m.group("c"))
    m = _BARE_AGE.match(text.strip())
    if m:
        return _age(m.group("n") or m.group("m"))
    if criminal and kin:
        return kin[1]
    m = _AGE_ALONE.search(text)
    if m and not _SOMEONE_ELSE.search(text[:m.start()]):
        return _age(m.group("n"))
    return None


# ------------------------------------------------------------------ who the matter is about

_CONCERNED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("mother", re.compile(r"(?:帮|替|给|为|代)(?:我|俺)?(?:妈|母亲|老娘|娘|老妈)|(?:我|俺)(?:妈|母亲|老娘|老妈)[^。]{0,12}(?:替|帮|给|代)她|(?:我|俺)(?:妈|母亲|老娘|老妈)(?:的事|的情况|这事|这情况|被|让人|给人|叫人)")),
    ("father", re.compile(r"(?:帮|替|给|为|代)(?:我|俺)?(?:爸|父亲|老爸|爹|老汉|老爷子)|(?:我|俺)(?:爸|父亲|老爸|爹|老汉)[^。]{0,12}(?:替|帮|给|代)他|(?:我|俺)(?:爸|父亲|老爸|爹|老汉)(?:的事|的情况|这事|这情况|让人|给人|叫人)"
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


# ------------------------------------------------------------------ a follow-up about another person

_WHO_WORDS: tuple[tuple[str, str], ...] = (
    ("mother", r"妈妈|妈|母亲|老妈|老娘|娘|阿妈|婆婆|岳母|丈母娘"),
    ("father", r"爸爸|爸|父亲|老爸|爹|老汉|老爷子|阿爸|公公|岳父|老丈人"),
    ("spouse", r"老公|丈夫|老婆|媳妇|爱人|男人|对象|老伴"),
    ("son", r"儿子|小儿子|大儿子"),
    ("daughter", r"女儿|闺女|小女儿|大女儿"),
    ("someone_else", r"哥哥|哥|弟弟|弟|姐姐|姐|妹妹|妹|爷爷|奶奶|姥姥|姥爷|外婆|外公|孙子|孙女|侄子|外甥|朋友|邻居|亲戚|同事|工友"),
    ("self", r"自己|我自己|本人"),
)
_WHO_ALT = "|".join(f"(?P<{code}>{words})" for code, words in _WHO_WORDS)
# 「那我爸呢」「我妈也是这情况呢」「要是换成我老公呢」「俺爸也一样不」: the same matter, another person.
_SWITCH = re.compile(rf"^(?:那|那么|还有)?(?:要是|如果是|如果)?(?:换成|换做|换了)?(?:是)?(?:我|俺|我家|俺家|我们家)?(?:的)?(?:{_WHO_ALT})"
                     r"(?:呢|的话呢|的话|也是这(?:个|种|样)?(?:情况|事|样)|也(?:一样|这样|是)|也(?:能|可以|行|算)(?:吗|不|么|嘛|申请)?"
                     r"|(?:的)?(?:情况|事)(?:呢|咋办|怎么办|能行吗)|能(?:不能)?(?:申请|办)|可以(?:申请|办)?吗|行(?:吗|不))")


def person_switch_in(text: str) -> str | None:
    """Whom a follow-up turns the case to, when it opens by naming another person for the same
    matter (「那我爸呢」「我妈也是这情况呢」「那俺爸呢 他跟俺一块干的」): mother, father, spouse,
    son, daughter, someone_else or self. None for a statement that only mentions a relative
    (「我妈住院了」) — that may be a fact of the case, not a change of person."""
    text = re.sub(r"^[\s，,。]+", "", _fold(text).strip())
    m = _SWITCH.match(text)
    if m is None:
        return None
    # 「我老公呢 天天喝酒不回家」 uses 呢 to bring up a topic: without 那/要是/换成 or 也, only a
    # message that ends there (「我妈呢？」) turns the case.
    opened = re.match(r"(?:那|那么|还有|要是|如果|换成|换做|换了)", text) is not None
    also = "也" in m.group(0) or re.search(r"情况|事", m.group(0)) is not None
    if not (opened or also or re.fullmatch(r"[\s？?。！!]*", text[m.end():])):
        return None
    return next(code for code, _ in _WHO_WORDS if m.group(code))


# ------------------------------------------------------------------ sex (where the rules use it)

# 「俺男人」「我女人」 name a spouse: 男人/女人 count only after 是 or 个 (「我是个女人」「我一个女人家」).
_FEMALE = re.compile(r"(?:我|俺|本人)(?:是)?(?:个|一个)?(?:女的|女性|妇女)|(?:我|俺|本人)(?:是(?:个|一个)?|个|一个)女人|(?:我|俺|本人)是(?:女儿|闺女|孩子他妈|孩子妈|娃他妈|当妈的|单亲妈妈)"
                     r"|(?:^|[，,\s])(?:女的|女|女性|妇女)(?=$|[，,\s])")
_MALE = re.compile(r"(?:我|俺|本人)(?:是)?(?:个|一个)?(?:男的|男性)|(?:我|俺|本人)(?:是(?:个|一个)?|个|一个)男人|(?:我|俺|本人)是(?:儿子|孩子他爸|孩子爸|娃他爹|当爹的)"
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
                       r"|^(?P<m>[1-9]|[一二两三四五六七八九俩仨])个人(?=$|[，,\s])"
                       r"|(?<![0-9一二两三四五六七八九十])(?P<t>[2-9]|[两三四五六七八九俩仨])(?:个)?人(?:一起)?(?:过日子|过|住|生活)")  # 「带孩子俩人过」
_CN_SMALL = {"一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "仨": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _small(token: str | None, default: int) -> int:
    if not token:
        return default
    return int(token) if token.isdigit() else _CN_SMALL.get(token, default)


# 「家里就他挣钱 我没工作 俩孩子」: the spouse earns for the writer and the children.
_SPOUSE_EARNS = re.compile(r"(?:就|只有|全靠|靠|只靠)(?:他|她|老公|丈夫|男人|我老公|我男人|孩子他爸|老婆|媳妇|我老婆)(?:一个人)?(?:挣钱|赚钱|上班|干活|打工|养家|养活)")
_KIDS = re.compile(r"(?P<n>[1-5]|[一二两三四五俩仨])个?(?:孩子|娃|小孩|儿子|女儿|闺女)")


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
    kids = _KIDS.search(text)
    if kids and _SPOUSE_EARNS.search(text):
        return 2 + _small(kids.group("n"), 1)
    m = _N_PEOPLE.search(text)
    if m:
        return _small(m.group("n") or m.group("m") or m.group("t"), 0) or None
    if _ALONE.search(text):
        return 1
    return None


# An income is said with an earnings word (退休金, 收入, 挣 …) or per month (一个月/每月 …) before the
# figure. 一共/总共 alone is a total of anything — 「欠了三个月一共一万二」 is owed, not earned — and
# 「三个月」 is a span, not 「一个月」: 领/拿 only count after such a word (「拿了两万」 is no income).
_INCOME_AT = re.compile(r"(?:退休金|养老金|低保金|低保|收入|月收入|月入|挣|赚|工资|月薪|薪水|一个月|每个月|每月|(?<![0-9几多两个])(?:一)?月(?!底|初|份|号|中))"
                        r"(?:也|才|就|只|只有|有|是|能|大概|差不多|也就|一共|总共|加起来|家里|能挣|能拿|挣|拿|领|赚|收入)*"
                        r"(?P<amt>[0-9]+(?:\.[0-9]+)?(?:千|万|k)?[0-9]*(?:多|来|左右|出头)?(?:块|元)?)")
# 「干了三年 一个月六千五」 is the wage of a job (now lost or unpaid), not today's household income.
_NOT_INCOME = re.compile(r"干了|做了|工作了|上了.{0,3}年班|欠|赔|借|花了|花费|医药费|判决|判了|抚养费|扶养费|赡养费|生活费|房租|租金|押金|补偿|罚|彩礼"
                         r"|转了|被骗|骗了|要回|讨|拖欠|不给|没给|没发|不发|扣|一分|损失|首付|贷款|定金|订金")


def monthly_income_in(text: str) -> int | None:
    """The household's monthly income when the words say it: 「每个月退休金一千五」 → 1500,
    「一个月挣三千多」 → 3000, 「我一个月两千 带一个娃」 → 2000. Money owed, spent, ordered
    or claimed (欠/花了/判决/抚养费/补偿 …) is no income: None."""
    text = _fold(text)
    found = [(m, v) for m in _INCOME_AT.finditer(text) if not _NOT_INCOME.search(_scope(text, m))
             for v in [_monthly(text, m)] if v is not None]
    now = [(m, v) for m, v in found if not _FORMER.search(_clause_before(text, m))]
    if now:
        found = now  # 「我原来一个月三千二 现在就老公一个月两千」: a wage no longer earned is no income now
    if not found:
        return None
    # 「我月薪8000 … 一个月总共收入两万」: the household's total wins over one person's wage (the
    # hardship test divides the household's income, facts §3.2); 「我一个月两千 老公一个月三千」: each
    # earner's figure, added up.
    total = next((v for m, v in found if _HOUSEHOLD_TOTAL.search(m.group(0)) or _HOUSEHOLD_TOTAL.search(_clause_before(text, m))), None)
    if total is not None:
        return total
    earners = {_earner(text, m) for m, _ in found}
    if len(found) > 1 and len(earners) == len(found) and None not in earners:
        return sum(v for _, v in found)
    return found[0][1]


def income_figures(text: str) -> list[int]:
    """Every monthly figure said as someone's earnings (「我月薪8000 … 总共收入两万」 → [8000, 20000]):
    when the message states the household's income, these are incomes, not sums in dispute."""
    text = _fold(text)
    return [v for m in _INCOME_AT.finditer(text) if not _NOT_INCOME.search(_scope(text, m))
            for v in [_monthly(text, m)] if v is not None]


_FORMER = re.compile(r"原来|以前|之前|过去|原先|本来|离职前|辞退前|没被辞退")
_HOUSEHOLD_TOTAL = re.compile(r"总共|一共|加起来|合起来|全家|一家|家里|家庭|我们家|俺家|我家|两口子|两个人|俩人|夫妻")
_EARNER = re.compile(r"(?:我|俺)(?:老公|丈夫|老婆|媳妇|爱人|男人|儿子|女儿|闺女|爸|妈)|老公|丈夫|老婆|媳妇|爱人|男人|儿子|女儿|闺女|我|俺")


def _clause_before(text: str, m: re.Match[str]) -> str:
    """The words of the figure's own clause before it (「老公都有返工 一个月总共收入…」 → 「」)."""
    start = max(text.rfind(c, 0, m.start()) for c in "，,。；; ")
    return text[start + 1:m.start()]


def _earner(text: str, m: re.Match[str]) -> str | None:
    """Who earns the figure, named in its clause (「老公一个月三千」 → 老公); None when not said."""
    who = _EARNER.findall(_clause_before(text, m))
    return who[-1] if who else None


def _monthly(text: str, m: re.Match[str]) -> int | None:
    money = parse_money(m.group("amt"))
    if not (isinstance(money, Parsed) and isinstance(money.value, (int, float)) and 0 < money.value < 10_000_000):
        return None
    if _PER_YEAR.search(text[:m.end()]):
        return int(round(money.value / 12))  # 「一年收入三万」 is 2500 a month
    return int(money.value)


_EARNINGS = re.compile(r"退休金|养老金|低保|收入|月入|挣|赚")
_JOB_PAST = re.compile(r"干了|做了|工作了|上了.{0,3}年班")


def _scope(text: str, m: re.Match[str]) -> str:
    """Where a claim word voids an income figure: a pension or earnings named (退休金, 挣 …) is
    income unless its own clause is about money owed or claimed (「每个月养老金九百 俩闺女都不给
    赡养费」 keeps 900); a bare per-month figure or a wage is judged by the whole message (「欠了
    三个月 一个月三千」 is a wage owed) — and a job that was (「干了三年」) always is."""
    if not _EARNINGS.search(m.group(0)) or _JOB_PAST.search(text):
        return text
    start = max(text.rfind(c, 0, m.start()) for c in "，,。；; ")
    ends = [i for i in (text.find(c, m.end()) for c in "，,。；; ") if i >= 0]
    return text[start + 1:min(ends) if ends else len(text)]


_PER_YEAR = re.compile(r"(?:一|每|1)年|年收入|年薪|全年|一年到头|年底|年终")


# ------------------------------------------------------------------ a good-samaritan act (LAL 32(2))

# People tell the act, not its name: 「拦住一个抢包的被砍伤了」「追小偷摔断了腿」「下河救落水的孩子」
# 「制止打架被捅了」. An act is stepping in against a wrongdoer or rescuing someone in danger; being
# the one robbed (「被小偷偷了」) or detained (「被抓」) is not.
_WRONGDOER = (r"(?:小偷|贼|扒手|劫匪|歹徒|坏人|流氓|醉汉|抢劫|抢包|抢东西|抢手机|抢钱|被抢|偷东西|偷车|偷电动车|偷钱包|偷手机|行凶"
              r"|持刀|拿刀|施暴|耍流氓|猥亵|调戏|打人|打老人|打孩子|打小孩|打架|斗殴|群殴|欺负(?:人|小孩|老人|女孩|妇女)|肇事逃逸|逃逸|逃犯|通缉犯|嫌疑人"
              r"|(?:司机|肇事的|撞人的|偷东西的|那人|那个人)[^，。！？,.!?；;\s]{0,4}?(?:要|想)?(?:跑|逃))")
_STEP_IN = r"(?<![被让给叫])(?:拦|追|抓|逮|按|摁|扑|制服|阻止|制止|挡|揪|拉开|劝开|劝架|帮(?:人|别人|忙)?(?:抓|追|拦|挡))"
_SAMARITAN_ACT = re.compile(
    r"见义勇为|勇斗歹徒|挺身而出"
    rf"|{_STEP_IN}(?:住|上|到|下|了|着)*[^，。！？,.!?；;\s]{{0,8}}?{_WRONGDOER}"
    rf"|{_WRONGDOER}[^。！？!?；;]{{0,10}}?(?:(?:我|俺)(?:就|也)?(?:上去|冲上去|冲过去|过去|赶紧|马上|去)?|上去|冲上去|冲过去)"
    r"(?:拦|制止|阻止|拉开|挡|追|抓|扑|按|摁|抱住|拽|站出来|出面|上前)"
    r"|劝架|拉架"
    r"|救人(?:受伤|受了伤|被|时|的时候|时候)|为了救(?:人|孩子|小孩|老人)"
    r"|(?:火灾|着火|失火|起火|火场|煤气)[^。！？!?]{0,20}?(?:救|背|抱|拉|拖)(?:了|出|起)"
    r"|(?:掉进|掉到|掉下|掉(?=河|水|湖|塘|江|海|井)|落水|溺水)[^。！？!?]{0,12}?(?:拉上来|救上来|捞上来|拉出来|救出来|救起|拖上来|抱上来)"
    r"|(?:下河|下水|跳(?:下|进)?(?:河|水|湖|塘|海|江|水库)|冲进(?:火|火场|屋|楼|去)|从(?:水|河|火|火场)里)[^，。！？,.!?；;]{0,6}?(?:救|拉|捞|抱|拖)"
    r"|救(?:了|起|出)?(?:个|一个|两个|几个)?[^，。！？,.!?；;]{0,6}?(?:落水|溺水|掉(?:进|到|下)[^，。！？,.!?；;]{0,4}(?:河|水|塘|湖|海|江|井|冰窟窿)|被困|着火|火场|火里)"
    r"|救(?:了|起|出)(?:个|一个|两个|几个)?[^，。！？,.!?；;]{0,4}(?:人|孩子|小孩|娃|老人|女孩|男孩|姑娘)")
_SAMARITAN_DENIED = re.compile(r"(?:没|没有|不是|不敢|不想|没敢)(?:去|上去)?(?:见义勇为|救|拦|追|抓|制止)")


def good_samaritan_in(text: str) -> bool:
    """The writer tells a good-samaritan act (见义勇为, LAL 32(2): no hardship test for the claims
    arising from it), however it is told: stepping in against a thief, robber or attacker, or
    rescuing someone from water or fire. 「被小偷偷了」 (a victim) and 「没敢追」 are not."""
    text = _fold(text)
    m = _SAMARITAN_ACT.search(text)
    if m is None or _SAMARITAN_DENIED.search(text[max(0, m.start() - 4):m.end()]):
        return False
    return not _OWN_LOSS.search(text)  # chasing the thief of one's own phone is no act for others


_OWN_LOSS = re.compile(r"(?:我|俺)(?:的)?[^，。！？,.!?；;]{0,4}被(?:小偷|贼|扒手|人|劫匪)?(?:偷|抢|扒)|(?:偷|抢|扒)(?:了|走)(?:我|俺)")


# ------------------------------------------------------------------ hurt by a stranger

_BY_STRANGER = re.compile(r"被(?:人|别人|陌生人|外人|一个人|几个人|一伙人|一群人|一帮人|路人|小混混|混混|醉汉|邻居|同事|工友|客人|顾客|司机)"
                          r"(?:给)?(?:打|砍|捅|踢|揍|推)|(?:打|砍|捅)(?:我|俺)的(?:那个|那)?(?:人|家伙|男的|小子)")


def stranger_assault_in(text: str) -> bool:
    """「被人打断了肋骨」「打我的那个人被抓了」: the writer was beaten by someone outside the family —
    an assault (a crime victim, LAL 29), not violence at home; the caller still checks that no
    husband, parent or child is named as the one who hit."""
    return _BY_STRANGER.search(_fold(text)) is not None
