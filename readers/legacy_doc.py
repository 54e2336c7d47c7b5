"""Legacy Word 97-2003 files (.doc, OLE2): convert with LibreOffice, read runs with their fonts.

Old letters were typed in 8-bit fonts (`.VnTime` is TCVN3, `VNI-Times` is VNI), often
next to Unicode text, so each run keeps the font Word would draw it with; the
normalizer decodes each run by its font (`normalizers.chain.decode_runs`).

The font of a run is resolved the way Word does for non-ASCII characters: `w:hAnsi`
(then `w:ascii`) from the run's own properties, its character style, the paragraph
style and the styles it is based on, then the document defaults. Many legacy files set
the font only on the Normal style, so reading `run.font.name` alone misses most text.

LibreOffice runs headless with a profile folder of its own per call, so parallel
conversions never share (and lock) one profile, and under a timeout.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Iterator, Sequence

from lxml import etree

from dondoc import errors
from dondoc.models import Page, Source, TextRun
from dondoc.settings import Settings

CONVERT_TIMEOUT_S = 180  # a 200-page .doc converts in well under a minute on one core
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _q(tag: str) -> str:
    prefix, name = tag.split(":")
    return "{%s}%s" % ({"w": _W, "mc": _MC}[prefix], name)


def soffice_path() -> str:
    """The LibreOffice program, or ToolMissing with what to install."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise errors.ToolMissing("LibreOffice (soffice) is not on PATH; install it to read .doc files "
                             "(Debian/Ubuntu: apt-get install libreoffice-writer)")


def convert_to_docx(paths: Sequence[Path], out_dir: Path, timeout: float = CONVERT_TIMEOUT_S) -> list[Path]:
    """Convert .doc files to .docx in `out_dir` with one headless LibreOffice call.

    Returns the .docx paths in the order given; raises CorruptFile if LibreOffice
    fails, times out, or writes nothing for a file.
    """
    soffice = soffice_path()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dondoc-soffice-") as profile:
        command = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                   "--norestore", "--convert-to", "docx", "--outdir", str(out_dir),
                   *(str(p) for p in paths)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise errors.CorruptFile(f"LibreOffice did not finish converting in {timeout:.0f} s",
                                     path=str(paths[0])) from e
    results = []
    for path in paths:
        target = out_dir / (path.stem + ".docx")
        if not target.exists() or target.stat().st_size == 0:
            raise errors.CorruptFile(f"LibreOffice could not convert {path.name} "
                                     f"(exit {done.returncode}): {done.stderr.strip()[-300:]}",
                                     path=str(path))
        results.append(target)
    return results


_WORD_STREAM = "WordDocument".encode("utf-16-le")  # name of the text stream in the OLE2 directory


def check_word_file(path: Path) -> None:
    """Refuse OLE2 files that hold no Word document (an .xls, .ppt, .msg or damaged file):
    LibreOffice would otherwise import their bytes as text and give garbage."""
    with open(path, "rb") as f:
        data = f.read()
    if _WORD_STREAM not in data:
        # The OLE2 header says where the directory sector is; past the end means truncated.
        sector_size = 1 << int.from_bytes(data[0x1E:0x20], "little") if len(data) >= 0x34 else 512
        directory = int.from_bytes(data[0x30:0x34], "little") if len(data) >= 0x34 else 0
        if len(data) < 512 + (directory + 1) * sector_size:
            raise errors.CorruptFile(f"OLE2 file cut short: {len(data)} bytes, directory expected at "
                                     f"{512 + directory * sector_size}", path=str(path))
        kind = "an Excel workbook" if "Workbook".encode("utf-16-le") in data else "not a Word document"
        raise errors.UnsupportedFormat(f"OLE2 file without a WordDocument stream ({kind})", path=str(path))


def read_legacy_doc(path: Path, source_path: str, doc_id: str, settings: Settings) -> Source:
    """The reader for sniffed OLE2 `.doc` files: one page of font-tagged runs."""
    check_word_file(path)
    with tempfile.TemporaryDirectory(prefix="dondoc-doc-") as tmp:
        # LibreOffice names its output after the input; copy to a plain name so odd
        # characters in the inbox file name cannot confuse it.
        plain = Path(tmp) / "input.doc"
        shutil.copyfile(path, plain)
        (converted,) = convert_to_docx([plain], Path(tmp) / "out")
        runs = docx_runs(converted)
    return Source(path=str(path), source_path=source_path, doc_id=doc_id, source_format="doc",
                  text_source="text", pages=(Page(1, runs),),
                  notes=("converted from .doc with LibreOffice",))


# --- reading the converted .docx ------------------------------------------------------

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
        raise errors.CorruptFile(f"converted document unreadable: {e}", path=str(path)) from e
    body = document.find(_q("w:body"))
    if body is None:
        return ()
    return _merge(_block_runs(body, styles))
