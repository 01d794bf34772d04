"""The accuracy guard off the request path: computed once per change, shared by every worker.

Why: the guard retrains the topic model on the content about to be published and runs
the development questions through two indexes — about 8 s of CPU on an idle machine,
14–21 s on a busy one. Inside the 检查并发布 view every first view waited that long, and
so did a view (or the publish itself) that landed on another gunicorn worker. The report
depends only on what is published, what would be published, the question set and the
matcher's settings; so it is computed once for that key in a background thread and kept
as a small JSON file beside the topic models, where every worker finds it.

The guard is not weakened: publishing still needs the report for exactly the content
being published, and computes it on the spot when there is none yet.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Callable

from .guard import GuardReport, report_from_json, report_to_json

log = logging.getLogger(__name__)

STALE_RUN_SECONDS = 600   # a run claimed this long ago by a worker that died is taken over
KEEP_FILES = 40           # old reports are pruned; each is a few kilobytes
WAIT_FOR_RUN_SECONDS = 180
RETRY_FAILED_SECONDS = 120  # a run that failed is not restarted by every poll of the page


class GuardJobs:
    """Reports by key: in memory, on disk (`directory`, shared by the workers), or being computed."""

    def __init__(self, directory: Path | None):
        self.directory = directory
        self._memory: dict[str, GuardReport] = {}
        self._running: dict[str, threading.Event] = {}
        self._failed: dict[str, float] = {}  # key → when its background run failed
        self._lock = threading.Lock()

    def _path(self, key: str, suffix: str) -> Path | None:
        return self.directory / f"guard-{key}{suffix}" if self.directory is not None else None

    def cached(self, key: str) -> GuardReport | None:
        found = self._memory.get(key)
        if found is not None:
            return found
        path = self._path(key, ".json")
        if path is None or not path.exists():
            return None
        try:
            found = report_from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        self._remember(key, found)
        return found

    def _remember(self, key: str, report: GuardReport) -> None:
        with self._lock:
            while len(self._memory) >= 8:
                self._memory.pop(next(iter(self._memory)))
            self._memory[key] = report

    def store(self, key: str, report: GuardReport) -> None:
        self._remember(key, report)
        path = self._path(key, ".json")
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(report_to_json(report), ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
            reports = sorted(path.parent.glob("guard-*.json"), key=lambda p: p.stat().st_mtime)
            for old in reports[:-KEEP_FILES]:
                old.unlink(missing_ok=True)
        except OSError:
            log.warning("could not keep the accuracy report on disk", exc_info=True)

    def running(self, key: str) -> bool:
        """Being computed here, or (by its claim file) in another worker."""
        if key in self._running:
            return True
        claim = self._path(key, ".running")
        try:
            return claim is not None and time.time() - claim.stat().st_mtime < STALE_RUN_SECONDS
        except OSError:
            return False

    def _claim(self, key: str) -> bool:
        """One worker computes a key: the claim file is created exclusively."""
        claim = self._path(key, ".running")
        if claim is None:
            return True
        claim.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                os.close(os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
                return True
            except FileExistsError:
                try:
                    if time.time() - claim.stat().st_mtime < STALE_RUN_SECONDS:
                        return False
                    claim.unlink(missing_ok=True)  # its worker died: take it over
                except OSError:
                    return False
        return False

    def failed(self, key: str) -> bool:
        """The background run for `key` failed a moment ago (the page says so; publishing retries)."""
        at = self._failed.get(key)
        return at is not None and time.time() - at < RETRY_FAILED_SECONDS

    def start(self, key: str, compute: Callable[[], GuardReport]) -> bool:
        """Compute `key` in a background thread unless it is known, under way or just failed.
        True while a report is (now) being computed, False otherwise."""
        if self.cached(key) is not None or self.failed(key):
            return False
        with self._lock:
            if key in self._running:
                return True
            if not self._claim(key):
                return True  # another worker is at it; its file will appear
            done = self._running[key] = threading.Event()
        threading.Thread(target=self._run, args=(key, compute, done), daemon=True, name="kb-guard").start()
        return True

    def _run(self, key: str, compute: Callable[[], GuardReport], done: threading.Event) -> None:
        try:
            self.store(key, compute())
            self._failed.pop(key, None)
        except Exception:  # noqa: BLE001 - a failed background run is recomputed by the publish itself
            log.exception("accuracy check in the background failed")
            self._failed[key] = time.time()
        finally:
            with self._lock:
                self._running.pop(key, None)
            claim = self._path(key, ".running")
            if claim is not None:
                claim.unlink(missing_ok=True)
            done.set()

    def get_or_run(self, key: str, compute: Callable[[], GuardReport]) -> GuardReport:
        """The report for `key`: known, awaited from this worker's own run, or computed now."""
        found = self.cached(key)
        if found is not None:
            return found
        event = self._running.get(key)
        if event is not None and event.wait(WAIT_FOR_RUN_SECONDS):
            found = self.cached(key)
            if found is not None:
                return found
        report = compute()
        self.store(key, report)
        return report
