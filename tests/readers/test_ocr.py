"""The OCR page pipeline: scanned pages read back close to their text, header
columns are not interleaved, and failures raise typed errors.

Most tests replay recorded Tesseract output (tests/fixtures/scans/tesseract_cache);
`test_live_tesseract_reads_a_header_crop` runs the real program on a small crop.
"""
from __future__ import annotations

import stat
import sys
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

import readers.ocr
from dondoc.errors import NoText, OcrFailed, ToolMissing
from dondoc.models import Page, Source, TextRun
from dondoc.settings import Settings
sys.path.insert(0, str(Path(__file__).parent))  # pytest runs with --import-mode=importlib
from ocr_support import char_accuracy, replay_tesseract, scans  # noqa: F401  (fixtures)
from readers.layout import page_text, parse_tsv
from readers.preprocess import estimate_skew, find_page_quadrilateral, rotate, to_greyscale

SETTINGS = Settings(workers=2)
TSV_HEAD = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def scanned_pdf(path: Path, pages: int = 1) -> Source:
    """What readers.pdf gives for an image-only PDF: pages awaiting OCR."""
    return Source(path=str(path), source_path=path.name, doc_id="0" * 16, source_format="pdf",
                  text_source="pdf-text", pages=tuple(Page(n, needs_ocr=True) for n in range(1, pages + 1)))


def tsv(*rows: tuple) -> str:
    """Word rows (block, par, line, left, top, width, height, text) as Tesseract tsv."""
    lines = [TSV_HEAD] + [f"5\t1\t{b}\t{p}\t{ln}\t1\t{x}\t{y}\t{w}\t{h}\t95\t{t}" for b, p, ln, x, y, w, h, t in rows]
    return "\n".join(lines)


def fax_page(scans: Path) -> np.ndarray:
    with Image.open(scans / "004_p1-2.fax.tiff") as image:
        return np.array(image.convert("L"))


# --- whole pipeline (replayed tesseract) ---------------------------------------------

def test_scanned_pdf_page_reads_back_close_to_its_text(scans, replay_tesseract):
    source = readers.ocr.ocr_source(scanned_pdf(scans / "003_p1.fax.pdf"), SETTINGS)
    reference = (scans / "003_p1.ref.txt").read_text(encoding="utf-8")
    assert source.text_source == "ocr"
    assert not source.pages[0].needs_ocr
    assert char_accuracy(source.text, reference) >= 0.98
    assert source.ocr_confidence is not None and source.ocr_confidence > 80


def test_header_columns_are_read_left_block_first(scans, replay_tesseract):
    text = readers.ocr.ocr_source(scanned_pdf(scans / "003_p1.fax.pdf"), SETTINGS).text
    lines = text.splitlines()
    assert text.index("ỦY BAN NHÂN DÂN") < text.index("TỈNH KON TUM") < text.index("CỘNG HÒA")
    assert not [line for line in lines if "Số:" in line and "ngày" in line], "number and date interleaved"
    assert any(line.startswith("Kon Tum, ngày 21 tháng 6 năm 2022") for line in lines)


def test_nơi_nhận_and_signature_stay_separate_blocks():
    words = tsv((1, 1, 1, 200, 3000, 90, 40, "Nơi"), (1, 1, 1, 310, 3000, 150, 40, "nhận:"),
                (1, 1, 1, 1500, 3000, 140, 40, "TM. ỦY BAN"),
                (1, 1, 2, 200, 3050, 300, 40, "- Như trên;"), (1, 1, 2, 1500, 3050, 200, 40, "CHỦ TỊCH"),
                (1, 1, 3, 200, 3100, 300, 40, "- Lưu: VT."))
    assert page_text(parse_tsv(words)) == "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n\nTM. ỦY BAN\nCHỦ TỊCH"


def test_justified_line_with_a_long_url_is_not_split_into_columns():
    words = tsv((1, 1, 1, 200, 500, 60, 40, "để"), (1, 1, 1, 500, 500, 60, 40, "xem"),
                (1, 1, 1, 800, 500, 90, 40, "video"), (1, 1, 1, 1100, 500, 1000, 40, "https://drive.google.com/x"))
    assert page_text(parse_tsv(words)) == "để xem video https://drive.google.com/x"


def test_pages_with_a_text_layer_are_not_ocrd(monkeypatch, scans):
    def no_tesseract(*args, **kwargs):
        raise AssertionError("tesseract must not run")

    monkeypatch.setattr(readers.ocr, "run_tesseract", no_tesseract)
    source = replace(scanned_pdf(scans / "003_p1.fax.pdf"), pages=(Page(1, runs=(TextRun("Số: 12/UBND"),)),))
    assert readers.ocr.ocr_source(source, SETTINGS) is source


# --- preprocessing ----------------------------------------------------------------------

def test_skew_of_a_tilted_page_is_measured(scans):
    page = fax_page(scans)
    level = rotate(page, -estimate_skew(page))
    assert abs(estimate_skew(rotate(level, 2.0)) - 2.0) <= 0.3
    assert abs(estimate_skew(rotate(level, -1.2)) + 1.2) <= 0.3


def test_photo_page_outline_is_found_and_scans_have_none(scans):
    photo = to_greyscale(cv2.imread(str(scans / "004_p1.photo.jpg")))
    corners = find_page_quadrilateral(photo)
    assert corners is not None
    area = cv2.contourArea(corners) / (photo.shape[0] * photo.shape[1])
    assert 0.7 < area < 0.97
    assert find_page_quadrilateral(fax_page(scans)) is None


# --- failures -------------------------------------------------------------------------

@pytest.fixture
def fake_tesseract(monkeypatch, tmp_path):
    """Point the reader at a stand-in program (OCRmyPDF's tests/plugins/tesseract_crash.py)."""
    def install(script: str) -> None:
        program = tmp_path / "tesseract"
        program.write_text("#!/bin/sh\n" + script)
        program.chmod(program.stat().st_mode | stat.S_IEXEC)
        monkeypatch.setattr(readers.ocr, "TESSERACT", str(program))
        readers.ocr.installed_languages.cache_clear()

    yield install
    readers.ocr.installed_languages.cache_clear()


def test_crashing_tesseract_raises_ocr_failed(fake_tesseract, scans):
    fake_tesseract('case "$*" in *--list-langs*) printf "List of languages\\nvie\\n"; exit 0;; esac\n'
                   'echo "Segmentation fault" >&2; exit 139\n')
    with pytest.raises(OcrFailed) as error:
        readers.ocr.ocr_source(scanned_pdf(scans / "003_p1.fax.pdf"), SETTINGS)
    assert error.value.transient


def test_missing_tesseract_raises_tool_missing(monkeypatch, scans):
    monkeypatch.setattr(readers.ocr, "TESSERACT", "/nonexistent/tesseract")
    readers.ocr.installed_languages.cache_clear()
    try:
        with pytest.raises(ToolMissing):
            readers.ocr.ocr_source(scanned_pdf(scans / "003_p1.fax.pdf"), SETTINGS)
    finally:
        readers.ocr.installed_languages.cache_clear()


def test_missing_language_model_raises_tool_missing():
    with pytest.raises(ToolMissing, match="xyz"):
        readers.ocr.check_tesseract("vie+xyz")


def test_blank_scan_raises_no_text(tmp_path, replay_tesseract):
    blank = tmp_path / "blank.pdf"
    Image.new("L", (850, 1100), 255).save(blank, resolution=100.0)
    with pytest.raises(NoText):
        readers.ocr.ocr_source(scanned_pdf(blank), replace(SETTINGS, ocr_dpi=100))


# --- live ---------------------------------------------------------------------------

def test_live_tesseract_reads_a_header_crop(scans, tmp_path):
    header = fax_page(scans)[: fax_page(scans).shape[0] // 6]
    raster = tmp_path / "header.png"
    cv2.imwrite(str(raster), header)
    result = readers.ocr.ocr_page_image(raster, 200, 1, "vie")
    assert "Số: /SGTVT-VP" in result.text and "Kon Tum, ngày" in result.text
    assert result.confidence is not None and result.confidence > 70


def test_sideways_page_is_turned_before_ocr(scans, tmp_path, replay_tesseract):
    """A page fed into the scanner turned 90 degrees (tesseract's OSD runs live)."""
    raster = tmp_path / "sideways.png"
    cv2.imwrite(str(raster), cv2.rotate(fax_page(scans), cv2.ROTATE_90_COUNTERCLOCKWISE))
    result = readers.ocr.ocr_page_image(raster, 200, 1, "vie")
    assert "turned 90 deg" in result.note
    reference = (scans / "004_p1.ref.txt").read_text(encoding="utf-8")
    assert char_accuracy(result.text, reference) >= 0.97
