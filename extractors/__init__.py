"""Extract a letter's header fields (NĐ 30 layout) and its obligations.

`extract(text, source)` is the stage function: repaired text in, a `Letter` out.
"""
from __future__ import annotations

from dataclasses import replace

from dondoc.models import DocumentRecord, Letter, NormalizedText, Source
from extractors.header import extract_header
from extractors.obligations import extract_obligations


def extract(text: NormalizedText, source: Source) -> Letter:
    header = extract_header(text.text)
    document = DocumentRecord(
        doc_id=source.doc_id,
        source_path=source.source_path,
        source_format=source.source_format,
        text_source=source.text_source,
        pages=len(source.pages),
        repairs=text.repair_names,
        ocr_confidence=source.ocr_confidence,
    )
    document = replace(document, **header)
    tasks = extract_obligations(text.text, document)
    return Letter(document=document, tasks=tasks)


__all__ = ["extract", "extract_header", "extract_obligations"]
