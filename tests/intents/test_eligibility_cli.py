"""``eligibility --json PATH|-``: JSON out and status 0, or the field named on stderr and 2."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from intents.cli import main
from intents.rules import OUTPUT_KEYS

ROOT = Path(__file__).resolve().parents[2]


def run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_file_in_json_out(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps({"region": "石狮市", "matter": "labor.wages", "migrant_worker": True}), encoding="utf-8")
    code, out, err = run(["--json", str(path)])
    assert code == 0 and err == ""
    result = json.loads(out)
    assert tuple(result) == OUTPUT_KEYS
    assert result["decision"] == "eligible" and result["hardship_review"] == "exempt"
    assert "法律援助法" in out  # ensure_ascii=False: Chinese is printed as is


def test_stdin_and_the_subcommand_name_are_accepted() -> None:
    code, out, _ = run(["eligibility", "--json", "-"], '{"matter": "criminal.defense", "criminal_role": "suspect", "age": 16}')
    assert code == 0
    assert json.loads(out)["decision"] == "mandatory"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_bytes("\ufeff{\"region\": \"长春\"}".encode("utf-8"))
    code, out, _ = run(["--json", str(path)])
    assert code == 0 and json.loads(out)["missing"] == ["matter"]


def test_invalid_value_names_the_field() -> None:
    code, out, err = run(["--json", "-"], '{"age": "forty"}')
    assert code == 2 and out == ""
    assert "age" in err


def test_unknown_field_names_the_field() -> None:
    code, _, err = run(["--json", "-"], '{"income": 3000}')
    assert code == 2 and "income" in err


def test_duplicate_field_is_an_error() -> None:
    code, _, err = run(["--json", "-"], '{"age": 30, "age": 70}')
    assert code == 2 and "age" in err


def test_bad_json_missing_file_and_missing_option() -> None:
    assert run(["--json", "-"], "{not json")[0] == 2
    assert run(["--json", "-"], "[1, 2]")[0] == 2
    code, _, err = run(["--json", "/nonexistent/facts.json"])
    assert code == 2 and "--json" in err
    code, _, err = run([])
    assert code == 2 and "--json" in err


def test_runs_as_a_module() -> None:
    proc = subprocess.run([sys.executable, "-m", "intents.cli", "--json", "-"], input='{"matter": "family.violence"}',
                          capture_output=True, text=True, cwd=ROOT, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["decision"] == "eligible"
    proc = subprocess.run([sys.executable, "-m", "intents.cli", "--json", "-"], input='{"gender": "x"}',
                          capture_output=True, text=True, cwd=ROOT, encoding="utf-8")
    assert proc.returncode == 2 and "gender" in proc.stderr
