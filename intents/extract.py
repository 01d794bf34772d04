"""Facts a citizen already stated in free text, so the questionnaire does not ask again.

"我在石狮打工，包工头欠了三个月工资" already says the region and that the person is a
migrant worker; "我今年七十二了" gives the age. Only clear statements count: a fact we
are not sure of is left for the questionnaire to ask (a wrong prefill is worse than one
more question). Pure: text in, a partial §3 facts dict out.
"""
from __future__ import annotations

import re
from typing import Any

from ground.text import convert_numerals, to_simplified_halfwidth

from .parsing import resolve_place
from .person_facts import (_PER_YEAR, age_in, concerned_in, denied_in, gender_in, good_samaritan_in, household_size_in, mandarin,
                           monthly_income_in, relative_age_in)
from .special_paths import detect_kinds, stranger_assault

_MIGRANT = re.compile(r"农民工|民工|进城务工|进城打工|外出打工|出来打工|在外打工|打工的|务工人员|农村出来|外地来|来打工|外地人|老家.{1,4}来的|河南来|四川来|安徽来"
                     # from the countryside or from elsewhere, to work here: 「我是农村来的」「外来务工的」「乡下出来的」
                     r"|(?:农村|乡下|村里|山里)(?:过来|来|出来|上来)|外来(?:务工|打工|工|人员)|外省(?:来|过来|的)|从老家(?:出来|过来|来)|从[\u4e00-\u9fa5]{2,8}?(?:出来|过来|来)的?[^。]{0,8}(?:干活|打工|上班|务工|做工)"
                     # working here, home elsewhere: 「我在石狮打工 老家四川的」「老家在贵州 在这边干活」
                     r"|(?:打工|干活|务工|打零工)[^。]{0,12}老家(?!就|也是|是本地|本地)|老家(?!就|也是|是本地|本地)[^。]{1,12}(?:打工|干活|务工|打零工)")
_NOT_MIGRANT = re.compile(r"不是农民工|不是民工|本地的|本地人|城里户口|城镇户口|不是外地")
_FLAGS = (("blind_deaf_mute", re.compile(r"聋哑|聋子|哑巴|盲人|眼睛看不见|瞎|听不见")),
          ("mental_illness", re.compile(r"精神病|精神疾病|精神分裂|精神不正常|脑子有病|智力残疾|智障")))
_TAKEN_ANY = re.compile(r"被抓|抓走|抓了|拘留|刑拘|逮捕|批捕|看守所|关进去|进去了|带走|押走")
_VICTIM = re.compile(r"(?:打人|撞人|伤人|骗子|对方|肇事)的?(?:人|司机)?(?:已经|也)?被[^，。\s]{0,4}?(?:抓|拘|逮捕|带走)"
                     r"|被人打|被(?:(?!抓|拘|带走|逮捕|关)[^，。\s]){0,6}?打(?:伤|了|骨折)|受害")
# Hurt in body, however said (for a good-samaritan act: the claim is then a personal injury).
HURT = re.compile(r"[砍打捅刺划割摔撞烫烧咬踢]伤|被[^，。！？,.!?]{0,3}?(?:打|砍|捅|刺|踢|推倒|撞)(?:了|倒|翻)|受伤|受了伤|骨折|[摔打]断|伤了|住院|缝了.{0,3}针|流血|脑震荡|伤残")
# LAL 31(7): a consumer dispute is covered only when someone was hurt. The denial is read
# first: 「没受伤」 contains 受伤.
_NO_INJURY = re.compile(r"(?:没|没有|没得|无)(?:人)?(?:受伤|伤着|伤到|中毒|住院)|人(?:倒是|都|还)?没(?:啥|什么)?事|身体没(?:啥|什么)?(?:事|问题)|没(?:吃|喝|用)出(?:啥|什么)?(?:问题|毛病|病)")
_INJURY = re.compile(r"受伤|伤着|伤到|住院|住了院|进了?医院|送医|急诊|中毒|吃坏|吃出(?:了)?(?:病|毛病|问题)|吃了?[^。，]{0,8}(?:拉肚子|上吐下泻|呕吐|过敏)"
                     r"|拉肚子|上吐下泻|过敏|烫伤|烧伤|炸伤|划伤|割伤|毁容|残疾|骨折|伤残|死亡|去世|人没了|喝坏")
# 「就两千多块钱」「只是钱的事」: only money was lost — no one hurt (read after the injury words).
_ONLY_MONEY = re.compile(r"^(?:就|只|只是|光|就是)(?:是|损失|亏|花|被骗)?(?:了)?[0-9几两三四五六七八九十百千万多来]+(?:块钱|块|元)(?:钱)?(?:的事)?(?:而已|吧|啊)?$"
                         r"|(?:只是|就是|只|光)(?:损失|亏)?(?:了)?(?:点)?钱(?:的事)?|就(?:损失|亏)(?:了)?(?:点)?钱")
_PRESERVE = re.compile(r"保全|转移财产|卖房|卖厂|跑路|先予执行")
_DETAINED_ROLE = re.compile(r"被抓|抓走|拘留|刑拘|逮捕|看守所|关进去|进去了|带走|派出所|传唤|公安局")
# A relative who hurt someone and the police are involved: the relative is the accused.
ACCUSED_RELATIVE = re.compile(r"(?:儿子|女儿|孩子|娃|弟弟|哥哥|老公|丈夫|男人|侄子|孙子|我爸|我弟|我哥)[^。]{0,20}"
                              r"(?:把[^，。]{0,6}(?:打伤|打了|捅|砍|撞)|(?:打|伤|撞|撞死|撞伤|捅|砍|杀)了人|打伤了人)"
                              r"[^。]{0,20}(?:警察|派出所|公安|被抓|抓了|抓走|被拘|拘留|刑拘|进去了|关起来|关进去)")
# 「我是贵州来的」「俺从甘肃过来的」 beside a job: a worker from elsewhere (the place itself is no region of the matter).
_CAME_FROM = re.compile(r"(?:我|俺)(?:是)?(?:从)?[\u4e00-\u9fa5]{2,4}?(?:来的|过来的|出来的)")
_WORK_WORDS = re.compile(r"厂|工地|打工|上班|干活|老板|包工头|车间|工钱|工资")


# The writer (or the relative spoken for) is the one accused of a crime, at trial or prosecution:
# 「下个月开庭 诈骗」「检察院起诉我了 说我盗窃」「我就是被告 取保候审在家」. A crime word next to a
# trial is the accused's side unless the writer was the one harmed (「我被骗了 下个月开庭」: a victim,
# LAL 29). A civil suit (「我被告了 欠钱不还」) names no crime: not read here.
_CRIME = (r"诈骗|盗窃|偷东西|偷了|抢劫|抢夺|故意伤害|伤害罪|打伤|打人|寻衅滋事|贩毒|毒品|赌博|开设赌场|强奸|猥亵|危险驾驶|醉驾|"
          r"交通肇事|帮信|帮助信息网络|非法集资|非法吸收|集资诈骗|职务侵占|挪用|贪污|受贿|行贿|敲诈|传销|洗钱|杀人|放火|走私|犯罪|犯了?[^，。\s]{0,6}罪|判刑|坐牢|刑事")
_ACCUSED_FIRM = re.compile(r"取保(?:候审)?|监视居住|被告人(?!是(?!我|俺))|(?:我|俺|本人)(?:自己)?(?:就)?是(?:刑事)?被告|公诉|检察院[^，。]{0,8}(?:起诉|告|提起)"
                           r"|(?:我|俺)(?:涉嫌|被控|被指控)|说(?:我|俺)(?:涉嫌|犯了|犯)")
_ACCUSED_STAGE = re.compile(r"开庭|被告|起诉(?:我|俺)|告(?:我|俺)|审判|要判|会判|判(?:我|俺)")
_AT_COURT = re.compile(r"开庭|被告|起诉|公诉|审判|判|法院")
_CRIME_RE = re.compile(_CRIME)
_HARMED = re.compile(r"被(?:人)?(?:骗|偷|抢|打|砍|捅|撞|强奸|猥亵|敲诈|盗)|失窃|小偷|骗子|嫌疑人|凶手|打人的|肇事的|被告人是(?!我|俺)|(?:骗|偷|抢|打|伤|敲诈)(?:了|走)?(?:我|俺)(?!们公司)|受害|报案|报警")


def accused_role_in(text: str) -> str | None:
    """"defendant" (before a court or prosecutor) or "suspect" (取保候审, 涉嫌 only) when the words say the writer's side is the accused before a court or a
    prosecutor (开庭, 检察院起诉, 被告人, 取保候审 with a crime named), None otherwise. The accused's
    role wins over any keyword of the crime (诈骗 is not a consumer fraud here): criminal defence,
    LAL 24-26, and at an ordinary trial the court usually assigns a lawyer (LAL 25 ¶2)."""
    clean = convert_numerals(mandarin(to_simplified_halfwidth(text or "")))
    if _HARMED.search(clean) and not re.search(r"(?:我|俺|本人)(?:自己)?(?:就)?是被告", clean):
        return None
    if _ACCUSED_FIRM.search(clean):
        return "defendant" if _AT_COURT.search(clean) else "suspect"
    if _ACCUSED_STAGE.search(clean) and _CRIME_RE.search(clean):
        return "defendant"
    return None

# Statuses said in passing that the rules use (Jilin's 1.5× line for 军人军属; priority for veterans):
# 「我老公是现役军人」「我是军属」「我是退伍军人」.
_SERVICE_STATUS = (
    ("military_family", re.compile(r"军属|军嫂|(?:老公|丈夫|爱人|男人|儿子|女儿|闺女|孩子|爸|父亲|妈|母亲)(?:是|在)?(?:现役)?(?:军人|当兵|部队)")),
    ("veteran", re.compile(r"(?:我|俺|本人)(?:是|也是)?(?:个)?(?:退伍|退役|转业)(?:军人|老兵|的)?|(?:我|俺)(?:当过兵|以前当兵)")),
)
# A domestic worker hired by a family (「我做保姆的 雇主欠我工资」「在人家家里当保姆」「给一户人家带孩子做饭」):
# no labour relationship (劳动争议解释（一）第二条) — unless a 家政公司 employs them.
_DOMESTIC_WORK = re.compile(r"保姆|家政(?:工|员|服务员|阿姨)|月嫂|育儿嫂|住家(?:阿姨|工)|钟点工|做家务的|(?:给|在)(?:一户|人家|别人|雇主|东家|主家)[^。]{0,6}(?:家里)?(?:带孩子|带娃|做饭|做家务|看孩子|照顾老人|伺候老人|当阿姨)")
_THROUGH_AGENCY = re.compile(r"家政公司[^。]{0,8}(?:派|签|发工资|欠|招)|(?:跟|和|与)家政公司签|公司派(?:我|俺)")
_NOT_SERVICE = re.compile(r"不是(?:军属|军人|退伍|退役)")

_ORIGIN_RE = re.compile(r"从[\u4e00-\u9fa5]{2,6}?(?:农村|乡下|村里|山里|老家|那边|那里)?(?=出来|过来|来)|(?:是|从)[\u4e00-\u9fa5]{2,3}?(?=来)|[\u4e00-\u9fa5]{2,3}?(?:过来|来)(?=打工|干活|上班|务工)|([\u4e00-\u9fa5]{2,3}?)是(?:我)?老家|(?:老家(?:是|在)?)([\u4e00-\u9fa5]{2,4}?)(?:的|人|[，,\s]|$)|([\u4e00-\u9fa5]{2,3}?)(?:过来的|来的|人)(?=[，,\s]|打工|的|$)")


# 「不是合肥是芜湖」「不在长春」: a place denied is not where the matter is handled.
_DENIED_PLACE_RE = re.compile(r"(?:不是|不在|并非|不是在)[\u4e00-\u9fa5]{2,8}?(?=[，,。\s]|是|在|而是|$)")


def place_in(text: str) -> str | None:
    """Where the matter is handled: the place named, leaving out where the person comes
    from (「我在晋江上班 河南来的」 → 晋江市) and a place denied (「不是合肥是芜湖」 → 芜湖市)."""
    text = _DENIED_PLACE_RE.sub(" ", text)
    without_origin = _ORIGIN_RE.sub(" ", text)
    if without_origin != text:
        return resolve_place(without_origin)  # the only place named may be where they come from
    return resolve_place(text)


# 「老家在湖南邵阳」「老家河南周口的」「邵阳老家」: where the citizen's family home is — not, by
# itself, where they live or where the matter is handled.
_HOME_PLACE_RE = re.compile(r"老家(?:是|在)?(?P<p>[\u4e00-\u9fa5]{2,8}?)(?=的|人|那|这|[，,。\s]|$)|(?P<q>[\u4e00-\u9fa5]{2,6}?)(?:的)?老家"
                            r"|从(?P<o>[\u4e00-\u9fa5]{2,6}?)(?:农村|乡下|村里|山里|老家|那边|那里)?(?:出来|过来|来)")  # 「从驻马店农村出来的」
# The dispute itself is in the home place: a house, land or a grave there, or a case brought there.
_AT_HOME = re.compile(r"老家[^。！？!?]{0,12}?(?:房子|房产|老房|宅基地|承包地|土地|田地|林地|山林|祖屋|老屋|拆迁|征地|坟|地被|的地|田被|的田)"
                      r"|(?:房子|宅基地|承包地|土地|田地)[^。！？!?]{0,6}在老家|家里的(?:地|田|房子|宅基地|老房子)|(?:村里|村委会|村干部)[^。！？!?]{0,8}(?:地|房|宅基地|拆)"
                      r"|在老家(?:出|发生|打官司|起诉|告|被)|回老家(?:打官司|起诉|告)|老家(?:那边|那儿)?的?法院"
                      )
# The writer is in the 老家 themself: the place they name is the home place (「我在老家住 在邵阳」).
_WRITER_AT_HOME = re.compile(r"(?:我|俺)(?:现在|就|也|一直)?(?:在|住在|回|回了|待在)老家")
# The person the case is about lives there (「我爸七十多了 在老家一个人住」): the matter is where they are.
_OTHER_AT_HOME = re.compile(r"(?<![我俺])在老家(?:一个人|自己|独自)?(?:住|过|生活|种地)")


def home_place_in(text: str) -> str | None:
    """The region of the citizen's 老家 when the words name it (「老家在湖南邵阳」 → 邵阳市)."""
    clean = mandarin(to_simplified_halfwidth(text or ""))
    for m in _HOME_PLACE_RE.finditer(clean):
        found = resolve_place(m.group("p") or m.group("q") or m.group("o") or "")
        if found:
            return found
    return None


def matter_at_home(text: str, about_other: bool = False) -> bool:
    """The dispute is in the citizen's 老家 (a house or land there, a case brought there, or —
    ``about_other`` — the relative the case is about lives there): by LAL 38 it is handled where
    the case-handling organ is, so the home place is the matter's region."""
    clean = mandarin(to_simplified_halfwidth(text or ""))
    return bool(_AT_HOME.search(clean) or (about_other and _OTHER_AT_HOME.search(clean)))


def writer_at_home(text: str) -> bool:
    """「我在老家住」「我回老家了」: the writer is in the 老家, so a place they name there is the home."""
    return bool(_WRITER_AT_HOME.search(mandarin(to_simplified_halfwidth(text or ""))))


def place_words(text: str) -> str | None:
    """The place as said (「在长春我是农民工」 → 长春), for acknowledging it: never the sentence."""
    from .regions import place_said

    said = _DENIED_PLACE_RE.sub(" ", mandarin(to_simplified_halfwidth(text or "")))
    return place_said(_ORIGIN_RE.sub(" ", said))  # the same reading as place_in: not where they come from


def facts_from_text(text: str, matter: str | None = None, concerned: str | None = None) -> dict[str, Any]:
    """The §3 facts this message states clearly ({} when none); ``concerned`` is whom the case is
    already about (「他七十五岁」 after 「帮我妈问」 is the mother's age)."""
    if not text:
        return {}
    clean = convert_numerals(mandarin(to_simplified_halfwidth(text)))
    facts: dict[str, Any] = {}
    place = place_in(clean)
    if place:
        facts["region"] = place
    if _NOT_MIGRANT.search(clean):
        facts["migrant_worker"] = False
    elif (_MIGRANT.search(clean) or (_CAME_FROM.search(clean) and _WORK_WORDS.search(clean))) \
            and (matter in (None, "labor.wages", "labor.injury")):
        facts["migrant_worker"] = True
    accused = accused_role_in(clean)
    if accused and not (_TAKEN_ANY.search(clean) and _VICTIM.search(clean)):
        facts["criminal_role"] = accused
    elif _TAKEN_ANY.search(clean) and _VICTIM.search(clean):
        facts["criminal_role"] = "victim"
    elif _TAKEN_ANY.search(clean) and not _VICTIM.search(clean):
        flags = [name for name, rx in _FLAGS if rx.search(clean)]
        if flags:
            facts["criminal_flags"] = flags
            facts.setdefault("criminal_role", "suspect")
    kinds = detect_kinds(clean)
    denied = denied_in(clean)
    if "violence" in denied:
        facts["domestic_violence"] = False  # 「他没打过我」: never the violence route
    family = matter is not None and matter.startswith("family.")
    samaritan = good_samaritan_in(clean) and not family  # stepping between a violent husband and a child is the crisis
    stranger = stranger_assault(clean)
    if "violence" not in denied and "violence" in kinds and (family or (matter is None and not samaritan and not stranger)):
        facts["special_status"] = ["abuse_victim"]  # 「拦住抢包的 被打伤了」: hurt by the robber, no abuse at home
    if samaritan:
        facts["special_status"] = sorted({*facts.get("special_status", []), "good_samaritan"})
    if matter == "consumer":  # the only matter whose scope turns on it (LAL 31(7))
        if _NO_INJURY.search(clean):
            facts["personal_injury"] = False
        elif _INJURY.search(clean):
            facts["personal_injury"] = True
        elif _ONLY_MONEY.search(clean):
            facts["personal_injury"] = False
    for status, rx in _SERVICE_STATUS:
        if rx.search(clean) and not _NOT_SERVICE.search(clean):
            facts["special_status"] = sorted({*facts.get("special_status", []), status})
    if _DOMESTIC_WORK.search(clean) and not _THROUGH_AGENCY.search(clean) and matter in (None, "labor.wages", "labor.injury", "labor.contract"):
        facts["domestic_worker"] = True
    if "will" in denied:
        facts["has_will"] = False
    gender = gender_in(clean)
    if gender:
        facts["gender"] = gender
    said_about = concerned_in(clean)
    if said_about:
        facts["concerned"] = said_about
        concerned = said_about
    if "urgent" in kinds:
        facts["urgent"] = ["preservation_needed"] if _PRESERVE.search(clean) else ["deadline_within_7_days"]
    if matter == "criminal.defense":
        kin = relative_age_in(clean)  # 「儿子今年17岁 被刑拘了」: the relative taken is the accused
        if kin and kin[0] not in ("他", "她") and _DETAINED_ROLE.search(clean) and not _VICTIM.search(clean):
            facts["criminal_role"] = "suspect"
            facts["age"] = kin[1]
    age = age_in(clean, matter, concerned)
    if age is not None and "age" not in facts:
        facts["age"] = age
        kin = relative_age_in(clean)
        if "concerned" not in facts and kin and kin[1] == age and not (matter or "").startswith("criminal"):
            who = concerned_in(f"{kin[0]}的事") if kin[0] not in ("他", "她") else None
            if who:
                facts["concerned"] = who  # 「我妈七十五了 …」: the mother is the one the matter is about
    return facts


# ------------------------------------------------------------------ beyond §3: what the case file keeps

_AMOUNT_RE = re.compile(r"(?P<n>[0-9]+(?:\.[0-9]+)?|[零一二两三四五六七八九十百千万点]+)(?:多|来|几)?(?P<scale>万|千|k|w)?(?P<unit>元|块钱?|块)?")
# 「一块都没给」「一块钱也没拿到」: "not a single yuan" says nothing was paid, it is no sum.
_NOT_A_SINGLE = re.compile(r"^(?:钱)?(?:都|也|都还|还)(?:没|不|未)")
_NOT_MONEY_AFTER = re.compile(r"^(?:个|口|人|岁|天|年|月|号|日|次|遍|层|楼|小时|点钟|点|分|周|星期|礼拜|公里|里|斤|岁|孩子|娃)")
_DATE_RE = re.compile(r"(?:(?P<y>20[0-9]{2})年)?(?P<m>1[0-2]|0?[1-9])月(?P<d>3[01]|[12][0-9]|0?[1-9])(?:日|号)")
EVIDENCE_WORDS: tuple[str, ...] = (
    "微信转账记录", "微信转账", "转账记录", "聊天记录", "微信聊天", "银行流水", "工资条", "工资单", "工牌", "工作证",
    "考勤记录", "考勤", "打卡记录", "劳动合同", "合同", "欠条", "借条", "收条", "录音", "录像", "视频", "照片",
    "记工本", "记工单", "工资表", "门禁卡", "工作服", "证人", "工友", "辞退通知", "解除通知", "解除劳动合同通知", "社保记录", "微信记录", "短信", "病历", "诊断证明", "伤情鉴定", "验伤", "报警回执", "报警记录", "出警记录", "判决书", "调解书",
    "仲裁书", "结婚证", "离婚证", "出生证明", "户口本", "发票", "收据", "交通事故认定书", "工伤认定书",
)
_HOUSEHOLD_RE = re.compile(r"(?:一家|家里|家中|全家|我家)?(?P<n>[0-9]{1,2}|[一二两三四五六七八九十俩仨])(?:口人|口)(?!工资)"
                           r"|一家(?P<m>[二两三四五六七八九十])口"
                           r"|(?:家里|家中|家|屋头|屋里|屋里头)[^，。,]{0,8}?(?P<k>[0-9]|[一二两三四五六七八九十俩仨])(?:个)?人")
# Words that make a bare figure the household's income (「家里三口人 三千」「收入就两千」); 一共 alone
# is no such word: 「一共一万二」 after 「老板欠我工资」 is the sum owed.
_INCOME_CUE = re.compile(r"收入|挣|赚|工资加起来|家里.*(?:月|年)|口人|口.*月|低保|退休金|养老金")
_CORRECTION_RE = re.compile(r"^不是[，,\s]+(?:我是说|我说的是|是|应该是)(?P<new4>.+)$"
                            r"|^(?:不对[，,]?\s*)?(?:不是|不在)(?P<old>[^，,。\s]{1,12})[，,。\s]*(?:是|在|而是|应该是|我是说)(?P<new>.+)$"
                            r"|^(?:不对|说错了|我说错了|更正一下|更正)[，,。\s]*(?:是|应该是)?(?P<new2>.+)$"
                            r"|^我是说(?P<new3>.+)$")


def _cn_number(token: str) -> float | None:
    from .parsing import _token_to_number  # the questionnaire's own number reader
    return _token_to_number(token)


def amounts_in(text: str) -> list[float]:
    """Sums of money stated: 「一个月五千 欠了两万」 → [5000, 20000], 「一共一万二」「1万2」 →
    [12000]. Only numbers that are clearly money (a 元/块 unit, or 千/万 in the figure);
    「三个月」 is no amount, nor 「一块都没给」 (not a single yuan: nothing was paid)."""
    clean = convert_numerals(mandarin(to_simplified_halfwidth(text or "").replace(",", "")))
    out: list[float] = []
    for m in _AMOUNT_RE.finditer(clean):
        token, scale, unit = m.group("n"), m.group("scale"), m.group("unit")
        if not re.search(r"[0-9一二两三四五六七八九十]", token):
            continue
        after = clean[m.end():]
        if token in ("1", "一") and unit and _NOT_A_SINGLE.match(after):
            continue
        if re.search(r"(?:尾号|号码|电话|手机|身份证|卡号|编号|房间|门牌)[是为:：]?\s*$", clean[:m.start()]):
            continue  # a number that identifies someone is not money (and is masked elsewhere)
        if not unit and _NOT_MONEY_AFTER.match(after):
            continue
        if not unit and not scale and not token[0].isdigit():
            continue  # numerals are digits by now: a bare 一/二 left over is a word (「工资一直不给」), not a sum
        if re.search(r"(?:收入|年收入|月收入|退休金|养老金|低保金|月入|挣|赚)(?:有|是|才|就|大概|差不多|一共)?\s*$", clean[:m.start()]):
            continue  # an income is the household's (household_in), not a sum in dispute
        paid = re.search(r"(?:一天|每天|日薪|一个月|每个月|月薪|工资|工钱)(?:给|是|挣|拿)?\s*$", clean[:m.start()])
        moneyish = bool(paid) or bool(unit) or bool(scale) or bool(re.search(r"[千万]", token)) or (token.isdigit() and int(token) >= 100
                                                                                       and not re.match(r"^\s*(?:年|号|日)", after))
        if not moneyish:
            continue
        value = _cn_number(token + ({"k": "千", "w": "万"}.get(scale or "", scale or "")))
        if value is None and scale:
            base = _cn_number(token)
            value = base * (10000 if scale in ("万", "w") else 1000) if base is not None else None
        if value is not None and 10 <= value < 100_000_000 and value not in out:  # 「一块干的」 is together, no 1 yuan
            out.append(float(value))
    return out


def dates_in(text: str, today: "date | None" = None) -> list[str]:
    """Calendar dates stated (「3月5号」「2025年12月18日」) as ISO strings; a date without a
    year is taken in the current year."""
    from datetime import date as _date

    today = today or _date.today()
    out: list[str] = []
    for m in _DATE_RE.finditer(convert_numerals(to_simplified_halfwidth(text or ""))):
        try:
            d = _date(int(m.group("y") or today.year), int(m.group("m")), int(m.group("d")))
        except ValueError:
            continue
        if d.isoformat() not in out:
            out.append(d.isoformat())
    return out


def evidence_in(text: str) -> list[str]:
    """Evidence the citizen says they have: 「有工牌 还有微信转账记录」 → [工牌, 微信转账记录]."""
    clean = to_simplified_halfwidth(text or "")
    if re.search(r"(?:没有|没|无)(?:任何)?(?:证据|合同)", clean) and not re.search(r"有(?!没)", clean.replace("没有", "")):
        return []
    found: list[str] = []
    taken = [False] * len(clean)
    for word in sorted(EVIDENCE_WORDS, key=len, reverse=True):
        start = clean.find(word)
        while start >= 0:
            if not any(taken[start:start + len(word)]):
                before = clean[max(0, start - 3):start]
                if not re.search(r"没有|没签|没|无", before):
                    found.append((start, word))  # type: ignore[arg-type]
                for i in range(start, start + len(word)):
                    taken[i] = True
            start = clean.find(word, start + 1)
    return [w for _, w in sorted(found)]  # type: ignore[misc]


def household_in(text: str) -> dict[str, Any]:
    """Household size and monthly income from 「家里四口人 一个月三千出头」."""
    clean = convert_numerals(mandarin(to_simplified_halfwidth(text or "")))
    facts: dict[str, Any] = {}
    m = _HOUSEHOLD_RE.search(clean)
    income = monthly_income_in(clean)
    if income is not None:
        facts["household_monthly_income"] = income
    if m is None:
        size = household_size_in(clean)
        if size is not None:
            facts["household_size"] = size
        m = None
    rest = clean
    if m:
        token = (m.group("n") or m.group("m") or m.group("k")).replace("俩", "两").replace("仨", "三")
        value = int(token) if token.isdigit() else int(_cn_number(token) or 0)
        if 1 <= value <= 30:
            facts["household_size"] = value
            rest = clean[:m.start()] + " " + clean[m.end():]
    rest = re.sub(r"(?:就|只有|只)?(?:我|俺)一个(?:人)?|一个人|一个挣钱|一人挣钱", " ", rest)
    # 「家里四口人 欠了两万」: money owed, lent or spent is never the income, whatever else is said
    owed = re.search(r"欠|赔|借|花了|医药费|要回|讨回|被骗|骗了", clean)
    if "household_monthly_income" in facts or (m is None and "household_size" in facts):
        return facts  # 「一个人过」: the size is said, an income must be said with its own words
    if ("household_size" in facts or _INCOME_CUE.search(clean)) and not owed and not _NO_EARNINGS.search(clean):
        # Only a figure that is money: 「我妈68岁了 有低保」「佢七十五岁 冇退休金」 hold an age, no income.
        money = amounts_in(rest)
        if len(money) == 1:  # 「每年就一万二的低保」 is 1000 a month
            facts["household_monthly_income"] = int(round(money[0] / 12)) if _PER_YEAR.search(clean) else int(money[0])
    return facts


# 「冇退休金」「没有收入」: an earnings word denied names no income.
_NO_EARNINGS = re.compile(r"(?:没|没有|无|不)(?:啥|什么|任何|固定)?(?:收入|退休金|养老金|工资|低保)")


_CORRECTION_INSIDE = re.compile(r"[，,。\s]+(?:不对|不是不是|说错了|我说错了|打错了|写错了|更正一下|更正|哦不)[，,。\s]*(?:是|应该是|我是说)?")


def correction_split(text: str) -> tuple[str, str] | None:
    """(before, after) for a correction inside a message: 「我在石狮 不对 是在晋江 工厂欠我工资」 →
    (「我在石狮」, 「在晋江 工厂欠我工资」); what follows the correction replaces what came before."""
    m = _CORRECTION_INSIDE.search(text or "")
    if m is None or not text[:m.start()].strip() or not text[m.end():].strip():
        return None
    return text[:m.start()], text[m.end():]


def correction_in(text: str) -> str | None:
    """The corrected part of 「不是合肥，是芜湖」 / 「我是说…」 (None when not a correction)."""
    m = _CORRECTION_RE.match((text or "").strip())
    if not m:
        return None
    fixed = (m.group("new") or m.group("new2") or m.group("new3") or m.group("new4") or "")
    fixed = re.sub(r"不是[^，,。\s]+", " ", fixed).strip()  # 「是工伤 不是欠工资」: the denied part is no fact
    return fixed or None
    return (m.group("new") or m.group("new2") or m.group("new3") or m.group("new4") or "").strip() or None


# ------------------------------------------------------------------ sound-alikes resolved by context

# 扶养费 (between spouses), 抚养费 (for a child) and 赡养费 (for a parent) sound alike or are
# mixed up; who pays whom decides: 「孩子他爸不给扶养费」 is child support, 「儿子不给我抚养费」
# is support for a parent.
_FOR_CHILD = re.compile(r"孩子|娃|小孩|儿子的|女儿的|闺女的|抚养权|前夫|前妻|孩子他爸|孩子他妈|他爸|他妈")
_FOR_PARENT = re.compile(r"(?:儿子|女儿|闺女|子女|儿女|孩子们|几个孩子)[^，。,.!?！？]{0,6}(?:不给|不付|不出|不管|不养)"
                         r"|老人|父母|我爸|我妈|爹|老娘|养老|年纪大")
_SUPPORT_WORD = re.compile(r"[扶抚赡]养费")


# Typed by sound: 抚养废, 赡养肥 … are the fee.
_FEE_TYPO = re.compile(r"([扶抚赡])养(?:废|肥|非|飞|菲)")
# 「我哥不给我妈生活费」「儿子不给养老钱」: money for a parent's living is 赡养费 in the law's words.
_PARENT_LIVING = re.compile(r"(?:不给|不出|不付|没给|不拿)(?:(?:我|俺)?(?:妈|爸|母亲|父亲|老娘|老爹|爹娘|父母|老人|爷爷|奶奶|姥姥|姥爷|我|俺))?(?:的)?(?:生活费|养老钱|养老费)")


def support_word(text: str) -> str:
    """The text with the support fee named by who pays whom (扶养费/抚养费/赡养费), so the
    question is read as meant: 「离婚了 孩子他爸不给扶养费」 → 「…抚养费」; 「儿子不给我抚养费」
    → 「…赡养费」; 「我哥不给我妈生活费」 → 「…赡养费」 (a parent's living money); between
    spouses with no child or parent in sight it stays as said. 「抚养废」 is read as 抚养费."""
    if not text:
        return text
    text = _FEE_TYPO.sub(lambda m: f"{m.group(1)}养费", text)
    if _PARENT_LIVING.search(text) and _FOR_PARENT.search(text) and not _FOR_CHILD.search(text):
        text = re.sub(r"生活费|养老钱|养老费", "赡养费", text)
    if not _SUPPORT_WORD.search(text):
        return text
    parent = _FOR_PARENT.search(text)
    child = _FOR_CHILD.search(text)
    if parent and not (child and child.group(0) in ("孩子他爸", "孩子他妈", "前夫", "前妻", "抚养权")):
        return _SUPPORT_WORD.sub("赡养费", text)
    if child:
        return _SUPPORT_WORD.sub("抚养费", text)
    return text


# LAL 31(4) covers support *payments* (赡养费、抚养费、扶养费) only; custody and the divorce
# itself are not on the list (facts §2.1). So the matter of a family message follows what is
# claimed, not which FAQ it resembled: 「想离婚 孩子抚养权能给我吗」 is a divorce;
# 「离婚协议上写了每月给八百」 in a child-support case is still support.
_SUPPORT_CLAIM = re.compile(r"[抚扶赡]养费|生活费|(?:每个?月|一个月)(?:给|付|拿)|不给钱|不出钱|不养(?:他|她|我|俺|老人|孩子)?")
_SUPPORT_REFUSED = re.compile(r"不要[^，。]{0,4}[抚扶赡]养费|[抚扶赡]养费(?:我)?(?:不要|不用|不需要)")
_DIVORCE_SOUGHT = re.compile(r"想离婚|要离婚|闹离婚|起诉离婚|打离婚|离婚(?:吗|官司|纠纷|诉讼)|离不离|能离婚|协议离婚|跟他离|和他离|跟她离|和她离")
_CUSTODY = re.compile(r"抚养权|孩子(?:归|跟)谁|孩子(?:归|跟)我|探望权|看孩子")
_FAMILY_CLAIMS = ("family.divorce", "family.support")


def family_matter(matter: str | None, text: str, current: str | None = None) -> str | None:
    """The family matter a message is about, given the one the case already has.

    A support fee claimed → family.support; a divorce or custody sought with no fee
    claimed → family.divorce; a passing mention of the divorce (离婚协议、离婚了) inside
    a support case keeps the support claim. Other matters pass through unchanged."""
    if matter not in _FAMILY_CLAIMS or not text:
        return matter
    clean = mandarin(to_simplified_halfwidth(text))
    claimed = bool(_SUPPORT_CLAIM.search(clean)) and not _SUPPORT_REFUSED.search(clean)
    if claimed:
        return "family.support"
    if matter == "family.support" and (_DIVORCE_SOUGHT.search(clean) or _CUSTODY.search(clean)):
        return "family.divorce"
    if matter == "family.divorce" and current == "family.support" and not _DIVORCE_SOUGHT.search(clean):
        return "family.support"
    return matter
