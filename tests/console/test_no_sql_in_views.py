"""The console holds no SQL: its views call the domains' store functions (ARCHITECTURE: rooms).

Read from the source with `ast`: no sqlalchemy import beyond the `Session` type, and no
statement run on a session (`execute`, `scalars`, `scalar`, `query`, `get` by key).
"""
from __future__ import annotations

import ast
from pathlib import Path

CONSOLE = Path(__file__).resolve().parents[2] / "console"
SESSION_NAMES = {"s", "session", "db_session"}
RUNS_SQL = {"execute", "scalars", "scalar", "query", "get", "add", "delete", "merge"}


def sql_in(path: Path, root: Path) -> list[str]:
    found = []
    where = path.relative_to(root).as_posix()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            extra = [a.name for a in node.names if not (node.module == "sqlalchemy.orm" and a.name == "Session")]
            if extra:
                found.append(f"{where}:{node.lineno}: imports {', '.join(extra)} from {node.module}")
        elif isinstance(node, ast.Import) and any(a.name.split(".")[0] == "sqlalchemy" for a in node.names):
            found.append(f"{where}:{node.lineno}: imports sqlalchemy")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in RUNS_SQL
              and isinstance(node.func.value, ast.Name) and node.func.value.id in SESSION_NAMES):
            found.append(f"{where}:{node.lineno}: {node.func.value.id}.{node.func.attr}(…)")
    return found


def test_console_modules_run_no_sql():
    found = [hit for path in sorted(CONSOLE.rglob("*.py")) for hit in sql_in(path, CONSOLE.parent)]
    assert not found, "SQL in the console (move it to the domain's store module):\n" + "\n".join(found)


def test_the_check_sees_sql(tmp_path):
    (tmp_path / "console").mkdir()
    view = tmp_path / "console" / "views.py"
    view.write_text("from sqlalchemy import select\nfrom sqlalchemy.orm import Session\n\n"
                    "def v(s):\n    return s.get(User, 1), s.scalars(select(User))\n", encoding="utf-8")
    assert sql_in(view, tmp_path) == ["console/views.py:1: imports select from sqlalchemy",
                                      "console/views.py:5: s.get(…)", "console/views.py:5: s.scalars(…)"]
