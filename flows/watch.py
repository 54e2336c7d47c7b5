"""`dondoc watch INBOX`: ingest each letter once it is completely written.

Scanners and copies write a file in several steps, so a change event says only that
something happened. A file is *settled* when its size and mtime have not moved for
`settle_seconds` (and a PDF ends with its `%%EOF` marker, so a half-written PDF is never
read; a PDF that stays without one is read after `max_wait_seconds` and lands in
errors.csv as truncated). A burst of files (100 letters copied at once) becomes one
run of `flows.pipeline.run`: the watcher waits until no event has arrived for
`quiet_seconds` before running. Files still being written are left out of that run
and picked up by the next one.

Renames and moves need nothing special: the pipeline plans by content hash, so a
moved letter keeps its doc_id and a file moved out of the inbox is dropped from the
tables on the next run.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import watchfiles

from dondoc import errors
from dondoc.settings import Settings
from flows import pipeline

log = logging.getLogger("dondoc.watch")

SETTLE_SECONDS = 2.0  # size and mtime unchanged this long -> the writer is done
QUIET_SECONDS = 1.0  # no event this long -> the burst is over, run
MAX_WAIT_SECONDS = 300.0  # a PDF without %%EOF after this long is read anyway (and put aside)
TICK_MS = 250  # how often the watcher wakes up without events to check pending files
RETRY_SECONDS = 30.0  # after a batch that could not run (output folder not writable, ...)
PDF_TAIL_BYTES = 2048  # %%EOF sits in the last bytes (a few trailing newlines allowed)


@dataclass(slots=True)
class Pending:
    """A file seen changing, and when its size/mtime last moved."""

    size: int
    mtime_ns: int
    changed_at: float
    first_seen: float


@dataclass(slots=True)
class WatchState:
    """What the watcher knows between events (mutable: it is the loop's own state)."""

    pending: dict[str, Pending] = field(default_factory=dict)  # absolute path -> Pending
    removed: bool = False  # a file left the inbox: the tables must drop it
    last_event: float = 0.0
    retry_at: float = 0.0  # after a failed batch, wait before trying again
    rescan: bool = True  # catch up on the whole inbox (at start, once the watcher is listening)


def is_letter_name(path: Path) -> bool:
    """The same filter as the pipeline's discovery (editor locks, partial downloads)."""
    name = path.name
    return not (name in pipeline.IGNORED_NAMES or name.startswith(pipeline.IGNORED_PREFIXES)
                or name.lower().endswith(pipeline.IGNORED_SUFFIXES))


def pdf_complete(path: Path) -> bool:
    """True unless the file starts like a PDF and does not end like one.

    A PDF's last bytes hold `%%EOF`; a copy in progress has not written them yet.
    """
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
            if b"%PDF-" not in head:
                return True
            f.seek(max(0, os.fstat(f.fileno()).st_size - PDF_TAIL_BYTES))
            return b"%%EOF" in f.read()
    except OSError:
        return False


def note_change(state: WatchState, path: Path, now: float) -> None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        state.pending.pop(str(path), None)
        state.removed = True  # perhaps a letter moved out: the next run drops its rows
        return
    if not path.is_file():
        return
    previous = state.pending.get(str(path))
    if previous and (previous.size, previous.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
        return
    state.pending[str(path)] = Pending(stat.st_size, stat.st_mtime_ns, now,
                                       previous.first_seen if previous else now)


def settled(state: WatchState, now: float, settle_seconds: float, max_wait_seconds: float) -> tuple[set[str], set[str]]:
    """Split pending files into (settled, still being written), re-reading their size."""
    ready, unsettled = set(), set()
    for name, p in list(state.pending.items()):
        path = Path(name)
        try:
            stat = path.stat()
        except FileNotFoundError:
            del state.pending[name]  # gone before it settled (a temp name renamed away)
            continue
        if (stat.st_size, stat.st_mtime_ns) != (p.size, p.mtime_ns):
            state.pending[name] = Pending(stat.st_size, stat.st_mtime_ns, now, p.first_seen)
            unsettled.add(name)
        elif now - p.changed_at < settle_seconds or recently_modified(stat.st_mtime, settle_seconds):
            unsettled.add(name)
        elif not pdf_complete(path) and now - p.first_seen < max_wait_seconds:
            unsettled.add(name)
        else:
            ready.add(name)
    return ready, unsettled


def settled_only(unsettled: set[str], settle_seconds: float = SETTLE_SECONDS) -> Callable[[Sequence[pipeline.WorkItem], Settings], list[pipeline.FileResult]]:
    """A `process_many` for pipeline.run that leaves out files still being written.

    A file left out gets no row and no index entry, so the next run sees it as new.
    So is a file written to in the last `settle_seconds` (it appeared while this run
    was starting; its own event brings it back) or whose size changed since planning.
    """
    unsettled = {os.path.realpath(name) for name in unsettled}

    def process(items: Sequence[pipeline.WorkItem], settings: Settings) -> list[pipeline.FileResult]:
        keep = []
        for item in items:
            if os.path.realpath(item.path) in unsettled:
                log.info("%s is still being written; it will be read when it is complete", item.source_path)
                continue
            try:
                stat = os.stat(item.path)
            except FileNotFoundError:
                continue
            if (stat.st_size, stat.st_mtime_ns) != (item.size, item.mtime_ns):
                continue
            if recently_modified(stat.st_mtime, settle_seconds):
                continue
            keep.append(item)
        return pipeline.local_results(keep, settings)

    return process


def unsettled_files(inbox: Path, settle_seconds: float = SETTLE_SECONDS,
                    max_wait_seconds: float = MAX_WAIT_SECONDS) -> set[str]:
    """Files that look still written to, judged without events (at start-up, or for a
    scheduled run): modified in the last `settle_seconds`, or a PDF without its end
    marker modified in the last `max_wait_seconds`."""
    now = time.time()
    found = set()
    for path in pipeline.discover(inbox):
        mtime = path.stat().st_mtime
        if recently_modified(mtime, settle_seconds, now) or (
                recently_modified(mtime, max_wait_seconds, now) and not pdf_complete(path)):
            found.add(str(path))
    return found


def recently_modified(mtime: float, seconds: float, now: float | None = None) -> bool:
    """Written to in the last `seconds`. A modification time in the future (a network
    share whose clock is ahead) does not count, or the file would never settle."""
    age = (now or time.time()) - mtime
    return 0 <= age < seconds


RunBatch = Callable[[Path, Settings, set[str], float], None]


def run_batch_here(inbox: Path, settings: Settings, unsettled: set[str],
                   settle_seconds: float = SETTLE_SECONDS) -> pipeline.RunSummary:
    """One run of the plain pipeline over the inbox, leaving out files still being written."""
    summary = pipeline.run(inbox, settings, process_many=settled_only(unsettled, settle_seconds),
                           lock_timeout=600)
    _say(f"read {summary.files_read} file(s), {len(summary.errors)} put aside; {summary.documents} document(s), "
         f"{summary.tasks} obligation(s), {summary.overdue} overdue → {settings.out_dir}")
    for e in summary.errors:
        _say(f"  {e['source_path']}: {e['reason']}")
    return summary


def watch_inbox(inbox: Path, settings: Settings, stop_event: threading.Event | None = None,
                run_batch: RunBatch | None = None, settle_seconds: float = SETTLE_SECONDS,
                quiet_seconds: float = QUIET_SECONDS, max_wait_seconds: float = MAX_WAIT_SECONDS) -> None:
    """Ingest what is in `inbox` now, then every file written into it, until Ctrl-C or
    `stop_event` is set. `run_batch` (default: the plain pipeline) does one run."""
    run_batch = run_batch or run_batch_here
    pipeline.check_run(inbox, settings)
    stop_event = stop_event or threading.Event()
    _say(f"watching {inbox} → {settings.out_dir} (Ctrl-C to stop)")
    state = WatchState()
    try:
        for changes in watchfiles.watch(inbox, stop_event=stop_event, rust_timeout=TICK_MS,
                                        yield_on_timeout=True, debounce=200, step=50,
                                        watch_filter=lambda change, name: is_letter_name(Path(name))):
            now = time.monotonic()
            for _, name in changes:
                state.last_event = now
                note_change(state, Path(name), now)
            if state.rescan and now >= state.retry_at:
                # Catch up on what arrived while nobody watched. The watcher is already
                # listening, so nothing written from now on is missed; files still being
                # written now are left out and wait in `pending` like any file seen changing.
                starting = unsettled_files(inbox, settle_seconds, max_wait_seconds)
                for name in starting:
                    note_change(state, Path(name), now)
                if _run_safely(run_batch, inbox, settings, starting, settle_seconds):
                    state.rescan = False
                else:
                    state.retry_at = time.monotonic() + RETRY_SECONDS
                continue
            if not state.pending and not state.removed:
                continue
            if now - state.last_event < quiet_seconds:
                continue  # the burst is still arriving
            ready, unsettled = settled(state, now, settle_seconds, max_wait_seconds)
            if (not ready and not state.removed) or now < state.retry_at:
                continue
            _say(f"{len(ready)} new or changed file(s)" + (", some removed" if state.removed else "")
                 + (f"; {len(unsettled)} still being written" if unsettled else ""))
            if _run_safely(run_batch, inbox, settings, unsettled, settle_seconds):
                for name in ready:
                    state.pending.pop(name, None)
                state.removed = False
            else:
                state.retry_at = time.monotonic() + RETRY_SECONDS
    except KeyboardInterrupt:
        pass
    _say("stopped watching")


def _run_safely(run_batch: RunBatch, inbox: Path, settings: Settings, unsettled: set[str],
                settle_seconds: float) -> bool:
    """One batch; a run that cannot proceed now (locked, inbox gone) is retried on the next
    event instead of ending the watch. True when the batch ran."""
    try:
        run_batch(inbox, settings, unsettled, settle_seconds)
        return True
    except errors.RunLocked:
        _say("another run holds the output folder; will try again")
    except errors.RunError as e:
        _say(f"{e.reason} ({e.detail}); will try again")
    except Exception:  # a bug must not end the watch: the văn thư keeps dropping letters
        log.exception("the run failed; will try again")
        _say("the run failed (see the log); will try again")
    return False


def _say(message: str) -> None:
    from rich.console import Console

    Console(stderr=True).print(f"[dim]{time.strftime('%H:%M:%S')}[/dim] {message}")
