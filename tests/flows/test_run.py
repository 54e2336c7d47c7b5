"""`dondoc run` end to end through the CLI: tables, incremental re-runs, bad files
put aside, changed files replacing their old rows, removed files dropped."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from flows.cli import app

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
runner = CliRunner()


def run(inbox: Path, out: Path, *extra: str):
    result = runner.invoke(app, ["run", str(inbox), "--out", str(out), "--as-of", "2026-11-25", *extra])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def inbox(tmp_path) -> Path:
    folder = tmp_path / "inbox"
    (folder / "2022").mkdir(parents=True)
    shutil.copy(next(SEEDS.glob("003_*.txt")), folder / "2022")
    shutil.copy(next(SEEDS.glob("004_*.txt")), folder)
    return folder


def test_run_writes_documents_and_tasks(inbox, tmp_path):
    out = tmp_path / "out"
    run(inbox, out)
    docs = pd.read_parquet(out / "documents.parquet")
    assert sorted(docs["source_path"]) == ["004_23b9d5d83946800d.txt", "2022/003_0adef7303f31ab3e.txt"]
    letter = docs[docs["source_path"].str.startswith("2022/")].iloc[0]
    assert letter["doc_number"] == "1923/UBND-NC"
    assert len(letter["doc_id"]) == 16
    tasks = pd.read_parquet(out / "tasks.parquet")
    late = tasks[tasks["deadline"].astype(str) == "2022-07-10"]
    assert len(late) == 1 and bool(late.iloc[0]["overdue"]) and late.iloc[0]["status"] == "open"
    assert (out / "documents.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_unchanged_files_are_not_read_again(inbox, tmp_path):
    out = tmp_path / "out"
    run(inbox, out)
    result = run(inbox, out)
    assert "0 read, 2 unchanged" in result.output


def test_changed_file_replaces_its_rows_and_removed_file_goes(inbox, tmp_path):
    out = tmp_path / "out"
    run(inbox, out)
    letter = inbox / "2022" / "003_0adef7303f31ab3e.txt"
    letter.write_text(letter.read_text(encoding="utf-8").replace("Số: 1923", "Số: 1924"), encoding="utf-8")
    (inbox / "004_23b9d5d83946800d.txt").unlink()
    result = run(inbox, out)
    assert "1 read, 0 unchanged, 1 removed" in result.output
    docs = pd.read_parquet(out / "documents.parquet")
    assert list(docs["doc_number"]) == ["1924/UBND-NC"]
    tasks = pd.read_parquet(out / "tasks.parquet")
    assert set(tasks["doc_id"]) <= set(docs["doc_id"])


def test_bad_file_is_put_aside_and_the_run_goes_on(inbox, tmp_path):
    out = tmp_path / "out"
    broken = inbox / "scan-broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n% truncated by the scanner")
    before = broken.read_bytes()
    result = run(inbox, out)
    assert "1 file(s) put aside" in result.output
    errors = pd.read_csv(out / "errors.csv", encoding="utf-8-sig")
    assert list(errors["source_path"]) == ["scan-broken.pdf"]
    assert "PDF" in errors.loc[0, "reason"]
    assert broken.read_bytes() == before  # never changed
    assert len(pd.read_parquet(out / "documents.parquet")) == 2
    # not retried while its bytes are the same, retried when they change
    assert "0 read" in run(inbox, out).output
    broken.write_bytes(b"%PDF-1.4\n% still broken, but different")
    assert "1 read" in run(inbox, out).output


def test_citations_from_an_earlier_run_still_confirm_a_damaged_header(tmp_path):
    """Seed 001 (accent-less scan, month unreadable) gets its date from seed 000's
    citation even when 000 was ingested by an earlier run."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(next(SEEDS.glob("000_*.txt")), inbox)
    run(inbox, tmp_path / "out")
    shutil.copy(next(SEEDS.glob("001_*.txt")), inbox)
    run(inbox, tmp_path / "out")
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    plan = docs[docs["source_path"].str.startswith("001_")].iloc[0]
    assert str(plan["issue_date"]) == "2023-01-06"
    assert any(p.startswith("issue_date=citation:") for p in plan["provenance"])


def test_empty_inbox_gives_empty_tables(tmp_path):
    (tmp_path / "inbox").mkdir()
    run(tmp_path / "inbox", tmp_path / "out")
    assert len(pd.read_parquet(tmp_path / "out" / "tasks.parquet")) == 0
    assert (tmp_path / "out" / "documents.csv").exists()


def test_missing_inbox_is_a_one_line_error(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "nowhere" in result.output


def test_text_command_prints_repaired_text_and_explains(tmp_path):
    damaged = next(SEEDS.glob("000_*.txt"))
    result = runner.invoke(app, ["text", str(damaged), "--explain"])
    assert result.exit_code == 0, result.output
    assert "Ủy ban nhân dân tỉnh" in result.stdout
    assert "font-map" in result.stderr


def test_unchanged_rerun_rewrites_only_what_the_date_moves(inbox, tmp_path):
    out = tmp_path / "out"
    run(inbox, out)
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("*.parquet")}
    run(inbox, out)  # same inbox, same as-of date: nothing to rewrite
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.parquet")} == stamps
    result = runner.invoke(app, ["run", str(inbox), "--out", str(out), "--as-of", "2022-07-01"])
    assert result.exit_code == 0, result.output
    tasks = pd.read_parquet(out / "tasks.parquet")
    assert not tasks[tasks["deadline"].astype(str) == "2022-07-10"]["overdue"].any()  # not yet due then
    assert (out / "documents.parquet").stat().st_mtime_ns == stamps["documents.parquet"]


def test_a_scanned_signer_takes_the_marks_the_typed_letters_give_the_same_name(tmp_path, monkeypatch):
    """OCR reads the bold signed name of seed 003's office copy as `Lê Ngọc Tuần`;
    the typed letter beside it, signed for the same place, writes `Lê Ngọc Tuấn`."""
    import sys

    import readers.ocr

    sys.path.insert(0, str(ROOT / "tests" / "readers"))
    from tesseract_cache import cached_tesseract

    monkeypatch.setattr(readers.ocr, "run_tesseract",
                        cached_tesseract(ROOT / "tests" / "fixtures" / "scans" / "tesseract_cache"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(next(SEEDS.glob("004_*.txt")), inbox)  # typed, signed by someone else
    shutil.copy(ROOT / "corpus" / "scans" / "003_0adef7303f31ab3e.scan.pdf", inbox)
    run(inbox, tmp_path / "out")
    scan = pd.read_parquet(tmp_path / "out" / "documents.parquet").set_index("source_path").loc[
        "003_0adef7303f31ab3e.scan.pdf"]
    assert scan["signer"] != "Lê Ngọc Tuấn"  # what OCR reads, with no typed letter to confirm it
    shutil.copy(next(SEEDS.glob("003_*.txt")), inbox)
    run(inbox, tmp_path / "out")
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet").set_index("source_path")
    scan = docs.loc["003_0adef7303f31ab3e.scan.pdf"]
    assert scan["signer"] == "Lê Ngọc Tuấn"
    assert any(p.startswith("signer=document:") for p in scan["provenance"])
    assert docs.loc["004_23b9d5d83946800d.txt", "signer"] != "Lê Ngọc Tuấn"
