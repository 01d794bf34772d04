"""Handoff fixtures: console accounts with fresh names on the shared app."""
from __future__ import annotations

import uuid

import pytest

from handoff_helpers import PASSWORD


@pytest.fixture()
def accounts(app):
    """staff, admin and two lawyers: {key: (id, username)}."""
    from handoff.console.auth import create_user

    tag = uuid.uuid4().hex[:6]
    made = {}
    with app.extensions["fayuan_db"].session() as s:
        for key, role in (("staff", "staff"), ("admin", "admin"), ("lawyer", "lawyer"), ("lawyer2", "lawyer")):
            u = create_user(s, f"{key}-{tag}", PASSWORD, role, display_name=f"{key}{tag}")
            made[key] = (u.id, u.username)
    return made


@pytest.fixture(autouse=True)
def no_public_holidays(monkeypatch):
    """Booking tests must not depend on the calendar (a 9-day Spring Festival would empty the week)."""
    monkeypatch.setattr("handoff.appointments.load_holidays", lambda: frozenset())
