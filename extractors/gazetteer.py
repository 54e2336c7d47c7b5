"""The agency gazetteer and assignment cues as a spaCy rule engine over syllable tokens.

One cached pipeline: `spacy.blank("vi")` with its pyvi word segmenter off (pyvi is not
installed and not needed: the gazetteer is written in syllables), a tokenizer that also
splits punctuation off syllables (spaCy's own Vietnamese tokenizer without pyvi splits
on spaces only, so `vụ,` would be one token), and two PhraseMatchers built from
`extractors/data/agencies.yaml` at first use:

- on `LOWER` for text written with its marks, so `Sở`/`sở`/`SỞ` match but `Bổ sung`
  is not `Bộ`;
- on `NORM`, which this tokenizer sets to the accent-folded lower case of a syllable,
  for accent-less text (OCR without the Vietnamese model).

Labels: `HEAD` (a word an agency or an office-holder starts with: `Sở`, `Ủy ban`,
`UBND`, `Thủ trưởng`), `NOT_HEAD` (`Trường hợp`, `Báo cáo`), `ACTION` (words that end
the subject of an assignment: `chủ trì`, `xây dựng`), `RUNIN` (actions that end a name
even when written with a capital, as in the run-in heading `Cục Điện ảnh Phối hợp với`),
`NOUN` (`các`, `những`: the next word is a noun), `CONNECT` (`thuộc`, `của`: a capital
head after it is inside the name), `GOVERN` (`về`, `với`, `trình`: a name after it is an
object, not the doer), `LEAD`/`SUPPORT`/`REQUEST` (the cue phrases
`chủ trì`, `phối hợp`, `giao`/`đề nghị`/`yêu cầu`).

spaCy is imported at the first call, never at module import, so `dondoc --help` and
stages that do not read obligations do not pay its ~1.3 s import.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dondoc.langdata import load_yaml
from extractors.structure import fold

DATA = Path(__file__).parent / "data" / "agencies.yaml"

# A syllable (with the `&`, `-` or `.` inside abbreviations: TT&TT, KH&ĐT) or one mark.
_TOKEN = re.compile(r"\w+(?:&\w+)*|[^\w\s]")
_STOP = set(";:.()[]{}\"“”!?")
_LABELS = ("HEAD", "NOT_HEAD", "ACTION", "RUNIN", "NOUN", "CONNECT", "GOVERN", "LEAD", "SUPPORT", "REQUEST")


@dataclass(frozen=True, slots=True)
class Span:
    """A match in the original string: `text[start:end]` and its label."""

    start: int
    end: int
    text: str
    label: str


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    text: str


class _SyllableTokenizer:
    """Syllables and marks; every new word's NORM is set to its folded lower case."""

    def __init__(self, vocab: Any) -> None:
        self.vocab = vocab
        self._seen: set[str] = set()

    def __call__(self, text: str) -> Any:
        from spacy.tokens import Doc
        words = _TOKEN.findall(text)
        for w in words:
            if w not in self._seen:
                self._seen.add(w)
                self.vocab[w].norm_ = fold(w).lower()
        return Doc(self.vocab, words=words, spaces=[True] * len(words))


@functools.cache
def _data() -> dict:
    return load_yaml(DATA)


@functools.cache
def pipeline() -> tuple[Any, Any, Any]:
    """(nlp, matcher on LOWER, matcher on NORM), built once per process."""
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.tokenizer = _SyllableTokenizer(nlp.vocab)
    data = _data()
    terms: dict[str, list[str]] = {
        "HEAD": data["head_words"], "NOT_HEAD": data["not_heads"], "ACTION": data["action_words"],
        "RUNIN": data["runin_actions"], "NOUN": data["noun_markers"], "CONNECT": data["name_connectors"],
        "GOVERN": data["governing_words"],
        "LEAD": data["cues"]["lead"], "SUPPORT": data["cues"]["support"], "REQUEST": data["cues"]["request"],
    }
    marked = PhraseMatcher(nlp.vocab, attr="LOWER")
    folded = PhraseMatcher(nlp.vocab, attr="NORM")
    for label in _LABELS:
        docs = [nlp.make_doc(t) for t in terms[label]]
        if label in ("HEAD", "NOT_HEAD"):
            marked.add(label, docs)
        folded.add(label, docs)
    return nlp, marked, folded


@dataclass(frozen=True, slots=True)
class _Parsed:
    tokens: tuple[_Token, ...]
    # label -> {start token: end token of the longest match starting there}
    matches: dict[str, dict[int, int]]


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> _Parsed:
    nlp, marked, folded = pipeline()
    tokens = tuple(_Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text))
    doc = nlp.make_doc(text)
    matches: dict[str, dict[int, int]] = {label: {} for label in _LABELS}
    strings = nlp.vocab.strings
    # Heads in text with its marks are matched as written ("Bổ sung" is not "Bộ"); the
    # other labels, and heads in accent-less text, on the folded form, so a lost or
    # garbled mark does not hide an action word.
    has_marks = any(ord(c) > 127 for c in text)
    found = [(strings[i], s, e) for i, s, e in folded(doc)
             if not (has_marks and strings[i] in ("HEAD", "NOT_HEAD"))]
    if has_marks:
        found += [(strings[i], s, e) for i, s, e in marked(doc) if strings[i] in ("HEAD", "NOT_HEAD")]
    for label, start, end in found:
        by_start = matches[label]
        if end > by_start.get(start, start):
            by_start[start] = end
    return _Parsed(tokens, matches)


def _capital(token: _Token) -> bool:
    return token.text[:1].isupper()


def _head_at(p: _Parsed, i: int) -> int | None:
    """End token of the agency head at token i, or None (a capital is required)."""
    end = p.matches["HEAD"].get(i)
    if end is None or not _capital(p.tokens[i]) or i in p.matches["NOT_HEAD"]:
        return None
    # "Tổ chức ...", "Ban hành ..." open with a head word but are actions.
    action = p.matches["ACTION"].get(i)
    if action is not None and action >= end:
        return None
    return end


def _action_at(p: _Parsed, i: int) -> bool:
    """An action word at token i: in lower case and not after `các` (`các tổ chức` are
    organisations), or a run-in action in any case."""
    if i in p.matches["RUNIN"]:
        return True
    if i not in p.matches["ACTION"] or _capital(p.tokens[i]):
        return False
    return not (i > 0 and any(i == e for s, e in p.matches["NOUN"].items()))


def starts_with_agency(text: str) -> bool:
    """True when `text` opens with an agency or an office-holder.

    >>> starts_with_agency("Sở Nội vụ chủ trì"), starts_with_agency("Tổ chức quán triệt")
    (True, False)
    >>> starts_with_agency("Bổ sung một số điều"), starts_with_agency("Trường hợp có đề xuất khác")
    (False, False)
    >>> starts_with_agency("UBND cac huyen"), starts_with_agency("Bo Tu phap")
    (True, True)
    """
    p = _parse(text.lstrip(" -+*")[:200])
    return bool(p.tokens) and _head_at(p, 0) is not None


def first_action(text: str) -> int | None:
    """Character offset of the first word that ends a subject, or None.

    >>> first_action("Ban Chỉ đạo Cải cách hành chính tỉnh tổ chức phát động")
    37
    >>> first_action("Cục Du lịch Quốc gia Việt Nam Phối hợp với Vụ Pháp chế")
    30
    """
    p = _parse(text)
    for i in range(len(p.tokens)):
        if _action_at(p, i):
            return p.tokens[i].start
    return None


def find_cues(text: str) -> list[Span]:
    """The cue phrases `chủ trì` (LEAD), `phối hợp` (SUPPORT), `giao`/`đề nghị`/`yêu cầu`
    (REQUEST) in the text, in order.

    >>> [(c.text, c.label) for c in find_cues("Giao Sở Tài chính chủ trì, phối hợp với Sở Nội vụ")]
    [('Giao', 'REQUEST'), ('chủ trì', 'LEAD'), ('phối hợp', 'SUPPORT')]
    """
    p = _parse(text)
    spans = [Span(p.tokens[s].start, p.tokens[e - 1].end, text[p.tokens[s].start:p.tokens[e - 1].end], label)
             for label in ("LEAD", "SUPPORT", "REQUEST") for s, e in p.matches[label].items()]
    return sorted(spans, key=lambda s: s.start)


def _agency_end(p: _Parsed, text: str, i: int, head_end: int) -> int:
    """Token index where the agency that starts at token i ends (exclusive)."""
    j = head_end
    n = len(p.tokens)
    while j < n and j - i < 30:
        tok = p.tokens[j]
        gap = text[p.tokens[j - 1].end:tok.start]
        if "\n" in gap or tok.text in _STOP or _action_at(p, j):
            break
        if tok.text == ",":
            # "Sở Văn hóa, Thể thao và Du lịch": a capital that opens no unit continues the name.
            if j + 1 < n and _capital(p.tokens[j + 1]) and _head_at(p, j + 1) is None:
                j += 1
                continue
            break
        if _head_at(p, j) is not None and j > head_end:
            previous = p.tokens[j - 1]
            inside = any(s < j <= e for s, e in p.matches["CONNECT"].items()) or any(
                s < j <= e for s, e in p.matches["HEAD"].items())
            # "... khu công nghiệp Sở Khoa học": a capital head right after a lower-case
            # word is a new unit (the next cell of a table row); after a connector
            # ("thuộc Ủy ban") or a head ("Văn phòng Ủy ban") it is part of the name.
            if not inside and not _capital(previous) and previous.text not in ("và",):
                break
        j += 1
    return j


def find_agencies(text: str) -> list[Span]:
    """Agency names: a head word written with a capital, up to the name's right boundary
    (an action word, a mark that ends a phrase, a line break, or a new head).

    >>> [a.text for a in find_agencies("Giao Sở Tài chính chủ trì, phối hợp với UBND các huyện.")]
    ['Sở Tài chính', 'UBND các huyện']
    >>> [a.text for a in find_agencies("đến năm 2030 Ban Quản lý các khu công nghệ cao và khu công nghiệp Sở Khoa học và Công nghệ Sở Công Thương")]
    ['Ban Quản lý các khu công nghệ cao và khu công nghiệp', 'Sở Khoa học và Công nghệ', 'Sở Công Thương']
    """
    p = _parse(text)
    spans: list[Span] = []
    i = 0
    while i < len(p.tokens):
        head_end = _head_at(p, i)
        if head_end is None:
            i += 1
            continue
        end = _agency_end(p, text, i, head_end)
        while end > i + 1 and p.tokens[end - 1].text in (",", "-", "–"):
            end -= 1
        start, stop = p.tokens[i].start, p.tokens[end - 1].end
        spans.append(Span(start, stop, text[start:stop], "AGENCY"))
        i = end
    return spans


def cell_agencies(row: str) -> list[Span]:
    """Agencies that open a cell of a table row read as one line of text.

    A row of "TT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian" reaches
    the extractor as its cells joined by spaces. A unit named inside the task text is
    governed by a word (`phối hợp Ban ...`, `báo cáo về Sở ...`) or follows a mark; a unit
    that opens a cell follows the last word of the previous cell directly. Units of one
    cell are joined by `,`, `;` or `và`; the first group is returned.

    >>> [a.text for a in cell_agencies("Khảo sát nhu cầu trong các khu công nghiệp, cụm công nghiệp Ban Quản lý các khu công nghệ cao và khu công nghiệp Sở Khoa học và Công nghệ, Sở Công Thương Quý IV/2025")]
    ['Ban Quản lý các khu công nghệ cao và khu công nghiệp']
    >>> cell_agencies("Báo cáo kết quả về Sở Nội vụ trước ngày 15/12/2025")
    []
    """
    p = _parse(row)
    starts = {t.start: i for i, t in enumerate(p.tokens)}
    governed = {e for e in p.matches["GOVERN"].values()} | {e for e in p.matches["CONNECT"].values()} | {
        e for label in ("LEAD", "SUPPORT", "REQUEST") for e in p.matches[label].values()}
    group: list[Span] = []
    for span in find_agencies(row):
        i = starts[span.start]
        if group:
            between = row[group[-1].end:span.start].strip()
            if between in (",", ";", "và", ", và"):
                group.append(span)
                continue
            break
        if i == 0 or i in governed:
            continue
        previous = p.tokens[i - 1]
        if previous.text[:1].isalnum() and not previous.text[:1].isupper() or previous.text == ")":
            group.append(span)
    return group
