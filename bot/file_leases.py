"""Per-message leases for SQLite: byte-range locks on a file beside the database.

PostgreSQL gives the webhook a lease that ends with the transaction or the process
(`pg_try_advisory_xact_lock`, bot/retry_claims.py). SQLite has nothing like it, so two
deliveries of one message (WeChat's retry, 5 s after a slow first delivery) both ran the
dialog and only the finished key kept the second from committing. Here the lease is an
exclusive POSIX lock (fcntl) on one byte of ``<database>-leases``, at an offset derived
from the message key:

- taken without waiting; the kernel frees it when the holding process dies (kill -9
  included), so a retry after a crash takes the message over, as with PostgreSQL;
- POSIX locks belong to a process, not a thread: a set of held offsets per process
  keeps two threads of one worker apart too;
- released when the transaction that took it ends (commit or rollback), see
  `hold_until_transaction_end`.

A collision of two keys on one offset (1 in 2**40) only makes a retry answer `success`
and the owner reply through the outbox. One machine only — as SQLite itself.
"""
from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import threading
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger(__name__)
_SPAN = 1 << 40
_INFO_KEY = "bot.file_leases"


class FileLeases:
    """The leases of one SQLite database file, shared by the threads of this process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._pid = 0
        self._held: set[int] = set()
        self._lock = threading.Lock()

    def _file(self) -> int:
        if self._fd is None or self._pid != os.getpid():  # a forked worker opens its own
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
            self._held = set()
        return self._fd

    @staticmethod
    def offset(key: str) -> int:
        return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") % _SPAN

    def try_acquire(self, key: str) -> bool:
        """Take the key's lease now, or False when another thread or process holds it."""
        off = self.offset(key)
        with self._lock:
            try:
                fd = self._file()
            except OSError:  # the folder is not writable: no lease, as before it existed
                log.warning("no message leases: cannot open %s", self.path.name)
                return True
            if off in self._held:
                return False
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, off)
            except OSError:  # EACCES / EAGAIN: held by another process
                return False
            self._held.add(off)
            return True

    def release(self, key: str) -> None:
        off = self.offset(key)
        with self._lock:
            if off in self._held and self._fd is not None and self._pid == os.getpid():
                # Never close the file: closing any descriptor of it drops all our locks.
                fcntl.lockf(self._fd, fcntl.LOCK_UN, 1, off)
                self._held.discard(off)


_registry: dict[str, FileLeases] = {}
_registry_lock = threading.Lock()


def for_database(url: str) -> FileLeases | None:
    """The leases of a SQLite file database (None for PostgreSQL or an in-memory one)."""
    if not url.startswith("sqlite:///") or url.endswith(":memory:") or url == "sqlite:///":
        return None
    with _registry_lock:
        found = _registry.get(url)
        if found is None:
            found = _registry[url] = FileLeases(Path(url.removeprefix("sqlite:///") + "-leases"))
        return found


def hold_until_transaction_end(session: Session, leases: FileLeases, key: str) -> None:
    """Release the lease when the session's current transaction commits or rolls back."""
    session.info.setdefault(_INFO_KEY, []).append((leases, key))


@event.listens_for(Session, "after_transaction_end")
def _release(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and not transaction.nested:
        for leases, key in session.info.pop(_INFO_KEY, ()):
            leases.release(key)
