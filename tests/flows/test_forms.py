"""A letter gives the same header and obligations in every form a real inbox holds
it in: clean text, TCVN3 or VNI bytes from a legacy editor, UTF-8 shown as
Windows-1252 (mojibake), decomposed Unicode (NFD)."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from flows.cli import app
from normalizers.legacy_fonts import encode_legacy

ROOT = Path(__file__).resolve().parents[2]
LETTERS = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("00[34]_*.txt"))
FIELDS = ["doc_type", "doc_number", "issue_date", "place", "issuer", "subject", "signer", "signer_title"]


def as_windows_1252(text: str) -> str:
    """UTF-8 bytes as Windows and browsers show them in windows-1252 (undefined bytes kept)."""
    keep = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
    table = {b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0) if b not in keep}
    return text.encode("utf-8").decode("latin-1").translate(table)


def damaged_forms(text: str) -> dict[str, bytes]:
    return {
        "tcvn3": encode_legacy(text, "tcvn3").encode("cp1252"),
        "vni": encode_legacy(text, "vni").encode("cp1252"),
        "mojibake": as_windows_1252(text).encode("utf-8"),
        "nfd": unicodedata.normalize("NFD", text).encode("utf-8"),
    }


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    inbox = tmp_path_factory.mktemp("inbox")
    for letter in LETTERS:
        text = letter.read_text(encoding="utf-8")
        (inbox / letter.name).write_text(text, encoding="utf-8")
        for form, data in damaged_forms(text).items():
            (inbox / f"{letter.stem}.{form}.txt").write_bytes(data)
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(app, ["run", str(inbox), "--out", str(out), "--as-of", "2026-11-25", "-q"])
    assert result.exit_code == 0, result.output
    return pd.read_parquet(out / "documents.parquet"), pd.read_parquet(out / "tasks.parquet")


@pytest.mark.parametrize("form", ["tcvn3", "vni", "mojibake", "nfd"])
@pytest.mark.parametrize("letter", LETTERS, ids=lambda p: p.stem[:3])
def test_damaged_form_reads_like_the_clean_letter(tables, letter, form):
    documents, tasks = tables
    clean = documents[documents["source_path"] == letter.name].iloc[0]
    damaged = documents[documents["source_path"] == f"{letter.stem}.{form}.txt"].iloc[0]
    assert [damaged[f] for f in FIELDS] == [clean[f] for f in FIELDS]
    assert damaged["repairs"].tolist() != []  # the repair is recorded
    dated = lambda doc_id: sorted(str(d) for d in tasks[tasks["doc_id"] == doc_id]["deadline"].dropna())
    assert dated(damaged["doc_id"]) == dated(clean["doc_id"])
