"""Shared setup for the eligibility-engine tests: the repository root on sys.path (so
``import intents`` works however pytest is started) and a fixture that points the table
loader at a temporary copy of ``intents/tables`` for tests that change a table."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from intents import loader  # noqa: E402


@pytest.fixture
def tables_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A writable copy of intents/tables used by the engine for this test only."""
    target = tmp_path / "tables"
    shutil.copytree(loader.TABLES_DIR, target)
    monkeypatch.setattr(loader, "TABLES_DIR", target)
    loader.clear_cache()
    yield target
    monkeypatch.undo()
    loader.clear_cache()
