"""Handoff fixtures: a calendar without public holidays."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def no_public_holidays(monkeypatch):
    """Booking tests must not depend on the calendar (a 9-day Spring Festival would empty the week)."""
    monkeypatch.setattr("handoff.appointments.load_holidays", lambda: frozenset())
