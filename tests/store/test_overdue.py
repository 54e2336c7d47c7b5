"""`overdue` as of a date: seed 003's 2022-07-10 deadline is overdue on 2026-11-25
until it is marked done, and a `done` survives a re-run, a new version of the same
letter, and the letter's removal (then it is kept and reported)."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from flows.cli import app
from store import ledger
from store.overdue import apply_as_of, is_overdue, next_due

SEED_003 = Path(__file__).parent.parent / "fixtures" / "seeds" / "003_0adef7303f31ab3e.txt"
AS_OF = "2026-11-25"


def test_a_recurring_obligation_is_overdue_once_an_occurrence_has_passed() -> None:
    assert is_overdue("open", "FREQ=YEARLY;BYMONTH=2", dt.date(2023, 2, 15), dt.date(2026, 11, 25))
    assert not is_overdue("open", "FREQ=YEARLY;BYMONTH=2", dt.date(2027, 2, 15), dt.date(2026, 11, 25))
    assert next_due("FREQ=YEARLY;BYMONTH=2", dt.date(2023, 2, 15), dt.date(2026, 11, 25)) == dt.date(2027, 2, 15)


def test_done_is_never_overdue_and_no_deadline_never_is() -> None:
    assert not is_overdue("done", None, dt.date(2022, 7, 10), dt.date(2026, 11, 25))
    assert not is_overdue("open", None, None, dt.date(2026, 11, 25))
    assert not is_overdue("open", None, dt.date(2026, 11, 25), dt.date(2026, 11, 25))  # due today is not late


def test_apply_as_of_joins_the_ledger_into_status() -> None:
    tasks = pd.DataFrame({"task_id": ["a", "b"], "deadline": [dt.date(2022, 7, 10)] * 2, "recurrence": [None, None]})
    result = apply_as_of(tasks, {"a": "done"}, dt.date(2026, 11, 25))
    assert list(result["status"]) == ["done", "open"] and list(result["overdue"]) == [False, True]


def invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def seed_003_deadline(out: Path) -> pd.Series:
    tasks = pd.read_parquet(out / "tasks.parquet")
    rows = tasks[tasks["deadline"] == dt.date(2022, 7, 10)]
    if rows.empty:
        pytest.skip("the 2022-07-10 deadline of seed 003 is not extracted (obligations engine)")
    return rows.iloc[0]


def test_seed_003_deadline_is_overdue_until_marked_done_and_done_is_kept(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "outputs"
    inbox.mkdir()
    letter = inbox / SEED_003.name
    shutil.copy2(SEED_003, letter)
    invoke("run", str(inbox), "--out", str(out), "--as-of", AS_OF, "-q")
    row = seed_003_deadline(out)
    assert row["overdue"] and row["status"] == "open"

    output = invoke("overdue", "--out", str(out), "--as-of", AS_OF)
    assert row["task_id"] in set(pd.read_csv(out / "overdue.csv", encoding="utf-8-sig")["task_id"])
    assert "overdue obligation(s) as of 2026-11-25" in output and (out / "report.html").is_file()
    invoke("overdue", "--out", str(out), "--as-of", "2022-07-01")  # before the deadline
    assert not seed_003_deadline(out)["overdue"]

    invoke("status", row["task_id"], "done", "--note", "đã gửi kế hoạch khắc phục", "--out", str(out))
    invoke("overdue", "--out", str(out), "--as-of", AS_OF)
    assert seed_003_deadline(out)["status"] == "done" and not seed_003_deadline(out)["overdue"]
    assert row["task_id"] not in set(pd.read_csv(out / "overdue.csv", encoding="utf-8-sig")["task_id"])

    letter.touch()  # re-run over the same letter
    invoke("run", str(inbox), "--out", str(out), "--as-of", AS_OF, "-q")
    assert seed_003_deadline(out)["status"] == "done"

    # A new version of the same letter (a corrected paragraph elsewhere): same obligation, same id.
    text = letter.read_text(encoding="utf-8")
    letter.write_text(text.replace("Phát huy vai trò của già làng", "Phát huy tốt vai trò của già làng"),
                      encoding="utf-8")
    invoke("run", str(inbox), "--out", str(out), "--as-of", AS_OF, "-q")
    new_row = seed_003_deadline(out)
    assert new_row["doc_id"] != row["doc_id"]
    assert new_row["task_id"] == row["task_id"] and new_row["status"] == "done"

    # The letter is withdrawn: its ledger entry stays, and `overdue` reports it.
    letter.unlink()
    invoke("run", str(inbox), "--out", str(out), "--as-of", AS_OF, "-q")
    assert ledger.latest(out)[row["task_id"]].status == "done"
    output = invoke("overdue", "--out", str(out), "--as-of", AS_OF)
    assert "no longer" in output and row["task_id"] in output
