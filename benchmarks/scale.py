"""A year of letters, simulated: how `dondoc run` time and memory grow with the count.

    .venv/bin/python benchmarks/scale.py                      # 500, 1000, 2000 letters
    .venv/bin/python benchmarks/scale.py --counts 500,2000,5000,20000 --max 20000
    .venv/bin/python benchmarks/scale.py --scan-pages 0       # skip the OCR sample

Letters are real (normalizers/data/lm_corpus/), cycled and varied so that every
file has its own content hash: the letter number after `Số:` becomes the copy's
index (or, without one, a closing line names the copy), so the run reads each one.

For each count this prints a cold `dondoc run` (files/s, CPU seconds, peak RSS of
the process tree, size of the outputs) and then a daily run: `--daily` new letters
added to the stored year, which is what a province pays every day. Scans are too
slow to generate by the thousand, so OCR is measured on a few pages
(tests/fixtures/make_scans.py, office-copy variant) and projected with
`--scan-share` of the letters being scans of `--pages-per-scan` pages.
The last lines are the projection for `--year` letters, the figures that
docs/scaling.md quotes.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("bench_pipeline", HERE / "pipeline.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_pipeline"] = bench  # dataclasses look their module up by name
_spec.loader.exec_module(bench)

NUMBER = re.compile(r"(Số\s*:\s*)(\d+)")


def vary(text: str, index: int) -> str:
    """The same letter as copy number `index`: a different number, so a different hash.

    >>> vary("Số: 42/KH-UBND", 7)
    'Số: 7/KH-UBND'
    """
    changed, count = NUMBER.subn(lambda m: f"{m.group(1)}{index}", text, count=1)
    return changed if count else f"{text.rstrip()}\n(bản {index})\n"


def write_year(inbox: Path, sources: list[Path], start: int, stop: int) -> None:
    """Letters number start..stop-1, cycling over `sources`, grouped by month folder."""
    for i in range(start, stop):
        source = sources[i % len(sources)]
        folder = inbox / f"{1 + i * 12 // max(stop, 1):02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:05d}_{source.stem}.txt").write_text(vary(source.read_text(encoding="utf-8"), i),
                                                           encoding="utf-8")


def folder_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20


def ocr_cost(work: Path, letters: list[Path], pages: int) -> float | None:
    """Wall seconds per scanned page of `dondoc run`, start-up excluded (a run on the
    same number of text letters is subtracted)."""
    inbox = bench.make_scan_inbox(letters, work, pages)
    if inbox is None:
        return None
    m = bench.dondoc_run(inbox, work / "scan-out")
    _, counted = bench.pages_in(work / "scan-out")
    empty = work / "scan-empty"
    empty.mkdir()
    startup = bench.dondoc_run(empty, work / "scan-empty-out").wall
    per_page = max(m.wall - startup, 0.0) / max(counted, 1)
    bench.say("scan sample", f"{counted} pages in {m.wall:.1f} s (start-up {startup:.1f} s) -> "
              f"{per_page:.2f} s/page on {os.cpu_count()} cores; peak RSS {m.peak_rss_mb:.0f} MB")
    return per_page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counts", default="500,1000,2000", help="letter counts to run, comma-separated")
    parser.add_argument("--max", type=int, default=20000, help="never generate more than this many letters")
    parser.add_argument("--daily", type=int, default=50, help="new letters of the daily run")
    parser.add_argument("--year", type=int, default=20000, help="letters of the projected year")
    parser.add_argument("--scan-share", type=float, default=0.3, help="share of the year's letters that are scans")
    parser.add_argument("--pages-per-scan", type=float, default=2.0)
    parser.add_argument("--scan-pages", type=int, default=2, help="pages OCR'd to measure the cost (0: skip)")
    args = parser.parse_args()

    counts = sorted({min(int(c), args.max) for c in args.counts.split(",") if c.strip()})
    sources = sorted(bench.LM_CORPUS.rglob("*.txt"))
    cores = os.cpu_count() or 1
    bench.say("machine", f"{cores} cores, load average {bench.load_average()}")
    curve: list[tuple[int, float, float, float]] = []  # count, wall, peak MB, daily wall
    with tempfile.TemporaryDirectory(prefix="dondoc-scale-") as tmp:
        work = Path(tmp)
        for count in counts:
            inbox, out = work / f"inbox-{count}", work / f"out-{count}"
            write_year(inbox, sources, 0, count)
            m = bench.dondoc_run(inbox, out)
            docs, _ = bench.pages_in(out)
            bench.say(f"year of {count}", f"{docs} documents in {m.wall:.1f} s -> {count / m.wall:.2f} letters/s; "
                      f"cpu {m.cpu:.0f} s ({m.cpu / count:.3f} s/letter); peak RSS {m.peak_rss_mb:.0f} MB; "
                      f"outputs {folder_mb(out):.0f} MB; load {bench.load_average()}")
            write_year(inbox, sources, count, count + args.daily)
            daily = bench.dondoc_run(inbox, out)
            bench.say(f"daily run on a year of {count}", f"+{args.daily} letters in {daily.wall:.1f} s; "
                      f"peak RSS {daily.peak_rss_mb:.0f} MB")
            curve.append((count, m.wall, m.peak_rss_mb, daily.wall))
            shutil.rmtree(inbox)
            shutil.rmtree(out)
        per_page = ocr_cost(work, sources[:max(1, args.scan_pages)], 1) if args.scan_pages else None

    project(curve, args, per_page)


def project(curve: list[tuple[int, float, float, float]], args, per_page: float | None) -> None:
    """Least-squares line through (count, wall) and (count, peak MB), extended to a year."""
    if len(curve) < 2:
        bench.say("projection", "needs at least two counts")
        return
    counts = [c for c, *_ in curve]

    def fit(values: list[float]) -> tuple[float, float]:
        n = len(counts)
        mx, my = sum(counts) / n, sum(values) / n
        slope = sum((x - mx) * (y - my) for x, y in zip(counts, values)) / sum((x - mx) ** 2 for x in counts)
        return slope, my - slope * mx

    wall_slope, wall_icpt = fit([w for _, w, _, _ in curve])
    mem_slope, mem_icpt = fit([m for _, _, m, _ in curve])
    day_slope, day_icpt = fit([d for *_, d in curve])
    year = args.year
    text_letters = year * (1 - args.scan_share)
    text_hours = (wall_slope * text_letters + wall_icpt) / 3600
    bench.say("fit wall", f"{wall_slope * 1000:.1f} s per 1000 text letters + {wall_icpt:.1f} s")
    bench.say("fit peak RSS", f"{mem_slope * 1000:.1f} MB per 1000 letters + {mem_icpt:.0f} MB")
    bench.say("fit daily run", f"{day_slope * 1000:.2f} s per 1000 stored letters + {day_icpt:.1f} s "
              f"(for {args.daily} new letters)")
    daily = (f"{day_slope * year + day_icpt:.0f} s" if day_slope > 0 else
             "not measurable here (the daily runs vary more with the load than with the count)")
    bench.say(f"projection {year} letters ({args.scan_share:.0%} scans)",
              f"text part {text_letters:.0f} letters: {text_hours:.2f} h in one cold run; "
              f"peak RSS {mem_slope * year + mem_icpt:.0f} MB; daily run of {args.daily} on a full year: {daily}")
    if per_page is not None:
        scan_pages = year * args.scan_share * args.pages_per_scan
        bench.say("projection scans", f"{scan_pages:.0f} pages x {per_page:.2f} s = {scan_pages * per_page / 3600:.1f} h "
                  f"on {os.cpu_count()} cores ({scan_pages * per_page / 60 / 250:.0f} min per working day over 250 days)")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    main()
