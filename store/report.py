"""`report.html`: one self-contained page for the people who would rather look than read.

No network and no scripts: inline CSS and an inline SVG chart, so the file can be
mailed or opened from a shared drive. It shows, as of a date: a chart of obligations
by due month, then per agency the overdue and the upcoming obligations, each with a
link to its source letter (relative `file:` links, so they work wherever the output
folder is copied along with the inbox), the files put aside, and ledger entries whose
task has disappeared.
"""
from __future__ import annotations

import datetime as dt
import html
import os
from pathlib import Path

import pandas as pd

from store import ledger
from store.commit import write_atomic
from store.overdue import apply_as_of
from store.tables import read_table

REPORT_FILE = "report.html"
UNKNOWN_AGENCY = "(không rõ đơn vị)"
UPCOMING_DAYS = 90  # "upcoming" = due within this many days of the as-of date
CHART_MONTHS = 36  # at most this many months on the chart (the most recent ones)

CSS = """
body{font-family:"Segoe UI",Arial,sans-serif;margin:24px;color:#1d2733;max-width:1200px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #d9dee5}
h3{font-size:15px;margin:18px 0 6px} .muted{color:#66707c;font-size:13px}
.cards{display:flex;gap:12px;margin:14px 0} .card{border:1px solid #d9dee5;border-radius:6px;padding:8px 14px}
.card b{display:block;font-size:22px} .late b{color:#b3261e} .soon b{color:#9a6700} .done b{color:#1a7f37}
table{border-collapse:collapse;width:100%;font-size:13px;margin-bottom:8px}
th,td{border:1px solid #d9dee5;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f3f5f8} tr.late td:first-child{border-left:4px solid #b3261e}
tr.soon td:first-child{border-left:4px solid #d4a72c} a{color:#0b57d0} td:first-child{white-space:nowrap}
"""


def agency_of(lead: object, assignees: object) -> str:
    """The unit an obligation is filed under: its lead (`chủ trì`), else the first assignee."""
    if isinstance(lead, str) and lead:
        return lead
    if assignees is not None and len(assignees):
        return str(assignees[0])
    return UNKNOWN_AGENCY


def source_link(out_dir: Path, doc_id: str, source_path: str | None, inbox: Path | None) -> str:
    """Relative link to the letter: the inbox file when the inbox is known and the file is
    still there, else the repaired text the pipeline stored (`text/DOC_ID.txt`)."""
    if inbox is not None and source_path and (inbox / source_path).is_file():
        return Path(os.path.relpath(inbox / source_path, out_dir)).as_posix()
    return f"text/{doc_id}.txt"


def due_month_counts(tasks: pd.DataFrame) -> pd.DataFrame:
    """Obligations per due month (deadline, or next occurrence), split overdue/open/done."""
    due = [d if d is not None else n for d, n in zip(tasks["deadline"], tasks["next_due"])]
    frame = pd.DataFrame({
        "month": [f"{d.year:04d}-{d.month:02d}" if d is not None and not pd.isna(d) else None for d in due],
        "state": ["done" if s == "done" else "overdue" if o else "open"
                  for s, o in zip(tasks["status"], tasks["overdue"])],
    }).dropna(subset=["month"])
    if frame.empty:
        return pd.DataFrame(columns=["overdue", "open", "done"])
    counts = frame.groupby(["month", "state"]).size().unstack(fill_value=0)
    for state in ("overdue", "open", "done"):
        if state not in counts.columns:
            counts[state] = 0
    return counts[["overdue", "open", "done"]].sort_index().tail(CHART_MONTHS)


def svg_chart(counts: pd.DataFrame) -> str:
    """A stacked bar chart as inline SVG (no script, no external font)."""
    if counts.empty:
        return '<p class="muted">Chưa có nghĩa vụ nào có hạn. / No obligation has a due date yet.</p>'
    colors = {"overdue": "#b3261e", "open": "#4f7cc4", "done": "#1a7f37"}
    bar, gap, height, left, bottom = 22, 8, 200, 36, 60
    width = max(left + len(counts) * (bar + gap) + 20, 480)  # room for the legend
    peak = max(int(counts.sum(axis=1).max()), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + bottom + 20}" '
             f'role="img" aria-label="obligations by due month">',
             f'<line x1="{left}" y1="{height + 10}" x2="{width - 10}" y2="{height + 10}" stroke="#888"/>',
             f'<text x="{left - 6}" y="{20}" font-size="11" text-anchor="end">{peak}</text>',
             f'<text x="{left - 6}" y="{height + 10}" font-size="11" text-anchor="end">0</text>']
    for i, (month, row) in enumerate(counts.iterrows()):
        x = left + gap + i * (bar + gap)
        y = height + 10
        for state in ("done", "open", "overdue"):
            h = row[state] / peak * (height - 10)
            if h <= 0:
                continue
            y -= h
            parts.append(f'<rect x="{x}" y="{y:.1f}" width="{bar}" height="{h:.1f}" fill="{colors[state]}">'
                         f'<title>{month}: {int(row[state])} {state}</title></rect>')
        parts.append(f'<text x="{x + bar / 2}" y="{height + 24}" font-size="10" text-anchor="end" '
                     f'transform="rotate(-60 {x + bar / 2} {height + 24})">{month}</text>')
    legend_x = left
    for state, label in (("overdue", "quá hạn / overdue"), ("open", "chưa đến hạn / open"),
                         ("done", "đã xong / done")):
        parts.append(f'<rect x="{legend_x}" y="{height + bottom + 6}" width="10" height="10" '
                     f'fill="{colors[state]}"/><text x="{legend_x + 14}" y="{height + bottom + 15}" '
                     f'font-size="11">{label}</text>')
        legend_x += 150
    parts.append("</svg>")
    return "".join(parts)


def _e(value: object) -> str:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def _task_rows(rows: pd.DataFrame, css_class: str) -> str:
    out = []
    for r in rows.itertuples():
        due = r.deadline if r.deadline is not None else r.next_due
        out.append(f'<tr class="{css_class}"><td>{_e(due)}</td><td>{_e(r.doc_number)}</td>'
                   f'<td>{_e(r.section)}</td><td>{_e(str(r.text)[:400])}</td>'
                   f'<td><a href="{html.escape(r.link, quote=True)}">{_e(r.source_path or r.doc_id)}</a></td>'
                   f'<td><code>{_e(r.task_id)}</code></td></tr>')
    return "".join(out)


TASK_HEADER = ("<tr><th>hạn / due</th><th>số / number</th><th>mục</th><th>nghĩa vụ / obligation</th>"
               "<th>văn bản / letter</th><th>task_id</th></tr>")


def report_html(tasks: pd.DataFrame, errors_table: pd.DataFrame, orphans: list[ledger.LedgerEntry],
                as_of: dt.date) -> str:
    """The page for tasks that already carry status/overdue/next_due and a `link` column."""
    tasks = tasks.copy()
    tasks["agency"] = [agency_of(lead, a) for lead, a in zip(tasks["lead_assignee"], tasks["assignees"])]
    horizon = as_of + dt.timedelta(days=UPCOMING_DAYS)
    due = [d if d is not None else n for d, n in zip(tasks["deadline"], tasks["next_due"])]
    tasks["upcoming"] = [s != "done" and not o and d is not None and as_of <= d <= horizon
                         for s, o, d in zip(tasks["status"], tasks["overdue"], due)]
    late, soon = int(tasks["overdue"].sum()), int(tasks["upcoming"].sum())
    done = int((tasks["status"] == "done").sum())
    parts = [f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
             f'<title>dondoc — tình hình thực hiện nhiệm vụ đến {as_of}</title><style>{CSS}</style></head><body>',
             f'<h1>Tình hình thực hiện nhiệm vụ / Obligations as of {as_of}</h1>',
             f'<p class="muted">Tạo bởi dondoc lúc {dt.datetime.now().replace(microsecond=0)}; '
             f'“sắp đến hạn” = trong {UPCOMING_DAYS} ngày tới.</p>',
             f'<div class="cards"><div class="card"><b>{len(tasks)}</b>nghĩa vụ / obligations</div>'
             f'<div class="card late"><b>{late}</b>quá hạn / overdue</div>'
             f'<div class="card soon"><b>{soon}</b>sắp đến hạn / upcoming</div>'
             f'<div class="card done"><b>{done}</b>đã xong / done</div>'
             f'<div class="card"><b>{len(errors_table)}</b>tệp không đọc được / files put aside</div></div>',
             '<h2>Nghĩa vụ theo tháng đến hạn / Obligations by due month</h2>',
             svg_chart(due_month_counts(tasks)),
             '<h2>Theo đơn vị / By agency</h2>']
    shown = tasks[tasks["overdue"] | tasks["upcoming"]]
    if shown.empty:
        parts.append('<p class="muted">Không có nghĩa vụ quá hạn hay sắp đến hạn. / Nothing overdue or upcoming.</p>')
    for agency, group in sorted(shown.groupby("agency"), key=lambda kv: (-int(kv[1]["overdue"].sum()), kv[0])):
        group = group.assign(_due=[d if d is not None else n for d, n in zip(group["deadline"], group["next_due"])])
        group = group.sort_values("_due", key=lambda s: s.map(lambda d: d or dt.date.max))
        parts.append(f'<h3>{_e(agency)} — {int(group["overdue"].sum())} quá hạn, '
                     f'{int(group["upcoming"].sum())} sắp đến hạn</h3><table>{TASK_HEADER}')
        parts.append(_task_rows(group[group["overdue"]], "late"))
        parts.append(_task_rows(group[group["upcoming"]], "soon"))
        parts.append("</table>")
    if len(errors_table):
        parts.append('<h2>Tệp không đọc được / Files put aside</h2><table>'
                     '<tr><th>tệp / file</th><th>lý do / reason</th><th>chi tiết / detail</th></tr>')
        for r in errors_table.itertuples():
            parts.append(f"<tr><td>{_e(r.source_path)}</td><td>{_e(r.reason)}</td><td>{_e(r.detail)}</td></tr>")
        parts.append("</table>")
    if orphans:
        parts.append('<h2>Trạng thái của nhiệm vụ không còn trong bảng / Ledger entries without a task</h2>'
                     '<p class="muted">Văn bản đã bị gỡ khỏi thư mục hoặc đã được thay bằng bản mới; '
                     'các ghi nhận vẫn được giữ nguyên.</p><table>'
                     '<tr><th>task_id</th><th>trạng thái</th><th>ghi chú</th><th>người ghi</th><th>lúc</th></tr>')
        for e in orphans:
            parts.append(f"<tr><td><code>{_e(e.task_id)}</code></td><td>{_e(e.status)}</td><td>{_e(e.note)}</td>"
                         f"<td>{_e(e.by)}</td><td>{_e(e.at)}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(out_dir: Path, as_of: dt.date, inbox: Path | None = None) -> Path:
    """Write `out_dir/report.html` from the stored tables and the ledger as of `as_of`."""
    tasks = read_table(out_dir, "tasks")
    statuses = {k: e.status for k, e in ledger.latest(out_dir).items()}
    tasks = apply_as_of(tasks, statuses, as_of)
    tasks["overdue"] = tasks["overdue"].astype(bool)  # an empty column comes back object-typed
    tasks["link"] = [source_link(out_dir, d, s, inbox) for d, s in zip(tasks["doc_id"], tasks["source_path"])]
    orphans = ledger.orphans(out_dir, set(tasks["task_id"]))
    page = report_html(tasks, read_table(out_dir, "errors"), orphans, as_of)
    path = out_dir / REPORT_FILE
    write_atomic(path, page.encode("utf-8"))
    return path
