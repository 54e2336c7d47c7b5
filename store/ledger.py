"""The status ledger: analysts' progress on obligations, user data that is never lost.

SQLite in WAL mode beside the tables (`ledger.sqlite`). Every change is a new row
(history kept; the latest row per task wins). No function here deletes or
updates a row. Schema changes are numbered migrations recorded in
`schema_version`, applied in order, each in its own transaction.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
import unicodedata
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dondoc import errors

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
    path = out_dir / LEDGER_FILE
    try:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        migrate(conn)
    except sqlite3.DatabaseError as e:
        # Never "repair" it by starting a new one: the ledger is the analysts' work.
        raise errors.OutputNotWritable(f"ledger {path} cannot be opened: {e}") from e
    return conn


def migrate(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    current = row[0] or 0
    if current > len(MIGRATIONS):
        # Written by a newer dondoc: refuse rather than misread it.
        raise errors.OutputNotWritable(f"ledger schema version {current} is newer than this dondoc "
                                       f"({len(MIGRATIONS)}); upgrade dondoc")
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


def orphans(out_dir: Path, known_task_ids: set[str]) -> list[LedgerEntry]:
    """Latest entries whose task is no longer in the tasks table (its letter was
    removed, or a new version of the letter words the obligation differently).
    They stay in the ledger; this lists them so that someone can look.

    Entries recorded as `open` are left out: open is what a task is anyway, so an
    import of a whole tasks.csv does not flood this list.
    """
    return sorted((e for t, e in latest(out_dir).items() if t not in known_task_ids and e.status != "open"),
                  key=lambda e: (e.at, e.task_id))


def entries_frame(out_dir: Path) -> pd.DataFrame:
    """Every ledger row (history included), for `dondoc query` and reports."""
    columns = ["id", "task_id", "status", "note", "by", "at"]
    if not (out_dir / LEDGER_FILE).exists():
        return pd.DataFrame(columns=columns)
    with closing(connect(out_dir)) as conn:
        rows = conn.execute(f"SELECT {', '.join(columns)} FROM entries ORDER BY id").fetchall()
    return pd.DataFrame(rows, columns=columns)


# --- importing what an analyst edited in Excel ------------------------------------

# Excel saves "CSV UTF-8" with a BOM, plain "CSV" in the Windows code page: cp1258 on
# Vietnamese Windows (tones as combining marks, hence NFC below), cp1252 elsewhere.
IMPORT_ENCODINGS = ("utf-8-sig", "cp1258", "cp1252")
# Vietnamese and European Windows use ';' as the list separator, so Excel writes it.
IMPORT_DELIMITERS = ",;\t"
# What analysts type in the status column besides open/done (folded to lower case, NFC).
STATUS_WORDS = {
    "open": "open", "done": "done", "mở": "open", "chưa xong": "open", "đang thực hiện": "open",
    "xong": "done", "đã xong": "done", "hoàn thành": "done", "đã hoàn thành": "done",
}


def decode_import(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding) of an imported CSV.

    >>> decode_import("task_id,status\\nx,xong\\n".encode("utf-8-sig"), "s.csv")[1]
    'utf-8-sig'
    >>> decode_import(b"ghi ch\\xfa: \\xf0a\\xde g\\xfd\\xd2i", "s.csv")  # tones as combining marks
    ('ghi chú: đã gửi', 'cp1258')
    """
    for encoding in IMPORT_ENCODINGS:
        try:
            return unicodedata.normalize("NFC", data.decode(encoding)), encoding
        except UnicodeDecodeError:
            continue
    raise errors.BadArguments(f"{name}: not text in UTF-8, cp1258 or cp1252; "
                              f"save it from Excel as 'CSV UTF-8 (Comma delimited)'")


def read_import(path: Path, default_by: str | None = None) -> list[LedgerEntry]:
    """Entries from a CSV with columns task_id,status[,note,by] (tasks.csv works too).

    Rows without a task_id are skipped. A bad status stops the import before anything
    is recorded, with the file and line named, so nothing is half-imported.
    """
    if not path.is_file():
        raise errors.BadArguments(f"{path} is not a file")
    text, _ = decode_import(path.read_bytes(), str(path))
    first_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=IMPORT_DELIMITERS)
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = {(c or "").strip().lower(): c for c in reader.fieldnames or []}
    missing = [c for c in ("task_id", "status") if c not in columns]
    if missing:
        raise errors.BadArguments(f"{path} line 1: missing column(s) {', '.join(missing)} "
                                  f"(found: {', '.join(columns) or 'nothing'}); "
                                  f"the first line must name task_id,status,note,by")
    # tasks.csv saved back from Excel: its status column is what the last run wrote, so an
    # `open` there is old output, not a decision. Importing an older export must not
    # reopen what was marked done since; reopening takes `dondoc status ID open`.
    tasks_export = {"doc_id", "overdue"} <= set(columns)
    at = now_utc()
    entries = []
    for line, row in enumerate(reader, start=2):
        def cell(name: str) -> str:
            return (row.get(columns[name]) or "").strip() if name in columns else ""

        task_id = cell("task_id")
        if not task_id:
            continue
        word = cell("status").lower()
        status = STATUS_WORDS.get(word)
        if status is None:
            raise errors.BadArguments(f"{path} line {line}: status of {task_id} is {word!r}; "
                                      f"write open or done (mở / xong)")
        if tasks_export and status == "open":
            continue
        entries.append(LedgerEntry(task_id, status, cell("note") or None, cell("by") or default_by, at))
    return entries


def changes_only(out_dir: Path, entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """Drop entries that would not change a task's current status and note, so that
    importing the same sheet twice, or a whole tasks.csv, adds no noise."""
    current = latest(out_dir)
    kept = []
    for e in entries:
        before = current.get(e.task_id)
        if before is None and e.status == "open" and not e.note:
            continue
        if before is not None and (before.status, before.note) == (e.status, e.note):
            continue
        kept.append(e)
        current[e.task_id] = e
    return kept
