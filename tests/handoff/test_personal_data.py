"""Personal data at rest and in logs; 「删除我的信息」; the staff export (issue 11 item 2)."""
from __future__ import annotations

import json
import logging
import os
import stat
import uuid

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select, text

from app_factory import make_app
from handoff_helpers import PASSWORD, csrf_token, login, make_case

ID_NUMBER, PHONE = "11010519491231002X", "13812345678"


def raw_application(app, number: str):
    with app.extensions["fayuan_db"].engine.connect() as conn:
        return conn.execute(text("SELECT id_number, phone, id_number_index, phone_index FROM application "
                                 "WHERE number = :n"), {"n": number}).one()


# ------------------------------------------------------------------ encryption at rest

def test_encrypted_columns_hold_no_clear_text(app, user_id):
    number = make_case(app, user_id)
    row = raw_application(app, number)
    assert ID_NUMBER not in row.id_number and PHONE not in row.phone
    assert "1949" not in row.id_number and "5678" not in row.phone  # not even a fragment
    assert row.id_number.startswith("gAAAAA") and row.phone.startswith("gAAAAA")
    from handoff.models import Application

    with app.extensions["fayuan_db"].session() as s:
        case = s.scalars(select(Application).where(Application.number == number)).one()
        assert (case.id_number, case.phone) == (ID_NUMBER, PHONE)


def test_the_same_number_encrypts_differently_but_indexes_the_same(app, user_id):
    a, b = make_case(app, user_id), make_case(app, user_id + "b")
    ra, rb = raw_application(app, a), raw_application(app, b)
    assert ra.id_number != rb.id_number
    assert ra.id_number_index == rb.id_number_index and ra.phone_index == rb.phone_index


def test_console_finds_a_case_by_full_phone_or_id_number(app, client, accounts, user_id):
    number = make_case(app, user_id)
    login(client, accounts["staff"][1])
    for term in (PHONE, ID_NUMBER, "138 1234 5678"):
        assert number in client.get("/console/", query_string={"q": term}).get_data(as_text=True), term
    assert number not in client.get("/console/", query_string={"q": "13812345670"}).get_data(as_text=True)


def test_key_rotation_first_key_encrypts_all_decrypt(monkeypatch):
    from ground.field_crypto import build_cipher

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    before = build_cipher([old], "index").encrypt(ID_NUMBER)
    both = build_cipher([new, old], "index")
    assert both.decrypt(before) == ID_NUMBER
    rotated = both.rotate(before)
    assert build_cipher([new], "index").decrypt(rotated) == ID_NUMBER
    with pytest.raises(Exception):
        build_cipher([new], "index").decrypt(before)
    assert both.blind_index("phone", PHONE) == build_cipher([old], "index").blind_index("phone", PHONE)


def test_reencrypt_moves_every_row_to_the_new_key(new_db_url, monkeypatch, user_id):
    """A real rotation on its own database: add a key first, re-encrypt, drop the old key."""
    from handoff.models import Application
    from ground import field_crypto

    old, new, index = Fernet.generate_key().decode(), Fernet.generate_key().decode(), "idx-key"
    monkeypatch.setenv("FAYUAN_DATA_KEYS", old)
    monkeypatch.setenv("FAYUAN_INDEX_KEY", index)
    field_crypto.reset_cipher()
    try:
        app = make_app(new_db_url())
        number = make_case(app, user_id)
        monkeypatch.setenv("FAYUAN_DATA_KEYS", f"{new},{old}")
        field_crypto.reset_cipher()
        from handoff.applications import reencrypt_personal_data

        with app.extensions["fayuan_db"].session() as s:
            assert reencrypt_personal_data(s) >= 1
        monkeypatch.setenv("FAYUAN_DATA_KEYS", new)
        field_crypto.reset_cipher()
        with app.extensions["fayuan_db"].session() as s:
            case = s.scalars(select(Application).where(Application.number == number)).one()
            assert (case.id_number, case.phone) == (ID_NUMBER, PHONE)
    finally:
        monkeypatch.delenv("FAYUAN_DATA_KEYS")
        monkeypatch.delenv("FAYUAN_INDEX_KEY")
        field_crypto.reset_cipher()


def test_migration_0006_encrypts_existing_rows(new_db_url):
    from alembic import command
    from alembic.config import Config as AlembicConfig

    from bot.db import MIGRATIONS_DIR, Database
    from handoff.models import Application

    db = Database(new_db_url())
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection_url"] = db.url
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO application (user_id, status, name, id_number, phone, facts, result, priority, "
                          "acceptance_mode, created_at, updated_at) VALUES ('o-old', 'submitted', '王五', :idn, :ph, "
                          "'{}', '{}', false, 'window', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                     {"idn": ID_NUMBER, "ph": PHONE})
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with db.engine.connect() as conn:
        raw = conn.execute(text("SELECT id_number, phone, id_number_index FROM application")).one()
    assert ID_NUMBER not in raw.id_number and PHONE not in raw.phone and raw.id_number_index
    with db.session() as s:
        row = s.scalars(select(Application)).one()
        assert (row.id_number, row.phone) == (ID_NUMBER, PHONE)
        assert row.id_number_index == raw.id_number_index


# ------------------------------------------------------------------ logs and files

def test_no_id_number_in_any_log_line_under_a_forced_database_error(db_url, user_id, caplog, monkeypatch):
    """A failed write used to print the bound parameters — the full ID number — in the log."""
    from handoff import applications as apps
    from handoff.links import make_token

    app = make_app(db_url, PROPAGATE_EXCEPTIONS=False)
    taken = make_case(app, "o" + uuid.uuid4().hex[:20])
    with app.extensions["fayuan_db"].session() as s:
        draft = apps.new_draft(s, user_id, apps.Eligibility(None, {"matter": "labor.wages"}, {}))
        apps.give_consent(draft, sensitive=False)
        apps.give_consent(draft, sensitive=True)
    monkeypatch.setattr(apps, "application_number", lambda _app: taken)  # a unique-number clash on submit
    client = app.test_client()
    token = make_token("test-secret", user_id, "apply")
    form = client.get(f"/h5/apply/{token}").get_data(as_text=True)
    caplog.set_level(logging.DEBUG)
    resp = client.post(f"/h5/apply/{token}", data={
        "csrf_token": csrf_token(form), "action": "submit", "name": "赵六", "id_number": ID_NUMBER,
        "phone": PHONE, "address": "石狮市某某镇", "other_party": "某公司", "account": "欠薪三个月",
        "amount_claimed": "15000"})
    assert resp.status_code == 500
    assert "Traceback" not in resp.get_data(as_text=True)
    assert caplog.records, "the failure must be logged for operators"
    lines = "\n".join(logging.Formatter().format(r) for r in caplog.records)
    assert "IntegrityError" in lines or "UniqueViolation" in lines
    for secret in (ID_NUMBER, PHONE, "赵六", "欠薪三个月"):
        assert secret not in lines, secret


def test_sqlite_file_and_secret_key_are_private(tmp_path, monkeypatch):
    from bot import config
    from bot.db import Database

    loose = tmp_path / "old.sqlite"
    loose.write_bytes(b"")
    os.chmod(loose, 0o644)
    for path in (tmp_path / "new.sqlite", loose):
        Database(f"sqlite:///{path}")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    monkeypatch.setattr(config, "VAR_DIR", tmp_path / "var")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    key = config._secret_key()
    assert key and stat.S_IMODE((tmp_path / "var" / "secret_key").stat().st_mode) == 0o600


def test_local_data_key_file_is_private(tmp_path, monkeypatch):
    from ground import field_crypto

    monkeypatch.setenv("FAYUAN_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("FAYUAN_DATA_KEYS", raising=False)
    monkeypatch.delenv("FAYUAN_INDEX_KEY", raising=False)
    field_crypto.reset_cipher()
    try:
        field_crypto.cipher()
        assert stat.S_IMODE((tmp_path / "data_keys.json").stat().st_mode) == 0o600
    finally:
        field_crypto.reset_cipher()


# ------------------------------------------------------------------ 「删除我的信息」

def test_the_confirmation_step_is_pure_and_strict():
    from handoff import erasure

    assert erasure.is_request("我想删除我的信息") and erasure.is_request("请 删除我的个人信息！")
    assert not erasure.is_request("删除")
    assert erasure.is_confirmed("确认删除") and erasure.is_confirmed(" 确认删除。")
    assert not erasure.is_confirmed("是") and not erasure.is_confirmed("好的")
    plan = erasure.ErasurePlan(has_conversation=True, drafts=1, upcoming_bookings=0, kept_cases=("FY-2026-000007",))
    prompt = erasure.confirmation_prompt(plan)
    assert "FY-2026-000007" in prompt and "确认删除" in prompt and "草稿" in prompt and "预约" not in prompt


def test_erasure_deletes_the_person_and_keeps_the_case_file(app, user_id):
    from bot.conversation import ChatMessage, Conversation, EligibilityRecord
    from handoff import applications as apps
    from handoff import erasure, notify
    from handoff.models import Application, Notification
    from wechat_client import Citizen

    number = make_case(app, user_id)
    Citizen(app.test_client(), user_id).say("老板拖欠工资怎么办 我电话13900001111")
    db = app.extensions["fayuan_db"]
    with db.session() as s:
        s.add(EligibilityRecord(user_id=user_id, matter="labor.wages", region="石狮市", decision="eligible",
                                facts={"income": 2000}, result={"decision": "eligible"}))
        apps.new_draft(s, user_id, None).name = "草稿里的名字"
        notify.enqueue(s, user_id, "status", "您的申请已受理")
    with db.session() as s:
        plan = erasure.plan_erasure(s, user_id)
    assert plan.kept_cases == (number,) and plan.drafts == 1 and plan.has_conversation
    with db.session() as s:
        report = erasure.erase_person(s, user_id)
    assert report.kept_cases == (number,) and number in erasure.done_text(report)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ChatMessage).where(ChatMessage.user_id == user_id)) == 0
        assert s.get(Conversation, user_id).state == {}
        assert s.scalar(select(func.count()).select_from(EligibilityRecord)
                        .where(EligibilityRecord.user_id == user_id)) == 0
        assert s.scalar(select(func.count()).select_from(Notification).where(Notification.user_id == user_id)) == 0
        remaining = list(s.scalars(select(Application).where(Application.user_id == user_id)))
        assert [a.number for a in remaining] == [number]  # the case file, not the draft
        assert remaining[0].id_number == ID_NUMBER
        detached = s.scalars(select(EligibilityRecord).where(EligibilityRecord.matter == "labor.wages",
                                                             EligibilityRecord.user_id.like("erased:%"))
                             .order_by(EligibilityRecord.id.desc())).first()
        assert detached is not None and detached.facts == {} and detached.decision == "eligible"


# ------------------------------------------------------------------ the staff export

def test_admin_exports_a_persons_data_as_json_and_it_is_audited(app, client, accounts, user_id):
    number = make_case(app, user_id)
    login(client, accounts["admin"][1])
    resp = client.get(f"/console/cases/{number}/export")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert "attachment" in resp.headers["Content-Disposition"]
    data = json.loads(resp.get_data(as_text=True))
    assert data["user_id"] == user_id
    assert data["applications"][0]["id_number"] == ID_NUMBER and data["applications"][0]["phone"] == PHONE
    page = client.get(f"/console/cases/{number}").get_data(as_text=True)
    assert "导出了申请人的个人信息" in page


def test_staff_and_lawyers_cannot_export(app, accounts, user_id):
    number = make_case(app, user_id)
    for role in ("staff", "lawyer"):
        c = app.test_client()
        login(c, accounts[role][1])
        assert c.get(f"/console/cases/{number}/export").status_code in (403, 404), role


def test_erasure_also_removes_messages_added_in_the_same_transaction(app, user_id):
    """The dialog records 「确认删除」 itself before calling erase_person in its transaction."""
    from bot.conversation import ChatMessage, record_message
    from handoff import erasure

    with app.extensions["fayuan_db"].session() as s:
        record_message(s, user_id, "in", "我叫王五 电话13900002222")
        erasure.erase_person(s, user_id)
    with app.extensions["fayuan_db"].session() as s:
        assert s.scalar(select(func.count()).select_from(ChatMessage).where(ChatMessage.user_id == user_id)) == 0


def test_production_refuses_to_invent_its_own_keys(monkeypatch, tmp_path):
    from ground import field_crypto

    monkeypatch.setenv("FAYUAN_ENV", "production")
    monkeypatch.setenv("FAYUAN_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("FAYUAN_DATA_KEYS", raising=False)
    monkeypatch.delenv("FAYUAN_INDEX_KEY", raising=False)
    field_crypto.reset_cipher()
    try:
        with pytest.raises(field_crypto.CipherKeyError, match="FAYUAN_DATA_KEYS"):
            field_crypto.cipher()
        assert not (tmp_path / "data_keys.json").exists()
    finally:
        field_crypto.reset_cipher()
