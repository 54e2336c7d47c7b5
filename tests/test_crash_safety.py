"""A run killed at any moment (SIGKILL) leaves the tables as before or as after, never
half-written, and the ledger intact; the next run completes the work. Two runs on one
output folder never interleave: the second waits, or with --wait 0 says so and exits 3."""
from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from flows import pipeline
from store import commit, ledger

# The three shortest seeds keep the 30-letter runs short.
SEEDS = [Path(__file__).parent / "fixtures" / "seeds" / name for name in
         ("000_f4987d744d81e3f6.txt", "003_0adef7303f31ab3e.txt", "004_23b9d5d83946800d.txt")]
DONDOC = str(Path(sys.executable).parent / "dondoc")
LETTERS = 30


def make_inbox(inbox: Path, count: int, start: int = 0) -> None:
    """Copies of the seeds with a small edit each, so every file is a different letter."""
    inbox.mkdir(exist_ok=True)
    for n in range(start, start + count):
        seed = SEEDS[n % len(SEEDS)]
        text = seed.read_text(encoding="utf-8").replace("Kính gửi", f"Kính gửi (bản {n})", 1)
        (inbox / f"{n:03d}_{seed.name}").write_text(text, encoding="utf-8")


def start_run(inbox: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([DONDOC, "run", str(inbox), "--out", str(out), "--as-of", "2026-11-25",
                             "--engine", "local", "--workers", "2", "-q", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def snapshot(out: Path) -> tuple[frozenset, frozenset]:
    """(source paths, task ids) of the committed tables, checked for consistency:
    Parquet and CSV hold the same rows, and every task's document is there."""
    docs = pd.read_parquet(out / "documents.parquet")
    tasks = pd.read_parquet(out / "tasks.parquet")
    docs_csv = pd.read_csv(out / "documents.csv", encoding="utf-8-sig", dtype=str)
    tasks_csv = pd.read_csv(out / "tasks.csv", encoding="utf-8-sig", dtype=str)
    assert sorted(docs["doc_id"]) == sorted(docs_csv["doc_id"])
    assert sorted(tasks["task_id"]) == sorted(tasks_csv["task_id"])
    # Copies of one letter share task ids (same letter identity, same text), so compare
    # (doc_id, task_id) pairs.
    assert sorted(zip(tasks["doc_id"], tasks["task_id"])) == sorted(zip(tasks_csv["doc_id"], tasks_csv["task_id"]))
    assert set(tasks["doc_id"]) <= set(docs["doc_id"])
    return frozenset(docs["source_path"]), frozenset(tasks["task_id"])


def kill_when(process: subprocess.Popen, ready, timeout: float = 120) -> bool:
    """SIGKILL the run as soon as `ready()` holds; False if it finished first."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if ready():
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.005)
    process.wait(timeout=60)
    return False


def test_a_killed_run_leaves_old_or_new_tables_and_the_next_run_completes(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "outputs"
    make_inbox(inbox, 10)
    first = start_run(inbox, out)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    old = snapshot(out)
    some_task = sorted(old[1])[0] if old[1] else "task-of-a-letter"
    ledger.record(out, [ledger.LedgerEntry(some_task, "done", "đã báo cáo", "văn thư", ledger.now_utc())])

    make_inbox(inbox, LETTERS - 10, start=10)
    rng = random.Random(2026)
    moments = [
        lambda started: time.monotonic() - started > rng.uniform(0.2, 1.5),  # starting up / reading
        lambda started: time.monotonic() - started > rng.uniform(1.5, 6.0),  # reading
        lambda started: any(out.rglob(f"*{commit.STAGING_SUFFIX}")),  # writing the staged tables
        lambda started: (out / commit.JOURNAL).exists(),  # between the journal and the renames
    ]
    killed = 0
    for moment in moments:
        process = start_run(inbox, out)
        started = time.monotonic()
        killed += kill_when(process, lambda: moment(started))
        commit.recover(out)  # what the next run (or `dondoc overdue`) does first, under the lock
        assert snapshot(out)[0] in (old[0], frozenset(p.name for p in inbox.iterdir())), "half-written tables"
        assert ledger.latest(out)[some_task].status == "done"
    assert killed >= 2, "the runs finished before they could be killed"

    final = start_run(inbox, out)
    assert final.wait(timeout=300) == 0, final.stderr.read()
    docs, task_ids = snapshot(out)
    assert docs == frozenset(p.name for p in inbox.iterdir())
    assert not list(out.rglob(f"*{commit.STAGING_SUFFIX}")) and not (out / commit.JOURNAL).exists()
    assert ledger.latest(out)[some_task].status == "done"
    if some_task in task_ids:  # the ledger's status is joined into the tasks table
        tasks = pd.read_parquet(out / "tasks.parquet")
        assert set(tasks.loc[tasks["task_id"] == some_task, "status"]) == {"done"}


def test_a_second_run_with_wait_0_says_one_is_running_and_exits_3(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "outputs"
    make_inbox(inbox, 1)
    lock = pipeline.run_lock(out)
    with lock:
        second = start_run(inbox, out, "--wait", "0")
        _, stderr = second.communicate(timeout=120)
    assert second.returncode == 3
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Another run" in lines[0], stderr
    assert not (out / "documents.parquet").exists()


def test_a_second_run_waits_for_the_first(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "outputs"
    make_inbox(inbox, 2)
    lock = pipeline.run_lock(out)
    lock.acquire()
    try:
        second = start_run(inbox, out, "--wait", "120")
        time.sleep(1.0)
        assert second.poll() is None  # still waiting: it has not written anything
        assert not (out / "documents.parquet").exists()
    finally:
        lock.release()
    assert second.wait(timeout=120) == 0, second.stderr.read()
    assert len(snapshot(out)[0]) == 2
