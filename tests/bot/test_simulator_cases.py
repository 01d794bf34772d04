"""The public simulator (issue 11 item 4): off in production; in development its cases are
tagged and kept out of the real queue and the statistics."""
from __future__ import annotations

import uuid

from sqlalchemy import func, select

from app_factory import make_app
from handoff_helpers import login, make_case


def test_in_production_the_simulator_is_not_there(db_url):
    app = make_app(db_url, SIMULATOR_ENABLED=False)
    client = app.test_client()
    user = "probe" + uuid.uuid4().hex[:8]
    assert client.get("/simulator").status_code == 404
    resp = client.post("/simulator/api/send", json={"user": user, "text": "我要申请法律援助"})
    assert resp.status_code == 404
    from bot.conversation import Conversation

    with app.extensions["fayuan_db"].session() as s:
        assert s.get(Conversation, f"sim:{user}") is None


def test_simulator_users_are_tagged(client):
    user = "tester" + uuid.uuid4().hex[:8]
    resp = client.post("/simulator/api/send", json={"user": user, "text": "老板拖欠工资怎么办"})
    assert resp.status_code == 200 and "工资" in resp.get_json()["reply"]
    from bot.conversation import Conversation

    with client.application.extensions["fayuan_db"].session() as s:
        conv = s.get(Conversation, f"sim:{user}")
        assert conv is not None and conv.channel == "simulator"


def _admin(app):
    from handoff.accounts import create_user

    with app.extensions["fayuan_db"].session() as s:
        return create_user(s, f"adm-{uuid.uuid4().hex[:8]}", "correct-horse-battery", "admin").username


def test_simulator_cases_stay_out_of_the_real_queue(app, user_id):
    real = make_case(app, user_id)
    test = make_case(app, f"sim:{uuid.uuid4().hex[:10]}")
    c = app.test_client()
    login(c, _admin(app))
    queue = c.get("/console/", query_string={"status": "all"}).get_data(as_text=True)
    assert real in queue and test not in queue
    apart = c.get("/console/", query_string={"status": "all", "simulated": "1"}).get_data(as_text=True)
    assert test in apart and real not in apart and "测试案件" in apart
    assert c.get(f"/console/cases/{test}").status_code == 200  # still openable for the tester


def test_simulator_cases_stay_out_of_the_statistics(new_db_url, user_id):
    from datetime import datetime

    from bot.conversation import EligibilityRecord
    from reports.period import CST, parse_range
    from reports.stats import collect

    app = make_app(new_db_url())
    make_case(app, user_id)
    make_case(app, f"sim:{uuid.uuid4().hex[:10]}")
    make_case(app, f"cli:{uuid.uuid4().hex[:10]}")
    with app.extensions["fayuan_db"].session() as s:
        for who in (user_id, "sim:x1", "cli:x2"):
            s.add(EligibilityRecord(user_id=who, matter="labor.wages", region="石狮市", decision="eligible"))
    today = datetime.now(CST).date().isoformat()  # statistics days are China days, whatever the server's zone
    with app.extensions["fayuan_db"].session() as s:
        st = collect(s, parse_range(today, today))
        assert s.scalar(select(func.count()).select_from(EligibilityRecord)) == 3
    assert st.applications == 1
    assert st.eligibility == 1
