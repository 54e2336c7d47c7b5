"""The project scorer's deadline and target matching (tests/score.py, a copy of
eval/score.py), applied to extractor records instead of written tables, for tests
and benchmarks that score letters without running the whole pipeline.

Deadlines match by exact date, then the best partial_ratio of the accent-folded
texts; predicted rows counted are kind deadline/task with a date. Targets match by
value (2 decimals) and unit, then text. Optional gold rows neither count as misses
nor, when matched, as false positives.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from dondoc.models import DocumentRecord, TaskRecord
from tests import score as scorer

norm = scorer.norm  # the scorer's text normalisation (NFC, spaces, case; folded=True drops marks)


def _rows(rows: tuple[TaskRecord, ...]) -> list[dict]:
    """Task records as the table rows the scorer reads."""
    return [dataclasses.asdict(r) for r in rows]


def score_deadlines(rows: tuple[TaskRecord, ...], gold: dict) -> tuple[int, int, int, int, int]:
    """(tp, n_pred, n_gold, recurrence_ok, recurrence_n), exactly as tests/score.py counts them."""
    return scorer.score_deadlines(_rows(rows), gold, False)


def score_targets(rows: tuple[TaskRecord, ...], gold: dict) -> tuple[int, int, int]:
    tp, n_pred, n_gold, _, _ = score_targets_with_due(rows, gold)
    return tp, n_pred, n_gold


def score_targets_with_due(rows: tuple[TaskRecord, ...], gold: dict) -> tuple[int, int, int, int, int]:
    """(tp, n_pred, n_gold, due_ok, due_n): due dates are checked on matched gold with a due."""
    return scorer.score_targets(_rows(rows), gold, False)


def f1(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else (1.0 if n_gold == 0 else 0.0)
    r = tp / n_gold if n_gold else (1.0 if n_pred == 0 else 0.0)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def document_from_gold(gold: dict, doc_id: str = "gold") -> DocumentRecord:
    """The header fields a gold file gives, as the header extractor would."""
    issue = dt.date.fromisoformat(gold["issue_date"]) if gold.get("issue_date") else None
    number = gold.get("number")
    return DocumentRecord(
        doc_id=doc_id, source_path=gold.get("source", doc_id), source_format="txt", text_source="text", pages=1,
        issuer=gold.get("issuer"), doc_type=gold.get("doc_type"), number=number, symbol=gold.get("symbol"),
        doc_number=f"{number}/{gold['symbol']}" if number else None, issue_date=issue,
        issue_year=gold.get("issue_year"), subject=gold.get("subject"),
        addressees=tuple(gold.get("addressees", [])))


def load_gold(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
