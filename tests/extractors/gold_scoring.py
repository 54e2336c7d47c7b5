"""The deadline and target matching of the project scorer (eval/score.py), for tests.

Same rules: deadlines match by exact date, then the best partial_ratio of the
accent-folded texts; predicted rows counted are kind deadline/task with a date.
Targets match by value (2 decimals) and unit, then text. Optional gold rows neither
count as misses nor, when matched, as false positives.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

from rapidfuzz import fuzz
from unidecode import unidecode

from dondoc.models import DocumentRecord, TaskRecord


def norm(s: object, folded: bool = False) -> str | None:
    if s is None:
        return None
    s = unicodedata.normalize("NFC", str(s))
    s = re.sub(r"\s+", " ", s).strip().strip(";.,:").strip().casefold()
    return (unidecode(s) if folded else s) or None


def _num(v: object) -> float | None:
    return None if v is None else round(float(v), 2)


def score_deadlines(rows: tuple[TaskRecord, ...], gold: dict) -> tuple[int, int, int, int, int]:
    golds = [g for g in gold.get("deadlines", []) if g.get("date")]
    preds = [r for r in rows if r.kind in ("deadline", "task") and r.deadline]
    used, tp, rec_ok, rec_n, optional_hits = set(), 0, 0, 0, 0
    for g in sorted(golds, key=lambda g: g.get("optional", False)):
        cands = [(fuzz.partial_ratio(norm(r.text, True) or "", norm(g["text"], True) or ""), i)
                 for i, r in enumerate(preds) if i not in used and r.deadline.isoformat() == g["date"]]
        if not cands:
            continue
        _, i = max(cands)
        used.add(i)
        if g.get("optional"):
            optional_hits += 1
            continue
        tp += 1
        rec_n += 1
        rec_ok += norm(preds[i].recurrence) == norm(g.get("recurrence"))
    n_gold = sum(1 for g in golds if not g.get("optional"))
    return tp, len(preds) - optional_hits, n_gold, rec_ok, rec_n


def score_targets(rows: tuple[TaskRecord, ...], gold: dict) -> tuple[int, int, int]:
    tp, n_pred, n_gold, _, _ = score_targets_with_due(rows, gold)
    return tp, n_pred, n_gold


def score_targets_with_due(rows: tuple[TaskRecord, ...], gold: dict) -> tuple[int, int, int, int, int]:
    """(tp, n_pred, n_gold, due_ok, due_n): due dates are checked on matched gold with a due."""
    golds = gold.get("targets", [])
    preds = [r for r in rows if r.kind == "target"]
    used, tp, optional_hits, due_ok, due_n = set(), 0, 0, 0, 0
    for g in sorted(golds, key=lambda g: g.get("optional", False)):
        cands = [(fuzz.partial_ratio(norm(r.text, True) or "", norm(g["text"], True) or ""), i)
                 for i, r in enumerate(preds)
                 if i not in used and _num(r.target_value) == _num(g["value"]) and norm(r.target_unit) == norm(g["unit"])]
        if not cands:
            continue
        _, i = max(cands)
        used.add(i)
        if g.get("optional"):
            optional_hits += 1
            continue
        tp += 1
        if g.get("due"):
            due_n += 1
            due_ok += bool(preds[i].deadline) and preds[i].deadline.isoformat() == g["due"]
    return tp, len(preds) - optional_hits, sum(1 for g in golds if not g.get("optional")), due_ok, due_n


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
