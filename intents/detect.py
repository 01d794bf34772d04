"""Intent detection before any FAQ matching: commands, greetings, small talk, numbers.

Pure: text (+ what the conversation is waiting for) → an intent name. Small talk is
caught here so that 哈哈 or 你是机器人吗 can never receive a legal answer.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

from ground.text import to_simplified_halfwidth

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)

COMMANDS: dict[str, tuple[str, ...]] = {
    "help": ("帮助", "菜单", "help", "功能", "你能做什么", "你会什么", "能干啥", "你能干什么", "都能做什么", "目录", "主菜单"),
    "human": ("人工", "转人工", "人工服务", "找人工", "人工客服", "真人", "找工作人员", "我要人工", "客服"),
    "restart": ("重新开始", "重来", "从头开始", "重置"),
    "exit": ("退出", "不问了", "取消", "结束", "算了"),
    "back": ("返回", "上一步", "上一个", "后退"),
    "skip": ("跳过", "不想说", "不方便说"),
    "apply": ("我要申请", "申请法律援助", "在线申请", "申请援助", "我想申请", "申请"),
    "book": ("预约", "我要预约", "预约时间", "预约律师", "预约面谈"),
    "progress": ("查进度", "进度查询", "查询进度", "我的申请", "申请进度", "进度", "查一下进度", "看进度",
                 "我的进度", "案件进度", "我的案子", "我的预约", "查预约"),
    "eligibility": ("我能申请法律援助吗", "我能不能申请法律援助", "我符合条件吗", "评估", "资格评估",
                    "检查资格", "我能申请吗", "能不能申请", "我符不符合条件", "符合条件吗", "看看我能不能申请",
                    "测一测", "自测", "法律援助自测", "能不能免费请律师"),
    "helpful": ("有用", "有帮助", "有用的", "解决了", "明白了"),
    "unhelpful": ("没用", "没有用", "没帮助", "不对", "答非所问", "没解决"),
}

GREETINGS = ("你好", "您好", "hi", "hello", "哈喽", "在吗", "在不在", "早上好", "上午好", "下午好", "晚上好",
             "早", "嗨", "喂", "有人吗", "你好啊", "您好啊", "老师好", "同志你好", "请问")
THANKS = ("谢谢", "谢谢你", "谢谢您", "多谢", "感谢", "非常感谢", "好的谢谢", "好的", "好", "知道了", "收到",
          "明白", "懂了", "ok", "行", "嗯嗯", "嗯", "哦", "好滴", "3q", "thanks", "辛苦了",
          "再见", "拜拜", "bye", "没事了", "没有了", "没别的了", "暂时没有", "先这样", "就这样吧")
# Doubt about who we are deserves a straight answer, not a legal FAQ.
TRUST = re.compile(r"骗子|是不是骗|骗人的|诈骗吧|真的假的|是真的吗|你们是谁|你们是什么单位|官方的吗|政府的吗")
SMALL_TALK = re.compile(
    r"^(哈+|呵+|嘿+|嘻+|h+a+|6+|[?？!！。.…]+|[👍😀-🙏]+)$"
    r"|你是(谁|机器人|人工智能|ai|真人|人吗|男的|女的)|机器人吗|你叫什么|你几岁|你多大|你是不是机器人"
    r"|天气|下雨|气温|吃了吗|吃饭了吗|吃什么|无聊|讲个笑话|唱首歌|你好可爱|我爱你|晚安|早安|生日快乐|新年快乐"
)


@lru_cache(maxsize=8192)
def _clean(text: str) -> str:
    """Memoised (pure): every detector below cleans the same message again."""
    text = to_simplified_halfwidth(unicodedata.normalize("NFKC", text or ""))
    return _PUNCT.sub("", text)


# 「我要人工服务」「找真人」「有没有真人啊」「我要找个人说话 机器人说不明白」「叫你们工作人员来」:
# asking for a person, however worded.
_ASK_FOR_PERSON = re.compile(
    r"(?:找|要|转|叫|换|跟|和|同|接)(?:个|一个)?(?:人工|真人|活人|工作人员|客服|真的人|人来)|^人工|人工服务|人工客服|人工坐席|^真人"
    r"|让(?:你们)?(?:的)?(?:工作人员|人工|真人|客服|领导|负责人)|(?:工作人员|真人|人工)(?:跟|和|给)我(?:说|聊|打)"
    r"|有没有(?:真人|活人|人工|工作人员|客服)|有冇(?:真人|人工|职员|工作人员)|是不是真人|不是真人"
    r"|(?:找|要|跟|和|同|叫|让)(?:个|一个)?(?:人|真人|活人|人类)(?:跟我|和我|同我)?(?:说话|聊|说|谈|讲|倾|来|回答|回复|解释)"
    r"|机器人?(?:说不明白|说不清|讲不清|讲不明白|听不懂|不懂|答非所问|没用|太笨|好笨|不行|搞不懂)"
    r"|(?:不想|不要|不愿意|唔想)(?:跟|和|同)(?:机器|机械|电脑)"
    r"|叫(?:你们)?(?:的)?(?:工作人员|领导|负责人|管事的|人|同事)(?:来|过来|出来|回复|说话|跟我说|接)"
    r"|换(?:个|一个)(?:人|真人|工作人员)")
# Cantonese 人工 = wages: 「老细冇畀人工我」「拖咗两个月人工」 is a wage claim, not a request for a person.
_RENGONG_WAGES = re.compile(r"(?:畀|俾|比|给|出|发|拖|扣|冇|没|欠|减|加|讨|追|攞|找齐|结)(?:咗|了)?(?:[0-9一二两三四五六七八九十几]+个月)?(?:嘅)?人工"
                            r"|人工(?:几多|未|费|钱|太低|好低|少|都冇|冇)")
# 「你能干啥」「那你会什么」「你是干嘛的」: what the bot can do → the help menu.
_ASKS_HELP = re.compile(r"^(?:那|哪|那么|请问)?(?:你|您|你们|这个|这里|机器人)?(?:都|到底|还)?(?:能|会|可以)(?:干|做|帮|办)(?:点)?(?:啥|什么|嘛|些什么|些啥|我什么|我啥|哪些事|什么事)"
                        r"(?:呀|啊|呢|吗|哦|嘞|咧)?$|^(?:你|您|你们|这个)(?:是)?干(?:啥|嘛|什么)的(?:呀|啊|呢)?$"
                        r"|^(?:你|您|这个)(?:有|能)(?:啥|什么)(?:用|功能)(?:呀|啊|呢)?$|^(?:你识|你会)(?:做)?(?:咩|乜嘢)"
                        r"|^(?:那)?(?:你|您|你们|机器人)(?:都|到底|还)?会(?:点)?(?:啥|什么|些什么|些啥)(?:呀|啊|呢)?$")


def asks_for_person(text: str) -> bool:
    """A request to talk to a person (the handover), however worded — but not Cantonese
    人工 meaning wages (「老细冇畀人工我」), nor 人工 in 人工费 / 人工智能."""
    clean = _clean(text)
    if not clean or len(clean) > 24 or _RENGONG_WAGES.search(clean) or "人工智能" in clean:
        return False
    return bool(_ASK_FOR_PERSON.search(clean))


# ------------------------------------------------------------------ the office itself: hours and address

_HOURS_ASKED = re.compile(
    r"(?:几点|什么时候|啥时候|多会儿|哪天|几时|幾點)(?:上班|下班|开门|关门|有人|办公|开|关|营业|下班)"
    r"|(?:上班|下班|开门|关门|办公|营业|上下班)(?:是|都是)?(?:几点|什么时候|啥时候|时间|几时|到几点)"
    r"|上班时间|办公时间|工作时间|开放时间|服务时间|营业时间|作息时间"
    r"|(?:周末|周六|周日|周天|礼拜六|礼拜天|礼拜日|星期六|星期天|星期日|节假日|过节|放假|国庆|春节|今天|明天|中午|晚上|早上|下午|上午)"
    r"(?:你们|您们|中心|那边|窗口)?(?:也|还)?(?:上班|有人|开门|办公|营业|开|开不开|上不上班)(?:吗|么|不|没|嘛|没有|吧)?$")
_ADDRESS_ASKED = re.compile(
    r"^(?:那|请问)?(?:你们|您们|你们中心|中心|法援中心|法律援助中心|窗口|你们单位|你们那|你们办公室)(?:的)?(?:具体)?"
    r"(?:在哪|在哪里|在哪儿|在什么地方|在啥地方|地址|位置|怎么走|怎么去|咋走)"
    r"|^(?:在哪|在哪里|在哪儿|地址|地址是多少|地址在哪|具体地址|你们地址)(?:呀|啊|呢|嘞)?$|你们(?:在)?(?:哪|什么地方|啥地方)(?:办公|上班)")


_OTHER_SUBJECT = re.compile(r"老板|公司|厂里|工地|单位|他|她|对方|法院|仲裁|医院|派出所|公安|银行|学校")


def office_question(text: str) -> str | None:
    """"hours" (「你们上班几点」「周六开门吗」「几点下班」) or "address" (「你们在哪」「中心地址」)
    when a short message asks about the office itself, else None. The answer comes from
    handoff/offices.yaml; 「工伤认定去哪里弄」 is about another office and is not matched."""
    clean = _clean(text)
    if not clean or len(clean) > 20:
        return None
    if _OTHER_SUBJECT.search(clean) and not re.search(r"你们|您们|中心|窗口|法援", clean):
        return None  # 「老板几点上班」 is about someone else
    if _HOURS_ASKED.search(clean):
        return "hours"
    if _ADDRESS_ASKED.search(clean):
        return "address"
    return None


_EXIT_WORDS = re.compile(r"^(?:算了|不了|不用了|那就)?(?:先)?(?:不约了|不预约了|不问了|不申请了|不办了|不弄了|不填了|不测了)(?:吧|啊)?$")
_APPLY_NOW = re.compile(r"^(?:行|好|好的|嗯|那|那就|就)*(?:我|俺)?(?:要|想|现在就|现在|就)?(?:要|想)?(?:在网上|网上|线上|在线|现在就在网上)?申请(?:法律援助|援助|一下)?(?:吧)?$")

# "where is MY application" in a short message: the citizen's own status, not an FAQ.
_MY_PROGRESS = re.compile(r"^(我的|我|俺的|俺)?(申请|案子|案件)(办|批|审)?(到哪|到哪了|到哪一步|到哪一步了|怎么样了|咋样了|批了没|批下来没|有结果没|进度)")


def command_of(text: str) -> str | None:
    """A command word (after trimming punctuation): 帮助, 人工, 重新开始 …"""
    clean = _clean(text)
    for name, words in COMMANDS.items():
        if clean in words:
            return name
    if len(clean) <= 14 and _MY_PROGRESS.search(clean):
        return "progress"
    if _EXIT_WORDS.match(clean):
        return "exit"
    if asks_for_person(text):
        return "human"
    if len(clean) <= 14 and _ASKS_HELP.search(clean):
        return "help"
    if _APPLY_NOW.match(clean):
        return "apply"
    return None


def choice_number(text: str, n: int) -> int | None:
    """'1' / '1.' / '第一个' / '一' → 1 when 1 ≤ value ≤ n."""
    clean = _clean(text).removeprefix("第").removesuffix("个").removesuffix("条").removesuffix("项")
    digits = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    value: int | None = None
    if clean.isdigit():
        value = int(clean)
    elif clean in digits:
        value = digits[clean]
    return value if value is not None and 1 <= value <= n else None


def is_yes(text: str) -> bool:
    return _clean(text) in {"是", "是的", "对", "对的", "好", "好的", "嗯", "嗯嗯", "要", "需要", "行", "可以",
                            "ok", "yes", "y", "继续", "要的", "好啊", "开始", "来吧"}


def social_intent(text: str) -> str | None:
    """greeting | thanks | smalltalk | None — messages that must not get a legal answer."""
    clean = _clean(text)
    raw = to_simplified_halfwidth(text or "").strip()
    if not clean and raw:
        return "smalltalk"  # only emoji or punctuation
    if clean in GREETINGS:
        return "greeting"
    if clean in THANKS:
        return "thanks"
    if SMALL_TALK.search(clean) or SMALL_TALK.search(raw):
        return "smalltalk"
    return None


def doubts_us(text: str) -> bool:
    """「你们是骗子吧」: a short message doubting the service itself."""
    clean = _clean(text)
    return len(clean) <= 16 and bool(TRUST.search(clean))


# ------------------------------------------------------------------ intents by meaning, not by keyword

# "Can I get legal aid?" in the ways people ask it: one intent, one door (the pre-check).
_ASKS_FOR_AID = re.compile(
    r"(?:你们|政府|法援|法律援助)?(?:管不管|管吗|能管吗|管不|给不给管|帮不帮|能不能帮|能帮我吗|可以帮我吗|帮我打官司"
    r"|能帮忙吗|能帮忙不|帮不帮忙|帮忙不|帮忙打|帮我打|帮俺打|给办|给俺办|给我办|能办不|能办吗|中不中|行不行啊)"
    r"|请不起律师|雇不起律师|没钱请律师|请不起|找不起律师"
    r"|免费(?:的)?(?:律师|打官司|请律师|帮打官司|帮忙|帮我|帮俺|办)|(?:能|可以)?找你们(?:帮忙|帮|办|打官司)|派(?:个)?律师"
    r"|(?:找|请|申请)(?:个)?免费"
    r"|(?:我|俺|这|这个|这种|我这|我这种|这样)(?:情况|事|事儿|种情况|样)?(?:能|可以|可不可以|能不能|符不符合|够不够)"
    r"(?:申请|办|算|够|符合|享受|给|找)(?:吗|不|么|法律援助|援助|条件|免费)?"
    r"|能(?:不能)?申请(?:法律援助|援助)?(?:吗|不|么)?$|能申请不|(?:我|俺)?(?:符合|够)(?:条件|资格)(?:吗|不|么)"
    r"|(?:能|可以)(?:获得|得到|拿到|享受)(?:法律)?援助|有没有(?:资格|条件)")
# The same question said as "can I (get/apply for/find) legal aid?": a modal word, an optional
# verb, the aid itself — 「能法律援助吗」「可以找法援不」「可唔可以搵法律援助」「能给找个律师不」.
_AID_WORD = r"(?:法律援助|法援|法律援救|援助|免费(?:的)?律师|不要钱的律师|不花钱的律师|公益律师|律师)"
_MODAL = r"(?:能不能|能否|可不可以|可唔可以|得唔得|可以|可否|能够|能|会不会|有没有得|有冇得|是否能|是不是能|够不够|够)"
_AID_VERB = r"(?:申请|申|找|搵|揾|要|拿|获得|得到|享受|享有|办|弄|整|搞|走|请|用|给|派|安排|提供|批|有)"
_ASKS_AID_MODAL = re.compile(
    rf"{_MODAL}(?:给|帮|替)?(?:我|俺|咱|我们|俺们|佢|他|她|我妈|我爸|我家)?(?:{_AID_VERB}){{0,2}}(?:个|一个|一下|下|上|到)?"
    rf"{_AID_WORD}(?!中心|机构|站|窗口|事务所|费|函|的(?:条件|流程|材料|范围|电话)|怎么|在哪|去哪|要|是)"
    rf"|{_AID_WORD}(?:能|可以|会)?(?:管不管|管吗|管不|能管|给不给|帮不帮|给办不|给办吗|能给办|批不批|能批吗|能帮我吗|帮我吗)"
    rf"|(?:国家|政府|公家)(?:管不管|管吗|管不|给不给|帮不帮|能不能管|能管吗|给不给派|派不派)"
    rf"|(?:我|俺|我这|俺这|这|这个|这种|这样|像我这样)(?:的|种)?(?:情况|事|事儿|样的)?(?:符合|符不符合|够不够|够)(?:法律援助|法援|援助)?(?:的)?(?:条件|资格|标准)?(?:吗|不|么|没|嘛)"
    rf"|有没有(?:免费|不要钱|不花钱)(?:的)?律师|有冇(?:免费|唔使钱)(?:嘅)?律师")
# "how / where / what / how long" about legal aid is a question for the FAQ, not the pre-check.
_NOT_AID = re.compile(r"怎么|怎样|如何|咋(?!整|办吧)|点样|去哪|哪里|哪儿|在哪|是什么|什么是|啥是|啥叫|什么叫|流程|步骤|手续"
                      r"|带(?:什么|啥|咩)|材料|多久|多长时间|几天|啥时候|什么时候|何时|在网上|网上|线上|手机上|委托|替(?:我|他|她)申请|代(?:我|他|她)申请"
                      r"|12348|电话")


def asks_for_aid(text: str) -> bool:
    """「这种情况你们管不管」「能法律援助吗」「可以找法援不 要钱不」「能给找个律师不 俺没钱」
    → the eligibility pre-check (one door for "can I get legal aid?", however it is worded).

    Not for questions about legal aid itself — how to apply, what it is, where, how long,
    online, by someone else (「法律援助怎么申请」「能不能在网上申请法律援助」): those are FAQ.
    Facts said in the same message (「能申请法援吗 在石狮 两口人 5000」) do not change that.
    """
    clean = _clean(text)
    if not clean or len(clean) > 40:
        return False
    if command_of(text) == "eligibility":
        return True
    modal = _ASKS_AID_MODAL.search(clean)
    if _NOT_AID.search(clean) and not (modal and not _NOT_AID.search(clean[max(0, modal.start() - 6):modal.end() + 6])):
        return False
    return bool(modal or _ASKS_FOR_AID.search(clean))


# Booking by meaning: a visit, a number, a time at the centre.
_WANTS_BOOKING = re.compile(
    r"(?:想|要|我)约(?:个|一下)?(?:[0-9一二三四五六七八九十]+(?:月|号|日)|明天|后天|下周|下礼拜|下星期|这周|周|星期|礼拜|时间|去|过去)"
    r"|当面.{0,5}(?:咨询|说|谈|聊|问)|(?:今天|明天|后天|大后天|上午|下午|头午|晌午)[^，。]{0,4}(?:过去|过来|去)(?:咨询|一趟|找你们|办)"
    r"|排(?:个|一个)?号|挂(?:个)?号|预约|约(?:个|一个)?时间|约个律师|约律师|当面(?:说|谈|咨询|聊|问)|面谈|面对面"
    r"|(?:去|到|上)(?:你们|您们|中心|法援中心|窗口|法律援助中心)(?:那|那里|那边|这)?(?:咨询|说|谈|办|问)?"
    r"(?:一下|下)?(?:吗|行吗|可以吗|能行吗)?$|(?:什么时候|哪天|几点)(?:能|可以)?(?:去|过去|来)"
    r"|(?:明天|后天|大后天|下周|下礼拜|下星期|这周|周[一二三四五六日天]|礼拜[一二三四五六天]|星期[一二三四五六日天])"
    r"[^，。?？]{0,8}(?:能|可以|想)?(?:去|过去|过来|来)"
    r"(?:[^，。?？]{0,10}(?:你们|法援|法律援助|中心|窗口|咨询)|(?:一趟)?(?:吗|不|么|行吗|行不|可以吗|中不))"
    r"|(?:礼拜|星期|周)[一二三四五六日天](?:上午|下午|头午|早上)?(?:行不|行吗|可以吗|中不)"
    # 「帮我约一下长春法援中心」: arranging a visit, the place named after the verb
    r"|(?:帮我|给我|帮俺|给俺|麻烦|我想|俺想|想|要|能|可以)约(?:一下|个|下)?[^，。?？]{0,8}?(?:法援|法律援助|中心|窗口|工作站)")


# ------------------------------------------------------------------ errands and charges of OTHER offices

_ERRANDS_FILE = Path(__file__).resolve().parent / "tables" / "other_errands.yaml"


def _alternation(words: list) -> str:
    """A regex alternation of ``words``, longest first (so 社保卡 is read before 社保)."""
    return "|".join(re.escape(str(w)) for w in sorted(words, key=lambda w: -len(str(w))))


@lru_cache(maxsize=1)
def _errand_patterns() -> dict[str, re.Pattern[str]]:
    """The lists of intents/tables/other_errands.yaml as patterns (texts live in the data file, once)."""
    data = yaml.safe_load(_ERRANDS_FILE.read_text(encoding="utf-8"))
    docs, verbs = _alternation(data["documents"]), _alternation(data["errand_verbs"])
    return {
        "errand": re.compile(rf"(?:{verbs}).{{0,4}}(?:{docs})|(?:{docs}).{{0,6}}(?:{verbs})"),
        "document": re.compile(docs),
        "dispute": re.compile(_alternation(data["dispute_marks"])),
        "errand_words": re.compile(f"{docs}|{verbs}|{_alternation(data['errand_fillers'])}"),
        "ours": re.compile(_alternation(data["ours"])),
        # 「预约办…」「预约做个…」: the booking's object is an errand of its own, whatever it is
        "booked_errand": re.compile(r"(?:预约|预定|预订)(?:一下|个)?(?:去)?(?:办|办理|补办|换|做|打|接种|看|挂|体检|理发)"),
        "booking": re.compile(r"预约|预定|预订|约|挂号|排号|取号"),
        "party": re.compile(_alternation(data["charging_parties"])),
        "unfair": re.compile(_alternation(data["unfair_charge"])),
    }


def names_errand(text: str) -> bool:
    """「办身份证要带什么」「社保卡丢了怎么补办」「港澳通行证怎么预约」: an errand with a document or a
    public service of another office (公安、出入境、社保、医院 …) — not a question about legal aid.

    Why here: the matcher rejects these as off-topic, but the follow-up layer read 身份证 / 要带什么
    as questions about our application. Not an errand when the message is about legal aid or a
    lawyer (「身份证过期了能申请法律援助吗」), or names a dispute (「公司不给办社保」「身份证被冒用」)."""
    clean = _clean(text)
    if not clean or len(clean) > 30:
        return False
    p = _errand_patterns()
    if p["ours"].search(clean) or "申请" in clean or p["dispute"].search(clean):
        return False
    return bool(p["errand"].search(clean)) and len(p["errand_words"].sub("", clean)) <= ERRAND_REST


ERRAND_REST = 4  # characters besides the errand's own words (车管所, 出入境): more is a story of its own


def books_elsewhere(text: str) -> bool:
    """A booking whose object is someone else's: 「港澳通行证怎么预约」「预约办身份证」「社保卡预约」
    「医院怎么挂号」. Booking means booking with us — a legal-aid centre, a workstation, a lawyer,
    or no other object named (「预约」「我想约个时间」「约律师」)."""
    clean = _clean(text)
    p = _errand_patterns()
    if not clean or not p["booking"].search(clean) or p["ours"].search(clean) or p["dispute"].search(clean):
        return False
    return bool(p["document"].search(clean) or p["booked_errand"].search(clean))


def others_charge(text: str) -> bool:
    """A fee charged by another party is the subject (「小区停车位被物业乱收费能不交吗」「房东多收押金」
    「学校乱收费」): a dispute with them, never the question whether legal aid costs money.
    Fees of a legal procedure (鉴定费、诉讼费) are not meant: they have their own answer."""
    clean = _clean(text)
    if not clean or _ours_fee(clean):
        return False
    p = _errand_patterns()
    return bool(p["unfair"].search(clean) or p["party"].search(clean))


_PROPERTY = re.compile(r"物业|业委会|业主委员会|(?:小区|楼下|地下)(?:的)?(?:停车|车位|车库)|公摊")
_PROPERTY_ISSUE = re.compile(r"费|收|交|钱|涨价|不管|不修|维修|停水|停电|锁|贴条|扣|押金|罚")


def property_dispute(text: str) -> bool:
    """「小区停车位被物业乱收费能不交吗」「物业不修电梯还要交物业费吗」: a dispute with the property
    manager about its charges or services — a legal question with its own ways on (the property
    contract, mediation, the housing department, court), not the legal-aid fee entry."""
    clean = _clean(text)
    if _WORKS_THERE.search(clean):
        return False  # 「在物业公司干保安 工资不给」: a labour dispute with the employer
    return 0 < len(clean) <= 60 and bool(_PROPERTY.search(clean) and _PROPERTY_ISSUE.search(clean))


_WORKS_THERE = re.compile(r"工资|工钱|上班|干活|打工|辞退|开除|工伤|保安|保洁|加班|合同")


def _ours_fee(clean: str) -> bool:
    """The fee asked about is ours or a lawyer's (「法律援助收费吗」「律师要钱吗」)."""
    return bool(re.search(r"法援|法律援助|援助|律师|你们|您们|12348|咨询", clean))


def wants_booking(text: str) -> bool:
    """「能不能给我排个号」「我想去你们那当面说」「下礼拜二上午能去吗」 → book mode;
    not a booking elsewhere (「港澳通行证怎么预约」: books_elsewhere)."""
    clean = _clean(text)
    if not clean or len(clean) > 40 or "取消" in clean:
        return False
    return bool(_WANTS_BOOKING.search(clean)) and not books_elsewhere(clean)


# Short questions that only make sense within the topic just discussed.
_FOLLOW_UP = re.compile(
    r"带(?:啥|什么|哪些)|要(?:啥|什么|哪些)(?:材料|东西|证件)|材料|多久|多长时间|几天|什么时候(?:有|出|能)|在哪|哪里办|去哪"
    r"|怎么去|地址|不认|不服|不同意这个|不满意|复议|要实名|实名|要钱吗|收费|花钱|多少钱|费用|要多少|怎么办理|咋办|然后呢"
    r"|下一步|接下来|要本人|本人去|代办|能代|委托|电话多少|打哪个电话|多少号")


def is_follow_up(text: str) -> bool:
    """A short question right after an answer (「要带啥东西」「多久能有结果」「要实名吗」)."""
    clean = _clean(text)
    if names_errand(text):
        return False  # 「办身份证要带什么」: another office's errand, whatever the topic before
    if others_charge(text):
        clean = _FEE_WORDS.sub("", clean)  # 「物业乱收费」: their charge is no question about ours
    # 「医院不认账」「饭店说不关他们事」: what the other side says — answered within the topic too.
    return 0 < len(clean) <= 14 and bool(_FOLLOW_UP.search(clean) or other_party_refuses(text))


_FEE_WORDS = re.compile(r"收费|花钱|要钱|多少钱|费用|要多少")


# 「医院不认账」「老板不认」「保险公司不服」: the other side refuses — a fact of the dispute, not an
# objection to a legal-aid decision (LAL 49 is for the citizen refused legal aid).
_OTHER_PARTY = re.compile(r"医院|医生|老板|公司|厂里|厂家|工厂|工地|包工头|对方|商家|店家|卖家|饭店|保险|单位|物业|房东|学校"
                          r"|他们|他家|人家|那边|肇事|司机|被告|婆家|他(?!们)|她")
_REFUSES = re.compile(r"不认|不承认|不服|不管|不赔|不给|不理|耍赖|赖账|推脱|推卸|不负责|说不关|不关(?:他|她)们?(?:的)?事")


def other_party_refuses(text: str) -> bool:
    """The other party of the dispute refuses or denies (「医院不认账」「饭店说不关他们事」)."""
    clean = _clean(text)
    m = _REFUSES.search(clean)
    return m is not None and bool(_OTHER_PARTY.search(clean[:m.start()]))


_ANSWERS_FILE = Path(__file__).resolve().parent / "tables" / "answers.yaml"


@lru_cache(maxsize=1)
def _answer_pieces() -> list[tuple[str, str]]:
    """(piece, kind) longest first, so that 「不同意」 is read before 「同意」."""
    data = yaml.safe_load(_ANSWERS_FILE.read_text(encoding="utf-8"))
    pieces = [(str(w).lower(), kind) for kind in ("no", "yes", "filler") for w in data[kind]]
    return sorted(pieces, key=lambda p: -len(p[0]))


def polar_answer(text: str) -> str | None:
    """"yes" / "no" when a short reply is only an answer (「对 就这么定了」「好的同意」「不了 谢谢」), else None.

    Why not a set of whole replies: people add a word or two (「行 就这个」「嗯 同意」), and a
    form that only knew 「同意」 sent them to the help menu. The reply is cut into known
    pieces (intents/tables/answers.yaml); one unknown piece and it is content, not an answer.
    """
    clean = _clean(text).lower()
    if not clean or len(clean) > 16:
        return None
    kinds: set[str] = set()
    i = 0
    pieces = _answer_pieces()
    while i < len(clean):
        hit = next(((w, k) for w, k in pieces if clean.startswith(w, i)), None)
        if hit is None:
            return None
        kinds.add(hit[1])
        i += len(hit[0])
    if "no" in kinds and "yes" not in kinds:
        return "no"
    if "yes" in kinds and "no" not in kinds:
        return "yes"
    return None


# ------------------------------------------------------------------ the procedure a short question is about

# 「工伤认定去哪里弄」「那仲裁要钱吗」「多久之内要去仲裁」: where/cost/time of ANOTHER procedure,
# not of legal aid — answered from that procedure's entry, never with the legal-aid centre's
# address, "legal aid is free" or "decision within 7 days".
_PROCEDURES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("injury_recognition", re.compile(r"工伤认定|认定工伤|工伤鉴定|劳动能力鉴定|伤残鉴定|公伤")),
    ("arbitration", re.compile(r"仲裁")),
    ("labour_inspection", re.compile(r"劳动监察|劳动局|人社局|人社部门")),
    ("enforcement", re.compile(r"强制执行|申请执行|执行局")),
    ("court", re.compile(r"起诉|立案|打官司|诉讼费|上法院|去法院|到法院|法院")),
    ("appraisal", re.compile(r"鉴定")),
    ("police", re.compile(r"报警|报案|派出所|公安局|立案侦查")),
    ("consumer_complaint", re.compile(r"12315|消协|消费者协会|市场监管|工商局")),
    ("mediation", re.compile(r"调解")),
)


def other_procedure(text: str) -> str | None:
    """The procedure other than legal aid that a short question names (arbitration, court …),
    or None when it is about legal aid itself (「法律援助要多久」) or names nothing."""
    clean = _clean(text)
    if not clean or len(clean) > 24 or re.search(r"法律援助|法援|援助", clean):
        return None
    return next((name for name, rx in _PROCEDURES if rx.search(clean)), None)
