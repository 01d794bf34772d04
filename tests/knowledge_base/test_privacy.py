"""Personal data typed outside a form: masked before it is stored, and never a "question".

Pure table tests of ground/privacy.py, then the unanswered queue on the real
database (SQLite and PostgreSQL): data-only messages stay out of it.
"""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from ground.privacy import looks_like_personal_data, mask_personal_data

# (typed, what must not survive, what the masked text is)
MASKED = [
    ("张三 13812345678", ("张三", "13812345678"), "张* 138****5678"),
    ("13812345678 张三", ("张三", "12345678"), "138****5678 张*"),
    ("我叫王秀英电话13812345678", ("王秀英", "12345678"), "我叫王**电话138****5678"),
    ("我叫王秀英，电话是138 1234 5678", ("秀英", "1234 5678"), "我叫王**，电话是138****5678"),
    ("李四的电话13900001111", ("李四", "00001111"), "李*的电话139****1111"),
    ("姓名：张三丰 手机 13812345678", ("张三丰",), "姓名：张** 手机 138****5678"),
    ("３５０５８１１９９００１０１１２３Ｘ", ("19900101",), "3505**********123X"),
    ("身份证35058119900101123", ("3505811990010112",), "身份证*************1123"),
    ("35058119900101123X 王秀英", ("王秀英", "1990"), "3505**********123X 王**"),
    ("我电话1381234567老板欠钱不给", ("1381234567",), "我电话********67老板欠钱不给"),
    ("电话 0595-88881234", ("8888",), "电话 ********1234"),
    ("138-1234-5678", ("1234-5678",), "138****5678"),
    ("身份证后六位12345X", ("12345X",), "身份证后六位****5X"),
    ("１３８１２３４５６７８", ("12345678",), "138****5678"),
    ("FY-13812345678", ("12345678",), "FY-138****5678"),  # only a case number's shape is kept
]


@pytest.mark.parametrize("typed,gone,expected", MASKED)
def test_personal_data_is_masked_however_typed(typed, gone, expected):
    masked = mask_personal_data(typed)
    for part in gone:
        assert part not in masked, masked
    if expected:
        assert masked == expected


@pytest.mark.parametrize("text", [
    "拨打12348，工资3500元", "欠了2000000元", "2023-10-15开庭", "今年58岁", "欠了我三万",
    "老板拖欠工资怎么办", "我是农民工，在石狮打工", "张律师什么时候联系我",
    # an application number names a case, not a person: staff and the citizen must read it
    "申请编号：FY-2026-000001", "我的编号fy2026000123进度咋样", "FY 2026 000045 到哪一步了",
])
def test_ordinary_text_is_left_alone(text):
    assert mask_personal_data(text) == text


@pytest.mark.parametrize("text", [
    "13812345678", "张三 13812345678", "我叫王秀英电话13812345678", "电话：138 1234 5678",
    "35058119900101123X", "身份证35058119900101123", "王秀英 身份证 35058119900101123X 电话 13812345678",
    "尾号5678", "我的手机号是13812345678", "1381234567",
])
def test_data_only_messages_are_not_questions(text):
    assert looks_like_personal_data(text)


@pytest.mark.parametrize("text", [
    "身份证丢了怎么办", "我的电话是13812345678，老板跑了怎么办", "我是农民工，电话13812345678",
    "老板欠我3500元", "工资3500元 电话丢了", "12348是什么电话", "欠了2000000元", "你好",
])
def test_messages_with_a_question_or_fact_are_not_data_only(text):
    assert not looks_like_personal_data(text)


def test_the_unanswered_queue_never_takes_personal_data(app):
    from knowledge_base import store
    from knowledge_base.models import UnansweredQuestion

    channel = "t" + uuid.uuid4().hex[:8]
    with app.extensions["fayuan_db"].session() as s:
        for text in ("张三 13812345678", "我叫王秀英电话13812345678", "35058119900101123X"):
            store.record_unanswered(s, text, "unsure", channel)
        store.record_unanswered(s, "我电话13812345678 老板跑路了工钱咋要", "unsure", channel)
    with app.extensions["fayuan_db"].session() as s:
        rows = s.scalars(select(UnansweredQuestion.text).where(UnansweredQuestion.channel == channel)).all()
    assert rows == ["我电话138****5678 老板跑路了工钱咋要"]


def test_personal_data_typed_in_the_chat_is_masked_and_not_queued(app, client, user_id):
    from sqlalchemy import func

    from bot.conversation import ChatMessage
    from knowledge_base.models import UnansweredQuestion
    from wechat_client import Citizen

    db = app.extensions["fayuan_db"]
    with db.session() as s:
        before = s.scalar(select(func.count()).select_from(UnansweredQuestion))
    citizen = Citizen(client, user_id)
    for said in ("王秀英 身份证 35058119900101123X 电话 13812345678", "我叫张桂兰电话1390431567"):
        citizen.say(said)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(UnansweredQuestion)) == before
        stored = s.scalars(select(ChatMessage.text).where(ChatMessage.user_id == user_id, ChatMessage.direction == "in")
                           .order_by(ChatMessage.id)).all()
    assert stored == ["王** 身份证 3505**********123X 电话 138****5678", "我叫张**电话********67"]
