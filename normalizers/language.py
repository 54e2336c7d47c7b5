"""Is this text Vietnamese? A cheap check so that a letter in another language is put
aside with a clear reason instead of yielding an empty, misleading row."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path


from dondoc.langdata import load_yaml

_DATA = Path(__file__).parent / "data" / "function_words.yaml"
_WORD = re.compile(r"[^\W\d_]+")
MIN_WORDS = 30  # below this we cannot tell; short texts pass
MIN_SHARE = 0.12  # share of function words in running Vietnamese is ~0.3


def _fold(text: str) -> str:
    """Lower case without marks, fast (NFD in C, then drop what is not ASCII)."""
    text = text.lower().replace("đ", "d")
    return unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode("ascii")


def function_word_share(text: str) -> tuple[int, float]:
    words = _WORD.findall(_fold(text[:20000]))
    if not words:
        return 0, 0.0
    vocabulary = set(load_yaml(_DATA)["folded"])
    return len(words), sum(w in vocabulary for w in words) / len(words)


def looks_vietnamese(text: str) -> bool:
    """True unless a long text has too few Vietnamese function words.

    >>> looks_vietnamese("Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành thực hiện")
    True
    >>> looks_vietnamese("The committee asks every department to report on the plan " * 5)
    False
    """
    count, share = function_word_share(text)
    return count < MIN_WORDS or share >= MIN_SHARE
