"""OCR benchmark: character accuracy per damage kind, pages/s, and the cost of
the page pipeline against plain `tesseract` on the same page images.

    .venv/bin/python benchmarks/ocr.py                 # held-out test set, renders it first
    .venv/bin/python benchmarks/ocr.py --set dev       # the documents used while tuning
    .venv/bin/python benchmarks/ocr.py --scans DIR     # pages already made by make_scans.py
    .venv/bin/python benchmarks/ocr.py --language Vietnamese

Documents come from normalizers/data/lm_corpus/ (never from the seeds): the
manifest's letters (Công văn, Kế hoạch, Thông báo, Công điện, Quyết định) are
ordered by sha256 of their file name; the first 4 are the dev set (used to tune
the pipeline), the next 8 the test set (reported). The first two pages of each
are rendered by tests/fixtures/make_scans.py in every variant.

Character accuracy = 1 - Levenshtein(ocr, reference) / len(reference), both
NFC with all whitespace removed (line breaks and spacing do not count, reading
order does: an interleaved header costs the moved characters twice).
Plain tesseract is `tesseract PAGE stdout -l LANG` on the unprocessed page
image; both run with OMP_THREAD_LIMIT=1, one page at a time, for the time ratio.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dondoc.models import Page, Source  # noqa: E402
from dondoc.settings import Settings  # noqa: E402
from readers.ocr import ocr_page_image, ocr_source, tesseract_env  # noqa: E402

CORPUS = ROOT / "normalizers" / "data" / "lm_corpus"
LETTER_TYPES = ("Công văn", "Kế hoạch", "Thông báo", "Công điện", "Quyết định")
VARIANT_DPI = {"clean": 300, "office": 300, "fax": 200, "photo": 300}


def held_out_documents(which: str) -> list[Path]:
    with open(CORPUS / "manifest.tsv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t")
                if r["doc_type"] in LETTER_TYPES and r["kind"] != "transcript"]
    rows.sort(key=lambda r: hashlib.sha256(r["file"].encode()).hexdigest())
    chosen = rows[:4] if which == "dev" else rows[4:12]
    return [CORPUS / r["file"] for r in chosen]


def char_accuracy(ocr: str, reference: str) -> float:
    """1 - edit distance / reference length, ignoring whitespace (NFC)."""
    a = re.sub(r"\s+", "", unicodedata.normalize("NFC", ocr))
    b = re.sub(r"\s+", "", unicodedata.normalize("NFC", reference))
    return 1.0 - Levenshtein.distance(a, b) / max(1, len(b))


def plain_tesseract(image: Path, language: str) -> str:
    done = subprocess.run(["tesseract", str(image), "stdout", "-l", language],
                          capture_output=True, env=tesseract_env(), check=True)
    return done.stdout.decode("utf-8", "replace")


def render(docs: list[Path], out: Path, variants: list[str]) -> None:
    subprocess.run([sys.executable, str(ROOT / "tests" / "fixtures" / "make_scans.py"),
                    "--out", str(out), "--max-pages", "2", "--variants", ",".join(variants),
                    "--seeds", *map(str, docs)], check=True, stderr=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", choices=("dev", "test"), default="test")
    ap.add_argument("--scans", type=Path, help="folder made by make_scans.py (skips rendering)")
    ap.add_argument("--variants", default="office,fax,photo")
    ap.add_argument("--language", default="vie")
    ap.add_argument("--no-plain", action="store_true", help="skip plain tesseract")
    ap.add_argument("--show-errors", action="store_true", help="print each page's accuracy")
    ap.add_argument("--throughput", default="office",
                    help="variant whose PDFs go through ocr_source for pages/s ('' to skip)")
    ap.add_argument("--workers", type=int, default=Settings().workers)
    ap.add_argument("--skip-accuracy", action="store_true")
    args = ap.parse_args(argv)
    variants = [v for v in args.variants.split(",") if v]

    with tempfile.TemporaryDirectory(prefix="dondoc-bench-") as tmp:
        scans = args.scans
        if scans is None:
            scans = Path(tmp) / "scans"
            render(held_out_documents(args.set), scans, variants)
        manifest = json.loads((scans / "manifest.json").read_text(encoding="utf-8"))
        work = Path(tmp) / "work"
        work.mkdir()
        print(f"{len(manifest['pages'])} pages, language {args.language}, set {args.set if not args.scans else scans}")
        print(f"{'variant':8} {'pipeline acc':>12} {'min':>7} {'plain acc':>10} {'pipe s/pg':>10} "
              f"{'plain s/pg':>10} {'ratio':>6}")
        for variant in [] if args.skip_accuracy else variants:
            acc, plain_acc, pipe_s, plain_s = [], [], [], []
            for page in manifest["pages"]:
                image = scans / page["variants"][variant]["img"]
                reference = (scans / page["ref"]).read_text(encoding="utf-8")
                raster = work / f"{page['id']}.png"
                raster.write_bytes(image.read_bytes())
                start = time.perf_counter()
                result = ocr_page_image(raster, VARIANT_DPI[variant], page["page"], args.language)
                pipe_s.append(time.perf_counter() - start)
                acc.append(char_accuracy(result.text, reference))
                if args.show_errors:
                    print(f"  {page['id']} {acc[-1]:.4f} conf {result.confidence}", file=sys.stderr)
                if not args.no_plain:
                    start = time.perf_counter()
                    text = plain_tesseract(image, args.language)
                    plain_s.append(time.perf_counter() - start)
                    plain_acc.append(char_accuracy(text, reference))
            mean_plain = f"{statistics.mean(plain_acc):.2%}" if plain_acc else "-"
            plain_t = f"{statistics.mean(plain_s):.2f}" if plain_s else "-"
            ratio = f"{sum(pipe_s) / sum(plain_s):.2f}" if plain_s else "-"
            print(f"{variant:8} {statistics.mean(acc):>12.2%} {min(acc):>7.2%} {mean_plain:>10} "
                  f"{statistics.mean(pipe_s):>10.2f} {plain_t:>10} {ratio:>6}", flush=True)
        if args.throughput:
            print_throughput(scans / "pdf" / args.throughput, args.workers, args.language)


def print_throughput(pdf_dir: Path, workers: int, language: str) -> None:
    """Pages per second of ocr_source over image-only PDFs (rasterize + pipeline, pages in parallel)."""
    import pypdfium2 as pdfium

    settings = Settings(workers=workers, ocr_language=language)
    pages = 0
    start = time.perf_counter()
    for pdf in sorted(pdf_dir.glob("*.pdf")):
        document = pdfium.PdfDocument(str(pdf))
        count = len(document)
        document.close()
        source = Source(path=str(pdf), source_path=pdf.name, doc_id="0" * 16, source_format="pdf",
                        text_source="pdf-text", pages=tuple(Page(n, needs_ocr=True) for n in range(1, count + 1)))
        ocr_source(source, settings)
        pages += count
    elapsed = time.perf_counter() - start
    print(f"ocr_source on {pages} {pdf_dir.name} PDF pages, {workers} workers: "
          f"{pages / elapsed:.2f} pages/s ({elapsed:.0f} s)")


if __name__ == "__main__":
    main()
