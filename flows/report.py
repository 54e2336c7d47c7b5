"""What the commands print and do around the pipeline: progress, the end-of-run
summary, recording statuses, the overdue listing, SQL queries."""
from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Optional

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from dondoc import errors
from dondoc.settings import Settings
from flows import pipeline

console = Console(stderr=True)
PROGRESS_MIN_FILES = 4  # a bar for a run of one or two files is noise


def use_prefect(engine: str, settings: Settings) -> bool:
    if engine not in ("auto", "prefect", "local"):
        raise errors.BadArguments(f"--engine must be auto, prefect or local, not {engine!r}")
    if engine == "auto":
        return bool(os.environ.get("PREFECT_API_URL")) or settings.dask_address is not None
    return engine == "prefect"


def run_with_progress(inbox: Path, settings: Settings, engine: str = "auto", wait: float = 600.0,
                      quiet: bool = False) -> pipeline.RunSummary:
    if use_prefect(engine, settings):
        from flows.ingest import ingest

        return ingest(str(inbox), settings, wait)
    progress: Optional[Progress] = None
    task = None

    def on_plan(plan: pipeline.RunPlan) -> None:
        nonlocal progress, task
        if quiet or len(plan.to_process) < PROGRESS_MIN_FILES:
            return
        progress = Progress(TextColumn("[bold]reading letters"), BarColumn(), MofNCompleteColumn(),
                            TimeRemainingColumn(), TextColumn("{task.fields[name]}"), console=console,
                            transient=True)
        progress.start()
        task = progress.add_task("read", total=len(plan.to_process), name="")

    def on_result(result: pipeline.FileResult) -> None:
        if progress is not None:
            progress.update(task, advance=1, name=result.item.source_path[-40:])

    if not quiet:
        _say_if_locked(settings.out_dir)
    try:
        return pipeline.run(inbox, settings, on_plan=on_plan, on_result=on_result, lock_timeout=wait)
    finally:
        if progress is not None:
            progress.stop()


def _say_if_locked(out_dir: Path) -> None:
    lock = pipeline.run_lock(out_dir) if out_dir.exists() else None
    if lock is None:
        return
    try:
        lock.acquire(timeout=0)
        lock.release()
    except Exception:
        console.print(f"[yellow]Another dondoc run is writing to {out_dir}; waiting for it to finish…")


def print_summary(summary: pipeline.RunSummary) -> None:
    out = Console()
    out.print(f"[bold]dondoc[/bold]: {summary.files_seen} file(s) in the inbox — "
              f"{summary.files_read} read, {summary.files_unchanged} unchanged, "
              f"{summary.files_removed} removed; {summary.seconds:.1f} s")
    out.print(f"  {summary.documents} document(s), {summary.tasks} obligation(s), "
              f"[{'red' if summary.overdue else 'green'}]{summary.overdue} overdue[/] → {summary.out_dir}")
    if summary.errors:
        out.print(f"  [yellow]{len(summary.errors)} file(s) put aside[/] (listed in {summary.out_dir}/errors.csv):")
        for e in summary.errors[:10]:
            out.print(f"    {e['source_path']}: {e['reason']}")
        if len(summary.errors) > 10:
            out.print(f"    … and {len(summary.errors) - 10} more")


def record_status(out_dir: Path, task_id: Optional[str], status: Optional[str], note: Optional[str],
                  by: Optional[str], import_file: Optional[Path]) -> tuple[int, list[str]]:
    from store import ledger
    from store.tables import read_table

    entries = []
    if import_file is not None:
        if not import_file.is_file():
            raise errors.BadArguments(f"{import_file} is not a file")
        with open(import_file, encoding="utf-8-sig", newline="") as f:
            for n, row in enumerate(csv.DictReader(f), start=2):
                if not (row.get("task_id") or "").strip():
                    continue
                value = (row.get("status") or "").strip().lower()
                if value not in ledger.STATUSES:
                    raise errors.BadArguments(f"{import_file}:{n}: status must be open or done, not {value!r}")
                entries.append(ledger.LedgerEntry(row["task_id"].strip(), value, row.get("note") or None,
                                                  row.get("by") or by, ledger.now_utc()))
    else:
        if not task_id or not status:
            raise errors.BadArguments("give TASK_ID and STATUS, or --import FILE.csv")
        if status not in ledger.STATUSES:
            raise errors.BadArguments(f"STATUS must be open or done, not {status!r}")
        entries.append(ledger.LedgerEntry(task_id, status, note, by, ledger.now_utc()))
    count = ledger.record(out_dir, entries)
    known = set(read_table(out_dir, "tasks")["task_id"])
    return count, sorted({e.task_id for e in entries} - known)


def overdue_report(settings: Settings) -> None:
    from store.writer import recompute_overdue

    out_dir = settings.out_dir
    if not (out_dir / "tasks.parquet").exists():
        raise errors.BadArguments(f"no tasks table in {out_dir}: run `dondoc run INBOX --out {out_dir}` first")
    with pipeline.run_lock(out_dir):
        tasks = recompute_overdue(out_dir, settings.as_of_date)
    late = tasks[tasks["overdue"]].copy()
    late["who"] = [(a[0] if len(a) else "(không rõ đơn vị)") if not lead else lead
                   for lead, a in zip(late["lead_assignee"], late["assignees"])]
    from store.tables import to_csv_bytes
    from store.commit import write_atomic

    write_atomic(out_dir / "overdue.csv", to_csv_bytes(late.drop(columns=["who"])))
    out = Console()
    out.print(f"[bold]{len(late)} overdue obligation(s)[/bold] as of {settings.as_of_date} "
              f"(written to {out_dir / 'overdue.csv'})")
    for who, group in late.sort_values("deadline").groupby("who", sort=True):
        table = Table(title=str(who), title_justify="left", show_lines=False)
        for column in ("deadline", "doc_number", "section", "text", "task_id"):
            table.add_column(column, overflow="fold", max_width=70 if column == "text" else None)
        for row in group.itertuples():
            table.add_row(str(row.deadline or ""), str(row.doc_number or ""), str(row.section or ""),
                          str(row.text)[:200], str(row.task_id))
        out.print(table)
    try:
        from store.report import write_report
    except ImportError:
        return
    path = write_report(out_dir, settings.as_of_date)
    out.print(f"report: {path}")


def run_query(out_dir: Path, sql: str, csv_path: Optional[Path]) -> None:
    import duckdb

    con = duckdb.connect()
    for name in ("documents", "tasks", "errors"):
        path = out_dir / f"{name}.parquet"
        if path.exists():
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path.as_posix()}')")
    ledger_path = out_dir / "ledger.sqlite"
    if ledger_path.exists():
        con.execute("INSTALL sqlite; LOAD sqlite") if False else None
        try:
            con.execute(f"ATTACH '{ledger_path.as_posix()}' AS ledgerdb (TYPE sqlite, READ_ONLY)")
            con.execute("CREATE VIEW ledger AS SELECT * FROM ledgerdb.entries")
        except duckdb.Error:
            pass  # the sqlite extension is not available offline; the other views still work
    try:
        result = con.execute(sql)
    except duckdb.Error as e:
        raise errors.BadArguments(f"SQL error: {e}") from e
    frame = result.fetchdf()
    if csv_path:
        frame.to_csv(csv_path, index=False, encoding="utf-8-sig")
        Console().print(f"{len(frame)} row(s) written to {csv_path}")
        return
    table = Table(show_lines=False)
    for column in frame.columns:
        table.add_column(str(column), overflow="fold")
    for row in frame.head(200).itertuples(index=False):
        table.add_row(*["" if v is None else str(v) for v in row])
    Console().print(table)
    if len(frame) > 200:
        Console().print(f"… {len(frame) - 200} more row(s); use --csv FILE for all")
