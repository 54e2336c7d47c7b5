"""Clean one page image before OCR: flat functions, each doing one named thing.

The order is OCRmyPDF's, with a step it lacks for phone photos:
greyscale -> perspective correction (photos) -> flatten illumination ->
deskew -> median filter (fax and grainy scans) -> Tesseract, which binarizes
with Otsu itself. Measured on rendered letter pages
(docs/ocr.md): a fixed threshold makes fax pages far worse, no preprocessing
loses whole paragraphs on tilted pages, and a tilted photo needs its page
quadrilateral found before any deskew.

Every function takes and returns a greyscale `uint8` array (OpenCV layout), so
each can be tested alone on a small array.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

# A page must cover at least this share of a photo's frame to count as the page
# (smaller bright shapes are envelopes, stamps or glare), and at most this share:
# a quadrilateral that fills the frame is a flatbed scan with nothing to correct.
MIN_PAGE_AREA = 0.30
MAX_PAGE_AREA = 0.97
# Scans and photos of letters are within a few degrees of level once the page is
# found; a wider search only finds false maxima in tables and stamps.
MAX_SKEW_DEG = 6.0
# Tesseract's LSTM models are trained on text about 30 px high; pages scanned
# below this resolution (fax at 200 dpi) are scaled up to it first.
MIN_DPI = 300
# The column profile of a sideways page must be this much sharper than its row profile.
# Measured after deskew on the dev pages: level pages 0.09-0.24, pages turned
# 90 degrees 0.48-6.8.
SIDEWAYS_RATIO = 0.4
# Share of pure black/white pixels above which a page is a bi-level (fax) image.
BILEVEL_SHARE = 0.995
# Grain (noise_level) above which the median filter helps: office copies measure
# 2.7-2.9, phone photos 1.0-1.2 (there the filter blurs diacritics instead).
NOISY = 2.0
# Page statistics (share of black/white pixels, paper grain) are taken on every
# 4th row and column: 1/16 of the pixels, the same figure to 0.1 %.
SAMPLE_STEP = 4
# Interpolation of the deskew rotation and the photo unwarp. Cubic is the
# costliest step left (60 ms a page), but bilinear read worse on the dev set:
# rotation office 99.66 -> 99.63 %, fax 99.51 -> 99.46 %; unwarp photo 99.74 -> 99.69 %.
ROTATE_INTERPOLATION = cv2.INTER_CUBIC
WARP_INTERPOLATION = cv2.INTER_CUBIC


@dataclass(frozen=True, slots=True)
class Prepared:
    """What preprocessing did to a page, for the reader's notes."""

    path: Path  # the cleaned greyscale page image handed to tesseract
    perspective: bool  # a page quadrilateral was found and unwarped
    skew_deg: float  # how far the text lines were turned (undone before OCR)
    scale: float  # up-scaling applied for low-resolution input
    despeckled: bool  # the median filter ran (fax or grainy scan)
    sideways: bool  # text lines run up the page: orientation detection needed


def to_greyscale(image: np.ndarray) -> np.ndarray:
    """Greyscale copy of a BGR, BGRA or grey image.

    >>> to_greyscale(np.full((2, 2, 3), 200, np.uint8)).shape
    (2, 2)
    """
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def order_corners(points: np.ndarray) -> np.ndarray:
    """Four points as top-left, top-right, bottom-right, bottom-left.

    >>> order_corners(np.array([[90, 5], [3, 4], [2, 80], [95, 85]])).tolist()
    [[3.0, 4.0], [90.0, 5.0], [95.0, 85.0], [2.0, 80.0]]
    """
    pts = points.reshape(4, 2).astype(np.float32)
    total = pts.sum(axis=1)
    diff = pts[:, 1] - pts[:, 0]
    return np.array([pts[np.argmin(total)], pts[np.argmin(diff)],
                     pts[np.argmax(total)], pts[np.argmax(diff)]], np.float32)


def find_page_quadrilateral(grey: np.ndarray) -> np.ndarray | None:
    """Corners of the paper in a phone photo, or None when the page fills the frame.

    Paper is brighter than the table it lies on: threshold a small copy with
    Otsu, close the holes the text makes, and keep the largest outline if it
    simplifies to four corners.
    """
    height, width = grey.shape
    scale = 800.0 / max(height, width)
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    _, mask = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    page = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(page) / float(small.shape[0] * small.shape[1])
    if not MIN_PAGE_AREA <= area <= MAX_PAGE_AREA:
        return None
    hull = cv2.convexHull(page)
    corners = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(corners) != 4:
        return None
    return order_corners(corners) / scale


def correct_perspective(grey: np.ndarray) -> tuple[np.ndarray, bool]:
    """Unwarp the page of a phone photo to a flat rectangle; scans pass unchanged.

    The output keeps the page's own resolution (the longest opposite edges).
    """
    corners = find_page_quadrilateral(grey)
    if corners is None:
        return grey, False
    tl, tr, br, bl = corners
    width = int(round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))))
    height = int(round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))))
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(corners, target)
    flat = cv2.warpPerspective(grey, matrix, (width, height), flags=WARP_INTERPOLATION,
                               borderMode=cv2.BORDER_REPLICATE)
    return flat, True


def flatten_illumination(grey: np.ndarray) -> np.ndarray:
    """Divide out the paper's brightness so one threshold fits the whole page.

    Photos are lit unevenly (one side 30-45 % darker); the background is
    estimated by closing away the ink on a quarter-size copy.
    """
    height, width = grey.shape
    small = cv2.resize(grey, (max(1, width // 4), max(1, height // 4)), interpolation=cv2.INTER_AREA)
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    background = np.maximum(cv2.medianBlur(background, 9), 1)  # never divide by 0
    background = cv2.resize(background, (width, height), interpolation=cv2.INTER_LINEAR)
    # uint8 in, uint8 out (rounded, saturated at 255): 8x faster than float32 numpy.
    return cv2.divide(grey, background, scale=255.0)


def whiten_paper(grey: np.ndarray) -> np.ndarray:
    """Set the grain of flattened paper to pure white, keeping ink and its grey edges.

    On a page with little ink (the signature page), Otsu's threshold, which
    Tesseract applies, splits the paper's own grain instead of ink from paper,
    and the speckle reads as letters. Paper is about 255 after
    `flatten_illumination`; anything within 3 sigma of its grain becomes 255.
    """
    sample = grey[::SAMPLE_STEP, ::SAMPLE_STEP]  # a statistic: every 4th row and column is enough
    paper = sample[sample >= 160]
    if paper.size == 0:
        return grey
    cut = math.ceil(max(180.0, 255.0 - 3.0 * float(paper.std())))
    # Pixels >= cut become 255 (threshold gives that mask, max applies it), others stay.
    _, paper_mask = cv2.threshold(grey, cut - 1, 255, cv2.THRESH_BINARY)
    return cv2.max(grey, paper_mask)


def estimate_skew(grey: np.ndarray) -> float:
    """Angle in degrees by which the text lines are turned (counter-clockwise
    positive, OpenCV's convention); `rotate(grey, -angle)` levels them.

    Projection profiles: at the right angle the rows of ink pixels line up with
    the text lines and the profile is sharpest (largest sum of squared
    differences). Ink pixels of a quarter-size copy are projected directly, so
    no image is rotated during the search.
    """
    height, width = grey.shape
    small = cv2.resize(grey, (max(1, width // 4), max(1, height // 4)), interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ys, xs = np.nonzero(ink)
    if len(xs) < 100:
        return 0.0
    xs = xs.astype(np.float64) - small.shape[1] / 2
    ys = ys.astype(np.float64) - small.shape[0] / 2

    def sharpness(angle: float) -> float:
        theta = math.radians(angle)
        rows = ys * math.cos(theta) + xs * math.sin(theta)
        profile = np.bincount((rows - rows.min()).astype(np.int64))
        return float(np.sum(np.diff(profile.astype(np.float64)) ** 2))

    best = max(np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 1e-9, 0.5), key=sharpness)
    best = max(np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05), key=sharpness)
    return round(float(best), 2)


def profile_sharpness(ink: np.ndarray, axis: int) -> float:
    """Sum of squared differences of the ink profile along rows (axis=1) or columns (axis=0)."""
    profile = ink.sum(axis=axis, dtype=np.float64)
    return float(np.sum(np.diff(profile) ** 2)) / max(1, profile.size)


def is_sideways(grey: np.ndarray) -> bool:
    """True when the text lines run up the page (a page scanned turned 90 degrees).

    Rows of a level page alternate between text lines and white space, so
    the row profile is far sharper than the column profile; turned 90
    degrees, it is the other way round. Costs one thresholded small copy,
    where Tesseract's orientation detection would cost a pass per page.
    """
    height, width = grey.shape
    small = cv2.resize(grey, (max(1, width // 4), max(1, height // 4)), interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return profile_sharpness(ink, axis=0) > SIDEWAYS_RATIO * profile_sharpness(ink, axis=1)


def rotate(grey: np.ndarray, angle_deg: float) -> np.ndarray:
    """Rotate about the centre, counter-clockwise, filling corners with white paper."""
    if abs(angle_deg) < 0.05:
        return grey
    height, width = grey.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle_deg, 1.0)
    return cv2.warpAffine(grey, matrix, (width, height), flags=ROTATE_INTERPOLATION,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def is_bilevel(grey: np.ndarray) -> bool:
    """True for a black-and-white page (fax, 1-bit scan): almost every pixel is 0 or 255.

    >>> is_bilevel(np.array([[0, 255], [255, 255]], np.uint8))
    True
    """
    sample = grey[::SAMPLE_STEP, ::SAMPLE_STEP]
    pure = np.count_nonzero(sample == 0) + np.count_nonzero(sample == 255)
    return bool(pure >= BILEVEL_SHARE * sample.size)


def noise_level(grey: np.ndarray) -> float:
    """Mean absolute difference from a 3x3 median: grain of paper, sensor and JPEG."""
    return float(np.mean(cv2.absdiff(grey, cv2.medianBlur(grey, 3))))


def remove_speckle(grey: np.ndarray) -> np.ndarray:
    """3x3 median filter: removes fax salt-and-pepper and scanner grain.

    >>> page = np.full((9, 9), 255, np.uint8); page[4, 4] = 0
    >>> int(remove_speckle(page)[4, 4])
    255
    """
    return cv2.medianBlur(grey, 3)


def upscale_to(grey: np.ndarray, dpi: float, min_dpi: int = MIN_DPI) -> tuple[np.ndarray, float]:
    """Scale a low-resolution page (fax, 200 dpi) up to `min_dpi`."""
    if not dpi or dpi >= min_dpi - 10:
        return grey, 1.0
    factor = min_dpi / dpi
    return cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC), factor


def prepare_page(image: np.ndarray, dpi: float, out_path: Path) -> Prepared:
    """Run the whole page pipeline on one decoded page and write the result to
    `out_path` (`.pgm`: uncompressed, so writing and reading it cost ~10 ms).

    The result stays greyscale: Tesseract binarizes it itself (Otsu) for layout,
    but its LSTM recognizer reads the grey pixels, and diacritics survive better
    there (dev set, vie: office 99.3 -> 99.7 %, photo 99.0 -> 99.8 % against
    our own median + Otsu).
    """
    grey = to_greyscale(image)
    bilevel = is_bilevel(grey)
    grey, unwarped = correct_perspective(grey)
    grey, factor = upscale_to(grey, dpi)
    grey = flatten_illumination(grey)
    speckled = bilevel or noise_level(grey) > NOISY
    grey = whiten_paper(grey)
    angle = estimate_skew(grey)
    level = rotate(grey, -angle)
    sideways = is_sideways(level)
    if sideways:  # the angle was measured across the text lines: meaningless
        level, angle = grey, 0.0
    if speckled:
        level = remove_speckle(level)
    cv2.imwrite(str(out_path), level)
    return Prepared(path=out_path, perspective=unwarped, skew_deg=angle, scale=factor,
                    despeckled=speckled, sideways=sideways)
