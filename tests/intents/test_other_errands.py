"""Errands, bookings and charges of OTHER offices and parties (intents/detect.py).

WHY: booking meant any 预约, 身份证 meant our application, 收费 meant our fee — the object named
decides (intents/tables/other_errands.yaml)."""
from __future__ import annotations

import pytest

from intents import detect


@pytest.mark.parametrize("text", ["出入境那边护照怎么预约", "预约补办户口本", "车管所预约换驾照", "预约做个体检"])
def test_booking_elsewhere_is_not_our_booking(text):
    assert detect.books_elsewhere(text)
    assert not detect.wants_booking(text)


@pytest.mark.parametrize("text", ["预约", "我想预约一下", "约个时间当面谈", "帮我约一下法援中心", "预约律师面谈", "能给我排个号吗"])
def test_booking_with_us_is_a_booking(text):
    assert not detect.books_elsewhere(text)
    assert detect.wants_booking(text)


@pytest.mark.parametrize("text", ["补办社保卡要带什么", "驾照到期了去哪换", "居住证怎么办理"])
def test_an_errand_is_named(text):
    assert detect.names_errand(text)


@pytest.mark.parametrize("text", ["要带身份证吗", "身份证过期了还能申请法律援助吗", "公司一直不给办社保", "身份证被人冒用了"])
def test_our_application_and_disputes_are_not_errands(text):
    assert not detect.names_errand(text)


@pytest.mark.parametrize("text", ["物业乱收费", "房东多扣了押金", "驾校收费不合理"])
def test_another_party_s_charge(text):
    assert detect.others_charge(text)
    assert not detect.is_follow_up(text)


@pytest.mark.parametrize("text", ["法律援助收费吗", "律师要钱吗", "要花钱吗"])
def test_our_own_fee_is_not_another_party_s(text):
    assert not detect.others_charge(text)


@pytest.mark.parametrize("text", ["物业不修电梯还收物业费", "小区地下车位乱收费"])
def test_property_disputes(text):
    assert detect.property_dispute(text)


def test_a_property_manager_named_without_a_dispute_is_not_one():
    assert not detect.property_dispute("我在物业公司上班")


def test_working_for_a_property_company_is_a_labour_matter_not_a_property_dispute():
    assert not detect.property_dispute("在物业公司干保安 三个月工资不给钱")


@pytest.mark.parametrize("text", ["户口迁出去了 还能分村里的地吗", "医院门诊给我打错针了", "预约 老板扣着我身份证不还"])
def test_a_story_that_mentions_a_document_is_not_an_errand(text):
    assert not detect.names_errand(text)
    assert not detect.books_elsewhere(text)
