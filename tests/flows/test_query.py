"""`dondoc query "SQL"`: DuckDB over the views documents, tasks, errors and ledger."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from flows.cli import app
from store import ledger

FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_query_sees_every_view_and_writes_csv(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "outputs"
    inbox.mkdir()
    shutil.copy2(FIXTURES / "seeds" / "003_0adef7303f31ab3e.txt", inbox)
    shutil.copy2(FIXTURES / "bad" / "truncated.pdf", inbox)
    runner = CliRunner()
    assert runner.invoke(app, ["run", str(inbox), "--out", str(out), "-q"]).exit_code == 0
    ledger.record(out, [ledger.LedgerEntry("t-1", "done", "đã gửi", "chị Lan", ledger.now_utc())])

    result = runner.invoke(app, ["query", "SELECT doc_number FROM documents", "--out", str(out)])
    assert result.exit_code == 0 and "1923/UBND-NC" in result.output, result.output

    csv_path = tmp_path / "q.csv"
    sql = ("SELECT (SELECT count(*) FROM documents) AS documents, (SELECT count(*) FROM errors) AS errors, "
           "(SELECT count(*) FROM tasks) AS tasks, (SELECT any_value(note) FROM ledger) AS note")
    result = runner.invoke(app, ["query", sql, "--out", str(out), "--csv", str(csv_path)])
    assert result.exit_code == 0, result.output
    row = pd.read_csv(csv_path, encoding="utf-8-sig").iloc[0]
    assert (row["documents"], row["errors"], row["note"]) == (1, 1, "đã gửi")
    assert row["tasks"] == len(pd.read_parquet(out / "tasks.parquet"))


def test_a_bad_query_is_one_line_and_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "outputs"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    runner = CliRunner()
    assert runner.invoke(app, ["run", str(inbox), "--out", str(out), "-q"]).exit_code == 0
    result = runner.invoke(app, ["query", "SELECT * FROM nowhere", "--out", str(out)])
    assert result.exit_code == 2 and "SQL error" in result.output
