"""Triage before the FAQ (intents/triage.py): many real-style phrasings, and the negatives
that must stay quiet. Each case asserts the kind and the facts the words imply."""
from __future__ import annotations

import re

import pytest

from intents.triage import accused_age, assess, texts

FAMILY_OF_SUSPECT = [
    "儿子被抓了", "我家孩子被派出所带走了", "我老公被刑拘了", "老公被拘留了，通知书上写的刑事拘留",
    "俺男人昨天让警察带走了", "我弟弟被抓进去了咋办", "我爸被逮捕了，能给他找个律师吗", "女儿被关在看守所",
    "我哥进去了 家里没钱请律师", "老公前天被公安抓走了到现在没消息",
]
MINOR_ACCUSED = [
    ("我儿子16岁被警察带走了怎么办", 16), ("孩子还没成年 昨天被公安抓走了", None), ("儿子被抓了，他才16", 16),
    ("我家娃十五岁，被派出所带走了", 15), ("闺女未满18岁被刑拘了", None), ("孩子上初二，被抓了", None),
    ("我儿子十七岁被拘留了", 17), ("我弟17 被检察院批捕了 家里想请律师 没钱", 17),
]
DEADLINE = [
    ("仲裁期限下周一就到了", "arbitration"), ("还有3天就过仲裁时效了", "arbitration"),
    ("明天开庭 我还没律师", "hearing"), ("上诉期只剩两天了", "appeal"), ("后天就开庭了怎么办", "hearing"),
    ("起诉时效还有五天", "lawsuit"), ("劳动仲裁还剩两天就截止", "arbitration"),
    ("判决书说十五日内上诉 现在只剩3天了", "appeal"),
    ("去年12月13号离职的 工资一直没给 还有三天就满一年了", "arbitration"),
]
PRESERVATION = ["明天就过户", "他正在转移财产", "老板要跑路了 工资还没给", "对方准备把房子卖了", "前夫偷偷把钱转走",
                "离婚官司还没打完 他这两天正在把存款往他妈卡上转"]
VIOLENCE = [
    ("我老公天天打我", "default"), ("他喝了酒就打我 我怕他报复", "retaliation"), ("我好怕他回来", "default"),
    ("老公打我，我带着孩子躲在外面", "children"), ("被他打了，怕他发现我在问这个", "found_out"),
    ("孩子被他爸打了", "children"),
    ("他喝多了又动手了我带着孩子跑出来了现在在我妈家不知道该咋办", "children"), ("他把我锁在屋里打", "default"),
    ("他又大我了 头都破了", "default"),
]
QUIET = [
    "没有被抓", "儿子没有被抓，是被叫去问话", "我儿子没被抓", "会不会被抓", "我怕儿子被抓", "不急",
    "还有30天仲裁", "还有3天就过年了", "过户需要什么材料", "他没有转移财产", "开庭是什么意思",
    "上次开庭是昨天", "明天开庭吗", "儿子被打了", "女儿在学校被同学打了", "老板拖欠工资怎么办",
    "仲裁不急，还有半年", "离婚要多久", "我没有家暴", "小偷被抓了", "打人的被抓了，我的医药费谁赔",
    "离职快满一年了", "工资没给 还有三十天就满一年", "我弟17岁 在工地打工",
    "我女儿被人打伤了 打人的已经被抓了 我们能请法律援助吗", "他没有动手", "喝多了就睡觉",
]


@pytest.mark.parametrize("text", FAMILY_OF_SUSPECT)
def test_a_relative_taken_by_the_police_is_the_family_of_a_suspect(text):
    t = assess(text, {})
    assert t is not None and t.kind == "criminal_family", text
    assert t.facts["criminal_role"] == "suspect" and t.facts["matter"] == "criminal.defense"
    assert not t.crisis
    assert "12348" in t.reply and "值班律师" in t.reply and "未满 18 岁" in t.reply
    assert "经济困难" not in t.reply  # never the victim answer with a means test


@pytest.mark.parametrize("text,age", MINOR_ACCUSED)
def test_an_accused_minor_gets_mandatory_defence_at_every_stage(text, age):
    t = assess(text, {})
    assert t is not None and t.kind == "criminal_minor", text
    assert t.facts["criminal_role"] == "suspect"
    assert t.facts.get("age") == age
    if age is None:
        assert t.facts["accused_under_18"] is True
    assert "必须" in t.reply and "第二十五条" in t.reply and "第二百七十八条" in t.reply
    assert "每个阶段" in t.reply and "不看家里经济条件" in t.reply


def test_the_age_said_later_turns_a_family_case_into_mandatory_defence():
    assert assess("他才16岁", {"criminal_role": "suspect"}).kind == "criminal_minor"
    assert assess("他才16岁", {}) is None  # an age alone, without a criminal case, is not urgent
    t = assess("儿子被派出所带走了", {"criminal_role": "suspect", "age": 15})
    assert t.kind == "criminal_minor" and t.facts["age"] == 15


@pytest.mark.parametrize("text,flag", [
    ("我哥有精神病 犯病的时候把人打了 被警察带走了", "mental_illness"),
    ("我弟是聋哑人，被公安抓了", "blind_deaf_mute"),
    ("我儿子被抓了，说是出了人命，可能判死刑", "life_or_death_sentence"),
])
def test_an_accused_adult_who_must_get_a_lawyer(text, flag):
    t = assess(text, {})
    assert t is not None and t.kind == "criminal_mandatory", text
    assert t.facts["criminal_flags"] == [flag] and t.facts["criminal_role"] == "suspect"
    assert "必须" in t.reply and "第二十五条" in t.reply and "不看家里经济条件" in t.reply and "12348" in t.reply


def test_a_later_fear_in_a_crisis_gets_its_own_answer():
    from intents.triage import fear_answer

    assert "删掉通话记录" in fear_answer("我怕他看到我手机") and "12338" in fear_answer("我怕他看到我手机")
    assert "先保证你们的安全" in fear_answer("孩子怎么办 我好怕")
    assert fear_answer("要带啥证据") is None


def test_administrative_detention_is_not_a_criminal_case():
    t = assess("我弟弟被行政拘留了十天", {})
    assert t.kind == "administrative_detention" and "criminal_role" not in t.facts
    assert "不是刑事案件" in t.reply and "行政复议" in t.reply and "12348" in t.reply


@pytest.mark.parametrize("text,step", DEADLINE)
def test_a_deadline_gets_what_to_do_today_and_aid_first(text, step):
    t = assess(text, {})
    assert t is not None and t.kind == "deadline", text
    assert t.facts == {"urgent": ["deadline_within_7_days"]}
    assert texts()["deadline_today"][step] in t.reply
    assert "第四十四条" in t.reply and "可以先" in t.reply and "12348" in t.reply


def test_arbitration_reply_says_file_it_yourself_it_is_free():
    t = assess("仲裁期限下周一就到了", {})
    assert "今天就自己去" in t.reply and "不收费" in t.reply


def test_a_labour_case_with_a_deadline_files_for_arbitration():
    t = assess("还剩三天就到期了", {"matter": "labor.wages"})
    assert t.kind == "deadline" and texts()["deadline_today"]["arbitration"] in t.reply


@pytest.mark.parametrize("text", PRESERVATION)
def test_property_being_moved_away_gets_preservation(text):
    t = assess(text, {})
    assert t is not None and t.kind == "preservation", text
    assert t.facts == {"urgent": ["preservation_needed"]}
    assert "财产保全" in t.reply and "第四十四条" in t.reply and "12348" in t.reply


@pytest.mark.parametrize("text,fear", VIOLENCE)
def test_violence_is_a_crisis_with_safety_first_and_no_links(text, fear):
    t = assess(text, {})
    assert t is not None and t.kind == "violence" and t.crisis, text
    assert t.reply.index("110") < t.reply.index("保护令")
    assert "12338" in t.reply
    assert texts()["violence_fear"][fear] in t.reply
    assert not re.search(r"https?://|回复「", t.reply)
    assert "有用吗" not in t.reply
    assert t.facts == {"matter": "family.violence", "special_status": ["abuse_victim"]}


@pytest.mark.parametrize("text", QUIET)
def test_denials_worries_and_ordinary_questions_do_not_trigger(text):
    assert assess(text, {}) is None, text


@pytest.mark.parametrize("text,age", [("16岁", 16), ("十六岁", 16), ("十七周岁", 17), ("他才15", 15),
                                      ("二十岁", 20), ("欠了我三万", None), ("才3000块", None)])
def test_accused_age(text, age):
    assert accused_age(text) == age


def test_replies_stay_short():
    for key in ("criminal_family", "criminal_minor", "administrative_detention", "preservation"):
        assert len(texts()[key]) <= 300, key
