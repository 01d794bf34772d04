"""``eligibility --json PATH|-``: the eligibility pre-check from the command line.

Why: CONTRACTS.md §3 makes this the stable interface that operators and acceptance
checks drive (``python -m bot eligibility --json facts.json`` calls
``intents.cli.main(["--json", path])``). It prints the §3 output as JSON (UTF-8, not
escaped) and returns 0, or prints one line naming the bad field to stderr and returns 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Sequence, TextIO

from intents.facts import FactsError
from intents.rules import decide

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise FactsError("arguments", message)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise FactsError(key, f"{key} 出现了两次")
        out[key] = value
    return out


def _read(path: str, stdin: TextIO) -> str:
    if path == "-":
        return stdin.read()
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return fh.read()
    except OSError as exc:
        raise FactsError("--json", f"无法读取文件 {path!r}：{exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise FactsError("--json", f"文件 {path!r} 不是 UTF-8 文本") from exc


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None,
         stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run ``eligibility --json PATH|-``; return the exit status (0 or 2)."""
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    stderr = stderr if stderr is not None else sys.stderr
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in[:1] == ["eligibility"]:
        args_in = args_in[1:]
    parser = _Parser(prog="eligibility", description="法律援助资格初步评估（CONTRACTS.md §3）")
    parser.add_argument("--json", dest="path", required=True, metavar="PATH|-",
                        help="facts as a JSON object, from a file or '-' for standard input")
    try:
        args = parser.parse_args(args_in)
        text = _read(args.path, stdin)
        try:
            raw = json.loads(text.lstrip("\ufeff"), object_pairs_hook=_no_duplicates)
        except json.JSONDecodeError as exc:
            raise FactsError("facts", f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）") from exc
        result = decide(raw)
    except FactsError as exc:
        print(f"error: {exc}", file=stderr)
        return EXIT_BAD_INPUT
    print(json.dumps(result, ensure_ascii=False, indent=2), file=stdout)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
