"""Names of agencies and titles: abbreviation expansion, accent folding, casing.

Headers print agency names in capitals and abbreviate them (`UBND TỈNH KON TUM`);
the documents table wants them in running-text form (`Ủy ban nhân dân tỉnh Kon Tum`).
The vocabulary lives in `extractors/data/abbreviations.yaml` and `header.yaml`.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import Any

from dondoc.langdata import load_yaml

DATA = Path(__file__).parent / "data"


@functools.cache
def abbreviations() -> dict[str, Any]:
    return load_yaml(DATA / "abbreviations.yaml")


@functools.cache
def header_vocabulary() -> dict[str, Any]:
    return load_yaml(DATA / "header.yaml")


def fold(text: str) -> str:
    """Lower-case `text` and drop its diacritics, one character for one character.

    The result has the same length as the input, so a match found in the folded
    text is at the same offsets in the original. Cues are matched this way so that
    OCR output without marks (`Kinh gui`) still matches `Kính gửi`.

    >>> fold("Kính gửi: Sở Nội vụ")
    'kinh gui: so noi vu'
    >>> len(fold("ĐỘC LẬP")) == len("ĐỘC LẬP")
    True
    """
    folded = text.translate(_fold_table()).lower()
    if len(folded) != len(text):  # a rare letter whose lower case is longer (e.g. 'İ')
        folded = "".join(_fold_char(c) for c in text)
    return folded


@functools.cache
def _fold_table() -> dict[int, str]:
    """Folded lower-case letter of every precomposed Latin letter (Vietnamese lives there)."""
    letters = list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00))
    return {code: _fold_char(chr(code)) for code in letters}


@functools.cache
def _fold_char(c: str) -> str:
    if c in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", c)[0].lower()
    return base if len(base) == 1 else c.lower()


def _boundary_pattern(keys: list[str]) -> re.Pattern[str]:
    # Whole words only, and never inside a ký hiệu: "NĐ-CP" keeps its "CP",
    # "KH-UBND" keeps its "UBND".
    alternatives = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<![\w&/\-.])(?:{alternatives})(?![\w&/\-])")


@functools.cache
def _abbreviation_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    table = {str(k): str(v) for k, v in abbreviations()["agencies"].items()}
    return _boundary_pattern(list(table)), table


def expand_abbreviations(text: str) -> str:
    """Replace agency abbreviations (`UBND`, `HĐND`, `CCHC`, ...) by their full form.

    Keys match as whole words and case-sensitively; abbreviations inside a
    document symbol (`42/KH-UBND`, `NĐ-CP`) are left alone.

    >>> expand_abbreviations("UBND các huyện, thành phố")
    'Ủy ban nhân dân các huyện, thành phố'
    >>> expand_abbreviations("Kế hoạch số 42/KH-UBND của UBND tỉnh")
    'Kế hoạch số 42/KH-UBND của Ủy ban nhân dân tỉnh'
    """
    pattern, table = _abbreviation_pattern()
    return pattern.sub(lambda m: table[m.group(0)], text)


def expand_issuer_code(code: str) -> str | None:
    """Full name of the body behind an issuer code of a symbol, when known.

    >>> expand_issuer_code("SGTVT")
    'Sở Giao thông vận tải'
    >>> expand_issuer_code("UBND")
    'Ủy ban nhân dân'
    >>> expand_issuer_code("VP") is None
    True
    """
    table = abbreviations()["agencies"]
    if code in table:
        return str(table[code])
    for prefix, unit in abbreviations().get("unit_prefixes", {}).items():
        rest = code[len(prefix):]
        if code.startswith(prefix) and rest in table:
            return f"{unit} {table[rest]}"
    return None


@functools.cache
def _marked_codes() -> dict[str, str]:
    """Codes written with Đ, by their form without it (`QD` -> `QĐ`)."""
    from normalizers.diacritics import bare_abbreviations

    data = abbreviations()
    marked = [str(c) for c in data.get("marked_codes", [])]
    marked += [str(k) for k in data["agencies"] if "Đ" in str(k)]
    table = dict(bare_abbreviations())
    table.update({code.replace("Đ", "D"): code for code in marked})
    type_codes = {str(c).upper() for t in load_yaml(DATA / "doc_types.yaml")["types"] for c in t["codes"]}
    return {bare: code for bare, code in table.items() if bare.upper() not in type_codes}


def restore_code_marks(symbol: str) -> str:
    """Give the parts of a ký hiệu their Đ back where OCR lost its stroke.

    >>> restore_code_marks("QD-UBND"), restore_code_marks("2021/QD-UBND"), restore_code_marks("BCD-NC")
    ('QĐ-UBND', '2021/QĐ-UBND', 'BCĐ-NC')
    >>> restore_code_marks("KH-UBND"), restore_code_marks("GD&DT-VP"), restore_code_marks("QĐ-UBND")
    ('KH-UBND', 'GD&ĐT-VP', 'QĐ-UBND')
    >>> restore_code_marks("36-HD/VPTW"), restore_code_marks("12/DA-UBND")  # Hướng dẫn, Dự án
    ('36-HD/VPTW', '12/DA-UBND')
    """
    table = _marked_codes()
    return re.sub(r"[^\W\d_][\w&]*", lambda m: table.get(m.group(0), m.group(0)), symbol)


@functools.cache
def _type_codes() -> tuple[dict[str, str], frozenset[str]]:
    """(first code of each type by folded name, every type code in capitals)."""
    types = load_yaml(DATA / "doc_types.yaml")["types"]
    by_name = {fold(t["name"]): str(t["codes"][0]) for t in types if t.get("codes")}
    return by_name, frozenset(str(c).upper() for t in types for c in t.get("codes", []))


def restore_type_code(symbol: str, type_name: str) -> str:
    """A ký hiệu whose type code OCR misread by one letter, given the type the text
    names for it: `650-TR/TU` cited as a Thông báo is `650-TB/TU`. A part that is
    a type code, or not one letter from the named type's code, is left alone.

    >>> restore_type_code("650-TR/TU", "Thông báo"), restore_type_code("42/KB-UBND", "Kế hoạch")
    ('650-TB/TU', '42/KH-UBND')
    >>> restore_type_code("1923/UBND-NC", "Công văn"), restore_type_code("12/NQ-CP", "Quyết định")
    ('1923/UBND-NC', '12/NQ-CP')
    """
    by_name, codes = _type_codes()
    code = by_name.get(fold(type_name))
    part = re.search(r"[^\W\d_][\w&]*", symbol)
    if not code or not part or part.group(0).upper() in codes or len(part.group(0)) != len(code):
        return symbol
    if sum(a != b for a, b in zip(part.group(0).upper(), code.upper())) != 1:
        return symbol
    return symbol[: part.start()] + code + symbol[part.end():]


@functools.cache
def _cased_phrases() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Phrases whose capitals must survive lower-casing, longest first."""
    vocabulary = header_vocabulary()
    phrases = set(vocabulary.get("proper_names", []))
    phrases |= {str(v) for v in abbreviations()["agencies"].values() if str(v)[:1].isupper()}
    ordered = sorted(phrases, key=len, reverse=True)
    # Matched on folded text, so a name OCR'd without marks ("uy ban nhan dan")
    # comes back in its written form too; single words only with their marks.
    return tuple(
        (re.compile(rf"(?<!\w){re.escape(fold(p) if ' ' in p else p.lower())}(?!\w)"), p)
        for p in ordered
    )


def _replace_phrases(text: str) -> str:
    for pattern, phrase in _cased_phrases():
        folded = fold(text)
        subject = folded if " " in phrase else text
        spans = [m.span() for m in pattern.finditer(subject)]
        for start, end in reversed(spans):
            text = text[:start] + phrase + text[end:]
    return text


def _title_word(word: str) -> str:
    return word[:1].upper() + word[1:]


def _respell(text: str) -> str:
    spellings = header_vocabulary().get("spellings", {})
    return re.sub(r"\w+", lambda m: spellings.get(m.group(0), m.group(0)), text)


def _title_case_place(text: str) -> str:
    """Title-case the place name after an administrative level word, which ends the name
    (`tỉnh kon tum` -> `tỉnh Kon Tum`; `tỉnh ủy kon tum` -> `tỉnh ủy Kon Tum`)."""
    vocabulary = header_vocabulary()
    levels = sorted(vocabulary["admin_levels"], key=len, reverse=True)
    not_place = {fold(w) for w in vocabulary.get("not_place_words", [])}
    folded = fold(text)
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(fold(v)) for v in levels)})(?:\s+uy)?\s+(?=\w)")
    for match in pattern.finditer(folded):
        place = text[match.end():]
        first = fold(place.split()[0])
        # "xã hội", "đoàn thể" are not places; a place is a few words.
        if first in not_place or len(place.split()) > 5:
            continue
        return text[: match.end()] + " ".join(_title_word(w) for w in place.split())
    return text


def case_agency_name(text: str) -> str:
    """Write an agency name (often in capitals, often abbreviated) as in running text.

    >>> case_agency_name("UBND TỈNH KON TUM")
    'Ủy ban nhân dân tỉnh Kon Tum'
    >>> case_agency_name("BAN CHỈ ĐẠO CẢI CÁCH HÀNH CHÍNH TỈNH KON TUM")
    'Ban Chỉ đạo Cải cách hành chính tỉnh Kon Tum'
    >>> case_agency_name("SỞ GIÁO DỤC VÀ ĐÀO TẠO")
    'Sở Giáo dục và Đào tạo'
    >>> case_agency_name("UY BAN NHAN DAN TINH KON TUM")
    'Ủy ban nhân dân tinh Kon Tum'
    >>> case_agency_name("BẢO HIỂM XÃ HỘI TỈNH")
    'Bảo hiểm xã hội tỉnh'
    >>> case_agency_name("BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG")
    'Bộ Nông nghiệp và Môi trường'
    >>> case_agency_name("BỘ TÀI CHÍNH"), case_agency_name("CÔNG AN TỈNH")
    ('Bộ Tài chính', 'Công an tỉnh')
    >>> case_agency_name("TỈNH ỦY KON TUM")
    'Tỉnh ủy Kon Tum'
    """
    text = re.sub(r"\s+", " ", expand_abbreviations(text)).strip()
    text = _respell(_lower_words(text))
    text = _title_case_place(text)
    text = _capitalize_after_head(text)
    return _title_word(_replace_phrases(text))


def _lower_words(text: str) -> str:
    """Lower-case every word but document numbers (`07/2024/TT-NHNN` stays)."""
    return " ".join(w if any(c.isdigit() for c in w) else w.lower() for w in text.split())


def case_sentence(text: str) -> str:
    """A subject printed in capitals, as a sentence: lower case but for names and
    document numbers.

    >>> case_sentence("SỬA ĐỔI THÔNG TƯ SỐ 07/2024/TT-NHNN VỀ CẢI CÁCH HÀNH CHÍNH TỈNH LAI CHÂU")
    'Sửa đổi thông tư số 07/2024/TT-NHNN về Cải cách hành chính tỉnh Lai Châu'
    """
    text = _respell(_lower_words(re.sub(r"\s+", " ", text).strip()))
    return _title_word(_replace_phrases(_title_case_place(text)))


def _capitalize_after_head(text: str) -> str:
    """`bộ tài chính` -> `bộ Tài chính`: the name after a head word starts with a capital."""
    vocabulary = header_vocabulary()
    heads = sorted((fold(h) for h in vocabulary["name_after_heads"]), key=len, reverse=True)
    levels = {fold(v).split()[0] for v in vocabulary["admin_levels"]}
    match = re.match(rf"({'|'.join(map(re.escape, heads))})\s+(\w+)", fold(text))
    if not match or match.group(2) in levels:
        return text
    starts = [match.start(2)]
    if match.group(1) in {fold(h) for h in vocabulary["field_name_heads"]}:
        # Each field after "và", "," or " - " begins with a capital, up to a place.
        level_at = min((m.start() for m in re.finditer(r"\w+", fold(text)) if m.group(0) in levels),
                       default=len(text))
        starts += [m.end() for m in re.finditer(r"(?:\bva\b|,| -)\s+", fold(text)) if m.end() < level_at]
    for start in starts:
        text = text[:start] + text[start].upper() + text[start + 1:]
    return text


def case_title(text: str) -> str:
    """A signer's title as in running text (`PHÓ CHỦ TỊCH` -> `Phó Chủ tịch`).

    >>> case_title("PHÓ CHỦ TỊCH")
    'Phó Chủ tịch'
    >>> case_title("TRƯỞNG BAN")
    'Trưởng ban'
    """
    text = re.sub(r"\s+", " ", text).strip()
    known = {fold(t): t for t in header_vocabulary()["titles"]}
    if fold(text) in known:
        return known[fold(text)]
    return case_agency_name(text)
