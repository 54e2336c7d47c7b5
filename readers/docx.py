"""Word files (.docx) with python-docx: body paragraphs and tables in document
order, then footnotes. Runs keep their font name, because a legacy-font run
(`.VnTime`, `VNI-Times`) inside a Unicode document must be decoded on its own.

The NĐ 30 header is usually a two-column table (agency | national motto); reading
each row's cells left to right gives the agency block before the motto.
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Iterator

import docx
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from dondoc import errors
from dondoc.models import Page, Source, TextRun
from dondoc.settings import Settings


def open_docx(path: Path) -> DocumentObject:
    try:
        return docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as e:
        raise errors.CorruptFile(f"python-docx: {type(e).__name__}: {e}", path=str(path)) from e


def read_docx(path: Path, source_path: str, doc_id: str, settings: Settings) -> Source:
    document = open_docx(path)
    runs = list(document_runs(document))
    return Source(path=str(path), source_path=source_path, doc_id=doc_id, source_format="docx",
                  text_source="text", pages=(Page(1, tuple(_merge_runs(runs))),))


def document_runs(document: DocumentObject) -> Iterator[TextRun]:
    """Every run of the body (paragraphs and table cells), then the footnotes."""
    for block in iter_blocks(document):
        if isinstance(block, Paragraph):
            yield from paragraph_runs(block)
        else:
            yield from table_runs(block)
    yield from footnote_runs(document)


def iter_blocks(parent) -> Iterator[Paragraph | Table]:
    """Paragraphs and tables in document order (python-docx lists them separately)."""
    body = parent.element.body if isinstance(parent, DocumentObject) else parent._tc
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent)
        elif child.tag == qn("w:tbl"):
            yield Table(child, parent)


def paragraph_runs(paragraph: Paragraph) -> Iterator[TextRun]:
    style_font = _style_font(paragraph)
    for run in paragraph.runs:
        if run.text:
            yield TextRun(run.text, _run_font(run) or style_font)
    yield TextRun("\n")


def table_runs(table: Table) -> Iterator[TextRun]:
    for row in table.rows:
        seen = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # merged cells repeat
                continue
            seen.add(id(cell._tc))
            for block in iter_blocks(cell):
                if isinstance(block, Paragraph):
                    yield from paragraph_runs(block)
                else:
                    yield from table_runs(block)


def footnote_runs(document: DocumentObject) -> Iterator[TextRun]:
    """Footnotes as numbered lines at the end (python-docx has no footnote API)."""
    part = next((rel.target_part for rel in document.part.rels.values()
                 if rel.reltype.endswith("/footnotes")), None)
    if part is None:
        return
    root = etree.fromstring(part.blob)
    number = 0
    for footnote in root.iter(qn("w:footnote")):
        if footnote.get(qn("w:type")) in ("separator", "continuationSeparator"):
            continue
        number += 1
        text = "".join(t.text or "" for t in footnote.iter(qn("w:t"))).strip()
        if text:
            yield TextRun(f"{number} {text}\n")


def _run_font(run) -> str | None:
    if run.font.name:
        return run.font.name
    rpr = run._r.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    if fonts is not None:
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            if fonts.get(qn(attr)):
                return fonts.get(qn(attr))
    return None


def _style_font(paragraph: Paragraph) -> str | None:
    style = paragraph.style
    while style is not None:
        if style.font is not None and style.font.name:
            return style.font.name
        style = style.base_style
    return None


def _merge_runs(runs: list[TextRun]) -> list[TextRun]:
    """Join neighbouring runs in the same font (Word splits runs at every edit)."""
    merged: list[TextRun] = []
    for run in runs:
        if merged and (merged[-1].font == run.font or run.text == "\n"):
            merged[-1] = TextRun(merged[-1].text + run.text, merged[-1].font)
        else:
            merged.append(run)
    return merged
