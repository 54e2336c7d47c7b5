"""report.html: self-contained (no network), overdue and upcoming per agency, a chart by
due month, links to each source letter; it renders in headless Chromium."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import struct
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from dondoc.models import DocumentRecord, Letter, NormalizedText, TaskRecord
from store import ledger
from store.report import write_report
from store.writer import write_run

AS_OF = dt.date(2026, 11, 25)


def store_letter(out_dir: Path, source_path: str, doc_id: str, tasks: list[TaskRecord]) -> None:
    """Commit one letter's rows through the real writer, as a run would."""
    document = DocumentRecord(doc_id=doc_id, source_path=source_path, source_format="txt", text_source="text",
                              pages=1, doc_number="1923/UBND-NC", issue_year=2022)
    item = SimpleNamespace(source_path=source_path, size=1, mtime_ns=1, doc_id=doc_id)
    result = SimpleNamespace(item=item, letter=Letter(document, tuple(tasks)),
                             text=NormalizedText("Kính gửi: Sở Nội vụ", "Kính gửi: Sở Nội vụ"), citations=(), error=None)
    write_run(out_dir, SimpleNamespace(unchanged={}, removed=()), [result], AS_OF)


def task(task_id: str, deadline: dt.date | None, lead: str | None, text: str = "gửi báo cáo") -> TaskRecord:
    return TaskRecord(task_id=task_id, doc_id="0adef7303f31ab3e", doc_number="1923/UBND-NC", section="1",
                      kind="deadline", text=text, assignees=(lead,) if lead else (), lead_assignee=lead,
                      deadline=deadline)


@pytest.fixture()
def out_dir(tmp_path: Path) -> Path:
    out = tmp_path / "outputs"
    store_letter(out, "003_0adef7303f31ab3e.txt", "0adef7303f31ab3e", [
        task("t-late", dt.date(2022, 7, 10), "Sở Nội vụ", "xây dựng kế hoạch khắc phục <b>trước ngày 10/7/2022</b>"),
        task("t-soon", dt.date(2026, 12, 15), "Sở Tài chính"),
        task("t-far", dt.date(2027, 6, 30), None),
        task("t-done", dt.date(2023, 1, 31), "Sở Nội vụ"),
    ])
    ledger.record(out, [ledger.LedgerEntry("t-done", "done", "đã gửi", "chị Lan", ledger.now_utc()),
                        ledger.LedgerEntry("gone-task", "done", "văn bản đã gỡ", "anh Minh", ledger.now_utc())])
    return out


def test_report_lists_overdue_and_upcoming_per_agency_with_source_links(out_dir: Path) -> None:
    page = write_report(out_dir, AS_OF).read_text(encoding="utf-8")
    assert "Sở Nội vụ — 1 quá hạn, 0 sắp đến hạn" in page
    assert "Sở Tài chính — 0 quá hạn, 1 sắp đến hạn" in page
    assert "t-done" not in page.split("Ledger entries")[0]  # done: neither overdue nor upcoming
    assert 'href="text/0adef7303f31ab3e.txt"' in page
    assert (out_dir / "text" / "0adef7303f31ab3e.txt").is_file()
    assert "&lt;b&gt;trước ngày 10/7/2022&lt;/b&gt;" in page  # letter text is escaped, never markup
    assert "gone-task" in page and "văn bản đã gỡ" in page  # an orphaned ledger entry is reported


def test_report_links_to_the_inbox_file_when_the_inbox_is_known(out_dir: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "003_0adef7303f31ab3e.txt").write_text("x", encoding="utf-8")
    page = write_report(out_dir, AS_OF, inbox=inbox).read_text(encoding="utf-8")
    assert 'href="../inbox/003_0adef7303f31ab3e.txt"' in page


def test_report_is_self_contained(out_dir: Path) -> None:
    page = write_report(out_dir, AS_OF).read_text(encoding="utf-8")
    assert "<svg" in page and "2022-07" in page and "2026-12" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<script" not in page and "@import" not in page


def test_report_is_written_for_an_empty_output_folder(tmp_path: Path) -> None:
    page = write_report(tmp_path, AS_OF).read_text(encoding="utf-8")
    assert "Nothing overdue or upcoming" in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed")
def test_report_renders_in_headless_chromium(out_dir: Path, tmp_path: Path) -> None:
    page = write_report(out_dir, AS_OF)
    screenshot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'chromium-profile'}", "--window-size=1200,1600",
                    f"--screenshot={screenshot}", page.resolve().as_uri()],
                   check=True, capture_output=True, timeout=60)
    data = screenshot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 1600)
    from PIL import Image

    with Image.open(screenshot) as image:
        colors = image.convert("RGB").getcolors(maxcolors=1_000_000)
    # A blank or error page has a handful of colours; text, tables and the chart have many,
    # and the overdue red of the chart is there.
    assert len(colors) > 50
    assert any(abs(r - 0xB3) < 8 and abs(g - 0x26) < 8 and abs(b - 0x1E) < 8 for _, (r, g, b) in colors)
