"""Citations of other documents in a letter's text, with what the text says of them.

Letters cite each other as `Kế hoạch số 42/KH-UBND ngày 06 tháng 01 năm 2023 của Ủy
ban nhân dân tỉnh`. The cited number feeds the `references` column; the type, date
and issuer let another letter's damaged header be confirmed (see `crossref.py`).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from extractors.names import fold, header_vocabulary
from extractors.types import type_names

# A document number: digits, then "/" or "-" (party style 650-TB/TU), optionally a
# year (30/2021/QĐ-UBND), then a ký hiệu of capitalised parts joined by - or /.
# Dates (21/6/2022) and ratios (1/3) do not match: the symbol must start with a capital.
DOC_NUMBER = re.compile(
    r"(?<![\w/.\-])(?P<number>\d{1,6})\s?(?P<sep>[/\-])\s?"
    r"(?P<symbol>(?:\d{4}/)?[A-ZĐ][A-Za-zĐđ0-9&]*(?:[\-/][A-ZĐ0-9][A-Za-zĐđ0-9&]*)*)"
)


@dataclass(frozen=True, slots=True)
class Citation:
    """One document cited in a letter, as the letter writes it."""

    doc_number: str  # "42/KH-UBND", "650-TB/TU", "30/2021/QĐ-UBND"
    number: str  # "42"
    symbol: str  # "KH-UBND"
    doc_type: str | None  # canonical type named before the number: "Kế hoạch"
    issue_date: dt.date | None  # the date written after it, when complete
    issuer: str | None  # "Ủy ban nhân dân tỉnh", as written after "của"
    text: str  # the span read, for audit


def find_doc_numbers(text: str) -> list[re.Match[str]]:
    """Every document number in `text`, in order, with at least two capitals in its symbol.

    >>> [m.group(0) for m in find_doc_numbers("Thông báo số 650-TB/TU ngày 05/12/2022 và Quyết định số 30/2021/QĐ-UBND")]
    ['650-TB/TU', '30/2021/QĐ-UBND']
    """
    # A symbol cut at the end of a line ("42/KH-" / "UBND") is one symbol; pdfium
    # writes that hyphen as \x02.
    text = text.replace("\x02", "-")
    text = re.sub(r"(?<=[A-ZĐ][/\-])[ \t]*\n[ \t]*(?=[A-ZĐ])", "", text) if "\n" in text else text
    return [m for m in DOC_NUMBER.finditer(text) if sum(c.isupper() for c in m.group("symbol")) >= 2]


def written_number(match: re.Match[str]) -> str:
    return f"{match.group('number')}{match.group('sep')}{match.group('symbol')}"


@functools.cache
def _type_before() -> re.Pattern[str]:
    names = sorted((fold(n) for n in type_names()), key=len, reverse=True)
    number_cue = fold(header_vocabulary()["number_cue"])
    return re.compile(rf"(?<!\w)({'|'.join(map(re.escape, names))})\s+(?:{number_cue}\s*:?\s*)?$")


@functools.cache
def _date_after() -> re.Pattern[str]:
    cues = {k: fold(v) for k, v in header_vocabulary()["date_cues"].items()}
    return re.compile(
        rf"\s*,?\s*{cues['day']}\s+(?:(\d{{1,2}})\s+{cues['month']}\s+(\d{{1,2}})\s+{cues['year']}\s+(\d{{4}})"
        rf"|(\d{{1,2}})\s*/\s*(\d{{1,2}})\s*/\s*(\d{{4}}))"
    )


@functools.cache
def _issuer_after() -> re.Pattern[str]:
    vocabulary = header_vocabulary()
    cue = vocabulary["citation_issuer_cue"].lower()
    # Stops are matched with their marks: folded, "tại" would stop "vận tải".
    stops = "|".join(re.escape(s.lower()) for s in vocabulary["citation_issuer_stops"])
    # Up to 12 words, ending before a stop word or punctuation.
    return re.compile(rf"\s*(?:{cue}|{fold(cue)})\s+((?:(?!(?:{stops})(?!\w))[^\s,;.:()]+\s*){{1,12}})")


def safe_date(year: int | None, month: int | None, day: int | None) -> dt.date | None:
    if year is None or month is None or day is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def extract_citations(text: str) -> tuple[Citation, ...]:
    """Every document cited in `text`, in order of appearance (repeats kept).

    >>> c = extract_citations("Triển khai Kế hoạch số 42/KH-UBND ngày 06 tháng 01 năm 2023 của "
    ...                       "Ủy ban nhân dân tỉnh về phát động Phong trào thi đua")[0]
    >>> c.doc_number, c.doc_type, c.issue_date, c.issuer
    ('42/KH-UBND', 'Kế hoạch', datetime.date(2023, 1, 6), 'Ủy ban nhân dân tỉnh')
    """
    text = text.replace("\x02", "-")
    flat = re.sub(r"\s+", " ", re.sub(r"(?<=[A-ZĐ][/\-])[ \t]*\n[ \t]*(?=[A-ZĐ])", "", text))
    folded = fold(flat)
    lowered = flat.lower()
    by_folded_name = {fold(n): n for n in type_names()}
    citations = []
    for match in find_doc_numbers(flat):
        start, end = match.span()
        doc_type = None
        before = _type_before().search(folded, max(0, start - 40), start)
        if before:
            doc_type = by_folded_name[before.group(1)]
            start = before.start()
        issue_date = None
        date_match = _date_after().match(folded, end)
        if date_match:
            d, m, y, d2, m2, y2 = date_match.groups()
            day, month, year = (d, m, y) if y else (d2, m2, y2)
            issue_date = safe_date(int(year), int(month), int(day))
            end = date_match.end()
        issuer = None
        issuer_match = _issuer_after().match(lowered, end)
        if issuer_match:
            issuer = flat[issuer_match.start(1):issuer_match.end(1)].strip()
            end = issuer_match.end(1)
        citations.append(Citation(
            doc_number=written_number(match),
            number=match.group("number"),
            symbol=match.group("symbol"),
            doc_type=doc_type,
            issue_date=issue_date,
            issuer=issuer or None,
            text=flat[start:end].strip(),
        ))
    return tuple(citations)


def extract_references(text: str, own_number: str | None = None) -> tuple[str, ...]:
    """Numbers of the documents `text` cites: unique, in order, never its own number.

    >>> extract_references("Căn cứ Nghị quyết số 76/NQ-CP; Kế hoạch số 42/KH-UBND; "
    ...                    "Kế hoạch số 42/KH-UBND", own_number="42/KH-UBND")
    ('76/NQ-CP',)
    """
    own = own_number.replace(" ", "") if own_number else None
    seen: dict[str, None] = {}
    for match in find_doc_numbers(text):
        number = written_number(match)
        if number != own:
            seen.setdefault(number, None)
    return tuple(seen)
