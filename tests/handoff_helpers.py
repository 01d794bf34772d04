"""Helpers for the handoff tests: CSRF tokens, console sign-in, submitted cases."""
from __future__ import annotations

import re

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "correct-horse-battery"
WAGES_FACTS = {"matter": "labor.wages", "region": "石狮市", "migrant_worker": True, "urgent": []}
WAGES_RESULT = {"decision": "eligible", "hardship_review": "exempt", "priority": True, "pre_aid": False,
                "reasons": ["《法律援助法》第四十二条第三项：农民工请求支付劳动报酬，免予核查经济困难状况"],
                "materials": ["申请人的居民身份证", "工资条、银行流水等工资发放记录"], "next_steps": [], "missing": []}


def csrf_token(html: str) -> str:
    m = CSRF_RE.search(html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def login(client, username: str, password: str = PASSWORD):
    page = client.get("/console/login").get_data(as_text=True)
    return client.post("/console/login", data={"username": username, "password": password,
                                               "csrf_token": csrf_token(page)})


def make_case(app, user_id: str, priority: bool = True, name: str = "张三", *, facts: dict | None = None,
              result: dict | None = None, id_number: str = "11010519491231002X", phone: str = "13812345678") -> str:
    """A submitted application, as the chat would leave it; returns its number."""
    from handoff import applications as apps

    with app.extensions["fayuan_db"].session() as s:
        result = dict(WAGES_RESULT, priority=priority, **(result or {}))
        draft = apps.new_draft(s, user_id, apps.Eligibility(None, facts or WAGES_FACTS, result))
        apps.give_consent(draft, sensitive=False)
        apps.give_consent(draft, sensitive=True)
        for field, value in (("name", name), ("id_number", id_number), ("phone", phone),
                             ("address", "石狮市某某镇某某村12号"), ("other_party", "某某建筑公司"),
                             ("account", "干了半年活，老板欠了三个月工资"), ("amount_claimed", "15000")):
            assert apps.save_answer(draft, field, value) is None
        apps.submit(s, draft)
        return draft.number


def fresh_person() -> tuple[str, str]:
    """A valid ID number and a mobile number nobody else in the test database has."""
    import random

    from handoff.validate import id_check_char

    rnd = random.Random()
    first17 = f"350581{rnd.randint(1950, 2000)}0{rnd.randint(1, 9)}1{rnd.randint(0, 9)}{rnd.randint(100, 999)}"
    return first17 + id_check_char(first17), f"139{rnd.randint(10_000_000, 99_999_999)}"
