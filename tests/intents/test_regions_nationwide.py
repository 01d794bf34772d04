"""Any province, prefecture-level city or county of China, as citizens write it.

Why: the seed table knew Fujian and Jilin in detail and other provinces by name only, so
「我在合肥」 fell to the fallback. intents/tables/divisions.yaml adds every city and county
around the seeds; these tests hold the reading rules: with or without 市/县/区, districts
count as their city, a name repeated in two places is asked again, an everyday word that
is also a county stem (公安, 资源) is no place, and a place without a hardship figure gets
"the local centre confirms the line" from the engine, never a borrowed figure.
"""
from __future__ import annotations

import pytest

from intents.regions import resolve_region, stem_of
from intents.rules import decide


@pytest.mark.parametrize("text,name,province", [
    ("我在合肥", "合肥市", "安徽省"), ("芜湖", "芜湖市", "安徽省"), ("芜湖市", "芜湖市", "安徽省"),
    ("在郑州富士康上班", "郑州市", "河南省"), ("人在东莞", "东莞市", "广东省"), ("成都武侯区", "成都市", "四川省"),
    ("我是在义乌打工的", "义乌市", "浙江省"), ("昆山", "昆山市", "江苏省"), ("肥西县", "肥西县", "安徽省"),
    ("安徽省六安市霍邱县", "霍邱县", "安徽省"), ("恩施州", "恩施土家族苗族自治州", "湖北省"),
    ("黔东南", "黔东南苗族侗族自治州", "贵州省"), ("海淀", "北京市", "北京市"), ("上海浦东新区", "上海市", "上海市"),
    ("重庆巫山县", "巫山县", "重庆市"), ("哈尔滨", "哈尔滨市", "黑龙江省"), ("乌鲁木齐", "乌鲁木齐市", "新疆维吾尔自治区"),
    ("工地在芜湖", "芜湖市", "安徽省"), ("福州鼓楼区", "福州市", "福建省"), ("长春朝阳区", "长春市", "吉林省"),
    ("西安", "西安市", "陕西省"), ("深圳宝安", "深圳市", "广东省"),
])
def test_any_city_or_county(text: str, name: str, province: str) -> None:
    region = resolve_region(text)
    assert region is not None, text
    assert (region.name, region.province_name) == (name, province)


@pytest.mark.parametrize("text", [
    "公安局说不归他们管", "我去了派出所和公安", "这是国家资源", "走消防通道", "他很大方", "东方红",
    "上海安装空调的师傅",  # 上海, not 海安县
    "鼓楼区",              # in several cities: ask again
    "老家四川 在合肥打工",  # two provinces: ask again (extract.place_in drops the home place first)
    "比如说工资", "王秀英", "我想问问", "在工地上干活",
])
def test_everyday_words_and_ambiguous_names_are_no_place(text: str) -> None:
    region = resolve_region(text)
    if text == "上海安装空调的师傅":
        assert region is not None and region.name == "上海市"
    else:
        assert region is None, (text, region and region.name)


@pytest.mark.parametrize("name,stem", [("芜湖市", "芜湖"), ("肥西县", "肥西"), ("恩施土家族苗族自治州", "恩施"),
                                       ("和县", "和县"), ("锡林郭勒盟", "锡林郭勒"), ("阿勒泰地区", "阿勒泰")])
def test_stem(name: str, stem: str) -> None:
    assert stem_of(name) == stem


def test_region_without_figure_says_local_centre_confirms() -> None:
    result = decide({"region": "芜湖", "matter": "injury.traffic", "household_size": 1, "household_monthly_income": 1500,
                     "special_status": [], "receives_assistance": False})
    assert result["decision"] == "likely_eligible"
    text = "".join(result["reasons"])
    assert "芜湖市的标准不在我们的资料里" in text and "当地法律援助中心确认" in text
    assert "元" not in text.split("芜湖市")[1].split("。")[0]  # no figure invented for 芜湖


def test_migrant_wages_anywhere_is_eligible_without_means_test() -> None:
    result = decide({"region": "我在合肥", "matter": "labor.wages", "migrant_worker": True})
    assert (result["decision"], result["hardship_review"]) == ("eligible", "exempt")
