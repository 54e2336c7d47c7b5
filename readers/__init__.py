"""Readers: a file in, a `Source` out (pages of text, or pages awaiting OCR).

Formats are sniffed from the bytes (magic numbers), not trusted from the
extension: a scanner that names a TIFF `.pdf` still gets read. Each reader is a
plain function `(path, source_path, doc_id, settings) -> Source` registered in
`READERS`; pages without a usable text layer go through OCR afterwards.
"""
from __future__ import annotations

import hashlib
import importlib
import zipfile
from pathlib import Path
from typing import Callable

from dondoc import errors
from dondoc.models import Source
from dondoc.settings import Settings

Reader = Callable[[Path, str, str, Settings], Source]


def file_digest(path: Path) -> str:
    """doc_id: the first 16 hex chars of the sha256 of the file's bytes."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()[:16]


_TEXT_EXTENSIONS = {".txt", ".text", ".md", ".markdown", ".csv"}
_HTML_EXTENSIONS = {".html", ".htm", ".xhtml", ".mhtml"}


def sniff_format(path: Path) -> str:
    """Name the file's format from its first bytes (and the extension for text kinds)."""
    with open(path, "rb") as f:
        head = f.read(2048)
    if not head:
        raise errors.EmptyFile(f"{path.name} has 0 bytes", path=str(path))
    suffix = path.suffix.lower()
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"  # OLE2 compound file: Word 97-2003
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                if "word/document.xml" in z.namelist():
                    return "docx"
        except zipfile.BadZipFile as e:
            raise errors.CorruptFile(f"zip container is damaged: {e}", path=str(path)) from e
        raise errors.UnsupportedFormat(f"zip archive that is not a Word document", path=str(path))
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if suffix in _HTML_EXTENSIONS or stripped.startswith((b"<!doctype html", b"<html")):
        return "html"
    if suffix in _TEXT_EXTENSIONS or _looks_like_text(head):
        return "md" if suffix in {".md", ".markdown"} else "txt"
    # Named like a format we read but not in its bytes: a damaged copy, not a wrong type.
    if suffix == ".pdf":
        raise errors.CorruptPdf(f"named .pdf but does not start like a PDF: {head[:8]!r}", path=str(path))
    if suffix in {".docx", ".doc", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}:
        raise errors.CorruptFile(f"named {suffix} but its bytes are not that format: {head[:8]!r}",
                                 path=str(path))
    raise errors.UnsupportedFormat(f"unrecognised bytes {head[:8]!r} ({suffix or 'no extension'})",
                                   path=str(path))


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 with a byte-order mark
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls <= len(head) // 100


# Format -> "module:function". Imported on first use, so that `dondoc --help` does
# not pay for pdfium, python-docx or OpenCV, and a reader's missing system tool
# only affects files of its own format.
READERS: dict[str, str] = {
    "txt": "readers.text:read_text",
    "md": "readers.text:read_text",
    "html": "readers.html:read_html",
    "pdf": "readers.pdf:read_pdf",
    "docx": "readers.docx:read_docx",
    "doc": "readers.legacy_doc:read_legacy_doc",
    "png": "readers.image:read_image",
    "jpg": "readers.image:read_image",
    "tiff": "readers.image:read_image",
    "ocr": "readers.ocr:ocr_source",  # fills the pages that need OCR: (Source, Settings) -> Source
}


def reader_for(fmt: str) -> Reader:
    module_name, function_name = READERS[fmt].split(":")
    module = importlib.import_module(module_name)
    return getattr(module, function_name)


def read(path: Path, source_path: str, settings: Settings, doc_id: str | None = None) -> Source:
    """The read stage: sniff, read, then OCR the pages that have no usable text."""
    size_mb = path.stat().st_size / 1e6
    if size_mb > settings.max_file_mb:
        raise errors.FileTooLarge(f"{size_mb:.0f} MB is over max_file_mb={settings.max_file_mb}",
                                  path=str(path))
    fmt = sniff_format(path)
    doc_id = doc_id or file_digest(path)
    source = reader_for(fmt)(path, source_path, doc_id, settings)
    if any(p.needs_ocr for p in source.pages):
        source = reader_for("ocr")(source, settings)
    if not source.text.strip():
        raise errors.NoText(f"no text in {len(source.pages)} page(s)", path=str(path))
    return source
