"""Intents by meaning, in the many ways citizens say them (intents/detect.py).

Why: an independent tester's citizens asked 「能法律援助吗」「可以找法援不」「有没有真人啊」
「你们上班几点」 and got an FAQ or 「不在我能帮忙的范围内」. Each intent here is checked
with phrasings of our own (plain, dialect, Cantonese, with facts around them) and with
look-alikes that must NOT fire.
"""
from __future__ import annotations

import pytest

from intents.detect import asks_for_aid, asks_for_person, command_of, office_question, other_procedure

ASKS_AID = [
    "我这情况能不能弄个法律援助", "俺能申请法援不", "可不可以给我派个免费律师", "我可以得到法律援助吗",
    "咱这事儿法援给办不", "我这样的能享受法律援助吗", "能不能帮我找个不要钱的律师", "我没钱请律师 你们能给个律师吗",
    "我够不够法律援助条件", "得唔得申请法援", "我符合法律援助吗", "这种事法援管吗", "我妈这情况能找法律援助不",
    "像我这样能申请免费律师不", "政府给不给派律师", "能法律援助吗 在吉林市 我一个人 每月一千二",
    "可唔可以搵法律援助", "能给找个律师不 俺没钱", "离婚能不能找法律援助",
]
NOT_AID = [
    "法律援助怎么申请", "申请法援要带啥", "法援中心在哪", "啥叫法律援助", "法律援助律师是谁派的",
    "法律援助能在网上申请吗", "法律援助收费吗", "申请法律援助要多长时间", "法律援助的条件是什么",
    "能不能在网上申请法律援助", "能不能让别人替我申请法律援助", "能不能打12348", "律师费多少钱",
    "可以找律师事务所吗", "法律援助中心电话多少",
]


@pytest.mark.parametrize("text", ASKS_AID)
def test_can_i_get_legal_aid_in_its_forms(text: str) -> None:
    assert asks_for_aid(text), text


@pytest.mark.parametrize("text", NOT_AID)
def test_how_what_where_questions_are_not_the_precheck(text: str) -> None:
    assert not asks_for_aid(text), text


PERSON = ["我想跟真人聊聊", "机器人听不懂我说的", "能不能换个人", "让你们领导来", "有冇真人", "我不想跟机器说话",
          "找个活人", "叫人来回复我", "接人工", "有没有工作人员啊", "你是不是真人 我要人", "叫你们同事来"]
NOT_PERSON = ["老细冇畀人工我", "拖咗两个月人工", "人工费怎么算", "你是人工智能吗", "老板扣我人工", "人工几多一日",
              "有没有人管管", "我一个人住"]


@pytest.mark.parametrize("text", PERSON)
def test_asking_for_a_person(text: str) -> None:
    assert asks_for_person(text) and command_of(text) == "human", text


@pytest.mark.parametrize("text", NOT_PERSON)
def test_cantonese_wages_and_other_rengong_are_not_a_person(text: str) -> None:
    assert not asks_for_person(text) and command_of(text) != "human", text


@pytest.mark.parametrize("text", ["那你能干啥", "你都能干嘛", "你能帮我什么", "你是干嘛的", "这个有什么用", "你们能做什么",
                                  "机器人能干啥", "你识做咩", "你到底会什么呀", "那你还能干点啥"])
def test_what_can_you_do_is_help(text: str) -> None:
    assert command_of(text) == "help", text


@pytest.mark.parametrize("text,kind", [
    ("你们上班几点", "hours"), ("周六开门吗", "hours"), ("几点下班", "hours"), ("礼拜天有人吗", "hours"),
    ("中午上班吗", "hours"), ("你们几点关门", "hours"), ("节假日上班吗", "hours"), ("明天开门不", "hours"),
    ("星期六也上班吗", "hours"), ("办公时间是啥时候", "hours"),
    ("你们在哪里", "address"), ("在哪里", "address"), ("中心地址", "address"), ("你们那怎么走", "address"),
    ("地址是多少", "address"), ("法律援助中心在哪", "address"),
])
def test_office_hours_and_address(text: str, kind: str) -> None:
    assert office_question(text) == kind


@pytest.mark.parametrize("text", ["工伤认定去哪里弄", "仲裁委在哪里", "老板几点上班我也不知道", "去哪里申请", "医院几点开门"])
def test_questions_about_other_offices_are_not_ours(text: str) -> None:
    assert office_question(text) is None


@pytest.mark.parametrize("text,procedure", [
    ("工伤认定去哪里弄", "injury_recognition"), ("那仲裁要钱吗", "arbitration"), ("多久之内要去仲裁", "arbitration"),
    ("去法院要钱吗", "court"), ("强制执行要多久", "enforcement"), ("伤残鉴定去哪做", "injury_recognition"),
    ("报警要带啥", "police"), ("12315打了没用", "consumer_complaint"), ("劳动监察在哪", "labour_inspection"),
    ("调解要钱不", "mediation"),
])
def test_questions_about_another_procedure(text: str, procedure: str) -> None:
    assert other_procedure(text) == procedure


@pytest.mark.parametrize("text", ["法律援助要多久", "要带啥", "在哪里申请", "要钱吗", "法援去哪办", "多久能批"])
def test_questions_about_legal_aid_itself_name_no_other_procedure(text: str) -> None:
    assert other_procedure(text) is None


@pytest.mark.parametrize("text", ["要钱不", "能行不", "工资发了没", "收费不", "能去不", "有人管没有"])
def test_a_question_ending_in_bu_or_mei_is_a_question(text: str) -> None:
    from intents.parsing import looks_like_question, parse_yes_no
    assert looks_like_question(text) and parse_yes_no(text).code == "question"  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["我没有", "都没有", "不", "还没", "他没", "一分钱都没有"])
def test_a_plain_no_stays_an_answer(text: str) -> None:
    from intents.parsing import looks_like_question, parse_yes_no
    assert not looks_like_question(text) and parse_yes_no(text).value is False  # type: ignore[union-attr]


@pytest.mark.parametrize("text,plain", [("我系外省嚟打工嘅", "我是外省来打工的"), ("唔该 要带咩嘢去", "麻烦 要带什么去"),
                                        ("老细冇畀人工我 点算啊", "老板没给工资我 怎么办啊"), ("拖咗两个月人工", "拖了两个月工资"), ("可唔可以搵法律援助", "可不可以找法律援助"),
                                        ("佢哋喺石狮", "他们在石狮"), ("联系关系系统", "联系关系系统")])
def test_cantonese_read_as_mandarin(text: str, plain: str) -> None:
    from intents.person_facts import mandarin
    assert mandarin(text) == plain
