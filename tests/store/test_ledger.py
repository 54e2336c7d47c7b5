"""The status ledger is user data: every change is a new row (latest wins), nothing
deletes or rewrites it, its schema is versioned, and an Excel-edited CSV imports
whatever Excel saved it as — or says which file and line is wrong."""
from __future__ import annotations

import hashlib
import sqlite3
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dondoc import errors
from flows.cli import app
from store import ledger


def entry(task_id: str, status: str, note: str | None = None) -> ledger.LedgerEntry:
    return ledger.LedgerEntry(task_id, status, note, "chị Lan", ledger.now_utc())


def test_every_change_is_a_new_row_and_the_latest_wins(tmp_path: Path) -> None:
    ledger.record(tmp_path, [entry("t1", "done", "đã gửi báo cáo")])
    ledger.record(tmp_path, [entry("t1", "open", "báo cáo bị trả lại"), entry("t2", "done")])
    assert [e.status for e in ledger.history(tmp_path, "t1")] == ["done", "open"]
    assert ledger.latest(tmp_path)["t1"].note == "báo cáo bị trả lại"
    assert len(ledger.entries_frame(tmp_path)) == 3


def test_no_code_path_deletes_or_rewrites_entries() -> None:
    source = Path(ledger.__file__).read_text(encoding="utf-8").upper()
    for statement in ("DELETE FROM", "UPDATE ENTRIES", "DROP TABLE", "REPLACE INTO", "VACUUM"):
        assert statement not in source


def test_migrations_are_versioned_and_applied_once(tmp_path: Path) -> None:
    ledger.record(tmp_path, [entry("t1", "done")])
    ledger.record(tmp_path, [entry("t2", "done")])
    with sqlite3.connect(tmp_path / ledger.LEDGER_FILE) as conn:
        versions = [v for (v,) in conn.execute("SELECT version FROM schema_version ORDER BY version")]
        journal_mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert versions == list(range(1, len(ledger.MIGRATIONS) + 1))
    assert journal_mode == "wal"


def test_a_ledger_from_a_newer_dondoc_is_refused_not_touched(tmp_path: Path) -> None:
    ledger.record(tmp_path, [entry("t1", "done")])
    with sqlite3.connect(tmp_path / ledger.LEDGER_FILE) as conn:
        conn.execute("INSERT INTO schema_version VALUES (99)")
    with pytest.raises(errors.OutputNotWritable, match="newer"):
        ledger.latest(tmp_path)


def test_a_damaged_ledger_is_reported_and_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / ledger.LEDGER_FILE
    path.write_bytes(b"this is not a database" * 100)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(errors.OutputNotWritable, match="cannot be opened"):
        ledger.record(tmp_path, [entry("t1", "done")])
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_entries_whose_task_disappeared_are_kept_and_listed(tmp_path: Path) -> None:
    ledger.record(tmp_path, [entry("kept", "done"), entry("gone", "done", "văn bản đã thu hồi"),
                             entry("gone-open", "open")])
    assert [e.task_id for e in ledger.orphans(tmp_path, {"kept"})] == ["gone"]
    assert set(ledger.latest(tmp_path)) == {"kept", "gone", "gone-open"}


# --- importing what an analyst edited in Excel ------------------------------------

def import_file(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "trang_thai.csv"
    path.write_bytes(data)
    return path


def test_import_reads_excel_utf8_with_bom_and_semicolons(tmp_path: Path) -> None:
    csv = "task_id;status;note;by\r\nt1;done;Đã gửi Sở Nội vụ;anh Minh\r\nt2;Xong;;\r\n;;;\r\n"
    entries = ledger.read_import(import_file(tmp_path, csv.encode("utf-8-sig")), default_by="văn thư")
    assert [(e.task_id, e.status, e.note, e.by) for e in entries] == [
        ("t1", "done", "Đã gửi Sở Nội vụ", "anh Minh"), ("t2", "done", None, "văn thư")]


def to_cp1258(text: str) -> bytes:
    """What Vietnamese Windows writes: letters like â, ơ, đ precomposed, tones as
    combining marks after them."""
    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tones = [c for c in parts if c in TONE_MARKS]
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        out.append((base + "".join(tones)).encode("cp1258"))
    return b"".join(out)


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def test_import_reads_cp1258_as_saved_by_vietnamese_windows(tmp_path: Path) -> None:
    note = "Đã hoàn thành, gửi kèm báo cáo"
    data = to_cp1258(f'task_id,status,note\nt1,done,"{note}"\n')
    assert b"\xde" in data  # a combining tilde, as Windows writes it
    [imported] = ledger.read_import(import_file(tmp_path, data))
    assert imported.note == note  # NFC, though cp1258 writes tones as combining marks


def test_import_names_the_file_and_line_of_a_bad_status(tmp_path: Path) -> None:
    path = import_file(tmp_path, b"task_id,status\nt1,done\nt2,finished?\n")
    with pytest.raises(errors.BadArguments, match=r"trang_thai.csv line 3: status of t2 is 'finished\?'"):
        ledger.read_import(path)


def test_import_says_which_columns_are_missing(tmp_path: Path) -> None:
    with pytest.raises(errors.BadArguments, match="line 1: missing column"):
        ledger.read_import(import_file(tmp_path, b"id,trang thai\nt1,done\n"))


def test_importing_the_same_sheet_twice_adds_nothing(tmp_path: Path) -> None:
    path = import_file(tmp_path, "task_id,status,note\nt1,done,xong\nt2,open,\n".encode("utf-8-sig"))
    first = ledger.changes_only(tmp_path, ledger.read_import(path))
    assert [e.task_id for e in first] == ["t1"]  # t2 was open anyway
    ledger.record(tmp_path, first)
    assert ledger.changes_only(tmp_path, ledger.read_import(path)) == []


def test_status_command_records_one_change_and_an_import(tmp_path: Path) -> None:
    out = tmp_path / "outputs"
    runner = CliRunner()
    result = runner.invoke(app, ["status", "t1", "done", "--note", "đã gửi", "--by", "chị Lan", "--out", str(out)])
    assert result.exit_code == 0, result.output
    path = import_file(tmp_path, b"task_id,status\nt2,done\n")
    result = runner.invoke(app, ["status", "--import", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert {t: e.status for t, e in ledger.latest(out).items()} == {"t1": "done", "t2": "done"}
    bad = import_file(tmp_path, b"task_id,status\nt3,maybe\n")
    result = runner.invoke(app, ["status", "--import", str(bad), "--out", str(out)])
    assert result.exit_code == 2 and "line 2" in result.output
    assert "t3" not in ledger.latest(out)


def test_an_old_tasks_csv_export_never_reopens_what_was_done_since(tmp_path: Path) -> None:
    export = "task_id,doc_id,text,status,overdue\nt1,0adef7303f31ab3e,gửi kế hoạch,open,True\n" \
             "t2,0adef7303f31ab3e,báo cáo,done,False\n"
    ledger.record(tmp_path, [entry("t1", "done", "đã gửi")])
    entries = ledger.changes_only(tmp_path, ledger.read_import(import_file(tmp_path, export.encode("utf-8-sig"))))
    assert [(e.task_id, e.status) for e in entries] == [("t2", "done")]
