"""What the commands print and do around the pipeline: progress, the end-of-run
summary, recording statuses, the overdue listing, SQL queries."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Optional

import pandas as pd
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
    from store.tables import read_table

    out_dir = Path(summary.out_dir)
    print_orphans(out_dir, set(read_table(out_dir, "tasks")["task_id"]), out)


def record_status(out_dir: Path, task_id: Optional[str], status: Optional[str], note: Optional[str],
                  by: Optional[str], import_file: Optional[Path]) -> tuple[int, list[str]]:
    """Append to the ledger; returns (entries recorded, task ids not in the tasks table).

    An import records only real changes (see `ledger.changes_only`), so a whole
    tasks.csv saved back from Excel can be imported as it is."""
    from store import ledger
    from store.tables import read_table

    by = by or _login_name()  # who did it matters when a status is questioned later
    if import_file is not None:
        entries = ledger.changes_only(out_dir, ledger.read_import(import_file, default_by=by))
    else:
        if not task_id or not status:
            raise errors.BadArguments("give TASK_ID and STATUS, or --import FILE.csv")
        status = ledger.STATUS_WORDS.get(status.strip().lower(), status)
        if status not in ledger.STATUSES:
            raise errors.BadArguments(f"STATUS must be open or done, not {status!r}")
        entries = [ledger.LedgerEntry(task_id.strip(), status, note, by, ledger.now_utc())]
    count = ledger.record(out_dir, entries) if entries else 0
    known = set(read_table(out_dir, "tasks")["task_id"])
    return count, sorted({e.task_id for e in entries} - known)


def _login_name() -> str | None:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def print_orphans(out_dir: Path, known_task_ids: set[str], out: Console) -> None:
    """Ledger entries whose task is gone are kept; say so, so that nobody's work is silently lost."""
    from store import ledger

    orphans = ledger.orphans(out_dir, known_task_ids)
    if not orphans:
        return
    out.print(f"  [yellow]{len(orphans)} ledger entr{'y' if len(orphans) == 1 else 'ies'} for tasks no longer "
              f"in the tables[/] (letter removed or reworded; kept in {out_dir / ledger.LEDGER_FILE}):")
    for e in orphans[:10]:
        out.print(f"    {e.task_id}: {e.status} {e.note or ''} ({e.by or '?'}, {e.at})")
    if len(orphans) > 10:
        out.print(f"    … and {len(orphans) - 10} more (dondoc query \"SELECT * FROM ledger\")")


def overdue_report(settings: Settings, inbox: Optional[Path] = None) -> pd.DataFrame:
    """Recompute overdue/next_due as of the settings' date from the stored tables and the
    ledger (no re-ingest), print the overdue rows grouped by assignee, write overdue.csv
    and report.html. Returns the overdue rows."""
    from store.commit import write_atomic
    from store.report import agency_of, write_report
    from store.tables import to_csv_bytes
    from store.writer import recompute_overdue

    out_dir = settings.out_dir
    if not (out_dir / "tasks.parquet").exists():
        raise errors.BadArguments(f"no tasks table in {out_dir}: run `dondoc run INBOX --out {out_dir}` first")
    as_of = settings.as_of_date
    from store.commit import recover

    with pipeline.run_lock(out_dir):  # never beside a run that is rewriting the tables
        recover(out_dir)  # finish a commit a killed run left half-done, as the next run would
        tasks = recompute_overdue(out_dir, as_of)
        late = tasks[tasks["overdue"].astype(bool)].copy()  # an empty column is object-typed
        write_atomic(out_dir / "overdue.csv", to_csv_bytes(late))
        report_path = write_report(out_dir, as_of, inbox)
    late["who"] = [agency_of(lead, a) for lead, a in zip(late["lead_assignee"], late["assignees"])]
    out = Console()
    out.print(f"[bold]{len(late)} overdue obligation(s)[/bold] as of {as_of} "
              f"(written to {out_dir / 'overdue.csv'})")
    late["due_date"] = [d or n for d, n in zip(late["deadline"], late["next_due"])]
    for who, group in late.groupby("who", sort=True):
        table = Table(title=f"{who} ({len(group)})", title_justify="left", show_lines=False)
        for column in ("due", "doc_number", "section", "text", "task_id"):
            table.add_column(column, overflow="fold", max_width=70 if column == "text" else None)
        for row in group.sort_values("due_date", key=lambda s: s.map(lambda d: d or dt.date.max)).itertuples():
            table.add_row(str(row.due_date or ""), str(row.doc_number or ""), str(row.section or ""),
                          str(row.text)[:200], str(row.task_id))
        out.print(table)
    print_orphans(out_dir, set(tasks["task_id"]), out)
    out.print(f"report: {report_path}")
    return late.drop(columns=["who", "due_date"])


def finish_interrupted_commit(out_dir: Path) -> None:
    """If a killed run left a commit half-done, finish it before reading, so a query
    never sees new documents beside old tasks. Skipped while a run holds the lock:
    that run finishes it itself."""
    import filelock

    from store.commit import recover

    lock = pipeline.run_lock(out_dir)
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        return
    try:
        recover(out_dir)
    finally:
        lock.release()


def run_query(out_dir: Path, sql: str, csv_path: Optional[Path]) -> None:
    import duckdb

    from store.tables import TABLES, empty_frame

    if not (out_dir / "documents.parquet").exists():
        raise errors.BadArguments(f"no tables in {out_dir}: run `dondoc run INBOX --out {out_dir}` first")
    finish_interrupted_commit(out_dir)
    con = duckdb.connect()
    for name in TABLES:
        path = out_dir / f"{name}.parquet"
        if path.exists():
            con.read_parquet(str(path)).create_view(name)
        else:  # e.g. no errors table yet: the view exists, empty, so queries still run
            con.register(f"{name}_empty", empty_frame(name))
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM {name}_empty")
    # The ledger is read here in Python rather than through DuckDB's sqlite extension,
    # which has to be downloaded and so is missing offline.
    from store import ledger

    ledger_rows = ledger.entries_frame(out_dir)
    con.register("ledger_rows", ledger_rows)
    con.execute("CREATE VIEW ledger AS SELECT * FROM ledger_rows")
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
        table.add_row(*[_cell(v) for v in row])
    Console().print(table)
    if len(frame) > 200:
        Console().print(f"… {len(frame) - 200} more row(s); use --csv FILE for all")


def _cell(value: object) -> str:
    if isinstance(value, (list, tuple)) or hasattr(value, "__array__"):
        return ", ".join(str(v) for v in value)
    return "" if value is None or pd.isna(value) else str(value)
