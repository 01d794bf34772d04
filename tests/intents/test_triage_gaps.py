"""Triage gaps the tester found: fraud in progress, a medical injury the hospital denies,
and sound-alike support fees (intents/triage.py, detect.py, extract.py).

Why: 「让我把钱转到安全账户」 got an FAQ about unpaid loans; 「医院不认账」 got the procedure
for objecting to a legal-aid refusal; 「孩子他爸不给扶养费」 was read as spousal support.
"""
from __future__ import annotations

import pytest

from intents.detect import other_party_refuses
from intents.extract import support_word
from intents.triage import assess, is_scam

SCAMS = ["有人打电话说我涉嫌洗钱 让我把钱转到安全账户", "我被骗了三万", "我妈被电信诈骗了", "刷单被骗了五千",
         "网上兼职刷单 钱转过去不返了", "有人冒充公安给我打电话", "我把验证码告诉了对方", "被骗了钱怎么办",
         "骗子骗走了我两万块", "他们说是客服 让我转账到一个账户", "接到诈骗电话 转了八千"]


@pytest.mark.parametrize("text", SCAMS)
def test_fraud_gets_110_and_the_bank_first_then_legal_aid_for_victims(text: str) -> None:
    found = assess(text)
    assert found is not None and found.kind == "scam", text
    assert found.reply.index("110") < found.reply.index("银行") < found.reply.index("第二十九条")
    assert found.facts == {"matter": "criminal.defense", "criminal_role": "victim"}
    assert "96110" not in found.reply  # not in legal-aid-facts.md: not said
    assert len(found.reply) <= 200


@pytest.mark.parametrize("text", ["差点被骗", "诈骗罪判几年", "你们是不是骗子", "朋友借我五万不还", "是不是骗人的",
                                  "怎么防止被骗", "幸好没被骗"])
def test_no_fraud_alarm_for_questions_near_misses_or_doubts(text: str) -> None:
    assert not is_scam(text), text


def test_a_relative_detained_for_fraud_is_the_criminal_family_path() -> None:
    found = assess("我老公涉嫌诈骗被拘留了")
    assert found is not None and found.kind == "criminal_family"


@pytest.mark.parametrize("text", ["医院不认账", "饭店说不关他们事", "老板不认", "他们不赔", "保险公司不给赔", "对方不承认",
                                  "商家不给退", "医生说不是他的责任 不认", "包工头耍赖", "物业推脱"])
def test_the_other_side_refusing_is_not_an_objection_to_our_decision(text: str) -> None:
    assert other_party_refuses(text), text


@pytest.mark.parametrize("text", ["这个结果我不认", "不服这个决定", "我不服", "不批我不认", "你们不给批我不服"])
def test_an_objection_to_the_decision_stays_one(text: str) -> None:
    assert not other_party_refuses(text), text


@pytest.mark.parametrize("text,fee", [
    ("离婚了 孩子他爸不给扶养费", "抚养费"), ("前夫一年没给娃的扶养费", "抚养费"), ("孩子的扶养费怎么算", "抚养费"),
    ("判了扶养费孩子他妈一直不给", "抚养费"), ("儿子不给我抚养费", "赡养费"), ("三个儿子都不给扶养费", "赡养费"),
    ("女儿不出扶养费 我都七十了", "赡养费"), ("老人的扶养费谁出", "赡养费"), ("老公不给我扶养费", "扶养费"),
    ("扶养费能要多少", "扶养费"),
])
def test_support_fee_named_by_who_pays_whom(text: str, fee: str) -> None:
    assert fee in support_word(text) and [w for w in ("扶养费", "抚养费", "赡养费") if w in support_word(text)] == [fee]


@pytest.mark.parametrize("text", ["我那个工资的事明天就满一年了老板一直拖着不给说要去仲裁来不及了", "后天就满一年了 还能仲裁吗",
                                  "离职到下周一就满一年 工资还没要回来", "被开除明天就满1年了 劳动仲裁还来得及吗"])
def test_one_year_limit_running_out_is_a_deadline(text: str) -> None:
    found = assess(text)
    assert found is not None and found.kind == "deadline", text


@pytest.mark.parametrize("text", ["明天就满一年了 我们结婚纪念日", "下周就满一年了", "孩子明天就满一岁了"])
def test_an_anniversary_is_no_deadline(text: str) -> None:
    found = assess(text)
    assert found is None or found.kind != "deadline", text


@pytest.mark.parametrize("text", ["医院不认账", "饭店说不关他们事", "老板不认", "商家不给退"])
def test_the_other_side_refusing_is_answered_within_the_topic(text: str) -> None:
    from intents.detect import is_follow_up
    assert is_follow_up(text)
