"""Prepare the real-question corpus (issue 10) in a cache OUTSIDE the repository.

Why a cache and not a committed file: the public sources of real citizens' consultations
carry no licence that allows copying their text, so the repository holds only ids, labels
and the category→code map (``knowledge_base/eval/real/``). This script rebuilds the text
from a local snapshot of each source, so anyone with the snapshot gets byte-identical rows.

Sources (provenance and licence: ``knowledge_base/eval/SOURCES.md``):

* ``LegalConsultBench`` — 9sxx/LegalConsultBench, ``sampled_data.xlsx`` (2,300 consultations
  typed by citizens on the 12348 public legal service platform, 100 per category, 23
  categories). Read from a git snapshot (bare repository or work tree) of that repository.

Output: ``<out>/legalconsultbench.jsonl``, one JSON object per line::

    {"id": "lcb:17", "source": "LegalConsultBench", "text": "...", "title": "...",
     "source_category": "交通事故", "validated_category": "交通事故",
     "provenance": {"repo": "9sxx/LegalConsultBench", "commit": "...",
                    "path": "sampled_data.xlsx", "row": 19}}

``id`` is ``lcb:<n>`` with ``n`` the 0-based index of the data row (header excluded), so
``provenance.row`` (the spreadsheet's 1-based row number) is ``n + 2``.

Usage::

    python scripts/fetch_real_questions.py                 # defaults below
    python scripts/fetch_real_questions.py --lcb /path/to/LegalConsultBench --out /tmp/real

Defaults: ``--lcb`` = $FAYUAN_LCB_SNAPSHOT or /work/.mirror/9sxx+LegalConsultBench/repo;
``--out`` = $FAYUAN_REAL_DIR or ~/.cache/fayuan/real/.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import openpyxl

LCB_REPO = "9sxx/LegalConsultBench"
LCB_FILE = "sampled_data.xlsx"
LCB_VALIDATED_FILE = "sampled_data_process.xlsx"
DEFAULT_LCB_SNAPSHOT = "/work/.mirror/9sxx+LegalConsultBench/repo"
MIN_CONTENT_CHARS = 5  # shorter 内容 is a stub ("如题"); the title then carries the question


def default_out_dir() -> Path:
    """The cache directory: $FAYUAN_REAL_DIR, else ~/.cache/fayuan/real (never inside the repo)."""
    return Path(os.environ.get("FAYUAN_REAL_DIR") or Path.home() / ".cache" / "fayuan" / "real")


def read_snapshot_file(snapshot: Path, path: str) -> tuple[bytes, str]:
    """Return (bytes, commit) of ``path`` from a work tree or a bare git directory.

    A work tree is read from disk; a bare mirror (what the search tool's ``fetch`` leaves)
    is read with ``git show HEAD:<path>``. The commit is recorded as provenance.
    """
    commit = "unknown"
    try:
        commit = subprocess.run(["git", "-C", str(snapshot), "rev-parse", "HEAD"], check=True,
                                capture_output=True, text=True).stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        pass
    on_disk = snapshot / path
    if on_disk.is_file():
        return on_disk.read_bytes(), commit
    shown = subprocess.run(["git", "-C", str(snapshot), "show", f"HEAD:{path}"], capture_output=True)
    if shown.returncode != 0:
        raise SystemExit(f"cannot read {path} from {snapshot}: {shown.stderr.decode(errors='replace').strip()}"
                         f"\nFetch a snapshot of {LCB_REPO} and pass its path with --lcb.")
    return shown.stdout, commit


def _sheet_rows(data: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


def _clean(value: object) -> str:
    return "" if value is None else str(value).strip()


def legal_consult_bench(snapshot: Path) -> Iterator[dict]:
    """Rows of LegalConsultBench's sampled_data.xlsx, the citizen's own words only.

    The 回复/法条引用/解决方案/争议焦点 columns are the platform's and the benchmark
    authors' text, not the citizen's, and are left out. ``validated_category`` is the
    category after the authors' manual validation (sampled_data_process.xlsx), matched
    on title + content; None when the validated file dropped the row.
    """
    raw, commit = read_snapshot_file(snapshot, LCB_FILE)
    rows = _sheet_rows(raw)
    header = rows[0]
    col = {name: header.index(name) for name in ("咨询问题", "问题类别", "内容")}
    validated: dict[tuple[str, str], str] = {}
    try:
        vraw, _ = read_snapshot_file(snapshot, LCB_VALIDATED_FILE)
        vrows = _sheet_rows(vraw)
        vcol = {name: vrows[0].index(name) for name in col}
        for v in vrows[1:]:
            validated[(_clean(v[vcol["咨询问题"]]), _clean(v[vcol["内容"]])[-40:])] = _clean(v[vcol["问题类别"]])
    except SystemExit:
        pass
    for n, row in enumerate(rows[1:]):
        title, content = _clean(row[col["咨询问题"]]), _clean(row[col["内容"]])
        text = content if len(content) >= MIN_CONTENT_CHARS else (title + " " + content).strip()
        if not text:
            continue
        yield {
            "id": f"lcb:{n}",
            "source": "LegalConsultBench",
            "text": text,
            "title": title,
            "source_category": _clean(row[col["问题类别"]]),
            "validated_category": validated.get((title, content[-40:])),
            "provenance": {"repo": LCB_REPO, "commit": commit, "path": LCB_FILE, "row": n + 2},
        }


def write_jsonl(rows: Iterator[dict], path: Path) -> int:
    """Write rows to ``path`` atomically (temp file, then rename); return the row count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".jsonl.tmp")
    count = 0
    with tmp.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    tmp.replace(path)
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lcb", type=Path,
                        default=Path(os.environ.get("FAYUAN_LCB_SNAPSHOT") or DEFAULT_LCB_SNAPSHOT),
                        help="snapshot of 9sxx/LegalConsultBench (bare git dir or work tree)")
    parser.add_argument("--out", type=Path, default=default_out_dir(), help="cache directory (outside the repo)")
    args = parser.parse_args(argv)
    if not args.lcb.exists():
        print(f"snapshot not found: {args.lcb} (fetch {LCB_REPO}, then pass --lcb)", file=sys.stderr)
        return 2
    n = write_jsonl(legal_consult_bench(args.lcb), args.out / "legalconsultbench.jsonl")
    print(f"LegalConsultBench: {n} rows -> {args.out / 'legalconsultbench.jsonl'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
