"""Citations in running text, references, and the cross-document evidence built on them."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from dondoc.models import DocumentRecord
from extractors.citations import extract_citations, extract_references
from extractors.crossref import fill_from_citations
from extractors.header import extract_header

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests/fixtures/seeds"
GOLD = ROOT / "tests/fixtures/gold"


def test_citation_reads_type_number_date_and_issuer():
    text = ("Triển khai Kế hoạch số 42/KH-UBND ngày 06 tháng 01 năm 2023 của\n"
            "Ủy ban nhân dân tỉnh về phát động Phong trào thi đua đẩy mạnh công tác cải")
    (citation,) = extract_citations(text)
    assert citation.doc_type == "Kế hoạch"
    assert (citation.number, citation.symbol, citation.doc_number) == ("42", "KH-UBND", "42/KH-UBND")
    assert citation.issue_date == dt.date(2023, 1, 6)
    assert citation.issuer == "Ủy ban nhân dân tỉnh"
    assert citation.text.startswith("Kế hoạch số 42/KH-UBND ngày 06 tháng 01 năm 2023 của Ủy ban")


def test_citation_with_slashed_date_and_party_number():
    text = "Thực hiện Kết luận số 210-KL/TW ngày 12/11/2025 của Ban Chấp hành Trung ương Đảng khóa XIII về tiếp tục"
    (citation,) = extract_citations(text)
    assert (citation.doc_type, citation.doc_number, citation.issue_date) == (
        "Kết luận", "210-KL/TW", dt.date(2025, 11, 12))
    assert citation.issuer == "Ban Chấp hành Trung ương Đảng khóa XIII"


def test_citation_issuer_does_not_stop_inside_a_word_that_folds_like_a_stop():
    # "tải" folds to "tai" like the stop word "tại"; the name must run on.
    text = "³ Kế hoạch số 696/KH-SGTVT ngày 20 tháng 12 năm 2022 của Sở Giao thông vận tải về Thực hiện"
    assert extract_citations(text)[0].issuer == "Sở Giao thông vận tải"


def test_citation_without_type_or_date_still_counts():
    (citation,) = extract_citations("theo Luật số 65/2020/QH14;")
    assert (citation.doc_type, citation.issue_date, citation.doc_number) == ("Luật", None, "65/2020/QH14")


def test_dates_ratios_and_year_ranges_are_not_citations():
    text = "ngày 21/6/2022, tối thiểu 1/3 sở, ban, ngành; giai đoạn 2023-2030; ISO 9001; 10-15%"
    assert extract_citations(text) == ()


def test_references_are_unique_in_order_and_skip_the_own_number():
    text = ("Căn cứ Kế hoạch số 3993/KH-UBND; Quyết định số 30/2021/QĐ-UBND; "
            "Kế hoạch số 3993/KH-UBND; Công văn số 1923/UBND-NC")
    assert extract_references(text, own_number="1923/UBND-NC") == ("3993/KH-UBND", "30/2021/QĐ-UBND")


def _seed_documents() -> tuple[list[DocumentRecord], dict]:
    """The seed letters as one run: 000 by its true text, the others as shipped."""
    paths = [next(GOLD.glob("000_*.txt"))] + sorted(p for p in SEEDS.glob("*.txt") if not p.name.startswith("000"))
    documents, citations = [], {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        doc_id = path.name[:3]
        record = DocumentRecord(doc_id, path.name, "txt", "text", 1)
        documents.append(replace(record, **extract_header(text)))
        citations[doc_id] = extract_citations(text)
    return documents, citations


def test_damaged_plan_date_is_filled_from_letters_that_cite_it():
    """Seed 001's header reads `thang 0/nam 2023`; 000, 002 and 004 cite it with its date."""
    documents, citations = _seed_documents()
    assert documents[1].issue_date is None
    filled = {d.doc_id: d for d in fill_from_citations(documents, citations)}
    assert filled["001"].issue_date == dt.date(2023, 1, 6)
    assert filled["001"].provenance[0].startswith("issue_date=citation:")
    # Letters whose header was readable, or whose number is blank, are left as they were.
    for doc_id in ("000", "002", "003", "004"):
        assert filled[doc_id].provenance == ()


def test_citation_from_another_province_does_not_fill():
    plan = DocumentRecord("p", "p.txt", "txt", "text", 1, issuer="Ủy ban nhân dân tỉnh Kon Tum",
                          doc_number="42/KH-UBND", doc_type="Kế hoạch", issue_year=2023, place="Kon Tum")
    other = DocumentRecord("o", "o.txt", "txt", "text", 1, place="Lai Châu")
    cites = {"o": extract_citations("Thực hiện Kế hoạch số 42/KH-UBND ngày 10 tháng 3 năm 2023 "
                                    "của Ủy ban nhân dân tỉnh về chuyển đổi số")}
    assert fill_from_citations([plan, other], cites)[0] is plan


def test_citation_with_a_contradicting_year_does_not_fill():
    plan = DocumentRecord("p", "p.txt", "txt", "text", 1, doc_number="42/KH-UBND", issue_year=2023)
    cites = {"c": extract_citations("Kế hoạch số 42/KH-UBND ngày 06 tháng 01 năm 2021")}
    assert fill_from_citations([plan], cites)[0].issue_date is None


def test_a_document_does_not_confirm_itself():
    plan = DocumentRecord("p", "p.txt", "txt", "text", 1, doc_number="42/KH-UBND")
    cites = {"p": extract_citations("Kế hoạch số 42/KH-UBND ngày 06 tháng 01 năm 2023")}
    assert fill_from_citations([plan], cites)[0] is plan


def test_ocr_date_contradicted_by_two_letters_is_replaced():
    """An OCR'd header date (08 misread for 06) yields to two letters that agree."""
    plan = DocumentRecord("p", "p.png", "png", "ocr", 1, issuer="Ủy ban nhân dân tỉnh Kon Tum",
                          doc_number="42/KH-UBND", doc_type="Kế hoạch", issue_date=dt.date(2023, 1, 8),
                          issue_year=2023, place="Kon Tum")
    text = "Kế hoạch số 42/KH-UBND ngày 06 tháng 01 năm 2023 của Ủy ban nhân dân tỉnh về phát động"
    cites = {"a": extract_citations(text), "b": extract_citations(text)}
    filled = fill_from_citations([plan], cites)[0]
    assert filled.issue_date == dt.date(2023, 1, 6)
    assert filled.provenance == ("issue_date=citation:a (header read 2023-01-08)",)


def test_typed_header_date_is_never_overruled():
    plan = DocumentRecord("p", "p.txt", "txt", "text", 1, doc_number="42/KH-UBND", doc_type="Kế hoạch",
                          issue_date=dt.date(2023, 1, 8), issue_year=2023)
    text = "Kế hoạch số 42/KH-UBND ngày 06 tháng 01 năm 2023"
    cites = {"a": extract_citations(text), "b": extract_citations(text)}
    assert fill_from_citations([plan], cites)[0] is plan
