"""The one declarative base every package's models share.

It lives in the shared ground, below every room (tests/test_layers.py), so that every
room's models can use it and Alembic sees all tables through a single metadata object.
"""
from __future__ import annotations

from sqlalchemy import JSON
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    type_annotation_map = {dict: JSON, list: JSON}
