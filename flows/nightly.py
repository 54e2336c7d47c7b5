"""The `nightly-overdue` Prefect flow: each night, recompute `overdue` and `next_due`
as of today (Asia/Ho_Chi_Minh) from the stored tables and the ledger, without
re-ingesting, and rewrite overdue.csv and report.html — so the morning's tables are
right even on a day when no letter arrived."""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.exceptions import MissingContextError

from dondoc import errors
from dondoc.settings import Settings
from flows import report


@flow(name="nightly-overdue", log_prints=True)
def nightly_overdue(out_dir: str, as_of: str | None = None, inbox: str | None = None) -> int:
    """Returns how many obligations are overdue (0 when nothing was ingested yet)."""
    logger = run_logger()
    settings = Settings(out_dir=Path(out_dir), as_of=dt.date.fromisoformat(as_of) if as_of else None)
    try:
        late = report.overdue_report(settings, inbox=Path(inbox) if inbox else None)
    except errors.BadArguments as e:  # no tables yet: nothing to recompute tonight
        logger.info("nothing to do: %s", e.detail)
        return 0
    logger.info("%d overdue obligation(s) as of %s; overdue.csv and report.html rewritten in %s",
                len(late), settings.as_of_date, out_dir)
    return len(late)


def run_logger() -> logging.Logger:
    """The flow run's logger (shown in the Prefect UI); a plain one when called outside
    a run (`.fn`, tests)."""
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger("dondoc")
