"""Replay recorded Tesseract output (OCRmyPDF's tests/plugins/tesseract_cache.py).

`cached_tesseract(cache_dir)` returns a drop-in for `readers.ocr.run_tesseract`:
the key is the sha256 of the prepared page image plus the arguments, so a change
to preprocessing changes the key and the page is read live once more and
recorded. Tests monkeypatch `readers.ocr.run_tesseract` with it.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import readers.ocr

LIVE_TESSERACT = readers.ocr.run_tesseract


def cache_key(image: Path, language: str, psm: int) -> str:
    digest = hashlib.sha256(image.read_bytes())
    digest.update(f"|{language}|{psm}".encode())
    return digest.hexdigest()[:24]


def cached_tesseract(cache_dir: Path) -> Callable[..., str]:
    def run(image: Path, language: str, psm: int = 3) -> str:
        recorded = cache_dir / f"{cache_key(image, language, psm)}.tsv"
        if recorded.exists():
            return recorded.read_text(encoding="utf-8")
        tsv = LIVE_TESSERACT(image, language, psm)
        cache_dir.mkdir(parents=True, exist_ok=True)
        recorded.write_text(tsv, encoding="utf-8")
        return tsv
    return run
