"""Helpers for driving /console/kb through Flask's test client (console and knowledge-base tests)."""
from __future__ import annotations


def login(app, username="curator"):
    c = app.test_client()
    r = c.post("/console/login", data={"username": username, "password": "password123"})
    assert r.status_code == 302
    return c


def entry_form(client, faq_id: str, **changes) -> dict:
    from knowledge_base import versions

    with client.application.extensions["fayuan_db"].session() as s:
        e = dict(versions.draft_content(s).entry(faq_id))
    e.update(changes)
    joined = lambda v: v if isinstance(v, str) else "\n".join(v)  # noqa: E731
    return {"code": e["code"], "question": e["question"], "alternatives": joined(e["alternatives"]),
            "short_answer": e["short_answer"], "full_answer": e["full_answer"], "basis": joined(e["basis"]),
            "follow_up": e["follow_up"], "regional_note": e["regional_note"]}


def publish(client, message="测试发布", confirm=False) -> str:
    page = client.get("/console/kb/publish").get_data(as_text=True)
    import re
    fp = re.search(r'name="fingerprint" value="([0-9a-f]+)"', page).group(1)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    data = {"fingerprint": fp, "version": version, "message": message}
    if confirm:
        data["confirm"] = "1"
    r = client.post("/console/kb/publish", data=data, follow_redirects=True)
    return r.get_data(as_text=True)
