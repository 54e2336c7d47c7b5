"""`dondoc watch`: letters dropped into the inbox reach the tables within seconds, bad
files land in errors.csv, a half-written PDF is never read, a burst is one run."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from dondoc.settings import Settings
from flows import watch

FIXTURES = Path(__file__).parent.parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
BAD = FIXTURES / "bad"
WAIT_SECONDS = 60  # an upper bound for a slow machine, not a speed requirement


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def table(out: Path, name: str) -> pd.DataFrame:
    path = out / f"{name}.parquet"
    return pd.read_parquet(path) if path.exists() else pd.DataFrame(columns=["source_path"])


class Watcher:
    """watch_inbox in a thread, counting its runs and what each left out."""

    def __init__(self, inbox: Path, out: Path, max_wait_seconds: float = 3.0) -> None:
        self.stop = threading.Event()
        self.runs: list[set[str]] = []
        self.settings = Settings(out_dir=out, workers=1)

        def run_batch(inbox: Path, settings: Settings, unsettled: set[str], settle: float) -> None:
            self.runs.append(set(unsettled))
            watch.run_batch_here(inbox, settings, unsettled, settle)

        self.thread = threading.Thread(target=watch.watch_inbox, args=(inbox, self.settings, self.stop, run_batch),
                                       kwargs={"settle_seconds": 0.6, "quiet_seconds": 0.5,
                                               "max_wait_seconds": max_wait_seconds}, daemon=True)

    def __enter__(self) -> "Watcher":
        self.thread.start()
        wait_for(lambda: self.runs, "the catch-up run")
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive()


def test_dropped_letters_reach_the_tables_and_bad_files_errors_csv(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "outputs"
    inbox.mkdir()
    shutil.copy2(SEEDS[0], inbox / SEEDS[0].name)  # there before the watch starts
    with Watcher(inbox, out) as watcher:
        wait_for(lambda: SEEDS[0].name in set(table(out, "documents")["source_path"]), "the letter already there")
        for seed in SEEDS[1:3]:
            shutil.copy(seed, inbox / seed.name)
        (inbox / "sub").mkdir()
        for name in ("truncated.pdf", "english-letter.txt", "empty.pdf"):
            shutil.copy(BAD / name, inbox / "sub" / name)
        wait_for(lambda: {s.name for s in SEEDS[:3]} <= set(table(out, "documents")["source_path"]), "new letters")
        wait_for(lambda: {"sub/truncated.pdf", "sub/english-letter.txt", "sub/empty.pdf"}
                 <= set(table(out, "errors")["source_path"]), "bad files in errors")
        errors_csv = pd.read_csv(out / "errors.csv", encoding="utf-8-sig")
        assert "sub/truncated.pdf" in set(errors_csv["source_path"])

        # A move inside the inbox keeps the letter; a move out drops it from the tables.
        os.rename(inbox / SEEDS[1].name, inbox / "sub" / SEEDS[1].name)
        shutil.move(str(inbox / SEEDS[2].name), tmp_path / SEEDS[2].name)
        wait_for(lambda: set(table(out, "documents")["source_path"]) == {SEEDS[0].name, f"sub/{SEEDS[1].name}"},
                 "the moves")


def test_a_pdf_is_read_only_once_completely_written(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "outputs"
    inbox.mkdir()
    whole = (BAD / "encrypted.pdf").read_bytes()  # any real PDF will do; this one is small
    body, tail = whole[:-60], whole[-60:]
    with Watcher(inbox, out, max_wait_seconds=60):
        with open(inbox / "scan.pdf", "wb") as f:  # a scanner writing slowly
            for start in range(0, len(body), 100):
                f.write(body[start:start + 100])
                f.flush()
                time.sleep(0.2)
            time.sleep(2.5)  # a long pause before the last bytes (and %%EOF): still not read
            assert "scan.pdf" not in set(table(out, "errors")["source_path"])
            f.write(tail)
        wait_for(lambda: "scan.pdf" in set(table(out, "errors")["source_path"]), "the finished PDF")
        reasons = table(out, "errors").set_index("source_path")["error"]
        assert reasons["scan.pdf"] == "EncryptedPdf"  # read whole: not "truncated"


def test_a_burst_of_files_is_one_run(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "outputs"
    inbox.mkdir()
    with Watcher(inbox, out) as watcher:
        for n in range(20):  # enough to span several watcher ticks
            seed = SEEDS[n % len(SEEDS)]
            (inbox / f"{n:03d}_{seed.name}").write_bytes(seed.read_bytes() + f"\n<!-- {n} -->\n".encode())
        wait_for(lambda: len(table(out, "documents")) == 20, "20 letters")
        time.sleep(1.5)
        assert len(watcher.runs) <= 3, watcher.runs  # catch-up, the burst, perhaps one straggler


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_ctrl_c_stops_the_watch_cleanly(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "outputs"
    inbox.mkdir()
    dondoc = Path(sys.executable).parent / "dondoc"
    process = subprocess.Popen([str(dondoc), "watch", str(inbox), "--out", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: (out / "documents.parquet").exists(), "the catch-up run")
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert "stopped watching" in stderr and "Traceback" not in stderr


def test_without_events_a_pdf_still_missing_its_end_is_left_out(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    whole = (BAD / "encrypted.pdf").read_bytes()
    (inbox / "half.pdf").write_bytes(whole[:-60])
    (inbox / "whole.pdf").write_bytes(whole)
    old = time.time() - 60
    for name in ("half.pdf", "whole.pdf"):
        os.utime(inbox / name, (old, old))
    assert watch.unsettled_files(inbox) == {str(inbox / "half.pdf")}
    assert watch.unsettled_files(inbox, max_wait_seconds=30) == set()  # waited long enough: read it
