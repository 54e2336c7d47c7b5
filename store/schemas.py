"""The output tables' declared schemas: Arrow types for Parquet (the contract in
docs/outputs.md) and pandera checks run on every table before it is written."""
from __future__ import annotations

import pandera.pandas as pa
import pyarrow as pa_arrow

STRING = pa_arrow.string()
LIST = pa_arrow.list_(pa_arrow.string())
DATE = pa_arrow.date32()

DOCUMENTS_ARROW = pa_arrow.schema([
    ("doc_id", STRING), ("source_path", STRING), ("source_format", STRING),
    ("text_source", STRING), ("pages", pa_arrow.int64()), ("repairs", LIST),
    ("issuer", STRING), ("doc_type", STRING), ("number", STRING), ("symbol", STRING),
    ("doc_number", STRING), ("issue_date", DATE), ("issue_year", pa_arrow.int64()),
    ("place", STRING), ("subject", STRING), ("addressees", LIST), ("recipients", LIST),
    ("signer", STRING), ("signer_title", STRING), ("references", LIST),
    ("ocr_confidence", pa_arrow.float64()), ("provenance", LIST),
])

TASKS_ARROW = pa_arrow.schema([
    ("task_id", STRING), ("doc_id", STRING), ("doc_number", STRING), ("section", STRING),
    ("kind", STRING), ("text", STRING), ("assignees", LIST), ("lead_assignee", STRING),
    ("support_assignees", LIST), ("deadline", DATE), ("deadline_text", STRING),
    ("deadline_kind", STRING), ("recurrence", STRING), ("target_value", pa_arrow.float64()),
    ("target_value_max", pa_arrow.float64()), ("target_unit", STRING),
    ("target_comparator", STRING), ("status", STRING), ("overdue", pa_arrow.bool_()),
    ("next_due", DATE), ("source_path", STRING),
])

ERRORS_ARROW = pa_arrow.schema([
    ("source_path", STRING), ("reason", STRING), ("detail", STRING),
    ("seen_at", pa_arrow.timestamp("s", tz="UTC")), ("doc_id", STRING), ("error", STRING),
])

ARROW_SCHEMAS = {"documents": DOCUMENTS_ARROW, "tasks": TASKS_ARROW, "errors": ERRORS_ARROW}

_HEX16 = pa.Check.str_matches(r"^[0-9a-f]{16}$")
# Text columns hold Python str or None (pandas 3 would otherwise demand its Arrow dtype).
_IS_TEXT = pa.Check(lambda s: s.map(lambda v: v is None or isinstance(v, str)), element_wise=False,
                    name="is_text")


def text(*checks: pa.Check, nullable: bool = False, unique: bool = False) -> pa.Column:
    return pa.Column(None, [_IS_TEXT, *checks], nullable=nullable, unique=unique)


DOCUMENTS = pa.DataFrameSchema(
    {
        "doc_id": text(_HEX16),
        "source_path": text(unique=True),
        "source_format": text(),
        "text_source": text(pa.Check.isin(["text", "pdf-text", "ocr"])),
        "pages": pa.Column("Int64", pa.Check.ge(1)),
        "issue_year": pa.Column("Int64", pa.Check.in_range(1945, 2100), nullable=True),
        "ocr_confidence": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
    },
    strict=False,
)

TASKS = pa.DataFrameSchema(
    {
        "task_id": text(),
        "doc_id": text(_HEX16),
        "kind": text(pa.Check.isin(["deadline", "target", "task"])),
        "text": text(),
        "status": text(pa.Check.isin(["open", "done"])),
        "overdue": pa.Column(bool),
        "target_comparator": text(pa.Check.isin([">=", ">", "<=", "<", "="]), nullable=True),
    },
    strict=False,
)

ERRORS = pa.DataFrameSchema(
    {"source_path": text(), "reason": text(), "detail": text(nullable=True)},
    strict=False,
)

PANDERA_SCHEMAS = {"documents": DOCUMENTS, "tasks": TASKS, "errors": ERRORS}
