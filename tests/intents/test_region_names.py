"""Place names as citizens write them → one region, or None to ask again."""

from __future__ import annotations

import pytest

from intents.regions import resolve_region

CASES = [
    ("石狮", "石狮市"), ("石狮市", "石狮市"), ("泉州石狮", "石狮市"), ("福建省泉州市石狮市", "石狮市"),
    ("福建石狮", "石狮市"), ("我在石狮打工", "石狮市"), ("石 狮 市", "石狮市"), ("石獅", "石狮市"),
    ("shishi", "石狮市"),
    ("泉州", "泉州市"), ("泉州市", "泉州市"), ("福建泉州", "泉州市"), ("晋江", "晋江市"), ("泉州晋江", "晋江市"),
    ("丰泽区", "丰泽区"),
    ("福建", "福建省"), ("福建省", "福建省"), ("福州", "福州市"), ("厦门市", "厦门市"),
    ("长春", "长春市"), ("长春市", "长春市"), ("吉林省长春市", "长春市"), ("長春", "长春市"), ("长春九台区", "长春市"),
    ("朝阳区，长春", "长春市"), ("榆树市", "榆树市"),
    ("吉林省", "吉林省"), ("吉林", "吉林省"), ("吉林市", "吉林市"), ("吉林省吉林市", "吉林市"), ("吉林市船营区", "吉林市"),
    ("延边", "延边朝鲜族自治州"), ("延吉", "延吉市"), ("珲春市", "珲春市"),
    ("白山", "白山市"), ("长白山", "长白山保护开发区"), ("通化县", "通化县"), ("通化", "通化市"),
    ("梅河口", "梅河口市"), ("前郭县", "前郭尔罗斯蒙古族自治县"),
    ("广东", "广东省"), ("广东省广州市", "广州市"), ("北京朝阳区", "北京市"), ("内蒙古", "内蒙古自治区"),
]


@pytest.mark.parametrize("text,name", CASES)
def test_resolves(text: str, name: str) -> None:
    region = resolve_region(text)
    assert region is not None, text
    assert region.name == name


@pytest.mark.parametrize("text", [
    "", "   ", "火星", "老家吉林，在石狮打工", "福建和吉林都去过", "朝阳区", "12345", "？？",
])
def test_unknown_or_ambiguous_is_none(text: str) -> None:
    assert resolve_region(text) is None


def test_province_and_city_of_jilin_are_different() -> None:
    province, city = resolve_region("吉林省"), resolve_region("吉林市")
    assert province is not None and city is not None
    assert province.level == "province" and city.level == "city"
    assert city.province == province.code


def test_non_string_is_none() -> None:
    assert resolve_region(None) is None  # type: ignore[arg-type]
