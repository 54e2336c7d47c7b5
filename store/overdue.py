"""Overdue flags and next occurrences as of a date (OUTPUTS.md `overdue`, `next_due`).

A one-off obligation is overdue when it is open and its deadline is before the
as-of date. A recurring one (an RRULE) is overdue when it is open and an
occurrence has already passed; `next_due` is its next occurrence on or after
the as-of date.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from dateutil.rrule import rrulestr


def occurrences(recurrence: str, start: dt.date):
    return rrulestr(recurrence, dtstart=dt.datetime.combine(start, dt.time()))


def next_due(recurrence: str | None, deadline: dt.date | None, as_of: dt.date,
             issue_year: int | None = None) -> dt.date | None:
    """Next occurrence on or after `as_of`.

    >>> next_due("FREQ=YEARLY;BYMONTH=2", dt.date(2023, 2, 15), dt.date(2026, 11, 25))
    datetime.date(2027, 2, 15)
    """
    if not recurrence:
        return None
    start = deadline or dt.date(issue_year or as_of.year, 1, 1)
    rule = occurrences(recurrence, start)
    nxt = rule.after(dt.datetime.combine(as_of, dt.time()), inc=True)
    return nxt.date() if nxt else None


def is_overdue(status: str, recurrence: str | None, deadline: dt.date | None, as_of: dt.date,
               issue_year: int | None = None) -> bool:
    """True when an open obligation's deadline, or an occurrence of it, has passed.

    >>> is_overdue("open", None, dt.date(2022, 7, 10), dt.date(2026, 11, 25))
    True
    """
    if status == "done":
        return False
    if recurrence:
        start = deadline or dt.date(issue_year or as_of.year, 1, 1)
        last = occurrences(recurrence, start).before(dt.datetime.combine(as_of, dt.time()))
        return last is not None
    return deadline is not None and deadline < as_of


def apply_as_of(tasks: pd.DataFrame, statuses: dict[str, str], as_of: dt.date) -> pd.DataFrame:
    """Fill status (from the ledger), overdue and next_due for every task row."""
    tasks = tasks.copy()
    tasks["status"] = [statuses.get(t, "open") for t in tasks["task_id"]]
    deadlines = [None if pd.isna(d) else d for d in tasks["deadline"]] if len(tasks) else []
    recurrences = [None if pd.isna(r) else r for r in tasks["recurrence"]] if len(tasks) else []
    tasks["overdue"] = [is_overdue(s, r, d, as_of) for s, r, d in zip(tasks["status"], recurrences, deadlines)]
    tasks["next_due"] = [next_due(r, d, as_of) for r, d in zip(recurrences, deadlines)]
    return tasks
