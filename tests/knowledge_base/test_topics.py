"""The learned topic model and what it changes for citizens (issue 10).

Pure tests run the shipped arrays (what the bot loads in production and CI). Training
tests train on the FAQ phrasings alone, or with a tiny real-question cache written here,
so they do not depend on the licensed corpus being on the machine.
"""
from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

from knowledge_base.content_files import load_faq, load_offtopic, load_taxonomy, load_topic_answers
from knowledge_base.index import build_index
from knowledge_base.match import match
from knowledge_base.topic_model import SHIPPED_MODEL, TopicModel

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seg():
    from knowledge_base.service import KnowledgeService

    return KnowledgeService(cache_dir=ROOT / "var" / "cache").segmenter


@pytest.fixture(scope="module")
def shipped() -> TopicModel:
    model = TopicModel.load(SHIPPED_MODEL)
    assert model is not None, "knowledge_base/model/topics.npz is missing: run python -m knowledge_base.train"
    return model


@pytest.fixture(scope="module")
def topic_index(seg, shipped):
    """The shipped FAQ, off-topic examples and topic model: the bot as it starts."""
    return build_index(load_faq(), seg, negatives=load_offtopic(), topic_model=shipped)


@pytest.fixture(scope="module")
def index_lacking(seg, shipped):
    """The shipped KB with one topic's entries taken out: a topic curators have not written yet."""
    def build(code: str):
        return build_index([e for e in load_faq() if e["code"] != code], seg, negatives=load_offtopic(),
                           topic_model=shipped)
    return build


def _faq_without(code: str) -> list[dict]:
    return [e for e in load_faq() if e["code"] != code]


@pytest.fixture()
def no_real(monkeypatch, tmp_path):
    """No real questions on this machine (as in CI), and no training phrasings: the FAQ alone."""
    monkeypatch.setenv("FAYUAN_REAL_DIR", str(tmp_path / "absent"))
    monkeypatch.setattr("knowledge_base.train.TRAIN_PHRASINGS", tmp_path / "absent.yaml")


# ------------------------------------------------------------------ the shipped model

def test_the_shipped_model_knows_every_topic_and_the_new_ones(shipped):
    codes = set(shipped.codes)
    assert set(load_taxonomy()) <= codes
    assert {"family.inheritance", "civil.debt"} <= codes


def test_posterior_is_a_distribution_that_survives_saving(shipped, tmp_path, seg):
    from knowledge_base.index import analyze

    _, canonical, tokens = analyze("老板拖欠我三个月工资不给怎么办", seg)
    p = shipped.posterior(tokens, canonical)
    assert abs(sum(p.values()) - 1.0) < 1e-5
    assert max(p, key=p.get) == "labor.wages"
    shipped.save(tmp_path / "m.npz")
    again = TopicModel.load(tmp_path / "m.npz")
    assert again.posterior(tokens, canonical) == pytest.approx(p)


def test_a_damaged_model_file_is_refused_not_misread(tmp_path):
    bad = tmp_path / "topics.npz"
    bad.write_bytes(b"not a numpy file")
    assert TopicModel.load(bad) is None


# ------------------------------------------------------------------ decisions

@pytest.mark.parametrize("question, code", [
    ("老板拖欠工资怎么办", "labor.wages"),
    ("干活受伤了怎么认定工伤", "labor.injury"),
    ("儿女不给养老钱咋整", "family.support"),
    ("老公天天打我怎么办", "family.violence"),
    ("我儿子被派出所抓了怎么请律师", "criminal.defense"),
    ("被车撞了对方不赔钱", "injury.traffic"),
])
def test_clear_questions_are_answered_directly(topic_index, question, code):
    result = match(question, topic_index)
    assert (result.status, result.code) == ("answer", code)


@pytest.mark.parametrize("question, code", [
    ("我爸去世了没留遗嘱，老家的房子兄弟姐妹几个怎么分遗产", "family.inheritance"),
    ("朋友借了我五万块钱，写了借条，到期了一直拖着不还", "civil.debt"),
])
def test_a_legal_question_without_an_entry_gets_its_topic(index_lacking, question, code):
    """A topic with no FAQ entry (yet): never 'not in my range', but the topic's general answer."""
    result = match(question, index_lacking(code))
    assert result.status == "topic"
    assert result.code == code


@pytest.mark.parametrize("text", ["明天去北京的火车票怎么买", "红烧肉怎么做好吃", "个人所得税怎么在手机上申报",
                                  "股票现在能买吗", "帮我查一下快递到哪了"])
def test_off_topic_is_still_rejected(topic_index, text):
    result = match(text, topic_index)
    assert result.status == "offtopic" and result.code == "other"


@pytest.mark.parametrize("text", ["请问开一家奶茶店要办哪些许可证", "户口本上的名字写错了去哪改", "灵活就业的社保一个月交多少钱",
                                  "公司营业执照快到期了怎么续", "给孩子办护照需要父母都到场吗", "个体户每个季度怎么报税",
                                  "您好，请问我们公司想在厂区里新建一个仓库，要去哪些部门报批，大概多久",
                                  "哈喽哈喽", "测一测"])
def test_admin_questions_and_bot_tests_with_no_dispute_are_off_topic(topic_index, text):
    """Permits, hukou, social-insurance and tax admin, greetings: not something legal aid acts on."""
    result = match(text, topic_index)
    assert (result.status, result.code) == ("offtopic", "other")


@pytest.mark.parametrize("text", ["补办身份证的时候派出所不给办，说我户口有问题，这合法吗",
                                  "别人拿我的身份证复印件去贷款，现在银行起诉我了怎么办",
                                  "老板让我开发票的时候多写金额，这样违法吗",
                                  "法院寄来的传票上被告的身份证号写错了，还能开庭吗",
                                  "户口迁移的时候村里不给开证明，这样违法吗",
                                  "个税app上显示有一家我没去过的公司给我报了工资，这算违法吗"])
def test_a_dispute_told_in_admin_words_is_still_a_legal_question(topic_index, text):
    """ID cards, invoices and hukou are admin words, but a message naming a wrong or a court is legal."""
    result = match(text, topic_index)
    assert result.status in ("answer", "topic") and result.code != "other"


def test_dispute_words_are_what_a_citizen_types_about_a_wrong_not_about_the_profession():
    from knowledge_base.match import names_dispute

    assert names_dispute("对方不给钱还说我违法")
    assert names_dispute("被告的地址写错了")
    assert not names_dispute("律师事务所招不招实习生")
    assert not names_dispute("工资条怎么打印")


def test_a_curated_phrasing_is_answered_with_its_entry_whatever_the_model_says(topic_index):
    entry = next(e for e in load_faq() if e["code"] == "eligibility.scope")
    result = match(entry["alternatives"][0], topic_index)
    assert result.status == "answer" and result.top.faq_id == entry["faq_id"]


def test_empty_input_is_unsure_with_the_model_too(topic_index):
    for text in ["", "   ", "？？？"]:
        assert match(text, topic_index).status == "unsure"


# ------------------------------------------------------------------ general answers

def test_every_topic_has_a_general_answer_with_12348_and_a_person():
    answers = load_topic_answers()
    assert set(load_taxonomy()) - {"other"} <= set(answers)
    for code, text in answers.items():
        assert "12348" in text and "人工" in text, code
        assert "不在我能帮忙的范围内" not in text
        assert "  " not in text and not any(f"{a} {b}" in text for a in "，。、" for b in "的了是"), code


# ------------------------------------------------------------------ training

def _fake_cache(folder: Path) -> None:
    """A few real-style questions written for this test, in the cache format of scripts/fetch_real_questions.py."""
    texts = ["我父亲去世了，留下一套房子和存款，没有遗嘱，我们兄妹三个怎么分",
             "奶奶生前立了遗嘱把房子给小儿子，其他子女不同意，遗嘱有效吗",
             "继承老人的遗产要办什么手续，需要去公证吗",
             "母亲走后留下的存款被哥哥取走了，我有继承权吗",
             "爷爷的宅子拆迁款，孙子能不能继承",
             "丈夫去世后，公婆要和我分他留下的房子和钱"]
    folder.mkdir(parents=True)
    with (folder / "test.jsonl").open("w", encoding="utf-8") as fh:
        for i, t in enumerate(texts):
            fh.write(json.dumps({"id": f"test:{i}", "source": "LegalConsultBench", "text": t, "title": "",
                                 "source_category": "遗产继承"}, ensure_ascii=False) + "\n")


def test_training_from_faq_alone_works_and_is_deterministic(no_real, seg, tmp_path):
    from knowledge_base.train import train

    entries, negatives = load_faq(), load_offtopic()
    entries = _faq_without("family.inheritance")
    a = train(entries, negatives, seg, tmp_path, temperature=0.2)
    b = train(entries, negatives, seg, tmp_path, temperature=0.2)
    assert "0 samples from real questions" in a.trained_on
    assert "family.inheritance" not in a.codes  # nothing teaches it without real questions or entries
    assert np.array_equal(a.weights, b.weights) and list(a.vocab) == list(b.vocab)


def test_weakly_labelled_real_questions_teach_a_topic_the_faq_lacks(monkeypatch, seg, tmp_path):
    from knowledge_base.index import analyze
    from knowledge_base.train import train

    _fake_cache(tmp_path / "real")
    monkeypatch.setenv("FAYUAN_REAL_DIR", str(tmp_path / "real"))
    monkeypatch.setattr("knowledge_base.train.TRAIN_PHRASINGS", tmp_path / "absent.yaml")
    model = train(_faq_without("family.inheritance"), load_offtopic(), seg, tmp_path, temperature=0.2)
    assert "6 samples from real questions (0 hand-labelled" in model.trained_on
    _, canonical, tokens = analyze("老人去世了房子没有遗嘱怎么继承", seg)
    p = model.posterior(tokens, canonical)
    assert max(p, key=p.get) == "family.inheritance"


def test_training_phrasings_teach_a_topic_but_never_become_answers(no_real, monkeypatch, seg, tmp_path):
    """model/train_phrasings.yaml teaches the model a citizen's way of telling a matter; the
    bot still answers only with curated FAQ entries."""
    from knowledge_base.index import analyze
    from knowledge_base.train import train

    phrasings = tmp_path / "phrasings.yaml"
    phrasings.write_text("phrases:\n  family.inheritance:\n"
                         + "".join(f"    - \"{t}\"\n" for t in (
                             "我爸走了留下一套房子和存款，几个兄弟姐妹怎么分",
                             "奶奶立了遗嘱把房子给了小叔，我爸能不能也分一份",
                             "老人去世后欠的钱，子女要不要替他还",
                             "外公的遗产被舅舅一个人拿走了，我妈有没有继承权",
                             "父母去世没有留遗嘱，遗产怎么继承",
                             "继承房子要去公证处办什么手续",
                             "遗嘱是手写的有没有法律效力",
                             "哥哥不让我分父亲的遗产怎么办")), encoding="utf-8")
    monkeypatch.setattr("knowledge_base.train.TRAIN_PHRASINGS", phrasings)
    entries = _faq_without("family.inheritance")
    model = train(entries, load_offtopic(), seg, tmp_path, temperature=0.2)
    assert "8 training phrasings" in model.trained_on
    _, canonical, tokens = analyze("父亲去世没留遗嘱，房子和存款的遗产兄弟几个怎么继承", seg)
    p = model.posterior(tokens, canonical)
    assert max(p, key=p.get) == "family.inheritance"
    index = build_index(entries, seg, negatives=load_offtopic(), topic_model=model)
    result = match("父亲去世没留遗嘱，房子和存款的遗产兄弟几个怎么继承", index)
    assert result.status == "topic" and result.code == "family.inheritance"
    assert all(h.code != "family.inheritance" for h in result.hits)  # no entry of it exists to show


def test_hand_labelled_rows_are_never_trained_on(monkeypatch, seg, tmp_path):
    """Rows of the real dev and holdout sets (by id) stay out of training, so both remain honest."""
    from knowledge_base.train import excluded_ids, samples, load_weak_map, load_weak_rules

    dev_id = json.loads((ROOT / "knowledge_base/eval/real/dev_labels.jsonl").read_text().splitlines()[0])["id"]
    rows = [{"id": dev_id, "source": "LegalConsultBench", "text": "父亲的遗产怎么分", "source_category": "遗产继承"},
            {"id": "test:x", "source": "LegalConsultBench", "text": "母亲的遗产怎么分", "source_category": "遗产继承"}]
    data = samples([], [], rows, load_weak_map(), {"family.inheritance"}, excluded_ids(), load_weak_rules())
    assert [t for t, _, _ in data] == ["母亲的遗产怎么分"]


def test_weak_rules_file_words_the_way_the_label_policy_does():
    from knowledge_base.train import load_weak_rules

    rules = load_weak_rules()
    assert rules.code("老板一直拖欠我三个月工资", "劳动争议纠纷", "labor.contract") == "labor.wages"
    assert rules.code("我弟弟被刑事拘留了，家属能做什么", "婚姻关系", "family.divorce") == "criminal.defense"
    assert rules.code("物业费收得太高了能不交吗", "物业管理", None) == "eligibility.scope"
    assert rules.code("在工地上干活被砸伤了", "工伤事故", "labor.injury") == "labor.injury"  # trusted category


# ------------------------------------------------------------------ through the app

def test_the_bot_gives_the_general_answer_and_logs_it_for_curators(app):
    from sqlalchemy import select

    from knowledge_base.models import UnansweredQuestion

    text = "公司让我赔客户的损失合理吗"  # a legal matter no entry answers (neighbour nuisances now have their own answer)
    with app.extensions["fayuan_db"].session() as s:
        before = s.scalars(select(UnansweredQuestion.id).where(UnansweredQuestion.text == text)).all()
    r = app.test_client().post("/simulator/api/send", json={"user": "u" + uuid.uuid4().hex[:10], "text": text})
    reply = r.get_json()
    assert reply["code"] == "eligibility.scope"
    assert load_topic_answers()["eligibility.scope"].split("\n")[0][:30] in reply["reply"]
    with app.extensions["fayuan_db"].session() as s:
        rows = s.scalars(select(UnansweredQuestion).where(UnansweredQuestion.text == text,
                                                          UnansweredQuestion.id.not_in(before or [-1]))).all()
    assert [row.reason for row in rows] == ["topic"]


def test_bot_ask_json_reports_the_topic(app):
    from bot.cli import ask_once

    with app.extensions["fayuan_db"].session() as s:
        out = ask_once(s, app.extensions["fayuan_kb"], "邻居家装修把我家墙震裂了找谁赔")
    assert (out["status"], out["code"], out["faq_id"]) == ("topic", "eligibility.scope", None)
    assert out["answer"] == load_topic_answers()["eligibility.scope"]


# ------------------------------------------------------------------ the guard's questions

def test_the_guard_says_it_falls_back_to_the_written_set(no_real):
    from knowledge_base.curation import guard_rows

    rows, name = guard_rows()
    assert name.startswith("编写的开发问题集") and "fetch_real_questions" in name
    assert len(rows) == len((ROOT / "knowledge_base/eval/dev.jsonl").read_text().splitlines())


def test_the_guard_uses_real_dev_questions_when_they_are_here(monkeypatch, tmp_path):
    from knowledge_base.curation import guard_rows

    labels = [json.loads(line) for line in (ROOT / "knowledge_base/eval/real/dev_labels.jsonl").read_text().splitlines()]
    folder = tmp_path / "real"
    folder.mkdir()
    with (folder / "lcb.jsonl").open("w", encoding="utf-8") as fh:
        for lab in labels[:5]:
            fh.write(json.dumps({"id": lab["id"], "source": "LegalConsultBench", "text": f"测试问题{lab['id']}",
                                 "source_category": "民事"}, ensure_ascii=False) + "\n")
    monkeypatch.setenv("FAYUAN_REAL_DIR", str(folder))
    rows, name = guard_rows()
    assert name == "真实问题开发集"
    assert [r["code"] for r in rows if r["source"] == "LegalConsultBench"] == [lab["code"] for lab in labels[:5]]


# ------------------------------------------------------------------ publishing retrains

@pytest.fixture(scope="module")
def console_app(new_db_url):
    from app_factory import make_app
    from handoff.accounts import create_user

    app = make_app(new_db_url(), WTF_CSRF_ENABLED=False)
    with app.extensions["fayuan_db"].session() as s:
        create_user(s, "curator", "password123", "staff", "王芳")
    return app


def test_a_publish_retrains_the_topic_model_on_what_is_published(console_app, no_real):
    from kb_console_helpers import entry_form, login, publish

    from knowledge_base import versions
    from knowledge_base.train import content_digest

    kb = console_app.extensions["fayuan_kb"]
    c = login(console_app)
    form = entry_form(c, "legal_aid-apply-01")
    form["alternatives"] += "\n去法援中心申请要不要先打电话预约一下"
    assert "已保存为草稿" in c.post("/console/kb/entries/legal_aid-apply-01", data=form,
                                   follow_redirects=True).get_data(as_text=True)
    assert 'id="guard-pending"' in c.get("/console/kb/publish").get_data(as_text=True)  # the check runs meanwhile
    for _ in range(600):  # as the page's script does: the report arrives when computed
        report = c.get("/console/kb/guard")
        if report.status_code != 202:
            break
        time.sleep(0.5)
    assert "编写的开发问题集" in report.get_data(as_text=True)  # the guard names its questions
    assert "已发布为第" in publish(c, "加一个问法", confirm=True)
    with console_app.extensions["fayuan_db"].session() as s:
        content = versions.published_content(s)
        served = kb.index(s).topic_model
    digest = content_digest([dict(e) for e in content.entries], list(content.offtopic), kb.index_for(content).segmenter.lexicon)
    assert served.digest == digest != kb.shipped_model().digest
    assert (kb.cache_dir / f"topics-{digest}.npz").exists()  # other workers load it instead of training again


def test_the_console_tester_explains_a_topic_answer(index_lacking):
    from knowledge_base.explain import explain

    ex = explain("我爸去世了没留遗嘱，老家的房子兄弟姐妹几个怎么分遗产", index_lacking("family.inheritance"))
    assert ex.status == "topic" and "总回答" in ex.status_name
    assert ex.topics[0][0] == "family.inheritance" and ex.topics[0][1] > ex.topics[1][1]


@pytest.mark.parametrize("text", ["申请的话得带哪些材料", "身份证复印件准备几份合适", "审批一般要多少天", "什么时候受理",
                                  "工作站在哪儿", "要不要先预约", "证件带原件还是复印件", "申请表哪里拿",
                                  "法援中心周末上班吗", "都要带哪些证件", "我走不动路 能不能有人上门来办",
                                  "行动不方便 可以上门受理吗"])
def test_a_bare_legal_aid_procedure_question_is_answered_as_applying(topic_index, text):
    """The bot's core service asked with no object named (what to bring, copies, how long, where,
    booking): in a legal-aid bot that is about applying for legal aid, never off-topic, even
    though the admin off-topic examples use the same procedure words."""
    result = match(text, topic_index)
    assert (result.status in ("answer", "topic"), result.code) == (True, "legal_aid.apply")


@pytest.mark.parametrize("text", ["办身份证要带什么", "护照怎么办理", "社保卡丢了怎么补", "港澳通行证怎么预约",
                                  "办居住证要哪些材料", "坐高铁要带身份证吗", "开无犯罪记录证明要带啥",
                                  "驾驶证换证要什么材料", "签证审批要几天", "家电维修能上门来吗", "社保能上门办吗"])
def test_a_procedure_word_does_not_rescue_another_office_s_business(topic_index, text):
    """材料, 预约, 审批 are every office's words: a message naming a passport, a permit or a
    social-insurance card stays off-topic (eval/LABELS.md §3)."""
    result = match(text, topic_index)
    assert (result.status, result.code) == ("offtopic", "other")


def test_service_cues_tell_legal_aid_words_from_bare_procedure_questions_and_other_business(topic_index):
    from knowledge_base.index import analyze
    from knowledge_base.match import names_service

    def kind(text: str):
        _, canonical, tokens = analyze(text, topic_index.segmenter)
        return names_service(canonical, tokens)

    assert kind("法律援助中心几点开门") == "legal_aid"
    assert kind("复印件要几份") == "procedure"
    assert kind("交材料要本人去吗") == "procedure"
    assert kind("护照要带什么材料") is None          # names its business
    assert kind("去银行办卡要准备什么证件") is None
    assert kind("今天出门要不要带伞") is None        # no procedure word at all
    assert kind("您好，我们公司想在厂区里新建一个仓库，请问需要准备哪些材料去审批") is None


def test_a_service_question_the_model_reads_as_admin_gets_a_service_topic():
    from knowledge_base.match import service_cues, service_topic_odds

    odds = service_topic_odds({"family.divorce": 0.5, "eligibility.exempt": 0.007, "legal_aid.apply": 0.001}, 0.01)
    assert set(odds) <= service_cues().codes
    assert max(odds, key=odds.get) == "legal_aid.apply"  # what the model leaves on a service code is noise
    odds = service_topic_odds({"service.progress": 0.12, "legal_aid.apply": 0.003}, 0.01)
    assert max(odds, key=odds.get) == "service.progress"  # a clear preference wins
