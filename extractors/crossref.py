"""Cross-document evidence: fill a damaged header from what other letters say of it.

Letters of one run cite each other: seeds 000, 002 and 004 all write `Kế hoạch số
42/KH-UBND ngày 06 tháng 01 năm 2023 của Ủy ban nhân dân tỉnh`. When the plan's own
header lost its date (an OCR'd `tháng 0/`), those citations can give it back. A value
taken this way is recorded in `DocumentRecord.provenance` as
`"issue_date=citation:<citing doc_id>"`, so an analyst sees it was not read from the
letter itself.

The flow calls `fill_from_citations` once per run, after extraction.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace

from dondoc.models import DocumentRecord
from extractors.citations import Citation
from extractors.names import expand_abbreviations, fold


def _issuer_words(issuer: str | None) -> list[str]:
    return fold(expand_abbreviations(issuer)).split() if issuer else []


def same_issuer_family(cited_issuer: str | None, document: DocumentRecord,
                       citing: DocumentRecord | None) -> bool:
    """Could `cited_issuer` (as a citing letter writes it) be `document`'s issuer?

    Citations shorten the issuer (`Ủy ban nhân dân tỉnh` for `Ủy ban nhân dân tỉnh
    Kon Tum`), so one must begin with the other. A shortened name only counts when
    the citing letter comes from the same place: every province has a 42/KH-UBND.

    >>> plan = DocumentRecord("a", "a.txt", "txt", "text", 1, issuer="Ủy ban nhân dân tỉnh Kon Tum", place="Kon Tum")
    >>> letter = DocumentRecord("b", "b.txt", "txt", "text", 1, place="Kon Tum")
    >>> same_issuer_family("Ủy ban nhân dân tỉnh", plan, letter)
    True
    >>> same_issuer_family("Bộ Nội vụ", plan, letter)
    False
    """
    cited, own = _issuer_words(cited_issuer), _issuer_words(document.issuer)
    if not cited or not own:
        # Nothing to compare: fall back on the place of both letters.
        return citing is None or not (citing.place and document.place) or citing.place == document.place
    shorter, longer = sorted((cited, own), key=len)
    if longer[: len(shorter)] != shorter:
        return False
    if len(cited) < len(own) and citing is not None and citing.place and document.place:
        return citing.place == document.place
    return True


# Other letters needed to overrule a date the header did give (OCR'd or restored).
MIN_CITING_DOCS_TO_OVERRULE = 2


def _may_be_misread(document: DocumentRecord) -> bool:
    """Was the header read from a scan, or its marks guessed? Then its digits may be wrong."""
    return document.text_source == "ocr" or "diacritics-restored" in document.repairs


def _key(doc_number: str | None) -> str | None:
    return doc_number.replace(" ", "") if doc_number else None


def fill_from_citations(documents: list[DocumentRecord],
                        citations_by_doc: dict[str, tuple[Citation, ...]]) -> list[DocumentRecord]:
    """Fill `issue_date`, `issue_year` and `doc_type` left null by a document's own
    header from citations of its number in OTHER documents of the run; replace an
    OCR'd or restored header date that two or more other letters contradict.

    `citations_by_doc` maps a doc_id to the citations found in that document's text
    (`extract_citations`). When citations disagree on a date the most frequent wins;
    a citation whose year contradicts the header's year is ignored. Documents are
    returned in the same order; unchanged ones are the same objects.

    >>> from extractors.citations import extract_citations
    >>> plan = DocumentRecord("p1", "001.txt", "txt", "text", 1, issuer="Ủy ban nhân dân tỉnh Kon Tum",
    ...                       doc_number="42/KH-UBND", issue_year=2023, place="Kon Tum")
    >>> letter = DocumentRecord("c1", "000.txt", "txt", "text", 1, place="Kon Tum")
    >>> cites = {"c1": extract_citations("Triển khai Kế hoạch số 42/KH-UBND ngày 06 tháng 01 năm 2023 "
    ...                                  "của Ủy ban nhân dân tỉnh về phát động Phong trào")}
    >>> filled = fill_from_citations([plan, letter], cites)[0]
    >>> filled.issue_date, filled.doc_type, filled.provenance
    (datetime.date(2023, 1, 6), 'Kế hoạch', ('issue_date=citation:c1', 'doc_type=citation:c1'))
    """
    by_id = {d.doc_id: d for d in documents}
    result = []
    for document in documents:
        key = _key(document.doc_number)
        if key is None or (document.issue_date is not None and document.doc_type is not None
                           and not _may_be_misread(document)):
            result.append(document)
            continue
        dates: Counter[dt.date] = Counter()
        date_sources: dict[dt.date, set[str]] = {}
        types: Counter[str] = Counter()
        first_source: dict[object, str] = {}
        for citing_id, citations in citations_by_doc.items():
            if citing_id == document.doc_id:
                continue
            for citation in citations:
                if _key(citation.doc_number) != key:
                    continue
                if not same_issuer_family(citation.issuer, document, by_id.get(citing_id)):
                    continue
                if citation.issue_date and (document.issue_year in (None, citation.issue_date.year)):
                    dates[citation.issue_date] += 1
                    date_sources.setdefault(citation.issue_date, set()).add(citing_id)
                    first_source.setdefault(citation.issue_date, citing_id)
                if citation.doc_type:
                    types[citation.doc_type] += 1
                    first_source.setdefault(citation.doc_type, citing_id)
        changes: dict[str, object] = {}
        provenance = list(document.provenance)
        if document.issue_date is None and dates:
            date = dates.most_common(1)[0][0]
            changes["issue_date"] = date
            provenance.append(f"issue_date=citation:{first_source[date]}")
            if document.issue_year is None:
                changes["issue_year"] = date.year
                provenance.append(f"issue_year=citation:{first_source[date]}")
        elif document.issue_date is not None and dates and _may_be_misread(document):
            # A date read by OCR or guessed by diacritic restoration yields to two or
            # more other letters that agree on another date of the same year.
            date, _ = dates.most_common(1)[0]
            if (date != document.issue_date and date.year == document.issue_date.year
                    and len(date_sources[date]) >= MIN_CITING_DOCS_TO_OVERRULE):
                changes["issue_date"] = date
                provenance.append(f"issue_date=citation:{first_source[date]} (header read {document.issue_date})")
        if document.doc_type is None and types:
            doc_type = types.most_common(1)[0][0]
            changes["doc_type"] = doc_type
            provenance.append(f"doc_type=citation:{first_source[doc_type]}")
        if changes:
            document = replace(document, **changes, provenance=tuple(provenance))
        result.append(document)
    return result


def _signer_key(document: DocumentRecord) -> tuple[str, str | None] | None:
    """A signer's name without marks, and the place it signed for."""
    if not document.signer:
        return None
    return " ".join(fold(document.signer).split()), document.place


def confirm_signers(documents: list[DocumentRecord]) -> list[DocumentRecord]:
    """Give a signer's name read from a scan the marks it has in the typed letters.

    The same people sign most of an agency's letters. OCR misreads the marks of a
    bold signed name (`Tuần` for `Tuấn`) and the language model cannot know which
    a person is called; a typed letter of the same place signed by a name with the
    same letters settles it. Only a name that every typed letter writes one way
    is taken, and the change is recorded in `provenance` as
    `"signer=document:<doc_id> (header read <name>)"`.

    >>> typed = DocumentRecord("t1", "a.docx", "docx", "text", 1, place="Kon Tum", signer="Lê Ngọc Tuấn")
    >>> scan = DocumentRecord("s1", "b.pdf", "pdf", "ocr", 1, place="Kon Tum", signer="Lê Ngọc Tuần")
    >>> fixed = confirm_signers([typed, scan])[1]
    >>> fixed.signer, fixed.provenance
    ('Lê Ngọc Tuấn', ('signer=document:t1 (header read Lê Ngọc Tuần)',))
    """
    written: dict[tuple[str, str | None], dict[str, str]] = {}  # key -> form -> first doc_id
    for document in documents:
        key = _signer_key(document)
        if key is not None and not _may_be_misread(document):
            written.setdefault(key, {}).setdefault(" ".join(document.signer.split()), document.doc_id)
    result = []
    for document in documents:
        key = _signer_key(document)
        forms = written.get(key, {}) if key is not None and _may_be_misread(document) else {}
        if len(forms) == 1:
            (form, source_id), = forms.items()
            if form != document.signer:
                document = replace(document, signer=form, provenance=document.provenance + (
                    f"signer=document:{source_id} (header read {document.signer})",))
        result.append(document)
    return result
