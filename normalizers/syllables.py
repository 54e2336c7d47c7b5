"""Vietnamese syllables: the inventory generated from phonotactics, accent folding,
and the marked forms behind an unmarked key.

Every repair that guesses letters (font-map repair, diacritic restoration) asks
the same two questions: is this string a Vietnamese syllable at all, and which
syllables could it have been. The inventory is generated once from
`data/phonotactics.yaml` (onset + rhyme + tone, with the spelling and tone rules),
so it also knows syllables the training corpus never used; the corpus only
ranks them (`data/syllable_counts.tsv`, written by `data/build_lm.py`).

>>> fold("Ủy ban nhân dân tỉnh Kon Tum")
'Uy ban nhan dan tinh Kon Tum'
>>> is_syllable("tỉnh"), is_syllable("Vißt"), is_syllable("UBND")
(True, False, False)
"""
from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from dondoc.langdata import load_tsv, load_yaml

DATA_DIR = Path(__file__).parent / "data"
PHONOTACTICS_FILE = DATA_DIR / "phonotactics.yaml"
COUNTS_FILE = DATA_DIR / "syllable_counts.tsv"

# Combining tone marks: none, huyền, sắc, ngã, hỏi, nặng.
TONE_MARKS = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
STOP_TONES = ("\u0301", "\u0323")  # the only tones a stop-final syllable takes
QUALITY_VOWELS = "ăâêôơư"
VOWELS = "aăâeêioôơuưy"
FRONT_VOWELS = "iyeê"
# Marks that belong to Vietnamese letters (tones, and the marks of â ê ô, ă, ơ ư).
_VIETNAMESE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")

# A run of letters, as the corpus counts syllables; numbers and punctuation split runs.
WORD_RE = re.compile(r"[^\W\d_]+")


@functools.cache
def _phonotactics() -> dict[str, tuple[str, ...]]:
    """The phonotactics file, each space-separated list split; the empty onset added."""
    rules = {key: tuple(value.split()) for key, value in load_yaml(PHONOTACTICS_FILE).items()}
    rules["onsets"] = ("", *rules["onsets"])
    return rules


def _tone_positions(rhyme: str) -> tuple[int, ...]:
    """Where the tone mark may sit in an unmarked rhyme (indexes into the rhyme).

    >>> _tone_positions("ương"), _tone_positions("oan"), _tone_positions("oa"), _tone_positions("ai")
    ((1,), (1,), (0, 1), (0,))
    """
    marked = [i for i, ch in enumerate(rhyme) if ch in QUALITY_VOWELS]
    if marked:
        return (marked[-1],)  # ươ -> ơ, iê -> ê, uô -> ô
    vowels = [i for i, ch in enumerate(rhyme) if ch in VOWELS]
    if vowels[-1] != len(rhyme) - 1:  # a final consonant follows: the last vowel
        return (vowels[-1],)
    if rhyme in _phonotactics()["either_placement"]:
        return (0, 1)  # hòa / hoà, thủy / thuỷ: both occur in real letters
    if len(vowels) == 3:
        return (vowels[1],)  # oai, uyu, oeo
    return (vowels[0],)  # ai, ao, ia, ua, ui, or a single vowel


def _onset_rhyme_pairs() -> list[tuple[str, str]]:
    """(onset, written rhyme) pairs the spelling rules allow."""
    rules = _phonotactics()
    pairs = []
    for onset in rules["onsets"]:
        for rhyme in (*rules["open_rhymes"], *rules["closed_rhymes"]):
            front = rhyme[0] in FRONT_VOWELS
            if onset in rules["front_only"] and not front:
                continue
            if onset in rules["never_front"] and front:
                continue
            if onset in rules["never_before_e"] and rhyme[0] in "eê":
                continue
            if rhyme in rules["no_onset_only"] and onset:
                continue
            if rhyme in rules["needs_onset"] and not onset:
                continue
            if onset == "gi" and rhyme[0] in "iy":
                continue  # gì, giếng are written g + ì, g + iếng
            if onset == "qu":
                if rhyme.startswith("uy"):
                    rhyme = rhyme[1:]  # quy, quyết: the medial u is the onset's
                elif rhyme[0] in "uoư":
                    continue
            pairs.append((onset, rhyme))
    return pairs


@functools.cache
def inventory() -> frozenset[str]:
    """Every valid lowercase NFC syllable, marked and unmarked (both tone placements
    for the open rhymes oa, oe, uy).

    >>> s = inventory()
    >>> {"tỉnh", "việc", "độc", "của", "quyết", "giữ", "gìn", "hoà", "hòa", "đắk"} <= s
    True
    >>> {"tỉc", "phỉt", "cỉc", "viộc", "kan", "ngyễn"} & s
    set()
    """
    rules = _phonotactics()
    stop_finals = tuple(rules["stop_finals"])
    out: set[str] = set()
    for onset, rhyme in _onset_rhyme_pairs():
        tones = STOP_TONES if rhyme.endswith(stop_finals) else TONE_MARKS
        for tone in tones:
            for pos in _tone_positions(rhyme):
                marked = rhyme[: pos + 1] + tone + rhyme[pos + 1 :]
                out.add(unicodedata.normalize("NFC", onset + marked))
    return frozenset(out)


@functools.cache
def vietnamese_letters() -> frozenset[str]:
    """Every letter that occurs in a syllable, lower and upper case.

    >>> {"ỉ", "Ỉ", "đ", "Đ", "ư"} <= vietnamese_letters(), "ß" in vietnamese_letters()
    (True, False)
    """
    lower = {ch for syl in inventory() for ch in syl}
    return frozenset(lower | {ch.upper() for ch in lower})


@functools.cache
def _fold_table() -> dict[int, str | None]:
    """str.translate table: each Vietnamese letter -> its bare letter; loose marks dropped."""
    table: dict[int, str | None] = {ord(m): None for m in _VIETNAMESE_MARKS}
    table[ord("đ")], table[ord("Đ")] = "d", "D"
    for ch in vietnamese_letters():
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if c not in _VIETNAMESE_MARKS)
        if base != ch and len(base) == 1:
            table[ord(ch)] = base
    return table


def fold(text: str) -> str:
    """Strip every Vietnamese mark (tones and â ê ô ă ơ ư), đ -> d; keep case and the rest.

    Decomposed (NFD) marks are dropped too, so NFD text folds the same.

    >>> fold("Đẩy mạnh cải cách hành chính, Đắk Lắk 2023–2030")
    'Day manh cai cach hanh chinh, Dak Lak 2023–2030'
    """
    return text.translate(_fold_table())


def is_syllable(token: str) -> bool:
    """True if `token` is one Vietnamese syllable, in lower, UPPER or Title case (NFC).

    A case break inside the word (`TàNH`) is not a syllable: real letters never
    write that, font-damaged ones often do.

    >>> [is_syllable(t) for t in ("tỉnh", "TỈNH", "Tỉnh", "TàNH", "vißc", "UBND", "hoà", "tánh")]
    [True, True, True, False, False, False, True, True]
    """
    low = token.lower()
    if low not in inventory():
        return False
    return token == low or token == token.upper() or (token[0].isupper() and token[1:] == low[1:])


@functools.cache
def syllable_counts() -> dict[str, int]:
    """Corpus counts of lowercase syllables (training documents only; see data/build_lm.py)."""
    if not COUNTS_FILE.exists():
        return {}
    return {row["syllable"]: int(row["count"]) for row in load_tsv(COUNTS_FILE)}


@functools.cache
def _forms_by_key() -> dict[str, tuple[str, ...]]:
    counts = syllable_counts()
    groups: dict[str, list[str]] = {}
    for syl in inventory():
        groups.setdefault(fold(syl), []).append(syl)
    return {
        key: tuple(sorted(forms, key=lambda s: (-counts.get(s, 0), s)))
        for key, forms in groups.items()
    }


def marked_forms(folded: str) -> tuple[str, ...]:
    """All valid lowercase syllables whose fold is `folded`, most frequent first.

    >>> marked_forms("tinh")[:3]
    ('tỉnh', 'tính', 'tình')
    >>> marked_forms("ubnd")
    ()
    """
    return _forms_by_key().get(folded.lower(), ())


def syllable_tokens(text: str) -> list[tuple[int, int, str]]:
    """Letter runs of `text` as (start, end, token); numbers and punctuation split them.

    >>> syllable_tokens("Số: 42/KH-UBND tỉnh")
    [(0, 2, 'Số'), (7, 9, 'KH'), (10, 14, 'UBND'), (15, 19, 'tỉnh')]
    """
    return [(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(text)]
