"""Legacy Word 97 files through LibreOffice: runs keep their fonts and decode to the transcripts.

The 8 real files of tests/fixtures/legacy/ are converted once per session (one
LibreOffice call); the transcripts beside them are the expected text.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rapidfuzz.distance import Levenshtein

from dondoc import errors
from dondoc.models import Page, Source
from dondoc.settings import Settings
from normalizers import normalize
from readers import legacy_doc

pytestmark = pytest.mark.slow  # runs LibreOffice

LEGACY = Path(__file__).parents[1] / "fixtures" / "legacy"
DOCS = sorted(LEGACY.glob("*.doc"))

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                                   reason="LibreOffice is not installed")


@pytest.fixture(scope="session")
def converted(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("legacy-docx")
    return {p.stem: d for p, d in zip(DOCS, legacy_doc.convert_to_docx(DOCS, out))}


def _squash(text: str) -> str:
    # layout (spaces, tabs, blank lines) differs between LibreOffice and the transcripts
    return re.sub(r"\s+", " ", text).strip()


def _normalized(docx: Path) -> str:
    runs = legacy_doc.docx_runs(docx)
    source = Source(path=str(docx), source_path=docx.name, doc_id="test", source_format="doc",
                    text_source="text", pages=(Page(1, runs),))
    return normalize(source).text


@needs_soffice
@pytest.mark.parametrize("name", [p.stem for p in DOCS])
def test_each_legacy_doc_decodes_close_to_its_transcript(converted, name):
    """>= 97.5 % per file: the transcripts also hold header text and field codes
    (`PAGE 2`, `EMBED Excel.Sheet.8`) that are not body text."""
    out, truth = _squash(_normalized(converted[name])), _squash((LEGACY / f"{name}.txt").read_text(encoding="utf-8"))
    assert 1 - Levenshtein.distance(out, truth) / len(truth) >= 0.975


@needs_soffice
def test_legacy_docs_reach_99_percent_over_all_files(converted):
    errors_total = chars_total = 0
    for name, docx in converted.items():
        truth = _squash((LEGACY / f"{name}.txt").read_text(encoding="utf-8"))
        errors_total += Levenshtein.distance(_squash(_normalized(docx)), truth)
        chars_total += len(truth)
    assert 1 - errors_total / chars_total >= 0.99


@needs_soffice
def test_font_set_only_on_the_normal_style_is_found(converted):
    """2009-download sets VNI-Times on the Normal style only; its runs carry no font."""
    fonts = {r.font for r in legacy_doc.docx_runs(converted["2009-download"]) if r.text.strip()}
    assert fonts == {"VNI-Times"}


@needs_soffice
def test_tcvn3_runs_keep_upper_case_font_names(converted):
    fonts = {r.font for r in legacy_doc.docx_runs(converted["2003-02144qd"]) if r.text.strip()}
    assert {".VnTime", ".VnTimeH"} <= fonts


@needs_soffice
def test_table_cells_are_read_in_order(converted):
    text = _normalized(converted["2009-download"])
    assert "CÁC CHỈ TIÊU VỀ BHLĐ\nSỐ LIỆU\n" in text


@needs_soffice
def test_soft_hyphen_byte_is_u_horn_in_tcvn3(converted):
    assert "Bộ trưởng Bộ Tài chính" in _normalized(converted["2004-B6"])


@needs_soffice
def test_read_legacy_doc_gives_a_doc_source():
    path = LEGACY / "2009-download.doc"
    source = legacy_doc.read_legacy_doc(path, "inbox/2009-download.doc", "abc", Settings())
    assert (source.source_format, source.text_source, source.doc_id) == ("doc", "text", "abc")
    assert len(source.pages) == 1 and source.pages[0].runs
    assert "Haïnh phuùc" in source.text  # raw legacy surface: decoding is the normalizer's job
    assert "Hạnh phúc" in normalize(source).text


def test_missing_libreoffice_is_a_tool_missing_error(monkeypatch):
    monkeypatch.setattr(legacy_doc.shutil, "which", lambda name: None)
    with pytest.raises(errors.ToolMissing):
        legacy_doc.read_legacy_doc(LEGACY / "2009-download.doc", "x.doc", "x", Settings())


def test_ole2_file_without_a_word_stream_is_refused(tmp_path):
    """An Excel workbook saved as .doc: OLE2 too, but no WordDocument stream."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[0x1E:0x20] = (9).to_bytes(2, "little")  # 512-byte sectors; directory in sector 0
    directory = "Root Entry".encode("utf-16-le").ljust(128, b"\0") + "Workbook".encode("utf-16-le").ljust(128, b"\0")
    fake = tmp_path / "fake.doc"
    fake.write_bytes(bytes(header) + directory.ljust(512, b"\0"))
    with pytest.raises(errors.UnsupportedFormat):
        legacy_doc.read_legacy_doc(fake, "fake.doc", "x", Settings())


def test_truncated_doc_is_a_corrupt_file(tmp_path):
    broken = tmp_path / "broken.doc"
    broken.write_bytes((LEGACY / "2004-B6.doc").read_bytes()[:6000])
    with pytest.raises(errors.CorruptFile):
        legacy_doc.read_legacy_doc(broken, "broken.doc", "x", Settings())
