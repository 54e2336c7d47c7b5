"""OCR the pages of a Source that have no usable text (OCRmyPDF's page pipeline).

`ocr_source` is the entry point: the dispatcher calls it after `readers.pdf` or
`readers.image` has marked pages `needs_ocr`. For each such page, in parallel:

    rasterize (PDF page at settings.ocr_dpi, or one image frame) -> array in memory
    -> preprocess.prepare_page (greyscale, perspective, deskew, median) -> work folder
    -> tesseract (`tsv`, so words keep their boxes and confidences)
    -> layout.page_text (blocks in reading order, header columns not interleaved)

Only the pages being worked on are in memory (one per worker, never the whole
document): the rendered page goes straight to preprocessing as an array (a PNG
round trip cost 0.4 s of CPU per page), and the cleaned page is written once,
uncompressed, for tesseract. Tesseract is a subprocess, so threads are enough
for parallelism; it runs single-threaded (OMP_THREAD_LIMIT=1) because its own
threads only compete with the other pages' (measured 7.5 s -> 1.5 s wall for
one page on 2 cores), and OpenCV's threads are off for the same reason.
"""
from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from dondoc.errors import NoText, OcrFailed, ToolMissing
from dondoc.models import Page, Source, TextRun
from dondoc.settings import Settings
from readers.image import IMAGE_FORMATS, read_frame
from readers.layout import mean_confidence, page_text, parse_tsv
from readers.preprocess import Prepared, estimate_skew, prepare_page, rotate

log = logging.getLogger(__name__)

TESSERACT = "tesseract"
# A page Tesseract needs longer than this for is hung, not slow (a dense page
# at 300 dpi takes 2-6 s here).
TESSERACT_TIMEOUT_S = 300
# Below this mean word confidence a page may be upside down or sideways; only
# then is orientation detection (an extra Tesseract pass) worth its time.
LOW_CONFIDENCE = 60.0
# PDFium is not thread-safe: pages are rasterized one at a time.
PDFIUM_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class PageOcr:
    """What OCR gave for one page."""

    number: int
    text: str
    confidence: float | None
    note: str


# --- tesseract ---------------------------------------------------------------------

@functools.cache
def installed_languages() -> frozenset[str]:
    """Tesseract's installed language models, or ToolMissing when it is absent."""
    if shutil.which(TESSERACT) is None:
        raise ToolMissing("tesseract is not on PATH; install tesseract-ocr and tesseract-ocr-vie")
    done = subprocess.run([TESSERACT, "--list-langs"], capture_output=True, text=True, timeout=60)
    names = done.stdout.splitlines()[1:]  # first line: 'List of available languages in ...'
    return frozenset(name.strip().split("/")[-1] for name in names if name.strip())


def check_tesseract(language: str) -> None:
    """Raise ToolMissing unless tesseract and every model in `language` are installed.

    >>> check_tesseract("vie")
    """
    missing = [name for name in language.split("+") if name not in installed_languages()]
    if missing:
        raise ToolMissing(f"tesseract has no model for {'+'.join(missing)}; "
                          f"install tesseract-ocr-{missing[0].lower()}")


def tesseract_env() -> dict[str, str]:
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def run_tesseract(image: Path, language: str, psm: int = 3) -> str:
    """Tesseract's `tsv` word table for one prepared page image.

    OcrFailed when it crashes or hangs (transient: worth one retry upstream).
    """
    command = [TESSERACT, str(image), "stdout", "-l", language, "--psm", str(psm),
               "--dpi", "300", "tsv"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=TESSERACT_TIMEOUT_S,
                              env=tesseract_env())
    except subprocess.TimeoutExpired as exc:
        raise OcrFailed(f"tesseract took over {TESSERACT_TIMEOUT_S} s on {image.name}") from exc
    except FileNotFoundError as exc:
        raise ToolMissing("tesseract is not on PATH") from exc
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace").strip()
        if "Failed loading language" in stderr:
            raise ToolMissing(f"tesseract could not load '{language}': {stderr[-300:]}")
        raise OcrFailed(f"tesseract exited with {done.returncode} on {image.name}: {stderr[-300:]}")
    return done.stdout.decode("utf-8", "replace")


def detect_rotation(image: Path) -> int:
    """Clockwise degrees (0, 90, 180, 270) Tesseract's OSD says the page must turn; 0 if unsure."""
    command = [TESSERACT, str(image), "stdout", "--psm", "0"]
    try:
        done = subprocess.run(command, capture_output=True, text=True,
                              timeout=TESSERACT_TIMEOUT_S, env=tesseract_env())
    except subprocess.TimeoutExpired:
        return 0
    for line in done.stdout.splitlines():
        if line.startswith("Rotate:"):
            return int(line.split(":")[1])
    return 0


# --- one page ----------------------------------------------------------------------

def rasterize_pdf_page(pdf: Path, number: int, dpi: int) -> np.ndarray:
    """One PDF page (1-based) rendered greyscale at `dpi`, as a uint8 array."""
    import pypdfium2 as pdfium  # imported here: only scanned PDFs need it

    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(str(pdf))
        try:
            # no_smoothimage: a 1-bit fax page stays black and white when scaled, so
            # it is recognised as bi-level and despeckled.
            bitmap = document[number - 1].render(scale=dpi / 72.0, grayscale=True, no_smoothimage=True)
            pixels = bitmap.to_numpy()
            # A copy that owns its memory: the bitmap's buffer goes with the bitmap.
            return np.array(pixels.reshape(pixels.shape[:2]), dtype=np.uint8)
        finally:
            document.close()


def raster_of(source: Source, number: int, settings: Settings) -> tuple[np.ndarray, float]:
    """The page as a decoded image, and its resolution in dpi."""
    if source.source_format in IMAGE_FORMATS:
        return read_frame(Path(source.path), number)
    return rasterize_pdf_page(Path(source.path), number, settings.ocr_dpi), settings.ocr_dpi


def turn(image_path: Path, clockwise_deg: int) -> Path:
    """Write the page turned by a multiple of 90 degrees, and levelled again, beside the original."""
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    turned = cv2.rotate(cv2.imread(str(image_path), cv2.IMREAD_GRAYSCALE), codes[clockwise_deg])
    turned = rotate(turned, -estimate_skew(turned))
    out_path = image_path.with_name(f"{image_path.stem}.r{clockwise_deg}.pgm")
    cv2.imwrite(str(out_path), turned)
    return out_path


def ocr_page_image(raster: Path, dpi: float, number: int, language: str) -> PageOcr:
    """The page pipeline on one image file; work files go beside it (the benchmark's entry)."""
    image = cv2.imread(str(raster), cv2.IMREAD_UNCHANGED)
    if image is None or not isinstance(image, np.ndarray):
        raise OcrFailed(f"page {number}: the rendered page image could not be read back")
    prepared = prepare_page(image, dpi, raster.with_name(f"{raster.stem}.clean.pgm"))
    del image
    return read_prepared(prepared, number, language)


def read_prepared(prepared: Prepared, number: int, language: str) -> PageOcr:
    """Read a page prepared by `prepare_page` (its cleaned image on disk) with Tesseract.

    Orientation detection (an extra Tesseract pass) runs only for pages that
    look sideways or read back with low confidence (upside down).
    """
    page_image, turned_by = prepared.path, 0
    if prepared.sideways:
        turned_by = detect_rotation(prepared.path)
        if turned_by:
            page_image = turn(prepared.path, turned_by)
    words = parse_tsv(run_tesseract(page_image, language))
    confidence = mean_confidence(words)
    if not turned_by and (confidence is None or confidence < LOW_CONFIDENCE):
        rotation = detect_rotation(prepared.path)
        if rotation:
            turned_words = parse_tsv(run_tesseract(turn(prepared.path, rotation), language))
            turned_confidence = mean_confidence(turned_words)
            if (turned_confidence or 0) > (confidence or 0):
                words, confidence, turned_by = turned_words, turned_confidence, rotation
    note = (f"page {number}: OCR ({language}), skew {prepared.skew_deg:+.2f} deg"
            + (", page unwarped from a photo" if prepared.perspective else "")
            + (f", scaled x{prepared.scale:.2f}" if prepared.scale != 1.0 else "")
            + (f", turned {turned_by} deg" if turned_by else ""))
    return PageOcr(number=number, text=page_text(words), confidence=confidence, note=note)


def ocr_one_page(source: Source, number: int, work: Path, settings: Settings) -> PageOcr:
    """Rasterize, OCR and clean up one page; its images leave the work folder after."""
    stem = f"p{number:04d}"
    try:
        image, dpi = raster_of(source, number, settings)
        prepared = prepare_page(image, dpi, work / f"{stem}.clean.pgm")
        del image  # only the cleaned page, on disk, is needed while tesseract reads it
        return read_prepared(prepared, number, settings.ocr_language)
    finally:
        for leftover in work.glob(f"{stem}.*"):
            leftover.unlink(missing_ok=True)


# --- the whole source --------------------------------------------------------------

def ocr_source(source: Source, settings: Settings) -> Source:
    """Fill the pages marked `needs_ocr` with OCR text; other pages pass unchanged.

    Raises ToolMissing (no tesseract or no model), OcrFailed (tesseract
    crashed: transient) and NoText (no page of the document has any text).
    """
    numbers = [page.number for page in source.pages if page.needs_ocr]
    if not numbers:
        return source
    check_tesseract(settings.ocr_language)
    # Pages are the unit of parallelism: OpenCV's own threads would only compete
    # with the other pages' (prepare_page: 5 % less CPU with one thread).
    cv2.setNumThreads(1)
    results: dict[int, PageOcr] = {}
    with tempfile.TemporaryDirectory(prefix=f"dondoc-ocr-{source.doc_id}-") as folder:
        work = Path(folder)
        workers = max(1, min(len(numbers), settings.workers))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(ocr_one_page, source, n, work, settings) for n in numbers]
            for future in as_completed(futures):
                result = future.result()
                results[result.number] = result
                log.info("%s %s", source.source_path, result.note)
    pages = tuple(fill_page(page, results.get(page.number)) for page in source.pages)
    if not any(page.text.strip() for page in pages):
        raise NoText(f"OCR found no text on {len(numbers)} page(s)", path=source.source_path)
    notes = tuple(results[n].note for n in sorted(results))
    return replace(source, pages=pages, text_source="ocr", notes=source.notes + notes)


def fill_page(page: Page, result: PageOcr | None) -> Page:
    if result is None:
        return page
    # A final line break, so the page's last line never runs into the next page's first
    # when a later stage drops the form feed between pages.
    runs = (TextRun(result.text + "\n"),) if result.text else ()
    return replace(page, runs=runs, needs_ocr=False, ocr_confidence=result.confidence)
