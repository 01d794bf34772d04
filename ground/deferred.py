"""Rows a transaction writes at its commit, one statement per table.

The webhook answers a message in one transaction; its transcript lines (what the citizen
typed, what the bot said) are known early but nothing in that transaction reads them
back. Written through the ORM they cost an INSERT … RETURNING and unit-of-work
bookkeeping each, and on SQLite the first write takes the database's single write lock
for the rest of the dialog. Kept here until the commit they are written in one batched
INSERT, after the dialog, with the transaction's other writes.

A rolled-back transaction drops them with everything else. Code that must see them
inside the transaction (the erasure of a person's data, which deletes their transcript)
calls flush() first.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Table, event
from sqlalchemy.orm import Session, SessionTransaction

_KEY = "ground.deferred_rows"
_INSERTS: dict[Table, Any] = {}


def add(session: Session, table: Table, row: dict[str, Any]) -> None:
    """Queue one row of `table` for this session's commit (order kept within a table)."""
    session.info.setdefault(_KEY, {}).setdefault(table, []).append(row)


def pending(session: Session, table: Table) -> list[dict[str, Any]]:
    """The rows still queued for `table` (a copy)."""
    return list((session.info.get(_KEY) or {}).get(table, ()))


def flush(session: Session) -> None:
    """Write the queued rows now, inside the session's transaction."""
    queued = session.info.pop(_KEY, None)
    if not queued:
        return
    conn = session.connection()
    for table, rows in queued.items():
        stmt = _INSERTS.get(table)
        if stmt is None:  # built once: the compiled form is cached with it
            stmt = _INSERTS[table] = table.insert()
        conn.execute(stmt, rows)


@event.listens_for(Session, "before_commit")
def _write_at_commit(session: Session) -> None:
    flush(session)


@event.listens_for(Session, "after_transaction_end")
def _drop_on_rollback(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and not transaction.nested:
        session.info.pop(_KEY, None)  # committed (already written) or rolled back: nothing stays queued
