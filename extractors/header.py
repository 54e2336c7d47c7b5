"""NĐ 30/2020 header fields of a letter: issuer, type, number, date, subject,
addressees, recipients, signer, and the documents it cites.

NĐ 30/2020/NĐ-CP Phụ lục I fixes where each part sits: the issuer block top left
beside the national motto, `Số: 42/KH-UBND` under it with the place and date
beside, the type line (`KẾ HOẠCH`) or a `V/v` subject, `Kính gửi`, the body, then
`Nơi nhận` and the signature block. Text readers and OCR interleave the two
header columns and break lines anywhere, so each field is read by a small named
parser over cleaned lines, matching cues on accent-folded text (`extractors.names.fold`)
so accent-less OCR still finds them. All cue words come from `data/header.yaml`.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from extractors.citations import extract_references, safe_date
from extractors.names import (
    case_agency_name,
    case_sentence,
    case_title,
    expand_issuer_code,
    fold,
    header_vocabulary,
    restore_code_marks,
    restore_type_code,
)
from extractors.types import issuer_code, letter_type, type_from_symbol, type_names

HEADER_LINES = 40  # the header never runs past this many non-empty lines
ISSUER_LINES = 12


# ---------------------------------------------------------------- cleaning

def rejoin_split_dates(lines: list[str]) -> list[str]:
    """Move the end of a date cut by an interleaved column back onto its line:
    "Số: 1923 /UBND-NC Kon Tum, ngày 21 tháng 6 năm" / "V/v triển khai thực hiện các 2022".

    >>> rejoin_split_dates(["Kon Tum, ngày 21 tháng 6 năm", "V/v triển khai các 2022"])
    ['Kon Tum, ngày 21 tháng 6 năm 2022', 'V/v triển khai các']
    """
    cues = {k: fold(v) for k, v in header_vocabulary()["date_cues"].items()}
    tails = {cues["year"]: r"\d{4}", cues["month"]: rf"\d{{1,2}}\s+{cues['year']}\s+\d{{4}}"}
    lines = list(lines)
    for i, line in enumerate(lines[:HEADER_LINES]):
        folded = fold(line).rstrip()
        cue = next((c for c in tails if folded.endswith(" " + c)), None)
        if cue is None or not re.search(rf"(?<!\w){cues['day']}(?!\w)", folded):
            continue
        following = next((j for j in range(i + 1, min(i + 3, len(lines))) if lines[j]), None)
        if following is None:
            continue
        match = re.search(rf"(?:^|\s)({tails[cue]})$", fold(lines[following]))
        if match:
            lines[i] = f"{line.rstrip()} {lines[following][match.start(1):]}"
            lines[following] = lines[following][: match.start(1)].rstrip()
    return lines


def clean_lines(text: str) -> list[str]:
    """Lines of `text` without markdown marks, with single spaces, stripped.

    Empty lines are kept: a blank line ends a subject block.

    >>> clean_lines("**ỦY BAN NHÂN DÂN\\nTỈNH KON TUM**\\n- Lưu: VT, NC_{TTHG}.")
    ['ỦY BAN NHÂN DÂN', 'TỈNH KON TUM', '- Lưu: VT, NC TTHG.']
    """
    lines = []
    # A "|" separates the cells of a layout table (issuer | motto) in saved pages.
    # pdfium writes \x02 for the hyphen that ends a line ("42/KH-" / "UBND").
    text = text.replace("\x02", "-")
    for line in re.split(r"[\n\f\r|]", text):
        line = line.replace("**", "").replace("__", "")
        line = re.sub(r"_\{([^}]*)\}", r" \1", line)
        line = re.sub(r"(?<!\w)\*|\*(?!\w)", "", line)
        line = re.sub(r"^\s*#+\s", "", line)
        lines.append(re.sub(r"\s+", " ", line).strip())
    return lines


@functools.lru_cache(maxsize=4096)
def _folded_cue(cue: str) -> str:
    return fold(cue)


def _starts_with(line: str, cues: list[str] | str) -> bool:
    """Does `line` begin with one of `cues` (folded, at a word boundary)?"""
    cues = [cues] if isinstance(cues, str) else cues
    folded = fold(line[: max(len(c) for c in cues) + 1]) if cues else ""
    for cue in cues:
        cue = _folded_cue(cue)
        if folded.startswith(cue) and (len(folded) == len(cue) or not cue[-1].isalnum()
                                       or not folded[len(cue)].isalnum()):
            return True
    return False


def _is_upper(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _nonempty_indexes(lines: list[str], limit: int) -> list[int]:
    return [i for i, line in enumerate(lines) if line][:limit]


# ---------------------------------------------------------------- number and symbol

@functools.cache
def _number_cue() -> re.Pattern[str]:
    cue = fold(header_vocabulary()["number_cue"])  # "so"; OCR reads "Số" as "S6" or "S0"
    pattern = cue[0] + "[" + cue[1:] + "60]" if len(cue) == 2 else re.escape(cue)
    return re.compile(rf"(?<![\w/])(?:{pattern})\s*[:.]?\s*(?=[\d/]|[oil][\doil]*\d[\doil]*\s*/|$)", re.IGNORECASE)


NUMBER_SYMBOL = re.compile(
    r"\s*(?P<number>\d[\d.]*)?\s*(?P<sep>[/\-])\s*(?P<symbol>[\wĐđ&.]+(?:\s*[\-/]\s*[\wĐđ&.]+)*)"
)


def find_number_line(lines: list[str]) -> tuple[int, int] | None:
    """(line index, offset after the cue) of the `Số:` line in the header."""
    for i in _nonempty_indexes(lines, HEADER_LINES):
        match = _number_cue().search(fold(lines[i]))
        if not match:
            continue
        before = lines[i][: match.start()].strip()
        if (lines[i][match.start()] == "S" or not before or not before[-1:].isalnum() or _is_upper(before)
                      or fold(before) in {fold(n) for n in type_names()}):
            return i, match.end()
    return None


def parse_number(lines: list[str]) -> tuple[str | None, str | None, str | None]:
    """(number, symbol, doc_number as written) from the `Số:` line and the lines after it.

    >>> parse_number(["Số: 1923 /UBND-NC Kon Tum, ngày 21 tháng 6 năm 2022"])
    ('1923', 'UBND-NC', '1923/UBND-NC')
    >>> parse_number(["Số:        /BCĐ-NC Kon Tum, ngày tháng năm 2023"])
    (None, 'BCĐ-NC', None)
    >>> parse_number(["Số:", "87/2025/QĐ-UBND"])
    ('87', '2025/QĐ-UBND', '87/2025/QĐ-UBND')
    >>> parse_number(["Số 650-TB/TU"])
    ('650', 'TB/TU', '650-TB/TU')
    >>> parse_number(["Số: /QD-UBND"])  # OCR lost the stroke of Đ
    (None, 'QĐ-UBND', None)
    >>> parse_number(["S0: l923 /UBND-NC"])  # digits read as letters
    ('1923', 'UBND-NC', '1923/UBND-NC')
    """
    found = find_number_line(lines)
    if found is None:
        return None, None, None
    index, offset = found
    following = [line for line in lines[index + 1: index + 4] if line]
    rest = " ".join([lines[index][offset:]] + following)
    # "Số: l923 /UBND-NC": the number's first digit read as a letter.
    rest = re.sub(r"^\s*[\dOoIl|]+(?=\s*/)", lambda m: _digits(m.group(0)), rest)
    match = NUMBER_SYMBOL.match(rest)
    if not match or not any(c.isalpha() for c in match.group("symbol")):
        return None, None, None
    symbol = restore_code_marks(re.sub(r"\s+", "", match.group("symbol")).strip(".,;:"))
    number = match.group("number")
    number = number.strip(".") if number else None
    doc_number = f"{number}{match.group('sep')}{symbol}" if number else None
    return number, symbol, doc_number


# OCR reads 0 as O and 1 as l or I inside numbers (matched on folded text: o, l, i).
_DIGIT_LOOKALIKES = str.maketrans("OoIl|i", "001111")


def _digits(value: str) -> str:
    """`value` with the letters OCR puts for digits read back (`2O23` -> `2023`),
    when it holds at least one real digit.

    >>> _digits("2O23"), _digits("l923"), _digits("lo")
    ('2023', '1923', 'lo')
    """
    return value.translate(_DIGIT_LOOKALIKES) if any(c.isdigit() for c in value) else value


# ---------------------------------------------------------------- place and date

@functools.cache
def _date_pattern() -> re.Pattern[str]:
    vocabulary = header_vocabulary()
    ocr = vocabulary.get("date_cue_ocr", {})
    cues = {k: "(?:" + "|".join(re.escape(fold(c)) for c in [v, *ocr.get(k, [])]) + ")"
            for k, v in vocabulary["date_cues"].items()}
    # A year of four digits, two of which OCR may have read as letters ("2O23").
    year = r"(?=(?:[oil]*\d){2})[\doil]{4}(?![\w])"
    return re.compile(
        rf"(?<!\w){cues['day']}\s*(?:(?P<d>[^\s]*?)\s*{cues['month']}\s*(?P<m>[^\s]*?)\s*"
        rf"{cues['year']}\s*(?P<y>{year})|(?P<d2>\d{{1,2}})\s*/\s*(?P<m2>\d{{1,2}})\s*/\s*(?P<y2>\d{{4}}))",
        re.IGNORECASE,
    )


def _part(value: str | None, low: int, high: int) -> int | None:
    """A day or month as written, or None when blank or unreadable (`0/`)."""
    value = _digits(value) if value else value
    if value is None or not value.isdigit():
        return None
    number = int(value)
    return number if low <= number <= high else None


def _place_before(text: str) -> str | None:
    """The place written before `, ngày`: the capitalised words ending `text`, with
    an administrative level in front (`Thành phố Hồ Chí Minh`, `TP. Hồ Chí Minh`).

    >>> _place_before("Số: 12/SGDĐT-VP Thành phố Hồ Chí Minh")
    'Thành phố Hồ Chí Minh'
    >>> _place_before("trên địa bàn tỉnh Kon Tum\\nKon Tum")
    'Kon Tum'
    >>> _place_before("Số: 172/KH-UBND\\nThành phố Hồ Chí\\nMinh")
    'Thành phố Hồ Chí Minh'
    """
    text_lines = text.split("\n")
    tokens = text_lines[-1].split()
    levels = {fold(v) for v in header_vocabulary()["admin_levels"]}
    # "Thành phố Hồ" / "Chí Minh, ngày": a place cut by a narrow text box. The line
    # above belongs to it only when it is all place words ("tỉnh Kon Tum" ending a
    # subject line does not).
    if len(text_lines) > 1 and len(tokens) <= 3:
        above = text_lines[-2].split()
        body = above[2:] if len(above) > 2 and fold(" ".join(above[:2])) in levels else above
        if body and len(above) <= 5 and above[0][:1].isupper() and all(
                w[:1].isupper() and not any(c.isdigit() or c in "/:" for c in w) for w in body):
            tokens = above + tokens
    words: list[str] = []
    while tokens and len(words) < 5:
        word = tokens[-1]
        symbol_like = re.search(r"[-–.]", word) and _is_upper(word) and len(word) > 3
        # "/KH- UBND Kon Tum": OCR cut the symbol after its dash.
        cut_symbol = len(tokens) > 1 and tokens[-2].endswith(("-", "/")) and _is_upper(word)
        if not word[:1].isupper() or any(c.isdigit() for c in word) or "/" in word or word.endswith(":") \
                or symbol_like or cut_symbol:
            break
        words.insert(0, tokens.pop())
    levels = {fold(v) for v in header_vocabulary()["admin_levels"]}
    if words and len(tokens) >= 2 and fold(" ".join(tokens[-2:])) in levels and tokens[-2][:1].isupper():
        words = tokens[-2:] + words
    return " ".join(words) or None


def _dates_a_citation(before: str, own_symbol: str) -> bool:
    """Does a date written after `before` date another document than this one?
    ("... NGHỊ ĐỊNH SỐ 72/2020/NĐ-CP NGÀY 30 THÁNG 6 NĂM 2020" in a subject.)"""
    cited = re.search(r"[/\-]\s*([A-ZĐ0-9][\w\-/]*[A-Za-zĐđ][\w\-/]*)\s*,?\s*$", before)
    if not cited:
        return False
    symbol = cited.group(1).strip("/-")
    return symbol != own_symbol.strip("/-") and not own_symbol.endswith(symbol)


def parse_place_and_date(lines: list[str]) -> tuple[str | None, dt.date | None, int | None]:
    """(place, issue_date, issue_year) from the header's `Place, ngày D tháng M năm Y`.

    A blank or unreadable day or month gives a null date but keeps the year.

    >>> parse_place_and_date(["Số: 1923 /UBND-NC Kon Tum, ngày 21 tháng 6 năm 2022"])
    ('Kon Tum', datetime.date(2022, 6, 21), 2022)
    >>> parse_place_and_date(["S6:42 /KH-UBND Kon Tum, ngay 06 thang 0/nam 2023"])
    ('Kon Tum', None, 2023)
    >>> parse_place_and_date(["Lai Châu, ngày", "19 tháng 11 năm 2025"])
    ('Lai Châu', datetime.date(2025, 11, 19), 2025)
    >>> parse_place_and_date(["Số: 42/KH-UBND Kon Tum, ngày O6 tháng 01 nărn 2O23"])  # OCR
    ('Kon Tum', datetime.date(2023, 1, 6), 2023)
    """
    found = find_number_line(lines)
    start = found[0] if found else 0
    end_cues = header_vocabulary()["header_end_cues"]
    indexes = []
    for i in _nonempty_indexes(lines, HEADER_LINES):
        if i > start and _starts_with(lines[i], end_cues):
            break
        if i >= start:
            indexes.append(i)
    # A date after "Place," is the issue date wherever it sits in the header (a PDF
    # reader may give the right column after the Kính gửi list); a bare one only
    # close under the Số line ("ngày 13/11/2025" in the body is a citation's).
    wide = "\n".join(lines[i] for i in _nonempty_indexes(lines, HEADER_LINES) if i >= start)
    match = next((m for m in _date_pattern().finditer(fold(wide))
                  if wide[: m.start()].rstrip().endswith(",")), None)
    flat = wide if match is not None else "\n".join(lines[i] for i in indexes)
    near = len("\n".join(lines[i] for i in indexes[:8]))
    if match is None and found:
        own_symbol = parse_number(lines)[1] or ""
        match = next((m for m in _date_pattern().finditer(fold(flat))
                      if m.start() < near and not _dates_a_citation(flat[: m.start()], own_symbol)), None)
    if not match:
        return None, None, None
    if match.group("y"):
        year, month, day = int(_digits(match.group("y"))), _part(match.group("m"), 1, 12), _part(match.group("d"), 1, 31)
    else:
        year, month, day = int(match.group("y2")), _part(match.group("m2"), 1, 12), _part(match.group("d2"), 1, 31)
    before = flat[: match.start()].rstrip()
    place = _place_before(before[:-1]) if before.endswith(",") else None
    return place, safe_date(year, month, day), year


# ---------------------------------------------------------------- type and subject

def find_type_line(lines: list[str]) -> tuple[int, str] | None:
    """(index, canonical type) of the type line (`KẾ HOẠCH`, `QUYẾT ĐỊNH`) in the header.

    >>> find_type_line(["Số: 42/KH-UBND", "KEHOACH", "Phát động phong trào thi đua"])
    (1, 'Kế hoạch')
    >>> find_type_line(["Số: 42/KH-UBND", "KẾ HOẠCII", "Phát động phong trào thi đua"])
    (1, 'Kế hoạch')
    """
    names = {fold(n): n for n in type_names()}
    compact = {k.replace(" ", ""): n for k, n in names.items()}
    body = header_vocabulary()["body_cues"]
    indexes = _nonempty_indexes(lines, HEADER_LINES)
    for n, i in enumerate(indexes):
        if _starts_with(lines[i], body):
            return None
        key = fold(lines[i]).strip(" :.")
        # A type line stands alone; "quy định." closing a sentence is not one.
        if key in names and (lines[i][:1].isupper() or not lines[i].endswith(".")):
            return i, names[key]
        # OCR may lose the space of a type line in capitals ("KEHOACH") or misread
        # a letter ("KẾ HOẠCII"): the one type name that close, words and length kept.
        if _is_upper(lines[i]) and key.replace(" ", "") in compact:
            return i, compact[key.replace(" ", "")]
        if _is_upper(lines[i]) and len(key) >= 6:
            near = [n for n in names if len(n.split()) == len(key.split()) and abs(len(n) - len(key)) <= 1]
            scored = sorted(((fuzz.ratio(key, n), n) for n in near), reverse=True)
            ratio = header_vocabulary()["ocr_tolerance"]["type_ratio"]
            if scored and scored[0][0] >= ratio and (len(scored) == 1 or scored[1][0] < ratio):
                return i, names[scored[0][1]]
        # Older letters: "Nghị định của Chính phủ", "quyết định của bộ trưởng ...".
        of = fold(header_vocabulary()["citation_issuer_cue"])
        head = next((n for n in names if key.startswith(f"{n} {of} ")), None)
        if head:
            return i, names[head]
        # "QUYẾT" / "ĐỊNH": a type line broken in two by a narrow text box.
        if n + 1 < len(indexes) and _is_upper(lines[i]):
            joined = f"{key} {fold(lines[indexes[n + 1]]).strip(' :.')}"
            if joined in names and len(key.split()) == 1:
                return indexes[n + 1], names[joined]
    return None


def _subject_cues() -> list[str]:
    vocabulary = header_vocabulary()
    return list(vocabulary["subject_cues"]) + list(vocabulary.get("subject_cue_ocr", []))


def _strip_subject_cue(subject: str) -> str:
    """The subject without its `V/v` / `Về việc` (as written or as OCR read it).

    >>> _strip_subject_cue("V/v triển khai"), _strip_subject_cue("Vlv: triển khai"), _strip_subject_cue("Ve viec thi dua")
    ('triển khai', 'triển khai', 'thi dua')
    """
    folded = fold(subject)
    for cue in sorted((fold(c) for c in _subject_cues()), key=len, reverse=True):
        pattern = r"\s+".join(re.escape(w) for w in cue.split()).replace("/", r"\s*/\s*")
        match = re.match(rf"(?:{pattern})(?!\w)\s*:?\s*", folded)
        if match:
            return subject[match.end():]
    return subject


def find_subject_line(lines: list[str]) -> int | None:
    """Index of the `V/v` (or `Về việc`) line in the header."""
    cues = _subject_cues()
    for i in _nonempty_indexes(lines, HEADER_LINES):
        if _starts_with(lines[i], cues):
            return i
    return None


def _ends_subject(line: str, subject_upper: bool) -> bool:
    vocabulary = header_vocabulary()
    return (
        _starts_with(line, vocabulary["body_cues"])
        or _number_cue().match(fold(line)) is not None
        or _date_pattern().search(fold(line)) is not None and "," in line
        or re.search(rf",\s*{fold(header_vocabulary()['date_cues']['day'])}(?!\w)", fold(line)) is not None
        or re.match(r"^([IVX]+|\d+)\.\s", line) is not None
        or re.fullmatch(r"[-_=*.…]+", line) is not None
        or (not subject_upper and _is_upper(line))
    )


def _continues(taken: list[str], line: str) -> bool:
    """Does `line`, after a blank line, continue the subject? OCR puts blank lines
    between the lines of a block: a lower-case start continues, and so does a short
    line after a line without closing punctuation, early in the block."""
    if line[0].islower():
        return True
    return (len(taken) <= 3 and len(line) <= 60 and not taken[-1].endswith((".", ";", ":"))
            and not line.endswith((".", ":")))


def read_subject(lines: list[str], start: int, after_type_line: bool = False) -> str | None:
    """The subject block beginning at `lines[start]`.

    It runs over consecutive lines, and across blank lines only to a line that
    continues the sentence (begins in lower case), until a body cue.

    >>> read_subject(["V/v triển khai thực hiện các", "nhiệm vụ nâng cao Chỉ số", "", "Kính gửi:"], 0)
    'Triển khai thực hiện các nhiệm vụ nâng cao Chỉ số'
    """
    taken: list[str] = []
    subject_upper = _is_upper(lines[start])
    blank_before = False
    rest = [line for line in lines[start:] if line]
    for line in lines[start:]:
        if not line:
            blank_before = True
            continue
        if taken and (_ends_subject(line, subject_upper) or (blank_before and not _continues(taken, line))):
            break
        # A subject in capitals ends where running text in mixed case begins.
        if taken and subject_upper and not _is_upper(line):
            break
        # "Hà" / "Nội, ngày 24 ...": the first word of a place cut from its date line.
        position = len(taken) + 1
        if taken and len(line.split()) == 1 and position < len(rest) and _ends_subject(rest[position], subject_upper):
            break
        # Under a type line, a line in capitals is the subject even when it opens with
        # words a body may open with ("TRIỂN KHAI THỰC HIỆN ...").
        if not taken and _ends_subject(line, subject_upper) and not _starts_with(
                line, _subject_cues()) and not (after_type_line and subject_upper):
            return None
        taken.append(line)
        blank_before = False
        if len(taken) == 8:
            break
    subject = " ".join(taken)
    subject = _strip_subject_cue(subject)
    subject = subject.strip(" .;:")
    if subject_upper:
        subject = case_sentence(subject)
    return subject[:1].upper() + subject[1:] if subject else None


def read_subject_below_number(lines: list[str]) -> str | None:
    """The subject of a letter without `V/v`: the block under the number and date
    lines, when a `Kính gửi` follows it (`Về thực hiện Phong trào thi đua ...`).

    >>> read_subject_below_number(["Số: /BCĐ-NC Kon Tum, ngày tháng năm 2023",
    ...     "Về thực hiện Phong trào thi đua", "", "đẩy mạnh cải cách hành chính", "", "Kính gửi:"])
    'Về thực hiện Phong trào thi đua đẩy mạnh cải cách hành chính'
    """
    found = find_number_line(lines)
    cue = header_vocabulary()["addressee_cue"]
    indexes = _nonempty_indexes(lines, HEADER_LINES)
    if found is None or not any(_starts_with(lines[i], cue) for i in indexes if i > found[0]):
        return None
    for i in indexes:
        if i <= found[0]:
            continue
        if _date_pattern().search(fold(lines[i])) or NUMBER_SYMBOL.fullmatch(lines[i]):
            continue
        return read_subject(lines, i)
    return None


# ---------------------------------------------------------------- issuer

@functools.cache
def _motto_patterns() -> tuple[re.Pattern[str], ...]:
    patterns = []
    for motto in header_vocabulary()["mottos"]:
        words = [re.escape(fold(w)) for w in motto.split() if w not in "-–"]
        patterns.append(re.compile(r"[\s\-–—]*".join(words)))
    return tuple(patterns)


def _strip_split_mottos(block: str) -> str:
    """OCR of side-by-side columns can cut a motto in two lines with issuer words
    between: "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA" / "TỈNH KON TUM VIỆT NAM".
    Blank a motto's first words (three or more) and its remaining words at the end
    of the next line."""
    lines = block.split("\n")
    for motto in header_vocabulary()["mottos"]:
        words = [fold(w) for w in motto.split() if w not in "-–"]
        for k in range(len(words) - 1, 2, -1):
            head = re.compile(r"[\s\-–—]*".join(map(re.escape, words[:k])) + r"\s*$")
            tail = re.compile(r"\s*" + r"[\s\-–—]*".join(map(re.escape, words[k:])) + r"\s*$")
            for i, line in enumerate(lines[:-1]):
                found_head = head.search(fold(line))
                found_tail = tail.search(fold(lines[i + 1]))
                if found_head and found_tail:
                    lines[i] = line[: found_head.start()]
                    lines[i + 1] = lines[i + 1][: found_tail.start()]
    return "\n".join(lines)


def strip_mottos(block: str) -> str:
    """Blank out the national motto (and rules under it) in a header block.

    >>> strip_mottos("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\\nTỈNH KON TUM Độc lập - Tự do - Hạnh phúc").split()
    ['ỦY', 'BAN', 'NHÂN', 'DÂN', 'TỈNH', 'KON', 'TUM']
    >>> strip_mottos("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA\\nTỈNH KON TUM VIỆT NAM").split()
    ['ỦY', 'BAN', 'NHÂN', 'DÂN', 'TỈNH', 'KON', 'TUM']
    """
    folded = fold(block)
    chars = list(block)
    for pattern in _motto_patterns():
        for match in pattern.finditer(folded):
            for k in range(match.start(), match.end()):
                if chars[k] != "\n":
                    chars[k] = " "
    return re.sub(r"(?m)^[\s\-_=*.…]+$", "", _strip_split_mottos("".join(chars)))


def _unit_head(line: str) -> str | None:
    heads = sorted(header_vocabulary()["unit_heads"], key=len, reverse=True)
    for head in heads:
        if _starts_with(line, head):
            return head
    return None


def split_units(lines: list[str]) -> list[str]:
    """Group issuer-block lines into bodies: a line that starts with a head word
    (`SỞ`, `BAN`, `UBND` ...) starts a new one, other lines continue the one above.

    >>> split_units(["UBND TỈNH KON TUM", "BAN CHỈ ĐẠO", "CẢI CÁCH HÀNH CHÍNH"])
    ['UBND TỈNH KON TUM', 'BAN CHỈ ĐẠO CẢI CÁCH HÀNH CHÍNH']
    >>> split_units(["ỦY BAN NHÂN", "DÂN", "TỈNH LAI CHÂU"])
    ['ỦY BAN NHÂN DÂN TỈNH LAI CHÂU']
    """
    units: list[str] = []
    for line in lines:
        head = _unit_head(line)
        # A unit that is only a head word ("VĂN PHÒNG") is still being written.
        # A unit that is a head word or part of one ("VĂN PHÒNG", "ỦY") is still being written.
        open_unit = bool(units) and any(fold(h).startswith(fold(units[-1]))
                                        for h in header_vocabulary()["unit_heads"])
        if units and (head is None or open_unit):
            units[-1] = f"{units[-1]} {line}"
        else:
            units.append(line)
    return units


def _place_part(unit: str) -> str | None:
    levels = sorted(header_vocabulary()["admin_levels"], key=len, reverse=True)
    folded = fold(unit)
    for level in levels:
        match = re.search(rf"(?<!\w){re.escape(fold(level))}\s+\w", folded)
        if match:
            return unit[match.start():]
    return None


def _without_title(unit: str) -> str:
    """`CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH GIA LAI` -> the body, `ỦY BAN NHÂN DÂN TỈNH GIA LAI`."""
    folded = fold(unit)
    for title in sorted((fold(t) for t in header_vocabulary()["titles"]), key=len, reverse=True):
        if folded.startswith(title + " ") and _unit_head(unit[len(title) + 1:]):
            return unit[len(title) + 1:]
    return unit


def parse_issuer(lines: list[str], stop: int) -> str | None:
    """The issuing body from the header block above line `stop`.

    Under a parent body the issuer is the last unit; a Ban takes the parent's place.

    >>> parse_issuer(["UBND TỈNH KON TUM", "BAN CHỈ ĐẠO", "CẢI CÁCH HÀNH CHÍNH",
    ...               "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"], 5)
    'Ban Chỉ đạo Cải cách hành chính tỉnh Kon Tum'
    >>> parse_issuer(["UBND THÀNH PHỐ HỒ CHÍ MINH", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"], 2)
    'Sở Giáo dục và Đào tạo'
    """
    indexes = [i for i in _nonempty_indexes(lines, ISSUER_LINES) if i < stop]
    block = strip_mottos("\n".join(lines[i] for i in indexes))
    kept = []
    block_lines = [re.sub(r"\s+", " ", line).strip() for line in block.split("\n")]
    in_capitals = any(_is_upper(line) for line in block_lines)
    for line in block_lines:
        # Issuer lines are in capitals; a mixed-case remainder is motto OCR noise.
        # (Some legacy transcripts lost the capitals: then keep the lines whole.)
        words = []
        for word in line.split():
            if in_capitals and any(c.islower() for c in word) and not _is_upper(word):
                break
            words.append(word)
        if words and any(c.isalpha() for c in "".join(words)):
            kept.append(" ".join(words))
    if not kept:
        return None
    units = split_units(kept)
    issuer = _without_title(units[-1])
    if len(issuer.split()) > 16 or ":" in issuer:
        return None  # a form or a paragraph, not an issuer block
    if len(units) > 1:
        head = _unit_head(issuer) or ""
        inherit = {fold(h) for h in header_vocabulary()["inherit_place_heads"]}
        parent_place = _place_part(units[-2])
        if fold(head) in inherit and _place_part(issuer) is None and parent_place:
            issuer = f"{issuer} {parent_place}"
    return case_agency_name(issuer)


def parse_authority(lines: list[str]) -> str | None:
    """The body named on the enacting-authority line above `Căn cứ` (`ỦY BAN THƯỜNG
    VỤ QUỐC HỘI`, `BỘ TRƯỞNG BỘ TƯ PHÁP`), for texts whose issuer block was lost.

    >>> parse_authority(["NGHỊ QUYẾT", "Về việc sắp xếp các đơn vị hành chính",
    ...                  "ỦY BAN THƯỜNG VỤ QUỐC HỘI", "Căn cứ Hiến pháp"])
    'Ủy ban Thường vụ Quốc hội'
    >>> parse_authority(["QUYẾT ĐỊNH", "BỘ TRƯỞNG BỘ TƯ PHÁP", "Căn cứ Nghị định"])
    'Bộ Tư pháp'
    """
    vocabulary = header_vocabulary()
    titles = sorted((fold(t) for t in vocabulary["titles"]), key=len, reverse=True)
    for i in _nonempty_indexes(lines, HEADER_LINES):
        line = lines[i]
        if _starts_with(line, vocabulary["body_cues"]):
            return None
        if not _is_upper(line) or find_type_line([line]) or re.search(r"[\d/:]", line):
            continue
        folded = fold(line)
        title = next((t for t in titles if folded.startswith(t + " ")), None)
        body = line[len(title) + 1:] if title else line
        # A subject in capitals may begin like a body ("VIỆN TRỢ CỦA VIỆT NAM ..."):
        # an authority line is short unless a title opens it.
        if _unit_head(body) and 2 <= len(body.split()) <= (10 if title else 6):
            return case_agency_name(body)
    return None


# ---------------------------------------------------------------- addressees and recipients

def _bullet(line: str) -> int:
    """Length of the list bullet opening `line` with the space after it, 0 when none.
    A sign OCR reads a dash as (`~`, `“`, `:`) counts only before a space and a word.

    >>> _bullet("- Công an tỉnh;"), _bullet("~ Bảo hiểm xã hội tỉnh;"), _bullet("-Lưu: VT")
    (2, 2, 1)
    >>> _bullet("“Học tập và làm theo”"), _bullet("Sở Nội vụ;"), _bullet("")
    (0, 0, 0)
    """
    vocabulary = header_vocabulary()
    if line[:1] and line[0] in vocabulary["list_bullets"]:
        return len(line) - len(line[1:].lstrip())
    match = re.match(r"(\S{1,2})\s+(?=\w)", line)
    if match and all(c in vocabulary["ocr_bullets"] for c in match.group(1)):
        return match.end()
    return 0


def _list_entry(line: str) -> str:
    return line[_bullet(line):].strip().rstrip(" ;.,").strip()


def _item_like(line: str) -> bool:
    """A list item, or one whose dash OCR lost: a capitalised line closed by `;`.

    >>> _item_like("- Bộ Nội vụ"), _item_like("Bộ Nội vụ (b/e);, ?"), _item_like("Căn cứ Luật Tổ chức")
    (True, True, False)
    """
    return _bullet(line) > 0 or (line[:1].isupper() and not _is_upper(line)
                                 and re.search(r";\W*$", line) is not None)


def parse_addressees(lines: list[str]) -> tuple[str, ...]:
    """The `Kính gửi` list: one entry per line, without dashes and trailing `;` `.`.

    >>> parse_addressees(["Kính gửi: Các phòng, đơn vị thuộc Sở."])
    ('Các phòng, đơn vị thuộc Sở',)
    >>> parse_addressees(["Kính gửi:", "", "- Công an tỉnh;", "- Cục Thuế tỉnh.", "", "Để kịp thời"])
    ('Công an tỉnh', 'Cục Thuế tỉnh')
    >>> parse_addressees(["Kinh gừl:", "- Công an tỉnh;", "~ Cục Thuế tỉnh."])
    ('Công an tỉnh', 'Cục Thuế tỉnh')
    """
    cue = header_vocabulary()["addressee_cue"]
    indexes = _nonempty_indexes(lines, HEADER_LINES + 20)
    start = next((i for i in indexes if _starts_with(lines[i], cue)), None)
    if start is None:  # "Kinh gừl:" over a list: one word misread by OCR
        start = next((i for i in indexes if _fuzzy_label(lines, i, cue, foot=False)), None)
    if start is None:
        return ()
    first = _label_rest(lines[start], cue)
    entries: list[str] = []
    if first and not _bullet(first):
        entry = first
        for line in lines[start + 1:]:
            # "Kính gửi: Thuế" / "thành phố Hồ Chí Minh"; "Kính gửi: Các" / "Thuế tỉnh, thành phố."
            if not line or not (line[0].islower() or len(entry.split()) == 1):
                break
            entry = f"{entry} {line}"
        return (_list_entry(entry),)
    if first:
        entries.append(_list_entry(first))
    for line in lines[start + 1:]:
        if not line:
            continue
        if _bullet(line):
            entries.append(_list_entry(line))
        elif entries and line[0].islower():
            entries[-1] = _list_entry(f"{entries[-1]} {line}")
        else:
            break
    return tuple(e for e in entries if e)


def _closes_body(lines: list[str], index: int) -> bool:
    """Does the body's closing `./.` come right before `lines[index]` (OCR debris
    of two characters or fewer between them)?"""
    for line in reversed(lines[max(0, index - 8):index]):
        if not line or len(line) <= 2:
            continue
        return re.search(r"\./\.?\s*$|/\.\s*$", line) is not None
    return False


def _label_rest(line: str, cue: str) -> str:
    """The text after the label `cue` (and its colon) opening `line`."""
    words = len(cue.split())
    first = re.sub(r"[:;.]$", "", fold(line.split()[0])) if line.split() else ""
    n = 1 if words > 1 and Levenshtein.distance(first, fold(cue).replace(" ", "")) <= 1 else words
    return re.sub(rf"^\S+(?:\s+\S+){{{n - 1}}}\s*[:;.]?\s*", "", line)


def _fuzzy_label(lines: list[str], index: int, cue: str, foot: bool = True) -> bool:
    """Is `lines[index]` the label `cue` with one word misread by OCR, opening a list?

    The other words are right, the misread word is about as long as its cue word
    and within a few edits of it (any edits right after the body's closing `./.`),
    a colon closes the label, and a list item follows within two lines. A label
    whose space was lost (`Nơinhận:`) is one word within an edit of the cue.
    `foot`: the label belongs under the body (so may follow its `./.`).

    >>> _fuzzy_label(["Nội nhøn: TM. ỦY BAN NHÂN DÂN", "- Bộ Nội vụ;", "- Cục Thuế tỉnh;"], 0, "nơi nhận")
    True
    >>> _fuzzy_label(["thực hiện./.", "Mà nhận: bấy (b", "- Công an tỉnh;", "- Lưu: VT."], 1, "nơi nhận")
    True
    >>> _fuzzy_label(["Nơinhận;", "- Bộ Nội vụ;", "- Cục Thuế tỉnh;"], 0, "nơi nhận")
    True
    >>> _fuzzy_label(["Bên nhận: Công ty A", "- Giao hàng;", "- Thanh toán;"], 0, "nơi nhận")
    False
    >>> _fuzzy_label(["Người nhận:", "- Ông A;", "- Bà B;"], 0, "nơi nhận")
    False
    """
    words = fold(cue).split()
    tokens = lines[index].split()
    if len(tokens) > len(words) and not re.search(r"[:;]", lines[index][:30]):
        return False  # a label is closed by a colon, or stands alone
    following = [line for line in lines[index + 1: index + 8] if line][:2]
    if not tokens or not any(_item_like(line) for line in following):
        return False
    edits = header_vocabulary()["ocr_tolerance"]["label_word_edits"]
    # "Nơinhận:": the label's words run together.
    joined = re.match(r"(\w+)\s*[:;]", lines[index])
    if joined and len(words) > 1 and Levenshtein.distance(fold(joined.group(1)), "".join(words)) <= 1:
        return True
    if len(tokens) < len(words):
        return False
    head = [fold(t) for t in tokens[: len(words)]]
    rest = tokens[len(words):]
    if head[-1][-1:] in (":", ";"):
        head[-1] = head[-1][:-1]
    elif not (rest and rest[0][:1] in (":", ";")) and rest:
        return False
    misses = [(t, w) for t, w in zip(head, words) if t != w]
    if len(misses) != 1:
        return False
    got, want = misses[0]
    if abs(len(got) - len(want)) > 1 or not got.isalpha():
        return False
    return Levenshtein.distance(got, want) <= edits or (foot and _closes_body(lines, index))


def _unlabelled_list(lines: list[str], index: int) -> int | None:
    """When `lines[index]` is the first line after the body's closing `./.` and OCR
    lost the Nơi nhận label (or misread both its words): the index the list is read
    after. The list must end with a `Lưu` item, as NĐ 30 has it, so a list of
    the body is never taken.

    >>> _unlabelled_list(["thực hiện./.", "Mơi rhận:", "- Bộ Nội vụ;", "- Sở Tài chính;", "- Lưu: VT."], 1)
    1
    >>> _unlabelled_list(["thực hiện./.", "- Bộ Nội vụ;", "- Sở Tài chính;", "- Lưu: VT, NC."], 1)
    0
    >>> _unlabelled_list(["thực hiện./.", "- Bộ Nội vụ;", "- Sở Tài chính;", "TM. ỦY BAN NHÂN DÂN"], 1)
    """
    if not _closes_body(lines, index):
        return None
    line = lines[index]
    label = not _bullet(line) and re.match(r"\S{1,5}\s+\S{1,6}\s*[:;]", line) is not None
    if not label and not _bullet(line):
        return None
    items = 0
    for following in lines[index + (1 if label else 0): index + 40]:
        if not following:
            continue
        if not _item_like(following) and not _starts_with(following, header_vocabulary()["recipient_drops"][-1]):
            return None
        if _recipient_drop(_list_entry(following), False, False) == "close":
            return index if label and items >= 2 else index - 1 if items >= 2 else None
        items += 1
    return None


def find_recipients_line(lines: list[str]) -> int | None:
    """Index of the `Nơi nhận` label, read through OCR damage of one of its words;
    else, for a list closed by `Lưu` right under the body, the line it follows."""
    cue = header_vocabulary()["recipients_cue"]
    exact = next((i for i, line in enumerate(lines) if line and _starts_with(line, cue)), None)
    if exact is not None:
        return exact
    fuzzy = next((i for i, line in enumerate(lines) if line and _fuzzy_label(lines, i, cue)), None)
    if fuzzy is not None:
        return fuzzy
    return next((found for i, line in enumerate(lines) if line
                 for found in [_unlabelled_list(lines, i)] if found is not None), None)


def _side_text(text: str) -> str | None:
    """Signature-column text printed beside a recipient line, without OCR debris."""
    text = re.sub(r"^[^\w]*(?:\d+\s+)?", "", text.strip()).strip(" ,.'’`")
    return text if text and (_is_upper(text) or _name_in(text)) else None


def _split_signature_fragment(entry: str) -> tuple[str, str]:
    """(entry, signature-column text printed after it on the same OCR line): a
    `TM.`/`KT.` line or a title in capitals ending the entry.

    >>> _split_signature_fragment("Bộ Nội vụ (b/c) TM. ỦY BAN NHÂN DÂN")
    ('Bộ Nội vụ (b/c)', 'TM. ỦY BAN NHÂN DÂN')
    >>> _split_signature_fragment("Thường trực Tỉnh ủy CHỦ TỊCH")
    ('Thường trực Tỉnh ủy', 'CHỦ TỊCH')
    >>> _split_signature_fragment("Chủ tịch, các PCT UBND tỉnh")
    ('Chủ tịch, các PCT UBND tỉnh', '')
    """
    vocabulary = header_vocabulary()
    folded = fold(entry)
    for prefix in vocabulary["signer_prefixes"]:
        prefix = fold(prefix)
        if len(prefix) < 3 or not prefix.endswith("."):
            continue  # "q." opens too many words
        match = re.search(rf"\s{re.escape(prefix)}\s*(?=\w)", folded)
        if match and _is_upper(entry[match.start():]):
            return entry[: match.start()].rstrip(" ,;-"), entry[match.start():].strip()
    for title in sorted((fold(t) for t in vocabulary["titles"]), key=len, reverse=True):
        if folded.endswith(" " + title) and len(folded) > len(title) + 1:
            tail = entry[len(entry) - len(title):]
            if _is_upper(tail) and not _is_upper(entry[: len(entry) - len(title)]):
                return entry[: len(entry) - len(title)].rstrip(" ,;-"), tail
    return entry, ""


@functools.cache
def _unit_words() -> frozenset[str]:
    """One-word head words of agencies (`sở`, `ban`, `trường`), folded."""
    return frozenset(fold(h) for h in header_vocabulary()["unit_heads"] if " " not in h)


def _recipient_drop(entry: str, first: bool, has_addressees: bool) -> str | None:
    """`close` for the `Lưu` entry that ends the list, `drop` for an entry that is
    no recipient (`Như trên`, `Như Điều 3`), None for a recipient; each read
    through OCR damage.

    >>> _recipient_drop("Như uêN", False, False), _recipient_drop("Nạn rên", True, True)
    ('drop', 'drop')
    >>> _recipient_drop("1,ưu: VT, NCTTHG", False, False), _recipient_drop("Sở Nội vụ", True, True)
    ('close', None)
    >>> _recipient_drop("Nhà trường", True, True), _recipient_drop("Nạn rên", True, False)
    (None, None)
    """
    vocabulary = header_vocabulary()
    tolerance = vocabulary["ocr_tolerance"]
    *drops, archive = vocabulary["recipient_drops"]
    if _starts_with(entry, archive):
        return "close"
    if _starts_with(entry, drops):
        return "drop"
    head = re.match(r"\s*(\S{1,6}?)\s*:\s*(\S.*)", entry)
    if head:
        word = re.sub(r"[^a-z]", "", fold(head.group(1)).translate(str.maketrans("1|!", "lll")))
        codes = [c for c in head.group(2) if c.isalpha()]
        if (fuzz.ratio(word, fold(archive)) >= tolerance["archive_ratio"]
                and sum(c.isupper() for c in codes) >= 0.6 * len(codes)):
            return "close"
    words = fold(entry).split()
    if any(w in _unit_words() for w in words):
        return None
    for drop in drops:
        drop_words = fold(drop).split()
        ratio = fuzz.ratio(" ".join(words[: len(drop_words)]), " ".join(drop_words))
        if ratio >= tolerance["drop_ratio"] and len(words) <= len(drop_words) + 1:
            return "drop"
        # "Như trên" stands for the Kính gửi list and comes first.
        if first and has_addressees and ratio >= tolerance["first_drop_ratio"] and len(words) <= len(drop_words):
            return "drop"
    return None


def parse_recipients(lines: list[str], has_addressees: bool = False,
                     ) -> tuple[tuple[str, ...], int | None, list[str]]:
    """(the `Nơi nhận` entries, index of the list's last line, signature-column text
    printed beside the list).

    Markers like `(b/c)` are stripped; `Như trên` and `Lưu: ...` are dropped.

    >>> parse_recipients(["Nơi nhận:", "- Như trên;", "- Thường trực Tỉnh ủy (b/c);",
    ...                   "- Văn phòng UBND tỉnh:", "+ CVP, các PCVP;", "- Lưu: VT, NC."])[0]
    ('Thường trực Tỉnh ủy', 'Văn phòng UBND tỉnh', 'CVP, các PCVP')
    >>> parse_recipients(["Nơi nhận: TM. ỦY BAN NHÂN DÂN", "- Bộ Nội vụ (b/c);", "- Thường trực Tỉnh ủy (b/c); - CHỦ TỊCH"])
    (('Bộ Nội vụ', 'Thường trực Tỉnh ủy'), 2, ['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH'])
    """
    return _parse_recipients(lines, has_addressees)


def _parse_recipients(lines: list[str], has_addressees: bool = False,
                      ) -> tuple[tuple[str, ...], int | None, list[str]]:
    """The Nơi nhận list; see `parse_recipients`.
    """
    start = find_recipients_line(lines)
    if start is None:
        return (), None, []
    vocabulary = header_vocabulary()
    marker = re.compile(vocabulary["recipient_marker_pattern"])
    titles = {fold(t) for t in vocabulary["titles"]}
    entries, last, beside = [], start, []
    cue = vocabulary["recipients_cue"]
    labelled = _starts_with(lines[start], cue) or _fuzzy_label(lines, start, cue)
    first = _label_rest(lines[start], cue) if labelled else ""
    if first and not _bullet(first):
        beside.append(first)
        first = ""
    candidates = ([first] if first else []) + lines[start + 1:]
    prev = ""
    seen = 0  # list items read, dropped ones included
    dangling = False  # a dash alone on its line: its text is on the next one

    def take(entry: str) -> str | None:
        """Add one item's text; `close` when it is the `Lưu` that ends the list."""
        nonlocal seen
        entry, fragment = _split_signature_fragment(entry)
        if fragment:
            beside.append(fragment)
        entry = marker.sub("", entry.rstrip(" :.,")).rstrip(" :.,;")
        if not entry:
            return None
        seen += 1
        drop = _recipient_drop(entry, seen == 1, has_addressees)
        if drop is None:
            entries.append(entry)
        return drop

    for offset, line in enumerate(candidates):
        if not line:
            continue
        # OCR debris after an entry's ";" ("- Bộ Nội vụ (b/C);, `") does not reopen it.
        prev_end = re.sub(r"[^\w;.:,)]+$", "", prev.rstrip())
        closed = prev_end.endswith((";", ".", ":")) or bool(re.search(r";[^\w]*$", prev))
        open_entry = (bool(entries) and not closed
                      and not _starts_with(line, vocabulary["signer_prefixes"])
                      and fold(line) not in titles)
        following = next((c for c in candidates[offset + 1:] if c), "")
        # An item whose dash OCR lost: a capitalised line, closed by ";" or followed
        # by an item, under the label or a dropped item, or after an entry closed by ";" or ":"
        # (a lower-case one goes on a sub-list: "TGĐ Cổng TTĐT;" / "các Vụ: KTTH;").
        lost_bullet = ((re.search(r"[;:][^\w]*$", prev) is not None if entries else labelled or seen > 0)
                       and line[0].isupper() and not _is_upper(line) and len(line) <= 100
                       and (re.search(r";\W*$", line) is not None or _item_like(following))
                       and not _name_in(line) and not _is_signer_prefix(line)
                       and fold(line).strip(" .,;") not in _folded_titles())
        bullet = _bullet(line) > 0 or lost_bullet or dangling
        # A line between two items goes on the item above ("... TP." / "Hồ Chí Minh);"),
        # unless that item was closed by ";" (then it is signature-column text).
        after_semicolon = re.search(r";[^\w]*$", prev) is not None
        between = bool(entries) and _bullet(following) > 0 and not _is_upper(line) and not after_semicolon
        if not bullet and not (entries and (line[0].islower() or open_entry or between)):
            # A signature-column line read between two items ("- Bộ Nội vụ;" /
            # "TM. ỦY BAN NHÂN DÂN" / "- Thường trực Tỉnh ủy;", "Trần Văn Tá") is set
            # aside. So is OCR debris of the signature column between the label and
            # the first item ("Mạ nhận:" / "hủy" / "- Thường trực Tỉnh ủy (b/c);").
            if _bullet(following) and len(line) <= 60 and (
                    _is_upper(line) or fold(line) in _folded_titles() or after_semicolon
                    or not seen and len(line) <= 30):
                beside.append(line)
                continue
            break
        joiner = ", " if prev_end.endswith(",") else " "
        prev = line
        last = start + offset + (0 if first else 1)
        if not bullet:  # the entry above goes on: "Trợ lý TTg," / "QHĐP, KTTH;"
            entries[-1] = marker.sub("", f"{entries[-1]}{joiner}{_list_entry(line).split(';')[0]}").rstrip(" :.,;")
            continue
        dangling = not _list_entry(line) and _bullet(line) > 0
        # After the entry's ";": the signature column printed beside the list, or
        # the next item when OCR ran two onto one line ("- Bộ Nội vụ; - Công an tỉnh;").
        entry, *sides = _list_entry(line).split(";")
        if take(entry) == "close":
            break
        for side in sides:
            if _bullet(side.strip()) and not _is_upper(side) and take(_list_entry(side.strip())) == "close":
                break
            if side.strip() and (not _bullet(side.strip()) or _is_upper(side)):
                beside.append(side)
    side_lines = [t for t in (_side_text(b) for b in beside) if t]
    return tuple(entries), last, side_lines


# ---------------------------------------------------------------- signer

def _is_name(line: str) -> bool:
    """A person's name: 2 to 6 words, each capitalised, none a title word."""
    words = line.split()
    if not 2 <= len(words) <= 6 or any(c.isdigit() for c in line):
        return False
    if not all(w[0].isupper() and w[1:].islower() for w in words if w[1:]):
        return False
    return fold(line) not in _folded_titles()


@functools.cache
def _folded_titles() -> frozenset[str]:
    return frozenset(fold(t) for t in header_vocabulary()["titles"])


@functools.cache
def _prefix_stems() -> frozenset[str]:
    """Letters of the signature prefixes (`tm`, `kt`, `tuq`), `q.` left out."""
    prefixes = header_vocabulary()["signer_prefixes"]
    return frozenset(re.sub(r"[^a-z]", "", fold(p)) for p in prefixes if len(fold(p)) > 2)


def _is_signer_prefix(line: str) -> bool:
    """Does `line` open with a signature prefix (`TM.`, `KT.`), also as OCR reads
    it in a line of capitals (`TM ỦY BAN`, `KT, GIÁM ĐỐC`, `T.M. ỦY BAN`)?

    >>> _is_signer_prefix("KT. GIÁM ĐỐC"), _is_signer_prefix("KT, GIÁM ĐỐC"), _is_signer_prefix("T.M. ỦY BAN")
    (True, True, True)
    >>> _is_signer_prefix("TUẤN ANH"), _is_signer_prefix("Tm đây")
    (False, False)
    """
    prefixes = header_vocabulary()["signer_prefixes"]
    if _starts_with(line, prefixes):
        return True
    match = re.match(r"([a-z](?:\.?[a-z]){1,2})\s*[.,:;]?\s+\w", fold(line[:8]))
    return (match is not None and re.sub(r"[^a-z]", "", match.group(1)) in _prefix_stems()
            and _is_upper(line) and len(line.split()) >= 2)


def _known_title(line: str) -> str | None:
    """The known title a line of capitals names, read through OCR damage
    (`PHÓ CHỦ TỊCII` -> `Phó Chủ tịch`).

    >>> _known_title("PHÓ CHỦ TỊCII"), _known_title("GIÁM ĐỐC"), _known_title("PHÓ GIÁM ĐỐC SỞ")
    ('Phó Chủ tịch', 'Giám đốc', None)
    """
    titles = {fold(t): t for t in header_vocabulary()["titles"]}
    folded = fold(line).strip(" .,:;")
    if folded in titles:
        return titles[folded]
    # Letters misread, none added or lost: "PHÓ GIÁM ĐỐC SỞ" is not "Phó Giám đốc".
    near = [t for t in titles if abs(len(t) - len(folded)) <= 1 and len(t.split()) == len(folded.split())]
    best = process.extractOne(folded, near, scorer=fuzz.ratio)
    ratio = header_vocabulary()["ocr_tolerance"]["title_ratio"]
    return titles[best[0]] if best and best[1] >= ratio else None


def _name_in(line: str) -> str | None:
    """The person's name on a signature line, without stamp and signature debris
    OCR reads around it (`Ấ Lê Ngọc Tuấn`, `Lê Ngọc Tuấn ,`).

    >>> _name_in("Ấ Lê Ngọc Tuấn"), _name_in("Nguyễn Văn A"), _name_in("CHỦ TỊCH")
    ('Lê Ngọc Tuấn', 'Nguyễn Văn A', None)
    """
    words = line.split()
    while words and (not any(c.isalpha() for c in words[-1])):
        words.pop()
    while len(words) > 2 and (len(words[0]) == 1 or not any(c.isalpha() for c in words[0])):
        words.pop(0)
    name = " ".join(words)
    return name if _is_name(name) else None


def parse_signer(lines: list[str], start: int) -> tuple[str | None, str | None]:
    """(signer, signer_title) from the signature block beginning at `lines[start]`.

    The title is the line after the last `TM.`/`KT.`/`TL.` line, or the block's
    first line; the name is the last name-like line of the block.

    >>> parse_signer(["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "", "Nguyễn Đức Hương"], 0)
    ('Nguyễn Đức Hương', 'Phó Giám đốc')
    >>> parse_signer(["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "", ""], 0)
    (None, 'Chủ tịch')
    """
    block = []
    for line in lines[start:]:
        if not line:
            continue
        if len(line) > 60 or line[0].isdigit() or any(p.search(fold(line)) for p in _motto_patterns()):
            break
        block.append(line)
        if len(block) == 10:
            break
    if not block:
        return None, None
    title_at = 0
    while title_at < len(block) - 1 and _is_signer_prefix(block[title_at]):
        title_at += 1
        # "TM. ỦY BAN" / "NHÂN DÂN" / "KT. CHỦ TỊCH": a prefix line broken in two.
        while (title_at < len(block) - 1 and _is_upper(block[title_at])
               and not _is_signer_prefix(block[title_at])
               and _is_signer_prefix(block[title_at + 1])):
            title_at += 1
    # "TM. ỦY BAN NHÂN" / "DÂN" / "CHỦ TỊCH": prefer a known title among the next lines.
    titles = {fold(t) for t in header_vocabulary()["titles"]}
    known = [i for i in range(title_at, min(title_at + 3, len(block))) if fold(block[i]) in titles]
    title_at = known[0] if known else title_at
    title_line = block[title_at]
    # "THỨ" / "TRƯỞNG": a title cut by a narrow text box.
    if title_at + 1 < len(block) and f"{fold(title_line)} {fold(block[title_at + 1])}" in titles:
        title_line = f"{title_line} {block[title_at + 1]}"
        title_at += 1
    if _is_signer_prefix(title_line) or not _is_upper(title_line):
        title = None
    elif _known_title(title_line) and len(title_line.split()) <= 5:
        title = _known_title(title_line)
    else:
        # "VỀ HQ PHÓ TRƯỞNG BAN": the end of a broken KT. line before the title.
        ending = next((t for t in sorted(titles, key=len, reverse=True)
                       if fold(title_line).endswith(" " + t)
                       and not any(fold(title_line).startswith(u) for u in titles)), None)
        title = case_title(title_line[len(title_line) - len(ending):] if ending else title_line)
    names = [name for name in map(_name_in, block[title_at + 1:]) if name]
    return (names[-1] if names else None), title


def _name_under_list(lines: list[str], end: int) -> str | None:
    """The signer's name among the first short lines under the Nơi nhận list, when
    OCR gave the signature column's title above the list.

    >>> _name_under_list(["- Lưu: VT, NC.", "", "Ấ", "Lê Ngọc Tuấn", "PHỤ LỤC"], 0)
    'Lê Ngọc Tuấn'
    """
    for line in [line for line in lines[end + 1: end + 12] if line][:4]:
        if len(line) > 40:
            return None
        name = _name_in(line)
        if name:
            return name
    return None


def find_signature(lines: list[str], after: int | None) -> int | None:
    """Where the signature block begins: after the `Nơi nhận` list, else the last
    `TM.`/`KT.` line, else the last upper-case known title line."""
    titles = {fold(t) for t in header_vocabulary()["titles"]}
    if after is not None:
        for i in range(after + 1, min(len(lines), after + 15)):
            line = lines[i]
            plain_upper = _is_upper(line) and len(line.split()) >= 2 and not re.search(r"[\d();,]", line)
            if line and (_is_signer_prefix(line) or fold(line) in titles or plain_upper):
                return i
    for i in range(len(lines) - 1, HEADER_LINES // 2, -1):
        if lines[i] and _is_signer_prefix(lines[i]) and _is_upper(lines[i]):
            while i > 0 and lines[i - 1] and _is_signer_prefix(lines[i - 1]):
                i -= 1
            return i
    for i in range(len(lines) - 1, HEADER_LINES // 2, -1):
        if lines[i] and _is_upper(lines[i]) and fold(lines[i]) in titles:
            return i
    return None


# ---------------------------------------------------------------- the stage

def _doc_type(lines: list[str], symbol: str | None, subject_at: int | None,
              has_addressees: bool) -> str | None:
    """The type line wins; a `V/v` subject makes a Công văn (NĐ 30 gives it no type
    line, and its symbol's first part may look like a type code: `CT-CS` is Cục Thuế,
    not Chỉ thị); then the symbol's code; then a letter with `Kính gửi` is a Công văn."""
    type_line = find_type_line(lines)
    from_symbol = type_from_symbol(symbol)
    # "V/v" above a line like "Chỉ thị của Thủ tướng ...": that line is the subject.
    if type_line and not (subject_at is not None and subject_at < type_line[0]):
        return type_line[1]
    if subject_at is not None:
        return letter_type()
    if from_symbol:
        return from_symbol
    return letter_type() if has_addressees else None


def _references(lines: list[str], doc_number: str | None) -> tuple[str, ...]:
    """The numbers of the documents the letter cites, their symbols' Đ restored and
    a type code OCR misread by one letter put right from the type named before the
    number (`Thông báo số 650-TR/TU`).

    >>> _references(["Tại Thông báo số 650-TR/TU ngày 05 tháng 12 năm 2022 và Kế hoạch số 42/KH-UBND"], None)
    ('650-TB/TU', '42/KH-UBND')
    """
    text = "\n".join(lines)
    folded = fold(text)
    named: dict[str, str] = {}  # folded number as written -> the type named before it
    for cited in _cited_type().finditer(folded):
        named.setdefault(cited.group(2).rstrip(".,;:)"), text[cited.start(1):cited.end(1)])
    restored = []
    for ref in extract_references(text, doc_number):
        if fold(ref) in named:
            ref = restore_type_code(ref, named[fold(ref)])
        restored.append(restore_code_marks(ref))
    return tuple(dict.fromkeys(r for r in restored if r != doc_number))


@functools.cache
def _cited_type() -> re.Pattern[str]:
    """`<type name> [số] <number>` in folded text: (type, number as written)."""
    names = "|".join(re.escape(fold(n)) for n in sorted(type_names(), key=len, reverse=True))
    cue = re.escape(fold(header_vocabulary()["number_cue"]))
    return re.compile(rf"(?<!\w)({names})\s+(?:{cue}\s*:?\s*)?(\d\S*)")


def extract_header(text: str) -> dict[str, Any]:
    """Return the documents-table header fields found in `text` (keys of DocumentRecord:
    issuer, doc_type, number, symbol, doc_number, issue_date, issue_year, place, subject,
    addressees, recipients, signer, signer_title, references).

    >>> h = extract_header("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\\n"
    ...     "TỈNH KON TUM Độc lập - Tự do - Hạnh phúc\\n"
    ...     "Số: 1923 /UBND-NC Kon Tum, ngày 21 tháng 6 năm 2022\\n"
    ...     "V/v triển khai thực hiện các nhiệm vụ\\n\\nKính gửi: Công an tỉnh.")
    >>> h["issuer"], h["doc_type"], h["doc_number"], h["issue_date"], h["subject"]
    ('Ủy ban nhân dân tỉnh Kon Tum', 'Công văn', '1923/UBND-NC', datetime.date(2022, 6, 21), 'Triển khai thực hiện các nhiệm vụ')
    """
    lines = rejoin_split_dates(clean_lines(text))
    number, symbol, doc_number = parse_number(lines)
    place, issue_date, issue_year = parse_place_and_date(lines)
    subject_at = find_subject_line(lines)
    type_line = find_type_line(lines)
    if symbol and type_line:  # "KẾ HOẠCH" over "Số: 42/KB-UBND": the code OCR misread
        symbol = restore_type_code(symbol, type_line[1])
        doc_number = f"{doc_number[: len(doc_number) - len(symbol)]}{symbol}" if doc_number else None

    if subject_at is not None:
        subject = read_subject(lines, subject_at)
    elif type_line is not None:
        after = next((i for i in range(type_line[0] + 1, len(lines)) if lines[i]), None)
        subject = read_subject(lines, after, after_type_line=True) if after is not None else None
    else:
        subject = read_subject_below_number(lines)

    found = find_number_line(lines)
    marks = [i for i in (found[0] if found else None, type_line[0] if type_line else None, subject_at)
             if i is not None]
    issuer = parse_issuer(lines, min(marks)) if marks else None
    if issuer is None:
        issuer = parse_authority(lines)
    if issuer is None:
        code = issuer_code(symbol)
        issuer = expand_issuer_code(code) if code else None

    addressees = parse_addressees(lines)
    recipients, recipients_end, beside = parse_recipients(lines, bool(addressees))
    signature_at = find_signature(lines, recipients_end)
    signer, signer_title = parse_signer(lines, signature_at) if signature_at is not None else (None, None)
    if beside and signer_title is None:
        # The signature column was printed beside the Nơi nhận list.
        after = lines[recipients_end + 1:] if recipients_end is not None else []
        side_signer, signer_title = parse_signer(beside + after, 0)
        signer = signer or side_signer
    if signer is None and recipients_end is not None and signature_at is not None \
            and signature_at < recipients_end:
        # OCR read the signature column (title) above the list, the name under it.
        signer = _name_under_list(lines, recipients_end)
    if signer is None:  # the name printed beside the list ("- Phòng Thương mại ...;" / "Trần Văn Tá")
        signer = next((name for name in map(_name_in, beside) if name), None)

    return {
        "issuer": issuer,
        "doc_type": _doc_type(lines, symbol, subject_at, bool(addressees)),
        "number": number,
        "symbol": symbol,
        "doc_number": doc_number,
        "issue_date": issue_date,
        "issue_year": issue_year,
        "place": place,
        "subject": subject,
        "addressees": addressees,
        "recipients": recipients,
        "signer": signer,
        "signer_title": signer_title,
        "references": _references(lines, doc_number),
    }
