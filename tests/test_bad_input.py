"""Bad input never stops a run: each bad file is listed in errors.csv/.parquet with a
reason a văn thư understands, is never changed or deleted, and is retried only when
its bytes change. The run exits 0."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from flows.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
BAD = FIXTURES / "bad"
SEED = FIXTURES / "seeds" / "003_0adef7303f31ab3e.txt"

# file -> error classes accepted (see docs/daily.md for the reasons shown)
EXPECTED = {
    "empty.pdf": {"EmptyFile"},
    "truncated.pdf": {"CorruptPdf"},
    # Random bytes named .pdf: "damaged" would be the better sentence for a file
    # named like a PDF; "not supported" is what the sniffer says today.
    "random-bytes.pdf": {"CorruptPdf", "CorruptFile", "UnsupportedFormat"},
    "encrypted.pdf": {"EncryptedPdf"},
    "bomb.png": {"ImageTooLarge"},
    "spreadsheet.zip": {"UnsupportedFormat"},
    "english-letter.txt": {"NotVietnamese"},
}


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture()
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in EXPECTED:
        shutil.copy2(BAD / name, folder / name)
    shutil.copy2(SEED, folder / SEED.name)
    return folder


def run(inbox: Path, out: Path) -> None:
    result = CliRunner().invoke(app, ["run", str(inbox), "--out", str(out), "--as-of", "2026-11-25", "-q"])
    assert result.exit_code == 0, result.output


def test_every_bad_file_is_listed_with_a_plain_reason_and_the_run_exits_0(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "outputs"
    before = digests(inbox)
    run(inbox, out)
    errors_csv = pd.read_csv(out / "errors.csv", encoding="utf-8-sig")
    errors_parquet = pd.read_parquet(out / "errors.parquet")
    assert sorted(errors_csv["source_path"]) == sorted(EXPECTED) == sorted(errors_parquet["source_path"])
    for row in errors_parquet.itertuples():
        assert row.error in EXPECTED[row.source_path], (row.source_path, row.error, row.detail)
        assert " / " in row.reason and not row.reason.startswith(("Traceback", "pdfium")), row.reason
        assert row.detail
    documents = pd.read_parquet(out / "documents.parquet")
    assert list(documents["source_path"]) == [SEED.name]  # the good letter still went through
    assert digests(inbox) == before  # nothing changed or deleted


def test_a_bad_file_is_retried_only_when_its_bytes_change(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "outputs"
    run(inbox, out)
    first = pd.read_parquet(out / "errors.parquet").set_index("source_path")["seen_at"]

    (inbox / "empty.pdf").touch()  # touched, same bytes: not retried
    run(inbox, out)
    second = pd.read_parquet(out / "errors.parquet").set_index("source_path")
    assert sorted(second.index) == sorted(EXPECTED)
    assert (second["seen_at"] == first).all()

    shutil.copy2(SEED, inbox / "empty.pdf")  # the văn thư replaced it with the real letter
    run(inbox, out)
    third = pd.read_parquet(out / "errors.parquet")
    assert "empty.pdf" not in set(third["source_path"])
    assert "empty.pdf" in set(pd.read_parquet(out / "documents.parquet")["source_path"])


def test_a_file_over_the_size_limit_is_put_aside_as_too_large_not_as_too_many_pages(tmp_path: Path) -> None:
    from dataclasses import replace

    from dondoc.errors import FileTooLarge
    from dondoc.settings import Settings
    from readers import read

    letter = tmp_path / "letter.txt"
    letter.write_bytes(SEED.read_bytes())
    tiny_limit = replace(Settings(), max_file_mb=letter.stat().st_size / 2e6)
    with pytest.raises(FileTooLarge, match="max_file_mb"):
        read(letter, letter.name, tiny_limit)
    assert read(letter, letter.name, Settings()).pages  # the same file under the default limit
