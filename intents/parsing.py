"""Answer parsers for the in-chat questionnaires.

Every parser is a pure function ``(text, choices) -> Parsed | ParseError``. They never
raise on user input: a citizen can type anything into WeChat, and what we cannot read
must become a short, polite re-ask in Chinese (Rasa's ``validate_<slot>`` returning a
value or ``None``), never an exception that loses the conversation.

Parsers return values in the types of CONTRACTS.md §3, so the questionnaire can put
them straight into the facts dict. ``Parsed.approximate`` marks answers such as
"两千多" that we accepted as a round figure; the questionnaire tells the user what it
understood so a wrong guess can be corrected with 「返回」.

Why a returned ``ParseError`` rather than a raised one: the questionnaire always needs
the re-ask text, so making it a value keeps the call sites flat and lets the parser
table in ``PARSERS`` be checked for completeness at load time.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Sequence

import cn2an

try:  # traditional → simplified; optional so the parsers work without it
    import zhconv as _zhconv
except ImportError:  # pragma: no cover - zhconv is in requirements.txt
    _zhconv = None


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Parsed:
    """A successfully understood answer.

    ``note`` is a short confirmation to show the user ("按每月约 2000 元计算") when the
    parser had to interpret the text (approximate money, a matter guessed from free text).
    """

    value: Any
    approximate: bool = False
    note: str | None = None


@dataclass(frozen=True)
class ParseError:
    """An answer we could not use, with a short Chinese re-ask.

    ``code`` lets the caller react without reading Chinese:
    ``unclear`` (nothing usable), ``range`` ("两三千"), ``ambiguous`` (several values),
    ``out_of_range`` (a number that cannot be right), ``dont_know`` ("不知道": the
    questionnaire may treat it as 跳过), ``question`` (the text looks like a question for
    the knowledge base rather than an answer).
    """

    reask: str
    code: str = "unclear"


ParseResult = Parsed | ParseError


@dataclass(frozen=True)
class Choice:
    """One numbered option of a question, as declared in the flow YAML."""

    value: Any
    label: str
    keywords: tuple[str, ...] = field(default_factory=tuple)


Parser = Callable[[str, Sequence[Choice]], ParseResult]


# --------------------------------------------------------------------------- normalising

_PUNCT_RE = re.compile(r"(?<!\d)\.|\.(?!\d)|[\s，。！？、；：,!?;:~～…·\"'“”‘’（）()\[\]【】《》<>「」『』—\-_/\\|]+")
_TRAILING_PARTICLES = "啊呀吧呢哦噢啦嘛哈呗滴的了咯喔哇"
# 「要不要」「用不用」「会不会」 (X不X) and 「要多久」 ask as surely as 吗 does.
_QUESTION_RE = re.compile(r"[?？]|吗|么|怎么|咋|什么|啥|如何|哪里|哪儿|能不能|可不可以|是不是|有没有|多少钱|为什么"
                          r"|多久|多长时间|需不需要|是否|能否|可否|([要用会能该行算够给])不\1")
_DONT_KNOW_RE = re.compile(r"不.{0,2}知道|不.{0,2}清楚|不确定|说不好|说不清|不.{0,2}晓得|不记得|记不清|不懂|不了解|搞不清|弄不清|不好说|不大懂|没数")


def normalize(text: str) -> str:
    """Fold the ways phones type the same thing: full-width digits and letters
    (NFKC), circled digits, traditional characters, case and outer whitespace."""
    if not isinstance(text, str):
        text = str(text)
    return _normalize(text)


@functools.lru_cache(maxsize=4096)
def _normalize(text: str) -> str:
    """normalize's work, remembered: one message's text is normalised dozens of times."""
    text = unicodedata.normalize("NFKC", text)
    if _zhconv is not None:
        try:
            text = _zhconv.convert(text, "zh-cn")
        except Exception:  # pragma: no cover - zhconv is pure lookup; be safe anyway
            pass
    return text.strip().lower()


def spaced(text: str) -> str:
    """``normalize`` with thousands separators joined ("3,500") and other punctuation
    turned into spaces, so "2000,3000" stays two numbers."""
    t = re.sub(r"(?<=\d)[,，](?=\d{3}(?!\d))", "", normalize(text))
    return re.sub(r"\s+", " ", _PUNCT_RE.sub(" ", t)).strip()


def compact(text: str) -> str:
    """``normalize`` plus punctuation and spaces removed: the form keyword tables match."""
    return _PUNCT_RE.sub("", normalize(text))


def _strip_particles(text: str) -> str:
    """Drop trailing modal particles so "是的呀" and "是" compare equal."""
    while len(text) > 1 and text[-1] in _TRAILING_PARTICLES:
        text = text[:-1]
    return text


# 「要钱不」「能行不」「工资发了没」: a question asked with a bare 不/没 at the end (not 「我没有」「都没有」).
_TAIL_NEGATION_Q = re.compile(r"^[\u4e00-\u9fa5]{1,7}(?<![我俺也都还就说是他她])(?:不|没|没有)$")


def looks_like_question(text: str) -> bool:
    """True when the text reads like a question for the knowledge base ("…怎么办？", 「要钱不」)."""
    said = normalize(text)
    # 「我是农民工 能免审查不」: the question is the last clause, after a stated fact.
    last = next((c for c in reversed(re.split(r"[\s，,。；;！!]+", said)) if c), "")
    return bool(_QUESTION_RE.search(said) or _TAIL_NEGATION_Q.match(_PUNCT_RE.sub("", said))
                or _TAIL_NEGATION_Q.match(_PUNCT_RE.sub("", last)))


def says_dont_know(text: str) -> bool:
    return bool(_DONT_KNOW_RE.search(normalize(text)))


def _unclear_or_question(text: str, reask: str) -> ParseError:
    """Failure for text we did not understand; flag it as a question when it looks like
    one so the caller can try the knowledge base."""
    if says_dont_know(text):
        return ParseError("不清楚也没关系。", "dont_know")
    if looks_like_question(text):
        return ParseError(reask, "question")
    return ParseError(reask, "unclear")


# --------------------------------------------------------------------------- yes / no

_YES_EXACT = {
    "是", "是的", "是滴", "是啊", "对", "对的", "对啊", "对呀", "嗯", "嗯嗯", "恩", "恩恩", "en",
    "有", "有的", "有啊", "有过", "是有", "没错", "没错的", "对头", "肯定", "当然", "当然是",
    "确实", "属于", "算", "算是", "要", "需要", "好", "好的", "行", "可以", "yes", "y", "ok",
    "是我", "我是", "正确", "领", "领了", "在领", "拿", "有领",
}
_NO_EXACT = {
    "不", "不是", "不是的", "没", "没有", "没有的", "没得", "没呢", "无", "否", "非", "木有",
    "冇", "冇有", "不对", "不属于", "不算", "不要", "不用", "不需要", "没领", "不领", "没拿",
    "no", "n", "都没有", "都不是", "也没有", "一直没有", "从来没有", "还没有", "都没",
}
_NO_PREFIXES = ("不是", "没有", "没得", "木有", "不算", "不属于", "不对", "没", "无", "否", "不")
_YES_PREFIXES = ("是的", "是啊", "对的", "对啊", "没错", "嗯", "恩", "是", "对", "有的", "有")
# Starts with a negative character but means yes.
_YES_DESPITE_NEGATIVE = ("没错", "没问题", "不错", "无误")


def parse_yes_no(text: str, choices: Sequence[Choice] = ()) -> ParseResult:
    """是/否 as people reply in chat: 是/对/嗯/有/是的/有的 … and 没有/不是/没/不 ….

    Negatives are checked before positives because "不是" contains "是" and "没有"
    contains "有". A long text without a leading 是/不 is left alone: it is more likely a
    question or a story the caller should treat as such than an answer.
    """
    reask = "请回复「是」或「不是」。"
    c = _strip_particles(compact(text))
    if not c:
        return ParseError(reask)
    if c in _YES_EXACT:
        return Parsed(True)
    if c in _NO_EXACT:
        return Parsed(False)
    if says_dont_know(c):  # before the prefixes: "不是很清楚" is not a no
        return ParseError("不清楚也没关系。", "dont_know")
    if c in {"1"}:
        return ParseError(reask)
    if c.startswith(_YES_DESPITE_NEGATIVE):
        return Parsed(True)
    if c.startswith(("有没有", "是不是", "是否")) or looks_like_question(c):
        return ParseError(reask, "question")
    if c.startswith(_NO_PREFIXES):
        return Parsed(False)
    if c.startswith(_YES_PREFIXES):
        return Parsed(True)
    if len(c) <= 8:
        # Short statements such as "我是农民工" / "我没有残疾证" / "俺不是" / "领低保".
        if re.search(r"不是|没有|没|不|无", c):
            return Parsed(False)
        if re.search(r"是|有|对|领|吃|拿|享受|低保|特困|优抚|残疾证|农民工", c):
            return Parsed(True)
    return ParseError(reask)


# --------------------------------------------------------------------------- numbers

_CN_DIGIT = "零〇一二两三四五六七八九"
_CN_VALUE = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUM_TOKEN_RE = re.compile(r"[0-9零〇一二两三四五六七八九十百千万点.]+(?:[kw])?")
# "两三千", "三五千", "一两百", "十七八", "六七十岁": two different digits back to back.
_CN_RANGE_RE = re.compile(r"(?<![十百千万0-9])([一二两三四五六七八九])([二两三四五六七八九])(?=[十百千万块元岁个口人]|$)")
_CN_TEEN_RANGE_RE = re.compile(r"十([一二三四五六七八])([二三四五六七八九])")
_ARABIC_RANGE_RE = re.compile(r"\d\s*(?:到|至|-|~|—|或者|或|、)\s*\d")
_APPROX_RE = re.compile(r"多块|多元|多|左右|大概|大约|约|差不多|来块|来元|上下|将近|不到|出头|估计|可能|应该|好像|差一点")
_VAGUE_RE = re.compile(r"(?<![0-9一二两三四五六七八九十])几|好几|若干|一些|有点|一点")


def _cn_digit_range(text: str) -> bool:
    """True for "两三千"-style ranges, which must be asked again rather than guessed."""
    for m in _CN_RANGE_RE.finditer(text):
        a, b = _CN_VALUE[m.group(1)], _CN_VALUE[m.group(2)]
        if a < b:
            return True
    for m in _CN_TEEN_RANGE_RE.finditer(text):
        if _CN_VALUE[m.group(1)] < _CN_VALUE[m.group(2)]:
            return True
    return False


def _token_to_number(token: str) -> float | None:
    """One number token ("3500", "三千五", "3k", "1.2万", "3千5") → float, or None."""
    token = token.strip(".点")
    if not token:
        return None
    scale = 1
    if token.endswith("k"):
        token, scale = token[:-1], 1000
    elif token.endswith("w"):
        token, scale = token[:-1], 10000
    if not token:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return float(token) * scale
    if token[0] in "百千万":
        token = "一" + token  # "千五" → "一千五"; cn2an reads "十五" itself
    try:
        value = cn2an.cn2an(token, "smart")
    except Exception:
        return None
    try:
        return float(value) * scale
    except (TypeError, ValueError):
        return None


def _numbers(text: str) -> list[float] | None:
    """All numbers in ``text`` (already normalised); None when a token cannot be read."""
    out: list[float] = []
    for token in _NUM_TOKEN_RE.findall(text):
        if not re.search(r"[0-9零〇一二两三四五六七八九十百千万]", token):
            continue
        value = _token_to_number(token)
        if value is None:
            return None
        out.append(value)
    return out


def _as_int(value: float) -> int:
    return int(round(value))


def parse_int(text: str, choices: Sequence[Choice] = ()) -> ParseResult:
    """A plain non-negative whole number ("3", "三", "12个")."""
    reask = "请回复一个数字，比如 3。"
    c = spaced(text)
    if _cn_digit_range(c) or _ARABIC_RANGE_RE.search(normalize(text)):
        return ParseError("请只说一个数字。", "range")
    nums = _numbers(c.replace("俩", "两").replace("仨", "三"))
    if not nums:
        return _unclear_or_question(text, reask)
    if len(set(nums)) > 1:
        return ParseError("请只说一个数字。", "ambiguous")
    return Parsed(_as_int(nums[0]))


# Words that contain a numeral but are not amounts.
_NOT_AMOUNT_RE = re.compile(r"零工|零活|零钱|零花钱|零用钱|零碎|打零|一点点|一点儿|有一点|一家|一起|一共|一直|一般|一样|一分钱?都?没|一分没|一毛没")
_PER_MONTH_RE = re.compile(r"(?:每|一|1)?个?月(?:收入|工资|挣|赚|拿|领|有)?|月收入|月薪|每月")
_PER_YEAR_RE = re.compile(r"(?:每|一|1)年|年收入|年薪|全年|一年到头")
_PER_DAY_RE = re.compile(r"(?:每|一|1)天|日薪|一日|每日|(?:每|一|1)(?:周|星期|礼拜)")
_ZERO_RE = re.compile(r"^(?:没有?|无|零|0|木有|没得)(?:任何|什么|啥)?(?:收入|钱|工资|工作|进账|来源)?$|没有?收入|无收入|没钱|没有钱|没工作|没有工作|一分钱?都?没|一分没|分文没有|零收入|没有进账|全无")
_CURRENCY_RE = re.compile(r"人民币|块钱|块|元钱|元|圆|rmb|¥|￥|yuan")


def parse_money(text: str, choices: Sequence[Choice] = ()) -> ParseResult:
    """A monthly amount in yuan as people type it.

    "3500", "3,500元", "三千五", "3k", "3千", "1.2万" → exact; "两千多", "2000左右",
    "不到两千" → that figure, flagged approximate; "一年三万" → 2500 a month, approximate;
    "没有收入", "0" → 0; "两三千", "几千", "2000到3000" → asked again, because guessing
    inside a range can flip a hardship decision; several amounts → asked for a total
    unless joined with "+"/"加".
    """
    reask = "请回复一个大概的数字，比如 2500。没有收入请回复 0。"
    if re.match(r"^\s*[-－−负]", text or ""):
        return ParseError("收入不能是负数。" + reask, "range")
    raw = normalize(text)
    if not raw:
        return ParseError(reask)
    c = spaced(raw).replace("俩", "两")
    if says_dont_know(c):
        return ParseError("不清楚也没关系，说一个大概的数就行。", "dont_know")
    c = _NOT_AMOUNT_RE.sub(" ", c)
    if _cn_digit_range(c) or _ARABIC_RANGE_RE.search(raw.replace(",", "")):
        return ParseError("请说一个大概的数，比如 2500，不用说范围。", "range")
    approximate = bool(_APPROX_RE.search(c))
    per_year = bool(_PER_YEAR_RE.search(c))
    per_day = bool(_PER_DAY_RE.search(c))
    c = _PER_YEAR_RE.sub(" ", c)
    c = _PER_MONTH_RE.sub(" ", c)
    c = _CURRENCY_RE.sub(" ", c)
    c = _APPROX_RE.sub(" ", c)
    # "两千几" = a bit over 2000; "几千" alone is too vague.
    if re.search(r"[十百千万]几", c):
        c, approximate = re.sub(r"(?<=[十百千万])几", " ", c), True
    if _VAGUE_RE.search(c):
        return ParseError("请说一个大概的数，比如 2500。", "range")
    c = re.sub(r"(?<=[千万])把|(?<=百)把", " ", c)
    if re.search(r"(?<![0-9一二两三四五六七八九十])[千百万]把?", c):
        # "千把块" = about a thousand
        c = re.sub(r"(?<![0-9一二两三四五六七八九十])([千百万])", r"一\1", c)
        approximate = True
    summed = "+" in c or "加" in c
    nums = _numbers(c)
    if nums is None:
        return _unclear_or_question(text, reask)
    if not nums:
        if _ZERO_RE.search(compact(raw)):
            return Parsed(0)
        return _unclear_or_question(text, reask)
    if per_day:
        return ParseError("请说一个月大概收入多少钱，比如 2500。", "unclear")
    if len(nums) > 1:
        if summed:
            total = sum(nums)
        elif len(set(nums)) == 1:
            total = nums[0]
        else:
            return ParseError("请把全家每个月的收入加在一起，说一个总数，比如 4000。", "ambiguous")
    else:
        total = nums[0]
    if per_year:
        total, approximate = total / 12, True
    amount = _as_int(total)
    if amount < 0 or amount > 10_000_000:
        return ParseError(reask, "out_of_range")
    note = f"按每月约 {amount} 元计算。" if approximate else None
    return Parsed(amount, approximate=approximate, note=note)


def _current_year() -> int:
    """Separate so tests can pin the year; used only for "1958年出生"-style answers."""
    return date.today().year


def parse_age(text: str, choices: Sequence[Choice] = ()) -> ParseResult:
    """Age in years: "65", "六十五岁", "65岁了", "七十多" (approximate), "1958年出生"."""
    reask = "请回复年龄的数字，比如 65。"
    c = compact(text)
    if not c:
        return ParseError(reask)
    if says_dont_know(c):
        return ParseError("不清楚也没关系，说个大概的岁数就行。", "dont_know")
    if _cn_digit_range(c) or _ARABIC_RANGE_RE.search(normalize(text)):
        return ParseError("请说一个具体的岁数，比如 17。", "range")
    if re.search(r"未成年|成年了|老人|退休", c) and not re.search(r"\d|[一二两三四五六七八九十]", c):
        return ParseError("请说具体几岁，比如 16 或 65。", "unclear")
    m = re.search(r"((?:19|20)\d\d)年?(?:出生|生|的)?", c) or re.search(r"(\d\d)年(?:出生|生|的)", c)
    if m and ("年" in c or len(m.group(1)) == 4) and not re.search(r"岁", c):
        year = int(m.group(1))
        if year < 100:
            year += 1900
        age = _current_year() - year
        if 0 <= age <= 120:
            return Parsed(age, approximate=True, note=f"按 {age} 岁计算。")
        return ParseError(reask, "out_of_range")
    approximate = bool(re.search(r"多|左右|大概|差不多|将近|不到|出头", c))
    c2 = re.sub(r"多|左右|大概|差不多|将近|不到|出头|周岁|虚岁|岁|了|今年|我|他|她|已经|快|满", " ", c)
    c2 = _NOT_AMOUNT_RE.sub(" ", c2)
    nums = _numbers(c2)
    if not nums:
        return _unclear_or_question(text, reask)
    if len(set(nums)) > 1:
        return ParseError("请只说一个岁数，比如 65。", "ambiguous")
    age = _as_int(nums[0])
    if not 0 <= age <= 120:
        return ParseError(reask, "out_of_range")
    return Parsed(age, approximate=approximate, note=(f"按 {age} 岁计算。" if approximate else None))


_ALONE_RE = re.compile(r"^(?:就|只有|只)?(?:我|俺|自己|本人)(?:自己|一个|1个|一人|1人)?(?:人)?$|就我|只有我|我自己|我一个|独居|一个人|1个人|自己一个|自己住|单身|光棍|孤身|孤寡")
_COUPLE_RE = re.compile(r"^(?:我|俺)?(?:和|跟|与)(?:老伴|老公|老婆|爱人|丈夫|妻子|媳妇|对象)$|老两口|两口子|夫妻俩|夫妻两|我们俩")


def parse_household_size(text: str, choices: Sequence[Choice] = ()) -> ParseResult:
    """People living together: "4口人", "四个人", "就我一个", "我和老伴", "一家三口"."""
    reask = "请回复家里一起生活的人数，比如 3。只有您自己请回复 1。"
    c = compact(text).replace("俩", "两").replace("仨", "三")
    if not c:
        return ParseError(reask)
    if says_dont_know(c):
        return ParseError("不清楚也没关系，说个大概的人数就行。", "dont_know")
    if _cn_digit_range(c):
        return ParseError("请只说一个人数，比如 3。", "range")
    c2 = re.sub(r"一家|一起|一共|总共|加上我|算上我|包括我", " ", c)
    nums = _numbers(c2)
    if nums:
        if len(set(nums)) > 1:
            return ParseError("请只说一个总人数，比如 4。", "ambiguous")
        n = _as_int(nums[0])
        if 1 <= n <= 30:
            return Parsed(n)
        return ParseError(reask, "out_of_range")
    if _ALONE_RE.search(c):
        return Parsed(1)
    if _COUPLE_RE.search(c):
        return Parsed(2)
    return _unclear_or_question(text, reask)


# --------------------------------------------------------------------------- choices

_ORDINAL_RE = re.compile(r"^(?:第|选|选择|回复)?([0-9]+|[一二两三四五六七八九十]+)(?:个|号|项|条|种|类|个选项)?$")
_NONE_RE = re.compile(r"^(?:0|零|〇|没有?|无|都没有?|都不是|都不|一个都没有|一样都没有|全都没有|全没有|(?:都|也)?没(?:有)?(?:这些|这种|这样的|上面的?|以上的?)(?:情况)?|(?:上面|以上|这些)(?:的|这些|几种|几个|情况)?(?:都|全)(?:没有?|不是)|都没有这些情况|不是|没这些|没有的|都无|以上都没有|以上都不是)$")
_MULTI_SEP_RE = re.compile(r"(?:[\s,，、;；/+.。]|和|与|及|跟|还有|以及)+")


def _choice_number(token: str) -> int | None:
    if re.fullmatch(r"[0-9]+", token):
        return int(token)
    try:
        value = cn2an.cn2an(token, "smart")
        return int(value)
    except Exception:
        return None


@functools.lru_cache(maxsize=4096)
def _choice_words(label: str, keywords: tuple[str, ...]) -> tuple[str, ...]:
    """A choice's label and keywords in compact form: the tables are fixed, so each is
    normalised once, not on every message (that was most of a message's parsing time)."""
    return (compact(label), *(compact(k) for k in keywords))


# A keyword right after a denial is not said (「没有家暴」「不是工伤」); 养老金 is a pension, not support.
_DENIAL_BEFORE = re.compile(r"(?:没有|没|不是|并非|从没|从来没|无|未|并没有)(?:被|过|再)?$")
_NOT_A_MATTER = re.compile(r"养老金|养老保险|退休金|低保金")


def _said(word: str, c: str) -> bool:
    """``word`` occurs in ``c`` at least once without a denial right before it."""
    start = c.find(word)
    while start >= 0:
        if not _DENIAL_BEFORE.search(c[max(0, start - 4):start]):
            return True
        start = c.find(word, start + 1)
    return False


def _keyword_hits(c: str, choices: Sequence[Choice], denials: bool = True) -> list[int]:
    """Indexes of the choices whose label or a keyword occurs in ``c``, best first
    (a longer matched keyword is more specific, so it wins). A denied keyword
    (「没有家暴」) does not count."""
    c = _NOT_A_MATTER.sub(" ", c)
    scored: list[tuple[int, int]] = []
    for i, ch in enumerate(choices):
        words = _choice_words(ch.label, tuple(ch.keywords))
        best = max((len(w) for w in words if w and (_said(w, c) if denials else w in c)), default=0)
        if best:
            scored.append((-best, i))
    scored.sort()
    return [i for _, i in scored]


def parse_choice(text: str, choices: Sequence[Choice]) -> ParseResult:
    """One numbered choice: "2", "２", "第二个", "②", or a label/keyword ("工伤")."""
    n = len(choices)
    reask = f"请回复 1 到 {n} 中的一个数字。"
    c = _strip_particles(compact(text))
    if not c:
        return ParseError(reask)
    m = _ORDINAL_RE.match(c)
    if m:
        num = _choice_number(m.group(1))
        if num is not None and 1 <= num <= n:
            return Parsed(choices[num - 1].value)
        return ParseError(reask, "out_of_range")
    hits = _keyword_hits(c, choices)
    if hits:
        first = choices[hits[0]]
        note = None if c == compact(first.label) else f"好的，您选的是：{first.label}。"
        return Parsed(first.value, note=note)
    return _unclear_or_question(text, reask)


def parse_multi_choice(text: str, choices: Sequence[Choice]) -> ParseResult:
    """Several numbered choices: "1 3", "1、3", "1,3", "1和3", "13" (read as 1 and 3
    when there are fewer than ten options and 13 is not one), "0"/"都没有" → [].

    Labels and keywords work too ("见义勇为"). "0" mixed with other numbers, or a
    negation next to a keyword ("没有家暴"), is asked again rather than guessed.
    """
    n = len(choices)
    reask = "请回复符合情况的数字，可以回复多个，如 1 3；都没有请回复 0。"
    c0 = _strip_particles(compact(text))
    if not c0:
        return ParseError(reask)
    if _NONE_RE.match(c0):
        return Parsed([])
    if says_dont_know(c0):
        return ParseError("不清楚也没关系。", "dont_know")
    spaced = normalize(text)
    tokens = [t for t in _MULTI_SEP_RE.split(spaced) if t]
    tokens = [_strip_particles(re.sub(r"^(?:第|选)|(?:个|号|项|条|种)$", "", t)) for t in tokens]
    if tokens and all(re.fullmatch(r"[0-9]+|[零〇一二两三四五六七八九十]+", t) for t in tokens):
        numbers: list[int] = []
        for t in tokens:
            num = _choice_number(t)
            if num is not None and 0 <= num <= n:
                numbers.append(num)
            elif re.fullmatch(r"[0-9]+", t) and n < 10 and len(t) > 1:
                numbers.extend(int(d) for d in t)  # "13" → 1, 3
            else:
                return ParseError(reask, "out_of_range")
        if any(x > n for x in numbers):
            return ParseError(reask, "out_of_range")
        if 0 in numbers:
            if set(numbers) == {0}:
                return Parsed([])
            return ParseError("「0」表示都没有，请不要和其他数字一起回复。" + reask, "ambiguous")
        seen: list[Any] = []
        for num in numbers:
            value = choices[num - 1].value
            if value not in seen:
                seen.append(value)
        return Parsed(seen)
    hits = _keyword_hits(c0, choices, denials=False)
    if hits:
        if re.match(r"^(?:没|不|无|否)", c0):
            return ParseError(reask, "ambiguous")
        values: list[Any] = []
        for i in sorted(hits):
            if choices[i].value not in values:
                values.append(choices[i].value)
        labels = "、".join(ch.label for ch in choices if ch.value in values)
        return Parsed(values, note=f"好的，您说的情况是：{labels}。")
    return _unclear_or_question(text, reask)


def parse_matter(text: str, choices: Sequence[Choice]) -> ParseResult:
    """The kind of matter: a number from the list, or a few words mapped to a taxonomy
    code by the keywords declared with each choice ("老板欠我工资" → labor.wages)."""
    result = parse_choice(text, choices)
    if isinstance(result, ParseError) and result.code in {"unclear", "question"}:
        reask = f"请回复 1 到 {len(choices)} 中的一个数字，或者用几个字说说是什么事，比如「欠工资」。"
        return ParseError(reask, result.code)
    if isinstance(result, Parsed) and result.note:
        label = next((ch.label for ch in choices if ch.value == result.value), "")
        return Parsed(result.value, note=f"好的，您的事情属于：{label}。")
    return result


# --------------------------------------------------------------------------- region

def _resolver() -> Callable[[str], Any] | None:
    try:
        from intents.regions import resolve_region  # written in parallel by a colleague
    except Exception:
        return None
    return resolve_region


def _region_name(found: Any) -> str | None:
    """``resolve_region`` may return a name, a mapping or an object: take its name."""
    if found is None:
        return None
    if isinstance(found, str):
        return found or None
    if isinstance(found, dict):
        for key in ("name", "region", "canonical", "value"):
            if found.get(key):
                return str(found[key])
        return None
    for attr in ("name", "region", "canonical", "value"):
        value = getattr(found, attr, None)
        if isinstance(value, str) and value:
            return value
    return None


def resolve_place(text: str) -> str | None:
    """The region name for a place written with or without 市/县 ("石狮", "长春市")."""
    resolve = _resolver()
    if resolve is None:
        return None
    c = compact(text)
    c = re.sub(r"^(?:我在|在|我是|是|我们在|我们|俺在|俺|就在|住在|人在)", "", c)
    c = re.sub(r"(?:这边|那边|这里|那里|本地|当地|人|的|办|打工|上班)$", "", c)
    candidates: list[str] = []
    for cand in (normalize(text), c, c + "市", c + "县", re.sub(r"[市县区]$", "", c)):
        if cand and cand not in candidates:
            candidates.append(cand)
    for cand in candidates:
        try:
            found = resolve(cand)
        except Exception:
            found = None
        if found is not None and cand in (c + "市", c + "县") and not any(
                compact(a).startswith(c) for a in getattr(found, "aliases", ())):
            continue  # 「不知道」+县 is no 道县: a suffix only completes the name said
        name = _region_name(found)
        if name:
            return name
    return None


def parse_region(text: str, choices: Sequence[Choice] = ()) -> ParseResult:
    """A place name resolved by ``intents.regions.resolve_region``."""
    reask = "请回复这件事在哪个市或县办理，比如「石狮」「泉州」「长春」「吉林市」。"
    c = compact(text)
    if not c:
        return ParseError(reask)
    name = resolve_place(text)
    if name:
        note = None if compact(name) == c else f"好的，地区按「{name}」。"
        return Parsed(name, note=note)
    if says_dont_know(c):
        return ParseError("不清楚也没关系，说说事情发生在哪个市或县、或者您在哪里打工就行。", "dont_know")
    return _unclear_or_question(text, reask)


# --------------------------------------------------------------------------- registry

PARSERS: dict[str, Parser] = {
    "yes_no": parse_yes_no,
    "int": parse_int,
    "money": parse_money,
    "age": parse_age,
    "household_size": parse_household_size,
    "region": parse_region,
    "choice": parse_choice,
    "multi_choice": parse_multi_choice,
    "matter": parse_matter,
}
"""Parser names usable in the flow YAML. ``CHOICE_PARSERS`` need a ``choices`` list."""

CHOICE_PARSERS = frozenset({"choice", "multi_choice", "matter"})


def parse(parser: str, text: str, choices: Sequence[Choice] = ()) -> ParseResult:
    """Run a named parser; any unexpected exception becomes a re-ask, never a crash."""
    fn = PARSERS[parser]
    try:
        return fn(text, choices)
    except Exception:  # defensive: a citizen's text must never cause a 500
        return ParseError("没看明白您的回答，请再说一次。", "unclear")
