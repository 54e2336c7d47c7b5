"""Split a letter's body into numbered blocks (I./1./a)/-/+/Điều/Phụ lục) with their section.

Letters arrive hard-wrapped (PDF text layers break every ~80 characters, often with
blank lines between wrapped lines), so lines are first reflowed into paragraphs, then
each paragraph gets its place in the numbering: `III.1`, `II.3.a`, `Điều 3`. Every
block also carries the texts of the headings above it, so later stages can inherit
context ("2. Sở Nội vụ" assigns the items under it; "a) Chỉ tiêu" marks targets).

Vietnamese words used to recognise parts live in `extractors/data/structure.yaml`.
Matching happens on accent-folded text (`fold`), which keeps the same length as the
original, so every span found on folded text is a span of the real text.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from dondoc.langdata import load_yaml

DATA = Path(__file__).parent / "data"

_TERMINAL = re.compile(r"(?:[.;:!?…]|\./\.|\.\")\s*$")
# OCR reads the I of a Roman numeral as 1 or l ("I1. NHIỆM VỤ" for "II."), so those
# count inside a numeral that starts with I, V or X.
_ROMAN = re.compile(r"^(?P<label>[IVX][IVXl1]{0,4})\s*[.)]\s+(?=\S)")
_DIGITS = re.compile(r"^(?P<label>(?:[IVX]{1,4}\.)?\d{1,2}(?:\.\d{1,2}){0,3})(?:\.|\))\s*(?=[^\d\s.,/%])")
_LETTER = re.compile(r"^(?P<label>[a-zđ])\s*\)\s*(?=\S)|^(?P<label2>[a-hđ])\.\s+(?=[A-ZĐÀ-Ỹ])")
_DASH = re.compile(r"^[-–—•]\s*(?=\S)")
_PLUS = re.compile(r"^[+*]\s*(?=\S)")
_SUPERSCRIPT_NOTE = re.compile(r"^[¹²³⁴⁵⁶⁷⁸⁹⁰]+\s*\S")
_NUMBERED_NOTE = re.compile(r"^(?:\d{1,2}|\(\d{1,2}\))\s+[A-ZĐÀ-Ỹ]")
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
ROW_BREAK = "\x00"  # ends a paragraph when the next line opens with a capital (a new table row)
_MARKDOWN = re.compile(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)|_\{([^}]*)\}")


def _fold_table() -> dict[int, str]:
    """Base letter of every precomposed Latin letter (Vietnamese lives in these ranges)."""
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for code in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code) and not unicodedata.combining(base):
            table[code] = base
    return table


_FOLD = _fold_table()


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Drop Vietnamese diacritics and map đ to d, keeping the length of the text.

    Matching on folded text makes the grammar robust to OCR that lost or garbled a
    mark, and spans found on it index the original string.

    >>> fold("Chậm nhất ngày 15 tháng 02 năm 2023")
    'Cham nhat ngay 15 thang 02 nam 2023'
    >>> len(fold("Đề nghị Ủy ban")) == len("Đề nghị Ủy ban")
    True
    """
    return text.translate(_FOLD)


@functools.cache
def compile_folded(pattern: str) -> re.Pattern[str]:
    """Compile a data-file regex for use on `fold`ed text (case-insensitive)."""
    return re.compile(fold(pattern), re.IGNORECASE)


def any_match(patterns: list[str] | tuple[str, ...], text: str) -> bool:
    folded = fold(text)
    alternation = _alternation(tuple(patterns))
    if alternation is not None:
        return alternation.search(folded) is not None
    return any(compile_folded(p).search(folded) for p in patterns)


@functools.lru_cache(maxsize=1024)
def _alternation(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex for a list of cue patterns (one scan of the line instead of one per
    pattern); None when they cannot be joined (e.g. repeated group names)."""
    try:
        return re.compile("|".join(f"(?:{fold(p)})" for p in patterns), re.IGNORECASE)
    except re.error:
        return None


@functools.cache
def _structure_data() -> dict:
    return load_yaml(DATA / "structure.yaml")


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph or list item of the body, with where it sits.

    `level` orders markers: 0 Phụ lục/Phần/Chương, 1 I./Điều, 2 1., 3 a), 4 -, 5 +;
    None for an unnumbered paragraph. `headings` are the texts of the enclosing
    blocks, outermost first (the lead-in "... yêu cầu:" of a list counts as one).
    """

    section: str | None
    text: str  # without its list marker
    level: float | None
    label: str | None
    headings: tuple[str, ...] = ()


def clean_lines(text: str) -> list[str]:
    """Lines of the text without markdown emphasis, page numbers and footnotes.

    Footnotes repeat cited letters and their dates and numbers (a target quoted from
    an earlier letter), so they are dropped. A footnote is a line opening with a
    superscript number, or with `1 ` / `(1) ` and an upper-case word right after the
    blank separator line a PDF leaves above the notes.

    >>> clean_lines("Sở Nội vụ theo dõi.\\n                         \\n1 Theo Quyết định số 287/QĐ-UBND.\\n- Cập nhật")
    ['Sở Nội vụ theo dõi.', '', '- Cập nhật']

    A bare number line is a page number or a table row's number; it is kept as
    `ROW_BREAK`, which `reflow` turns into a paragraph break before a capital.
    """
    lines = text.replace("\f", "\n").replace("\r", "").split("\n")
    out: list[str] = []
    in_note = False
    previous_raw = ""
    for raw in lines:
        line = _MARKDOWN.sub(lambda m: m.group(1) or "", raw).strip()
        is_separator = not raw.strip() and len(raw) >= 20
        starts_note = bool(_SUPERSCRIPT_NOTE.match(line)) or (
            bool(_NUMBERED_NOTE.match(line)) and (not previous_raw.strip() and len(previous_raw) >= 20 or in_note)
        )
        if starts_note:
            in_note = True
        elif in_note and (not line or marker_of(line)[0] is not None):
            in_note = False
        if raw.strip() or is_separator:  # blank lines between do not hide the separator
            previous_raw = raw
        if in_note:
            continue
        if _PAGE_NUMBER.match(line):
            out.append(ROW_BREAK)  # a page number, or the TT cell of a table row
            continue
        out.append(line)
    return out


def marker_of(line: str) -> tuple[float | None, str | None, str]:
    """(level, label, rest) of a line's list marker; level None when it has none.

    >>> marker_of("1.2. Cải cách thủ tục hành chính")[:2]
    (2.1, '2')
    >>> marker_of("I1. NHIỆM VỤ TRIỂN KHAI")[:2]
    (1, 'II')
    >>> marker_of("a) Chỉ tiêu")
    (3, 'a', 'Chỉ tiêu')
    >>> marker_of("2022, Kế hoạch số 62/KH-UBND")[0] is None
    True
    """
    folded = fold(line)
    for item in _structure_data()["named_markers"]:
        m = compile_folded(item["pattern"]).match(folded)
        if m:
            label = item["prefix"] + line[m.start("label"):m.end("label")] if m.group("label") else item["prefix"].strip()
            return float(item["level"]), label, line[m.end():].strip(" .:-")
    m = _ROMAN.match(line)
    if m:
        return 1, m.group("label").replace("l", "I").replace("1", "I"), line[m.end():]
    m = _DIGITS.match(line)
    if m:
        label = m.group("label")
        parts = label.split(".")
        if len(parts) > 1 and re.fullmatch(r"[IVX]+", parts[0]):
            parts = parts[1:]
        depth = len(parts)
        return (2 if depth == 1 else round(2 + 0.1 * (depth - 1), 1)), parts[-1], line[m.end():]
    m = _LETTER.match(line)
    if m:
        return 3, m.group("label") or m.group("label2"), line[m.end():]
    if _DASH.match(line):
        return 4, None, _DASH.sub("", line, count=1)
    if _PLUS.match(line):
        return 5, None, _PLUS.sub("", line, count=1)
    return None, None, line


def starts_upper(text: str) -> bool:
    """True when the first letter or digit of `text` is upper-case or a digit.

    >>> starts_upper("“Đề nghị"), starts_upper("được triển khai")
    (True, False)
    """
    for ch in text:
        if ch.isalnum():
            return ch.isupper() or ch.isdigit()
    return False


def reflow(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines back into paragraphs.

    A line starts a new paragraph when it opens with a list marker, or opens with a
    capital after a line that ended a sentence, or follows a short heading.

    >>> reflow(["1. Tổ chức quán triệt sâu rộng đến toàn thể cán bộ, công chức, viên chức,", "", "người lao động tại đơn vị.", "2. Sở Nội vụ", "Chủ trì, theo dõi."])
    ['1. Tổ chức quán triệt sâu rộng đến toàn thể cán bộ, công chức, viên chức, người lao động tại đơn vị.', '2. Sở Nội vụ', 'Chủ trì, theo dõi.']
    """
    paragraphs: list[str] = []
    row_break = False
    for line in lines:
        if line == ROW_BREAK:
            row_break = True
            continue
        if not line:
            continue
        if not paragraphs:
            paragraphs.append(line)
            continue
        current = paragraphs[-1]
        level, _, _ = marker_of(line)
        upper = starts_upper(line)
        current_level, _, current_rest = marker_of(current)
        # A short line without final punctuation is a heading, unless it is a list item
        # ("- Trên cơ sở đề xuất của Ban" / "Quản lý ..." is one item wrapped early).
        # An unnumbered short line is a heading only when it looks like one (a title in
        # capitals, or a few words): web copies wrap the first line of a paragraph early.
        short = (len(current) < (70 if current_level is not None else 50) and not _TERMINAL.search(current)
                 and (current_level is None or current_level <= 3)
                 and (current_level is not None or current.isupper() or len(current.split()) <= 3))
        dangling = any_match(_structure_data()["continuation_words"], current) or current.endswith((",", "-"))
        # Web copies wrap a numbered line after its first word or two ("4. Sở Nông" /
        # "nghiệp và Môi trường", "1. Vụ" / "Pháp chế"): such a stub always continues.
        stub = current_level is not None and current_level >= 1 and len(current_rest.split()) <= 2 and not _TERMINAL.search(current)
        if level is not None or (upper and (row_break or (not dangling and not stub and (_TERMINAL.search(current) or short)))):
            paragraphs.append(line)
        else:
            paragraphs[-1] = current + " " + line
        row_break = False
    return [re.sub(r"\s+", " ", p).strip() for p in paragraphs]


def body_paragraphs(text: str) -> list[str]:
    """Reflowed paragraphs of the body: header lines dropped, cut at `Nơi nhận`."""
    data = _structure_data()
    kept: list[str] = []
    skipping = False
    for line in clean_lines(text):
        if any_match(data["body_end"], line):
            skipping = True  # Nơi nhận and signature, until an annexed plan restarts at "I."
        elif skipping and (marker_of(line)[0] if marker_of(line)[0] is not None else 9) <= 1:
            skipping = False
        if not skipping:
            kept.append(line)
    paragraphs: list[str] = []
    in_addressees = False
    for paragraph in reflow(kept):
        if any_match(data["addressees_start"], paragraph):
            in_addressees = True
            continue
        if in_addressees and marker_of(paragraph)[0] == 4 and len(paragraph) < 160:
            continue
        in_addressees = False
        if not any_match(data["not_body"], paragraph):
            paragraphs.append(paragraph)
    return paragraphs


def split_blocks(text: str) -> tuple[Block, ...]:
    """The body as blocks with section ids and inherited headings.

    >>> blocks = split_blocks("II. NHIỆM VỤ\\n2. Cải cách thể chế\\na) Chỉ tiêu\\n- 100% văn bản được triển khai kịp thời.")
    >>> [(b.section, b.text) for b in blocks][-1]
    ('II.2.a', '100% văn bản được triển khai kịp thời.')
    >>> blocks[-1].headings
    ('NHIỆM VỤ', 'Cải cách thể chế', 'Chỉ tiêu')
    """
    stack: list[tuple[float, str | None, str]] = []  # (level, label, text)
    blocks: list[Block] = []
    for paragraph in body_paragraphs(text):
        level, label, rest = marker_of(paragraph)
        if level is not None:
            while stack and stack[-1][0] >= level:
                stack.pop()
        labels = [lab for lev, lab, _ in stack if lab is not None and lev <= 3.5]
        if label is not None and level is not None and level <= 3.5:
            labels.append(label)
        section = ".".join(labels) or None
        headings = tuple(t for _, _, t in stack)
        blocks.append(Block(section=section, text=rest, level=level, label=label, headings=headings))
        if level is not None:
            stack.append((level, label, rest))
        elif rest.rstrip().endswith(":"):
            # A lead-in ("Ủy ban nhân dân tỉnh yêu cầu:") heads the list that follows.
            parent = stack[-1][0] if stack else 0.0
            stack.append((parent + 0.5, None, rest))
    return tuple(blocks)


def split_clauses(text: str) -> list[tuple[int, int]]:
    """Spans of the clauses of a block: sentences, cut again at semicolons.

    >>> t = "Tổ chức quán triệt; gửi về Sở Nội vụ trước ngày 10 tháng 7 năm 2022. Định kỳ báo cáo."
    >>> [t[a:b] for a, b in split_clauses(t)]
    ['Tổ chức quán triệt;', 'gửi về Sở Nội vụ trước ngày 10 tháng 7 năm 2022.', 'Định kỳ báo cáo.']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"(?:;|(?<![A-ZĐ])\.(?!/)(?=\s+[A-ZĐÀ-Ỹ\"“(]))\s+", text):
        spans.append((start, m.start() + 1))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]
