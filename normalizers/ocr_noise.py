"""OCR noise in accent-less scans: which syllables a garbled token could have been.

A Vietnamese scan read without the Vietnamese OCR model loses its marks and turns
some letters into digits or symbols (`S6` for `Số`, `nwéc` for `nước`, `cir` for
`cứ`, `1anh` for `lãnh`, `¢`/`¥` for `ở`/`ý`). This module only proposes: for a
folded token it lists the folded syllables reachable within a couple of glyph
confusions (`normalizers/data/ocr_confusions.yaml`), each with its edit cost.
The diacritics restorer (`normalizers.diacritics`) then lets the syllable
language model choose among them and among their marked forms, in context.

Numbers are not words: a token made only of digits is never a candidate, so a
digit only changes when it sits inside a word (`s6`, `c6`, `t6t`).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from dondoc.langdata import load_yaml

CONFUSIONS_PATH = Path(__file__).parent / "data" / "ocr_confusions.yaml"

MAX_EDITS = 2  # more edits reach too many unrelated syllables to be worth it
MAX_TOKEN_LENGTH = 10  # no Vietnamese syllable is longer ("nghiêng" has 7 letters)


@dataclass(frozen=True, slots=True)
class Confusions:
    """Glyph confusions: OCR string -> ((true string, cost), ...), plus insertions."""

    substitutions: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]
    insertions: tuple[tuple[str, float], ...]
    symbols: frozenset[str]  # non-letter glyphs that may stand for letters


@functools.cache
def load_confusions(path: Path = CONFUSIONS_PATH) -> Confusions:
    data = load_yaml(path)
    subs: dict[str, list[tuple[str, float]]] = {}
    for rule in data["substitutions"]:
        ocr = str(rule["ocr"])
        subs.setdefault(ocr, []).extend((str(t), float(rule["cost"])) for t in rule["was"])
    inserts = tuple((str(r["was"]), float(r["cost"])) for r in data.get("insertions", ()))
    symbols = frozenset(ch for ocr in subs for ch in ocr if not ch.isalpha())
    return Confusions(tuple((k, tuple(v)) for k, v in subs.items()), inserts, symbols)


def has_noise_glyph(token: str) -> bool:
    """True when a token mixes letters with digits or OCR symbols.

    >>> has_noise_glyph("s6"), has_noise_glyph("nwéc"), has_noise_glyph("2023")
    (True, False, False)
    """
    symbols = load_confusions().symbols
    has_letter = any(ch.isalpha() for ch in token)
    has_glyph = any(ch in symbols for ch in token)
    return has_glyph and (has_letter or len(token) == 1) and not token.isdigit()


def _edits(word: str, confusions: Confusions) -> list[tuple[str, float]]:
    """Every string one confusion away from `word`, with the confusion's cost."""
    out: list[tuple[str, float]] = []
    for i in range(len(word)):
        for ocr, choices in confusions.substitutions:
            if word.startswith(ocr, i):
                for true, cost in choices:
                    out.append((word[:i] + true + word[i + len(ocr):], cost))
    for i in range(1, len(word) + 1):  # a dropped letter is never the first one
        for true, cost in confusions.insertions:
            out.append((word[:i] + true + word[i:], cost))
    return out


def repair_candidates(
    folded: str,
    is_folded_syllable: Callable[[str], bool],
    max_edits: int = MAX_EDITS,
) -> tuple[tuple[str, float], ...]:
    """Folded syllables within `max_edits` confusions of a folded OCR token, cheapest first.

    `folded` is lowercase without marks (`nwec` for `nwéc`); `is_folded_syllable`
    says whether a folded string is a real syllable. Only non-syllables are worth
    asking about; a valid syllable is returned at cost 0 with its neighbours.

    >>> known = {"so", "nuoc", "cu", "lanh", "o"}.__contains__
    >>> repair_candidates("s6", known)
    (('so', 1.0),)
    >>> repair_candidates("nwec", known)
    (('nuoc', 2.5),)
    >>> repair_candidates("2023", known)
    ()
    """
    if folded.isdigit() or len(folded) > MAX_TOKEN_LENGTH:
        return ()
    return _repair_candidates(folded, is_folded_syllable, max_edits)


@functools.lru_cache(maxsize=65536)
def _repair_candidates(
    folded: str, is_folded_syllable: Callable[[str], bool], max_edits: int
) -> tuple[tuple[str, float], ...]:
    confusions = load_confusions()
    best: dict[str, float] = {}
    frontier = {folded: 0.0}
    for _ in range(max_edits):
        reached: dict[str, float] = {}
        for word, cost in frontier.items():
            for edited, step in _edits(word, confusions):
                total = cost + step
                if edited and total < reached.get(edited, float("inf")):
                    reached[edited] = total
        for word, cost in reached.items():
            if is_folded_syllable(word) and cost < best.get(word, float("inf")):
                best[word] = cost
        frontier = reached
    if is_folded_syllable(folded):
        best[folded] = 0.0
    return tuple(sorted(best.items(), key=lambda kv: (kv[1], kv[0])))
