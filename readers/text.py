"""Plain text and markdown files.

Unicode is taken as declared (BOM) or as UTF-8 when the bytes are valid UTF-8.
Anything else is 8-bit text from a legacy editor: it is decoded as cp1252 (bytes
cp1252 leaves undefined keep their latin-1 code point), which is exactly the
surface the legacy-encoding repairs recognise (`Céng hoµ` for TCVN3 `Cộng hoà`).
"""
from __future__ import annotations

import codecs
from pathlib import Path

from dondoc.models import Page, Source, TextRun
from dondoc.settings import Settings

# cp1252 with the five undefined bytes (0x81 0x8D 0x8F 0x90 0x9D) kept as latin-1.
_CP1252_OVER_LATIN1 = {
    b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
_CP1252_TABLE = str.maketrans({chr(b): c for b, c in _CP1252_OVER_LATIN1.items()})


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Decode file bytes; return (text, decoded_as) where decoded_as is None for Unicode.

    >>> decode_bytes("Ủy ban".encode("utf-8"))
    ('Ủy ban', None)
    >>> decode_bytes(b"C\\xe9ng ho\\xb5")
    ('Céng hoµ', 'cp1252')
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), None
    if _looks_like_bomless_utf16(data):
        encoding = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        return data.decode(encoding, errors="replace"), None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        return data.decode("latin-1").translate(_CP1252_TABLE), "cp1252"


def _looks_like_bomless_utf16(data: bytes) -> bool:
    sample = data[:1000]
    if len(sample) < 4:
        return False
    zeros_even = sample[0::2].count(0)
    zeros_odd = sample[1::2].count(0)
    half = len(sample) // 2
    return max(zeros_even, zeros_odd) > 0.3 * half and min(zeros_even, zeros_odd) < 0.05 * half


def read_text(path: Path, source_path: str, doc_id: str, settings: Settings) -> Source:
    text, decoded_as = decode_bytes(path.read_bytes())
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fmt = "md" if path.suffix.lower() in {".md", ".markdown"} else "txt"
    return Source(
        path=str(path), source_path=source_path, doc_id=doc_id, source_format=fmt,
        text_source="text", pages=(Page(1, (TextRun(text),)),), decoded_as=decoded_as,
    )
