"""Diacritic restoration on held-out letters: strip every mark, restore, compare.

Usage: .venv/bin/python benchmarks/diacritics.py [--limit N] [--show-errors K] [--ocr PAGES]

The documents are the LM's held-out list (normalizers/data/lm_heldout.tsv), never
seen in training. Each is folded with `normalizers.syllables.fold` (marks and đ
gone, case kept), restored with `normalizers.diacritics.restore_diacritics`, and
compared syllable by syllable (letter runs that are valid syllables in the
original). `--ocr PAGES` also renders the start of that many held-out letters
as page images and reads them with Tesseract's English model (no Vietnamese),
which loses marks and adds glyph noise the way seed 001's scan did, then scores
the OCR text and its restoration against the letter (words aligned by their
folded form). Speed is syllables per second of CPU time (process_time, so other jobs on a
shared machine do not skew it) on one core, model load excluded.
"""
from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dondoc.langdata import load_tsv  # noqa: E402
from normalizers import diacritics, lm, syllables  # noqa: E402
from normalizers.unicode import tone_key  # noqa: E402

CORPUS = ROOT / "normalizers" / "data" / "lm_corpus"
HELDOUT = ROOT / "normalizers" / "data" / "lm_heldout.tsv"
WORD = re.compile(r"[^\W\d_]+")


def compare(original: str, restored: str) -> tuple[int, int, Counter]:
    """(syllables compared, syllables right, wrong pairs) over the original's syllables.

    Strict: `hoá` for `hóa` (the same syllable, tone placed by the other
    convention) counts as wrong; `same_placement_errors` tells how many such."""
    a, b = WORD.findall(original), WORD.findall(restored)
    total = right = 0
    wrong: Counter = Counter()
    matcher = difflib.SequenceMatcher(None, [syllables.fold(w) for w in a], [syllables.fold(w) for w in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(i1, i2):
            x = a[k]
            if not syllables.is_syllable(x):
                continue
            total += 1
            y = b[j1 + k - i1] if tag == "equal" else "<lost>"
            if x == y:
                right += 1
            else:
                wrong[(x, y)] += 1
    return total, right, wrong


def render_page(text: str, path: Path, lines: int = 45) -> str:
    """Draw the first `lines` non-empty lines of a letter at ~300 dpi; return what was drawn."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf", 50)
    kept = [line.strip() for line in text.splitlines() if line.strip()][:lines]
    kept = [line[:80] for line in kept]  # one A4 line of 13 pt Times holds about 80 characters
    image = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(kept):
        draw.text((150, 150 + i * 72), line, font=font, fill=0)
    image.save(path)
    return "\n".join(kept)


def ocr_benchmark(files: list[str], pages: int) -> None:
    import subprocess
    import tempfile

    total = raw_right = fixed_right = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in files[:pages]:
            image = Path(tmp) / "page.png"
            drawn = render_page((CORPUS / name).read_text(encoding="utf-8"), image)
            ocr = subprocess.run(
                ["tesseract", str(image), "-", "-l", "eng"], capture_output=True, text=True, check=True
            ).stdout
            restored = diacritics.restore_diacritics(ocr)
            t, r, _ = compare(drawn, ocr)
            _, f, _ = compare(drawn, restored)
            total, raw_right, fixed_right = total + t, raw_right + r, fixed_right + f
    print(f"OCR'd without the Vietnamese model, {pages} pages: {total} syllables")
    print(f"  right as OCR'd: {raw_right / total:.2%}; right after restoration: {fixed_right / total:.2%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N held-out documents")
    parser.add_argument("--show-errors", type=int, default=15, help="print the K most common errors")
    parser.add_argument("--ocr", type=int, default=0, help="also OCR this many rendered pages with Tesseract eng")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    files = [row["file"] for row in load_tsv(HELDOUT)]
    if args.limit:
        files = files[: args.limit]
    lm.load_model()
    diacritics.restore_diacritics("Uy ban nhan dan tinh")  # warm the caches once
    total = right = 0
    wrong: Counter = Counter()
    elapsed = 0.0
    for name in files:
        original = (CORPUS / name).read_text(encoding="utf-8")
        folded = syllables.fold(original)
        t0 = time.process_time()
        restored = diacritics.restore_diacritics(folded)
        elapsed += time.process_time() - t0
        t, r, w = compare(original, restored)
        total, right = total + t, right + r
        wrong.update(w)
    print(f"held-out documents: {len(files)}")
    print(f"syllable accuracy: {right / total:.2%} ({right}/{total})")
    print(f"speed: {total / elapsed:,.0f} syllables/s on one core ({elapsed:.1f} s)")
    placement = sum(n for (x, y), n in wrong.items() if tone_key(x) == tone_key(y))
    print(f"  of the errors, tone placed by the other convention (hoá/hóa, uỷ/ủy): {placement}"
          f" -> {(right + placement) / total:.2%} ignoring placement")
    for (x, y), n in wrong.most_common(args.show_errors):
        print(f"  {n:5d}  {x} -> {y}")
    if args.ocr:
        ocr_benchmark(files, args.ocr)


if __name__ == "__main__":
    main()
