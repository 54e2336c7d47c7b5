"""Readers give the same letter text whatever the container: text bytes in any
Unicode form or 8-bit, Word, PDF with a text layer, saved web pages."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

import readers
from dondoc import errors
from dondoc.settings import Settings
from readers.text import decode_bytes

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "corpus" / "forms"
SEED_003 = next((ROOT / "tests" / "fixtures" / "seeds").glob("003_*.txt"))
LINE = "Số: 1923 /UBND-NC Kon Tum, ngày 21 tháng 6 năm 2022"


def read(path: Path):
    return readers.read(path, path.name, Settings())


@pytest.mark.parametrize("encoded", [
    LINE.encode("utf-8"),
    codecs.BOM_UTF8 + LINE.encode("utf-8"),
    LINE.encode("utf-16"),  # with BOM
    LINE.encode("utf-16-le"),  # without BOM, as Notepad's "Unicode" sometimes saves
])
def test_unicode_text_files_decode_to_the_same_letter(encoded):
    text, decoded_as = decode_bytes(encoded)
    assert text == LINE and decoded_as is None


def test_8bit_bytes_are_handed_on_as_their_cp1252_surface():
    # TCVN3 bytes of "Cộng hoà" read as cp1252: the legacy repair recognises this surface
    text, decoded_as = decode_bytes(b"C\xe9ng ho\xb5 x\xb7 h\xe9i")
    assert (text, decoded_as) == ("Céng hoµ x· héi", "cp1252")


def test_format_is_sniffed_from_bytes_not_extension(tmp_path):
    pdf_named_txt = tmp_path / "letter.txt"
    pdf_named_txt.write_bytes((FORMS / f"{SEED_003.stem}.pdf").read_bytes())
    assert readers.sniff_format(pdf_named_txt) == "pdf"
    docx_named_pdf = tmp_path / "letter.pdf"
    docx_named_pdf.write_bytes((FORMS / f"{SEED_003.stem}.docx").read_bytes())
    assert readers.sniff_format(docx_named_pdf) == "docx"


def test_unknown_bytes_with_an_unknown_name_are_unsupported(tmp_path):
    path = tmp_path / "bảng lương.xyz"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(errors.UnsupportedFormat):
        read(path)


@pytest.mark.parametrize("content, error", [
    (b"", errors.EmptyFile),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog", errors.CorruptPdf),
    (bytes(range(256)) * 8, errors.CorruptPdf),  # random bytes named .pdf: a damaged PDF
])
def test_bad_files_raise_errors_with_a_reason(tmp_path, content, error):
    path = tmp_path / "bad.pdf"
    path.write_bytes(content)
    with pytest.raises(error) as info:
        read(path)
    assert info.value.reason  # a sentence for the văn thư


@pytest.mark.parametrize("form", ["pdf", "docx"])
def test_pdf_and_docx_forms_carry_the_same_lines_as_the_text(form):
    source = read(FORMS / f"{SEED_003.stem}.{form}")
    text = source.text
    assert source.text_source == ("pdf-text" if form == "pdf" else "text")
    for line in ("Kính gửi:", "Nơi nhận:", "Lê Ngọc Tuấn", "1923 /UBND-NC",
                 "trước ngày 10 tháng 7 năm 2022"):
        assert line in text.replace("\n", " "), line


def test_pdf_page_count_and_format():
    source = read(FORMS / f"{SEED_003.stem}.pdf")
    assert source.source_format == "pdf" and len(source.pages) >= 2
    assert not any(p.needs_ocr for p in source.pages)


def test_docx_runs_keep_their_font_names():
    source = read(FORMS / f"{SEED_003.stem}.docx")
    fonts = {run.font for page in source.pages for run in page.runs if run.text.strip()}
    assert "Times New Roman" in fonts


def test_two_column_pdf_header_reads_agency_block_before_motto(tmp_path):
    """NĐ 30 header printed as a two-column table: the left cell (agency) comes out
    whole before the right cell (national motto), never interleaved line by line."""
    import docx
    import shutil
    import subprocess

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nTỈNH KON TUM"
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    document.add_paragraph("Để kịp thời khắc phục những hạn chế, tồn tại trong công tác cải cách "
                           "hành chính, Ủy ban nhân dân tỉnh yêu cầu các cơ quan thực hiện nghiêm.")
    source_docx = tmp_path / "header.docx"
    document.save(source_docx)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source_docx)],
                   check=True, capture_output=True, timeout=180)
    text = read(tmp_path / "header.pdf").text
    assert text.startswith("ỦY BAN NHÂN DÂN\nTỈNH KON TUM\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA")
    assert text.index("TỈNH KON TUM") < text.index("Độc lập - Tự do - Hạnh phúc") < text.index("Để kịp thời")


def test_saved_web_page_drops_site_chrome(tmp_path):
    page = tmp_path / "letter.html"
    page.write_text(
        "<html><head><title>Cổng thông tin</title><script>var x=1</script></head><body>"
        "<div class='main-menu'>Trang chủ | Giới thiệu | Văn bản</div>"
        "<div id='content'><table><tr><td><p>ỦY BAN NHÂN DÂN</p><p>TỈNH KON TUM</p></td>"
        "<td><p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p></td></tr></table>"
        "<p>Số: 1923/UBND-NC</p><p>Kính gửi: Sở Nội vụ</p></div>"
        "<footer>Bản quyền thuộc Cổng thông tin điện tử tỉnh</footer></body></html>", encoding="utf-8")
    text = read(page).text
    assert text.split("\n")[:3] == ["ỦY BAN NHÂN DÂN", "TỈNH KON TUM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    assert "Trang chủ" not in text and "Bản quyền" not in text and "var x" not in text


def test_blank_pdf_page_is_not_sent_to_ocr(tmp_path):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    document.new_page(595, 842)
    path = tmp_path / "blank.pdf"
    document.save(path)
    from readers.pdf import read_pdf

    source = read_pdf(path, "blank.pdf", "0" * 16, Settings())
    assert not source.pages[0].needs_ocr
    assert "OCR skipped" in source.notes[0]


def test_scanned_pdf_page_is_marked_for_ocr():
    from readers.pdf import read_pdf

    scan = next((ROOT / "corpus" / "scans").glob("003_*.pdf"))
    source = read_pdf(scan, scan.name, "0" * 16, Settings())
    assert all(p.needs_ocr for p in source.pages)
