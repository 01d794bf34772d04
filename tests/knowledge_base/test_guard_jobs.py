"""knowledge_base/guard_jobs.py: an accuracy report is computed once per key, in the
background, found by every worker through the shared folder; a failed run is not
restarted by each poll, and a publish still gets a report (computed on the spot)."""
from __future__ import annotations

import threading

from knowledge_base.guard import compare
from knowledge_base.guard_jobs import GuardJobs

ROWS = [{"text": "a", "code": "labor.wages"}, {"text": "b", "code": "other"}]
REPORT = compare(ROWS, ["labor.wages", "other"], ["land", "other"])


def never():
    raise AssertionError("computed again")


def test_one_run_per_key_shared_by_workers(tmp_path):
    release, calls = threading.Event(), []

    def slow():
        calls.append(1)
        release.wait(30)
        return REPORT

    first, second = GuardJobs(tmp_path), GuardJobs(tmp_path)  # two workers, one cache folder
    assert first.start("k1", slow) is True
    assert first.start("k1", slow) is True and second.start("k1", slow) is True  # under way: not again
    assert first.cached("k1") is None and second.running("k1")
    release.set()
    assert first.get_or_run("k1", never) == REPORT
    assert second.cached("k1") == REPORT and second.start("k1", slow) is False
    assert len(calls) == 1 and not second.running("k1")


def test_a_failed_run_is_not_restarted_by_polling_but_a_publish_still_gets_its_report(tmp_path):
    jobs, done = GuardJobs(tmp_path), threading.Event()

    def broken():
        try:
            raise RuntimeError("model file unreadable")
        finally:
            done.set()

    assert jobs.start("k2", broken) is True
    done.wait(10)
    for _ in range(100):  # the thread records the failure right after raising
        if jobs.failed("k2"):
            break
        threading.Event().wait(0.05)
    assert jobs.failed("k2") and jobs.start("k2", broken) is False and jobs.cached("k2") is None
    assert jobs.get_or_run("k2", lambda: REPORT) == REPORT  # the publish computes it itself
    assert GuardJobs(tmp_path).cached("k2") == REPORT


def test_without_a_folder_reports_live_in_memory():
    jobs = GuardJobs(None)
    assert jobs.get_or_run("k3", lambda: REPORT) == REPORT and jobs.cached("k3") == REPORT
