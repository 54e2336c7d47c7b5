"""Read deadlines, periods and recurrence from Vietnamese text.

dateparser reads `trước` as "ago" and `trong` as "in", so it misses most deadline
phrases of administrative letters. Here a deadline is a cue (`chậm nhất`, `trước ngày`,
`trong`, `đến hết`, `Thời hạn:` ...) followed by a date form (`ngày 15 tháng 02 năm 2023`,
`15/02/2023`, `tháng 02/2023`, `Quý II/2024`, `6 tháng đầu năm 2025`, `năm 2024`,
`10 ngày làm việc kể từ ngày ký`). A date with no cue before it (a cited letter's
date) is not a deadline. Cues, forms and recurrence phrases live in
`extractors/data/deadlines.yaml`; the parsers here are the resolution rules.
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path

import holidays
from dateutil.relativedelta import relativedelta

from dondoc.langdata import load_yaml
from extractors.structure import compile_folded, fold

DATA = Path(__file__).parent / "data" / "deadlines.yaml"
ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True, slots=True)
class Deadline:
    """A deadline phrase found in text, with the date it gives.

    `date` is None when the phrase cannot be resolved (a relative deadline in a letter
    whose issue date is blank, or a recurrence alone). `kind` is "deadline" or
    "period" (the end of a `từ ... đến hết ...` span). `form` names the date form read.
    """

    date: dt.date | None
    text: str
    start: int
    end: int
    kind: str = "deadline"
    recurrence: str | None = None
    form: str | None = None
    explicit_year: bool = True
    strong: bool = False  # read after a cue that binds even inside a target clause


@functools.cache
def _grammar() -> dict:
    return load_yaml(DATA)


@functools.cache
def _cue_regex() -> re.Pattern[str]:
    cues = _grammar()["cues"]
    alternatives = "|".join(f"(?P<c{i}>{fold(c['pattern'])})" for i, c in enumerate(cues))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def month_end(year: int, month: int) -> dt.date:
    """Last day of a month: `trong tháng 02 năm 2023` gives 2023-02-28.

    >>> month_end(2024, 2)
    datetime.date(2024, 2, 29)
    """
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def add_working_days(start: dt.date, days: int) -> dt.date:
    """`start` plus `days` working days, skipping weekends and Vietnamese public holidays.

    `10 ngày làm việc kể từ ngày ký` of a letter signed on Friday 2024-04-26 runs over the
    30/4 and 1/5 holidays:

    >>> add_working_days(dt.date(2024, 4, 26), 10)
    datetime.date(2024, 5, 15)
    """
    off = holidays.country_holidays("VN", years=range(start.year, start.year + 2))
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            left -= 1
    return day


def _resolve(form: dict, groups: dict[str, str | None], cue_kind: str,
             issue_date: dt.date | None, issue_year: int | None) -> tuple[dt.date | None, bool]:
    """The date a matched form gives, and whether its year was written out."""
    resolve = form["resolve"]
    year_text = groups.get("year")
    year = int(year_text) if year_text else (issue_date.year if issue_date else issue_year)
    explicit = bool(year_text)
    if resolve == "relative":
        if issue_date is None:
            return None, False
        n, unit = int(groups["n"]), fold(groups["unit"] or "").lower()
        if unit == "ngay lam viec":
            return add_working_days(issue_date, n), False
        step = {"ngay": relativedelta(days=n), "tuan": relativedelta(weeks=n), "thang": relativedelta(months=n)}
        return issue_date + step[unit], False
    if year is None:
        return None, False
    before = cue_kind == "before"
    try:
        if resolve == "day":
            day = dt.date(year, int(groups["month"]), int(groups["day"]))
            if not explicit and issue_date and day < issue_date:
                day = dt.date(year + 1, day.month, day.day)  # "trước ngày 15/01" in a December letter
            return day, explicit
        if resolve == "month":
            month = int(groups["month"])
            if before:
                return dt.date(year, month, 1) - dt.timedelta(days=1), explicit
            end = month_end(year, month)
            if not explicit and issue_date and end < issue_date:
                end = month_end(year + 1, month)  # "trong tháng 3 hằng năm" in a May letter
            return end, explicit
        if resolve == "quarter":
            quarter = ROMAN_QUARTERS[(groups["quarter"] or "").lower()]
            if before:
                return dt.date(year, 3 * quarter - 2, 1) - dt.timedelta(days=1), explicit
            end = month_end(year, 3 * quarter)
            if not explicit and issue_date and end < issue_date:
                end = month_end(year + 1, 3 * quarter)
            return end, explicit
        if resolve == "half":
            first = any(w in fold(groups["half"] or "").lower() for w in (fold(x) for x in _grammar()["first_half_words"]))
            if before:
                return (dt.date(year - 1, 12, 31) if first else dt.date(year, 6, 30)), explicit
            return (dt.date(year, 6, 30) if first else dt.date(year, 12, 31)), explicit
        if resolve == "year":
            return (dt.date(year - 1, 12, 31) if before else dt.date(year, 12, 31)), explicit
    except ValueError:  # 31/02, month 13: a misread number, not a date
        return None, False
    raise ValueError(f"deadlines.yaml: unknown resolve {resolve!r}")


def find_recurrences(text: str) -> tuple[tuple[str, int, int], ...]:
    """(RRULE, start, end) of every recurrence phrase in `text`, longest rule first at a place.

    >>> find_recurrences("gửi về Sở Nội vụ trong tháng 02 năm 2023 và tháng 02 của các năm tiếp theo")
    (('FREQ=YEARLY;BYMONTH=2', 44, 64),)
    >>> find_recurrences("trước ngày 15/11 hằng năm")[0][0]
    'FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=15'
    """
    folded = fold(text)
    found: list[tuple[str, int, int]] = []
    for rule in _grammar()["recurrence"]:
        for m in compile_folded(rule["pattern"]).finditer(folded):
            if any(a <= m.start() < b or m.start() <= a < m.end() for _, a, b in found):
                continue
            values = {k: str(int(v)) for k, v in m.groupdict().items() if v}
            found.append((rule["rrule"].format(**values), m.start(), m.end()))
    return tuple(sorted(found, key=lambda r: r[1]))


def _period_start_before(folded: str, cue_start: int) -> bool:
    """True when a `từ <date>` sits just before a `đến` cue."""
    grammar = _grammar()
    window = folded[max(0, cue_start - grammar["period_window"]):cue_start]
    start_re = compile_folded(r"\btừ(?:\s+ngày)?\s+")
    for m in start_re.finditer(window):
        rest = window[m.end():]
        if any(compile_folded(f["pattern"]).match(rest) for f in grammar["date_forms"] if f["resolve"] != "relative"):
            return True
    return False


def find_deadlines(text: str, issue_date: dt.date | None = None,
                   issue_year: int | None = None) -> tuple[Deadline, ...]:
    """Every cue + date form in `text`, resolved against the letter's issue date.

    >>> [d.date.isoformat() for d in find_deadlines("gửi về Sở Nội vụ chậm nhất vào ngày 15 tháng 02 năm 2023")]
    ['2023-02-15']
    >>> find_deadlines("Kế hoạch số 42/KH-UBND ngày 06 tháng 01 năm 2023 của Ủy ban nhân dân tỉnh")
    ()
    >>> d = find_deadlines("Thời gian thi đua: Từ ngày 01 tháng 01 năm 2023 đến hết ngày 31 tháng 10 năm 2030.")[0]
    >>> d.date, d.kind, d.text
    (datetime.date(2030, 10, 31), 'period', 'đến hết ngày 31 tháng 10 năm 2030')
    """
    grammar = _grammar()
    cues = grammar["cues"]
    folded = fold(text)
    filler = compile_folded(grammar["filler"])
    forms = [(f, compile_folded(f["pattern"])) for f in grammar["date_forms"]]
    found: list[Deadline] = []
    taken_until = -1
    for cue in _cue_regex().finditer(folded):
        if cue.start() < taken_until:
            continue
        index = next(int(k[1:]) for k, v in cue.groupdict().items() if v is not None)
        cue_kind = cues[index]["kind"]
        pos = filler.match(folded, cue.end()).end()
        for form, regex in forms:
            m = regex.match(folded, pos)
            if not m:
                continue
            groups = {k: (text[m.start(k):m.end(k)] if v is not None else None) for k, v in m.groupdict().items()}
            kind = "deadline"
            if cue_kind == "end":
                if not _period_start_before(folded, cue.start()):
                    if not folded[cue.start():cue.end()].lower().replace(" ", "").startswith("denhet"):
                        break  # "đến năm 2030" is a horizon, not a deadline
                else:
                    kind = "period"
            strong = bool(cues[index].get("strong"))
            if not strong and (compile_folded(grammar["descriptive_before"]).search(folded[:cue.start()])
                               or compile_folded(grammar["past_before"]).search(folded[:cue.start()])):
                break  # "các nhiệm vụ được giao trong năm 2025", "đã tổ chức trong tháng 11": not by when
            date, explicit = _resolve(form, groups, cue_kind, issue_date, issue_year)
            found.append(Deadline(date=date, text=text[cue.start():m.end()], start=cue.start(), end=m.end(),
                                  kind=kind, form=form["name"], explicit_year=explicit,
                                  strong=strong))
            taken_until = m.end()
            taken_until = _read_coordinated(text, folded, m.end(), forms, cue_kind, kind, strong,
                                            issue_date, issue_year, found)
            break
    return tuple(_with_recurrence(text, d, issue_date) for d in found)


def _read_coordinated(text: str, folded: str, pos: int, forms: list, cue_kind: str, kind: str, strong: bool,
                      issue_date: dt.date | None, issue_year: int | None, found: list[Deadline]) -> int:
    """Dates joined to a deadline by "và" share its cue: "trước ngày 01/6 và 15/11 hằng năm".

    A date that opens a recurrence phrase ("và vào tháng 02 của các năm tiếp theo") is
    the deadline's repetition, not a second deadline.
    """
    joiner = compile_folded(_grammar()["coordination"])
    recurrences = find_recurrences(text)
    while True:
        j = joiner.match(folded, pos)
        if not j:
            return pos
        for form, regex in forms:
            if form["resolve"] == "relative":
                continue
            m = regex.match(folded, j.end())
            if m:
                break
        else:
            return pos
        previous = found[-1].date
        if previous and any(start <= m.start() < end and f"BYMONTH={previous.month}" in rule.split(";")
                            for rule, start, end in recurrences):
            return pos  # the same month again, in a recurrence: the deadline repeats
        groups = {k: (text[m.start(k):m.end(k)] if v is not None else None) for k, v in m.groupdict().items()}
        date, explicit = _resolve(form, groups, cue_kind, issue_date, issue_year)
        found.append(Deadline(date=date, text=text[m.start():m.end()], start=m.start(), end=m.end(), kind=kind,
                              form=form["name"], explicit_year=explicit, strong=strong))
        pos = m.end()


def _with_recurrence(text: str, deadline: Deadline, issue_date: dt.date | None) -> Deadline:
    """Attach the recurrence phrase that follows (or contains) a deadline phrase."""
    window = _grammar()["recurrence_window"]
    for rule, start, end in find_recurrences(text):
        if deadline.start <= start <= deadline.end + window:
            between = text[deadline.end:start]
            if ";" in between or re.search(r"\.\s", between):
                continue
            own_month = deadline.date and f"BYMONTH={deadline.date.month}" in rule.split(";")
            day_form = deadline.form in {f["name"] for f in _grammar()["date_forms"] if f["resolve"] == "day"}
            plain_yearly = rule == "FREQ=YEARLY"
            if deadline.date and rule.startswith("FREQ=YEARLY") and not own_month and (
                    plain_yearly or not deadline.explicit_year):
                # "trước ngày 01/6 và 15/11 hằng năm", "trước ngày 15/12/2024 và hằng năm":
                # each date repeats on its own day.
                rule = f"FREQ=YEARLY;BYMONTH={deadline.date.month}"
                if day_form:
                    rule += f";BYMONTHDAY={deadline.date.day}"
            elif deadline.date and rule == "FREQ=MONTHLY" and day_form:
                rule = f"FREQ=MONTHLY;BYMONTHDAY={deadline.date.day}"
            return replace(deadline, recurrence=rule)
    return deadline


def row_deadline(text: str, issue_date: dt.date | None = None,
                 issue_year: int | None = None) -> Deadline | None:
    """The bare date a task-table row ends with (its "Thời gian thực hiện" cell).

    >>> row_deadline("Tổ chức điều chỉnh quy hoạch Ban Quản lý các khu công nghệ cao Quý III Năm 2026").date
    datetime.date(2026, 9, 30)
    >>> d = row_deadline("Khảo sát thực trạng hạ tầng viễn thông Sở Công Thương Quý IV/2025- Quý II/2026")
    >>> d.date, d.kind
    (datetime.date(2026, 6, 30), 'period')
    >>> row_deadline("Thực hiện khảo sát, công bố kết quả Hàng năm") is None
    True
    """
    folded = fold(text).rstrip(" .;")
    best: tuple[int, dict, re.Match[str]] | None = None
    for form in _grammar()["date_forms"]:
        if form["resolve"] == "relative":
            continue
        for m in compile_folded(rf"(?:{form['pattern']})\s*$").finditer(folded):
            if best is None or m.start() < best[0]:
                best = (m.start(), form, m)
    if best is None:
        return None
    start, form, m = best
    groups = {k: (text[m.start(k):m.end(k)] if v is not None else None) for k, v in m.groupdict().items()}
    date, explicit = _resolve(form, groups, "deadline", issue_date, issue_year)
    if date is None:
        return None
    before = folded[:start].rstrip()
    kind = "period" if before.endswith(("-", "–")) and any(
        compile_folded(rf"(?:{f['pattern']})\s*[-–]$").search(before) for f in _grammar()["date_forms"]) else "deadline"
    return Deadline(date=date, text=text[start:m.end()], start=start, end=m.end(), kind=kind, form=form["name"],
                    explicit_year=explicit, strong=True)


def parse_deadline(text: str, issue_date: dt.date | None = None,
                   issue_year: int | None = None) -> Deadline | None:
    """The first deadline in `text`, or None.

    >>> parse_deadline("Các sở, ngành báo cáo kết quả trong tháng 02 năm 2023.").date
    datetime.date(2023, 2, 28)
    >>> parse_deadline("hoàn thành trong Quý II/2024").date
    datetime.date(2024, 6, 30)
    >>> parse_deadline("trước ngày 15/12", issue_date=dt.date(2025, 3, 4)).date
    datetime.date(2025, 12, 15)
    """
    found = find_deadlines(text, issue_date, issue_year)
    return found[0] if found else None
