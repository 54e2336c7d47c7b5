"""PDFs with a text layer (pypdfium2), page by page.

Each page's text layer is judged usable or not on its own (a PDF may mix typed
and scanned pages); unusable pages are marked `needs_ocr` and the OCR reader
fills them. Text comes out in reading order for NĐ 30 layouts: where lines are
split into two columns (agency | national motto, number | place and date,
Nơi nhận | signature), the left block is read before the right one, never
interleaved line by line.
"""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from dondoc import errors
from dondoc.models import Page, Source, TextRun
from dondoc.settings import Settings
from readers.columns import Box, Line, group_rows, page_blocks

# A page needs at least this many letters to count as having a text layer.
MIN_LETTERS_PER_PAGE = 20
# Share of replacement/private-use characters above which a text layer is garbage.
MAX_GARBAGE_SHARE = 0.10
# Two text runs of a line further apart than this (PDF points) have a space between them.
RUN_JOIN_GAP = 1.0


def open_pdf(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        message = str(e).lower()
        if "password" in message:
            raise errors.EncryptedPdf(f"pdfium: {e}", path=str(path)) from e
        raise errors.CorruptPdf(f"pdfium: {e}", path=str(path)) from e


def read_pdf(path: Path, source_path: str, doc_id: str, settings: Settings) -> Source:
    pdf = open_pdf(path)
    try:
        if len(pdf) > settings.max_pages:
            raise errors.TooManyPages(f"{len(pdf)} pages > max_pages={settings.max_pages}",
                                      path=str(path))
        if len(pdf) == 0:
            raise errors.CorruptPdf("the PDF has no pages", path=str(path))
        pages, notes = [], []
        for index in range(len(pdf)):
            page = pdf[index]
            text = page_text(page)
            if text_layer_usable(text):
                pages.append(Page(index + 1, (TextRun(text),)))
            elif has_images(page):
                pages.append(Page(index + 1, (), needs_ocr=True))
                notes.append(f"page {index + 1} has no usable text layer; OCR needed")
            else:
                # No picture to read either: a blank page (or a few printed words) as it is.
                pages.append(Page(index + 1, (TextRun(text),) if text.strip() else ()))
                notes.append(f"page {index + 1} has no image and little text; OCR skipped")
    finally:
        pdf.close()
    return Source(path=str(path), source_path=source_path, doc_id=doc_id, source_format="pdf",
                  text_source="pdf-text", pages=tuple(pages), notes=tuple(notes))


def has_images(page: pdfium.PdfPage) -> bool:
    """Does the page hold an image object (a scanned page is one big image)?"""
    return next(iter(page.get_objects(filter=(pdfium_raw.FPDF_PAGEOBJ_IMAGE,), max_depth=2)), None) is not None


def text_layer_usable(text: str) -> bool:
    """A text layer is usable when it has letters and little garbage.

    >>> text_layer_usable("ỦY BAN NHÂN DÂN TỈNH KON TUM  Số: 1923/UBND-NC")
    True
    >>> text_layer_usable("\\ufffd\\ufffd  \\n ")
    False
    """
    letters = sum(1 for c in text if c.isalpha())
    if letters < MIN_LETTERS_PER_PAGE:
        return False
    garbage = sum(1 for c in text if c == "\ufffd" or "\ue000" <= c <= "\uf8ff")
    return garbage / max(letters, 1) <= MAX_GARBAGE_SHARE


def page_text(page: pdfium.PdfPage) -> str:
    """The page's text layer in reading order (`readers.columns`), one line per printed line."""
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        boxes = []
        for i in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(i)
            text = textpage.get_text_bounded(left, bottom, right, top)
            # pdfium marks a hyphen that breaks a word at the end of a line as \x02
            # (`42/KH\x02` / `UBND`): it is a real hyphen in document symbols.
            text = text.replace("\x02", "-").replace("\r", "").replace("\n", " ").strip()
            if text:
                # PDF points from the bottom of the page -> from the top, as on a scan.
                boxes.append(Box(text, left, height - top, right, height - bottom))
    finally:
        textpage.close()
    blocks = page_blocks(group_rows(boxes))
    return "\n".join(join_runs(line) for block in blocks for line in block.lines)


def join_runs(line: Line) -> str:
    """A line's text runs joined, a space only where the runs do not touch: pdfium
    cuts a run where the font changes, which may be inside a word.

    >>> join_runs(Line((Box("Số:", 0, 0, 20, 12), Box("12/UBND", 24, 0, 70, 12), Box("-NC", 70.5, 0, 90, 12))))
    'Số: 12/UBND-NC'
    """
    parts = [line.boxes[0].text]
    for before, box in zip(line.boxes, line.boxes[1:]):
        parts.append(" " if box.left - before.right > RUN_JOIN_GAP else "")
        parts.append(box.text)
    return "".join(parts)
