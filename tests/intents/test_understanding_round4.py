"""Understanding a citizen's first messages, round 4 (intents/person_facts.py, extract.py,
regions.py, special_paths.py, triage.py; bot/dialog/memory.py).

Why: independent testers found totals owed read as a monthly income, 「一块都没给」 as 1 yuan,
和田玉 read as 和田地区, a son taken by the police read as violence at home, and a robber
stopped in the street not read as 见义勇为. Each test below uses our own wordings (several per
capability) and asserts what a case worker would note — or that nothing is noted.
"""
from __future__ import annotations

import pytest

from bot.dialog import memory
from ground.text import convert_numerals
from intents.extract import amounts_in, facts_from_text, household_in
from intents.person_facts import good_samaritan_in
from intents.special_paths import detect_kinds
from intents.triage import assess

# ------------------------------------------------------------------ money: owed is no income, numbers read once


@pytest.mark.parametrize("text,value", [
    ("一万二", "12000"), ("1万2", "12000"), ("3千5", "3500"), ("1.2万", "12000"), ("2万5千", "25000"),
    ("三千五", "3500"), ("欠了1万2块", "欠了12000块"), ("1.5万块", "15000块"),
])
def test_numbers_as_typed_are_read_as_one_figure(text: str, value: str) -> None:
    assert convert_numerals(text) == value


@pytest.mark.parametrize("text", ["1万25", "2千35块"])
def test_a_figure_that_cannot_be_read_whole_is_left_alone(text: str) -> None:
    assert convert_numerals(text) == text


@pytest.mark.parametrize("text,amount", [
    ("包工头一共欠我一万二", 12000), ("欠了三个月 一共一万二", 12000), ("还差1万2没给", 12000),
    ("总共三千五", 3500), ("一共两万五千块", 25000), ("欠款1.2万", 12000),
])
def test_a_total_owed_is_an_amount_and_never_the_income(text: str, amount: int) -> None:
    assert amount in amounts_in(text), text
    assert "household_monthly_income" not in household_in(text), text


@pytest.mark.parametrize("text", ["一共一万二", "加起来一共三千五", "家里四口人 欠了两万", "拿了两万", "三个月一共九千"])
def test_no_earnings_word_no_income(text: str) -> None:
    assert "household_monthly_income" not in household_in(text), text


@pytest.mark.parametrize("text,income", [
    ("一个月两千出头", 2000), ("俺家就靠我挣钱 一个月3千5", 3500), ("退休金每月一千二", 1200),
    ("家里三口人 收入就两千", 2000), ("每月领六百低保", 600),
])
def test_earnings_said_with_their_words_are_the_income(text: str, income: int) -> None:
    assert household_in(text).get("household_monthly_income") == income, text


@pytest.mark.parametrize("text", ["欠了一万二 一块都没给", "一块钱也没拿到", "一块钱都没给过我"])
def test_not_a_single_yuan_is_no_amount(text: str) -> None:
    assert 1.0 not in amounts_in(text), text


# ------------------------------------------------------------------ a place name inside another word


@pytest.mark.parametrize("text", [
    "买了个和田玉手镯是假的", "在长安街上被人抢了", "吃了北京烤鸭拉肚子", "湖南菜馆老板欠我工资",
    "他说一口四川话", "我在南京路上班", "住在北京大厦附近的小区", "我是湖南籍的",
])
def test_a_place_inside_a_longer_word_is_no_region(text: str) -> None:
    assert "region" not in facts_from_text(text), text


@pytest.mark.parametrize("text,region", [
    ("在石狮街上被人打了", "石狮市"), ("我在石狮菜市场卖菜", "石狮市"), ("在晋江路口被车撞了", "晋江市"),
    ("新疆和田的", "和田地区"), ("我在上海南京路打工", "上海市"),
])
def test_a_place_with_a_street_or_market_after_it_stays_the_place(text: str, region: str) -> None:
    assert facts_from_text(text).get("region") == region, text


# ------------------------------------------------------------------ a relative taken: criminal path, not violence


@pytest.mark.parametrize("text", [
    "我老公打了人 被刑拘了", "我老公喝酒打人 进去了", "我儿子被抓了 我好怕", "儿子让派出所关起来了",
    "孩子他爸跟人打架 昨天被警察带走了", "我弟喝多了砍伤了人 关进去了", "俺家娃让警察给带走了",
])
def test_a_relative_taken_by_the_police_is_the_criminal_path(text: str) -> None:
    found = assess(text, {})
    assert found is not None and found.kind.startswith("criminal"), text
    assert found.facts["criminal_role"] == "suspect"
    assert not found.crisis
    assert "violence" not in detect_kinds(text)


@pytest.mark.parametrize("text", ["我老公被抓了 他以前老打我", "我老公把我打了 现在被拘留了", "我老公天天打我"])
def test_violence_against_the_writer_is_still_the_crisis(text: str) -> None:
    found = assess(text, {})
    assert found is not None and found.kind == "violence" and found.crisis, text


# ------------------------------------------------------------------ 见义勇为 told without the word


@pytest.mark.parametrize("text", [
    "拦住一个抢包的 被他砍伤了", "我追小偷摔断了腿", "下河把落水的小孩救上来了", "制止打架被捅了一刀",
    "帮人抓贼被打伤", "有人抢手机 我冲上去拦 被推倒了", "火灾时冲进屋把邻居背了出来", "把掉进冰窟窿的孩子拉上来了",
])
def test_a_good_samaritan_act_is_read_without_the_word(text: str) -> None:
    assert good_samaritan_in(text), text
    case = memory.facts_in(text)
    assert "good_samaritan" in case.get("special_status", []), text
    assert "abuse_victim" not in case.get("special_status", []), text


@pytest.mark.parametrize("text", ["我被小偷偷了 去追没追上", "我没敢追小偷", "小偷偷了我手机 我报警了", "我儿子被抓了"])
def test_being_robbed_or_not_stepping_in_is_no_act(text: str) -> None:
    assert not good_samaritan_in(text), text


@pytest.mark.parametrize("text", ["拦住一个抢包的 被他砍伤了", "帮邻居追回被抢的包 被打伤了", "有人欺负小孩我上去制止被打了"])
def test_hurt_while_stepping_in_is_a_personal_injury_claim_not_a_crisis(text: str) -> None:
    assert assess(text, {}) is None, text
    assert memory.facts_in(text).get("topic") == "injury.personal", text


def test_stepping_between_a_violent_husband_and_others_stays_the_crisis() -> None:
    found = assess("我老公打人 我拦着被他推倒", {})
    assert found is not None and found.kind == "violence"


# ------------------------------------------------------------------ an age or a job is not an income; whose fact it is


@pytest.mark.parametrize("text", ["我妈68岁了 有低保", "他七十五岁 没退休金", "我爸80了 吃低保", "老人家九十了 没有养老金"])
def test_an_age_beside_an_earnings_word_is_no_income(text: str) -> None:
    assert "household_monthly_income" not in household_in(text), text


@pytest.mark.parametrize("text", ["老板欠俺八千块钱工资一直不给", "工资一直拖着 欠了三千", "工钱一分没给 一共五千"])
def test_a_word_starting_with_yi_is_no_sum(text: str) -> None:
    assert 1.0 not in amounts_in(text), text


@pytest.mark.parametrize("text,gender", [("俺想跟俺男人离婚", None), ("我女人跑了", None), ("我是个女人 带俩娃", "female"),
                                          ("俺一个男人 干不了这活", "male")])
def test_my_man_names_a_spouse_not_the_writers_sex(text: str, gender: str | None) -> None:
    assert facts_from_text(text).get("gender") == gender, text


@pytest.mark.parametrize("text", ["他七十五岁 没退休金", "她今年78了", "他83岁"])
def test_he_or_she_is_the_relative_the_case_is_about(text: str) -> None:
    case = {"topic": "family.support", "concerned": "mother"}
    _, learned = memory.update_case(case, text)
    assert 70 < learned.get("age", 0) < 90, text
    _, alone = memory.update_case({"topic": "family.support"}, text)
    assert "age" not in alone, text  # about nobody in particular: whose age is unknown


@pytest.mark.parametrize("text", ["家里就他挣钱 我没工作", "我没有收入 都靠他", "我自己没工作"])
def test_the_writers_job_is_not_the_accuseds_income(text: str) -> None:
    case = {"topic": "criminal.defense", "criminal_role": "suspect"}
    _, learned = memory.update_case(case, text)
    assert "fixed_income" not in learned, text


@pytest.mark.parametrize("text,expected", [
    ("我哥不给我妈生活费", "赡养费"), ("三个儿子不给养老钱 我七十多了", "赡养费"), ("前夫一直不给孩子抚养废", "抚养费"),
    ("他不给娃的扶养肥", "抚养费"),
])
def test_the_support_fee_is_named_by_who_receives_it(text: str, expected: str) -> None:
    from intents.extract import support_word

    assert expected in support_word(text), text


def test_spousal_living_money_stays_as_said() -> None:
    from intents.extract import support_word

    assert support_word("老公不给生活费") == "老公不给生活费"


# ------------------------------------------------------------------ a follow-up about another person; a correction inside


@pytest.mark.parametrize("text,who", [
    ("那我爸呢", "father"), ("我妈也是这情况呢", "mother"), ("那俺爹呢 他也跟着干的", "father"), ("要是换成我老公呢", "spouse"),
    ("那我自己呢", "self"), ("我闺女也能申请吗", "daughter"), ("那我哥呢", "someone_else"), ("我老伴的情况呢 她七十了", "spouse"),
])
def test_a_follow_up_naming_another_person_turns_the_case(text: str, who: str) -> None:
    from intents.person_facts import person_switch_in

    assert person_switch_in(text) == who


@pytest.mark.parametrize("text", ["我妈住院了", "我爸在工地摔了", "我老公呢 天天喝酒不回家", "帮我妈问一下", "我爸"])
def test_a_mention_of_a_relative_is_no_switch(text: str) -> None:
    from intents.person_facts import person_switch_in

    assert person_switch_in(text) is None


def test_switching_person_puts_their_facts_aside_and_brings_them_back() -> None:
    case = {"topic": "family.support", "matter": "family.support", "region": "石狮市"}
    case, _ = memory.update_case(case, "我妈七十五了 一个人过 每个月退休金一千五")
    assert case["concerned"] == "mother" and case["age"] == 75
    case, learned = memory.update_case(case, "那我爸呢")
    assert learned["concerned_switched"] == "father"
    assert "age" not in case and "household_size" not in case and "household_monthly_income" not in case
    assert case["region"] == "石狮市" and case["topic"] == "family.support"  # the matter stays
    assert memory.ack_line(learned) == "好的，记下了：这次看您父亲的情况。"
    case, learned = memory.update_case(case, "他八十了")
    assert case["age"] == 80
    case, _ = memory.update_case(case, "那我妈呢")
    assert case["concerned"] == "mother" and case["age"] == 75 and case["household_monthly_income"] == 1500


@pytest.mark.parametrize("text,region", [
    ("我在石狮 不对 是在晋江 工厂欠我工资", "晋江市"), ("在长春 说错了 是吉林市", "吉林市"), ("泉州 打错了 是石狮", "石狮市"),
])
def test_a_correction_inside_a_message_wins(text: str, region: str) -> None:
    case, learned = memory.update_case({}, text)
    assert case["region"] == region and learned["region"] == region


def test_a_corrected_amount_replaces_the_first() -> None:
    case, _ = memory.update_case({}, "老板欠我三千 说错了 是五千")
    assert case["amounts"] == [5000.0]


@pytest.mark.parametrize("text", ["他跟俺一块干的", "我们一块去的", "一块都没给"])
def test_yi_kuai_as_together_is_no_sum(text: str) -> None:
    assert amounts_in(text) == [], text


# ------------------------------------------------------------------ where they live vs where the matter is (LAL 38)


def _after(*messages: str) -> dict:
    case: dict = {}
    for text in messages:
        case, _ = memory.update_case(case, text)
    return case


@pytest.mark.parametrize("messages", [("我在石狮", "老家四川的"), ("我在东莞打工 老板欠钱", "我老家是湖南邵阳的"),
                                      ("老家河南周口 现在在长春干活",)])
def test_where_they_come_from_does_not_move_the_matter(messages: tuple[str, ...]) -> None:
    case = _after(*messages)
    assert case["region"] in ("石狮市", "东莞市", "长春市")
    assert case.get("home_region") in ("四川省", "邵阳市", "周口市")


@pytest.mark.parametrize("messages,region,residence", [
    (("我在东莞打工", "老家在湖南邵阳 宅基地被村里收了"), "邵阳市", "东莞市"),
    (("我在深圳上班 老家河南周口的 家里的地被人占了",), "周口市", "深圳市"),
    (("我住在长春", "老家的房子被我哥占了 在吉林市"), "吉林市", "长春市"),
    (("在东莞上班", "要回老家打官司 在周口"), "周口市", "东莞市"),
])
def test_a_dispute_in_the_home_place_is_handled_there_and_the_residence_kept(messages, region, residence) -> None:
    case = _after(*messages)
    assert case["region"] == region and case["residence"] == residence


def test_a_dispute_in_an_unnamed_home_place_leaves_the_region_to_ask() -> None:
    case = _after("我在东莞打工", "老家的房子被村里强拆了")
    assert "region" not in case and case["residence"] == "东莞市"
    case, learned = memory.update_case(case, "老家在湖南邵阳")
    assert case["region"] == "邵阳市"


def test_a_factory_of_the_product_is_in_the_place() -> None:
    assert facts_from_text("我在永春茶厂干活 老板欠钱").get("region") == "永春县"


# ------------------------------------------------------------------ questions, thanks, evidence in passing


@pytest.mark.parametrize("text", ["病历要不要先复印封存", "用不用先报警", "工伤认定要多久啊", "我会不会被开除", "需不需要他签字"])
def test_x_not_x_and_how_long_are_questions(text: str) -> None:
    from intents.parsing import looks_like_question

    assert looks_like_question(text), text


@pytest.mark.parametrize("text", ["我想让他赔 能有法律援助吗", "能不能有个律师帮我", "俺这能有免费律师不"])
def test_can_i_have_legal_aid_is_the_precheck(text: str) -> None:
    from intents.detect import asks_for_aid

    assert asks_for_aid(text), text


@pytest.mark.parametrize("text", ["唔该", "唔该晒", "多谢晒"])
def test_cantonese_thanks_alone_is_thanks(text: str) -> None:
    from intents.detect import social_intent
    from intents.person_facts import mandarin

    assert social_intent(mandarin(text)) == "thanks"


@pytest.mark.parametrize("text", ["有派出所的出警记录 还有医院的病历", "病历和报警回执都有", "我保存了聊天记录和录音"])
def test_evidence_listed_keeps_the_topic(text: str) -> None:
    case, learned = memory.update_case({"topic": "family.violence", "matter": "family.violence"}, text)
    assert case["topic"] == "family.violence" and "topic" not in learned
    assert learned["evidence"]


def test_a_new_problem_beside_evidence_still_moves_the_topic() -> None:
    case, _ = memory.update_case({"topic": "family.violence"}, "医院把我治坏了 有病历")
    assert case["topic"] == "injury.medical"


@pytest.mark.parametrize("text", ["我家那口子被抓了", "小孩被派出所扣了", "我老公被公安局关了三天了", "我儿子被警察铐走了",
                                  "孩子被带到派出所了 还没放出来"])
def test_more_ways_of_saying_a_relative_was_taken(text: str) -> None:
    found = assess(text, {})
    assert found is not None and found.kind == "criminal_family", text


@pytest.mark.parametrize("text", ["孩子工资被扣了", "我妈把门关了", "我儿子会不会被警察抓走", "儿子被警察抓了吗"])
def test_a_worry_or_another_meaning_is_no_detention(text: str) -> None:
    assert assess(text, {}) is None, text


@pytest.mark.parametrize("text", ["我被人打断了两根肋骨 打我的人已经被派出所抓了", "在路上被几个人打了 派出所把人抓了",
                                  "被一伙人打了 鼻梁骨折"])
def test_beaten_by_a_stranger_is_a_crime_victim_not_a_crisis_at_home(text: str) -> None:
    assert assess(text, {}) is None, text
    case = memory.facts_in(text)
    assert "abuse_victim" not in case.get("special_status", []), text
    assert case.get("topic") != "family.violence", text


def test_a_husband_who_beats_is_still_the_crisis_even_beside_a_stranger() -> None:
    found = assess("被人打了一顿 回家我老公又打我", {})
    assert found is not None and found.kind == "violence"


def test_the_same_job_carries_the_migrant_status_to_the_other_person() -> None:
    case = {"topic": "labor.wages", "matter": "labor.wages", "region": "长春市", "migrant_worker": True}
    case, learned = memory.update_case(case, "那俺爸呢 他跟俺一起干的活")
    assert case["concerned"] == "father" and case["migrant_worker"] is True
    case2, _ = memory.update_case({"topic": "labor.wages", "migrant_worker": True}, "那我爸呢")
    assert "migrant_worker" not in case2  # not said: asked of him


@pytest.mark.parametrize("text,injury", [("就两千多块钱", False), ("只是钱的事", False), ("就损失了点钱", False),
                                         ("钱的事我不管 孩子吃坏了", True), ("就3000块", False)])
def test_only_money_lost_says_no_one_was_hurt(text: str, injury: bool) -> None:
    assert facts_from_text(text, "consumer").get("personal_injury") is injury, text


@pytest.mark.parametrize("text,income", [("每个月养老金九百 俩闺女都不给赡养费", 900), ("退休金一千五 儿子不给生活费", 1500),
                                         ("一个月就挣两千 前夫不给抚养费", 2000)])
def test_a_pension_beside_a_support_claim_is_still_the_income(text: str, income: int) -> None:
    assert household_in(text).get("household_monthly_income") == income, text


@pytest.mark.parametrize("text", ["欠了三个月 一个月三千", "干了三年 一个月六千五", "判决每月给八百抚养费"])
def test_a_wage_owed_or_a_payment_ordered_is_no_income(text: str) -> None:
    assert "household_monthly_income" not in household_in(text), text


def test_a_son_taken_for_a_fight_is_no_good_samaritan() -> None:
    assert not good_samaritan_in("俺儿子让派出所给抓了 说他跟人打架")


def test_in_a_crisis_the_person_is_never_switched() -> None:
    case = {"topic": "family.violence", "special_status": ["abuse_victim"], "crisis": True}
    case, learned = memory.update_case(case, "那我女儿呢")
    assert case["special_status"] == ["abuse_victim"] and "concerned_switched" not in learned


@pytest.mark.parametrize("text", ["孩子让公安抓了怎么办啊我好害怕", "孩子让公安抓了我好怕他会不会坐牢", "我儿子被警察带走了 警察还动手打他",
                                  "俺家那口子喝酒把人打伤了派出所把他关起来了", "警察把我儿子带走了"])
def test_voice_run_ons_about_a_relative_taken_are_the_criminal_path(text: str) -> None:
    found = assess(text, {})
    assert found is not None and found.kind == "criminal_family", text


@pytest.mark.parametrize("text", ["我老公被抓了 我怕他出来打我", "我老公打我 我报警了 警察来了", "他又打我 派出所不管"])
def test_fear_of_the_husband_and_violence_reported_stay_the_crisis(text: str) -> None:
    found = assess(text, {})
    assert found is not None and found.kind == "violence", text


@pytest.mark.parametrize("text,amount", [("欠了十多万", 100000), ("二十来万的工程款", 200000), ("还差300多块", 300), ("欠了十几万", 100000)])
def test_about_so_much_is_read_as_its_round_figure(text: str, amount: int) -> None:
    assert amounts_in(text) == [amount], text


@pytest.mark.parametrize("text", ["欠了10多天了", "三个多月没发", "他40多岁了"])
def test_about_so_many_days_or_years_is_no_sum(text: str) -> None:
    assert amounts_in(text) == [], text


@pytest.mark.parametrize("text,region", [("在广州北京路上被抢了", "广州市"), ("住泉州 在晋江路那边上班", "泉州市"),
                                         ("去北京路上出了车祸", "北京市")])
def test_a_street_named_after_a_place_gives_way_to_the_place_named(text: str, region: str) -> None:
    assert facts_from_text(text).get("region") == region, text


@pytest.mark.parametrize("text", ["看到有人偷电动车 我上去按住了 结果被他同伙打了", "司机撞了人要跑 我追上去拦车被撞伤",
                                  "有个小孩掉河里了 我跳下去把他捞上来", "帮派出所抓逃犯受了伤", "车上有人耍流氓 我站出来说了几句 被他打了",
                                  "我救人受伤了", "有人打老人 我去拉架被打伤了"])
def test_more_good_samaritan_stories(text: str) -> None:
    assert good_samaritan_in(text), text


def test_stepping_in_against_a_violent_husband_is_the_crisis_not_samaritan() -> None:
    text = "我老公打孩子 我上去拦 他连我一起打"
    found = assess(text, {})
    assert found is not None and found.kind == "violence"
    assert "good_samaritan" not in memory.facts_in(text).get("special_status", [])


@pytest.mark.parametrize("text", ["我今年五十 下岗了", "我都六十了 跑不动", "我自己今年45岁"])
def test_the_writers_own_age_is_not_the_mothers(text: str) -> None:
    case, learned = memory.update_case({"topic": "family.support", "concerned": "mother", "age": 80}, text)
    assert case["age"] == 80 and "age" not in learned, text


def test_the_writers_own_age_counts_when_the_case_is_theirs() -> None:
    case, _ = memory.update_case({"topic": "family.support"}, "我今年七十二")
    assert case["age"] == 72


@pytest.mark.parametrize("text,size", [("家里就他挣钱 我没工作 俩孩子", 4), ("就我老公一个人挣钱 家里三个娃", 5),
                                       ("全靠我男人打工 两个孩子上学", 4)])
def test_the_spouse_earning_for_the_writer_and_children_is_the_household(text: str, size: int) -> None:
    assert household_in(text).get("household_size") == size, text


def test_children_named_without_an_earner_say_no_household() -> None:
    assert "household_size" not in household_in("他打了俩孩子")


def test_a_parent_living_in_the_home_place_is_handled_there_not_where_the_writer_works() -> None:
    case = _after("我爸七十多了 在老家一个人住 我哥不管他 我在苏州上班")
    assert "region" not in case and case["residence"] == "苏州市" and case["concerned"] == "father" and case["age"] == 70
    case, _ = memory.update_case(case, "老家是安徽阜阳的")
    assert case["region"] == "阜阳市"


def test_the_writer_in_the_home_place_names_it() -> None:
    case = _after("我在老家住 在邵阳 我哥占了我的地")
    assert case["region"] == "邵阳市" and "residence" not in case


@pytest.mark.parametrize("text", ["厂里机器把我手指头轧断了 我是贵州来的", "俺从甘肃过来的 在工地干活 老板跑了"])
def test_a_worker_from_another_province_is_a_migrant_worker(text: str) -> None:
    assert memory.facts_in(text).get("migrant_worker") is True, text


@pytest.mark.parametrize("text", ["老公常年不回家 也不给钱 我带着三个娃 靠打零工挣一千多", "孩子他爸一分钱不给 我一个人打工养娃"])
def test_a_husband_giving_no_money_is_family_support_not_wages(text: str) -> None:
    assert memory.facts_in(text).get("topic") == "family.support", text


def test_a_boss_giving_no_money_stays_wages() -> None:
    assert memory.facts_in("老板不给钱 我老公也在这干").get("topic") == "labor.wages"


@pytest.mark.parametrize("text", ["我家房子被强拆了 补偿款一分没给", "村里征地 补偿款被村干部扣了"])
def test_demolition_and_land_taking_are_the_land_matter(text: str) -> None:
    assert memory.facts_in(text).get("topic") == "land", text


def test_a_brother_who_killed_someone_driving_and_was_taken_is_the_accused() -> None:
    assert memory.facts_in("我哥因为喝酒开车撞死了人 被抓了").get("topic") == "criminal.defense"
