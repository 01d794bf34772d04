"""Read the eligibility tables (``intents/tables/*.yaml``) once per process.

Why: the rules are data reviewed like code, and every fact has one source of truth.
One reader means every module sees the same parsed tables; loading once (cached) keeps
``decide()`` fast and pure. Tests that write a temporary table call ``clear_cache()``.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable, TypeVar

import yaml

TABLES_DIR: Path = Path(__file__).resolve().parent / "tables"

_F = TypeVar("_F", bound=Callable[..., Any])
_CACHED: list[Any] = []


class TableError(RuntimeError):
    """A required table is missing or malformed; the message names the file and key."""


def cached(fn: _F) -> _F:
    """``functools.cache`` that ``clear_cache()`` also clears (for derived indexes)."""
    wrapped = functools.cache(fn)
    _CACHED.append(wrapped)
    return wrapped  # type: ignore[return-value]


def cached_recent(maxsize: int) -> Callable[[_F], _F]:
    """``functools.lru_cache`` that ``clear_cache()`` also clears: for functions of a
    citizen's text over the tables (bounded: texts are endless, tables are not)."""
    def wrap(fn: _F) -> _F:
        wrapped = functools.lru_cache(maxsize=maxsize)(fn)
        _CACHED.append(wrapped)
        return wrapped  # type: ignore[return-value]
    return wrap


def _read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TableError(f"{path.name}: cannot read ({exc})") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TableError(f"{path.name}: invalid YAML ({exc})") from exc


@cached
def table(name: str) -> Any:
    """A required table, e.g. ``table("scope")`` for ``tables/scope.yaml``."""
    return _read(TABLES_DIR / f"{name}.yaml")


@cached
def optional_table(name: str) -> Any | None:
    """A table written by someone else (``dibao``, ``min_wage_research``); None if absent."""
    path = TABLES_DIR / f"{name}.yaml"
    if not path.is_file():
        return None
    return table(name)  # one parse per file, however it is asked for


def section(name: str, key: str) -> Any:
    """``table(name)[key]``, or a TableError naming the file and key."""
    data = table(name)
    if not isinstance(data, dict) or key not in data:
        raise TableError(f"{name}.yaml: missing key {key!r}")
    return data[key]


def clear_cache() -> None:
    """Forget every loaded table and index (tests only)."""
    for fn in _CACHED:
        fn.cache_clear()
