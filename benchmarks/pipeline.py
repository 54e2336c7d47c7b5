"""Pipeline benchmark: what `dondoc` costs on this machine, per input form.

    .venv/bin/python benchmarks/pipeline.py                  # 200 text letters, 10 PDF/DOCX, 3 scans
    .venv/bin/python benchmarks/pipeline.py --letters 50 --forms 5 --scans 0   # quicker

Prints, one `name: value` line per figure:
- start-up: `dondoc --help`, `dondoc run` on an empty inbox (local and Prefect engine),
  and `dondoc text` on one letter;
- per form (text, text PDF, DOCX, scan): files/s and pages/s of `dondoc run` as a
  command (start-up included), peak RSS of its process tree, CPU seconds, and the
  seconds per stage (read, OCR, normalize, extract, store) of a serial in-process run;
- incremental work: an unchanged re-run of the 200-letter inbox over the first run;
- parallelism: local engine with 1 and N workers; Prefect engine with threads and
  with Dask worker processes (what `--engine prefect --workers N` uses);
- floors: the pipeline's OCR time over plain `tesseract` on the same page images, and
  reading a text PDF (readers.pdf) over plain pypdfium2 `get_text_range()` and
  pdfplumber `extract_text()`.

Letters are real: normalizers/data/lm_corpus/ (sorted by name, the first N), PDF and
DOCX forms are made from them in a temporary folder (python-docx, then LibreOffice,
as tools/make_corpus_forms.py does), scans by tests/fixtures/make_scans.py. Wall
times depend on the machine's load, so the load average is printed with them and
the CPU seconds are printed too: `cpu-bound letters/s on N cores` is letters over
CPU seconds times N, what an idle machine would give.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
DONDOC = str(VENV_BIN / "dondoc")
PYTHON = str(VENV_BIN / "python")
LM_CORPUS = ROOT / "normalizers" / "data" / "lm_corpus"
MAKE_SCANS = ROOT / "tests" / "fixtures" / "make_scans.py"
AS_OF = "2026-11-25"  # fixed, so runs are comparable


# --- measuring a command ------------------------------------------------------------

@dataclass(frozen=True)
class Measured:
    wall: float  # seconds
    cpu: float  # user + system seconds of the whole process tree
    peak_rss_mb: float  # highest sum of RSS over the process tree
    returncode: int
    stdout: str
    stderr: str


def measure(command: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run `command`, sampling the RSS of its whole process tree (worker processes,
    tesseract) every 50 ms; CPU time comes from the kernel's accounting of children."""
    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})}, cwd=ROOT)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            parent = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            total = 0
            try:
                for p in [parent, *parent.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            peak = max(peak, total)
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(wall, cpu, peak / 2**20, proc.returncode, stdout, stderr)


class RunFailed(Exception):
    """`dondoc run` exited non-zero: the figures that need its tables are skipped."""


def dondoc_run(inbox: Path, out: Path, *extra: str) -> Measured:
    m = measure([DONDOC, "run", str(inbox), "--out", str(out), "--as-of", AS_OF, "--quiet", *extra])
    if m.returncode != 0:
        last = [line for line in m.stderr.splitlines() if line.strip()][-1:] or ["(no stderr)"]
        raise RunFailed(f"dondoc run {inbox.name} exited {m.returncode} after {m.wall:.1f} s: {last[0]}")
    return m


def pages_in(out: Path) -> tuple[int, int]:
    """(documents, pages) in the documents table of `out`."""
    import pandas as pd

    docs = pd.read_parquet(out / "documents.parquet")
    return len(docs), int(docs["pages"].fillna(1).sum()) if len(docs) else 0


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def free_core_speedup(cores: int) -> float:
    """How much faster a pure-Python loop runs on `cores` processes than on one, now:
    on a shared machine the other cores may be busy, and then no worker count helps."""
    from concurrent.futures import ProcessPoolExecutor

    seconds = {}
    for workers in (1, cores):
        started = time.perf_counter()
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(_spin, [3_000_000] * 4 * cores))
        seconds[workers] = time.perf_counter() - started
    return seconds[1] / seconds[cores]


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def say(name: str, value: str) -> None:
    print(f"{name}: {value}", flush=True)


# --- inputs -------------------------------------------------------------------------

def corpus_letters(count: int) -> list[Path]:
    letters = sorted((LM_CORPUS).rglob("*.txt"))
    if len(letters) < count:
        raise SystemExit(f"only {len(letters)} letters under {LM_CORPUS}")
    return letters[:count]


def make_inbox(folder: Path, files: list[Path]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy(f, folder / f.name)
    return folder


def make_office_forms(letters: list[Path], work: Path) -> tuple[Path, Path] | None:
    """DOCX and text-PDF inboxes of the same letters, made the way tools/make_corpus_forms.py
    makes corpus/forms (one LibreOffice call for all files). None without soffice."""
    spec = importlib.util.spec_from_file_location("make_corpus_forms", ROOT / "tools" / "make_corpus_forms.py")
    forms = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(forms)
    docx_dir, pdf_dir = work / "docx", work / "pdf"
    docx_dir.mkdir(parents=True)
    pdf_dir.mkdir(parents=True)
    for letter in letters:
        forms.write_docx(letter.read_text(encoding="utf-8"), docx_dir / f"{letter.stem}.docx")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return docx_dir, None
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(pdf_dir), *map(str, sorted(docx_dir.glob("*.docx")))],
                       check=True, capture_output=True, timeout=600)
    return docx_dir, pdf_dir


def make_scan_inbox(letters: list[Path], work: Path, pages: int) -> Path | None:
    """PNG pages of `letters` in the `office` variant (a photocopy: skew, blur, JPEG)."""
    if shutil.which("tesseract") is None:
        return None
    out = work / "scans"
    subprocess.run([PYTHON, str(MAKE_SCANS), "--out", str(out), "--variants", "office",
                    "--max-pages", str(pages), "--seeds", *map(str, letters)],
                   check=True, capture_output=True, timeout=900)
    inbox = work / "scan-inbox"
    inbox.mkdir()
    for png in sorted((out / "img" / "office").glob("*.png")):
        shutil.copy(png, inbox / png.name)
    return inbox


# --- seconds per stage, in process ----------------------------------------------------

_OCR_SECONDS = [0.0]


def timed_ocr(source, settings):
    """readers' "ocr" entry, timed: OCR runs inside the read stage, this separates it."""
    from readers.ocr import ocr_source

    started = time.perf_counter()
    try:
        return ocr_source(source, settings)
    finally:
        _OCR_SECONDS[0] += time.perf_counter() - started


def stage_seconds(inbox: Path, out: Path) -> dict[str, float]:
    """A serial run in this process (workers=1), timed per stage, per file:
    plan, read (without OCR), OCR, normalize, extract, store."""
    import readers
    from dondoc.settings import Settings
    from flows import pipeline

    readers.READERS["ocr"] = f"{__name__}:timed_ocr"
    _OCR_SECONDS[0] = 0.0
    marks: dict[str, float] = {}
    settings = Settings(out_dir=out, workers=1, as_of=None)
    started = time.perf_counter()

    def process_many(items, settings):
        marks["processing"] = time.perf_counter()
        results = pipeline.local_results(items, settings)
        marks["stored"] = time.perf_counter()
        return results

    summary = pipeline.run(inbox, settings, process_many=process_many,
                           on_plan=lambda plan: marks.setdefault("planned", time.perf_counter()))
    ended = time.perf_counter()
    n = max(summary.files_read, 1)
    read = summary.stage_seconds.get("read", 0.0)
    return {
        "plan": (marks["planned"] - started) / n,
        "read": (read - _OCR_SECONDS[0]) / n,
        "ocr": _OCR_SECONDS[0] / n,
        "normalize": summary.stage_seconds.get("normalize", 0.0) / n,
        "extract": summary.stage_seconds.get("extract", 0.0) / n,
        "store": (ended - marks["stored"]) / n,
    }


def say_stages(form: str, stages: dict[str, float]) -> None:
    say(f"{form} seconds per file by stage (serial)",
        ", ".join(f"{k} {v:.4f}" for k, v in stages.items()))


def say_run(form: str, m: Measured, out: Path, cores: int) -> None:
    docs, pages = pages_in(out)
    say(f"{form} dondoc run", f"{docs} files, {pages} pages in {m.wall:.2f} s wall -> "
        f"{docs / m.wall:.2f} files/s, {pages / m.wall:.2f} pages/s; cpu {m.cpu:.1f} s "
        f"(cpu-bound {docs / m.cpu * cores:.1f} files/s on {cores} cores); peak RSS {m.peak_rss_mb:.0f} MB; "
        f"load {load_average()}")


# --- floors ----------------------------------------------------------------------------

def pdf_floor(pdf_dir: Path) -> None:
    """readers.pdf over plain pypdfium2 and pdfplumber on the same PDFs (text layer only)."""
    import pypdfium2 as pdfium

    from dondoc.settings import Settings
    from readers.pdf import read_pdf

    pdfs = sorted(pdf_dir.glob("*.pdf"))
    settings = Settings()

    def ours() -> None:
        for p in pdfs:
            read_pdf(p, p.name, "0" * 16, settings)

    def plain_pdfium() -> None:
        for p in pdfs:
            doc = pdfium.PdfDocument(p)
            for page in doc:
                page.get_textpage().get_text_range()
            doc.close()

    def plumber() -> None:
        import pdfplumber

        for p in pdfs:
            with pdfplumber.open(p) as doc:
                for page in doc.pages:
                    page.extract_text()

    times = {name: best_of(fn) for name, fn in
             (("readers.pdf", ours), ("pypdfium2", plain_pdfium), ("pdfplumber", plumber))}
    say("pdf floor", f"{len(pdfs)} PDFs: readers.pdf {times['readers.pdf']:.3f} s, "
        f"pypdfium2 get_text_range {times['pypdfium2']:.3f} s, pdfplumber {times['pdfplumber']:.3f} s")
    say("pdf floor ratio", f"readers.pdf / pypdfium2 = {times['readers.pdf'] / times['pypdfium2']:.2f}, "
        f"readers.pdf / pdfplumber = {times['readers.pdf'] / times['pdfplumber']:.2f}")


def best_of(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def ocr_floor(scan_inbox: Path, pipeline_ocr_seconds: float) -> None:
    """The pipeline's OCR over plain `tesseract PAGE stdout -l vie` on the same images,
    one page at a time, both serial."""
    pages = sorted(scan_inbox.glob("*.png"))
    started = time.perf_counter()
    for page in pages:
        subprocess.run(["tesseract", str(page), "stdout", "-l", "vie"], check=True, capture_output=True,
                       env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    plain = time.perf_counter() - started
    say("ocr floor", f"{len(pages)} pages: pipeline OCR {pipeline_ocr_seconds:.1f} s, plain tesseract {plain:.1f} s")
    say("ocr floor ratio", f"pipeline OCR / plain tesseract = {pipeline_ocr_seconds / plain:.2f}")


# --- the benchmark ----------------------------------------------------------------------

def start_up(work: Path) -> None:
    empty = work / "empty"
    empty.mkdir()
    helps = [measure([DONDOC, "--help"]).wall for _ in range(3)]
    say("start-up dondoc --help", f"{statistics.median(helps):.2f} s (median of 3)")
    runs = [dondoc_run(empty, work / f"empty-out-{i}").wall for i in range(3)]
    say("start-up dondoc run (empty inbox, local engine)", f"{statistics.median(runs):.2f} s (median of 3)")
    m = dondoc_run(empty, work / "empty-out-prefect", "--engine", "prefect")
    say("start-up dondoc run --engine prefect (empty inbox, temporary server)",
        f"{m.wall:.2f} s; peak RSS {m.peak_rss_mb:.0f} MB")


def text_command(letter: Path) -> None:
    m = measure([DONDOC, "text", str(letter)])
    say("dondoc text (one letter)", f"{m.wall:.2f} s wall, cpu {m.cpu:.2f} s, {letter.name}")


def text_letters(letters: list[Path], work: Path, cores: int, stage_sample: int) -> None:
    inbox = make_inbox(work / "text-inbox", letters)
    out = work / "text-out"
    first = dondoc_run(inbox, out)
    say_run("text", first, out, cores)
    again = dondoc_run(inbox, out)
    say("text unchanged re-run", f"{again.wall:.2f} s wall, cpu {again.cpu:.1f} s; "
        f"re-run / first = {again.wall / first.wall:.3f} (goal <= 0.25)")
    goal = "met" if len(letters) / first.wall >= 5 else "NOT met"
    say("text goal >= 5 letters/s including start-up", f"{len(letters) / first.wall:.2f} letters/s: {goal}")
    sample = make_inbox(work / "text-stage-inbox", letters[:stage_sample])
    say_stages("text", stage_seconds(sample, work / "text-stage-out"))


def parallelism(letters: list[Path], work: Path, workers: int, with_prefect: bool) -> None:
    inbox = make_inbox(work / "par-inbox", letters)
    n = len(letters)
    for w in sorted({1, workers}):
        out = work / f"par-local-{w}"
        m = dondoc_run(inbox, out, "--engine", "local", "--workers", str(w))
        say(f"parallel local engine --workers {w}", f"{n} letters in {m.wall:.2f} s -> {n / m.wall:.2f} letters/s, "
            f"cpu {m.cpu:.1f} s, peak RSS {m.peak_rss_mb:.0f} MB")
    if not with_prefect:
        return
    for runner in ("threads", "processes"):
        out = work / f"par-prefect-{runner}"
        m = measure([PYTHON, __file__, "--child-prefect", runner, str(inbox), str(out), str(workers)])
        if not (out / "documents.parquet").exists():
            errors = [line for line in m.stderr.splitlines() if "Error" in line][-1:] or ["(no error line)"]
            say(f"parallel prefect engine, {runner}", f"FAILED after {m.wall:.1f} s: {errors[0]}")
            continue
        say(f"parallel prefect engine, {runner} x{workers}", f"{n} letters in {m.wall:.2f} s -> "
            f"{n / m.wall:.2f} letters/s (temporary server start-up included), cpu {m.cpu:.1f} s, "
            f"peak RSS {m.peak_rss_mb:.0f} MB")


def child_prefect(runner: str, inbox: str, out: str, workers: int) -> None:
    """One Prefect-engine run with a chosen task runner, in its own process."""
    import datetime as dt

    from prefect.task_runners import ThreadPoolTaskRunner

    from dondoc.settings import Settings
    from flows import ingest

    settings = Settings(out_dir=Path(out), workers=workers, as_of=dt.date.fromisoformat(AS_OF))
    if runner == "threads":
        task_runner = ThreadPoolTaskRunner(max_workers=workers)
    else:  # what `--engine prefect --workers N` picks for a large batch, forced for this one
        task_runner = ingest.task_runner_for(settings, files_to_read=ingest.PROCESS_MIN_FILES_PER_WORKER * workers)
    with ingest._prefect_api():
        ingest.ingest_flow.with_options(task_runner=task_runner)(inbox, settings)


def office_forms(letters: list[Path], work: Path, cores: int) -> None:
    made = make_office_forms(letters, work / "forms")
    if made is None:
        say("docx/pdf", "skipped: python-docx forms could not be made")
        return
    docx_dir, pdf_dir = made
    for form, inbox in (("docx", docx_dir), ("text PDF", pdf_dir)):
        if inbox is None:
            say(form, "skipped: LibreOffice (soffice) not installed")
            continue
        out = work / f"{form.replace(' ', '-')}-out"
        say_run(form, dondoc_run(inbox, out), out, cores)
        say_stages(form, stage_seconds(inbox, work / f"{form.replace(' ', '-')}-stage-out"))
    if pdf_dir is not None:
        pdf_floor(pdf_dir)


def scans(letters: list[Path], work: Path, cores: int, pages: int) -> None:
    inbox = make_scan_inbox(letters, work, pages)
    if inbox is None:
        say("scan", "skipped: tesseract not installed")
        return
    out = work / "scan-out"
    say_run("scan (PNG pages, office copy)", dondoc_run(inbox, out), out, cores)
    stages = stage_seconds(inbox, work / "scan-stage-out")
    say_stages("scan", stages)
    files = len(list(inbox.glob("*.png")))
    ocr_floor(inbox, stages["ocr"] * files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=200, help="text letters for the main run")
    parser.add_argument("--stage-sample", type=int, default=40, help="text letters timed per stage (serial)")
    parser.add_argument("--parallel", type=int, default=100, help="letters for the parallelism runs (0: skip)")
    parser.add_argument("--no-prefect", action="store_true", help="skip the Prefect-engine runs")
    parser.add_argument("--forms", type=int, default=10, help="letters made into DOCX and PDF (0: skip)")
    parser.add_argument("--scans", type=int, default=3, help="letters made into scans (0: skip)")
    parser.add_argument("--scan-pages", type=int, default=2, help="pages per scanned letter")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--child-prefect", nargs=4, metavar=("RUNNER", "INBOX", "OUT", "WORKERS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_prefect:
        runner, inbox, out, workers = args.child_prefect
        child_prefect(runner, inbox, out, int(workers))
        return

    cores = os.cpu_count() or 1
    say("machine", f"{cores} cores, load average {load_average()}, python {sys.version.split()[0]}; "
        f"a pure-Python loop runs {free_core_speedup(cores):.2f}x faster on {cores} processes than on 1")
    letters = corpus_letters(max(args.letters, args.parallel, args.forms, args.scans))
    with tempfile.TemporaryDirectory(prefix="dondoc-bench-") as tmp:
        work = Path(tmp)
        guarded("start-up", start_up, work)
        text_command(letters[0])
        guarded("text", text_letters, letters[:args.letters], work, cores, min(args.stage_sample, args.letters))
        if args.parallel:
            guarded("parallel", parallelism, letters[:args.parallel], work, args.workers, not args.no_prefect)
        if args.forms:
            guarded("forms", office_forms, letters[:args.forms], work, cores)
        if args.scans:
            guarded("scan", scans, letters[:args.scans], work, cores, args.scan_pages)


def guarded(name: str, step, *args) -> None:
    """Run one part of the benchmark; a failing run prints one line and the rest goes on."""
    try:
        step(*args)
    except Exception as e:  # a benchmark reports a broken stage and measures the rest
        say(name, f"FAILED: {type(e).__name__}: {e}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
