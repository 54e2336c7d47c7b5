"""Unicode hygiene: NFC, invisible characters, Latin look-alikes, and a tone-placement key.

Text copied out of Word, PDF and web pages carries characters that look right but do
not match: decomposed letters (NFD), no-break and zero-width spaces, soft hyphens,
Cyrillic `С Р` inside `NĐ-СР`, `Ð` (eth) for `Đ`, PDF ligatures (`ﬁ`). Each is a cheap
detector plus a fix; clean NFC text passes every detector untouched.

Tone placement (`hòa`/`hoà`, `ủy`/`uỷ`) is a matter of style, not damage, so the output
is never rewritten; `tone_key` gives a canonical form for comparing names instead.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from dondoc.langdata import load_tsv, load_yaml

DATA = Path(__file__).parent / "data"
INVISIBLE_PATH = DATA / "invisible_chars.tsv"
LOOKALIKES_PATH = DATA / "lookalikes.tsv"
TONE_PLACEMENT_PATH = DATA / "tone_placement.yaml"


def _char(codepoint: str) -> str:
    return chr(int(codepoint.removeprefix("U+"), 16))


# --- NFC ----------------------------------------------------------------------------

def needs_nfc(text: str) -> bool:
    """True when the text is not in NFC (decomposed marks from macOS or some PDFs).

    >>> needs_nfc("Vie\u0302\u0323t Nam"), needs_nfc("Việt Nam")
    (True, False)
    """
    return not unicodedata.is_normalized("NFC", text)


def to_nfc(text: str) -> str:
    """Compose letters and marks (NFC), the form every later stage expects.

    >>> to_nfc("Vie\u0302\u0323t Nam") == "Việt Nam"
    True
    """
    return unicodedata.normalize("NFC", text)


# --- invisible characters -----------------------------------------------------------

@functools.cache
def _invisible() -> tuple[re.Pattern[str], dict[str, str]]:
    rows = load_tsv(INVISIBLE_PATH)
    table = {_char(r["codepoint"]): (" " if r["replacement"] == "SPACE" else r["replacement"] or "")
             for r in rows}
    return re.compile("[" + "".join(sorted(table)) + "]"), table


def has_invisible_chars(text: str) -> bool:
    """True when the text holds zero-width characters, BOMs, soft hyphens or odd spaces.

    >>> has_invisible_chars("Sở\u00a0Nội\u200bvụ"), has_invisible_chars("Sở Nội vụ")
    (True, False)
    """
    return not text.isascii() and _invisible()[0].search(text) is not None


def remove_invisible_chars(text: str) -> str:
    """Drop zero-width characters, BOMs and soft hyphens; make odd spaces plain spaces.

    >>> remove_invisible_chars("\ufeffSở\u00a0Nội vụ; báo\u00adcáo\u200b")
    'Sở Nội vụ; báocáo'
    """
    pattern, table = _invisible()
    return pattern.sub(lambda m: table[m.group()], text)


# --- look-alikes --------------------------------------------------------------------

@functools.cache
def _lookalikes() -> tuple[re.Pattern[str], dict[str, str], re.Pattern[str], dict[str, str]]:
    """(pattern, table) for characters fixed anywhere, then for those fixed inside Latin words."""
    anywhere, in_latin = {}, {}
    for r in load_tsv(LOOKALIKES_PATH):
        target = anywhere if r["context"] == "any" else in_latin
        target[_char(r["codepoint"])] = r["replacement"]
    return (re.compile("[" + "".join(sorted(anywhere)) + "]"), anywhere,
            re.compile("[" + "".join(sorted(in_latin)) + "]"), in_latin)


_TOKEN = re.compile(r"\S+")
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")


def has_lookalikes(text: str) -> bool:
    """True when the text holds `Ð` for `Đ`, ligatures, or Cyrillic/Greek letters in Latin words.

    >>> has_lookalikes("Nghị định 137/2020/NĐ-СР"), has_lookalikes("Nghị định 137/2020/NĐ-CP")
    (True, False)
    >>> has_lookalikes("Москва")
    False
    """
    if text.isascii():
        return False
    any_pattern, _, latin_pattern, _ = _lookalikes()
    if any_pattern.search(text):
        return True
    # Cyrillic or Greek letters are rare; only then look at the words they sit in.
    return latin_pattern.search(text) is not None and fix_lookalikes(text) != text


def fix_lookalikes(text: str) -> str:
    """Replace look-alike letters by the Latin letters meant; Russian or Greek words stay.

    >>> fix_lookalikes("Nghị định 137/2020/NĐ-СР; ÐIỀU 1; ﬁle; Москва")
    'Nghị định 137/2020/NĐ-CP; ĐIỀU 1; file; Москва'
    """
    any_pattern, anywhere, latin_pattern, in_latin = _lookalikes()
    text = any_pattern.sub(lambda m: anywhere[m.group()], text)

    def fix_token(m: re.Match[str]) -> str:
        token = m.group()
        if latin_pattern.search(token) is None or _LATIN_LETTER.search(token) is None:
            return token
        return latin_pattern.sub(lambda c: in_latin[c.group()], token)

    return _TOKEN.sub(fix_token, text)


# --- tone placement key -------------------------------------------------------------

@functools.cache
def _tone_rules() -> dict[str, object]:
    data = load_yaml(TONE_PLACEMENT_PATH)
    vowels = data["vowels"]
    return {
        "vowels": frozenset(vowels + vowels.upper()),
        "marked": frozenset(data["quality_marked_vowels"] + data["quality_marked_vowels"].upper()),
        "onsets": tuple(data["vowel_like_onsets"]),
        "tones": frozenset(data["tone_marks"]),
    }


_SYLLABLE = re.compile(r"\w+")


def _place_tone(syllable: str) -> str:
    rules = _tone_rules()
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [c for c in decomposed if c in rules["tones"]]
    if len(tones) != 1:
        return syllable  # no tone, or not a Vietnamese syllable: leave it
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in rules["tones"]))
    positions = [i for i, c in enumerate(base) if c in rules["vowels"]]
    if not positions:
        return syllable
    lower = base.lower()
    for onset in rules["onsets"]:
        # `qu` + vowel, `gi` + vowel: the u / i belongs to the onset (quý, giữa), not to `gì`.
        if lower.startswith(onset) and len(positions) > 1 and positions[0] == len(onset) - 1:
            positions = positions[1:]
            break
    # the nucleus is the first run of consecutive vowels
    nucleus = [positions[0]]
    for p in positions[1:]:
        if p != nucleus[-1] + 1:
            break
        nucleus.append(p)
    if len(nucleus) != len(positions) or len(nucleus) > 3:
        return syllable  # two vowel groups (`café`) or more: not one Vietnamese syllable
    marked = [p for p in nucleus if base[p] in rules["marked"]]
    if marked:
        target = marked[-1]
    elif nucleus[-1] + 1 < len(base):  # a final consonant follows
        target = nucleus[-1]
    elif len(nucleus) == 3:
        target = nucleus[1]
    else:
        target = nucleus[0]
    placed = base[:target + 1] + tones[0] + base[target + 1:]
    return unicodedata.normalize("NFC", placed)


def tone_key(text: str) -> str:
    """NFC text with every tone mark on the vowel of the old-style rule (`hòa`, `ủy`), for matching.

    The text itself is never rewritten: letters may use either placement, and names
    are compared through this key.

    >>> tone_key("Uỷ ban nhân dân tỉnh Khánh Hoà") == tone_key("Ủy ban nhân dân tỉnh Khánh Hòa")
    True
    >>> tone_key("Uỷ ban Hoà bình, quý, giữa, khuỷu, hoàng")
    'Ủy ban Hòa bình, quý, giữa, khuỷu, hoàng'
    """
    text = to_nfc(text)
    if text.isascii():
        return text
    return _SYLLABLE.sub(lambda m: _place_tone(m.group()) if not m.group().isascii() else m.group(), text)
