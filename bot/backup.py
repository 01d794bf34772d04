"""`python -m bot backup [-o file]` and `python -m bot restore file`.

SQLite: the online backup API (sqlite3.Connection.backup) copies a consistent snapshot
while the service keeps writing — never `cp` a live WAL database. PostgreSQL: `pg_dump
--format=custom` and `pg_restore`, Debian's binaries (the newest under
/usr/lib/postgresql/*/bin when they are not on PATH). The password goes through the
environment (PGPASSWORD), never the command line, where `ps` would show it.

A backup holds personal data (applications, transcripts): files are created 0600.
Restore goes into an EMPTY database unless --force, so a typo cannot overwrite a live one.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A message for the operator (printed as is, exit status 2)."""


def _sqlite_path(url: str) -> Path:
    return Path(url.split("///", 1)[1])


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if not candidates:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client）")
    return str(candidates[-1])


def _pg_env(url: str) -> tuple[dict, str]:
    """libpq environment and database name from a SQLAlchemy URL."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    env = dict(os.environ)
    for key, value in (("PGHOST", u.host), ("PGPORT", u.port), ("PGUSER", u.username),
                       ("PGPASSWORD", u.password)):
        if value is not None:
            env[key] = str(value)
    return env, u.database or ""


def default_output(url: str, var_dir: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return var_dir / "backups" / f"fayuan-{stamp}.{'sqlite' if url.startswith('sqlite') else 'dump'}"


def _private(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def backup(url: str, output: Path) -> Path:
    _private(output)
    if url.startswith("sqlite"):
        src_path = _sqlite_path(url)
        if not src_path.exists():
            raise BackupError(f"数据库文件不存在：{src_path}")
        src, dst = sqlite3.connect(src_path), sqlite3.connect(output)
        try:
            with dst:
                src.backup(dst)
        finally:
            src.close()
            dst.close()
        return output
    env, name = _pg_env(url)
    run = subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={output}", name],
                         env=env, capture_output=True, text=True)
    if run.returncode != 0:
        output.unlink(missing_ok=True)
        raise BackupError(f"pg_dump 失败：{run.stderr.strip()[:500]}")
    return output


def _kind(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} 不是本系统的备份文件（既不是 SQLite 数据库，也不是 pg_dump 自定义格式）")


def _tables(url: str) -> list[str]:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def restore(url: str, source: Path, force: bool = False) -> None:
    if not source.is_file():
        raise BackupError(f"备份文件不存在：{source}")
    kind = _kind(source)
    target = "sqlite" if url.startswith("sqlite") else "postgresql"
    if kind != target:
        raise BackupError(f"这是 {kind} 的备份，不能恢复到 {target} 数据库（DATABASE_URL）")
    if target == "sqlite" and not _sqlite_path(url).exists():
        existing: list[str] = []
    else:
        existing = _tables(url)
    if existing and not force:
        raise BackupError(f"目标数据库不是空的（已有 {len(existing)} 张表）。请恢复到一个新的空数据库；"
                          "确实要覆盖时加 --force。")
    if target == "sqlite":
        dst_path = _sqlite_path(url)
        dst_path.parent.mkdir(parents=True, exist_ok=True)
        src, dst = sqlite3.connect(source), sqlite3.connect(dst_path)
        try:
            with dst:
                src.backup(dst)  # replaces every page of the target: a whole-database restore
        finally:
            src.close()
            dst.close()
        os.chmod(dst_path, 0o600)
        return
    env, name = _pg_env(url)
    cmd = [_pg_tool("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={name}"]
    if force:
        cmd += ["--clean", "--if-exists"]
    run = subprocess.run([*cmd, str(source)], env=env, capture_output=True, text=True)
    if run.returncode != 0:
        raise BackupError(f"pg_restore 失败：{run.stderr.strip()[:500]}")
