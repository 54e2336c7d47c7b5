"""Plain data passed between stages: read -> normalize -> extract -> store.

Every stage is a plain function over these frozen dataclasses, so each can be
tested with a string or a small file and none needs Prefect.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class TextRun:
    """A stretch of text in one font.

    The font matters for legacy Word files: a run in `.VnTime` is TCVN3 bytes,
    one in `VNI-Times` is VNI, one in `Times New Roman` is Unicode.
    """

    text: str
    font: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a source. `runs` is empty when the page has no usable text
    (a scanned page), in which case `needs_ocr` is True and OCR fills it."""

    number: int  # 1-based
    runs: tuple[TextRun, ...] = ()
    needs_ocr: bool = False
    ocr_confidence: float | None = None  # mean word confidence 0-100 when OCR'd

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True, slots=True)
class Source:
    """What a reader gives: a file's text (or pages awaiting OCR) and provenance."""

    path: str  # absolute path of the file read
    source_path: str  # path relative to the inbox, POSIX separators
    doc_id: str  # first 16 hex chars of sha256 of the file's bytes
    source_format: str  # txt, pdf, docx, doc, md, html, png, jpg, tiff
    text_source: str  # text, pdf-text, ocr
    pages: tuple[Page, ...]
    # How the bytes were decoded when they were not declared Unicode
    # (e.g. "cp1252" for 8-bit text). Normalizers use it to look for legacy encodings.
    decoded_as: str | None = None
    notes: tuple[str, ...] = ()  # decisions worth logging ("page 2 has no text layer")

    @property
    def text(self) -> str:
        """All pages joined by form feeds (page breaks survive normalization)."""
        return "\f".join(p.text for p in self.pages)

    @property
    def ocr_confidence(self) -> float | None:
        values = [p.ocr_confidence for p in self.pages if p.ocr_confidence is not None]
        return round(sum(values) / len(values), 2) if values else None


@dataclass(frozen=True, slots=True)
class Repair:
    """One named repair that changed the text (ftfy's ExplanationStep, with evidence)."""

    name: str  # "font-map", "legacy-tcvn3", "mojibake-cp1252", "nfc", ...
    changed: int  # how many syllables (or characters, for hygiene steps) changed
    examples: tuple[tuple[str, str], ...] = ()  # up to 3 (before, after)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Repaired NFC text, what extraction reads, with the record of what was done."""

    text: str
    raw_text: str  # the text as read, before any repair (kept for audit)
    repairs: tuple[Repair, ...] = ()

    @property
    def repair_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.repairs)


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """One row of the `documents` table (see docs/outputs.md)."""

    doc_id: str
    source_path: str
    source_format: str
    text_source: str
    pages: int
    repairs: tuple[str, ...] = ()
    issuer: str | None = None
    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    doc_number: str | None = None
    issue_date: dt.date | None = None
    issue_year: int | None = None
    place: str | None = None
    subject: str | None = None
    addressees: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    signer: str | None = None
    signer_title: str | None = None
    references: tuple[str, ...] = ()
    ocr_confidence: float | None = None
    # Where a field's value came from when not from the letter's own header,
    # e.g. ("issue_date=citation:42/KH-UBND in 000_x.txt",).
    provenance: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TaskRecord:
    """One row of the `tasks` table, before the ledger and the as-of date are applied."""

    task_id: str
    doc_id: str
    doc_number: str | None
    section: str | None
    kind: str  # deadline, target, task
    text: str
    assignees: tuple[str, ...] = ()
    lead_assignee: str | None = None
    support_assignees: tuple[str, ...] = ()
    deadline: dt.date | None = None
    deadline_text: str | None = None
    deadline_kind: str | None = None  # "deadline", "period" (end of a từ ... đến period)
    recurrence: str | None = None  # iCalendar RRULE
    target_value: float | None = None
    target_value_max: float | None = None
    target_unit: str | None = None
    target_comparator: str | None = None


@dataclass(frozen=True, slots=True)
class Letter:
    """What extraction gives for one source: its documents row and its obligations."""

    document: DocumentRecord
    tasks: tuple[TaskRecord, ...] = field(default_factory=tuple)
