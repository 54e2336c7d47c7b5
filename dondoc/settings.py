"""One frozen Settings value, validated before any work (OCRmyPDF's check_options).

Overrides make a new value with `dataclasses.replace`; settings never change mid-run.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def today_in_vietnam() -> dt.date:
    return dt.datetime.now(TIMEZONE).date()


@dataclass(frozen=True, slots=True)
class Settings:
    out_dir: Path = Path("outputs")
    as_of: dt.date | None = None  # None: today in Asia/Ho_Chi_Minh
    workers: int = os.cpu_count() or 1  # documents/pages in parallel
    ocr_language: str = "vie"  # tesseract language model
    ocr_dpi: int = 300
    max_pages: int = 500  # a file with more pages is put aside (TooManyPages)
    max_image_mpixels: float = 250.0  # decompression-bomb guard for images
    max_file_mb: float = 200.0
    restore_diacritics: bool = True  # guess marks on accent-less text (OCR without vie)
    keep_raw_text: bool = True  # write outputs/text/DOC_ID.raw.txt beside DOC_ID.txt
    dask_address: str | None = None  # run the flow's tasks on an existing Dask cluster

    @property
    def as_of_date(self) -> dt.date:
        return self.as_of or today_in_vietnam()
