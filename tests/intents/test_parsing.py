"""Answer parsers: table-driven cases as citizens type them, and a never-crash property."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intents import parsing
from intents.parsing import Choice, Parsed, ParseError


def value_of(result: Parsed | ParseError):
    assert isinstance(result, Parsed), result
    return result.value


# --------------------------------------------------------------------------- yes / no

@pytest.mark.parametrize("text", [
    "是", "是的", "对", "对的", "嗯", "嗯嗯", "有", "有的", "是的呀", "对啊", "没错", "我是农民工",
    "有残疾证", "ｙｅｓ", "是滴", "確實", "领低保", "我是低保户", "农民工", "有退休金",
])
def test_yes(text: str) -> None:
    assert value_of(parsing.parse_yes_no(text)) is True


@pytest.mark.parametrize("text", [
    "不是", "没有", "没", "不", "没有的", "无", "否", "不是的", "我不是", "没领", "都没有", "木有",
    "没领低保", "没有固定收入", "俺不是",
])
def test_no(text: str) -> None:
    assert value_of(parsing.parse_yes_no(text)) is False


@pytest.mark.parametrize("text,code", [
    ("", "unclear"),
    ("不知道", "dont_know"),
    ("不是很清楚", "dont_know"),
    ("有没有关系", "question"),
    ("老板欠我三个月工资不给怎么办", "question"),
    ("1", "unclear"),
    ("今天天气很好我出去走走了", "unclear"),
])
def test_yes_no_not_understood(text: str, code: str) -> None:
    result = parsing.parse_yes_no(text)
    assert isinstance(result, ParseError)
    assert result.code == code
    assert result.reask


# --------------------------------------------------------------------------- money

@pytest.mark.parametrize("text,amount,approx", [
    ("3500", 3500, False),
    ("3,500元", 3500, False),
    ("３５００", 3500, False),
    ("三千五", 3500, False),
    ("三千五百块钱一个月", 3500, False),
    ("3k", 3000, False),
    ("3.5k", 3500, False),
    ("3千", 3000, False),
    ("3千5", 3500, False),
    ("1.2万", 12000, False),
    ("月收入2800", 2800, False),
    ("一个月两千多", 2000, True),
    ("2000左右", 2000, True),
    ("不到两千", 2000, True),
    ("两千几", 2000, True),
    ("千把块", 1000, True),
    ("打零工一个月一千多", 1000, True),
    ("一年三万", 2500, True),
    ("1500+1200", 2700, False),
    ("没有收入", 0, False),
    ("没收入", 0, False),
    ("0", 0, False),
    ("零", 0, False),
    ("没有", 0, False),
])
def test_money(text: str, amount: int, approx: bool) -> None:
    result = parsing.parse_money(text)
    assert isinstance(result, Parsed), result
    assert result.value == amount
    assert result.approximate is approx
    if approx:
        assert str(amount) in (result.note or "")


@pytest.mark.parametrize("text,code", [
    ("两三千", "range"),
    ("三五千", "range"),
    ("一两千", "range"),
    ("2000到3000", "range"),
    ("2000-3000", "range"),
    ("几千", "range"),
    ("我1500老伴1200", "ambiguous"),
    ("2000,3000", "ambiguous"),
    ("一天一百", "unclear"),
    ("不知道", "dont_know"),
    ("挺多的", "unclear"),
    ("怎么算收入呢", "question"),
])
def test_money_asked_again(text: str, code: str) -> None:
    result = parsing.parse_money(text)
    assert isinstance(result, ParseError), result
    assert result.code == code
    assert result.reask


# --------------------------------------------------------------------------- age

@pytest.mark.parametrize("text,age,approx", [
    ("65", 65, False),
    ("六十五岁", 65, False),
    ("65岁了", 65, False),
    ("我今年十七", 17, False),
    ("17周岁", 17, False),
    ("七十多了", 70, True),
])
def test_age(text: str, age: int, approx: bool) -> None:
    result = parsing.parse_age(text)
    assert isinstance(result, Parsed), result
    assert (result.value, result.approximate) == (age, approx)


def test_age_from_birth_year(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsing, "_current_year", lambda: 2025)
    assert value_of(parsing.parse_age("1958年出生")) == 67
    assert value_of(parsing.parse_age("58年的")) == 67


@pytest.mark.parametrize("text,code", [
    ("十七八", "range"), ("六七十岁", "range"), ("200", "out_of_range"), ("未成年", "unclear"),
    ("不知道", "dont_know"), ("", "unclear"),
])
def test_age_asked_again(text: str, code: str) -> None:
    result = parsing.parse_age(text)
    assert isinstance(result, ParseError), result
    assert result.code == code


# --------------------------------------------------------------------------- household

@pytest.mark.parametrize("text,size", [
    ("4", 4), ("4口人", 4), ("四个人", 4), ("就我一个", 1), ("我自己", 1), ("一个人", 1),
    ("我和老伴", 2), ("老两口", 2), ("俩", 2), ("一家三口", 3), ("三口之家", 3), ("我们家五口人", 5),
])
def test_household_size(text: str, size: int) -> None:
    assert value_of(parsing.parse_household_size(text)) == size


@pytest.mark.parametrize("text", ["0", "100", "三四个", "好多人", ""])
def test_household_size_asked_again(text: str) -> None:
    assert isinstance(parsing.parse_household_size(text), ParseError)


# --------------------------------------------------------------------------- choices

STATUS = [
    Choice("abuse_victim", "受到家庭暴力、虐待或遗弃", ("家暴", "虐待")),
    Choice("good_samaritan", "因为见义勇为受了损失", ("见义勇为",)),
    Choice("martyr_relative", "烈士亲属", ("烈士",)),
    Choice("wrongful_conviction", "再审改判无罪", ("无罪",)),
    Choice("veteran", "退役军人", ("退伍", "当过兵")),
    Choice("military_family", "军属", ("军属",)),
    Choice("covid_frontline", "疫情一线", ("疫情",)),
]


@pytest.mark.parametrize("text,values", [
    ("1 3", ["abuse_victim", "martyr_relative"]),
    ("1、3", ["abuse_victim", "martyr_relative"]),
    ("1,3", ["abuse_victim", "martyr_relative"]),
    ("1，3", ["abuse_victim", "martyr_relative"]),
    ("1和3", ["abuse_victim", "martyr_relative"]),
    ("13", ["abuse_victim", "martyr_relative"]),  # fewer than 10 options: digits
    ("31", ["martyr_relative", "abuse_victim"]),
    ("5", ["veteran"]),
    ("５", ["veteran"]),
    ("第五个", ["veteran"]),
    ("一和三", ["abuse_victim", "martyr_relative"]),
    ("3 3", ["martyr_relative"]),
    ("0", []),
    ("都没有", []),
    ("没有", []),
    ("见义勇为", ["good_samaritan"]),
    ("我当过兵", ["veteran"]),
])
def test_multi_choice(text: str, values: list[str]) -> None:
    assert value_of(parsing.parse_multi_choice(text, STATUS)) == values


@pytest.mark.parametrize("text,code", [
    ("0 1", "ambiguous"), ("8", "out_of_range"), ("19", "out_of_range"), ("没有家暴", "ambiguous"),
    ("随便", "unclear"),
])
def test_multi_choice_asked_again(text: str, code: str) -> None:
    result = parsing.parse_multi_choice(text, STATUS)
    assert isinstance(result, ParseError), result
    assert result.code == code


ROLES = [
    Choice("suspect", "被抓了", ("拘留",)),
    Choice("defendant", "要开庭", ("开庭",)),
    Choice("victim", "受害人", ("受害",)),
]


@pytest.mark.parametrize("text,value", [
    ("1", "suspect"), ("２", "defendant"), ("第三个", "victim"), ("三", "victim"), ("③", "victim"),
    ("拘留了", "suspect"), ("下个月开庭", "defendant"),
])
def test_choice(text: str, value: str) -> None:
    assert value_of(parsing.parse_choice(text, ROLES)) == value


@pytest.mark.parametrize("text", ["4", "0", "12", "不晓得哦", ""])
def test_choice_asked_again(text: str) -> None:
    assert isinstance(parsing.parse_choice(text, ROLES), ParseError)


# --------------------------------------------------------------------------- matter (flow choices)

@pytest.fixture(scope="module")
def matter_choices() -> tuple[Choice, ...]:
    from intents.questionnaire import load_flow
    return load_flow().questions["matter"].choices


@pytest.mark.parametrize("text,code", [
    ("1", "labor.wages"),
    ("2", "labor.injury"),
    ("老板欠我三个月工资", "labor.wages"),
    ("包工头跑了", "labor.wages"),
    ("干活受伤了", "labor.injury"),
    ("被公司辞退了", "labor.contract"),
    ("想离婚", "family.divorce"),
    ("儿子不给赡养费", "family.support"),
    ("老公打我", "family.violence"),
    ("出车祸了", "injury.traffic"),
    ("儿子被抓了", "criminal.defense"),
    ("被狗咬了", "injury.personal"),
    ("房东不退押金", "housing.lease"),
    ("征地拆迁补偿太少", "land"),
])
def test_matter(matter_choices: tuple[Choice, ...], text: str, code: str) -> None:
    assert value_of(parsing.parse_matter(text, matter_choices)) == code


def test_matter_free_text_is_confirmed(matter_choices: tuple[Choice, ...]) -> None:
    result = parsing.parse_matter("老板欠我工资", matter_choices)
    assert isinstance(result, Parsed) and result.note and "欠工资" in result.note
    assert parsing.parse_matter("1", matter_choices) == Parsed("labor.wages")


@pytest.mark.parametrize("text", ["99", "随便问问", ""])
def test_matter_asked_again(matter_choices: tuple[Choice, ...], text: str) -> None:
    result = parsing.parse_matter(text, matter_choices)
    assert isinstance(result, ParseError)
    assert result.reask


# --------------------------------------------------------------------------- region

@pytest.mark.parametrize("text", ["石狮", "石狮市", "我在石狮", "泉州石狮", "长春", "长春市", "吉林省"])
def test_region_recognised(text: str) -> None:
    result = parsing.parse_region(text)
    assert isinstance(result, Parsed), result
    assert isinstance(result.value, str) and result.value


def test_region_same_with_or_without_suffix() -> None:
    assert value_of(parsing.parse_region("石狮")) == value_of(parsing.parse_region("石狮市"))
    assert value_of(parsing.parse_region("长春")) == value_of(parsing.parse_region("长春市"))


@pytest.mark.parametrize("text", ["", "不知道", "随便"])
def test_region_asked_again(text: str) -> None:
    assert isinstance(parsing.parse_region(text), ParseError)


# --------------------------------------------------------------------------- never crash

ALL_CHOICES = {"choice": ROLES, "multi_choice": STATUS, "matter": ROLES}


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=40))
def test_any_text_never_crashes(text: str) -> None:
    for name, fn in parsing.PARSERS.items():
        result = fn(text, ALL_CHOICES.get(name, ()))
        assert isinstance(result, (Parsed, ParseError))
        if isinstance(result, ParseError):
            assert result.reask


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="0123456789零一二两三四五六七八九十百千万多几块元个月年kw .,，、和到-", max_size=20))
def test_numeric_looking_text_never_crashes(text: str) -> None:
    for name in ("int", "money", "age", "household_size"):
        result = parsing.PARSERS[name](text, ())
        assert isinstance(result, (Parsed, ParseError))
        if isinstance(result, Parsed):
            assert isinstance(result.value, int) and result.value >= 0
