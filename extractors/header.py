"""NĐ 30/2020 header fields. Placeholder until built."""
from __future__ import annotations

from typing import Any


def extract_header(text: str) -> dict[str, Any]:
    """Return the documents-table header fields found in `text` (keys of DocumentRecord:
    issuer, doc_type, number, symbol, doc_number, issue_date, issue_year, place, subject,
    addressees, recipients, signer, signer_title, references)."""
    return {}
