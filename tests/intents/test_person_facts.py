"""Facts about the person concerned from everyday words (intents/person_facts.py, extract.py).

Why: the tester's citizens said 「一个人过」「每个月退休金一千五」「年龄67了」「我妈八十了」
「我系外省嚟打工嘅」「他没打过我」, and the case file stored 一个人 as an amount, missed the
age, missed the migrant worker and took a denial for violence. Our own phrasings here, at
least ten per fact; each asserts the typed fact a case worker would note — or its absence.
"""
from __future__ import annotations

import pytest

from intents.extract import facts_from_text, household_in, place_words

ALONE = ["我一个人过", "一个人住", "老伴走了 就我一个人了", "独居", "家里就我自己", "俺一个人 没儿没女",
         "我一个人 每月一千二", "一个人过日子", "光棍一个", "我自己住"]


@pytest.mark.parametrize("text", ALONE)
def test_living_alone_is_household_of_one(text: str) -> None:
    assert household_in(text).get("household_size") == 1, text


@pytest.mark.parametrize("text,size", [
    ("就我和老伴", 2), ("我跟老伴两个人过", 2), ("老两口", 2), ("一个人带娃", 2), ("我一个人带两个孩子", 3),
    ("带一个娃 一个月两千", 2), ("家里两个人", 2), ("我们家四口人", 4), ("全家五口", 5), ("一家三口", 3),
])
def test_household_size_in_everyday_words(text: str, size: int) -> None:
    assert household_in(text).get("household_size") == size, text


@pytest.mark.parametrize("text", ["一个人在东莞打工", "一个人去的医院", "三个儿子都不管我", "我一个人去不了"])
def test_alone_somewhere_says_nothing_about_the_household(text: str) -> None:
    assert "household_size" not in household_in(text), text


@pytest.mark.parametrize("text,income", [
    ("每个月退休金一千五", 1500), ("养老金一千二", 1200), ("每月一千二", 1200), ("月收入五千", 5000),
    ("一个月挣三千多", 3000), ("她有退休金 一个月两千", 2000), ("我一个月工资2800", 2800), ("每个月家里五千", 5000),
    ("低保金一个月六百", 600), ("俺俩一个月就挣两千块", 2000), ("我在长春 一个人过 每个月退休金一千五", 1500),
])
def test_monthly_income(text: str, income: int) -> None:
    assert household_in(text).get("household_monthly_income") == income, text


@pytest.mark.parametrize("text", [
    "医药费花了两万多 他一分不给", "欠了一万八千多", "判决书上写的每个月一千", "花了三千二", "一个月五千 欠了两万",
    "干了三年 一个月六千五", "抚养费每个月八百", "房租一个月一千五", "被骗了三万", "补偿给了两千", "一个人过",
])
def test_money_owed_spent_or_ordered_is_no_income(text: str) -> None:
    assert "household_monthly_income" not in household_in(text), text


@pytest.mark.parametrize("text,matter,age", [
    ("年龄67了", None, 67), ("七十二了", None, 72), ("我今年七十二了 三个儿子都不管我", "family.support", 72),
    ("我是女的 四十五岁 在长春", None, 45), ("我妈八十了 在吉林市", "family.support", 80), ("俺爹今年81", None, 81),
    ("他三十五岁", "criminal.defense", 35), ("孩子17", "criminal.defense", 17), ("我儿子十六岁", "criminal.defense", 16),
    ("年纪六十五", None, 65), ("我73岁了", None, 73), ("66岁", None, 66),
])
def test_age_of_the_person_concerned(text: str, matter: str | None, age: int) -> None:
    assert facts_from_text(text, matter).get("age") == age, text


@pytest.mark.parametrize("text,matter", [
    ("他三十五岁", "family.divorce"), ("孩子17", "family.support"), ("我儿子十六岁", "education.school"),
    ("干了五年", None), ("欠了三个月了", None), ("两口人", None), ("我女儿今年十二", "family.support"),
])
def test_someone_elses_age_or_no_age(text: str, matter: str | None) -> None:
    assert "age" not in facts_from_text(text, matter), text


@pytest.mark.parametrize("text", ["外省来打工", "我系外省嚟打工嘅", "农民工", "我是从河南过来打工的", "在工地上干活 老家贵州",
                                  "俺是出来打工的", "我哋系外地嚟做嘢嘅打工仔", "外地来的 在厂里上班", "进城务工的", "我是民工"])
def test_migrant_worker_in_mandarin_and_cantonese(text: str) -> None:
    assert facts_from_text(text).get("migrant_worker") is True, text


@pytest.mark.parametrize("text", ["他没打过我 就是感情不和", "不是被打", "没有家暴", "他从来不打我", "我们没动过手",
                                  "没被打过", "家暴倒没有", "他不打我就是不回家", "并没有家暴", "他没动手"])
def test_a_denied_violence_never_sets_abuse(text: str) -> None:
    facts = facts_from_text(text, "family.divorce")
    assert facts.get("domestic_violence") is False and "special_status" not in facts, text


def test_violence_said_still_counts() -> None:
    assert facts_from_text("他喝了酒就打我", "family.divorce").get("special_status") == ["abuse_victim"]


@pytest.mark.parametrize("text", ["没有遗嘱", "老人没留遗嘱", "遗嘱没有立", "没立遗嘱"])
def test_no_will(text: str) -> None:
    assert facts_from_text(text).get("has_will") is False


@pytest.mark.parametrize("text,who", [
    ("我妈腿不好 我去替她办行不行", "mother"), ("我能帮我妈申请法律援助吗", "mother"), ("我儿子被抓了", "son"),
    ("替我爸问问", "father"), ("我老汉在工地上摔了", "father"), ("帮朋友问一下", "someone_else"),
    ("我老公被拘留了", "spouse"), ("帮我闺女问问", "daughter"), ("我去替他跑一趟申请", "someone_else"),
    ("是我自己的事", "self"),
])
def test_who_the_matter_is_about(text: str, who: str) -> None:
    assert facts_from_text(text).get("concerned") == who


@pytest.mark.parametrize("text,gender", [("我是女的", "female"), ("女的 四十五", "female"), ("我是女儿 出嫁了", "female"),
                                         ("我是男的", "male"), ("本人女性", "female"), ("我是孩子他妈", "female")])
def test_sex_where_said(text: str, gender: str) -> None:
    assert facts_from_text(text).get("gender") == gender


@pytest.mark.parametrize("text", ["我儿子", "我女儿被打了", "我老公被抓了", "女儿不养我"])
def test_sex_is_never_guessed_from_a_relative(text: str) -> None:
    assert "gender" not in facts_from_text(text)


@pytest.mark.parametrize("text,place", [("在长春我是农民工", "长春"), ("安徽合肥", "安徽合肥"), ("不是合肥是芜湖 工地在芜湖", "芜湖"),
                                        ("我在石狮打工", "石狮"), ("老家四川的", None)])
def test_the_place_is_stored_as_a_place_never_the_sentence(text: str, place: str | None) -> None:
    assert place_words(text) == place


@pytest.mark.parametrize("text,income", [("我家五口人 种地的 一年收入三万", 2500), ("一年挣四万多", 3333), ("年收入两万四", 2000),
                                         ("每年就一万二的低保", 1000)])
def test_a_yearly_income_is_divided_by_twelve(text: str, income: int) -> None:
    assert household_in(text).get("household_monthly_income") == income, text


@pytest.mark.parametrize("text", ["欠条上写了今年三月还的", "今年五号发工资", "今年3天没上班", "今年第2次了"])
def test_a_date_this_year_is_no_age(text: str) -> None:
    assert "age" not in facts_from_text(text), text
