"""Obligations of a letter: deadlines (with recurrence), targets and assigned tasks.

`extract_obligations(text, document)` walks the numbered blocks of the body
(`extractors.structure`), reads each clause with the deadline and target grammars
(`extractors.deadlines`, `extractors.targets`) and names who must act
(`extractors.assignees`). One row per deadline phrase, one per target value, and one
`task` row for an assigned item that has neither.

What is left out on purpose, because an analyst would have to delete it:
- dates without a deadline cue (a cited letter's date, `có hiệu lực kể từ ngày ký`);
- deadlines before the letter's own date (quoted from earlier letters);
- `trong năm 2024` in the yearly plan for 2024: every item of that plan is due then,
  so it is the targets' default due date rather than a deadline row of its own;
- numbers in purpose (`Mục đích`) and review sections, and results already achieved.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from dondoc.langdata import load_yaml
from dondoc.models import DocumentRecord, TaskRecord
from extractors.assignees import Assignees, find_assignees, names_lead_column, normalize_agency
from extractors.deadlines import Deadline, find_deadlines, find_recurrences, row_deadline
from extractors.structure import Block, any_match, fold, split_blocks, split_clauses
from extractors.targets import find_targets, target_due

DATA = Path(__file__).parent / "data"


@functools.cache
def _structure() -> dict:
    return load_yaml(DATA / "structure.yaml")


@functools.cache
def _targets() -> dict:
    return load_yaml(DATA / "targets.yaml")


def plan_year(document: DocumentRecord) -> int | None:
    """The one year a yearly plan covers, from its subject; None for multi-year plans.

    >>> plan_year(DocumentRecord("x", "x", "txt", "text", 1, subject="Ban hành Kế hoạch cải cách hành chính nhà nước tỉnh Kon Tum năm 2024"))
    2024
    >>> plan_year(DocumentRecord("x", "x", "txt", "text", 1, subject="Phát động phong trào thi đua giai đoạn 2023 - 2030")) is None
    True
    """
    subject = fold(document.subject or "").lower()
    # "năm 2024" names the plan's year; a date of a cited text ("ngày 30/4/2025") does not.
    years = set(re.findall(r"\bnam\s+((?:19|20)\d{2})\b", subject))
    if len(years) != 1 or re.search(r"\d{4}\s*[-–]\s*\d{4}", subject):
        return None
    return int(years.pop())


def letter_identity(document: DocumentRecord) -> str:
    """What stays the same across re-scans and corrected versions of one letter.

    Number, symbol, issuer and year; when the number is blank (a draft), symbol,
    issuer and subject. Never the file's bytes or doc_id. Words are reduced to their
    `skeleton`, so an OCR slip in a mark or a letter does not change the identity.

    >>> letter_identity(DocumentRecord("a", "x", "txt", "text", 1, number="1923", symbol="UBND-NC", issuer="Ủy ban nhân dân tỉnh Kon Tum", issue_year=2022))
    '1923|ubnd nc|ubndtkt|2022'
    """
    if document.number:
        parts = [_normalized(document.number), _normalized(document.symbol or ""), skeleton(document.issuer or ""),
                 str(document.issue_year or "")]
    else:
        parts = [_normalized(document.symbol or ""), skeleton(document.issuer or ""), skeleton(document.subject or "")]
    return "|".join(parts)


def _normalized(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", fold(text).lower()).strip()


def skeleton(text: str) -> str:
    """First letter of every word, without numbers: what an OCR re-scan keeps of a sentence.

    The seed letter reads "đẩy mạnh ... giai đoạn 2023 - 2030" where its fax scan reads
    "đây mạnh ... gia! đoạn 2023 - 2030"; both give the same skeleton.

    >>> skeleton("đẩy mạnh cải cách hành chính giai đoạn 2023 - 2030") == skeleton("đây mạnh cải cách hành chính gia! đoạn 2023 - 2030")
    True
    """
    words = re.findall(r"[^\W\d_][\w!]*", fold(text).lower())
    return "".join(w[0] for w in words if not any(c.isdigit() for c in w))


def task_id(identity: str, section: str | None, text: str, detail: str, ordinal: int = 0) -> str:
    """Stable id of one obligation: letter identity + section + the skeleton of its text +
    what was read (the deadline phrase or the target's number and unit)."""
    key = "\x1f".join([identity, section or "", skeleton(text), _normalized(detail), str(ordinal)])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _valid_deadline(d: Deadline, document: DocumentRecord, year_of_plan: int | None) -> bool:
    if d.date is None:
        return d.recurrence is not None
    if document.issue_date and d.date < document.issue_date:
        return False
    if document.issue_year and d.date.year < document.issue_year:
        return False
    if year_of_plan and d.form == "năm" and d.date.year == year_of_plan and d.kind == "deadline":
        return False
    return True


def _in_purpose_section(headings: tuple[str, ...], structure: dict, targets_data: dict) -> bool:
    """True under a "Mục đích" heading, unless a nearer heading names goals ("1. Mục tiêu")."""
    for heading in reversed(headings):
        if any_match(targets_data["target_headings"], heading[:60]):
            return False
        if any_match(structure["purpose_headings"], heading):
            return True
    return False


def _due_of(position: int, clause: str, headings: tuple[str, ...], deadlines: list[Deadline],
            year_of_plan: int | None) -> tuple[dt.date | None, str | None]:
    """A target's due date: the nearest year phrase of its clause, else a short heading's
    ("1. Mục tiêu đến hết năm 2026"), else a deadline of the clause, else the plan's year."""
    due, due_text = target_due(clause, near=position)
    for heading in reversed(headings):
        if due is None and len(heading) < 100:
            due, due_text = target_due(heading)
    dated = [d for d in deadlines if d.date]
    if due is None and dated:
        due, due_text = dated[0].date, dated[0].text
    if due is None and year_of_plan:
        due = dt.date(year_of_plan, 12, 31)
    return due, due_text


def _in_article(block: Block) -> bool:
    """True inside an "Điều N" of a regulation (a Quyết định's articles are its rules)."""
    return bool(block.section and block.section.startswith("Điều"))


def _is_heading(block: Block) -> bool:
    return block.level is not None and len(block.text) < 90 and not re.search(r"[.;]\s*$", block.text)


def _clause_text(text: str, start: int, end: int) -> str:
    return re.sub(r"\s+", " ", text[start:end]).strip(" ;")


@dataclass(frozen=True, slots=True)
class _Letter:
    """What every block of one letter is read against."""

    document: DocumentRecord
    year_of_plan: int | None
    normative: bool
    default_assignees: tuple[str, ...]


def extract_obligations(text: str, document: DocumentRecord) -> tuple[TaskRecord, ...]:
    """Rows of the tasks table for one letter (status, overdue, next_due come later)."""
    letter = _Letter(document=document, year_of_plan=plan_year(document),
                     normative=(document.doc_type or "") in _targets()["normative_types"],
                     default_assignees=tuple(normalize_agency(a) for a in document.addressees))
    rows: list[dict] = []
    table_annex: str | None = None  # the Phụ lục whose table has a deadline column
    lead_column = False  # ... and a "Cơ quan chủ trì" column
    for block in split_blocks(text):
        annex = block.section if block.section and block.section.startswith("Phụ lục") else None
        if annex and annex != table_annex and any_match(_structure()["deadline_columns"], block.text):
            table_annex = annex  # the header row of the annex's task table
            lead_column = names_lead_column(block.text)
            continue
        if _in_purpose_section(block.headings, _structure(), _targets()):
            continue
        in_table = annex is not None and annex == table_annex
        rows.extend(_block_rows(block, letter, in_table=in_table, lead_cell=in_table and lead_column))
    return tuple(_to_records(rows, document, letter_identity(document)))


_WORD = re.compile(r"[^\W\d_]{2,}")


def _says_enough(text: str) -> bool:
    """Long enough to be an obligation rather than a cell, a label or a name.

    >>> _says_enough("Họ và tên"), _says_enough("Báo cáo kết quả thực hiện.")
    (False, True)
    """
    return len(_WORD.findall(text)) > _structure()["min_task_words"]


def _block_rows(block: Block, letter: _Letter, in_table: bool, lead_cell: bool = False) -> list[dict]:
    """Deadline and target rows of each clause of a block; a task row when it has none."""
    review = any(any_match(_structure()["review_headings"], h) for h in block.headings)
    who: Assignees = find_assignees(block.text, block.headings, table_row=lead_cell)
    base = {"section": block.section, "assignees": who.assignees or letter.default_assignees,
            "lead_assignee": who.lead, "support_assignees": who.support}
    rows: list[dict] = []
    clause_base = base
    for start, end in split_clauses(block.text):
        clause = block.text[start:end]
        own = find_assignees(clause)
        if own.assignees and start > 0:  # "Trên cơ sở đó, Bộ Tư pháp tổng hợp, báo cáo ..."
            clause_base = {**base, "assignees": own.assignees, "lead_assignee": own.lead,
                           "support_assignees": own.support}
        rows.extend(_clause_rows(block, clause, _clause_text(block.text, start, end), letter, review, clause_base))
    whole = _clause_text(block.text, 0, len(block.text))
    if in_table and not rows and not _is_heading(block):
        d = row_deadline(block.text, letter.document.issue_date, letter.document.issue_year)
        if d is not None and _valid_deadline(d, letter.document, None):
            rows.append({**base, "kind": "deadline", "text": whole, "deadline": d.date, "deadline_text": d.text,
                         "deadline_kind": d.kind, "recurrence": None, "detail": d.text})
    # A lead-in ("... ban hành Kế hoạch ... như sau:") introduces tasks, it is none itself.
    if (not rows and who.assignees and not _is_heading(block) and not review and not whole.endswith(":")
            and _says_enough(whole)):
        rows.append({**base, "kind": "task", "text": whole, "detail": ""})
    return rows


def _clause_rows(block: Block, clause: str, sentence: str, letter: _Letter, review: bool,
                 base: dict) -> list[dict]:
    """Rows of one clause: its targets (with their due dates), then its deadlines."""
    document = letter.document
    target_section = any(any_match(_targets()["target_headings"], h) for h in block.headings) or (
        any_match(_targets()["target_headings"], block.text[:60]) and ":" in block.text[:60])
    deadlines = [] if _is_heading(block) or review else [
        d for d in find_deadlines(clause, document.issue_date, document.issue_year)
        if _valid_deadline(d, document, letter.year_of_plan)]
    targets = () if review else find_targets(clause, target_section, document.issue_year,
                                              normative=letter.normative or _in_article(block))
    rows: list[dict] = []
    for t in targets:
        due, due_text = _due_of(t.start, clause, block.headings, deadlines, letter.year_of_plan)
        rows.append({**base, "kind": "target", "text": sentence, "deadline": due, "deadline_text": due_text,
                     "deadline_kind": "deadline" if due else None, "target_value": t.value,
                     "target_value_max": t.value_max, "target_unit": t.unit,
                     "target_comparator": t.comparator, "detail": t.text})
    if targets:
        deadlines = [d for d in deadlines if d.strong]  # "số hóa 100% hồ sơ, hoàn thành trước 30/11/2025"
    for d in deadlines:
        rows.append({**base, "kind": "deadline", "text": sentence, "deadline": d.date, "deadline_text": d.text,
                     "deadline_kind": d.kind, "recurrence": d.recurrence, "detail": d.text})
    if not deadlines:
        for rule, r_start, r_end in find_recurrences(clause):
            if "BYMONTH" in rule:  # "dự kiến tháng 7 hằng năm": a yearly date with no year
                rows.append({**base, "kind": "deadline", "text": sentence, "deadline": None,
                             "deadline_text": clause[r_start:r_end], "deadline_kind": "deadline",
                             "recurrence": rule, "detail": clause[r_start:r_end]})
    return rows


def _to_records(rows: list[dict], document: DocumentRecord, identity: str) -> list[TaskRecord]:
    seen: dict[str, int] = {}
    records = []
    for row in rows:
        detail = row.pop("detail")
        first = task_id(identity, row["section"], row["text"], f"{row['kind']}|{detail}")
        ordinal = seen.get(first, 0)
        seen[first] = ordinal + 1
        records.append(TaskRecord(
            task_id=first if ordinal == 0 else task_id(identity, row["section"], row["text"], f"{row['kind']}|{detail}", ordinal),
            doc_id=document.doc_id, doc_number=document.doc_number, **row))
    return records
