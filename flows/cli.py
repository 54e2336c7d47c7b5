"""The `dondoc` command (typer). Thin: parse arguments, build Settings, call the
library API in flows.pipeline, map errors to one stderr line and an exit code.
Heavy modules (Prefect, pandas, pdfium) are imported inside the commands, so
`dondoc --help` starts fast.
"""
from __future__ import annotations

import datetime as dt
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import typer

from dondoc import errors
from dondoc.settings import Settings

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="dondoc: Vietnamese official letters -> who must do what, by when.")

OUT_HELP = "Output folder for the tables, the ledger and the report."
AS_OF_HELP = "Compute overdue as of this date (YYYY-MM-DD); default: today in Asia/Ho_Chi_Minh."


def _date(value: Optional[str]) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD")


def _fail(error: errors.DondocError) -> None:
    typer.echo(f"dondoc: {error.reason} ({error.detail or error})", err=True)
    raise typer.Exit(error.exit_code or 1)


@contextmanager
def _exits_on(kind: type[errors.DondocError] = errors.DondocError) -> Iterator[None]:
    """A `kind` error raised inside becomes one stderr line and its exit code (`_fail`)."""
    try:
        yield
    except kind as e:
        _fail(e)


@app.command()
def run(
    inbox: Path = typer.Argument(..., help="Folder of letters, read recursively."),
    out: Path = typer.Option(Path("outputs"), "--out", help=OUT_HELP),
    as_of: Optional[str] = typer.Option(None, "--as-of", help=AS_OF_HELP),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Files in parallel (default: all cores)."),
    engine: str = typer.Option("auto", "--engine",
                               help="auto: the Prefect flow when PREFECT_API_URL is set, else in-process; "
                                    "prefect: always the Prefect flow (starts a temporary server if none); "
                                    "local: in-process only."),
    dask_address: Optional[str] = typer.Option(None, "--dask-address",
                                               help="Run the flow's tasks on this Dask scheduler (tcp://host:8786)."),
    wait: float = typer.Option(600.0, "--wait", help="Seconds to wait for another run on the same --out."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only errors."),
) -> None:
    """Ingest new or changed files under INBOX and write the tables into --out."""
    from flows import report

    settings = Settings(out_dir=out, as_of=_date(as_of))
    if workers:
        settings = _replace(settings, workers=workers)
    if dask_address:
        settings = _replace(settings, dask_address=dask_address)
        engine = "prefect"
    with _exits_on(errors.RunError):
        summary = report.run_with_progress(inbox, settings, engine=engine, wait=wait, quiet=quiet)
    if not quiet:
        report.print_summary(summary)


def _replace(settings: Settings, **changes) -> Settings:
    import dataclasses

    return dataclasses.replace(settings, **changes)


@app.command()
def text(
    file: Path = typer.Argument(..., exists=False, help="One letter in any supported format."),
    explain: bool = typer.Option(False, "--explain", help="List each repair on stderr, with examples."),
) -> None:
    """Print the repaired, normalized text of one file: exactly what extraction reads."""
    import readers
    from normalizers import normalize

    if not file.is_file():
        _fail(errors.BadArguments(f"{file} is not a file"))
    settings = Settings()
    try:
        source = readers.read(file, file.name, settings)
    except errors.DondocError as e:
        typer.echo(f"dondoc: {file}: {e.reason} ({e.detail})", err=True)
        raise typer.Exit(1)
    normalized = normalize(source, settings)
    sys.stdout.write(normalized.text)
    if not normalized.text.endswith("\n"):
        sys.stdout.write("\n")
    if explain:
        for note in source.notes:
            typer.echo(f"note: {note}", err=True)
        if not normalized.repairs:
            typer.echo("repairs: none (the text was clean)", err=True)
        for repair in normalized.repairs:
            examples = "; ".join(f"{a!r} -> {b!r}" for a, b in repair.examples)
            typer.echo(f"{repair.name}: {repair.changed} changed" + (f" (e.g. {examples})" if examples else ""),
                       err=True)


@app.command()
def status(
    task_id: Optional[str] = typer.Argument(None, help="The task_id from tasks.csv."),
    new_status: Optional[str] = typer.Argument(None, metavar="STATUS", help="open or done."),
    note: Optional[str] = typer.Option(None, "--note"),
    by: Optional[str] = typer.Option(None, "--by", help="Who records it."),
    out: Path = typer.Option(Path("outputs"), "--out", help=OUT_HELP),
    import_file: Optional[Path] = typer.Option(None, "--import", help="CSV with columns task_id,status,note,by."),
) -> None:
    """Record progress on an obligation in the status ledger (never deletes anything)."""
    from flows import report

    with _exits_on():
        count, unknown = report.record_status(out, task_id, new_status, note, by, import_file)
    typer.echo(f"recorded {count} status change(s) in {out / 'ledger.sqlite'}")
    for task in unknown:
        typer.echo(f"warning: {task} is not in {out / 'tasks.parquet'} (kept in the ledger anyway)", err=True)


@app.command()
def overdue(
    out: Path = typer.Option(Path("outputs"), "--out", help=OUT_HELP),
    as_of: Optional[str] = typer.Option(None, "--as-of", help=AS_OF_HELP),
) -> None:
    """Recompute overdue and next_due from the tables and the ledger; list what is overdue."""
    from flows import report

    settings = Settings(out_dir=out, as_of=_date(as_of))
    with _exits_on():
        report.overdue_report(settings)


@app.command()
def watch(
    inbox: Path = typer.Argument(..., help="Folder the văn thư drops letters into."),
    out: Path = typer.Option(Path("outputs"), "--out", help=OUT_HELP),
) -> None:
    """Keep running: ingest each file once it is completely written into INBOX."""
    from flows import watch as watch_module

    with _exits_on():
        watch_module.watch_inbox(inbox, Settings(out_dir=out))


@app.command()
def serve(
    inbox: Path = typer.Argument(..., help="Folder the văn thư drops letters into."),
    out: Path = typer.Option(Path("outputs"), "--out", help=OUT_HELP),
    cron: str = typer.Option("0 2 * * *", "--cron", help="When the nightly overdue run happens."),
    timezone: str = typer.Option("Asia/Ho_Chi_Minh", "--timezone"),
) -> None:
    """Serve the Prefect deployments: watched-inbox ingest and the nightly overdue run."""
    from flows import serve as serve_module

    with _exits_on():
        serve_module.serve_deployments(inbox, Settings(out_dir=out), cron=cron, timezone=timezone)


@app.command()
def query(
    sql: str = typer.Argument(..., help="SQL over the views documents, tasks, errors, ledger."),
    out: Path = typer.Option(Path("outputs"), "--out", help=OUT_HELP),
    csv: Optional[Path] = typer.Option(None, "--csv", help="Write the result to this CSV instead."),
) -> None:
    """Run DuckDB SQL over the output tables."""
    from flows import report

    with _exits_on():
        report.run_query(out, sql, csv)


if __name__ == "__main__":
    app()
