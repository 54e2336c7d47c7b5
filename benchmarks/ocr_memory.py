"""Peak memory and pages/s of `readers.ocr.ocr_source` on a long scan: is it bounded?

    .venv/bin/python benchmarks/ocr_memory.py                # 100 pages against 2
    .venv/bin/python benchmarks/ocr_memory.py --pages 30 --scans /tmp/ocrbench/dev

Builds two image-only PDFs from the same rendered pages, repeated: a short one
(2 pages) and a long one (`--pages`, 100 by default). Page images come from a
folder made by tests/fixtures/make_scans.py (`--scans`, variant `--variant`), or
by default from seed 003 rendered as an office copy (300 dpi, JPEG q60 embedded
as it is, like a scanner's PDF). Each PDF goes through `ocr_source` in a child
process of its own, so the figures are that run's alone:

  peak RSS      the child's own peak resident set (VmHWM of /proc/self/status):
                Python, the pages in flight, the results. Not ru_maxrss: a
                process started by fork + exec keeps its parent's high-water
                mark there (building the 100-page PDF here peaks at ~370 MB, and
                the child then "had" 377 MB)
  tesseract     the largest peak resident set (VmHWM) seen in any one tesseract
                subprocess, sampled every 0.2 s from /proc (RUSAGE_CHILDREN's
                ru_maxrss is no use here: a child forked from this process
                inherits its resident set as the starting high-water mark)
  RSS quarters  the child's resident set sampled every 0.2 s, maximum in each
                quarter of the run: flat if memory does not grow with pages

A 100-page run takes 100-300 s on 2 cores.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

SEED = ROOT / "tests" / "fixtures" / "seeds" / "003_0adef7303f31ab3e.txt"


def page_jpegs(scans: Path, variant: str) -> list[bytes]:
    """The variant's page images as JPEG q60 at 300 dpi (what an office scanner's PDF embeds)."""
    from PIL import Image

    parts = []
    for png in sorted((scans / "img" / variant).glob("*.png")):
        with Image.open(png) as image:
            buffer = io.BytesIO()
            image.convert("L").save(buffer, format="JPEG", quality=60, dpi=(300, 300))
            parts.append(buffer.getvalue())
    return parts


def build_pdf(parts: list[bytes], pages: int, path: Path) -> Path:
    from make_scans import images_to_pdf

    path.write_bytes(images_to_pdf([parts[i % len(parts)] for i in range(pages)]))
    return path


def peak_rss_kb() -> int:
    """High-water mark of this process's resident set since it was exec'd (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def rss_kb() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def tesseract_hwm_kb() -> int:
    """Largest VmHWM among this process's running tesseract children."""
    largest = 0
    for children in Path("/proc/self/task").glob("*/children"):
        try:
            pids = children.read_text().split()
        except OSError:
            continue
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if fields.get("Name", "").strip() == "tesseract" and "VmHWM" in fields:
                largest = max(largest, int(fields["VmHWM"].split()[0]))
    return largest


def child(pdf: Path, pages: int, workers: int) -> None:
    """Run ocr_source on `pdf` and print its figures as one JSON line."""
    from dondoc.models import Page, Source
    from dondoc.settings import Settings
    from readers.ocr import ocr_source

    samples: list[tuple[float, int]] = []
    tesseract = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append((time.perf_counter(), rss_kb()))
            tesseract[0] = max(tesseract[0], tesseract_hwm_kb())
            done.wait(0.2)

    source = Source(path=str(pdf), source_path=pdf.name, doc_id="0" * 16, source_format="pdf",
                    text_source="pdf-text", pages=tuple(Page(n, needs_ocr=True) for n in range(1, pages + 1)))
    before = rss_kb()
    sampler = threading.Thread(target=sample, daemon=True)
    start = time.perf_counter()
    sampler.start()
    result = ocr_source(source, Settings(workers=workers))
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    quarters = [max((kb for t, kb in samples if start + q * elapsed / 4 <= t <= start + (q + 1) * elapsed / 4),
                    default=0) for q in range(4)]
    print(json.dumps({
        "pages": pages, "wall_s": elapsed, "text_chars": len(result.text),
        "cpu_s": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
        "rss_before_kb": before, "peak_rss_kb": peak_rss_kb(), "tesseract_peak_kb": tesseract[0],
        "rss_quarters_kb": quarters}))


def measure(pdf: Path, pages: int, workers: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", str(pdf), "--pages", str(pages),
                           "--workers", str(workers)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(figures: dict) -> str:
    mb = 1024.0
    quarters = " ".join(f"{kb / mb:.0f}" for kb in figures["rss_quarters_kb"])
    return (f"{figures['pages']:4d} pages: {figures['pages'] / figures['wall_s']:.2f} pages/s "
            f"({figures['wall_s']:.0f} s wall, {figures['cpu_s'] / figures['pages']:.2f} CPU s/page), "
            f"peak RSS {figures['peak_rss_kb'] / mb:.0f} MB (at start {figures['rss_before_kb'] / mb:.0f} MB; "
            f"by quarter of the run {quarters} MB), largest tesseract {figures['tesseract_peak_kb'] / mb:.0f} MB")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--scans", type=Path, help="folder made by make_scans.py (default: render seed 003)")
    ap.add_argument("--variant", default="office")
    ap.add_argument("--workers", type=int, default=None, help="default: settings.workers")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.workers is None:
        from dondoc.settings import Settings
        args.workers = Settings().workers
    if args.child:
        child(args.child, args.pages, args.workers)
        return
    with tempfile.TemporaryDirectory(prefix="dondoc-ocrmem-") as tmp:
        scans = args.scans
        if scans is None:
            scans = Path(tmp) / "scans"
            subprocess.run([sys.executable, str(ROOT / "tests" / "fixtures" / "make_scans.py"), "--out", str(scans),
                            "--max-pages", "2", "--variants", args.variant, "--seeds", str(SEED)],
                           check=True, stderr=subprocess.DEVNULL)
        parts = page_jpegs(scans, args.variant)
        print(f"{args.variant} pages from {scans} ({len(parts)} distinct), repeated; "
              f"{args.workers} workers, {os.cpu_count()} cores")
        for pages in (2, args.pages):
            pdf = build_pdf(parts, pages, Path(tmp) / f"scan{pages}.pdf")
            print(report(measure(pdf, pages, args.workers)), flush=True)


if __name__ == "__main__":
    main()
