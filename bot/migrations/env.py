"""Alembic environment: one metadata for all packages, URL from bot.db (never alembic.ini)."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import bot.conversation  # noqa: F401 - registers tables
import bot.replay_guard  # noqa: F401
import knowledge_base.models  # noqa: F401
from ground.orm import Base

try:  # handoff tables, once they exist
    import handoff.models  # noqa: F401
    import handoff.wechat_token  # noqa: F401
except ImportError:
    pass

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.attributes.get("connection_url") or config.get_main_option("sqlalchemy.url")
    engine = create_engine(url)
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
