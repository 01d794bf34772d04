"""Staff read Chinese, not codes: every vocabulary has a name for each code the program
uses, and the queue and case page show the names (handoff/labels.yaml, fields.yaml)."""
from __future__ import annotations

import re

from handoff_helpers import login, make_case

CODES_NEVER_SHOWN = ("abuse_victim", "deadline_within_7_days", "labor.wages", "under_review", "submitted",
                     "eligible", "migrant_worker", "window", "staff")


def visible_text(html: str) -> str:
    """What a reader sees: no tags, attributes, scripts or styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_every_code_in_use_has_a_name():
    from handoff import labels, workflow
    from handoff.accounts import ROLES
    from intents.facts import allowed_values
    from intents.result_text import HEADLINES

    statuses = set(workflow.TRANSITIONS) | {t.to for ts in workflow.TRANSITIONS.values() for t in ts} | {"draft"}
    assert set(labels.vocab("case_status")) == statuses
    assert set(labels.vocab("role")) == set(ROLES)
    assert set(labels.vocab("eligibility_decision")) == set(HEADLINES)
    assert set(allowed_values("urgent")) <= set(labels.vocab("urgency"))
    steps = [s["status"] for s in labels.case_steps()]
    assert steps == ["submitted", "under_review", "decided", "assigned", "in_progress", "closed"]


def test_fact_values_use_the_questionnaire_names():
    from handoff.labels import fact_value

    assert fact_value("special_status", ["abuse_victim", "veteran"]) == "遭受虐待、遗弃或家庭暴力；退役军人"
    assert fact_value("urgent", ["deadline_within_7_days"]) == "起诉、仲裁或复议的期限不到7天就到了"
    assert fact_value("criminal_role", "suspect") == "犯罪嫌疑人（被抓、被拘留、被调查）"
    assert fact_value("matter", "labor.wages") == "欠薪"
    assert fact_value("urgent", []) == "无"
    assert fact_value("migrant_worker", True) == "是"


def test_queue_and_case_page_show_names_not_codes(app, client, accounts, user_id):
    facts = {"matter": "labor.wages", "region": "石狮市", "migrant_worker": True,
             "special_status": ["abuse_victim"], "urgent": ["deadline_within_7_days"]}
    number = make_case(app, user_id, facts=facts, result={"pre_aid": True})
    login(client, accounts["staff"][1])

    queue = visible_text(client.get("/console/?status=all").get_data(as_text=True))
    assert number in queue and "欠薪" in queue and "已提交，待审查" in queue
    page = visible_text(client.get(f"/console/cases/{number}").get_data(as_text=True))
    for name in ("遭受虐待、遗弃或家庭暴力", "起诉、仲裁或复议的期限不到7天就到了", "欠薪", "符合条件", "窗口",
                 "工作人员", "已提交，待审查"):
        assert name in page, name
    for text in (queue, page):
        shown = [code for code in CODES_NEVER_SHOWN if re.search(rf"(?<![\w.]){re.escape(code)}(?![\w.])", text)]
        assert shown == []
