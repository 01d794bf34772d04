"""Imports run one way: a package may import its own layer and the layers below it, never above.

LAYERS, lowest first, is the one place the order is written. Why this order:
- ground: Base, the clock, masking and encryption of personal data, text folding, paths —
  what every room stands on; it imports no room, so any room can use it alone.
- intents: pure rules (intent detection, facts, the questionnaire, the eligibility engine);
  they need nothing but folded text.
- knowledge_base: FAQ content, the matcher and its store; its evaluation applies the same
  small-talk filter the bot does (intents.detect), so it sits above intents.
- handoff: applications, appointments, offices, the outbox; it stores eligibility results
  (intents) and uses the knowledge base's topic names.
- reports: reads every room's tables and changes none.
- console: the staff pages over all the domains (cases, knowledge base, statistics).
- bot: the app factory and the channels; it wires everything together, so nothing imports it.

Every import counts, including those inside functions and under TYPE_CHECKING: a lazy
import is still a dependency. scripts/ and tests/ stand outside the layers.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS: tuple[str, ...] = ("ground", "intents", "knowledge_base", "handoff", "reports", "console", "bot")


@dataclass(frozen=True)
class Upward:
    path: str     # relative to the root
    line: int
    module: str   # what was imported, resolved to an absolute name
    layer: str    # the importing file's package

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.layer} imports {self.module} (a higher layer)"


def packages(root: Path) -> set[str]:
    """Top-level Python packages of the project (folders with an __init__.py)."""
    return {p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}


def imported_modules(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in the file, relative ones resolved."""
    rel = path.relative_to(root)
    package = list(rel.parts[:-1])  # the file's package, as a list of names
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)] if node.level > 1 else package
                names = [".".join(base + ([node.module] if node.module else []))]
                if not node.module:  # `from .. import x`: x may be a module of that package
                    names = [".".join(base + [alias.name]) for alias in node.names]
                found += [(node.lineno, name) for name in names]
            elif node.module:
                found.append((node.lineno, node.module))
    return found


def upward_imports(root: Path, layers: tuple[str, ...]) -> list[Upward]:
    rank = {name: i for i, name in enumerate(layers)}
    out: list[Upward] = []
    for layer in layers:
        for path in sorted((root / layer).rglob("*.py")):
            for line, module in imported_modules(path, root):
                top = module.split(".")[0]
                if top in rank and rank[top] > rank[layer]:
                    out.append(Upward(path.relative_to(root).as_posix(), line, module, layer))
    return out


# ---------------------------------------------------------------- the project


def test_every_package_has_a_layer():
    assert packages(ROOT) == set(LAYERS), "add the new package to LAYERS (tests/test_layers.py), in its place"


def test_no_package_imports_a_higher_layer():
    found = upward_imports(ROOT, LAYERS)
    assert not found, "upward imports:\n" + "\n".join(map(str, found))


# ---------------------------------------------------------------- the checker itself


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_checker_finds_upward_imports_anywhere_in_a_file(tmp_path):
    _tree(tmp_path, {
        "low/__init__.py": "",
        "low/ok.py": "import os\nfrom low import ok\nfrom . import ok\n",
        "low/top.py": "import high.views\n",
        "low/sub/__init__.py": "",
        "low/sub/lazy.py": "def f():\n    from high import views\n    return views\n",
        "low/sub/relative.py": "\n\nfrom ... import high\n",
        "high/__init__.py": "",
        "high/views.py": "from low import ok\nfrom ..low.sub import lazy\n",
    })
    found = {(u.path, u.line, u.module) for u in upward_imports(tmp_path, ("low", "high"))}
    assert found == {("low/top.py", 1, "high.views"), ("low/sub/lazy.py", 2, "high"),
                     ("low/sub/relative.py", 3, "high")}


def test_checker_message_names_file_line_and_module(tmp_path):
    _tree(tmp_path, {"low/__init__.py": "", "low/a.py": "x = 1\nfrom high.b import c\n",
                     "high/__init__.py": "", "high/b.py": "c = 2\n"})
    [found] = upward_imports(tmp_path, ("low", "high"))
    assert str(found) == "low/a.py:2: low imports high.b (a higher layer)"


def test_checker_sees_a_package_without_a_layer(tmp_path):
    _tree(tmp_path, {"low/__init__.py": "", "extra/__init__.py": "", "notes/readme.txt": ""})
    assert packages(tmp_path) == {"low", "extra"}
