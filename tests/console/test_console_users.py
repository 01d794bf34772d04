"""Adding a console user: a refused form keeps what the admin typed (all but the password),
and a done one says who was added and as what."""
from __future__ import annotations

import re
import uuid

from handoff_helpers import csrf_token, login


def _field(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def test_a_refused_new_user_keeps_the_form_and_a_new_one_is_named(app, client, accounts):
    login(client, accounts["admin"][1])
    page = client.get("/console/users").get_data(as_text=True)
    name = f"lawyer-{uuid.uuid4().hex[:6]}"
    for bad_password, taken in (("short", name), ("long enough pw", accounts["staff"][1])):
        resp = client.post("/console/users", data={"csrf_token": csrf_token(page), "action": "add",
                                                   "username": taken, "display_name": "钱律师",
                                                   "password": bad_password, "role": "lawyer"})
        text = resp.get_data(as_text=True)
        assert resp.status_code == 400 and ("密码至少" in text or "已存在" in text)
        assert _field(text, "username") == taken and _field(text, "display_name") == "钱律师"
        assert re.search(r'<option value="lawyer" selected>', text)
        assert 'name="password" required' in text and "long enough pw" not in text  # never echoed
    done = client.post("/console/users", data={"csrf_token": csrf_token(page), "action": "add", "username": name,
                                               "display_name": "钱律师", "password": "long enough pw",
                                               "role": "lawyer"})
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and f"已添加律师 钱律师（用户名 {name}）" in text
    assert _field(text, "username") == ""
