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


# Words that are no syllable. The signature block of held-out letter a94e2ffb page 2
# (benchmarks/ocr_marks.py, office copy), as Tesseract `vie` printed it: the bold
# capitals lost their marks and `THUE`, `QUOC` are not even syllables without them.
THUE_SIGNATURE_OCR = """Cục Thuế trả lời để Thuế thành phố Huế được biết./.

Nơi nhận:
- Như trên;
- Phó CTr Đặng Ngọc Minh (để b/c);
- Cục QLCS; Vụ Pháp chế (BTC);
- Ban PC - CT;
- Website CT;
- Lưu: VT, CS.

TL. CỤC TRƯỞNG
í Á
TRƯƠNG BAN BAN CHINH SÁCH,
THUE QUOC TE

:

Nguyễn Thị Thanh Hằng
"""


def test_heading_capitals_that_are_no_syllable_without_their_marks_get_them_back():
    fixed = ocr_marks.repair_ocr_marks(THUE_SIGNATURE_OCR)
    assert "THUẾ QUỐC TẾ" in fixed
    assert "Nguyễn Thị Thanh Hằng" in fixed and "Lưu: VT, CS." in fixed


@pytest.mark.parametrize("seen, meant", [
    # the letters of a syllable under marks no syllable has (typed letters of the LM
    # corpus; the same shape as an OCR misread)
    ("các nghiệp vụ kinh tế phát sinh theo trình tự thơì gian, có các yếu tố sau:",
     "các nghiệp vụ kinh tế phát sinh theo trình tự thời gian, có các yếu tố sau:"),
    ("- Doanh nghiệp lụyện kim;", "- Doanh nghiệp luyện kim;"),
    ("tăng cường công tác quản lý nhà nưóc về đất đai", "tăng cường công tác quản lý nhà nước về đất đai"),
    # a glyph confusion: rn for m
    ("- Tiếp tục tổ chức thực hiện đầy đủ, kịp thời nhiệrn vụ được Ủy ban nhân dân",
     "- Tiếp tục tổ chức thực hiện đầy đủ, kịp thời nhiệm vụ được Ủy ban nhân dân"),
])
def test_non_syllables_one_confusion_from_a_syllable_are_repaired(seen, meant):
    assert ocr_marks.repair_ocr_marks(seen) == meant


@pytest.mark.parametrize("text", [
    "Xã Đạ Rèòn và xã Đạ Sar, huyện Lạc Dương, tỉnh Lâm Đồng;",  # names
    "Bưu điện tỉnh Kon Tum; Ủy ban nhân dân huyện Kon Plông;",  # a name
    "Lắp pin (BAT Assembly) theo hướng dẫn kỹ thuật tốt nhất hiện có (BAT);",  # English
    "Mẫu BM.XNKBCXB.01.doc kèm theo Thông tư số 21/2020/TT-BTTTT);",  # a file name, a code
    "VPCP Hà nội/BCĐ IT.2000 gửi Sở Tài chính; UBND tỉnh; 42/KH-UBND",  # abbreviations
])
def test_non_syllable_names_foreign_words_and_codes_are_left_alone(text):
    assert ocr_marks.repair_ocr_marks(text) == text


def test_non_syllable_candidates_keep_the_word_and_are_priced():
    costs = ocr_marks.load_costs()
    thue = dict(ocr_marks.candidates("THUE", True, costs))
    assert thue["thue"] == 0.0 and thue["thuế"] == pytest.approx(2 * costs.bare_capitals)
    assert dict(ocr_marks.candidates("nhiệrn", False, costs))["nhiệm"] == 6.0
    assert dict(ocr_marks.candidates("Rèòn", False, costs))["rèn"] == costs.double_mark
    assert ocr_marks.candidates("doc", False, costs) == ()  # unmarked: file names, English
    assert ocr_marks.candidates("Kon", False, costs) == ()
