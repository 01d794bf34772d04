"""Time helpers: one clock for every table and every rule.

Timestamps are stored timezone-aware in UTC on SQLite and PostgreSQL alike; local
(China Standard Time) display is the console's and the reports' business.
"""
from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
