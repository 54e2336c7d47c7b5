"""Read an image file (PNG, JPEG, TIFF incl. multi-page, phone photos) as a
Source whose pages all await OCR.

`read_image` only checks the file and counts its pages; it does not OCR. The
dispatcher then calls `readers.ocr.ocr_source`, as it does for a scanned PDF,
which takes each frame back out with `read_frame`.

Sizes are checked from the header before any pixel is decoded (a 30 kB PNG can
claim 50 000 x 50 000 pixels: a decompression bomb).
"""
from __future__ import annotations

import warnings
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from dondoc.errors import CorruptFile, ImageTooLarge, TooManyPages
from dondoc.models import Page, Source
from dondoc.settings import Settings

# PIL format name -> our source_format (OUTPUTS.md)
IMAGE_FORMATS_BY_PIL = {"PNG": "png", "JPEG": "jpg", "MPO": "jpg", "TIFF": "tiff",
                        "BMP": "bmp", "GIF": "gif", "WEBP": "webp"}
IMAGE_FORMATS = frozenset(IMAGE_FORMATS_BY_PIL.values())
# A4 is 11.69 inches tall: when a photo declares no usable resolution, assume
# its long side is about one page.
A4_LONG_SIDE_IN = 11.69
# Cameras write 72 or 96 dpi whatever the photo shows; below this a declared
# resolution is not believed.
MIN_BELIEVABLE_DPI = 100
# Pillow's own bomb guard refuses anything over ~179 MP whatever our setting says;
# `check_frame_size` reads every frame's size from its header before decoding, so
# `Settings.max_image_mpixels` is the one limit that governs.
Image.MAX_IMAGE_PIXELS = None


def open_image(path: Path) -> Image.Image:
    """Open an image lazily (header only); typed errors for bombs and non-images."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(path)
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(str(exc), path=str(path)) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CorruptFile(f"not a readable image: {exc}", path=str(path)) from exc


def check_frame_size(image: Image.Image, number: int, settings: Settings) -> None:
    megapixels = image.width * image.height / 1e6
    if megapixels > settings.max_image_mpixels:
        raise ImageTooLarge(f"page {number} is {image.width} x {image.height} "
                            f"({megapixels:.0f} MP > max_image_mpixels {settings.max_image_mpixels:g})")


def read_image(path: Path, source_path: str, doc_id: str, settings: Settings) -> Source:
    """A Source with one page per image frame, each marked `needs_ocr`.

    Raises ImageTooLarge (checked on every frame's header before decoding),
    TooManyPages, and CorruptFile when a frame cannot be decoded.
    """
    path = Path(path)
    with open_image(path) as image:
        source_format = IMAGE_FORMATS_BY_PIL.get(image.format or "", (image.format or "image").lower())
        frames = getattr(image, "n_frames", 1)
        if frames > settings.max_pages:
            raise TooManyPages(f"{frames} pages > max_pages {settings.max_pages}", path=source_path)
        for index in range(frames):
            try:
                image.seek(index)
                check_frame_size(image, index + 1, settings)
                image.load()  # one frame at a time: memory stays at one page
            except ImageTooLarge as exc:
                raise ImageTooLarge(exc.detail, path=source_path) from exc
            except (OSError, SyntaxError, ValueError, EOFError) as exc:
                raise CorruptFile(f"page {index + 1} cannot be decoded: {exc}", path=source_path) from exc
    pages = tuple(Page(number=n, needs_ocr=True) for n in range(1, frames + 1))
    notes = (f"{source_format} image, {frames} page(s): OCR needed",)
    return Source(path=str(path.resolve()), source_path=source_path, doc_id=doc_id,
                  source_format=source_format, text_source="ocr", pages=pages, notes=notes)


def frame_dpi(image: Image.Image) -> float:
    """Resolution of a frame: declared if believable, else guessed from an A4 page."""
    declared = image.info.get("dpi")
    if declared and float(declared[0]) >= MIN_BELIEVABLE_DPI:
        return float(declared[0])
    return max(image.width, image.height) / A4_LONG_SIDE_IN


def read_frame(path: Path, number: int) -> tuple[np.ndarray, float]:
    """Frame `number` (1-based), upright per its EXIF tag, as a greyscale uint8 array, with its dpi.

    The same pixels OpenCV would read from the frame saved as PNG (1-bit frames
    as 0/255, colour through OpenCV's own grey conversion), without the PNG.
    """
    with open_image(path) as image:
        image.seek(number - 1)
        dpi = frame_dpi(image)
        upright = ImageOps.exif_transpose(image)
        if upright.mode not in ("1", "L", "RGB"):
            upright = upright.convert("RGB" if "A" in upright.mode or upright.mode == "P" else "L")
        pixels = np.asarray(upright)
    if pixels.dtype == bool:  # mode "1"
        return np.where(pixels, np.uint8(255), np.uint8(0)), dpi
    if pixels.ndim == 3:
        return cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY), dpi
    return np.ascontiguousarray(pixels, dtype=np.uint8), dpi
