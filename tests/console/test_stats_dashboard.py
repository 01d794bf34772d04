"""The dashboard's 未解答率 counts only 答不上; the questions that got only their topic's
general answer are in the curators' 待解答问题 too, and the card says so — a 0 % there
beside a full queue read as a contradiction."""
from __future__ import annotations

import re
import uuid

from app_factory import make_app


def test_unanswered_card_names_the_general_answers_that_wait_for_a_curator(new_db_url):
    from handoff.accounts import create_user
    from wechat_client import Citizen

    app = make_app(new_db_url(), WTF_CSRF_ENABLED=False)
    with app.extensions["fayuan_db"].session() as s:
        create_user(s, "desk", "password123", "staff", "王芳")
    client = app.test_client()
    for said in ("小区物业费收得太高能不交吗", "老板拖欠工资不给怎么办"):  # a general answer, then an entry
        Citizen(client, "o" + uuid.uuid4().hex[:20]).say(said)
    assert client.post("/console/login", data={"username": "desk", "password": "password123"}).status_code == 302
    page = client.get("/console/stats/").get_data(as_text=True)
    card = page[page.index('id="kpi-unanswered"'):].split("</div>")[0]
    assert re.search(r"另有 1 个只给了该类总回答", card) and 'href="/console/kb/queue"' in card
    queue = client.get("/console/kb/queue").get_data(as_text=True)
    assert "小区物业费收得太高能不交吗" in queue
