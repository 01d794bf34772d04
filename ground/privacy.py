"""Masking of personal data in free text before it is stored or logged.

Citizens paste ID numbers, phones and their names into the chat, often outside any form
(「张三 13812345678」, 「我叫王秀英电话…」, a 17-digit ID fragment). The transcript, the
unanswered queue and any log line must never keep them in clear text (PIPL 6: the
minimum necessary), and a message that carries nothing but such data is not a question:
`looks_like_personal_data` lets callers keep it out of the FAQ matcher and the queue.

Rules, in the order they are applied (pure functions, no I/O):
1. full-width digits and letters are folded to ASCII;
2. an 18/15-digit ID keeps its first and last four (3505**********123X), an 11-digit
   mobile its first three and last four (138****5678);
3. any other run of 7 or more digits — spaced, dashed, or ending in X like an ID
   fragment — is starred except its last digits; money (「2000000元」) and application
   numbers (「FY-2026-000123」) are left alone;
4. digits after 身份证/尾号 (however short) are starred;
5. a name introduced as a name (我叫…, 姓名…, 联系人…) or standing right beside a masked
   number (「张三 138…」) keeps only its surname (张*).
"""
from __future__ import annotations

import re

_FULLWIDTH = str.maketrans("０１２３４５６７８９ＸｘＶ　－", "0123456789XxV -")

# A digit run: groups joined by one space or dash; a group after a separator has at least
# 3 digits so that dates (2023-10-15) and short lists (1 2 3) are not taken for numbers.
_RUN_RE = re.compile(r"(?<![0-9])[0-9]+(?:[ \-][0-9]{3,})*[Xx]?(?![0-9])")
_MONEY_AFTER = re.compile(r"\s*(?:元|块|万|圆|rmb|RMB)")
_ID_CONTEXT_RE = re.compile(r"(身份证(?:号码|号)?|证件号(?:码)?|尾号|后[四六]位)(?:是|为|[:：])?\s*([0-9]{3,}[Xx]?)")
_MASK_MARK = "*"
# An application number (FY-2026-000123, handoff/applications.py) names a case, not a
# person: staff and the citizen both need to read it in the chat (「FY-2026-000123 进度咋样」).
_CASE_NUMBER_BEFORE = re.compile(r"(?i)FY[- ]?$")

# A name as a name: 我叫王秀英 / 姓名：张三 / 联系人李四 / 本人张三丰.
_NAME_INTRO_RE = re.compile(r"(我叫|叫我|我的名字是|我的名字叫|名字是|名字叫|姓名(?:是|为|[:：])?|联系人(?:是|[:：])?|本人(?:是)?)"
                            r"\s*([\u4e00-\u9fff]{2,4}?)(?=[^\u4e00-\u9fff]|电话|手机|号码|身份证|联系|今年|住|在|是|的|$)")
# The common surnames (百家姓, the ~120 most frequent) decide whether 2–3 characters
# beside a number are a name: 「电话」「手机」 before a number start with no surname.
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
             "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
             "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕"
             "单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚"
             "娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池"
             "查麻苑迟邝")
_MASKED_NUMBER = r"(?:[0-9]+\*+[0-9Xx]*|\*+[0-9]+[Xx]?)"
_NAME = rf"[{_SURNAMES}][\u4e00-\u9fff]{{1,2}}?"
_NAME_BEFORE_RE = re.compile(rf"(?<![\u4e00-\u9fff])({_NAME})(?=\s*[,，、:：]?\s*(?:的)?(?:电话|手机号?|身份证(?:号码|号)?)?"
                             rf"(?:是|[:：])?\s*{_MASKED_NUMBER})")
_NAME_AFTER_RE = re.compile(rf"({_MASKED_NUMBER}\s*[,，、]?\s*)([{_SURNAMES}][\u4e00-\u9fff]{{1,2}})(?![\u4e00-\u9fff])")

# Words that only label personal data; what is left after removing them and the data
# decides whether a message asks anything at all.
_LABEL_WORDS = ("手机号码", "电话号码", "身份证号码", "身份证号", "联系方式", "联系电话", "手机号", "身份证", "电话",
                "手机", "号码", "微信号", "微信", "姓名", "名字", "联系人", "我叫", "叫我", "本人", "尾号", "后四位",
                "后六位", "我的", "我是", "是", "叫", "的", "这是", "给你", "您", "你", "我", "号", "打", "这个",
                "记一下", "记下", "好", "嗯", "哦", "吧", "啊", "呢")
_FILLER_RE = re.compile(r"[\s\W_]+", re.UNICODE)


def mask_id(number: str) -> str:
    """3505**********123X style: region prefix and last four, as the fact sheet suggests."""
    n = number.strip()
    if len(n) <= 8:
        return _MASK_MARK * len(n)
    return n[:4] + _MASK_MARK * (len(n) - 8) + n[-4:]


def mask_phone(number: str) -> str:
    n = number.strip()
    return n[:3] + "****" + n[-4:] if len(n) == 11 else _MASK_MARK * len(n)


def _mask_run(digits: str) -> str:
    """Any other long number: starred but the last digits (enough to say 「尾号…」)."""
    keep = 4 if len(digits) >= 11 else 2
    return _MASK_MARK * (len(digits) - keep) + digits[-keep:]


def _mask_number(match: re.Match[str]) -> str:
    raw = match.group(0)
    digits = re.sub(r"[ \-]", "", raw)
    if len(digits) < 7 and not (digits[-1:] in "Xx" and len(digits) >= 4):
        return raw
    if (_CASE_NUMBER_BEFORE.search(match.string, max(0, match.start() - 3), match.start())
            and len(digits) == 10 and digits.startswith("20") and digits.isdigit()):
        return raw  # an application number
    if _MONEY_AFTER.match(match.string, match.end()) and digits.isdigit():
        return raw  # an amount of money, not a number that identifies anyone
    if len(digits) in (15, 18) and digits[0] != "0" and digits[:-1].isdigit():
        return mask_id(digits)
    if len(digits) == 11 and digits.startswith("1") and digits.isdigit():
        return mask_phone(digits)
    return _mask_run(digits)


def _mask_names(text: str) -> str:
    text = _NAME_INTRO_RE.sub(lambda m: m.group(1) + _mask_name(m.group(2)), text)
    text = _NAME_BEFORE_RE.sub(lambda m: _mask_name(m.group(1)), text)
    return _NAME_AFTER_RE.sub(lambda m: m.group(1) + _mask_name(m.group(2)), text)


def _mask_name(name: str) -> str:
    return name[0] + _MASK_MARK * (len(name) - 1)


def _mask_short_fragment(m: re.Match[str]) -> str:
    """「身份证后六位12345X」「尾号5678」: short, but said to identify someone."""
    digits = m.group(2)
    if len(digits) >= 7:
        return m.group(0)  # the general rule below handles long runs
    head = m.group(0)[: m.start(2) - m.start(0)]
    return head + _MASK_MARK * (len(digits) - 2) + digits[-2:]


def mask_personal_data(text: str) -> str:
    """ID and phone numbers, other long numbers and names beside them, however typed, masked."""
    text = (text or "").translate(_FULLWIDTH)
    text = _ID_CONTEXT_RE.sub(_mask_short_fragment, text)
    text = _RUN_RE.sub(_mask_number, text)
    return _mask_names(text)


def starts_with_surname(text: str) -> bool:
    """Whether 2–4 Han characters begin with one of the common surnames (a name typed alone)."""
    clean = (text or "").strip()
    return 2 <= len(clean) <= 4 and clean[0] in _SURNAMES and all("\u4e00" <= c <= "\u9fff" for c in clean)


def contains_personal_numbers(text: str) -> bool:
    return mask_personal_data(text) != (text or "").translate(_FULLWIDTH)


def looks_like_personal_data(text: str) -> bool:
    """True when the message carries personal data and nothing else: no question, no fact.

    「13812345678」「张三 13812345678」「我叫王秀英电话138…」「身份证350581199001011234」 are
    data typed outside a form; 「身份证丢了怎么办」 or 「我电话138… 老板欠钱不给」 are not.
    """
    masked = mask_personal_data(text)
    if masked == (text or "").translate(_FULLWIDTH):
        return False
    rest = re.sub(rf"[{_SURNAMES}]\*+", " ", masked)
    rest = re.sub(r"[0-9Xx]*\*+[0-9Xx]*", " ", rest)
    rest = _FILLER_RE.sub("", rest)
    for word in _LABEL_WORDS:
        rest = rest.replace(word, "")
    return rest == ""


def _number_runs(text: str) -> list[str]:
    """The digit runs of a message that are not money, separators removed."""
    folded = (text or "").translate(_FULLWIDTH)
    runs = []
    for m in _RUN_RE.finditer(folded):
        digits = re.sub(r"[ \-]", "", m.group(0))
        if _MONEY_AFTER.match(folded, m.end()) and digits.isdigit():
            continue
        runs.append(digits)
    return runs


def contains_id_or_card_number(text: str) -> bool:
    """An identity-card or bank-card number in the message (「身份证号3505…」, a 16–19 digit card).

    Why apart from phones: an ID or card number is never needed in the chat and gets a
    warning wherever it is typed; a phone number may be left on purpose for a call-back,
    which deserves an honest answer about call-backs, not a warning about ID cards."""
    folded = (text or "").translate(_FULLWIDTH)
    if any(len(m.group(2)) >= 4 for m in _ID_CONTEXT_RE.finditer(folded) if "尾号" not in m.group(1)):
        return True
    for digits in _number_runs(folded):
        if len(digits) in (15, 18) and digits[0] != "0" and digits[:-1].isdigit():
            return True
        if 16 <= len(digits) <= 19 and digits.isdigit():
            return True
    return False


def contains_phone_number(text: str) -> bool:
    """A mobile (11 digits from 1) or a landline with its area code (0595-8888 8888)."""
    for digits in _number_runs(text):
        if len(digits) == 11 and digits.startswith("1") and digits.isdigit():
            return True
        if digits.startswith("0") and 10 <= len(digits) <= 12 and digits.isdigit():
            return True
    return False
