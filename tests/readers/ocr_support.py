"""Shared by test_ocr.py and test_image.py: scanned seed pages and replayed Tesseract.

Imported by name rather than kept in conftest.py, so that other readers' tests
sharing this folder are not affected."""
from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import pytest
from rapidfuzz.distance import Levenshtein

import readers.ocr

sys.path.insert(0, str(Path(__file__).parent))  # pytest runs with --import-mode=importlib
from tesseract_cache import cached_tesseract  # noqa: E402

SCANS = Path(__file__).resolve().parent.parent / "fixtures" / "scans"
TESSERACT_CACHE = SCANS / "tesseract_cache"


def char_accuracy(ocr: str, reference: str) -> float:
    """1 - edit distance / reference length, whitespace ignored (as benchmarks/ocr.py)."""
    a = re.sub(r"\s+", "", unicodedata.normalize("NFC", ocr))
    b = re.sub(r"\s+", "", unicodedata.normalize("NFC", reference))
    return 1.0 - Levenshtein.distance(a, b) / max(1, len(b))


@pytest.fixture
def scans() -> Path:
    return SCANS


@pytest.fixture
def replay_tesseract(monkeypatch):
    """Replay recorded Tesseract output; a page not yet recorded is read live and recorded."""
    monkeypatch.setattr(readers.ocr, "run_tesseract", cached_tesseract(TESSERACT_CACHE))
