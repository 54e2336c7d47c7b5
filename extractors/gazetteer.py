"""The agency gazetteer and assignment cues as a spaCy rule engine over syllable tokens.

One cached pipeline: `spacy.blank("vi")` with its pyvi word segmenter off (pyvi is not
installed and not needed: the gazetteer is written in syllables), a tokenizer that also
splits punctuation off syllables (spaCy's own Vietnamese tokenizer without pyvi splits
on spaces only, so `vụ,` would be one token), and two PhraseMatchers built from
`extractors/data/agencies.yaml` at first use:

- on `LOWER` for text written with its marks, so `Sở`/`sở` match but `Bổ sung` is not
  `Bộ` (heads, office-holders and cell breaks; a few action words, `action_words_as_
  written`, only so);
- on `NORM`, which this tokenizer sets to the accent-folded lower case of a syllable,
  for accent-less text (OCR without the Vietnamese model).

Labels: `HEAD` (a word an agency or an office-holder starts with: `Sở`, `Ủy ban`,
`UBND`, `Thủ trưởng`), `NOT_HEAD` (`Trường hợp`, `Báo cáo`), `PERSON` (the heads that
name a person by office: `Lãnh đạo`, `Giám đốc`), `BREAK` (capitalised words that open
the next cell of a table row, never a part of a name: `Bước`, `Thường xuyên`, `Quý`),
`ADMIN` (levels listed after a comma inside one name: `Ủy ban nhân dân xã, phường`),
`ACTION` (words that end the subject of an assignment: `chủ trì`, `xây dựng`), `RUNIN` (actions that end a name
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
from typing import Any, NamedTuple

from dondoc.langdata import load_yaml
from extractors.structure import fold

DATA = Path(__file__).parent / "data" / "agencies.yaml"

# A syllable (with the `&` inside abbreviations: TT&TT, KH&ĐT) or one mark.
_TOKEN = re.compile(r"\w+(?:&\w+)*|[^\w\s]")
# Matched as written when the text has marks ("Năm" opens a cell, "Nam" of "Việt Nam" does not).
_MARKED = ("HEAD", "NOT_HEAD", "PERSON", "BREAK")
_WRITTEN_ONLY = {"ACTION_AS_WRITTEN": "ACTION"}  # only in text with marks ("đưa" is not "đua")
_STOP = set(";:.()[]{}\"“”!?")
_LABELS = ("HEAD", "NOT_HEAD", "PERSON", "BREAK", "ADMIN", "ACTION", "RUNIN", "NOUN", "CONNECT", "GOVERN",
           "LEAD", "SUPPORT", "REQUEST")


@dataclass(frozen=True, slots=True)
class Span:
    """A match in the original string: `text[start:end]` and its label."""

    start: int
    end: int
    text: str
    label: str


class _Token(NamedTuple):  # a tuple: made for every syllable of every text read
    start: int
    end: int
    text: str


class _SyllableTokenizer:
    """Syllables and marks; every new word's NORM is set to its folded lower case."""

    def __init__(self, vocab: Any) -> None:
        self.vocab = vocab
        self._seen: set[str] = set()

    def __call__(self, text: str) -> Any:
        return self.from_words(_TOKEN.findall(text))

    def from_words(self, words: list[str]) -> Any:
        from spacy.tokens import Doc
        for w in words:
            if w not in self._seen:
                self._seen.add(w)
                self.vocab[w].norm_ = fold(w).lower()
        return Doc(self.vocab, words=words, spaces=[True] * len(words))


@functools.cache
def _data() -> dict:
    return load_yaml(DATA)


@functools.cache
def _words(key: str) -> frozenset[str]:
    """A list of single words from agencies.yaml, as a set."""
    return frozenset(str(w) for w in _data()[key])


@functools.cache
def pipeline() -> tuple[Any, Any, Any]:
    """(nlp, matcher on LOWER, matcher on NORM), built once per process."""
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.tokenizer = _SyllableTokenizer(nlp.vocab)
    data = _data()
    terms: dict[str, list[str]] = {
        "HEAD": data["head_words"], "NOT_HEAD": data["not_heads"], "PERSON": data["office_holders"],
        "ACTION": data["action_words"], "BREAK": data["name_breaks"], "ADMIN": data["admin_levels"],
        "RUNIN": data["runin_actions"], "NOUN": data["noun_markers"], "CONNECT": data["name_connectors"],
        "GOVERN": data["governing_words"], "ACTION_AS_WRITTEN": data["action_words_as_written"],
        "LEAD": data["cues"]["lead"], "SUPPORT": data["cues"]["support"], "REQUEST": data["cues"]["request"],
    }
    marked = PhraseMatcher(nlp.vocab, attr="LOWER")
    folded = PhraseMatcher(nlp.vocab, attr="NORM")
    for label in _LABELS + tuple(_WRITTEN_ONLY):
        docs = [nlp.make_doc(t) for t in terms[label]]
        if label in _MARKED or label in _WRITTEN_ONLY:
            marked.add(label, docs)
        if label not in _WRITTEN_ONLY:
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
    tokens = tuple(_Token(*m.span(), m.group()) for m in _TOKEN.finditer(text))
    doc = nlp.tokenizer.from_words([t.text for t in tokens])
    matches: dict[str, dict[int, int]] = {label: {} for label in _LABELS}
    strings = nlp.vocab.strings
    # Heads in text with its marks are matched as written ("Bổ sung" is not "Bộ"); the
    # other labels, and heads in accent-less text, on the folded form, so a lost or
    # garbled mark does not hide an action word.
    has_marks = not text.isascii()
    found = folded(doc)
    if has_marks:
        found = [m for m in found if m[0] not in _marked_ids()] + marked(doc)
    for match_id, start, end in found:
        label = strings[match_id]
        by_start = matches[_WRITTEN_ONLY.get(label, label)]
        if end > by_start.get(start, start):
            by_start[start] = end
    return _Parsed(tokens, matches)


@functools.cache
def _marked_ids() -> frozenset[int]:
    strings = pipeline()[0].vocab.strings
    return frozenset(strings[label] for label in _MARKED + tuple(_WRITTEN_ONLY))


def _capital(token: _Token) -> bool:
    return token.text[:1].isupper()


def _head_at(p: _Parsed, i: int) -> int | None:
    """End token of the agency head at token i, or None (a capital is required)."""
    end = p.matches["HEAD"].get(i)
    if end is None or not _capital(p.tokens[i]) or i in p.matches["NOT_HEAD"]:
        return None
    # A title in capitals ("BỘ GIÁO DỤC VÀ ĐÀO TẠO", "SỞ NỘI VỤ") is a heading, not a
    # unit doing something; abbreviations (UBND) are heads as written.
    word = p.tokens[i].text
    if len(word) > 1 and word.isupper() and word not in _upper_heads():
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


@functools.lru_cache(maxsize=16384)
def starts_with_agency(text: str) -> bool:
    """True when `text` opens with an agency or an office-holder.

    >>> starts_with_agency("Sở Nội vụ chủ trì"), starts_with_agency("Tổ chức quán triệt")
    (True, False)
    >>> starts_with_agency("Bổ sung một số điều"), starts_with_agency("Trường hợp có đề xuất khác")
    (False, False)
    >>> starts_with_agency("UBND cac huyen"), starts_with_agency("Bo Tu phap")
    (True, True)
    """
    body = text.lstrip(" -+*")
    first = _TOKEN.match(body)
    # Most texts open with no head: a set lookup of the first syllable spares the parse.
    if first is None or not first.group()[:1].isupper() or fold(first.group()).lower() not in _head_starts():
        return False
    p = _parse(" ".join(_TOKEN.findall(body[:80])[:8]))
    return _head_at(p, 0) is not None


@functools.cache
def _cue_strings(labels: tuple[str, ...]) -> tuple[str, ...]:
    """The cue phrases of `labels` folded, for a substring check before the matcher runs."""
    return tuple(fold(c).lower() for label in labels for c in _data()["cues"][label.lower()])


@functools.cache
def _upper_heads() -> frozenset[str]:
    """Heads written in capitals in the gazetteer (abbreviations: UBND)."""
    return frozenset(w for w in _data()["head_words"] if w.isupper())


@functools.cache
def _head_starts() -> frozenset[str]:
    """Folded first syllables of the head words."""
    return frozenset(fold(_TOKEN.findall(w)[0]).lower() for w in _data()["head_words"])


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


def find_cues(text: str, labels: tuple[str, ...] = ("LEAD", "SUPPORT", "REQUEST")) -> list[Span]:
    """The cue phrases `chủ trì` (LEAD), `phối hợp` (SUPPORT), `giao`/`đề nghị`/`yêu cầu`
    (REQUEST) in the text, in order; only those of `labels`.

    >>> [(c.text, c.label) for c in find_cues("Giao Sở Tài chính chủ trì, phối hợp với Sở Nội vụ")]
    [('Giao', 'REQUEST'), ('chủ trì', 'LEAD'), ('phối hợp', 'SUPPORT')]
    """
    folded = fold(text).lower()
    if not any(c in folded for c in _cue_strings(labels)):  # most texts name no cue: spare the parse
        return []
    p = _parse(text)
    spans = [Span(p.tokens[s].start, p.tokens[e - 1].end, text[p.tokens[s].start:p.tokens[e - 1].end], label)
             for label in labels for s, e in p.matches[label].items()]
    return sorted(spans, key=lambda s: s.start)


def _agency_end(p: _Parsed, text: str, i: int, head_end: int) -> int:
    """Token index where the agency that starts at token i ends (exclusive)."""
    j = head_end
    n = len(p.tokens)
    while j < n and j - i < 30:
        tok = p.tokens[j]
        gap = text[p.tokens[j - 1].end:tok.start]
        # A number ends a name: "Sở Y tế 31/10/2025", "Văn thư Sở 0,5 ngày".
        if ("\n" in gap or tok.text in _STOP or tok.text[:1].isdigit() or _action_at(p, j)
                or j in p.matches["BREAK"]):
            break
        if tok.text == ",":
            following = p.tokens[j + 1] if j + 1 < n else None
            # "Sở Văn hóa, Thể thao và Du lịch": a capital that opens no unit continues the
            # name; so do the levels of "Ủy ban nhân dân xã, phường", and after a bare or
            # plural head ("Sở, ban, ngành", "Các bộ, ngành, địa phương") the lower-case
            # nouns of the list.
            plural = j == head_end or p.tokens[i].text.lower() in _words("plural_markers")
            if following is not None and (
                    (_capital(following) and _head_at(p, j + 1) is None)
                    or (j + 1) in p.matches["ADMIN"]
                    or (plural and not _capital(following) and following.text[:1].isalpha())):
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
            if not inside and not _capital(previous) and previous.text not in _words("list_joiners"):
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
    cell are joined by `,`, `;` or `và`; the first group is returned. The column names
    agencies, not people: `Lãnh đạo Sở` in a row of a procedure table (`Bước 13 Lãnh đạo
    Sở ký phê duyệt`) is a step's actor, not the unit that leads a task.

    >>> [a.text for a in cell_agencies("Khảo sát nhu cầu trong các khu công nghiệp, cụm công nghiệp Ban Quản lý các khu công nghệ cao và khu công nghiệp Sở Khoa học và Công nghệ, Sở Công Thương Quý IV/2025")]
    ['Ban Quản lý các khu công nghệ cao và khu công nghiệp']
    >>> cell_agencies("Báo cáo kết quả về Sở Nội vụ trước ngày 15/12/2025")
    []
    >>> cell_agencies("04 giờ làm việc Bước 13 Lãnh đạo Sở Ký phê duyệt kết quả")
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
            if between in (",", ";") or between.lstrip(",").strip() in _words("list_joiners"):
                group.append(span)
                continue
            break
        if i == 0 or i in governed or i in p.matches["PERSON"]:
            continue
        if _TOKEN.fullmatch(span.text):
            continue  # a bare head ("Văn thư Sở 0,5 ngày") names no unit
        previous = p.tokens[i - 1]
        if previous.text[:1].isalnum() and not previous.text[:1].isupper() or previous.text == ")":
            group.append(span)
    return group
