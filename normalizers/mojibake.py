"""Mojibake: UTF-8 bytes that were read as cp1252 or latin-1 (`á»§` for `ủ`), once or twice.

Every Vietnamese letter outside ASCII is two or three UTF-8 bytes; read one byte per
character they show as a lead character (`Ã Ä Å Æ` or `á` + `º`/`»`) followed by
continuation characters (cp1252 0x80-0xBF). We re-encode exactly those sequences and
decode them as UTF-8, keeping a sequence only when it decodes to one letter or
punctuation mark. Everything else is left alone, so valid Vietnamese (`XÃ`, `các`) and
TCVN3 surfaces (`hoµ`, `th¸ng`, which are not UTF-8 sequences) never change.

ftfy (`ftfy.fix_encoding`) does the same job for general text and is what we compare
against in `benchmarks/repair_encodings.py`; this narrower version never touches text
that is not a UTF-8 byte sequence, which matters next to TCVN3 surfaces.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from normalizers.legacy_fonts import unicode_letters

# cp1252 shows bytes 0x80-0x9F as these characters; latin-1 shows them as C1 controls,
# and a cp1252 reader that falls back to latin-1 shows the five undefined bytes that way.
_CP1252_HIGH = bytes(range(0x80, 0xA0)).decode("cp1252", errors="replace").replace("\ufffd", "")
_CONTINUATION = "[\u0080-\u00bf" + re.escape(_CP1252_HIGH) + "]"
_LEAD2 = "[\u00c2-\u00df]"  # lead byte of a two-byte sequence (U+0080-U+07FF)
_LEAD3 = "[\u00e0-\u00ef]"  # lead byte of a three-byte sequence (U+0800-U+FFFF)
_SEQUENCE = re.compile(f"{_LEAD3}{_CONTINUATION}{{2}}|{_LEAD2}{_CONTINUATION}")

# What a genuine sequence decodes to: a letter, a mark, typographic punctuation, or (in
# mojibake of mojibake) a cp1252 character such as `˜` `¨` or a C1 control for an
# undefined cp1252 byte.
_PLAUSIBLE_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Pd", "Pi", "Pf", "Po", "Ps", "Pe",
                                   "Sc", "Sm", "Sk", "So", "Zs", "Cf", "No", "Co"})
# Two-byte sequences must give Latin, combining marks, Greek or basic Cyrillic (U+0080-047F):
# beyond that a valid `Ô` + `”` (`THỦ ĐÔ”`) would read as U+0514.
_TWO_BYTE_LIMIT = "\u047f"


def _to_byte(char: str) -> int:
    if ord(char) < 0x100:
        return ord(char)
    return char.encode("cp1252")[0]


@functools.lru_cache(maxsize=4096)
def _decode_sequence(seq: str) -> str | None:
    """The character a mojibake sequence stands for, or None if it is not one."""
    try:
        decoded = bytes(_to_byte(c) for c in seq).decode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return None
    if len(decoded) != 1 or (len(seq) == 2 and decoded > _TWO_BYTE_LIMIT):
        return None
    if unicodedata.category(decoded) not in _PLAUSIBLE_CATEGORIES and not "\x80" <= decoded <= "\x9f":
        return None
    return decoded


# Sequences that only ever come from mojibake of Vietnamese: `á»`/`áº` + a byte
# (U+1EA0-1EFF), and ă đ ĩ ũ ơ ư (lead bytes Ä Å Æ). Valid Vietnamese never has them.
# `Ã` + a cp1252 symbol (`XÃ…`, `XÃ”`) is also valid Vietnamese followed by an ellipsis or a
# quote, so it is left out of the evidence (it is still repaired once a text is judged).
_VIETNAMESE_MOJIBAKE = re.compile(f"\u00e1[\u00ba\u00bb]{_CONTINUATION}|[\u00c4\u00c5\u00c6]{_CONTINUATION}"
                                  f"|\u00c3[\u00a0-\u00bf\u0080-\u009f]")
_GATE = re.compile("[\u00c2-\u00c6\u00e1]")


def _fix_once(text: str) -> str:
    def replace(m: re.Match[str]) -> str:
        decoded = _decode_sequence(m.group())
        return decoded if decoded is not None else m.group()

    return _SEQUENCE.sub(replace, text)


def looks_like_mojibake(text: str) -> bool:
    """True when the text holds several UTF-8 sequences shown as cp1252/latin-1.

    >>> looks_like_mojibake("Cá»™ng hoÃ\u00a0xÃ£ há»™i chá»§ nghÄ©a Viá»‡t Nam")
    True
    >>> looks_like_mojibake("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM — “XÃ” các; XÃ….. XÃ…..")
    False
    """
    if text.isascii() or _GATE.search(text) is None:
        return False
    hits = 0
    letters = unicode_letters()
    for m in _VIETNAMESE_MOJIBAKE.finditer(text):
        decoded = _decode_sequence(m.group())
        if decoded in letters or _decode_sequence(text[m.start():m.start() + 3]) in letters:
            hits += 1
            if hits >= 2:
                return True
    return False


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 read as cp1252 or latin-1, repeated while it still applies (double mojibake).

    >>> fix_mojibake("Cá»™ng hÃ²a xÃ£ há»™i chá»§ nghÄ©a Viá»‡t Nam")
    'Cộng hòa xã hội chủ nghĩa Việt Nam'
    >>> fix_mojibake("ChÃ¡Â»Â§ tÃ¡Â»â€¹ch")
    'Chủ tịch'
    """
    for attempt in range(3):
        if attempt and not looks_like_mojibake(text):
            break  # fixed: a second pass would read valid `XÃ…` as `XÅ`
        fixed = _fix_once(text)
        if fixed == text:
            break
        text = fixed
    return text
