"""Legacy Vietnamese encodings: TCVN3 (ABC), VNI-Windows and VIQR, back to Unicode.

Before Unicode, Vietnamese letters were typed in 8-bit fonts. TCVN3 (`.VnTime`)
gives each letter one byte; VNI (`VNI-Times`) gives a base letter followed by one
or two mark bytes; VIQR writes marks as ASCII after the letter (`Vie^.t`). Read as
cp1252, such text shows its "surface" (`Céng hoµ x· héi` for `Cộng hoà xã hội`).
The tables (`data/legacy_tables.json`, from UniKey) map each Unicode letter to its
surface; we invert them.

Two entry points:
- In a Word file a run's font says its encoding: `encoding_of_font` and `decode_run`.
- In a text file we only have the text: `looks_like_tcvn3` / `looks_like_vni` /
  `looks_like_viqr` score characters that Vietnamese Unicode never uses, and only a
  text whose surface is clearly legacy is decoded, so clean text never changes.

TCVN3's upper-case fonts (`.VnTimeH`) draw capitals for bytes typed in lower case;
we keep the case as typed (the transcripts do too).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from dondoc.langdata import load_json, load_yaml
from normalizers.syllables import syllable_counts

DATA = Path(__file__).parent / "data"
TABLES_PATH = DATA / "legacy_tables.json"
FONTS_PATH = DATA / "legacy_fonts.yaml"
_TONE_MARKS = frozenset(load_yaml(DATA / "tone_placement.yaml")["tone_marks"])

# Letters Vietnamese Unicode text uses beyond Latin-1: ă đ ĩ ũ ơ ư and U+1EA0-1EF9.
# Legacy surfaces never contain them, so they vote for "already Unicode".
_VIETNAMESE_UNICODE = re.compile("[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169"
                                 "\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")


# --- tables -------------------------------------------------------------------------

@functools.cache
def _table(encoding: str) -> dict[str, str]:
    """Unicode letter -> legacy surface, as shipped."""
    return load_json(TABLES_PATH)[encoding]


@functools.cache
def unicode_letters() -> frozenset[str]:
    """The Vietnamese alphabet in Unicode (upper and lower case), from the tables.

    >>> "ư" in unicode_letters() and "Å" not in unicode_letters()
    True
    """
    return frozenset(_table("tcvn3"))


@functools.cache
def _decoder(encoding: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """A regex matching any legacy surface (longest first) and surface -> Unicode.

    Where two letters share a surface (TCVN3 has no upper-case `Á`: both `Á` and `á`
    are `¸`), the lower-case letter wins, which is what was typed.
    """
    table = _table(encoding)
    decode: dict[str, str] = {}
    for letter, surface in table.items():
        if surface not in decode or letter.islower():
            decode[surface] = letter
    # `ý` is its own TCVN3 surface; it must not become `Ý` just because `Ý` shares it
    decode = {surface: letter for surface, letter in decode.items() if surface != letter}
    if encoding == "vni":
        # VNI mark bytes come in an upper- and a lower-case shape; typists mix them
        # (`Aù`, `oÄ`). The base letter decides the case of the result.
        for surface, letter in list(decode.items()):
            if len(surface) < 2:
                continue
            base, marks = surface[0], surface[1:]
            for variant in (base + marks.swapcase(), base + marks.upper(), base + marks.lower()):
                if variant not in decode and variant not in table.values():
                    decode[variant] = letter
    surfaces = sorted(decode, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(s) for s in surfaces))
    return pattern, decode


@functools.cache
def _strong_chars(encoding: str) -> frozenset[str]:
    """Non-ASCII characters of the encoding's surfaces that no Vietnamese Unicode letter is."""
    table = _table(encoding)
    letters = set("".join(table))
    return frozenset(c for s in table.values() for c in s if ord(c) > 127 and c not in letters)


@functools.cache
def _detectors() -> dict[str, re.Pattern[str]]:
    """Regexes counting evidence for each encoding, built from the tables."""
    tcvn3, vni = _strong_chars("tcvn3"), _strong_chars("vni")
    tcvn3_only = "".join(sorted(tcvn3 - vni))
    vni_marks = "".join(sorted(vni))
    vni_bases = "".join(sorted({s[0] for s in _table("vni").values() if len(s) > 1}))
    any_strong = "".join(sorted(tcvn3 | vni))
    viqr_marks = sorted({s[1] for s in _table("viqr").values() if len(s) > 1} - set("'?.D"))
    viqr_bases = "".join(sorted({s[0] for s in _table("viqr").values() if len(s) > 1} - set("Dd")))
    return {
        "any": re.compile(f"[{re.escape(any_strong)}]"),
        # a TCVN3-only byte touching a letter: `hoµ`, `th¸ng`, `®Þnh`
        "tcvn3": re.compile(f"(?<=[A-Za-z{re.escape(any_strong)}])[{re.escape(tcvn3_only)}]"
                            f"|[{re.escape(tcvn3_only)}](?=[A-Za-z])"),
        # a VNI mark byte right after a base vowel: `aø`, `eä`, `Ñoäc`
        "vni": re.compile(f"[{re.escape(vni_bases)}][{re.escape(vni_marks)}]|\\b[\u00d1\u00f1](?=[A-Za-z])"),
        # a VIQR modifier or grave/tilde right after a vowel, inside a word: `Vie^.t`, `la`m`
        "viqr": re.compile(f"[{re.escape(viqr_bases)}][{re.escape(''.join(viqr_marks))}]"
                           f"(?=[A-Za-z'`?~.^(+]|\\s)"),
    }


# --- fonts (Word runs) --------------------------------------------------------------

@functools.cache
def _font_patterns() -> dict[str, tuple[re.Pattern[str], ...]]:
    data = load_yaml(FONTS_PATH)
    return {key: tuple(re.compile(p, re.IGNORECASE) for p in data[key]) for key in data}


@functools.cache
def encoding_of_font(font: str | None) -> str | None:
    """'tcvn3' for .VnTime-family fonts, 'vni' for VNI-* fonts, else None.

    >>> encoding_of_font(".VnTimeH"), encoding_of_font("VNI-Times"), encoding_of_font("Times New Roman")
    ('tcvn3', 'vni', None)
    """
    if not font:
        return None
    name = font.strip()
    patterns = _font_patterns()
    for encoding in ("vni", "tcvn3"):
        if any(p.match(name) for p in patterns[encoding]):
            return encoding
    return None


def is_uppercase_font(font: str | None) -> bool:
    """True for TCVN3 fonts that draw capitals (`.VnTimeH`).

    >>> is_uppercase_font(".VnTimeH"), is_uppercase_font(".VnTime")
    (True, False)
    """
    return bool(font) and any(p.match(font.strip()) for p in _font_patterns()["tcvn3_uppercase"])


def decode_run(text: str, font: str | None) -> str:
    """Decode one Word run by its font; text in any other font is returned as is.

    The case is kept as typed, also for upper-case fonts (see the module docstring).

    >>> decode_run("céng hoµ x· héi", ".VnTimeH")
    'cộng hoà xã hội'
    >>> decode_run("Ñoäc laäp", "VNI-Times")
    'Độc lập'
    >>> decode_run("\uf0ae\uf0c9\uf06e", ".VnTime")  # the same bytes at U+F000 + byte
    'đẫn'
    >>> decode_run("Cộng hòa xã hội", ".VnTime")  # converted to Unicode, font name kept
    'Cộng hòa xã hội'
    """
    encoding = encoding_of_font(font)
    if encoding is None:
        return text
    # Word stores text of fonts it treats as symbol fonts at U+F000 + byte.
    text = text.translate(_PRIVATE_USE_BYTES)
    if _is_unicode_already(text, encoding):
        return text
    return decode_tcvn3(text) if encoding == "tcvn3" else decode_vni(text)


_PRIVATE_USE_BYTES = {0xF000 + b: b for b in range(0x20, 0x100)}


def _is_unicode_already(text: str, encoding: str) -> bool:
    """A run converted to Unicode that kept its old font name (`Cộng hòa` in `.VnTime`):
    more Vietnamese-only Unicode letters than bytes of the legacy encoding.

    >>> _is_unicode_already("Cộng hòa xã hội", "tcvn3"), _is_unicode_already("Céng hoµ x· héi", "tcvn3")
    (True, False)
    """
    unicode_letters_found = len(_VIETNAMESE_UNICODE.findall(text))
    if not unicode_letters_found:
        return False
    strong = _strong_chars(encoding)
    return unicode_letters_found > sum(1 for c in text if c in strong)


# --- detection on text alone --------------------------------------------------------

def legacy_evidence(text: str) -> dict[str, int]:
    """Counts of evidence for TCVN3, VNI and Vietnamese Unicode in `text`.

    >>> legacy_evidence("Céng hoµ x· héi chñ nghÜa ViÖt Nam")["tcvn3"] > 0
    True
    """
    detectors = _detectors()
    return {
        "tcvn3": len(detectors["tcvn3"].findall(text)),
        "vni": len(detectors["vni"].findall(text)),
        "unicode": len(_VIETNAMESE_UNICODE.findall(text)),
    }


def _has_legacy_chars(text: str) -> bool:
    """Cheap gate: ASCII text and text without any legacy-only byte take the fast path."""
    return not text.isascii() and _detectors()["any"].search(text) is not None


def _enough(hits: int, text: str) -> bool:
    # A few stray symbols (`µg`, `§ 3`) must not convert a document: ask for at least
    # three hits and one per 50 words, well under the one-in-two of real legacy text.
    return hits >= 3 and hits * 50 >= text.count(" ") + 1


def looks_like_tcvn3(text: str) -> bool:
    """True when the text reads as TCVN3 bytes shown in cp1252.

    >>> looks_like_tcvn3("Céng hoµ x· héi chñ nghÜa ViÖt Nam, §éc lËp - Tù do - H¹nh phóc")
    True
    >>> looks_like_tcvn3("Cộng hoà xã hội chủ nghĩa Việt Nam, liều 400 µg.")
    False
    """
    if not _has_legacy_chars(text):
        return False
    ev = legacy_evidence(text)
    return _enough(ev["tcvn3"], text) and ev["tcvn3"] > ev["unicode"] and ev["tcvn3"] * 2 >= ev["vni"]


def looks_like_vni(text: str) -> bool:
    """True when the text reads as VNI-Windows bytes shown in cp1252.

    >>> looks_like_vni("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM - Ñoäc laäp - Töï do - Haïnh phuùc")
    True
    >>> looks_like_vni("Cộng hoà xã hội chủ nghĩa Việt Nam")
    False
    """
    if not _has_legacy_chars(text):
        return False
    ev = legacy_evidence(text)
    return _enough(ev["vni"], text) and ev["vni"] > ev["unicode"] and ev["vni"] > ev["tcvn3"] * 2


def looks_like_viqr(text: str) -> bool:
    """True when Vietnamese is written in VIQR (`Vie^.t Nam`); ordinary `?` `.` `'` never count.

    >>> looks_like_viqr("Co^.ng ho`a xa~ ho^.i chu? nghi~a Vie^.t Nam")
    True
    >>> looks_like_viqr("Anh ấy nói: 'Có phải không?' Rồi đi. (xem mục a) và b))")
    False
    """
    hits = len(_detectors()["viqr"].findall(text))
    if hits < 3:
        return False
    return _enough(hits, text) and hits > len(_VIETNAMESE_UNICODE.findall(text))


# --- encoding (to damage clean text in tests and benchmarks) -------------------------

def encode_legacy(text: str, encoding: str) -> str:
    """Unicode NFC -> the legacy surface ('tcvn3', 'vni' or 'viqr'), as a cp1252 reader shows it.

    >>> encode_legacy("Cộng hoà xã hội", "tcvn3")
    'Céng hoµ x· héi'
    """
    table = _table(encoding)
    return "".join(table.get(c, c) for c in text)


# --- decoding -----------------------------------------------------------------------

_TOKEN = re.compile(r"\S+")


def _decode(text: str, encoding: str) -> str:
    pattern, decode = _decoder(encoding)

    def decode_all(t: str) -> str:
        return pattern.sub(lambda m: decode[m.group()], t)

    if _VIETNAMESE_UNICODE.search(text) is None:
        return decode_all(text)
    # Mixed text (a run whose font was missed, next to decoded runs): words that already
    # hold ư ơ đ ă ĩ ũ or U+1EA0-1EF9 are Unicode, since no legacy surface has them.
    return _TOKEN.sub(lambda m: m.group() if _VIETNAMESE_UNICODE.search(m.group()) else decode_all(m.group()), text)


_WORD = re.compile(r"\w+")


def _restore_capitals(word: re.Match[str]) -> str:
    # TCVN3 has no upper-case code for most marked letters, so `TH¸NG` decodes to
    # `THáNG`. A word whose other letters are all capitals (at least two) was meant in
    # capitals. Lower-case words typed for an upper-case font (`céng hoµ`) stay as typed.
    w = word.group()
    upper = sum(c.isupper() for c in w)
    if upper >= 2 and not any(c.islower() and c.isascii() for c in w) and not w.isupper():
        return w.upper()
    return w


def decode_tcvn3(text: str) -> str:
    """TCVN3 (ABC) surface -> Unicode NFC; all-capital words keep their capitals.

    >>> decode_tcvn3("Céng hoµ x· héi chñ nghÜa ViÖt Nam")
    'Cộng hoà xã hội chủ nghĩa Việt Nam'
    >>> decode_tcvn3("QUYÕT §ÞNH vÒ viÖc giao chØ tiªu")
    'QUYẾT ĐỊNH về việc giao chỉ tiêu'
    >>> decode_tcvn3("B¸O C¸O §ÞNH Kú VÒ B¶O Hé LAO §éNG")
    'BÁO CÁO ĐỊNH KỲ VỀ BẢO HỘ LAO ĐỘNG'
    """
    return _capitalise_beside_capitals(
        _capitalise_between_capitals(_WORD.sub(_restore_capitals, _decode(text, "tcvn3"))))


def _capitalise_beside_capitals(text: str) -> str:
    """`ñY BAN` decodes to `ủY BAN`: a word of capitals and marked lower-case letters
    only (TCVN3 has no toned capitals), beside an all-capital word on the same line,
    was meant in capitals.

    >>> _capitalise_beside_capitals("**ủY BAN NHÂN DÂN\\nTỈNH KON TUM**")
    '**ỦY BAN NHÂN DÂN\\nTỈNH KON TUM**'
    >>> _capitalise_beside_capitals("Bộ trưởng Bộ Tài chính")
    'Bộ trưởng Bộ Tài chính'
    """
    words = list(_WORD.finditer(text))
    out, last = [], 0
    for i, word in enumerate(words):
        w = word.group()
        if not _capitals_and_marked(w):
            continue
        neighbours = [words[k] for k in (i - 1, i + 1) if 0 <= k < len(words)]
        if any(_all_capitals(n.group()) and "\n" not in text[min(n.end(), word.end()):max(n.start(), word.start())]
               for n in neighbours):
            out.append(text[last:word.start()])
            out.append(w.upper())
            last = word.end()
    out.append(text[last:])
    return "".join(out)


def _capitals_and_marked(word: str) -> bool:
    lower = [c for c in word if c.islower()]
    return (any(c.isupper() for c in word) and bool(lower) and word.isalpha()
            and all(not c.isascii() for c in lower))


def _capitalise_between_capitals(text: str) -> str:
    # `CñA Bé TR­ëNG` -> `CỦA BỘ TRƯỞNG`, `§ÞNH Kú VÒ B¶O Hé` -> `ĐỊNH KỲ VỀ BẢO HỘ`: words of a
    # capital plus marked lower-case letters only (`Bộ`, `Kỳ`, `Về`) between two all-capital
    # words on the same line were meant in capitals too.
    words = list(_WORD.finditer(text))
    parts, last, i = [], 0, 1
    while i < len(words) - 1:
        j = i
        while j < len(words) - 1 and _capital_then_marked(words[j].group()):
            j += 1
        if (j > i and _all_capitals(words[i - 1].group()) and _all_capitals(words[j].group())
                and "\n" not in text[words[i - 1].end():words[j].start()]):
            for k in range(i, j):
                parts.append(text[last:words[k].start()])
                parts.append(words[k].group().upper())
                last = words[k].end()
        i = max(j, i + 1)
    parts.append(text[last:])
    return "".join(parts)


def _capital_then_marked(word: str) -> bool:
    return len(word) >= 2 and word[0].isupper() and all(c.islower() and not c.isascii() for c in word[1:])


def _all_capitals(word: str) -> bool:
    return len(word) >= 2 and word.isalpha() and word.isupper()


def decode_vni(text: str) -> str:
    """VNI-Windows surface -> Unicode NFC.

    >>> decode_vni("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM")
    'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'
    """
    return _decode(text, "vni")


@functools.cache
def _viqr_decoder() -> tuple[re.Pattern[str], dict[str, str]]:
    """A regex over VIQR surfaces (longest first, `dd` only at a word start, `\\` escapes)."""
    _, decode = _decoder("viqr")
    surfaces = sorted(decode, key=len, reverse=True)
    alternatives = [r"\\[\^(+`~'?.]"]
    alternatives += [re.escape(s) for s in surfaces if not s.lower().startswith("dd")]
    # đ is `dd` at a word start; capital `DD` also inside capitals (`NDD-CP`, `QDD-UBND`)
    alternatives += [r"\b(?:" + "|".join(re.escape(s) for s in surfaces if s.lower().startswith("dd")) + ")"]
    alternatives += [r"(?<=[A-Z])DD"]
    return re.compile("|".join(alternatives)), decode


def _viqr_mark_is_tone(text: str, start: int, end: int) -> bool:
    """Whether a word-final `?` or `.` is a tone mark (hook, dot below) or punctuation.

    Inside a word, before other punctuation (`tri. -`, `su+..`) or before a lower-case
    word it is a tone. Before a line end, the text end, or a capital (`Bo^. Co^ng an`
    against `ra. Sau`), the commoner syllable in the corpus decides; in an all-capital
    word (`CHU? NGHI~A`, `BO^.`) it is a tone.
    """
    following = text[end:end + 1]
    if following and (following.isalpha() or following in ".,;:!?)\"'-"):
        return True
    rest = text[end:end + 40].lstrip(" \t")
    if following in (" ", "\t") and rest and not (rest[0].isupper() or rest[0].isdigit() or rest[0] in "\r\n"):
        return True
    word_start = start
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] in "^(+`~'"):
        word_start -= 1
    stem = _viqr_plain(text[word_start:end - 1])
    if any(c in _TONE_MARKS for c in unicodedata.normalize("NFD", stem)):
        return False  # a syllable carries one tone; this one has it already (`NGHI~A.`)
    if len(stem) > 1 and stem.isupper():
        return True
    marked = _viqr_plain(text[word_start:end])
    counts = syllable_counts()
    return counts.get(marked.lower(), 0) > counts.get(stem.lower(), 0)


def _viqr_plain(text: str) -> str:
    """Decode VIQR without looking at context (for one word)."""
    pattern, decode = _viqr_decoder()
    return pattern.sub(lambda m: m.group()[1] if m.group().startswith("\\") else decode[m.group()], text)


def decode_viqr(text: str) -> str:
    """VIQR (RFC 1456) -> Unicode NFC; sentence punctuation is left alone.

    >>> decode_viqr("Ha` No^.i, nga`y 5 tha'ng 3. DDe^` nghi.? Co' the^? la`m.")
    'Hà Nội, ngày 5 tháng 3. Đề nghị? Có thể làm.'
    >>> decode_viqr("CO^.NG HO`A XA~ HO^.I CHU? NGHI~A. Ba?n ke^'t lua^.n. Ta.i ddie^?m 2.")
    'CỘNG HÒA XÃ HỘI CHỦ NGHĨA. Bản kết luận. Tại điểm 2.'
    """
    pattern, decode = _viqr_decoder()

    def replace(m: re.Match[str]) -> str:
        s = m.group()
        if s.startswith("\\"):
            return s[1]
        if s == "DD":
            return decode["DD"]
        if s[-1] in "?." and not _viqr_mark_is_tone(text, m.start(), m.end()):
            return decode.get(s[:-1], s[:-1]) + s[-1]
        return decode[s]

    return pattern.sub(replace, text)
