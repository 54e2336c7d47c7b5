"""Obligations: deadlines, recurrence, targets, assignees. Placeholder until built."""
from __future__ import annotations

from dondoc.models import DocumentRecord, TaskRecord


def extract_obligations(text: str, document: DocumentRecord) -> tuple[TaskRecord, ...]:
    return ()
