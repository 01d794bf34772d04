"""Import jieba and zhconv without pkg_resources.

Both read their data files through pkg_resources when it is importable, and importing
pkg_resources (setuptools' whole vendored stack) costs ~0.25 CPU-seconds — a fifth of
`python -m bot ask`'s cold start. Hidden for that one import, each falls back to opening
the same files beside its own module (both ship that fallback).
"""
from __future__ import annotations

import importlib
import sys
from types import ModuleType


def import_without_pkg_resources(name: str) -> ModuleType:
    if name in sys.modules or "pkg_resources" in sys.modules:
        return importlib.import_module(name)
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # `import pkg_resources` → ImportError
    try:
        return importlib.import_module(name)
    finally:
        del sys.modules["pkg_resources"]
