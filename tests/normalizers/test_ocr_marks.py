"""The `ocr-marks` repair: Tesseract `vie` mark confusions fixed by the syllable LM.

Inputs are lines Tesseract `vie` really printed for the scanned seed letters
(seed 003 `1923/UBND-NC` rendered as an office copy, a fax and a phone photo, read
by `readers.ocr`), with what the letter says.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from dondoc.models import Page, Source, TextRun
from dondoc.settings import Settings
from normalizers import chain, ocr_marks

ROOT = Path(__file__).resolve().parents[2]

# (OCR'd line, the printed line); each OCR'd line comes from the scanned seeds.
REAL_OCR_LINES = [
    ("- Ủy ban Mặt trận Tố quốc Việt Nam tỉnh (p/h);",
     "- Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh (p/h);"),
    ("- Đài Phát thanh và Truyên hình tỉnh;", "- Đài Phát thanh và Truyền hình tỉnh;"),
    ("xây dựng chính quyên.", "xây dựng chính quyền."),
    ("- Phối hợp, đấy mạnh tuyên truyền, vận động Nhân dân thực hiện tốt chủ",
     "- Phối hợp, đẩy mạnh tuyên truyền, vận động Nhân dân thực hiện tốt chủ"),
    ("- Tiếp tục tố chức thực hiện đầy đủ, kịp thời nhiệm vụ được Ủy ban nhân dân",
     "- Tiếp tục tổ chức thực hiện đầy đủ, kịp thời nhiệm vụ được Ủy ban nhân dân"),
    ("nhân sự thực thi nhiệm vụ được giao có dư luận phản ánh không tốt thì theo thấm",
     "nhân sự thực thi nhiệm vụ được giao có dư luận phản ánh không tốt thì theo thẩm"),
    ("có giải pháp thúc đầy việc giải quyết thủ tục hành chính trên môi trường điện tử...",
     "có giải pháp thúc đẩy việc giải quyết thủ tục hành chính trên môi trường điện tử..."),
]

# The end of seed 003's office-copy OCR: the bold signature block lost its marks.
SIGNATURE_OCR = """- Bưu điện tỉnh Kon Tum;
- Đài Phát thanh và Truyền hình tỉnh;
- Cổng Thông tin điện tử tỉnh;
- Lưu: VT, NCTTHG.

TM. UY BAN NHAN DAN

CHU TỊCH
"""


@pytest.mark.parametrize("ocr, printed", REAL_OCR_LINES)
def test_real_ocr_confusions_are_repaired(ocr, printed):
    assert ocr_marks.repair_ocr_marks(ocr) == printed


@pytest.mark.parametrize("ocr, printed", REAL_OCR_LINES)
def test_the_repair_is_idempotent(ocr, printed):
    assert ocr_marks.repair_ocr_marks(printed) == printed


def test_bold_capitals_that_lost_their_marks_get_them_back():
    fixed = ocr_marks.repair_ocr_marks(SIGNATURE_OCR)
    assert "TM. ỦY BAN NHÂN DÂN" in fixed
    assert "CHỦ TỊCH" in fixed
    assert "NCTTHG" in fixed and "Kon Tum" in fixed


def test_codes_numbers_abbreviations_and_names_are_untouched():
    text = ("Số: 1923 /UBND-NC Kon Tum, ngày 21 tháng 6 năm 2022; Kế hoạch số 42/KH-UBND; "
            "Chỉ số PAPI, PAR INDEX; Công ty Wilmar; Lưu: VT, NCTTHG; (b/c); 18-NQ/TU")
    assert ocr_marks.repair_ocr_marks(text) == text


def test_accent_less_text_is_left_to_the_restorer():
    text = "Can cu Nghi quyet so 18-NQ/TU cua Tinh uy ve lanh dao thuc hien nhiem vu"
    assert ocr_marks.repair_ocr_marks(text) == text


def test_clean_letters_are_almost_unchanged():
    """Typed text is never sent through the step (see the chain tests); still, on
    a clean letter the step must not invent errors: seed 004 (1,900 words)."""
    text = (ROOT / "corpus" / "004_23b9d5d83946800d.txt").read_text(encoding="utf-8")
    fixed = ocr_marks.repair_ocr_marks(text)
    before, after = text.split(), fixed.split()
    assert len(before) == len(after)
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    # The only changes are the letter's own misspellings (`chuyên đổi số` for `chuyển`).
    assert len(changed) <= 3, changed


def test_costs_are_read_from_the_data_file():
    costs = ocr_marks.load_costs()
    assert 0 < costs.bare_capitals < costs.tone <= costs.quality
    assert ocr_marks.change_cost("tố", "tổ", costs) > 0
    assert ocr_marks.change_cost("hòa", "hoà", costs) is None


# ---------------------------------------------------------------- the chain

OCR_PAGE = "- Ủy ban Mặt trận Tố quốc Việt Nam tỉnh (p/h);\n- Đài Phát thanh và Truyên hình tỉnh;\n"


def _source(text_source: str, pages: tuple[Page, ...]) -> Source:
    return Source(path="/x", source_path="x", doc_id="0" * 16, source_format="pdf",
                  text_source=text_source, pages=pages)


def test_the_chain_records_ocr_marks_for_ocr_sources():
    source = _source("ocr", (Page(1, (TextRun(OCR_PAGE),), ocr_confidence=91.0),))
    normalized = chain.normalize(source, Settings())
    assert "ocr-marks" in normalized.repair_names
    assert "Tổ quốc" in normalized.text and "Truyền hình" in normalized.text
    assert chain.replay(normalized.raw_text, normalized.repair_names) == normalized.text


@pytest.mark.parametrize("text_source", ["text", "pdf-text"])
def test_digital_text_never_goes_through_the_step(text_source):
    source = _source(text_source, (Page(1, (TextRun(OCR_PAGE),)),))
    normalized = chain.normalize(source, Settings())
    assert normalized.text == OCR_PAGE
    assert "ocr-marks" not in normalized.repair_names
    assert chain.normalize_text(OCR_PAGE).text == OCR_PAGE


def test_only_the_ocr_pages_of_a_mixed_pdf_are_repaired():
    typed = Page(1, (TextRun(OCR_PAGE),))  # a text layer: its `Tố` is left as typed
    scanned = Page(2, (TextRun(OCR_PAGE),), ocr_confidence=90.0)
    normalized = chain.normalize(_source("ocr", (typed, scanned)), Settings())
    first, second = normalized.text.split("\f")
    assert first == OCR_PAGE
    assert "Tổ quốc" in second
    assert "ocr-marks" in normalized.repair_names


def test_normalize_text_runs_the_step_when_told_the_text_is_ocr():
    assert "ocr-marks" in chain.normalize_text(OCR_PAGE, text_source="ocr").repair_names
