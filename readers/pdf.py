"""PDFs with a text layer (pypdfium2), page by page.

Each page's text layer is judged usable or not on its own (a PDF may mix typed
and scanned pages); unusable pages are marked `needs_ocr` and the OCR reader
fills them. Text comes out in reading order for NĐ 30 layouts: where lines are
split into two columns (agency | national motto, number | place and date,
Nơi nhận | signature), the left block is read before the right one, never
interleaved line by line.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from dondoc import errors
from dondoc.models import Page, Source, TextRun
from dondoc.settings import Settings

# A page needs at least this many letters to count as having a text layer.
MIN_LETTERS_PER_PAGE = 20
# Share of replacement/private-use characters above which a text layer is garbage.
MAX_GARBAGE_SHARE = 0.10


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text on one line, with its box in PDF points (origin bottom-left)."""

    left: float
    bottom: float
    right: float
    top: float
    text: str


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
    textpage = page.get_textpage()
    try:
        segments = []
        for i in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(i)
            text = textpage.get_text_bounded(left, bottom, right, top)
            # pdfium marks a hyphen that breaks a word at the end of a line as \x02
            # (`42/KH\x02` / `UBND`): it is a real hyphen in document symbols.
            text = text.replace("\x02", "-").replace("\r", "").replace("\n", " ").strip()
            if text:
                segments.append(Segment(left, bottom, right, top, text))
    finally:
        textpage.close()
    width = page.get_width()
    return "\n".join(reading_order(group_lines(segments), width))


def group_lines(segments: list[Segment]) -> list[list[Segment]]:
    """Group segments into lines (vertical overlap), top to bottom, left to right."""
    lines: list[list[Segment]] = []
    for seg in sorted(segments, key=lambda s: (-s.top, s.left)):
        for line in lines:
            ref = line[0]
            overlap = min(ref.top, seg.top) - max(ref.bottom, seg.bottom)
            if overlap > 0.5 * min(ref.top - ref.bottom, seg.top - seg.bottom):
                line.append(seg)
                break
        else:
            lines.append([seg])
    for line in lines:
        line.sort(key=lambda s: s.left)
    lines.sort(key=lambda line: -max(s.top for s in line))
    return lines


def classify_line(line: list[Segment], page_width: float) -> tuple[str, list[Segment], list[Segment]]:
    """Say whether a line is `full` width, `left` or `right` of the middle, or `split`
    in two columns at a wide gap that crosses the middle; return its left and right parts."""
    heights = [s.top - s.bottom for s in line]
    min_gap = 2.5 * statistics.median(heights)
    middle = page_width / 2
    margin = page_width * 0.1
    for i in range(1, len(line)):
        gap_left, gap_right = line[i - 1].right, line[i].left
        if gap_right - gap_left >= min_gap and gap_left - margin <= middle <= gap_right + margin:
            return "split", line[:i], line[i:]
    if line[0].left > middle - page_width * 0.05:
        return "right", [], line
    if line[-1].right < middle + page_width * 0.05:
        return "left", line, []
    return "full", line, []


def reading_order(lines: list[list[Segment]], page_width: float) -> list[str]:
    """Emit lines; a run of column lines is read as its left block, then its right block.

    A run starts at a line split in two columns and goes on over lines that sit
    in one half of the page; a full-width line ends it.
    """
    out: list[str] = []
    left_block: list[str] = []
    right_block: list[str] = []
    in_columns = False
    for line in lines:
        kind, left, right = classify_line(line, page_width)
        if kind == "full" or (kind == "left" and not in_columns):
            out.extend(left_block + right_block)
            left_block, right_block, in_columns = [], [], False
            out.append(_join(left))
            continue
        in_columns = in_columns or kind == "split" or kind == "right"
        if left:
            left_block.append(_join(left))
        if right:
            right_block.append(_join(right))
    out.extend(left_block + right_block)
    return out


def _join(segments: list[Segment]) -> str:
    parts = [segments[0].text]
    for prev, seg in zip(segments, segments[1:]):
        gap = seg.left - prev.right
        parts.append(" " if gap > 1.0 else "")
        parts.append(seg.text)
    return "".join(parts)
