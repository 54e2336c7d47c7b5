"""Image files (phone photos, multi-page TIFF) become Sources awaiting OCR; bad
or oversized images are refused before decoding, with typed errors."""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

import readers.image
from dondoc.errors import CorruptFile, ImageTooLarge, TooManyPages
from dondoc.settings import Settings
from readers.image import frame_dpi, read_frame, read_image
from readers.ocr import ocr_source
from readers.preprocess import to_greyscale

sys.path.insert(0, str(Path(__file__).parent))  # pytest runs with --import-mode=importlib
from ocr_support import char_accuracy, replay_tesseract, scans  # noqa: E402,F401  (fixtures)

SETTINGS = Settings(workers=2)


def read(path: Path, settings: Settings = SETTINGS):
    return read_image(path, path.name, "0" * 16, settings)


def test_phone_photo_is_one_page_awaiting_ocr(scans):
    source = read(scans / "004_p1.photo.jpg")
    assert (source.source_format, len(source.pages)) == ("jpg", 1)
    assert source.pages[0].needs_ocr and source.pages[0].text == ""


def test_multi_page_tiff_gives_one_page_per_frame(scans):
    source = read(scans / "004_p1-2.fax.tiff")
    assert source.source_format == "tiff"
    assert [page.number for page in source.pages] == [1, 2]


def test_phone_photo_reads_back_close_to_its_text(scans, replay_tesseract):
    source = ocr_source(read(scans / "004_p1.photo.jpg"), SETTINGS)
    reference = (scans / "004_p1.ref.txt").read_text(encoding="utf-8")
    assert char_accuracy(source.text, reference) >= 0.97
    assert any("unwarped" in note for note in source.notes)


def test_tiff_pages_are_read_in_order(scans, replay_tesseract):
    source = ocr_source(read(scans / "004_p1-2.fax.tiff"), SETTINGS)
    for page, reference in zip(source.pages, ("004_p1.ref.txt", "004_p2.ref.txt")):
        assert char_accuracy(page.text, (scans / reference).read_text(encoding="utf-8")) >= 0.97
    assert source.text_source == "ocr" and source.ocr_confidence > 80


def test_image_over_the_pixel_limit_is_refused_before_decoding(monkeypatch, scans):
    def no_decoding(self):
        raise AssertionError("pixels must not be decoded")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    with pytest.raises(ImageTooLarge):
        read(scans / "004_p1.photo.jpg", replace(SETTINGS, max_image_mpixels=1.0))


def test_decompression_bomb_is_too_large(tmp_path):
    bomb = tmp_path / "bomb.png"
    Image.new("1", (20_000, 20_000), 1).save(bomb)  # 400 MP, about 50 kB on disk
    with pytest.raises(ImageTooLarge):
        read(bomb)


def test_truncated_photo_is_corrupt(tmp_path, scans):
    truncated = tmp_path / "cut.jpg"
    truncated.write_bytes((scans / "004_p1.photo.jpg").read_bytes()[:40_000])
    with pytest.raises(CorruptFile):
        read(truncated)


def test_bytes_that_are_no_image_are_corrupt(tmp_path):
    fake = tmp_path / "scan.png"
    fake.write_bytes("Số: 12/UBND-VX".encode())
    with pytest.raises(CorruptFile):
        read(fake)


def test_more_frames_than_max_pages_is_refused(scans):
    with pytest.raises(TooManyPages):
        read(scans / "004_p1-2.fax.tiff", replace(SETTINGS, max_pages=1))


def test_photo_without_believable_dpi_is_assumed_one_a4_page(scans):
    with Image.open(scans / "004_p1.photo.jpg") as image:
        assert image.info.get("dpi", (72, 72))[0] < readers.image.MIN_BELIEVABLE_DPI
        assert 290 <= frame_dpi(image) <= 310


def test_fax_frame_keeps_its_declared_dpi(scans):
    frame, dpi = read_frame(scans / "004_p1-2.fax.tiff", 2)
    assert dpi == pytest.approx(200, abs=1)  # declared, or guessed from an A4 page
    assert frame.shape == (2339, 1653) and frame.dtype == np.uint8
    assert set(np.unique(frame)) <= {0, 255}  # 1-bit stays black and white


def test_frames_have_the_pixels_opencv_reads_from_a_saved_png(tmp_path, scans):
    """read_frame skips the PNG round trip but must hand preprocessing the same pixels."""
    for name in ("004_p1.photo.jpg", "004_p1-2.fax.tiff"):
        with Image.open(scans / name) as image:
            image.save(tmp_path / "frame.png")
        via_png = to_greyscale(cv2.imread(str(tmp_path / "frame.png"), cv2.IMREAD_UNCHANGED))
        assert np.array_equal(read_frame(scans / name, 1)[0], via_png)
