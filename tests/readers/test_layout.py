"""Reading order of scanned and PDF pages (readers.columns, shared by the OCR and
PDF readers): two-column header and foot read left block first, the `Nơi nhận`
list and the signature block each kept whole, OCR list dashes mended.

Fixtures (tests/fixtures/scans/layout/, see its README.md) are Tesseract tsv
recorded from real page images, replayed here without Tesseract.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from dondoc.settings import Settings
from readers.columns import Box, Line, page_blocks
from readers.layout import mend_list_dashes, page_text, parse_tsv
from readers.pdf import read_pdf

ROOT = Path(__file__).resolve().parents[2]
LAYOUT = ROOT / "tests" / "fixtures" / "scans" / "layout"
FORMS = ROOT / "corpus" / "forms"

# The letter of wide_foot.pdf (LibreOffice) in reading order, as its text layer gives it.
WIDE_FOOT_LINES = [
    "ỦY BAN NHÂN DÂN", "TỈNH KON TUM", "Số: 1923/UBND-NC", "V/v triển khai thực hiện",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA", "VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    "Kon Tum, ngày 21 tháng 6 năm", "2022",
    "Ủy ban nhân dân tỉnh yêu cầu các cơ quan, đơn vị, địa phương nghiêm túc",
    "triển khai thực hiện; báo cáo kết quả trước ngày 10 tháng 7 năm 2022./.",
    "Nơi nhận:", "- Như trên;", "- Bộ Nội vụ (b/c);", "- Thường trực Tỉnh ủy (b/c);",
    "- Thường trực HĐND tỉnh (b/c);", "- Chủ tịch, các PCT UBND tỉnh;", "- Bảo hiểm xã hội tỉnh;",
    "- Cổng Thông tin điện tử tỉnh;", "- Lưu: VT, NC.",
    "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An",
]


def ocr_text(fixture: str) -> str:
    return page_text(parse_tsv((LAYOUT / fixture).read_text(encoding="utf-8")))


def blocks(text: str) -> list[list[str]]:
    return [block.splitlines() for block in text.split("\n\n")]


def block_starting(text: str, first_line: str) -> list[str]:
    return next(block for block in blocks(text) if block[0].startswith(first_line))


# --- the foot: `Nơi nhận` | signature -------------------------------------------------

def test_widely_spaced_nơi_nhận_list_and_signature_are_each_one_block():
    """A list typed with 1.5 line spacing beside the signature: each item used to be
    a block of its own, and the signature block landed in the middle of the list."""
    text = ocr_text("wide_foot.tsv")
    recipients = block_starting(text, "Nơi nhận:")
    assert len(recipients) == 9 and all(line.startswith("- ") for line in recipients[1:])
    assert recipients[-1].startswith("- Lưu:")
    signature = block_starting(text, "TM. ỦY BAN NHÂN DÂN")
    assert signature[1] == "KT. CHỦ TỊCH" and signature[-1] == "Nguyễn Văn An" and len(signature) == 4
    assert text.index("- Lưu:") < text.index("TM. ỦY BAN NHÂN DÂN")


def test_scanned_foot_reads_list_then_signature_without_its_loose_accents():
    """Office-copy scan of seed 003's last page: Tesseract cuts the circumflexes of
    the bold `Lê` and `Tuấn` into a line of their own ("â ấ", read at 81-93 %)."""
    text = ocr_text("office_foot_signature.tsv")
    lines = text.splitlines()
    assert not [line for line in lines if line.strip() in {"â", "ấ", "â ấ"}]
    assert text.index("- Lưu: VT, NCTTHG.") < text.index("TM. UY BAN NHAN DAN")
    assert block_starting(text, "TM.") == ["TM. UY BAN NHAN DAN", "CHU TỊCH", "Lê Ngọc Tuần"]
    recipients = block_starting(text, "Mạ nhận:")  # the OCR's reading of `Nơi nhận:`
    assert sum(line.startswith("- ") for line in recipients) == 17


def test_ocr_dash_lookalikes_in_a_list_become_dashes():
    """Fax scan (200 dpi) of seed 002's foot: Tesseract reads three list dashes as `~`."""
    raw = [w.text for w in parse_tsv((LAYOUT / "fax_foot_dashes.tsv").read_text(encoding="utf-8"))]
    assert raw.count("~") == 3  # the fixture really has them
    recipients = block_starting(ocr_text("fax_foot_dashes.tsv"), "Nơi nhận:")
    assert len(recipients) == 15 and all(line.startswith("- ") for line in recipients[1:])
    assert "- Ngân hàng nhà nước chị nhánh tỉnh Kon Tum;" in recipients


@pytest.mark.parametrize("lines, expected", [
    (["Nơi nhận:", "~ Như trên;", "- Sở Nội vụ;"], ["Nơi nhận:", "- Như trên;", "- Sở Nội vụ;"]),
    (["- Sở Nội vụ;", "— Sở Tư pháp;", "« UBND huyện;", "- Lưu: VT."],
     ["- Sở Nội vụ;", "- Sở Tư pháp;", "- UBND huyện;", "- Lưu: VT."]),
    (["-Lưu: VT;", "= Sở Y tế;"], ["-Lưu: VT;", "- Sở Y tế;"]),
    # `+` is a sub-item bullet: kept, and a look-alike beside it is left alone
    (["- Văn phòng UBND tỉnh:", "+ CVP, các PCVP;", "~ Trung tâm Phục vụ;", "+ Cổng TTĐT;"],
     ["- Văn phòng UBND tỉnh:", "+ CVP, các PCVP;", "~ Trung tâm Phục vụ;", "+ Cổng TTĐT;"]),
    # no `- ` item around: not a list, nothing to mend
    (["Tổng cộng", "= 5 hồ sơ"], ["Tổng cộng", "= 5 hồ sơ"]),
    (["~ Như trên;"], ["~ Như trên;"]),
    # the glyph must stand alone
    (["- Sở Nội vụ;", "~Sở Tư pháp;"], ["- Sở Nội vụ;", "~Sở Tư pháp;"]),
])
def test_mend_list_dashes(lines, expected):
    assert mend_list_dashes(lines) == expected


# --- the header: agency | motto, number | place and date ----------------------------

def test_header_over_a_full_width_body_line_is_read_column_by_column():
    """The first body line sits right under both header columns (a pixel closer to
    the right one): it used to be read as part of the motto column, before the agency."""
    text = ocr_text("wide_foot.tsv")
    order = ["ỦY BAN NHÂN DÂN", "TỈNH KON TUM", "Số: 1923/UBND-NC", "CỘNG HÒA", "Độc lập",
             "Kon Tum, ngày 21", "Ủy ban nhân dân tỉnh yêu cầu", "Nơi nhận:"]
    assert [text.index(anchor) for anchor in order] == sorted(text.index(anchor) for anchor in order)
    assert not [line for line in text.splitlines() if "Số:" in line and "ngày" in line]


def test_photo_header_with_a_narrow_gutter_is_not_interleaved():
    """Photographed page (seed 002 p3): the gap between `DÂN` and `CỘNG` is 147 px,
    under 2.5 times a line box stretched to 73 px by an underline stroke under `BAN`,
    but over 3 times the words' own height."""
    lines = ocr_text("photo_header_narrow_gutter.tsv").splitlines()
    assert lines[:2] == ["ỦY BAN NHÂN DÂN", "TINH KON TUM"]
    assert lines.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") > 1


# --- the same order from a PDF text layer -----------------------------------------

def test_pdf_text_layer_gives_the_same_reading_order():
    source = read_pdf(LAYOUT / "wide_foot.pdf", "wide_foot.pdf", "0" * 16, Settings())
    assert [line for line in source.text.splitlines() if line.strip()] == WIDE_FOOT_LINES


def test_pdf_and_ocr_agree_on_the_order_of_the_letter_parts():
    pdf_text = read_pdf(LAYOUT / "wide_foot.pdf", "wide_foot.pdf", "0" * 16, Settings()).text
    scan_text = ocr_text("wide_foot.tsv")
    anchors = ["ỦY BAN NHÂN DÂN", "Số: 1923/UBND-NC", "CỘNG HÒA", "Kon Tum, ngày",
               "Ủy ban nhân dân tỉnh yêu cầu", "Nơi nhận:", "- Như trên;", "- Lưu:",
               "TM. ỦY BAN NHÂN DÂN", "Nguyễn Văn An"]
    for text in (pdf_text, scan_text):
        positions = [text.index(anchor) for anchor in anchors]
        assert positions == sorted(positions)


def test_seed_pdf_foot_keeps_the_list_before_the_signature():
    """LibreOffice PDF of seed 003: the `Nơi nhận` list, whole, then the signature block."""
    source = read_pdf(next(FORMS.glob("003_*.pdf")), "003.pdf", "0" * 16, Settings())
    lines = source.pages[-1].text.splitlines()
    start, signature = lines.index("Nơi nhận:"), lines.index("TM. ỦY BAN NHÂN DÂN")
    assert signature - start == 18 and all(line.startswith("- ") for line in lines[start + 1:signature])
    assert lines[signature + 1:signature + 3] == ["CHỦ TỊCH", "Lê Ngọc Tuấn"]


# --- the shared function on hand-made boxes ------------------------------------------

def row(y: float, *phrases: tuple[float, str], height: float = 40) -> Line:
    """A printed line: each phrase starts at its x, words 25 per letter wide, 15 apart."""
    boxes = []
    for x, phrase in phrases:
        for word in phrase.split():
            boxes.append(Box(word, x, y, x + 25 * len(word), y + height))
            x += 25 * len(word) + 15
    return Line(tuple(boxes))


def test_list_beside_a_short_signature_block_is_not_interleaved():
    """Rows 100 apart (a 40-high line, 60 of space): wider than a blank line by the
    page's measure, but the list keeps that rhythm, so it stays one block."""
    page = [row(0, (200, "Để thực hiện nghiêm túc các nội dung trên, báo cáo kết quả./.")),
            row(150, (200, "Nơi nhận:"), (1400, "KT. CHỦ TỊCH")),
            row(250, (200, "- Như trên;"), (1400, "PHÓ CHỦ TỊCH")),
            row(350, (200, "- Sở Nội vụ;")),
            row(450, (200, "- Lưu: VT."), (1450, "Trần Văn B"))]
    assert [block.text for block in page_blocks(page)] == [
        "Để thực hiện nghiêm túc các nội dung trên, báo cáo kết quả./.",
        "Nơi nhận:\n- Như trên;\n- Sở Nội vụ;\n- Lưu: VT.",
        "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nTrần Văn B"]


def test_a_paragraph_break_still_separates_blocks():
    page = [row(0, (200, "một hai")), row(50, (200, "ba bốn")), row(160, (200, "năm sáu")), row(210, (200, "bảy"))]
    assert [block.text for block in page_blocks(page)] == ["một hai\nba bốn", "năm sáu\nbảy"]
