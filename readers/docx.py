"""Word files (.docx): body paragraphs, tables and text boxes in document order, then
footnotes, each run with the font Word draws it in.

The font matters: a legacy-font run (`.VnTime`, `VNI-Times`) inside a Unicode
document must be decoded on its own, and legacy files often set the font only on
a style or in the document defaults. So runs are read from the WordprocessingML
with lxml and their font is resolved the way Word does for non-ASCII text
(`w:hAnsi`, then `w:ascii`, through run -> character style -> paragraph style
chain -> document defaults). The same walker reads the .docx that LibreOffice
makes of a legacy `.doc` (readers/legacy_doc.py).

The NĐ 30 header is usually a two-column table (agency | national motto); reading
each row's cells left to right gives the agency block before the motto.
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Iterator

from lxml import etree

from dondoc import errors
from dondoc.models import Page, Source, TextRun
from dondoc.settings import Settings

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _q(tag: str) -> str:
    prefix, name = tag.split(":")
    return "{%s}%s" % ({"w": _W, "mc": _MC}[prefix], name)


def read_docx(path: Path, source_path: str, doc_id: str, settings: Settings) -> Source:
    runs = docx_runs(path) + footnote_runs(path)
    return Source(path=str(path), source_path=source_path, doc_id=doc_id, source_format="docx",
                  text_source="text", pages=(Page(1, runs),))


def footnote_runs(path: Path) -> tuple[TextRun, ...]:
    """Footnotes as numbered lines after the body (`1 Theo Quyết định số 287/QĐ-UBND ...`)."""
    try:
        with zipfile.ZipFile(path) as z:
            if "word/footnotes.xml" not in z.namelist():
                return ()
            root = etree.fromstring(z.read("word/footnotes.xml"))
    except (zipfile.BadZipFile, etree.XMLSyntaxError) as e:
        raise errors.CorruptFile(f"footnotes unreadable: {e}", path=str(path)) from e
    runs, number = [], 0
    for footnote in root.iter(_q("w:footnote")):
        if footnote.get(_q("w:type")) in ("separator", "continuationSeparator"):
            continue
        number += 1
        text = "".join(t.text or "" for t in footnote.iter(_q("w:t"))).strip()
        if text:
            runs.append(TextRun(f"{number} {text}\n"))
    return tuple(runs)



class _Styles:
    """Font lookup through styles.xml: style chains (`basedOn`) and document defaults."""

    def __init__(self, root: etree._Element | None):
        self.by_id: dict[str, etree._Element] = {}
        self.default_paragraph: str | None = None
        self.defaults: etree._Element | None = None
        if root is None:
            return
        for style in root.iter(_q("w:style")):
            style_id = style.get(_q("w:styleId"))
            self.by_id[style_id] = style
            if style.get(_q("w:type")) == "paragraph" and style.get(_q("w:default")) in ("1", "true"):
                self.default_paragraph = style_id
        if self.default_paragraph is None and "Normal" in self.by_id:
            self.default_paragraph = "Normal"
        self.defaults = root.find(f"{_q('w:docDefaults')}/{_q('w:rPrDefault')}/{_q('w:rPr')}")

    def chain(self, style_id: str | None) -> Iterator[etree._Element]:
        seen = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            rpr = style.find(_q("w:rPr"))
            if rpr is not None:
                yield rpr
            based = style.find(_q("w:basedOn"))
            style_id = based.get(_q("w:val")) if based is not None else None


def _font_in(rpr: etree._Element | None, attribute: str) -> str | None:
    if rpr is None:
        return None
    fonts = rpr.find(_q("w:rFonts"))
    return fonts.get(_q(attribute)) if fonts is not None else None


def _run_font(run: etree._Element, paragraph_style: str | None, styles: _Styles) -> str | None:
    """The font Word draws the run's non-ASCII characters in (w:hAnsi, else w:ascii)."""
    rpr = run.find(_q("w:rPr"))
    char_style = None
    if rpr is not None:
        ref = rpr.find(_q("w:rStyle"))
        char_style = ref.get(_q("w:val")) if ref is not None else None
    layers = [rpr, *styles.chain(char_style), *styles.chain(paragraph_style), styles.defaults]
    for attribute in ("w:hAnsi", "w:ascii"):
        for layer in layers:
            font = _font_in(layer, attribute)
            if font:
                return font
    return None


def _run_text(run: etree._Element) -> str:
    parts = []
    for child in run:
        tag = child.tag
        if tag == _q("w:t"):
            parts.append(child.text or "")
        elif tag == _q("w:tab"):
            parts.append("\t")
        elif tag in (_q("w:br"), _q("w:cr")):
            parts.append("\n")
        elif tag == _q("w:noBreakHyphen"):
            parts.append("-")
        elif tag == _q("w:softHyphen"):
            # byte 0xAD: Word's optional hyphen, but the letter `ư` in a TCVN3 font; the
            # normalizer decodes it in legacy runs and drops it elsewhere (invisible-chars)
            parts.append("\u00ad")
    return "".join(parts)


def _paragraph_runs(p: etree._Element, styles: _Styles) -> Iterator[TextRun]:
    ppr = p.find(_q("w:pPr"))
    ref = ppr.find(_q("w:pStyle")) if ppr is not None else None
    paragraph_style = ref.get(_q("w:val")) if ref is not None else styles.default_paragraph
    boxes = []
    for run in p.iter(_q("w:r")):
        # runs of a text box belong to the box's own paragraphs, read after this one
        if _owner_paragraph(run) is not p:
            continue
        text = _run_text(run)
        if text:
            yield TextRun(text, _run_font(run, paragraph_style, styles))
        for box in run.iter(_q("w:txbxContent")):
            if not any(a.tag == _q("mc:Fallback") for a in box.iterancestors()):
                boxes.append(box)
    yield TextRun("\n")
    for box in boxes:
        yield from _block_runs(box, styles)


def _owner_paragraph(run: etree._Element) -> etree._Element | None:
    for ancestor in run.iterancestors():
        if ancestor.tag == _q("w:p"):
            return ancestor
    return None


def _block_runs(parent: etree._Element, styles: _Styles) -> Iterator[TextRun]:
    """Paragraphs and tables in document order; each cell's paragraphs end with a line break."""
    for child in parent:
        if child.tag == _q("w:p"):
            yield from _paragraph_runs(child, styles)
        elif child.tag == _q("w:tbl"):
            for row in child.iter(_q("w:tr")):
                if _nearest(row, "w:tbl") is not child:
                    continue
                for cell in row.findall(_q("w:tc")):
                    yield from _block_runs(cell, styles)
        elif child.tag in (_q("w:sdt"), _q("w:sdtContent"), _q("w:customXml"), _q("w:smartTag")):
            yield from _block_runs(child, styles)


def _nearest(element: etree._Element, tag: str) -> etree._Element | None:
    for ancestor in element.iterancestors():
        if ancestor.tag == _q(tag):
            return ancestor
    return None


def _merge(runs: Iterator[TextRun]) -> tuple[TextRun, ...]:
    """Join neighbouring runs in the same font (Word splits runs at every edit);
    line breaks join the run before them."""
    merged: list[TextRun] = []
    for run in runs:
        if merged and (merged[-1].font == run.font or run.font is None and run.text == "\n"):
            merged[-1] = TextRun(merged[-1].text + run.text, merged[-1].font)
        else:
            merged.append(run)
    return tuple(merged)


def docx_runs(path: Path) -> tuple[TextRun, ...]:
    """Runs of a .docx body (paragraphs, tables, text boxes) with each run's resolved font."""
    try:
        with zipfile.ZipFile(path) as z:
            document = etree.fromstring(z.read("word/document.xml"))
            names = set(z.namelist())
            styles = _Styles(etree.fromstring(z.read("word/styles.xml")) if "word/styles.xml" in names else None)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as e:
        raise errors.CorruptFile(f"Word document unreadable: {e}", path=str(path)) from e
    body = document.find(_q("w:body"))
    if body is None:
        return ()
    return _merge(_block_runs(body, styles))
