"""The one declarative base every package's models share.

It lives in the lowest package (imports point bot → handoff → intents → knowledge_base)
so that Alembic sees all tables through a single metadata object.
"""
from __future__ import annotations

from sqlalchemy import JSON
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    type_annotation_map = {dict: JSON, list: JSON}
