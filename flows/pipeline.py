"""The pipeline as plain composition: discover -> skip unchanged -> read -> normalize
-> extract -> store -> report. This is the library API; the CLI and the Prefect
flows call these functions and add nothing but orchestration.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import filelock

import readers
from dondoc import errors
from dondoc.models import Letter, NormalizedText
from dondoc.settings import Settings
from extractors import extract
from normalizers import normalize
from normalizers.language import looks_vietnamese

log = logging.getLogger("dondoc")

LOCK_FILE = ".dondoc/run.lock"
# Names that are never letters: editor lock files, partial downloads, OS litter.
IGNORED_PREFIXES = (".", "~$", "~")
IGNORED_SUFFIXES = (".part", ".crdownload", ".tmp", ".swp", ".download", ".lock")
IGNORED_NAMES = {"Thumbs.db", "desktop.ini", ".DS_Store"}


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One file to read: small and picklable, so it can go to a process or a Dask worker."""

    path: str
    source_path: str
    doc_id: str
    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class FileResult:
    item: WorkItem
    letter: Letter | None = None
    text: NormalizedText | None = None
    citations: tuple[dict, ...] = ()
    error: dict | None = None  # an errors-table row
    seconds: dict[str, float] = field(default_factory=dict)  # time per stage
    notes: tuple[str, ...] = ()
    transient: bool = False  # the error is worth a retry (a killed OCR subprocess)


@dataclass(frozen=True, slots=True)
class RunPlan:
    to_process: tuple[WorkItem, ...]
    unchanged: dict[str, "FileState"]
    removed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RunSummary:
    files_seen: int
    files_read: int
    files_unchanged: int
    files_removed: int
    errors: tuple[dict, ...]
    documents: int
    tasks: int
    overdue: int
    seconds: float
    stage_seconds: dict[str, float]
    out_dir: str


# --- discover and plan ------------------------------------------------------------

def discover(inbox: Path) -> list[Path]:
    """Every candidate letter under `inbox`, recursively, in a stable order."""
    found = []
    for root, dirs, files in os.walk(inbox):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name in IGNORED_NAMES or name.startswith(IGNORED_PREFIXES) or name.lower().endswith(IGNORED_SUFFIXES):
                continue
            found.append(Path(root) / name)
    return found


def plan_run(inbox: Path, out_dir: Path) -> RunPlan:
    from store.state import load_index

    index = load_index(out_dir)
    to_process, unchanged = [], {}
    seen = set()
    for path in discover(inbox):
        source_path = path.relative_to(inbox).as_posix()
        seen.add(source_path)
        stat = path.stat()
        previous = index.get(source_path)
        if previous and previous.size == stat.st_size and previous.mtime_ns == stat.st_mtime_ns:
            unchanged[source_path] = previous
            continue
        doc_id = readers.file_digest(path) if stat.st_size else "0" * 16
        if previous and previous.doc_id == doc_id:
            unchanged[source_path] = dataclasses.replace(previous, size=stat.st_size, mtime_ns=stat.st_mtime_ns)
            continue
        to_process.append(WorkItem(str(path), source_path, doc_id, stat.st_size, stat.st_mtime_ns))
    removed = tuple(sorted(set(index) - seen))
    return RunPlan(tuple(to_process), unchanged, removed)


# --- the per-file stages ------------------------------------------------------------

def process_file(item: WorkItem, settings: Settings) -> FileResult:
    """read -> normalize -> extract for one file. Never raises for a bad file."""
    seconds: dict[str, float] = {}
    path = Path(item.path)
    try:
        t = time.perf_counter()
        source = readers.read(path, item.source_path, settings, doc_id=item.doc_id)
        seconds["read"] = time.perf_counter() - t
        t = time.perf_counter()
        text = normalize(source, settings)
        seconds["normalize"] = time.perf_counter() - t
        if not looks_vietnamese(text.text):
            raise errors.NotVietnamese("too few Vietnamese function words", path=item.path)
        t = time.perf_counter()
        letter = extract(text, source)
        citations = _citations(text.text)
        seconds["extract"] = time.perf_counter() - t
        return FileResult(item, letter, text, citations, seconds=seconds, notes=source.notes)
    except errors.DondocError as e:
        return FileResult(item, error=error_row(item, e), seconds=seconds,
                          transient=getattr(e, "transient", False))
    except Exception as e:  # a bug or an input we did not foresee: never stop the run
        log.error("unexpected error on %s:\n%s", item.source_path, traceback.format_exc())
        generic = errors.DondocError(f"{type(e).__name__}: {e}")
        return FileResult(item, error=error_row(item, generic), seconds=seconds)


def _citations(text: str) -> tuple[dict, ...]:
    try:
        from extractors.citations import extract_citations
    except ImportError:
        return ()
    return tuple(dataclasses.asdict(c) for c in extract_citations(text))


def error_row(item: WorkItem, error: errors.DondocError) -> dict:
    return {
        "source_path": item.source_path,
        "reason": error.reason,
        "detail": error.detail or str(error),
        "seen_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
        "doc_id": item.doc_id,
        "error": type(error).__name__,
    }


# --- running many files -------------------------------------------------------------

Mapper = Callable[[Callable[[WorkItem], FileResult], Sequence[WorkItem]], Iterable[FileResult]]


def _process_with_settings(args: tuple[WorkItem, Settings]) -> FileResult:
    return process_file(*args)


def local_results(items: Sequence[WorkItem], settings: Settings,
                  on_result: Callable[[FileResult], None] | None = None) -> list[FileResult]:
    """Process files here: serially for a few, across processes for many (the Python
    stages are CPU-bound, so threads would not help). A transient failure gets one retry."""
    # Process start-up (imports) costs about a second: only worth it for a batch.
    use_processes = settings.workers > 1 and len(items) >= 4 * settings.workers
    results: list[FileResult] = []
    if use_processes:
        with ProcessPoolExecutor(max_workers=min(settings.workers, len(items))) as pool:
            for result in pool.map(_process_with_settings, [(i, settings) for i in items], chunksize=4):
                results.append(result)
                if on_result:
                    on_result(result)
    else:
        for item in items:
            result = process_file(item, settings)
            results.append(result)
            if on_result:
                on_result(result)
    return [process_file(r.item, settings) if r.transient else r for r in results]


def run_lock(out_dir: Path) -> filelock.FileLock:
    (out_dir / ".dondoc").mkdir(parents=True, exist_ok=True)
    return filelock.FileLock(str(out_dir / LOCK_FILE))


def check_run(inbox: Path, settings: Settings) -> None:
    """Validate before any work (OCRmyPDF's check_options)."""
    if not inbox.is_dir():
        raise errors.InboxMissing(f"{inbox} is not a folder")
    out = settings.out_dir
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".dondoc-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise errors.OutputNotWritable(f"{out}: {e.strerror or e}") from e
    if out.resolve().is_relative_to(inbox.resolve()):
        raise errors.BadArguments(f"the output folder {out} is inside the inbox {inbox}")


def run(inbox: Path, settings: Settings,
        process_many: Callable[[Sequence[WorkItem], Settings], list[FileResult]] | None = None,
        on_plan: Callable[[RunPlan], None] | None = None,
        on_result: Callable[[FileResult], None] | None = None,
        lock_timeout: float = -1) -> RunSummary:
    """Ingest every new or changed file under `inbox` into `settings.out_dir`."""
    from store import commit as store_commit
    from store.writer import write_run

    started = time.perf_counter()
    check_run(inbox, settings)
    out_dir = settings.out_dir
    lock = run_lock(out_dir)
    try:
        lock.acquire(timeout=lock_timeout)
    except filelock.Timeout as e:
        raise errors.RunLocked(f"lock held on {out_dir / LOCK_FILE}") from e
    try:
        store_commit.recover(out_dir)
        plan = plan_run(inbox, out_dir)
        if on_plan:
            on_plan(plan)
        if process_many is None:
            results = local_results(plan.to_process, settings, on_result)
        else:
            results = process_many(plan.to_process, settings)
        outcome = write_run(out_dir, plan, results, settings.as_of_date,
                            keep_raw_text=settings.keep_raw_text, cross_reference=_cross_reference)
    finally:
        lock.release()
    stage_seconds: dict[str, float] = {}
    for r in results:
        for stage, secs in r.seconds.items():
            stage_seconds[stage] = stage_seconds.get(stage, 0.0) + secs
    return RunSummary(
        files_seen=len(plan.to_process) + len(plan.unchanged),
        files_read=len(plan.to_process), files_unchanged=len(plan.unchanged),
        files_removed=len(plan.removed), errors=tuple(outcome["new_errors"]),
        documents=outcome["documents"], tasks=outcome["tasks"], overdue=outcome["overdue"],
        seconds=time.perf_counter() - started, stage_seconds=stage_seconds, out_dir=str(out_dir))


def _cross_reference(documents, citations_by_doc):
    """Confirm or fill damaged header fields (date, type, a scanned signer's name) from
    what other letters of the run cite or write about them (extractors.crossref)."""
    try:
        from extractors.citations import Citation
        from extractors.crossref import confirm_signers, fill_from_citations
    except ImportError:
        return documents
    from store.tables import records_frame

    records = [_document_record(row) for row in documents.to_dict("records")]
    citations = {doc_id: tuple(_citation(Citation, c) for c in cited) for doc_id, cited in citations_by_doc.items()}
    filled = confirm_signers(fill_from_citations(records, citations))
    return records_frame(filled, "documents")


def _citation(citation_class, stored: dict):
    """A citation kept in the run state (JSON: its date is a string) as the extractor's type."""
    values = dict(stored)
    if isinstance(values.get("issue_date"), str):
        values["issue_date"] = dt.date.fromisoformat(values["issue_date"][:10])
    return citation_class(**values)


def _document_record(row: dict):
    from dondoc.models import DocumentRecord

    values = {}
    for f in dataclasses.fields(DocumentRecord):
        v = row.get(f.name)
        if isinstance(v, list):
            v = tuple(v)
        elif v is not None and not isinstance(v, (str, tuple)):
            try:
                import pandas as pd
                if pd.isna(v):
                    v = None
            except (TypeError, ValueError):
                pass
        values[f.name] = v
    if values.get("issue_year") is not None:
        values["issue_year"] = int(values["issue_year"])
    return DocumentRecord(**values)
