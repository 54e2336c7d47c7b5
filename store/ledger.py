"""The status ledger: analysts' progress on obligations, user data that is never lost.

SQLite in WAL mode beside the tables (`ledger.sqlite`). Every change is a new row
(history kept; the latest row per task wins). No function here deletes or
updates a row. Schema changes are numbered migrations recorded in
`schema_version`, applied in order, each in its own transaction.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

LEDGER_FILE = "ledger.sqlite"
STATUSES = ("open", "done")

MIGRATIONS: tuple[str, ...] = (
    # 1: the entries, one row per change
    """CREATE TABLE entries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        task_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'done')),
        note TEXT,
        by TEXT,
        at TEXT NOT NULL
    );
    CREATE INDEX entries_task ON entries(task_id, id);""",
)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    task_id: str
    status: str
    note: str | None
    by: str | None
    at: str  # ISO timestamp, UTC


def connect(out_dir: Path) -> sqlite3.Connection:
    out_dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(out_dir / LEDGER_FILE, timeout=30, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    migrate(conn)
    return conn


def migrate(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    current = row[0] or 0
    for version, script in enumerate(MIGRATIONS, start=1):
        if version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in script.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("INSERT INTO schema_version VALUES (?)", (version,))
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise


def record(out_dir: Path, entries: list[LedgerEntry]) -> int:
    """Append entries in one transaction; returns how many."""
    for e in entries:
        if e.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {e.status!r} (task {e.task_id})")
    with closing(connect(out_dir)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO entries (task_id, status, note, by, at) VALUES (?, ?, ?, ?, ?)",
                         [(e.task_id, e.status, e.note, e.by, e.at) for e in entries])
        conn.execute("COMMIT")
    return len(entries)


def now_utc() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def latest(out_dir: Path) -> dict[str, LedgerEntry]:
    """The current entry of every task that has one."""
    if not (out_dir / LEDGER_FILE).exists():
        return {}
    with closing(connect(out_dir)) as conn:
        rows = conn.execute(
            "SELECT task_id, status, note, by, at FROM entries WHERE id IN "
            "(SELECT MAX(id) FROM entries GROUP BY task_id)").fetchall()
    return {r[0]: LedgerEntry(*r) for r in rows}


def history(out_dir: Path, task_id: str | None = None) -> list[LedgerEntry]:
    if not (out_dir / LEDGER_FILE).exists():
        return []
    with closing(connect(out_dir)) as conn:
        query = "SELECT task_id, status, note, by, at FROM entries"
        rows = conn.execute(query + (" WHERE task_id = ? ORDER BY id" if task_id else " ORDER BY id"),
                            (task_id,) if task_id else ()).fetchall()
    return [LedgerEntry(*r) for r in rows]
