"""Pure parts of the dialogue: acts, the case file, intents by meaning, follow-up kinds."""
from __future__ import annotations

import pytest

from bot.dialog.acts import classify
from bot.dialog.followups import kind_of
from bot.dialog.memory import ack_line, only_facts, update_case
from intents.detect import asks_for_aid, wants_booking


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("同意", "yes", None), ("对", "yes", None), ("确定", "yes", None), ("不同意", "no", None),
    ("尾号5678", "data", None), ("哦好的", "ack", None), ("好 我知道了", "ack", None),
    ("第二个", "choice", 2), ("2", "choice", 2), ("谢谢你", "thanks", None), ("不用了 谢谢", "no", None),
    ("详细", "detail", None), ("继续", "resume", None), ("不是合肥，是芜湖", "correction", "芜湖"),
])
def test_short_replies_are_acts_not_questions(text, kind, value):
    act = classify(text)
    assert act is not None and act.kind == kind
    if value is not None:
        assert act.value == value


def test_a_choice_by_the_words_of_an_option():
    act = classify("工伤那个", ["拖欠工资怎么办", "工伤认定去哪申请"])
    assert act is not None and (act.kind, act.value) == ("choice", 2)


def test_a_question_is_not_an_act():
    assert classify("老板欠钱不给怎么办") is None


def test_the_case_file_grows_message_by_message_and_is_acknowledged_in_one_line():
    case: dict = {}
    case, learned = update_case(case, "老板欠了俺三个月工资 不给 咋整啊")
    assert case["topic"] == "labor.wages" and "amounts" not in case  # 三个月 is no amount
    case, learned = update_case(case, "安徽合肥")
    assert case["region"] == "合肥市" and ack_line(learned) == "好的，记下了：地区：合肥市。"
    case, learned = update_case(case, "俺是外地来打工的 在工地上干")
    assert case["migrant_worker"] is True and only_facts("俺是外地来打工的 在工地上干", learned)
    case, learned = update_case(case, "一个月五千 欠了两万")
    assert case["amounts"] == [5000.0, 20000.0]
    case, learned = update_case(case, "有工牌 还有微信转账记录")
    assert case["evidence"] == ["工牌", "微信转账记录"]
    case, learned = update_case(case, "家里四口人 一个月三千出头")
    assert (case["household_size"], case["household_monthly_income"]) == (4, 3000)


@pytest.mark.parametrize(("text", "ack"), [
    ("在长春我是农民工", "好的，记下了：地区：长春市；身份：外出务工（农民工）。"),
    ("我在石狮的", "好的，记下了：地区：石狮市。"),
    ("家里三口人 一个月三千", "好的，记下了：家里：3口人；每月收入：约3000元。"),
])
def test_the_acknowledgement_names_each_fact_not_the_sentence(text, ack):
    _, learned = update_case({}, text)
    assert ack_line(learned) == ack


def test_a_correction_replaces_the_place():
    case, _ = update_case({}, "长春的")
    case, learned = update_case(case, "不是长春，是吉林市")
    assert case["region"] == "吉林市" and learned == {"region": "吉林市"}
    case, _ = update_case({}, "我在石狮 老板欠钱")
    case, _ = update_case(case, "不是，我是说活是在泉州干的 石狮是老家")
    assert case["region"] == "泉州市"


@pytest.mark.parametrize(("text", "facts"), [
    ("我不是农民工 就是长春本地的 公司欠我两个月工资", {"migrant_worker": False, "region": "长春市"}),
    ("我是贵州来石狮打工的在鞋厂干活手被机器压伤了", {"region": "石狮市", "migrant_worker": True, "topic": "labor.injury"}),
    ("我弟是聋哑人 前天被公安抓了", {"criminal_flags": ["blind_deaf_mute"], "criminal_role": "suspect"}),
    ("我女儿被人打伤了 打人的已经被抓了", {"criminal_role": "victim"}),
    ("我一个人被欠了九千八", {"amounts": [9800.0]}),
    ("我是低保户 在吉林市", {"receives_assistance": True, "region": "吉林市"}),
])
def test_facts_said_in_passing(text, facts):
    case, _ = update_case({}, text)
    assert {k: case.get(k) for k in facts} == facts
    assert "household_size" not in case


@pytest.mark.parametrize("text", ["这种情况你们管不管", "能找免费律师不", "我这个能申请吗", "那我这样能申请法律援助不",
                                  "离婚能找你们免费帮忙吗", "政府给不给派个律师啊"])
def test_can_i_get_aid_by_meaning(text):
    assert asks_for_aid(text)


@pytest.mark.parametrize("text", ["法律援助怎么申请", "老板拖欠工资怎么办", "法律援助的律师是谁给派的"])
def test_not_asking_for_a_decision(text):
    assert not asks_for_aid(text)


@pytest.mark.parametrize("text", ["能不能给我排个号", "我想去你们那当面说", "下礼拜二上午能去吗", "我想约12月8号去石狮法律援助中心"])
def test_booking_by_meaning(text):
    assert wants_booking(text)


@pytest.mark.parametrize(("text", "kind"), [
    ("要带啥东西", "materials"), ("多久能有结果", "duration"), ("在哪儿办", "where"), ("这个结果我不认", "objection"),
    ("要实名吗", "identity"), ("找你们要花钱不", "cost"), ("那我咋办", "what_now"), ("要是律师不好好办咋整", "lawyer_bad"),
])
def test_follow_up_kinds(text, kind):
    assert kind_of(text) == kind


def test_a_question_of_its_own_is_no_follow_up():
    assert kind_of("老板拖欠工资怎么办") is None
